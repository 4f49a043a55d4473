"""Limits on a student's answer while a checker runs it: a time limit, an output cap, its own thread.

:func:`gcdg_lite.exercises.check` opens one :class:`Session` per check. Every call of the student's code
goes through :meth:`Session.call`, which

* runs it in a **worker thread of its own**, so that an answer walking up its stack with
  ``sys._getframe`` meets only this module's small runner frame (the answer and its arguments), never
  the checker's frames, where the expected values live. (``sys._current_frames()`` or ``gc`` can still
  reach another thread's objects: that is deliberate introspection, outside what a checker can stop
  in-process.) The caller's context variables (``np.errstate`` among them) are copied into the thread;
* stops it after :data:`ANSWER_SECONDS` of wall-clock time, summed over every call in one check
  (a check may call the answer dozens of times), by raising :class:`AnswerTimeout` inside the worker
  (CPython's ``PyThreadState_SetAsyncExc``; no signals, so it works in any thread, in Jupyter kernels,
  under pytest and on Windows). Python code stops at its next bytecode; a call stuck inside one long C
  function (a huge NumPy or TensorFlow op, ``time.sleep``) stops when that call returns — the check
  reports the time-out at the limit either way and the leftover thread dies in the background;
* notes whether the answer called one of the package functions the exercise asks the student to write
  (a profile hook in the worker thread only), whatever the wrapping (:class:`ReferenceUsed`).

The session also caps what the answer prints: :class:`CappedStream` passes the first
:data:`OUTPUT_CHARS` characters of stdout and stderr through and counts the rest, and :func:`check` prints
one line saying how much was left out.

Introduced in chapter 1 (every chapter ends with exercises).
"""
from __future__ import annotations

import contextvars
import ctypes
import io
import sys
import threading
import time
from typing import Any, Callable, Iterable

#: wall-clock seconds a student's answer may run in one check, all its calls together (for a value answer,
#: the whole check). Generous on purpose: the slowest solution (exercise 4.4, 32 Griffin-Lim runs) takes
#: about 3 s on a shared 2-core CPU, and a false time-out in the book's build would be worse than a wait.
ANSWER_SECONDS = 60.0
#: characters of an answer's stdout + stderr shown in one check; the rest is counted, not shown
OUTPUT_CHARS = 2000
#: seconds a stopped worker is given to unwind before the check reports and moves on
_GRACE_SECONDS = 1.0

_local = threading.local()   # .in_worker: True inside a worker thread
_CURRENT: contextvars.ContextVar["Session | None"] = contextvars.ContextVar("gcdg_exercise_session", default=None)


class AnswerTimeout(BaseException):
    """The student's answer ran past :data:`ANSWER_SECONDS` (a BaseException: ``except Exception`` in the
    answer, or in a checker, does not swallow it)."""


