"""Tests of gcdg_lite.metrics: identities, monotonicity under known perturbations, mode collapse,
texture SNR, a pinned ordering of the built-in corpus, memorisation, floors and anchors
(tests/test_metrics_yardstick.py covers the anchors, C2ST, spreads and input checks).

Short clips (8192 samples = 0.5 s at 16 kHz) and tens of clips keep the file to seconds.
"""
from __future__ import annotations

from functools import lru_cache

import librosa
import numpy as np
import pytest
from scipy import signal

from gcdg_lite.errors import DataError, GcdgError
from gcdg_lite import metrics as M

SR = 16000
SAMPLES = 8192


@lru_cache(maxsize=None)
def tex(name: str, n: int = 32, seed: int = 0) -> np.ndarray:
    from gcdg_lite.data.corpus import texture

    out = texture(name, n, seed=seed, sr=SR, samples=SAMPLES)
    out.setflags(write=False)
    return out


@lru_cache(maxsize=None)
def feats(name: str, n: int = 32, seed: int = 0) -> np.ndarray:
    return M.logmel_stats(tex(name, n, seed), SR)


@lru_cache(maxsize=None)
def tstats(name: str, n: int = 32, seed: int = 0) -> dict:
    return M.texture_stats(tex(name, n, seed), SR)


# -------------------------------------------------------------------------- features and FD
def test_logmel_stats_shape_silence_and_sine() -> None:
    t = np.arange(SAMPLES) / SR
    clips = np.stack([np.zeros(SAMPLES), 0.5 * np.sin(2 * np.pi * 1000 * t)])
    f = M.logmel_stats(clips, SR)
    assert f.shape == (2, 80)
    assert np.allclose(f[0, :40], -100.0) and np.allclose(f[0, 40:], 0.0)  # dB floor
    centres = librosa.mel_frequencies(42, fmin=20.0, fmax=8000.0)[1:-1]
    assert abs(centres[np.argmax(f[1, :40])] - 1000.0) < 120.0
    assert -20.0 < f[1, :40].max() < 0.0  # half-scale sine: about -12 dB


def test_fd_identity_symmetry_and_gaussian_closed_form() -> None:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((400, 6))
    b = rng.standard_normal((400, 6)) * 2.0 + 1.5
    assert M.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-8)
    assert M.frechet_distance(a, b) == pytest.approx(M.frechet_distance(b, a), rel=1e-6)
    # closed form for N(0, I) vs N(mu, s^2 I): |mu|^2 + d (1 - s)^2
    expected = 6 * 1.5**2 + 6 * (1.0 - 2.0) ** 2
    assert M.frechet_distance(a, b) == pytest.approx(expected, rel=0.15)
    f = feats("rain")
    assert M.frechet_distance(f, f) < 1e-6 * np.trace(np.cov(f, rowvar=False))


def test_fd_fewer_clips_than_dimensions_is_finite() -> None:
    f = feats("babble", 32)[:10]  # 10 clips, 80 dims: singular covariances
    g = feats("babble", 32, seed=1)[:10]
    assert M.frechet_distance(f, f) < 1e-3
    assert np.isfinite(M.frechet_distance(f, g)) and M.frechet_distance(f, g) > 0


