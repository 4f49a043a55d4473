"""The 8-Gaussians ring: a 2-D toy on which mode collapse can be *seen* and *counted* (chapter 5).

The target (Metz et al., 2017, "Unrolled GANs") is a mixture of 8 equal Gaussians whose centres lie
evenly on a circle of radius 2, each with a standard deviation of 0.02. A generator that covers every
mode puts about 1/8 of its points near each centre; a collapsed one puts them all near a few. Points
are 2-D, in the same (arbitrary) units as the radius.

* :func:`mode_centres`, :func:`eight_gaussians` — the target and samples of it.
* :func:`toy_models` — a small MLP generator (noise ``(batch, 2)`` -> points ``(batch, 2)``) and
  discriminator (points -> one logit).
* :func:`train_ring` — the alternating algorithm of chapter 3 with any loss pair of
  :data:`gcdg_lite.losses.LOSSES` by name, WGAN-GP's penalty and critic steps as its
  :class:`~gcdg_lite.losses.LossSpec` says, and an optional R1 penalty: each step is
  :func:`gcdg_lite.train.alternating_step`, the update ``fit`` compiles. One compiled ``tf.function``
  per 250 steps; 2000 steps took 3-5 s on the book's 2-core CPU (about 20 s for ``wgan_gp``, with its
  five critic steps per generator step).
* :func:`count_modes` — how many modes a point set covers and which share of its points are
  "high-quality" samples (near some mode).

Counting rule: a point **belongs** to a mode when it lies within ``within = 3`` standard deviations
(0.06) of the mode's centre, and the **high-quality share** is the fraction of points that belong to
some mode (as in Srivastava et al., 2017, VEEGAN); a mode is **covered** when at least
``min_share = 1 %`` of all the points belong to it (a fair share is 12.5 %).
"""
from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import public as _public
from .errors import ConfigError

__all__ = _public(__name__)

#: the target's number of modes, radius and per-mode standard deviation
MODES, RADIUS, STD = 8, 2.0, 0.02
#: latent dimension of :func:`toy_models`' generator
LATENT = 2


def mode_centres(modes: int = MODES, radius: float = RADIUS, angle: float = 0.0) -> np.ndarray:
    """Centres of ``modes`` Gaussians evenly spaced on a circle.

    Notebook: 05_trends_and_challenges.ipynb.

    Args:
        modes: number of modes (>= 1).
        radius: radius of the circle (point units).
        angle: rotation of the first centre from the x-axis, radians.
    Returns:
        float64 array ``(modes, 2)``; centre ``k`` is at angle ``angle + 2 pi k / modes``.
    """
    a = angle + 2.0 * math.pi * np.arange(int(modes)) / int(modes)
    return radius * np.stack([np.cos(a), np.sin(a)], axis=1)


def eight_gaussians(n: int, seed: int = 0, radius: float = RADIUS, std: float = STD) -> np.ndarray:
    """``n`` samples of the 8-Gaussians ring: a mode drawn uniformly, plus isotropic Gaussian noise.

    Notebook: 05_trends_and_challenges.ipynb.

    Args:
        n: number of points (>= 1).
        seed: numpy seed (same seed -> same points).
        radius: radius of the ring of centres.
        std: standard deviation of each mode, per coordinate.
    Returns:
        float32 array ``(n, 2)``.
    """
    if int(n) < 1:
        raise ConfigError(f"n={n!r}: need at least one point")
    rng = np.random.default_rng(seed)
    k = rng.integers(0, MODES, int(n))
    return (mode_centres(MODES, radius)[k] + std * rng.standard_normal((int(n), 2))).astype(np.float32)


@dataclass(frozen=True)
class ModeCount:
    """Outcome of :func:`count_modes`.

    Attributes:
        covered: number of modes holding at least ``min_share`` of the points (0 .. number of modes).
        high_quality: fraction of the points within ``within`` standard deviations of some centre.
        shares: ``(modes,)`` fraction of the points that belong to each mode.
    """

    covered: int
    high_quality: float
    shares: np.ndarray


