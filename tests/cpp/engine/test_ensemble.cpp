// Ensembles and scenario comparison: determinism for any thread count and
// in batches, common random numbers, the paired metrics and additionality,
// streaming summaries and cancellation.
#include <msmesim/msmesim.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "ensembles/streaming.hpp"
#include "support.hpp"

namespace msmesim {
namespace {

const Population& bogor() {
  static const Population pop = generate_population(presets::bogor_population_spec(6000), 5, 2);
  return pop;
}

Scenario base_scenario(int months = 18) {
  Scenario sc = test::covid_without_relief(months);
  sc.name = "baseline";
  return sc;
}

Scenario grant_scenario(double budget, int months = 18, const std::string& name = "grant") {
  Scenario sc = base_scenario(months);
  sc.name = name;
  Programme p;
  p.name = "bpum";
  p.kind = ProgrammeKind::cash_grant;
  p.budget_rp = budget;
  p.start = {2020, 4};
  p.end = {2020, 12};
  p.eligibility.classes = {SizeClass::micro};
  p.amount_rp = 6e6;
  sc.programmes = {p};
  return sc;
}

bool same_tables(const EnsembleResult& a, const EnsembleResult& b) {
  bool ok = a.replications == b.replications && a.series.size() == b.series.size();
  for (std::size_t t = 0; ok && t < a.series.size(); ++t)
    ok = test::tables_identical(a.series[t].second, b.series[t].second, "series " + a.series[t].first);
  return ok && test::tables_identical(a.outcomes, b.outcomes, "outcomes") &&
         test::tables_identical(a.comparison, b.comparison, "comparison") &&
         test::tables_identical(a.comparison_by_group, b.comparison_by_group, "comparison_by_group") &&
         test::tables_identical(a.additionality, b.additionality, "additionality");
}

/// Rows of a long table as (scenario, metric) -> column value.
double cell(const Table& t, const std::string& scenario, const std::string& metric, const std::string& column) {
  const Column& s = t.column("scenario");
  const Column& m = t.column("metric");
  for (std::size_t i = 0; i < t.rows(); ++i)
    if (s.text(i) == scenario && m.text(i) == metric) return t.column(column).number(i);
  ADD_FAILURE() << "no row " << scenario << "/" << metric;
  return std::nan("");
}

TEST(Ensemble, AnyThreadCountAndAnyBatchingGiveTheSameResult) {
  const std::vector<Scenario> sc{base_scenario(), grant_scenario(2e9)};
  EnsembleOptions one;
  one.threads = 1;
  one.exact_quantiles_up_to = 2;  // exercise the streaming quantiles too
  EnsembleOptions two = one;
  two.threads = 2;
  const EnsembleResult a = run_ensemble(bogor(), sc, 5, one);
  const EnsembleResult b = run_ensemble(bogor(), sc, 5, two);
  EXPECT_TRUE(same_tables(a, b));
  Ensemble batched(bogor(), sc, two);
  batched.run(2);
  batched.run(3);
  EXPECT_TRUE(same_tables(a, batched.result()));
  EXPECT_EQ(a.replications, 5u);
}

TEST(Ensemble, IdenticalScenariosSaveExactlyNothingUnderCommonRandomNumbers) {
  Scenario copy = base_scenario();
  copy.name = "copy";
  const EnsembleResult r = run_ensemble(bogor(), {base_scenario(), copy}, 3);
  for (const char* m : {"firms_saved", "jobs_saved", "net_cost_rp", "class_advancements"}) {
    EXPECT_EQ(cell(r.comparison, "copy", m, "mean"), 0.0) << m;
    EXPECT_EQ(cell(r.comparison, "copy", m, "sd"), 0.0) << m;
  }
  EnsembleOptions indep;
  indep.common_random_numbers = false;
  const EnsembleResult q = run_ensemble(bogor(), {base_scenario(), copy}, 3, indep);
  EXPECT_GT(cell(q.comparison, "copy", "firms_saved", "sd"), 0.0);
}

TEST(Ensemble, CommonRandomNumbersNarrowTheIntervalOfFirmsSaved) {
  // At 30,000 firms the closures of two independent runs differ by far more
  // than the firms a grant saves; paired runs see only the grant's effect.
  static const Population pop = generate_population(presets::bogor_population_spec(30000), 5, 2);
  const std::vector<Scenario> sc{base_scenario(12), grant_scenario(1e10, 12)};
  EnsembleOptions crn, indep;
  indep.common_random_numbers = false;
  crn.threads = indep.threads = 2;
  const EnsembleResult a = run_ensemble(pop, sc, 10, crn);
  const EnsembleResult b = run_ensemble(pop, sc, 10, indep);
  const double wa = cell(a.comparison, "grant", "firms_saved", "ci_high") - cell(a.comparison, "grant", "firms_saved", "ci_low");
  const double wb = cell(b.comparison, "grant", "firms_saved", "ci_high") - cell(b.comparison, "grant", "firms_saved", "ci_low");
  std::cout << "[ crn ] 90% CI width of firms saved: common " << wa << ", independent " << wb << ", ratio "
            << wb / wa << "\n";
  EXPECT_GT(cell(a.comparison, "grant", "firms_saved", "mean"), 0.0);
  EXPECT_GT(wb, 3.0 * wa);
}

TEST(Ensemble, PairedMetricsAreDifferencesOfTheLevelsInTheSameReplication) {
  const EnsembleResult r = run_ensemble(bogor(), {base_scenario(), grant_scenario(2e9)}, 3);
  const Table& o = r.outcomes;
  auto value = [&](double rep, const std::string& s, const std::string& m) {
    for (std::size_t i = 0; i < o.rows(); ++i)
      if (o.column("replication").number(i) == rep && o.column("scenario").text(i) == s &&
          o.column("metric").text(i) == m)
        return o.column("value").number(i);
    ADD_FAILURE() << "no outcome " << rep << " " << s << " " << m;
    return std::nan("");
  };
  for (double rep : {0.0, 1.0, 2.0}) {
    EXPECT_EQ(value(rep, "grant", "firms_saved"),
              value(rep, "baseline", "closed_firms_end") - value(rep, "grant", "closed_firms_end"));
    EXPECT_EQ(value(rep, "grant", "jobs_saved"),
              value(rep, "grant", "employment_end") - value(rep, "baseline", "employment_end"));
    EXPECT_EQ(value(rep, "grant", "net_cost_rp"), value(rep, "grant", "spent_rp"));
    EXPECT_EQ(value(rep, "grant", "recovery_months_gained"),
              value(rep, "baseline", "months_to_recover") - value(rep, "grant", "months_to_recover"));
    EXPECT_EQ(value(rep, "grant", "class_advancements"),
              value(rep, "grant", "upgrades") - value(rep, "baseline", "upgrades"));
    EXPECT_LE(value(rep, "grant", "spent_rp"), 2e9);
    // Only micro firms are eligible: all the money reaches micro firms.
    EXPECT_EQ(value(rep, "grant", "micro_spending_share"), 1.0);
  }
  // Cost per firm saved is the ratio of the means.
  EXPECT_NEAR(cell(r.comparison, "grant", "cost_per_firm_saved_rp", "mean"),
              cell(r.comparison, "grant", "net_cost_rp", "mean") / cell(r.comparison, "grant", "firms_saved", "mean"),
              1e-6 * cell(r.comparison, "grant", "cost_per_firm_saved_rp", "mean"));
}

TEST(Ensemble, FirmsSavedByGroupAddUpToTheTotal) {
  const EnsembleResult r = run_ensemble(bogor(), {base_scenario(), grant_scenario(2e9)}, 3);
  const Table& g = r.comparison_by_group;
  for (const char* dim : {"region", "size_class", "sector"}) {
    double total = 0;
    for (std::size_t i = 0; i < g.rows(); ++i)
      if (g.column("dimension").text(i) == dim && g.column("metric").text(i) == "firms_saved")
        total += g.column("mean").number(i);
    EXPECT_NEAR(total, cell(r.comparison, "grant", "firms_saved", "mean"), 1e-9) << dim;
  }
}

TEST(Ensemble, EveryRecipientIsAdditionalDeadweightClosedDespiteOrHarmed) {
  const EnsembleResult r = run_ensemble(bogor(), {base_scenario(), grant_scenario(2e9)}, 3);
  const Table& a = r.additionality;
  ASSERT_GT(a.rows(), 1u);
  for (std::size_t i = 0; i < a.rows(); ++i) {
    const double sum = a.column("additional").number(i) + a.column("deadweight").number(i) +
                       a.column("closed_despite").number(i) + a.column("harmed").number(i);
    EXPECT_NEAR(sum, 1.0, 1e-12) << "row " << i;
  }
  // Recipients per replication = the grant's recipients in a single run.
  RunOptions ro;
  ro.microdata = false;
  double recipients = 0;
  for (std::uint32_t rep = 0; rep < 3; ++rep) {
    ro.replication = rep;
    const RunResult one = run(bogor(), grant_scenario(2e9), ro);
    for (double x : one.programmes_monthly.numbers("new_recipients")) recipients += x;
  }
  EXPECT_DOUBLE_EQ(a.column("recipients").number(0), recipients / 3.0);
  // A grant paid to micro firms reaches no other class.
  for (std::size_t i = 0; i < a.rows(); ++i) {
    if (a.column("dimension").text(i) == "size_class") {
      EXPECT_EQ(a.column("group").text(i), "micro");
    }
  }
}

TEST(Ensemble, CancellingKeepsTheCompletedReplicationsAndResumesExactly) {
  const std::vector<Scenario> sc{base_scenario(12), grant_scenario(2e9, 12)};
  EnsembleOptions o;
  o.threads = 2;
  Ensemble e(bogor(), sc, o);
  EnsembleOptions stopping = o;
  std::atomic<int> calls{0};
  stopping.progress = [&](std::uint32_t done, std::uint32_t) { ++calls; return done < 2; };
  Ensemble s(bogor(), sc, stopping);
  EXPECT_THROW(s.run(6), Cancelled);
  EXPECT_EQ(s.replications_done(), 2u);
  EXPECT_EQ(s.result().replications, 2u);
  EXPECT_TRUE(s.result().cancelled);
  e.run(2);
  EXPECT_FALSE(e.result().cancelled);
  EXPECT_TRUE(same_tables(e.result(), s.result()));
}

TEST(Checkpoint, AStoppedEnsembleResumesFromItsCheckpointBitwise) {
  const std::vector<Scenario> sc{base_scenario(12), grant_scenario(2e9, 12)};
  EnsembleOptions o;
  o.threads = 2;
  o.exact_quantiles_up_to = 2;  // the streaming quantiles must resume exactly too
  const EnsembleResult whole = run_ensemble(bogor(), sc, 6, o);

  EnsembleOptions c = o;
  c.checkpoint = (test::test_temp_dir() / "ckpt").string();
  c.progress = [](std::uint32_t done, std::uint32_t) { return done < 2; };
  {
    Ensemble first(bogor(), sc, c);
    EXPECT_THROW(first.run(6), Cancelled);
  }
  std::size_t saved = 0;
  for (const auto& f : std::filesystem::directory_iterator(c.checkpoint))
    saved += f.path().extension() == ".bin" ? 1 : 0;
  EXPECT_GE(saved, 2u);
  c.progress = nullptr;
  c.threads = 1;  // any thread count
  Ensemble again(bogor(), sc, c);
  again.run(6);
  const EnsembleResult resumed = again.result();
  EXPECT_EQ(resumed.replications_resumed, saved);
  EXPECT_TRUE(same_tables(whole, resumed));
  // A third time, everything comes from the checkpoint.
  const EnsembleResult all_saved = run_ensemble(bogor(), sc, 6, c);
  EXPECT_EQ(all_saved.replications_resumed, 6u);
  EXPECT_TRUE(same_tables(whole, all_saved));
}

TEST(Checkpoint, AnotherEnsemblesCheckpointOrADamagedFileIsRefused) {
  const std::vector<Scenario> sc{base_scenario(12)};
  EnsembleOptions o;
  o.checkpoint = (test::test_temp_dir() / "ckpt").string();
  run_ensemble(bogor(), sc, 2, o);
  EnsembleOptions other = o;
  other.seed = 2;
  const InvalidArgument e = test::expect_invalid([&] { Ensemble x(bogor(), sc, other); });
  EXPECT_EQ(e.field(), "checkpoint");
  EXPECT_NE(std::string(e.what()).find("seed = 1"), std::string::npos) << e.what();
  std::vector<Scenario> changed = sc;
  changed[0].params.cash_buffer_months = 2.0;
  EXPECT_EQ(test::expect_invalid([&] { Ensemble x(bogor(), changed, o); }).field(), "checkpoint");

  // Flip one byte of a saved replication: a clear error naming the file.
  const std::string file = (std::filesystem::path(o.checkpoint) / "rep-0000000001.bin").string();
  {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(40);
    f.put('\x7f');
  }
  try {
    run_ensemble(bogor(), sc, 2, o);
    ADD_FAILURE() << "a damaged checkpoint file was accepted";
  } catch (const IoError& err) {
    EXPECT_NE(std::string(err.what()).find("rep-0000000001.bin"), std::string::npos) << err.what();
  }
  std::filesystem::remove(file);  // deleted: the replication is run again
  EXPECT_EQ(run_ensemble(bogor(), sc, 2, o).replications_resumed, 1u);

  // Truncated, of another format, or holding another replication: refused.
  const std::filesystem::path dir(o.checkpoint);
  const std::string first = (dir / "rep-0000000000.bin").string();
  const auto size = std::filesystem::file_size(first);
  auto expect_damaged = [&](const std::string& part) {
    try {
      run_ensemble(bogor(), sc, 2, o);
      ADD_FAILURE() << "accepted: " << part;
    } catch (const IoError& err) {
      EXPECT_NE(std::string(err.what()).find(part), std::string::npos) << err.what();
    }
  };
  std::filesystem::copy_file(first, (dir / "keep").string());
  std::filesystem::resize_file(first, size / 2);
  expect_damaged("checksum mismatch");
  std::filesystem::resize_file(first, 3);
  expect_damaged("not a replication file");
  std::filesystem::copy_file((dir / "rep-0000000001.bin").string(), first,
                             std::filesystem::copy_options::overwrite_existing);
  expect_damaged("it holds replication 1");
  std::filesystem::rename((dir / "keep").string(), first);
  EXPECT_EQ(run_ensemble(bogor(), sc, 2, o).replications_resumed, 2u);

  // A directory that cannot be made.
  EnsembleOptions blocked = o;
  blocked.checkpoint = (dir / "rep-0000000000.bin" / "sub").string();
  EXPECT_THROW(Ensemble(bogor(), sc, blocked), IoError);
}

TEST(Ensemble, InvalidInputNamesTheField) {
  Scenario a = base_scenario(), b = base_scenario();
  EXPECT_EQ(test::expect_invalid([&] { Ensemble e(bogor(), {a, b}); }).field(), "scenarios[1].name");
  b.name = "other";
  b.months = 12;
  EXPECT_EQ(test::expect_invalid([&] { Ensemble e(bogor(), {a, b}); }).field(), "scenarios[1].months");
  EXPECT_EQ(test::expect_invalid([&] { Ensemble e(bogor(), {}); }).field(), "scenarios");
  EnsembleOptions o;
  o.quantiles = {0.5, 0.25};
  EXPECT_EQ(test::expect_invalid([&] { Ensemble e(bogor(), {a}, o); }).field(), "quantiles[1]");
  o = {};
  o.confidence = 1.0;
  EXPECT_EQ(test::expect_invalid([&] { Ensemble e(bogor(), {a}, o); }).field(), "confidence");
}

TEST(SeriesStats, ExactQuantilesThenBoundedStreaming) {
  std::mt19937_64 gen(7);
  std::normal_distribution<double> normal(10.0, 2.0);
  const std::vector<double> probs{0.05, 0.5, 0.95};
  detail::SeriesStats s(2, probs, 50);
  std::vector<double> seen;
  for (int i = 0; i < 50; ++i) {
    const double v[2] = {normal(gen), std::nan("")};
    seen.push_back(v[0]);
    s.add(v);
  }
  std::sort(seen.begin(), seen.end());
  double q[3];
  s.quantiles(0, q);
  for (std::size_t j = 0; j < 3; ++j) EXPECT_DOUBLE_EQ(q[j], detail::sorted_quantile(seen, probs[j]));
  EXPECT_EQ(s.count(1), 0u);  // NaN values are skipped
  for (int i = 0; i < 200; ++i) {
    const double v[2] = {normal(gen), 1.0};
    s.add(v);
  }
  const std::size_t bytes = s.memory_bytes();
  for (int i = 0; i < 20000; ++i) {
    const double v[2] = {normal(gen), 1.0};
    s.add(v);
  }
  EXPECT_EQ(s.memory_bytes(), bytes);  // memory does not grow with the number of values
  s.quantiles(0, q);
  EXPECT_NEAR(q[0], 10.0 - 1.645 * 2.0, 0.15);
  EXPECT_NEAR(q[1], 10.0, 0.1);
  EXPECT_NEAR(q[2], 10.0 + 1.645 * 2.0, 0.15);
  EXPECT_NEAR(s.mean(0), 10.0, 0.05);
  EXPECT_NEAR(s.sd(0), 2.0, 0.05);
}

}  // namespace
}  // namespace msmesim

