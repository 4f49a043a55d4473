"""Auto-checkers for the chapters' exercises: ``check(key, answer)`` says "correct" or gives a hint.

A student writes an answer in an exercise's scaffold cell and calls::

    import gcdg_lite as gl
    answer = ...                       # the student's code
    gl.exercises.check("ch3.1", answer)

:func:`check` prints ``correct`` or a hint that points the way without giving the answer away, and
returns ``True``/``False``. The scaffold's ``answer = None`` is not an attempt: it only says "no answer
yet", so no hint is shown before the student has tried. A wrong, missing or malformed answer never
raises: the notebook keeps running. Only an unknown key raises :class:`~gcdg_lite.errors.ConfigError`
(a typo in the notebook, not the student's fault).

**Answers a checker can examine.** Where a typed-in number would pass as well as a computed one, an
exercise asks for an object instead — a function, a trained model, a set of points — and the checker
runs it on inputs the notebook never showed (other seeds, other clips, probes built for the mistakes
students make). :func:`as_function` turns "that is not a function" into a hint.

Chapter writers register checkers in ``gcdg_lite/exercises/chN.py`` (N = chapter number)::

    from . import checker

    @checker("ch3.1", hint="D*(x) = p_data / (p_data + p_g): evaluate it where both densities are equal.")
    def _(answer) -> bool | str:
        return abs(float(answer) - 0.5) < 1e-6

A checker receives the answer and returns ``True`` (correct), ``False`` (wrong: the registered ``hint``
is shown) or a string (wrong: that string is the hint, for answer-specific advice). If the checker raises
(say the answer has the wrong type), the student sees the hint plus a one-line note of what went wrong.
The ``chN`` modules are imported on the first call to :func:`check`, so ``import gcdg_lite.exercises``
stays light and a chapter module that does not exist yet breaks nothing.

**Checkers that teach, not leak.** A hint names the kind of mistake ("2 of the lines you flagged are
correct as written"), never the set of right parts. The inputs a checker tries are drawn afresh at each
check (:func:`fresh_rng`), and the expected values are computed from them inside the check, so neither a
public seed nor a module constant gives them away. The student's code runs in a thread of its own
(:mod:`gcdg_lite.exercises._limits`): walking up its stack with ``sys._getframe`` never reaches the
checker's frames. Where an exercise asks the student to write a function the package has, the checker
registers it with ``refuse=`` and the answer may not be it, wrap it, or call it.

**Limits.** Every answer runs with a time limit (:data:`~gcdg_lite.exercises._limits.ANSWER_SECONDS`,
all its calls in one check together) and an output cap (the first
:data:`~gcdg_lite.exercises._limits.OUTPUT_CHARS` characters of what it prints are shown, the rest is
counted); going past either prints one line saying so.

**Language.** With ``GCDG_LANG=zh`` (the Chinese edition's Colab copies set it in their set-up cell) what
:func:`check` prints is Chinese: its own words, each exercise's generic hint and the fixed answer-specific hints
(:mod:`gcdg_lite.exercises.zh`); a hint with no Chinese form (one computed from the answer) is printed in English.

Introduced in chapter 1 (every chapter ends with exercises).
"""
from __future__ import annotations

import importlib
import os
import pkgutil
import re
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .. import public as _public
from ..errors import ConfigError
from . import _limits

__all__ = _public(__name__)


#: what :func:`check` prints for a correct answer
CORRECT = "correct"
_KEY = re.compile(r"^ch\d+\.[A-Za-z0-9_]+$")
_MODULE = re.compile(r"^ch\d+$")


@dataclass(frozen=True)
class Checker:
    """A registered checker: ``fn(answer) -> bool | str`` and the generic hint for a wrong answer."""

    key: str
    fn: Callable[[Any], "bool | str"]
    hint: str
    refuse: tuple[str, ...] = ()


_REGISTRY: dict[str, Checker] = {}
_loaded = False


