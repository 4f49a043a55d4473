"""A ``tf.data`` input pipeline for your own training loops: shuffled, repeated, batched (chapter 4).

Chapter 4 builds the source listing's missing ``train_data`` with :func:`make_dataset`.
``gcdg_lite.train`` does not use it: its compiled step draws each batch itself, uniformly with
replacement, from the run's checkpointed random generator (``gcdg_lite.train.step.Engine.draw``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..checks import as_audio, check_int
from ..errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    import tensorflow as tf


def make_dataset(clips: np.ndarray, batch: int, seed: int = 0) -> "tf.data.Dataset":
    """An endless, shuffled, batched, prefetched ``tf.data.Dataset`` of clips.

    Notebook: 04_code_example.ipynb.

    Every epoch is a fresh shuffle of all ``n`` clips (the order is fixed by ``seed``); epochs follow
    each other without a gap, so a batch may hold the end of one epoch and the start of the next, no
    clip is ever dropped, and ``n < batch`` works too.

    Args:
        clips: ``(n, samples)`` float audio in [-1, 1] (integer or boolean arrays are refused:
            divide int16 audio by 32768 first).
        batch: clips per batch.
        seed: non-negative int; fixes the order.

    Returns:
        dataset whose elements are float32 tensors ``(batch, samples)``.
    """
    clips = as_audio(clips, "clips", ndim=2)  # before importing TensorFlow: bad input fails fast
    if len(clips) == 0:
        raise ConfigError(f"clips must be a non-empty (n, samples) array, got shape {clips.shape}")
    check_int("batch", batch, 1)
    check_int("seed", seed, 0)

    import tensorflow as tf

    return (tf.data.Dataset.from_tensor_slices(clips)
            .shuffle(len(clips), seed=seed, reshuffle_each_iteration=True)
            .repeat()
            .batch(batch, drop_remainder=True)
            .prefetch(tf.data.AUTOTUNE))
