"""The evaluation protocol: which clips are compared with which, over several random splits.

One protocol for every chapter and the CLI, so numbers compare like with like (chapter 5):

1. **Real clips are held-out clips.** ``real_clips`` must be real audio the generator was *not*
   trained on (another seed of a built-in texture, other files or speakers of a folder). The
   training clips, when given (``train_clips``), are used only by the memorisation check; a real
   clip that is also a training clip is refused, and so are exact duplicates inside the real set
   (a probe must never equal a reference clip). Real clips of a built-in texture are therefore
   drawn from clip :data:`HELD_OUT_OFFSET` (one million) on: the texture's distribution, but never
   a clip a training run has seen (training uses clips 0, 1, 2, ...; ``python -m gcdg_lite
   evaluate --real builtin:NAME`` passes it as ``load_source(..., offset=HELD_OUT_OFFSET)``).
2. **Split.** For split ``s`` (``s = 0 .. splits - 1``) a generator seeded by ``(seed, s)`` cuts
   the real clips into two disjoint halves: the **reference** R (``n_real // 2`` clips) — what
   every set is compared with (its mean spectrum, k-means bins, standardisation, classifier class
   0) — and the **real probe** A, the other half.
3. **Probes**, all of the same size ``m = min(n_real // 2, n_fake)``, each compared with R:

   * ``value``  — ``m`` generated clips (a random subset when there are more),
   * ``floor``  — ``m`` clips of A: real vs real, the best a generator can score with this many clips,
   * ``spectrum_noise`` — R's average magnitude spectrum with random phase, clip ``i`` at the RMS
     loudness of real probe clip ``i`` (:func:`~.reference.spectrum_noise`): a generator that
     learned only the mean spectrum. It is the **ceiling**, the "1" of every normalised score;
   * ``pink_noise`` — 1/f noise at the same loudness (:func:`~.reference.pink_noise`), a second,
     easier anchor.

   Same reference, same probe size: the small-sample bias of FD and the chance level of C2ST hit
   all four alike.
4. **Spread.** Every number is computed on each split and reported as mean and standard deviation
   over the splits (``ddof = 1``), so two runs differ only when their difference is large against
   both spreads. The splits re-draw the reference, the probes and the noise from the clips given;
   they do not re-draw the clips themselves, so a second real set can move a number by more than
   its sd (FD between fresh 64-clip sets of ``rain`` ranges over 40–170 dB²; a fresh real set scored
   1.2–2.8 times the floor on vowels, babble and rain). Compare runs on the same real clips.

Per-clip features are computed once per clip (real, generated and training clips) and indexed per
split; only the two noise anchors are made afresh for each split.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

import numpy as np

from ..errors import DataError
from .c2st import combine, spectral_features
from .clips import as_clips
from .harmonicity import FRAME_S, Harmonicity, harmonicity
from .reference import clip_rms, pink_noise, spectrum_noise
from .texture import texture_stats

#: names of the four probes, in the order every metric is computed on them
PROBES = ("value", "floor", "spectrum_noise", "pink_noise")
#: the two noise anchors (keys of a metric's ``anchors``)
ANCHORS = ("spectrum_noise", "pink_noise")
#: index of the first held-out real clip of a built-in texture (step 1): training uses clips 0, 1, 2, ...
HELD_OUT_OFFSET = 1_000_000


@dataclass(frozen=True)
class SetFeatures:
    """Per-clip features of one set of clips (rows = clips).

    Attributes:
        logmel: (n, 80) log-mel statistics (:func:`~.logmel.logmel_stats`), dB.
        texture: texture statistics (:func:`~.texture.texture_stats`), arrays with n rows.
        c2st: (n, 404) classifier features (:func:`~.c2st.c2st_features`).
        harmonicity: frame-wise HNR, f0 and voicing (:func:`~.harmonicity.harmonicity`); None for clips
            shorter than one 64 ms harmonicity frame.
    """

    logmel: np.ndarray
    texture: dict[str, np.ndarray]
    c2st: np.ndarray
    harmonicity: Harmonicity | None = None

    def take(self, idx: np.ndarray) -> "SetFeatures":
        """The features of the clips ``idx`` (an index array)."""
        return SetFeatures(self.logmel[idx], {g: v[idx] for g, v in self.texture.items()},
                           self.c2st[idx], None if self.harmonicity is None else self.harmonicity.take(idx))


def set_features(clips: np.ndarray, sr: int, timings: dict[str, float] | None = None) -> SetFeatures:
    """Compute :class:`SetFeatures` of ``clips`` (n, samples) at ``sr`` Hz; ``timings`` (optional) gets the
    seconds spent on the harmonicity frames added to its ``"harmonicity_features"``."""
    spec = spectral_features(clips, sr)
    tex = texture_stats(clips, sr)
    t0 = time.perf_counter()
    harm = harmonicity(clips, sr) if clips.shape[1] >= round(FRAME_S * sr) else None
    if timings is not None:
        timings["harmonicity_features"] = timings.get("harmonicity_features", 0.0) + time.perf_counter() - t0
    return SetFeatures(spec[:, :80], tex, combine(spec, tex), harm)


@dataclass(frozen=True)
class Split:
    """One random split: index arrays into the real and generated clips, and the anchors' seeds."""

    ref: np.ndarray
    probe: np.ndarray
    fake: np.ndarray
    spectrum_seed: int
    pink_seed: int
    seed: int


