"""The built-in corpus: procedural audio textures and real (text-to-speech) speech, no downloads (chapter 1).

Seven textures are small signal-processing recipes written with numpy and ``scipy.signal.lfilter``;
three — ``speech``, ``speech_heldout`` and ``babble`` — are spoken by the eSpeak NG text-to-speech
engine (``pip install espeakng-loader``; see :mod:`gcdg_lite.data.speech`).
Clip ``i`` of ``texture(name, n, seed)`` is drawn from its own random generator seeded by
``(seed, name, i)``, so

* the same ``(name, seed, sr, samples)`` gives bit-identical audio on every call, and
* clip ``i`` does not depend on ``n`` (``texture(name, 8, seed)[:4] == texture(name, 4, seed)``).

Every clip is float32, mono, peak-normalised to :data:`~.signal.PEAK` (0.9, i.e. -0.9 dBFS), so it lies in
[-1, 1]. All frequencies below are in Hz, all times in seconds; any resonance that would land above
0.45 * sr is dropped or moved down, so every recipe works at any sample rate from 4000 Hz up.

The procedural speech-like textures share a source-filter voice (chapter 1, "what makes speech a
texture"): a glottal pulse train (one impulse per pitch period, with *jitter* = RMS relative period
perturbation and *shimmer* = RMS relative amplitude perturbation), shaped by a glottal/lip-radiation
filter, then by a cascade of formant resonators (two-pole filters with unit gain at 0 Hz).

Use :func:`texture` to make clips, :func:`list_textures` to see the names and
``texture(..., return_params=True)`` to get the parameters each clip was drawn with (f0, formants,
event times, ...), e.g. to check a clip or to label it.
"""
from __future__ import annotations

import functools
import zlib
from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.signal import lfilter, sosfilt

from ..defaults import SAMPLES, SR
from ..errors import ConfigError
from ..checks import check_int, check_size
from .signal import FADE, Params, fade, finish
from .speech import babble_clip, require_engine, speech_clip

#: lowest sample rate (Hz) the recipes support
MIN_SR = 4000

#: formant frequencies F1, F2, F3 (Hz) of an adult male voice (after Peterson & Barney, 1952);
#: F4 is 3500 Hz for all. A higher-pitched voice scales all formants up by up to 20 %.
VOWELS: dict[str, tuple[float, float, float]] = {
    "a": (730.0, 1090.0, 2440.0),   # as in "father"
    "ae": (660.0, 1720.0, 2410.0),  # "cat"
    "e": (530.0, 1840.0, 2480.0),   # "bed"
    "i": (270.0, 2290.0, 3010.0),   # "see"
    "o": (570.0, 840.0, 2410.0),    # "law"
    "u": (300.0, 870.0, 2240.0),    # "boot"
    "uh": (640.0, 1190.0, 2390.0),  # "cup"
}
#: formant bandwidths B1..B4 (Hz) before speaker scaling
BANDWIDTHS = (60.0, 90.0, 150.0, 200.0)
F4 = 3500.0

Recipe = Callable[[np.random.Generator, int, int], tuple[np.ndarray, Params]]


# ----------------------------------------------------------------------------------------------
# shared building blocks
# ----------------------------------------------------------------------------------------------

def _resonator(freq: float, bw: float, sr: int) -> tuple[np.ndarray, np.ndarray]:
    """Two-pole resonator at ``freq`` Hz with bandwidth ``bw`` Hz, unit gain at 0 Hz (Klatt 1980).

    Its impulse response is an exponentially decaying sinusoid at ``freq`` with time constant
    ``1 / (pi * bw)`` seconds. Returns ``(b, a)`` for :func:`scipy.signal.lfilter`.
    """
    r = np.exp(-np.pi * bw / sr)
    a = np.array([1.0, -2.0 * r * np.cos(2.0 * np.pi * freq / sr), r * r])
    return np.array([a.sum()]), a


def _decaying_sine(freq: float, tau: float, sr: int) -> tuple[np.ndarray, np.ndarray]:
    """Two-pole filter whose impulse response is ``exp(-t/tau) * sin(2 pi freq t)`` (peak ~1)."""
    r = np.exp(-1.0 / (tau * sr))
    w = 2.0 * np.pi * freq / sr
    return np.array([0.0, r * np.sin(w)]), np.array([1.0, -2.0 * r * np.cos(w), r * r])


def _bandpass(freq: float, bw: float, sr: int) -> tuple[np.ndarray, np.ndarray]:
    """Two-pole, two-zero band-pass at ``freq`` Hz, bandwidth ``bw`` Hz, gain ~1 at ``freq``."""
    r = np.exp(-np.pi * bw / sr)
    g = (1.0 - r * r) / 2.0
    return np.array([g, 0.0, -g]), np.array([1.0, -2.0 * r * np.cos(2.0 * np.pi * freq / sr), r * r])


