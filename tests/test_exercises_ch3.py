"""Chapter 3 checkers: a correct answer (written here independently) passes; the mistakes students make are
rejected with a hint that names the mistake and does not contain the answer."""
import math

import numpy as np
import pytest
import tensorflow as tf

from gcdg_lite import losses
from gcdg_lite.exercises import ch3
from _checker_helpers import _verdict


# ------------------------------------------------------------------------------------------ ch3.1 D*(x)

def _log_pdf(x, mu, sd):
    return -0.5 * ((x - mu) / sd) ** 2 - np.log(sd * np.sqrt(2 * np.pi))


def _pdf(x, mu, sd):
    return np.exp(_log_pdf(x, mu, sd))


def d_star_log_space(x, mu_data, sd_data, mu_g, sd_g):
    return 1.0 / (1.0 + np.exp(_log_pdf(x, mu_g, sd_g) - _log_pdf(x, mu_data, sd_data)))


D_STAR_WRONG = {
    "typed number": (0.7310585786300049, "not a number"),
    "naive ratio": (lambda x, md, sd, mg, sg: _pdf(x, md, sd) / (_pdf(x, md, sd) + _pdf(x, mg, sg)), "log-densities"),
    "swapped": (lambda x, md, sd, mg, sg: _pdf(x, mg, sg) / (_pdf(x, md, sd) + _pdf(x, mg, sg)), "generator"),
    "ratio, not share": (lambda x, md, sd, mg, sg: _pdf(x, md, sd) / _pdf(x, mg, sg), "SUM"),
    "no normalisation": (lambda x, md, sd, mg, sg: 1 / (1 + np.exp(-0.5 * ((x - mg) / sg) ** 2 + 0.5 * ((x - md) / sd) ** 2)),
                         "normalising factor"),
    "variances": (lambda x, md, sd, mg, sg: d_star_log_space(x, md, np.sqrt(sd), mg, np.sqrt(sg)), "not variances"),
    "scalar only": (lambda x, md, sd, mg, sg: math.exp(_log_pdf(float(x), md, sd)), "raised"),
    "constant half": (lambda x, md, sd, mg, sg: np.full_like(x, 0.5), "not D* yet"),
}


def test_d_star_accepts_a_log_space_function(capsys):
    ok, out = _verdict("ch3.1", d_star_log_space, capsys)
    assert ok and out.strip() == "correct"


@pytest.mark.parametrize("kind", list(D_STAR_WRONG))
def test_d_star_rejects_each_mistake_with_its_hint(capsys, kind):
    answer, needle = D_STAR_WRONG[kind]
    ok, out = _verdict("ch3.1", answer, capsys)
    assert not ok and needle in out, out
    assert "sigmoid(log" not in out and "0.731" not in out  # the hint names the mistake, not the answer


# ------------------------------------------------------------------------------------------ ch3.2 WGAN-GP

def _broadcast(alpha, real):
    return tf.reshape(alpha, [-1] + [1] * (len(real.shape) - 1))


def _grad_norms(critic, points, l1=False):
    with tf.GradientTape() as inner:
        inner.watch(points)
        total = tf.reduce_sum(critic(points))
    g = tf.reshape(inner.gradient(total, points), [tf.shape(points)[0], -1])
    return tf.reduce_sum(tf.abs(g), 1) if l1 else tf.sqrt(tf.reduce_sum(g ** 2, 1))


def penalty(critic, real, fake, alpha, weight=10.0):
    a = _broadcast(alpha, real)
    x_hat = a * real + (1 - a) * fake
    return weight * tf.reduce_mean((_grad_norms(critic, x_hat) - 1.0) ** 2)


def _variant(kind):
    def fn(critic, real, fake, alpha, weight=10.0):
        a = _broadcast(alpha, real)
        x_hat = a * real + (1 - a) * fake
        if kind == "squared norm":
            return weight * tf.reduce_mean((_grad_norms(critic, x_hat) ** 2 - 1.0) ** 2)
        if kind == "no minus one":
            return weight * tf.reduce_mean(_grad_norms(critic, x_hat) ** 2)
        if kind == "one-sided":
            return weight * tf.reduce_mean(tf.nn.relu(_grad_norms(critic, x_hat) - 1.0) ** 2)
        if kind == "at real":
            return weight * tf.reduce_mean((_grad_norms(critic, real) - 1.0) ** 2)
        if kind == "swapped alpha":
            return weight * tf.reduce_mean((_grad_norms(critic, a * fake + (1 - a) * real) - 1.0) ** 2)
        if kind == "L1":
            return weight * tf.reduce_mean((_grad_norms(critic, x_hat, l1=True) - 1.0) ** 2)
        if kind == "sum":
            return weight * tf.reduce_sum((_grad_norms(critic, x_hat) - 1.0) ** 2)
        if kind == "no weight":
            return tf.reduce_mean((_grad_norms(critic, x_hat) - 1.0) ** 2)
        if kind == "per example":
            return weight * (_grad_norms(critic, x_hat) - 1.0) ** 2
        if kind == "batch norm":
            with tf.GradientTape() as inner:
                inner.watch(x_hat)
                total = tf.reduce_sum(critic(x_hat))
            return weight * (tf.norm(inner.gradient(total, x_hat)) - 1.0) ** 2
        if kind == "numpy":
            return float(penalty(critic, real, fake, alpha, weight).numpy())
        if kind == "stop gradient":
            return tf.stop_gradient(penalty(critic, real, fake, alpha, weight))
        if kind == "alpha not reshaped":
            x_bad = alpha * real + (1 - alpha) * fake
            return weight * tf.reduce_mean((_grad_norms(critic, x_bad) - 1.0) ** 2)
        raise AssertionError(kind)
    return fn


