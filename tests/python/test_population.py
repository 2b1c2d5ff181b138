"""Populations from Python: generation, zero-copy arrays, CSV and errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import msmesim as ms


def test_generated_population_has_exact_size_names_and_valid_values(small_population):
    pop = small_population
    assert len(pop) == 4000
    assert pop.region_names == ms.presets.bogor_kecamatan()
    assert len(pop.region_names) == 40
    assert {"food_beverage", "handicraft", "clothing", "metal", "leather", "trade", "services"} <= set(
        pop.sector_names
    )
    assert pop.workers.min() >= 1
    assert (pop.revenue_rp_month > 0).all()
    pop.validate()


def test_same_seed_same_population_other_seed_other_population():
    spec = ms.presets.bogor_population_spec(500)
    a = ms.generate_population(spec, seed=5)
    b = ms.generate_population(spec, seed=5, threads=4)
    c = ms.generate_population(spec, seed=6)
    for name in ms.Population.array_names():
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert not np.array_equal(a.revenue_rp_month, c.revenue_rp_month)


def test_population_arrays_are_views_not_copies(small_population):
    pop = small_population.copy()
    arr = pop.cash_rp
    frame = ms.population_frame(pop)
    assert np.shares_memory(frame["cash_rp"].to_numpy(), arr)
    arr[0] = 123.0  # writes through to the C++ population
    assert pop.cash_rp[0] == 123.0
    assert arr.base is not None


def test_population_frame_has_categorical_names(small_population):
    frame = ms.population_frame(small_population)
    assert list(frame["region"].cat.categories) == small_population.region_names
    assert set(frame["size_class"].unique()) <= {"micro", "small", "medium"}


def test_csv_round_trip_is_exact(small_population, tmp_path: Path):
    path, coops = tmp_path / "firms.csv", tmp_path / "cooperatives.csv"
    small_population.to_csv(str(path))
    small_population.cooperatives_to_csv(str(coops))  # the firms' cooperative column refers to it
    back = ms.load_population_csv(path, name="registry", cooperatives=coops)
    assert len(back) == len(small_population)
    for name in ("workers", "revenue_rp_month", "assets_rp", "cash_rp", "loan_principal_rp", "online_share",
                 "cooperative"):
        np.testing.assert_array_equal(getattr(back, name), getattr(small_population, name))
    names = lambda p, codes, table: [table[c] for c in codes]  # noqa: E731
    assert names(back, back.region, back.region_names) == names(
        small_population, small_population.region, small_population.region_names
    )


def test_csv_with_memberships_needs_the_cooperatives_file(small_population, tmp_path: Path):
    path = tmp_path / "firms.csv"
    small_population.to_csv(str(path))
    with pytest.raises(ms.ParseError, match="cooperatives file") as info:
        ms.load_population_csv(path)
    assert info.value.column == "cooperative"


def test_csv_malformed_row_names_file_line_column_and_value(tmp_path: Path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "region,sector,workers,revenue_rp_month,assets_rp\n"
        "Cibinong,trade,2,5000000,20000000\n"
        "Cibinong,trade,two,5000000,20000000\n",
        encoding="utf-8",
    )
    with pytest.raises(ms.ParseError) as info:
        ms.load_population_csv(path)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.file == str(path) and err.line == 3 and err.column == "workers" and err.value == "two"
    assert "bad.csv:3" in str(err) and "workers" in str(err) and "two" in str(err)


def test_csv_unknown_column_suggests_the_right_one(tmp_path: Path):
    path = tmp_path / "typo.csv"
    path.write_text("region,sector,workers,revenue_rp_month,assets_rp,online_shar\nA,trade,1,1e6,1e6,0.2\n")
    with pytest.raises(ms.ParseError, match="online_share"):
        ms.load_population_csv(path)


def test_missing_csv_file_is_a_file_error(tmp_path: Path):
    with pytest.raises(ms.FileError):
        ms.load_population_csv(tmp_path / "nope.csv")


def test_spec_parameters_by_name_with_validation():
    spec = ms.presets.bogor_population_spec(100)
    assert spec["micro_revenue_mean_rp_year"] == pytest.approx(76.1e6)
    spec["registered_share"] = 0.3
    assert spec.get("registered_share") == 0.3
    with pytest.raises(ms.InvalidArgumentError) as info:
        spec["registered_share"] = 1.5
    assert info.value.field == "registered_share" and "1.5" in str(info.value)
    with pytest.raises(ms.InvalidArgumentError, match="did you mean 'registered_share'"):
        spec["registerd_share"] = 0.2
    spec["sector.trade.margin"] = 0.1
    assert spec["sector.trade.margin"] == 0.1


@pytest.mark.parametrize("firms", [0, -5])
def test_non_positive_firm_count_is_rejected(firms):
    spec = ms.presets.bogor_population_spec(100)
    spec.firms = firms
    with pytest.raises(ms.InvalidArgumentError, match="firms"):
        ms.generate_population(spec, seed=1)


def test_generate_rejects_negative_seed_with_a_clear_error():
    with pytest.raises(ms.InvalidArgumentError, match="seed"):
        ms.generate_population(ms.presets.bogor_population_spec(10), seed=-1)
