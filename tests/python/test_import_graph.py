"""The modules of the Python package import each other as a tree
(docs/design.md, "The Python package"): no circles, ``api`` above ``plotting``
and ``report``, and no module reaching into another public module's private
names; helpers that several modules share live in a private module.

Every import counts, wherever it is written: at the top of a file, inside a
function (imported on first use) or under ``if TYPE_CHECKING:``. The source
files are read, not the installed package.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIR = ROOT / "python" / "msmesim"
PACKAGE = "msmesim"
#: The package's own module (``msmesim/__init__.py``) in the graph.
INIT = "__init__"


def _modules() -> set[str]:
    """The package's modules: every .py file, and extension modules known by their stubs (.pyi)."""
    return {p.stem for p in PACKAGE_DIR.glob("*.py")} | {p.stem for p in PACKAGE_DIR.glob("*.pyi")}


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


@dataclass(frozen=True)
class Import:
    """One import of a sibling module: ``importer`` imports ``module`` (and ``names`` from it) at ``line``."""

    importer: str
    module: str
    names: tuple[str, ...]
    line: int


def _target(node: ast.ImportFrom) -> str | None:
    """The package module an ``from ... import`` statement reads from (INIT for the package itself), or None."""
    if node.level == 0:
        parts = (node.module or "").split(".")
        if parts[0] != PACKAGE:
            return None
        return INIT if len(parts) == 1 else parts[1]
    if node.level == 1:
        return INIT if node.module is None else node.module.split(".")[0]
    return None  # above the package


def _imports(module: str, tree: ast.AST, modules: set[str]) -> Iterator[Import]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == PACKAGE:
                    target = parts[1] if len(parts) > 1 and parts[1] in modules else INIT
                    yield Import(module, target, (), node.lineno)
        elif isinstance(node, ast.ImportFrom):
            target = _target(node)
            if target is None:
                continue
            if target == INIT:
                # ``from . import x``: x is a submodule, or a name of the package's own module.
                for alias in node.names:
                    if alias.name in modules:
                        yield Import(module, alias.name, (), node.lineno)
                    else:
                        yield Import(module, INIT, (alias.name,), node.lineno)
            else:
                yield Import(module, target, tuple(alias.name for alias in node.names), node.lineno)


def _module_aliases(tree: ast.AST, modules: set[str]) -> dict[str, str]:
    """Names under which a file holds sibling modules (``from . import paths as parameter_paths``)."""
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and _target(node) == INIT:
            for alias in node.names:
                if alias.name in modules:
                    aliases[alias.asname or alias.name] = alias.name
    return aliases


@pytest.fixture(scope="module")
def trees() -> dict[str, ast.AST]:
    return {p.stem: ast.parse(p.read_text(encoding="utf-8"), filename=str(p))
            for p in sorted(PACKAGE_DIR.glob("*.py"))}


@pytest.fixture(scope="module")
def imports(trees: dict[str, ast.AST]) -> list[Import]:
    modules = _modules()
    return [imp for name, tree in trees.items() for imp in _imports(name, tree, modules)]


def _graph(imports: list[Import]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for imp in imports:
        graph.setdefault(imp.importer, set()).add(imp.module)
        graph.setdefault(imp.module, set())
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles: the shortest one through each module of each strongly connected
    component (Tarjan's algorithm), each written from its alphabetically first module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph[v]:
                components.append(component)

    for v in sorted(graph):
        if v not in index:
            visit(v)

    cycles: set[tuple[str, ...]] = set()
    for component in components:
        for start in component:
            cycle = _shortest_cycle(graph, component, start)
            k = cycle.index(min(cycle[:-1]))  # the same cycle from wherever it is entered
            cycles.add(tuple(cycle[k:-1] + cycle[:k + 1]))
    return sorted(list(cycle) for cycle in cycles)


def _shortest_cycle(graph: dict[str, set[str]], component: set[str], start: str) -> list[str]:
    """The shortest way from ``start`` back to it within its strongly connected component."""
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for v in frontier:
            for w in sorted(graph[v] & component):
                if w == start:
                    return paths[v] + [start]
                if w not in paths:
                    paths[w] = paths[v] + [w]
                    following.append(w)
        frontier = following
    raise AssertionError(f"{start} is on no cycle of {sorted(component)}")


def _where(imports: list[Import], cycle: list[str]) -> str:
    lines = []
    for a, b in zip(cycle, cycle[1:]):
        at = sorted({imp.line for imp in imports if imp.importer == a and imp.module == b})
        lines.append(f"{a}.py line {', '.join(map(str, at))} imports {b}")
    return "; ".join(lines)


def test_the_modules_import_each_other_without_circles(imports: list[Import]) -> None:
    cycles = _cycles(_graph(imports))
    assert not cycles, "import cycles in python/msmesim: " + " | ".join(
        " -> ".join(cycle) + f" ({_where(imports, cycle)})" for cycle in cycles)


def test_no_module_imports_the_private_names_of_a_public_module(
        imports: list[Import], trees: dict[str, ast.AST]) -> None:
    modules = _modules()
    found = [f"{imp.importer}.py line {imp.line}: {name} from {imp.module}"
             for imp in imports if not _is_private(imp.module)
             for name in imp.names if _is_private(name)]
    for name, tree in trees.items():
        aliases = _module_aliases(tree, modules)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases
                    and _is_private(node.attr) and not _is_private(aliases[node.value.id])):
                found.append(f"{name}.py line {node.lineno}: {aliases[node.value.id]}.{node.attr}")
    assert not found, ("private names of public modules used by other modules (move them to a private "
                       "module): " + "; ".join(sorted(found)))


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for w in graph[todo.pop()]:
            if w not in seen:
                seen.add(w)
                todo.append(w)
    return seen


@pytest.mark.parametrize("module", ["plotting", "report"])
def test_plotting_and_report_sit_below_api(imports: list[Import], module: str) -> None:
    graph = _graph(imports)
    assert module in graph.get("api", set()) or module in _reachable(graph, "api")
    assert "api" not in _reachable(graph, module), f"{module} imports api (directly or through another module)"


@pytest.mark.parametrize("helpers", ["_common", "_errors", "_files"])
def test_the_shared_helpers_import_no_public_module(imports: list[Import], helpers: str) -> None:
    assert (PACKAGE_DIR / f"{helpers}.py").exists()
    public = sorted({f"{imp.module} (line {imp.line})" for imp in imports
                     if imp.importer == helpers and not _is_private(imp.module)})
    assert not public, f"{helpers}.py imports public modules: " + ", ".join(public)


def test_the_checks_see_imports_inside_functions_and_type_checking_blocks() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from .api import Result\n"
        "def f():\n"
        "    from . import report, _core\n"
        "    from msmesim.sweep import _setup\n"
    )
    found = list(_imports("plotting", ast.parse(source), {"api", "report", "sweep", "_core", "plotting"}))
    assert sorted((imp.module, imp.names) for imp in found) == [
        ("_core", ()), ("api", ("Result",)), ("report", ()), ("sweep", ("_setup",))]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b", "c"}, "b": {"a"}, "c": {"a"}}) == [["a", "b", "a"], ["a", "c", "a"]]
    assert _cycles({"a": {"a"}}) == [["a", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
