r"""NDB/K: the number of statistically different bins — the mode-collapse detector.

Richardson & Weiss (2018). Cluster the *reference* (real) features into K bins with k-means, assign
every real and every generated clip to its nearest centre, and test each bin with a two-proportion
z-test:

.. math:: z = \frac{p_r - p_g}{\sqrt{\hat p(1-\hat p)(1/n_r + 1/n_g)}},\qquad
   \hat p = \frac{n_r p_r + n_g p_g}{n_r + n_g},

a bin is "different" when the two-sided p-value is below ``alpha = 0.05``. **NDB/K** is the
fraction of different bins (0..1). Alongside it we report the Jensen–Shannon divergence of the two
bin histograms, :math:`\mathrm{JS}(p_r\Vert p_g)` in bits (0..1).

A generator that collapsed onto a few modes piles its clips into few bins and leaves others empty:
NDB/K and JS jump. **Floor**: two halves of the real set — with k-means fitted on one half, a
few bins can differ by chance (0–0.25 with 8 bins on the built-in textures, JS 0.01–0.09 bits).
**Anchors**: pink noise — 0.6–1.0 of the bins differ, JS 0.5–0.9 bits; spectrum-matched noise
0.75 (rain) to 1.0 (vowels, babble). *Good* = NDB/K and JS near
the floor; a set made of copies of 3 clips scores NDB/K >= 0.5. Used in chapter 5 (mode collapse) and chapter 6 (FAQ: "my samples all sound the same").
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats
from scipy.spatial.distance import jensenshannon


@dataclass(frozen=True)
class NDBResult:
    """Outcome of :func:`ndb`.

    Attributes:
        ndb_k: fraction of bins whose proportions differ significantly (0..1).
        js: Jensen–Shannon divergence of the bin proportions, bits (0..1).
        k: number of bins.
        p_real: (k,) bin proportions of the reference set.
        p_fake: (k,) bin proportions of the generated set.
        different: (k,) bool, bins flagged by the z-test.
    """

    ndb_k: float
    js: float
    k: int
    p_real: np.ndarray
    p_fake: np.ndarray
    different: np.ndarray


def default_k(n_real: int) -> int:
    """Bins for ``n_real`` reference clips: about 8 clips per bin, between 2 and 20."""
    return int(np.clip(n_real // 8, 2, 20))


def ndb(real_feats: np.ndarray, fake_feats: np.ndarray, k: int | None = None,
        alpha: float = 0.05, seed: int = 0) -> NDBResult:
    """Number of statistically different bins between real and generated features.

    Args:
        real_feats: array (n_r, d), reference features (standardised log-mel stats in the book).
        fake_feats: array (n_g, d), features of the set under test.
        k: number of k-means bins; default :func:`default_k` (n_r // 8, clipped to 2..20).
        alpha: significance level of each two-sided z-test (default 0.05).
        seed: ``random_state`` of scikit-learn's KMeans (fixed, so bins are reproducible).

    Returns:
        :class:`NDBResult`.
    """
    return ndb_many(real_feats, [fake_feats], k, alpha, seed)[0]


def ndb_many(real_feats: np.ndarray, fake_sets: list[np.ndarray], k: int | None = None,
             alpha: float = 0.05, seed: int = 0) -> list[NDBResult]:
    """:func:`ndb` of several sets against one reference, with one k-means fit (same bins for all)."""
    from sklearn.cluster import KMeans

    from ..errors import DataError
    from .clips import check_int

    real = np.asarray(real_feats, dtype=np.float64)
    fakes = [np.asarray(f, dtype=np.float64) for f in fake_sets]
    k = default_k(len(real)) if k is None else int(k)
    if not 2 <= k <= len(real) or min(len(f) for f in fakes) < 1:
        raise DataError(f"ndb needs 2 <= k <= n_real and n_fake >= 1; got k={k}, "
                        f"n_real={len(real)}, n_fake={min(len(f) for f in fakes)}")
    km = KMeans(n_clusters=k, n_init=4, random_state=check_int("seed", seed, 0, 2**32 - 1)).fit(real)
    n_r = len(real)
    p_r = np.bincount(km.labels_, minlength=k) / n_r
    return [_bin_test(p_r, n_r, np.bincount(km.predict(f), minlength=k) / len(f), len(f), alpha)
            for f in fakes]


def _bin_test(p_r: np.ndarray, n_r: int, p_g: np.ndarray, n_g: int, alpha: float) -> NDBResult:
    """Two-proportion z-test of every bin, and the JS divergence of the two histograms."""
    pooled = (p_r * n_r + p_g * n_g) / (n_r + n_g)
    se = np.sqrt(pooled * (1.0 - pooled) * (1.0 / n_r + 1.0 / n_g))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, (p_r - p_g) / se, 0.0)
    different = 2.0 * stats.norm.sf(np.abs(z)) < alpha
    js = float(jensenshannon(p_r, p_g, base=2) ** 2)
    return NDBResult(float(different.mean()), js, len(p_r), p_r, p_g, different)
