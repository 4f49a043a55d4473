r"""Distances between two sets of feature vectors: Fréchet distance (FD) and KID / MMD².

Both compare *distributions* of per-clip features (:func:`~gcdg_lite.metrics.logmel.logmel_stats`),
never individual clips. Chapter 5 (Trends & challenges) introduces them; chapter 6 (FAQ) answers
"why is my FD not zero for real data?" with the floor below.

**Fréchet distance** (FID/FAD with a fixed feature extractor). Fit a Gaussian to each set
(mean :math:`\mu`, covariance :math:`\Sigma`) and compute

.. math:: \mathrm{FD} = \lVert\mu_a-\mu_b\rVert^2 + \mathrm{tr}\big(\Sigma_a+\Sigma_b-2(\Sigma_a\Sigma_b)^{1/2}\big).

Units: squared feature units (dB² on raw log-mel stats). FD(x, x) = 0 and FD is symmetric, but with
a finite sample two sets drawn from the *same* distribution do not give 0: the **floor** is FD
between two halves of the real set. The anchors (:mod:`.reference`) are spectrum-matched noise and
pink noise at real loudness. With 64-clip probes of 16384-sample clips the floor is about 60 (rain),
110 (babble) and 320 dB² (vowels); spectrum-matched noise scores 2 100, 12 300 and 10 200 dB², pink
noise 1 100, 16 700 and 43 400 dB² (on noise-like ``rain`` pink noise is the *closer* anchor). *Good*
= close to the floor: a small multiple of it, and a normalised score (FD - floor) / (FD_spectrum_noise -
floor) near 0 ("as close as real clips are to each other"; 1 = "no closer than noise with the real
mean spectrum"). Between two fresh sets of 64 clips the FD itself varies by a factor 2–4 (rain:
40–170 dB² over six pairs), more than re-splitting one set shows.

**KID / unbiased MMD²** with the cubic polynomial kernel :math:`k(x,y)=(x\cdot y/d+1)^3`:

.. math:: \widehat{\mathrm{MMD}}^2 = \frac{1}{m(m-1)}\sum_{i\ne j}k(a_i,a_j)
   + \frac{1}{m(m-1)}\sum_{i\ne j}k(b_i,b_j) - \frac{2}{m^2}\sum_{i,j}k(a_i,b_j),

averaged over random subsets of size ``m`` (mean and std are reported). Unbiased: its expectation
is 0 when both sets come from the same distribution, so small negative values are normal — that is
why KID is trustworthy for the small sets of the book. Features are z-scored with the reference
set first. On the built-in textures the floor is -0.4..2 and the pink-noise anchor 12..1e8 (the cubic
kernel explodes for sets many standard deviations apart, so read KID near the floor, where it is
precise). *Good* = within about one std (over subsets) of the floor.
"""
from __future__ import annotations

import warnings

import numpy as np
from scipy import linalg

from ..errors import DataError
from .clips import check_int

#: largest allowed |imaginary part| of sqrtm's diagonal, relative to its real diagonal
IMAG_TOL = 1e-3


class IllConditionedError(DataError, FloatingPointError):
    """The feature covariances are too ill-conditioned for a Fréchet distance (a :class:`GcdgError`).

    Also a ``FloatingPointError``, so code written for the old exception still catches it.
    """