def checker(key: str, hint: str = "not quite yet; re-read the exercise and the cells just above it.",
            refuse: tuple[str, ...] = ()) -> Callable[[Callable[[Any], "bool | str"]], Callable[[Any], "bool | str"]]:
    """Decorator that registers ``fn(answer) -> bool | str`` as the checker of exercise ``key``.

    Args:
        key: ``"chN.k"`` — chapter number ``N`` and the exercise's name or number ``k``
            (the exercise's label is ``ex-chN-k``).
        hint: shown when the checker returns ``False`` or fails on the answer; it must not reveal the
            answer (name the kind of mistake, never the set of right parts).
        refuse: dotted paths of the package functions the exercise asks the student to write, e.g.
            ``("gcdg_lite.losses.r1_penalty",)``: an answer that is one of them, wraps one, or calls one
            while it runs is refused with a message naming it.

    Raises:
        ConfigError: when ``key`` is malformed or already registered by another function.
    """
    if not isinstance(key, str) or not _KEY.match(key):
        raise ConfigError(f"exercise key {key!r} must look like 'ch3.1' (chapter number, dot, exercise)")

    def register(fn: Callable[[Any], "bool | str"]) -> Callable[[Any], "bool | str"]:
        old = _REGISTRY.get(key)
        if old is not None and _origin(old.fn) != _origin(fn):
            raise ConfigError(f"exercise key {key!r} is registered twice "
                              f"({old.fn.__module__} and {fn.__module__}); give one of them another key")
        _REGISTRY[key] = Checker(key, fn, hint, tuple(refuse))
        return fn

    return register


def _origin(fn: Callable) -> tuple[str, str]:
    """Where a checker was defined: re-importing its module re-registers it without a clash."""
    return getattr(fn, "__module__", ""), getattr(fn, "__qualname__", "")


def _load_chapters() -> None:
    """Import every ``gcdg_lite.exercises.chN`` module that exists (once)."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not _MODULE.match(info.name):
            continue
        try:
            importlib.import_module(f"{__name__}.{info.name}")
        except Exception as exc:  # one broken chapter module must not take the others down
            warnings.warn(f"gcdg_lite.exercises.{info.name} could not be imported ({type(exc).__name__}: "
                          f"{exc}); its exercises cannot be checked", RuntimeWarning, stacklevel=3)


def fresh_rng() -> np.random.Generator:
    """A random generator seeded from the operating system (``secrets``), for one check's inputs.

    Checkers draw the clips, points and parameters they try an answer on from it, so the expected
    values exist only inside that check: re-running a public seed does not reproduce them.
    """
    import secrets

    return np.random.default_rng(secrets.randbits(128))


def fresh_seed() -> int:
    """A fresh 31-bit seed from :func:`fresh_rng`, for the package's functions that take ``seed=``."""
    return int(fresh_rng().integers(0, 2**31 - 1))


def scalar(answer: Any) -> float:
    """The one number in ``answer`` (a float, a 0-d or one-element array or tensor), for checkers.

    Raises:
        ValueError: when ``answer`` holds more or fewer than one number (:func:`check` turns this into
            the hint plus a one-line note, so the student's notebook keeps running).
    """
    value = np.asarray(answer, dtype=np.float64)
    if value.size != 1:
        raise ValueError(f"expected one number, got an array of shape {value.shape}")
    return float(value.reshape(()))


def as_function(answer: Any, what: str = "a function") -> Callable[..., Any]:
    """``answer`` itself when it can be called, for checkers of exercises whose answer is a function.

    Args:
        answer: the student's answer.
        what: how the exercise names the function, e.g. ``"alias(f, sr)"`` (used in the message).

    Raises:
        TypeError: when ``answer`` is not callable (a number typed in, or the function's result instead
            of the function; :func:`check` turns this into the hint plus a one-line note).
    """
    if not callable(answer):
        raise TypeError(f"the answer must be {what} itself (def ... without calling it), "
                        f"not a {type(answer).__name__}")
    return answer


def keys() -> list[str]:
    """Every registered exercise key, sorted by chapter and exercise (e.g. ``["ch1.1", "ch1.2", ...]``).
    """
    _load_chapters()

    def order(k: str) -> tuple:
        chapter, _, rest = k[2:].partition(".")
        return (int(chapter), int(rest) if rest.isdigit() else float("inf"), rest)

    return sorted(_REGISTRY, key=order)


def language() -> str:
    """The language of the checkers' messages: ``"zh"`` when the environment variable ``GCDG_LANG`` starts with
    ``zh`` (``zh``, ``zh_CN``), else ``"en"``."""
    return "zh" if os.environ.get("GCDG_LANG", "").strip().lower().startswith("zh") else "en"


def _say(word: str, english: str, **fields: Any) -> str:
    """``english`` formatted with ``fields``, or in Chinese (:data:`gcdg_lite.exercises.zh.WORDS`) when
    :func:`language` is ``"zh"``."""
    if language() == "zh":
        from .zh import WORDS

        return WORDS[word].format(**fields)
    return english.format(**fields)


