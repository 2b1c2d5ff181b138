#!/usr/bin/env python3
"""The model's default against published figures (docs/validation.md).

    .venv/bin/python tools/validate.py                 # the full Bogor preset (about a minute)
    .venv/bin/python tools/validate.py --firms 100000  # faster; shares barely move

Runs the Bogor COVID-19 preset, the same population without the shock
(same random numbers) and without the national relief, the Banjarbaru
preset over five seeds and North Sumatra's cooperatives, and prints each
figure docs/validation.md compares: the model's value next to the published
one and its source. Every number is computed here from the runs; nothing is
typed in but the published figures.
"""

from __future__ import annotations

import argparse

import numpy as np

import msmesim as ms


def bogor(firms: int, seed: int, threads: int) -> list[tuple[str, str, str]]:
    file = ms.preset("bogor-covid19")
    file.population.firms = firms
    file.population.seed = seed
    population = ms.make_population(file.population, threads=threads, params=file.scenario.params)
    # Budgets scaled with the firms, as msmesim run --firms does.
    shock = ms.scenarios.scale_programmes(file.scenario, population.size / ms.presets.BOGOR_FIRMS) \
        if population.size != ms.presets.BOGOR_FIRMS else file.scenario
    calm = ms.preset("bogor-covid19").scenario
    calm.shocks = []
    calm.restrictions = []
    calm.programmes = []
    norelief = ms.preset("bogor-covid19").scenario
    norelief.programmes = []
    run = dict(seed=seed, threads=threads)
    a = ms.run(population, shock, **run)
    b = ms.run(population, calm, **run)
    c = ms.run(population, norelief, **run, microdata=False)
    n = population.size
    rows: list[tuple[str, str, str]] = []

    # Exits without a shock: firms without loans, borrowers, routes.
    firms = b.firms
    initial = firms.iloc[:n]
    borrower = (np.asarray(population.loan_principal_rp) > 0) | (np.asarray(population.informal_principal_rp) > 0)
    closed_12 = ((initial["closure_month"] >= 0) & (initial["closure_month"] < 12)).to_numpy()
    rows.append(("exit rate in a year without a shock, firms without loans",
                 f"{100 * closed_12[~borrower].mean():.1f} %",
                 "8.2 % a year (McKenzie & Paffhausen 2019, 16 panels of small firms)"))
    rows.append(("  all firms / borrowers", f"{100 * closed_12.mean():.1f} % / {100 * closed_12[borrower].mean():.1f} %",
                 "(model: debt service is a fixed cost)"))
    reasons = initial.loc[closed_12, "closure_reason"].astype(str).value_counts(normalize=True)
    rows.append(("  routes: owner left / unviable / insolvent",
                 " / ".join(f"{100 * reasons.get(k, 0):.0f} %" for k in ("owner_exit", "unviable", "insolvent")),
                 "most micro exits are not defaults (McKenzie & Paffhausen 2019)"))

    # The shock: closures of the firms open at the start.
    cm = a.firms["closure_month"].to_numpy()[:n]
    cm0 = firms["closure_month"].to_numpy()[:n]

    def share(c: np.ndarray, first: int, last: int) -> float:
        return 100 * ((c >= first) & (c <= last)).mean()

    rows.append(("firms closed March-July 2020 (shock / no shock)",
                 f"{share(cm, 2, 6):.1f} % / {share(cm0, 2, 6):.1f} %",
                 "BPS, July 2020: about 10 % of micro and small firms had stopped operating (temporarily included)"))
    rows.append(("firms closed March-September 2020",
                 f"{share(cm, 2, 8):.1f} % / {share(cm0, 2, 8):.1f} %",
                 "Mardanugraha & Junaidi (2022), survey Aug-Oct 2020: 19 % no longer survived"))
    rows.append(("firms closed March 2020-August 2021",
                 f"{share(cm, 2, 19):.1f} % / {share(cm0, 2, 19):.1f} %",
                 "Komnas UKM, August 2021: 19 % bankrupt (5.4 % in March 2021); ILO 2020: 3 % closed for good"))
    idx = a.monthly["revenue_index"].to_numpy()
    rows.append(("revenue index, trough / August-October 2020",
                 f"{idx.min():.2f} / {idx[7:10].mean():.2f}",
                 "Mardanugraha & Junaidi (2022): monthly revenue -34 %"))
    emp = a.monthly["employment"].to_numpy()
    rows.append(("employment, September 2020 against the start", f"{100 * (emp[8] / emp[0] - 1):+.0f} %",
                 "Mardanugraha & Junaidi (2022): workers -37 %"))
    act = a.monthly["active_firms"].to_numpy()
    rows.append(("open firms against the start, December 2020 / 2021",
                 f"{100 * (act[11] / n - 1):+.1f} % / {100 * (act[23] / n - 1):+.1f} %",
                 "Kemenkop MSME counts: -2.0 % in 2020, back to the 2019 level in 2021"))
    closed = {k: r.monthly["closed_firms"].to_numpy() for k, r in (("shock", a), ("calm", b), ("norelief", c))}
    rows.append(("closures the national relief prevents, by December 2022",
                 f"{closed['norelief'][-1] - closed['shock'][-1]:,.0f} ({100 * (closed['norelief'][-1] - closed['shock'][-1]) / n:.1f} % of firms)",
                 "(no published counterfactual)"))

    # Sectors: food and drink and services hit hardest (BPS).
    sec = a.by_sector
    sec0 = b.by_sector
    start = sec[sec["month"] == 0].set_index("sector")
    dec = sec[sec["month"] == 11].set_index("sector")["closed_firms"]
    dec0 = sec0[sec0["month"] == 11].set_index("sector")["closed_firms"]
    excess = ((dec - dec0) / (start["active_firms"] + start["closed_firms"]) * 100).sort_values(ascending=False)
    rows.append(("excess closures by December 2020, by sector",
                 ", ".join(f"{k} {v:.0f}" for k, v in excess.items()) + " (points)",
                 "BPS July 2020: lower income for 92.5 % in food and drink, 90.9 % in other services, 84.6 % in trade"))

    # Main problems on the survey window.
    window = a.monthly.iloc[2:6]
    counts = {ch: window[f"main_problem_{ch}"].sum() for ch in ms.channels()}
    total = sum(counts.values())
    rows.append(("main problem, March-June 2020 (sales / capital / distribution / raw materials)",
                 " / ".join(f"{100 * counts[ch] / total:.1f}" for ch in ms.channels()),
                 "Table 1 (seed 000; Suryokumoro & Ula 2020): 56 / 22 / 15 / 4"))

    # Credit and relief.
    book = a.credit_book
    formal = book[(book["month"] == 10) & (book["lender"].astype(str) != "informal")]
    rows.append(("formal loans restructured by November 2020", f"{100 * formal['restructured'].sum() / formal['loans'].sum():.0f} %",
                 "OJK: 5.8 M MSME debtors (Rp 371 T) restructured by November 2020, about a third of MSME credit"))
    progs = a.programme_summary()
    for name, published in (("BPUM 2020", "12.0 M of 64.2 M MSMEs (18.7 %)"), ("BPUM 2021", "12.8 M (19.9 %)")):
        got = float(progs.loc[name, "recipients"]) if name in progs.index else float("nan")
        rows.append((f"{name} recipients", f"{100 * got / n:.1f} % of firms", f"Kemenkop: {published}"))
    kur0 = book[(book["month"] == 0) & (book["lender"].astype(str) == "kur")]
    rows.append(("KUR borrowers at the start / mean principal outstanding",
                 f"{100 * float(kur0['loans'].iloc[0]) / n:.0f} % / Rp {float(kur0['outstanding_rp'].iloc[0]) / float(kur0['loans'].iloc[0]) / 1e6:.1f} M",
                 "KUR 2020: Rp 198.5 T to 5.8 M debtors (about 9 % of MSMEs, Rp 34 M each) - a gap, see the text"))

    # Cooperatives.
    coops = a.cooperatives
    rows.append(("active cooperatives, December 2020", f"{coops['active'].iloc[11]:.0f}", "seed 000 Tables 2-3: 540 (589 in 2019)"))
    rows.append(("registered cooperatives, December 2020", f"{coops['cooperatives'].iloc[11]:.0f}",
                 "seed 000 Tables 4-5: 1,690 (1,651 in 2019)"))
    return rows


