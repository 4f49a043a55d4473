"""Latent directions: which ways through a generator's latent space change the *sound* most.

An analysis of a trained generator (in the spirit of GANSpace, Härkönen et al. 2020): principal
components of the generated sounds' average log-spectra, mapped back to the latent space by least
squares. :func:`gcdg_lite.widgets.latent_explorer` puts sliders on the directions it returns.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..errors import ConfigError

def latent_directions(generate: Callable[[np.ndarray], np.ndarray], latent: Callable[[int, int], np.ndarray],
                      k: int = 3, method: str = "pca", seed: int = 0, n_probe: int = 32) -> np.ndarray:
    """``k`` orthonormal latent directions ``(k, noise_dim)`` float32 to explore.

    Args:
        generate: latent vectors ``(n, noise_dim)`` → audio ``(n, samples)`` (e.g. ``Run.generate``).
        latent: ``(n, seed)`` → latent vectors ``(n, noise_dim)`` (e.g. ``Run.latent``).
        k: number of directions (default 3), between 1 and ``noise_dim``.
        method: ``"random"`` — a random orthonormal basis; ``"pca"`` (default) — the latent directions
            that best predict the top principal components of the generated sounds' average
            log-spectra (``gcdg_lite.features.stft_logmag``) over ``n_probe`` random latents: the
            directions along which the *sound* changes most.
        seed: seed of the probe latents (``latent(n, seed + 1)``) and of the random basis.
        n_probe: latents used by ``"pca"`` (default 32; at least ``k + 1`` are drawn).

    Raises:
        ConfigError: ``k`` outside ``1..noise_dim`` or an unknown ``method``.
    """
    probe = np.asarray(latent(max(int(n_probe), k + 1), seed + 1), np.float64)
    dim = probe.shape[1]
    if not 1 <= k <= dim:
        raise ConfigError(f"latent_directions(k={k}): choose between 1 and noise_dim={dim}")
    if method == "random":
        basis = np.random.default_rng(seed).standard_normal((dim, k))
    elif method == "pca":
        from ..features import stft_logmag

        audio = np.asarray(generate(probe.astype(np.float32)), np.float32)
        spectra = np.asarray(stft_logmag(audio), np.float64).mean(axis=1)   # (n, bins)
        spectra -= spectra.mean(axis=0)
        _, _, vt = np.linalg.svd(spectra, full_matrices=False)
        scores = spectra @ vt[:k].T                                          # (n, k) PC scores
        basis = np.linalg.lstsq(probe - probe.mean(axis=0), scores, rcond=None)[0]  # (dim, k)
    else:
        raise ConfigError(f"latent_directions(method={method!r}): use 'pca' or 'random'")
    q, _ = np.linalg.qr(basis)
    return q[:, :k].T.astype(np.float32)
