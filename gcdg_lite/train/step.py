"""The compiled training step: models, optimisers, random draws and a graph loop of steps (chapter 4).

:class:`Engine` owns everything that lives on the device: G, D (and an EMA copy of G), both Adam
optimisers, the run's ``tf.random.Generator`` and the step counter. :meth:`Engine.train` runs ``k``
steps in ONE ``tf.function`` call (a ``tf.while_loop``), so Python is visited once per ``k`` steps.

Each step has three parts, in this order:

1. :meth:`Engine.draw` — every random number of the step, for the whole (global) batch: real
   examples gathered uniformly *with replacement* from a device-resident array of training examples,
   noise for the discriminator's and the generator's updates, the WGAN-GP interpolation weights and
   the DiffAugment choices (:mod:`.augment`). Nothing else in the step is random (phase shuffle uses
   stateless draws keyed by its call count).
2. :meth:`Engine.gan_step` — the algorithm of chapter 3 on one device's share of that batch:
   ``n_critic`` discriminator updates, then one generator update on fresh noise
   (``update="alternating"``: :func:`.update.alternating_step`, the update the ring toy of
   :mod:`gcdg_lite.toy` runs too), or both from one forward pass (``update="simultaneous"``,
   :meth:`Engine.simultaneous_step`, as in the TensorFlow DCGAN tutorial).
3. The EMA update of G's weights, on the (already averaged) weights.

Several devices (``tf.distribute.MirroredStrategy``) each take an equal slice of the drawn batch; the
optimisers sum their gradients, so :func:`.update.descend` divides each loss by the number of replicas
(and, under ``mixed_float16``, multiplies it by the loss scale). A step on two devices therefore equals
the one-device step on the same draws up to rounding, except for layers that look at their batch:
batch norm in specgan's generator sees per-device statistics, and phase shuffle draws per device.
"""
from __future__ import annotations

import contextlib
import functools

import keras
import numpy as np
import tensorflow as tf

from ..errors import ConfigError, RunError
from . import augment as aug
from .config import RunConfig
from .history import METRICS  # per-step metrics returned by the graph, in this order (history.csv's columns)
from .update import alternating_step, critic_penalty, descend, verdicts


#: draws whose first axis is the batch (the others have the critic step first, then the batch)
BATCH_FIRST = ("z_g", "aug_g")


@contextlib.contextmanager
def dtype_policy(name: str):
    """Temporarily set Keras' global dtype policy (layers read it when they are built)."""
    old = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(old)


def build_models(config: RunConfig):
    """``(G, D, G_ema or None)`` of a resolved run, built by ``models.build_resolved`` from its
    ``model_options`` (resolved once, when the run was) under its precision.

    Weight initialisation is seeded with ``keras.utils.set_random_seed(config.seed)`` (the only use of
    global seeding; training randomness comes from the run's own generator).
    """
    from .. import models

    options = config.model_options
    with dtype_policy(config.precision):
        keras.utils.set_random_seed(int(config.seed))
        G, D = models.build_resolved(config.model, options)
        G_ema = models.build_resolved(config.model, options)[0] if config.ema else None
    if G_ema is not None:
        G_ema.set_weights(G.get_weights())
    return G, D, G_ema


def _features(D):
    """D's hidden activations as extra outputs (``models.critic_features``), for feature matching."""
    from .. import models

    return models.critic_features(D)


@functools.cache
def _mirrored(devices: tuple[str, ...]) -> tf.distribute.Strategy:
    """The process's one ``MirroredStrategy`` over ``devices`` (why one: :func:`choose_strategy`)."""
    return tf.distribute.MirroredStrategy(list(devices))


def choose_strategy(devices: list[str] | None = None) -> tf.distribute.Strategy:
    """``MirroredStrategy`` over ``devices`` when there are several, else the default one-device strategy.

    One ``MirroredStrategy`` is made per set of devices and reused by every later run in the process:
    a second strategy over the same devices numbers its collective operations afresh, and the
    all-reduces of a run built under it were seen to pair up wrongly across devices (a shape
    mismatch error) once an earlier run had trained.

    Args:
        devices: device names, e.g. ``["/gpu:0", "/gpu:1"]``; default: every logical GPU.
    """
    if devices is None:
        devices = [d.name for d in tf.config.list_logical_devices("GPU")]
    if len(devices) < 2:
        return tf.distribute.get_strategy()
    return _mirrored(tuple(devices))


