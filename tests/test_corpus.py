"""The built-in corpus: determinism, shapes, and each texture's defining acoustic property."""
import numpy as np
import pytest
from scipy.signal import hilbert
from scipy.stats import kurtosis

from gcdg_lite.data import TEXTURES, list_textures, synth_vowel, texture
from gcdg_lite.errors import ConfigError

SR = 16000
NAMES = list(TEXTURES)


def _spectrum_db(x, sr=SR):
    """Hann-windowed magnitude spectrum in dB and its frequencies (Hz)."""
    mag = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return np.fft.rfftfreq(len(x), 1 / sr), 20 * np.log10(mag + 1e-9)


def _band_max(f, s, lo, hi):
    return s[(f >= lo) & (f <= hi)].max()


def test_at_least_eight_textures_listed():
    listed = list_textures()
    assert len(listed) >= 8
    assert {"vowels", "babble", "whisper", "rain", "wind", "crackle", "bubbles", "hum"} <= {n for n, _ in listed}
    assert all(isinstance(d, str) and d and "\n" not in d for _, d in listed)


@pytest.mark.parametrize("name", NAMES)
def test_deterministic_shape_dtype_range(name):
    a = texture(name, n=2, seed=5, samples=4096)
    b = texture(name, n=2, seed=5, samples=4096)
    assert a.shape == (2, 4096) and a.dtype == np.float32
    assert np.array_equal(a, b)  # bit-identical
    assert np.all(np.isfinite(a)) and np.abs(a).max() <= 1.0
    assert np.abs(a).max() > 0.5  # not silent
    c = texture(name, n=2, seed=6, samples=4096)
    assert not np.allclose(a, c)  # a different seed gives different audio
    assert not np.allclose(a[0], a[1])  # clips within a set differ


@pytest.mark.parametrize("name", NAMES)
def test_other_rates_and_lengths(name):
    x = texture(name, n=1, seed=0, sr=8000, samples=3000)
    assert x.shape == (1, 3000) and np.all(np.isfinite(x)) and np.abs(x).max() <= 1.0
    y = texture(name, n=1, seed=0, sr=44100, samples=2048)
    assert y.shape == (1, 2048) and np.all(np.isfinite(y))


def test_clip_index_independent_of_n_and_offset():
    full = texture("rain", n=4, seed=3, samples=2048)
    assert np.array_equal(full[:2], texture("rain", n=2, seed=3, samples=2048))
    assert np.array_equal(full[2:], texture("rain", n=2, seed=3, samples=2048, offset=2))


def test_bad_arguments_raise_config_error():
    with pytest.raises(ConfigError, match="unknown texture 'nope'.*vowels"):
        texture("nope")
    for kwargs in ({"n": -1}, {"seed": -3}, {"sr": 100}, {"samples": 0}):
        with pytest.raises(ConfigError):
            texture("hum", **kwargs)


def test_vowels_harmonics_at_multiples_of_f0():
    clips, params = texture("vowels", n=8, seed=0, return_params=True)
    for x, p in zip(clips, params):
        assert 80 <= p["f0"] <= 300 and p["vowel"] and len(p["formants"]) >= 3
        f, s = _spectrum_db(x)
        for k in (1, 2, 3):
            peak = _band_max(f, s, 0.97 * k * p["f0"], 1.03 * k * p["f0"])
            between = _band_max(f, s, (k + 0.4) * p["f0"], (k + 0.6) * p["f0"])
            assert peak - between > 12, (p["f0"], k, peak, between)


def _band_fraction(x, lo, hi):
    f, s = _spectrum_db(x)
    power = 10 ** (s / 10)
    return power[(f >= lo) & (f <= hi)].sum() / power.sum()


@pytest.mark.parametrize("f0", [100.0, 220.0])
def test_vowels_energy_near_formants(f0):
    a, pa = synth_vowel("a", f0, return_params=True)  # F1 730 Hz, F2 1090 Hz
    i, pi = synth_vowel("i", f0, return_params=True)  # F1 270 Hz, F2 2290 Hz
    f1a, f2i = pa["formants"][0], pi["formants"][1]
    # /a/ has its energy near its F1, /i/ near its F2 — and not the other way round
    assert _band_fraction(a, 0.85 * f1a, 1.15 * f1a) > 20 * _band_fraction(i, 0.85 * f1a, 1.15 * f1a)
    assert _band_fraction(i, 0.9 * f2i, 1.1 * f2i) > 5 * _band_fraction(a, 0.9 * f2i, 1.1 * f2i)
    assert _band_fraction(a, 0.85 * f1a, 1.15 * f1a) > 0.3


