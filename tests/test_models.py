"""Tests of gcdg_lite.models: shapes, dtypes, ranges, logits, phase shuffle, parameter counts, config errors."""
from __future__ import annotations

import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from gcdg_lite import models as M
from gcdg_lite.errors import ConfigError

SMALL = [
    ("seed_mlp", {"samples": 1024, "hidden": 8}, (1024,)),
    ("wavegan", {"samples": 1024, "d": 2}, (1024,)),
    ("wavegan", {"samples": 2048, "d": 2, "upsample": "nearest"}, (2048,)),
    ("wavegan", {"samples": 8192, "d": 1, "noise_dim": 7}, (8192,)),
    ("specgan", {"size": 32, "d": 2}, (32, 32, 1)),
    ("specgan", {"size": 64, "d": 2, "upsample": "nearest"}, (64, 64, 1)),
    ("specgan", {"samples": 4096, "d": 1}, (64, 64, 1)),
]


@pytest.mark.parametrize("name,config,shape", SMALL)
def test_shapes_dtypes_and_ranges(name, config, shape):
    keras.utils.set_random_seed(0)
    g, d = M.build(name, **config)
    assert isinstance(g, keras.Model) and isinstance(d, keras.Model)
    noise_dim = config.get("noise_dim", 100)
    z = tf.random.normal([3, noise_dim], seed=1) * 100.0  # large noise saturates tanh: range must still hold
    out = g(z, training=True)
    assert out.shape == (3, *shape) and out.dtype == tf.float32
    assert float(tf.reduce_min(out)) >= -1.0 and float(tf.reduce_max(out)) <= 1.0
    assert float(tf.math.reduce_std(out)) > 0
    logits = d(out, training=True)
    assert logits.shape == (3, 1) and logits.dtype == tf.float32
    assert M.describe(name, **config)["output_shape"] == shape
    assert M.domain(name) == ("spec" if name == "specgan" else "wave")


@pytest.mark.parametrize("name,config,shape", SMALL[:2] + SMALL[4:5])
def test_discriminator_outputs_logits_not_probabilities(name, config, shape):
    _, d = M.build(name, **config)
    logit = d.get_layer("logit")
    logit = getattr(logit, "layer", logit)  # the Dense inside a SpectralNormalization wrapper
    for value in (5.0, -3.0):  # a sigmoid at the end could never give these
        logit.kernel.assign(tf.zeros_like(logit.kernel))
        logit.bias.assign([value])
        out = d(tf.zeros([2, *shape]), training=False).numpy()
        np.testing.assert_allclose(out, value, rtol=1e-6)


def test_phase_shuffle_identity_at_inference_and_shift_in_training():
    layer = M.PhaseShuffle(2, seed=3)
    ramp = np.tile(np.arange(20, dtype=np.float32)[None, :, None], (64, 1, 2))  # (64, 20, 2)
    x = tf.constant(ramp)
    np.testing.assert_array_equal(layer(x, training=False).numpy(), ramp)
    np.testing.assert_array_equal(layer(x).numpy(), ramp)  # default: inference
    assert int(layer.calls.numpy()) == 0
    out = layer(x, training=True).numpy()
    assert out.shape == ramp.shape and int(layer.calls.numpy()) == 1
    padded = np.pad(ramp[0, :, 0], 2, mode="reflect")
    candidates = {k: padded[2 - k: 2 - k + 20] for k in range(-2, 3)}  # x[t - k], reflected
    shifts = []
    for b in range(64):
        match = [k for k, c in candidates.items() if np.array_equal(out[b, :, 0], c)]
        assert len(match) == 1 and np.array_equal(out[b, :, 1], out[b, :, 0])
        shifts.append(match[0])
    assert set(shifts) == {-2, -1, 0, 1, 2}  # each example draws its own shift
    again = layer(x, training=True).numpy()
    assert not np.array_equal(again, out)  # a new draw each training call


def test_phase_shuffle_shifts_resume_from_a_checkpoint(tmp_path):
    x = tf.random.normal([8, 30, 1], seed=2)
    a = M.PhaseShuffle(2, seed=1)
    a(x, training=True)
    path = tf.train.Checkpoint(layer=a).save(str(tmp_path / "ps"))
    want = a(x, training=True).numpy()
    b = M.PhaseShuffle(2, seed=1)
    tf.train.Checkpoint(layer=b).restore(path).assert_consumed()
    np.testing.assert_array_equal(b(x, training=True).numpy(), want)


def test_wavegan_discriminator_uses_phase_shuffle_only_in_training():
    keras.utils.set_random_seed(1)
    _, d = M.build("wavegan", samples=1024, d=2)
    assert [l.name for l in d.layers if isinstance(l, M.PhaseShuffle)] == ["phase_shuffle0", "phase_shuffle1"]
    x = tf.random.uniform([4, 1024], -1, 1, seed=3)
    np.testing.assert_array_equal(d(x, training=False).numpy(), d(x, training=False).numpy())
    assert not np.allclose(d(x, training=True).numpy(), d(x, training=False).numpy())
    _, d0 = M.build("wavegan", samples=1024, d=2, phase_shuffle=0)
    assert not any(isinstance(l, M.PhaseShuffle) for l in d0.layers)


