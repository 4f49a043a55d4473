"""Checkers for chapter 3 (Algorithm and maths): the optimal discriminator, the JSD identity, the stable logits form.

Each checker returns ``True`` for a correct answer, or a string hint that points at the mistake without
giving the answer away. Registered under ``ch3.1`` .. ``ch3.3`` (labels ``ex-ch3-1`` .. ``ex-ch3-3``).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import checker
from . import scalar as _scalar

#: the two Gaussians of exercises 3.1 and 3.2: p_data = N(2, 1), p_g = N(0, 1)
MU_DATA, SD_DATA, MU_G, SD_G = 2.0, 1.0, 0.0, 1.0
#: where exercise 3.1 evaluates the optimal discriminator
X_31 = 1.5


def _npdf(x: np.ndarray | float, mu: float, sd: float) -> np.ndarray:
    """Normal density N(mu, sd^2) at ``x``."""
    x = np.asarray(x, dtype=np.float64)
    return np.exp(-0.5 * ((x - mu) / sd) ** 2) / (sd * math.sqrt(2.0 * math.pi))


def _d_star(x: float) -> float:
    p, q = _npdf(x, MU_DATA, SD_DATA), _npdf(x, MU_G, SD_G)
    return float(p / (p + q))


def _jsd_nats() -> float:
    """JSD(p_data || p_g) in nats by quadrature on a fine grid."""
    x = np.linspace(-15.0, 17.0, 400_001)
    dx = x[1] - x[0]
    p, q = _npdf(x, MU_DATA, SD_DATA), _npdf(x, MU_G, SD_G)
    m = 0.5 * (p + q)
    with np.errstate(divide="ignore", invalid="ignore"):
        kl_p = np.where(p > 0, p * np.log(p / m), 0.0)
        kl_q = np.where(q > 0, q * np.log(q / m), 0.0)
    return float(0.5 * (kl_p.sum() + kl_q.sum()) * dx)


@checker("ch3.1", hint="D*(x) is a ratio of two densities evaluated at the same x; "
                       "write both Gaussian densities out and divide.")
def _optimal_discriminator(answer: Any) -> bool | str:
    value = _scalar(answer)
    target = _d_star(X_31)
    if not math.isfinite(value) or value < 0.0 or value > 1.0:
        return "D*(x) is a probability, so it lies between 0 and 1; check what you divided by what."
    if abs(value - target) < 2e-3:
        return True
    if abs(value - (1.0 - target)) < 2e-3:
        return "close, but this is the probability that x came from the generator; which density belongs on top?"
    if abs(value - 0.5) < 2e-3:
        return "0.5 is the answer only where both densities are equal; at x = 1.5 they are not."
    return "not this value; evaluate N(x; 2, 1) and N(x; 0, 1) at x = 1.5 (including the 1/sqrt(2 pi) factors) and form the ratio."


@checker("ch3.2", hint="at the optimal discriminator, V(D*, G) = -log 4 + 2 JSD; estimate V(D*, G) "
                       "(by quadrature or with a trained D) and solve for the JSD.")
def _jsd(answer: Any) -> bool | str:
    value = _scalar(answer)
    target = _jsd_nats()
    if not math.isfinite(value):
        return "your answer is not a finite number; look for a log of 0 in the tails of the densities."
    if value < 0.0:
        return "a Jensen-Shannon divergence is never negative; check the sign of -log 4 in the identity."
    if abs(value - target) < 0.01:
        return True
    if abs(value - 2.0 * target) < 0.01:
        return "you are off by a factor: the identity has 2 JSD, not JSD."
    if abs(value - target / math.log(2.0)) < 0.01:
        return "that looks like bits; the book measures divergences in nats (natural logarithms)."
    if value > math.log(2.0) + 1e-9:
        return "the JSD in nats is at most log 2 (about 0.693); something grew too large."
    return "not within 0.01 of the JSD; if you integrated numerically, use a wider or finer grid."


@checker("ch3.3", hint="1 - sigmoid(l) rounds to exactly 0 in float32 for large logits; find an expression "
                       "for log(1 - sigmoid(l)) that never forms sigmoid(l) first (this chapter's stable "
                       "logits section shows the identity).")
def _stable_log_one_minus_d(answer: Any) -> bool | str:
    if not callable(answer):
        return "the answer should be a function: answer = my_function (without calling it)."
    logits = np.array([-100.0, -30.0, -10.0, -1.0, 0.0, 1.0, 10.0, 30.0, 100.0], dtype=np.float32)
    out = np.asarray(answer(logits), dtype=np.float64).reshape(-1)
    if out.shape != logits.shape:
        return f"your function should return one value per logit (shape {logits.shape}), got shape {out.shape}."
    ref = -np.logaddexp(0.0, logits.astype(np.float64))
    if not np.all(np.isfinite(out)):
        bad = ", ".join(f"{l:g}" for l in logits[~np.isfinite(out)])
        return f"your function is not finite at logits {bad}; it still overflows or takes log(0) there."
    if np.all(out >= -1e-6) and np.any(out > 1e-3):
        return "log(1 - D) is never positive; check the sign."
    if np.allclose(out, -np.logaddexp(0.0, -logits.astype(np.float64)), rtol=1e-4, atol=1e-4):
        return "this is log D, not log(1 - D): which of the two goes to 0 for very negative logits?"
    if np.allclose(out, ref, rtol=1e-4, atol=1e-4):
        return True
    worst = float(logits[int(np.argmax(np.abs(out - ref)))])
    return f"finite everywhere, but not accurate enough; the largest error is at logit {worst:g}."
