"""Reference sets that make a metric readable: split halves (floor) and two noise anchors.

A metric value alone ("FD = 37") says little. The book always prints reference values beside it:

* **floor** — the metric between two disjoint halves of the *real* set: the best a generator can
  hope for with this many clips (sampling noise alone).
* **spectrum-matched noise** (:func:`spectrum_noise`, the ceiling, the "1" of every normalised
  score) — noise with the reference half's *average magnitude spectrum* and random phase, each clip
  at the RMS loudness of one real probe clip: what a generator makes that has learned the mean
  spectrum and nothing else (no events, no rhythm, no pitch, no clip-to-clip variety). A generator
  worth the name must beat it.
* **pink noise** (:func:`pink_noise`, power spectrum ∝ 1/f, same per-clip loudness): "audio of the
  right loudness, but not the texture at all" — a second, much easier anchor, kept because the book's
  older numbers were read against it.

The spectrum is the mean of ``|rfft(clip)|`` over the reference clips, taken over the *whole clip*
(one FFT of ``samples`` points, about 1 Hz resolution at 16 kHz), not per STFT frame: so a steady
tone or hum in every clip stays a sharp line, exactly as a mean-spectrum generator would make it,
and the noise's long-term spectrum is the reference's to the bin. Introduced in chapter 5; chapter 6
(FAQ) uses them to answer "is my number good?".
"""
from __future__ import annotations

import numpy as np

from .clips import as_clips, check_int


def pink_noise(n: int, samples: int, seed: int = 0,
               rms: float | np.ndarray = 0.1) -> np.ndarray:
    """Deterministic pink (1/f power) noise clips.

    Notebook: 05_trends_and_challenges.ipynb.

    Gaussian white noise is shaped in the FFT domain by ``1/sqrt(f)`` (the DC bin is zeroed), each
    clip is scaled to the requested RMS and clipped to [-1, 1].

    Args:
        n: number of clips.
        samples: clip length in samples.
        seed: numpy seed (same seed -> same clips).
        rms: target RMS amplitude, scalar or per-clip array (n,) (default 0.1, about -20 dBFS).

    Returns:
        float32 array (n, samples).
    """
    n, samples = check_int("n", n, 1), check_int("samples", samples, 2)
    rng = np.random.default_rng(check_int("seed", seed, 0))
    n_bins = samples // 2 + 1
    spec = rng.standard_normal((n, n_bins)) + 1j * rng.standard_normal((n, n_bins))
    f = np.arange(n_bins, dtype=np.float64)
    f[0] = np.inf
    return _scaled(np.fft.irfft(spec / np.sqrt(f), n=samples, axis=-1), rms)


def mean_spectrum(clips: np.ndarray) -> np.ndarray:
    """Average magnitude spectrum of whole clips: (n, samples) -> (samples // 2 + 1,), linear units."""
    return np.mean(np.abs(np.fft.rfft(np.asarray(clips, dtype=np.float64), axis=-1)), axis=0)


def spectrum_noise(reference: np.ndarray, n: int, seed: int = 0,
                   rms: float | np.ndarray = 0.1) -> np.ndarray:
    """Deterministic noise with the reference clips' average magnitude spectrum and random phase.

    Notebook: 04_code_example.ipynb (chapter 5 explains it as the yardstick's anchor).

    The magnitude of every rFFT bin is :func:`mean_spectrum` of ``reference`` (DC set to 0), the
    phase of each bin is uniform in [0, 2π) and independent across bins and clips; each clip is
    then scaled to the requested RMS and clipped to [-1, 1].

    Args:
        reference: float array (n_ref, samples), the real clips whose spectrum is copied.
        n: number of clips to make.
        seed: numpy seed of the phases (same seed -> same clips).
        rms: target RMS amplitude, scalar or per-clip array (n,) (default 0.1); pass the RMS of
            real probe clips to match their loudness one by one.

    Returns:
        float32 array (n, samples).
    """
    ref = as_clips(reference, "reference clips")
    n = check_int("n", n, 1)
    mag = mean_spectrum(ref)
    mag[0] = 0.0
    phase = np.random.default_rng(check_int("seed", seed, 0)).uniform(0.0, 2.0 * np.pi, (n, mag.shape[0]))
    x = np.fft.irfft(mag * np.exp(1j * phase), n=ref.shape[-1], axis=-1)
    return _scaled(x, rms)


def random_phase(clips: np.ndarray, n_fft: int = 512, hop: int = 128, seed: int = 0) -> np.ndarray:
    """Each clip with its own short-time magnitudes and random phase: its spectrogram, not its waveform.

    The STFT of each clip (Hann window of ``n_fft`` samples, hop ``hop``) keeps its magnitude; every
    bin of every frame gets a phase uniform in [0, 2π), independent of its neighbours; the inverse STFT
    (overlap-add) gives the clip back at its own RMS loudness, clipped to [-1, 1]. The band levels over
    time, which the log-mel statistics behind FD see, change little; the phase coherence that makes the
    harmonics of a voice one periodic wave is lost, so a vowel turns rough and breathy (measured in
    ``bench/README.md``, "What FD does not hear", and in chapter 5).
    An anchor for what FD cannot hear (:mod:`.harmonicity`).

    Notebook: 05_trends_and_challenges.ipynb.

    Args:
        clips: float array (n, samples) in [-1, 1], at least ``n_fft`` samples long.
        n_fft: STFT window and FFT length in samples (default 512, 32 ms at 16 kHz).
        hop: STFT hop in samples (default 128), at most ``n_fft // 2``.
        seed: numpy seed of the phases (same seed -> same clips).

    Returns:
        float32 array (n, samples).
    """
    import librosa

    x = as_clips(clips, "clips")
    n_fft = check_int("n_fft", n_fft, 16, x.shape[1])
    hop = check_int("hop", hop, 1, n_fft // 2)
    mag = np.abs(librosa.stft(x, n_fft=n_fft, hop_length=hop, window="hann"))
    phase = np.random.default_rng(check_int("seed", seed, 0)).uniform(0.0, 2.0 * np.pi, mag.shape)
    y = librosa.istft(mag * np.exp(1j * phase), n_fft=n_fft, hop_length=hop, window="hann", length=x.shape[1])
    return _scaled(y, clip_rms(x))


def _scaled(x: np.ndarray, rms: float | np.ndarray) -> np.ndarray:
    """Scale each row of ``x`` to RMS ``rms`` (scalar or per row), clip to [-1, 1], float32."""
    x = x / (np.sqrt(np.mean(x**2, axis=-1, keepdims=True)) + 1e-12)
    x *= np.broadcast_to(np.asarray(rms, dtype=np.float64), (x.shape[0],))[:, None]
    return np.clip(x, -1.0, 1.0).astype(np.float32)


def clip_rms(clips: np.ndarray) -> np.ndarray:
    """RMS amplitude of each clip: (n, samples) -> (n,)."""
    x = np.asarray(clips, dtype=np.float64)
    return np.sqrt(np.mean(x**2, axis=-1))


def split_halves(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two disjoint random index sets of size ``n // 2`` each (fixed by ``seed``)."""
    perm = np.random.default_rng(seed).permutation(n)
    half = n // 2
    return perm[:half], perm[half:2 * half]
