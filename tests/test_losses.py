"""Tests of gcdg_lite.losses: values against NumPy, stability, directions (the listing's bugs), GP and R1."""
from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from gcdg_lite import losses as L
from gcdg_lite.errors import ConfigError

RNG = np.random.default_rng(0)
REAL = RNG.normal(0.5, 3.0, size=(64, 1)).astype(np.float32)
FAKE = RNG.normal(-0.5, 3.0, size=(64, 1)).astype(np.float32)
EXTREME_REAL = np.array([[50.0], [-50.0], [30.0], [-30.0]], np.float32)
EXTREME_FAKE = np.array([[-50.0], [50.0], [-30.0], [30.0]], np.float32)


# --- NumPy references -------------------------------------------------------------------------

def naive_log_d(l):  # the textbook formula; overflows to -inf for very negative logits
    return np.log(1.0 / (1.0 + np.exp(-l.astype(np.float64))))


def naive_log_1md(l):
    return np.log(1.0 - 1.0 / (1.0 + np.exp(-l.astype(np.float64))))


def stable_log_d(l):  # log sigmoid(l) = -log(1 + e^-l)
    return -np.logaddexp(0.0, -l.astype(np.float64))


def stable_log_1md(l):
    return -np.logaddexp(0.0, l.astype(np.float64))


def reference(name, r, f, log_d, log_1md):
    """(generator loss, discriminator loss) of each named game, straight from its formula."""
    r64, f64 = r.astype(np.float64), f.astype(np.float64)
    if name in ("gcdg", "minimax"):
        return log_1md(f).mean(), -log_d(r).mean() - log_1md(f).mean()
    if name == "non_saturating":
        return -log_d(f).mean(), -log_d(r).mean() - log_1md(f).mean()
    if name == "wgan_gp":
        return -f64.mean(), f64.mean() - r64.mean()
    if name == "hinge":
        return -f64.mean(), np.maximum(0, 1 - r64).mean() + np.maximum(0, 1 + f64).mean()
    raise KeyError(name)


NAMES = ["gcdg", "minimax", "non_saturating", "wgan_gp", "hinge"]


# --- values -----------------------------------------------------------------------------------

def test_registry_names_and_fields():
    assert sorted(L.LOSSES) == sorted(NAMES)
    spec = L.LOSSES["wgan_gp"]
    assert spec.needs_gp and spec.gp_weight == 10.0 and spec.n_critic == 5
    assert not any(L.LOSSES[n].needs_gp for n in NAMES if n != "wgan_gp")
    assert all(L.LOSSES[n].n_critic == 1 and L.LOSSES[n].description for n in NAMES if n != "wgan_gp")
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.n_critic = 1  # type: ignore[misc]
    assert L.get_loss(" Hinge ") is L.LOSSES["hinge"]
    with pytest.raises(ConfigError, match="loss='lsgan' is unknown.*gcdg"):
        L.get_loss("lsgan")


