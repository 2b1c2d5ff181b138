// RunResult from the months' totals, the cooperatives' and the
// programmes' books and the firm state.
#include "engine/impl.hpp"

namespace msmesim {

namespace {

using detail::make_categorical;
using detail::make_column;

std::vector<std::string> names_of_classes() {
  std::vector<std::string> v;
  for (auto c : kAllSizeClasses) v.emplace_back(to_string(c));
  return v;
}

}  // namespace

RunResult Simulation::Impl::build_result(bool move_state) {
  RunResult r;
  r.scenario = sc.name;
  r.population = pop->name;
  r.seed = opt.seed;
  r.replication = opt.replication;
  r.start = sc.start;
  r.months = t;
  r.survey_start = sc.survey_start;
  r.survey_end = sc.survey_end;
  r.initial_firms = static_cast<std::int64_t>(initial);
  r.initial_employment = initial_employment;
  r.region_names = pop->region_names;
  r.sector_names = pop->sector_names;
  r.elapsed_seconds = elapsed;
  r.threads = threads;
  const auto T = static_cast<std::size_t>(t);

  // Monthly table.
  {
    auto col_i = [&](int metric) {
      std::vector<std::int64_t> v(T);
      for (std::size_t m = 0; m < T; ++m) v[m] = monthly[m][static_cast<std::size_t>(metric)];
      return v;
    };
    auto col_d = [&](int metric) {
      std::vector<double> v(T);
      for (std::size_t m = 0; m < T; ++m) v[m] = static_cast<double>(monthly[m][static_cast<std::size_t>(metric)]);
      return v;
    };
    std::vector<std::int32_t> month(T);
    std::vector<std::string> date(T);
    std::vector<double> expected(T), index(T);
    std::vector<std::int64_t> entries(T);
    for (std::size_t m = 0; m < T; ++m) {
      month[m] = static_cast<std::int32_t>(m);
      date[m] = sc.start.plus(static_cast<int>(m)).to_string();
      double e = 0;
      for (double x : expected_sector[m]) e += x;
      expected[m] = e;
      index[m] = e > 0 ? static_cast<double>(monthly[m][m_revenue]) / e : 0.0;
      entries[m] = entries_done[m];
    }
    auto& cols = r.monthly.columns;
    cols.push_back(make_column("month", month));
    cols.push_back(make_column("date", date));
    cols.push_back(make_column("active_firms", col_i(m_active), "firms"));
    cols.push_back(make_column("distressed_firms", col_i(m_distressed), "firms"));
    cols.push_back(make_column("closed_firms", col_i(m_closed), "firms"));
    cols.push_back(make_column("new_closures", col_i(m_new_closures), "firms"));
    cols.push_back(make_column("entries", entries, "firms"));
    {
      std::vector<std::int64_t> refill(T, 0);
      for (std::size_t m = 0; m < T && m < refill_done.size(); ++m) refill[m] = refill_done[m];
      cols.push_back(make_column("entries_refill", std::move(refill), "firms"));
    }
    cols.push_back(make_column("reopened_firms", col_i(m_reopened), "firms"));
    cols.push_back(make_column("employment", col_i(m_employment), "workers"));
    cols.push_back(make_column("revenue_rp", col_d(m_revenue), "Rp"));
    cols.push_back(make_column("expected_revenue_rp", expected, "Rp"));
    cols.push_back(make_column("revenue_index", index, "ratio"));
    cols.push_back(make_column("affected_firms", col_i(m_affected), "firms"));
    for (auto ch : kAllChannels) {
      const int c = static_cast<int>(ch);
      cols.push_back(make_column("main_problem_" + std::string(to_string(ch)), col_i(m_problem + c), "firms"));
    }
    for (auto ch : kAllChannels) {
      const int c = static_cast<int>(ch);
      std::vector<double> share(T);
      for (std::size_t m = 0; m < T; ++m) {
        const auto aff = monthly[m][m_affected];
        share[m] = aff > 0 ? static_cast<double>(monthly[m][static_cast<std::size_t>(m_problem + c)]) / static_cast<double>(aff) : 0.0;
      }
      cols.push_back(make_column("main_problem_share_" + std::string(to_string(ch)), share, "share"));
    }
    for (auto l : kAllLenders) {
      const int li = static_cast<int>(l);
      const std::string ln(to_string(l));
      cols.push_back(make_column("credit_outstanding_" + ln + "_rp", col_d(m_credit + li), "Rp"));
      cols.push_back(make_column("new_loans_" + ln, col_i(m_new_loans + li), "loans"));
      cols.push_back(make_column("new_credit_" + ln + "_rp", col_d(m_new_credit + li), "Rp"));
      cols.push_back(make_column("defaults_" + ln + "_rp", col_d(m_defaults + li), "Rp"));
    }
    cols.push_back(make_column("arrears_rp", col_d(m_arrears), "Rp"));
    cols.push_back(make_column("payables_rp", col_d(m_payables), "Rp"));
    cols.push_back(make_column("receivables_rp", col_d(m_receivables), "Rp"));
    cols.push_back(make_column("cash_rp", col_d(m_cash), "Rp"));
    cols.push_back(make_column("operating_cost_rp", col_d(m_operating), "Rp"));
    cols.push_back(make_column("debt_service_paid_rp", col_d(m_debt_paid), "Rp"));
    cols.push_back(make_column("owner_draw_rp", col_d(m_draw), "Rp"));
    cols.push_back(make_column("investment_rp", col_d(m_investment), "Rp"));
    cols.push_back(make_column("assets_rp", col_d(m_assets), "Rp"));
    cols.push_back(make_column("closures_owner_exit", col_i(m_closures_by + static_cast<int>(ClosureReason::owner_exit)),
                               "firms"));
    cols.push_back(make_column("closures_unviable", col_i(m_closures_by + static_cast<int>(ClosureReason::unviable)),
                               "firms"));
    cols.push_back(make_column("closures_insolvent", col_i(m_closures_by + static_cast<int>(ClosureReason::insolvent)),
                               "firms"));
    cols.push_back(make_column("ever_illiquid_firms", col_i(m_ever_illiquid), "firms"));
    cols.push_back(make_column("upgrades", col_i(m_upgrades), "firms"));
    cols.push_back(make_column("downgrades", col_i(m_downgrades), "firms"));
    for (auto c : kAllSizeClasses)
      cols.push_back(make_column("firms_" + std::string(to_string(c)), col_i(m_class + static_cast<int>(c)), "firms"));
    // Member firms of cooperatives and the rest, side by side.
    auto rest = [&](int all, int members) {
      std::vector<std::int64_t> v(T);
      for (std::size_t m = 0; m < T; ++m)
        v[m] = monthly[m][static_cast<std::size_t>(all)] - monthly[m][static_cast<std::size_t>(members)];
      return v;
    };
    const std::pair<const char*, std::pair<int, int>> member_cols[] = {
        {"active_firms", {m_active, m_member_active}},
        {"distressed_firms", {m_distressed, m_member_distressed}},
        {"closed_firms", {m_closed, m_member_closed}},
        {"employment", {m_employment, m_member_employment}},
        {"revenue_rp", {m_revenue, m_member_revenue}}};
    for (const auto& [name, pair] : member_cols) {
      const std::string unit = std::string(name) == "employment" ? "workers" : std::string(name) == "revenue_rp" ? "Rp" : "firms";
      cols.push_back(make_column("member_" + std::string(name), col_i(pair.second), unit));
      cols.push_back(make_column("nonmember_" + std::string(name), rest(pair.first, pair.second), unit));
    }
  }

  // The credit book per lender (long: one row per month and lender).
  {
    const std::size_t rows = T * kLenders;
    std::vector<std::int32_t> month(rows);
    std::vector<std::uint8_t> lender(rows);
    std::vector<std::int64_t> loans(rows), new_loans(rows), in_arrears(rows), restructured(rows);
    std::vector<double> outstanding(rows), new_rp(rows), arrears(rows), restructured_rp(rows), written_off(rows),
        recovered(rows);
    for (std::size_t m = 0; m < T; ++m)
      for (std::size_t l = 0; l < static_cast<std::size_t>(kLenders); ++l) {
        const std::size_t row = m * kLenders + l;
        const auto& x = monthly[m];
        const int li = static_cast<int>(l);
        month[row] = static_cast<std::int32_t>(m);
        lender[row] = static_cast<std::uint8_t>(l);
        loans[row] = x[static_cast<std::size_t>(m_loans + li)];
        outstanding[row] = static_cast<double>(x[static_cast<std::size_t>(m_credit + li)]);
        new_loans[row] = x[static_cast<std::size_t>(m_new_loans + li)];
        new_rp[row] = static_cast<double>(x[static_cast<std::size_t>(m_new_credit + li)]);
        in_arrears[row] = x[static_cast<std::size_t>(m_in_arrears + li)];
        arrears[row] = static_cast<double>(x[static_cast<std::size_t>(m_arrears_by + li)]);
        restructured[row] = x[static_cast<std::size_t>(m_restructured + li)];
        restructured_rp[row] = static_cast<double>(x[static_cast<std::size_t>(m_restructured_rp + li)]);
        written_off[row] = static_cast<double>(x[static_cast<std::size_t>(m_defaults + li)]);
        recovered[row] = static_cast<double>(x[static_cast<std::size_t>(m_recovered + li)]);
      }
    std::vector<std::string> lender_names;
    for (auto l : kAllLenders) lender_names.emplace_back(to_string(l));
    auto& c = r.credit_book.columns;
    c.push_back(make_column("month", std::move(month)));
    c.push_back(make_categorical("lender", std::move(lender), lender_names));
    c.push_back(make_column("loans", std::move(loans), "loans"));
    c.push_back(make_column("outstanding_rp", std::move(outstanding), "Rp"));
    c.push_back(make_column("new_loans", std::move(new_loans), "loans"));
    c.push_back(make_column("new_rp", std::move(new_rp), "Rp"));
    c.push_back(make_column("in_arrears", std::move(in_arrears), "loans"));
    c.push_back(make_column("arrears_rp", std::move(arrears), "Rp"));
    c.push_back(make_column("restructured", std::move(restructured), "loans"));
    c.push_back(make_column("restructured_rp", std::move(restructured_rp), "Rp"));
    c.push_back(make_column("written_off_rp", std::move(written_off), "Rp"));
    c.push_back(make_column("recovered_rp", std::move(recovered), "Rp"));
  }

  // The firm panel: the months asked for, one after the other.
  if (!panel_parts.empty()) {
    auto& cols = r.panel.columns;
    cols = std::move(panel_parts.front());
    for (std::size_t k = 1; k < panel_parts.size(); ++k)
      for (std::size_t c = 0; c < cols.size(); ++c)
        std::visit(
            [&](auto& dst) {
              auto& src = std::get<std::decay_t<decltype(dst)>>(panel_parts[k][c].data);
              dst.insert(dst.end(), std::make_move_iterator(src.begin()), std::make_move_iterator(src.end()));
            },
            cols[c].data);
    panel_parts.clear();
  }

  // Cooperatives: monthly totals, by type and by kecamatan, and the panel.
  if (n_coops > 0) {
    auto coop_table = [&](std::size_t n_groups, const std::vector<std::string>* names, auto get) {
      Table tb;
      const std::size_t rows = T * n_groups;
      std::vector<std::int32_t> month(rows);
      std::vector<std::uint16_t> group(rows);
      std::vector<const detail::CoopTotals*> row_of(rows);
      for (std::size_t m = 0; m < T; ++m)
        for (std::size_t g = 0; g < n_groups; ++g) {
          const std::size_t row = m * n_groups + g;
          month[row] = static_cast<std::int32_t>(m);
          group[row] = static_cast<std::uint16_t>(g);
          row_of[row] = &get(m, g);
        }
      tb.columns.push_back(make_column("month", month));
      if (names != nullptr) tb.columns.push_back(make_categorical("group", group, *names));
      auto counts = [&](const char* name, std::int64_t detail::CoopTotals::*f, const char* unit) {
        std::vector<std::int64_t> v(rows);
        for (std::size_t k = 0; k < rows; ++k) v[k] = row_of[k]->*f;
        tb.columns.push_back(make_column(name, std::move(v), unit));
      };
      auto money = [&](const char* name, double detail::CoopTotals::*f) {
        std::vector<double> v(rows);
        for (std::size_t k = 0; k < rows; ++k) v[k] = row_of[k]->*f;
        tb.columns.push_back(make_column(name, std::move(v), "Rp"));
      };
      counts("cooperatives", &detail::CoopTotals::cooperatives, "cooperatives");
      counts("founded", &detail::CoopTotals::founded, "cooperatives");
      counts("active", &detail::CoopTotals::active, "cooperatives");
      counts("healthy", &detail::CoopTotals::healthy, "cooperatives");
      counts("stressed", &detail::CoopTotals::stressed, "cooperatives");
      counts("rat_held", &detail::CoopTotals::rat_held, "cooperatives");
      counts("rat_virtual", &detail::CoopTotals::rat_virtual, "cooperatives");
      counts("member_firms_open", &detail::CoopTotals::member_firms_open, "firms");
      counts("new_loans_firms", &detail::CoopTotals::new_loans_firms, "loans");
      money("cash_rp", &detail::CoopTotals::cash_rp);
      money("lendable_rp", &detail::CoopTotals::lendable_rp);
      money("deposits_rp", &detail::CoopTotals::deposits_rp);
      money("deposit_inflow_rp", &detail::CoopTotals::deposit_inflow_rp);
      money("withdrawals_rp", &detail::CoopTotals::withdrawals_rp);
      money("withdrawals_unmet_rp", &detail::CoopTotals::withdrawals_unmet_rp);
      money("loans_rp", &detail::CoopTotals::loans_rp);
      money("firm_loans_rp", &detail::CoopTotals::firm_loans_rp);
      money("new_loans_firms_rp", &detail::CoopTotals::new_loans_firms_rp);
      money("new_loans_households_rp", &detail::CoopTotals::new_loans_households_rp);
      money("arrears_rp", &detail::CoopTotals::arrears_rp);
      money("defaults_rp", &detail::CoopTotals::defaults_rp);
      money("own_capital_rp", &detail::CoopTotals::own_capital_rp);
      money("borrowed_rp", &detail::CoopTotals::borrowed_rp);
      money("surplus_rp", &detail::CoopTotals::surplus_rp);
      money("shu_paid_rp", &detail::CoopTotals::shu_paid_rp);
      money("shu_funds_rp", &detail::CoopTotals::shu_funds_rp);
      money("business_volume_rp", &detail::CoopTotals::business_volume_rp);
      money("member_credit_unmet_rp", &detail::CoopTotals::member_credit_unmet_rp);
      money("joint_lent_rp", &detail::CoopTotals::joint_lent_rp);
      money("joint_borrowed_rp", &detail::CoopTotals::joint_borrowed_rp);
      money("joint_placed_rp", &detail::CoopTotals::joint_placed_rp);
      money("joint_received_rp", &detail::CoopTotals::joint_received_rp);
      return tb;
    };
    std::vector<std::string> type_names;
    for (auto ty : kAllCoopTypes) type_names.emplace_back(to_string(ty));
    r.cooperatives_monthly = coop_table(1, nullptr, [&](std::size_t m, std::size_t) -> const detail::CoopTotals& {
      return coop_total[m];
    });
    r.cooperatives_by_type = coop_table(kCoopTypes, &type_names, [&](std::size_t m, std::size_t g) -> const detail::CoopTotals& {
      return coop_by_type[m][g];
    });
    r.cooperatives_by_region = coop_table(n_regions, &pop->region_names,
                                          [&](std::size_t m, std::size_t g) -> const detail::CoopTotals& {
                                            return coop_by_region[m][g];
                                          });
    if (!coop_panel.empty()) {
      // Every cooperative that existed in the run, in every month (all
      // zero before a new cooperative was founded).
      const std::size_t n_panel = coop_panel.back().size();
      static const detail::CoopTotals none{};
      r.cooperatives_panel = coop_table(n_panel, nullptr, [&](std::size_t m, std::size_t g) -> const detail::CoopTotals& {
        return g < coop_panel[m].size() ? coop_panel[m][g] : none;
      });
      std::vector<std::int32_t> id(T * n_panel);
      for (std::size_t k = 0; k < id.size(); ++k) id[k] = static_cast<std::int32_t>(k % n_panel);
      const auto& co = coop.state();
      std::vector<std::uint16_t> region(id.size()), type(id.size());
      for (std::size_t k = 0; k < id.size(); ++k) {
        region[k] = co.region[k % n_panel];
        type[k] = co.type[k % n_panel];
      }
      auto& cols = r.cooperatives_panel.columns;
      cols.insert(cols.begin() + 1, make_column("cooperative", id));
      cols.insert(cols.begin() + 2, make_categorical("region", region, pop->region_names));
      cols.insert(cols.begin() + 3, make_categorical("type", type, type_names));
    }
  }

  // Programmes: reach and money by month, the ledger, the payments.
  if (!programmes.empty()) {
    const auto& book = programmes;
    std::vector<std::string> prog_names;
    for (std::size_t k = 0; k < book.size(); ++k) prog_names.push_back(book.spec(k).name);
    const auto& months = book.months();
    const std::size_t P_n = book.size(), rows = months.size() * P_n;
    std::vector<std::int32_t> month(rows);
    std::vector<std::uint16_t> prog(rows), kind(rows);
    std::vector<std::string> kind_names;
    for (auto k : kAllProgrammeKinds) kind_names.emplace_back(to_string(k));
    for (std::size_t m = 0; m < months.size(); ++m)
      for (std::size_t k = 0; k < P_n; ++k) {
        month[m * P_n + k] = static_cast<std::int32_t>(m);
        prog[m * P_n + k] = static_cast<std::uint16_t>(k);
        kind[m * P_n + k] = static_cast<std::uint16_t>(book.spec(k).kind);
      }
    Table& tb = r.programmes_monthly;
    tb.columns.push_back(make_column("month", month));
    tb.columns.push_back(make_categorical("programme", prog, prog_names));
    tb.columns.push_back(make_categorical("kind", kind, kind_names));
    auto counts = [&](const char* name, std::int64_t detail::ProgrammeMonth::*f, const char* unit) {
      std::vector<std::int64_t> v(rows);
      for (std::size_t m = 0; m < months.size(); ++m)
        for (std::size_t k = 0; k < P_n; ++k) v[m * P_n + k] = months[m][k].*f;
      tb.columns.push_back(make_column(name, std::move(v), unit));
    };
    auto money = [&](const char* name, double detail::ProgrammeMonth::*f) {
      std::vector<double> v(rows);
      for (std::size_t m = 0; m < months.size(); ++m)
        for (std::size_t k = 0; k < P_n; ++k) v[m * P_n + k] = months[m][k].*f;
      tb.columns.push_back(make_column(name, std::move(v), "Rp"));
    };
    counts("eligible", &detail::ProgrammeMonth::eligible, "firms");
    counts("applicants", &detail::ProgrammeMonth::applicants, "firms");
    counts("new_recipients", &detail::ProgrammeMonth::new_recipients, "firms");
    counts("beneficiaries", &detail::ProgrammeMonth::beneficiaries, "firms");
    counts("rejected_budget", &detail::ProgrammeMonth::rejected_budget, "firms");
    counts("rejected_capacity", &detail::ProgrammeMonth::rejected_capacity, "firms");
    counts("rejected_quota", &detail::ProgrammeMonth::rejected_quota, "firms");
    counts("capacity", &detail::ProgrammeMonth::capacity, "firms");
    money("transfer_rp", &detail::ProgrammeMonth::transfer_rp);
    money("admin_rp", &detail::ProgrammeMonth::admin_rp);
    money("leakage_rp", &detail::ProgrammeMonth::leakage_rp);
    money("committed_rp", &detail::ProgrammeMonth::committed_rp);
    money("spent_to_date_rp", &detail::ProgrammeMonth::spent_to_date_rp);
    money("budget_left_rp", &detail::ProgrammeMonth::budget_left_rp);
    money("resale_proceeds_rp", &detail::ProgrammeMonth::resale_proceeds_rp);
    money("relief_rp", &detail::ProgrammeMonth::relief_rp);

    const auto& ledger = book.ledger();
    const std::size_t L = ledger.size();
    std::vector<std::int32_t> l_month(L);
    std::vector<std::uint16_t> l_prog(L), l_region(L);
    std::vector<std::uint8_t> l_class(L), l_sector(L), l_recipient(L);
    std::vector<double> l_transfer(L), l_admin(L), l_leak(L);
    for (std::size_t k = 0; k < L; ++k) {
      const auto& row = ledger[k];
      l_month[k] = row.month;
      l_prog[k] = row.programme;
      l_region[k] = row.region;
      l_recipient[k] = row.recipient;
      l_class[k] = row.size_class;
      l_sector[k] = row.sector;
      l_transfer[k] = row.transfer_rp;
      l_admin[k] = row.admin_rp;
      l_leak[k] = row.leakage_rp;
    }
    Table& lt = r.programme_ledger;
    lt.columns.push_back(make_column("month", std::move(l_month)));
    lt.columns.push_back(make_categorical("programme", std::move(l_prog), prog_names));
    lt.columns.push_back(make_categorical("recipient", std::move(l_recipient), {"firm", "cooperative"}));
    lt.columns.push_back(make_categorical("region", std::move(l_region), pop->region_names));
    lt.columns.push_back(make_categorical("size_class", std::move(l_class), names_of_classes()));
    lt.columns.push_back(make_categorical("sector", std::move(l_sector), pop->sector_names));
    lt.columns.push_back(make_column("transfer_rp", std::move(l_transfer), "Rp"));
    lt.columns.push_back(make_column("admin_rp", std::move(l_admin), "Rp"));
    lt.columns.push_back(make_column("leakage_rp", std::move(l_leak), "Rp"));

    const auto& pays = book.payments();
    const std::size_t N = pays.size();
    std::vector<std::int32_t> p_month(N), p_firm(N), p_coop(N);
    std::vector<std::uint16_t> p_prog(N);
    std::vector<double> p_transfer(N), p_admin(N), p_leak(N);
    for (std::size_t k = 0; k < N; ++k) {
      p_month[k] = pays[k].month;
      p_prog[k] = pays[k].programme;
      p_firm[k] = pays[k].firm;
      p_coop[k] = pays[k].cooperative;
      p_transfer[k] = pays[k].transfer_rp;
      p_admin[k] = pays[k].admin_rp;
      p_leak[k] = pays[k].leakage_rp;
    }
    Table& pt = r.programme_payments;
    pt.columns.push_back(make_column("month", std::move(p_month)));
    pt.columns.push_back(make_categorical("programme", std::move(p_prog), prog_names));
    pt.columns.push_back(make_column("firm", std::move(p_firm)));
    pt.columns.push_back(make_column("cooperative", std::move(p_coop)));
    pt.columns.push_back(make_column("transfer_rp", std::move(p_transfer), "Rp"));
    pt.columns.push_back(make_column("admin_rp", std::move(p_admin), "Rp"));
    pt.columns.push_back(make_column("leakage_rp", std::move(p_leak), "Rp"));

    const auto& awards = book.awards();
    const std::size_t A = awards.size();
    std::vector<std::int32_t> a_month(A), a_firm(A), a_coop(A);
    std::vector<std::uint16_t> a_prog(A);
    std::vector<std::uint8_t> a_distressed(A);
    std::vector<double> a_cash(A), a_obligations(A);
    for (std::size_t k = 0; k < A; ++k) {
      a_month[k] = awards[k].month;
      a_prog[k] = awards[k].programme;
      a_firm[k] = awards[k].firm;
      a_coop[k] = awards[k].cooperative;
      a_distressed[k] = awards[k].distressed;
      a_cash[k] = awards[k].cash_rp;
      a_obligations[k] = awards[k].obligations_rp;
    }
    Table& at = r.programme_awards;
    at.columns.push_back(make_column("month", std::move(a_month)));
    at.columns.push_back(make_categorical("programme", std::move(a_prog), prog_names));
    at.columns.push_back(make_column("firm", std::move(a_firm)));
    at.columns.push_back(make_column("cooperative", std::move(a_coop)));
    at.columns.push_back(make_column("distressed", std::move(a_distressed)));
    at.columns.push_back(make_column("cash_rp", std::move(a_cash), "Rp"));
    at.columns.push_back(make_column("obligations_rp", std::move(a_obligations), "Rp"));
  }

  // Breakdowns (long form).
  auto breakdown = [&](std::size_t base, std::size_t n_groups, const std::vector<std::string>& names,
                       auto reference) {
    Table tb;
    const std::size_t rows = T * n_groups;
    std::vector<std::int32_t> month(rows);
    std::vector<std::uint16_t> group(rows);
    std::vector<double> expected(rows), index(rows);
    std::array<std::vector<std::int64_t>, g_count> v;
    for (auto& x : v) x.resize(rows);
    for (std::size_t m = 0; m < T; ++m)
      for (std::size_t g = 0; g < n_groups; ++g) {
        const std::size_t row = m * n_groups + g;
        month[row] = static_cast<std::int32_t>(m);
        group[row] = static_cast<std::uint16_t>(g);
        for (int k = 0; k < g_count; ++k)
          v[static_cast<std::size_t>(k)][row] = groups[m][base - m_count + g * g_count + static_cast<std::size_t>(k)];
        expected[row] = reference(m, g);
        index[row] = expected[row] > 0 ? static_cast<double>(v[g_revenue][row]) / expected[row] : 0.0;
      }
    tb.columns.push_back(make_column("month", month));
    tb.columns.push_back(make_categorical("group", group, names));
    tb.columns.push_back(make_column("active_firms", v[g_active], "firms"));
    tb.columns.push_back(make_column("distressed_firms", v[g_distressed], "firms"));
    tb.columns.push_back(make_column("closed_firms", v[g_closed], "firms"));
    tb.columns.push_back(make_column("new_closures", v[g_new_closures], "firms"));
    tb.columns.push_back(make_column("employment", v[g_employment], "workers"));
    std::vector<double> revenue(rows);
    for (std::size_t k = 0; k < rows; ++k) revenue[k] = static_cast<double>(v[g_revenue][k]);
    tb.columns.push_back(make_column("revenue_rp", revenue, "Rp"));
    tb.columns.push_back(make_column("expected_revenue_rp", expected, "Rp"));
    tb.columns.push_back(make_column("revenue_index", index, "ratio"));
    tb.columns.push_back(make_column("affected_firms", v[g_affected], "firms"));
    for (auto ch : kAllChannels)
      tb.columns.push_back(make_column("main_problem_" + std::string(to_string(ch)),
                                       v[static_cast<std::size_t>(g_problem + static_cast<int>(ch))], "firms"));
    tb.columns.push_back(make_column("upgrades", v[g_upgrades], "firms"));
    tb.columns.push_back(make_column("downgrades", v[g_downgrades], "firms"));
    return tb;
  };
  auto season_of = [&](std::size_t m, std::size_t s) {
    return pop->sector_seasonality[s][static_cast<std::size_t>(sc.start.plus(static_cast<int>(m)).month - 1)];
  };
  r.by_sector = breakdown(group_base_sector(), n_sectors, pop->sector_names,
                          [&](std::size_t m, std::size_t g) { return expected_sector[m][g]; });
  r.by_class = breakdown(group_base_class(), kSizeClasses, names_of_classes(), [&](std::size_t m, std::size_t g) {
    double e = 0;
    for (std::size_t s = 0; s < n_sectors; ++s) e += base_class_sector[g][s] * season_of(m, s);
    return e;
  });
  r.by_region = breakdown(group_base_region(), n_regions, pop->region_names, [&](std::size_t m, std::size_t g) {
    double e = 0;
    for (std::size_t s = 0; s < n_sectors; ++s) e += base_region_sector[g][s] * season_of(m, s);
    return e;
  });

  for (std::size_t m = 0; m < T; ++m)
    for (int from = 0; from < kSizeClasses; ++from)
      for (int to = 0; to < kSizeClasses; ++to)
        r.class_transitions[static_cast<std::size_t>(from)][static_cast<std::size_t>(to)] +=
            monthly[m][static_cast<std::size_t>(m_transitions + from * kSizeClasses + to)];

  // Firm microdata: the state vectors move into the table (no copy).
  if (opt.microdata) {
    const std::size_t n = st.count;
    auto shrink = [n, move_state](auto& v) {
      using V = std::decay_t<decltype(v)>;
      if (!move_state) return V(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n));
      v.resize(n);
      return std::move(v);
    };
    std::vector<std::int32_t> firm(n);
    for (std::size_t i = 0; i < n; ++i) firm[i] = static_cast<std::int32_t>(i);
    std::vector<double> debt(n);
    for (std::size_t i = 0; i < n; ++i) debt[i] = st.loan_principal_rp[i] + st.informal_principal_rp[i];
    std::vector<std::uint16_t> final_workers(st.workers.begin(), st.workers.begin() + static_cast<std::ptrdiff_t>(n));
    for (std::size_t i = 0; i < n; ++i)
      if (st.status[i] == static_cast<std::uint8_t>(FirmStatus::closed)) final_workers[i] = 0;
    std::vector<std::string> statuses = {"active", "distressed", "closed"};
    std::vector<std::string> problems;
    for (auto ch : kAllChannels) problems.emplace_back(to_string(ch));
    auto& cols = r.firms.columns;
    cols.push_back(make_column("firm", firm));
    cols.push_back(make_column("entry_month", shrink(st.entry_month)));
    cols.push_back(make_categorical("region", shrink(st.region), pop->region_names));
    cols.push_back(make_categorical("sector", shrink(st.sector), pop->sector_names));
    cols.push_back(make_column("cooperative", shrink(st.cooperative)));
    cols.push_back(make_categorical("initial_class", shrink(st.initial_class), names_of_classes()));
    cols.push_back(make_categorical("final_class", shrink(st.size_class), names_of_classes()));
    cols.push_back(make_categorical("status", shrink(st.status), statuses));
    cols.push_back(make_column("initial_workers", shrink(st.base_workers), "workers"));
    cols.push_back(make_column("final_workers", std::move(final_workers), "workers"));
    // Open firms' workforce at the end (closed firms count 0 above).
    cols.push_back(make_column("first_distress_month", shrink(st.first_distress_month)));
    cols.push_back(make_column("closure_month", shrink(st.closure_month)));
    cols.push_back(make_column("class_change_month", shrink(st.class_change_month)));
    cols.push_back(make_column("upgrades", shrink(st.upgrades)));
    cols.push_back(make_column("downgrades", shrink(st.downgrades)));
    cols.push_back(make_column("months_distressed", shrink(st.months_distressed), "months"));
    cols.push_back(make_categorical("last_main_problem", shrink(st.last_main_problem), problems));
    cols.push_back(make_column("baseline_revenue_rp_month", shrink(st.base_revenue_rp), "Rp"));
    cols.push_back(make_column("revenue_total_rp", shrink(st.revenue_total_rp), "Rp"));
    cols.push_back(make_column("final_cash_rp", shrink(st.cash_rp), "Rp"));
    cols.push_back(make_column("final_debt_rp", std::move(debt), "Rp"));
    cols.push_back(make_column("online_share", shrink(st.online_share), "share"));
    cols.push_back(make_column("registered", shrink(st.registered)));
    cols.push_back(make_column("ever_kur", shrink(st.ever_kur)));
    std::vector<std::string> reasons;
    for (auto reason : kAllClosureReasons) reasons.emplace_back(to_string(reason));
    cols.push_back(make_categorical("closure_reason", shrink(st.closure_reason), reasons));
    cols.push_back(make_column("ever_illiquid", shrink(st.ever_illiquid)));
    cols.push_back(make_column("final_assets_rp", shrink(st.assets_rp), "Rp"));
    cols.push_back(make_column("investment_total_rp", shrink(st.investment_total_rp), "Rp"));
    cols.push_back(make_column("loan_written_off_rp", shrink(st.loan_written_off_rp), "Rp"));
  }
  finished = true;
  return r;
}

}  // namespace msmesim