class ReferenceUsed(BaseException):
    """The answer is, wraps or calls a package function that the exercise asks the student to write
    (a BaseException, so that a checker's ``except Exception`` around the answer does not turn it into a hint)."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


class CappedStream(io.TextIOBase):
    """A text stream that writes the first ``limit`` characters to ``target`` and only counts the rest.

    Attributes:
        chars: characters written in all.
        nbytes: their size in UTF-8 bytes (what the one-line report states).
    """

    def __init__(self, target: Any, limit: int = OUTPUT_CHARS, shared: "CappedStream | None" = None):
        super().__init__()
        self._target = target
        self._limit = limit
        self._shared = shared   # stdout and stderr share one budget: the one given first holds the counts
        self.chars = 0
        self.nbytes = 0
        self.last = "\n"     # the last character shown (a cut line gets a line break before the note)

    def _counter(self) -> "CappedStream":
        return self._shared if self._shared is not None else self

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        counter = self._counter()
        room = max(0, counter._limit - counter.chars)
        if room and s and self._target is not None:
            self._target.write(s[:room])
            self.last = s[:room][-1]
        counter.chars += len(s)
        counter.nbytes += len(s.encode("utf-8", "replace"))
        return len(s)

    def flush(self) -> None:
        if self._target is not None:
            self._target.flush()

    @property
    def truncated(self) -> bool:
        """Whether more was written than shown."""
        counter = self._counter()
        return counter.chars > counter._limit

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._target, "encoding", None) or "utf-8"


def _size(nbytes: int) -> str:
    """``1.0 MB``, ``12.3 kB`` or ``80 bytes``."""
    if nbytes >= 1_000_000:
        return f"{nbytes / 1e6:.1f} MB"
    if nbytes >= 1_000:
        return f"{nbytes / 1e3:.1f} kB"
    return f"{nbytes} bytes"


def _codes(fn: Any) -> set:
    """The code objects behind ``fn``: through ``__wrapped__``, ``functools.partial`` and bound methods."""
    out, seen = set(), set()
    stack = [fn]
    while stack:
        f = stack.pop()
        if f is None or id(f) in seen:
            continue
        seen.add(id(f))
        code = getattr(f, "__code__", None)
        if code is not None:
            out.add(code)
        for attr in ("__wrapped__", "func", "__func__", "python_function"):
            inner = getattr(f, attr, None)
            if inner is not None:
                stack.append(inner)
    return out


def resolve(path: str) -> Any:
    """The object a dotted path names, e.g. ``"gcdg_lite.losses.r1_penalty"``."""
    import importlib

    module, _, name = path.rpartition(".")
    obj: Any = importlib.import_module(module)
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


class Session:
    """The limits of one check: a time budget for the answer, a capped output, refused references.

    Args:
        refuse: dotted paths of package functions the exercise asks the student to write; ``name`` is
            how the refusal message names them (``gl.`` for ``gcdg_lite.``).
        seconds: the answer's time budget (default :data:`ANSWER_SECONDS`, read when the session opens).
        chars: the output cap (default :data:`OUTPUT_CHARS`).
    """

    def __init__(self, refuse: Iterable[str] = (), seconds: float | None = None, chars: int | None = None):
        self.seconds = float(ANSWER_SECONDS if seconds is None else seconds)
        self.chars = int(OUTPUT_CHARS if chars is None else chars)
        self.left = self.seconds
        self._refused: dict[Any, str] = {}
        for path in refuse:
            for code in _codes(resolve(path)):
                self._refused[code] = "gl." + path.removeprefix("gcdg_lite.")
        self.stdout: CappedStream | None = None

    # ------------------------------------------------------------------ references

    def refused_name(self, answer: Any) -> str | None:
        """The refused reference ``answer`` is (itself, or wrapped without code of its own), else None."""
        for code in _codes(answer):
            if code in self._refused:
                return self._refused[code]
        return None

    # ------------------------------------------------------------------ output

    def __enter__(self) -> "Session":
        self._saved = sys.stdout, sys.stderr
        self.stdout = CappedStream(sys.stdout, self.chars)
        sys.stdout = self.stdout
        sys.stderr = CappedStream(self._saved[1], self.chars, shared=self.stdout)
        self._token = _CURRENT.set(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        sys.stdout, sys.stderr = self._saved
        _CURRENT.reset(self._token)

    @property
    def mid_line(self) -> bool:
        """Whether what was shown of the answer's output stops in the middle of a line."""
        return self.stdout is not None and self.stdout.last != "\n"

    def output_note(self) -> str | None:
        """One line when the answer printed more than the cap, else None."""
        if self.stdout is None or not self.stdout.truncated:
            return None
        return (f"your answer printed {_size(self.stdout.nbytes)}; showing the first {self.chars:,} characters "
                "(print less inside the function you hand in).")

    # ------------------------------------------------------------------ running the answer

    def guard(self, fn: Callable) -> Callable:
        """``fn`` wrapped so that every call runs through :meth:`call` (signature and ``__wrapped__`` kept)."""
        import functools

        @functools.wraps(fn)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            return self.call(fn, *args, **kwargs)

        return guarded

    def call(self, fn: Callable, *args: Any, **kwargs: Any) -> Any:
        """``fn(*args, **kwargs)`` in a worker thread, within what is left of the time budget.

        Inside a worker already (an answer handed a guarded function back to the checker's closure) the
        call runs directly, on the same budget.

        Raises:
            AnswerTimeout: the budget ran out (the worker is stopped).
            ReferenceUsed: the call ran a refused package function.
            Exception: whatever ``fn`` raised, unchanged.
        """
        if getattr(_local, "in_worker", False):
            return fn(*args, **kwargs)
        if self.left <= 0:
            raise AnswerTimeout(self.seconds)
        ctx = contextvars.copy_context()
        box: dict[str, Any] = {}
        refused = self._refused

        def run() -> None:
            _local.in_worker = True
            if refused:
                sys.setprofile(_watch(refused, box))
            try:
                box["value"] = ctx.run(fn, *args, **kwargs)
            except BaseException as exc:  # noqa: BLE001  handed to the checker's thread below
                box["error"] = exc
            finally:
                sys.setprofile(None)

        worker = threading.Thread(target=run, name="gcdg-answer", daemon=True)
        start = time.monotonic()
        worker.start()
        try:
            worker.join(self.left)
        except BaseException:  # KeyboardInterrupt in the notebook: stop the answer too
            _raise_in(worker, KeyboardInterrupt)
            raise
        finally:
            self.left -= time.monotonic() - start
        if worker.is_alive():
            _raise_in(worker, AnswerTimeout)
            worker.join(_GRACE_SECONDS)
            self.left = 0.0
            raise AnswerTimeout(self.seconds)
        if "used" in box:
            raise ReferenceUsed(box["used"])
        if "error" in box:
            error = box.pop("error")
            if isinstance(error, AnswerTimeout):
                raise AnswerTimeout(self.seconds)
            raise error
        return box.get("value")

    def timeout_note(self) -> str:
        """The one line a time-out prints."""
        return f"your answer ran longer than {self.seconds:g} s: stopped."


def run(fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)`` under the limits of the check in progress (directly when there is none).

    For a checker's own closure around the student's code that must share its thread, e.g. a
    ``tf.GradientTape`` opened around the answer's call (a tape records only its own thread's ops).
    """
    session = _CURRENT.get()
    if session is None:
        return fn(*args, **kwargs)
    return session.call(fn, *args, **kwargs)


def _watch(refused: dict, box: dict) -> Callable:
    """A profile hook noting (in ``box['used']``) the first call of a refused code object."""

    def hook(frame: Any, event: str, arg: Any) -> None:
        if event == "call" and frame.f_code in refused and "used" not in box:
            box["used"] = refused[frame.f_code]

    return hook


def _raise_in(worker: threading.Thread, exc_type: type) -> None:
    """Raise ``exc_type`` inside ``worker`` at its next bytecode (CPython); a no-op where unsupported."""
    if worker.ident is None or not worker.is_alive():
        return
    try:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(worker.ident), ctypes.py_object(exc_type))
    except (AttributeError, OSError):  # not CPython: the worker finishes in the background
        pass
