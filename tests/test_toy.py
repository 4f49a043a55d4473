"""gcdg_lite.toy: the 8-Gaussians ring, the mode count, and a trainer that takes every loss pair by name."""
import math

import numpy as np
import pytest

from gcdg_lite import toy
from gcdg_lite.errors import ConfigError


def test_mode_centres_are_evenly_spaced_on_the_circle():
    c = toy.mode_centres()
    assert c.shape == (8, 2)
    assert np.allclose(np.linalg.norm(c, axis=1), 2.0)
    gaps = np.linalg.norm(c - np.roll(c, 1, axis=0), axis=1)
    assert np.allclose(gaps, 2 * 2.0 * math.sin(math.pi / 8))
    assert np.allclose(toy.mode_centres(6, 3.0, angle=0.5)[0], 3.0 * np.array([math.cos(0.5), math.sin(0.5)]))


def test_eight_gaussians_is_deterministic_and_covers_every_mode():
    x = toy.eight_gaussians(4000, seed=1)
    assert x.shape == (4000, 2) and x.dtype == np.float32
    assert np.array_equal(x, toy.eight_gaussians(4000, seed=1)) and not np.array_equal(x, toy.eight_gaussians(4000, 2))
    count = toy.count_modes(x)
    assert count.covered == 8
    assert 0.97 < count.high_quality < 1.0          # P(r < 3 std) of a 2-D Gaussian: 1 - exp(-4.5) = 0.989
    assert np.allclose(count.shares, 0.125 * count.high_quality, atol=0.02)
    with pytest.raises(ConfigError):
        toy.eight_gaussians(0)


def test_count_modes_counts_collapse_misplacement_and_small_shares():
    rng = np.random.default_rng(0)
    c = toy.mode_centres()
    one = c[3] + 0.02 * rng.standard_normal((1000, 2))
    assert toy.count_modes(one).covered == 1
    two = c[rng.integers(0, 2, 1000)] + 0.02 * rng.standard_normal((1000, 2))
    assert toy.count_modes(two).covered == 2
    between = toy.mode_centres(angle=math.pi / 8)[rng.integers(0, 8, 1000)]   # the ring rotated half a step
    assert toy.count_modes(between).covered == 0 and toy.count_modes(between).high_quality == 0.0
    blurred = c[rng.integers(0, 8, 4000)] + 0.3 * rng.standard_normal((4000, 2))  # every mode, far too wide
    assert toy.count_modes(blurred).covered == 0 and toy.count_modes(blurred).high_quality < 0.05
    mostly_one = np.concatenate([one, c[5] + np.zeros((4, 2))])                 # 4 of 1004 points: under 1 %
    assert toy.count_modes(mostly_one).covered == 1
    assert toy.count_modes(mostly_one, min_share=0.001).covered == 2
    with pytest.raises(ConfigError):
        toy.count_modes(np.zeros((5, 3)))


def test_train_runs_every_loss_by_name_and_is_reproducible():
    for loss in ("gcdg", "minimax", "non_saturating", "wgan_gp", "hinge"):
        run = toy.train_ring(loss, steps=20, batch=32, hidden=16, seed=4)
        assert run.losses.shape == (20, 2) and np.all(np.isfinite(run.losses)), loss
        assert run.sample(50, seed=0).shape == (50, 2)
    a = run
    b = toy.train_ring("hinge", steps=20, batch=32, hidden=16, seed=4)
    assert np.array_equal(a.losses, b.losses) and np.array_equal(a.sample(20), b.sample(20))
    with pytest.raises(ConfigError, match="unknown"):
        toy.train_ring("r1")                                   # R1 is a penalty (r1=gamma), not a loss pair


def test_r1_adds_a_positive_penalty_to_the_discriminator_loss():
    plain = toy.train_ring("non_saturating", steps=3, batch=64, hidden=16, seed=5)
    with_r1 = toy.train_ring("non_saturating", steps=3, batch=64, hidden=16, seed=5, r1=10.0)
    assert with_r1.losses[0, 0] > plain.losses[0, 0]      # same weights and draws at step 0; only the penalty differs


def test_training_moves_the_points_towards_the_ring():
    z = np.random.default_rng(1).standard_normal((2000, toy.LATENT)).astype(np.float32)
    before = np.asarray(toy.toy_models(hidden=32, seed=6)[0](z))          # the same initial weights
    after = toy.train_ring("non_saturating", steps=600, batch=128, hidden=32, seed=6).sample(2000, seed=1)
    r_before, r_after = np.linalg.norm(before, axis=1).mean(), np.linalg.norm(after, axis=1).mean()
    assert abs(r_after - 2.0) < 0.5 * abs(r_before - 2.0)
    assert toy.count_modes(after).high_quality > toy.count_modes(before).high_quality


def test_the_ring_toy_and_the_trainer_run_one_update(monkeypatch):
    """train_ring and Engine both compile gcdg_lite.train.update.alternating_step (chapter 4 prints it):
    the toy with its critic steps as one graph loop (a tensor n_critic), the Engine unrolled (an int)."""
    from gcdg_lite.train import TrainConfig, update
    from gcdg_lite.train.step import Engine

    calls = []
    shared = update.alternating_step

    def spy(G, D, opt_g, opt_d, spec, critic_batch, generator_batch, n_critic, *args, **kw):
        calls.append((spec.name, "int" if isinstance(n_critic, int) else "tensor"))
        return shared(G, D, opt_g, opt_d, spec, critic_batch, generator_batch, n_critic, *args, **kw)

    monkeypatch.setattr(update, "alternating_step", spy)
    monkeypatch.setattr("gcdg_lite.train.step.alternating_step", spy)
    toy._trainer.cache_clear()                       # a fresh trainer traces the (spied) update
    run = toy.train_ring("wgan_gp", steps=2, batch=16, hidden=8, seed=0)
    assert np.all(np.isfinite(run.losses)) and calls == [("wgan_gp", "tensor")]
    data = np.sin(np.linspace(0, 200, 16 * 1024, dtype=np.float32)).reshape(16, 1024) * 0.5
    cfg = TrainConfig(model="seed_mlp", model_kwargs={"hidden": 8}, batch=4, precision="float32").resolve(data)
    Engine(cfg, data).train(1)
    assert calls[1:] == [(cfg.loss, "int")]
    toy._trainer.cache_clear()                       # later tests must not reuse the spied trace