DOCUMENTED = [  # (name, config, G params, D params): the table in the models docstring
    ("seed_mlp", {}, 2_126_464, 2_097_409),
    ("wavegan", {}, 1_502_337, 1_092_993),
    ("wavegan", {"d": 64}, 19_065_345, 17_427_969),
    ("specgan", {}, 479_665, 274_497),
    ("specgan", {"d": 16}, 1_503_329, 1_092_993),
    ("specgan", {"d": 16, "norm": "none"}, 1_502_337, 1_092_993),
    ("specgan", {"size": 64, "d": 16}, 476_641, 271_489),
    ("phasegan", {}, 686_714, 278_609),
    ("phasegan", {"critic": "image"}, 686_714, 278_409),
]


@pytest.mark.parametrize("name,config,n_g,n_d", DOCUMENTED)
def test_parameter_counts_match_the_documentation(name, config, n_g, n_d):
    info = M.describe(name, **config)
    assert (info["generator_params"], info["discriminator_params"]) == (n_g, n_d)
    assert f"{n_g:,}" in M.__doc__ and f"{n_d:,}" in M.__doc__


def test_defaults():
    assert M.default_config("wavegan")["d"] == 16 and M.default_config("specgan")["size"] == 128
    assert M.default_config("specgan")["d"] == 8  # measured per CPU-second (bench/README.md, Quality)
    for name in M.MODELS:
        assert M.default_config(name)["noise_dim"] == 100
    g, d = M.build("seed_mlp")
    assert g.input.shape == (None, 100) and g.output.shape == (None, 16384) and d.output.shape == (None, 1)


def test_build_from_saved_config_restores_a_checkpoint(tmp_path):
    keras.utils.set_random_seed(2)
    config = M.describe("wavegan", samples=1024, d=2, upsample="nearest")["config"]
    saved = json.loads(json.dumps(config))  # what a run folder keeps
    g1, d1 = M.build("wavegan", **saved)
    path = tf.train.Checkpoint(generator=g1, discriminator=d1).save(str(tmp_path / "ckpt"))
    keras.utils.set_random_seed(99)
    g2, d2 = M.build("wavegan", **saved)
    tf.train.Checkpoint(generator=g2, discriminator=d2).restore(path).assert_consumed()
    z = tf.random.normal([2, 100], seed=4)
    np.testing.assert_array_equal(g1(z).numpy(), g2(z).numpy())
    np.testing.assert_array_equal(d1(g1(z)).numpy(), d2(g1(z)).numpy())


@pytest.mark.parametrize("name,config", [("wavegan", {"samples": 1024, "d": 2}), ("specgan", {"size": 32, "d": 2})])
def test_spectral_norm_wraps_every_critic_layer_and_bounds_their_gain(name, config):
    """spectral_norm=True: every conv and the logit of D are wrapped, trainable counts are unchanged,
    and after a few training calls each kernel's largest singular value is about 1."""
    plain = M.describe(name, spectral_norm=False, **config)
    sn = M.describe(name, spectral_norm=True, **config)
    assert sn["discriminator_params"] == plain["discriminator_params"] and sn["config"]["spectral_norm"] is True
    _, d = M.build(name, spectral_norm=True, **config)
    wrapped = [layer for layer in d.layers if isinstance(layer, keras.layers.SpectralNormalization)]
    assert len(wrapped) == sum(isinstance(layer, (keras.layers.Conv1D, keras.layers.Conv2D, keras.layers.Dense))
                               for layer in M.build(name, spectral_norm=False, **config)[1].layers)
    x = tf.random.normal((4, *d.input.shape[1:]), seed=3)
    for _ in range(30):  # power iterations run in training calls
        d(x, training=True)
    for layer in wrapped:
        kernel = layer.layer.kernel.numpy()
        sigma = np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]), compute_uv=False)[0]
        assert 0.9 < sigma < 1.1, (layer.name, sigma)
    with pytest.raises(ConfigError, match="spectral_norm"):
        M.build(name, spectral_norm="yes", **config)


