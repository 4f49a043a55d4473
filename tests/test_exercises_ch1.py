"""Chapter 1 checkers: a right answer (written independently here) passes; each typical mistake is rejected with
a hint that names the mistake and never the answer; a typed-in number cannot pass where a function is asked for."""
import math

import numpy as np
import pytest

import gcdg_lite.exercises as ex
from gcdg_lite.data import texture
from gcdg_lite.exercises import ch1
from _checker_helpers import _verdict

SR = 16000


# ---------------------------------------------------------------- ch1.1 aliasing

def alias(f, sr):
    """Fold f into 0..sr/2: shift by the nearest multiple of sr, then mirror negative frequencies."""
    return abs(f - sr * np.round(f / sr))


def test_alias_accepts_the_folding_rule_checked_against_sampled_sines(capsys):
    for f, sr in [(9000.0, 16000), (25000.0, 16000), (1000.0, 22050)]:  # the rule is the physics
        n = sr  # one second: FFT bins 1 Hz apart
        peak = np.argmax(np.abs(np.fft.rfft(np.sin(2 * np.pi * f * np.arange(n) / sr + 0.3))))
        assert abs(peak - alias(f, sr)) <= 1
    assert _verdict("ch1.1", alias, capsys)[0]


@pytest.mark.parametrize("wrong, needle", [
    (lambda f, sr: f, "cannot stay"),                                   # no aliasing at all
    (lambda f, sr: f % sr, "half of it"),                               # wraps but does not fold
    (lambda f, sr: f % (sr / 2), "mirror"),                             # wraps at sr/2
    (lambda f, sr: abs(sr - f), "sr - f holds only"),                   # one zone's formula
    (lambda f, sr: f - sr * round(f / sr), "never negative"),           # forgets the mirror of -f
    (lambda f, sr: 1000.0, "same number"),                              # a constant
    (lambda f, sr: f if f <= sr / 2 else sr - f, "fold more than once"),  # right up to sr only
])
def test_alias_rejects_each_mistake_with_its_hint(capsys, wrong, needle):
    ok, out = _verdict("ch1.1", wrong, capsys)
    assert not ok and needle in out


def test_alias_rejects_a_typed_number(capsys):
    ok, out = _verdict("ch1.1", 7000.0, capsys)
    assert not ok and "alias(f, sr) itself" in out


# ---------------------------------------------------------------- ch1.2 STFT trade-off

def test_stft_signal_is_what_the_exercise_describes():
    x = ch1._stft_test_signal()
    assert x.shape == (SR,) and x.dtype == np.float32
    assert np.flatnonzero(np.abs(x) > 0.7).tolist() == [int(0.6 * SR), int(round(0.63 * SR))]


@pytest.mark.parametrize("setting", [(640, 80), (704, 64), (608, 128)])
def test_stft_accepts_a_window_between_the_two_limits(capsys, setting):
    assert _verdict("ch1.2", setting, capsys)[0]


@pytest.mark.parametrize("wrong, needle", [
    ((256, 64), "cannot separate tones"),      # the package's default: too short for the tones
    ((512, 128), "cannot separate tones"),     # plot_spectrogram's default: still too short
    ((2048, 128), "too long"),                 # resolves the tones, merges the clicks
    ((1024, 64), "too long"),
    ((640, 400), "make the hop smaller"),      # right window, hop too coarse to see the gap
    ((640, 1000), "hop must be between"),
    ((8, 4), "stay between"),
    (640, "pair (n_fft, hop)"),
    ("640, 80", "pair (n_fft, hop)"),
    ((640.5, 80), "whole numbers"),
])
def test_stft_rejects_each_mistake_with_its_hint(capsys, wrong, needle):
    ok, out = _verdict("ch1.2", wrong, capsys)
    assert not ok and needle in out, out


def test_stft_dips_follow_the_trade_off():
    short, long_ = ch1._stft_dips(128, 32), ch1._stft_dips(2048, 128)
    assert short[0] < 3 and short[1] > 20           # short window: clicks sharp, tones merged
    assert long_[0] > 20 and long_[1] < 3           # long window: tones sharp, clicks merged


# ---------------------------------------------------------------- ch1.3 the pitch of a drone

