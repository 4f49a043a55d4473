"""The phase-aware representation (gcdg_lite.phase) and the phasegan model (issue 23)."""
from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

import gcdg_lite as gl
from gcdg_lite import models as M
from gcdg_lite import phase as P
from gcdg_lite.errors import ConfigError

SR = 16000


@pytest.mark.parametrize("samples", sorted(P.PHASE_GEOMETRY)[:3])
def test_real_clips_round_trip_to_float_rounding(samples):
    geom = P.phase_geometry(samples)
    clips = gl.texture("speech", n=3, seed=0, samples=samples)
    code = P.encode(clips, geom).numpy()
    assert code.shape == (3, geom.frames, geom.bins, 2)
    assert code.min() >= -1.0 and code.max() <= 1.0
    back = P.decode(code, geom).numpy()
    assert back.shape == clips.shape
    assert np.max(np.abs(back - clips)) < 1e-4
    # the clip edges round-trip too (centred frames): the first and last 64 samples
    assert np.max(np.abs(back[:, :64] - clips[:, :64])) < 1e-4
    assert np.max(np.abs(back[:, -64:] - clips[:, -64:])) < 1e-4


def test_stft_and_istft_are_inverse_at_the_edges():
    geom = P.phase_geometry(4096)
    x = np.random.default_rng(1).uniform(-1, 1, (2, 4096)).astype(np.float32)
    assert np.max(np.abs(P.istft(P.stft(x, geom), geom).numpy() - x)) < 1e-5


def test_if_of_a_pure_tone_is_its_frequency():
    geom = P.phase_geometry(16384)
    t = np.arange(16384) / SR
    for f0 in (440.0, 1234.5):
        tone = (0.5 * np.sin(2 * np.pi * f0 * t)).astype(np.float32)[None]
        freq = P.instantaneous_frequency(tone, SR, geom)[0]
        k = int(round(f0 * geom.n_fft / SR))
        inner = freq[8:-8, k - 1: k + 2]  # frames away from the edges, the bins the tone covers
        assert np.max(np.abs(inner - f0)) < 0.5
        # the bin's centre frequency is off by up to half a bin; the IF is not
        assert abs(k * SR / geom.n_fft - f0) > 1.0 or f0 == 440.0


def test_random_phase_is_not_the_true_phase():
    geom = P.phase_geometry(4096)
    clip = gl.texture("vowels", n=1, seed=0, samples=4096)
    code = P.encode(clip, geom).numpy()
    code[..., 1] = np.random.default_rng(0).uniform(-1, 1, code[..., 1].shape)
    other = P.decode(code, geom).numpy()
    assert np.max(np.abs(other - clip)) > 0.05


@pytest.mark.parametrize("silent", [True, False])
def test_gradients_are_finite_through_decode_and_view(silent):
    geom = P.phase_geometry(1024)
    x = tf.zeros((2, 1024)) if silent else tf.random.uniform((2, 1024), -1, 1, seed=0)
    code = tf.Variable(P.encode(x, geom))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(P.phase_view(P.decode(code, geom), geom))
    grad = tape.gradient(loss, code).numpy()
    assert np.all(np.isfinite(grad))


def test_phasegan_builds_and_counts_its_parameters():
    for kw in ({}, {"noise": True}, {"samples": 4096, "d": 4}, {"samples": 4096, "stft_heads": [128]},
               {"samples": 4096, "mbstd": True}, {"samples": 4096, "critic": "image", "d": 4}):
        cfg = M.resolve_config("phasegan", kw)
        G, D = M.build_resolved("phasegan", cfg)
        assert M.count_params(G) + M.count_params(D) == M.estimate_params("phasegan", cfg)
        z = np.random.default_rng(0).normal(size=(2, cfg["noise_dim"])).astype(np.float32)
        out = G(z).numpy()
        geom = P.phase_geometry(cfg["samples"])
        want = (2, geom.frames, geom.bins, 2) if cfg["critic"] == "image" else (2, cfg["samples"])
        assert out.shape == want and np.all(np.isfinite(out))
        assert D(out).shape == (2, 1)
    assert M.domain("phasegan") == "wave" and M.domain("phasegan", {"critic": "image"}) == "phase"


def test_image_critic_trains_on_codes_and_samples_waves(tmp_path):
    clips = gl.texture("rain", n=8, seed=0, samples=4096)
    run = gl.fit(clips, {"model": "phasegan", "model_kwargs": {"critic": "image", "d": 2}, "steps": 2, "batch": 4},
                 out=tmp_path / "run", progress=False)
    assert run.engine.examples.shape == (8, 65, 129, 2)
    assert np.max(np.abs(run.engine.examples.numpy()[:1] - P.encode(clips[:1], P.phase_geometry(4096)).numpy())) < 1e-6
    x = gl.load_run(tmp_path / "run").sample(3, seed=0)
    assert x.shape == (3, 4096) and np.abs(x).max() <= 1.0


def test_minibatch_std_sees_a_collapsed_batch():
    same = tf.ones((4, 3, 3, 2))
    spread = tf.random.normal((4, 3, 3, 2), seed=1)
    layer = M.MinibatchStd()
    assert layer(same).shape == (4, 3, 3, 3)
    assert float(layer(same)[0, 0, 0, -1]) < 1e-3 < float(layer(spread)[0, 0, 0, -1])


def test_phasegan_refuses_bad_options():
    with pytest.raises(ConfigError, match="samples=5000"):
        M.resolve_config("phasegan", {"samples": 5000})
    with pytest.raises(ConfigError, match="noise="):
        M.resolve_config("phasegan", {"noise": "yes"})
    with pytest.raises(ConfigError, match="phasegan: stft_heads"):
        M.resolve_config("phasegan", {"stft_heads": 128})


def test_pixel_noise_is_a_function_of_z():
    layer = P.PixelNoise()
    h = tf.zeros((3, 5, 7, 2))
    z = tf.constant(np.random.default_rng(0).normal(size=(3, 100)), tf.float32)
    assert np.all(layer([h, z]).numpy() == 0.0)  # the scale starts at 0: the identity
    layer.scale.assign(tf.ones_like(layer.scale))
    a, b = layer([h, z]).numpy(), layer([h, z]).numpy()
    assert np.array_equal(a, b)  # same z, same noise
    assert not np.allclose(a[0], a[1])  # other z, other noise
    assert abs(a.mean()) < 0.2 and 0.8 < a.std() < 1.2  # about N(0, 1)