@pytest.mark.parametrize("name", NAMES)
def test_pairs_match_numpy_on_random_logits(name):
    spec = L.LOSSES[name]
    want_g, want_d = reference(name, REAL, FAKE, naive_log_d, naive_log_1md)
    np.testing.assert_allclose(spec.generator_loss(FAKE).numpy(), want_g, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(spec.discriminator_loss(REAL, FAKE).numpy(), want_d, rtol=1e-5, atol=1e-5)
    # (batch,) logits give the same value as (batch, 1)
    np.testing.assert_allclose(spec.discriminator_loss(REAL[:, 0], FAKE[:, 0]).numpy(), want_d, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", NAMES)
def test_pairs_are_finite_and_exact_at_extreme_logits(name):
    spec = L.LOSSES[name]
    # why softplus: the naive log(1 - sigmoid(l)) is -inf at l = 50 (1 - sigmoid(50) rounds to 0)
    with np.errstate(divide="ignore"):
        assert not np.isfinite(naive_log_1md(np.array([50.0])))
    assert not np.isfinite(tf.math.log(1.0 - tf.sigmoid(50.0)).numpy())
    want_g, want_d = reference(name, EXTREME_REAL, EXTREME_FAKE, stable_log_d, stable_log_1md)
    g = spec.generator_loss(EXTREME_FAKE).numpy()
    d = spec.discriminator_loss(EXTREME_REAL, EXTREME_FAKE).numpy()
    assert np.isfinite(g) and np.isfinite(d)
    np.testing.assert_allclose([g, d], [want_g, want_d], rtol=1e-6)
    # gradients are finite too
    r, f = tf.constant(EXTREME_REAL), tf.constant(EXTREME_FAKE)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([r, f])
        total = spec.generator_loss(f) + spec.discriminator_loss(r, f)
    assert all(np.isfinite(t.numpy()).all() for t in tape.gradient(total, [r, f]))


def test_gcdg_loss_is_the_source_formula():
    want = -naive_log_d(REAL).mean() + naive_log_1md(FAKE).mean()
    np.testing.assert_allclose(L.gcdg_loss(REAL, FAKE).numpy(), want, rtol=1e-5, atol=1e-5)
    want_x = -stable_log_d(EXTREME_REAL).mean() + stable_log_1md(EXTREME_FAKE).mean()
    got_x = L.gcdg_loss(EXTREME_REAL, EXTREME_FAKE).numpy()
    assert np.isfinite(got_x)
    np.testing.assert_allclose(got_x, want_x, rtol=1e-6)
    assert L.gcdg_loss(np.zeros((3, 1)), np.zeros((3, 1))).numpy() == pytest.approx(0.0, abs=1e-7)


def test_gcdg_loss_is_the_minimax_generator_objective():
    """L = minimax G loss - E log D(x): same value up to a G-independent term, same gradient for G."""
    r, f = tf.constant(REAL), tf.constant(FAKE)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(f)
        source = L.gcdg_loss(r, f)
        minimax_g = L.LOSSES["minimax"].generator_loss(f)
    np.testing.assert_allclose(source.numpy(), minimax_g.numpy() - stable_log_d(REAL).mean(), rtol=1e-5)
    np.testing.assert_allclose(tape.gradient(source, f).numpy(), tape.gradient(minimax_g, f).numpy(), atol=1e-7)
    # gcdg and minimax are literally the same maths; D's loss is -V and V = E log D(x) + E log(1-D(G(z)))
    assert L.LOSSES["gcdg"].generator_loss is L.LOSSES["minimax"].generator_loss
    v = stable_log_d(REAL).mean() + stable_log_1md(FAKE).mean()
    np.testing.assert_allclose(L.LOSSES["gcdg"].discriminator_loss(r, f).numpy(), -v, rtol=1e-5)


def test_inverted_losses_reproduce_the_listing_exactly():
    """The listing computes its losses with sigmoid_cross_entropy_with_logits; reproduce it line by line."""
    r, f = tf.constant(REAL), tf.constant(FAKE)
    bce = tf.nn.sigmoid_cross_entropy_with_logits
    listing_g = -tf.reduce_mean(bce(labels=tf.ones_like(r), logits=r)) + tf.reduce_mean(
        bce(labels=tf.zeros_like(f), logits=f))
    listing_d = -tf.reduce_mean(bce(labels=tf.ones_like(r), logits=r)) - tf.reduce_mean(
        bce(labels=tf.zeros_like(f), logits=f))
    g, d = L.inverted_gcdg_losses(r, f)
    np.testing.assert_allclose([g.numpy(), d.numpy()], [listing_g.numpy(), listing_d.numpy()], rtol=1e-5)
    np.testing.assert_allclose(g.numpy(), -L.gcdg_loss(r, f).numpy(), rtol=1e-6)
    np.testing.assert_allclose(d.numpy(), -L.LOSSES["gcdg"].discriminator_loss(r, f).numpy(), rtol=1e-6)


def test_low_precision_logits_give_float32():
    for dtype in (tf.float16, tf.bfloat16):
        r, f = tf.cast(REAL, dtype), tf.cast(FAKE, dtype)
        for name in NAMES:
            assert L.LOSSES[name].discriminator_loss(r, f).dtype == tf.float32
            assert L.LOSSES[name].generator_loss(f).dtype == tf.float32
        assert L.gcdg_loss(r, f).dtype == tf.float32


def test_losses_module_imports_nothing_from_the_package_but_its_errors_defaults_and_export_list():
    """Only leaves: ``errors``, ``defaults`` (constants; wgan_gp's critic steps live there so ``--help``
    can quote them without TensorFlow) and the export list."""
    tree = ast.parse(Path(L.__file__).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            assert node.module in ("errors", "defaults") or [a.name for a in node.names] == ["public"], node.module
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0 and not (node.module or "").startswith("gcdg_lite")
        if isinstance(node, ast.Import):
            assert not any(a.name.startswith("gcdg_lite") for a in node.names)


# --- directions: one optimiser step helps the player that takes it ---------------------------

DIM, NOISE = 8, 4


def tiny_game(seed: int):
    """A tiny G (linear, 4 -> 8) and D (8 -> 16 ReLU -> 1 logit) and fixed real data / noise."""
    keras.utils.set_random_seed(seed)
    g = keras.Sequential([keras.Input((NOISE,)), keras.layers.Dense(DIM)])
    d = keras.Sequential([keras.Input((DIM,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)])
    rng = np.random.default_rng(seed)
    x = tf.constant(rng.normal(1.0, 0.5, size=(64, DIM)), tf.float32)
    z = tf.constant(rng.normal(size=(64, NOISE)), tf.float32)
    return g, d, x, z


def score(name, logits):
    """What the player's loss is about: mean D = sigmoid(logit) for log-losses, mean raw score otherwise."""
    return float(tf.reduce_mean(logits if name in ("wgan_gp", "hinge") else tf.sigmoid(logits)))


def one_step(loss_fn, variables, lr=1e-3):
    """One Adam step (the listing's optimiser) on ``loss_fn()`` w.r.t. ``variables``."""
    opt = keras.optimizers.Adam(learning_rate=lr, beta_1=0.5)
    with tf.GradientTape() as tape:
        loss = loss_fn()
    opt.apply_gradients(zip(tape.gradient(loss, variables), variables))


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("name", NAMES)
def test_generator_step_raises_d_of_g_z(name, seed):
    g, d, x, z = tiny_game(seed)
    spec = L.LOSSES[name]
    before = score(name, d(g(z)))
    one_step(lambda: spec.generator_loss(d(g(z))), g.trainable_variables)
    assert score(name, d(g(z))) > before


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("name", NAMES)
def test_discriminator_step_raises_d_x_and_lowers_d_g_z(name, seed):
    g, d, x, z = tiny_game(seed)
    spec = L.LOSSES[name]
    real0, fake0 = score(name, d(x)), score(name, d(g(z)))
    one_step(lambda: spec.discriminator_loss(d(x), d(g(z))), d.trainable_variables)
    assert score(name, d(x)) > real0
    assert score(name, d(g(z))) < fake0


@pytest.mark.parametrize("seed", [0, 1])
def test_source_listing_losses_push_each_player_the_wrong_way(seed):
    """The listing's sign error: G's step lowers D(G(z)); D's step lowers D(x) and raises D(G(z))."""
    g, d, x, z = tiny_game(seed)
    before = score("gcdg", d(g(z)))
    one_step(lambda: L.inverted_gcdg_losses(d(x), d(g(z)))[0], g.trainable_variables)
    assert score("gcdg", d(g(z))) < before

    g, d, x, z = tiny_game(seed)
    real0, fake0 = score("gcdg", d(x)), score("gcdg", d(g(z)))
    one_step(lambda: L.inverted_gcdg_losses(d(x), d(g(z)))[1], d.trainable_variables)
    assert score("gcdg", d(x)) < real0
    assert score("gcdg", d(g(z))) > fake0


def test_source_formula_used_as_d_loss_rewards_calling_fakes_real():
    """Minimising the source's L over D (as the prose says) raises D(G(z)): why 'gcdg' fixes D's loss."""
    g, d, x, z = tiny_game(0)
    fake0 = score("gcdg", d(g(z)))
    one_step(lambda: L.gcdg_loss(d(x), d(g(z))), d.trainable_variables)
    assert score("gcdg", d(g(z))) > fake0


# --- gradient penalty and R1 ------------------------------------------------------------------

class Linear:
    """f(x) = sum(w * x) over every axis but the batch: grad_x f = w for every input."""

    def __init__(self, w):
        self.w = tf.constant(w, tf.float32)

    def __call__(self, x, training=False):
        return tf.reduce_sum(tf.reshape(x * self.w, [tf.shape(x)[0], -1]), axis=1, keepdims=True)


def quadratic(x, training=False):
    """f(x) = ||x||^2 / 2 per example: grad_x f = x."""
    return 0.5 * tf.reduce_sum(tf.reshape(tf.square(x), [tf.shape(x)[0], -1]), axis=1, keepdims=True)


@pytest.mark.parametrize("shape", [(5, 32), (5, 8, 8, 1)])
def test_gradient_penalty_linear_critic(shape):
    rng = np.random.default_rng(1)
    w = rng.normal(size=shape[1:]).astype(np.float32)
    real, fake = rng.normal(size=shape).astype(np.float32), rng.normal(size=shape).astype(np.float32)
    want = 10.0 * (np.linalg.norm(w) - 1.0) ** 2
    got = L.gradient_penalty(Linear(w), real, fake).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5)
    np.testing.assert_allclose(L.gradient_penalty(Linear(w), real, fake, weight=2.5).numpy(), want / 4, rtol=1e-5)


def test_gradient_penalty_interpolates_per_example():
    rng = np.random.default_rng(2)
    real, fake = rng.normal(size=(6, 4, 3, 1)).astype(np.float32), rng.normal(size=(6, 4, 3, 1)).astype(np.float32)
    alpha = rng.uniform(size=6).astype(np.float32)
    x_hat = alpha[:, None, None, None] * real + (1 - alpha[:, None, None, None]) * fake
    norms = np.linalg.norm(x_hat.reshape(6, -1), axis=1)  # grad of ||x||^2/2 is x
    want = 10.0 * np.mean((norms - 1.0) ** 2)
    np.testing.assert_allclose(L.gradient_penalty(quadratic, real, fake, alpha=alpha).numpy(), want, rtol=1e-5)
    # with an rng, alpha ~ U[0, 1] per example, drawn from that generator
    drawn = tf.random.Generator.from_seed(7).uniform([6]).numpy()
    assert drawn.min() >= 0 and drawn.max() <= 1 and len(set(drawn.tolist())) == 6
    got = L.gradient_penalty(quadratic, real, fake, rng=tf.random.Generator.from_seed(7)).numpy()
    np.testing.assert_allclose(got, L.gradient_penalty(quadratic, real, fake, alpha=drawn).numpy(), rtol=1e-6)
    assert got != pytest.approx(L.gradient_penalty(quadratic, real, fake, alpha=np.ones(6)).numpy())


def test_gradient_penalty_trains_the_critic_and_works_in_tf_function():
    critic = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4, activation="tanh"), keras.layers.Dense(1)])
    real, fake = tf.random.normal([4, 8], seed=1), tf.random.normal([4, 8], seed=2)
    rng = tf.random.Generator.from_seed(3)

    @tf.function
    def grads():
        with tf.GradientTape() as tape:
            gp = L.gradient_penalty(critic, real, fake, rng=rng)
        return gp, tape.gradient(gp, critic.trainable_variables)

    gp, g = grads()
    assert gp.dtype == tf.float32 and float(gp) > 0
    # every weight that shapes grad_x f gets a finite, non-zero gradient (the last bias does not: None)
    first, last = critic.layers
    shaping = {id(first.kernel), id(first.bias), id(last.kernel)}
    assert len(g) == 4
    for v, t in zip(critic.trainable_variables, g):
        if id(v) in shaping:
            assert t is not None and np.isfinite(t.numpy()).all() and float(tf.reduce_sum(tf.abs(t))) > 0, v.path


