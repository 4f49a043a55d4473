"""Checkpoints of a run: ``tf.train.CheckpointManager`` over everything needed to continue it exactly.

Saved in ``RUN/ckpt/``: G, D, the EMA generator (if any), both optimisers (Adam moments and
iteration counts), the step counter and the run's ``tf.random.Generator`` state (so the batches,
noise and GP draws continue where they stopped). With op determinism on, a run stopped at step k
and resumed equals an uninterrupted one (chapter 4).

The folder is treated as untrusted input: before TensorFlow reads the ``ckpt/checkpoint`` state file
it is checked to name only ``ckpt-N`` files inside this folder (else it is rebuilt from the files
present, so the manager's clean-up can never delete anything elsewhere); leftovers of an
interrupted save are removed; and a checkpoint is written only when every weight is finite.
"""
from __future__ import annotations

import glob
import os
import re
import shutil

import numpy as np
import tensorflow as tf

from ..errors import RunError
from .folder import inside
from .step import Engine

MAX_TO_KEEP = 3
_NAME = re.compile(r"^ckpt-(\d+)$")


def _complete(ckpt_dir: str, name: str) -> bool:
    return os.path.isfile(os.path.join(ckpt_dir, name + ".index")) and bool(
        glob.glob(os.path.join(ckpt_dir, glob.escape(name) + ".data-*")))


def tidy(ckpt_dir: str) -> None:
    """Make ``ckpt_dir``'s bookkeeping safe before a manager reads it (see the module docstring).

    Leftovers of an interrupted save are removed. A state file that names anything but ``ckpt-N``
    files of this folder is rewritten from the complete checkpoints present; a missing one is
    recreated from them. A state file naming only this folder's checkpoints is left as it is, even if
    one of them is damaged (restoring it then says so).
    """
    if not os.path.isdir(ckpt_dir):
        return
    for leftover in glob.glob(os.path.join(ckpt_dir, "*_temp")) + glob.glob(os.path.join(ckpt_dir, "checkpoint.tmp*")):
        shutil.rmtree(leftover, ignore_errors=True) if os.path.isdir(leftover) else os.remove(leftover)
    state = os.path.join(ckpt_dir, "checkpoint")
    here = os.path.normpath(os.path.abspath(ckpt_dir))
    try:  # paths come back joined to ckpt_dir when they are relative
        proto = tf.train.get_checkpoint_state(ckpt_dir)
        paths = [] if proto is None else [str(p) for p in proto.all_model_checkpoint_paths] + [
            str(proto.model_checkpoint_path)]
    except (tf.errors.OpError, ValueError, UnicodeDecodeError):
        paths = None  # unreadable: rebuilt below
    if paths and all(os.path.dirname(os.path.normpath(os.path.abspath(p))) == here
                     and _NAME.match(os.path.basename(os.path.normpath(p))) for p in paths):
        return  # TensorFlow's own record of ckpt-N checkpoints in this folder
    found = sorted((int(m.group(1)), m.group(0)) for f in os.listdir(ckpt_dir)
                   if (m := _NAME.match(f[:-len(".index")] if f.endswith(".index") else "")))
    found = [n for _, n in found if _complete(ckpt_dir, n)]
    if not found and paths is not None and not paths:
        return  # no state file and nothing to record
    if os.path.lexists(state):
        os.remove(state)
    if found:
        tf.compat.v1.train.update_checkpoint_state(ckpt_dir, found[-1], all_model_checkpoint_paths=found[-MAX_TO_KEEP:])


def missing(run_dir: str) -> str:
    """Why a run folder has no checkpoint to restore, in words (for an error message)."""
    ckpt_dir = os.path.join(str(run_dir), "ckpt")
    files = sorted(os.listdir(ckpt_dir)) if os.path.isdir(ckpt_dir) else []
    if not [f for f in files if f != "checkpoint"]:
        return "no checkpoint found (the run stopped before its first save)"
    return f"its checkpoint files in {ckpt_dir} are incomplete ({', '.join(files[:4])}{'...' if len(files) > 4 else ''})"


def manager(engine: Engine, run_dir: str | os.PathLike) -> tf.train.CheckpointManager:
    """A ``CheckpointManager`` for ``engine``'s state in ``run_dir/ckpt`` (keeps the last 3).

    Raises:
        RunError: ``ckpt`` or a file in it is a symbolic link (a run folder holds no links; nothing
            is read or written through one).
    """
    ckpt_dir = inside(str(run_dir), "ckpt")
    if os.path.isdir(ckpt_dir):
        for name in sorted(os.listdir(ckpt_dir)):
            inside(ckpt_dir, name)  # refuses a link
    tidy(ckpt_dir)
    return tf.train.CheckpointManager(tf.train.Checkpoint(**engine.checkpoint_parts()), ckpt_dir,
                                      max_to_keep=MAX_TO_KEEP)


