"""msmesim: simulate micro, small and medium enterprises (MSMEs, UMKM) and
cooperatives through economic shocks and support programmes.

Quick start::

    import msmesim as ms

    population = ms.generate_population(ms.presets.bogor_population_spec(firms=100_000), seed=1)
    result = ms.run(population, ms.presets.bogor_covid19_scenario(), seed=1, threads=2)
    result.monthly          # pandas DataFrame, one row per month
    result.by_region        # long DataFrame: month x kecamatan
    result.firms            # firm-level microdata
    result.credit_book      # one row per month and lender: outstanding, new, in arrears, restructured, written off
    result.closures_by_route()   # owner exit, unviable, insolvent, month by month
    print(result.summary())
    ms.cooperatives_frame(population)   # the cooperatives (koperasi), one row each

Support programmes (``ms.programmes``)::

    scenario.programmes = [ms.programmes.cash_grant(
        "bpum", start="2020-05", end="2020-12", budget_rp=5e9,
        eligibility=ms.programmes.eligible(classes=["micro"]))]
    result = ms.run(population, scenario)
    result.programmes               # reach and money per programme and month
    result.programme_summary()      # one row per programme

Scenario files (TOML, docs/scenario.md)::

    f = ms.load_scenario("scenario.toml")   # or ms.preset("bogor-covid19")
    result = ms.run_file(f, threads=2)      # its population, seed and replications
    ms.save_scenario(f, "copy.toml")

A self-contained HTML report (``ms.report``)::

    ms.write_report([baseline_result, grant_result], "report.html")
"""

from __future__ import annotations

try:
    from . import _core
except ImportError as exc:  # pragma: no cover - only when the extension is missing
    raise ImportError(
        "msmesim's compiled extension (msmesim._core) could not be imported. Build and install the "
        "package with `pip install .` from the source tree (it needs a C++20 compiler, CMake and the "
        "Debian packages listed in the README), then import it from outside the source directory. "
        f"Original error: {exc}"
    ) from exc

from ._workbook import SpreadsheetError
from ._core import (
    AttributeRange,
    CancelledError,
    Cooperatives,
    CooperativeSpec,
    Eligibility,
    Error,
    FileError,
    FirmParams,
    InputOutput,
    InvalidArgumentError,
    ParseError,
    OutputSpec,
    Population,
    PopulationSource,
    PopulationSpec,
    Programme,
    RegionSpec,
    ResourceLimitError,
    Restriction,
    Scenario,
    ScenarioFile,
    ScenarioFileError,
    SectorSpec,
    SeverityDist,
    Shock,
    Simulation,
    TypeMismatchError,
    allocations,
    channels,
    class_criteria,
    class_regimes,
    class_thresholds,
    classify,
    closure_reasons,
    coop_types,
    default_amount_rp,
    eligibility_attributes,
    estimate_entry_spec,
    lenders,
    programme_kinds,
    programme_params,
    size_classes,
    spends_budget,
)
from . import _display
from . import calibrate, i18n, presets, programmes, report, scenarios
from .api import (
    Result,
    burn_in,
    cooperatives_frame,
    generate_population,
    load_population_csv,
    memberships_frame,
    parameter_table,
    population_frame,
    run,
    write_outputs,
    write_report,
)
from .ensemble import EnsembleInterrupted, EnsembleResult, compare, ensemble
from . import analyses, paths, portfolio
from .portfolio import PortfolioResult, optimise_portfolio, optimize_portfolio
from .sensitivity import SensitivityResult, sensitivity
from .sweep import SweepResult, sweep
from .scenarios import (
    load_scenario,
    make_population,
    parse_scenario,
    population_of,
    preset,
    preset_names,
    preset_text,
    run_file,
    save_scenario,
    to_toml,
)

__version__: str = _core.__version__

__all__ = [
    "AttributeRange",
    "CancelledError",
    "CooperativeSpec",
    "Cooperatives",
    "Eligibility",
    "EnsembleInterrupted",
    "EnsembleResult",
    "Error",
    "FileError",
    "FirmParams",
    "InputOutput",
    "InvalidArgumentError",
    "OutputSpec",
    "ParseError",
    "Population",
    "PortfolioResult",
    "PopulationSource",
    "PopulationSpec",
    "Programme",
    "RegionSpec",
    "ResourceLimitError",
    "Restriction",
    "Result",
    "Scenario",
    "ScenarioFile",
    "SensitivityResult",
    "SweepResult",
    "ScenarioFileError",
    "SectorSpec",
    "SeverityDist",
    "Shock",
    "Simulation",
    "SpreadsheetError",
    "TypeMismatchError",
    "__version__",
    "allocations",
    "analyses",
    "burn_in",
    "channels",
    "class_criteria",
    "class_regimes",
    "class_thresholds",
    "classify",
    "closure_reasons",
    "compare",
    "coop_types",
    "cooperatives_frame",
    "default_amount_rp",
    "eligibility_attributes",
    "ensemble",
    "estimate_entry_spec",
    "generate_population",
    "i18n",
    "lenders",
    "load_population_csv",
    "load_scenario",
    "make_population",
    "memberships_frame",
    "optimise_portfolio",
    "optimize_portfolio",
    "parameter_table",
    "parse_scenario",
    "paths",
    "population_frame",
    "population_of",
    "portfolio",
    "preset",
    "preset_names",
    "preset_text",
    "presets",
    "programme_kinds",
    "programme_params",
    "programmes",
    "report",
    "run",
    "run_file",
    "save_scenario",
    "scenarios",
    "sensitivity",
    "sweep",
    "calibrate",
    "size_classes",
    "spends_budget",
    "to_toml",
    "write_outputs",
    "write_report",
]

_display.attach()
