"""Chapter 2 checkers: a right answer (written independently here) passes; the listing's bugs, alone and together,
wrong scores and wrong training runs are rejected with a hint that names the mistake, never the repair."""
import math

import numpy as np
import pytest
import tensorflow as tf

from gcdg_lite.exercises import ch2
from _checker_helpers import _verdict


# ---------------------------------------------------------------- ch2.1 the alternating step

def make_step(probabilities=False, generator_moves_d=False, reused_noise=False, generator_first=False,
              hard_coded=False):
    """A step written the way a student would, with any of the listing's bugs switched on."""
    def step(G, D, opt_g, opt_d, spec, x, z_d, z_g):
        if hard_coded:
            from gcdg_lite.losses import get_loss
            spec = get_loss("gcdg")

        def d_half():
            with tf.GradientTape() as tape:
                real_logits, fake_logits = D(x), D(G(z_d))
                if probabilities:
                    real_logits, fake_logits = tf.sigmoid(real_logits), tf.sigmoid(fake_logits)
                loss = spec.discriminator_loss(real_logits, fake_logits)
            grads = tape.gradient(loss, D.trainable_variables)
            opt_d.apply_gradients(zip(grads, D.trainable_variables))
            return loss

        def g_half():
            with tf.GradientTape() as tape:
                loss = spec.generator_loss(D(G(z_d if reused_noise else z_g)))
            if generator_moves_d:
                opt_d.apply_gradients(zip(tape.gradient(loss, D.trainable_variables), D.trainable_variables))
            else:
                opt_g.apply_gradients(zip(tape.gradient(loss, G.trainable_variables), G.trainable_variables))
            return loss

        if generator_first:
            g_loss = g_half()
            return d_half(), g_loss
        d_loss = d_half()
        return d_loss, g_half()
    return step


def test_step_accepts_a_correct_alternating_step(capsys):
    assert _verdict("ch2.1", make_step(), capsys)[0]


@pytest.mark.parametrize("bugs, needle", [
    (dict(probabilities=True, generator_moves_d=True, reused_noise=True), "probabilities or logits"),  # the listing
    (dict(generator_moves_d=True, reused_noise=True), "which optimizer"),
    (dict(reused_noise=True), "its own noise"),
    (dict(probabilities=True), "probabilities or logits"),
    (dict(generator_first=True), "wrong order"),
    (dict(hard_coded=True), "use the losses of the"),
])
def test_step_names_the_first_remaining_mistake(capsys, bugs, needle):
    ok, out = _verdict("ch2.1", make_step(**bugs), capsys)
    assert not ok and needle in out, out
    n = sum(bool(v) for k, v in bugs.items() if k != "hard_coded")
    assert (f"{n} mistakes left" in out) == (n > 1)


def test_step_rejects_a_wrong_return_value_and_a_number(capsys):
    right = make_step()
    ok, out = _verdict("ch2.1", lambda *a: right(*a)[0], capsys)
    assert not ok and "(d_loss, g_loss)" in out
    ok, out = _verdict("ch2.1", lambda *a: tuple(reversed(right(*a))), capsys)
    assert not ok and "returned pair" in out
    ok, out = _verdict("ch2.1", math.log(4), capsys)
    assert not ok and "itself" in out


# ---------------------------------------------------------------- ch2.2 a progress score

def ring_score(points, radius=2.0, sectors=12):
    """|mean r - R| + std r + total-variation distance of the sector shares from uniform."""
    p = np.asarray(points, np.float64)
    r = np.linalg.norm(p, axis=1)
    k = np.floor((np.arctan2(p[:, 1], p[:, 0]) + math.pi) / (2 * math.pi) * sectors).astype(int) % sectors
    share = np.bincount(k, minlength=sectors) / len(p)
    return abs(r.mean() - radius) + r.std() + 0.5 * np.abs(share - 1 / sectors).sum()


def _radius_only(points):
    r = np.linalg.norm(np.asarray(points, np.float64), axis=1)
    return abs(r.mean() - 2.0) + r.std()


def _sectors_counted(points):
    p = np.asarray(points, np.float64)
    r = np.linalg.norm(p, axis=1)
    k = np.floor((np.arctan2(p[:, 1], p[:, 0]) + math.pi) / (2 * math.pi) * 12).astype(int) % 12
    return abs(r.mean() - 2.0) + r.std() + (12 - len(np.unique(k))) / 12


def test_ring_score_accepts_radius_spread_and_even_coverage(capsys):
    assert _verdict("ch2.2", ring_score, capsys)[0]


@pytest.mark.parametrize("wrong, needle", [
    (_radius_only, "total collapse"),                                  # blind to mode collapse
    (_sectors_counted, "lopsided"),                                    # sees only empty sectors
    (lambda p: abs(np.linalg.norm(p, axis=1).mean() - 2.0), "5 more"),  # the mean radius only
    (lambda p: -ring_score(p), "lower must mean"),                     # higher-is-better
    (lambda p: ring_score(p) * len(p), "number of points"),            # a sum, not a mean
    (lambda p: 0.0, "about as well as the true ring"),                               # a constant
])
def test_ring_score_rejects_scores_blind_to_a_failure(capsys, monkeypatch, wrong, needle):
    ok, out = _verdict("ch2.2", wrong, capsys)                          # a fresh draw: rejected, whichever hint
    assert not ok and "Hint" in out, out
    monkeypatch.setattr(ch2, "fresh_rng", lambda: np.random.default_rng(2024))  # one known draw: the named hint
    ok, out = _verdict("ch2.2", wrong, capsys)
    assert not ok and needle in out, out


def test_ring_probes_fail_the_ring_one_way_each():
    good, failures = ch2._ring_probes(np.random.default_rng(2024))
    assert all(abs(np.linalg.norm(v, axis=1).mean() - 2) < 0.05 for v in good.values())
    assert len(failures) >= 10 and all(v.shape[1] == 2 for v in failures.values())


# ---------------------------------------------------------------- ch2.3 the retrained toy

def _perfect_generator(z):
    """Maps noise to the ring exactly: uniform angle (the direction of z's first two entries), radius 2."""
    z = np.asarray(z, np.float64)[:, :2]
    return 2.0 * z / np.linalg.norm(z, axis=1, keepdims=True)


def _run(generator=_perfect_generator, g_sign=1.0, steps=None):
    steps = ch2.toy_steps() if steps is None else steps
    rng = np.random.default_rng(0)
    losses = np.stack([1.386 + 0.05 * rng.standard_normal(steps), g_sign * (0.69 + 0.05 * rng.random(steps))], 1)
    return generator, None, losses, {}, np.zeros((3, 4))


def test_retrained_accepts_a_non_saturating_run_on_the_ring(capsys):
    assert _verdict("ch2.3", _run(), capsys)[0]


@pytest.mark.parametrize("answer, needle", [
    (2.0, "whole result"),                                                # the typed-in radius
    (_run(g_sign=-1.0), "'gcdg'"),                                       # trained with the old loss
    (_run(steps=100), "toy_steps"),                                      # too short
    (_run(generator=lambda z: 0.1 * np.asarray(z)[:, :2]), "near the origin"),
    (_run(generator=lambda z: 0 * np.asarray(z)[:, :2] + [2.0, 0.0]), "not on the ring"),  # collapsed
    (_run(generator=lambda z: 3.0 * _perfect_generator(z)), "not on the ring"),
])
def test_retrained_rejects_wrong_runs(capsys, answer, needle):
    ok, out = _verdict("ch2.3", answer, capsys)
    assert not ok and needle in out, out
