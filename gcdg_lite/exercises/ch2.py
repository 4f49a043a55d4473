"""Checkers for chapter 2 (Core concepts): a repaired alternating step, a progress score for the ring, a retrained toy.

Every answer is an object the checker runs: a training-step function (tried on the checker's own small
models, inputs and losses, and compared with a correct step and with every combination of the listing's
bugs), a scoring function (tried on point sets built for each way the toy can fail), or the result of a
training run (its generator sampled with the checker's own noise, its loss history inspected). A typed-in
number cannot pass. Each checker returns ``True``, or a string hint that names the mistake without giving
the repair away. Registered under ``ch2.1`` .. ``ch2.3`` (labels ``ex-ch2-1`` .. ``ex-ch2-3``).
"""
from __future__ import annotations

import itertools
import math
from typing import Any, Callable

import numpy as np

from . import as_function, checker, fresh_rng
from . import scalar as _scalar

#: radius of the ring the toy generator must learn (chapter 2, section 2.2)
RING_RADIUS = 2.0
#: ch2.2: how much worse than the worst draw of the ring (a fraction of its score) a failure must score
RING_MARGIN = 0.25
#: the bugs of the listing in exercise ch2.1, in the order the hints name them
STEP_BUGS = ("probabilities", "generator_moves_d", "reused_noise", "generator_first", "generator_ascends")


# ----------------------------------------------------------------------------------------------
# ch2.1 — find the bugs in an alternating step
# ----------------------------------------------------------------------------------------------

def _toy_players(seed: int) -> tuple[Any, Any, list[np.ndarray], list[np.ndarray]]:
    """A small G (3 -> 8 -> 2) and D (2 -> 8 -> 1, a logit) and their initial weights (numpy, fixed seed)."""
    import keras

    G = keras.Sequential([keras.Input((3,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(2)])
    D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(1)])
    rng = np.random.default_rng(seed)
    w_g = [rng.normal(0, 0.6, w.shape).astype(np.float32) for w in G.get_weights()]
    w_d = [rng.normal(0, 0.6, w.shape).astype(np.float32) for w in D.get_weights()]
    return G, D, w_g, w_d


def _reference_step(G: Any, D: Any, opt_g: Any, opt_d: Any, spec: Any, x: Any, z_d: Any, z_g: Any,
                    bugs: frozenset[str] = frozenset()) -> tuple[float, float]:
    """A correct alternating step, or one with the named :data:`STEP_BUGS` put back in."""
    import tensorflow as tf

    def d_half() -> float:
        with tf.GradientTape() as tape:
            real, fake = D(x), D(G(z_d))
            if "probabilities" in bugs:
                real, fake = tf.sigmoid(real), tf.sigmoid(fake)
            loss = spec.discriminator_loss(real, fake)
        opt_d.apply_gradients(zip(tape.gradient(loss, D.trainable_variables), D.trainable_variables))
        return float(loss)

    def g_half() -> float:
        z = z_d if "reused_noise" in bugs else z_g
        with tf.GradientTape() as tape:
            loss = spec.generator_loss(D(G(z)))
            objective = -loss if "generator_ascends" in bugs else loss
        if "generator_moves_d" in bugs:
            opt_d.apply_gradients(zip(tape.gradient(objective, D.trainable_variables), D.trainable_variables))
        else:
            opt_g.apply_gradients(zip(tape.gradient(objective, G.trainable_variables), G.trainable_variables))
        return float(loss)

    if "generator_first" in bugs:
        g_loss = g_half()
        return d_half(), g_loss
    d_loss = d_half()
    return d_loss, g_half()


def _run_step(step: Callable, spec_name: str, seed: int) -> tuple[list[np.ndarray], list[np.ndarray], tuple]:
    """Run ``step`` once on fresh toy players (SGD, learning rate 0.5); return G's and D's weights and the losses."""
    import keras
    import tensorflow as tf

    from ..losses import get_loss

    G, D, w_g, w_d = _toy_players(seed)
    G.set_weights(w_g)
    D.set_weights(w_d)
    rng = np.random.default_rng(seed + 1)
    x = tf.constant(rng.normal(0, 1, (16, 2)), tf.float32)
    z_d = tf.constant(rng.normal(0, 1, (16, 3)), tf.float32)
    z_g = tf.constant(rng.normal(0, 1, (16, 3)), tf.float32)
    opt_g, opt_d = keras.optimizers.SGD(0.5), keras.optimizers.SGD(0.5)
    out = step(G, D, opt_g, opt_d, get_loss(spec_name), x, z_d, z_g)
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise ValueError("the step must return the pair (d_loss, g_loss)")
    losses = (_scalar(out[0]), _scalar(out[1]))
    return G.get_weights(), D.get_weights(), losses


