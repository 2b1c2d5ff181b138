"""The `msmesim` command line.

    msmesim run                 # the built-in Bogor COVID-19 default
    msmesim run --firms 100000 --months 24 --seed 3 --threads 2 --out results/
    msmesim run scenario.toml   # a scenario file (docs/scenario.md); options override it
    msmesim run bogor-covid19   # a built-in preset by name
    msmesim validate a.toml b.toml
    msmesim compare baseline.toml grant.toml --out results/
    msmesim report report.html baseline.toml grant.toml   # a self-contained HTML report
    msmesim presets             # list the built-in presets
    msmesim params              # the parameter table
"""

from __future__ import annotations

import argparse
import difflib
import functools
import math
import os
import shlex
import sys
from pathlib import Path
from typing import Sequence

import pandas as pd

from . import _core, i18n, scenarios
from .i18n import N_
from ._common import PRESET_FIRMS, whole_range
from ._errors import invalid
from ._files import atomic_path, check_output_dir
from .api import Result, generate_population, load_population_csv, run, write_outputs, write_report
from .ensemble import compare
from .report import compare_programmes

#: The scenario of `msmesim run` without a file.
DEFAULT_PRESET = "bogor-covid19"

#: The language of this invocation (--lang, else the environment's): its
#: gettext and formatter, set by main() before the parser is built.
_FMT: dict[str, i18n.Formatter] = {"f": i18n.Formatter("en")}


def _(message: str) -> str:
    return _FMT["f"]._(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return i18n.ngettext_for(_FMT["f"].lang)(singular, plural, n)


#: argparse's own texts, in the catalog so that its usage lines, headings and
#: errors read in the language of the rest (argparse looks them up through
#: its module's gettext).
_ARGPARSE_MESSAGES = (
    N_("usage: "), N_("positional arguments"), N_("options"), N_("show this help message and exit"),
    N_("show program's version number and exit"), N_("%(prog)s: error: %(message)s\n"),
    N_("the following arguments are required: %s"), N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"), N_("argument %(argument_name)s: %(message)s"),
    N_("expected one argument"), N_("invalid %(type)s value: %(value)r"),
    N_("ambiguous option: %(option)s could match %(matches)s"), N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
)


def _language(argv: Sequence[str]) -> str:
    """The language asked for on the command line (--lang X or --lang=X), else the environment's."""
    for k, arg in enumerate(argv):
        if arg == "--lang" and k + 1 < len(argv):
            return i18n.resolve(argv[k + 1])
        if arg.startswith("--lang="):
            return i18n.resolve(arg.split("=", 1)[1])
    return i18n.resolve(None)


def _lang_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=tuple(i18n.LANGUAGES), default=None,
                   help=_("the language of what is printed and of the report: en (English) or id (Bahasa "
                          "Indonesia); default: the environment's (MSMESIM_LANG, then LC_ALL, LC_MESSAGES, LANG)"))


def _whole(name: str, minimum: int, maximum: int | None = None):
    def parse(text: str) -> int:
        bounded = maximum is not None and maximum < 2**63 - 1  # (the largest 64-bit integer: no bound, as in the core)
        allowed = (_("a whole number >= %(min)s and <= %(max)s") % {"min": minimum, "max": maximum} if bounded
                   else _("a whole number >= %(min)s") % {"min": minimum})
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(_("%(head)sgot %(value)s; allowed: %(allowed)s") % {
                "head": f"{name}: ", "value": repr(text), "allowed": allowed}) from None
        if value < minimum or (maximum is not None and value > maximum):
            raise argparse.ArgumentTypeError(_("%(head)sgot %(value)s; allowed: %(allowed)s") % {
                "head": f"{name}: ", "value": value, "allowed": allowed})
        return value

    return parse


#: The scenario file's numeric options (the core's table, by key path): the
#: command-line options that override them take their ranges from it.
SCENARIO_OPTIONS: dict[str, dict] = {row["name"]: row for row in _core.scenario_option_table()}


def _option(flag: str, key: str):
    """A whole-number option that overrides the scenario file's `key`."""
    return _whole(flag, *whole_range(SCENARIO_OPTIONS[key]))