def count_modes(points: Any, centres: Any = None, std: float = STD, within: float = 3.0,
                min_share: float = 0.01) -> ModeCount:
    """How many modes ``points`` cover, and how many of the points are near any mode.

    Notebook: 05_trends_and_challenges.ipynb.

    Args:
        points: array ``(n, 2)`` of generated (or real) points.
        centres: ``(modes, 2)`` mode centres; default :func:`mode_centres` (the 8-Gaussians ring).
        std: the modes' standard deviation (point units).
        within: a point belongs to a mode when its distance to the centre is below ``within * std``.
        min_share: a mode is covered when at least this fraction of all points belongs to it.
    Returns:
        :class:`ModeCount`.
    """
    p = np.asarray(points, dtype=np.float64)
    if p.ndim != 2 or p.shape[1] != 2 or len(p) == 0:
        raise ConfigError(f"points must be an array (n >= 1, 2); got shape {p.shape}")
    c = mode_centres() if centres is None else np.asarray(centres, dtype=np.float64)
    dist = np.linalg.norm(p[:, None, :] - c[None, :, :], axis=-1)  # (n, modes)
    near = dist < within * std
    shares = near.mean(axis=0)
    return ModeCount(int((shares >= min_share).sum()), float(near.any(axis=1).mean()), shares)


def toy_models(hidden: int = 64, seed: int = 0) -> tuple[Any, Any]:
    """A small MLP generator and discriminator for 2-D points.

    G: noise ``(batch, 2)`` -> Dense(hidden, relu) -> Dense(hidden, relu) -> points ``(batch, 2)``.
    D: points ``(batch, 2)`` -> Dense(hidden, relu) -> Dense(hidden, relu) -> logit ``(batch, 1)``.

    Args:
        hidden: width of both hidden layers.
        seed: seed of the initial weights.
    Returns:
        ``(G, D)``, two Keras models.
    """
    import keras

    init = keras.initializers.GlorotUniform
    def mlp(out: int, s: int) -> Any:
        return keras.Sequential([keras.Input((2,)),
                                 keras.layers.Dense(hidden, activation="relu", kernel_initializer=init(s)),
                                 keras.layers.Dense(hidden, activation="relu", kernel_initializer=init(s + 1)),
                                 keras.layers.Dense(out, kernel_initializer=init(s + 2))])

    return mlp(2, 3 * seed), mlp(1, 3 * seed + 100_000)


@dataclass
class ToyRun:
    """A trained toy GAN: the players, the settings and the per-step losses.

    Attributes:
        generator, discriminator: the Keras models of :func:`toy_models`, trained.
        loss: the loss pair's name; r1: the R1 strength (0 = off); seed, steps, batch: the settings.
        losses: float array ``(steps, 2)``, each step's (discriminator loss incl. penalties, generator loss).
        seconds: wall-clock training time (s).
    """

    generator: Any
    discriminator: Any
    loss: str
    r1: float
    seed: int
    steps: int
    batch: int
    losses: np.ndarray
    seconds: float

    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        """``n`` generated points ``(n, 2)`` float32, from standard normal noise drawn with ``seed``."""
        z = np.random.default_rng(seed).standard_normal((int(n), LATENT)).astype(np.float32)
        return np.asarray(self.generator(z, training=False), dtype=np.float32)


def train_ring(loss: str = "non_saturating", steps: int = 2000, seed: int = 0, batch: int = 128,
          r1: float = 0.0, lr: float = 1e-3, hidden: int = 64, n_critic: int | None = None) -> ToyRun:
    """Train a toy GAN on the 8-Gaussians ring with the loss pair ``loss`` of :data:`~gcdg_lite.losses.LOSSES`.

    Notebook: 05_trends_and_challenges.ipynb.

    Each step: ``n_critic`` discriminator updates (each on a fresh real batch of :func:`eight_gaussians`
    points and fresh noise; plus :func:`~gcdg_lite.losses.gradient_penalty` when the loss needs it, and
    :func:`~gcdg_lite.losses.r1_penalty` when ``r1 > 0``), then one generator update on fresh noise.
    Adam (``lr``, beta_1 0.5, beta_2 0.9) for both players. Everything random comes from ``seed``.

    Args:
        loss: a name of :data:`~gcdg_lite.losses.LOSSES` (``gcdg``, ``minimax``, ``non_saturating``,
            ``wgan_gp``, ``hinge``).
        steps: generator updates.
        seed: seed of the weights, the data and the noise.
        batch: points per batch.
        r1: R1 strength gamma on real points (0 = off).
        lr: Adam learning rate of both players.
        hidden: width of the MLPs.
        n_critic: discriminator updates per generator update; default the loss's own (5 for ``wgan_gp``).
    Returns:
        :class:`ToyRun`.
    Raises:
        ConfigError: unknown loss, or steps/batch below 1.
    """
    import tensorflow as tf

    from . import losses as L

    spec = L.get_loss(loss)
    if int(steps) < 1 or int(batch) < 1:
        raise ConfigError(f"steps={steps!r}, batch={batch!r}: both must be at least 1")
    k_critic = spec.n_critic if n_critic is None else int(n_critic)
    trainer = _trainer(spec.name, float(r1), int(batch), float(lr), int(hidden), k_critic)
    trainer.reset(int(seed))
    t0 = time.perf_counter()
    steps, per_call = int(steps), 250
    parts = [trainer.chunk(tf.constant(min(per_call, steps - s))).numpy() for s in range(0, steps, per_call)]
    seconds = time.perf_counter() - t0
    G, D = toy_models(hidden, seed)        # the run's own copies: the trainer's models are reused by the next run
    G.set_weights(trainer.G.get_weights())
    D.set_weights(trainer.D.get_weights())
    return ToyRun(G, D, spec.name, float(r1), int(seed), steps, int(batch), np.concatenate(parts, axis=0), seconds)