def _same(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return all(np.allclose(u, v, rtol=1e-4, atol=1e-6) for u, v in zip(a, b))


_STEP_HINTS = {
    "probabilities": ("look at what the discriminator's loss receives: do the package's losses take probabilities "
                      "or logits?"),
    "generator_moves_d": ("after your step the generator's weights have not moved and the discriminator moved twice: "
                          "which player's variables, and which optimizer, does the generator half update?"),
    "reused_noise": ("the generator half must draw on its own noise: the generated batch that D was just trained "
                     "on is not a fair test of the updated D."),
    "generator_first": ("the two halves run in the wrong order: the generator must face the discriminator AFTER the "
                        "discriminator's update."),
    "generator_ascends": "the generator moves uphill on its own loss: check the sign of what its tape differentiates.",
}


@checker("ch2.1", hint="read the listing one player at a time: what each loss receives, which noise each half "
                       "uses, and whose variables each optimizer updates.",
         refuse=("gcdg_lite.exercises.ch2._reference_step",))
def _alternating_step(answer: Any) -> bool | str:
    step = as_function(answer, "fixed_step(G, D, opt_g, opt_d, spec, x, z_d, z_g)")
    rng = fresh_rng()   # the players' weights and batches of this check only
    for spec_name in ("gcdg", "non_saturating"):
        seed = int(rng.integers(2**31 - 2))
        g_w, d_w, losses = _run_step(step, spec_name, seed)
        ref_g, ref_d, ref_losses = _run_step(_reference_step, spec_name, seed)
        if _same(g_w, ref_g) and _same(d_w, ref_d):
            if not np.allclose(losses, ref_losses, rtol=1e-4, atol=1e-6):
                return ("the weights after your step are right, but the returned pair is not (D's loss from the "
                        "discriminator half, G's loss from the generator half).")
            continue
        if spec_name == "non_saturating":
            return ("your step is right for the 'gcdg' pair but not for 'non_saturating': use the losses of the "
                    "`spec` it is given, not one loss written in.")
        for k in range(1, len(STEP_BUGS) + 1):
            for combo in itertools.combinations(STEP_BUGS, k):
                bugs = frozenset(combo)
                bug_g, bug_d, _ = _run_step(lambda *a: _reference_step(*a, bugs=bugs), spec_name, seed)
                if _same(g_w, bug_g) and _same(d_w, bug_d):
                    left = f" ({k} mistakes left; this is one)" if k > 1 else ""
                    return _STEP_HINTS[combo[0]] + left
        if _same(d_w, _run_step(lambda *a: _reference_step(*a), spec_name, seed)[1]):
            return "the discriminator half is right; the generator's update is not."
        return ("this step matches neither a correct step nor the listing's mistakes; start again from the listing "
                "and change only what is wrong.")
    return True


# ----------------------------------------------------------------------------------------------
# ch2.2 — a progress score that sees what the losses do not
# ----------------------------------------------------------------------------------------------

def _ring(rng: np.random.Generator, n: int, radius: float = RING_RADIUS, noise: float = 0.05,
          lo: float = 0.0, hi: float = 2 * math.pi) -> np.ndarray:
    angle = rng.uniform(lo, hi, n)
    r = radius + noise * rng.standard_normal(n)
    return np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1)


def _ring_probes(rng: np.random.Generator) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """``(good, failures)``: point sets ``(n, 2)`` on the ring and point sets that fail it in one way each.

    Drawn from ``rng``, which the checker seeds afresh at every check: a score cannot pass by recognising
    the sets it is tried on.
    """
    good = {"the ring (2000 points)": _ring(rng, 2000), "another draw of the ring (2000 points)": _ring(rng, 2000),
            "the ring (500 points)": _ring(rng, 500), "the ring (5000 points)": _ring(rng, 5000)}
    lopsided = np.concatenate([_ring(rng, 1800, hi=math.pi / 2), _ring(rng, 200)])
    opposite = np.concatenate([_ring(rng, 1000, lo=-0.1, hi=0.1), _ring(rng, 1000, lo=math.pi - 0.1, hi=math.pi + 0.1)])
    disc_r = RING_RADIUS * np.sqrt(rng.uniform(0, 1, 2000))
    disc_a = rng.uniform(0, 2 * math.pi, 2000)
    failures = {
        "a blob at the origin (the untrained generator)": 0.1 * rng.standard_normal((2000, 2)),
        "a wide cloud around the origin": 1.5 * rng.standard_normal((2000, 2)),
        "every point at one spot of the ring (total collapse)": np.array([RING_RADIUS, 0.0]) + 0.05 * rng.standard_normal((2000, 2)),
        "two clusters on opposite sides of the ring": opposite,
        "a half ring": _ring(rng, 2000, hi=math.pi),
        "a quarter ring (300 points)": _ring(rng, 300, hi=math.pi / 2),
        "a lopsided ring (90 % of the points in one quarter)": lopsided,
        "a ring of radius 1.5": _ring(rng, 2000, radius=1.5),
        "a ring of radius 2.6": _ring(rng, 2000, radius=2.6),
        "a fat ring (radial spread 0.4)": _ring(rng, 2000, noise=0.4),
        "a filled disc of radius 2": np.stack([disc_r * np.cos(disc_a), disc_r * np.sin(disc_a)], axis=1),
    }
    return good, failures