def _run_options(r: argparse.ArgumentParser, first: bool) -> None:
    """Options shared by run, compare and report (``first``: the first file's values are the defaults)."""
    r.add_argument("--firms", type=_option("--firms", "population.firms"), default=None,
                   help=_("number of firms (default: the scenario file's; Bogor's %(firms)s without a file)")
                   % {"firms": _FMT["f"].number(_core.BOGOR_FIRMS)})
    r.add_argument("--months", type=_option("--months", "horizon.months"), default=None,
                   help=_("months to simulate (default: the first file's; 36 without a file)") if first
                   else _("months to simulate (default: the file's; 36 without a file)"))
    r.add_argument("--seed", type=_option("--seed", "seed"), default=None,
                   help=_("random seed of the runs and of a synthetic population (default: the first file's; 1 "
                          "without a file)") if first
                   else _("random seed of the runs and of a synthetic population (default: the file's; 1 without a "
                          "file)"))
    r.add_argument("--threads", type=_whole("--threads", 0, 4096), default=0,
                   help=_("worker threads; 0 uses every core (default). Results do not depend on it"))
    r.add_argument("--replications", type=_option("--replications", "replications"), default=None,
                   help=_("independent replications (default: the first file's; 1 without a file)") if first
                   else _("independent replications (default: the file's; 1 without a file)"))


