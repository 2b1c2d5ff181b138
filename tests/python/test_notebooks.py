"""The example notebooks (examples/notebooks/*.ipynb) run clean, top to bottom.

Each notebook is executed fresh in a ``python3`` Jupyter kernel started from
this interpreter, with a temporary working directory: every cell must run
without an error and at least one output must be a PNG image (the plots show).
The stored notebooks carry no outputs, so what they show is always what the
installed package computes.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import nbclient
import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from nbclient.exceptions import CellExecutionError

NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "examples" / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
KERNEL = "python3"
#: Seconds a single cell may take before the notebook fails.
CELL_TIMEOUT = 120


def _kernel_argv() -> list[str]:
    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL)
    except NoSuchKernel:  # pragma: no cover - ipykernel missing from the environment
        pytest.fail(f"no Jupyter kernel {KERNEL!r}: install ipykernel into {sys.prefix}")
    return list(spec.argv)


def test_notebooks_exist() -> None:
    names = {p.stem for p in NOTEBOOKS}
    assert {"quickstart", "bogor_covid19_programmes", "banjarbaru_handicraft", "sensitivity"} <= names
    assert (NOTEBOOKS_DIR / "README.md").is_file()


def test_kernel_is_this_interpreter() -> None:
    # The kernelspec's "python" is replaced by sys.executable when the kernel
    # starts, so the notebooks import the msmesim installed here.
    argv = _kernel_argv()
    assert argv[0] in {"python", "python3", sys.executable}, argv
    assert "ipykernel_launcher" in argv


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_stored_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, (
                f"{path.name}: clear the outputs before saving (cell starting {cell.source[:60]!r})")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path: Path, tmp_path: Path, record_property: Callable[[str, object], None]) -> None:
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name=KERNEL,
                                     resources={"metadata": {"path": str(tmp_path)}})
    start = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as exc:
        pytest.fail(f"{path.name} failed:\n{exc}")
    elapsed = time.perf_counter() - start
    record_property("seconds", round(elapsed, 1))

    outputs = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]
    errors = [out for out in outputs if out.output_type == "error"]
    assert not errors, f"{path.name}: {errors[0].ename}: {errors[0].evalue}"
    # Notebooks that warn teach readers to ignore warnings: none is expected.
    warned = [out.text for out in outputs if out.output_type == "stream" and out.name == "stderr"
              and "Warning" in out.text]
    assert not warned, f"{path.name} printed a warning:\n{warned[0]}"
    images = [out for out in outputs if out.output_type in ("display_data", "execute_result")
              and "image/png" in out.get("data", {})]
    assert images, f"{path.name} shows no plot (no image/png output)"
