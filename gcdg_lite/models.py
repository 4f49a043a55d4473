"""Generators and discriminators: the source's MLPs made correct, WaveGAN and SpecGAN, as plain Keras 3 models.

``build(name, **config) -> (generator, discriminator)``:

* generator: noise ``(batch, noise_dim)`` float32 -> a wave ``(batch, samples)`` in [-1, 1] (``seed_mlp``,
  ``wavegan``; ``phasegan``'s wave comes from an inverse STFT and may leave [-1, 1]), a normalised
  log-magnitude spectrogram ``(batch, H, W, 1)`` in [-1, 1] (``specgan``), or log-magnitude and IF codes
  ``(batch, frames, bins, 2)`` (``phasegan`` with ``critic="image"``; :mod:`gcdg_lite.phase`).
* discriminator: that shape -> ``(batch, 1)`` **logits** (no sigmoid; see :mod:`gcdg_lite.losses`).

Every model is built from its config alone (the run folder saves the config as JSON) and holds only
plain layers, so ``tf.train.Checkpoint(generator=G, discriminator=D)`` saves and restores it. The output
activation and the logit ``Dense`` run in float32 (``dtype="float32"``), so outputs stay float32 under
``keras.mixed_precision`` (e.g. ``mixed_bfloat16`` on CPU). No discriminator uses batch normalisation:
its examples stay independent, which the gradient penalty and R1 need. The ``specgan`` generator does by
default (``norm="batch"``, as in DCGAN; the SpecGAN paper has none), and the ``specgan`` discriminator is
spectrally normalised by default (``spectral_norm=True``, Miyato et al. 2018). The generator's moving
statistics are ordinary model weights, so checkpoints and resumed runs carry them.

The default configurations (:data:`DEFAULTS`) are :data:`gcdg_lite.defaults.MODEL_CONFIGS`; how each was
chosen, and what a training step of each costs on the book's CPUs, is in ``bench/README.md`` (Quality;
Trainer throughput). Their sizes (``noise_dim=100``; trainable parameters from :func:`describe`, checked by
``tests/test_models.py``):

================  =================================  ==========  ==========
name              config                             G params    D params
================  =================================  ==========  ==========
seed_mlp          samples=16384, hidden=128          2,126,464   2,097,409
wavegan           samples=16384, d=16 (default)      1,502,337   1,092,993
wavegan (paper)   samples=16384, d=64                19,065,345  17,427,969
specgan           size=128, d=8 (default)            479,665     274,497
specgan (wider)   size=128, d=16                     1,503,329   1,092,993
specgan (paper)   size=128, d=16, norm="none"        1,502,337   1,092,993
specgan (small)   size=64, d=16                      476,641     271,489
phasegan          samples=16384, d=8 (default)       686,714     278,609
phasegan (image)  samples=16384, d=8, critic=image   686,714     278,409
================  =================================  ==========  ==========

(WaveGAN and SpecGAN without batch norm have the same counts by construction: 16 x 16d features and 25-tap
kernels in 1-D versus 4 x 4 x 16d features and 5 x 5 kernels in 2-D.)

Where the chapters use them (each function's docstring names its notebook): 2 (core concepts) builds
``seed_mlp``; 4 (code example) trains ``seed_mlp`` in place of the listing's models, then ``wavegan``
(its checkerboard tones, phase shuffle, and short ``phase_shuffle=0`` / ``upsample="nearest"``
ablations) and ``specgan``, then ``phasegan`` (section 4.5); 5 (trends & challenges) compares their sizes
and speeds.
"""
from __future__ import annotations

import copy
import math
from typing import Any, Mapping

import keras
import tensorflow as tf
from keras import layers

from . import public as _public
from .defaults import MODEL_CONFIGS
from .errors import ConfigError
from .features import SPECGAN_GEOMETRY, specgan_geometry, stft_logmag
from .phase import PHASE_GEOMETRY, PhaseView, PixelNoise, ToWave, phase_geometry

__all__ = _public(__name__)


WAVE_SAMPLES = (1024, 2048, 4096, 8192, 16384)
"""Clip lengths (samples) that ``wavegan`` supports: 16 * 4**k * (1 or 2)."""

SPEC_SIZES = tuple(g.size for g in SPECGAN_GEOMETRY.values())
"""Spectrogram sizes (H = W, frames = bins) that ``specgan`` supports: one per clip length of
:data:`gcdg_lite.features.SPECGAN_GEOMETRY` (32, 64, 128, 256)."""

DEFAULTS: dict[str, dict[str, Any]] = MODEL_CONFIGS
"""Each model's default config (:data:`gcdg_lite.defaults.MODEL_CONFIGS`, defined there without TensorFlow);
``build(name, **overrides)`` accepts exactly these keys (plus ``samples`` for ``specgan``, mapped to ``size``
by :func:`gcdg_lite.features.specgan_geometry`: 16384 -> 128, 4096 -> 64)."""

_DOMAINS = {"seed_mlp": "wave", "wavegan": "wave", "specgan": "spec", "phasegan": "wave"}

SIZE_LIMITS: dict[str, int] = {"noise_dim": 4096, "d": 256, "hidden": 8192, "kernel": 128, "samples": 2**20}
"""Largest value of each size-like model option (far above any run of the book: its ``full`` budget uses
``d`` 32, the papers 64, every model ``noise_dim`` 100); a larger one is a typo that would end in an
out-of-memory traceback. Checked by :func:`resolve_config` (so also when a run is resolved and on every
saved ``config.json`` read) and by :meth:`gcdg_lite.train.TrainConfig.check`."""