def _population_options(r: argparse.ArgumentParser) -> None:
    """Where the firms come from: options shared by run, compare and report."""
    r.add_argument("--region", action="append", default=None, metavar="KECAMATAN",
                   help=_("simulate only these kecamatan (repeatable); firms keep their share of --firms"))
    r.add_argument("--population-csv", default=None, metavar="FILE",
                   help=_("use firms from a registry extract (CSV, or an .xlsx workbook: FILE.xlsx or "
                          "FILE.xlsx#SHEET) instead of the synthetic Bogor population"))
    r.add_argument("--cooperatives-csv", default=None, metavar="FILE",
                   help=_("with --population-csv: the registry's cooperatives (format in docs/data.md)"))
    r.add_argument("--memberships-csv", default=None, metavar="FILE",
                   help=_("with --cooperatives-csv: the firms' memberships (default: the firm file's cooperative "
                          "column)"))
    r.add_argument("--keep-budgets", action="store_true",
                   help=_("with --firms or --region: keep the programmes' budgets, quotas and monthly capacities as "
                          "written (by default they are scaled with the number of firms, so that a smaller "
                          "population does not get the whole regency's budget)"))
    r.add_argument("--csv-locale", choices=("auto", "en", "id"), default="auto",
                   help=_("how the CSV files write fields and numbers: auto (default: detected from each file's "
                          "header row), en (commas, 1234.5) or id (semicolons, 1.234,5, as a spreadsheet in an "
                          "Indonesian locale exports)"))


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="msmesim",
        description=_("Simulate MSMEs and cooperatives through shocks and support programmes."),
    )
    p.add_argument("--version", action="version", version=f"msmesim {_core.__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    r = sub.add_parser("run", help=_("run a scenario file or preset (default: the %(preset)s preset)")
                       % {"preset": DEFAULT_PRESET})
    r.add_argument("scenario", nargs="?", default=None, metavar="FILE",
                   help=_("a scenario file (docs/scenario.md) or a built-in preset name (default: %(preset)s); "
                          "the options below override its values") % {"preset": DEFAULT_PRESET})
    _run_options(r, first=False)
    _population_options(r)
    r.add_argument("--out", default=None, metavar="DIR",
                   help=_("write monthly.csv, by_sector.csv, by_class.csv, by_region.csv, credit_book.csv, panel.csv "
                          "(with --panel-month or outputs.panel_months), the cooperatives' "
                          "cooperatives.csv, cooperatives_by_type.csv, cooperatives_by_region.csv, the programmes' "
                          "programmes.csv, programme_ledger.csv, programme_payments.csv, programme_awards.csv "
                          "(when the scenario has programmes) and run.json to DIR (default: the file's outputs.dir, "
                          "relative to the file)"))
    r.add_argument("--report", default=None, metavar="FILE",
                   help=_("write an HTML report to FILE (default: the file's outputs.report, relative to the file)"))
    r.add_argument("--microdata", action="store_true",
                   help=_("with --out, also write firms.csv (one row per firm; also outputs.microdata)"))
    r.add_argument("--format", choices=("csv", "parquet"), default="csv",
                   help=_("with --out: csv (default) or parquet (typed columns, the run's metadata in each file; "
                          "needs pyarrow: pip install msmesim[parquet])"))
    r.add_argument("--panel-month", action="append", type=_whole("--panel-month", 0, 1199), default=None,
                   metavar="M", dest="panel_months",
                   help=_("with --out, write every firm at the end of month M (an index from 0; repeatable) to "
                          "panel.csv (default: the file's outputs.panel_months)"))
    r.add_argument("--quiet", action="store_true", help=_("print nothing but errors"))
    r.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help=_("show a progress bar (default: when the output is a terminal)"))

    v = sub.add_parser("validate", help=_("read and check scenario files without running them"))
    v.add_argument("files", nargs="+", metavar="FILE", help=_("scenario files (or built-in preset names)"))

    c = sub.add_parser("compare", help=_("run scenario files on one population with the same random numbers and "
                                         "compare them with the first"))
    c.add_argument("files", nargs="+", metavar="FILE",
                   help=_("two or more scenario files (or preset names); the first is the baseline and gives the "
                          "population, seed and replications"))
    _run_options(c, first=True)
    _population_options(c)
    c.add_argument("--out", default=None, metavar="DIR", help=_("write compare.csv to DIR"))
    c.add_argument("--report", default=None, metavar="HTML", help=_("also write an HTML report of the comparison"))
    c.add_argument("--checkpoint", default=None, metavar="DIR",
                   help=_("save every completed replication in DIR; run the same command again after an "
                          "interruption and it continues where it stopped, with the same result"))
    c.add_argument("--quiet", action="store_true", help=_("print nothing but errors"))
    c.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help=_("show a progress bar (default: when the output is a terminal)"))

    o = sub.add_parser("report", help=_("run scenario files on one population with the same random numbers and "
                                        "write a self-contained HTML report of them"))
    o.add_argument("out_html", metavar="OUT.html", help=_("the HTML report to write"))
    o.add_argument("files", nargs="*", metavar="FILE",
                   help=_("scenario files (or preset names; default: %(preset)s); the first is the baseline and "
                          "gives the population, seed and replications") % {"preset": DEFAULT_PRESET})
    _run_options(o, first=True)
    _population_options(o)
    o.add_argument("--quiet", action="store_true", help=_("print nothing but errors"))
    o.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help=_("show a progress bar (default: when the output is a terminal)"))

    k = sub.add_parser("calibrate", help=_("fit scenario parameters to target statistics (docs/calibration.md)"))
    k.add_argument("file", metavar="FILE", help=_("a calibration file (TOML): scenario, targets, parameters, method"))
    k.add_argument("--write-scenario", default=None, metavar="OUT",
                   help=_("write the calibrated scenario file to OUT"))
    k.add_argument("--out", default=None, metavar="DIR", help=_("write fit.csv and evaluations.csv to DIR"))

    for name, what, outputs in (
            ("optimise", N_("split a budget across candidate programmes to save the most jobs or firms "
                            "(docs/portfolio.md)"), "portfolio_best, portfolio_top, portfolio_candidates"),
            ("sweep", N_("run the scenario over a grid of parameter values against its baseline (docs/sweeps.md)"),
             "sweep_points, sweep_outcomes, sweep_comparison"),
            ("sensitivity", N_("rank the parameters by their effect on an outcome (Morris or Sobol'; "
                               "docs/sweeps.md)"),
             "sensitivity_indices, sensitivity_samples, sensitivity_outcomes")):
        a = sub.add_parser(name, help=_(what))
        a.add_argument("file", metavar="FILE",
                       help=_("a scenario file with an [%(table)s] table (the baseline and the analysis's "
                              "settings)") % {"table": name})
        a.add_argument("--threads", type=_whole("--threads", 0, 4096), default=0,
                       help=_("worker threads; 0 uses every core (default). Results do not depend on it"))
        a.add_argument("--out", default=None, metavar="DIR",
                       help=_("write %(tables)s and analysis.json to DIR") % {"tables": outputs})
        a.add_argument("--format", choices=("csv", "parquet"), default="csv",
                       help=_("with --out: csv (default) or parquet (needs pyarrow)"))
        a.add_argument("--report", default=None, metavar="FILE",
                       help=_("write an HTML page with the result, the file and the command that reproduces it"))
        a.add_argument("--quiet", action="store_true", help=_("print nothing but errors"))
        a.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                       help=_("show a progress bar (default: when the output is a terminal)"))

    sub.add_parser("presets", help=_("list the built-in presets"))
    sub.add_parser("params", help=_("print the behavioural parameters with defaults and sources"))
    _lang_option(p)
    for command in sub.choices.values():
        _lang_option(command)
    return p


def _cmd_analysis(args: argparse.Namespace, kind: str) -> int:
    """msmesim optimise / sweep / sensitivity FILE."""
    from . import analyses

    if args.out:
        check_output_dir(args.out, "--out")
    analysis = analyses.load_analysis(args.file, kind)
    result = analyses.run_analysis(analysis, threads=args.threads, progress=_progress(args))
    if not args.quiet:
        print(analyses.summary_text(result, kind, args.lang))
    parts = ["msmesim", kind, args.file, *(["--out", args.out] if args.out else []),
             *(["--format", args.format] if args.format != "csv" else []),
             *(["--report", args.report] if args.report else [])]
    command = " ".join(shlex.quote(p) for p in parts)
    written: list[Path] = []
    if args.out:
        written += analyses.write_analysis(result, analysis, args.out, format=args.format)
    if args.report:
        written.append(analyses.write_analysis_report(result, analysis, args.report, command=command,
                                                          lang=args.lang))
    if written and not args.quiet:
        _wrote(written)
    return 0


