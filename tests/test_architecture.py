"""The package's import graph has no cycle: a reader can follow every import downward (issue 21).

The graph is read from the source with :mod:`ast`, not by importing: every ``import`` statement counts,
at module level and inside functions (a function-level import hides a cycle from Python's import
machinery, not from a reader). Nodes are the modules of ``gcdg_lite``; an edge ``a -> b`` means ``a``
imports ``b`` (``from .b import x``, ``from . import b``, ``import gcdg_lite.b``). ``from pkg import name``
where ``pkg`` re-exports ``name`` lazily (``data``, the root) counts as an edge to the submodule that
defines ``name``. An import of one of a module's own parent packages (``from .. import public``) is not
an edge: Python runs a package's ``__init__`` before any of its submodules anyway.
"""
from __future__ import annotations

import ast
from pathlib import Path

from _book_helpers import ROOT

PACKAGE = ROOT / "gcdg_lite"


def _modules() -> dict[str, Path]:
    """``{dotted name: file}`` of every module of the package (a package is its ``__init__.py``)."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _defines(path: Path) -> set[str]:
    """Names bound at the top level of a module (functions, classes, assignments, imports)."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


def import_graph() -> dict[str, set[str]]:
    """``{module: modules it imports}`` over the package's modules (see the module docstring)."""
    modules = _modules()
    defines = {name: _defines(path) for name, path in modules.items()}
    packages = {name for name, path in modules.items() if path.name == "__init__.py"}

    def target(pkg: str, name: str) -> set[str]:
        """What ``from pkg import name`` imports: the submodule ``name``, ``pkg`` itself, or the
        submodule(s) of ``pkg`` that define a name ``pkg`` re-exports lazily."""
        if f"{pkg}.{name}" in modules:
            return {f"{pkg}.{name}"}
        if pkg not in packages or name in defines[pkg]:
            return {pkg}
        homes = {m for m in modules if m.rpartition(".")[0] == pkg and name in defines[m]}
        return homes or {pkg}

    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        here = name if name in packages else name.rpartition(".")[0]  # the package relative imports start from
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            found: set[str] = set()
            if isinstance(node, ast.Import):
                found = {a.name for a in node.names if a.name.split(".")[0] == "gcdg_lite"}
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here.split(".")
                    base = base[: len(base) - node.level + 1]
                    pkg = ".".join(base + ([node.module] if node.module else []))
                elif node.module and node.module.split(".")[0] == "gcdg_lite":
                    pkg = node.module
                else:
                    continue
                for alias in node.names:
                    found |= target(pkg, alias.name)
            for dep in found:
                while dep not in modules:  # ``import gcdg_lite.data.corpus.texture``-like: the module part
                    dep = dep.rpartition(".")[0]
                if dep != name and not name.startswith(dep + "."):
                    graph[name].add(dep)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle ``[a, b, ..., a]`` of ``graph`` (depth-first search), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                return path[path.index(dep):] + [dep]
            if dep not in state and (cycle := visit(dep)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_graph_sees_function_level_and_relative_imports():
    graph = import_graph()
    assert "gcdg_lite.data.corpus" in graph["gcdg_lite.data.speech"] or \
        "gcdg_lite.data.signal" in graph["gcdg_lite.data.speech"]  # module level, relative
    assert "gcdg_lite.audio" in graph["gcdg_lite.data.write"]  # function level (save_wav at call time)
    assert "gcdg_lite.data.corpus" in graph["gcdg_lite.exercises.ch1"]  # ``from ..data import texture``: lazy
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_data_layer_is_acyclic_with_signal_at_the_bottom():
    graph = import_graph()
    data = {m: {d for d in deps if d.startswith("gcdg_lite.data.")} for m, deps in graph.items()
            if m.startswith("gcdg_lite.data.")}
    cycle = find_cycle(data)
    assert cycle is None, "import cycle in data/: " + " -> ".join(cycle)
    assert data["gcdg_lite.data.signal"] == set()  # the leaf: imports nothing else of data/
    assert "gcdg_lite.data.corpus" not in data["gcdg_lite.data.speech"]


def test_the_package_has_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)