MAX_PARAMS = 100_000_000
"""Most trainable parameters (G + D together, :func:`estimate_params`) a model may have: the paper's
WaveGAN (``d=64``) has 36.5 million; 100 million float32 weights with Adam's two moments and the
gradients take about 1.6 GB."""


def _critic_layer(layer: layers.Layer, spectral_norm: bool) -> layers.Layer:
    """``layer``, wrapped in ``keras.layers.SpectralNormalization`` when ``spectral_norm`` (chapter 5).

    Spectral normalisation (Miyato et al. 2018) divides the kernel by an estimate of its largest
    singular value (one power iteration per training call, its vector a non-trainable weight that
    checkpoints carry), so each layer of D is at most 1-Lipschitz. Trainable parameters are unchanged.
    """
    if not spectral_norm:
        return layer
    # The wrapper itself computes in float32: its power iteration and the kernel's division by sigma stay
    # exact under mixed precision (Keras 3.2-3.x's `normalize` took a 2-norm by SVD, which has no bfloat16
    # kernel), while the wrapped layer keeps its own policy for the convolution.
    return layers.SpectralNormalization(layer, name=layer.name, dtype="float32")


# --------------------------------------------------------------------------------------------
# Phase shuffle (Donahue et al. 2019, §3.3)
# --------------------------------------------------------------------------------------------


