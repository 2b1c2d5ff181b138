"""Generated documentation and type stubs stay in step with the code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import msmesim as ms

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
