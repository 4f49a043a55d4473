"""DiffAugment for audio: random, differentiable changes to everything the discriminator sees (chapter 5).

Zhao et al. (2020, "Differentiable Augmentation for Data-Efficient GAN Training") transform *both*
the real and the generated examples with the same kind of random change before D sees them, in D's
update and in G's. D then cannot memorise the few training examples, and because every change is
differentiable, G still learns through it. With a few hundred clips that is our situation.

The changes (a run names any of them in ``TrainConfig.augment``, e.g. ``"shift,mask,gain"``):

* ``shift`` — a random **circular time shift** of the whole example (any offset: a texture has no
  start). Waves: by ``0 .. samples - 1`` samples; spectrograms: by ``0 .. frames - 1`` frames.
* ``mask`` — a random **time mask** (a span of up to 1/8 of the example set to the mean level) and,
  for spectrograms, a random **frequency mask** (up to 1/8 of the bins), as in SpecAugment. Waves:
  the masked span becomes 0 (silence); normalised spectrograms: 0 (each bin's training mean).
* ``gain`` — a random **level change** of up to ±6 dB. Waves: multiplied by ``10 ** (g / 20)``;
  normalised spectrograms: a constant offset of up to ±``GAIN_SPEC`` = ±0.2 normalised units (one
  unit is ``clip_std`` = 3 standard deviations of a bin's log-magnitude, about 3.6 nats = 31 dB on
  speech, so ±0.2 is about ±6 dB; the exact per-bin offset would need the run's ``SpecNorm``).

SpecGAN's default is ``"shift,mask"`` (:data:`gcdg_lite.defaults.AUGMENT`): with ``gain`` on, D cannot
judge the level within ±6 dB, so G's loudness drifts with the seed; the runs that decided it are in
``bench/README.md`` (Quality).

Every random number comes from the run's own generator (:meth:`gcdg_lite.train.step.Engine.draw`):
``draw`` hands over uniform numbers in ``[0, 1)``, ``PARAMS`` per example, and :func:`augment` turns
them into offsets, spans and gains. Nothing here draws, so a resumed run augments exactly as an
uninterrupted one (``tests/test_train.py``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ConfigError

if TYPE_CHECKING:  # TensorFlow is imported where a tensor is touched, so that configs check without it
    import tensorflow as tf

#: the changes :func:`augment` knows, in the order they are applied
POLICIES = ("shift", "mask", "gain")
#: uniform numbers per example: shift, time-mask start, time-mask width, freq-mask start, freq-mask width, gain
PARAMS = 6
#: largest mask, as a fraction of the example's frames (or samples) and bins
MASK_FRACTION = 1.0 / 8.0
#: largest level change in dB (waves) ...
GAIN_DB = 6.0
#: ... and its counterpart for normalised spectrograms, in normalised units
GAIN_SPEC = 0.2


def parse(policy: str) -> tuple[str, ...]:
    """``"shift,mask,gain"`` -> ``("shift", "mask", "gain")``; ``""`` or ``"none"`` -> ``()``.

    Raises:
        ConfigError: not a string, or a name that is not one of :data:`POLICIES`.
    """
    if not isinstance(policy, str):
        raise ConfigError(f"augment={policy!r} must be a string such as 'shift,mask,gain' (or 'none')")
    names = tuple(p.strip().lower() for p in policy.replace("+", ",").split(",") if p.strip())
    if names in ((), ("none",)):
        return ()
    bad = [n for n in names if n not in POLICIES]
    if bad or len(set(names)) != len(names):
        raise ConfigError(f"augment={policy!r}: use a comma-separated subset of {', '.join(POLICIES)}, "
                          "each once (or 'none')")
    return tuple(p for p in POLICIES if p in names)


def canonical(policy: str) -> str:
    """The policy string in canonical order (``"gain,shift"`` -> ``"shift,gain"``; off -> ``"none"``)."""
    return ",".join(parse(policy)) or "none"


def _circular_shift(x: tf.Tensor, u: tf.Tensor) -> tf.Tensor:
    """Roll each example of ``x`` (batch, time, ...) by ``floor(u * time)`` steps along axis 1."""
    import tensorflow as tf

    length = tf.shape(x)[1]
    shift = tf.cast(u * tf.cast(length, tf.float32), tf.int32) % length
    index = (tf.range(length)[None, :] - shift[:, None]) % length
    return tf.gather(x, index, batch_dims=1)


def _span_mask(length: tf.Tensor, start_u: tf.Tensor, width_u: tf.Tensor) -> tf.Tensor:
    """(batch, length) float mask: 0 on a span of ``width_u * MASK_FRACTION * length`` steps, else 1."""
    import tensorflow as tf

    n = tf.cast(length, tf.float32)
    width = tf.cast(width_u * MASK_FRACTION * n, tf.int32)
    start = tf.cast(start_u * n, tf.int32)
    pos = tf.range(length)[None, :]
    inside = (pos >= start[:, None]) & (pos < start[:, None] + width[:, None])
    return 1.0 - tf.cast(inside, tf.float32)


def augment(x: tf.Tensor, u: tf.Tensor, policies: tuple[str, ...]) -> tf.Tensor:
    """Apply ``policies`` to a batch, with the random choices given by ``u``.

    Args:
        x: float32 waves ``(batch, samples)`` or normalised spectrograms ``(batch, frames, bins, 1)``.
        u: float32 ``(batch, PARAMS)`` uniform numbers in [0, 1) (from ``Engine.draw``).
        policies: a subset of :data:`POLICIES` (see :func:`parse`); ``()`` returns ``x`` unchanged.

    Returns:
        a tensor of ``x``'s shape and dtype, differentiable w.r.t. ``x``. Spectrograms stay in
        [-1 - GAIN_SPEC, 1 + GAIN_SPEC]; waves within ``10 ** (GAIN_DB / 20)`` of their peak.
    """
    import tensorflow as tf

    if not policies:
        return x
    x = tf.convert_to_tensor(x)
    dtype = x.dtype
    x = tf.cast(x, tf.float32)
    u = tf.cast(u, tf.float32)
    spec = x.shape.rank == 4
    if "shift" in policies:
        x = _circular_shift(x, u[:, 0])
    if "mask" in policies:
        t_mask = _span_mask(tf.shape(x)[1], u[:, 1], u[:, 2])
        if spec:
            f_mask = _span_mask(tf.shape(x)[2], u[:, 3], u[:, 4])
            x = x * t_mask[:, :, None, None] * f_mask[:, None, :, None]
        else:
            x = x * t_mask
    if "gain" in policies:
        g = 2.0 * u[:, 5] - 1.0  # in [-1, 1)
        if spec:
            x = x + (GAIN_SPEC * g)[:, None, None, None]
        else:
            x = x * tf.pow(10.0, GAIN_DB * g / 20.0)[:, None]
    return tf.cast(x, dtype)