def _wrote(paths: Sequence[str | os.PathLike[str]]) -> None:
    print(_("Wrote %(files)s") % {"files": ", ".join(os.fspath(p) for p in paths)})


def _command_line(args: argparse.Namespace) -> str:
    """The command as typed (to print in a report)."""
    return " ".join(shlex.quote(p) for p in ["msmesim", *args.argv])


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from . import calibrate as cal
    from . import scenarios

    result = cal.calibrate(args.file)
    print(f"{args.file}: {result.method}, {result.evaluations} evaluations")
    for name, value in result.parameters.items():
        print(f"  {name} = {value:.4g}")
    for row in result.fit.itertuples():
        print(f"  {row.statistic:<36} target {row.target:.4f}  simulated {row.simulated:.4f}  "
              f"difference {row.difference:+.4f}  tolerance {row.tolerance:.4f}  {'ok' if row.within else 'OUTSIDE'}")
    if args.write_scenario:
        scenarios.save_scenario(result.scenario_file, args.write_scenario)
        print(f"  wrote {args.write_scenario}")
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        with atomic_path(out / "fit.csv") as tmp:
            result.fit.to_csv(tmp, index=False)
        with atomic_path(out / "evaluations.csv") as tmp:
            result.history.to_csv(tmp, index=False)
    return 0 if result.within_tolerance else 3


def _restrict_cooperatives(coops: _core.CooperativeSpec, keep_index: list[int], firm_share: float) -> None:
    """Limit a cooperative spec to the regions ``keep_index`` (in place).

    Their active cooperatives are kept exactly; the other regency totals
    (cooperatives, members, capital, volume, SHU, RATs) scale with the kept
    share of active cooperatives (of firms when the spec has no per-region
    counts), and the member firms' reference population with ``firm_share``.
    """
    if coops.count == 0:
        return
    if coops.active_by_region:
        total_active = coops.active_total()
        coops.active_by_region = [coops.active_by_region[i] for i in keep_index]
        share = coops.active_total() / total_active if total_active else firm_share
    else:
        share = firm_share
        coops.active = round(coops.active * share)
    active = coops.active_total()
    coops.count = max(active, 1, round(coops.count * share))
    coops.members = max(coops.min_members * coops.count, round(coops.members * share))
    coops.own_capital_rp *= share
    coops.external_capital_rp *= share
    coops.business_volume_rp_year *= share
    coops.shu_rp_year *= share
    coops.rat_last_year = min(active, round(coops.rat_last_year * share))
    if coops.active_rat_min > 1:
        coops.rat_last_year = active  # every active cooperative held its RAT last year
    if coops.reference_firms:
        coops.reference_firms = max(1, round(coops.reference_firms * firm_share))


#: Population specs of the built-in populations, for --region.
_POPULATION_SPECS = {name: functools.partial(_core.population_preset_spec, name) for name in PRESET_FIRMS}


def _load(name: str) -> _core.ScenarioFile:
    """A scenario file by path, or a built-in preset by name (when no such file exists)."""
    if not os.path.exists(name) and name in _core.preset_names():
        return _core.preset(name)
    if not os.path.exists(name):
        presets = ", ".join(_core.preset_names())
        raise _core.FileError(f"cannot read scenario file '{name}': no such file (nor a built-in preset: {presets})")
    return scenarios.load_scenario(name)


def _from_file(scenario_file: _core.ScenarioFile, path: str) -> str:
    """A path of a scenario file's [outputs], relative to the file's directory."""
    return path if not path or os.path.isabs(path) else os.path.join(scenarios.base_dir(scenario_file), path)


def _apply_overrides(f: _core.ScenarioFile, args: argparse.Namespace) -> None:
    """Options given on the command line replace the file's values."""
    if args.months is not None:
        f.scenario.months = args.months
    if args.seed is not None:
        f.seed = args.seed
        f.population.seed = args.seed
    if args.replications is not None:
        f.replications = args.replications