def test_hum_has_its_fundamental():
    clips, params = texture("hum", n=6, seed=1, return_params=True)
    for x, p in zip(clips, params):
        assert 40 <= p["f0"] <= 160
        f, s = _spectrum_db(x)
        fund = _band_max(f, s, 0.97 * p["f0"], 1.03 * p["f0"])
        below = _band_max(f, s, 0.3 * p["f0"], 0.7 * p["f0"])
        between = _band_max(f, s, 1.4 * p["f0"], 1.6 * p["f0"])
        assert fund - below > 25 and fund - between > 25
        assert _band_max(f, s, 1.97 * p["f0"], 2.03 * p["f0"]) - between > 15  # and harmonics


def test_crackle_and_rain_impulsive_wind_and_whisper_not():
    k = {name: [kurtosis(x, fisher=False) for x in texture(name, n=6, seed=2)]
         for name in ("crackle", "rain", "wind", "whisper")}
    assert min(k["crackle"]) > 10 and min(k["rain"]) > 10, k
    assert max(k["wind"]) < 7 and max(k["whisper"]) < 7, k


def _modulation_fraction(x, sr, lo=2.5, hi=6.0):
    """Fraction of the envelope's 0.5-25 Hz modulation energy that lies in lo..hi Hz."""
    env = np.abs(hilbert(x))
    hop = sr // 100
    env = env[: len(env) // hop * hop].reshape(-1, hop).mean(1)  # 100 Hz envelope
    env = env - env.mean()
    e = np.abs(np.fft.rfft(env * np.hanning(len(env)))) ** 2
    fm = np.fft.rfftfreq(len(env), 1 / 100)
    return e[(fm >= lo) & (fm <= hi)].sum() / e[(fm >= 0.5) & (fm <= 25)].sum()


def test_babble_syllabic_modulation_near_4hz():
    sr = 8000
    babble, params = texture("babble", n=8, seed=0, sr=sr, samples=4 * sr, return_params=True)
    wind = texture("wind", n=8, seed=0, sr=sr, samples=4 * sr)
    assert all(4 <= p["n_voices"] <= 8 for p in params)
    fb = [_modulation_fraction(x, sr) for x in babble]
    fw = [_modulation_fraction(x, sr) for x in wind]
    # talkers' syllables: most of the envelope's modulation lies at 2.5-6 Hz; real talkers vary, so
    # the median clip, and every babble clip beats every wind clip
    assert np.median(fb) > 0.35 and min(fb) > max(fw) and max(fw) < 0.25, (fb, fw)


def _peak_freq(seg, sr):
    n = 16384
    mag = np.abs(np.fft.rfft(seg * np.hanning(len(seg)), n=n))
    return np.argmax(mag) * sr / n


def test_bubbles_rise_in_pitch():
    clips, params = texture("bubbles", n=10, seed=0, return_params=True)
    ratios = []
    for x, p in zip(clips, params):
        t0 = np.round(np.array(p["times"]) * SR).astype(int)
        tau = np.array(p["tau"])
        for j in range(len(t0)):
            span = int(2 * tau[j] * SR)
            prev_quiet = all(t0[i] + 6 * tau[i] * SR < t0[j] for i in range(j))
            next_later = all(t0[i] > t0[j] + span for i in range(j + 1, len(t0)))
            if prev_quiet and next_later and t0[j] + span < len(x):
                half = span // 2
                f_early = _peak_freq(x[t0[j]: t0[j] + half], SR)
                f_late = _peak_freq(x[t0[j] + half: t0[j] + span], SR)
                ratios.append(f_late / f_early)
    assert len(ratios) >= 5
    assert np.mean(np.array(ratios) > 1.0) >= 0.9 and np.median(ratios) > 1.05, ratios


def test_whisper_has_no_pitch_but_formant_shaping():
    x = texture("whisper", n=1, seed=0)[0]
    # noise excitation: no strong harmonic line — the spectrum is smooth at a 50 Hz scale
    f, s = _spectrum_db(x)
    band = s[(f > 200) & (f < 3000)]
    smooth = np.convolve(band, np.ones(51) / 51, mode="same")
    assert np.percentile(band - smooth, 99) < 14  # voiced vowels: > 20 dB
    # but shaped: most energy below 4 kHz
    assert _band_fraction(x, 100, 4000) > 0.6