def test_penalties_under_mixed_precision_are_float32():
    previous = keras.mixed_precision.global_policy()
    try:
        keras.mixed_precision.set_global_policy("mixed_bfloat16")
        critic = keras.Sequential([keras.Input((16,)), keras.layers.Dense(8, activation="relu"),
                                   keras.layers.Dense(1, dtype="float32")])
        real = tf.random.normal([4, 16], seed=4)
        fake = tf.random.normal([4, 16], seed=5)
        gp = L.gradient_penalty(critic, tf.cast(real, tf.bfloat16), fake)
        r1 = L.r1_penalty(critic, tf.cast(real, tf.bfloat16), gamma=1.0)
        assert gp.dtype == tf.float32 and r1.dtype == tf.float32
        assert np.isfinite(gp.numpy()) and np.isfinite(r1.numpy()) and float(r1) > 0
    finally:
        keras.mixed_precision.set_global_policy(previous)


@pytest.mark.parametrize("shape", [(5, 32), (5, 8, 8, 1)])
def test_r1_penalty_against_hand_computed_gradients(shape):
    rng = np.random.default_rng(3)
    w = rng.normal(size=shape[1:]).astype(np.float32)
    real = rng.normal(size=shape).astype(np.float32)
    np.testing.assert_allclose(L.r1_penalty(Linear(w), real, gamma=4.0).numpy(),
                               2.0 * np.sum(w.astype(np.float64) ** 2), rtol=1e-5)
    want = 5.0 * np.mean(np.sum(real.reshape(shape[0], -1).astype(np.float64) ** 2, axis=1))
    np.testing.assert_allclose(L.r1_penalty(quadratic, real).numpy(), want, rtol=1e-5)