def _population(args: argparse.Namespace, f: _core.ScenarioFile) -> _core.Population:
    """The population of a run: the file's, or what --population-csv, --firms and --region make of it."""
    region, population_csv = args.region, args.population_csv
    cooperatives_csv, memberships_csv = args.cooperatives_csv, args.memberships_csv
    if population_csv:
        if args.firms is not None or region:
            raise invalid("--population-csv", population_csv,
                          "a registry file or the synthetic population (--firms, --region), not both")
        if memberships_csv and not cooperatives_csv:
            raise invalid("--memberships-csv", memberships_csv, "a memberships file with --cooperatives-csv")
        return load_population_csv(population_csv, cooperatives=cooperatives_csv, memberships=memberships_csv,
                                   csv_locale=args.csv_locale)
    if cooperatives_csv or memberships_csv:
        option = "--cooperatives-csv" if cooperatives_csv else "--memberships-csv"
        raise invalid(option, cooperatives_csv or memberships_csv,
                      "a cooperatives file for a registry given with --population-csv")
    source = f.population
    if source.firms_csv:
        given = [("--firms", args.firms)] if args.firms is not None else [("--region", r) for r in region or []]
        if given:
            raise invalid(*given[0], "a synthetic population; the scenario file reads the registry "
                                     f"{source.firms_csv!r} (population.firms_csv)")
        if args.csv_locale != "auto":
            source.csv_locale = args.csv_locale
        return scenarios.population_of(f, threads=args.threads)
    if args.firms is not None:
        _core.require_memory("--firms", args.firms)
        source.firms = args.firms
    if not region:
        return scenarios.population_of(f, threads=args.threads)
    if source.preset not in _POPULATION_SPECS:
        raise invalid("--region", region[0], "a synthetic population of a built-in preset")
    scenarios.check_population(f)
    total = source.firms if source.firms > 0 else PRESET_FIRMS[source.preset]
    spec = _POPULATION_SPECS[source.preset](total)
    known = [r.name for r in spec.regions]
    weights = {r.name: r.weight for r in spec.regions}
    for name in region:
        if name not in weights:
            hint = difflib.get_close_matches(name, known, n=1)
            allowed = f"a {source.preset.capitalize()} kecamatan: " + ", ".join(known)
            if hint:
                allowed += f" (did you mean {hint[0]!r}?)"
            raise invalid("--region", name, allowed)
    chosen = set(region)
    keep_index = [i for i, r in enumerate(spec.regions) if r.name in chosen]
    keep = [spec.regions[i] for i in keep_index]
    share = sum(r.weight for r in keep) / sum(weights.values())
    _restrict_cooperatives(spec.cooperatives, keep_index, share)
    spec.regions = keep
    spec.firms = max(1, round(total * share))
    spec.name = f"{spec.name} ({', '.join(r.name for r in keep)})"
    spec.firm_params = f.scenario.params  # burnt in under the scenario's parameters
    if source.burn_in_months >= 0:
        spec["burn_in_months"] = source.burn_in_months
    return generate_population(spec, seed=source.seed, threads=args.threads)


def _described_firms(f: _core.ScenarioFile) -> int:
    """The number of firms a scenario file's programmes were written for: its
    synthetic population's (0 for a registry file)."""
    source = f.population
    if source.firms_csv:
        return 0
    return source.firms if source.firms > 0 else PRESET_FIRMS.get(source.preset, 0)


def _scale_budgets(args: argparse.Namespace, files: list[_core.ScenarioFile], described: int,
                   population: _core.Population) -> None:
    """With --firms or --region on a synthetic population, the programmes of
    ``files`` scaled to the firms simulated (unless --keep-budgets), and a note
    saying so."""
    if args.keep_budgets or args.population_csv or described <= 0:
        return
    if args.firms is None and not args.region:
        return
    factor = len(population) / described
    if factor == 1.0 or not any(len(f.scenario.programmes) for f in files):
        return
    for f in files:
        f.scenario = scenarios.scale_programmes(f.scenario, factor)
    if not args.quiet:
        f = _FMT["f"]
        print(_("msmesim: the programmes' budgets, quotas and monthly capacities are scaled by %(factor)s "
                "(%(firms)s of the %(described)s firms they were written for); --keep-budgets keeps them as "
                "written") % {"factor": f.number(factor, 4), "firms": f.number(len(population)),
                              "described": f.number(described)}, file=sys.stderr)


def _progress(args: argparse.Namespace) -> bool:
    return args.progress if args.progress is not None else (sys.stderr.isatty() and not args.quiet)


