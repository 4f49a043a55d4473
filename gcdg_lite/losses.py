"""GAN losses as pure functions of discriminator logits — the source's "GCDG" loss, made correct.

Every function here takes **logits** ``l`` (the discriminator's output *before* a sigmoid), of shape
``(batch, 1)`` or ``(batch,)``, any float dtype (they are cast to float32), and returns a float32
scalar tensor averaged over all elements. With ``D = sigmoid(l)`` the logs are computed stably:

    log D(x)      = log sigmoid(l)     = -softplus(-l)
    log(1 - D(x)) = log sigmoid(-l)    = -softplus(l)

so logits of ±50 (where ``log(sigmoid(l))`` in float32 gives ``-inf``) still give finite losses and
gradients. This module imports nothing from the package but its error class and export list (chapter 3 reads
it on its own).

The GAN value (Goodfellow et al., 2014) is

    V(D, G) = E_x log D(x) + E_z log(1 - D(G(z))).

The discriminator *maximises* V (equivalently minimises ``-V``, the binary cross-entropy with label 1
for real and 0 for generated clips); the generator *minimises* V. The source document's formula

    L_GCDG = -E_x log D(x) + E_z log(1 - D(G(z)))      (see :func:`gcdg_loss`)

is, for the generator, exactly that minimax objective (its first term does not depend on G). For the
discriminator it is half wrong: minimising L would push D(G(z)) *up*. The ``gcdg`` pair below is
"what L gives each player, made correct". The source listing (chapter 4) additionally flips the sign
of both players' losses; :func:`inverted_gcdg_losses` keeps that broken version for teaching.

Which chapter introduces what (each function's ``Notebook:`` line says it exactly): 2 (core concepts) the
GAN game, :data:`LOSSES` and :func:`gcdg_loss`; 3 (algorithm & maths) each pair, the non-saturating
objective's divergence and :func:`gradient_penalty` (WGAN-GP against the JSD); 4 (code example)
:func:`inverted_gcdg_losses`; 5 (trends & challenges) the losses compared on audio and :func:`r1_penalty`;
6 (FAQ) the literal ``gcdg_loss`` trained against the minimax loss, :class:`LossSpec`.

Usage (one discriminator step and one generator step)::

    spec = LOSSES["non_saturating"]
    d_loss = spec.discriminator_loss(D(x), D(G(z)))          # minimise w.r.t. D's weights
    if spec.needs_gp:
        d_loss += gradient_penalty(D, x, G(z), weight=spec.gp_weight)
    g_loss = spec.generator_loss(D(G(z)))                    # minimise w.r.t. G's weights
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import tensorflow as tf

from . import public as _public
from .defaults import N_CRITIC
from .errors import ConfigError

__all__ = _public(__name__)


def _f32(logits: Any) -> tf.Tensor:
    """Logits as a float32 tensor (mixed-precision models may hand back bfloat16/float16)."""
    return tf.cast(tf.convert_to_tensor(logits), tf.float32)


def log_d(logits: Any) -> tf.Tensor:
    """Elementwise ``log D = log sigmoid(l) = -softplus(-l)``, stable for any logit.

    Notebook: 03_algorithm_and_maths.ipynb.

    Args:
        logits: discriminator logits, any shape, any float dtype.
    Returns:
        float32 tensor of the same shape, values ``<= 0`` (nats).
    """
    return -tf.nn.softplus(-_f32(logits))


def log_one_minus_d(logits: Any) -> tf.Tensor:
    """Elementwise ``log(1 - D) = log sigmoid(-l) = -softplus(l)``, stable for any logit.

    Notebook: 03_algorithm_and_maths.ipynb.

    Args:
        logits: discriminator logits, any shape, any float dtype.
    Returns:
        float32 tensor of the same shape, values ``<= 0`` (nats).
    """
    return -tf.nn.softplus(_f32(logits))


# --------------------------------------------------------------------------------------------
# The source's formula, and the source listing's broken version (kept for chapter 4)
# --------------------------------------------------------------------------------------------


def gcdg_loss(d_real_logits: Any, d_fake_logits: Any) -> tf.Tensor:
    """The source's ``L = -E[log D(x)] + E[log(1 - D(G(z)))]``, exactly, computed stably.

    Notebook: 02_core_concepts.ipynb.

    With the GAN value ``V = E log D(x) + E log(1 - D(G(z)))`` the discriminator maximises V
    (minimises ``-V``) and the generator minimises V. ``L`` differs from V only in the sign of the
    first term, which does not depend on G: so **for the generator, L is the classic minimax
    objective** of Goodfellow et al. (2014) (same gradients as :func:`minimax_generator_loss`,
    ``L = minimax_generator_loss(fake) - E log D(x)``). For the discriminator L is *not* a correct
    objective (its second term rewards D for calling generated clips real); use
    :func:`gcdg_discriminator_loss` for D.

    Args:
        d_real_logits: D's logits on real clips, shape ``(batch, 1)`` or ``(batch,)``.
        d_fake_logits: D's logits on generated clips ``G(z)``, shape ``(batch, 1)`` or ``(batch,)``.
    Returns:
        float32 scalar (nats), any real value; ``0`` when both logits are 0 (``-log 0.5 + log 0.5``).
    """
    return -tf.reduce_mean(log_d(d_real_logits)) + tf.reduce_mean(log_one_minus_d(d_fake_logits))


def inverted_gcdg_losses(d_real_logits: Any, d_fake_logits: Any) -> tuple[tf.Tensor, tf.Tensor]:
    """BROKEN on purpose: the source listing's losses, sign error included — kept for teaching.

    Notebook: 04_code_example.ipynb.

    The listing builds its losses from ``sigmoid_cross_entropy_with_logits`` (which is ``-log D`` for
    label 1 and ``-log(1 - D)`` for label 0) with the signs flipped, giving

        generator loss     = E log D(x) - E log(1 - D(G(z)))   (= -gcdg_loss)
        discriminator loss = E log D(x) + E log(1 - D(G(z)))   (= +V)

    The correct losses are ``E log(1 - D(G(z)))`` for G (up to a term constant in G) and ``-V`` for D,
    so each player's gradient here is the **negation** of the correct one: a descent step on the
    generator loss *lowers* D(G(z)) (it helps the discriminator), and a descent step on the
    discriminator loss *lowers* D(x) and *raises* D(G(z)) (it helps the generator). Never train with
    this;

    Args:
        d_real_logits: D's logits on real clips, shape ``(batch, 1)`` or ``(batch,)``.
        d_fake_logits: D's logits on generated clips, shape ``(batch, 1)`` or ``(batch,)``.
    Returns:
        ``(generator_loss, discriminator_loss)``, float32 scalars (nats), exactly as the listing computes them.
    """
    lr = tf.reduce_mean(log_d(d_real_logits))
    lf = tf.reduce_mean(log_one_minus_d(d_fake_logits))
    return lr - lf, lr + lf


# --------------------------------------------------------------------------------------------
# Generator / discriminator pairs. Generator losses take the logits D(G(z)); discriminator
# losses take (D(x), D(G(z))). All are minimised by their own player.
# --------------------------------------------------------------------------------------------


def gcdg_generator_loss(d_fake_logits: Any) -> tf.Tensor:
    """What the source's L asks of G, which is already correct: minimise ``E log(1 - D(G(z)))``.

    Notebook: 06_faq.ipynb.

    Identical to :func:`minimax_generator_loss` (both names are kept: "gcdg" is the book's name for the
    source's loss, "minimax" the literature's). Saturates when D confidently rejects G's clips: the
    gradient w.r.t. the logit is ``-sigmoid(l)``, which vanishes as ``l -> -inf``.

    Args:
        d_fake_logits: D's logits on generated clips, shape ``(batch, 1)`` or ``(batch,)``.
    Returns:
        float32 scalar in ``(-inf, 0]`` (nats).
    """
    return tf.reduce_mean(log_one_minus_d(d_fake_logits))


def gcdg_discriminator_loss(d_real_logits: Any, d_fake_logits: Any) -> tf.Tensor:
    """The source's L made correct for D: minimise ``-V = -E log D(x) - E log(1 - D(G(z)))``.

    This is the binary cross-entropy with label 1 for real and 0 for generated clips (the sum of the two
    batch means). Identical to :func:`minimax_discriminator_loss`. Its minimum over D is
    ``log 4 - 2 JSD(p_data || p_G)``, i.e. ``log 4 ≈ 1.386`` when G matches the data.

    Args:
        d_real_logits: D's logits on real clips, shape ``(batch, 1)`` or ``(batch,)``.
        d_fake_logits: D's logits on generated clips, shape ``(batch, 1)`` or ``(batch,)``.
    Returns:
        float32 scalar in ``[0, inf)`` (nats).
    """
    return -tf.reduce_mean(log_d(d_real_logits)) - tf.reduce_mean(log_one_minus_d(d_fake_logits))


minimax_generator_loss = gcdg_generator_loss
"""Minimax (Goodfellow et al., 2014) G loss ``E log(1 - D(G(z)))``; the same function as ``gcdg``'s. Chapter 3."""