def non_finite(engine: Engine) -> list[str]:
    """Names of the models/optimisers whose weights or slots hold NaN or Inf (``[]`` when all finite)."""
    bad = []
    for name, part in engine.checkpoint_parts().items():
        values = [np.asarray(v) for v in getattr(part, "variables", [])]
        if any(v.dtype.kind == "f" and not np.all(np.isfinite(v)) for v in values):
            bad.append(name)
    return bad


def save(mgr: tf.train.CheckpointManager, engine: Engine) -> str:
    """Save the current state, numbered by the step counter; returns the checkpoint path.

    Raises:
        RunError: a weight or optimiser slot is not finite (nothing is written), or the disk refused
            the write (the message says whether an earlier checkpoint is kept, and which).
    """
    bad = non_finite(engine)
    step = int(engine.step.numpy())
    run_dir = os.path.dirname(mgr.directory)
    if bad:
        raise RunError(f"{run_dir}: the weights of {', '.join(bad)} are not finite at step {step}; this state was "
                       "not saved. Try a lower learning rate (e.g. --lr 1e-4) or an R1 penalty (--r1 10)")
    try:
        return mgr.save(checkpoint_number=step)
    except (OSError, tf.errors.OpError) as exc:
        tidy(mgr.directory)
        kept = _latest_complete(mgr.directory)
        then = (f"free disk space and resume with --resume (the previous checkpoint is kept, step {kept})"
                if kept is not None else "free disk space and train again (no checkpoint was saved yet)")
        raise RunError(f"{run_dir}: could not write the checkpoint of step {step} ({_reason(exc)}); {then}") from None


def _latest_complete(ckpt_dir: str) -> int | None:
    """The step of the newest complete ``ckpt-N`` checkpoint in ``ckpt_dir``, or None when there is none."""
    steps = [int(m.group(1)) for f in (os.listdir(ckpt_dir) if os.path.isdir(ckpt_dir) else [])
             if (m := _NAME.match(f[:-len(".index")] if f.endswith(".index") else "")) and _complete(ckpt_dir, m.group(0))]
    return max(steps) if steps else None


def restore_latest(mgr: tf.train.CheckpointManager, engine: Engine) -> int | None:
    """Restore the newest checkpoint into every part of ``engine``; returns its step, or ``None`` if none.

    Raises:
        RunError: the checkpoint is unreadable, or does not fit the models that config.json describes.
    """
    path = mgr.latest_checkpoint
    if not path:
        return None
    run_dir = os.path.dirname(os.path.dirname(path))
    try:
        saved = _saved_parts(tf.train.load_checkpoint(path))
    except (ValueError, IndexError, tf.errors.OpError) as exc:  # what TensorFlow's reader raises on damaged files
        raise RunError(f"{run_dir}: checkpoint {os.path.basename(path)} is unreadable ({_reason(exc)}); delete "
                       "that checkpoint's files to fall back to an earlier one, or train the run again") from None
    try:
        mgr.checkpoint.restore(path).assert_existing_objects_matched()
    except (tf.errors.DataLossError, tf.errors.OutOfRangeError, tf.errors.InternalError, IndexError) as exc:
        raise RunError(f"{run_dir}: checkpoint {os.path.basename(path)} is damaged ({_reason(exc)}); delete "
                       "that checkpoint's files to fall back to an earlier one, or train the run again") from None
    except (ValueError, AssertionError, tf.errors.OpError) as exc:
        missing = sorted(set(engine.checkpoint_parts()) - saved)
        hint = f"; the checkpoint has no {', '.join(missing)}" if missing else ""
        if "generator_ema" in missing:
            hint += ' (config.json asks for an EMA generator the run never trained: set "ema": 0)'
        raise RunError(f"{run_dir}: its checkpoint does not fit the models described by config.json "
                       f"({_reason(exc)}){hint}. Restore the config.json the run was trained with (a run from an "
                       "older gcdg_lite may need its old model options, e.g. \"norm\": \"none\" for a specgan "
                       "trained before batch norm became the default), or train the run again") from None
    return int(engine.step.numpy())


def _saved_parts(reader) -> set[str]:
    """Names of the top-level parts (generator, opt_g, ...) in a checkpoint's object graph."""
    from tensorflow.core.protobuf import trackable_object_graph_pb2

    graph = trackable_object_graph_pb2.TrackableObjectGraph()
    graph.ParseFromString(reader.get_tensor("_CHECKPOINTABLE_OBJECT_GRAPH"))
    return {child.local_name for child in graph.nodes[0].children}


#: what the operating system says when a write fails; kept whole in a message, however long the text before it
_OS_REASONS = re.compile(r"No space left on device|Disk quota exceeded|Read-only file system|Permission denied|"
                         r"Input/output error|File too large|Too many open files", re.I)


def _reason(exc: BaseException) -> str:
    """Why ``exc`` happened in at most about 200 characters, never cutting off the operating system's reason.

    TensorFlow's messages start with long paths; the reason (``No space left on device``) may come after
    the first 200 characters or on a later line, so a known reason is looked for in the whole text first.
    """
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = str(exc).strip()
    known = _OS_REASONS.search(text)
    if known:
        return known.group(0)
    return text.splitlines()[0][:200] if text else type(exc).__name__
