"""Input checks shared by every part of the package: integers, sizes and float audio (chapters 1 and 4).

The data functions, the trainer (``gcdg_lite.train.as_clips``) and the metrics
(``gcdg_lite.metrics.as_clips``) all check their audio with :func:`as_audio` and their integer
arguments with :func:`check_int`. Every check raises one error whose message names the argument (or
the command-line flag) and says what to do: :class:`~gcdg_lite.errors.DataError` for audio,
:class:`~gcdg_lite.errors.ConfigError` for arguments.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import public as _public
from .errors import ConfigError, DataError

__all__ = _public(__name__)

#: most audio samples one call may hold in memory: 2**29 (2 GiB as float32), e.g. 32768 clips of
#: 16384 samples (9.3 hours at 16 kHz). Larger sets are made in pieces (``texture(..., offset=)``,
#: ``python -m gcdg_lite corpus`` writes any number of files a chunk at a time).
MAX_SAMPLES = 2 ** 29
#: largest seed of a training run or of generated samples (a run's ``tf.random.Generator`` and the
#: latent vectors take seeds in ``0..MAX_RUN_SEED``)
MAX_RUN_SEED = 2 ** 31 - 1


def check_int(name: str, value: Any, low: int, high: int | None = None) -> int:
    """``value`` as an ``int`` if it is a whole number (not a bool) in ``low..high``, else one ConfigError.

    The one integer check of the package: data functions, metrics, ``TrainConfig`` fields and the
    command line's flags all use it, so every message reads ``NAME=VALUE must be a whole number from LOW
    to HIGH`` (or ``>= LOW``).

    Args:
        name: how the message names the argument, e.g. ``"n"``, ``"batch"`` or a flag, ``"--seed"``.
        value: the value given (an ``int`` or a NumPy integer).
        low: smallest allowed value.
        high: largest allowed value (default: no limit).

    Raises:
        ConfigError: naming the argument, its value (huge numbers shortened) and the allowed range.
    """
    ok = isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
    if not ok or value < low or (high is not None and value > high):
        span = f">= {low}" if high is None else f"from {low} to {high}"
        raise ConfigError(f"{name}={shown(value)} must be a whole number {span}")
    return int(value)


def shown(value: Any, width: int = 60) -> str:
    """``repr(value)`` for a one-line message: a huge integer as ``about 1e+30``, anything else cut to ``width``."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        v = int(value)
        if abs(v) < 10**12:
            return str(v)
        return f"about {float(v):.3g}" if v.bit_length() < 1000 else f"about 2**{v.bit_length() - 1}"
    try:
        text = repr(value)
    except (RecursionError, ValueError):
        text = f"<a {type(value).__name__}>"
    return text if len(text) <= width else text[:width - 4] + " ..."


def check_size(n: int, samples: int, what: str = "n * samples") -> None:
    """Refuse ``n`` clips of ``samples`` when they exceed :data:`MAX_SAMPLES` (ConfigError)."""
    if n * samples > MAX_SAMPLES:
        gib = n * samples * 4 / 2 ** 30
        raise ConfigError(f"{what} = {n} x {samples} = {n * samples} samples ({gib:.1f} GiB as float32) is more "
                          f"than the {MAX_SAMPLES} samples (2 GiB) one call may hold; ask for at most "
                          f"{MAX_SAMPLES // samples} clips at a time")


def as_audio(x: Any, name: str = "clips", ndim: int | None = None, peak: float | None = None,
             dtype: Any = np.float32, samples: int | None = None, min_samples: int = 0) -> np.ndarray:
    """``x`` as a float array of audio (``dtype``, default float32), or one DataError saying what is wrong.

    Args:
        x: array-like of samples (full scale 1.0).
        name: how the message names the argument.
        ndim: required number of dimensions (``2`` for ``(n, samples)``, ``1`` for a signal).
        peak: if given, the largest allowed ``|x|`` (e.g. 1.0 for audio in [-1, 1]).
        dtype: float type of the result (no copy when ``x`` already has it).
        samples: if given, the required length of the last axis (samples per clip).
        min_samples: shortest allowed last axis; with ``ndim=2`` an empty set of clips is refused too.

    Raises:
        DataError: not numeric or ragged; integer or boolean samples (int16 audio must be divided by
            32768 first, a mask is not audio); complex; NaN/Inf; wrong ``ndim``; an empty set; the
            wrong or too short a length; beyond ``peak``.
    """
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as exc:  # ragged nested lists
        raise DataError(f"{name} must be an array of samples with equal lengths ({exc}); stack clips of one "
                        "length with np.stack") from None
    kind = arr.dtype.kind
    if kind == "b":
        raise DataError(f"{name} is a boolean array (dtype bool); audio is float samples in [-1, 1]")
    if kind in "iu":
        full = 2 ** (8 * arr.dtype.itemsize - 1)
        how = f"(x.astype('float32') - {full}) / {full}" if kind == "u" else f"x.astype('float32') / {full}"
        raise DataError(f"{name} has integer samples (dtype {arr.dtype}); audio is float in [-1, 1]: convert "
                        f"with {how}")
    if kind == "c":
        raise DataError(f"{name} is complex ({arr.dtype}); audio is real float samples (a spectrogram? "
                        f"invert it first, e.g. gcdg_lite.features.spec_to_audio)")
    if kind != "f":
        raise DataError(f"{name} must be float audio samples, got dtype {arr.dtype}")
    if ndim is not None and arr.ndim != ndim:
        want = "(n, samples)" if ndim == 2 else "(samples,)" if ndim == 1 else f"{ndim}-D"
        raise DataError(f"{name} must be a {want} array, got shape {arr.shape}")
    if ndim == 2 and arr.shape[0] == 0:
        raise DataError(f"{name} holds no clips (shape {arr.shape})")
    length = arr.shape[-1] if arr.ndim else 0
    if samples is not None and length != samples:
        raise DataError(f"{name} have {length} samples per clip where {samples} are needed; cut or generate "
                        f"clips of {samples} samples")
    if length < min_samples:
        raise DataError(f"{name} must have at least {min_samples} samples per clip; got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise DataError(f"{name} holds {int(np.sum(~np.isfinite(arr)))} NaN/Inf sample(s); check where they come "
                        "from (a diverged generator?)")
    if peak is not None and arr.size and float(np.max(np.abs(arr))) > peak:
        raise DataError(f"{name} peaks at {float(np.max(np.abs(arr))):.3g}, beyond {peak:g}; scale the audio "
                        f"into [-{peak:g}, {peak:g}] (e.g. x / abs(x).max(); int16 values / 32768)")
    return arr.astype(dtype, copy=False)
