"""Offline metrics for generated audio textures — nothing downloaded, no pretrained network.

Chapter 5 (Trends & challenges) introduces them, chapter 6 (FAQ) interprets them. Every number is
read against two references computed on the spot (:mod:`.reference`): a **floor** (real vs real,
two halves) and a **ceiling** (loudness-matched pink noise vs real).

Modules (each short, numpy/scipy/scikit-learn/librosa only):

* :mod:`.logmel` — per-clip log-mel statistics, (n, 80) features in dB.
* :mod:`.distances` — :func:`frechet_distance`, :func:`kid` (unbiased MMD², cubic kernel).
* :mod:`.ndb` — :func:`ndb`: NDB/K and Jensen–Shannon divergence of k-means bins (mode collapse).
* :mod:`.texture` — McDermott–Simoncelli-style :func:`texture_stats` and :func:`texture_snr_db`.
* :mod:`.memorisation` — :func:`memorisation`: are generated clips copies of training clips?
* :mod:`.reference` — :func:`pink_noise`, split halves.
* :mod:`.report` — :func:`evaluate` (everything, with floor and ceiling) and :func:`fd_score`.
"""
from __future__ import annotations

from .distances import frechet_distance, kid, mmd2, mmd2_unbiased, polynomial_kernel
from .logmel import log_mel_frames, logmel_stats, standardise
from .memorisation import MemorisationResult, memorisation
from .ndb import NDBResult, ndb
from .reference import pink_noise, split_halves
from .report import evaluate, fd_score, format_table
from .texture import erb_filterbank, envelopes, texture_snr_db, texture_snr_groups, texture_stats

__all__ = [
    "logmel_stats", "log_mel_frames", "standardise",
    "frechet_distance", "kid", "mmd2", "mmd2_unbiased", "polynomial_kernel",
    "ndb", "NDBResult",
    "texture_stats", "texture_snr_db", "texture_snr_groups", "erb_filterbank", "envelopes",
    "memorisation", "MemorisationResult",
    "pink_noise", "split_halves",
    "evaluate", "fd_score", "format_table",
]
