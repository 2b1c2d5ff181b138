"""Shocks that end (a linear recovery, or a decay that stops), sector-specific
severities, restrictions on gatherings and the survey window, from Python:
fields, validation naming the field, the TOML round trip and their effect."""

from __future__ import annotations

import math

import numpy as np
import pytest

import msmesim as ms


@pytest.fixture(scope="module")
def population() -> ms.Population:
    return ms.generate_population(ms.presets.bogor_population_spec(4000), seed=7)


# Profiles that end -------------------------------------------------------------------------------
def test_a_linear_recovery_falls_in_equal_steps_and_ends():
    s = ms.Shock(channel="sales", onset="2020-03", severity=ms.SeverityDist.fixed(0.4), ramp_months=1,
                 plateau_months=2, recovery_months=4, name="linear")
    assert s.recovery_months == 4
    path = [s.intensity(k) for k in range(10)]
    assert path[:3] == pytest.approx([0.5, 1.0, 1.0])
    assert path[3:7] == pytest.approx([0.8, 0.6, 0.4, 0.2])  # 1 - (k + 1) / (4 + 1)
    assert path[7:] == [0.0, 0.0, 0.0]
    assert s.months_to_end() == 1 + 2 + 4
    assert s.intensity(-1) == 0.0


def test_a_half_life_decay_ends_below_end_below():
    s = ms.Shock(channel="sales", onset="2020-03", severity=ms.SeverityDist.fixed(0.4), plateau_months=1,
                 recovery_half_life_months=2.0, end_below=0.1)
    assert s.recovery_months == 0 and s.end_below == 0.1
    end = s.months_to_end()
    assert end == 1 + math.floor(-2.0 * math.log2(0.1))
    assert s.intensity(end - 1) >= 0.1 and s.intensity(end) == 0.0
    assert all(s.intensity(k) == 0.0 for k in range(end, end + 24))
    s.end_below = 0.0  # never ends
    assert s.months_to_end() == -1 and s.intensity(200) > 0
    s.end_below, s.recovery_half_life_months = 0.05, 0.0  # ends at once after the plateau
    assert s.months_to_end() == 1 and s.intensity(1) == 0.0
    path = ms.Shock(channel="sales", onset="2020-03", severity=ms.SeverityDist.fixed(0.4), path=[0.5, 1.0, 0.3])
    assert path.months_to_end() == 3 and path.intensity(3) == 0.0


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"recovery_months": -1}, "recovery_months"),
    ({"end_below": 1.5}, "end_below"),
    ({"severity_by_sector": {"trade": ms.SeverityDist.uniform(0.6, 0.2)}}, "severity_by_sector.trade"),
])
def test_invalid_profile_and_sector_severity_name_the_field(kwargs, field):
    with pytest.raises(ms.InvalidArgumentError) as info:
        ms.Shock(channel="sales", onset="2020-03", severity=ms.SeverityDist.fixed(0.3), name="bad", **kwargs)
    assert isinstance(info.value, ValueError)
    assert field in info.value.field and info.value.field.startswith("shock 'bad'")


# Sector severities ------------------------------------------------------------------------------
def test_severity_by_sector_round_trips_and_through_toml():
    food = ms.SeverityDist.beta(0.4, 0.15)
    s = ms.Shock(channel="sales", onset="2020-03", severity=ms.SeverityDist.fixed(0.1),
                 severity_by_sector={"food_beverage": food}, recovery_months=6, name="sales")
    assert list(s.severity_by_sector) == ["food_beverage"]
    assert repr(s.severity_by_sector["food_beverage"]) == repr(food)
    s.severity_by_sector = {**s.severity_by_sector, "trade": ms.SeverityDist.fixed(0.05)}
    assert set(s.severity_by_sector) == {"food_beverage", "trade"}
    f = ms.ScenarioFile(scenario=ms.Scenario(months=12, shocks=[s]))
    back = ms.parse_scenario(ms.to_toml(f)).scenario.shocks[0]
    assert {k: repr(v) for k, v in back.severity_by_sector.items()} == {k: repr(v) for k, v in
                                                                        s.severity_by_sector.items()}
    assert (back.recovery_months, back.end_below) == (6, 0.05)


