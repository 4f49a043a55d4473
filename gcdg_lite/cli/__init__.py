"""Command-line interface: ``python -m gcdg_lite COMMAND ...``.

Each sub-command lives in its own module with two functions, ``add_parser(subparsers)`` and
``run(args) -> int``; this module only dispatches. A :class:`~gcdg_lite.errors.GcdgError`
becomes one line on stderr and exit status 2 — never a traceback. That includes an installed
dependency older than ``gcdg_lite`` needs (:func:`gcdg_lite.compat.require` runs before every command).
Training stopped by Ctrl-C or SIGTERM (after saving its last step) exits with 130.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from .. import public as _public
from .. import tensorflow_environment
from ..compat import require
from ..errors import GcdgError, TrainingInterrupted

__all__ = _public(__name__)


#: sub-command name -> module (inside this package) that implements it
COMMANDS = {
    "corpus": "corpus",
    "inspect": "inspect_cmd",
    "train": "train_cmd",
    "sample": "sample_cmd",
    "evaluate": "evaluate_cmd",
}


def build_parser() -> argparse.ArgumentParser:
    """Return the top-level parser with every available sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="python -m gcdg_lite",
        description="gcdg-book tools: built-in corpus, data inspection, training, sampling, evaluation.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, module in COMMANDS.items():
        try:
            mod = importlib.import_module(f"{__name__}.{module}")
        except ModuleNotFoundError as exc:  # a sub-command not yet installed
            if exc.name != f"{__name__}.{module}":
                raise
            continue
        mod.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` (default ``sys.argv[1:]``), run the sub-command and return its exit status."""
    tensorflow_environment()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        require()  # a too-old dependency is one line, not a traceback from deep inside Keras
        return int(args.run(args) or 0)
    except TrainingInterrupted as exc:
        print(f"interrupted: {exc}", file=sys.stderr)
        return 130
    except GcdgError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