def _formant_filter(formants: np.ndarray, bws: np.ndarray, sr: int) -> np.ndarray:
    """Cascade of :func:`_resonator` s as second-order sections ``(n, 6)`` for ``sosfilt``.

    Formants at or above 0.45 * sr are dropped (at least one section is always returned).
    Designs are cached (the same vowels recur); the returned array is a fresh copy.
    """
    key = (tuple(float(f) for f in formants), tuple(float(b) for b in bws), int(sr))
    return _formant_sos(*key).copy()


@functools.lru_cache(maxsize=512)
def _formant_sos(formants: tuple[float, ...], bws: tuple[float, ...], sr: int) -> np.ndarray:
    sos = []
    for f, bw in zip(formants, bws):
        if f < 0.45 * sr:
            b, a = _resonator(f, bw, sr)
            sos.append([b[0], 0.0, 0.0, a[0], a[1], a[2]])
    return np.array(sos) if sos else np.array([[1.0, 0.0, 0.0, 1.0, 0.0, 0.0]])


def _glottal_filter(x: np.ndarray, sr: int, corner: float = 100.0) -> np.ndarray:
    """Glottal pulse shape and lip radiation: a double pole at ``corner`` Hz then a first difference.

    Net effect on an impulse train: +6 dB/octave below ``corner``, -6 dB/octave above (the usual
    slope of voiced speech).
    """
    g = np.exp(-2.0 * np.pi * corner / sr)
    return lfilter([1.0, -1.0], [1.0, -2.0 * g, g * g], x)


def _speaker_scale(f0: float) -> float:
    """Formant scale factor for a voice of mean pitch ``f0`` Hz: 1.0 at 80 Hz up to 1.2 at 300 Hz."""
    return 1.0 + 0.2 * float(np.clip(np.log(f0 / 80.0) / np.log(300.0 / 80.0), 0.0, 1.0))