def _cmd_run(args: argparse.Namespace) -> int:
    f = _load(args.scenario) if args.scenario else _core.preset(DEFAULT_PRESET)
    _apply_overrides(f, args)
    out = args.out or _from_file(f, f.outputs.dir)
    if out:  # refused before anything runs: an existing file, a directory of other files, no permission
        check_output_dir(out, "--out" if args.out else "outputs.dir")
    described = _described_firms(f)
    population = _population(args, f)
    _scale_budgets(args, [f], described, population)
    microdata = args.microdata or f.outputs.microdata
    panel_months = args.panel_months if args.panel_months is not None else list(f.outputs.panel_months)
    report = args.report or _from_file(f, f.outputs.report)
    progress = _progress(args)
    results = []
    for rep in range(f.replications):
        res = run(population, f.scenario, seed=f.seed, replication=rep, threads=args.threads,
                  microdata=microdata, cooperative_panel=f.outputs.cooperative_panel,
                  panel_months=panel_months, progress=progress)
        results.append(res)
        if not args.quiet:
            print(res.summary(args.lang), end="" if rep + 1 == f.replications else "\n")
    written: list[Path] = []
    if out:
        written += write_outputs(results, out, microdata=microdata, cooperative_panel=f.outputs.cooperative_panel,
                                 format=args.format)
    if report:
        written.append(write_report(results, report, title=f"msmesim: {f.scenario.name}", scenarios=[f.scenario],
                                    files=[args.scenario] if args.scenario else [], command=_command_line(args),
                                    lang=args.lang))
    if written and not args.quiet:
        _wrote(written)
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from . import analyses

    for name in args.files:
        if os.path.isfile(name) and analyses.is_analysis_file(name):
            a = analyses.load_analysis(name)
            scenarios.check_population(a.scenario_file)
            extra = f", {len(a.candidates)} candidates" if a.kind == "optimise" else ""
            print(_("%(file)s: ok (%(kind)s of %(scenario)s%(extra)s)") % {
                "file": name, "kind": a.kind, "scenario": a.scenario_file.scenario.name, "extra": extra})
            continue
        f = _load(name)
        scenarios.check_population(f)
        sc = f.scenario
        counts = ", ".join((ngettext("%(n)s shock", "%(n)s shocks", len(sc.shocks)) % {"n": len(sc.shocks)},
                            ngettext("%(n)s programme", "%(n)s programmes", len(sc.programmes))
                            % {"n": len(sc.programmes)},
                            ngettext("%(n)s month", "%(n)s months", sc.months) % {"n": sc.months}))
        print(_("%(file)s: ok (%(scenario)s, %(counts)s)") % {"file": name, "scenario": sc.name, "counts": counts})
    return 0


#: Columns of compare.csv, in order.
_COMPARE_COLUMNS = ("scenario", "file", "closed_firms_end", "employment_end", "firms_saved", "jobs_saved",
                    "programme_spending_rp", "replications", "firms_saved_ci_low", "firms_saved_ci_high",
                    "jobs_saved_ci_low", "jobs_saved_ci_high", "cost_per_job_saved_rp", "cost_per_job_saved_rp_ci_low",
                    "cost_per_job_saved_rp_ci_high")


def _outcome(result: Result) -> tuple[float, float, float]:
    """Closed firms and employment at the end, and programme spending (Rp), of one run."""
    last = result.monthly.iloc[-1]
    programmes = result.programmes
    spent = float((programmes["transfer_rp"] + programmes["admin_rp"] + programmes["leakage_rp"]).sum()) \
        if len(programmes) else 0.0
    return float(last["closed_firms"]), float(last["employment"]), spent


def _prepare_files(args: argparse.Namespace, names: list[str]) -> tuple[_core.Population, int, int, list[str],
                                                                          list[_core.Scenario]]:
    """Load scenario files (or presets) and the first one's population. Returns the population, the first file's
    seed and replications, a distinct label per file and the scenarios; a scenario whose name repeats an earlier
    one's is renamed to its label."""
    files = [_load(name) for name in names]
    for f in files:
        _apply_overrides(f, args)
    first = files[0]
    described = _described_firms(first)
    population = _population(args, first)
    _scale_budgets(args, files, described, population)
    labels: list[str] = []
    for name, f in zip(names, files):
        label = f.scenario.name
        if label in labels:
            label = f"{label} ({Path(name).stem})"
            f.scenario.name = label
        labels.append(label)
    return population, first.seed, first.replications, labels, [f.scenario for f in files]


def _run_files(args: argparse.Namespace, names: list[str]) -> tuple[_core.Population, int, int, list[str],
                                                                     list[_core.Scenario], list[list[Result]]]:
    """Run scenario files (or presets) on the first one's population with its seed and replications (common
    random numbers): as :func:`_prepare_files`, with the Results of each file (one per replication)."""
    population, seed, replications, labels, scenarios = _prepare_files(args, names)
    progress = _progress(args)
    results = [[run(population, sc, seed=seed, replication=rep, threads=args.threads, microdata=False,
                    progress=progress) for rep in range(replications)]
               for sc in scenarios]
    return population, seed, replications, labels, scenarios, results


