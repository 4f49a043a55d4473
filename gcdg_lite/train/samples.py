"""Sets of generated WAVs: ``sample``'s output folders and the trainer's listening checkpoints (chapter 4).

Two writers, one rule: the old set stays whole until the new one is completely written.

* :func:`write_set` (``python -m gcdg_lite sample``, :meth:`Run.write_samples`) writes into a folder the
  user names. It takes a folder lock for the whole write, and owns only what it wrote: a manifest,
  ``.gcdg-samples.json``, lists its files (with the run, step, n and seed). ``--force`` replaces only
  those files; a WAV that is not listed is never touched (the write is refused instead). The new clips
  are written into a hidden temporary folder inside the output folder (same file system, same
  permissions, under the lock) and moved into place only when every one of them is written, so a full
  disk leaves the old set whole.
* :func:`write_step` writes the trainer's ``RUN/samples/step_XXXXXX/`` (the run lock is already held).
  The step folder is written whole beside the old one and swapped in (it holds no manifest: the
  whole folder is the trainer's). A symbolic link met while training at ``RUN/samples`` or at
  ``RUN/samples/step_XXXXXX`` (``--resume`` already refuses one at ``RUN/samples``) is replaced by a
  real folder: the link itself is
  removed, its target is never opened, written or deleted (the user asked for samples, so training goes
  on; their files stay byte-identical).

Clips are generated and written in batches of :data:`BATCH` (memory bounded for any ``n``). Clip ``i``
does not depend on the batch size: the latent vectors of all ``n`` clips (``n * noise_dim`` float32,
small) are drawn first, then generated a slice at a time.
"""
from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Iterator

import numpy as np

from ..checks import MAX_RUN_SEED, check_int
from ..errors import ConfigError, RunError
from . import folder as fold

MANIFEST = ".gcdg-samples.json"
LOCK = ".gcdg-samples.lock"  # not ``.lock``: a user's own file of that name is never touched
SAMPLES_DIR = "samples"
BATCH = 64  # clips generated (and held in memory) at a time
MAX_CLIPS = 100_000  # most clips one request may generate
_NEW = ".gcdg-new-"  # prefix of the temporary folder inside an output folder


# ---------------------------------------------------------------------- generating
def check_request(n, seed, names: tuple[str, str] = ("n", "seed")) -> None:
    """Refuse an ``n`` outside 1..MAX_CLIPS or a ``seed`` outside 0..MAX_RUN_SEED (whole numbers only).

    Args:
        n, seed: the request.
        names: how the message names them (``("--n", "--seed")`` on the command line).

    Raises:
        ConfigError: names the argument and its allowed range (``checks.check_int``).
    """
    check_int(names[0], n, 1, MAX_CLIPS)
    check_int(names[1], seed, 0, MAX_RUN_SEED)


def batches(run, n: int, seed: int = 0) -> Iterator[np.ndarray]:
    """Generated clips of ``run`` as float32 ``(b, samples)`` arrays, ``b <= BATCH``, ``n`` clips in all.

    The latent vectors ``(n, noise_dim)`` are drawn at once from ``seed`` (``run.latent``), so clip ``i``
    is the same whatever the batch size.
    """
    check_request(n, seed)
    z = run.latent(int(n), int(seed))
    size = max(1, int(BATCH))
    for start in range(0, len(z), size):
        yield run.generate(z[start:start + size])


def generate(run, n: int, seed: int = 0) -> np.ndarray:
    """All ``n`` clips ``(n, samples)`` float32 in [-1, 1] (:func:`batches` joined; held in memory)."""
    return np.concatenate(list(batches(run, n, seed)), axis=0)


def _write_clips(run, where: str, n: int, seed: int, prefix: str) -> list[str]:
    """Write ``prefix_000.wav`` ... (mono 16-bit PCM at ``run.sr``) into folder ``where``; returns the names."""
    import soundfile as sf

    names = []
    for clips in batches(run, n, seed):
        for clip in clips:
            name = f"{prefix}_{len(names):03d}.wav"
            try:
                sf.write(os.path.join(where, name), clip, run.sr, subtype="PCM_16")
            except RuntimeError as exc:  # soundfile's own errors: one kind for the callers to catch
                raise OSError(f"{name}: {exc}") from None
            names.append(name)
    return names


def _manifest(run, n: int, seed: int, files: list[str]) -> dict:
    return {"written_by": "gcdg_lite sample", "run": os.path.abspath(run.path), "step": run.step,
            "n": int(n), "seed": int(seed), "files": sorted(files)}


def _write_manifest(where: str, record: dict) -> None:
    fold.write_atomic(os.path.join(where, MANIFEST), lambda fh: json.dump(record, fh, indent=1),
                      encoding="utf-8")


def _check_prefix(prefix) -> None:
    if not isinstance(prefix, str) or not prefix or os.sep in prefix or prefix.startswith(".") \
            or (os.altsep and os.altsep in prefix):
        raise ConfigError(f"prefix={prefix!r} must be a plain file name start such as 'sample'")


