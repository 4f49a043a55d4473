"""One way to name a set of clips: ``"builtin:NAME"`` (a texture of the corpus) or a folder (chapter 4).

:func:`load_source` is what ``fit``, ``python -m gcdg_lite train`` and ``python -m gcdg_lite evaluate``
read their clips with, so the same string gives the same clips everywhere: a built-in texture is made
by :func:`~gcdg_lite.data.corpus.texture` (256 clips unless ``n`` says otherwise), a folder is read by
:func:`~gcdg_lite.data.loader.load_folder` (all its clips, or a random subset of ``n``).
"""
from __future__ import annotations

import os

import numpy as np

from ..checks import check_int
from ..defaults import BUILTIN_CLIPS, SAMPLES, SR
from ..errors import ConfigError, DataError
from .loader import SILENCE_DB, LoadReport, load_folder

#: seeds are 32-bit: the trainer seeds Keras (and so numpy's legacy generator) with them
MAX_SEED = 2 ** 32 - 1
#: clips of a built-in texture when ``n`` is not given


def load_source(spec: str | os.PathLike, sr: int = SR, samples: int = SAMPLES, n: int | None = None,
                seed: int = 0, skip_bad: bool = False, *, silence_db: float = SILENCE_DB, offset: int = 0,
                return_report: bool = False, label: str = "", n_name: str = "n=; CLI: --clips"
                ) -> np.ndarray | tuple[np.ndarray, LoadReport | None]:
    """Training clips from a built-in texture or a folder.

    Notebook: 04_code_example.ipynb.

    Args:
        spec: ``"builtin:NAME"`` (a texture of :mod:`gcdg_lite.data.corpus`) or a folder path.
        sr: sample rate in Hz (default 16000).
        samples: clip length in samples (default 16384).
        n: number of clips (at least 1). Built-in: default 256 (any ``n`` is generated). Folder:
            default all; if fewer than available, a random subset (drawn with ``seed``, kept in file
            order); more than available is one DataError (never fewer clips than asked, silently).
        seed: seed of the texture, or of the subset; an integer in 0..2**32-1.
        skip_bad: passed to :func:`~gcdg_lite.data.loader.load_folder`.
        silence_db: passed to :func:`~gcdg_lite.data.loader.load_folder` (default -50 dBFS; ``-inf``
            keeps silent clips, as the evaluation does for generated sets).
        offset: built-in only: index of the first clip (default 0; training uses clips 0, 1, 2, ...,
            the evaluation's held-out real clips start at
            :data:`gcdg_lite.metrics.protocol.HELD_OUT_OFFSET`).
        return_report: also return the folder's :class:`~gcdg_lite.data.loader.LoadReport` (None for a
            built-in texture).
        label: how error messages name the source, before the message (e.g. ``"--real"``; default none).
        n_name: how the message about too large an ``n`` names it (default ``"n=; CLI: --clips"``: the
            argument and train's flag; evaluate passes ``"--n"``).

    Returns:
        ``(n, samples)`` float32 in [-1, 1]; with ``return_report`` a tuple ``(clips, report)``.

    Raises:
        ConfigError: a bad ``spec`` type, ``n`` or ``seed``.
        DataError: unknown texture name, ``n`` above the clips a folder gives, or any
            :func:`~gcdg_lite.data.loader.load_folder` error.
    """
    if not isinstance(spec, (str, os.PathLike)):
        raise ConfigError(f"data={spec!r}: give 'builtin:NAME' or the path of a folder of audio files")
    if n is not None:
        check_int("n", n, 1)
    check_int("seed", seed, 0, MAX_SEED)
    s = str(spec)
    prefix = f"{label} " if label else ""
    report = None
    if s.startswith("builtin:"):
        from .corpus import TEXTURES, texture  # scipy: imported when a texture is first made

        name = s.split(":", 1)[1].strip()
        if name not in TEXTURES:
            raise DataError(f"{prefix}{s!r}: unknown built-in texture {name!r}; choose one of "
                            f"{', '.join(TEXTURES)} (python -m gcdg_lite corpus --list)")
        clips = texture(name, n=BUILTIN_CLIPS if n is None else n, seed=seed, sr=sr, samples=samples,
                        offset=offset)
    else:
        loaded = load_folder(s, sr=sr, samples=samples, silence_db=silence_db, skip_bad=skip_bad)
        clips, report = loaded.clips, loaded.report
        if n is not None and n > len(clips):
            raise DataError(f"{prefix}asked for {n} clips ({n_name}) but {s} gives {len(clips)} clip(s) "
                            f"of {samples} samples; ask for {len(clips)} or fewer, or leave it out to use them all")
        if n is not None and n < len(clips):
            idx = np.sort(np.random.default_rng(seed).choice(len(clips), size=n, replace=False))
            clips = clips[idx]
    return (clips, report) if return_report else clips