namespace msmesim {
namespace {

/// The additionality row of (programme, dimension, group), or -1.
std::ptrdiff_t additionality_row(const Table& a, const std::string& dimension, const std::string& group) {
  for (std::size_t i = 0; i < a.rows(); ++i)
    if (a.column("dimension").text(i) == dimension && a.column("group").text(i) == group)
      return static_cast<std::ptrdiff_t>(i);
  return -1;
}

TEST(Additionality, KurSubsidyRecipientsWithHealthyCashAreDeadweightAndDistressedOnesAdditional) {
  // Banjarbaru in a world where no lender lends except under the subsidy,
  // which opens in March 2021. The firms of one kecamatan start without
  // cash and lose half their sales from January: by March they are in
  // distress, and without credit they close after 4 months unable to pay,
  // so one that borrows under the subsidy and survives was saved by it. A
  // firm with a month of obligations in cash survives without it.
  const ScenarioFile f = presets::scenario_file("banjarbaru-handicraft");
  Population pop = make_population(f.population, "", 2);
  for (std::size_t i = 0; i < pop.size(); ++i)
    if (pop.region[i] == 0) pop.cash_rp[i] = 0.0;
  Scenario base = f.scenario;
  Shock hit = test::fixed_shock(Channel::sales, 0.5, {2021, 1}, ShockProfile{0, 6, 2.0, {}}, "kecamatan shock");
  hit.target.regions = {pop.region_names[0]};
  base.shocks.push_back(hit);
  base.name = "no programmes";
  base.programmes.clear();
  base.params.kur_ceiling_micro_rp = 0.0;
  base.params.kur_ceiling_small_rp = 0.0;
  base.params.kur_approval = 1.0;
  base.params.distressed_approval_factor = 1.0;
  base.params.informal_approval = 0.0;
  base.params.coop_approval = 0.0;
  base.params.bank_approval = 0.0;
  Scenario kur = base;
  kur.name = "KUR subsidy";
  for (const Programme& p : f.scenario.programmes)
    if (p.kind == ProgrammeKind::kur_subsidy) kur.programmes.push_back(p);
  ASSERT_EQ(kur.programmes.size(), 1u);
  kur.programmes[0].uptake = 1.0;
  kur.programmes[0].budget_rp = 5e9;
  kur.programmes[0].start = {2021, 3};
  EnsembleOptions o;
  o.threads = 2;
  const EnsembleResult r = run_ensemble(pop, {base, kur}, 4, o);
  const Table& a = r.additionality;
  const auto healthy = additionality_row(a, "cash_at_award", "healthy");
  const auto distressed = additionality_row(a, "cash_at_award", "distressed");
  ASSERT_GE(healthy, 0);
  ASSERT_GE(distressed, 0);
  EXPECT_GT(a.column("deadweight").number(static_cast<std::size_t>(healthy)), 0.5);
  // Most distressed recipients borrowed under the subsidy and outlived the
  // firms that closed without it; many of the rest close later in the two
  // years by another route (the owner leaves, the business stops supporting
  // the household), which the subsidy does not prevent.
  const auto d = static_cast<std::size_t>(distressed);
  EXPECT_GT(a.column("additional").number(d), 0.4);
  EXPECT_GT(a.column("additional").number(d), 5.0 * a.column("deadweight").number(d));
  EXPECT_GT(a.column("additional").number(d),
            3.0 * a.column("additional").number(static_cast<std::size_t>(healthy)));
}

}  // namespace
}  // namespace msmesim
