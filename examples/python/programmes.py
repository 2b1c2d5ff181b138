"""Support programmes: a BPUM-style cash grant and a shop-rental scheme during
the Bogor COVID-19 shock, against the same shock without programmes.

    python examples/python/programmes.py [FIRMS]

Both runs use the same seed (common random numbers), so the difference
between them is the effect of the programmes.
"""

from __future__ import annotations

import sys

import msmesim as ms
from msmesim import programmes as pg

firms = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
population = ms.generate_population(ms.presets.bogor_population_spec(firms), seed=1, threads=2)
scale = firms / ms.presets.BOGOR_FIRMS  # budgets scale with the population simulated

bpum = pg.cash_grant(
    "bpum", start="2020-05", end="2020-12", budget_rp=400e9 * scale,
    eligibility=pg.eligible(classes=["micro"], never_had_kur=True),
    allocation="first_come", uptake=0.7, admin_cost_share=0.02, leakage_share=0.05,
)
rent = pg.shop_rental(
    "shop_rental", start="2020-04", end="2020-12", budget_rp=40e9 * scale,
    eligibility=pg.eligible(in_distress=True, ranges={"fixed_cost_rp_month": (1e5, None)}),
    allocation="most_distressed", fixed_cost_cut=0.5,
)

covid = ms.presets.bogor_covid19_scenario()
supported = ms.presets.bogor_covid19_scenario()
supported.name = "covid19+programmes"
supported.programmes = [bpum, rent]  # assign a new list

without = ms.run(population, covid, seed=1, threads=2)
with_programmes = ms.run(population, supported, seed=1, threads=2)

summary = with_programmes.programme_summary()
columns = ["kind", "recipients", "spent_rp", "budget_rp", "budget_left_rp"]
print(summary[columns].to_string(float_format="{:,.0f}".format))

end_w, end_o = with_programmes.monthly.iloc[-1], without.monthly.iloc[-1]
spent = summary["spent_rp"].sum()
saved = int(end_o["closed_firms"] - end_w["closed_firms"])
print(f"Spent: Rp {spent:,.0f}")
print(f"Closures avoided by the end: {saved:,}")
print(f"Jobs kept by the end:        {int(end_w['employment'] - end_o['employment']):,}")

# Where did the money go? The ledger by kecamatan, largest first.
ledger = with_programmes.ledger
by_region = ledger.groupby("region", observed=True)[["transfer_rp", "admin_rp", "leakage_rp"]].sum()
print("Kecamatan receiving the most:")
print(by_region.sort_values("transfer_rp", ascending=False).head(5).map("{:,.0f}".format).to_string())
