"""The yardstick that cannot be flattered: noise anchors, C2ST, spreads over splits, held-out probes,
and one clear error for every bad input of the metrics' public functions (issues 11 and 14).

Half-second clips (8192 samples) and a few dozen clips keep every test to a few seconds.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest

from gcdg_lite import metrics as M
from gcdg_lite.errors import ConfigError, DataError, GcdgError
from gcdg_lite.metrics.reference import clip_rms

SR = 16000
SAMPLES = 8192


@lru_cache(maxsize=None)
def tex(name: str, n: int = 48, seed: int = 0, samples: int = SAMPLES) -> np.ndarray:
    from gcdg_lite.data import texture

    out = texture(name, n, seed=seed, samples=samples)
    out.setflags(write=False)
    return out


def mean_spectrum_generator(name: str, n: int = 24) -> np.ndarray:
    """What a generator that learned only the mean spectrum of its (other) training clips makes."""
    train = tex(name, 48, seed=1)
    return M.spectrum_noise(train, n, seed=11, rms=clip_rms(train[:n]))


# ------------------------------------------------------------------------------------- anchors
def test_spectrum_noise_has_the_reference_spectrum_and_the_probe_loudness() -> None:
    ref = tex("hum")
    rms = np.linspace(0.05, 0.2, 6)
    noise = M.spectrum_noise(ref, 6, seed=3, rms=rms)
    assert noise.dtype == np.float32 and noise.shape == (6, SAMPLES)
    assert np.array_equal(noise, M.spectrum_noise(ref, 6, seed=3, rms=rms))
    assert not np.array_equal(noise, M.spectrum_noise(ref, 6, seed=4, rms=rms))
    assert clip_rms(noise) == pytest.approx(rms, rel=0.02)
    # per-bin magnitude follows the reference's average spectrum: the hum's lines stay lines
    want = np.abs(np.fft.rfft(ref.astype(float), axis=1)).mean(0)[1:]
    got = np.abs(np.fft.rfft(noise.astype(float), axis=1)).mean(0)[1:]
    assert np.corrcoef(want, got)[0, 1] > 0.99


@pytest.mark.parametrize("name", ["vowels", "hum"])
def test_anchor_ordering_on_tonal_textures(name: str) -> None:
    """floor (real) ~ 0 < a mean-spectrum generator ~ 1 < pink noise, on the new scale."""
    real = tex(name)
    fresh = M.fd_score(real, tex(name, 24, seed=1), SR)
    mean_spec = M.fd_score(real, mean_spectrum_generator(name), SR)
    pink = M.fd_score(real, M.pink_noise(24, SAMPLES, seed=5, rms=clip_rms(tex(name, 24, seed=1))), SR)
    assert abs(fresh) < 0.3
    assert 0.7 < mean_spec < 1.6
    assert pink > 2.5
    res = M.evaluate(real, tex(name, 24, seed=1), SR)["fd"]
    assert res["floor"] < res["anchors"]["spectrum_noise"]["value"] < res["anchors"]["pink_noise"]["value"]
    assert res["anchors"]["pink_noise"]["score"] > 2.5
    assert res["x_floor"] == pytest.approx(np.mean([v / f for v, f in zip(
        res["per_split"]["value"], res["per_split"]["floor"])]))


# ---------------------------------------------------------------------------------------- c2st
def test_c2st_chance_for_real_vs_real_and_one_for_noise() -> None:
    vowels = tex("vowels")
    assert 0.3 < M.c2st(vowels, tex("vowels", 48, seed=1), SR) < 0.7
    pink = M.pink_noise(48, SAMPLES, seed=2, rms=clip_rms(vowels))
    assert M.c2st(vowels, pink, SR) > 0.95
    assert M.c2st(vowels, mean_spectrum_generator("vowels", 48), SR) > 0.95
    assert M.c2st_features(vowels[:3], SR).shape == (3, 404)
    assert np.allclose(M.c2st_features(vowels[:3], SR)[:, :80], M.logmel_stats(vowels[:3], SR))


def test_evaluate_reports_c2st_with_floor_and_anchors() -> None:
    res = M.evaluate(tex("vowels"), tex("vowels", 24, seed=1), SR)["c2st"]
    assert 0.3 < res["floor"] < 0.7 and 0.3 < res["value"] < 0.75
    assert res["anchors"]["spectrum_noise"]["value"] > 0.95
    assert res["anchors"]["pink_noise"]["value"] > 0.95
    bad = M.evaluate(tex("vowels"), tex("babble", 24, seed=1), SR)["c2st"]
    assert bad["value"] > 0.95 and bad["score"] > 0.8


# ------------------------------------------------------------------------------------- spreads
def test_every_number_has_a_non_negative_spread_over_splits() -> None:
    res = M.evaluate(tex("rain", 32), tex("rain", 16, seed=1), SR, splits=3, seed=4)
    for key, r in res.items():
        assert r["splits"] == 3 and all(len(v) == 3 for v in r["per_split"].values()), key
        sds = [r["value_sd"], r["floor_sd"], *(a["value_sd"] for a in r["anchors"].values())]
        if key not in ("memorisation", "kid"):  # raw only, no score (report.UNSCORED)
            sds += [r["score_sd"], r["score_pink_sd"]]
        assert all(sd is not None and sd >= 0 for sd in sds), key
        assert r["value"] == pytest.approx(np.mean(r["per_split"]["value"]))
        assert r["value_sd"] == pytest.approx(np.std(r["per_split"]["value"], ddof=1))
    # the splits really differ (the spread is not a constant 0)
    assert res["fd"]["floor_sd"] > 0 and res["fd"]["value_sd"] > 0
    one = M.evaluate(tex("rain", 32), tex("rain", 16, seed=1), SR, splits=1)
    assert one["fd"]["value_sd"] is None and one["fd"]["splits"] == 1
    assert "± " in M.format_table(res) and "spectrum noise" in M.format_table(res)


# ------------------------------------------------------------------ held-out probes, memorisation
def test_real_probes_never_overlap_reference_or_training_clips() -> None:
    from gcdg_lite.metrics.protocol import plan_split

    for s in range(3):
        sp = plan_split(41, 30, seed=2, s=s)
        assert len(set(sp.ref) & set(sp.probe)) == 0 and len(sp.probe) == len(sp.fake) == 20
    real, train = tex("rain", 16), tex("rain", 16, seed=3)
    with pytest.raises(DataError, match="also training clips"):
        M.evaluate(np.concatenate([real, train[:2]]), real, SR, train_clips=train)
    with pytest.raises(DataError, match="duplicate"):
        M.evaluate(np.concatenate([real, real[:1]]), real, SR)


def test_memorisation_against_training_clips_catches_copies() -> None:
    real, train = tex("rain", 24), tex("rain", 24, seed=3)
    copies = np.roll(train[:12], 700, axis=1)
    res = M.evaluate(real, copies, SR, train_clips=train)["memorisation"]
    assert res["against"] == "train clips" and res["value"] < 0.5 < res["floor"]
    fresh = M.evaluate(real, tex("rain", 12, seed=1), SR, train_clips=train)["memorisation"]
    assert fresh["value"] > 0.6


# --------------------------------------------------------------------------------- input checks
def test_clips_of_another_length_are_refused_not_zero_padded() -> None:
    real, short = tex("vowels", 8), tex("vowels", 8, seed=1, samples=4096)
    for fn in (M.evaluate, M.fd_score, M.c2st):
        with pytest.raises(DataError, match="4096 samples per clip where 8192 are needed"):
            fn(real, short)
    with pytest.raises(DataError, match="samples"):
        M.evaluate(real, real[:4], train_clips=short)


@pytest.mark.parametrize("dtype", ["int16", "uint8", "bool", "int32"])
def test_integer_audio_is_refused_with_the_dtype(dtype: str) -> None:
    real = tex("rain", 8)
    as_int = (real * (100 if dtype != "bool" else 1)).astype(dtype)
    with pytest.raises(DataError, match=f"dtype {dtype}"):
        M.evaluate(real, as_int, SR)
    with pytest.raises(DataError, match=f"dtype {dtype}"):
        M.logmel_stats(as_int, SR)


def test_unscaled_ragged_or_object_audio_is_one_clear_error() -> None:
    with pytest.raises(DataError, match="beyond 4"):
        M.texture_stats(tex("rain", 4) * 32768.0, SR)
    with pytest.raises(DataError, match="equal lengths"):
        M.as_clips([np.zeros(1024), np.zeros(2048)])
    with pytest.raises(DataError, match="complex"):
        M.as_clips(np.zeros((2, 1024), dtype=complex))


@pytest.mark.parametrize("kwargs, name", [
    ({"sr": 0}, "sr"), ({"sr": 16000.0}, "sr"), ({"sr": "16000"}, "sr"), ({"seed": -1}, "seed"),
    ({"seed": 1.5}, "seed"), ({"seed": True}, "seed"), ({"splits": 0}, "splits"), ({"splits": "3"}, "splits"),
])
def test_bad_arguments_name_the_argument(kwargs: dict, name: str) -> None:
    real = tex("rain", 8)
    for fn in (M.evaluate, M.fd_score):
        with pytest.raises(ConfigError, match=f"^{name}="):
            fn(real, real, **kwargs)


def test_silent_generated_set_can_be_scored() -> None:
    res = M.evaluate(tex("vowels", 24), np.zeros((12, SAMPLES), np.float32), SR)
    assert all(np.isfinite(res[k]["value"]) for k in res)
    assert res["fd"]["score"] > 1.0  # silence is worse than mean-spectrum noise
    assert res["c2st"]["value"] > 0.95
    assert isinstance(M.IllConditionedError("x"), GcdgError)


def test_other_public_functions_refuse_mismatched_lengths_and_bad_seeds() -> None:
    a, b = tex("rain", 8), tex("rain", 8, seed=1, samples=4096)
    with pytest.raises(DataError, match="4096 samples per clip"):
        M.memorisation(a, b, SR)
    with pytest.raises(DataError, match="4096 samples per clip"):
        M.texture_snr_db(a, b, SR)
    z = M.standardise(M.logmel_stats(a, SR))[0]
    for call in (lambda: M.kid(z, z, seed=-1), lambda: M.ndb(z, z, k=2, seed=-1),
                 lambda: M.pink_noise(2, SAMPLES, seed=-1), lambda: M.spectrum_noise(a, 2, seed=-1)):
        with pytest.raises(ConfigError, match="^seed="):
            call()
    with pytest.raises(ConfigError, match="^n="):
        M.pink_noise(-1, SAMPLES)
