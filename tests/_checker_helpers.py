"""Shared by the chapter-checker tests (tests/test_exercises_ch*.py): run one checker and read what it printed."""
from __future__ import annotations

import gcdg_lite.exercises as ex


def _verdict(key: str, answer, capsys) -> tuple[bool, str]:
    """Check ``answer`` with the checker ``key`` (e.g. ``"ch4.2"``); return its verdict and everything it printed."""
    ok = ex.check(key, answer)
    return ok, capsys.readouterr().out


def _rejected(key: str, answer, needle: str, capsys) -> str:
    """Assert that checker ``key`` rejects ``answer`` with a hint containing ``needle``; return the hint."""
    ok, out = _verdict(key, answer, capsys)
    assert not ok, f"{key} accepted a wrong answer: {out}"
    assert needle in out, f"{key}'s hint lacks {needle!r}: {out}"
    return out
