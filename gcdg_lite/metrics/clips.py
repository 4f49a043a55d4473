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

from ..errors import ConfigError, DataError

#: shortest clip the metrics accept (one STFT frame of the log-mel features), samples
MIN_SAMPLES = 512
#: largest accepted peak of float audio (linear; 4.0 = +12 dBFS)
MAX_PEAK = 4.0
#: lowest and highest accepted sample rates, Hz
SR_RANGE = (1000, 384000)


def as_clips(clips: Any, name: str = "clips", samples: int | None = None) -> np.ndarray:
    """Validate audio clips and return them as float64 ``(n_clips, samples)``.

    Args:
        clips: float array ``(n, samples)``; a single 1-D clip ``(samples,)`` becomes ``(1, samples)``.
        name: what the caller calls the array (named in the error message), e.g. ``"fake clips"``.
        samples: if given, the required clip length in samples (clips of another length are refused).

    Returns:
        float64 array ``(n, samples)`` (a copy only when the dtype changes).

    Raises:
        DataError: integer/boolean dtype, ragged or non-numeric input, wrong shape, too short,
            wrong length, non-finite samples or a peak above :data:`MAX_PEAK`. Chapter 5.
    """
    try:
        arr = np.asarray(clips)
    except (TypeError, ValueError):  # numpy refuses ragged nested lists
        arr = np.empty(0, dtype=object)
    if arr.dtype == object:
        raise DataError(f"{name} must be one numeric array (n_clips, samples); got a ragged or "
                        f"non-numeric sequence: stack clips of one length with np.stack")
    if arr.dtype == bool or np.issubdtype(arr.dtype, np.integer):
        hint = (f" (e.g. x.astype(np.float32) / {2 ** (8 * arr.dtype.itemsize - 1)})"
                if np.issubdtype(arr.dtype, np.signedinteger) else "")
        raise DataError(f"{name} have dtype {arr.dtype}; the metrics take float audio in [-1, 1]: "
                        f"scale integer PCM to floats first{hint}")
    if not (np.issubdtype(arr.dtype, np.floating)):
        raise DataError(f"{name} must be real float audio; got dtype {arr.dtype}")
    x = arr.astype(np.float64, copy=False)
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] < MIN_SAMPLES:
        raise DataError(f"{name} must be an array of shape (n_clips, samples) with samples >= "
                        f"{MIN_SAMPLES}; got shape {arr.shape}")
    if samples is not None and x.shape[1] != samples:
        raise DataError(f"{name} have {x.shape[1]} samples per clip but the real clips have "
                        f"{samples}; the metrics compare clips of one length: cut both sets to the "
                        f"same number of samples (or generate clips of {samples} samples)")
    if not np.all(np.isfinite(x)):
        raise DataError(f"{name} contain NaN or inf samples; check the generator output")
    peak = float(np.max(np.abs(x)))
    if peak > MAX_PEAK:
        raise DataError(f"{name} peak at {peak:.4g}, far outside [-1, 1]: is this integer PCM stored "
                        f"as floats? Scale the audio to [-1, 1] (e.g. divide int16 values by 32768)")
    return x


def check_int(value: Any, name: str, low: int, high: int | None = None) -> int:
    """``value`` as a Python int if it is an integer in ``[low, high]``; else one ConfigError naming it."""
    ok = isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
    if ok and value >= low and (high is None or value <= high):
        return int(value)
    span = f">= {low}" if high is None else f"in {low}..{high}"
    raise ConfigError(f"{name}={value!r} must be an integer {span}")


def check_sr(sr: Any, name: str = "sr") -> int:
    """A sample rate in Hz, an integer in :data:`SR_RANGE`; else one ConfigError naming ``name``."""
    return check_int(sr, name, *SR_RANGE)