minimax_discriminator_loss = gcdg_discriminator_loss
"""Minimax D loss ``-E log D(x) - E log(1 - D(G(z)))``; the same function as ``gcdg``'s. Chapter 3."""


def non_saturating_generator_loss(d_fake_logits: Any) -> tf.Tensor:
    """Non-saturating G loss ``-E log D(G(z))`` (Goodfellow et al., 2014, §3).

    Notebook: 03_algorithm_and_maths.ipynb.

    Same fixed point as the minimax loss, but its gradient w.r.t. the logit, ``-(1 - sigmoid(l))``,
    is largest exactly when D rejects G's clips, so G learns early in training. Pairs with the minimax
    discriminator loss.

    Args:
        d_fake_logits: D's logits on generated clips, shape ``(batch, 1)`` or ``(batch,)``.
    Returns:
        float32 scalar in ``[0, inf)`` (nats).
    """
    return -tf.reduce_mean(log_d(d_fake_logits))


non_saturating_discriminator_loss = gcdg_discriminator_loss
"""D loss of the non-saturating game: the same binary cross-entropy as the minimax one. Chapter 5."""


def wgan_generator_loss(d_fake_logits: Any) -> tf.Tensor:
    """WGAN generator loss ``-E f(G(z))`` where ``f`` is the critic's raw output (Arjovsky et al., 2017).

    Notebook: 06_faq.ipynb.

    Args:
        d_fake_logits: critic outputs on generated clips (unbounded scores, not probabilities),
            shape ``(batch, 1)`` or ``(batch,)``.
    Returns:
        float32 scalar (unbounded).
    """
    return -tf.reduce_mean(_f32(d_fake_logits))


