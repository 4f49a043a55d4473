"""Phase as a generator can draw it: log-magnitude plus instantaneous frequency, and an exact inverse STFT (chapter 4).

A spectrogram generator that hands magnitudes to Griffin-Lim cannot sound real: Griffin-Lim guesses a
phase that is consistent, not the one the sound had, and a classifier hears the difference even on real
clips (``bench/README.md``, Phase). GANSynth (Engel et al. 2019) lets the network draw the phase instead,
in a form it can draw: not the raw phase angle, which jumps by up to 2 pi between neighbouring pixels, but
the **instantaneous frequency** (IF), the phase's advance from one frame to the next. A steady tone has a
constant IF in its bin, an image a convolution draws easily.

Units and conventions (``n_fft``, ``hop`` and times in *samples*, frequencies in *bins*):

* **Frames are centred**: the clip is reflected by ``n_fft // 2`` samples at both ends, so a clip of
  ``samples`` samples has ``frames = 1 + samples // hop`` frames and frame ``t`` is centred on sample
  ``t * hop``. All ``bins = n_fft // 2 + 1`` bins are kept (DC to Nyquist). Hann window.
* **Log-magnitude code** ``m = (ln(|X| + EPS) - mid) / half`` in [-1, 1]: ``mid`` and ``half`` map
  ``ln(EPS)`` to -1 and ``ln(n_fft / 2)`` (the largest magnitude a clip in [-1, 1] can have under a Hann
  window) to +1, so every clip in [-1, 1] codes inside [-1, 1] without clipping.
* **IF code** ``f = dev / pi`` in (-1, 1]: ``dev[t, k]`` is the phase advance of bin ``k`` from frame
  ``t - 1`` to ``t`` minus the advance of a tone at the bin's centre frequency (``2 pi k hop / n_fft``),
  wrapped to (-pi, pi]. Frame 0 holds its own phase (as if frame -1 had phase ``-2 pi k hop / n_fft``).
  The phase is the running sum of ``dev`` plus ``2 pi k hop t / n_fft`` (computed modulo 2 pi in
  integers, so it stays exact for long clips).
* ``decode(encode(x)) == x`` up to float rounding (``tests/test_phase.py``): the inverse STFT divides by
  the squared windows' overlap sum, which is positive at every sample of the clip because the frames
  are centred.

Everything here is TensorFlow (differentiable, runs inside ``tf.function`` and on a GPU) and works on
batches; :class:`ToWave` and :class:`PhaseView` wrap it as Keras layers for :mod:`gcdg_lite.models`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from . import public as _public
from .errors import ConfigError

__all__ = _public(__name__)

#: floor added to magnitudes before the log (-80 dB below a unit bin)
EPS = 1e-4


@dataclass(frozen=True)
class PhaseGeometry:
    """The STFT of the phase-aware model for clips of ``samples`` samples.

    Attributes:
        samples: clip length in samples.
        n_fft: FFT and Hann-window length in samples.
        hop: frame step in samples (``n_fft // 4``: frames overlap by 75 %).
    """

    samples: int
    n_fft: int
    hop: int

    @property
    def frames(self) -> int:
        """Centred frames: ``1 + samples // hop``."""
        return 1 + self.samples // self.hop

    @property
    def bins(self) -> int:
        """Frequency bins, DC to Nyquist: ``n_fft // 2 + 1``."""
        return self.n_fft // 2 + 1

    @property
    def log_range(self) -> tuple[float, float]:
        """``(mid, half)`` of the log-magnitude code: ``ln(EPS)`` -> -1 and ``ln(n_fft / 2)`` -> +1."""
        low, high = math.log(EPS), math.log(self.n_fft / 2)
        return (high + low) / 2, (high - low) / 2


#: clip length (samples) -> geometry. 16384 samples (1.024 s at 16 kHz): 512-point frames (31.25 Hz bins,
#: fine enough to separate a voice's harmonics) every 128 samples -> 129 frames x 257 bins.
PHASE_GEOMETRY: dict[int, PhaseGeometry] = {
    s: PhaseGeometry(s, n_fft, n_fft // 4) for s, n_fft in ((1024, 128), (4096, 256), (16384, 512), (65536, 1024))
}


def phase_geometry(samples: int) -> PhaseGeometry:
    """The :class:`PhaseGeometry` for clips of ``samples`` samples (see :data:`PHASE_GEOMETRY`).

    Notebook: 04_code_example.ipynb.

    Raises:
        ConfigError: no setting for that clip length (names the lengths that have one).
    """
    try:
        return PHASE_GEOMETRY[int(samples)]
    except (KeyError, TypeError, ValueError):
        raise ConfigError(f"samples={samples!r} has no phase-aware STFT setting; use one of "
                          f"{', '.join(map(str, PHASE_GEOMETRY))}") from None


def _advance(geom: PhaseGeometry) -> tf.Tensor:
    """``(frames, bins)`` float32: ``2 pi k hop t / n_fft`` modulo 2 pi, computed in integers (exact)."""
    t = np.arange(geom.frames, dtype=np.int64)[:, None]
    k = np.arange(geom.bins, dtype=np.int64)[None, :]
    turns = (t * k * geom.hop) % geom.n_fft
    return tf.constant(2 * np.pi * turns / geom.n_fft, tf.float32)


def _wrap(phase: tf.Tensor) -> tf.Tensor:
    """Angles wrapped to (-pi, pi]."""
    return phase - 2 * np.pi * tf.math.ceil((phase - np.pi) / (2 * np.pi))


def stft(x: tf.Tensor | np.ndarray, geom: PhaseGeometry) -> tf.Tensor:
    """Centred complex STFT of waves ``(batch, samples)`` -> complex64 ``(batch, frames, bins)``.

    Notebook: 04_code_example.ipynb.
    """
    x = tf.cast(tf.convert_to_tensor(x), tf.float32)
    half = geom.n_fft // 2
    x = tf.pad(x, [[0, 0], [half, half]], mode="REFLECT")
    return tf.signal.stft(x, geom.n_fft, geom.hop, geom.n_fft, window_fn=tf.signal.hann_window, pad_end=False)


def istft(spec: tf.Tensor, geom: PhaseGeometry) -> tf.Tensor:
    """Inverse of :func:`stft`: complex ``(batch, frames, bins)`` -> float32 waves ``(batch, samples)``.

    Notebook: 04_code_example.ipynb.

    Least-squares overlap-add (Griffin & Lim 1984): each frame's inverse FFT times the window, summed,
    divided by the summed squared windows. Near the clip's edges fewer than ``n_fft / hop`` frames
    overlap, so the sum is computed for this geometry (as librosa's ``istft`` does) rather than assumed
    constant (``tf.signal.inverse_stft_window_fn`` assumes it).
    """
    window = tf.signal.hann_window(geom.n_fft)
    frames = tf.signal.irfft(spec, [geom.n_fft]) * window
    wave = tf.signal.overlap_and_add(frames, geom.hop)
    half = geom.n_fft // 2
    return wave[:, half: half + geom.samples] / _window_sum(geom)


def _window_sum(geom: PhaseGeometry) -> tf.Tensor:
    """``(samples,)`` float32: the squared Hann windows of all frames summed at each sample of the clip."""
    w2 = np.square(0.5 - 0.5 * np.cos(2 * np.pi * np.arange(geom.n_fft) / geom.n_fft))  # periodic Hann
    total = np.zeros((geom.frames - 1) * geom.hop + geom.n_fft)
    for t in range(geom.frames):
        total[t * geom.hop: t * geom.hop + geom.n_fft] += w2
    half = geom.n_fft // 2
    return tf.constant(total[half: half + geom.samples], tf.float32)


def encode(x: tf.Tensor | np.ndarray, geom: PhaseGeometry) -> tf.Tensor:
    """Waves ``(batch, samples)`` in [-1, 1] -> codes ``(batch, frames, bins, 2)`` float32 in [-1, 1].

    Notebook: 04_code_example.ipynb.

    Channel 0 is the log-magnitude code, channel 1 the IF code (see the module's conventions).
    """
    spec = stft(x, geom)
    mid, half = geom.log_range
    m = (tf.math.log(tf.abs(spec) + EPS) - mid) / half
    phase = tf.math.angle(spec)
    previous = tf.concat([-_advance(geom)[1:2] + tf.zeros_like(phase[:, :1]), phase[:, :-1]], axis=1)
    dev = _wrap(phase - previous - _advance(geom)[1:2])
    return tf.stack([m, dev / np.pi], axis=-1)


def decode(code: tf.Tensor, geom: PhaseGeometry) -> tf.Tensor:
    """Codes ``(batch, frames, bins, 2)`` -> waves ``(batch, samples)`` float32; differentiable.

    Notebook: 04_code_example.ipynb.

    The phase is the running sum of the IF code over frames (times pi) plus each bin's own advance; the
    magnitude ``exp(m * half + mid) - EPS`` (never below 0); the wave their inverse STFT. Not clipped:
    a generator's wave may leave [-1, 1].
    """
    code = tf.cast(code, tf.float32)
    mid, half = geom.log_range
    magnitude = tf.nn.relu(tf.exp(code[..., 0] * half + mid) - EPS)
    phase = tf.math.cumsum(code[..., 1] * np.pi, axis=1) + _advance(geom)
    spec = tf.complex(magnitude * tf.cos(phase), magnitude * tf.sin(phase))
    return istft(spec, geom)


def phase_view(x: tf.Tensor, geom: PhaseGeometry, delta: float = 1e-2) -> tf.Tensor:
    """What the phase-aware critic sees of waves ``(batch, samples)``: ``(batch, frames, bins, 3)`` float32.

    Notebook: 04_code_example.ipynb.

    Channel 0 is the log-magnitude code; channels 1 and 2 are the cosine and sine of the IF deviation,
    taken from the product of each frame with the conjugate of the one before, rotated back by the bin's
    own advance, ``Y = X[t] conj(X[t-1]) exp(-i 2 pi k hop / n_fft)``, as ``Y / (|Y| + delta)`` times the
    magnitude code mapped to [0, 1]. Loud bins show their IF; quiet bins, whose phase is noise, fade
    to 0; and the gradient stays bounded near silence (no angle is taken).
    """
    spec = stft(x, geom)
    mid, half = geom.log_range
    m = (tf.math.log(tf.abs(spec) + EPS) - mid) / half
    step = tf.exp(tf.complex(0.0, -_advance(geom)[1:2]))
    y = spec[:, 1:] * tf.math.conj(spec[:, :-1]) * step
    y = tf.concat([tf.zeros_like(y[:, :1]), y], axis=1)
    norm = tf.abs(y) + delta
    unit = y / tf.complex(norm, tf.zeros_like(norm))  # not tf.cast: its gradient would warn of a lost imaginary part
    weight = (m + 1.0) / 2.0
    return tf.stack([m, weight * tf.math.real(unit), weight * tf.math.imag(unit)], axis=-1)


def instantaneous_frequency(x: np.ndarray, sr: int, geom: PhaseGeometry) -> np.ndarray:
    """Instantaneous frequency in Hz of every (frame, bin) of waves ``(batch, samples)``: ``(batch, frames, bins)``.

    Notebook: 04_code_example.ipynb.

    The bin's centre frequency ``k sr / n_fft`` plus the IF deviation ``dev sr / (2 pi hop)``. For a steady
    tone of ``f`` Hz it reads ``f`` in the bins the tone covers (chapter 4's picture and exercise).
    """
    dev = encode(np.asarray(x, np.float32).reshape(-1, geom.samples), geom)[..., 1].numpy() * np.pi
    centre = np.arange(geom.bins) * sr / geom.n_fft
    return centre[None, None, :] + dev * sr / (2 * np.pi * geom.hop)


# ------------------------------------------------------------------------------------------- Keras layers


@keras.saving.register_keras_serializable(package="gcdg_lite")
class ToWave(layers.Layer):
    """Codes ``(batch, frames, bins, 2)`` -> waves ``(batch, samples)``: :func:`decode` as a layer (float32)."""

    def __init__(self, samples: int, **kwargs: Any) -> None:
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        self.samples = int(samples)
        self.geom = phase_geometry(samples)

    def call(self, code: tf.Tensor) -> tf.Tensor:
        return decode(code, self.geom)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], self.samples)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "samples": self.samples}


