"""The compiled training step: models, optimisers, RNG and a graph loop of several steps (chapter 4).

:class:`Engine` owns everything that lives on the device: G, D (and an EMA copy of G), both Adam
optimisers, the run's ``tf.random.Generator`` and the step counter, all created inside
``strategy.scope()``. :meth:`Engine.train` runs ``k`` training steps in ONE ``tf.function`` call
(a ``tf.range`` loop compiled into a ``tf.while_loop``), drawing every batch inside the graph from a
device-resident array of training examples, so Python is visited once per ``k`` steps.

One step (``update="alternating"``, the textbook algorithm of chapter 3):
    repeat n_critic times: x ~ data, z ~ N(0, I); D descends ``d_loss(D(x), D(G(z)))`` (+ GP, + R1),
    with one discriminator call on the real and one on the fake batch;
    then z ~ N(0, I); G descends ``g_loss(D(G(z)))``; EMA(G) <- decay * EMA(G) + (1 - decay) * G.
"""
from __future__ import annotations

import contextlib
import keras
import numpy as np
import tensorflow as tf

from .config import TrainConfig, resolve_precision

#: per-step metrics returned by the graph, in this order (columns of history.csv after "step")
METRICS = ("loss_g", "loss_d", "penalty", "d_real", "d_fake", "d_real_raw", "d_fake_raw",
           "grad_norm_g", "grad_norm_d")


@contextlib.contextmanager
def dtype_policy(name: str):
    """Temporarily set Keras' global dtype policy (layers read it when they are built)."""
    old = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(old)


def build_models(config: TrainConfig, precision: str):
    """``(G, D, G_ema or None)`` built by ``gcdg_lite.models.build`` under ``precision``.

    Weight initialisation is seeded with ``keras.utils.set_random_seed(config.seed)`` (the only use of
    global seeding; training randomness comes from the run's own generator).
    """
    from .. import models

    with dtype_policy(precision):
        keras.utils.set_random_seed(int(config.seed))
        try:
            G, D = models.build(config.model, **config.model_kwargs)
        except (TypeError, ValueError) as exc:
            from ..errors import ConfigError

            raise ConfigError(f"cannot build model {config.model!r} with {config.model_kwargs}: {exc}") from None
        G_ema = models.build(config.model, **config.model_kwargs)[0] if config.ema else None
    if G_ema is not None:
        G_ema.set_weights(G.get_weights())
    return G, D, G_ema


def default_strategy() -> tf.distribute.Strategy:
    """``MirroredStrategy`` over all GPUs when there are several, else ``tf.distribute.get_strategy()``."""
    if len(tf.config.list_logical_devices("GPU")) > 1:
        return tf.distribute.MirroredStrategy()
    return tf.distribute.get_strategy()