def test_feature_matching_against_numpy_and_its_gradient_reaches_only_the_generated_side():
    """Mean over layers of mean |E real - E fake| per unit; zero for equal batch means; no gradient to real."""
    rng = np.random.default_rng(7)
    real = [rng.normal(size=(6, 5)).astype(np.float32), rng.normal(size=(6, 3, 4, 2)).astype(np.float32)]
    fake = [rng.normal(1.0, 2.0, size=(4, 5)).astype(np.float32), rng.normal(size=(4, 3, 4, 2)).astype(np.float32)]
    want = np.mean([np.abs(r.astype(np.float64).mean(0) - f.astype(np.float64).mean(0)).mean()
                    for r, f in zip(real, fake)])
    np.testing.assert_allclose(L.feature_matching(real, fake).numpy(), want, rtol=1e-5)
    shifted = [r - r.mean(0) + f.mean(0) for r, f in zip(real, fake)]  # other clips, same batch means
    assert L.feature_matching(shifted, fake).numpy() == pytest.approx(0.0, abs=1e-6)
    r_var, f_var = tf.Variable(real[0]), tf.Variable(fake[0])
    with tf.GradientTape(persistent=True) as tape:
        value = L.feature_matching([r_var], [f_var])
    assert tape.gradient(value, r_var) is None and tape.gradient(value, f_var) is not None
    assert L.feature_matching([tf.constant(real[0], tf.bfloat16)], [fake[0]]).dtype == tf.float32
    for a, b in (([], []), (real, fake[:1])):
        with pytest.raises(ConfigError, match="same, non-zero number of layers"):
            L.feature_matching(a, b)