@keras.saving.register_keras_serializable(package="gcdg_lite")
class PhaseShuffle(layers.Layer):
    """Shift each example's feature map in time by a random ``k`` in ``[-rad, rad]`` steps.

    WaveGAN's discriminator could otherwise tell real from generated clips by the *phase* of the
    generator's periodic up-sampling artefacts; shuffling the phase a little removes that shortcut.
    The gap left by the shift is filled by reflection, so the shape is unchanged. Active only when
    called with ``training=True``; at inference it is the identity.

    The shifts are stateless random numbers drawn from ``(seed, calls)``, where ``calls`` is a
    non-trainable int64 weight of the layer counting training calls: it is saved with the model's
    checkpoint, so a resumed run draws the same shifts as an uninterrupted one.

    Args:
        rad: the largest shift ``n`` (time steps at this layer's resolution), default 2 as in the paper.
        seed: int seed of this layer's shifts, default 0 (``build`` gives each layer its own).
    Input/output: ``(batch, time, channels)``, any float dtype; ``time > rad``.
    """

    def __init__(self, rad: int = 2, seed: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rad = int(rad)
        self.seed = int(seed)
        self.calls = self.add_weight(shape=(), dtype="int64", initializer="zeros", trainable=False,
                                     name="calls", aggregation="only_first_replica")

    def call(self, x: tf.Tensor, training: bool | None = None) -> tf.Tensor:
        if not training or self.rad == 0:
            return x
        batch, length = tf.shape(x)[0], tf.shape(x)[1]
        seed = tf.stack([tf.constant(self.seed, tf.int64), tf.convert_to_tensor(self.calls)])
        self.calls.assign_add(1)
        shift = tf.random.stateless_uniform([batch], seed, minval=-self.rad, maxval=self.rad + 1, dtype=tf.int32)
        padded = tf.pad(x, [[0, 0], [self.rad, self.rad], [0, 0]], mode="REFLECT")
        index = tf.range(length)[None, :] + self.rad - shift[:, None]  # (batch, time)
        return tf.gather(padded, index, batch_dims=1)  # out[b, t] = x[b, t - shift[b]], reflected at the ends

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rad": self.rad, "seed": self.seed}


# --------------------------------------------------------------------------------------------
# Multi-resolution STFT heads for the WaveGAN critic (after MelGAN / HiFi-GAN / UnivNet)
# --------------------------------------------------------------------------------------------

STFT_HEAD_SIZES = (64, 128, 256, 512, 1024, 2048)
"""FFT lengths (samples) a ``wavegan`` critic's STFT head may use (``stft_heads``)."""


@keras.saving.register_keras_serializable(package="gcdg_lite")
class LogSTFT(layers.Layer):
    """Waves ``(batch, samples)`` -> log-magnitude spectrograms ``(batch, frames, n_fft // 2 + 1, 1)``.

    :func:`gcdg_lite.features.stft_logmag` as a layer: Hann window of ``n_fft`` samples, hop ``n_fft // 4``,
    whole frames only (``frames = 1 + (samples - n_fft) // hop``, not centred), all ``n_fft // 2 + 1`` bins,
    ``ln(|STFT| + 1e-5)``; the gradient stays finite on silent frames. Computes in float32 under any
    mixed-precision policy.
    """

    def __init__(self, n_fft: int, **kwargs: Any) -> None:
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        self.n_fft = int(n_fft)

    def call(self, x: tf.Tensor) -> tf.Tensor:
        return stft_logmag(x, self.n_fft, self.n_fft // 4, drop_nyquist=False, pad_end=False, eps=1e-5)[..., None]

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        frames = None if input_shape[1] is None else 1 + (input_shape[1] - self.n_fft) // (self.n_fft // 4)
        return (input_shape[0], frames, self.n_fft // 2 + 1, 1)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "n_fft": self.n_fft}


def _stft_head(x: Any, n_fft: int, d: int, leak: float, spectral_norm: bool) -> Any:
    """One critic head on a log-magnitude STFT of ``x``: three 3x3 Conv2D of stride 2 (d, 2d, 4d
    channels), LeakyReLU, flatten, a logit ``(batch, 1)``."""
    h = LogSTFT(n_fft, name=f"stft{n_fft}")(x)
    for i in range(3):
        h = _critic_layer(layers.Conv2D(d * 2**i, 3, strides=2, padding="same", name=f"stft{n_fft}_down{i}"),
                          spectral_norm)(h)
        h = layers.LeakyReLU(leak)(h)
    h = layers.Flatten()(h)
    return _critic_layer(layers.Dense(1, dtype="float32", name=f"stft{n_fft}_logit"), spectral_norm)(h)


def _logit(h: Any, wave: Any, d: int, leak: float, spectral_norm: bool, stft_heads: tuple[int, ...]) -> Any:
    """A critic's ``(batch, 1)`` logit: its features ``h`` flattened into a ``Dense(1)``, plus one
    :func:`_stft_head` logit per FFT length in ``stft_heads``, each judging the input ``wave``."""
    h = layers.Flatten()(h)
    logit = _critic_layer(layers.Dense(1, dtype="float32", name="logit"), spectral_norm)(h)
    if stft_heads:
        heads = [_stft_head(wave, n, d, leak, spectral_norm) for n in stft_heads]
        logit = layers.Add(dtype="float32", name="logit_sum")([logit, *heads])
    return logit


# --------------------------------------------------------------------------------------------
# seed_mlp: the source listing's two-layer MLPs, made correct
# --------------------------------------------------------------------------------------------


def _seed_mlp(noise_dim: int, samples: int, hidden: int) -> tuple[keras.Model, keras.Model]:
    """noise -> Dense(hidden) ReLU -> Dense(samples) tanh;  clip -> clip[-1,1] -> Dense(hidden) ReLU -> Dense(1) logit.

    The listing's generator ended in a sigmoid (outputs in [0, 1], never negative: not audio) and its
    discriminator in a sigmoid fed to a loss that applies one again; here G ends in tanh and D gives logits.
    """
    z = keras.Input((noise_dim,), name="noise")
    h = layers.Dense(hidden, activation="relu", name="hidden")(z)
    h = layers.Dense(samples, name="to_wave")(h)
    wave = layers.Activation("tanh", dtype="float32", name="wave")(h)
    generator = keras.Model(z, wave, name="seed_mlp_generator")

    x = keras.Input((samples,), name="wave")
    h = keras.ops.clip(x, -1.0, 1.0)
    h = layers.Dense(hidden, activation="relu", name="hidden")(h)
    logit = layers.Dense(1, dtype="float32", name="logit")(h)
    discriminator = keras.Model(x, logit, name="seed_mlp_discriminator")
    return generator, discriminator


# --------------------------------------------------------------------------------------------
# WaveGAN (Donahue, McAuley & Puckette 2019)
# --------------------------------------------------------------------------------------------


def _wave_strides(samples: int) -> list[int]:
    """Generator up-sampling factors from length 16 to ``samples``: stride 4 layers, then one stride 2 if needed."""
    if samples not in WAVE_SAMPLES:
        raise ConfigError(
            f"wavegan: samples={samples!r} is not supported; use one of {', '.join(map(str, WAVE_SAMPLES))} "
            "(or model 'seed_mlp' for other lengths)"
        )
    ratio = samples // 16
    n4 = int(math.log(ratio, 4) + 1e-9)
    return [4] * n4 + ([2] if 4**n4 != ratio else [])


def _wavegan(noise_dim: int, samples: int, d: int, kernel: int, upsample: str, phase_shuffle: int,
             leak: float, spectral_norm: bool = False, stft_heads: tuple[int, ...] = ()
             ) -> tuple[keras.Model, keras.Model]:
    """WaveGAN. For 16384 samples and width d:

    G: z -> Dense(16*16d) -> (16, 16d) ReLU -> up x4 -> (64, 8d) -> (256, 4d) -> (1024, 2d) -> (4096, d)
       -> (16384, 1) tanh, each up-layer a Conv1DTranspose(kernel 25, stride 4) (or UpSampling1D + Conv1D),
       ReLU between.
    D: (16384, 1) -> Conv1D(d, 25, stride 4) LReLU(0.2) PhaseShuffle(2) -> (4096, d) -> ... -> (16, 16d)
       -> flatten -> Dense(1) logit.
    Shorter clips drop stride-4 layers from the wide end (and use one stride-2 layer for 2048 and 8192).
    ``stft_heads`` (FFT lengths, e.g. ``(512, 256, 128)``) adds one head per length that judges the clip's
    log-magnitude STFT (:class:`LogSTFT`, three stride-2 3x3 Conv2D, its own logit); D's logit is the sum of
    the wave logit and the heads' logits, so every loss of :mod:`gcdg_lite.losses` applies unchanged.
    The heads see the clip before phase shuffle (a magnitude does not depend on the phase).
    """
    strides = _wave_strides(samples)
    n = len(strides)
    width0 = d * 2 ** (n - 1)  # channels at length 16 (16d for the 5-layer model)

    z = keras.Input((noise_dim,), name="noise")
    h = layers.Dense(16 * width0, name="project")(z)
    h = layers.Reshape((16, width0))(h)
    h = layers.ReLU()(h)
    for i, s in enumerate(strides):
        filters = 1 if i == n - 1 else width0 // 2 ** (i + 1)
        if upsample == "transpose":
            h = layers.Conv1DTranspose(filters, kernel, strides=s, padding="same", name=f"up{i}")(h)
        else:  # nearest-neighbour up-sampling then a convolution: no checkerboard buzz
            h = layers.UpSampling1D(s, name=f"repeat{i}")(h)
            h = layers.Conv1D(filters, kernel, padding="same", name=f"up{i}")(h)
        if i < n - 1:
            h = layers.ReLU()(h)
    h = layers.Reshape((samples,))(h)
    wave = layers.Activation("tanh", dtype="float32", name="wave")(h)
    generator = keras.Model(z, wave, name="wavegan_generator")

    x = keras.Input((samples,), name="wave")
    h = layers.Reshape((samples, 1))(x)
    for i, s in enumerate(reversed(strides)):
        h = _critic_layer(layers.Conv1D(d * 2**i, kernel, strides=s, padding="same", name=f"down{i}"),
                          spectral_norm)(h)
        h = layers.LeakyReLU(leak)(h)
        if i < n - 1 and phase_shuffle:
            h = PhaseShuffle(phase_shuffle, seed=i, name=f"phase_shuffle{i}")(h)
    logit = _logit(h, x, d, leak, spectral_norm, stft_heads)
    discriminator = keras.Model(x, logit, name="wavegan_discriminator")
    return generator, discriminator


# --------------------------------------------------------------------------------------------
# SpecGAN (Donahue et al. 2019): DCGAN-like 2-D convolutions on normalised log-magnitude spectrograms
# --------------------------------------------------------------------------------------------


def _specgan(noise_dim: int, size: int, d: int, kernel: int, upsample: str,
             leak: float, norm: str, spectral_norm: bool = False) -> tuple[keras.Model, keras.Model]:
    """SpecGAN. For size 128 and width d:

    G: z -> Dense(4*4*16d) -> (4, 4, 16d) ReLU -> (8, 8, 8d) -> (16, 16, 4d) -> (32, 32, 2d) -> (64, 64, d)
       -> (128, 128, 1) tanh, each step a Conv2DTranspose(kernel 5, stride 2) (or UpSampling2D + Conv2D).
    D: (128, 128, 1) -> Conv2D(d, 5, stride 2) LReLU(0.2) -> ... -> (4, 4, 16d) -> flatten -> Dense(1) logit.
    Size 64 drops the widest layer (4 layers, 8d at 4x4).
    ``norm="batch"`` puts a BatchNormalization before every ReLU of G, as in DCGAN (Radford et al. 2016).
    """
    n = int(math.log2(size // 4))
    width0 = d * 2 ** (n - 1)

    z = keras.Input((noise_dim,), name="noise")
    h = layers.Dense(4 * 4 * width0, name="project")(z)
    h = layers.Reshape((4, 4, width0))(h)
    if norm == "batch":
        h = layers.BatchNormalization(name="bn_project")(h)
    h = layers.ReLU()(h)
    for i in range(n):
        filters = 1 if i == n - 1 else width0 // 2 ** (i + 1)
        if upsample == "transpose":
            h = layers.Conv2DTranspose(filters, kernel, strides=2, padding="same", name=f"up{i}")(h)
        else:
            h = layers.UpSampling2D(2, name=f"repeat{i}")(h)
            h = layers.Conv2D(filters, kernel, padding="same", name=f"up{i}")(h)
        if i < n - 1:
            if norm == "batch":
                h = layers.BatchNormalization(name=f"bn{i}")(h)
            h = layers.ReLU()(h)
    spec = layers.Activation("tanh", dtype="float32", name="spec")(h)
    generator = keras.Model(z, spec, name="specgan_generator")

    x = keras.Input((size, size, 1), name="spec")
    h = x
    for i in range(n):
        h = _critic_layer(layers.Conv2D(d * 2**i, kernel, strides=2, padding="same", name=f"down{i}"),
                          spectral_norm)(h)
        h = layers.LeakyReLU(leak)(h)
    h = layers.Flatten()(h)
    logit = _critic_layer(layers.Dense(1, dtype="float32", name="logit"), spectral_norm)(h)
    discriminator = keras.Model(x, logit, name="specgan_discriminator")
    return generator, discriminator


# --------------------------------------------------------------------------------------------
# PhaseGAN: log-magnitude + instantaneous frequency, an exact inverse STFT inside G (after GANSynth)
# --------------------------------------------------------------------------------------------


@keras.saving.register_keras_serializable(package="gcdg_lite")
class MinibatchStd(layers.Layer):
    """Append one channel: the batch's standard deviation, averaged over features and positions (ProGAN).

    A generator that makes the same clip for every ``z`` gives a batch with a small spread; with this
    channel the critic can see that, which a critic judging one example at a time cannot (Karras et al.
    2018; GANSynth's critic has it). It couples the examples of a batch, so it is off unless asked for.

    Input ``(batch, height, width, channels)`` -> output ``(batch, height, width, channels + 1)``, float32.
    """

    def call(self, x: tf.Tensor) -> tf.Tensor:
        x = tf.cast(x, tf.float32)
        spread = tf.reduce_mean(tf.sqrt(tf.math.reduce_variance(x, axis=0) + 1e-8))
        return tf.concat([x, tf.ones_like(x[..., :1]) * spread], axis=-1)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (*input_shape[:-1], input_shape[-1] + 1)


def _phase_layers(samples: int) -> int:
    """Up-sampling layers of the ``phasegan`` generator: from 4 x 8 pixels to ``frames - 1`` x ``bins - 1``."""
    geom = phase_geometry(samples)
    return int(math.log2((geom.frames - 1) // 4))


def _phasegan(noise_dim: int, samples: int, d: int, kernel: int, leak: float, spectral_norm: bool,
              noise: bool, stft_heads: tuple[int, ...] = (), critic: str = "wave", mbstd: bool = False
              ) -> tuple[keras.Model, keras.Model]:
    """PhaseGAN: a SpecGAN-shaped generator that draws the phase too, and a critic that hears the result.

    For 16384 samples (:data:`gcdg_lite.phase.PHASE_GEOMETRY`: 512-point frames every 128 samples,
    129 frames x 257 bins) and width d:

    G: z -> Dense(4*8*16d) -> (4, 8, 16d) BN ReLU -> (8, 16, 8d) -> (16, 32, 4d) -> (32, 64, 2d)
       -> (64, 128, d), each a Conv2DTranspose(kernel 5, stride 2) BN ReLU; then a last transposed
       convolution without padding to (131, 259, 2), cropped to (129, 257, 2); with ``noise`` per-pixel
       noise of learned scale (:class:`gcdg_lite.phase.PixelNoise`); tanh -> the log-magnitude and IF
       codes -> :class:`gcdg_lite.phase.ToWave` (phase by a running sum, exact inverse STFT) -> a wave
       ``(batch, samples)``. Shorter clips drop the widest layer(s).
    D: the wave -> :class:`gcdg_lite.phase.PhaseView` (the same STFT re-analyses real and generated clips
       alike: log-magnitude and the magnitude-weighted IF as cosine and sine, 3 channels) -> Conv2D(d, 5,
       stride 2) LReLU -> ... -> 16d channels -> flatten -> Dense(1) logit; plus ``stft_heads`` as in
       ``wavegan``. Every layer spectrally normalised when ``spectral_norm``; with ``mbstd`` a
       :class:`MinibatchStd` channel before the logit.

    ``critic="image"`` is GANSynth's own choice instead: G stops at the codes ``(batch, frames, bins, 2)``
    (no inverse STFT while training; a run decodes them when it samples) and D judges those codes, with
    the real clips encoded the same way (domain ``"phase"``); ``stft_heads`` then does not apply.
    """
    n = _phase_layers(samples)
    width0 = d * 2 ** (n - 1)
    geom = phase_geometry(samples)

    z = keras.Input((noise_dim,), name="noise")
    h = layers.Dense(4 * 8 * width0, name="project")(z)
    h = layers.Reshape((4, 8, width0))(h)
    h = layers.BatchNormalization(name="bn_project")(h)
    h = layers.ReLU()(h)
    for i in range(n - 1):
        h = layers.Conv2DTranspose(width0 // 2 ** (i + 1), kernel, strides=2, padding="same", name=f"up{i}")(h)
        h = layers.BatchNormalization(name=f"bn{i}")(h)
        h = layers.ReLU()(h)
    h = layers.Conv2DTranspose(2, kernel, strides=2, padding="valid", name=f"up{n - 1}")(h)
    extra_t, extra_f = h.shape[1] - geom.frames, h.shape[2] - geom.bins
    h = layers.Cropping2D(((extra_t // 2, extra_t - extra_t // 2), (extra_f // 2, extra_f - extra_f // 2)))(h)
    if noise:
        h = PixelNoise(name="pixel_noise")([h, z])
    code = layers.Activation("tanh", dtype="float32", name="code")(h)
    if critic == "image":
        generator = keras.Model(z, code, name="phasegan_generator")
        x = keras.Input((geom.frames, geom.bins, 2), name="code")
        h = x
    else:
        generator = keras.Model(z, ToWave(samples, name="wave")(code), name="phasegan_generator")
        x = keras.Input((samples,), name="wave")
        h = PhaseView(samples, name="phase_view")(x)
    for i in range(n):
        h = _critic_layer(layers.Conv2D(d * 2**i, kernel, strides=2, padding="same", name=f"down{i}"),
                          spectral_norm)(h)
        h = layers.LeakyReLU(leak)(h)
    if mbstd:
        h = MinibatchStd(name="minibatch_std")(h)
    logit = _logit(h, x, d, leak, spectral_norm, stft_heads)
    discriminator = keras.Model(x, logit, name="phasegan_discriminator")
    return generator, discriminator


def _phasegan_params(cfg: Mapping[str, Any]) -> int:
    """Trainable parameters of ``phasegan`` (G + D) from its resolved config, without building."""
    samples, d, z = cfg["samples"], cfg["d"], cfg["noise_dim"]
    k, n, geom = cfg["kernel"] ** 2, _phase_layers(cfg["samples"]), phase_geometry(cfg["samples"])
    width0 = d * 2 ** (n - 1)
    widths = [width0 // 2**i for i in range(n)] + [2]  # G's channels, 4 x 8 pixels to the codes
    g = z * 32 * width0 + 32 * width0 + sum(_conv(k, widths[i], widths[i + 1]) for i in range(n))
    g += 2 * sum(widths[:-1])  # gamma and beta of every BatchNorm
    g += 2 * geom.bins if cfg["noise"] else 0
    c_in, frames, bins, dis = (2 if cfg["critic"] == "image" else 3), geom.frames, geom.bins, 0
    for i in range(n):
        dis += _conv(k, c_in, d * 2**i)
        c_in, frames, bins = d * 2**i, -(-frames // 2), -(-bins // 2)
    dis += frames * bins * (c_in + (1 if cfg["mbstd"] else 0)) + 1
    return g + dis + sum(_stft_head_params(h, samples, d) for h in cfg["stft_heads"])


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------

MODELS: dict[str, str] = {
    "seed_mlp": "the source's two-layer MLPs made correct (tanh wave out, logit out); chapter 2/4",
    "wavegan": "WaveGAN: 1-D up-sampling convolutions, phase-shuffled strided-conv critic; chapter 5",
    "specgan": "SpecGAN: DCGAN-like 2-D convolutions on normalised log-magnitude spectrograms; chapter 5",
    "phasegan": "PhaseGAN: SpecGAN's generator drawing log-magnitude and instantaneous frequency, an exact "
                "inverse STFT to a wave, a critic on the wave's STFT; chapter 4",
}
"""Model name -> one-line description."""


def _check_name(name: str) -> str:
    key = str(name).strip().lower()
    if key not in DEFAULTS:
        raise ConfigError(f"unknown model {name!r}; choose one of: {', '.join(DEFAULTS)}")
    return key


def default_config(name: str) -> dict[str, Any]:
    """A copy of model ``name``'s default config (see :data:`DEFAULTS`)."""
    return copy.deepcopy(DEFAULTS[_check_name(name)])


def resolve_config(name: str, config: dict[str, Any]) -> dict[str, Any]:
    """Model ``name``'s full config: :data:`DEFAULTS` updated by ``config``, validated (not built).

    A run's ``model_kwargs`` are resolved with it once, when its ``RunConfig`` is made
    (``RunConfig.model_options``), and built with :func:`build_resolved`.

    Raises:
        ConfigError: unknown model name or option, or a value the model cannot use (names it).
    """
    key = _check_name(name)
    cfg = copy.deepcopy(DEFAULTS[key])
    config = dict(config)
    if key == "specgan" and "samples" in config:
        samples = config.pop("samples")
        size = specgan_geometry(samples).size
        if config.setdefault("size", size) != size:
            raise ConfigError(f"specgan: size={config['size']!r} contradicts samples={samples!r} (which gives "
                              f"size {size}); pass only one of them")
    unknown = sorted(set(config) - set(cfg))
    if unknown:
        raise ConfigError(f"model {key!r} has no option {', '.join(map(repr, unknown))}; "
                          f"its options are: {', '.join(cfg)}")
    cfg.update(config)
    for opt in ("noise_dim", "d", "hidden", "kernel", "samples"):
        if opt in cfg and (isinstance(cfg[opt], bool) or not isinstance(cfg[opt], int) or cfg[opt] < 1):
            raise ConfigError(f"model {key!r}: {opt}={cfg[opt]!r} must be a positive integer")
    check_sizes(cfg, key)
    if "leak" in cfg and (isinstance(cfg["leak"], bool) or not isinstance(cfg["leak"], (int, float))
                          or not 0 <= cfg["leak"] <= 1):
        raise ConfigError(f"model {key!r}: leak={cfg['leak']!r} must be a LeakyReLU slope in [0, 1], e.g. 0.2")
    if "upsample" in cfg and cfg["upsample"] not in ("transpose", "nearest"):
        raise ConfigError(f"model {key!r}: upsample={cfg['upsample']!r}; use 'transpose' or 'nearest'")
    if key == "phasegan":
        if cfg["samples"] not in PHASE_GEOMETRY:
            raise ConfigError(f"phasegan: samples={cfg['samples']!r} is not supported; use one of "
                              f"{', '.join(map(str, PHASE_GEOMETRY))}")
        for opt in ("noise", "mbstd"):
            if not isinstance(cfg[opt], bool):
                raise ConfigError(f"phasegan: {opt}={cfg[opt]!r} must be true or false")
        if cfg["critic"] not in ("wave", "image"):
            raise ConfigError(f"phasegan: critic={cfg['critic']!r}; use 'wave' (D judges the wave's STFT) or "
                              "'image' (D judges G's codes, as in GANSynth)")
        if cfg["critic"] == "image" and cfg["stft_heads"]:
            raise ConfigError("phasegan: stft_heads need critic='wave' (the image critic never sees a wave)")
        cfg["stft_heads"] = _check_heads(cfg["stft_heads"], cfg["samples"], key)
    if key == "wavegan":
        _wave_strides(cfg["samples"])
        if not isinstance(cfg["phase_shuffle"], int) or not 0 <= cfg["phase_shuffle"] <= 8:
            raise ConfigError(f"wavegan: phase_shuffle={cfg['phase_shuffle']!r} must be an integer in 0..8 (0 = off)")
        cfg["stft_heads"] = _check_heads(cfg["stft_heads"], cfg["samples"], key)
    if "spectral_norm" in cfg and not isinstance(cfg["spectral_norm"], bool):
        raise ConfigError(f"model {key!r}: spectral_norm={cfg['spectral_norm']!r} must be true or false")
    if key == "specgan" and cfg["norm"] not in ("none", "batch"):
        raise ConfigError(f"specgan: norm={cfg['norm']!r}; use 'none' or 'batch' (BatchNorm in the generator)")
    if key == "specgan" and cfg["size"] not in SPEC_SIZES:
        raise ConfigError(f"specgan: size={cfg['size']!r} is not supported; use one of "
                          f"{', '.join(map(str, SPEC_SIZES))}")
    n = estimate_params(key, cfg)
    if n > MAX_PARAMS:
        shown = ", ".join(f"{k}={cfg[k]}" for k in ("d", "hidden", "noise_dim", "samples", "size") if k in cfg)
        raise ConfigError(f"model {key!r} ({shown}) would have about {n:,} trainable parameters (G + D), more "
                          f"than the {MAX_PARAMS:,} this package builds; use a smaller "
                          + ("hidden or samples" if key == "seed_mlp" else "d (--width; the papers use 64)"))
    return cfg


def check_sizes(config: Any, name: str = "model") -> None:
    """Refuse a size-like option above :data:`SIZE_LIMITS` (whole numbers only; types are checked elsewhere).

    Raises:
        ConfigError: naming the option, its value and its limit.
    """
    if not isinstance(config, dict):
        return
    for opt, high in SIZE_LIMITS.items():
        v = config.get(opt)
        if isinstance(v, int) and not isinstance(v, bool) and v > high:
            what = " (the width multiplier, --width; the papers use 64)" if opt == "d" else ""
            raise ConfigError(f"model {name!r}: {opt}={_short(v)} is more than {high}{what}; use a value "
                              f"from 1 to {high}")


def _short(v: int) -> str:
    """``v`` as written, or ``about 1e+30`` (``about 2**N``) for numbers too long to print."""
    if abs(v) < 10**12:
        return str(v)
    return f"about {float(v):.3g}" if v.bit_length() < 1000 else f"about 2**{v.bit_length() - 1}"


def _conv(k: int, c_in: int, c_out: int) -> int:
    """Trainable parameters of a convolution with ``k`` kernel taps (all dimensions), bias included."""
    return k * c_in * c_out + c_out


def _stft_head_params(n_fft: int, samples: int, d: int) -> int:
    frames = 1 + (samples - n_fft) // (n_fft // 4)
    h, w = frames, n_fft // 2 + 1
    total, c_in = 0, 1
    for i in range(3):
        total += _conv(9, c_in, d * 2**i)
        c_in, h, w = d * 2**i, -(-h // 2), -(-w // 2)
    return total + h * w * c_in + 1


def estimate_params(name: str, config: dict[str, Any]) -> int:
    """Trainable parameters of G and D together, from a resolved config (:func:`resolve_config`), without building.

    Equal to ``count_params(G) + count_params(D)`` of :func:`build` (checked by ``tests/test_models.py``);
    plain integer arithmetic, so absurd sizes are counted, not allocated.
    """
    key, cfg = _check_name(name), config
    z = cfg["noise_dim"]
    if key == "phasegan":
        return _phasegan_params(cfg)
    if key == "seed_mlp":
        h, n = cfg["hidden"], cfg["samples"]
        return (z * h + h + h * n + n) + (n * h + h + h + 1)
    if key == "wavegan":
        strides, k, d = _wave_strides(cfg["samples"]), cfg["kernel"], cfg["d"]
        n_layers = len(strides)
        shape = [1] + [d * 2**i for i in range(n_layers)]  # D's channels; G mirrors them
    else:
        n_layers = int(math.log2(cfg["size"] // 4))
        k, d = cfg["kernel"] ** 2, cfg["d"]
        shape = [1] + [d * 2**i for i in range(n_layers)]
    width0 = shape[-1]
    g = z * 16 * width0 + 16 * width0 + sum(_conv(k, shape[i + 1], shape[i]) for i in range(n_layers))
    if key == "specgan" and cfg["norm"] == "batch":
        g += 2 * sum(shape[1:])  # gamma and beta of every BatchNorm (after the projection and up-layers)
    dis = sum(_conv(k, shape[i], shape[i + 1]) for i in range(n_layers)) + 16 * width0 + 1
    if key == "wavegan":
        dis += sum(_stft_head_params(n, cfg["samples"], d) for n in cfg["stft_heads"])
    return g + dis


def _check_heads(heads: Any, samples: int, model: str = "wavegan") -> list[int]:
    """``stft_heads`` as a list of distinct FFT lengths, longest first; ConfigError naming a bad one."""
    if isinstance(heads, (str, int)) or not hasattr(heads, "__iter__"):
        raise ConfigError(f"{model}: stft_heads={heads!r} must be a list of FFT lengths, e.g. [512, 256, 128] "
                          "(empty = no STFT heads)")
    out = []
    for n in heads:
        if isinstance(n, bool) or not isinstance(n, int) or n not in STFT_HEAD_SIZES or n > samples:
            raise ConfigError(f"{model}: stft_heads entry {n!r} must be one of "
                              f"{', '.join(map(str, STFT_HEAD_SIZES))} and at most samples={samples}")
        if n not in out:
            out.append(n)
    return sorted(out, reverse=True)


def build(name: str, **config: Any) -> tuple[keras.Model, keras.Model]:
    """Build ``(generator, discriminator)`` for model ``name`` from its config alone.

    Notebook: 02_core_concepts.ipynb.

    Args:
        name: ``"seed_mlp"``, ``"wavegan"`` or ``"specgan"``.
        **config: overrides of :data:`DEFAULTS` for that model:
            noise_dim (int, default 100): length of the Gaussian noise vector z.
            samples (int, default 16384): clip length in samples (16 kHz -> 1.024 s). ``wavegan``:
                1024, 2048, 4096, 8192 or 16384. ``specgan``: 16384 -> size 128, 4096 -> size 64.
            hidden (int, default 128): ``seed_mlp`` hidden units.
            d (int): ``wavegan``/``specgan`` width multiplier, default 16 (``wavegan``) and 8 (``specgan``,
                chosen per CPU-second, ``bench/README.md``); the papers use 64.
            kernel (int): convolution length, 25 (``wavegan``) or 5x5 (``specgan``).
            upsample (str): ``"transpose"`` convolutions or ``"nearest"`` up-sampling + convolution
                (no checkerboard artefacts). Default ``"nearest"`` for ``wavegan`` (it scored better on
                held-out speech, ``bench/README.md``), ``"transpose"`` for ``specgan`` (as in the paper).
            phase_shuffle (int, default 2): ``wavegan`` discriminator's largest shift n, 0 turns it off.
            stft_heads (list of int, default []): ``wavegan`` discriminator heads on log-magnitude STFTs
                of these FFT lengths (e.g. ``[512, 256, 128]``; see ``_wavegan``).
            leak (float, default 0.2): LeakyReLU slope in the conv discriminators.
            size (int, default 128): ``specgan`` spectrogram height = width (32, 64, 128 or 256).
            norm (str, default "batch"): ``specgan`` generator normalisation, ``"batch"`` (DCGAN) or ``"none"`` (the paper).
            spectral_norm (bool): spectral normalisation of every layer of the ``wavegan``/``specgan``
                discriminator (``keras.layers.SpectralNormalization``); default True for ``specgan``
                (measured in ``bench/README.md``), False for ``wavegan``.
    Returns:
        ``(generator, discriminator)``, unbuilt-optimiser plain ``keras.Model`` s. Generator: float32
        ``(batch, noise_dim)`` -> float32 ``(batch, samples)`` or ``(batch, size, size, 1)`` in [-1, 1].
        Discriminator: that -> float32 ``(batch, 1)`` logits.
    Raises:
        ConfigError: unknown model name or option, or a value the model cannot use.
    """
    return build_resolved(name, resolve_config(name, config))


def build_resolved(name: str, config: Mapping[str, Any]) -> tuple[keras.Model, keras.Model]:
    """:func:`build` from a config :func:`resolve_config` has returned, which is neither filled nor checked
    again: the trainer's entry (``RunConfig.model_options``, resolved once per run).

    Returns:
        ``(generator, discriminator)`` as :func:`build`.
    """
    key, cfg = _check_name(name), config
    if key == "seed_mlp":
        return _seed_mlp(cfg["noise_dim"], cfg["samples"], cfg["hidden"])
    if key == "wavegan":
        return _wavegan(cfg["noise_dim"], cfg["samples"], cfg["d"], cfg["kernel"], cfg["upsample"],
                        cfg["phase_shuffle"], float(cfg["leak"]), cfg["spectral_norm"], tuple(cfg["stft_heads"]))
    if key == "phasegan":
        return _phasegan(cfg["noise_dim"], cfg["samples"], cfg["d"], cfg["kernel"], float(cfg["leak"]),
                         cfg["spectral_norm"], cfg["noise"], tuple(cfg["stft_heads"]), cfg["critic"],
                         cfg["mbstd"])
    return _specgan(cfg["noise_dim"], cfg["size"], cfg["d"], cfg["kernel"], cfg["upsample"], float(cfg["leak"]),
                    cfg["norm"], cfg["spectral_norm"])


def domain(name: str, config: Mapping[str, Any] | None = None) -> str:
    """What model ``name``'s generator makes and its discriminator judges: ``"wave"`` (waveforms),
    ``"spec"`` (SpecGAN's normalised spectrograms) or ``"phase"`` (``phasegan`` with ``critic="image"``:
    log-magnitude and IF codes, :func:`gcdg_lite.phase.encode`).

    Raises:
        ConfigError: unknown model name.
    """
    key = _check_name(name)
    if key == "phasegan" and (config or {}).get("critic", DEFAULTS[key]["critic"]) == "image":
        return "phase"
    return _DOMAINS[key]


def count_params(model: keras.Model) -> int:
    """Number of trainable parameters of a built model.

    Notebook: 04_code_example.ipynb.
    """
    return int(sum(math.prod(v.shape) for v in model.trainable_weights))


def describe(name: str, **config: Any) -> dict[str, Any]:
    """Build model ``name`` and summarise it: resolved config, domain, shapes and parameter counts.

    Notebook: 04_code_example.ipynb.

    Returns:
        dict with keys ``name``, ``domain``, ``config`` (every option, defaults filled in),
        ``noise_shape``, ``output_shape`` (without batch), ``generator_params``,
        ``discriminator_params``.
    """
    cfg = resolve_config(name, config)
    generator, discriminator = build_resolved(name, cfg)
    return {
        "name": _check_name(name),
        "domain": domain(name, cfg),
        "config": cfg,
        "noise_shape": (cfg["noise_dim"],),
        "output_shape": tuple(generator.output.shape[1:]),
        "generator_params": count_params(generator),
        "discriminator_params": count_params(discriminator),
    }


def critic_features(discriminator: keras.Model) -> keras.Model:
    """The discriminator with its hidden activations as extra outputs, for feature matching.

    The returned model shares every weight with ``discriminator`` and maps its input to
    ``[logit (batch, 1), a_1, ..., a_n]``, where ``a_i`` are the outputs of its LeakyReLU layers in
    build order (the convolutional path, then any STFT heads), each ``(batch, ...)``; the logit is the
    discriminator's own output, so one call serves both the adversarial loss and
    :func:`gcdg_lite.losses.feature_matching`.

    Raises:
        ConfigError: the discriminator has no LeakyReLU layer (``seed_mlp``'s ReLU MLP), so there is
            nothing to match; use ``wavegan``, ``specgan`` or ``phasegan``.
    """
    acts = [layer.output for layer in discriminator.layers if isinstance(layer, layers.LeakyReLU)]
    if not acts:
        raise ConfigError(f"feature matching needs a discriminator with LeakyReLU layers; "
                          f"{discriminator.name!r} has none (use wavegan, specgan or phasegan)")
    return keras.Model(discriminator.input, [discriminator.outputs[0], *acts], name=f"{discriminator.name}_features")
