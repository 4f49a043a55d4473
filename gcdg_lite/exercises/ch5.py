"""Checkers for chapter 5 (Trends & challenges): a collapse detector, R1 by hand, the memorisation check.

Each checker returns ``True`` or a hint that points at the mistake without giving the answer.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import checker

_SAMPLES = 4096


def _collapse_sets() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(real, healthy, collapsed) vowels sets of 64 clips: the collapsed one is 2 clips repeated, lightly noised."""
    from ..data import texture

    real = texture("vowels", n=64, seed=0, samples=_SAMPLES)
    healthy = texture("vowels", n=64, seed=1, samples=_SAMPLES)
    two = texture("vowels", n=2, seed=5, samples=_SAMPLES)
    rng = np.random.default_rng(0)
    collapsed = two[np.arange(64) % 2] + 1e-3 * rng.standard_normal((64, _SAMPLES))
    return real, healthy, np.clip(collapsed, -1.0, 1.0).astype(np.float32)


@checker("ch5.1", hint="compare the generated set's NDB/K and JS with their floors (two real halves): a "
                       "collapsed set fills few k-means bins and leaves the rest empty.")
def _collapse_detector(answer: Any) -> bool | str:
    if not callable(answer):
        return "answer should be a function (real, fake) -> bool"
    real, healthy, collapsed = _collapse_sets()
    on_collapsed = bool(answer(real, collapsed))
    on_healthy = bool(answer(real, healthy))
    if on_collapsed and on_healthy:
        return "your detector also flags a healthy set (fresh vowels): a threshold is too strict; compare with the floor."
    if not on_collapsed and not on_healthy:
        return "your detector misses a set made of two clips repeated 32 times each: a threshold is too lax."
    if on_healthy and not on_collapsed:
        return "your detector answers the other way round: True should mean collapsed."
    return True


@checker("ch5.2", hint="take the gradient of D's logits with respect to the input clips (tape.watch the "
                       "input), square it, sum over samples, average over the batch, scale by gamma / 2.")
def _r1(answer: Any) -> bool | str:
    import keras
    import tensorflow as tf

    from ..losses import r1_penalty
    from ..models import build

    if not callable(answer):
        return "answer should be a function (discriminator, real, gamma) -> scalar"
    keras.utils.set_random_seed(3)
    _, disc = build("seed_mlp", samples=256, hidden=16)
    real = tf.constant(np.random.default_rng(1).uniform(-0.5, 0.5, (6, 256)), tf.float32)
    gamma = 10.0
    want = float(r1_penalty(disc, real, gamma=gamma, training=False))
    got_raw = answer(disc, real, gamma)
    got = np.asarray(got_raw, dtype=np.float64)
    if got.size != 1:
        return f"the penalty should be one number (a scalar), got shape {got.shape}"
    got = float(got.reshape(()))
    if not np.isfinite(got):
        return "your penalty is not finite"
    if abs(got - want) <= 1e-4 * max(1.0, abs(want)):
        return True
    if abs(got - 2 * want) <= 1e-4 * max(1.0, abs(want)):
        return "off by a factor of 2: R1 is gamma / 2 times the mean squared norm."
    def near(x: float) -> bool:
        return abs(got - x) <= 1e-4 * max(1.0, abs(x))

    if near(6.0 * want):
        return "off by the batch size: average the per-clip squared norms over the batch instead of summing."
    if near(want / 256.0):
        return "sum the squared gradient over the samples of each clip, then average over the clips."
    if abs(got) < 1e-9:
        return "zero: is the gradient taken with respect to the input clips (tape.watch(x)), not the weights?"
    return False


@checker("ch5.3", hint="the check compares log-mel statistics of whole clips with their nearest training "
                       "clip; what changes a clip's samples but hardly changes those statistics?")
def _fool_memorisation(answer: Any) -> bool | str:
    from ..data import texture
    from ..metrics import memorisation

    fake = np.asarray(answer, dtype=np.float32)
    if fake.ndim != 2 or fake.shape[1] != _SAMPLES or fake.shape[0] < 16:
        return f"answer should be an array (n >= 16, {_SAMPLES}); got shape {fake.shape}"
    if not np.all(np.isfinite(fake)) or np.abs(fake).max() > 1.0:
        return "clips must be finite audio in [-1, 1]"
    train = texture("rain", n=16, seed=0, samples=_SAMPLES)
    for clip in fake:
        if any(np.array_equal(clip, t) for t in train):
            return "some of your clips are exact copies of training clips; change them, at least a little."
    ratio = memorisation(train, fake).ratio
    if ratio >= 0.3:
        return f"the memorisation ratio of your set is {ratio:.2f}; it must fall below 0.3."
    return True
