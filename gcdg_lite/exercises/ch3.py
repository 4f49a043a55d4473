"""Checkers for chapter 3 (Algorithm and maths): the optimal discriminator, the WGAN-GP penalty, a stable log(1 - D).

Every answer is a function, which the checker calls on inputs of its own choosing (other parameters,
far tails, other input shapes), so a number copied from the page cannot pass. Each checker returns
``True`` for a correct answer, or a string hint that names the mistake without giving the answer away.
Registered under ``ch3.1`` .. ``ch3.3`` (labels ``ex-ch3-1`` .. ``ex-ch3-3``).
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from . import checker, fresh_rng
from ._limits import run

# ---------------------------------------------------------------------------------------------- ch3.1

#: (mu_data, sd_data, mu_g, sd_g) of the Gaussians the ch3.1 checker tries: equal and unequal widths
D_STAR_CASES = ((2.0, 1.0, 0.0, 1.0), (1.0, 0.5, -0.5, 1.0), (0.0, 2.0, 1.0, 0.3), (-1.0, 0.7, 3.0, 0.7))
#: where ch3.1 evaluates: the bulk, and two far points where both densities underflow to 0 in float64
D_STAR_BULK = np.linspace(-4.0, 5.0, 37)
D_STAR_FAR = np.array([-60.0, 60.0])


def _log_normal(x: np.ndarray, mu: float, sd: float) -> np.ndarray:
    return -0.5 * ((x - mu) / sd) ** 2 - math.log(sd * math.sqrt(2.0 * math.pi))


def _sigmoid(u: np.ndarray) -> np.ndarray:
    from scipy.special import expit

    return expit(u)


def _d_star_reference(x: np.ndarray, mu_d: float, sd_d: float, mu_g: float, sd_g: float,
                      normalised: bool = True) -> np.ndarray:
    """sigmoid(log p_data - log p_g): D* without ever forming the densities themselves."""
    lp, lq = _log_normal(x, mu_d, sd_d), _log_normal(x, mu_g, sd_g)
    if not normalised:  # the mistake of dropping 1 / (sd sqrt(2 pi))
        lp, lq = lp + math.log(sd_d), lq + math.log(sd_g)
    return _sigmoid(lp - lq)


def _call_elementwise(fn: Callable, x: np.ndarray, *args: float) -> np.ndarray:
    with np.errstate(all="ignore"):
        out = np.asarray(fn(x.copy(), *args), dtype=np.float64)
    if out.shape != x.shape:
        out = out.reshape(-1)
        if out.shape != x.shape:
            raise ValueError(f"one value per x (shape {x.shape}) was expected, got shape {np.shape(out)}")
    return out


@checker("ch3.1", hint="D*(x) = p_data(x) / (p_data(x) + p_g(x)); write it as a function of x (a NumPy array) and "
                       "of the two Gaussians' means and standard deviations.",
         refuse=("gcdg_lite.exercises.ch3._d_star_reference",))
def _optimal_discriminator(answer: Any) -> bool | str:
    if not callable(answer):
        return ("the answer is a function, d_star(x, mu_data, sd_data, mu_g, sd_g), not a number: the checker "
                "calls it on Gaussians and points of its own.")
    rng = fresh_rng()   # points of this check only, among the fixed ones: no table of values can pass
    x = np.concatenate([D_STAR_BULK, rng.uniform(-4.0, 5.0, 12), D_STAR_FAR])
    bulk = np.arange(len(x)) < len(x) - len(D_STAR_FAR)
    try:
        outs = [_call_elementwise(answer, x, *case) for case in D_STAR_CASES]
    except Exception as exc:  # the student's function failed on an input of ours
        return (f"calling d_star(x, mu_data, sd_data, mu_g, sd_g) with x a NumPy array raised {type(exc).__name__}: "
                f"{str(exc).rstrip('.')}. Use NumPy functions (np.exp, np.log), which work elementwise.")
    refs = [_d_star_reference(x, *case) for case in D_STAR_CASES]

    def near(values, targets, where=slice(None)):
        return all(np.allclose(v[where], t[where], atol=1e-6, rtol=1e-6) for v, t in zip(values, targets))

    if near(outs, refs):
        return True
    if near(outs, [1.0 - r for r in refs], bulk):
        return "this is the probability that x came from the generator; which density belongs on top?"
    if all(np.isfinite(o[bulk]).all() for o in outs) and any((o[bulk] > 1 + 1e-9).any() for o in outs):
        return "D*(x) is a probability, between 0 and 1: divide p_data by the SUM of the two densities."
    unnormalised = [_d_star_reference(x, *case, normalised=False) for case in D_STAR_CASES]
    if near(outs, unnormalised, bulk):
        return ("right when the two Gaussians have the same width, wrong when they do not: a density's "
                "normalising factor 1 / (sd sqrt(2 pi)) depends on its width, so it does not cancel.")
    as_variances = [_d_star_reference(x, mu_d, math.sqrt(sd_d), mu_g, math.sqrt(sd_g))
                    for mu_d, sd_d, mu_g, sd_g in D_STAR_CASES]
    if near(outs, as_variances, bulk):
        return "the arguments are standard deviations, not variances: N(mu, sd^2)."
    if near(outs, refs, bulk):
        bad = [f"{v:g}" for v in D_STAR_FAR if not all(np.isclose(o[x == v], r[x == v], atol=1e-6).all()
                                                           for o, r in zip(outs, refs))]
        return (f"right where the data are, but wrong or nan far out (x = {', '.join(bad)}), where both densities "
                "round to 0 and p / (p + q) becomes 0 / 0. Their ratio is still well defined: work with "
                "log-densities, which stay finite there.")
    first = next(i for i, (o, r) in enumerate(zip(outs, refs))
                 if not np.allclose(o[bulk], r[bulk], atol=1e-6, rtol=1e-6))
    return (f"not D* yet: for (mu_data, sd_data, mu_g, sd_g) = {D_STAR_CASES[first]} your values differ from "
            "p_data / (p_data + p_g). Test your function on a case you can do by hand, e.g. a point where both "
            "densities are equal.")


# ---------------------------------------------------------------------------------------------- ch3.2

#: the critics' input shapes ch3.2 tries (waves, wider waves, spectrogram-like images), batch 6
GP_SHAPES = ((6, 1), (6, 8), (6, 4, 3, 1))


class _TinyCritic:
    """A fixed random critic f(x) = v . tanh(W flatten(x) + c) + 0.3 |x|^2, callable like a Keras model."""

    def __init__(self, shape: tuple[int, ...], seed: int):
        import tensorflow as tf

        rng = np.random.default_rng(seed)
        n_in = int(np.prod(shape[1:]))
        self.W = tf.Variable(rng.normal(0.0, 1.5, (n_in, 5)), dtype=tf.float32, name="W")
        self.c = tf.Variable(rng.normal(0.0, 0.5, (5,)), dtype=tf.float32, name="c")
        self.v = tf.Variable(rng.normal(0.0, 1.0, (5, 1)), dtype=tf.float32, name="v")
        self.trainable_variables = [self.W, self.c, self.v]

    def __call__(self, x, training=None):
        import tensorflow as tf

        x = tf.cast(x, tf.float32)
        flat = tf.reshape(x, [tf.shape(x)[0], -1])
        return tf.tanh(flat @ self.W + self.c) @ self.v + 0.3 * tf.reduce_sum(flat ** 2, axis=1, keepdims=True)


def _gp_cases():
    """``[(critic, real, fake, alpha)]`` for each of :data:`GP_SHAPES`, with fixed seeds.

    Fixed on purpose: these draws make every usual wrong penalty differ from WGAN-GP's on some case (the
    tests check it), which a fresh draw does not always do (all norms above 1 make the one-sided penalty
    equal the two-sided one). Knowing them gives nothing away: the expected values come from
    ``gl.losses.gradient_penalty``, which the checker refuses as an answer, and are computed after the
    answer has run, in another thread than the answer's.
    """
    import tensorflow as tf

    cases = []
    for k, shape in enumerate(GP_SHAPES):
        rng = np.random.default_rng(100 + k)
        real = tf.constant(rng.normal(0.5, 1.0, shape), tf.float32)
        fake = tf.constant(rng.normal(-0.5, 1.0, shape), tf.float32)
        alpha = tf.constant(rng.uniform(0.05, 0.95, shape[0]), tf.float32)
        cases.append((_TinyCritic(shape, seed=k), real, fake, alpha))
    return cases


def _input_grads(critic, points):
    """grad_x critic at ``points``, flattened per example: float64 NumPy ``(batch, features)``."""
    import tensorflow as tf

    with tf.GradientTape() as tape:
        tape.watch(points)
        total = tf.reduce_sum(critic(points))
    g = tape.gradient(total, points).numpy().reshape(points.shape[0], -1).astype(np.float64)
    return g


def _variants(critic, real, fake, alpha, weight):
    """The usual wrong penalties (name -> value), to recognise a student's mistake by its value."""
    shape = [-1] + [1] * (len(real.shape) - 1)
    a = alpha.numpy().reshape(shape)
    x_hat = a * real.numpy() + (1 - a) * fake.numpy()
    import tensorflow as tf

    g = _input_grads(critic, tf.constant(x_hat, tf.float32))
    norm = np.sqrt((g ** 2).sum(axis=1))
    g_real = _input_grads(critic, real)
    swapped = (1 - a) * real.numpy() + a * fake.numpy()
    g_swap = _input_grads(critic, tf.constant(swapped, tf.float32))
    return {
        "squared norm": weight * np.mean((norm ** 2 - 1) ** 2),
        "no minus one": weight * np.mean(norm ** 2),
        "one-sided": weight * np.mean(np.maximum(norm - 1, 0) ** 2),
        "one norm for the batch": weight * (np.sqrt((g ** 2).sum()) - 1) ** 2,
        "at the real clips": weight * np.mean((np.sqrt((g_real ** 2).sum(axis=1)) - 1) ** 2),
        "alpha on the fake clips": weight * np.mean((np.sqrt((g_swap ** 2).sum(axis=1)) - 1) ** 2),
        "L1 norm": weight * np.mean((np.abs(g).sum(axis=1) - 1) ** 2),
        "sum over examples": weight * np.sum((norm - 1) ** 2),
        "no weight": np.mean((norm - 1) ** 2),
    }