def banjarbaru(threads: int) -> list[tuple[str, str, str]]:
    up, vouchers, craft, kur = [], [], [], []
    for seed in range(1, 6):
        file = ms.preset("banjarbaru-handicraft")
        file.population.seed = seed
        population = ms.make_population(file.population, threads=threads, params=file.scenario.params)
        sim = ms.Simulation(population, file.scenario, seed=seed, threads=threads)
        sim.run()
        result = ms.Result(sim.result())
        pay = result.programme_payments
        pay = pay.assign(name=pay["programme"].astype(str))
        got = set(pay.loc[pay["name"].isin(["business assistance", "IPR certification"]) & (pay["firm"] >= 0), "firm"])
        initial_class, upgrades, changed = (sim.state(k) for k in ("initial_class", "upgrades", "class_change_month"))
        moved = [i for i in got if initial_class[int(i)] == 0 and upgrades[int(i)] > 0 and changed[int(i)] <= 11]
        up.append(len(moved))
        users = set(pay.loc[pay["name"] == "free shipping (JNE)", "firm"])
        sector = result.firms["sector"].astype(str)
        vouchers.append(len(users))
        craft.append(sum(sector.iloc[int(i)] in ("sasirangan", "purun", "knitting") for i in users))
        kur.append(int(result.programmes.loc[result.programmes["programme"] == "KUR subsidy (Bank Kalsel)", "new_recipients"].sum()))
    return [("Banjarbaru: craft firms upgraded to small in 2021 after assistance and IPR (mean of 5 seeds)",
             f"{np.mean(up):.1f}", "seed 002: 4"),
            ("Banjarbaru: voucher users / of them craft firms", f"{np.mean(vouchers):.0f} / {np.mean(craft):.0f}", "seed 002: 46 / 7"),
            ("Banjarbaru: micro firms with the KUR subsidy", f"{np.mean(kur):.0f}", "seed 002: 12")]


