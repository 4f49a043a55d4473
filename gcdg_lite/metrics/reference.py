"""Reference sets that make a metric readable: split halves (floor) and pink noise (ceiling).

A metric value alone ("FD = 37") says little. The book always prints two reference values beside it:

* **floor** — the metric between two disjoint halves of the *real* set: the best a generator can
  hope for with this many clips (sampling noise alone).
* **ceiling** — the metric between *pink noise* (power spectrum ∝ 1/f, same per-clip RMS loudness
  as the real clips) and the real set: what "not the texture at all, but audio of the right
  loudness" scores.

Introduced in chapter 5; chapter 6 (FAQ) uses them to answer "is my number good?".
"""
from __future__ import annotations

import numpy as np


def pink_noise(n: int, samples: int, seed: int = 0,
               rms: float | np.ndarray = 0.1) -> np.ndarray:
    """Deterministic pink (1/f power) noise clips.

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
    rng = np.random.default_rng(seed)
    n_bins = samples // 2 + 1
    spec = rng.standard_normal((n, n_bins)) + 1j * rng.standard_normal((n, n_bins))
    f = np.arange(n_bins, dtype=np.float64)
    f[0] = np.inf
    x = np.fft.irfft(spec / np.sqrt(f), n=samples, axis=-1)
    x /= np.sqrt(np.mean(x**2, axis=-1, keepdims=True)) + 1e-12
    x *= np.broadcast_to(np.asarray(rms, dtype=np.float64), (n,))[:, None]
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