_GP_HINTS = {
    "squared norm": "you penalise the squared norm; the penalty is on the norm itself, (||grad|| - 1)^2.",
    "no minus one": "your penalty is smallest for a flat critic; WGAN-GP wants slope 1, not 0.",
    "one-sided": "your penalty ignores gradients shorter than 1; WGAN-GP's two-sided penalty pulls them up too.",
    "one norm for the batch": "you take one norm over the whole batch; each example gets its own gradient norm.",
    "at the real clips": "the gradient is taken at the wrong points: evaluate it at the interpolates x_hat, "
                         "between a real and a generated example.",
    "alpha on the fake clips": "alpha weights the wrong example: x_hat = alpha * real + (1 - alpha) * fake.",
    "L1 norm": "use the Euclidean (L2) norm of each example's gradient, not the sum of absolute values.",
    "sum over examples": "average the per-example penalties over the batch instead of summing them.",
    "no weight": "the penalty is multiplied by its weight lambda (the `weight` argument).",
}


@checker("ch3.2", hint="check your function one step at a time on a batch of one example: the interpolate, the "
                       "critic's gradient there (a tape inside the tape), its norm, the penalty.",
         refuse=("gcdg_lite.losses.gradient_penalty",))
def _gradient_penalty(answer: Any) -> bool | str:
    import tensorflow as tf

    from ..losses import gradient_penalty

    if not callable(answer):
        return "the answer is a function, penalty(critic, real, fake, alpha, weight), not a number."

    def taped(critic: Any, real: Any, fake: Any, alpha: Any, weight: float) -> tuple[Any, Any]:
        """The answer's penalty and its gradient w.r.t. the critic's weights (the tape in the answer's thread)."""
        with tf.GradientTape() as tape:
            got = answer(critic, real, fake, alpha, weight)
        grads = tape.gradient(got, critic.trainable_variables) if tf.is_tensor(got) else None
        return got, grads

    for critic, real, fake, alpha in _gp_cases():
        for weight in (10.0, 1.0):
            try:
                got, g_got = run(taped, critic, real, fake, alpha, weight)
            except Exception as exc:
                return (f"for inputs of shape {tuple(real.shape)} your function raised {type(exc).__name__}: "
                        f"{str(exc).rstrip('.')}. If that is about shapes: alpha has one value per example; "
                        "reshape it to (batch, 1, ...) so that it broadcasts over the other axes.")
            got_value = np.asarray(got.numpy() if hasattr(got, "numpy") else got, dtype=np.float64)
            if got_value.size != 1:
                return (f"return one number (the batch mean), not an array of shape {got_value.shape}.")
            got_value = float(got_value.reshape(()))
            with tf.GradientTape() as tape:   # the reference, computed after the answer has run
                want = gradient_penalty(critic, real, fake, weight=weight, alpha=alpha)
            g_want = tape.gradient(want, critic.trainable_variables)
            if not math.isclose(got_value, float(want), rel_tol=1e-3, abs_tol=1e-5):
                wrong = _variants(critic, real, fake, alpha, weight)
                for name, value in wrong.items():
                    if math.isclose(got_value, value, rel_tol=1e-3, abs_tol=1e-5):
                        return _GP_HINTS[name]
                return (f"for inputs of shape {tuple(real.shape)} and weight {weight:g} your penalty is "
                        f"{got_value:.5g}, which is not WGAN-GP's. Check each step on a batch of one example.")
            if not tf.is_tensor(got):
                return ("the value is right, but it is not a TensorFlow tensor, so no gradient reaches the critic's "
                        "weights and the penalty could not train it: keep every step in TensorFlow.")
            if g_got is None or any(g is None for g in g_got):
                return ("the value is right, but no gradient flows from it to the critic's weights "
                        "(a .numpy() or tf.stop_gradient somewhere?): the penalty must be able to train the critic.")
            if not all(np.allclose(a.numpy(), b.numpy(), rtol=1e-3, atol=1e-5) for a, b in zip(g_got, g_want)):
                return ("the value is right, but its gradient with respect to the critic's weights is not: "
                        "compute the input gradient inside the outer tape (a nested tape), without stop_gradient.")
    return True


