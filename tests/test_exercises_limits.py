"""Issue 25, item 5: checkers that teach, not leak.

Each test pins one finding of the issue: an answer that runs forever is stopped at the time limit with one
line; an answer that prints a megabyte is capped with one line while a normal answer's prints pass through;
an answer cannot reach the checker's frames, globals or a reproducible seed to read the expected values;
hints count and classify mistakes instead of listing the right parts. Several of these answers pass on
the checkers before the fix (they are cheats that worked), so each test fails there.
"""
import itertools
import re
import sys
import time

import numpy as np
import pytest

import gcdg_lite.exercises as ex
from gcdg_lite.data import texture
from gcdg_lite.exercises import _limits, ch1, ch5, ch6
from _checker_helpers import _verdict

SR = 16000


@pytest.fixture
def short_limit(monkeypatch):
    """A 1.5 s time limit, so that the endless answers below stop quickly."""
    monkeypatch.setattr(_limits, "ANSWER_SECONDS", 1.5)
    return 1.5


def _alias(f, sr):
    return abs(f - sr * np.round(f / sr))


# ------------------------------------------------------------------------------------------ time limit

def test_an_endless_answer_stops_at_the_limit_with_one_line(capsys, short_limit):
    def endless(f, sr):
        while True:
            pass

    start = time.monotonic()
    ok, out = _verdict("ch1.1", endless, capsys)
    elapsed = time.monotonic() - start
    assert not ok and out.strip() == "Exercise 1.1: your answer ran longer than 1.5 s: stopped.", out
    assert short_limit <= elapsed < short_limit + 3, elapsed


def test_an_endless_answer_that_catches_exceptions_is_stopped_too(capsys, short_limit):
    """The time-out is a BaseException: ``except Exception`` in the answer (or in a checker) cannot swallow it."""
    def stubborn(f, sr):
        while True:
            try:
                sum(range(1000))
            except Exception:
                pass

    ok, out = _verdict("ch1.1", stubborn, capsys)
    assert not ok and "ran longer than 1.5 s" in out and "Hint" not in out


def test_the_limit_is_one_budget_for_all_calls_of_one_check(capsys, short_limit):
    """ch1.1 calls the answer dozens of times: 0.1 s per call is fine alone, too slow summed over the check."""
    def slow(f, sr):
        time.sleep(0.1)
        return _alias(f, sr)

    ok, out = _verdict("ch1.1", slow, capsys)
    assert not ok and "ran longer than 1.5 s" in out


def test_an_endless_value_answer_is_stopped_too(capsys, short_limit):
    """A value whose iteration never ends (ch6.2 iterates the answer) runs under the same limit."""
    never = (time.sleep(0.01) or 5 for _ in itertools.count())
    ok, out = _verdict("ch6.2", never, capsys)
    assert not ok and "ran longer than 1.5 s" in out


def test_a_stopped_check_leaves_the_next_one_working(capsys, short_limit):
    _verdict("ch1.1", lambda f, sr: time.sleep(10), capsys)
    assert _verdict("ch1.1", _alias, capsys) == (True, "correct\n")


# ------------------------------------------------------------------------------------------ output cap

def test_an_answer_printing_a_megabyte_is_capped_with_one_line(capsys):
    def chatty(f, sr):
        print("x" * 1_000_000)
        return _alias(f, sr)

    ok, out = _verdict("ch1.1", chatty, capsys)
    assert ok, out[-300:]
    lines = out.splitlines()
    assert len(out) < _limits.OUTPUT_CHARS + 400, len(out)
    assert out.startswith("x" * _limits.OUTPUT_CHARS + "\nExercise 1.1: your answer printed")
    note = [line for line in lines if "your answer printed" in line]
    assert len(note) == 1 and re.search(r"printed \d+\.\d MB; showing the first 2,000 characters", note[0]), note
    assert lines[-1] == "correct"


def test_a_normal_answers_prints_pass_through(capsys):
    def talkative(f, sr):
        if f == 9000.0 and sr == 16000:
            print(f"alias of {f:.0f} Hz at {sr} Hz: {_alias(f, sr):.0f} Hz")
        return _alias(f, sr)

    ok, out = _verdict("ch1.1", talkative, capsys)
    assert ok and out == "alias of 9000 Hz at 16000 Hz: 7000 Hz\ncorrect\n", out


def test_stderr_shares_the_cap(capsys):
    def noisy(f, sr):
        sys.stderr.write("e" * 10_000)
        return _alias(f, sr)

    ok = ex.check("ch1.1", noisy)
    captured = capsys.readouterr()
    assert ok and len(captured.err) == _limits.OUTPUT_CHARS and "your answer printed" in captured.out


# ------------------------------------------------------------------------------------------ no reachable answers

def test_an_answer_cannot_call_the_checkers_globals_through_its_frame(capsys):
    """Issue 25: ch1.1's answer could call the checker's own reference through ``sys._getframe(1).f_globals``."""
    def peek(f, sr):
        return sys._getframe(1).f_globals["_alias_truth"](f, sr)

    ok, out = _verdict("ch1.1", peek, capsys)
    assert not ok, out