@checker("ch2.2", hint="a point set is on the ring when three things hold: the right distance from the origin, a "
                       "small spread of that distance, and points all the way round in equal shares.")
def _ring_score(answer: Any) -> bool | str:
    fn = as_function(answer, "ring_score(points)")
    good, failures = _ring_probes(fresh_rng())
    s_good = {k: _scalar(fn(v.astype(np.float32))) for k, v in good.items()}
    s_fail = {k: _scalar(fn(v.astype(np.float32))) for k, v in failures.items()}
    values = np.array([*s_good.values(), *s_fail.values()])
    if not np.all(np.isfinite(values)):
        return "your score is not finite for some point sets; it must give every set of points a number."
    worst_good = max(s_good.values())
    # a failure must score clearly worse than every draw of the ring, not by the luck of one draw: the
    # chapter's score puts every failure at least 3 times above the worst ring, a blind term within a few %
    missed = [k for k, v in s_fail.items() if v <= worst_good + RING_MARGIN * abs(worst_good)]
    if not missed:
        return True
    if len(missed) == len(failures) and min(s_good.values()) > max(s_fail.values()):
        return "your score is higher for the ring than for every failure: lower must mean closer to the ring."
    small, large = s_good["the ring (500 points)"], s_good["the ring (5000 points)"]
    if small > 0 and large > 5 * small:
        return ("your score grows with the number of points (a sum where a mean is needed?); 5000 points of the "
                "ring are as good as 500.")
    return (f"your score rates {missed[0]} about as well as the true ring (less than {RING_MARGIN:.0%} worse)"
            + (f" (and {len(missed) - 1} more failure(s) too)" if len(missed) > 1 else "")
            + ": what does that point set get wrong, and which of your terms should see it?")


# ----------------------------------------------------------------------------------------------
# ch2.3 — retrain the ring with the non-saturating loss
# ----------------------------------------------------------------------------------------------

def toy_steps() -> int:
    """The chapter's number of toy steps under the current budget: ``min(1500, 100 * budget().steps)``."""
    from ..budgets import budget

    return min(1500, 100 * budget().steps)


def _ring_stats(points: np.ndarray) -> tuple[float, float, int]:
    r = np.linalg.norm(points, axis=1)
    sectors = np.floor((np.arctan2(points[:, 1], points[:, 0]) + math.pi) / (2 * math.pi) * 12).astype(int) % 12
    return float(r.mean()), float(r.std()), int(len(np.unique(sectors)))


@checker("ch2.3", hint="call train_toy with the 'non_saturating' loss and the chapter's toy_steps, and give its "
                       "whole result (G, D, losses, snapshots, track) as the answer.")
def _retrained(answer: Any) -> bool | str:
    import tensorflow as tf

    if not isinstance(answer, (tuple, list)) or len(answer) != 5:
        return "give the whole result of train_toy(...): the tuple (G, D, losses, snapshots, track)."
    G, _, losses, _, _ = answer
    losses = np.asarray(losses, dtype=np.float64)
    if losses.ndim != 2 or losses.shape[1] != 2:
        return "the third item must be train_toy's per-step losses, an array of shape (steps, 2)."
    if len(losses) != toy_steps():
        return (f"this run trained {len(losses)} steps; train for the chapter's toy_steps, so that the two runs "
                "differ only in their loss.")
    g_loss = losses[:, 1]
    if np.all(g_loss < 0):
        return ("every generator loss of this run is negative, as log(1 - D(G(z))) always is: that is the 'gcdg' "
                "generator loss. Train with 'non_saturating'.")
    if np.any(g_loss <= 0):
        return "-log D(G(z)) is never negative, but this run's generator losses are: was it trained with 'non_saturating'?"
    n_in = int(G.inputs[0].shape[-1]) if hasattr(G, "inputs") and G.inputs else 4
    z = tf.constant(fresh_rng().standard_normal((4000, n_in)), tf.float32)
    points = np.asarray(G(z), dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        return "the first item must be the trained generator, which maps noise to points (n, 2)."
    r_mean, r_sd, sectors = _ring_stats(points)
    if abs(r_mean - RING_RADIUS) < 0.35 and r_sd < 0.4 and sectors >= 10:
        return True
    if r_mean < 1.0:
        return "the generator's points are still near the origin: did the run update the generator?"
    return (f"the retrained generator's points are not on the ring all the way round (mean distance {r_mean:.2f}, "
            f"spread {r_sd:.2f}, {sectors} of 12 sectors); train it again with another seed and compare.")
