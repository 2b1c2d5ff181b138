"""The C++ sources are grouped by part of the model (docs/design.md, "Three
rooms"): every file sits in a folder of src/, and a folder includes only
itself and the folders listed before it."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
#: The folders of src/, lowest first (as in docs/design.md).
ORDER = ["core", "io", "kernels", "scenario", "population", "cooperatives", "programmes", "engine", "ensembles"]


def test_every_source_file_is_in_a_known_folder():
    stray = [str(p.relative_to(SRC)) for p in SRC.rglob("*") if p.is_file() and p.relative_to(SRC).parts[0] not in ORDER]
    assert not stray, f"files outside the folders of src/: {stray}"


def test_folders_include_only_themselves_and_those_below():
    upward = []
    for p in SRC.rglob("*"):
        if not p.is_file():
            continue
        here = p.relative_to(SRC).parts[0]
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            m = re.match(r'#include "([a-z_]+)/', line)
            if m and m.group(1) in ORDER and ORDER.index(m.group(1)) > ORDER.index(here):
                upward.append(f"{p.relative_to(SRC)}:{n} includes {m.group(1)}/")
    assert not upward, "an include reaches up the layers: " + "; ".join(upward)


def test_the_design_notes_list_the_same_folders():
    design = (SRC.parent / "docs" / "design.md").read_text(encoding="utf-8")
    listed = re.findall(r"^  \| `([a-z_]+)/` \|", design, re.M)
    assert [f for f in listed if f != "src"] == ORDER


def test_the_public_headers_mirror_the_folders_of_src():
    """include/msmesim/<folder>/<name>.hpp declares what src/<folder>/ holds;
    only the umbrella header msmesim.hpp sits at the top."""
    include = SRC.parent / "include" / "msmesim"
    top = sorted(p.name for p in include.iterdir() if p.is_file())
    assert top == ["msmesim.hpp"], f"headers outside the folders: {top}"
    umbrella = (include / "msmesim.hpp").read_text(encoding="utf-8")
    for p in include.rglob("*.hpp"):
        rel = p.relative_to(include)
        if rel.name == "msmesim.hpp":
            continue
        assert len(rel.parts) == 2 and rel.parts[0] in ORDER, f"include/msmesim/{rel} is not in a folder of src/"
        assert (SRC / rel.parts[0]).is_dir(), rel
        assert f'#include "msmesim/{rel.as_posix()}"' in umbrella, f"msmesim.hpp does not include {rel}"