def plan_split(n_real: int, n_fake: int, seed: int, s: int) -> Split:
    """Split ``s`` of the protocol (module docstring, steps 2–3), fixed by ``(seed, s)``."""
    rng = np.random.default_rng([seed, s])
    perm = rng.permutation(n_real)
    half = n_real // 2
    m = min(half, n_fake)
    fake = np.sort(rng.choice(n_fake, m, replace=False)) if n_fake > m else np.arange(m)
    spectrum_seed, pink_seed, split_seed = (int(v) for v in rng.integers(0, 2**31, size=3))
    return Split(np.sort(perm[:half]), np.sort(perm[half:half + m]), fake, spectrum_seed,
                 pink_seed, split_seed)


def make_anchors(real: np.ndarray, split: Split, which: tuple[str, ...] = ANCHORS) -> dict[str, np.ndarray]:
    """The noise anchors of ``split``: ``{name: (m, samples) float32}``, loudness of the real probe."""
    rms = clip_rms(real[split.probe])
    out = {}
    if "spectrum_noise" in which:
        out["spectrum_noise"] = spectrum_noise(real[split.ref], len(split.probe), split.spectrum_seed, rms)
    if "pink_noise" in which:
        out["pink_noise"] = pink_noise(len(split.probe), real.shape[1], split.pink_seed, rms)
    return out


def _digests(x: np.ndarray) -> list[bytes]:
    return [hashlib.blake2b(row.tobytes(), digest_size=16).digest() for row in x]


def check_sets(real_clips: np.ndarray, fake_clips: np.ndarray,
               train_clips: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Validate the sets of :func:`~.report.evaluate` (module docstring, step 1).

    Returns:
        ``(real, fake, train)`` as float64 arrays of one clip length (``train`` may be None).

    Raises:
        DataError: bad arrays (see :func:`~.clips.as_clips`), clip lengths that differ, fewer than
            4 real or 2 generated clips, duplicated real clips, real clips that are training clips.
    """
    real = as_clips(real_clips, "real clips")
    fake = as_clips(fake_clips, "fake clips", samples=real.shape[1])
    train = None if train_clips is None else as_clips(train_clips, "train clips", samples=real.shape[1])
    if len(real) < 4:
        raise DataError(f"evaluate needs at least 4 real clips (two halves of 2); got {len(real)}")
    if len(fake) < 2:
        raise DataError(f"evaluate needs at least 2 generated clips; got {len(fake)}")
    keys = _digests(real)
    dup = len(keys) - len(set(keys))
    if dup:
        raise DataError(f"real clips hold {dup} exact duplicate(s) (digital silence, or a file given "
                        f"twice?); a real probe could then equal a reference clip: remove the duplicates")
    if train is not None:
        if len(train) < 2:
            raise DataError(f"train clips: need at least 2 for the memorisation check; got {len(train)}")
        seen = set(_digests(train))
        overlap = sum(k in seen for k in keys)
        if overlap:
            raise DataError(f"{overlap} of the {len(real)} real clips are also training clips; score on "
                            f"held-out real clips (another seed, other files), never the training clips")
    return real, fake, train
