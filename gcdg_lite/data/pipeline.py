"""A ``tf.data`` input pipeline for your own training loops: shuffled, batched, repeated, restartable (chapter 4).

``gcdg_lite.train`` does not use it: its compiled step draws each batch itself, uniformly with
replacement, from the run's checkpointed random generator (``gcdg_lite.train.step.Engine.draw``).
Chapter 4 builds the source listing's missing ``train_data`` with :func:`make_dataset`.

Think of training data as one endless *stream* of clip indices: epoch ``e`` is a permutation of
``0..n-1`` fixed by ``(seed, e)``, and the stream is epoch 0, then epoch 1, ... back to back.
Batch ``k`` is stream positions ``k * batch .. (k + 1) * batch - 1`` (a batch may straddle two
epochs, so no clip is ever dropped and ``n < batch`` works too).

Because the position of batch ``k`` is known arithmetically — epoch ``k * batch // n``, offset
``k * batch % n`` — a loop resumed at step ``k`` builds the stream from that epoch and offset
directly, without drawing the ``k`` batches it skips, and sees exactly the batches an
uninterrupted run would have seen.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..errors import ConfigError
from ..checks import as_audio, check_int

if TYPE_CHECKING:  # pragma: no cover
    import tensorflow as tf


def _check(clips: np.ndarray, batch: int, seed: int, start_step: int) -> np.ndarray:
    clips = as_audio(clips, "clips", ndim=2)
    if len(clips) == 0:
        raise ConfigError(f"clips must be a non-empty (n, samples) array, got shape {clips.shape}")
    for name, value, low in (("batch", batch, 1), ("seed", seed, 0), ("start_step", start_step, 0)):
        check_int(name, value, low)
    return clips


def _permutation(n: int, seed, epoch) -> "tf.Tensor":
    """TF op: ``stateless_shuffle`` of ``0..n-1`` keyed by ``(seed, epoch)`` (same on every run)."""
    import tensorflow as tf

    key = tf.stack([tf.cast(seed, tf.int64), tf.cast(epoch, tf.int64)])
    return tf.random.experimental.stateless_shuffle(tf.range(n, dtype=tf.int64), seed=key)


def epoch_permutation(n: int, seed: int, epoch: int) -> np.ndarray:
    """The order of the ``n`` clips in ``epoch``: a permutation fixed by ``(seed, epoch)`` (int64).

    Notebook: none (no chapter uses it by name).
    """
    return _permutation(n, seed, epoch).numpy()


def batch_indices(n: int, batch: int, seed: int, step: int) -> np.ndarray:
    """Indices (into the clips) of batch number ``step``, computed without drawing earlier batches.

    Notebook: none (no chapter uses it by name).

    Args:
        n: number of clips.
        batch: clips per batch.
        seed: shuffling seed.
        step: batch number (0-based).

    Returns:
        ``(batch,)`` int64 — what :func:`make_dataset` yields at that step.
    """
    pos = step * batch + np.arange(batch)
    epochs, offsets = np.divmod(pos, n)
    out = np.empty(batch, dtype=np.int64)
    for e in np.unique(epochs):
        sel = epochs == e
        out[sel] = epoch_permutation(n, seed, int(e))[offsets[sel]]
    return out


def make_dataset(clips: np.ndarray, batch: int, seed: int = 0, start_step: int = 0) -> "tf.data.Dataset":
    """An endless, shuffled, batched, prefetched ``tf.data.Dataset`` of clips.

    Notebook: 04_code_example.ipynb.

    Args:
        clips: ``(n, samples)`` float audio in [-1, 1] (integer or boolean arrays are refused:
            divide int16 audio by 32768 first).
        batch: clips per batch.
        seed: non-negative int; fixes the order (see the module docstring).
        start_step: batches to skip; a run resumed at step ``k`` passes ``start_step=k`` and sees
            the same batches as an uninterrupted run from step ``k`` on. Costs O(n), not O(k).

    Returns:
        dataset whose elements are float32 tensors ``(batch, samples)``; batch ``j`` of it is
        ``clips[batch_indices(n, batch, seed, start_step + j)]``.
    """
    clips = _check(clips, batch, seed, start_step)  # before importing TensorFlow: bad input fails fast

    import tensorflow as tf

    n = len(clips)
    first_epoch, offset = divmod(start_step * batch, n)

    table = tf.constant(clips)
    # epochs first_epoch, first_epoch + 1, ... -> one permutation each -> the index stream
    order = tf.data.Dataset.range(first_epoch, np.iinfo(np.int64).max).map(
        lambda e: _permutation(n, seed, e))
    ds = (order.unbatch()
          .skip(offset)
          .batch(batch, drop_remainder=True)
          .map(lambda idx: tf.gather(table, idx), num_parallel_calls=tf.data.AUTOTUNE,
               deterministic=True)
          .prefetch(tf.data.AUTOTUNE))
    return ds
