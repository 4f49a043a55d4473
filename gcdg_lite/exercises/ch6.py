"""Checkers for chapter 6 (FAQ): the GCDG-minimax constant, the matching game, the optimal discriminator.

Each checker returns ``True`` or a hint that points at the mistake without giving the answer.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import checker

_LX = np.array([2.0, -1.0, 0.5, 3.0])


def _softplus(x: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, x)


@checker("ch6.1", hint="write both losses out: the generated-clip terms cancel, and what is left is the "
                       "mean over real clips of -log D(x), with D = sigmoid(logit).")
def _constant(answer: Any) -> bool | str:
    got = float(answer)
    want = float(np.mean(_softplus(-_LX)))          # -E log sigmoid(l_x)
    if abs(got - want) < 1e-4:
        return True
    if abs(got + want) < 1e-4:
        return "right size, wrong sign: the source's loss starts with MINUS E log D(x)."
    if abs(got - float(np.sum(_softplus(-_LX)))) < 1e-4:
        return "that is a sum over the four clips; the loss uses the mean."
    if abs(got - float(np.mean(-np.log(_LX.clip(1e-9, None))))) < 1e-3 or abs(got - float(np.mean(_softplus(_LX)))) < 1e-4:
        return "the logits are not probabilities: D(x) = sigmoid(l_x), and -log sigmoid(l) = softplus(-l)."
    return False


@checker("ch6.2", hint="compare the generator and discriminator losses of each entry with gcdg's on the same "
                       "random logits; only one other entry matches both.")
def _same_game(answer: Any) -> bool | str:
    name = str(answer).strip().lower()
    if name == "minimax":
        return True
    if name == "gcdg":
        return "that is gcdg itself; the question asks for another entry."
    if name == "non_saturating":
        return ("close: same discriminator loss, but its generator loss -E log D(G(z)) has a different "
                "gradient, though the same fixed point.")
    if name in ("wgan_gp", "hinge"):
        return "those games do not use log D at all; compare their formulas with gcdg's."
    return "answer with one of the names in gl.losses.LOSSES."


@checker("ch6.3", hint="D* is the share of the density at x that comes from the data.")
def _optimal_d(answer: Any) -> bool | str:
    got = float(answer)
    if abs(got - 0.75) < 1e-6:
        return True
    if abs(got - 0.25) < 1e-6:
        return "you computed p_G / (p_data + p_G), the probability that x was generated."
    if abs(got - 3.0) < 1e-6:
        return "that is a ratio of the two densities; D* divides by their sum."
    if not 0.0 <= got <= 1.0:
        return "D* is a probability, between 0 and 1."
    return False