def _vowel_formants(vowel: str, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Formants F1..F4 and bandwidths B1..B4 (Hz) of ``vowel`` for a speaker scale factor."""
    f = np.array([*VOWELS[vowel], F4]) * scale
    return f, np.array(BANDWIDTHS) * scale


def _pulse_times(f0: np.ndarray, sr: int, jitter: float, rng: np.random.Generator) -> np.ndarray:
    """Glottal closure instants (in samples, fractional) for a pitch contour ``f0`` (Hz per sample).

    A pulse falls where the running phase ``cumsum(f0) / sr`` crosses an integer; each instant is
    then moved by ``jitter / sqrt(2)`` periods (Gaussian), so consecutive periods differ by
    ``jitter`` (RMS, relative).
    """
    phase = np.cumsum(f0) / sr
    k = np.arange(1, int(phase[-1]) + 1)
    t = np.interp(k, phase, np.arange(len(f0), dtype=float))
    period = sr / np.interp(t, np.arange(len(f0)), f0)
    t = t + rng.standard_normal(len(t)) * period * jitter / np.sqrt(2.0)
    return t


def _place(times: np.ndarray, amps: np.ndarray, samples: int, bins: np.ndarray | None = None,
           n_bins: int = 1) -> np.ndarray:
    """Add impulses of amplitude ``amps`` at fractional sample positions ``times``.

    Each impulse is split linearly between its two neighbouring samples (fractional delay).
    With ``bins`` (int per impulse, < ``n_bins``) the impulses go to separate rows.
    Returns ``(n_bins, samples)`` float64.
    """
    keep = (times >= 0) & (times < samples - 1)
    times, amps = times[keep], amps[keep]
    rows = np.zeros(len(times), dtype=np.int64) if bins is None else np.asarray(bins)[keep]
    i = np.floor(times).astype(np.int64)
    frac = times - i
    flat = np.concatenate([rows * samples + i, rows * samples + i + 1])
    w = np.concatenate([amps * (1.0 - frac), amps * frac])
    return np.bincount(flat, weights=w, minlength=n_bins * samples)[: n_bins * samples].reshape(
        n_bins, samples)


def _slow_wander(rng: np.random.Generator, t: np.ndarray, rates: tuple[float, float],
                 n: int = 3) -> np.ndarray:
    """A smooth random curve in [-1, 1] at times ``t`` (s): a sum of ``n`` sinusoids with rates
    drawn in ``rates`` Hz. Evaluated every 10 ms and linearly interpolated (it is slow)."""
    f = rng.uniform(*rates, size=n)
    ph = rng.uniform(0, 2 * np.pi, size=n)
    w = rng.uniform(0.5, 1.0, size=n)
    coarse = np.arange(0.0, t[-1] + 0.02, 0.01)
    y = (w[:, None] * np.sin(2 * np.pi * f[:, None] * coarse[None, :] + ph[:, None])).sum(0)
    return np.interp(t, coarse, y / w.sum())


def _hann_bursts(starts: np.ndarray, lengths: np.ndarray, gains: np.ndarray, samples: int) -> np.ndarray:
    """Sum of Hann windows (``lengths`` samples long, peak ``gains``) starting at ``starts``."""
    out = np.zeros(samples)
    if len(starts) == 0:
        return out
    longest = int(lengths.max())
    j = np.arange(longest)[None, :]
    ln = lengths[:, None]
    w = np.where(j < ln, np.sin(np.pi * (j + 1) / (ln + 1)) ** 2, 0.0) * gains[:, None]
    idx = starts[:, None].astype(np.int64) + j
    keep = (idx >= 0) & (idx < samples) & (j < ln)
    return np.bincount(idx[keep], weights=w[keep], minlength=samples)[:samples]


def _coloured_noise(rng: np.random.Generator, samples: int, beta: float) -> np.ndarray:
    """Gaussian noise with power spectrum ~ 1 / f**beta (0 white, 1 pink, 2 brown), unit RMS."""
    spec = np.fft.rfft(rng.standard_normal(samples))
    f = np.arange(len(spec), dtype=float)
    f[0] = 1.0
    y = np.fft.irfft(spec / f ** (beta / 2.0), n=samples)
    return y / (np.sqrt(np.mean(y * y)) + 1e-12)


def _syllables(rng: np.random.Generator, samples: int, sr: int, rate: float, pause: float = 0.15,
               at: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A syllable track at ``rate`` syllables/s (durations vary +-30 %, a fraction ``pause`` silent).

    Returns ``(env, index, onsets)`` evaluated at sample positions ``at`` (default: every sample):
    ``env`` in [0, 1] is a sin^2 bump over the voiced part (60-90 %) of each syllable, ``index``
    the syllable number at each position and ``onsets`` the start sample of every syllable.
    """
    mean = sr / rate
    n_syl = int(samples / (0.7 * mean)) + 3
    dur = mean * rng.uniform(0.7, 1.3, size=n_syl)
    starts = np.concatenate([[0.0], np.cumsum(dur)[:-1]]) - rng.uniform(0, mean)
    voiced = dur * rng.uniform(0.6, 0.9, size=n_syl)
    on = rng.random(n_syl) >= pause
    n = np.arange(samples, dtype=float) if at is None else at
    idx = np.clip(np.searchsorted(starts, n, side="right") - 1, 0, n_syl - 1)
    pos = (n - starts[idx]) / voiced[idx]
    env = np.where((pos < 1.0) & on[idx], np.sin(np.pi * np.clip(pos, 0, 1)) ** 2, 0.0)
    return env, idx, starts


def _event_span(samples: int, sr: int) -> tuple[int, int]:
    """Sample range for event onsets (drops, clicks, bubbles): the clip minus its two fades, so
    no event is attenuated by :func:`~.signal.fade` (which would change the clip's loudness after
    peak normalisation)."""
    n = min(int(FADE * sr), samples // 4)
    return n, samples - n - 1


# ----------------------------------------------------------------------------------------------
# speech-like textures
# ----------------------------------------------------------------------------------------------

def synth_vowel(vowel: str = "a", f0: float = 120.0, sr: int = SR, samples: int = SAMPLES,
                jitter: float = 0.005, shimmer: float = 0.03, vibrato: float = 0.004,
                breath: float = 0.02, seed: int = 0, return_params: bool = False
                ) -> np.ndarray | tuple[np.ndarray, Params]:
    """One sustained vowel from the source-filter model.

    Args:
        vowel: a key of :data:`VOWELS` (``"a", "ae", "e", "i", "o", "u", "uh"``).
        f0: mean fundamental frequency in Hz (speech: 80-300).
        sr: sample rate in Hz (default 16000).
        samples: clip length in samples (default 16384).
        jitter: RMS relative period perturbation (0.005 = 0.5 %).
        shimmer: RMS relative pulse-amplitude perturbation (0.03 = 3 %).
        vibrato: relative depth of a 4-6 Hz pitch vibrato (0.004 = 0.4 %).
        breath: aspiration noise level relative to the pulse train's RMS.
        seed: seeds the jitter, shimmer, vibrato phase and noise.
        return_params: also return the parameters used.

    Returns:
        ``(samples,)`` float32 in [-1, 1]; with ``return_params`` also a dict with ``f0`` (Hz),
        ``vowel``, ``formants`` and ``bandwidths`` (Hz, those below 0.45 * sr), ``jitter``,
        ``shimmer``, ``vibrato``, ``vibrato_hz``, ``breath``.
    """
    if vowel not in VOWELS:
        raise ConfigError(f"vowel={vowel!r} is unknown; use one of {', '.join(VOWELS)}")
    rng = np.random.default_rng(seed)
    x, p = _vowel(rng, sr, samples, vowel=vowel, f0=f0, jitter=jitter, shimmer=shimmer,
                  vibrato=vibrato, breath=breath)
    return (x, p) if return_params else x


def _vowel(rng: np.random.Generator, sr: int, samples: int, *, vowel: str, f0: float,
           jitter: float, shimmer: float, vibrato: float, breath: float) -> tuple[np.ndarray, Params]:
    t = np.arange(samples) / sr
    vib_hz = float(rng.uniform(4.0, 6.0))
    contour = f0 * (1.0 + vibrato * np.sin(2 * np.pi * vib_hz * t + rng.uniform(0, 2 * np.pi)))
    times = _pulse_times(contour, sr, jitter, rng)
    amps = np.exp(shimmer * rng.standard_normal(len(times)))
    src = _place(times, amps, samples)[0]
    rms = np.sqrt(np.mean(src ** 2)) + 1e-12
    src = src + breath * rms * rng.standard_normal(samples)
    formants, bws = _vowel_formants(vowel, _speaker_scale(f0))
    x = _glottal_filter(sosfilt(_formant_filter(formants, bws, sr), src), sr)
    keep = formants < 0.45 * sr
    params = dict(vowel=vowel, f0=float(f0), formants=formants[keep].tolist(),
                  bandwidths=bws[keep].tolist(), jitter=float(jitter), shimmer=float(shimmer),
                  vibrato=float(vibrato), vibrato_hz=vib_hz, breath=float(breath))
    return finish(x, sr), params


def _vowels(rng: np.random.Generator, sr: int, samples: int) -> tuple[np.ndarray, Params]:
    """``vowels``: one sustained vowel per clip, see :func:`synth_vowel`.

    Drawn per clip: vowel uniform over :data:`VOWELS`; f0 log-uniform in 80-300 Hz (never above
    0.2 * sr); jitter U(0.2 %, 1 %); shimmer U(2 %, 6 %); vibrato depth U(0, 0.5 %) at 4-6 Hz;
    breath U(0.01, 0.05).
    """
    vowel = str(rng.choice(list(VOWELS)))
    f0 = float(np.exp(rng.uniform(np.log(80.0), np.log(min(300.0, 0.2 * sr)))))
    return _vowel(rng, sr, samples, vowel=vowel, f0=f0, jitter=float(rng.uniform(0.002, 0.01)),
                  shimmer=float(rng.uniform(0.02, 0.06)), vibrato=float(rng.uniform(0.0, 0.005)),
                  breath=float(rng.uniform(0.01, 0.05)))


def _filter_classes(sources: np.ndarray, classes: list[np.ndarray]) -> np.ndarray:
    """Filter row ``c`` of ``sources`` (n_classes, samples) with the sections ``classes[c]``, sum rows.

    Filtering is linear, so one filter per vowel class (instead of one per voice and syllable)
    gives the same result for sources that are silent at the class switches — this is what keeps
    ``whisper`` fast.
    """
    out = np.zeros(sources.shape[1])
    for row, sos in zip(sources, classes):
        if np.any(row):
            out += sosfilt(sos, row)
    return out


def _whisper(rng: np.random.Generator, sr: int, samples: int) -> tuple[np.ndarray, Params]:
    """``whisper``: one whispering talker — noise (no pitch) through the vowel formants.

    A syllable track at 3-5 syllables/s picks a vowel per syllable; the noise excitation follows a
    shallow envelope ``0.45 + 0.55 * bump`` (whisper never stops fully), formants scaled by U(1, 1.2)
    with bandwidths widened x1.5 (open glottis), each vowel filter scaled to unit noise gain. A third of syllables start with an "s"/"sh"
    fricative (band-pass noise at 3-6 kHz, 40-120 ms).

    Params: ``rate`` (syllables/s), ``scale`` (formant scale), ``vowels`` (vowel per syllable).
    """
    rate = float(rng.uniform(3.0, 5.0))
    scale = float(rng.uniform(1.0, 1.2))
    env, syl, starts = _syllables(rng, samples, sr, rate, pause=0.1)
    vowels = list(VOWELS)
    syl_vowel = rng.integers(0, len(vowels), size=len(starts))
    exc = (0.45 + 0.55 * env) * rng.standard_normal(samples)
    cls = syl_vowel[syl]
    sources = np.zeros((len(vowels), samples))
    sources[cls, np.arange(samples)] = exc
    classes = []
    for v in vowels:
        f, bw = _vowel_formants(v, scale)
        sos = _formant_filter(f, bw * 1.5, sr)
        h = np.diff(sosfilt(sos, np.r_[1.0, np.zeros(2047)]), prepend=0.0)  # with lip radiation
        sos[0, :3] /= np.sqrt(np.sum(h * h))  # equal loudness for every vowel
        classes.append(sos)
    x = _filter_classes(sources, classes)
    x = np.diff(x, prepend=0.0)  # lip radiation
    # fricatives
    fric_on = rng.random(len(starts)) < 0.33
    flen = (rng.uniform(0.04, 0.12, size=len(starts)) * sr).astype(np.int64)
    fenv = _hann_bursts(starts[fric_on], flen[fric_on], np.ones(int(fric_on.sum())), samples)
    fc = min(float(rng.uniform(3000.0, 6000.0)), 0.4 * sr)
    fric = lfilter(*_resonator(fc, 0.4 * fc, sr), rng.standard_normal(samples))
    fric = np.diff(fric, prepend=0.0)
    fric *= fenv * 0.5 * np.sqrt(np.mean(x ** 2)) / (np.sqrt(np.mean(fric ** 2)) + 1e-12)
    params = dict(rate=rate, scale=scale, vowels=[vowels[i] for i in syl_vowel])
    return finish(x + fric, sr), params


# ----------------------------------------------------------------------------------------------
# environmental textures
# ----------------------------------------------------------------------------------------------

def _rain(rng: np.random.Generator, sr: int, samples: int) -> tuple[np.ndarray, Params]:
    """``rain``: Poisson droplets over coloured noise.

    Droplet times: a Poisson process of rate U(15, 80) drops/s. Each drop is a decaying sine
    (one of 6 "splash" resonances drawn per clip, log-uniform 1-5 kHz, decay 1-4 ms) with a
    log-normal amplitude (sigma 1). Under it: 1/f**beta noise (beta U(0.5, 1.5)) at -34..-26 dB
    relative to the drops' peak.

    Params: ``rate`` (drops/s), ``drops`` (count), ``times`` (s), ``resonances`` (Hz),
    ``noise_db``, ``beta``.
    """
    rate = float(rng.uniform(15.0, 80.0))
    dur = samples / sr
    n = int(rng.poisson(rate * dur))
    times = np.sort(rng.uniform(*_event_span(samples, sr), size=n))
    amps = rng.lognormal(0.0, 1.0, size=n) * rng.choice([-1.0, 1.0], size=n)
    k = 6
    res = np.exp(rng.uniform(np.log(1000.0), np.log(5000.0), size=k))
    res = np.minimum(res, 0.4 * sr)
    taus = rng.uniform(0.001, 0.004, size=k)
    which = rng.integers(0, k, size=n)
    rows = _place(times, amps, samples, bins=which, n_bins=k)
    drops = np.zeros(samples)
    for row, f, tau in zip(rows, res, taus):
        if np.any(row):
            drops += lfilter(*_decaying_sine(f, tau, sr), row)
    beta = float(rng.uniform(0.5, 1.5))
    noise_db = float(rng.uniform(-34.0, -26.0))
    peak = np.max(np.abs(drops)) if n else 1.0
    x = drops + peak * 10 ** (noise_db / 20) * _coloured_noise(rng, samples, beta)
    params = dict(rate=rate, drops=n, times=(times / sr).tolist(), resonances=res.tolist(),
                  noise_db=noise_db, beta=beta)
    return finish(x, sr), params


def _wind(rng: np.random.Generator, sr: int, samples: int) -> tuple[np.ndarray, Params]:
    """``wind``: white noise through a band-pass whose centre wanders slowly, with gusts.

    A bank of 12 band-passes (bandwidth 0.35 x centre), log-spaced from 80 Hz to min(3 kHz, 0.4 * sr), filters one white
    noise; each band's gain is a Gaussian (width U(0.3, 0.8) octave) around a centre that wanders
    in log-frequency around U(200, 800) Hz by up to +-1 octave at 0.05-0.4 Hz; a gust envelope in
    [0.25, 1] moves at 0.1-0.6 Hz.

    Params: ``centre`` (Hz, mean), ``width`` (octaves), ``wander`` (octaves).
    """
    t = np.arange(samples) / sr
    bands = np.geomspace(80.0, min(3000.0, 0.4 * sr), 12)
    centre = float(np.exp(rng.uniform(np.log(200.0), np.log(800.0))))
    width = float(rng.uniform(0.3, 0.8))
    wander = float(rng.uniform(0.3, 1.0))
    c = np.log2(centre) + wander * _slow_wander(rng, t, (0.05, 0.4))
    gust = 0.625 + 0.375 * _slow_wander(rng, t, (0.1, 0.6))
    noise = rng.standard_normal(samples)
    x = np.zeros(samples)
    for f in bands:
        g = np.exp(-((np.log2(f) - c) ** 2) / (2 * width ** 2))
        x += g * lfilter(*_bandpass(f, 0.35 * f, sr), noise)
    params = dict(centre=centre, width=width, wander=wander)
    return finish(gust * x, sr), params


def _crackle(rng: np.random.Generator, sr: int, samples: int) -> tuple[np.ndarray, Params]:
    """``crackle``: heavy-tailed impulses (fire, vinyl) over a low rumble.

    Impulse times: Poisson, rate U(10, 100)/s; amplitudes Pareto (shape alpha U(1.2, 2.2), so a
    few clicks are much louder than the rest) with random sign; each click rings one of 3 short
    resonances (1.5-5 kHz, decay 0.2-0.8 ms). Rumble: brown-ish noise (1/f**2) low-passed at
    U(60, 200) Hz, at -34..-26 dB relative to the loudest click.

    Params: ``rate`` (clicks/s), ``clicks``, ``alpha``, ``times`` (s), ``rumble_db``.
    """
    rate = float(rng.uniform(10.0, 100.0))
    n = int(rng.poisson(rate * samples / sr))
    alpha = float(rng.uniform(1.2, 2.2))
    times = np.sort(rng.uniform(*_event_span(samples, sr), size=n))
    amps = (rng.pareto(alpha, size=n) + 1.0) * rng.choice([-1.0, 1.0], size=n)
    k = 3
    res = np.minimum(np.exp(rng.uniform(np.log(1500.0), np.log(5000.0), size=k)), 0.4 * sr)
    taus = rng.uniform(0.0002, 0.0008, size=k)
    rows = _place(times, amps, samples, bins=rng.integers(0, k, size=n), n_bins=k)
    clicks = np.zeros(samples)
    for row, f, tau in zip(rows, res, taus):
        if np.any(row):
            clicks += lfilter(*_decaying_sine(f, tau, sr), row)
    cut = float(rng.uniform(60.0, 200.0))
    g = np.exp(-2 * np.pi * cut / sr)
    rumble = lfilter([1 - g], [1, -g], _coloured_noise(rng, samples, 2.0))
    rumble /= np.sqrt(np.mean(rumble ** 2)) + 1e-12
    rumble_db = float(rng.uniform(-34.0, -26.0))
    peak = np.max(np.abs(clicks)) if n else 1.0
    x = clicks + peak * 10 ** (rumble_db / 20) * rumble
    params = dict(rate=rate, clicks=n, alpha=alpha, times=(times / sr).tolist(), rumble_db=rumble_db)
    return finish(x, sr), params


def _bubbles(rng: np.random.Generator, sr: int, samples: int) -> tuple[np.ndarray, Params]:
    """``bubbles``: rising-pitch decaying sinusoids (a stream, boiling water).

    A bubble born at time ``t0`` rings as ``A exp(-t/tau) sin(2 pi f0 (t + xi t^2 / (2 tau)))``
    (its frequency ``f0 (1 + xi t / tau)`` rises as it nears the surface, as in Minnaert bubbles),
    with a 1 ms attack, cut at ``5 tau``. Per clip: Poisson rate U(4, 20) bubbles/s;
    per bubble: f0 log-uniform in U(300, 600) .. U(900, 1500) Hz (scaled down to stay below
    0.45 * sr at the end), tau U(8, 30) ms, rise xi U(0.1, 0.25) per tau, amplitude log-normal
    (sigma 0.5). A faint pink noise 40 dB below the peak.

    Params: ``rate``, ``times`` (s), ``f0`` (Hz), ``tau`` (s), ``rise`` (xi per tau).
    """
    rate = float(rng.uniform(4.0, 20.0))
    n = max(1, int(rng.poisson(rate * samples / sr)))
    lo, hi = rng.uniform(300.0, 600.0), rng.uniform(900.0, 1500.0)
    xi = rng.uniform(0.1, 0.25, size=n)
    hi = min(hi, 0.45 * sr / (1 + 5 * 0.25))
    lo = min(lo, 0.5 * hi)
    f0 = np.exp(rng.uniform(np.log(lo), np.log(hi), size=n))
    tau = rng.uniform(0.008, 0.030, size=n)
    amp = rng.lognormal(0.0, 0.5, size=n)
    t0 = np.sort(rng.integers(*_event_span(samples, sr), size=n))
    length = int(np.ceil(5 * tau.max() * sr))
    tt = np.arange(length) / sr
    t = tt[None, :]
    phase = 2 * np.pi * f0[:, None] * (t + xi[:, None] * t ** 2 / (2 * tau[:, None]))
    env = amp[:, None] * np.exp(-t / tau[:, None]) * np.minimum(1.0, t / 0.001)
    env = np.where(t < 5 * tau[:, None], env, 0.0)
    grains = env * np.sin(phase)
    idx = t0[:, None] + np.arange(length)[None, :]
    keep = idx < samples
    x = np.bincount(idx[keep], weights=grains[keep], minlength=samples)[:samples]
    x = x + np.max(np.abs(x)) * 10 ** (-40 / 20) * _coloured_noise(rng, samples, 1.0)
    params = dict(rate=rate, times=(t0 / sr).tolist(), f0=f0.tolist(), tau=tau.tolist(),
                  rise=xi.tolist())
    return finish(x, sr), params


def _hum(rng: np.random.Generator, sr: int, samples: int) -> tuple[np.ndarray, Params]:
    """``hum``: an engine or mains drone — a harmonic tone with slow pitch drift.

    Fundamental f0 log-uniform 40-160 Hz, drifting by up to U(0.2, 1) % at 0.05-0.5 Hz;
    harmonics k = 1..K (K <= 30, below 0.45 * sr) with amplitude ``k**-rolloff`` (rolloff
    U(0.6, 1.4)) times a random +-3 dB per harmonic (the fundamental keeps amplitude 1), odd
    harmonics boosted by U(0, 6) dB; a slow amplitude modulation (0.2-1 Hz, depth 0.05-0.25) and
    a little pink noise 35 dB down.

    Params: ``f0`` (Hz, mean), ``drift`` (relative), ``harmonics``, ``rolloff``, ``odd_db``.
    """
    t = np.arange(samples) / sr
    f0 = float(np.exp(rng.uniform(np.log(40.0), np.log(160.0))))
    drift = float(rng.uniform(0.002, 0.01))
    f = f0 * (1.0 + drift * _slow_wander(rng, t, (0.05, 0.5)))
    phase = 2 * np.pi * np.cumsum(f) / sr
    n_h = int(min(30, np.floor(0.45 * sr / (f0 * (1 + drift)))))
    k = np.arange(1, n_h + 1)
    rolloff = float(rng.uniform(0.6, 1.4))
    odd_db = float(rng.uniform(0.0, 6.0))
    amps = k ** -rolloff * 10 ** (rng.uniform(-3, 3, size=n_h) / 20)
    amps[k % 2 == 1] *= 10 ** (odd_db / 20)
    amps /= amps[0]
    phases = rng.uniform(0, 2 * np.pi, size=n_h)
    # sum_k amps_k sin(k phase + phases_k) = Im(sum_k c_k z^k), z = exp(i phase): Horner's rule
    c = amps * np.exp(1j * phases)
    z = np.exp(1j * phase)
    acc = np.full(samples, c[-1], dtype=complex)
    for ck in c[-2::-1]:
        acc = acc * z + ck
    x = np.imag(acc * z)
    am_hz, depth = rng.uniform(0.2, 1.0), rng.uniform(0.05, 0.25)
    x *= 1.0 + depth * np.sin(2 * np.pi * am_hz * t + rng.uniform(0, 2 * np.pi))
    x += np.sqrt(np.mean(x ** 2)) * 10 ** (-35 / 20) * _coloured_noise(rng, samples, 1.0)
    params = dict(f0=f0, drift=drift, harmonics=n_h, rolloff=rolloff, odd_db=odd_db)
    return finish(x, sr), params


# ----------------------------------------------------------------------------------------------
# registry and public API
# ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Texture:
    """A named recipe: ``recipe(rng, sr, samples) -> (clip float64 (samples,), params dict)``.

    ``engine`` is True for the textures made by the text-to-speech engine (:mod:`.speech`).
    """

    name: str
    description: str
    kind: str  # "speech" or "environment"
    recipe: Recipe
    engine: bool = False


#: name -> :class:`Texture`, in the order :func:`list_textures` shows them
TEXTURES: dict[str, Texture] = {t.name: t for t in (
    Texture("vowels", "sustained vowels: glottal pulses (f0 80-300 Hz, jitter, shimmer) through formants",
            "speech", _vowels),
    Texture("babble", "4-8 text-to-speech talkers at once (cocktail party; tuning voices)", "speech",
            babble_clip, engine=True),
    Texture("whisper", "one whispering talker: noise-excited formants and fricatives", "speech", _whisper),
    Texture("speech", "one text-to-speech talker (eSpeak NG; 24 tuning voices, pseudo-sentences)",
            "speech", functools.partial(speech_clip, split="tune"), engine=True),
    Texture("speech_heldout", "as speech, with 24 other voices and other words (for honest scores)",
            "speech", functools.partial(speech_clip, split="heldout"), engine=True),
    Texture("rain", "Poisson droplets (decaying 1-5 kHz splashes) over coloured noise", "environment", _rain),
    Texture("wind", "noise through a slowly wandering band-pass, with gusts", "environment", _wind),
    Texture("crackle", "heavy-tailed clicks (fire, vinyl) over a low rumble", "environment", _crackle),
    Texture("bubbles", "rising-pitch decaying sinusoids (a brook, boiling water)", "environment", _bubbles),
    Texture("hum", "engine/mains drone: 40-160 Hz harmonics with slow drift", "environment", _hum),
)}


def list_textures() -> list[tuple[str, str]]:
    """Return ``[(name, one-line description), ...]`` for every built-in texture.

    Notebook: 01_background.ipynb.
    """
    return [(t.name, t.description) for t in TEXTURES.values()]


def _name_key(name: str) -> int:
    """A stable 32-bit integer for a texture name (Python's ``hash`` changes between runs)."""
    return zlib.crc32(name.encode("utf-8"))


def _check(name: str, n: int, seed: int, sr: int, samples: int, offset: int) -> None:
    if name not in TEXTURES:
        raise ConfigError(f"unknown texture {name!r}; choose one of {', '.join(TEXTURES)} "
                          f"(python -m gcdg_lite corpus --list)")
    for arg, value, low in (("n", n, 0), ("seed", seed, 0), ("sr", sr, MIN_SR), ("samples", samples, 64),
                            ("offset", offset, 0)):
        check_int(arg, value, low)
    check_size(n, samples)


def texture(name: str, n: int = 1, seed: int = 0, sr: int = SR, samples: int = SAMPLES,
            return_params: bool = False, offset: int = 0) -> np.ndarray | tuple[np.ndarray, list[Params]]:
    """Generate ``n`` clips of a built-in texture.

    Notebook: 01_background.ipynb.

    Args:
        name: texture name, one of :data:`TEXTURES` (see :func:`list_textures`).
        n: number of clips (default 1).
        seed: non-negative integer; clip ``i`` is drawn from a generator seeded by
            ``(seed, name, i)`` — same seed, bit-identical clips.
        sr: sample rate in Hz (default 16000, at least 4000).
        samples: clip length in samples (default 16384 = 1.024 s at 16 kHz).
        return_params: also return, per clip, the parameters it was drawn with.
        offset: index of the first clip (default 0): ``texture(name, 4, seed, offset=4)`` are
            clips 4..7 of ``texture(name, 8, seed)``, so long sets can be made in pieces.

    Returns:
        ``(n, samples)`` float32 array in [-1, 1] (each clip peak-normalised to 0.9); with
        ``return_params`` a tuple ``(clips, params)`` where ``params[i]`` is a dict documented in
        the recipe of ``name`` (plus ``texture``, ``seed``, ``index``, ``sr``, ``samples``).

    Raises:
        ConfigError: unknown ``name``, a bad ``n``/``seed``/``sr``/``samples``/``offset``, or more than
            :data:`~gcdg_lite.checks.MAX_SAMPLES` samples in one call (make them in pieces).
        DataError: a text-to-speech texture (``speech``, ``speech_heldout``, ``babble``) without its
            engine (``pip install espeakng-loader``).
    """
    _check(name, n, seed, sr, samples, offset)
    if TEXTURES[name].engine:
        require_engine()  # one DataError saying what to install, before any work
    recipe = TEXTURES[name].recipe
    out = np.empty((n, samples), dtype=np.float32)
    params: list[Params] = []
    for j, i in enumerate(range(offset, offset + n)):
        rng = np.random.default_rng(np.random.SeedSequence([int(seed), _name_key(name), i]))
        out[j], p = recipe(rng, int(sr), int(samples))
        params.append(dict(texture=name, seed=int(seed), index=i, sr=int(sr), samples=int(samples), **p))
    return (out, params) if return_params else out