class Engine:
    """Device-side state and the compiled steps of one run.

    Args:
        config: the resolved run, a :class:`~gcdg_lite.train.config.RunConfig` (``TrainConfig.resolve``);
            its loss, critic steps and augmentation policy are read as it holds them.
        examples: training examples as D sees them (``features.examples``): float32 ``(n, samples)``
            waves or ``(n, H, W, 1)`` normalised spectrograms; ``None`` for a sampling-only engine.
        strategy: a ``tf.distribute.Strategy``; default :func:`choose_strategy`.
    """

    def __init__(self, config: RunConfig, examples: np.ndarray | None = None, strategy=None):
        if not isinstance(config, RunConfig):
            raise ConfigError(f"Engine needs a resolved run (TrainConfig(...).resolve(clips)), not a "
                              f"{type(config).__name__}")
        self.config = config
        self.strategy = strategy or choose_strategy()
        self.replicas = int(self.strategy.num_replicas_in_sync)
        if config.batch % self.replicas:
            raise ConfigError(f"batch={config.batch} does not split evenly over {self.replicas} devices; "
                              f"use a multiple of {self.replicas}")
        self.spec, self.n_critic, self.augment = config.loss_spec, config.n_critic, config.augment_policy
        with self.strategy.scope():
            self.G, self.D, self.G_ema = build_models(config)
            self.D_features = _features(self.D) if config.feature_matching > 0 else None
            self.opt_g, self.opt_d = self._optimizer(config.lr_g), self._optimizer(config.lr_d)
            self.opt_g.build(self.G.trainable_variables)
            self.opt_d.build(self.D.trainable_variables)
            self.step = tf.Variable(0, dtype=tf.int64, trainable=False, name="step",
                                    aggregation=tf.VariableAggregation.ONLY_FIRST_REPLICA)
        # outside the scope: one generator, used only in cross-replica context (draw)
        self.rng = tf.random.Generator.from_seed(int(config.seed))
        self.noise_dim = int(self.G.inputs[0].shape[-1])
        self.out_shape = tuple(int(s) for s in self.G.outputs[0].shape[1:])
        self.examples = None if examples is None else tf.constant(np.asarray(examples, np.float32))
        if self.examples is not None and tuple(self.examples.shape[1:]) != self.out_shape:
            raise ConfigError(f"the {config.model} generator makes {self.out_shape} but the examples are "
                              f"{tuple(self.examples.shape[1:])}")
        self._train_fn = None

    def _optimizer(self, lr: float):
        opt = keras.optimizers.Adam(learning_rate=lr, beta_1=self.config.beta_1, beta_2=self.config.beta_2)
        return keras.optimizers.LossScaleOptimizer(opt) if self.config.precision == "mixed_float16" else opt

    @property
    def generator(self) -> keras.Model:
        """The generator to sample from: the EMA copy when enabled, else G."""
        return self.G_ema if self.G_ema is not None else self.G

    def checkpoint_parts(self) -> dict:
        """Everything a checkpoint must hold to continue this run exactly."""
        parts = dict(generator=self.G, discriminator=self.D, opt_g=self.opt_g, opt_d=self.opt_d,
                     step=self.step, rng=self.rng)
        if self.G_ema is not None:
            parts["generator_ema"] = self.G_ema
        return parts

    # ------------------------------------------------------------------ 1. the step's random draws
    def draw(self) -> dict[str, tf.Tensor]:
        """The random inputs of one step for the global batch ``B`` (``k`` = critic steps):

        ``real`` ``(k, B, ...)`` training examples (uniform, with replacement), ``z_d`` ``(k, B, noise)``
        noise for D's updates, ``z_g`` ``(B, noise)`` fresh noise for G's, for WGAN-GP ``alpha``
        ``(k, B)`` interpolation weights, and with augmentation on ``aug_d`` ``(k, B, 2, PARAMS)``
        (D's update: the real batch, then the generated one) and ``aug_g`` ``(B, PARAMS)`` (G's update)
        uniform numbers for :func:`gcdg_lite.train.augment.augment`.
        """
        k, b = self.n_critic, self.config.batch
        n = tf.shape(self.examples, out_type=tf.int64)[0]
        draws = {"real": tf.gather(self.examples, self.rng.uniform([k, b], 0, n, dtype=tf.int64)),
                 "z_d": self.rng.normal([k, b, self.noise_dim]), "z_g": self.rng.normal([b, self.noise_dim])}
        if self.spec.needs_gp:
            draws["alpha"] = self.rng.uniform([k, b])
        if self.augment:
            draws["aug_d"] = self.rng.uniform([k, b, 2, aug.PARAMS])
            draws["aug_g"] = self.rng.uniform([b, aug.PARAMS])
        return draws

    def seen(self, x, u) -> tf.Tensor:
        """What D sees of examples ``x``: ``x`` augmented with the choices ``u`` (``x`` itself when off)."""
        return x if u is None else aug.augment(x, u, self.augment)

    # ------------------------------------------------------------------ 2. the GAN step
    def gan_step(self, real, z_d, z_g, alpha=None, aug_d=None, aug_g=None) -> tf.Tensor:
        """One alternating GAN step on one device's share of the batch (:func:`.update.alternating_step`).

        Critic update ``k`` takes ``real[k]``, ``z_d[k]``, ``alpha[k]`` and ``aug_d[k]``; the generator
        update ``z_g`` and ``aug_g``. ``n_critic`` is a Python int: the critic updates are unrolled in
        the graph. Shapes as in :meth:`draw`; returns the metrics row (:data:`METRICS`).
        """
        def critic_batch(k):
            return real[k], z_d[k], None if alpha is None else alpha[k], None if aug_d is None else aug_d[k]

        m = alternating_step(self.G, self.D, self.opt_g, self.opt_d, self.spec, critic_batch, lambda: (z_g, aug_g),
                             self.n_critic, self.seen, float(self.config.r1), int(self.config.r1_every),
                             self.step, self.replicas, features=self.D_features,
                             feature_matching=float(self.config.feature_matching))
        return self.metrics(m)

    def simultaneous_step(self, real, z_d, z_g, alpha=None, aug_d=None, aug_g=None) -> tf.Tensor:
        """The TensorFlow DCGAN tutorial's step: both players' gradients from ONE forward pass on (x, G(z)).

        Cheaper than :meth:`gan_step` (no second generator pass), but G is judged by the D of before
        D's update. Needs ``n_critic == 1``; ``z_g`` and ``aug_g`` are not used.
        """
        G, D = self.G, self.D
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            x = self.seen(real[0], None if aug_d is None else aug_d[0, :, 0])
            fake = self.seen(G(z_d[0], training=True), None if aug_d is None else aug_d[0, :, 1])
            real_logits, fake_logits = D(x, training=True), D(fake, training=True)
            penalty = critic_penalty(D, x, fake, self.spec, None if alpha is None else alpha[0],
                                     float(self.config.r1), int(self.config.r1_every), self.step)
            d_loss = self.spec.discriminator_loss(real_logits, fake_logits) + penalty
            g_loss = self.spec.generator_loss(fake_logits)
        d_norm = descend(self.opt_d, d_tape, d_loss, D, self.replicas)
        g_norm = descend(self.opt_g, g_tape, g_loss, G, self.replicas)  # the tape kept D's weights of the forward pass
        return self.metrics(dict(loss_g=g_loss, loss_d=d_loss, penalty=penalty, **verdicts(real_logits, fake_logits),
                                 grad_norm_g=g_norm, grad_norm_d=d_norm))

    # ------------------------------------------------------------------ what wraps around the step
    @staticmethod
    def metrics(m: dict[str, tf.Tensor]) -> tf.Tensor:
        """One history row: the step's metrics by name (:func:`.update.alternating_step`) as a float32
        vector in the order of :data:`METRICS`."""
        return tf.stack([m[name] for name in METRICS])

    def update_ema(self) -> None:
        """EMA(G) <- decay * EMA(G) + (1 - decay) * G, for every weight (batch-norm statistics too)."""
        if self.G_ema is None:
            return
        decay = float(self.config.ema)
        for e, w in zip(self.G_ema.weights, self.G.weights):
            e.assign(decay * e + (1.0 - decay) * tf.cast(w, e.dtype))

    def _on_my_share(self, draws: dict) -> tf.Tensor:
        """Run the step on this device's slice of the global draws (replica context)."""
        if self.replicas > 1:
            i = tf.distribute.get_replica_context().replica_id_in_sync_group
            b = self.config.batch // self.replicas
            draws = {k: (v[i * b:(i + 1) * b] if k in BATCH_FIRST else v[:, i * b:(i + 1) * b])
                     for k, v in draws.items()}
        step = self.simultaneous_step if self.config.update == "simultaneous" else self.gan_step
        return step(**draws)

    def one_step(self) -> tf.Tensor:
        """Draw, step on every device, average the metrics, update the EMA and the step counter."""
        row = self.strategy.run(self._on_my_share, args=(self.draw(),))
        row = self.strategy.reduce(tf.distribute.ReduceOp.MEAN, row, axis=None)
        self.update_ema()
        self.step.assign_add(1)
        return row

    # ------------------------------------------------------------------ the compiled loop
    def _make_train_fn(self):
        def train(k):
            history = tf.TensorArray(tf.float32, size=k)
            i, finite = tf.constant(0), tf.constant(True)
            # The stop test lives in the loop condition, not in a `break`: a break makes autograph
            # wrap the whole step in a tf.cond inside the loop; this way the step stays plain graph code.
            while tf.logical_and(i < k, finite):
                row = self.one_step()
                history = history.write(i, row)
                i += 1
                finite = tf.reduce_all(tf.math.is_finite(row))
            return history.stack()[:i]

        # Each engine compiles its own function (it closes over its own models) and traces it once.
        # TensorFlow keys its retracing statistics by the Python code object, which every engine's
        # closure shares, so the sixth run of a session used to print "5 out of the last 5 calls ...
        # triggered tf.function retracing" though no function had retraced. A functools.partial has no
        # code object of its own: each engine's function gets its own statistics, and a real retrace
        # of one (new shapes or Python values on every call) still warns.
        return tf.function(functools.partial(train))

    def train(self, k: int) -> np.ndarray:
        """Run ``k`` training steps in one compiled call; returns their metrics, float ``(k', len(METRICS))``.

        ``k' < k`` only when a step produced a NaN/Inf (its row is the last one returned); the step
        counter then already includes it, and the caller must not checkpoint this state.
        """
        if self.examples is None:
            raise RunError("this engine was built for sampling only (no training examples); use fit() to train")
        if self._train_fn is None:
            self._train_fn = self._make_train_fn()
        return self._train_fn(tf.constant(int(k), tf.int32)).numpy()

    # ------------------------------------------------------------------ sampling
    def generate(self, z: np.ndarray, batch: int = 64) -> np.ndarray:
        """Run the (EMA) generator on latent vectors ``z`` (n, noise_dim) -> float32 numpy outputs."""
        G = self.generator
        outs = [np.asarray(G(tf.constant(z[i:i + batch], tf.float32), training=False), np.float32)
                for i in range(0, len(z), batch)]
        return np.concatenate(outs, axis=0) if outs else np.zeros((0,) + self.out_shape, np.float32)


def latent(n: int, seed: int, noise_dim: int) -> np.ndarray:
    """``n`` latent vectors ~ N(0, I) of size ``noise_dim`` from ``tf.random.Generator.from_seed(seed)``.
    """
    return tf.random.Generator.from_seed(int(seed)).normal([int(n), int(noise_dim)]).numpy().astype(np.float32)
