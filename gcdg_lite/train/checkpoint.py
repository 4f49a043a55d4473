"""Checkpoints of a run: ``tf.train.CheckpointManager`` over everything needed to continue it exactly.

Saved in ``RUN/ckpt/``: G, D, the EMA generator (if any), both optimisers (Adam moments and
iteration counts), the step counter, the run's ``tf.random.Generator`` state (noise, batches and GP
draws continue where they stopped) and the data position (real batches drawn so far). With op
determinism on, a run stopped at step k and resumed equals an uninterrupted one (chapter 4).
"""
from __future__ import annotations

import os

import tensorflow as tf

from .step import Engine

MAX_TO_KEEP = 3


def manager(engine: Engine, run_dir: str | os.PathLike) -> tf.train.CheckpointManager:
    """A ``CheckpointManager`` for ``engine``'s state in ``run_dir/ckpt`` (keeps the last 3)."""
    parts = dict(generator=engine.G, discriminator=engine.D, opt_g=engine.opt_g, opt_d=engine.opt_d,
                 step=engine.step, rng=engine.rng, data_pos=engine.data_pos)
    if engine.G_ema is not None:
        parts["generator_ema"] = engine.G_ema
    ckpt = tf.train.Checkpoint(**parts)
    return tf.train.CheckpointManager(ckpt, os.path.join(str(run_dir), "ckpt"), max_to_keep=MAX_TO_KEEP)


def save(mgr: tf.train.CheckpointManager, engine: Engine) -> str:
    """Save the current state, numbered by the step counter; returns the checkpoint path."""
    return mgr.save(checkpoint_number=int(engine.step.numpy()))


def restore_latest(mgr: tf.train.CheckpointManager, for_training: bool = True) -> int | None:
    """Restore the newest checkpoint; returns its step, or ``None`` when there is none.

    ``for_training=False`` (sampling only) tolerates parts that were never created.
    """
    path = mgr.latest_checkpoint
    if not path:
        return None
    try:
        status = mgr.checkpoint.restore(path)
        if for_training:
            status.assert_existing_objects_matched()
        else:
            status.expect_partial()
    except (ValueError, AssertionError, tf.errors.OpError) as exc:
        from ..errors import RunError

        reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        run_dir = os.path.dirname(os.path.dirname(path))
        raise RunError(f"{run_dir}: its checkpoint does not fit the model described by config.json ({reason}). "
                       "It was probably written by another gcdg_lite version with other model defaults: "
                       "train the run again, or set the missing model_kwargs in config.json (e.g. "
                       "\"norm\": \"none\" for a specgan trained before batch norm became the default)") from None
    return int(mgr.checkpoint.step.numpy())
