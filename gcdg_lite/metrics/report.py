"""``evaluate``: every metric with its floor and ceiling, and the normalised FD score.

Protocol (one function, so every chapter and the CLI compare like with like). The real clips are
split at random (``seed``) into two disjoint halves:

* **R**, the reference half (``n_real // 2`` clips): the "training set" every other set is compared
  with (k-means bins, standardisation, nearest neighbours);
* **A**, the held-out half: the real probe.

Three probes of the same size ``m = min(n_real // 2, n_fake)`` are compared with R:

* ``value``   — the generated clips (a random subset of ``m`` if there are more),
* ``floor``   — A (real vs real: the best possible value with this many clips),
* ``ceiling`` — pink noise with the same per-clip RMS loudness as A (:func:`~.reference.pink_noise`).

Using the same reference and the same probe size for all three removes the small-sample bias that
makes FD on few clips look worse than it is. The normalised **score** of every metric is
``(value - floor) / (ceiling - floor)``: 0 means "as close as real clips are to each other",
1 means "as far as pink noise" (it works for higher-is-better metrics too, because the floor and
ceiling swap roles); ``memorisation`` has no score (it is read against 1, see
:mod:`.memorisation`). The FD score (:func:`fd_score`) is the book's single quality yardstick
(chapters 4–6); the training chapter logs it.

The floor is itself one random draw: with 128 clips per set the FD between two fresh sets of
the same built-in texture varies by a factor 2–4 (``rain``: 23–110 dB² over 10 pairs), so a value
within about twice the floor is "as good as real data" at this set size.

Metrics (see each module for formula and interpretation):

==================  =========================================  ==================================
key                 what                                       good
==================  =========================================  ==================================
``fd``              Fréchet distance, raw log-mel stats, dB²   near floor (score near 0)
``kid``             unbiased MMD², cubic kernel, z-scored      within ~1 std of floor
``ndb_k``           fraction of k-means bins that differ       near floor (≈ alpha = 0.05)
``js``              Jensen–Shannon of bin proportions, bits    near floor
``texture_snr_db``  texture-statistic SNR, dB (higher=closer)  near floor (a few dB below at most)
``memorisation``    nearest-train distance ratio               ≈ 1 like floor; << 1 means copies
==================  =========================================  ==================================
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .distances import frechet_distance, kid
from .logmel import logmel_stats, standardise
from .memorisation import memorisation
from .ndb import ndb
from .reference import clip_rms, pink_noise, split_halves
from .texture import texture_snr_db, texture_stats

#: what a good value looks like, per metric (printed by the CLI and quoted by the book)
GOOD = {
    "fd": "lower; near floor",
    "kid": "lower; within ~1 std of floor",
    "ndb_k": "lower; near floor (~0.05)",
    "js": "lower; near floor",
    "texture_snr_db": "higher; near floor",
    "memorisation": "~1 like floor; <<1 = copies",
}
UNITS = {"fd": "dB^2", "kid": "", "ndb_k": "", "js": "bits", "texture_snr_db": "dB",
         "memorisation": "ratio"}


def _probes(real: np.ndarray, fake: np.ndarray, seed: int) -> tuple[np.ndarray, ...]:
    """Return (R, A, F, P): reference half, real probe, fake probe, pink probe."""
    from ..errors import DataError
    from .logmel import _as_clips

    real = _as_clips(real, "real clips")
    fake = _as_clips(fake, "fake clips")
    if len(real) < 4:
        raise DataError(f"evaluate needs at least 4 real clips (two halves of 2); got {len(real)}")
    if len(fake) < 2:
        raise DataError(f"evaluate needs at least 2 generated clips; got {len(fake)}")
    i_ref, i_probe = split_halves(len(real), seed)
    m = min(len(i_probe), len(fake))
    rng = np.random.default_rng(seed + 1)
    f_idx = np.sort(rng.choice(len(fake), m, replace=False)) if len(fake) > m else np.arange(m)
    ref, probe_real, probe_fake = real[i_ref], real[i_probe[:m]], fake[f_idx]
    probe_pink = pink_noise(m, real.shape[1], seed=seed + 2, rms=clip_rms(probe_real))
    return ref, probe_real, probe_fake, probe_pink


def _score(value: float, floor: float, ceiling: float) -> float | None:
    span = ceiling - floor
    if not all(map(math.isfinite, (value, floor, ceiling))) or abs(span) < 1e-12:
        return None
    return float((value - floor) / span)


def fd_score(real: np.ndarray, fake: np.ndarray, sr: int = 16000, seed: int = 0) -> float:
    """Normalised FD: ``(FD - FD_floor) / (FD_pink - FD_floor)``.

    0 = generated clips are as close to the real reference half as the other real half is;
    1 = as far as loudness-matched pink noise; values can go below 0 (lucky draw) or above 1
    (worse than noise: silence, tones, clicks). The floor is one random draw, so the score of a
    perfect generator wobbles: fresh ``rain`` samples (64 clips) scored -0.09, 0.04 and 0.15;
    treat |score| < ~0.15 as "indistinguishable from real at this set size".

    Args:
        real: float array (n_real >= 4, samples), real clips in [-1, 1].
        fake: float array (n_fake >= 2, samples), generated clips.
        sr: sample rate in Hz (default 16000).
        seed: seed of the split, the fake subset and the pink noise.

    Returns:
        the score (float; NaN if floor and ceiling coincide). Chapters 4–6 (the yardstick).
    """
    ref, pr, pf, pp = _probes(real, fake, seed)
    f_ref = logmel_stats(ref, sr)
    fds = [frechet_distance(f_ref, logmel_stats(p, sr)) for p in (pf, pr, pp)]
    s = _score(*fds)
    return float("nan") if s is None else s


def evaluate(real_clips: np.ndarray, fake_clips: np.ndarray, sr: int = 16000, seed: int = 0,
             timings: dict[str, float] | None = None) -> dict[str, dict[str, Any]]:
    """Every metric of the book, each with its floor, its noise ceiling and its normalised score.

    Args:
        real_clips: float array (n_real >= 4, samples), real clips in [-1, 1].
        fake_clips: float array (n_fake >= 2, samples'), generated clips.
        sr: sample rate in Hz (default 16000).
        seed: seed of the halves split, the fake subset, the pink noise, k-means and KID subsets.
        timings: optional dict filled with seconds spent per stage (for the benchmark).

    Returns:
        ``{metric: {"value", "floor", "ceiling", "score", "good", "unit", "higher_is_better"}}``
        for the keys ``fd, kid, ndb_k, js, texture_snr_db, memorisation``; ``kid`` also has
        ``"std"`` (spread over subsets of the value). Chapter 5; used by ``python -m gcdg_lite
        evaluate``.
    """
    import time

    t = {} if timings is None else timings
    t0 = time.perf_counter()
    sets = _probes(real_clips, fake_clips, seed)
    feats = [logmel_stats(s, sr) for s in sets]  # R, A(floor), F(value), P(ceiling)
    t["logmel_features"] = time.perf_counter() - t0
    f_ref, f_real, f_fake, f_pink = feats
    order = (f_fake, f_real, f_pink)  # value, floor, ceiling

    t0 = time.perf_counter()
    fd = [frechet_distance(f_ref, f) for f in order]
    t["fd"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    z_ref, *z = standardise(f_ref, *order)
    kids = [kid(z_ref, zi, seed=seed) for zi in z]
    t["kid"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    nd = [ndb(z_ref, zi, seed=seed) for zi in z]
    t["ndb"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    ts = [texture_stats(s, sr) for s in (sets[0], sets[2], sets[1], sets[3])]
    snr = [texture_snr_db(ts[0], x) for x in ts[1:]]
    t["texture"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    mem = [memorisation(None, None, sr, train_feats=f_ref, fake_feats=f).ratio for f in order]
    t["memorisation"] = time.perf_counter() - t0

    triples = {
        "fd": fd,
        "kid": [k[0] for k in kids],
        "ndb_k": [r.ndb_k for r in nd],
        "js": [r.js for r in nd],
        "texture_snr_db": snr,
        "memorisation": mem,
    }
    out: dict[str, dict[str, Any]] = {}
    for key, (value, floor, ceiling) in triples.items():
        out[key] = {
            "value": float(value), "floor": float(floor), "ceiling": float(ceiling),
            "score": None if key == "memorisation" else _score(value, floor, ceiling),
            "good": GOOD[key], "unit": UNITS[key],
            "higher_is_better": key == "texture_snr_db",
        }
    out["kid"]["std"] = kids[0][1]
    return out


def format_table(result: dict[str, dict[str, Any]]) -> str:
    """A plain-text table of :func:`evaluate`'s result (one metric per row)."""
    head = f"{'metric':<16}{'value':>11}{'floor':>11}{'ceiling':>11}{'score':>8}  good"
    lines = [head, "-" * len(head)]
    for key, r in result.items():
        score = "n/a" if r.get("score") is None else f"{r['score']:.2f}"
        lines.append(f"{key:<16}{r['value']:>11.4g}{r['floor']:>11.4g}{r['ceiling']:>11.4g}"
                     f"{score:>8}  {r['good']}")
    if "std" in result.get("kid", {}):
        lines.append(f"kid value is a mean over random subsets; their std is {result['kid']['std']:.4g}")
    lines.append("score = (value - floor) / (ceiling - floor): 0 = like real clips, "
                 "1 = like pink noise")
    return "\n".join(lines)
