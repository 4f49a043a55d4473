"""bench/: every script imports as a module without running, shares code only through bench/common.py, and
imports no name that does not exist (issue 21, item 6).

The scripts are not run by any other test, so a refactor of gcdg_lite that renames what they import
would otherwise only show when someone next runs a benchmark.
"""
from __future__ import annotations

import ast
import importlib
import importlib.util
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
SCRIPTS = sorted(f[:-3] for f in os.listdir(BENCH) if f.endswith(".py"))
#: the one module of bench/ that the scripts may import
SHARED = "common"


def _tree(name: str) -> ast.Module:
    with open(os.path.join(BENCH, name + ".py"), encoding="utf-8") as fh:
        return ast.parse(fh.read(), filename=f"bench/{name}.py")


def _imports(name: str) -> list[tuple[int, str, str | None]]:
    """``(line, module, name)`` of every absolute import in bench/NAME.py, at any depth (``name`` None
    for ``import module``)."""
    out = []
    for node in ast.walk(_tree(name)):
        if isinstance(node, ast.ImportFrom) and node.level == 0:
            out += [(node.lineno, node.module, a.name) for a in node.names]
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name, None) for a in node.names]
    return out


def _gcdg_chains(name: str) -> list[tuple[int, tuple[str, str | None], list[str]]]:
    """``(line, (module, name), ["data", "load_source"])`` for every attribute chain on a name bound by an
    import from gcdg_lite in bench/NAME.py (``import gcdg_lite as gl`` ... ``gl.data.load_source``: module
    ``gcdg_lite``, name None; ``from gcdg_lite import features`` ... ``features.EPS``: ``("gcdg_lite",
    "features")``)."""
    tree = _tree(name)
    bound: dict[str, tuple[str, str | None]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            bound.update({a.asname or a.name.split(".")[0]: (a.name if a.asname else a.name.split(".")[0], None)
                          for a in node.names if a.name.split(".")[0] == "gcdg_lite"})
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module.split(".")[0] == "gcdg_lite":
            bound.update({a.asname or a.name: (node.module, a.name) for a in node.names})
    chains, inner = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and id(node) not in inner:
            parts, cur = [], node
            while isinstance(cur, ast.Attribute):
                parts.insert(0, cur.attr)
                inner.add(id(cur.value))
                cur = cur.value
            if isinstance(cur, ast.Name) and cur.id in bound:
                chains.append((node.lineno, bound[cur.id], parts))
    return chains


def _resolve(module: str, name: str):
    """``from module import name``, as Python does it: an attribute, or else a submodule."""
    mod = importlib.import_module(module)
    try:
        return getattr(mod, name)
    except AttributeError:
        return importlib.import_module(f"{module}.{name}")


@pytest.fixture(scope="module")
def bench_path():
    """bench/ first on sys.path, as it is for ``python bench/NAME.py``; os.environ as it was afterwards
    (corpus_speed.py sets BLAS thread counts at import)."""
    held = sys.modules.get(SHARED)
    assert held is None or os.path.dirname(os.path.abspath(held.__file__)) == BENCH, \
        f"another module named {SHARED!r} is loaded: {held}"
    env = dict(os.environ)
    sys.path.insert(0, BENCH)
    yield BENCH
    sys.path.remove(BENCH)
    os.environ.clear()
    os.environ.update(env)


@pytest.mark.parametrize("name", SCRIPTS)
def test_script_imports_without_running(bench_path, name, monkeypatch):
    """Each script loads as a module (its main runs only under ``if __name__ == "__main__":``)."""
    tree = _tree(name)
    if name != SHARED:
        assert any(isinstance(n, ast.If) and "__main__" in ast.unparse(n.test) for n in tree.body), \
            f"bench/{name}.py: put the call of main under `if __name__ == \"__main__\":`"
    monkeypatch.setattr(sys, "argv", [name, "--help"])  # a main run on import would exit here
    spec = importlib.util.spec_from_file_location(f"bench_{name}", os.path.join(BENCH, name + ".py"))
    mod = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(mod)
    except SystemExit as e:
        pytest.fail(f"bench/{name}.py ran its command line on import (exit {e.code})")


@pytest.mark.parametrize("name", SCRIPTS)
def test_every_imported_name_exists(bench_path, name):
    """Every ``from gcdg_lite... import X``, ``import gcdg_lite...``, ``gl.a.b`` chain and ``from common
    import X`` names something that exists now; no script imports another script, or a private name."""
    missing = []
    for line, module, imported in _imports(name):
        top = module.split(".")[0]
        if top in SCRIPTS and top != SHARED:
            missing.append(f"line {line}: imports bench/{top}.py; share it through bench/{SHARED}.py instead")
            continue
        if top not in ("gcdg_lite", SHARED):
            continue
        if top == SHARED and imported is not None and imported.startswith("_"):
            missing.append(f"line {line}: {SHARED}.{imported} is private; export it without the underscore")
        try:
            _resolve(module, imported) if imported is not None else importlib.import_module(module)
        except (ImportError, AttributeError) as e:
            missing.append(f"line {line}: {module} {imported or ''}: {type(e).__name__}: {e}")
    for line, (module, imported), parts in _gcdg_chains(name):
        obj = _resolve(module, imported) if imported is not None else importlib.import_module(module)
        for part in parts:
            try:
                obj = _resolve(obj.__name__, part) if isinstance(obj, type(sys)) else getattr(obj, part)
            except (ImportError, AttributeError):
                missing.append(f"line {line}: {part!r} of {obj!r} does not exist")
                break
    assert not missing, f"bench/{name}.py:\n" + "\n".join(missing)


def test_the_import_check_catches_a_missing_name(bench_path):
    """The resolution above fails on names of the kind that went missing (gcdg_lite.train.run's old
    private helpers), so the check is not vacuous."""
    with pytest.raises((ImportError, AttributeError)):
        _resolve("gcdg_lite.train.run", "_waves")
    with pytest.raises((ImportError, AttributeError)):
        _resolve(SHARED, "no_such_helper")


def test_common_loads_nothing_heavy():
    """Importing bench/common.py loads neither numpy, TensorFlow, Keras nor gcdg_lite: throughput.py's
    children record the oneDNN setting TensorFlow sees, and corpus_speed.py sets BLAS threads, only
    after importing it."""
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import common; "
            "print(sorted(m for m in ('numpy', 'tensorflow', 'keras', 'gcdg_lite') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, BENCH], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


@pytest.mark.parametrize("name", [s for s in SCRIPTS if s != SHARED])
def test_help(name):
    """``python bench/NAME.py --help`` works from anywhere (the script finds common.py and this checkout)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([sys.executable, os.path.join(BENCH, name + ".py"), "--help"], capture_output=True,
                         text=True, cwd=os.path.dirname(ROOT), env={**env, "TF_CPP_MIN_LOG_LEVEL": "3"},
                         timeout=300)
    assert out.returncode == 0 and "usage:" in out.stdout, out.stderr[-2000:]


def test_trainer_before_needs_a_checkout_with_its_own_bench_script(bench_path, tmp_path):
    """``--before`` names a checkout whose own bench/throughput.py serves the trainer_before variant; a
    path without one is refused before anything starts."""
    throughput = importlib.import_module("throughput")
    with pytest.raises(ValueError, match="--before PATH"):
        throughput.before_script(None)
    with pytest.raises(ValueError, match="no bench/throughput.py"):
        throughput.before_script(str(tmp_path))
    (tmp_path / "bench").mkdir()
    (tmp_path / "bench" / "throughput.py").write_text("")
    assert throughput.before_script(str(tmp_path)) == str(tmp_path / "bench" / "throughput.py")


def test_cli_options_read_flags_as_the_command_line_does(bench_path):
    """``common.cli_options``: the flags after ``--`` of quality.py --compare and texture_quality.py become the
    TrainConfig options ``python -m gcdg_lite train`` would apply; a bad flag is refused by the CLI's parser."""
    import common

    assert common.cli_options([]) == {}
    assert common.cli_options(["--model", "phasegan", "--lr-d", "1e-4", "--feature-matching", "0.1",
                               "--steps", "600"]) == {"model": "phasegan", "lr_d": 1e-4, "feature_matching": 0.1,
                                                      "steps": 600}
    with pytest.raises(SystemExit):
        common.cli_options(["--no-such-flag"])


def test_pm_writes_the_spread_of_several_values_and_one_value_alone(bench_path):
    """``common.pm``: mean ± sample standard deviation, each in its format; a single seed has no spread, so it
    is written without one (not "± nan")."""
    import common

    assert common.pm([1.0, 2.0, 3.0]) == "2.000 ± 1.000"
    assert common.pm([0.1, 0.3], ".2f", ".1g") == "0.20 ± 0.1"
    assert common.pm([0.0851]) == "0.085"