def _gaussian(feat: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    f = np.asarray(feat, dtype=np.float64)
    if f.ndim != 2 or f.shape[0] < 2:
        raise DataError(f"{name} must have shape (n >= 2, d); got {f.shape}")
    return f.mean(axis=0), np.atleast_2d(np.cov(f, rowvar=False))


def frechet_distance(feat_a: np.ndarray, feat_b: np.ndarray, eps: float = 1e-6) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets.

    Args:
        feat_a: array (n_a, d), e.g. real log-mel stats (n_a >= 2).
        feat_b: array (n_b, d), e.g. generated log-mel stats (n_b >= 2).
        eps: relative diagonal offset added to both covariances (times their mean variance) when
            ``sqrtm`` of the product fails (singular covariances, e.g. fewer clips than
            dimensions). Default 1e-6.

    Returns:
        FD >= 0 in squared feature units (dB² for raw log-mel stats).

    Raises:
        IllConditionedError: when the matrix square root keeps a large imaginary part even after
            the offset (numerically meaningless covariances); a DataError that says what to do.
    """
    mu_a, cov_a = _gaussian(feat_a, "feat_a")
    mu_b, cov_b = _gaussian(feat_b, "feat_b")
    diff = mu_a - mu_b
    with warnings.catch_warnings():  # singular products are handled below
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        covmean = linalg.sqrtm(cov_a @ cov_b)
    if not _acceptable(covmean):
        scale = max(float(np.mean(np.diag(cov_a)) + np.mean(np.diag(cov_b))) / 2.0, 1e-12)
        offset = np.eye(cov_a.shape[0]) * eps * scale
        covmean = linalg.sqrtm((cov_a + offset) @ (cov_b + offset))
        if not _acceptable(covmean):
            raise IllConditionedError(
                f"frechet_distance: the feature covariances are too ill-conditioned for a matrix "
                f"square root (sqrtm kept a large imaginary part); give more clips than feature "
                f"dimensions ({cov_a.shape[0]}), check that the clips are not all identical, or pass "
                f"fewer dimensions")
    covmean = np.real(covmean)
    fd = diff @ diff + np.trace(cov_a) + np.trace(cov_b) - 2.0 * np.trace(covmean)
    return float(max(fd, 0.0))


def _acceptable(covmean: np.ndarray) -> bool:
    """True when ``covmean`` is finite and its imaginary part is negligible."""
    if not np.all(np.isfinite(covmean)):
        return False
    if np.iscomplexobj(covmean):
        diag = np.diag(covmean)
        return bool(np.max(np.abs(diag.imag)) <= IMAG_TOL * max(1.0, np.max(np.abs(diag.real))))
    return True


def polynomial_kernel(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Cubic polynomial kernel ``(x . y / d + 1) ** 3``; x (n, d), y (m, d) -> (n, m)."""
    d = x.shape[1]
    return (x @ y.T / d + 1.0) ** 3


def mmd2_unbiased(feat_a: np.ndarray, feat_b: np.ndarray) -> float:
    """Unbiased MMD² of two sets of the same size m >= 2 with :func:`polynomial_kernel`."""
    m = min(len(feat_a), len(feat_b))
    a, b = feat_a[:m], feat_b[:m]
    kaa, kbb, kab = polynomial_kernel(a, a), polynomial_kernel(b, b), polynomial_kernel(a, b)
    off = m * (m - 1)
    return float((kaa.sum() - np.trace(kaa)) / off + (kbb.sum() - np.trace(kbb)) / off
                 - 2.0 * kab.mean())


def kid(feat_a: np.ndarray, feat_b: np.ndarray, n_subsets: int = 50,
        subset_size: int | None = None, seed: int = 0) -> tuple[float, float]:
    """Kernel distance (KID): unbiased MMD² averaged over random subsets.

    Args:
        feat_a: array (n_a, d), the reference set (standardise it first, e.g. with
            :func:`~gcdg_lite.metrics.logmel.standardise`, so the kernel sees numbers near 1).
        feat_b: array (n_b, d).
        n_subsets: number of random subsets (default 50).
        subset_size: clips per subset; default ``min(n_a, n_b) // 2`` (at most 100, at least 2),
            so subsets differ and the std says how much the estimate itself wobbles.
        seed: seed of the subset draws.

    Returns:
        ``(mean, std)`` of MMD² over the subsets (dimensionless for standardised features).
    """
    a = np.asarray(feat_a, dtype=np.float64)
    b = np.asarray(feat_b, dtype=np.float64)
    m = max(2, min(len(a), len(b), 200) // 2) if subset_size is None else int(subset_size)
    if m < 2 or m > min(len(a), len(b)):
        raise DataError(f"kid needs subsets of 2..{min(len(a), len(b))} clips; got {m}")
    rng = np.random.default_rng(check_int("seed", seed, 0))
    n_subsets = check_int("n_subsets", n_subsets, 1)
    vals = [mmd2_unbiased(a[rng.choice(len(a), m, replace=False)],
                          b[rng.choice(len(b), m, replace=False)]) for _ in range(n_subsets)]
    return float(np.mean(vals)), float(np.std(vals))


#: alias: the same estimate under its statistics name
mmd2 = kid
