"""Offline metrics for generated audio textures — nothing downloaded, no pretrained network.

Chapter 5 (Trends & challenges) introduces them, chapter 6 (FAQ) interprets them. Every number is
read against references computed on the spot (:mod:`.protocol`, :mod:`.reference`): a **floor**
(held-out real vs real), **spectrum-matched noise** (the real mean spectrum with random phase: the
"1" of every normalised score) and **pink noise** (a second, easier anchor), each as mean ± sd over
random splits.

Modules (each short, numpy/scipy/scikit-learn/librosa only):

* :mod:`.clips` — :func:`as_clips` and the argument checks every metric shares.
* :mod:`.logmel` — per-clip log-mel statistics, (n, 80) features in dB.
* :mod:`.distances` — :func:`frechet_distance`, :func:`kid` (unbiased MMD², cubic kernel).
* :mod:`.ndb` — :func:`ndb`: NDB/K and Jensen–Shannon divergence of k-means bins (mode collapse).
* :mod:`.texture` — McDermott–Simoncelli-style :func:`texture_stats` and :func:`texture_snr_db`.
* :mod:`.c2st` — :func:`c2st`: cross-validated accuracy of a classifier telling the sets apart.
* :mod:`.memorisation` — :func:`memorisation`: are generated clips copies of training clips?
* :mod:`.latent` — :func:`latent_directions`: the latent directions along which the sound changes most.
* :mod:`.harmonicity` — :func:`harmonicity` (frame f0, HNR in dB, voicing), :func:`hnr_distance` (sets).
* :mod:`.reference` — :func:`spectrum_noise`, :func:`pink_noise`, :func:`random_phase`, split halves.
* :mod:`.protocol` — which clips are compared with which: held-out probes, splits, anchors.
* :mod:`.report` — :func:`evaluate` (everything, with floor, anchors and spreads), :func:`fd_score`.
* :mod:`.table` — :func:`format_table`, :func:`compare_table`.
"""
from __future__ import annotations

from .. import public as _public
from .c2st import c2st, c2st_feature_names, c2st_features, classifier_accuracy, top_features
from .clips import as_clips
from .distances import IllConditionedError, frechet_distance, kid, mmd2, mmd2_unbiased, polynomial_kernel
from .harmonicity import Harmonicity, harmonicity, harmonicity_per_clip, harmonicity_summary, hnr_distance
from .latent import latent_directions
from .logmel import log_mel_frames, logmel_stats, standardise
from .memorisation import MemorisationResult, memorisation
from .ndb import NDBResult, ndb
from .reference import pink_noise, random_phase, spectrum_noise, split_halves
from .report import evaluate, fd_score
from .table import compare_table, format_table
from .texture import erb_filterbank, envelopes, texture_snr_db, texture_snr_groups, texture_stats

__all__ = _public(__name__)


