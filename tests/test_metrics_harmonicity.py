"""metrics.harmonicity: frame f0 and HNR on tones of known pitch, noise, vowels and their phase-scrambled
copies; the set distance, its floor in ``evaluate``, and one clear error per bad argument."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest

from gcdg_lite import metrics as M
from gcdg_lite.data import texture
from gcdg_lite.errors import ConfigError, DataError
from gcdg_lite.metrics.harmonicity import HNR_MIN
from gcdg_lite.metrics.reference import clip_rms

SR = 16000
SAMPLES = 8192


def tone(f0: float, samples: int = SAMPLES, sr: int = SR, harmonics: int = 10) -> np.ndarray:
    """A harmonic tone: ``harmonics`` partials at k f0 (below Nyquist), amplitude 1/k, peak 0.5."""
    t = np.arange(samples) / sr
    x = sum(np.sin(2 * np.pi * k * f0 * t + 0.7 * k) / k for k in range(1, harmonics + 1) if k * f0 < sr / 2)
    return 0.5 * x / np.abs(x).max()


@lru_cache(maxsize=None)
def vowels(n: int = 48, seed: int = 0) -> np.ndarray:
    return texture("vowels", n, seed=seed, samples=SAMPLES)


@pytest.mark.parametrize("f0", [73.0, 150.0, 220.5, 347.0])
def test_a_harmonic_tone_gives_its_f0_within_2_percent_and_a_high_hnr(f0: float) -> None:
    s = M.harmonicity_summary(M.harmonicity(tone(f0)[None], SR))
    assert s["f0_hz"] == pytest.approx(f0, rel=0.02)
    assert s["voiced_fraction"] > 0.95 and s["hnr_db"] > 15.0 and s["voiced_hnr_db"] > 15.0
    assert s["f0_iqr_hz"] < 0.02 * f0  # a steady tone: one pitch throughout


def test_a_tone_in_noise_has_the_hnr_of_its_mixture() -> None:
    """HNR = 10 log10(periodic power / noise power): a tone at 10 dB SNR reads about 10 dB."""
    x = tone(150.0)
    noise = np.random.default_rng(0).standard_normal(SAMPLES)
    noise *= clip_rms(x[None])[0] / clip_rms(noise[None])[0] / np.sqrt(10.0)
    s = M.harmonicity_summary(M.harmonicity((x + noise)[None], SR))
    assert 8.5 < s["hnr_db"] < 11.5 and s["f0_hz"] == pytest.approx(150.0, rel=0.02)


def test_white_noise_reads_unvoiced_with_a_low_hnr() -> None:
    noise = 0.1 * np.random.default_rng(1).standard_normal((16, SAMPLES))
    s = M.harmonicity_summary(M.harmonicity(noise, SR))
    assert s["voiced_fraction"] < 0.1 and s["hnr_db"] < 0.0


def test_vowels_read_harmonic_and_lose_it_with_their_phase() -> None:
    """Real vowels: voiced, HNR well above 10 dB. The same spectrogram with random phase, or their mean
    spectrum as noise (the yardstick's "1"): far less harmonic, though FD's band levels barely move."""
    real = M.harmonicity(vowels(), SR)
    s = M.harmonicity_summary(real)
    assert s["voiced_fraction"] > 0.9 and s["hnr_db"] > 12.0
    scrambled = M.harmonicity_summary(M.harmonicity(M.random_phase(vowels(), seed=0), SR))
    noise = M.harmonicity_summary(M.harmonicity(
        M.spectrum_noise(vowels(48, seed=2), 48, seed=3, rms=clip_rms(vowels())), SR))
    for other in (scrambled, noise):
        assert other["hnr_db"] < s["hnr_db"] - 10.0


def test_set_distance_is_near_zero_for_halves_of_one_texture_and_large_for_vowels_vs_noise() -> None:
    h = M.harmonicity(vowels(), SR)
    halves = M.hnr_distance(h.take(np.arange(24)), h.take(np.arange(24, 48)))
    fresh = M.hnr_distance(h, M.harmonicity(vowels(48, seed=1), SR))
    noise = M.hnr_distance(h, M.harmonicity(0.1 * np.random.default_rng(2).standard_normal((48, SAMPLES)), SR))
    assert halves < 1.5 and fresh < 1.5 and noise > 15.0
    assert M.hnr_distance(h, h) == 0.0
    assert M.hnr_distance(h, M.harmonicity(M.random_phase(vowels(), seed=1), SR)) > 10 * max(halves, fresh)


def test_silence_has_no_active_frames_and_a_finite_distance() -> None:
    h = M.harmonicity(np.zeros((4, SAMPLES)), SR)
    assert not h.active.any() and not h.voiced.any()
    s = M.harmonicity_summary(h)
    assert s["voiced_fraction"] == 0.0 and s["hnr_db"] == pytest.approx(HNR_MIN) and s["f0_hz"] is None
    assert M.hnr_distance(M.harmonicity(vowels(), SR), h) > 25.0


def test_frames_shapes_and_chunks_do_not_change_the_result() -> None:
    x = vowels(7)
    a, b = M.harmonicity(x, SR), M.harmonicity(x, SR, chunk=2)
    frames = 1 + (SAMPLES - 1024) // 512
    assert a.hnr_db.shape == a.f0_hz.shape == a.active.shape == (7, frames)
    for f in ("hnr_db", "f0_hz", "active", "voiced"):
        np.testing.assert_array_equal(getattr(a, f), getattr(b, f))
    assert np.isnan(a.f0_hz[~a.voiced]).all() and np.isfinite(a.f0_hz[a.voiced]).all()
    per = M.harmonicity_per_clip(a)
    assert set(per) == {"voiced_fraction", "hnr_db", "f0_hz", "f0_iqr_hz"} and all(v.shape == (7,) for v in per.values())


def test_evaluate_reports_harmonicity_beside_its_floor_and_anchors() -> None:
    real = vowels(48)
    fresh = M.evaluate(real, vowels(24, seed=1), SR)["harmonicity"]
    scrambled = M.evaluate(real, M.random_phase(vowels(24, seed=1), seed=0), SR)["harmonicity"]
    assert fresh["unit"] == "dB" and not fresh["higher_is_better"]
    assert abs(fresh["score"]) < 0.15 and scrambled["score"] > 0.5
    assert fresh["floor"] < 2.0 < 10.0 < fresh["anchors"]["spectrum_noise"]["value"]
    sets = scrambled["sets"]
    assert set(sets) == {"real", "fake", "spectrum_noise", "pink_noise"}
    assert sets["real"]["clips"] == 48 and sets["fake"]["clips"] == 24
    assert sets["real"]["hnr_db"] > sets["fake"]["hnr_db"] + 10.0
    assert "harmonicity" in M.format_table(M.evaluate(real, vowels(24, seed=1), SR))


def test_evaluate_on_clips_shorter_than_a_frame_leaves_harmonicity_out() -> None:
    real = texture("vowels", 8, seed=0, samples=768)
    res = M.evaluate(real, texture("vowels", 4, seed=1, samples=768), SR, splits=1)
    assert res["harmonicity"]["value"] is None and res["harmonicity"]["sets"] is None
    assert res["fd"]["value"] is not None


@pytest.mark.parametrize("bad, kind, word", [
    (np.zeros((2, 2, SAMPLES)), DataError, "clips"),                      # wrong shape
    (np.full((2, SAMPLES), np.nan), DataError, "clips"),                  # not finite
    (np.zeros((2, 900)), DataError, "clips"),                             # shorter than a 64 ms frame
    (np.zeros((2, SAMPLES), np.int16), DataError, "clips"),               # integer PCM
])
def test_bad_clips_get_one_error_naming_the_argument(bad, kind, word) -> None:
    with pytest.raises(kind, match=word):
        M.harmonicity(bad, SR)


@pytest.mark.parametrize("kwargs, word", [
    ({"sr": 0}, "sr"), ({"sr": "16k"}, "sr"), ({"sr": 16000.5}, "sr"),
    ({"fmin": 10.0}, "fmin"), ({"fmin": 300.0, "fmax": 200.0}, "fmin"), ({"fmax": float("nan")}, "fmax"),
    ({"fmax": 5000.0}, "fmax"), ({"chunk": 0}, "chunk"),
])
def test_bad_rates_and_ranges_get_one_config_error(kwargs, word) -> None:
    with pytest.raises(ConfigError, match=word):
        M.harmonicity(vowels(2), **kwargs)


def test_distance_and_summaries_refuse_what_is_not_a_harmonicity() -> None:
    with pytest.raises(DataError, match="other"):
        M.hnr_distance(M.harmonicity(vowels(2), SR), vowels(2))
    with pytest.raises(DataError, match="Harmonicity"):
        M.harmonicity_summary(vowels(2))