def test_frames_above_an_answer_hold_no_expected_value(capsys, monkeypatch):
    """An answer walking up its stack meets no checker frame, and no local there holds a true f0 (ch1.3)."""
    monkeypatch.setattr(ch1, "fresh_seed", lambda: 7)      # pin the draw: this test knows the answers
    _, params = ch1._hum_clips()
    truths = {round(float(p["f0"]), 6) for p in params}
    seen_files, seen_values = set(), []

    def spy(clip):
        frame = sys._getframe(1)
        while frame is not None:
            seen_files.add(frame.f_code.co_filename)
            for value in frame.f_locals.values():
                seen_values.append(value)
            frame = frame.f_back
        return 50.0

    ex.check("ch1.3", spy)
    capsys.readouterr()
    assert seen_files and not any("exercises/ch" in name.replace("\\", "/") for name in seen_files), seen_files

    def numbers(value, depth=0):
        if depth > 3:
            return
        if isinstance(value, (int, float, np.floating)):
            yield round(float(value), 6)
        elif isinstance(value, dict):
            for v in value.values():
                yield from numbers(v, depth + 1)
        elif isinstance(value, (list, tuple)):
            for v in value:
                yield from numbers(v, depth + 1)
    assert not truths & {n for v in seen_values for n in numbers(v)}


def test_a_public_seed_does_not_reproduce_the_checkers_clips(capsys):
    """Issue 25: ch1.3's clips came from ``texture("hum", seed=7)``, so an answer could look their f0 up."""
    clips, params = texture("hum", n=8, seed=7, sr=SR, return_params=True)

    def look_up(clip):
        match = [p["f0"] for c, p in zip(clips, params) if np.array_equal(c, clip)]
        return match[0] if match else 100.0

    ok, out = _verdict("ch1.3", look_up, capsys)
    assert not ok, out


def test_the_collapse_probes_labels_are_not_reachable(capsys):
    """Issue 25: ch5.1's labels came from ``collapse_probes()`` (a fixed seed): a look-up detector passed."""
    assert not hasattr(ch5, "collapse_probes")
    probes = ch5._collapse_probes(np.random.default_rng(5005))   # the old fixed draw, labels and all

    def look_up(real, fake):
        match = [p[4] for p in probes if len(p[3]) == len(fake) and np.array_equal(p[3], fake)]
        return bool(match[0]) if match else False

    ok, out = _verdict("ch5.1", look_up, capsys)
    assert not ok, out


def test_the_vanishing_players_are_not_a_public_function():
    """Issue 25: ``gl.exercises.ch6.vanishing_players()`` returned exercise 6.3's answer."""
    assert not hasattr(ch6, "vanishing_players")


def test_the_bug_hunt_hint_never_lists_the_right_lines(capsys):
    """Issue 25: flagging every line got "lines 1, 2, 3, 4, 6, 7, 8, 9, 14 do what ... asks": the other five won."""
    for answer in (range(1, 15), {1, 2, 3, 5}, {4, 10}, {5}):
        ok, out = _verdict("ch6.2", answer, capsys)
        assert not ok
        hint = out.split("Hint:", 1)[1]
        assert not re.search(r"\blines? \d", hint), hint            # no line numbers, only counts and kinds
    ok, out = _verdict("ch6.2", range(1, 15), capsys)
    assert "9 of the 14 lines you flagged are correct as written" in out


@pytest.mark.parametrize("key, reference", [
    ("ch3.2", "gcdg_lite.losses.gradient_penalty"),
    ("ch3.3", "gcdg_lite.losses.log_one_minus_d"),
    ("ch4.2", "gcdg_lite.losses.gcdg_generator_loss"),
    ("ch5.2", "gcdg_lite.losses.r1_penalty"),
])
def test_the_packages_own_function_is_refused_where_the_exercise_asks_to_write_it(capsys, key, reference):
    ok, out = _verdict(key, _limits.resolve(reference), capsys)
    assert not ok and "write it yourself" in out and reference.replace("gcdg_lite.", "gl.") in out, out


def test_a_wrapper_that_calls_the_reference_is_refused_while_it_runs(capsys):
    import gcdg_lite as gl

    def r1(discriminator, real, gamma):
        return 1.0 * gl.losses.r1_penalty(discriminator, real, gamma=gamma, training=False)

    ok, out = _verdict("ch5.2", r1, capsys)
    assert not ok and "Your answer calls `gl.losses.r1_penalty`" in out, out


def test_the_limits_are_documented_constants():
    assert _limits.ANSWER_SECONDS > 0 and _limits.OUTPUT_CHARS == 2000
    assert "ANSWER_SECONDS" in ex.__doc__ and "OUTPUT_CHARS" in ex.__doc__


def test_the_limits_hold_when_check_runs_outside_the_main_thread(short_limit):
    """No signals are involved: from a worker thread of the student's own, an endless answer still stops."""
    import contextlib
    import io
    import threading

    result, buffer = {}, io.StringIO()

    def endless(f, sr):
        while True:
            pass

    def in_a_thread():
        with contextlib.redirect_stdout(buffer):
            result["ok"] = ex.check("ch1.1", endless)

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join(short_limit + 10)
    assert not thread.is_alive() and result == {"ok": False}
    assert "ran longer than 1.5 s: stopped" in buffer.getvalue()