def _reason(exc: BaseException) -> str:
    return str(getattr(exc, "strerror", None) or exc)


# ---------------------------------------------------------------------- sample's output folder
def _listed(where: str) -> tuple[set[str], dict | None]:
    """The file names a previous ``sample`` listed in ``where``'s manifest (plain ``*.wav`` names only)."""
    path = fold.inside(where, MANIFEST)  # a link named like the manifest is refused, not read
    try:
        with open(path, encoding="utf-8") as fh:
            record = json.load(fh)
        files = record["files"]
        names = {f for f in files if isinstance(f, str) and f.lower().endswith(".wav")
                 and os.path.basename(f) == f and not f.startswith(".")}
        return names, record
    except FileNotFoundError:
        return set(), None
    except (OSError, ValueError, TypeError, KeyError, RecursionError):
        return set(), None  # a damaged manifest vouches for nothing


def _file_or_link(path: str) -> bool:
    mode = os.lstat(path).st_mode
    return stat.S_ISREG(mode) or stat.S_ISLNK(mode)


def _old_set(where: str, overwrite: bool) -> list[str]:
    """Names of the WAVs in ``where`` that a previous ``sample`` wrote (to be replaced); checks the rest.

    Raises:
        ConfigError: ``where`` holds a WAV no manifest lists (never replaced, even with ``--force``),
            or holds earlier samples and ``overwrite`` is off.
    """
    listed, record = _listed(where)
    wavs = sorted(e.name for e in os.scandir(where) if e.name.lower().endswith(".wav"))
    owned = [w for w in wavs if w in listed and _file_or_link(os.path.join(where, w))]
    foreign = [w for w in wavs if w not in owned]
    if foreign:
        raise ConfigError(f"{where} holds {len(foreign)} WAV file(s) that `sample` did not write (e.g. "
                          f"{foreign[0]}); --force replaces only the clips listed in its {MANIFEST}, never "
                          "other files: choose an empty folder or move those files away")
    if owned and not overwrite:
        step = record.get("step") if isinstance(record, dict) else None
        raise ConfigError(f"{where} already holds {len(owned)} WAV file(s) from an earlier `sample`"
                          f"{f' (step {step})' if isinstance(step, int) else ''}; choose an empty folder or "
                          "replace them (--force)")
    return owned


def _clear_leftovers(where: str) -> None:
    """Remove temporary folders left in ``where`` by a killed write (we hold the folder's lock)."""
    for entry in os.scandir(where):
        if entry.name.startswith(_NEW) and entry.is_dir(follow_symlinks=False):
            fold.remove_tree(entry.path)


def _swap_in(run, where: str, n: int, seed: int, prefix: str, old: list[str]) -> list[str]:
    """Write the new set into a temporary folder inside ``where``, then move it in; returns the paths.

    Until every new clip is written nothing in ``where`` changes. The moves are renames within one
    file system; before them, the manifest lists old and new names, so a crash during the moves leaves
    no WAV that a later ``--force`` would call foreign.
    """
    _clear_leftovers(where)
    tmp = tempfile.mkdtemp(prefix=_NEW, dir=where)
    try:
        try:
            names = _write_clips(run, tmp, n, seed, prefix)
        except OSError as exc:
            kept = f"the {len(old)} earlier clips are kept as they were" if old else "nothing was written"
            raise RunError(f"{where}: cannot write the WAV files ({_reason(exc)}); {kept}. Free space "
                           "or choose another folder") from None
        try:
            _write_manifest(where, _manifest(run, n, seed, sorted(set(old) | set(names))))
            for name in names:
                os.replace(os.path.join(tmp, name), os.path.join(where, name))
            for name in sorted(set(old) - set(names)):
                os.remove(os.path.join(where, name))  # removes a link itself, never its target
            _write_manifest(where, _manifest(run, n, seed, names))
        except OSError as exc:
            raise RunError(f"{where}: cannot move the new WAV files into place ({_reason(exc)}); "
                           f"{MANIFEST} lists every clip there, so --force can replace them") from None
    finally:
        fold.remove_tree(tmp)
    return [os.path.join(where, name) for name in names]


