"""Checks an installed msmesim wheel from outside the source tree: the
command line runs and writes its outputs, and the Python API runs the
built-in preset and reads a scenario file. Run by tools/wheel (Linux, in a
fresh environment with no compiler in reach) and by cibuildwheel's
test-command (pyproject.toml) on every platform it builds for."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import msmesim as ms


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "out"
        command = shutil.which("msmesim")  # the console script the wheel installs
        assert command is not None, "the msmesim command is not on PATH"
        subprocess.run([command, "run", "--firms", "2000", "--months", "3", "--seed", "2",
                        "--quiet", "--out", str(out)], check=True)
        assert (out / "monthly.csv").stat().st_size > 0, "msmesim run wrote an empty monthly.csv"
    pop = ms.generate_population(ms.presets.bogor_population_spec(2000), seed=1)
    result = ms.run(pop, ms.preset("bogor-covid19").scenario, seed=1, threads=2)
    assert len(result.monthly) == 36 and result.monthly["active_firms"].iloc[-1] > 0
    again = ms.run(pop, ms.preset("bogor-covid19").scenario, seed=1, threads=1)
    assert result.monthly.equals(again.monthly), "results depend on the thread count"
    scenario = ms.parse_scenario('extends = "bogor-covid19"\nname = "w"\n[horizon]\nmonths = 4\n').scenario
    assert scenario.months == 4
    print(f"wheel: msmesim {ms.__version__} runs from the installed wheel ({sys.platform})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
