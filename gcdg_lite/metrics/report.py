r"""``evaluate``: every metric of the book against its floor and two noise anchors, with spreads.

The protocol (held-out real clips, reference half, probes, splits) is in :mod:`.protocol`; read it
first. For each metric, each split gives four numbers — the generated probe (``value``), the real
probe (``floor``) and the two noise anchors — and the **normalised score**

.. math:: \mathrm{score} = \frac{\mathrm{value} - \mathrm{floor}}{\mathrm{spectrum\ noise} - \mathrm{floor}}

is 0 for "as close to the reference as other real clips are" and 1 for "no closer than noise with
the real mean spectrum" (a generator that learned the average spectrum and nothing else). It works
for higher-is-better metrics too, because floor and anchor swap roles. ``score_pink`` is the same
on the old pink-noise scale (pink noise is far easier to beat on tonal and speech textures; on
noise-like ``rain`` it is the closer of the two anchors). The Fréchet distance is also given as a multiple of its
floor (``x_floor``), which needs no anchor at all. ``memorisation`` has no score (it is read
against 1, see :mod:`.memorisation`) and neither has ``kid`` (:data:`UNSCORED`): its cubic kernel grows
with the sixth power of the distance between feature sets, so its anchors land anywhere from 10 to 1e8 and
the ratio is no scale at all (all-zero clips scored 0.07 against vowels, "almost like real clips", while
their FD score was 14); KID is reported raw, beside its floor, and read there. Each of these is computed
per split, then averaged; every number carries its standard deviation over the splits (``*_sd``).

The FD score (:func:`fd_score`) is the book's single quality yardstick (chapters 4–6), the C2ST
accuracy (:mod:`.c2st`) its sharpest test. Metrics (see each module for formula and meaning):

==================  =========================================  ==================================
key                 what                                       good
==================  =========================================  ==================================
``fd``              Fréchet distance, raw log-mel stats, dB²   near floor (score ~0, x_floor ~1)
``kid``             unbiased MMD², cubic kernel, z-scored      within ~1 std of floor (raw, no score)
``ndb_k``           fraction of k-means bins that differ       near floor (≈ alpha = 0.05)
``js``              Jensen–Shannon of bin proportions, bits    near floor
``texture_snr_db``  texture-statistic SNR, dB (higher=closer)  near floor (a few dB below at most)
``c2st``            classifier two-sample test accuracy        near floor (≈ 0.5)
``memorisation``    nearest-train distance ratio               ≈ 1 like floor; << 1 means copies
``harmonicity``     Wasserstein distance of frame HNR, dB      near floor (score ~0)
==================  =========================================  ==================================

``harmonicity`` (:mod:`.harmonicity`) is the one metric that looks *inside* each 64 ms frame for a pitch:
every other one works on band levels, which a harmonic comb and noise shaped like it share. Its entry
also describes each set (``sets``): voiced fraction, HNR, f0 and f0 spread of the real clips, the
generated clips and the two noise anchors.
"""
from __future__ import annotations

import math
import time
from typing import Any, Callable

import numpy as np

from ..defaults import SR
from .c2st import classifier_accuracy
from .clips import check_int, check_sr
from .distances import frechet_distance, kid
from .harmonicity import Harmonicity, hnr_distance, harmonicity_summary
from .logmel import logmel_stats, standardise
from .memorisation import memorisation
from .ndb import ndb_many
from .protocol import ANCHORS, PROBES, SetFeatures, check_sets, make_anchors, plan_split, set_features
from .texture import texture_snr_db

#: what a good value looks like, per metric (printed by the CLI and quoted by the book)
GOOD = {
    "fd": "lower; near floor",
    "kid": "lower; within ~1 std of floor",
    "ndb_k": "lower; near floor (~0.05)",
    "js": "lower; near floor",
    "texture_snr_db": "higher; near floor",
    "c2st": "lower; near floor (~0.5)",
    "memorisation": "~1 like floor; <<1 = copies",
    "harmonicity": "lower; near floor",
}
UNITS = {"fd": "dB^2", "kid": "", "ndb_k": "", "js": "bits", "texture_snr_db": "dB",
         "c2st": "accuracy", "memorisation": "ratio",
         "harmonicity": "dB"}