@functools.cache
def _trainer(loss: str, gamma: float, batch: int, lr: float, hidden: int, k_critic: int) -> "_Trainer":
    """The compiled trainer for these settings, made once per process: a second seed reuses the traced graph."""
    return _Trainer(loss, gamma, batch, lr, hidden, k_critic)


class _Trainer:
    """Models, optimisers, random generator and the compiled ``chunk(k)`` of :func:`train_ring`, reset per run.

    Each step is :func:`gcdg_lite.train.update.alternating_step`, the update ``fit`` compiles, with the
    critic updates as one graph loop and every batch drawn from the trainer's generator as it goes.
    """

    def __init__(self, loss: str, gamma: float, batch: int, lr: float, hidden: int, k_critic: int) -> None:
        import keras
        import tensorflow as tf

        from . import losses as L
        from .train.update import alternating_step

        spec = L.get_loss(loss)
        self.hidden = hidden
        self.G, self.D = toy_models(hidden, 0)
        self.opt_g = keras.optimizers.Adam(lr, beta_1=0.5, beta_2=0.9)
        self.opt_d = keras.optimizers.Adam(lr, beta_1=0.5, beta_2=0.9)
        self.opt_g.build(self.G.trainable_variables)
        self.opt_d.build(self.D.trainable_variables)
        self.rng = tf.random.Generator.from_seed(0)
        rng = self.rng
        centres = tf.constant(mode_centres(), tf.float32)

        def real_batch() -> tf.Tensor:
            k = rng.uniform([batch], 0, MODES, dtype=tf.int32)
            return tf.gather(centres, k) + STD * rng.normal([batch, 2])

        def critic_batch(_k) -> tuple:  # real points, noise, WGAN-GP's alpha; no augmentation
            x, z = real_batch(), rng.normal([batch, LATENT])
            return x, z, rng.uniform([batch]) if spec.needs_gp else None, None

        def step() -> tf.Tensor:
            m = alternating_step(self.G, self.D, self.opt_g, self.opt_d, spec, critic_batch,
                                 lambda: (rng.normal([batch, LATENT]), None),
                                 tf.constant(k_critic), r1=gamma, metrics=False)  # a tensor: one graph loop
            return tf.stack([m["loss_d"], m["loss_g"]])

        def chunk(k: tf.Tensor) -> tf.Tensor:  # k steps in one graph call: Python is visited once per chunk
            out = tf.TensorArray(tf.float32, size=k)
            for i in tf.range(k):
                out = out.write(i, step())
            return out.stack()

        # one compiled function per trainer, with its own retracing statistics (see Engine._make_train_fn):
        # training several toy games in a row no longer prints a spurious retracing warning
        self.chunk = tf.function(functools.partial(chunk))

    def reset(self, seed: int) -> None:
        """Fresh weights of :func:`toy_models` for ``seed``, fresh optimiser state, the random stream of ``seed``."""
        G, D = toy_models(self.hidden, seed)
        self.G.set_weights(G.get_weights())
        self.D.set_weights(D.get_weights())
        for opt in (self.opt_g, self.opt_d):
            for v in opt.variables:   # the step counter and Adam's moments; the learning rate stays
                if not v.path.endswith("learning_rate"):
                    v.assign(np.zeros(v.shape, v.dtype))
        self.rng.reset_from_seed(seed)