def wraps_the_package(critic, real, fake, alpha, weight=10.0):
    return losses.gradient_penalty(critic, real, fake, weight=weight, alpha=alpha)


GP_WRONG = {
    "squared norm": "squared norm", "no minus one": "slope 1, not 0", "one-sided": "two-sided",
    "at real": "interpolates", "swapped alpha": "alpha weights the wrong", "L1": "L2", "sum": "average",
    "no weight": "weight lambda", "per example": "one number", "batch norm": "one norm over the whole batch",
    "numpy": "not a TensorFlow tensor", "stop gradient": "no gradient flows", "alpha not reshaped": "reshape it",
}


def test_gradient_penalty_rejects_the_package_itself(capsys):
    for answer in (losses.gradient_penalty, wraps_the_package):
        ok, out = _verdict("ch3.2", answer, capsys)
        assert not ok and "write it yourself" in out and "gl.losses.gradient_penalty" in out


def test_gradient_penalty_accepts_an_independent_implementation(capsys):
    ok, out = _verdict("ch3.2", penalty, capsys)
    assert ok, out


@pytest.mark.parametrize("kind", list(GP_WRONG))
def test_gradient_penalty_rejects_each_mistake_with_its_hint(capsys, kind):
    ok, out = _verdict("ch3.2", _variant(kind), capsys)
    assert not ok and GP_WRONG[kind] in out, out


def test_gradient_penalty_rejects_a_number(capsys):
    ok, out = _verdict("ch3.2", 0.123, capsys)
    assert not ok and "function" in out


def test_the_test_critics_separate_the_variants():
    """Every wrong variant differs from the penalty on some case (L1 = L2 in one dimension, so not on every
    case): the checker's critics are not too tame."""
    differs = {}
    for critic, real, fake, alpha in ch3._gp_cases():
        right = float(losses.gradient_penalty(critic, real, fake, weight=10.0, alpha=alpha))
        for name, value in ch3._variants(critic, real, fake, alpha, 10.0).items():
            differs[name] = differs.get(name, False) or not math.isclose(value, right, rel_tol=1e-2)
    assert all(differs.values()), differs


# ------------------------------------------------------------------------------------------ ch3.3 log(1 - D)

def stable(l):
    l = np.asarray(l, dtype=np.float64)
    return -(np.maximum(l, 0.0) + np.log1p(np.exp(-np.abs(l))))


LOG1MD_WRONG = {
    "naive": (lambda l: np.log(1.0 - 1.0 / (1.0 + np.exp(-l))), "not finite"),
    "epsilon hack": (lambda l: np.log(1.0 - 1.0 / (1.0 + np.exp(-l.astype(np.float64))) + 1e-7), "epsilon"),
    "clip hack": (lambda l: np.log(np.clip(1.0 - 1.0 / (1.0 + np.exp(-l.astype(np.float64))), 1e-7, 1.0)), "clip"),
    "overflowing softplus": (lambda l: -np.log1p(np.exp(l)), "large positive"),
    "probability for logit": (lambda l: np.log(1.0 - l), "probability"),
    "sign": (lambda l: -stable(l), "sign"),
    "log D": (lambda l: stable(-l), "log D, not"),
    "relu only": (lambda l: -np.maximum(l, 0.0), "not accurate enough"),
    "the package": (losses.log_one_minus_d, "write it yourself"),
    "a number": (-100.0, "function"),
}


def test_log_one_minus_d_accepts_a_stable_function(capsys):
    ok, out = _verdict("ch3.3", stable, capsys)
    assert ok, out


@pytest.mark.parametrize("kind", list(LOG1MD_WRONG))
def test_log_one_minus_d_rejects_each_mistake_with_its_hint(capsys, kind):
    answer, needle = LOG1MD_WRONG[kind]
    ok, out = _verdict("ch3.3", answer, capsys)
    assert not ok and needle in out, out
    assert "log1p" not in out and "maximum" not in out
