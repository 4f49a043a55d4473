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
