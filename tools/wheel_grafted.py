"""Fails if a repaired wheel in DIR carries shared libraries grafted by
auditwheel (a `msmesim.libs/` folder): msmesim's module may need only the C
and C++ runtimes. Used by tools/wheel and cibuildwheel's repair command."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path


def main(directory: str) -> int:
    wheels = sorted(Path(directory).glob("msmesim-*.whl"))
    if not wheels:
        print(f"wheel: no msmesim wheel in {directory}", file=sys.stderr)
        return 1
    bad = 0
    for wheel in wheels:
        grafted = [n for n in zipfile.ZipFile(wheel).namelist() if ".libs/" in n]
        if grafted:
            print(f"wheel: auditwheel grafted shared libraries into {wheel.name}: {', '.join(grafted)}",
                  file=sys.stderr)
            bad = 1
    return bad


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
