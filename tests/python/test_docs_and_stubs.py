"""Generated documentation and type stubs stay in step with the code."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import msmesim as ms
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_parameter_docs_are_up_to_date():
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_param_docs.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_every_parameter_is_documented_in_the_model_page():
    model = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    missing = [name for name in ms.FirmParams.names() if f"`{name}`" not in model]
    assert not missing, f"docs/model.md does not mention {missing}"


def test_every_programme_and_its_parameters_are_documented_in_the_model_page():
    model = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    missing = [kind for kind in ms._core.programme_kinds() if f"`{kind}`" not in model]
    missing += [f"{kind}.{row['name']}" for kind in ms._core.programme_kinds()
                for row in ms._core.programme_params(kind) if f"`{row['name']}`" not in model]
    assert not missing, f"docs/model.md does not mention {missing}"


def test_stubs_match_the_compiled_module():
    proc = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "msmesim._core",
         "--allowlist", str(ROOT / "tests" / "python" / "stubtest_allowlist.txt")],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_parameter_table_frames():
    firm = ms.parameter_table("firm")
    assert set(firm.columns) >= {"name", "default", "min", "max", "unit", "source"}
    assert firm["name"].is_unique
    assert ((firm["default"] >= firm["min"]) & (firm["default"] <= firm["max"])).all()


def test_python_example_runs():
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "python" / "quickstart.py"), "3000"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "closed" in proc.stdout


def test_the_version_is_written_in_one_place():
    # project(msmesim VERSION ...) in CMakeLists.txt: the compiled module,
    # the package metadata and the stubs all take it from there.
    import importlib.metadata
    import re

    cmake = (ROOT / "CMakeLists.txt").read_text(encoding="utf-8")
    written = re.search(r"project\(\s*msmesim\s+VERSION\s+([0-9.]+)", cmake).group(1)
    assert ms.__version__ == written
    assert importlib.metadata.version("msmesim") == written
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert not re.search(r"^version\s*=", pyproject, re.M), "pyproject.toml writes a version of its own"
    stubs = (ROOT / "python" / "msmesim" / "_core.pyi").read_text(encoding="utf-8")
    assert written not in stubs, "the stubs write the version"


def test_the_licence_is_the_one_the_package_declares():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    assert 'license = { text = "MIT" }' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def _stub_text() -> str:
    return (ROOT / "python" / "msmesim" / "_core.pyi").read_text(encoding="utf-8")


def test_every_shock_field_is_a_property_a_keyword_and_a_documented_row():
    params_page = (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8")
    stubs = _stub_text()
    shock = ms.Shock(channel="sales", onset="2020-03", severity=ms.SeverityDist.fixed(0.3))
    signature = ms.Shock.__init__.__doc__
    for row in ms._core.shock_field_table():
        name = row["name"]
        # The default a new shock takes is the table's.
        assert getattr(shock, name) == row["default"], name
        assert isinstance(getattr(shock, name), int if row["integer"] else float), name
        assert f"{name}: " in signature, f"Shock() takes no keyword {name}"
        assert f"def {name}(self)" in stubs, f"the stubs do not declare Shock.{name}"
        assert f"| `{name}` |" in params_page, f"docs/parameters.md does not list {name}"
        # Out of range is refused, naming the field.
        setattr(shock, name, int(row["max"]) + 1 if row["integer"] else row["max"] * 2 + 1)
        with pytest.raises(ms.InvalidArgumentError, match=name):
            shock.validate()
        setattr(shock, name, int(row["default"]) if row["integer"] else row["default"])


def test_every_shared_programme_field_is_a_property_a_keyword_and_a_documented_row():
    params_page = (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8")
    stubs = _stub_text()
    p = ms.Programme(name="p", kind="cash_grant")
    signature = ms.Programme.__init__.__doc__
    for row in ms._core.programme_field_table():
        name = row["name"]
        optional = row["default"] < row["min"]
        assert getattr(p, name) == (None if optional else row["default"]), name
        assert f"{name}: " in signature, f"Programme() takes no keyword {name}"
        assert f"def {name}(self)" in stubs, f"the stubs do not declare Programme.{name}"
        assert f"| `{name}` |" in params_page, f"docs/parameters.md does not list {name}"
        with pytest.raises(ms.InvalidArgumentError, match=name):
            ms.Programme(name="p", kind="cash_grant", **{name: -5})


def test_every_table_of_a_run_has_a_frame_a_file_and_a_mention_in_the_docs(tmp_path, small_population, covid):
    from msmesim import api

    names = ms._core.RunResult.table_names()
    assert list(api.RESULT_TABLES) == names, "Result's tables differ from the core's list"
    model = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    res = ms.run(small_population, covid, seed=1, microdata=True, cooperative_panel=True, panel_months=[3])
    for name, prop in api.RESULT_TABLES.items():
        frame = getattr(res, prop)
        assert isinstance(frame, pd.DataFrame), name
        assert len(frame) > 0, f"the run's table {name} is empty"
        assert f"`{name}`" in model or f"`{prop}`" in model, f"docs/model.md does not mention the table {name}"
    written = {p.name for p in ms.write_outputs([res], tmp_path, microdata=True, cooperative_panel=True)}
    for name in names:
        assert api.output_file_of(name) in written, f"write_outputs did not write {name}"
    with pytest.raises(ms.InvalidArgumentError, match="did you mean 'monthly'"):
        res.raw.table_columns("montly")


def _scenario_md_allowed() -> dict[str, str]:
    """The 'allowed' column of docs/scenario.md's key tables, by key path."""
    import re

    sections = {"Top level": "", "`[population]`": "population.", "`[horizon]`": "horizon.",
                "`[class_review]`": "class_review.", "`[outputs]`": "outputs."}
    out: dict[str, str] = {}
    prefix = None
    for line in (ROOT / "docs" / "scenario.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            prefix = sections.get(line[3:].strip())
            continue
        m = re.match(r"\| `(\w+)` \| [^|]* \| [^|]* \| ([^|]*) \|", line)
        if prefix is not None and m:
            out.setdefault(prefix + m.group(1), m.group(2).strip())
    return out


def _range_in(text: str) -> tuple[float, float] | None:
    import re

    text = text.replace(",", "")
    if m := re.search(r"(-?[\d.]+) – (-?[\d.]+)", text):
        return float(m.group(1)), float(m.group(2))
    if m := re.search(r"≥ (-?[\d.]+)", text):
        return float(m.group(1)), math.inf
    return None


def test_every_scenario_option_is_documented_with_its_range_and_read_with_it(tmp_path):
    from msmesim import cli

    params_page = (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8")
    allowed = _scenario_md_allowed()
    for row in ms._core.scenario_option_table():
        key = row["name"]
        assert f"| `{key}` |" in params_page, f"docs/parameters.md does not list {key}"
        assert key in allowed, f"docs/scenario.md has no row for {key}"
        documented = _range_in(allowed[key])
        if documented is not None:
            assert documented == (row["min"], row["max"]), f"docs/scenario.md gives {key} the range {documented}"
    # The command line's overrides take the same ranges.
    for flag, key in (("--firms", "population.firms"), ("--months", "horizon.months"), ("--seed", "seed"),
                      ("--replications", "replications")):
        row = cli.SCENARIO_OPTIONS[key]
        parse = cli._option(flag, key)
        assert parse(str(int(row["min"]))) == int(row["min"])
        with pytest.raises(Exception, match=flag):
            parse(str(int(row["min"]) - 1))
        if not math.isinf(row["max"]):
            with pytest.raises(Exception, match=flag):
                parse(str(int(row["max"]) + 1))


def test_every_ensemble_option_is_a_keyword_with_the_tables_default_and_a_documented_row():
    import inspect

    params_page = (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8")
    ensembles_page = (ROOT / "docs" / "ensembles.md").read_text(encoding="utf-8")
    python_api = inspect.signature(ms.ensemble).parameters
    core_api = ms._core.Ensemble.__init__.__doc__
    for row in ms._core.ensemble_option_table():
        name = row["name"]
        assert f"| `{name}` |" in params_page, f"docs/parameters.md does not list {name}"
        assert f"`{name}`" in ensembles_page, f"docs/ensembles.md does not mention {name}"
        if name in python_api and name != "threads":  # (Python: every core by default, as the CLI)
            assert python_api[name].default == row["default"], f"ms.ensemble's default of {name}"
        if name != "replications":
            default = int(row["default"]) if row["integer"] else row["default"]
            assert f"{name}: " in core_api and f"= {default}" in core_api.split(f"{name}: ", 1)[1].split(",")[0], name


def test_every_programme_kind_names_its_hooks_and_ledger_in_the_docs():
    params_page = (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8")
    design = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    hooks_seen = set()
    for row in ms._core.programme_kind_rows():
        assert row["hooks"], row["name"]
        assert row["ledger"], row["name"]
        section = params_page.split(f"### `{row['name']}`", 1)[1].split("\n### ", 1)[0]
        assert "Acts through: " + ", ".join(f"`{h}`" for h in row["hooks"]) in section, row["name"]
        hooks_seen.update(row["hooks"])
    for hook in hooks_seen:
        assert f"| `{hook}` |" in design, f"docs/design.md does not describe the hook {hook}"


def _documented_columns(paragraph_start: str) -> set[str]:
    """The backticked column names of a paragraph of docs/model.md §11, with
    <channel>, <lender> and <class> expanded."""
    import re

    model = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    text = model.split(paragraph_start, 1)[1].split("\n\n", 1)[0]
    names: set[str] = set()
    expand = {"<channel>": ms._core.channels(), "<lender>": ms._core.lenders(), "<class>": ms._core.size_classes()}
    for name in re.findall(r"`([a-z_<>]+)`", text):
        for key, values in expand.items():
            if key in name:
                names.update(name.replace(key, v) for v in values)
                break
        else:
            names.add(name)
    return names


def test_every_column_of_the_monthly_table_and_the_credit_book_is_documented_and_exists(small_result):
    model = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    for paragraph, frame in (("**Monthly** (", small_result.monthly), ("**Credit book** (", small_result.credit_book)):
        documented = _documented_columns(paragraph)
        columns = set(frame.columns) - {"month", "date", "lender"}
        # Members' and non-members' columns are documented with the cooperatives (§16).
        split = {c for c in columns if c.startswith(("member_", "nonmember_"))}
        assert not split or "`member_*` and `nonmember_*` columns" in model
        missing = sorted(columns - split - documented)
        assert not missing, f"docs/model.md ({paragraph}) does not document {missing}"
        phantom = sorted(d for d in documented if d not in columns and d not in ("monthly", "credit_book"))
        assert not phantom, f"docs/model.md ({paragraph}) documents columns the table lacks: {phantom}"


def test_every_monthly_column_the_python_layer_reads_exists(small_result):
    """The Python layer (summary, plots, report, CLI, calibration) reads the
    run's tables by column name: every name it reads is one of the core's."""
    import re

    from msmesim import api

    columns = set()
    for prop in api.RESULT_TABLES.values():
        columns.update(getattr(small_result, prop).columns)
    routes = [r for r in ms._core.closure_reasons() if r != "open"]
    columns_read = set()
    for path in (ROOT / "python" / "msmesim").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        columns_read.update(re.findall(r"\b(?:m|last|monthly)\[\"(\w+)\"\]", text))
        if "closures_{r" in text or "closures_{route}" in text:
            columns_read.update(f"closures_{r}" for r in routes)
    assert columns_read, "no column read found: the pattern no longer matches the code"
    unknown = sorted(c for c in columns_read if c not in columns)
    assert not unknown, f"the Python layer reads columns the core does not make: {unknown}"