# ---------------------------------------------------------------------------------------------- ch3.3

#: logits ch3.3 always tries, float32, and how many more it draws at random from [-100, 100]
STABLE_LOGITS = np.array([-100.0, -30.0, -10.0, -1.0, 0.0, 1.0, 10.0, 20.0, 30.0, 60.0, 100.0], dtype=np.float32)
STABLE_RANDOM = 200


@checker("ch3.3", hint="1 - sigmoid(l) rounds to exactly 0 in float32 for large logits; find an expression "
                       "for log(1 - sigmoid(l)) that never forms sigmoid(l) first (this chapter's stable "
                       "logits section shows the identity).",
         refuse=("gcdg_lite.losses.log_one_minus_d",))
def _stable_log_one_minus_d(answer: Any) -> bool | str:
    if not callable(answer):
        return "the answer should be a function: answer = my_function (without calling it)."
    rng = fresh_rng()
    logits = np.concatenate([STABLE_LOGITS, rng.uniform(-100, 100, STABLE_RANDOM).astype(np.float32)])
    with np.errstate(all="ignore"):
        out = np.asarray(answer(logits.copy()), dtype=np.float64).reshape(-1)
    if out.shape != logits.shape:
        return f"your function should return one value per logit (shape {logits.shape}), got shape {out.shape}."
    l64 = logits.astype(np.float64)
    ref = -np.logaddexp(0.0, l64)
    finite = np.isfinite(out)
    if not finite.all():
        if finite[l64 < 1].all() and not finite[l64 > 1].any():
            return ("your function breaks for every logit above 1: it treats its input as a probability D. "
                    "The input is a logit, any real number, and D = sigmoid(l).")
        bad = ", ".join(f"{v:g}" for v in STABLE_LOGITS[~finite[:len(STABLE_LOGITS)]])
        where = "large positive" if (l64[~finite] > 0).all() else "some"
        return (f"your function is not finite at {where} logits ({bad}): an exp overflows or a log gets 0 there.")
    if np.all(out >= -1e-6) and np.any(out > 1e-3):
        return "log(1 - D) is never positive; check the sign."
    if np.allclose(out, -np.logaddexp(0.0, -l64), rtol=1e-4, atol=1e-4):
        return "this is log D, not log(1 - D): which of the two goes to 0 for very negative logits?"
    if np.allclose(out, ref, rtol=1e-4, atol=1e-4):
        return True
    high = l64 >= 20
    if np.ptp(out[high]) < 0.5 * np.ptp(ref[high]):
        return (f"your function levels off near {np.median(out[high]):.3g} for large logits, where log(1 - sigmoid(l)) "
                "keeps falling (about -l): a small epsilon or a clip inside the log does this. It also makes the "
                "slope there 0 instead of -1, so a discriminator trained with it gets no gradient from the clips "
                "it is most wrong about.")
    worst = float(l64[int(np.argmax(np.abs(out - ref)))])
    return f"finite everywhere, but not accurate enough; the largest error is at logit {worst:g}."
