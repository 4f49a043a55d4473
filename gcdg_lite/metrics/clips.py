"""Checks shared by every metric: clip arrays, sample rates, seeds and counts (chapter 5).

Every public metric function passes its audio through :func:`as_clips` and its scalar arguments
through :func:`check_int`, so bad input gets one :class:`~gcdg_lite.errors.GcdgError` that names
the argument and says what to do, never a traceback from deep inside librosa or scikit-learn.

Rules for audio (float arrays ``(n_clips, samples)`` in [-1, 1], full scale = 1.0):

* **integer and boolean arrays are refused**, not rescaled: int16 PCM read with
  ``soundfile.read(..., dtype="int16")`` or uint8 images of spectrograms would otherwise be scored
  at a level 90 dB off. Convert first, e.g. ``x.astype(np.float32) / 32768`` for int16.
* a float array whose peak exceeds :data:`MAX_PEAK` (4.0, +12 dBFS) is refused as a scaling
  mistake (integer PCM values stored as floats); small overshoots above 1 are accepted.
* NaN or infinite samples are refused (check the generator: it has diverged).
* clips shorter than one analysis frame (:data:`MIN_SAMPLES` = 512 samples) are refused.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..checks import as_audio, check_int

#: shortest clip the metrics accept (one STFT frame of the log-mel features), samples
MIN_SAMPLES = 512
#: largest accepted peak of float audio (linear; 4.0 = +12 dBFS)
MAX_PEAK = 4.0
#: lowest and highest accepted sample rates, Hz
SR_RANGE = (1000, 384000)


def as_clips(clips: Any, name: str = "clips", samples: int | None = None) -> np.ndarray:
    """Validate audio clips and return them as float64 ``(n_clips, samples)``.

    :func:`gcdg_lite.checks.as_audio` with the metrics' rules: a single 1-D clip becomes
    ``(1, samples)``, at least :data:`MIN_SAMPLES` samples, peak at most :data:`MAX_PEAK`.

    Args:
        clips: float array ``(n, samples)`` or one clip ``(samples,)``.
        name: what the caller calls the array (named in the error message), e.g. ``"fake clips"``.
        samples: if given, the required clip length in samples (clips of another length are refused).

    Raises:
        DataError: see :func:`~gcdg_lite.checks.as_audio`.
    """
    x = as_audio(clips, name, dtype=np.float64)
    return as_audio(x[None] if x.ndim == 1 else x, name, ndim=2, peak=MAX_PEAK, dtype=np.float64, samples=samples,
                    min_samples=MIN_SAMPLES)


def check_sr(sr: Any, name: str = "sr") -> int:
    """A sample rate in Hz, an integer in :data:`SR_RANGE`; else one ConfigError naming ``name``."""
    return check_int(name, sr, *SR_RANGE)
