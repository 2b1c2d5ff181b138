"""The `msmesim` command line.

    msmesim run                 # the built-in Bogor COVID-19 default
    msmesim run --firms 100000 --months 24 --seed 3 --threads 2 --out results/
    msmesim presets             # list the built-in presets
    msmesim params              # the parameter table
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from typing import Sequence

from . import _core
from ._errors import invalid
from .api import generate_population, load_population_csv, run, write_outputs


def _whole(name: str, minimum: int, maximum: int | None = None):
    def parse(text: str) -> int:
        allowed = f"a whole number >= {minimum}" + ("" if maximum is None else f" and <= {maximum}")
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name}: got {text!r}; allowed: {allowed}") from None
        if value < minimum or (maximum is not None and value > maximum):
            raise argparse.ArgumentTypeError(f"{name}: got {value}; allowed: {allowed}")
        return value

    return parse


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="msmesim",
        description="Simulate MSMEs and cooperatives through shocks and support programmes.",
    )
    p.add_argument("--version", action="version", version=f"msmesim {_core.__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    r = sub.add_parser("run", help="run a scenario (default: the Bogor COVID-19 preset)")
    r.add_argument("--firms", type=_whole("--firms", 1, 2_000_000_000), default=None,
                   help=f"number of firms (default: Bogor's {_core.BOGOR_FIRMS:,})")
    r.add_argument("--months", type=_whole("--months", 1, 1200), default=36, help="months to simulate (default 36)")
    r.add_argument("--seed", type=_whole("--seed", 0, 2**64 - 1), default=1, help="random seed (default 1)")
    r.add_argument("--threads", type=_whole("--threads", 0, 4096), default=0,
                   help="worker threads; 0 uses every core (default). Results do not depend on it")
    r.add_argument("--replications", type=_whole("--replications", 1, 100000), default=1,
                   help="independent replications (default 1)")
    r.add_argument("--region", action="append", default=None, metavar="KECAMATAN",
                   help="simulate only these kecamatan (repeatable); firms keep their share of --firms")
    r.add_argument("--population-csv", default=None, metavar="FILE",
                   help="use firms from a CSV registry extract instead of the synthetic Bogor population")
    r.add_argument("--cooperatives-csv", default=None, metavar="FILE",
                   help="with --population-csv: the registry's cooperatives (format in docs/data.md)")
    r.add_argument("--memberships-csv", default=None, metavar="FILE",
                   help="with --cooperatives-csv: the firms' memberships (default: the firm file's cooperative "
                        "column)")
    r.add_argument("--out", default=None, metavar="DIR",
                   help="write monthly.csv, by_sector.csv, by_class.csv, by_region.csv, the cooperatives' "
                        "cooperatives.csv, cooperatives_by_type.csv, cooperatives_by_region.csv, the programmes' "
                        "programmes.csv, programme_ledger.csv, programme_payments.csv (when the scenario has "
                        "programmes) and run.json to DIR")
    r.add_argument("--microdata", action="store_true", help="with --out, also write firms.csv (one row per firm)")
    r.add_argument("--quiet", action="store_true", help="print nothing but errors")
    r.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="show a progress bar (default: when the output is a terminal)")

    sub.add_parser("presets", help="list the built-in presets")
    sub.add_parser("params", help="print the behavioural parameters with defaults and sources")
    return p


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


def _population(args: argparse.Namespace) -> _core.Population:
    if args.population_csv:
        if args.firms is not None or args.region:
            raise invalid("--population-csv", args.population_csv,
                          "a registry file or the synthetic population (--firms, --region), not both")
        if args.memberships_csv and not args.cooperatives_csv:
            raise invalid("--memberships-csv", args.memberships_csv, "a memberships file with --cooperatives-csv")
        return load_population_csv(args.population_csv, cooperatives=args.cooperatives_csv,
                                   memberships=args.memberships_csv)
    if args.cooperatives_csv or args.memberships_csv:
        option = "--cooperatives-csv" if args.cooperatives_csv else "--memberships-csv"
        raise invalid(option, args.cooperatives_csv or args.memberships_csv,
                      "a cooperatives file for a registry given with --population-csv")
    total = args.firms if args.firms is not None else _core.BOGOR_FIRMS
    spec = _core.bogor_population_spec(total)
    if args.region:
        known = [r.name for r in spec.regions]
        weights = {r.name: r.weight for r in spec.regions}
        for name in args.region:
            if name not in weights:
                hint = difflib.get_close_matches(name, known, n=1)
                allowed = "a Bogor kecamatan: " + ", ".join(known)
                if hint:
                    allowed += f" (did you mean {hint[0]!r}?)"
                raise invalid("--region", name, allowed)
        chosen = set(args.region)
        keep_index = [i for i, r in enumerate(spec.regions) if r.name in chosen]
        keep = [spec.regions[i] for i in keep_index]
        share = sum(r.weight for r in keep) / sum(weights.values())
        _restrict_cooperatives(spec.cooperatives, keep_index, share)
        spec.regions = keep
        spec.firms = max(1, round(total * share))
        spec.name = f"{spec.name} ({', '.join(r.name for r in keep)})"
    return generate_population(spec, seed=args.seed, threads=args.threads)


def _cmd_run(args: argparse.Namespace) -> int:
    population = _population(args)
    scenario = _core.bogor_covid19_scenario(args.months)
    progress = args.progress if args.progress is not None else (sys.stderr.isatty() and not args.quiet)
    results = []
    for rep in range(args.replications):
        res = run(population, scenario, seed=args.seed, replication=rep, threads=args.threads,
                  microdata=args.microdata, progress=progress)
        results.append(res)
        if not args.quiet:
            print(res.summary(), end="" if rep + 1 == args.replications else "\n")
    if args.out:
        written = write_outputs(results, args.out, microdata=args.microdata)
        if not args.quiet:
            print("Wrote " + ", ".join(os.fspath(p) for p in written))
    return 0


def _cmd_presets() -> int:
    for name in _core.preset_names():
        default = " (default of `msmesim run`)" if name == "bogor-covid19" else ""
        print(f"{name}{default}: Bogor Regency, 40 kecamatan, {_core.BOGOR_FIRMS:,} MSMEs, "
              "COVID-19 shock from March 2020 on sales, capital, distribution and raw materials")
    return 0


def _cmd_params() -> int:
    for row in _core.firm_param_table():
        print(f"{row['name']:<34} {row['default']:>12g}  [{row['min']:g}, {row['max']:g}] {row['unit']}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    command = args.command or "run"
    if args.command is None:
        args = parser.parse_args(["run", *(argv or [])]) if argv else parser.parse_args(["run"])
    try:
        if command == "run":
            return _cmd_run(args)
        if command == "presets":
            return _cmd_presets()
        return _cmd_params()
    except (_core.InvalidArgumentError, _core.ParseError, _core.TypeMismatchError) as exc:
        print(f"msmesim: error: {exc}", file=sys.stderr)
        return 2
    except _core.FileError as exc:
        print(f"msmesim: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("msmesim: interrupted", file=sys.stderr)
        return 130