def wgan_critic_loss(d_real_logits: Any, d_fake_logits: Any) -> tf.Tensor:
    """WGAN critic loss ``E f(G(z)) - E f(x)`` *without* the penalty.

    WGAN-GP (Gulrajani et al., 2017) adds ``gradient_penalty(critic, x, G(z), weight=10)``; the
    registry entry ``LOSSES["wgan_gp"]`` says so with ``needs_gp=True`` and ``gp_weight=10``.
    ``-wgan_critic_loss`` estimates the Wasserstein-1 distance when f is 1-Lipschitz.

    Args:
        d_real_logits: critic outputs on real clips, shape ``(batch, 1)`` or ``(batch,)``.
        d_fake_logits: critic outputs on generated clips, shape ``(batch, 1)`` or ``(batch,)``.
    Returns:
        float32 scalar (unbounded).
    """
    return tf.reduce_mean(_f32(d_fake_logits)) - tf.reduce_mean(_f32(d_real_logits))


def hinge_generator_loss(d_fake_logits: Any) -> tf.Tensor:
    """Hinge-GAN generator loss ``-E l(G(z))`` (Lim & Ye 2017; Miyato et al. 2018).

    Notebook: 06_faq.ipynb.

    Args:
        d_fake_logits: D's logits on generated clips, shape ``(batch, 1)`` or ``(batch,)``.
    Returns:
        float32 scalar (unbounded).
    """
    return -tf.reduce_mean(_f32(d_fake_logits))


def hinge_discriminator_loss(d_real_logits: Any, d_fake_logits: Any) -> tf.Tensor:
    """Hinge-GAN discriminator loss ``E relu(1 - l(x)) + E relu(1 + l(G(z)))``.

    Zero once real logits are ``>= 1`` and generated ones ``<= -1``: D stops pushing past the margin.

    Args:
        d_real_logits: D's logits on real clips, shape ``(batch, 1)`` or ``(batch,)``.
        d_fake_logits: D's logits on generated clips, shape ``(batch, 1)`` or ``(batch,)``.
    Returns:
        float32 scalar in ``[0, inf)``.
    """
    return tf.reduce_mean(tf.nn.relu(1.0 - _f32(d_real_logits))) + tf.reduce_mean(
        tf.nn.relu(1.0 + _f32(d_fake_logits))
    )


# --------------------------------------------------------------------------------------------
# Regularisers on the discriminator's input gradient (float32, any input rank)
# --------------------------------------------------------------------------------------------


