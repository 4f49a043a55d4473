"""Spectrogram features: shapes (SpecGAN geometry), tf.function, normalisation, Griffin-Lim round trip."""
import json

import numpy as np
import pytest
import tensorflow as tf

from gcdg_lite.data import texture
from gcdg_lite.errors import ConfigError
from gcdg_lite.features import (SPECGAN_GEOMETRY, SpecNorm, examples, log_mel, spec_to_audio, specgan_geometry,
                                spectral_convergence, stft_logmag)


def test_specgan_shapes():
    x = texture("vowels", n=2, seed=0)
    assert tuple(stft_logmag(x, 256, 128).shape) == (2, 128, 128)
    small = texture("vowels", n=2, seed=0, samples=4096)
    geo = specgan_geometry(4096)
    assert tuple(stft_logmag(small, geo.n_fft, geo.hop).shape) == (2, 64, 64) and geo.size == 64
    assert tuple(stft_logmag(x[0]).shape) == (128, 128)  # a single clip
    assert tuple(stft_logmag(x, drop_nyquist=False).shape) == (2, 128, 129)
    assert tuple(stft_logmag(x, pad_end=False).shape) == (2, 1 + (16384 - 256) // 128, 128)  # whole frames
    half = stft_logmag(tf.constant(x, tf.float16), 256, 128)  # any float dtype in, float32 out
    assert half.dtype == tf.float32 and np.allclose(np.exp(half), np.exp(stft_logmag(x)), atol=0.05)  # |STFT|
    silent = tf.zeros((1, 1024))
    with tf.GradientTape() as tape:
        tape.watch(silent)
        value = tf.reduce_sum(stft_logmag(silent, 256, 64, eps=1e-5))
    assert np.isfinite(tape.gradient(value, silent).numpy()).all()
    assert np.allclose(stft_logmag(silent, eps=1e-5).numpy(), np.log(1e-5))
    assert tuple(log_mel(x, 16000, n_mels=40).shape) == (2, 128, 40)


def test_every_geometry_gives_a_square_image_and_the_models_build_it():
    """The one table: frames = bins = size for each clip length, and specgan builds that size."""
    from gcdg_lite import models

    for samples, geo in SPECGAN_GEOMETRY.items():
        x = np.zeros((1, samples), np.float32)
        assert tuple(stft_logmag(x, geo.n_fft, geo.hop).shape) == (1, geo.size, geo.size)
    assert models.default_config("specgan")["size"] == SPECGAN_GEOMETRY[16384].size == 128
    assert models.SPEC_SIZES == tuple(g.size for g in SPECGAN_GEOMETRY.values())
    G, _ = models.build("specgan", samples=4096, d=2)
    assert tuple(G.output.shape[1:]) == (64, 64, 1)
    with pytest.raises(ConfigError, match="8192"):
        specgan_geometry(8192)


def test_examples_are_what_the_discriminator_sees():
    clips = texture("vowels", n=6, seed=0, samples=4096)
    waves, none = examples(clips, "wave")
    assert none is None and waves.shape == (6, 4096) and waves.dtype == np.float32
    spec, norm = examples(clips, "spec")
    assert spec.shape == (6, 64, 64, 1) and -1.0 <= spec.min() and spec.max() <= 1.0
    again, same = examples(clips, "spec", norm=norm)
    assert same is norm
    np.testing.assert_array_equal(again, spec)
    with pytest.raises(ConfigError, match="SpecNorm"):
        examples(texture("vowels", n=2, seed=0, samples=16384), "spec", norm=norm)


def test_works_inside_tf_function_and_matches_eager():
    x = texture("hum", n=2, seed=0, samples=4096)
    graph = tf.function(lambda a: (stft_logmag(a, 128, 64), log_mel(a, 16000, 32, 256, 64)))
    s, m = graph(tf.constant(x))
    assert np.allclose(s.numpy(), stft_logmag(x, 128, 64).numpy(), atol=1e-5)
    assert m.shape == (2, 64, 32)


def test_stft_bin_is_where_the_energy_is():
    sr, n_fft = 16000, 256
    t = np.arange(16384) / sr
    tone = (0.5 * np.sin(2 * np.pi * 1000.0 * t)).astype(np.float32)[None]
    s = stft_logmag(tone, n_fft, 128).numpy()[0]
    assert np.argmax(s[10]) == round(1000.0 * n_fft / sr)  # bin k is k * sr / n_fft Hz


def test_specnorm_range_and_round_trip():
    s = stft_logmag(texture("wind", n=8, seed=0, samples=4096), 128, 64).numpy()
    norm = SpecNorm.fit(s, n_fft=128, hop=64)
    z = norm.normalise(s)
    assert z.shape == s.shape and z.min() >= -1 and z.max() <= 1
    assert abs(float(np.mean(z))) < 0.05 and 0.15 < float(np.std(z)) < 0.45  # ~N(0, 1/3) before clipping
    inside = np.abs(z) < 1
    assert np.allclose(norm.denormalise(z)[inside], s[inside], atol=1e-4)
    zt = norm.normalise(tf.constant(s[..., None]))  # tensors with a channel axis, as SpecGAN uses
    assert tf.is_tensor(zt) and np.allclose(zt.numpy()[..., 0], z, atol=1e-6)
    again = SpecNorm.from_dict(json.loads(json.dumps(norm.to_dict())))
    assert np.array_equal(again.mean, norm.mean) and again.n_fft == 128
    assert np.allclose(again.normalise(s), z)


def test_specnorm_is_per_frequency():
    s = np.zeros((4, 5, 3), np.float32)
    s[..., 0] = 10 + np.random.default_rng(0).standard_normal((4, 5))  # loud bin
    s[..., 1] = -5 + 0.1 * np.random.default_rng(1).standard_normal((4, 5))  # quiet bin
    norm = SpecNorm.fit(s)
    assert np.allclose(norm.mean[:2], [s[..., 0].mean(), s[..., 1].mean()], atol=1e-5)
    assert norm.std[2] == pytest.approx(1e-3)  # constant bin: floored, no division by zero


@pytest.mark.parametrize("name", ["vowels", "wind"])
def test_griffin_lim_round_trip_spectral_convergence(name):
    x = texture(name, n=1, seed=0)
    s = stft_logmag(x).numpy()
    y = spec_to_audio(s, 256, 128, n_iter=32, samples=16384)
    assert y.shape == (1, 16384) and y.dtype == np.float32
    sc = spectral_convergence(np.exp(s), np.exp(stft_logmag(y).numpy()))
    assert sc < 0.15, sc
    # one iteration (random phase) is far worse: the bound above is not vacuous
    sc1 = spectral_convergence(np.exp(s), np.exp(stft_logmag(spec_to_audio(s, n_iter=1)).numpy()))
    assert sc1 > 0.2 and sc1 > 2 * sc


def test_oversampled_griffin_lim_keeps_frames_and_length():
    """oversample=k: the given frames are kept at every k-th position, the ones between interpolated in
    log-magnitude; the audio has the same length; a k that does not divide the hop is one clear error."""
    from gcdg_lite.features import oversample_frames

    s = stft_logmag(texture("vowels", n=2, seed=0, samples=4096), 128, 64).numpy()
    dense = oversample_frames(s, 2)
    assert dense.shape == (2, 2 * s.shape[1], s.shape[2])
    np.testing.assert_array_equal(dense[:, ::2], s)
    np.testing.assert_allclose(dense[:, 1:-1:2], 0.5 * (s[:, :-1] + s[:, 1:]), rtol=1e-6, atol=1e-6)
    y = spec_to_audio(s, 128, 64, n_iter=16, samples=4096, oversample=2)
    assert y.shape == (2, 4096) and y.dtype == np.float32 and np.all(np.abs(y) <= 1)
    sc = spectral_convergence(np.exp(s), np.exp(stft_logmag(y, 128, 64).numpy()))
    assert sc < 0.3, sc  # still a reconstruction of THESE frames at the original hop
    with pytest.raises(ConfigError, match="oversample"):
        spec_to_audio(s, 128, 64, n_iter=2, oversample=3)


def test_spec_to_audio_accepts_single_and_channel_inputs():
    s = stft_logmag(texture("hum", n=1, seed=0, samples=4096), 128, 64).numpy()
    assert spec_to_audio(s[0], 128, 64, n_iter=2).shape == (4096,)
    assert spec_to_audio(s[..., None], 128, 64, n_iter=2).shape == (1, 4096)