def test_fd_raises_one_clear_error_on_large_imaginary_part(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(M.distances.linalg, "sqrtm", lambda x: np.asarray(x) * (1 + 1j))
    with pytest.raises(GcdgError, match="more clips than feature dimensions") as err:
        M.frechet_distance(np.eye(3) + np.arange(3), np.eye(3) * 2 + 1)
    assert isinstance(err.value, FloatingPointError)  # old handlers still catch it


# ------------------------------------------------------------ every metric grows under damage
def _noise(x: np.ndarray) -> np.ndarray:
    rms = np.sqrt(np.mean(x**2, axis=1, keepdims=True))
    return x + 0.5 * rms * np.random.default_rng(7).standard_normal(x.shape)


def _gain(x: np.ndarray) -> np.ndarray:
    return 0.25 * x  # -12 dB


def _lowpass(x: np.ndarray) -> np.ndarray:
    return signal.sosfiltfilt(signal.butter(6, 1000, fs=SR, output="sos"), x, axis=1)


@pytest.mark.parametrize("perturb", [_noise, _gain, _lowpass], ids=["noise", "gain", "lowpass"])
def test_every_metric_grows_under_perturbation(perturb) -> None:
    fresh = tex("babble", 32, 1)
    damaged = perturb(fresh)
    f_real, f_fresh, f_bad = feats("babble", 32, 0), feats("babble", 32, 1), M.logmel_stats(damaged, SR)
    assert M.frechet_distance(f_real, f_bad) > 2 * M.frechet_distance(f_real, f_fresh)
    z_real, z_fresh, z_bad = M.standardise(f_real, f_fresh, f_bad)
    assert M.kid(z_real, z_bad)[0] > M.kid(z_real, z_fresh)[0] + 3 * M.kid(z_real, z_bad)[1]
    n_fresh, n_bad = M.ndb(z_real, z_fresh), M.ndb(z_real, z_bad)
    assert n_bad.js > n_fresh.js
    assert n_bad.ndb_k >= n_fresh.ndb_k
    s_real = tstats("babble", 32, 0)
    assert M.texture_snr_db(s_real, M.texture_stats(damaged, SR)) < M.texture_snr_db(s_real, tstats("babble", 32, 1)) - 3


# ---------------------------------------------------------------------------- NDB and collapse
def test_ndb_flags_mode_collapse_but_not_a_fresh_sample() -> None:
    real, fresh = feats("rain", 48, 0), feats("rain", 48, 1)
    collapsed = np.repeat(fresh[:3], 16, axis=0)  # 48 clips, 3 distinct
    z_real, z_fresh, z_coll = M.standardise(real, fresh, collapsed)
    good, bad = M.ndb(z_real, z_fresh, k=6), M.ndb(z_real, z_coll, k=6)
    assert bad.ndb_k >= 0.5 and good.ndb_k <= 0.34
    assert bad.js > 2 * good.js
    assert bad.k == 6 and bad.p_real.sum() == pytest.approx(1.0) and (bad.p_fake > 0).sum() <= 3


# --------------------------------------------------------------------------- texture statistics
def test_texture_stats_shapes_and_modulation_detection() -> None:
    rng = np.random.default_rng(1)
    t = np.arange(SAMPLES) / SR
    noise = rng.standard_normal((4, SAMPLES)) * 0.1
    am = noise * (1 + 0.9 * np.sin(2 * np.pi * 12 * t))  # 12 Hz amplitude modulation
    s_n, s_am = M.texture_stats(noise, SR), M.texture_stats(am, SR)
    assert s_n["mean"].shape == (4, 24) and s_n["corr"].shape == (4, 276) and s_n["mod"].shape == (4, 168)
    mod_n, mod_am = s_n["mod"].reshape(4, 24, 7), s_am["mod"].reshape(4, 24, 7)
    band_12hz = 4  # octave band 8-16 Hz (edges 0.5, 1, 2, 4, 8, 16, 32, 64)
    assert mod_am[:, :, band_12hz].mean() > 3 * mod_n[:, :, band_12hz].mean()
    assert s_am["corr"].mean() > s_n["corr"].mean() + 0.2  # co-modulated bands correlate
    assert s_am["cv"].mean() > s_n["cv"].mean()


@pytest.mark.parametrize("name", ["rain", "babble"])
def test_texture_snr_high_within_texture_low_across(name: str) -> None:
    same = M.texture_snr_db(tstats(name, 32, 0), tstats(name, 32, 1))
    assert same > 15.0
    for other in ("wind", "bubbles", "vowels" if name != "vowels" else "rain"):
        assert M.texture_snr_db(tstats(name, 32, 0), tstats(other, 32, 1)) < same - 8.0


def test_texture_snr_groups_identical_sets_capped() -> None:
    g = M.texture_snr_groups(tstats("rain"), tstats("rain"))
    assert set(g) == set(M.texture.GROUPS) and all(v == 100.0 for v in g.values())


# ---------------------------------------------------------------- pinned ordering of the corpus
def test_corpus_ordering_held_out_speech_is_speechs_nearest_texture() -> None:
    """Documented ordering: other voices saying other sentences are still nearer to speech than any
    other built-in texture, under FD, KID and the texture SNR (speech seed 0 as the reference)."""
    others = ["speech_heldout", "babble", "vowels", "whisper", "rain", "wind", "crackle", "bubbles", "hum"]
    ref = feats("speech", 24, 0)
    fd = {o: M.frechet_distance(ref, feats(o, 24, 1)) for o in others}
    z = dict(zip(["ref"] + others, M.standardise(ref, *[feats(o, 24, 1) for o in others])))
    kd = {o: M.kid(z["ref"], z[o])[0] for o in others}
    ts = {o: M.texture_snr_db(tstats("speech", 24, 0), tstats(o, 24, 1)) for o in others}
    assert min(fd, key=fd.get) == "speech_heldout"
    assert min(kd, key=kd.get) == "speech_heldout"
    assert max(ts, key=ts.get) == "speech_heldout"


# ----------------------------------------------------------------------------- memorisation
def test_memorisation_small_for_copies_about_one_for_fresh() -> None:
    train = tex("rain", 32, 0)
    rng = np.random.default_rng(3)
    copies = np.roll(train[[4, 9, 17, 30]], 1000, axis=1) + 1e-4 * rng.standard_normal((4, SAMPLES))
    mem_copy = M.memorisation(train, copies, SR)
    mem_fresh = M.memorisation(train, tex("rain", 32, 1), SR)
    assert mem_copy.ratio < 0.5  # time-shifted copies: ~0.3
    assert M.memorisation(train, train[[1, 2, 3]], SR).ratio < 0.01  # exact copies: 0
    assert list(mem_copy.nearest) == [4, 9, 17, 30]
    assert 0.6 < mem_fresh.ratio < 1.6
    assert mem_fresh.per_clip.shape == (32,) and mem_copy.typical > 0


# ------------------------------------------------------------- pink noise, floors and evaluate
def test_pink_noise_is_deterministic_pink_and_loudness_matched() -> None:
    p = M.pink_noise(4, 16384, seed=5, rms=np.array([0.1, 0.2, 0.05, 0.1]))
    assert np.array_equal(p, M.pink_noise(4, 16384, seed=5, rms=np.array([0.1, 0.2, 0.05, 0.1])))
    assert p.dtype == np.float32 and np.abs(p).max() <= 1.0
    assert np.sqrt(np.mean(p.astype(float) ** 2, axis=1)) == pytest.approx([0.1, 0.2, 0.05, 0.1], rel=0.02)
    f, psd = signal.welch(p.astype(float), fs=SR, nperseg=2048)
    keep = (f > 100) & (f < 4000)
    slope = np.polyfit(np.log10(f[keep]), np.log10(psd.mean(0)[keep]), 1)[0]
    assert -1.2 < slope < -0.8


def test_evaluate_floor_value_anchors_and_fd_score() -> None:
    real = tex("rain", 48, 0)
    res = M.evaluate(real, tex("rain", 24, 1), SR)
    assert list(res) == ["fd", "kid", "ndb_k", "js", "texture_snr_db", "c2st", "memorisation", "harmonicity"]
    for key, r in res.items():
        assert {"value", "value_sd", "floor", "floor_sd", "anchors", "good", "score"} <= set(r)
        nums = [r["value"], r["floor"], *(a["value"] for a in r["anchors"].values())]
        assert all(np.isfinite(nums)), key
    assert res["fd"]["floor"] < res["fd"]["anchors"]["spectrum_noise"]["value"]
    assert res["kid"]["floor"] < res["kid"]["anchors"]["pink_noise"]["value"]
    tsnr = res["texture_snr_db"]
    assert tsnr["floor"] > max(a["value"] for a in tsnr["anchors"].values())
    assert res["fd"]["score"] < 0.2 and tsnr["score"] < 0.5
    same = M.fd_score(real, tex("rain", 24, 1), SR)
    other = M.fd_score(real, tex("crackle", 24, 1), SR)
    assert same == pytest.approx(res["fd"]["score"])
    assert same < 0.2 < other


def test_evaluate_rejects_too_few_or_bad_clips() -> None:
    with pytest.raises(DataError, match="at least 4 real clips"):
        M.evaluate(tex("rain")[:3], tex("rain")[:3], SR)
    bad = np.array(tex("rain")[:4])
    bad[0, 10] = np.nan
    with pytest.raises(DataError, match="NaN"):
        M.evaluate(tex("rain")[:8], bad, SR)


def test_c2st_feature_names_label_every_column_in_order() -> None:
    names = M.c2st_feature_names()
    clips = np.random.default_rng(0).uniform(-0.5, 0.5, (3, 8192))
    assert len(names) == M.c2st_features(clips).shape[1] == 404
    assert len(set(names)) == len(names)
    # spot checks of the layout documented in spectral_features and c2st_features
    assert names[0].startswith("log-mel mean") and names[40].startswith("log-mel std")
    assert names[80].startswith("log-mel mean |change|") and names[128] == "flatness mean"
    assert names[130] == "zero-crossing rate mean" and names[164].startswith("envelope cv")
    assert names[-1].startswith("envelope modulation 32-64 Hz")


def test_top_features_finds_the_one_feature_that_differs() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(64, 20)), rng.normal(size=(64, 20))
    b[:, 7] += 3.0     # set b differs in column 7 only, by 3 standard deviations
    top = M.top_features(a, b, k=3)
    assert [t["index"] for t in top][0] == 7 and top[0]["name"] == "feature 7"
    assert top[0]["weight"] > 0 and 2.0 < top[0]["effect"] < 4.0
    assert abs(top[0]["weight"]) >= abs(top[1]["weight"]) >= abs(top[2]["weight"])
    with pytest.raises(DataError):
        M.top_features(a, b[:, :5])
    with pytest.raises(DataError):
        M.top_features(a, b, names=["x"])