def _input_gradient(model: Callable, x: tf.Tensor, training: bool) -> tf.Tensor:
    """``grad_x sum(model(x))`` in float32: per-example input gradients (examples are independent)."""
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = tf.cast(model(x, training=training), tf.float32)
        total = tf.reduce_sum(out)
    return tf.cast(tape.gradient(total, x), tf.float32)


def _per_example_sq_norm(g: tf.Tensor) -> tf.Tensor:
    """Squared L2 norm over every axis but the first: ``(batch, ...) -> (batch,)``."""
    g = tf.reshape(g, [tf.shape(g)[0], -1])
    return tf.reduce_sum(tf.square(g), axis=1)


def gradient_penalty(
    critic: Callable,
    real: Any,
    fake: Any,
    weight: float = 10.0,
    rng: tf.random.Generator | None = None,
    alpha: Any = None,
    training: bool = True,
) -> tf.Tensor:
    """WGAN-GP penalty ``weight * E (||grad_x f(x_hat)||_2 - 1)^2`` (Gulrajani et al., 2017).

    Notebook: 03_algorithm_and_maths.ipynb.

    ``x_hat = alpha * real + (1 - alpha) * fake`` with one ``alpha ~ U[0, 1]`` per example. Works for
    inputs of any rank — waves ``(batch, samples)`` and spectrograms ``(batch, H, W, 1)`` — and under
    mixed precision: interpolation, gradient and norm are computed in float32. Call it inside the
    discriminator's ``GradientTape`` so the penalty's gradient reaches the critic's weights.

    Args:
        critic: a callable ``critic(x, training=...) -> (batch, 1)`` scores (e.g. the discriminator model).
        real: real clips, float, shape ``(batch, ...)``.
        fake: generated clips, same shape as ``real``.
        weight: lambda, the penalty weight (dimensionless); default 10 as in the paper.
        rng: a ``tf.random.Generator`` to draw ``alpha`` from (checkpoint it for exact resumes);
            ``None`` uses ``tf.random.uniform`` (global seed).
        alpha: optional fixed interpolation weights, shape ``(batch,)``, overriding ``rng`` (for tests).
        training: passed to the critic (phase shuffle etc. active when True); default True.
    Returns:
        float32 scalar ``>= 0``.
    """
    real = tf.cast(tf.convert_to_tensor(real), tf.float32)
    fake = tf.cast(tf.convert_to_tensor(fake), tf.float32)
    batch = tf.shape(real)[0]
    if alpha is None:
        alpha = rng.uniform([batch]) if rng is not None else tf.random.uniform([batch])
    alpha = tf.cast(tf.reshape(alpha, [-1]), tf.float32)
    alpha = tf.reshape(alpha, tf.concat([[batch], tf.ones([tf.rank(real) - 1], tf.int32)], axis=0))
    x_hat = alpha * real + (1.0 - alpha) * fake
    grad = _input_gradient(critic, x_hat, training)
    norm = tf.sqrt(_per_example_sq_norm(grad) + 1e-12)  # eps keeps d(norm)/dg finite at g = 0
    return tf.cast(weight, tf.float32) * tf.reduce_mean(tf.square(norm - 1.0))


def r1_penalty(discriminator: Callable, real: Any, gamma: float = 10.0, training: bool = True) -> tf.Tensor:
    """R1 regulariser ``gamma / 2 * E ||grad_x l(x)||_2^2`` on real clips (Mescheder et al., 2018).

    Notebook: 05_trends_and_challenges.ipynb.

    ``l`` is D's logit. Penalising D's slope on the data keeps it from growing sharp around the real
    clips, which stabilises the gcdg/minimax/non-saturating/hinge games. Add it to the discriminator
    loss (inside its tape). Any input rank; float32 under mixed precision.

    Args:
        discriminator: a callable ``D(x, training=...) -> (batch, 1)`` logits.
        real: real clips, float, shape ``(batch, ...)``.
        gamma: penalty strength (dimensionless), default 10.
        training: passed to D; default True.
    Returns:
        float32 scalar ``>= 0``.
    """
    real = tf.cast(tf.convert_to_tensor(real), tf.float32)
    grad = _input_gradient(discriminator, real, training)
    return 0.5 * tf.cast(gamma, tf.float32) * tf.reduce_mean(_per_example_sq_norm(grad))