def write_set(run, where: "str | os.PathLike", n: int, seed: int = 0, prefix: str = "sample",
              overwrite: bool = False) -> list[str]:
    """Write ``n`` mono 16-bit WAVs of ``run`` into folder ``where`` and list them in its manifest.

    The folder is created if missing (and removed again if the write fails). A folder lock
    (``where/.gcdg-samples.lock``) is held for the whole write; the check of what ``where`` holds runs under it.

    Returns:
        the paths of the WAVs written (``prefix_000.wav`` ...), in clip order.

    Raises:
        ConfigError: bad ``n``/``seed``/``prefix``; ``where`` is a file; it holds WAVs no manifest lists;
            or earlier samples and ``overwrite`` is off. Nothing is written.
        RunError: another process writes there; a write fails (the earlier set is kept whole).
    """
    check_request(n, seed)
    _check_prefix(prefix)
    if isinstance(where, bytes) or not isinstance(where, (str, os.PathLike)) or not os.fspath(where):
        raise ConfigError(f"folder={where!r} must be a folder path (a str or pathlib.Path)")
    where = os.path.normpath(os.fspath(where))
    if os.path.exists(where) and not os.path.isdir(where):
        raise ConfigError(f"{where} is a file; give a folder for the WAVs")
    created = not os.path.lexists(where)
    try:
        os.makedirs(where, exist_ok=True)
    except OSError as exc:
        raise RunError(f"{where}: cannot create the folder ({_reason(exc)}); choose a writable folder") from None
    lock = None
    try:
        lock = fold.acquire(where, doing="writing samples here", stop="", name=LOCK)
        return _swap_in(run, where, n, seed, prefix, _old_set(where, overwrite))
    except BaseException:
        fold.release(lock)
        lock = None
        if created:
            try:
                os.rmdir(where)  # only if still empty: leave no folder we made for nothing
            except OSError:
                pass
        raise
    finally:
        fold.release(lock)


# ---------------------------------------------------------------------- the trainer's listening checkpoints
def _real_folder(path: str) -> str:
    """``path`` as a real folder: a link there is removed (only the link) and a folder made instead."""
    if os.path.islink(path):
        os.remove(path)
    os.makedirs(path, exist_ok=True)
    return path


def _replace_folder(new: str, target: str) -> None:
    """Rename folder ``new`` to ``target``; an old folder there is set aside first and removed after."""
    if os.path.islink(target) or os.path.isfile(target):
        os.remove(target)  # a link: the link itself, never its target
    aside = fold.set_aside(target) if os.path.isdir(target) else None
    try:
        os.replace(new, target)
    except OSError:
        if aside is not None:
            fold.restore(aside, target)
        raise
    if aside is not None:
        fold.remove_tree(aside)


def write_step(run, step: int, n: int, seed: int = 0, prefix: str = "sample") -> list[str]:
    """Write the listening checkpoint ``RUN/samples/step_XXXXXX/`` (``n`` WAVs) for the trainer.

    The caller holds the run lock. The folder is written whole under a temporary name in
    ``RUN/samples`` and swapped in; a link at ``RUN/samples`` or at the step folder is replaced by a
    real folder (the link removed, its target untouched), so nothing outside the run is written,
    followed or deleted.

    Returns:
        the paths of the WAVs written.

    Raises:
        OSError: the folder cannot be written (the trainer turns it into one line; any earlier folder
            of that step is kept).
    """
    check_request(n, seed)
    _check_prefix(prefix)
    root = _real_folder(os.path.join(run.path, SAMPLES_DIR))
    name = f"step_{int(step):06d}"
    for entry in os.scandir(root):  # temporary folders of a killed write (we hold the run lock)
        if entry.name.startswith(f".{name}.") and entry.is_dir(follow_symlinks=False):
            fold.remove_tree(entry.path)
    tmp = tempfile.mkdtemp(prefix=f".{name}.new-", dir=root)
    try:
        names = _write_clips(run, tmp, n, seed, prefix)  # no manifest: the whole folder is the trainer's
        _replace_folder(tmp, os.path.join(root, name))
    finally:
        if os.path.isdir(tmp):
            fold.remove_tree(tmp)
    return [os.path.join(root, name, f) for f in names]


# ---------------------------------------------------------------------- reading them back
def step_folders(run_path: str) -> list[tuple[int, Path]]:
    """``(step, folder)`` of every real ``RUN/samples/step_XXXXXX`` folder, oldest first (links skipped)."""
    return steps_in(os.path.join(str(run_path), SAMPLES_DIR))


def steps_in(root: "str | os.PathLike") -> list[tuple[int, Path]]:
    """``(step, folder)`` of the real ``step_XXXXXX`` sub-folders of ``root`` (a run's ``samples`` folder),
    oldest first; ``[]`` when ``root`` is a link, missing, not a folder or unreadable."""
    if os.path.islink(root) or not os.path.isdir(root):
        return []
    found = []
    try:
        for entry in os.scandir(root):
            tail = entry.name[len("step_"):]
            if entry.name.startswith("step_") and tail.isdigit() and entry.is_dir(follow_symlinks=False):
                found.append((int(tail), Path(entry.path)))
    except OSError:
        return []
    return sorted(found)


def wavs(where: "str | os.PathLike") -> list[Path]:
    """The regular ``*.wav`` files of a folder, sorted by name (links are not followed)."""
    return sorted(Path(e.path) for e in os.scandir(where)
                  if e.name.lower().endswith(".wav") and e.is_file(follow_symlinks=False))
