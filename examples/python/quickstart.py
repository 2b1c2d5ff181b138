"""Quick start: the Bogor COVID-19 preset against a no-shock baseline.

    python examples/python/quickstart.py [FIRMS]

Both runs use the same seed, so they share their random numbers (common
random numbers): the difference between them is the effect of the shock.
"""

from __future__ import annotations

import sys

import msmesim as ms

firms = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
population = ms.generate_population(ms.presets.bogor_population_spec(firms), seed=1, threads=2)

covid = ms.presets.bogor_covid19_scenario()
baseline = ms.Scenario(name="no-shock", months=covid.months, input_output=ms.presets.bogor_input_output())

shocked = ms.run(population, covid, seed=1, threads=2)
calm = ms.run(population, baseline, seed=1, threads=2)
print(shocked.summary())

# Firms and jobs lost to the shock, by the end of the horizon.
end_s, end_c = shocked.monthly.iloc[-1], calm.monthly.iloc[-1]
print(f"Firms closed by the shock: {end_s['closed_firms'] - end_c['closed_firms']:,}")
print(f"Jobs lost to the shock:    {end_c['employment'] - end_s['employment']:,}")

# Which kecamatan lost the largest share of firms?
regions = shocked.by_region
last = regions[regions["month"] == regions["month"].max()].set_index("region")
share = (last["closed_firms"] / (last["active_firms"] + last["closed_firms"])).sort_values(ascending=False)
print("Kecamatan with the highest share of firms closed:")
print(share.head(5).map("{:.1%}".format).to_string())
