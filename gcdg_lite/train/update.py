"""One alternating GAN update: the algorithm of chapter 3, written once for every trainer of the package.

:func:`alternating_step` is what :class:`~gcdg_lite.train.step.Engine` compiles for every run of
``fit`` and the command line, and what :func:`gcdg_lite.toy.train_ring` compiles for the 8-Gaussians
ring. It knows nothing of devices or of where its batches come from: the caller passes the players,
their optimisers, the :class:`~gcdg_lite.losses.LossSpec` and two callables that hand over each
update's inputs (the Engine slices its pre-drawn tensors; the toy draws from its generator as it
goes). What stays with the Engine: the draws, splitting them over devices (``strategy.run``), averaging
the metrics (``strategy.reduce``), the EMA generator and the step counter.

* :func:`critic_penalty` — the discriminator's regularisers: WGAN-GP's gradient penalty (when the
  loss asks for it) and R1, every ``r1_every`` steps.
* :func:`descend` — one optimiser step on a loss, with loss scaling under ``mixed_float16`` and the
  ``1 / replicas`` factor under ``tf.distribute``; returns the gradient norm.
* :func:`verdicts` — what D said of the real and the generated batch, as four scalars.
"""
from __future__ import annotations

from typing import Any, Callable

import keras
import tensorflow as tf

from .. import losses

#: ``critic_batch(k) -> (real, z, alpha, u)``: critic update ``k``'s real batch ``(B, ...)``, noise
#: ``(B, noise)``, WGAN-GP weights ``(B,)`` or None, augmentation choices ``(B, 2, PARAMS)`` or None
CriticBatch = Callable[[Any], tuple]
#: ``generator_batch() -> (z, u)``: the generator update's noise ``(B, noise)`` and choices ``(B, PARAMS)`` or None
GeneratorBatch = Callable[[], tuple]


def alternating_step(G: keras.Model, D: keras.Model, opt_g, opt_d, spec: losses.LossSpec,
                     critic_batch: CriticBatch, generator_batch: GeneratorBatch, n_critic: int | tf.Tensor,
                     augment: Callable | None = None, r1: float = 0.0, r1_every: int = 1, step=None,
                     replicas: int = 1, metrics: bool = True, features: keras.Model | None = None,
                     feature_matching: float = 0.0) -> dict[str, tf.Tensor]:
    """One alternating GAN step: ``n_critic`` updates of D, then one of G; returns its metrics.

    Notebook: 04_code_example.ipynb.

    Each critic update: D descends its loss (plus :func:`critic_penalty`) on a real batch and on G's
    output for fresh noise. Then G descends its loss on the updated D's verdict about G(new noise). With
    ``augment`` every batch D sees is augmented first (DiffAugment), the penalties included.

    Args:
        G, D: the generator and the discriminator (D returns logits ``(B, 1)``).
        opt_g, opt_d: their optimisers (a ``LossScaleOptimizer`` under ``mixed_float16``).
        spec: the loss pair, and whether it needs WGAN-GP's penalty (``losses.get_loss``).
        critic_batch: ``critic_batch(k) -> (real, z, alpha, u)`` for critic update ``k`` (see :data:`CriticBatch`).
        generator_batch: ``generator_batch() -> (z, u)`` for the generator update.
        n_critic: critic updates per step; a Python int unrolls them in the graph, a tensor makes one
            graph loop (traced once: cheaper to compile for WGAN-GP's five).
        augment: ``augment(x, u) -> x`` (same shape), or None for no augmentation.
        r1, r1_every, step: R1 strength, laziness and the step counter (see :func:`critic_penalty`).
        replicas: devices the global batch is split over (1 outside ``tf.distribute``).
        metrics: False skips the gradient norms and D's verdicts (they read 0), for a caller that
            records only the losses (the toy: a graph loop does not prune what nobody reads).
        features: D with its hidden activations as extra outputs (``models.critic_features``), needed
            when ``feature_matching > 0`` (with ``n_critic`` a Python int).
        feature_matching: weight of :func:`gcdg_lite.losses.feature_matching` in G's loss (0 = off):
            G's batch is compared inside D with the last critic update's real batch (as D saw it).
    Returns:
        float32 scalars by name: ``loss_g``, ``loss_d`` (incl. the penalty), ``penalty``, ``d_real``,
        ``d_fake``, ``d_real_raw``, ``d_fake_raw`` (of the last critic update), ``grad_norm_g``, ``grad_norm_d``.
    """
    def seen(x, u):
        return x if augment is None or u is None else augment(x, u)

    d_loss = penalty = d_norm = tf.constant(0.0)  # carried out of the loop when n_critic is a tensor
    verdict = verdicts(tf.zeros([1, 1]), tf.zeros([1, 1]))
    for k in range(n_critic):
        real, z, alpha, u = critic_batch(k)
        x = seen(real, None if u is None else u[:, 0])
        fake = seen(G(z, training=True), None if u is None else u[:, 1])
        with tf.GradientTape() as d_tape:
            real_logits, fake_logits = D(x, training=True), D(fake, training=True)
            penalty = critic_penalty(D, x, fake, spec, alpha, r1, r1_every, step)
            d_loss = spec.discriminator_loss(real_logits, fake_logits) + penalty
        d_norm = descend(opt_d, d_tape, d_loss, D, replicas, norm=metrics)
        if metrics:
            verdict = verdicts(real_logits, fake_logits)
    z, u = generator_batch()
    with tf.GradientTape() as g_tape:
        if feature_matching > 0:
            fake_out = features(seen(G(z, training=True), u), training=True)
            real_out = features(x, training=True)  # the last critic update's real batch, as D saw it
            g_loss = spec.generator_loss(fake_out[0]) + feature_matching * losses.feature_matching(
                real_out[1:], fake_out[1:])
        else:
            g_loss = spec.generator_loss(D(seen(G(z, training=True), u), training=True))
    g_norm = descend(opt_g, g_tape, g_loss, G, replicas, norm=metrics)
    return dict(loss_g=g_loss, loss_d=d_loss, penalty=penalty, **verdict, grad_norm_g=g_norm, grad_norm_d=d_norm)