def feature_matching(real_features: Sequence[Any], fake_features: Sequence[Any]) -> tf.Tensor:
    """Feature matching (Salimans et al., 2016): how far G's batch is from the real one *inside* D.

    For each of D's hidden layers ``f_i`` the distance is the mean absolute difference between the
    batch averages ``E_x f_i(x)`` and ``E_z f_i(G(z))`` (one number per unit, averaged over units);
    the result is the mean over layers, so every layer counts alike whatever its size. Added to G's
    loss with a weight (``TrainConfig.feature_matching``), it asks G to match the statistics D has
    learned to look at rather than only to move D's verdict. The real side carries no gradient.

    Args:
        real_features: one tensor per layer for the real batch, each ``(batch, ...)``, any float dtype.
        fake_features: the same layers for the generated batch (same shapes but the batch size).
    Returns:
        float32 scalar ``>= 0`` (in the units of D's activations); 0 when the batch means agree.
    Raises:
        ConfigError: no layers, or a different number of layers on the two sides.
    """
    if len(real_features) == 0 or len(real_features) != len(fake_features):
        raise ConfigError(f"feature_matching needs the same, non-zero number of layers on both sides "
                          f"({len(real_features)} real, {len(fake_features)} generated)")
    per_layer = []
    for r, f in zip(real_features, fake_features):
        mean_r = tf.stop_gradient(tf.reduce_mean(_f32(r), axis=0))
        per_layer.append(tf.reduce_mean(tf.abs(mean_r - tf.reduce_mean(_f32(f), axis=0))))
    return tf.add_n(per_layer) / float(len(per_layer))


# --------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LossSpec:
    """One GAN game: which loss each player minimises, and how to train it.

    Notebook: 06_faq.ipynb.

    Attributes:
        name: the registry key, e.g. ``"gcdg"``.
        generator_loss: ``f(d_fake_logits) -> scalar`` minimised w.r.t. G's weights.
        discriminator_loss: ``f(d_real_logits, d_fake_logits) -> scalar`` minimised w.r.t. D's weights
            (without any penalty).
        needs_gp: True when the trainer must add :func:`gradient_penalty` to the discriminator loss.
        gp_weight: lambda for the gradient penalty (used only when ``needs_gp``).
        n_critic: default number of discriminator steps per generator step.
        description: one line for tables and ``--help``.
    """

    name: str
    generator_loss: Callable[[Any], tf.Tensor]
    discriminator_loss: Callable[[Any, Any], tf.Tensor]
    needs_gp: bool = False
    gp_weight: float = 0.0
    n_critic: int = 1
    description: str = ""


LOSSES: dict[str, LossSpec] = {
    "gcdg": LossSpec(
        "gcdg", gcdg_generator_loss, gcdg_discriminator_loss,
        description="the source's L made correct: G min E log(1-D(G(z))), D min -E log D(x) - E log(1-D(G(z)))",
    ),
    "minimax": LossSpec(
        "minimax", minimax_generator_loss, minimax_discriminator_loss,
        description="Goodfellow et al. 2014 minimax game (identical maths to 'gcdg')",
    ),
    "non_saturating": LossSpec(
        "non_saturating", non_saturating_generator_loss, non_saturating_discriminator_loss,
        description="G min -E log D(G(z)) (strong gradients early); D as in minimax",
    ),
    "wgan_gp": LossSpec(
        "wgan_gp", wgan_generator_loss, wgan_critic_loss, needs_gp=True, gp_weight=10.0,
        n_critic=N_CRITIC["wgan_gp"],
        description="Wasserstein critic E f(G(z)) - E f(x) + 10 * gradient penalty; 5 critic steps per G step",
    ),
    "hinge": LossSpec(
        "hinge", hinge_generator_loss, hinge_discriminator_loss,
        description="D min E relu(1-l(x)) + E relu(1+l(G(z))); G min -E l(G(z))",
    ),
}
"""Every loss by name (``gcdg``, ``minimax``, ``non_saturating``, ``wgan_gp``, ``hinge``). Chapter 2."""


def get_loss(name: str) -> LossSpec:
    """The :class:`LossSpec` called ``name`` (case-insensitive).

    Notebook: 02_core_concepts.ipynb.

    Raises:
        ConfigError: naming the unknown loss and listing the known ones.
    """
    key = str(name).strip().lower()
    if key not in LOSSES:
        raise ConfigError(f"loss={name!r} is unknown; choose one of: {', '.join(LOSSES)}")
    return LOSSES[key]