def drone_f0(clip, fmin=30.0, fmax=200.0):
    """Harmonic comb: the f that maximises the mean log magnitude at f, 2f, ..., 10f."""
    mag = np.log(np.abs(np.fft.rfft(clip * np.hanning(len(clip)))) + 1e-9)
    freqs = np.fft.rfftfreq(len(clip), 1 / SR)
    cand = np.arange(fmin, fmax, 0.25)
    score = np.interp(cand[:, None] * np.arange(1, 11), freqs, mag).mean(axis=1)
    return float(cand[np.argmax(score)])


def test_drone_f0_accepts_a_comb_that_searches_low_enough(capsys):
    assert _verdict("ch1.3", drone_f0, capsys)[0]


def test_drone_f0_rejects_each_mistake(capsys):
    clip, params = texture("hum", n=2, seed=0, return_params=True)
    typed = float(params[1]["f0"])                     # the chapter's clip: its f0 typed in
    cases = [
        (typed, "drone_f0(clip) itself"),
        (lambda clip: typed, "same number for every clip"),
        (lambda clip: drone_f0(clip, 60.0, 400.0), "octave error"),          # the voice range
        (lambda clip: drone_f0(clip) * 16384 / SR, "bin index"),             # bins, not Hz
        (lambda clip: SR / drone_f0(clip), "period in samples"),
        (lambda clip: drone_f0(clip) / 2, "sub-harmonic"),
        (lambda clip: -drone_f0(clip), "positive"),
    ]
    for answer, needle in cases:
        ok, out = _verdict("ch1.3", answer, capsys)
        assert not ok and needle in out, (needle, out)


# ---------------------------------------------------------------- ch1.4 impulsive textures

def is_impulsive(clips):
    x = np.asarray(clips, np.float64)
    d = x - x.mean(axis=1, keepdims=True)
    return bool(np.median((d ** 4).mean(axis=1) / (d ** 2).mean(axis=1) ** 2 - 3) > 5)


def test_impulsive_truth_has_the_properties_the_chapter_relies_on():
    truth = {name for name, clips in ch1._texture_probes(3) if ch1._impulsive_truth(clips)}
    assert {"crackle", "rain"} <= truth and not {"wind", "hum", "vowels"} & truth


def test_impulsive_accepts_median_excess_kurtosis(capsys):
    assert _verdict("ch1.4", is_impulsive, capsys)[0]


def _kurt(x, centre=True, excess=True):
    x = np.asarray(x, np.float64)
    d = x - x.mean(axis=1, keepdims=True) if centre else x
    return (d ** 4).mean(axis=1) / (d ** 2).mean(axis=1) ** 2 - (3 if excess else 0)


@pytest.mark.parametrize("wrong, needle", [
    (lambda c: bool(np.median(_kurt(c, excess=False)) > 5), "subtract 3"),        # Pearson's kurtosis
    (lambda c: bool(np.mean(_kurt(c)) > 5), "median"),                            # mean over clips
    (lambda c: bool(np.median(_kurt(c, centre=False)) > 5), "own mean"),          # not centred
    (lambda c: bool(np.median((np.asarray(c, np.float64) ** 4).mean(1) / 1e-4) > 5), "loudness"),  # fixed scale
    (lambda c: _kurt(c) > 5, "one True/False"),                                   # one verdict per clip
    (lambda c: bool(np.median(np.abs(np.asarray(c)).max(1) / np.asarray(c).std(1)) > 5), "Laplace"),  # crest factor
    ({"crackle", "rain", "bubbles"}, "is_impulsive(clips) itself"),               # a typed-in set
])
def test_impulsive_rejects_each_mistake_with_its_hint(capsys, wrong, needle):
    ok, out = _verdict("ch1.4", wrong, capsys)
    assert not ok and needle in out, out


def test_hints_never_contain_the_answers(capsys, monkeypatch):
    """The hints after wrong answers name the mistake, not the answer (no true f0, no alias table)."""
    monkeypatch.setattr(ch1, "fresh_seed", lambda: 7)   # pin the check's fresh draw, to know its answers here
    _, params = ch1._hum_clips()                        # the clips (and true f0) this check will use
    ex.check("ch1.3", lambda clip: drone_f0(clip, 60.0, 400.0))
    ex.check("ch1.1", lambda f, sr: f % sr)
    out = capsys.readouterr().out
    assert not any(f"{p['f0']:.1f}" in out for p in params)
    assert "7000" not in out and "3500" not in out and math.isfinite(len(out))
