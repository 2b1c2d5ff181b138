"""Shared fixtures: small Bogor populations, generated once per session."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest

import msmesim as ms

# The tests read English texts unless they ask for a language: whatever the
# machine's locale, the package and the commands they start speak English
# (test_i18n.py sets the environment it tests itself).
os.environ["MSMESIM_LANG"] = "en"


@pytest.fixture
def ctrl_c() -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt during the test, as in a terminal or
    Jupyter, even when the test process was started with SIGINT ignored (a
    background job)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.fixture(scope="session")
def small_population() -> ms.Population:
    return ms.generate_population(ms.presets.bogor_population_spec(4000), seed=11)


@pytest.fixture(scope="session")
def covid() -> ms.Scenario:
    return ms.presets.bogor_covid19_scenario(24)


@pytest.fixture(scope="session")
def small_result(small_population: ms.Population, covid: ms.Scenario) -> ms.Result:
    return ms.run(small_population, covid, seed=3, threads=2)