def _cmd_compare(args: argparse.Namespace) -> int:
    if len(args.files) < 2:
        raise invalid("compare", " ".join(args.files), "two or more scenario files (the first is the baseline)")
    population, seed, replications, names, scenarios_run = _prepare_files(args, args.files)
    try:
        res = compare(population, scenarios_run[0], scenarios_run[1:], replications=replications, seed=seed,
                      threads=args.threads, progress=_progress(args), checkpoint=args.checkpoint)
    except KeyboardInterrupt:
        if args.checkpoint:
            print(_("msmesim: the completed replications are saved in %(dir)s; run the same command again to "
                    "continue") % {"dir": args.checkpoint}, file=sys.stderr)
        raise
    levels = res.outcomes.groupby(["scenario", "metric"], observed=True)["value"].mean()
    comparison = res.comparison.set_index(["scenario", "metric"])
    rows = []
    for k, (label, name) in enumerate(zip(names, args.files)):
        row: dict[str, object] = {"scenario": label, "file": name,
                                  "closed_firms_end": levels[(label, "closed_firms_end")],
                                  "employment_end": levels[(label, "employment_end")],
                                  "programme_spending_rp": levels[(label, "spent_rp")],
                                  "replications": replications}
        for metric in ("firms_saved", "jobs_saved", "cost_per_job_saved_rp"):
            if k == 0:
                row[metric] = 0.0 if metric != "cost_per_job_saved_rp" else float("nan")
                row[metric + "_ci_low"] = row[metric + "_ci_high"] = float("nan")
            else:
                c = comparison.loc[(label, metric)]
                row[metric], row[metric + "_ci_low"], row[metric + "_ci_high"] = c["mean"], c["ci_low"], c["ci_high"]
        rows.append(row)
    table = pd.DataFrame(rows, columns=list(_COMPARE_COLUMNS))
    if not args.quiet:
        f = _FMT["f"]
        print(_("msmesim compare - %(n)s scenarios on %(population)s (%(firms)s firms), seed %(seed)s, %(reps)s; "
                "saved: relative to '%(baseline)s', same random numbers") % {
            "n": len(args.files), "population": population.name, "firms": f.number(len(population)), "seed": seed,
            "reps": _replications(replications), "baseline": names[0]}
              + (", " + _("%(pct)s intervals") % {"pct": f.share(res.confidence, 0)} if replications > 1 else ""))
        if res.replications_resumed:
            print(_("%(n)s of the replications read from the checkpoint %(dir)s") % {
                "n": res.replications_resumed, "dir": args.checkpoint})
        print(_format_table(table))
        if replications > 1:
            print()
            ranked = res.table(text=True, lang=args.lang).reset_index()[
                ["scenario", "rank", "firms saved", "jobs saved", "cost per job saved (Rp)"]]
            ranked.columns = [_("scenario"), _("rank"), _("firms saved"), _("jobs saved"), _("cost per job saved")]
            print(_plain_table(ranked))
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        path = out / "compare.csv"
        with atomic_path(path) as tmp:
            table.to_csv(tmp, index=False)
        if not args.quiet:
            _wrote([path])
    if args.report:
        runs = [run(population, sc, seed=seed, replication=rep, threads=args.threads, microdata=False)
                for sc in scenarios_run for rep in range(replications)]
        path = write_report(runs, args.report, title="msmesim: " + " vs ".join(names), scenarios=scenarios_run,
                            ensemble=res, files=[n for n in args.files if os.path.isfile(n)],
                            command=_command_line(args), lang=args.lang)
        if not args.quiet:
            _wrote([path])
    return 0


def _replications(n: int) -> str:
    return ngettext("%(n)s replication", "%(n)s replications", n) % {"n": n}


#: Replications of the comparison on a report's first screen when the files ask for one (intervals need several).
REPORT_MIN_REPLICATIONS = 5


def _cmd_report(args: argparse.Namespace) -> int:
    files = args.files or [DEFAULT_PRESET]
    population, seed, replications, names, scenarios_run, results = _run_files(args, files)
    runs = [r for per_file in results for r in per_file]
    title = "msmesim: " + (names[0] if len(names) == 1 else " vs ".join(names))
    ensemble = None
    if len(scenarios_run) > 1 or scenarios_run[0].programmes:
        # The planner's question: each programme (or scenario) against the baseline on common random numbers,
        # with intervals: as many replications as the files ask for, at least REPORT_MIN_REPLICATIONS unless
        # --replications says otherwise.
        answer_reps = replications if args.replications is not None else max(replications, REPORT_MIN_REPLICATIONS)
        ensemble = compare_programmes(population, scenarios_run, replications=answer_reps, seed=seed,
                                      threads=args.threads, progress=_progress(args))
    path = write_report(runs, args.out_html, title=title, scenarios=scenarios_run, ensemble=ensemble,
                        files=[n for n in files if os.path.isfile(n)], command=_command_line(args), lang=args.lang)
    if not args.quiet:
        f = _FMT["f"]
        print(ngettext(
            "msmesim report - %(n)s scenario on %(population)s (%(firms)s firms), seed %(seed)s, %(reps)s",
            "msmesim report - %(n)s scenarios on %(population)s (%(firms)s firms), seed %(seed)s, %(reps)s",
            len(names)) % {"n": len(names), "population": population.name, "firms": f.number(len(population)),
                           "seed": seed, "reps": _replications(replications)})
        _wrote([path])
    return 0