def critic_penalty(D: keras.Model, real, fake, spec: losses.LossSpec, alpha=None, r1: float = 0.0,
                   r1_every: int = 1, step=None) -> tf.Tensor:
    """The discriminator's regularisers on what it saw: WGAN-GP's gradient penalty and R1 (0 when neither is on).

    Args:
        D: the discriminator.
        real, fake: the real and generated batches D saw, ``(B, ...)``.
        spec: the loss pair; its ``needs_gp`` and ``gp_weight`` switch and weigh the gradient penalty.
        alpha: WGAN-GP's interpolation weights ``(B,)`` (only read when ``spec.needs_gp``).
        r1: R1 strength gamma on the real batch (0 = off).
        r1_every: lazy R1 (``k > 1``): R1 times ``k`` on the steps whose counter ``step`` is a multiple
            of ``k``, nothing on the others (a ``tf.cond``: the other steps skip its double backward pass).
        step: the step counter, an int64 tensor (read only when ``r1_every > 1``).
    Returns:
        float32 scalar ``>= 0``.
    """
    total = tf.constant(0.0)
    if spec.needs_gp:
        total += losses.gradient_penalty(D, real, fake, weight=spec.gp_weight, alpha=alpha)
    if r1 > 0:
        if r1_every == 1:
            total += losses.r1_penalty(D, real, gamma=r1)
        else:
            total += tf.cond(tf.equal(step % r1_every, 0),
                             lambda: losses.r1_penalty(D, real, gamma=r1 * r1_every),
                             lambda: tf.constant(0.0))
    return total


def descend(opt, tape: tf.GradientTape, loss: tf.Tensor, model: keras.Model, replicas: int = 1,
            norm: bool = True) -> tf.Tensor:
    """One optimiser step on ``loss`` for ``model``'s weights; returns this device's gradient norm (0 unless ``norm``).

    The loss is differentiated times ``scale / replicas``: Keras sums the replicas' gradients, and a
    ``LossScaleOptimizer`` (``mixed_float16``) divides its loss scale out again when it applies them.
    """
    scale = tf.cast(opt.dynamic_scale, tf.float32) if isinstance(opt, keras.optimizers.LossScaleOptimizer) \
        else tf.constant(1.0)
    variables = model.trainable_variables
    grads = tape.gradient(loss, variables, output_gradients=scale / float(replicas))
    opt.apply(grads, variables)
    if not norm:
        return tf.constant(0.0)
    return tf.linalg.global_norm([tf.cast(g, tf.float32) for g in grads if g is not None]) * (float(replicas) / scale)


def verdicts(real_logits: tf.Tensor, fake_logits: tf.Tensor) -> dict[str, tf.Tensor]:
    """D's mean verdict on a real and a generated batch: as a probability (``d_real``, ``d_fake``) and raw logits.
    """
    return dict(d_real=tf.reduce_mean(tf.sigmoid(real_logits)), d_fake=tf.reduce_mean(tf.sigmoid(fake_logits)),
                d_real_raw=tf.reduce_mean(real_logits), d_fake_raw=tf.reduce_mean(fake_logits))