#: metrics given raw only, without a normalised score (and, for kid, outside :func:`~.table.format_table`'s
#: rows): KID's cubic kernel puts its noise anchors anywhere from 10 to 1e8, so (value - floor) /
#: (anchor - floor) called all-zero clips 0.07 ("almost real") on vowels; read KID against its floor.
UNSCORED = ("kid", "memorisation")
#: most splits accepted (each costs a fresh pair of noise anchors)
MAX_SPLITS = 20


def _check_args(sr: Any, seed: Any, splits: Any) -> tuple[int, int, int]:
    return check_sr(sr), check_int("seed", seed, 0), check_int("splits", splits, 1, MAX_SPLITS)


def _score(value: float, floor: float, anchor: float) -> float | None:
    span = anchor - floor
    if not all(map(math.isfinite, (value, floor, anchor))) or abs(span) < 1e-12:
        return None
    return float((value - floor) / span)


def _mean_sd(values: list[float | None]) -> tuple[float | None, float | None]:
    """Mean and sample std (ddof 1) over splits; None when a split has no value, sd None for 1 split."""
    if not values or any(v is None or not math.isfinite(v) for v in values):
        return None, None
    arr = np.asarray(values, dtype=np.float64)
    return float(arr.mean()), (float(arr.std(ddof=1)) if len(arr) > 1 else None)


def fd_score(real: np.ndarray, fake: np.ndarray, sr: int = SR, seed: int = 0,
             splits: int = 3) -> float:
    """Normalised FD, ``(FD - FD_floor) / (FD_spectrum_noise - FD_floor)``, mean over splits.

    Notebook: 04_code_example.ipynb.

    0 = generated clips are as close to the real reference half as the other real half is;
    1 = no closer than spectrum-matched noise (the real clips' average spectrum with random
    phase, at real loudness: what a generator that learned only the mean spectrum makes); below 0
    is a lucky draw, above 1 worse than that noise (silence, wrong spectrum, clicks). Equal to
    ``evaluate(real, fake, sr, seed, splits)["fd"]["score"]``, which also gives its spread.
    Measured on vowels, babble and rain (128 real clips of 16384 samples, ``bench/yardstick.py``):
    a fresh real set scores 0.003–0.055, an untrained SpecGAN 0.47 / 0.51 / 0.79, a generator
    that learned only the mean spectrum 1.05 / 0.99 / 1.00, pink noise 4.5 / 1.3 / 0.51.

    Args:
        real: float array (n_real >= 4, samples), *held-out* real clips in [-1, 1] (not the
            generator's training clips).
        fake: float array (n_fake >= 2, samples), generated clips of the same length.
        sr: sample rate in Hz (default 16000).
        seed: seed of the splits and the noise (integer >= 0).
        splits: random splits averaged (default 3, as in :func:`evaluate`).

    Returns:
        the score (float; NaN if floor and anchor coincide).

    Raises:
        DataError: see :func:`~.protocol.check_sets`. ConfigError: bad ``sr``, ``seed``, ``splits``.
    """
    sr, seed, splits = _check_args(sr, seed, splits)
    real, fake, _ = check_sets(real, fake)
    f_real, f_fake = logmel_stats(real, sr), logmel_stats(fake, sr)
    scores = []
    for s in range(splits):
        sp = plan_split(len(real), len(fake), seed, s)
        noise = make_anchors(real, sp, ("spectrum_noise",))["spectrum_noise"]
        ref = f_real[sp.ref]
        fds = [frechet_distance(ref, f) for f in (f_fake[sp.fake], f_real[sp.probe],
                                                  logmel_stats(noise, sr))]
        scores.append(_score(*fds))
    mean, _ = _mean_sd(scores)
    return float("nan") if mean is None else mean


