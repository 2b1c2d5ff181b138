// Support programmes from C++ (docs/model.md §15): the Bogor COVID-19
// preset on a scaled-down population, once without programmes and once
// with a package of them — every kind of programme the engine knows — on
// the same random numbers. Prints what each programme spent and reached,
// and the firms and jobs the package saved.
#include <msmesim/msmesim.hpp>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

namespace ms = msmesim;

namespace {

ms::Programme programme(std::string name, ms::ProgrammeKind kind, double budget_rp, ms::YearMonth start,
                        ms::YearMonth end) {
  ms::Programme p;
  p.name = std::move(name);
  p.kind = kind;
  p.budget_rp = budget_rp;
  p.start = start;
  p.end = end;
  return p;
}

std::vector<ms::Programme> package(double scale) {
  using K = ms::ProgrammeKind;
  std::vector<ms::Programme> out;
  auto grant = programme("BPUM cash grant", K::cash_grant, 40e9 * scale, {2020, 5}, {2020, 12});
  grant.eligibility.classes = {ms::SizeClass::micro};
  grant.uptake = 0.6;
  grant.allocation = ms::Allocation::most_distressed;
  grant.admin_cost_share = 0.02;
  out.push_back(grant);
  auto kur = programme("KUR interest subsidy", K::kur_subsidy, 5e9 * scale, {2020, 4}, {2021, 12});
  kur.eligibility.never_had_kur = true;  // the Banjarbaru rule (seed 002)
  out.push_back(kur);
  auto guarantee = programme("KUR guarantee", K::credit_guarantee, 5e9 * scale, {2020, 4}, {2021, 6});
  guarantee.eligibility.classes = {ms::SizeClass::micro, ms::SizeClass::small};
  out.push_back(guarantee);
  auto voucher = programme("free shipping (barcoded)", K::shipping_voucher, 2e9 * scale, {2020, 6}, {2020, 12});
  voucher.params["transferable"] = 0;
  voucher.monthly_capacity = 500;
  out.push_back(voucher);
  auto training = programme("digital marketing training", K::digital_training, 1.5e9 * scale, {2020, 6}, {2021, 6});
  training.monthly_capacity = 80;
  out.push_back(training);
  auto bazaar = programme("SME bazaar", K::market_access, 1e9 * scale, {2020, 8}, {2020, 8});
  bazaar.eligibility.sectors = {"food_beverage", "handicraft"};
  out.push_back(bazaar);
  out.push_back(programme("shop rental", K::shop_rental, 3e9 * scale, {2020, 4}, {2020, 12}));
  auto ipr = programme("IPR certification", K::certification, 0.2e9 * scale, {2020, 1}, {2022, 12});
  out.push_back(ipr);
  out.push_back(programme("Clean & Clear clinic", K::clinic, 1e9 * scale, {2020, 3}, {2022, 12}));
  auto mou = programme("cooperative-micro MoU", K::coop_collaboration, 1e9 * scale, {2020, 6}, {2021, 6});
  mou.eligibility.classes = {ms::SizeClass::micro};
  mou.eligibility.cooperative_member = 0;
  mou.monthly_capacity = 300;
  out.push_back(mou);
  out.push_back(programme("CSR capital (TJSL)", K::csr_capital, 20e9 * scale, {2020, 6}, {2020, 12}));
  out.push_back(programme("cooperative network", K::coop_network, 2e9 * scale, {2020, 6}, {2020, 6}));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t firms = argc > 1 ? std::stoll(argv[1]) : 100000;
  const int threads = argc > 2 ? std::stoi(argv[2]) : 2;
  try {
    const auto population = ms::generate_population(ms::presets::bogor_population_spec(firms), 7, threads);
    const double scale = static_cast<double>(firms) / static_cast<double>(ms::presets::kBogorFirms);
    ms::Scenario baseline = ms::presets::bogor_covid19_scenario();
    ms::Scenario supported = baseline;
    supported.name = "programme package";
    supported.programmes = package(scale);

    ms::RunOptions options;
    options.seed = 7;
    options.threads = threads;
    options.microdata = false;
    const auto a = ms::run(population, baseline, options);
    const auto b = ms::run(population, supported, options);  // same seed: common random numbers

    std::map<int, std::map<std::string, double>> totals;
    const auto& t = b.programmes_monthly;
    const auto prog = t.numbers("programme");
    for (const char* col : {"new_recipients", "transfer_rp", "admin_rp", "leakage_rp"}) {
      const auto v = t.numbers(col);
      for (std::size_t k = 0; k < v.size(); ++k) totals[static_cast<int>(prog[k])][col] += v[k];
    }
    std::printf("%-28s %10s %14s %12s %12s %10s\n", "programme", "recipients", "transfers Rp", "admin Rp",
                "leakage Rp", "budget %");
    double spent = 0.0;
    for (auto& [k, m] : totals) {
      const auto& p = supported.programmes[static_cast<std::size_t>(k)];
      const double out = m["transfer_rp"] + m["admin_rp"] + m["leakage_rp"];
      spent += out;
      std::printf("%-28s %10.0f %14.0f %12.0f %12.0f %9.1f%%\n", p.name.c_str(), m["new_recipients"], m["transfer_rp"],
                  m["admin_rp"], m["leakage_rp"], p.budget_rp > 0 ? 100.0 * out / p.budget_rp : 0.0);
      if (out > p.budget_rp * (1 + 1e-12)) return EXIT_FAILURE;  // never beyond a budget
    }
    const double saved = a.monthly.numbers("closed_firms").back() - b.monthly.numbers("closed_firms").back();
    const double jobs = b.monthly.numbers("employment").back() - a.monthly.numbers("employment").back();
    std::printf("spent Rp %.0f; firms saved %.0f, jobs saved %.0f by %s\n", spent, saved, jobs,
                std::get<std::vector<std::string>>(b.monthly.column("date").data).back().c_str());
    return EXIT_SUCCESS;
  } catch (const ms::Error& e) {
    std::fprintf(stderr, "msmesim error: %s\n", e.what());
    return EXIT_FAILURE;
  }
}
