r"""Harmonicity: is there a pitch inside each clip, and how clean is it? (chapter 5)

The log-mel statistics behind the Fréchet distance (:mod:`.logmel`) keep, per clip, the mean and
spread over time of 40 band levels. A harmonic comb 150 Hz apart and noise with the same band levels
give the same statistics, so FD cannot tell a vowel from a hiss shaped like it. This module measures
what it misses: the periodicity *within* each short frame.

**Method** (Boersma 1993, "Accurate short-term analysis of the fundamental frequency and the
harmonics-to-noise ratio of a sampled sound"): each frame (:data:`FRAME_S` = 64 ms, hop
:data:`HOP_S` = 32 ms) has its mean removed and is Hann-windowed; its autocorrelation, normalised to
1 at lag 0, is divided by the window's own normalised autocorrelation (which undoes the window's
taper). The highest local maximum ``r`` at a lag between ``1 / fmax`` and ``1 / fmin`` (60-400 Hz by
default, chapter 1's voice range), found with a small octave cost that prefers the shorter lag among
near-equal peaks and refined by parabolic interpolation, gives

* the frame's **f0** = ``sr / lag`` in Hz, and
* its **harmonics-to-noise ratio** ``HNR = 10 log10(r / (1 - r))`` in dB: the power of the periodic
  part over the power of the rest, if the frame is a periodic signal plus independent noise.
  ``r`` is clipped to [:data:`R_MIN`, :data:`R_MAX`], so the HNR lies in about [-20, +30] dB.

A frame is **active** if its RMS is within :data:`ACTIVE_DB` (40 dB) of the clip's loudest frame and
above :data:`FLOOR_DBFS` (-70 dBFS): pauses are left out rather than counted as noise. An active frame
is **voiced** if ``r >= VOICING`` (0.45, Praat's default voicing threshold; HNR >= -0.9 dB).

Why this and not librosa's pitch trackers: :func:`librosa.pyin` gives f0 and a voicing probability but
no HNR, and decodes a hidden Markov model over its pitch candidates clip by clip (0.15 s per one-second
clip on the shared 2-core CPU, some 20 s for 128 clips, after 6 s of compilation on its first call);
:func:`librosa.yin` is fast but gives f0 only (its aperiodicity is close to ``1 - r``, without the
window correction). The normalised autocorrelation gives f0, voicing and the HNR from one FFT pair per
frame, vectorised over all clips: 0.13-0.18 s for 128 one-second clips, a tenth of ``evaluate``'s time
(``bench/README.md``, Quality). librosa still does the framing (:func:`librosa.util.frame`).

**Per set**, :func:`hnr_distance` compares two sets by the 1-D Wasserstein distance (earth mover's
distance) between the HNRs of their active frames, pooled over clips, in dB: 0 when the two
distributions are the same, and, e.g., about 15 dB between vowels (most frames at 10-30 dB) and noise
(most frames below 0 dB). :func:`~.report.evaluate` reports it as ``harmonicity`` beside its
real-vs-real floor and the two noise anchors, like every other metric.

Limits: one f0 per frame, so a chord or two overlapping talkers read as less harmonic than either
voice; a steady hum with a strong partial in 60-400 Hz reads as voiced although it is no voice; the
HNR says how periodic a frame is, not whether the periodicity sounds like the real one (the f0
statistics of :func:`harmonicity_per_clip` show that).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..defaults import SR
from ..errors import ConfigError, DataError
from .clips import as_clips, check_int, check_sr

#: analysis frame length, seconds (1024 samples at 16 kHz: 3.8 periods of 60 Hz)
FRAME_S = 0.064
#: hop between frames, seconds (512 samples at 16 kHz: frames overlap by half; 16 ms gave the same
#: set statistics at twice the cost, a fifth of ``evaluate``'s time)
HOP_S = 0.032
#: default pitch search range, Hz (chapter 1's voice range)
FMIN, FMAX = 60.0, 400.0
#: a frame is voiced when its autocorrelation peak reaches this (Praat's default; HNR -0.9 dB)
VOICING = 0.45
#: autocorrelation peak clipped to this range before the HNR (HNR about -20.0 .. +30.0 dB)
R_MIN, R_MAX = 0.01, 0.999
#: a frame is active within this many dB of its clip's loudest frame ...
ACTIVE_DB = 40.0
#: ... and above this RMS level, dBFS
FLOOR_DBFS = -70.0
#: octave cost per octave of lag (Boersma 1993): prefers the shorter of two near-equal peaks
OCTAVE_COST = 0.01
#: the HNR of a frame without any periodicity, dB (r = R_MIN); a set without active frames reads as this
HNR_MIN = float(10.0 * np.log10(R_MIN / (1.0 - R_MIN)))


@dataclass(frozen=True)
class Harmonicity:
    """Frame-wise harmonicity of ``n`` clips of ``frames`` frames each.

    Attributes:
        hnr_db: (n, frames) harmonics-to-noise ratio in dB (about -20 .. +30); every frame has one.
        f0_hz: (n, frames) fundamental frequency in Hz of voiced frames, NaN elsewhere.
        active: (n, frames) bool, the frame is loud enough to count (see the module docstring).
        voiced: (n, frames) bool, active and periodic (autocorrelation peak >= :data:`VOICING`).
    """

    hnr_db: np.ndarray
    f0_hz: np.ndarray
    active: np.ndarray
    voiced: np.ndarray

    def __len__(self) -> int:
        return int(self.hnr_db.shape[0])

    def take(self, idx: np.ndarray) -> "Harmonicity":
        """The frames of the clips ``idx`` (an index array)."""
        return Harmonicity(self.hnr_db[idx], self.f0_hz[idx], self.active[idx], self.voiced[idx])

    @staticmethod
    def concat(parts: "list[Harmonicity]") -> "Harmonicity":
        """The clips of several results of the same frame count, in order."""
        return Harmonicity(*(np.concatenate([getattr(p, f) for p in parts])
                             for f in ("hnr_db", "f0_hz", "active", "voiced")))

    def active_hnr(self) -> np.ndarray:
        """HNR of every active frame, pooled over clips, dB, shape (k,); ``[HNR_MIN]`` when none is active."""
        v = self.hnr_db[self.active]
        return v if v.size else np.array([HNR_MIN])


def _window_autocorr(frame: int, nfft: int, max_lag: int) -> np.ndarray:
    w = np.hanning(frame + 2)[1:-1]  # no zero end points
    ac = np.fft.irfft(np.abs(np.fft.rfft(w, nfft)) ** 2, nfft)[:max_lag + 1]
    return ac / ac[0]


def harmonicity(clips: Any, sr: int = SR, fmin: float = FMIN, fmax: float = FMAX,
                chunk: int = 64) -> Harmonicity:
    """Frame-wise f0, HNR and voicing of each clip (normalised autocorrelation, Boersma 1993).

    Args:
        clips: float array ``(n, samples)`` (or one clip ``(samples,)``) in [-1, 1], at least one
            frame (:data:`FRAME_S`, 1024 samples at 16 kHz) long.
        sr: sample rate in Hz (default 16000).
        fmin: lowest f0 searched, Hz (default 60; at least 2.5 periods must fit in a 64 ms frame,
            so >= 39.1 Hz).
        fmax: highest f0 searched, Hz (default 400; below ``sr / 4``).
        chunk: clips processed at once (memory only, about 1 MB per clip-second; the result does
            not depend on it; default 64).

    Returns:
        a :class:`Harmonicity` with ``(n, frames)`` arrays, ``frames = 1 + (samples - frame) // hop``.

    Raises:
        DataError: ``clips`` is not float audio (see :func:`~.clips.as_clips`) or is shorter than
            one frame. ConfigError: bad ``sr``, ``fmin``, ``fmax`` or ``chunk``.
    """
    x = as_clips(clips, "clips")
    sr = check_sr(sr)
    chunk = check_int("chunk", chunk, 1)
    frame, hop = int(round(FRAME_S * sr)), int(round(HOP_S * sr))
    for name, v in (("fmin", fmin), ("fmax", fmax)):
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) or not np.isfinite(v):
            raise ConfigError(f"{name} must be a frequency in Hz (a finite number); got {v!r}")
    if not 2.5 / FRAME_S <= fmin < fmax < sr / 4:
        raise ConfigError(f"need {2.5 / FRAME_S:g} <= fmin < fmax < sr / 4 = {sr / 4:g} Hz (a 64 ms frame "
                          f"must hold 2.5 periods of fmin); got fmin {fmin:g}, fmax {fmax:g} at sr {sr}")
    if x.shape[1] < frame:
        raise DataError(f"clips: {x.shape[1]} samples is shorter than one harmonicity frame "
                        f"({frame} samples, {FRAME_S * 1000:g} ms at {sr} Hz)")
    from scipy.fft import next_fast_len

    lo, hi = int(np.floor(sr / fmax)), int(np.ceil(sr / fmin))
    nfft = next_fast_len(frame + hi + 2, real=True)  # no circular wrap up to lag hi + 1
    win = np.hanning(frame + 2)[1:-1].astype(np.float32)
    rw = _window_autocorr(frame, nfft, hi + 1)
    lags = np.arange(lo, hi + 1)
    cost = OCTAVE_COST * np.log2(fmin * lags / sr)  # <= 0: short lags cost less
    out = [_chunk(x[i:i + chunk], sr, frame, hop, win, nfft, rw, lo, hi, cost)
           for i in range(0, len(x), chunk)]
    return Harmonicity.concat(out)


def _chunk(x: np.ndarray, sr: int, frame: int, hop: int, win: np.ndarray, nfft: int, rw: np.ndarray,
           lo: int, hi: int, cost: np.ndarray) -> Harmonicity:
    import librosa
    from scipy import fft

    # float32 from here: the autocorrelation peak needs ~1e-4 accuracy (HNR 30 dB is r = 0.999), float32
    # gives ~1e-6, at half the memory and time of float64
    fr = librosa.util.frame(x.astype(np.float32), frame_length=frame, hop_length=hop, axis=-1)
    fr = np.moveaxis(fr, -1, 1)  # (n, frames, frame)
    rms = np.sqrt(np.mean(np.square(fr, dtype=np.float64), axis=-1))
    loud = rms.max(axis=1, keepdims=True)
    active = (rms >= loud * 10 ** (-ACTIVE_DB / 20)) & (rms >= 10 ** (FLOOR_DBFS / 20))
    y = (fr - fr.mean(axis=-1, keepdims=True)) * win
    spec = fft.rfft(y, nfft, axis=-1)
    ac = fft.irfft(spec.real ** 2 + spec.imag ** 2, nfft, axis=-1)[..., :hi + 2].astype(np.float64)
    r = ac / np.maximum(ac[..., :1], 1e-20) / rw[:hi + 2]  # (n, frames, hi + 2), window-corrected
    mid = r[..., lo:hi + 1]
    peak = (mid > r[..., lo - 1:hi]) & (mid >= r[..., lo + 1:hi + 2])
    strength = np.where(peak, mid - cost, -np.inf)
    k = np.argmax(strength, axis=-1)  # index into lags lo..hi
    has = np.isfinite(np.take_along_axis(strength, k[..., None], -1)[..., 0])
    i = k + lo
    a, b, c = (np.take_along_axis(r, (i + d)[..., None], -1)[..., 0] for d in (-1, 0, 1))
    den = a - 2 * b + c
    delta = np.where(np.abs(den) > 1e-12, 0.5 * (a - c) / np.where(den == 0, 1, den), 0.0)
    delta = np.clip(delta, -0.5, 0.5)
    rpk = np.where(has, b - 0.25 * (a - c) * delta, 0.0)
    rc = np.clip(rpk, R_MIN, R_MAX)
    hnr = 10 * np.log10(rc / (1 - rc))
    voiced = active & has & (rpk >= VOICING)
    f0 = np.where(voiced, sr / (i + delta), np.nan)
    return Harmonicity(hnr, f0, active, voiced)


def _check(h: Any, name: str) -> Harmonicity:
    if not isinstance(h, Harmonicity):
        raise DataError(f"{name} must be a Harmonicity (from gcdg_lite.metrics.harmonicity(clips)); "
                        f"got {type(h).__name__}")
    return h


def hnr_distance(ref: Harmonicity, other: Harmonicity) -> float:
    """1-D Wasserstein distance between the active-frame HNRs of two sets, dB (0 = same distribution).

    The frames of each set are pooled over its clips (a set of clips without any active frame, e.g.
    silence, counts as one frame at :data:`HNR_MIN`). Symmetric; it is the mean absolute difference
    between the two sets' HNR quantiles, so a set shifted by 10 dB is 10 dB away.

    Args:
        ref: :func:`harmonicity` of the reference clips.
        other: :func:`harmonicity` of the clips compared with them.
    Returns:
        the distance in dB (>= 0).
    """
    from scipy.stats import wasserstein_distance

    return float(wasserstein_distance(_check(ref, "ref").active_hnr(), _check(other, "other").active_hnr()))


def harmonicity_per_clip(h: Harmonicity) -> dict[str, np.ndarray]:
    """Per clip: ``voiced_fraction`` (voiced / active frames; 0 without active frames), ``hnr_db`` (median
    HNR of voiced frames, dB), ``f0_hz`` (median f0 of voiced frames, Hz) and ``f0_iqr_hz`` (its
    interquartile range, Hz); NaN where a clip has no voiced frame. Each array is ``(n,)``.
    """
    h = _check(h, "h")
    n_active = h.active.sum(axis=1)
    n_voiced = h.voiced.sum(axis=1)
    hnr = np.where(h.voiced, h.hnr_db, np.nan)
    out = {"voiced_fraction": np.where(n_active > 0, n_voiced / np.maximum(n_active, 1), 0.0)}
    some = n_voiced > 0
    for key, vals, fn in (("hnr_db", hnr, lambda v: np.nanmedian(v, axis=1)),
                          ("f0_hz", h.f0_hz, lambda v: np.nanmedian(v, axis=1)),
                          ("f0_iqr_hz", h.f0_hz, lambda v: np.subtract(*np.nanpercentile(v, [75, 25], axis=1)))):
        col = np.full(len(h), np.nan)
        if some.any():
            col[some] = fn(vals[some])
        out[key] = col
    return out


def harmonicity_summary(h: Harmonicity) -> dict[str, float | int | None]:
    """One set's harmonicity in a few numbers (the per-clip values of :func:`harmonicity_per_clip`, summarised).

    Returns:
        ``clips``; ``voiced_fraction`` (mean over clips of the fraction of active frames that are voiced);
        ``voiced_clips`` (fraction of clips with a voiced frame); ``hnr_db`` (median over frames of the
        active-frame HNR, dB, voiced or not); ``voiced_hnr_db``, ``f0_hz``, ``f0_iqr_hz`` (medians over
        the clips that have a voiced frame; None when no clip has one).
    """
    per = harmonicity_per_clip(h)
    some = ~np.isnan(per["f0_hz"])

    def med(key: str) -> float | None:
        return float(np.median(per[key][some])) if some.any() else None

    return {"clips": len(h), "voiced_fraction": float(per["voiced_fraction"].mean()) if len(h) else None,
            "voiced_clips": float(some.mean()) if len(h) else None,
            "hnr_db": float(np.median(h.active_hnr())), "voiced_hnr_db": med("hnr_db"),
            "f0_hz": med("f0_hz"), "f0_iqr_hz": med("f0_iqr_hz")}