def _plain_table(frame: pd.DataFrame) -> str:
    """A DataFrame as aligned text: the first column left, the others right."""
    headers = [str(c) for c in frame.columns]
    cells = [[str(v) for v in row] for row in frame.itertuples(index=False)]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    rows = [headers, *cells]
    return "\n".join("  ".join(x.ljust(w) if i == 0 else x.rjust(w) for i, (x, w) in enumerate(zip(r, widths)))
                     for r in rows)


def _format_table(table: pd.DataFrame) -> str:
    f = _FMT["f"]
    headers = [_("scenario"), _("closed firms"), _("employment"), _("firms saved"), _("jobs saved"), _("spending")]
    keys = ["closed_firms_end", "employment_end", "firms_saved", "jobs_saved"]

    def number(v: float) -> str:
        return f.number(v) if math.isclose(v, round(v)) else f.number(v, 1)

    cells = [[str(row["scenario"])] + [number(float(row[k])) for k in keys]
             + [f.rp(float(row["programme_spending_rp"]))] for _i, row in table.iterrows()]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(headers, widths)))]
    for c in cells:
        lines.append("  ".join(x.ljust(w) if i == 0 else x.rjust(w) for i, (x, w) in enumerate(zip(c, widths))))
    return "\n".join(lines)


def _cmd_presets() -> int:
    for name in _core.preset_names():
        default = " " + _("(default of `msmesim run`)") if name == DEFAULT_PRESET else ""
        print(f"{name}{default}: {_core.preset(name).description}")
    print("\n" + _("Populations ([population] preset):"))
    for row in _core.population_presets():
        print("  " + _("%(name)s (%(firms)s firms): %(description)s") % {
            "name": row["name"], "firms": _FMT["f"].number(row["firms"]), "description": row["description"]})
    return 0


def _cmd_params() -> int:
    for row in _core.firm_param_table():
        print(f"{row['name']:<34} {row['default']:>12g}  [{row['min']:g}, {row['max']:g}] {row['unit']}")
    return 0


def _error(exc: BaseException) -> None:
    """One line on stderr, whatever the message holds; a file's several
    mistakes one line each."""
    lang = _FMT["f"].lang
    errors = getattr(exc, "errors", None)
    if isinstance(errors, list) and len(errors) > 1:
        print(_("msmesim: error: %(file)s: %(n)s errors:") % {"file": getattr(exc, "file", ""), "n": len(errors)},
              file=sys.stderr)
        for e in errors:
            print("  " + " ".join(i18n.error_message(e, lang).split("\n")), file=sys.stderr)
        return
    print(_("msmesim: error: ") + " ".join(i18n.error_message(exc, lang).split("\n")), file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        lang = _language(argv)
    except _core.InvalidArgumentError as exc:
        _error(exc)
        return 2
    _FMT["f"] = i18n.Formatter(lang)
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = i18n.ngettext_for(lang)  # type: ignore[attr-defined]
    try:
        parser = _parser()
        args = parser.parse_args(argv)
        command = args.command or "run"
        if args.command is None:
            args = parser.parse_args(["run", *argv])
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]
    args.lang = lang
    args.argv = argv
    try:
        if command == "run":
            return _cmd_run(args)
        if command == "validate":
            return _cmd_validate(args)
        if command == "compare":
            return _cmd_compare(args)
        if command == "report":
            return _cmd_report(args)
        if command == "presets":
            return _cmd_presets()
        if command == "calibrate":
            return _cmd_calibrate(args)
        if command in ("optimise", "sweep", "sensitivity"):
            return _cmd_analysis(args, command)
        return _cmd_params()
    except (_core.InvalidArgumentError, _core.ParseError, _core.TypeMismatchError) as exc:
        _error(exc)
        return 2
    except (_core.FileError, OSError) as exc:
        _error(exc)
        return 2 if command == "validate" else 1  # validate: every file it cannot accept is invalid
    except KeyboardInterrupt:
        print(_("msmesim: interrupted"), file=sys.stderr)
        return 130
