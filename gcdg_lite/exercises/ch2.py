"""Checkers for chapter 2 (Core concepts): the equilibrium of the game, the loss at the equilibrium, a retrained toy.

Each checker returns ``True`` for a correct answer, or a string hint that points at the mistake without
giving the answer away. Registered under ``ch2.1`` .. ``ch2.3`` (labels ``ex-ch2-1`` .. ``ex-ch2-3``).
"""
from __future__ import annotations

import math
from typing import Any

from . import checker
from . import scalar as _scalar

#: radius of the ring the toy generator must learn (chapter 2, section 2.2)
RING_RADIUS = 2.0


@checker("ch2.1", hint="at the equilibrium a real point and a generated point are equally likely at every x; "
                       "what is the best guess a discriminator can make then?")
def _equilibrium_probability(answer: Any) -> bool | str:
    value = _scalar(answer)
    if not math.isfinite(value) or not 0.0 <= value <= 1.0:
        return "D outputs a probability (after the sigmoid), so the answer lies between 0 and 1."
    if abs(value - 0.5) < 0.01:
        return True
    if value > 0.9 or value < 0.1:
        return ("a confident discriminator can only exist while it can tell the two sets apart; "
                "at the equilibrium it cannot.")
    return "not this value; think of the best guess when both hypotheses are equally likely everywhere."


@checker("ch2.2", hint="use the discriminator's half of the GCDG pair, gl.losses.LOSSES['gcdg'].discriminator_loss, "
                       "on logits that are all zero (D = 0.5).")
def _equilibrium_loss(answer: Any) -> bool | str:
    value = _scalar(answer)
    target = math.log(4.0)
    if not math.isfinite(value):
        return "your loss is not finite; pass logits (zeros), not probabilities, to the loss functions."
    if abs(value - target) < 1e-3:
        return True
    if abs(value) < 1e-3:
        return ("that is the source's formula L = gcdg_loss(...), whose two terms cancel at D = 0.5; "
                "the exercise asks for the loss the discriminator actually minimises.")
    if abs(value - math.log(2.0)) < 1e-3:
        return "you counted one of the two terms; the discriminator is scored on real AND generated samples."
    if abs(value + math.log(2.0)) < 1e-3:
        return "that is the generator's loss at the equilibrium; the exercise asks for the discriminator's."
    if abs(value - 2.0 * 0.5) < 1e-3:
        return "did you pass probabilities (0.5) where the loss expects logits?"
    return "not this value; the loss takes logits of shape (batch, 1) for real and for generated points."


@checker("ch2.3", hint="retrain the toy with the 'non_saturating' loss for the chapter's number of steps, then "
                       "take the mean distance from the origin of a few thousand generated points.")
def _retrained_radius(answer: Any) -> bool | str:
    value = _scalar(answer)
    if not math.isfinite(value) or value < 0.0:
        return "a mean distance from the origin is a finite, non-negative number."
    if abs(value - RING_RADIUS) < 0.35:
        return True
    if value < 1.0:
        return ("the generated points are still near the origin: did the training loop run, and did it "
                "update the generator with the new loss?")
    return ("the points did not settle on the ring; check that you measured the distance from the origin "
            "(not the squared distance) and trained for the chapter's number of steps.")
