"""Exceptions that carry one clear, user-facing message.

Every error a user can cause (a bad folder, a bad file, a bad argument) is raised as a
subclass of :class:`GcdgError`. The message names the file or argument and says what to do.
The CLI prints ``error: <message>`` and exits with status 2 instead of showing a traceback;
notebooks show the same message.
"""
from __future__ import annotations

from . import public as _public

__all__ = _public(__name__)


class GcdgError(Exception):
    """Base class of every user-facing error in ``gcdg_lite``."""


class DataError(GcdgError, ValueError):
    """A folder or audio file cannot be used as training or evaluation data."""


class ConfigError(GcdgError, ValueError):
    """An argument or option has a value that cannot work (names the argument)."""


class RunError(GcdgError, RuntimeError):
    """A training run cannot be created, resumed or sampled (names the run folder)."""


class TrainingInterrupted(RunError):
    """Training stopped by Ctrl-C or SIGTERM after saving its last completed step (the CLI exits 130)."""
