"""The run folder as a safe place: paths, atomic writes, locks and replacement (chapter 4).

Everything the trainer and ``sample`` write, read or remove goes through these helpers, which keep
four promises:

* **Nothing outside the folder is written, followed or deleted.** :func:`inside` resolves a path
  inside a root and refuses any symbolic link on the way (a link in a run folder is never followed).
* **No half-written file.** :func:`write_atomic` writes a temporary file created exclusively
  (``mkstemp``) beside the target and renames it over the target; a link at the target's name is
  replaced, never written through.
* **One writer at a time.** :func:`acquire` takes a lock file that names the process and its start
  time, so a lock left by a killed process (even one whose pid was reused) is recognised as stale.
* **Nothing removed before its replacement is in place.** :func:`set_aside` renames a folder to a
  fresh, unique sibling name first; :func:`restore` renames it back; only then is anything deleted.

:func:`claim` puts these together for the trainer: it locks a run folder to continue, replace or
create, and undoes everything it did when the set-up inside it fails.

Paths are normalised by :func:`run_path` before any check (``run/`` and ``run`` are one folder).
"""
from __future__ import annotations

import os
import shutil
import stat
import tempfile
from contextlib import contextmanager
from typing import IO, Callable, Iterator

from ..errors import ConfigError, RunError

LOCK = ".lock"
GLOB_CHARS = frozenset("*?[]")


def run_path(out: "str | os.PathLike", what: str = "out") -> str:
    """``out`` as a normalised path string (no trailing slash, no ``.`` parts), checked for use as a folder.

    Raises:
        ConfigError: ``out`` is not a str or path (bytes included), is empty, or holds a glob
            character (``* ? [ ]``: TensorFlow reads checkpoint paths as patterns, so such a run could
            never be resumed and could match another run's files).
        RunError: ``out`` is the current folder or one that holds it.
    """
    if isinstance(out, bytes) or not isinstance(out, (str, os.PathLike)):
        raise ConfigError(f"{what}={out!r} must be a folder path (a str or pathlib.Path)")
    text = os.fspath(out)
    if not isinstance(text, str) or not text.strip():
        raise ConfigError(f"{what}={out!r} must be a non-empty folder path")
    bad = sorted(GLOB_CHARS.intersection(text))
    if bad:
        raise ConfigError(f"{text}: a run folder's path may not hold the characters {' '.join(bad)} "
                          "(TensorFlow reads checkpoint paths as patterns); choose another name")
    path = os.path.normpath(text)
    here = os.path.realpath(os.getcwd())
    target = os.path.realpath(path)
    if here == target or here.startswith(target.rstrip(os.sep) + os.sep):
        raise RunError(f"{text}: is the current folder (or holds it); give the run a folder of its own, "
                       "e.g. --out runs/first")
    return path


def _is_link(path: str) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False


def inside(root: str, *parts: str) -> str:
    """``os.path.join(root, *parts)``, refused if any existing part below ``root`` is a link.

    Raises:
        RunError: a part is a symbolic link (remove it; a run folder holds no links), or a part
            climbs out of ``root`` (``..`` or an absolute path).
    """
    path = root
    for part in parts:
        for piece in os.path.normpath(part).split(os.sep):
            if piece in ("", ".", "..") or os.path.isabs(part):
                raise RunError(f"{os.path.join(root, *parts)}: not a path inside the run folder {root}")
            path = os.path.join(path, piece)
            if _is_link(path):
                raise RunError(f"{path} is a symbolic link; a run folder holds no links (remove it, "
                               "then try again)")
    return path


def write_atomic(path: str, write: Callable[[IO], None], mode: str = "w", **open_kw) -> None:
    """Write ``path`` whole or not at all: ``write(fh)`` fills an exclusive temporary file beside it.

    The temporary file is made by ``tempfile.mkstemp`` in the target's folder (a fresh name, created
    exclusively: no existing file or link is ever opened) and renamed over ``path``; a link named
    ``path`` is replaced by the file, never followed. On any error the temporary file is removed and
    ``path`` is as it was.
    """
    folder, name = os.path.split(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder or ".")
    try:
        with os.fdopen(fd, mode, **open_kw) as fh:
            os.fchmod(fh.fileno(), 0o644)  # mkstemp makes 0600; a run's files are readable like any other
            write(fh)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise


def _start_time(pid: int) -> str | None:
    """The start time of process ``pid`` (clock ticks since boot, from /proc), or None if unknown."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            text = fh.read()
    except OSError:
        return None
    fields = text[text.rfind(")") + 2:].split()
    return fields[19] if len(fields) > 19 else None


def _command_line(pid: int) -> str | None:
    """The command line of process ``pid`` (from /proc, arguments joined by spaces), or None if unknown."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return None


def _alive(pid: int, started: str | None) -> bool:
    """Whether the process that wrote a lock still runs: the pid exists and, where known, started then.

    A lock of the old format holds only a pid. Such a pid counts as stale when it is 1 (the system's
    first process, never a trainer) or when the process's command line names neither python nor gcdg
    (the pid was reused by an unrelated program).
    """
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    now = _start_time(pid)
    if started is not None:
        return now is None or now == started
    if pid == 1:
        return False
    command = _command_line(pid)
    return command is None or "python" in command.lower() or "gcdg" in command.lower()


