"""Signal helpers every part of the data layer shares: fades, peak normalisation, frame levels (chapter 1).

The bottom of :mod:`gcdg_lite.data`: it imports nothing else of the package but numpy, and the other
modules import it, never the other way round::

    signal  <-  speech  <-  corpus  <-  source  ->  loader  ->  signal
                                        write   ->  corpus

* :func:`finish` ends every built-in clip, procedural (:mod:`.corpus`) or spoken (:mod:`.speech`):
  DC removed, ends faded, peak-normalised to :data:`PEAK`, float32;
* :func:`frame_levels` measures RMS levels of short frames: the loader's silence rule (:mod:`.loader`)
  and the speech crops' activity rule (:mod:`.speech`) both use it.
"""
from __future__ import annotations

from typing import Any

import numpy as np

#: the parameters a built-in clip was drawn with (``texture(..., return_params=True)``)
Params = dict[str, Any]

#: peak amplitude of every built-in clip (linear, full scale = 1.0)
PEAK = 0.9
#: length (s) of the raised-cosine fade at both ends of every built-in clip
FADE = 0.01
#: frame length (s) of the loader's silence rule and the default of :func:`frame_levels`
SILENCE_FRAME = 0.02


def fade(x: np.ndarray, sr: int, seconds: float = FADE) -> np.ndarray:
    """Raised-cosine fade-in and fade-out of ``seconds`` at both ends of ``x`` (in place; avoids clicks).

    At most a quarter of the clip fades at each end. Returns ``x``.
    """
    n = min(int(seconds * sr), len(x) // 4)
    if n > 0:
        ramp = 0.5 - 0.5 * np.cos(np.pi * np.arange(n) / n)
        x[:n] *= ramp
        x[-n:] *= ramp[::-1]
    return x


def finish(x: np.ndarray, sr: int) -> np.ndarray:
    """Remove DC, fade the ends (:func:`fade`), peak-normalise to :data:`PEAK` and cast to float32.

    Args:
        x: ``(samples,)`` float64 signal.
        sr: sample rate in Hz (sets the fade's length).

    Returns:
        ``(samples,)`` float32 in [-1, 1].
    """
    x = x - x.mean()
    x = fade(x, sr)
    peak = np.max(np.abs(x))
    if peak > 0:
        x = x * (PEAK / peak)
    return np.clip(x, -1.0, 1.0).astype(np.float32)


def frame_levels(clips: np.ndarray, sr: int, frame: float = SILENCE_FRAME) -> np.ndarray:
    """RMS level in dBFS of each clip's consecutive frames of ``frame`` seconds.

    Args:
        clips: ``(n, samples)`` float, full scale 1.0.
        sr: sample rate in Hz; a frame is ``round(frame * sr)`` samples (at most the clip).
        frame: frame length in seconds (default 0.02).

    Returns:
        ``(n, frames)`` float64; a partial last frame counts as a frame of its own.
    """
    n, samples = clips.shape
    size = max(1, min(samples, int(round(frame * sr))))
    k = -(-samples // size)
    padded = np.zeros((n, k * size))
    padded[:, :samples] = clips
    power = np.square(padded).reshape(n, k, size).sum(axis=2)
    lengths = np.full(k, float(size))
    lengths[-1] = samples - (k - 1) * size
    return 10 * np.log10(power / lengths + 1e-30)