def north_sumatra(threads: int) -> list[tuple[str, str, str]]:
    total = 0
    for seed in range(1, 6):
        spec = ms.presets.bogor_population_spec(2000)
        spec.cooperatives = ms.presets.north_sumatra_cooperative_spec()
        spec.set("burn_in_months", 0)
        population = ms.generate_population(spec, seed=seed, threads=threads)
        scenario = ms.presets.bogor_covid19_scenario(24)
        scenario.shocks = []
        scenario.programmes = []
        scenario.restrictions = [ms.Restriction(start="2020-03", end="2021-12", intensity=1.0, name="psbb-ppkm")]
        result = ms.run(population, scenario, seed=seed, threads=threads, microdata=False, cooperative_panel=True)
        panel = result.cooperatives_panel
        met = panel[(panel["rat_virtual"] > 0) & panel["month"].isin([11, 23])]["cooperative"].nunique()
        total += met
    return [("North Sumatra: cooperatives with a virtual RAT, 2020-2021 (mean of 5 seeds)", f"{total / 5:.0f}",
             "seed 001: 93 of 11,917")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--firms", type=int, default=751_888, help="Bogor firms (default: the whole regency)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    rows = bogor(args.firms, args.seed, args.threads) + banjarbaru(args.threads) + north_sumatra(args.threads)
    width = max(len(r[0]) for r in rows)
    for what, model, published in rows:
        print(f"{what:<{width}}  model {model:<24}  published: {published}")


if __name__ == "__main__":
    main()
