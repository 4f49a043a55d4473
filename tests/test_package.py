"""The public API: every re-exported name resolves, and the CLI dispatcher fails cleanly."""
import os
import subprocess
import sys

import pytest

import gcdg_lite
from gcdg_lite.cli import COMMANDS, build_parser, main


def test_every_exported_name_resolves():
    missing = [name for name in gcdg_lite.__all__ if getattr(gcdg_lite, name, None) is None]
    assert not missing


def test_budget_function_not_shadowed_by_module():
    import gcdg_lite.budgets  # noqa: F401  (importing the module must not replace the function)
    assert callable(gcdg_lite.budget) and gcdg_lite.budget("ci").name == "ci"


def test_every_subcommand_is_registered():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(sub.choices) == set(COMMANDS)


def test_user_error_is_one_line_and_exit_2(capsys, monkeypatch):
    monkeypatch.setenv("GCDG_BUDGET", "nope")

    def boom(_args):
        gcdg_lite.budget()

    parser = build_parser()
    args = parser.parse_args(["corpus", "--list"])
    args.run = boom
    monkeypatch.setattr("gcdg_lite.cli.build_parser", lambda: _Fixed(parser, args))
    assert main([]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: GCDG_BUDGET='nope'")


class _Fixed:
    def __init__(self, parser, args):
        self._args = args

    def parse_args(self, _argv):
        return self._args


def test_module_entry_point_help():
    out = subprocess.run([sys.executable, "-m", "gcdg_lite", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "corpus" in out.stdout


@pytest.mark.parametrize("preset, expected", [(None, "1"), ("0", "0")])
def test_import_turns_onednn_on_unless_the_user_chose(preset, expected):
    env = {k: v for k, v in os.environ.items() if k != "TF_ENABLE_ONEDNN_OPTS"}
    if preset is not None:
        env["TF_ENABLE_ONEDNN_OPTS"] = preset
    code = "import os, sys, gcdg_lite; print(os.environ['TF_ENABLE_ONEDNN_OPTS'], 'tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.split() == [expected, "False"]


# --------------------------------------------------------------------------- one export list, checked pointers
import importlib  # noqa: E402
import inspect  # noqa: E402
import re  # noqa: E402

import nbformat  # noqa: E402

from _book_helpers import ROOT  # noqa: E402

NOTEBOOKS = {int(p.name[:2]): p for p in sorted((ROOT / "notebooks").glob("0*.ipynb"))}
TEXT = {n: "\n".join(c.source for c in nbformat.read(p, as_version=4).cells) for n, p in NOTEBOOKS.items()}
POINTER = re.compile(r"^\s*Notebook: (\S+?)\.?(?:\s|$)", re.M)
FREE = re.compile(r"\b[Cc]hapters?\s+(\d)")


def _mentions(module: str, name: str, text: str) -> bool:
    """Does a notebook name ``module.name``: qualified, as ``gl.name``, in backticks, or (for a distinctive
    name such as ``fd_score`` or ``SpecNorm``) anywhere."""
    pats = [rf"\b{module}\.{name}\b", rf"\bgl\.{name}\b", rf"`{name}[`(\[.]"]
    if len(name) >= 6 and ("_" in name.strip("_") or (name[0].isupper() and any(c.islower() for c in name))):
        pats.append(rf"\b{name}\b")
    return any(re.search(p, text) for p in pats)


def _callables():
    for module, names in gcdg_lite.API.items():
        mod = importlib.import_module(f"gcdg_lite.{module}")
        for name in names:
            obj = getattr(mod, name)
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__name__ == name:  # aliases: see the original
                yield module, name, obj


def test_one_export_list_is_every_modules_all():
    for module, names in gcdg_lite.API.items():
        mod = importlib.import_module(f"gcdg_lite.{module}")
        assert list(mod.__all__) == list(names), module
        assert all(getattr(mod, n, None) is not None for n in names), module
    for name in gcdg_lite.SHORTCUTS:
        homes = [m for m, names in gcdg_lite.API.items() if name in names]
        assert len(homes) == 1, (name, homes)
        assert getattr(gcdg_lite, name) is getattr(importlib.import_module(f"gcdg_lite.{homes[0]}"), name)


@pytest.mark.parametrize("module", ["audio", "budgets", "compat", "errors", "features", "losses", "models", "toy",
                                    "widgets", "listening"])
def test_every_public_function_and_class_of_a_module_is_in_the_list(module):
    mod = importlib.import_module(f"gcdg_lite.{module}")
    defined = {n for n, v in vars(mod).items() if not n.startswith("_") and (inspect.isfunction(v) or inspect.isclass(v))
               and v.__module__ == mod.__name__}
    assert defined <= set(gcdg_lite.API[module]), sorted(defined - set(gcdg_lite.API[module]))


def test_chapters_call_only_public_names_through_their_module():
    """``gl.<module>.<name>`` with ``name`` in the list; bare ``gl.<name>`` only for modules and ``gl.budget``."""
    for n, text in TEXT.items():
        for module, name in re.findall(r"(?<![\"'\w.])gl\.([a-z_]+)\.([A-Za-z_]\w*)", text):
            if module in gcdg_lite.API:
                assert name in gcdg_lite.API[module], f"{NOTEBOOKS[n].name}: gl.{module}.{name} is not public"
        bare = set(re.findall(r"(?<![\"'\w.])gl\.([A-Za-z_]\w*)\b(?!\.)", text)) - set(gcdg_lite.API) - {"budget"}
        assert not bare, f"{NOTEBOOKS[n].name}: call {sorted(bare)} through their module (gl.<module>.<name>)"


def test_every_docstring_points_to_the_chapter_that_introduces_it():
    """libfmp's habit, checked: ``Notebook: NN_name.ipynb`` names the first chapter that uses the name (no
    such line when no chapter does), and every 'chapter N' a docstring mentions does use it."""
    wrong = []
    for module, name, obj in _callables():
        doc = inspect.getdoc(obj) or ""
        using = [n for n, t in TEXT.items() if _mentions(module, name, t)]
        pointers = POINTER.findall(doc)
        expected = [NOTEBOOKS[using[0]].name] if using else []  # no line: no chapter uses it by name
        if pointers != expected:
            wrong.append(f"{module}.{name}: Notebook: {pointers} but the chapter that first uses it is "
                         f"{expected or 'none (then the docstring has no Notebook: line)'}")
        for ch in {int(c) for c in FREE.findall(doc)}:
            if ch not in using:
                wrong.append(f"{module}.{name}: its docstring mentions chapter {ch}, which does not use it")
    assert not wrong, "\n".join(wrong)


def test_temporary_files_stay_inside_pytests_own_folder(tmp_path_factory):
    """conftest's session fixture: tempfile and the TMPDIR that started programs inherit point into pytest's
    base folder, so runs kept in a temporary folder on purpose do not pile up in the system's."""
    import os
    import tempfile
    from pathlib import Path

    base = tmp_path_factory.getbasetemp().resolve()
    made = Path(tempfile.mkdtemp(prefix="gcdg_run_")).resolve()
    assert made.is_relative_to(base) and Path(os.environ["TMPDIR"]).resolve().is_relative_to(base)
    code = "import tempfile; print(tempfile.gettempdir())"
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert Path(child.stdout.strip()).resolve().is_relative_to(base)


def test_each_xdist_worker_fills_a_numba_cache_of_its_own():
    """conftest's pytest_configure: under pytest-xdist every worker, and what it starts, uses its own numba
    cache folder, so two workers never write librosa's cache at once (see conftest.py)."""
    import os

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        pytest.skip("one process (-n 0): there is no second writer")
    folder = os.environ["NUMBA_CACHE_DIR"]
    assert f"gcdg_numba_{worker}_" in folder and os.path.isdir(folder)
    code = "import numba.core.config as c; print(c.CACHE_DIR)"
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert child.stdout.strip() == folder
