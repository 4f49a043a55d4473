"""gcdg_lite.train: learning on a trivial problem, exact resume, NaN stop, history, sampling, run folders.

Tiny models (seed_mlp / wavegan d=2 / specgan 64x64 d=2), 1024-4096-sample clips, a few steps each.
"""
from __future__ import annotations

import csv
import json
import os

import numpy as np
import pytest
import tensorflow as tf

from gcdg_lite import losses
from gcdg_lite.errors import ConfigError, RunError
from gcdg_lite.train import HISTORY_COLUMNS, RunConfig, TrainConfig, fit, load_run

SR = 16000


def sines(n=32, samples=1024, seed=0, f0=(220.0, 440.0)) -> np.ndarray:
    """``n`` clips of a sine with random frequency in ``f0`` and random phase, amplitude 0.5."""
    rng = np.random.default_rng(seed)
    t = np.arange(samples) / SR
    f = rng.uniform(*f0, size=(n, 1))
    ph = rng.uniform(0, 2 * np.pi, size=(n, 1))
    return (0.5 * np.sin(2 * np.pi * f * t + ph)).astype(np.float32)


def tiny(model="seed_mlp", **kw) -> TrainConfig:
    """A small config; float32, so the numbers do not depend on whether this CPU has bf16 units."""
    mk = {"seed_mlp": {"hidden": 32}, "wavegan": {"d": 2}, "specgan": {"d": 2}}[model]
    base = dict(model=model, model_kwargs=mk, batch=8, steps=6, ckpt_every=0, steps_per_call=3, seed=1,
                precision="float32")
    base.update(kw)
    return TrainConfig(**base)


def test_generator_learns_a_fixed_clip(tmp_path):
    """All training clips are the same sine: G's samples must become strongly correlated with it."""
    target = sines(1, 1024, seed=3)
    data = np.repeat(target, 16, axis=0)

    def corr(x):
        return float(np.mean([np.corrcoef(a, target[0])[0, 1] for a in x]))

    untrained = fit(data, tiny(steps=0), out=tmp_path / "untrained", progress=False)
    cfg = tiny(steps=300, steps_per_call=50, lr_g=2e-3, lr_d=2e-3, batch=16)
    run = fit(data, cfg, out=tmp_path / "run", progress=False)
    before, after = corr(untrained.sample(16, seed=5)), corr(run.sample(16, seed=5))
    assert abs(before) < 0.2 and after > 0.6, (before, after)
    assert all(0.0 <= r["d_real"] <= 1.0 and 0.0 <= r["d_fake"] <= 1.0 for r in run.history)
    assert len({round(r["loss_d"], 6) for r in run.history}) > 100  # the losses actually move


@pytest.mark.parametrize("model, extra", [("seed_mlp", {}), ("wavegan", {}), ("specgan", {}),
                                          ("wavegan", {"augment": "shift,mask,gain"}),
                                          ("specgan", {"augment": "shift,mask,gain", "r1": 1.0, "r1_every": 3})])