def _split_metrics(ref: SetFeatures, probes: dict[str, SetFeatures], against: np.ndarray,
                   seed: int, t: dict[str, float]) -> dict[str, dict[str, float]]:
    """Every metric on every probe of one split: ``{metric: {probe: number}}`` (+ ``kid_std``)."""
    def timed(stage: str, fn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        t0 = time.perf_counter()
        out = fn()
        t[stage] = t.get(stage, 0.0) + time.perf_counter() - t0
        return out

    names = list(probes)
    z_ref, *z = standardise(ref.logmel, *(p.logmel for p in probes.values()))
    kids = timed("kid", lambda: {n: kid(z_ref, zi, seed=seed) for n, zi in zip(names, z)})
    bins = timed("ndb", lambda: dict(zip(names, ndb_many(z_ref, z, seed=seed))))
    return {
        "fd": timed("fd", lambda: {n: frechet_distance(ref.logmel, p.logmel) for n, p in probes.items()}),
        "kid": {n: v[0] for n, v in kids.items()},
        "kid_std": {n: v[1] for n, v in kids.items()},
        "ndb_k": {n: r.ndb_k for n, r in bins.items()},
        "js": {n: r.js for n, r in bins.items()},
        "texture_snr_db": timed("texture_snr", lambda: {
            n: texture_snr_db(ref.texture, p.texture) for n, p in probes.items()}),
        "c2st": timed("c2st", lambda: {
            n: classifier_accuracy(ref.c2st, p.c2st, seed=seed) for n, p in probes.items()}),
        "memorisation": timed("memorisation", lambda: {
            n: memorisation(None, None, train_feats=against, fake_feats=p.logmel).ratio
            for n, p in probes.items()}),
        "harmonicity": timed("harmonicity", lambda: {
            n: math.nan if ref.harmonicity is None else hnr_distance(ref.harmonicity, p.harmonicity)
            for n, p in probes.items()}),
    }


def _entry(key: str, per: dict[str, list[float]], against: str | None,
           sets: dict[str, Any] | None = None) -> dict[str, Any]:
    """Summarise one metric's per-split numbers (see :func:`evaluate` for the keys)."""
    n = len(per["value"])
    stats = {p: _mean_sd(per[p]) for p in PROBES}
    e: dict[str, Any] = {"value": stats["value"][0], "value_sd": stats["value"][1],
                         "floor": stats["floor"][0], "floor_sd": stats["floor"][1],
                         "anchors": {a: {"value": stats[a][0], "value_sd": stats[a][1]} for a in ANCHORS}}
    scored = key not in UNSCORED
    for name, anchor in (("score", "spectrum_noise"), ("score_pink", "pink_noise")):
        m, sd = _mean_sd([_score(per["value"][i], per["floor"][i], per[anchor][i]) for i in range(n)]
                         if scored else [])
        e[name], e[name + "_sd"] = m, sd
    e["anchors"]["pink_noise"]["score"] = _mean_sd(
        [_score(per["pink_noise"][i], per["floor"][i], per["spectrum_noise"][i]) for i in range(n)])[0] \
        if scored else None
    if key == "fd":
        e["x_floor"], e["x_floor_sd"] = _mean_sd(
            [v / f if f > 0 else None for v, f in zip(per["value"], per["floor"])])
    if key == "kid":
        e["std"] = float(np.mean(per["std"]))
    if key == "memorisation":
        e["against"] = against
    if key == "harmonicity":
        e["sets"] = sets
    e.update(good=GOOD[key], unit=UNITS[key], higher_is_better=key == "texture_snr_db",
             splits=n, per_split={p: [float(v) for v in per[p]] for p in PROBES})
    return e


def evaluate(real_clips: np.ndarray, fake_clips: np.ndarray, sr: int = SR, seed: int = 0,
             splits: int = 3, train_clips: np.ndarray | None = None,
             timings: dict[str, float] | None = None) -> dict[str, dict[str, Any]]:
    """Every metric of the book with its floor, its two noise anchors, its score and their spreads.

    Notebook: 04_code_example.ipynb.

    Args:
        real_clips: float array (n_real >= 4, samples), *held-out* real clips in [-1, 1]: real
            audio the generator was not trained on (see :mod:`.protocol`).
        fake_clips: float array (n_fake >= 2, samples), generated clips of the same length.
        sr: sample rate in Hz (default 16000).
        seed: seed of the splits, subsets, noise, k-means and folds (integer >= 0).
        splits: random splits (default 3); every number is a mean over them, with its sd.
        train_clips: optional (n_train >= 2, samples) training clips of the generator; when given,
            the memorisation check compares with them (the real check), else with the reference half.
        timings: optional dict filled with seconds spent per stage (for ``bench/metrics_speed.py``);
            ``harmonicity_features`` (the frames of every set) is also counted in ``features`` and ``anchors``.

    Returns:
        ``{metric: entry}`` for the metrics ``fd, kid, ndb_k, js, texture_snr_db, c2st,
        memorisation, harmonicity`` (in that order). Every entry has

        * ``value``, ``value_sd`` — generated probe vs reference (mean and sd over splits),
        * ``floor``, ``floor_sd`` — real probe vs reference,
        * ``anchors`` — ``{"spectrum_noise": {"value", "value_sd"}, "pink_noise": {"value",
          "value_sd", "score"}}``; ``pink_noise.score`` is pink noise on the spectrum-noise scale
          (None for the :data:`UNSCORED` metrics),
        * ``score``, ``score_sd`` — ``(value - floor) / (spectrum_noise - floor)`` per split;
          ``score_pink``, ``score_pink_sd`` — the same against pink noise (all four None for the
          :data:`UNSCORED` metrics, memorisation and kid: read them raw, against their floor),
        * ``good``, ``unit``, ``higher_is_better``, ``splits`` and ``per_split`` (the raw numbers,
          ``{"value": [...], "floor": [...], "spectrum_noise": [...], "pink_noise": [...]}``).

        ``fd`` also has ``x_floor``, ``x_floor_sd`` (value / floor); ``kid`` has ``std`` (spread of
        its value over KID subsets, averaged over splits); ``memorisation`` has ``against``
        (``"train clips"`` or ``"reference half"``); ``harmonicity`` (the Wasserstein distance
        between the frame HNRs of the probe and of the reference, dB, :mod:`.harmonicity`) has
        ``sets``: ``{"real", "fake", "spectrum_noise", "pink_noise": harmonicity_summary}`` with each set's
        ``voiced_fraction``, ``voiced_clips``, ``hnr_db``, ``voiced_hnr_db``, ``f0_hz`` and
        ``f0_iqr_hz`` (:func:`~.harmonicity.harmonicity_summary`; all real clips, all generated clips, the
        anchors of every split pooled), or None, like its values, for clips shorter than 64 ms. An ``*_sd`` is None when ``splits == 1``; a
        score is None when floor and anchor coincide.

    Raises:
        DataError: bad clip arrays, clip lengths that differ, too few clips, real clips that are
            duplicated or are training clips. ConfigError: bad ``sr``, ``seed`` or ``splits``.
    """
    sr, seed, splits = _check_args(sr, seed, splits)
    real, fake, train = check_sets(real_clips, fake_clips, train_clips)
    t = {} if timings is None else timings
    t0 = time.perf_counter()
    f_real, f_fake = set_features(real, sr, t), set_features(fake, sr, t)
    f_train = None if train is None else logmel_stats(train, sr)
    t["features"] = time.perf_counter() - t0
    per: dict[str, dict[str, list[float]]] = {}
    harm: dict[str, list[Harmonicity]] = {a: [] for a in ANCHORS}
    for s in range(splits):
        sp = plan_split(len(real), len(fake), seed, s)
        t0 = time.perf_counter()
        anchors = {k: set_features(v, sr, t) for k, v in make_anchors(real, sp).items()}
        t["anchors"] = t.get("anchors", 0.0) + time.perf_counter() - t0
        for a in ANCHORS:
            harm[a].append(anchors[a].harmonicity)
        ref = f_real.take(sp.ref)
        probes = {"value": f_fake.take(sp.fake), "floor": f_real.take(sp.probe), **anchors}
        got = _split_metrics(ref, probes, ref.logmel if f_train is None else f_train, sp.seed, t)
        for key, by_probe in got.items():
            for probe, v in by_probe.items():
                per.setdefault(key, {}).setdefault(probe, []).append(float(v))
    per["kid"]["std"] = per.pop("kid_std")["value"]
    against = "reference half" if train is None else "train clips"
    sets = None if f_real.harmonicity is None else {
        "real": harmonicity_summary(f_real.harmonicity), "fake": harmonicity_summary(f_fake.harmonicity),
        **{a: harmonicity_summary(Harmonicity.concat(harm[a])) for a in ANCHORS}}
    return {key: _entry(key, per[key], against, sets) for key in GOOD}