def lock_owner(lock: str) -> int | None:
    """The pid of the live process that holds ``lock``, or None (no lock, unreadable, or stale)."""
    if _is_link(lock):
        return None
    try:
        with open(lock, encoding="utf-8") as fh:
            words = fh.read().split()
        pid = int(words[0])
    except (OSError, ValueError, IndexError):
        return None
    started = words[1] if len(words) > 1 else None
    return pid if pid != os.getpid() and _alive(pid, started) else None


def acquire(folder: str, doing: str = "training this run", stop: str = " (Ctrl-C saves)", name: str = LOCK) -> str:
    """Take the lock file ``folder/name`` (default ``.lock``) for this process; returns its path.

    The lock holds this process's pid and start time. A lock whose process is gone, or whose pid now
    belongs to another process (started at another time), is stale and taken over.

    Raises:
        RunError: another live process holds the lock (the message says what it is ``doing``, and
            ``stop`` how stopping it behaves).
    """
    lock = inside(folder, name) if os.path.isdir(folder) else os.path.join(folder, name)
    for _ in range(3):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except FileExistsError:
            pid = lock_owner(lock)
            if pid is not None:
                raise RunError(f"{folder}: process {pid} is {doing}; wait for it to finish or stop it"
                               f"{stop}, then try again") from None
            try:
                os.remove(lock)  # stale: its process is gone
            except FileNotFoundError:
                pass
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()} {_start_time(os.getpid()) or ''}\n")
        return lock
    raise RunError(f"{folder}: cannot take the lock file {lock}; remove it if no process uses this folder")


def release(lock: str | None) -> None:
    """Remove a lock file taken by :func:`acquire` (``None``: nothing to do)."""
    if lock:
        try:
            os.remove(lock)
        except OSError:
            pass


def set_aside(path: str) -> str:
    """Rename folder ``path`` to a new, unique hidden sibling and return that name; nothing is deleted.

    Raises:
        RunError: the rename failed (a mount point, a busy folder, no permission); ``path`` is untouched.
    """
    parent, name = os.path.split(os.path.abspath(path))
    if os.path.ismount(path):
        raise RunError(f"{path}: is a mount point and cannot be replaced; choose a folder inside it")
    try:
        aside = tempfile.mkdtemp(prefix=f".{name}.replaced-", dir=parent)
    except OSError as exc:
        raise RunError(f"{path}: cannot replace it ({exc.strerror or exc}); nothing was changed") from None
    try:
        os.replace(path, aside)  # rename(2) may replace an empty folder
    except OSError as exc:
        os.rmdir(aside)
        raise RunError(f"{path}: cannot replace it ({exc.strerror or exc}); nothing was changed") from None
    return aside


def restore(aside: str, path: str) -> None:
    """Put a folder set aside by :func:`set_aside` back at ``path`` (which must not exist by then)."""
    os.replace(aside, path)


def remove_tree(path: str) -> None:
    """Delete folder ``path`` and everything in it, without following any link inside it."""
    if _is_link(path):
        os.remove(path)
    elif os.path.isdir(path):
        shutil.rmtree(path, ignore_errors=True)


@contextmanager
def claim(path: str, resuming: bool, replace: bool) -> Iterator[str]:
    """Own run folder ``path`` while a run is set up in it; yields the lock file's path.

    ``resuming``: the run in ``path`` is continued (locked as it is). ``replace``: the run in ``path`` is
    locked, then set aside (:func:`set_aside`) and a new, empty folder made in its place. Otherwise the
    folder is made if missing. When the body raises, the lock is released, a folder made here is
    removed, and a run set aside comes back; when it succeeds, the run set aside is deleted and the lock
    stays held (release it with :func:`release` when training ends).

    Raises:
        RunError: another process holds the lock, or the folder cannot be set aside (see
            :func:`acquire`, :func:`set_aside`).
    """
    aside = lock = None
    made = False
    try:
        if resuming or replace:
            lock = acquire(path)  # nobody else trains the run we continue or replace
        if replace:
            aside = set_aside(path)  # the old run, our lock inside it, waits there until the new one is set up
            lock = None
        if not os.path.isdir(path):
            os.makedirs(path)
            made = True
        if lock is None:
            lock = acquire(path)
        yield lock
    except BaseException:
        _undo(path, lock, made, aside)
        raise
    if aside is not None:
        remove_tree(aside)  # the new run is in place: only now does the old one go


def _undo(path: str, lock: str | None, made: bool, aside: str | None) -> None:
    """Undo a failed :func:`claim`: release our lock, remove the folder we made, put a replaced run back.

    Nothing is deleted that the claim did not create: the folder at ``path`` is removed only when it
    was made there (which needs the old run, if any, to have been renamed away first).
    """
    release(lock)
    if made and lock is not None:
        remove_tree(path)  # leave no half-made run folder behind
    elif made:
        try:
            os.rmdir(path)  # not locked by us: removed only if still empty
        except OSError:
            pass
    if aside is not None and not os.path.lexists(path):
        restore(aside, path)  # the replaced run comes back
        release(os.path.join(path, LOCK))