def test_resume_equals_uninterrupted(tmp_path, model, extra):
    """Stopped at step 5 and resumed to 8 == 8 steps straight: same losses and weights, bit for bit.

    specgan's generator has batch norm: its moving statistics must come back with the checkpoint too.
    With augmentation (and lazy R1, which follows the step counter) a resumed run must augment
    exactly as the uninterrupted one: every choice comes from the run's checkpointed generator.
    """
    tf.config.experimental.enable_op_determinism()
    data = sines(24, 4096 if model == "specgan" else 1024)
    kw = dict(steps=8, ckpt_every=4, ema=0.9, loss="wgan_gp" if model == "wavegan" else "non_saturating",
              n_critic=1, **extra)
    full = fit(data, tiny(model, **kw), out=tmp_path / "full", progress=False)
    part = fit(data, tiny(model, **{**kw, "steps": 5}), out=tmp_path / "part", progress=False)
    assert part.step == 5
    resumed = fit(data, tiny(model, **kw), out=tmp_path / "part", resume=True, progress=False)
    assert resumed.step == 8
    cols = ["loss_g", "loss_d", "penalty", "d_real", "d_fake", "grad_norm_g", "grad_norm_d"]
    a = np.array([[r[c] for c in cols] for r in full.history])
    b = np.array([[r[c] for c in cols] for r in resumed.history])
    assert a.shape == b.shape == (8, len(cols))
    np.testing.assert_array_equal(a, b)
    for m1, m2 in [(full.engine.G, resumed.engine.G), (full.engine.D, resumed.engine.D),
                   (full.generator, resumed.generator)]:
        for w1, w2 in zip(m1.get_weights(), m2.get_weights()):
            np.testing.assert_array_equal(w1, w2)
    # the CSV on disk was appended, not rewritten from scratch
    with open(tmp_path / "part" / "history.csv") as fh:
        assert [int(r["step"]) for r in csv.DictReader(fh)] == list(range(1, 9))


def test_nan_stops_and_keeps_last_good_checkpoint(tmp_path, monkeypatch):
    calls = tf.Variable(0, dtype=tf.int64)
    good = losses.get_loss("non_saturating")

    def d_loss(real, fake):  # finite for the first 5 steps, then NaN
        calls.assign_add(1)
        loss = good.discriminator_loss(real, fake)
        return loss * tf.where(calls > 5, np.float32("nan"), np.float32(1.0))

    monkeypatch.setitem(losses.LOSSES, "nan_test", losses.LossSpec("nan_test", good.generator_loss, d_loss))
    cfg = tiny(loss="nan_test", steps=20, ckpt_every=2, steps_per_call=4)
    with pytest.raises(RunError) as err:
        fit(sines(16), cfg, out=tmp_path / "run", progress=False)
    msg = str(err.value)
    assert "step 6" in msg and "learning rate" in msg and "checkpoint (step 4)" in msg
    run = load_run(tmp_path / "run")
    assert run.step == 4
    for w in run.engine.G.get_weights() + run.engine.D.get_weights():
        assert np.all(np.isfinite(w))
    assert np.all(np.isfinite(run.sample(2, seed=0)))


