"""Checkers for chapter 4 (Code example): the listing's weights, a generator loss, ``train_data``.

Each checker returns ``True`` or a hint that points at the mistake without giving the answer.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import checker, scalar

# the listing's generator once repaired: 100 -> Dense(128) -> Dense(22050)
_NOISE, _HIDDEN, _OUT = 100, 128, 22050


def _dense(n_in: int, n_out: int, bias: bool = True) -> int:
    return n_in * n_out + (n_out if bias else 0)


@checker("ch4.1", hint="count each Dense layer as (inputs x units) weights plus one bias per unit, "
                       "and remember what the repaired generator reads.")
def _count_weights(answer: Any) -> bool | str:
    n = int(answer)
    if n == _dense(_NOISE, _HIDDEN) + _dense(_HIDDEN, _OUT):
        return True
    if n == _dense(_NOISE, _HIDDEN, False) + _dense(_HIDDEN, _OUT, False):
        return "close: every Dense unit also has a bias."
    if n == _dense(_OUT, _HIDDEN) + _dense(_HIDDEN, _OUT):
        return "that counts a generator that reads a clip; after defect 3 is fixed it reads the noise vector."
    if n in (_dense(_NOISE, _HIDDEN), _dense(_HIDDEN, _OUT)):
        return "that is one layer; the generator has two Dense layers."
    if n == _dense(_HIDDEN, _OUT) + _dense(_HIDDEN, 1) + _dense(_NOISE, _HIDDEN) or n > 4_000_000:
        return "count the generator only, not the discriminator."
    return False


@checker("ch4.2", hint="the source's generator objective is the mean of log(1 - sigmoid(l)); rewrite "
                       "log(1 - sigmoid(l)) with softplus so that it never takes the log of 0.")
def _generator_loss(answer: Any) -> bool | str:
    import tensorflow as tf

    if not callable(answer):
        return "answer should be a function of d_fake_logits, e.g. def answer(d_fake_logits): ..."
    rng = np.random.default_rng(4)
    logits = tf.constant(rng.normal(0.0, 2.0, size=(16, 1)), tf.float32)
    want = float(np.mean(-np.logaddexp(0.0, logits.numpy())))
    got = scalar(answer(logits))
    if not np.isfinite(got):
        return "your loss is not finite on ordinary logits; check for log(0) or a division."
    if abs(got + want) < 1e-4:
        return "the sign is flipped: minimising this would lower D(G(z)) — the listing's mistake."
    if abs(got - float(np.mean(np.logaddexp(0.0, -logits.numpy())))) < 1e-4:
        return ("that is the non-saturating loss -E log D(G(z)): a fine choice for training, but the exercise "
                "asks for the source's (minimax) objective.")
    if abs(got - want) > 1e-4:
        return "the value differs from the mean of log(1 - D(G(z))) with D = sigmoid(logit); check the formula."
    extreme = tf.constant([[50.0], [-50.0]], tf.float32)
    if not np.isfinite(scalar(answer(extreme))):
        return "the value is right on ordinary logits but not finite at logit 50: rewrite the log with softplus."
    with tf.GradientTape() as tape:
        tape.watch(logits)
        loss = answer(logits)
    grad = tape.gradient(loss, logits)
    if grad is None:
        return "no gradient flows through your loss; use TensorFlow operations, not numpy."
    if not np.all(grad.numpy() < 0):
        return "a descent step must raise every logit of a generated clip; check the sign of each term."
    return True


@checker("ch4.3", hint="load the texture with gl.data.load_source('builtin:NAME', ...) and batch it with "
                       "gl.data.make_dataset(clips, batch=..., seed=...).")
def _train_data(answer: Any) -> bool | str:
    import tensorflow as tf

    if not isinstance(answer, tf.data.Dataset):
        return "answer should be a tf.data.Dataset (what the listing loops over), not " + type(answer).__name__
    batch = next(iter(answer))
    x = np.asarray(batch)
    if x.ndim != 2:
        return f"one element should be a batch of clips, shape (batch, samples); got shape {x.shape}"
    if x.shape[0] != 8:
        return f"a batch should hold 8 clips; yours holds {x.shape[0]}"
    if x.shape[1] != 4096:
        return f"each clip should be 4096 samples long; yours are {x.shape[1]}"
    if x.dtype != np.float32:
        return f"clips should be float32, got {x.dtype}"
    if not np.all(np.isfinite(x)) or np.abs(x).max() > 1.0 or np.abs(x).max() == 0.0:
        return "clips should be audio in [-1, 1] and not silent"
    from ..data import texture
    from ..metrics import texture_snr_db

    ref = texture("whisper", n=8, seed=123, samples=4096)
    others = {name: texture(name, n=8, seed=123, samples=4096) for name in ("vowels", "rain")}
    own = texture_snr_db(ref, x)
    if any(texture_snr_db(o, x) > own for o in others.values()):
        return "these clips do not sound like the whisper texture; check the name after 'builtin:'."
    return True
