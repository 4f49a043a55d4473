"""gcdg_lite.exercises: check() says "correct" or hints, never raises on a wrong answer, rejects unknown keys."""
import sys
import warnings

import numpy as np
import pytest

import gcdg_lite.exercises as ex
from gcdg_lite.errors import ConfigError

SECRET = 42


@pytest.fixture
def registry(monkeypatch):
    """A private registry: the test's checkers vanish afterwards; chapter modules count as loaded."""
    monkeypatch.setattr(ex, "_REGISTRY", {})
    monkeypatch.setattr(ex, "_loaded", True)
    return ex._REGISTRY


def _register(key="ch99.1", hint="think about the number of steps", fn=None):
    ex.checker(key, hint=hint)(fn or (lambda a: a == SECRET))


def test_correct_answer_prints_correct_and_returns_true(registry, capsys):
    _register()
    assert ex.check("ch99.1", SECRET) is True
    assert capsys.readouterr().out.strip() == "correct"


@pytest.mark.parametrize("answer", [41, "forty-two", [SECRET, 1], np.arange(3)])
def test_wrong_answer_prints_hint_without_the_answer(registry, capsys, answer):
    _register()
    assert ex.check("ch99.1", answer) is False
    out = capsys.readouterr().out
    assert "think about the number of steps" in out
    assert str(SECRET) not in out.replace(str(answer), "") and "correct" not in out.split("Hint")[0]


def test_missing_answer_says_so_without_a_hint(registry, capsys):
    """``answer = None`` is the scaffold, not an attempt: the hint waits for a wrong attempt."""
    _register()
    assert ex.check("ch99.1", None) is False
    out = capsys.readouterr().out
    assert "no answer yet" in out and "Hint" not in out and "think about" not in out
    assert ex.check("ch99.1", 41) is False
    assert "think about the number of steps" in capsys.readouterr().out


def test_as_function_passes_callables_and_turns_the_rest_into_a_hint(registry, capsys):
    def f(x):
        return x

    assert ex.as_function(f) is f and ex.as_function(np.sqrt) is np.sqrt
    with pytest.raises(TypeError, match="alias.*itself.*float"):
        ex.as_function(3.0, "alias(f, sr)")
    _register(fn=lambda a: ex.as_function(a, "g(x)")(2) == SECRET)
    assert ex.check("ch99.1", lambda x: 21 * x) is True
    capsys.readouterr()
    assert ex.check("ch99.1", SECRET) is False  # the number itself instead of a function
    out = capsys.readouterr().out
    assert "could not check" in out and "g(x) itself" in out and "think about" in out


def test_checker_that_raises_gives_a_hint_not_a_traceback(registry, capsys):
    def fussy(answer):
        return float(answer["value"]) == SECRET

    _register(fn=fussy)
    assert ex.check("ch99.1", 3.0) is False  # TypeError inside the checker
    out = capsys.readouterr().out
    assert "could not check" in out and "TypeError" in out and "think about" in out


def test_checker_specific_hint_and_numpy_bool(registry, capsys):
    _register("ch99.2", fn=lambda a: True if a == 1 else ("too big" if a > 1 else False))
    _register("ch99.3", fn=lambda a: np.isclose(a, 0.5))
    assert ex.check("ch99.2", 5) is False and "too big" in capsys.readouterr().out
    assert ex.check("ch99.2", 0) is False and "think about" in capsys.readouterr().out
    assert ex.check("ch99.3", 0.5) is True and ex.check("ch99.3", 0.7) is False


def test_unknown_key_raises_config_error(registry):
    _register()
    with pytest.raises(ConfigError, match="ch99.9"):
        ex.check("ch99.9", 1)


@pytest.mark.parametrize("key", ["3.1", "chapter3.1", "ch3", "ch3.1 ", ""])
def test_malformed_key_is_rejected(registry, key):
    with pytest.raises(ConfigError):
        ex.checker(key)


def test_same_key_from_two_places_is_rejected(registry):
    _register("ch99.1")

    def other(answer):
        return True

    other.__module__ = "somewhere_else"
    with pytest.raises(ConfigError, match="twice"):
        ex.checker("ch99.1")(other)


def test_keys_are_sorted_by_chapter_and_number(registry):
    for key in ("ch10.1", "ch2.10", "ch2.2", "ch2.1"):
        _register(key)
    assert ex.keys() == ["ch2.1", "ch2.2", "ch2.10", "ch10.1"]


def test_chapter_modules_load_and_a_broken_one_does_not_break_the_rest(tmp_path, monkeypatch):
    (tmp_path / "ch97.py").write_text(
        "from gcdg_lite.exercises import checker\n\n@checker('ch97.1', hint='h')\ndef _(a):\n    return a == 1\n")
    (tmp_path / "ch98.py").write_text("raise RuntimeError('chapter module under construction')\n")
    (tmp_path / "helpers.py").write_text("raise RuntimeError('not a chapter module: never imported')\n")
    monkeypatch.setattr(ex, "__path__", [str(tmp_path)])
    monkeypatch.setattr(ex, "_REGISTRY", {})
    monkeypatch.setattr(ex, "_loaded", False)
    for name in ("ch97", "ch98", "helpers"):
        monkeypatch.delitem(sys.modules, f"gcdg_lite.exercises.{name}", raising=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert ex.keys() == ["ch97.1"]
    assert any("ch98" in str(w.message) for w in caught)
    assert not any("helpers" in str(w.message) for w in caught)
    assert ex.check("ch97.1", 1) is True


def test_real_chapter_checkers_reject_a_missing_answer(capsys):
    """Every checker the chapters registered answers None with "no answer yet", no hint, without raising."""
    for key in ex.keys():
        assert ex.check(key, None) is False
        out = capsys.readouterr().out
        assert "no answer yet" in out and "Hint" not in out


def test_scalar_takes_one_number_in_any_wrapper():
    from gcdg_lite.exercises import scalar

    assert scalar(0.5) == 0.5 and scalar(np.array([[2.0]])) == 2.0 and scalar(np.float32(1.5)) == 1.5
    with pytest.raises(ValueError, match="one number"):
        scalar(np.zeros(3))


def test_messages_name_the_exercise_as_its_title_does(registry, capsys):
    """``check("ch99.1", ...)`` speaks of "Exercise 99.1", the number the book prints on the exercise (issue 24)."""
    _register()
    for answer in (None, 41, SECRET):
        ex.check("ch99.1", answer)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Exercise 99.1: no answer yet") and out[1].startswith("Exercise 99.1: not yet. Hint:")
    assert out[2] == "correct" and "ch99.1" not in "\n".join(out)
    _register("ch99.2", fn=lambda a: 1 / 0)
    ex.check("ch99.2", 1)
    assert capsys.readouterr().out.startswith("Exercise 99.2: could not check this answer (ZeroDivisionError")