def test_history_csv_callbacks_and_sample_wavs(tmp_path):
    seen = []
    cfg = tiny(steps=7, callback_every=2, sample_every=5, n_sample_wavs=2)
    run = fit(sines(16), cfg, out=tmp_path / "run", progress=False,
              callbacks=[lambda step, row, r: seen.append((step, row["loss_g"], r.step))])
    assert run.step == 7
    assert [s for s, _, _ in seen] == [2, 4, 6]
    assert all(s == rs for s, _, rs in seen)
    with open(tmp_path / "run" / "history.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == HISTORY_COLUMNS
    assert [int(r["step"]) for r in rows] == list(range(1, 8))
    assert all(float(r["steps_per_s"]) > 0 and np.isfinite(float(r["grad_norm_d"])) for r in rows)
    assert [r["step"] for r in load_run(tmp_path / "run").history] == list(range(1, 8))
    wavs = sorted(os.listdir(tmp_path / "run" / "samples" / "step_000005"))
    assert wavs == ["sample_000.wav", "sample_001.wav"]
    cfg_back = RunConfig.from_json(tmp_path / "run" / "config.json")
    assert cfg_back.steps == 7 and cfg_back.model_kwargs["samples"] == 1024


def test_sample_shapes_range_and_seeds(tmp_path):
    run = fit(sines(16, 2048), tiny("wavegan", steps=3), out=tmp_path / "run", progress=False)
    x = run.sample(5, seed=3)
    assert x.shape == (5, 2048) and x.dtype == np.float32
    assert np.all(np.abs(x) <= 1.0)
    np.testing.assert_array_equal(x, run.sample(5, seed=3))
    assert not np.allclose(x, run.sample(5, seed=4))
    assert run.latent(4, seed=1).shape == (4, run.noise_dim)
    back = load_run(tmp_path / "run")
    np.testing.assert_allclose(back.sample(5, seed=3), x, atol=1e-6)


def test_existing_folder_is_refused(tmp_path):
    data = sines(16)
    fit(data, tiny(steps=2), out=tmp_path / "run", progress=False)
    with pytest.raises(RunError, match="run"):
        fit(data, tiny(steps=2), out=tmp_path / "run", progress=False)
    with pytest.raises(ConfigError, match="loss"):
        fit(data, tiny(steps=4, loss="hinge"), out=tmp_path / "run", resume=True, progress=False)
    with pytest.raises(RunError, match="nothing to resume"):
        fit(data, tiny(steps=2), out=tmp_path / "other", resume=True, progress=False)
    run = fit(data, tiny(steps=3), out=tmp_path / "run", overwrite=True, progress=False)
    assert run.step == 3 and len(run.history) == 3


def test_resume_auto_starts_then_continues(tmp_path):
    data = sines(16)
    first = fit(data, tiny(steps=2), out=tmp_path / "run", resume="auto", progress=False)
    assert first.step == 2
    again = fit(data, tiny(steps=5), out=tmp_path / "run", resume="auto", progress=False)
    assert again.step == 5 and [row["step"] for row in again.history] == [1, 2, 3, 4, 5]
    with pytest.raises(ConfigError, match="resume"):
        fit(data, tiny(steps=2), out=tmp_path / "x", resume="yes", progress=False)


def test_bad_data_and_config_leave_no_folder(tmp_path):
    with pytest.raises(ConfigError):
        fit(sines(16), TrainConfig(model="nope"), out=tmp_path / "a", progress=False)
    with pytest.raises(Exception) as err:
        fit(np.full((4, 1024), np.nan, np.float32), tiny(), out=tmp_path / "b", progress=False)
    assert "NaN" in str(err.value)
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_specgan_round_trip_64x64(tmp_path):
    data = sines(16, 4096)
    run = fit(data, tiny("specgan", steps=3, batch=4, griffin_lim_iters=4), out=tmp_path / "run", progress=False)
    assert run.engine.examples.shape == (16, 64, 64, 1)
    ex = run.engine.examples.numpy()
    assert ex.min() >= -1.0 - 1e-6 and ex.max() <= 1.0 + 1e-6
    assert (tmp_path / "run" / "specnorm.json").exists()
    x = run.sample(2, seed=0)
    assert x.shape == (2, 4096) and x.dtype == np.float32 and np.all(np.abs(x) <= 1.0)
    assert np.std(x) > 0
    back = load_run(tmp_path / "run")
    z = back.latent(2, 0)
    assert back.spectrograms(z).shape == (2, 64, 64)
    # batch-norm moving statistics are restored with the weights: the reloaded G is the same function
    assert any("moving_mean" in w.path for w in back.generator.weights)
    np.testing.assert_allclose(back.spectrograms(z), run.spectrograms(z), atol=1e-6)
    assert back.sample(1, seed=0).shape == (1, 4096)


def test_config_json_pins_the_architecture_and_a_mismatched_checkpoint_is_one_clear_error(tmp_path):
    """config.json records every model default (so a later default change cannot alter a saved run);
    a checkpoint that does not fit its config.json gives one RunError that says what to do."""
    data = sines(16, 4096)
    fit(data, tiny("specgan", steps=2, batch=4, griffin_lim_iters=2), out=tmp_path / "run", progress=False)
    with open(tmp_path / "run" / "config.json") as fh:
        saved = json.load(fh)
    assert saved["model_kwargs"]["norm"] == "batch" and saved["model_kwargs"]["kernel"] == 5
    assert saved["model_kwargs"]["d"] == 2 and saved["model_kwargs"]["samples"] == 4096
    # as if the run had been written before batch norm became the default
    saved["model_kwargs"]["norm"] = "none"
    with open(tmp_path / "run" / "config.json", "w") as fh:
        json.dump(saved, fh)
    with pytest.raises(RunError, match=r"checkpoint does not fit the models described by config.json.*norm"):
        load_run(tmp_path / "run")
    # resuming with a config that differs from the saved one is refused before any training
    with pytest.raises(ConfigError, match="cannot resume with different model_kwargs"):
        fit(data, tiny("specgan", steps=4, batch=4), out=tmp_path / "run", resume=True, progress=False)


@pytest.mark.parametrize("update", ["alternating", "simultaneous"])
def test_one_engine_step_matches_a_hand_written_step(update):
    """One compiled step equals the textbook step written out with GradientTapes and Adam.

    Alternating: D descends its loss on (x, G(z1)), then G descends its loss on D_new(G(z2)).
    Simultaneous (the TensorFlow DCGAN tutorial): both gradients from one forward pass on (x, G(z)).
    Both take the same draws (Engine.draw); R1 is on so that the penalty path is checked too.
    """
    import keras

    from gcdg_lite import models
    from gcdg_lite.train.run import examples
    from gcdg_lite.train.step import Engine

    data = sines(16, 1024, seed=4)
    cfg = tiny(update=update, model_kwargs={"hidden": 32}, r1=1.0).resolve(data)
    eng = Engine(cfg, examples(data, cfg)[0])
    g0, d0 = eng.G.get_weights(), eng.D.get_weights()
    draws = eng.draw()
    row = tf.function(lambda d: (eng.simultaneous_step if update == "simultaneous" else eng.gan_step)(**d))(draws)

    G, D = models.build("seed_mlp", hidden=32, samples=1024)
    G.set_weights(g0)
    D.set_weights(d0)
    opt_g, opt_d = (keras.optimizers.Adam(cfg.lr_g, beta_1=cfg.beta_1, beta_2=cfg.beta_2) for _ in "gd")
    spec = losses.get_loss(cfg.loss)
    real, z_d, z_g = draws["real"][0], draws["z_d"][0], draws["z_g"]

    def d_loss_of(real_logits, fake_logits):
        return spec.discriminator_loss(real_logits, fake_logits) + losses.r1_penalty(D, real, gamma=1.0)

    if update == "simultaneous":
        with tf.GradientTape() as tg, tf.GradientTape() as td:
            d_fake = D(G(z_d))
            loss_g = spec.generator_loss(d_fake)
            loss_d = d_loss_of(D(real), d_fake)
        grads_g, grads_d = tg.gradient(loss_g, G.trainable_variables), td.gradient(loss_d, D.trainable_variables)
        opt_d.apply_gradients(zip(grads_d, D.trainable_variables))
        opt_g.apply_gradients(zip(grads_g, G.trainable_variables))
    else:
        fake = G(z_d)
        with tf.GradientTape() as td:
            loss_d = d_loss_of(D(real), D(fake))
        opt_d.apply_gradients(zip(td.gradient(loss_d, D.trainable_variables), D.trainable_variables))
        with tf.GradientTape() as tg:
            loss_g = spec.generator_loss(D(G(z_g)))
        opt_g.apply_gradients(zip(tg.gradient(loss_g, G.trainable_variables), G.trainable_variables))

    np.testing.assert_allclose(row.numpy()[:2], [float(loss_g), float(loss_d)], rtol=1e-5)
    for mine, ref in zip(eng.G.get_weights() + eng.D.get_weights(), G.get_weights() + D.get_weights()):
        np.testing.assert_allclose(mine, ref, rtol=1e-5, atol=1e-6)
    assert not np.allclose(eng.G.get_weights()[0], g0[0])  # the step did move G


def test_draws_are_the_only_randomness_and_follow_the_config():
    """draw() gives n_critic real batches drawn from the examples, noise for D and G, alpha for WGAN-GP."""
    from gcdg_lite.train.run import examples
    from gcdg_lite.train.step import Engine

    data = sines(12, 1024, seed=2)
    cfg = tiny(loss="wgan_gp", batch=4).resolve(data)
    assert cfg.n_critic == 5
    eng = Engine(cfg, examples(data, cfg)[0])
    d = {k: v.numpy() for k, v in eng.draw().items()}
    assert d["real"].shape == (5, 4, 1024) and d["z_d"].shape == (5, 4, 100) and d["z_g"].shape == (4, 100)
    assert d["alpha"].shape == (5, 4) and 0 <= d["alpha"].min() and d["alpha"].max() <= 1
    assert all(any(np.array_equal(r, c) for c in data) for r in d["real"].reshape(-1, 1024))


def test_augment_keeps_shapes_and_ranges_and_is_off_when_disabled():
    """DiffAugment: same shape and dtype, bounded values, differentiable; 'none' is the identity."""
    from gcdg_lite.train import augment as aug

    rng = np.random.default_rng(0)
    spec = tf.constant(rng.uniform(-1, 1, (6, 32, 32, 1)), tf.float32)
    wave = tf.constant(sines(6, 1024), tf.float32)
    u = tf.constant(rng.uniform(0, 1, (6, aug.PARAMS)), tf.float32)
    everything = aug.parse("gain, shift+mask")
    assert everything == ("shift", "mask", "gain") and aug.canonical("gain,shift") == "shift,gain"
    for x in (spec, wave):
        assert aug.augment(x, u, ()) is x
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = aug.augment(x, u, everything)
            total = tf.reduce_sum(y)
        assert y.shape == x.shape and y.dtype == x.dtype
        assert not np.allclose(y.numpy(), x.numpy())
        g = tape.gradient(total, x).numpy()
        assert np.all(np.isfinite(g)) and np.count_nonzero(g) > 0.5 * g.size  # masks block only a part
    s = aug.augment(spec, u, everything).numpy()
    assert s.min() >= -1 - aug.GAIN_SPEC - 1e-6 and s.max() <= 1 + aug.GAIN_SPEC + 1e-6
    w = aug.augment(wave, u, everything).numpy()
    assert np.abs(w).max() <= np.abs(wave.numpy()).max() * 10 ** (aug.GAIN_DB / 20) + 1e-6
    # a circular shift only moves samples: the multiset of values is unchanged
    shifted = aug.augment(wave, u, ("shift",)).numpy()
    np.testing.assert_allclose(np.sort(shifted, axis=1), np.sort(wave.numpy(), axis=1))
    assert not np.allclose(shifted, wave.numpy())
    # a mask zeroes at most 1/8 of the frames and of the bins
    masked = aug.augment(tf.ones_like(spec), u, ("mask",)).numpy()[..., 0]
    assert np.all((masked == 0).all(axis=2).sum(axis=1) <= 32 // 8)
    for bad in ("flip", "shift,shift", 3):
        with pytest.raises(ConfigError, match="augment"):
            aug.parse(bad)


def test_augment_draws_follow_the_config_and_change_the_step():
    """augment='none' draws nothing for it; with it on, draw() holds its choices and the step differs."""
    from gcdg_lite.train.run import examples
    from gcdg_lite.train.step import Engine

    data = sines(12, 4096, seed=2)
    rows = {}
    for policy in ("none", "shift,mask,gain"):
        cfg = tiny("specgan", batch=4, augment=policy).resolve(data)
        assert cfg.augment == policy
        eng = Engine(cfg, examples(data, cfg)[0])
        d = eng.draw()
        if policy == "none":
            assert "aug_d" not in d and "aug_g" not in d
        else:
            assert d["aug_d"].shape == (1, 4, 2, 6) and d["aug_g"].shape == (4, 6)
        rows[policy] = eng.train(1)[0]
    assert not np.allclose(rows["none"][:2], rows["shift,mask,gain"][:2])
    with pytest.raises(ConfigError, match="augment"):
        tiny(augment="flip").check()
    # a config written before augmentation existed trained without it, whatever today's default
    old = {k: v for k, v in tiny().resolve(data).to_dict().items() if k != "augment"}
    assert RunConfig.from_dict(old).augment == "none"
    old = {k: v for k, v in tiny("specgan").resolve(data).to_dict().items() if k != "augment"}
    old["model_kwargs"].pop("spectral_norm")
    assert RunConfig.from_dict(old).model_kwargs["spectral_norm"] is False
    # SpecGAN's default leaves the level alone (gain hid it from D); a run saved with gain keeps it
    assert TrainConfig().resolve(samples=16384).augment == "shift,mask"
    saved = RunConfig.from_dict(tiny("specgan", augment="gain,shift,mask").resolve(data).to_dict())
    assert saved.augment == "shift,mask,gain" and saved.with_changes(clips=data).augment == "shift,mask,gain"


def test_feature_matching_adds_a_positive_term_to_the_generator_loss_only():
    """feature_matching=W: step 1 of G's loss is the adversarial loss plus W x the (positive) feature distance,
    D's loss and verdicts are those of the run without it, and a larger W adds proportionally more."""
    data = sines(16, 1024, seed=5)
    base = fit(data, tiny("wavegan", steps=1), progress=False).history[0]
    one = fit(data, tiny("wavegan", steps=1, feature_matching=1.0), progress=False).history[0]
    ten = fit(data, tiny("wavegan", steps=1, feature_matching=10.0), progress=False).history[0]
    for key in ("loss_d", "d_real", "d_fake"):  # the critic update comes first and does not see the term
        assert one[key] == pytest.approx(base[key], rel=1e-5) and ten[key] == pytest.approx(base[key], rel=1e-5)
    term = one["loss_g"] - base["loss_g"]
    assert term > 1e-4, (one, base)
    assert ten["loss_g"] - base["loss_g"] == pytest.approx(10 * term, rel=1e-3)
    run = fit(data, tiny("specgan", steps=3, feature_matching=1.0), progress=False)
    assert run.config.feature_matching == 1.0 and all(np.isfinite(r["loss_g"]) for r in run.history)
    with pytest.raises(ConfigError, match="feature_matching=-1 must be >= 0"):
        tiny(feature_matching=-1).check()
    with pytest.raises(ConfigError, match="needs update='alternating'"):
        tiny("wavegan", feature_matching=1.0, update="simultaneous").resolve(data)
    with pytest.raises(ConfigError, match="seed_mlp has none"):
        tiny(feature_matching=1.0).resolve(data)


def test_lazy_r1_applies_the_penalty_every_k_steps_times_k():
    """r1_every=3: R1 (times 3) on steps 0, 3, 6 of the counter (history steps 1, 4, 7), zero elsewhere."""
    data = sines(16, 1024, seed=5)
    lazy = fit(data, tiny(steps=7, r1=1.0, r1_every=3), progress=False)
    every = fit(data, tiny(steps=1, r1=1.0), progress=False)
    pen = [r["penalty"] for r in lazy.history]
    assert [i + 1 for i, p in enumerate(pen) if p > 0] == [1, 4, 7], pen
    # step 1 of both runs starts from the same weights and draws: 3x the penalty of every-step R1
    np.testing.assert_allclose(pen[0], 3 * every.history[0]["penalty"], rtol=1e-5)
    with pytest.raises(ConfigError, match="r1_every"):
        tiny(r1_every=0).check()
    with pytest.raises(ConfigError, match="griffin_lim_oversample=3 must divide"):
        tiny("specgan", griffin_lim_oversample=3).resolve(sines(4, 4096))