def test_a_sector_hit_harder_loses_more_revenue(population: ms.Population):
    def trough(severity_by_sector: dict[str, ms.SeverityDist]) -> dict[str, float]:
        shock = ms.Shock(channel="sales", onset="2020-02", severity=ms.SeverityDist.fixed(0.1), plateau_months=3,
                         recovery_months=3, severity_by_sector=severity_by_sector, name="sales")
        r = ms.run(population, ms.Scenario(months=8, shocks=[shock]), seed=1)
        by = r.by_sector
        return by.groupby("sector", observed=True)["revenue_index"].min().to_dict()

    even = trough({})
    food = trough({"food_beverage": ms.SeverityDist.fixed(0.5)})
    assert food["food_beverage"] < even["food_beverage"] - 0.2
    assert food["trade"] == pytest.approx(even["trade"], abs=0.03)


def test_a_sector_severity_for_a_sector_the_population_lacks_is_refused(population: ms.Population):
    shock = ms.Shock(channel="sales", onset="2020-02", severity=ms.SeverityDist.fixed(0.1),
                     severity_by_sector={"shipbuilding": ms.SeverityDist.fixed(0.5)}, name="sales")
    with pytest.raises(ms.InvalidArgumentError, match="shipbuilding"):
        ms.run(population, ms.Scenario(months=3, shocks=[shock]))


def test_a_shock_that_has_ended_leaves_the_revenue_index_where_a_calm_run_has_it(population: ms.Population):
    shock = ms.Shock(channel="sales", onset="2020-02", severity=ms.SeverityDist.fixed(0.3), plateau_months=1,
                     recovery_months=2, name="brief")
    assert shock.months_to_end() == 3
    shocked = ms.run(population, ms.Scenario(months=12, shocks=[shock]), seed=1).monthly
    calm = ms.run(population, ms.Scenario(months=12), seed=1).monthly
    assert shocked["revenue_index"].iloc[1] < 0.8
    assert shocked["affected_firms"].iloc[1 + 3:].eq(0).all()  # nobody is affected once it has ended
    assert shocked["revenue_index"].iloc[-1] == pytest.approx(calm["revenue_index"].iloc[-1], abs=0.03)


# Restrictions and the survey window ------------------------------------------------------------
def test_restrictions_round_trip_and_the_largest_intensity_counts():
    psbb = ms.Restriction(start="2020-04", end="2020-06", name="PSBB")
    assert (psbb.start, psbb.end, psbb.intensity, psbb.name) == ("2020-04", "2020-06", 1.0, "PSBB")
    partial = ms.Restriction(start="2020-06", end="2020-12", intensity=0.5, name="transition")
    sc = ms.Scenario(months=24, restrictions=[psbb, partial])
    assert [r.name for r in sc.restrictions] == ["PSBB", "transition"]
    assert sc.restriction("2020-03") == 0.0 and sc.restriction("2020-05") == 1.0
    assert sc.restriction("2020-06") == 1.0 and sc.restriction("2020-07") == 0.5 and sc.restriction("2021-01") == 0
    partial.intensity = 0.25
    sc.restrictions = [psbb, partial]
    assert sc.restriction("2020-08") == 0.25
    assert "transition" in repr(partial) and "0.25" in repr(partial)
    f = ms.ScenarioFile(scenario=sc)
    back = ms.parse_scenario(ms.to_toml(f)).scenario
    assert [repr(r) for r in back.restrictions] == [repr(r) for r in sc.restrictions]


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"start": "2020-06", "end": "2020-04"}, "end"),
    ({"start": "2020-04", "end": "2020-06", "intensity": 1.5}, "intensity"),
    ({"start": "2020-13", "end": "2020-14"}, "start"),
])
def test_invalid_restrictions_name_the_field(kwargs, field):
    with pytest.raises(ms.InvalidArgumentError) as info:
        ms.Restriction(name="r", **kwargs)
    assert isinstance(info.value, ValueError) and field in info.value.field


def test_the_survey_window_is_both_months_or_neither():
    sc = ms.Scenario(months=12, survey_start="2020-03", survey_end="2020-06")
    assert (sc.survey_start, sc.survey_end) == ("2020-03", "2020-06")
    with pytest.raises(ms.InvalidArgumentError, match="survey_window"):
        ms.Scenario(months=12, survey_start="2020-03")
    with pytest.raises(ms.InvalidArgumentError, match="survey_window.end"):
        ms.Scenario(months=12, survey_start="2020-06", survey_end="2020-03")
    sc.survey_start = sc.survey_end = None
    sc.validate()
    f = ms.ScenarioFile(scenario=ms.Scenario(months=12, survey_start="2020-03", survey_end="2020-06"))
    back = ms.parse_scenario(ms.to_toml(f)).scenario
    assert (back.survey_start, back.survey_end) == ("2020-03", "2020-06")
