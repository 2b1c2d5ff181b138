"""Python that feels native: readable reprs and Jupyter displays, dates
wherever months are taken, every core by default."""

from __future__ import annotations

import datetime
import inspect

import msmesim as ms
import pandas as pd
import pytest


def test_population_and_scenario_show_what_they_hold(small_population, covid):
    text = repr(small_population)
    assert text.startswith("<msmesim.Population 'Bogor Regency': 4,000 firms (micro ")
    assert "40 regions, 7 sectors" in text and "cooperatives" in text
    page = small_population._repr_html_()
    assert "<table>" in page and "4,000" in page and "food_beverage" in page
    text = repr(covid)
    assert text == (f"<msmesim.Scenario 'bogor-covid19': 24 months from 2020-01, {len(covid.shocks)} shock(s), "
                     f"{len(covid.programmes)} programme(s), {len(covid.restrictions)} restriction period(s)>")
    page = covid._repr_html_()
    assert "24 months from 2020-01" in page
    for p in covid.programmes:
        assert p.name in page
    # Names a user typed are escaped in the page.
    s = ms.Scenario(name="<b>x</b>")
    assert "&lt;b&gt;x&lt;/b&gt;" in s._repr_html_() and "<b>x</b>" not in s._repr_html_().split("</b>", 1)[1]


@pytest.mark.parametrize("month", [datetime.date(2020, 3, 1), datetime.datetime(2020, 3, 15, 12, 0),
                                   pd.Period("2020-03", freq="M"), pd.Timestamp("2020-03-31"), "2020-03"])
def test_every_month_argument_takes_dates(month):
    shock = ms.Shock(channel="sales", onset=month, severity=ms.SeverityDist.fixed(0.3))
    assert shock.onset == "2020-03"
    shock.onset = datetime.date(2021, 1, 5)
    assert shock.onset == "2021-01"
    p = ms.Programme(name="p", kind="cash_grant", start=month, end=datetime.date(2020, 12, 1))
    assert (p.start, p.end) == ("2020-03", "2020-12")
    p.end = pd.Period("2021-02", freq="M")
    assert p.end == "2021-02"
    r = ms.Restriction(start=month, end=datetime.date(2020, 6, 30))
    assert (r.start, r.end) == ("2020-03", "2020-06")
    s = ms.Scenario(start=month, months=12, survey_start=month, survey_end=datetime.date(2020, 6, 1))
    assert (s.start, s.survey_start, s.survey_end) == ("2020-03", "2020-03", "2020-06")
    s.start = datetime.date(2019, 12, 1)
    assert s.start == "2019-12"
    s.restrictions = [r]
    assert s.restriction(datetime.date(2020, 4, 1)) == r.intensity


def test_a_month_that_is_no_month_is_refused_naming_the_field():
    with pytest.raises(ms.InvalidArgumentError, match="onset"):
        ms.Shock(channel="sales", onset="2020-13", severity=ms.SeverityDist.fixed(0.3))
    # Neither text nor a date: a TypeError naming the field and what it takes,
    # not a list of the binding's signatures.
    with pytest.raises(ms.TypeMismatchError, match="onset: got 202003; allowed: a month 'YYYY-MM', a date"):
        ms.Shock(channel="sales", onset=202003, severity=ms.SeverityDist.fixed(0.3))
    with pytest.raises(TypeError, match="survey_end"):
        ms.Scenario(survey_start="2020-03", survey_end=3.5)
    p = ms.Programme(name="p", kind="cash_grant")
    with pytest.raises(TypeError, match="end"):
        p.end = ["2020", "03"]


def test_python_uses_every_core_by_default_as_the_command_line():
    for fn in (ms.run, ms.ensemble, ms.generate_population, ms.run_file):
        assert inspect.signature(fn).parameters["threads"].default == 0, fn.__name__