@keras.saving.register_keras_serializable(package="gcdg_lite")
class PhaseView(layers.Layer):
    """Waves ``(batch, samples)`` -> ``(batch, frames, bins, 3)``: :func:`phase_view` as a layer (float32)."""

    def __init__(self, samples: int, **kwargs: Any) -> None:
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        self.samples = int(samples)
        self.geom = phase_geometry(samples)

    def call(self, x: tf.Tensor) -> tf.Tensor:
        return phase_view(x, self.geom)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], self.geom.frames, self.geom.bins, 3)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "samples": self.samples}


@keras.saving.register_keras_serializable(package="gcdg_lite")
class PixelNoise(layers.Layer):
    """Add per-pixel noise with a learned scale per (bin, channel): how G makes noisy textures' random phase.

    The noise is a fixed function of the noise vector ``z`` (a counter hash seeded by ``z``'s bits), not
    a fresh draw: a clip is still decided by its ``z`` alone, so sampling and resumed runs reproduce. The
    scale starts at 0 (the layer starts as the identity) and is learned.

    Inputs: ``[h, z]``, ``h`` ``(batch, frames, bins, channels)`` and ``z`` ``(batch, noise_dim)``.
    Output: ``h + scale * n``, ``n`` ~ N(0, 1) per pixel (Box-Muller on two hashed uniforms).
    """

    def build(self, input_shape: list) -> None:
        _, frames, bins, channels = input_shape[0]
        self.scale = self.add_weight(shape=(bins, channels), initializer="zeros", name="scale")

    def call(self, inputs: list) -> tf.Tensor:
        h, z = inputs
        shape = tf.shape(h)
        seed = tf.bitcast(tf.cast(z[:, :2], tf.float32), tf.int32)
        seed = tf.bitwise.bitwise_xor(seed[:, 0], seed[:, 1] * 40503)
        count = tf.range(shape[1] * shape[2] * shape[3] * 2, dtype=tf.int32)
        u = _hash01(seed[:, None] * 1103515245 + count[None, :] * 12345)
        u1, u2 = tf.split(u, 2, axis=1)
        n = tf.sqrt(-2.0 * tf.math.log(u1)) * tf.cos(2 * np.pi * u2)
        return h + tf.cast(tf.reshape(n, shape), h.dtype) * tf.cast(self.scale, h.dtype)

    def compute_output_shape(self, input_shape: list) -> tuple:
        return input_shape[0]


def _hash01(x: tf.Tensor) -> tf.Tensor:
    """int32 -> uniform float32 in (0, 1): a few rounds of an integer avalanche hash (lowbias32)."""
    x = tf.bitcast(x, tf.uint32)
    for mul in (0x7FEB352D, 0x846CA68B):
        x = tf.bitwise.bitwise_xor(x, tf.bitwise.right_shift(x, 16))
        x = x * tf.constant(mul, tf.uint32)
    x = tf.bitwise.bitwise_xor(x, tf.bitwise.right_shift(x, 16))
    return (tf.cast(tf.bitwise.right_shift(x, 8), tf.float32) + 0.5) / 16777216.0
