"""Write clips of a built-in texture as WAV files, any number of them, a chunk at a time (chapter 1).

``python -m gcdg_lite corpus --texture NAME --out DIR`` is :func:`write_corpus`. Files are named
``{texture}_s{seed}_{index:04d}.wav`` (mono, 16-bit PCM). Existing files are never overwritten unless
``force``; at most :data:`MAX_FILES` files per call; the free space of the output folder is checked
before anything is written; a folder that cannot be written to is one ConfigError.

The messages name the arguments as the command line spells them (``--n``, ``--out``, ``--force``;
the same words as the Python arguments).
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from ..checks import MAX_SAMPLES
from ..defaults import SAMPLES, SR
from ..errors import ConfigError

#: most clips one call writes (about 3.3 GB of one-second 16-bit WAVs)
MAX_FILES = 100_000
_WAV_HEADER = 44  # bytes of a plain PCM WAV header


def _existing(out: Path, texture: str, seed: int, n: int) -> list[Path]:
    """Files in ``out`` that this call would overwrite (found by scanning, not by listing ``n`` names)."""
    if not out.is_dir():
        return []
    pattern = re.compile(rf"{re.escape(texture)}_s{seed}_(\d+)\.wav")
    found = []
    for entry in os.scandir(out):
        m = pattern.fullmatch(entry.name)
        if m and int(m.group(1)) < n:
            found.append(Path(entry.path))
    return sorted(found)


def _unwritable(out: Path, exc: BaseException, written: int = 0) -> ConfigError:
    reason = getattr(exc, "strerror", None) or str(exc).split("\n")[0]
    done = f"; the {written} file(s) written before it are kept" if written else ""
    return ConfigError(f"--out {out}: cannot write there ({reason}){done}; choose a folder you can write to")


def _prepare(texture: str, n: int, out: Path, seed: int, sr: int, samples: int, force: bool) -> None:
    """Every check, before anything is written: arguments, existing files, the folder, free space."""
    from .corpus import texture as make

    if not 1 <= n <= MAX_FILES:
        raise ConfigError(f"--n {n}: give 1 to {MAX_FILES} clips per call")
    if samples > MAX_SAMPLES:
        raise ConfigError(f"--samples {samples}: at most {MAX_SAMPLES} samples per clip")
    make(texture, 0, seed, sr, samples)  # validates every argument (and the speech engine) first
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out} is a file; give a folder")
    existing = _existing(out, texture, seed, n)
    if existing and not force:
        raise ConfigError(f"{existing[0]} already exists ({len(existing)} of the {n} files would be "
                          f"overwritten); choose another --out or add --force")
    try:
        out.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(out).free
    except OSError as exc:
        raise _unwritable(out, exc) from None
    need = n * (_WAV_HEADER + 2 * samples)
    if need > free:
        raise ConfigError(f"--out {out}: {n} clips need {need / 1e6:.1f} MB but only {free / 1e6:.1f} MB "
                          f"are free there; free some space, or write fewer (--n) or shorter (--samples) clips")


def write_corpus(texture: str, n: int, out: str | os.PathLike, seed: int = 0, sr: int = SR,
                 samples: int = SAMPLES, force: bool = False) -> list[Path]:
    """Write clips ``0 .. n-1`` of a built-in texture to ``out`` as 16-bit mono WAV files.

    Args:
        texture: a built-in texture name (see :func:`~gcdg_lite.data.corpus.list_textures`).
        n: number of clips, 1 to :data:`MAX_FILES`.
        out: output folder (created if missing).
        seed: seed of the texture (same seed, same audio).
        sr: sample rate in Hz.
        samples: clip length in samples.
        force: overwrite existing files of the same names.

    Returns:
        the paths written, ``out / f"{texture}_s{seed}_{i:04d}.wav"`` for ``i`` in ``0..n-1``.

    Raises:
        ConfigError: a bad argument, files that exist (without ``force``), a file as ``out``, a folder
            that cannot be written to (the files written before it are kept) or too little free space.
        DataError: a speech texture without its engine (nothing is written).
    """
    from .. import audio
    from .corpus import texture as make

    out = Path(out)
    _prepare(texture, n, out, seed, sr, samples, force)
    chunk = max(1, min(64, MAX_SAMPLES // samples))
    written: list[Path] = []
    for start in range(0, n, chunk):
        # clip i depends only on (texture, seed, i): generate them a chunk at a time
        clips = make(texture, min(chunk, n - start), seed, sr, samples, offset=start)
        for i, clip in enumerate(clips, start):
            path = out / f"{texture}_s{seed}_{i:04d}.wav"
            try:
                audio.save_wav(path, clip, sr)
            except (OSError, RuntimeError) as exc:  # soundfile's LibsndfileError is a RuntimeError
                raise _unwritable(out, exc, len(written)) from None
            written.append(path)
    return written