def test_stft_heads_add_one_logit_per_resolution_and_match_an_independent_stft():
    """stft_heads: one LogSTFT + conv head per FFT length, their logits summed with the wave logit; the
    spectrogram equals numpy's |rfft| of Hann frames (hop n_fft/4, no centring); gradients stay finite on
    silence; the lengths are kept canonical (distinct, longest first) and bad ones are one clear error."""
    cfg = M.resolve_config("wavegan", {"samples": 1024, "d": 2, "stft_heads": [64, 256, 64]})
    assert cfg["stft_heads"] == [256, 64] and M.default_config("wavegan")["stft_heads"] == []
    _, plain = M.build("wavegan", samples=1024, d=2)
    _, d = M.build("wavegan", samples=1024, d=2, stft_heads=[256, 64])
    assert [l.name for l in d.layers if isinstance(l, M.LogSTFT)] == ["stft256", "stft64"]
    assert M.count_params(d) > M.count_params(plain)
    x = np.random.default_rng(0).uniform(-1, 1, (3, 1024)).astype(np.float32)
    logit = d(x).numpy()
    parts = keras.Model(d.input, d.get_layer("logit_sum").input)(x)
    np.testing.assert_allclose(logit, sum(p.numpy() for p in parts), rtol=1e-5, atol=1e-6)

    n, hop = 256, 64
    window = np.hanning(n + 1)[:-1]  # periodic Hann, as tf.signal.hann_window
    frames = np.stack([x[0, t:t + n] * window for t in range(0, 1024 - n + 1, hop)])
    expected = np.log(np.abs(np.fft.rfft(frames, axis=-1)) + 1e-5)
    got = M.LogSTFT(n)(x).numpy()[0, ..., 0]
    assert got.shape == expected.shape == (13, 129)
    np.testing.assert_allclose(got, expected, atol=1e-4)

    silent = tf.zeros((2, 1024))
    with tf.GradientTape() as tape:
        tape.watch(silent)
        value = tf.reduce_sum(d(silent, training=True))
    assert np.isfinite(tape.gradient(value, silent).numpy()).all()
    for bad, message in (([100], "entry 100 must be one of 64, 128"), ("512", "must be a list of FFT lengths"),
                         ([2048], "at most samples=1024"), ([True], "entry True")):
        with pytest.raises(ConfigError, match=message):
            M.build("wavegan", samples=1024, d=2, stft_heads=bad)
    with pytest.raises(ConfigError, match="model 'specgan' has no option 'stft_heads'"):
        M.build("specgan", size=32, stft_heads=[64])


def test_outputs_stay_float32_under_mixed_precision():
    previous = keras.mixed_precision.global_policy()
    try:
        keras.mixed_precision.set_global_policy("mixed_bfloat16")
        for name, config in (("wavegan", {"samples": 1024, "d": 1}), ("specgan", {"size": 32, "d": 1}),
                             ("wavegan", {"samples": 1024, "d": 1, "stft_heads": [128]}),
                             ("specgan", {"size": 32, "d": 1, "spectral_norm": True})):
            g, d = M.build(name, **config)
            assert g.get_layer("up0").compute_dtype == "bfloat16"
            out = g(tf.random.normal([2, 100]), training=True)
            assert out.dtype == tf.float32 and d(out, training=True).dtype == tf.float32
    finally:
        keras.mixed_precision.set_global_policy(previous)


@pytest.mark.parametrize("call,message", [
    (lambda: M.build("biggan"), r"unknown model 'biggan'.*seed_mlp, wavegan, specgan"),
    (lambda: M.domain("biggan"), r"unknown model 'biggan'"),
    (lambda: M.build("wavegan", samples=16000), r"samples=16000 is not supported.*1024, 2048, 4096, 8192, 16384"),
    (lambda: M.build("wavegan", samples=32768), r"samples=32768 is not supported"),
    (lambda: M.build("specgan", size=100), r"size=100 is not supported.*32, 64, 128, 256"),
    (lambda: M.build("specgan", samples=8192), r"samples=8192 has no SpecGAN spectrogram setting"),
    (lambda: M.build("specgan", samples=4096, size=128), r"size=128 contradicts samples=4096"),
    (lambda: M.build("wavegan", width=16), r"model 'wavegan' has no option 'width'.*noise_dim, samples, d"),
    (lambda: M.build("seed_mlp", d=4), r"model 'seed_mlp' has no option 'd'"),
    (lambda: M.build("wavegan", d=0), r"d=0 must be a positive integer"),
    (lambda: M.build("specgan", noise_dim=2.5), r"noise_dim=2.5 must be a positive integer"),
    (lambda: M.build("wavegan", upsample="linear"), r"upsample='linear'.*'transpose' or 'nearest'"),
    (lambda: M.build("wavegan", phase_shuffle=-1), r"phase_shuffle=-1"),
    (lambda: M.build("specgan", norm="layer"), r"norm=.layer.*.none. or .batch."),
])
def test_config_errors_are_clear(call, message):
    with pytest.raises(ConfigError, match=message):
        call()


def test_critic_features_share_the_critics_weights_and_logit():
    """critic_features(D): D's own logit first, then one activation per LeakyReLU (the STFT heads' too)."""
    _, D = M.build("wavegan", samples=1024, d=2, stft_heads=[64])
    F = M.critic_features(D)
    x = np.random.default_rng(0).normal(0, 0.1, (3, 1024)).astype(np.float32)
    out = F(x, training=False)
    n_relu = sum(isinstance(layer, keras.layers.LeakyReLU) for layer in D.layers)
    assert len(out) == 1 + n_relu and n_relu >= 3 + 3  # the wave path (3 at 1024 samples), the STFT head (3)
    np.testing.assert_allclose(out[0].numpy(), D(x, training=False).numpy(), rtol=1e-5, atol=1e-6)
    assert all(o.shape[0] == 3 for o in out) and F.count_params() == D.count_params()
    with pytest.raises(ConfigError, match="has none"):
        M.critic_features(M.build("seed_mlp", samples=1024, hidden=8)[1])