class Engine:
    """Device-side state and compiled steps of one run.

    Args:
        config: the run's :class:`TrainConfig` (validated).
        examples: training examples as D sees them, float32 ``(n, samples)`` waves or ``(n, H, W, 1)``
            normalised spectrograms; ``None`` to build a sampling-only engine (``load_run``).
        strategy: a ``tf.distribute.Strategy``; default ``tf.distribute.get_strategy()``.
    """

    def __init__(self, config: TrainConfig, examples: np.ndarray | None = None, strategy=None):
        from .. import losses

        self.config = config
        self.strategy = strategy or default_strategy()
        self.precision = resolve_precision(config.precision)
        self.spec = losses.get_loss(config.loss)
        self.n_critic = config.critic_steps()
        with self.strategy.scope():
            self.G, self.D, self.G_ema = build_models(config, self.precision)
            self.noise_dim = int(self.G.inputs[0].shape[-1]) if getattr(self.G, "inputs", None) else int(
                config.model_kwargs.get("noise_dim", 100))
            self.opt_g = self._optimizer(config.lr_g)
            self.opt_d = self._optimizer(config.lr_d)
            self.opt_g.build(self.G.trainable_variables)
            self.opt_d.build(self.D.trainable_variables)
            self.rng = tf.random.Generator.from_seed(int(config.seed))
            self.step = tf.Variable(0, dtype=tf.int64, trainable=False, name="step",
                                    aggregation=tf.VariableAggregation.ONLY_FIRST_REPLICA)
            self.data_pos = tf.Variable(0, dtype=tf.int64, trainable=False, name="data_pos",
                                        aggregation=tf.VariableAggregation.ONLY_FIRST_REPLICA)
            self.examples = None if examples is None else tf.constant(np.asarray(examples, np.float32))
        self.out_shape = tuple(int(s) for s in self.G.outputs[0].shape[1:]) if getattr(
            self.G, "outputs", None) else None
        self._train_fn = None

    # ------------------------------------------------------------------ helpers
    def _optimizer(self, lr: float):
        opt = keras.optimizers.Adam(learning_rate=lr, beta_1=self.config.beta_1, beta_2=self.config.beta_2)
        if self.precision == "mixed_float16":
            opt = keras.optimizers.LossScaleOptimizer(opt)
        return opt

    @property
    def generator(self) -> keras.Model:
        """The generator to sample from: the EMA copy when enabled, else G."""
        return self.G_ema if self.G_ema is not None else self.G

    def _batch(self, size: int) -> tf.Tensor:
        """Draw ``size`` training examples uniformly (with replacement) with the run's generator."""
        n = tf.shape(self.examples, out_type=tf.int64)[0]
        idx = self.rng.uniform([size], minval=0, maxval=n, dtype=tf.int64)
        return tf.gather(self.examples, idx)

    def _noise(self, size: int) -> tf.Tensor:
        return self.rng.normal([size, self.noise_dim])

    def _grads(self, tape, loss, opt, variables):
        """Gradients of ``loss`` (unscaled, for norms) and what the optimiser applies.

        Keras sums gradients over replicas, so ``loss`` must already be divided by the number of
        replicas (see :meth:`_per_replica`); the first list is rescaled to one replica's gradient.
        """
        replicas = float(self.strategy.num_replicas_in_sync)
        if isinstance(opt, keras.optimizers.LossScaleOptimizer):
            grads = tape.gradient(opt.scale_loss(loss), variables)
            return [g * (replicas / tf.cast(opt.dynamic_scale, g.dtype)) if g is not None else g
                    for g in grads], grads
        grads = tape.gradient(loss, variables)
        return [g * replicas if g is not None else g for g in grads] if replicas > 1 else grads, grads

    def _per_replica(self, loss):
        """``loss / replicas`` (Keras sums replica gradients); the identity on one device."""
        replicas = self.strategy.num_replicas_in_sync
        return loss / float(replicas) if replicas > 1 else loss

    def _d_terms(self, real, fake):
        """Discriminator loss (with penalties) and raw logits, from one D call per batch.

        Two calls rather than one on ``concat([real, fake])``: with ``update="simultaneous"`` G's
        gradient then back-propagates through D on the fake batch only, not on all 2B rows (measured
        with oneDNN on the book's CPU: 1.12x (wavegan) and 1.20x (specgan) more steps/s; no difference
        for alternating updates). D has no batch-dependent layers, so the losses are the same.
        """
        lr = tf.cast(self.D(real, training=True), tf.float32)
        lf = tf.cast(self.D(fake, training=True), tf.float32)
        penalty = tf.constant(0.0)
        if self.spec.needs_gp:
            from .. import losses

            penalty += losses.gradient_penalty(self.D, real, fake, weight=self.spec.gp_weight, rng=self.rng)
        if self.config.r1 > 0:
            from .. import losses

            penalty += losses.r1_penalty(self.D, real, gamma=self.config.r1)
        return self.spec.discriminator_loss(lr, lf) + penalty, penalty, lr, lf

    # ------------------------------------------------------------------ one replica step
    def _replica_step(self, per_replica_batch: int):
        G, D, cfg = self.G, self.D, self.config
        b = per_replica_batch
        gvars, dvars = G.trainable_variables, D.trainable_variables
        if cfg.update == "simultaneous":
            real, z = self._batch(b), self._noise(b)
            with tf.GradientTape() as tg, tf.GradientTape() as td:
                fake = tf.cast(G(z, training=True), tf.float32)
                loss_d, penalty, lr, lf = self._d_terms(real, fake)
                loss_g = self.spec.generator_loss(lf)
                sg, sd = self._per_replica(loss_g), self._per_replica(loss_d)
            ggrads, graw = self._grads(tg, sg, self.opt_g, gvars)
            dgrads, draw = self._grads(td, sd, self.opt_d, dvars)
            self.opt_d.apply(draw if isinstance(self.opt_d, keras.optimizers.LossScaleOptimizer) else dgrads, dvars)
            self.opt_g.apply(graw if isinstance(self.opt_g, keras.optimizers.LossScaleOptimizer) else ggrads, gvars)
        else:
            for _ in range(self.n_critic):  # Python loop: unrolled n_critic times in the graph
                real = self._batch(b)
                fake = tf.cast(G(self._noise(b), training=True), tf.float32)
                with tf.GradientTape() as td:
                    loss_d, penalty, lr, lf = self._d_terms(real, fake)
                    sd = self._per_replica(loss_d)
                dgrads, draw = self._grads(td, sd, self.opt_d, dvars)
                self.opt_d.apply(draw if isinstance(self.opt_d, keras.optimizers.LossScaleOptimizer) else dgrads,
                                 dvars)
            z = self._noise(b)
            with tf.GradientTape() as tg:
                fake_logits = tf.cast(D(G(z, training=True), training=True), tf.float32)
                loss_g = self.spec.generator_loss(fake_logits)
                sg = self._per_replica(loss_g)
            ggrads, graw = self._grads(tg, sg, self.opt_g, gvars)
            self.opt_g.apply(graw if isinstance(self.opt_g, keras.optimizers.LossScaleOptimizer) else ggrads, gvars)
        if self.G_ema is not None:
            decay = tf.constant(float(cfg.ema))
            for e, w in zip(self.G_ema.weights, G.weights):
                e.assign(decay * e + (1.0 - decay) * tf.cast(w, e.dtype))
        return tf.stack([
            loss_g, loss_d, penalty,
            tf.reduce_mean(tf.sigmoid(lr)), tf.reduce_mean(tf.sigmoid(lf)),
            tf.reduce_mean(lr), tf.reduce_mean(lf),
            tf.linalg.global_norm([tf.cast(g, tf.float32) for g in ggrads if g is not None]),
            tf.linalg.global_norm([tf.cast(g, tf.float32) for g in dgrads if g is not None]),
        ])

    # ------------------------------------------------------------------ compiled loop
    def _make_train_fn(self):
        strategy = self.strategy
        replicas = strategy.num_replicas_in_sync
        per_replica = max(1, self.config.batch // replicas)
        draws = self.n_critic  # real batches drawn per step

        @tf.function
        def train(k):
            history = tf.TensorArray(tf.float32, size=k)
            i = tf.constant(0)
            finite = tf.constant(True)
            # The stop test lives in the loop condition, not in a `break`: a break makes autograph
            # wrap the whole step in a tf.cond inside the loop; this way the step stays plain graph code.
            while tf.logical_and(i < k, finite):
                out = strategy.run(self._replica_step, args=(per_replica,))
                row = strategy.reduce(tf.distribute.ReduceOp.MEAN, out, axis=None)
                history = history.write(i, row)
                self.step.assign_add(1)
                self.data_pos.assign_add(draws)
                i += 1
                finite = tf.reduce_all(tf.math.is_finite(row))
            return history.stack()[:i], i

        return train

    def train(self, k: int) -> np.ndarray:
        """Run ``k`` training steps in one compiled call; returns their metrics, float ``(k', len(METRICS))``.

        ``k' < k`` only when a step produced a NaN/Inf (its row is the last one returned); the step
        counter then already includes it, and the caller must not checkpoint this state.
        """
        if self.examples is None:
            raise RuntimeError("this engine was built without training data")
        if self._train_fn is None:
            self._train_fn = self._make_train_fn()
        rows, _ = self._train_fn(tf.constant(int(k), tf.int32))
        return rows.numpy()

    # ------------------------------------------------------------------ sampling
    def generate(self, z: np.ndarray, batch: int = 64) -> np.ndarray:
        """Run the (EMA) generator on latent vectors ``z`` (n, noise_dim) -> float32 numpy outputs."""
        G = self.generator
        outs = [np.asarray(tf.cast(G(tf.constant(z[i:i + batch], tf.float32), training=False), tf.float32))
                for i in range(0, len(z), batch)]
        return np.concatenate(outs, axis=0) if outs else np.zeros((0,) + tuple(self.out_shape or ()), np.float32)


def latent(n: int, seed: int, noise_dim: int) -> np.ndarray:
    """``n`` latent vectors ~ N(0, I) of size ``noise_dim`` from ``tf.random.Generator.from_seed(seed)``."""
    return tf.random.Generator.from_seed(int(seed)).normal([int(n), int(noise_dim)]).numpy().astype(np.float32)