def _hint(entry: Checker, verdict: Any = None) -> str:
    """The hint for a wrong answer: the checker's own string ``verdict`` if it returned one, else the exercise's
    generic hint; in Chinese when there is a Chinese form of it (:mod:`gcdg_lite.exercises.zh`)."""
    specific = isinstance(verdict, str) and bool(verdict)
    if language() != "zh":
        return verdict if specific else entry.hint
    from .zh import HINTS, SPECIFIC

    return SPECIFIC.get(verdict, verdict) if specific else HINTS.get(entry.key, entry.hint)


def _title(key: str) -> str:
    """How the book names exercise ``key``: ``"ch2.1"`` is ``"Exercise 2.1"``, the number its page shows.

    A key whose exercise part is a name rather than a number (``"ch2.ring"``) reads ``"Exercise 2.ring"``.
    """
    chapter, _, rest = key[2:].partition(".")
    return _say("exercise", "Exercise {number}", number=f"{chapter}.{rest}")


def check(key: str, answer: Any) -> bool:
    """Check ``answer`` to exercise ``key``; print ``correct`` or a hint; return whether it is correct.

    Notebook: 01_background.ipynb.

    Args:
        key: the exercise key, e.g. ``"ch3.1"`` (see :func:`keys`).
        answer: whatever the exercise asks for (a number, an array, a function, ...). ``None`` means
            "not answered yet".

    Returns:
        ``True`` when the answer is correct, else ``False``. Never raises on a wrong answer. What it
        prints names the exercise as its title does (``"Exercise 3.1: not yet. Hint: ..."``). An answer
        that runs past the time limit, or prints past the output cap, gets one line saying so
        (:mod:`gcdg_lite.exercises._limits`); one that is, wraps or calls the package function the
        exercise asks the student to write is refused with a line naming that function.

    Raises:
        ConfigError: when no checker is registered under ``key`` (a typo in the notebook).
    """
    _load_chapters()
    entry = _REGISTRY.get(key)
    if entry is None:
        known = ", ".join(keys()) or "none registered yet"
        raise ConfigError(f"no exercise checker named {key!r}; known keys: {known}")
    name = _title(key)  # what the student reads: the number the exercise's title shows
    if answer is None:  # not an attempt: no hint yet, so the exercise is tried before it is helped
        print(_say("no answer yet", "{name}: no answer yet — replace `answer = None` with your code and run the cell "
                   "again.", name=name))
        return False
    session = _limits.Session(entry.refuse)
    own = session.refused_name(answer) if callable(answer) else None
    if own is not None:
        print(_say("refused", "{name}: not yet. This exercise asks you to write it yourself; `{own}` is the "
                   "reference your answer is checked against.", name=name, own=own))
        return False
    message = None
    with session:  # the answer's prints pass through up to the cap; the checker's frames stay out of its reach
        try:
            if callable(answer):  # every call of the answer runs in its own thread, within the time budget
                verdict = entry.fn(session.guard(answer))
            else:                 # a value: the whole check runs there (iterating it may run the student's code)
                verdict = session.call(entry.fn, answer)
        except _limits.AnswerTimeout:
            message = f"{name}: {session.timeout_note()}"
        except _limits.ReferenceUsed as used:
            message = _say("reference used", "{name}: not yet. Your answer calls `{used}`; this exercise asks you to "
                           "write it yourself, and that function is the reference your answer is checked against.",
                           name=name, used=used.name)
        except Exception as exc:  # a malformed answer is a hint, not a crash
            message = _say("could not check", "{name}: could not check this answer ({error}). Hint: {hint}",
                           name=name, error=f"{type(exc).__name__}: {exc}", hint=_hint(entry))
    note = session.output_note()
    if note is not None:
        print(f"{chr(10) if session.mid_line else ''}{name}: {note}")  # a line cut at the cap ends first
    if message is not None:
        print(message)
        return False
    if verdict is True or (not isinstance(verdict, str) and _truthy(verdict)):
        print(_say("correct", CORRECT))
        return True
    print(_say("not yet", "{name}: not yet. Hint: {hint}", name=name, hint=_hint(entry, verdict)))
    return False


def _truthy(value: Any) -> bool:
    """``bool(value)`` for checker results such as ``numpy.bool_``; ``False`` if that is ambiguous."""
    try:
        return bool(value)
    except Exception:
        return False
