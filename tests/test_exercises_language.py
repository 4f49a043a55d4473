"""The exercise checkers speak the reader's language (issue 26): Chinese with ``GCDG_LANG=zh``, English otherwise,
and English wherever a hint has no Chinese form; the Chinese hints keep every number and code name."""
from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import pytest

import gcdg_lite.exercises as ex
from gcdg_lite.exercises import zh

NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?")
CODE_NAME = re.compile(r"\b[A-Za-z]\w*_\w+\b|\b\w+\*?\([^()]*(?:\([^()]*\))?[^()]*\)")
CHECKERS = Path(ex.__file__).parent


def _kept(english: str, chinese: str) -> list[str]:
    """What the Chinese text lost of the English one's numbers and code names."""
    lost = Counter(NUMBER.findall(english)) - Counter(NUMBER.findall(chinese))
    names = [name for name in CODE_NAME.findall(english) if name not in chinese]
    return [f"number {n}" for n in lost] + [f"code name {n}" for n in names]


def test_every_exercise_has_a_chinese_hint_that_keeps_numbers_and_code_names():
    keys = ex.keys()
    assert keys and sorted(zh.HINTS) == sorted(keys), "a checker without its Chinese hint in gcdg_lite/exercises/zh.py"
    for key in keys:
        assert re.search(r"[\u4e00-\u9fff]", zh.HINTS[key]), key
        assert not _kept(ex._REGISTRY[key].hint, zh.HINTS[key]), (key, _kept(ex._REGISTRY[key].hint, zh.HINTS[key]))


def _fixed_hints() -> set[str]:
    """Every answer-specific hint a checker returns as a fixed string (``return "..."``, not computed)."""
    hints = set()
    for path in sorted(CHECKERS.glob("ch[0-9]*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                hints.add(node.value.value)
    return hints


def test_every_fixed_specific_hint_has_a_chinese_form_that_keeps_numbers_and_code_names():
    fixed = _fixed_hints()
    assert len(fixed) > 50  # the parse found the checkers' hints
    assert not fixed - set(zh.SPECIFIC), f"fixed hints without a Chinese form: {sorted(fixed - set(zh.SPECIFIC))[:3]}"
    assert not set(zh.SPECIFIC) - fixed, f"Chinese forms of hints no checker returns: {sorted(set(zh.SPECIFIC) - fixed)[:3]}"
    for english, chinese in zh.SPECIFIC.items():
        assert re.search(r"[\u4e00-\u9fff]", chinese), english
        assert not _kept(english, chinese), (english, _kept(english, chinese))


def test_the_check_rule_catches_a_lost_number_or_name():
    assert _kept("use n_fft = 256 and sigmoid(l)", "用 n_fft = 265 和 sigmoid(l)") == ["number 256"]
    assert _kept("use n_fft = 256", "用 256") == ["code name n_fft"]


@pytest.mark.parametrize("value, expected", [(None, "en"), ("", "en"), ("en", "en"), ("zh", "zh"),
                                             ("zh_CN", "zh"), ("ZH", "zh")])
def test_language_follows_gcdg_lang(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("GCDG_LANG", raising=False)
    else:
        monkeypatch.setenv("GCDG_LANG", value)
    assert ex.language() == expected


def test_check_speaks_chinese_with_gcdg_lang_zh(monkeypatch, capsys):
    monkeypatch.setenv("GCDG_LANG", "zh")
    assert ex.check("ch3.1", None) is False
    assert capsys.readouterr().out.startswith("练习 3.1：还没有答案")
    original = ex._REGISTRY["ch3.1"]

    def fails(answer):
        raise ValueError("bad shape")

    # a checker that fails on the answer shows the exercise's generic hint, in Chinese
    monkeypatch.setitem(ex._REGISTRY, "ch3.1", ex.Checker("ch3.1", fails, original.hint))
    assert ex.check("ch3.1", 5) is False
    out = capsys.readouterr().out
    assert out == f"练习 3.1：无法检查这个答案（ValueError: bad shape）。提示：{zh.HINTS['ch3.1']}\n"
    monkeypatch.delenv("GCDG_LANG")
    assert ex.check("ch3.1", 5) is False
    out = capsys.readouterr().out
    assert out == f"Exercise 3.1: could not check this answer (ValueError: bad shape). Hint: {original.hint}\n"


def test_a_specific_hint_without_chinese_form_falls_back_to_english(monkeypatch, capsys):
    ex.keys()  # the chapters' checkers loaded first
    monkeypatch.setitem(ex._REGISTRY, "ch9.9", ex.Checker("ch9.9", lambda a: "3 of your 4 values are off", "generic"))
    monkeypatch.setitem(ex._REGISTRY, "ch9.8", ex.Checker("ch9.8", lambda a: zh_specific, "generic"))
    zh_specific = next(iter(zh.SPECIFIC))
    monkeypatch.setenv("GCDG_LANG", "zh")
    assert ex.check("ch9.9", 1) is False and ex.check("ch9.8", 1) is False
    out = capsys.readouterr().out.splitlines()
    assert out == ["练习 9.9：还不对。提示：3 of your 4 values are off", f"练习 9.8：还不对。提示：{zh.SPECIFIC[zh_specific]}"]
    monkeypatch.setitem(ex._REGISTRY, "ch9.7", ex.Checker("ch9.7", lambda a: True, "generic"))
    assert ex.check("ch9.7", 1) is True and capsys.readouterr().out == "正确\n"
