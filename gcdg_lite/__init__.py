"""gcdg_lite — the helper package of *gcdg-book*.

GAN-based speech and audio texture generation, organised by concern:

================  ==============================================================
``data``          built-in procedural corpus, loading user audio, ``tf.data``
``features``      STFT / log-mel with ``tf.signal``, SpecGAN normalisation, Griffin-Lim
``audio``         play, plot and save clips
``models``        ``seed_mlp``, ``wavegan``, ``specgan`` generator/discriminator pairs
``losses``        the GCDG loss and the usual GAN losses, as functions of logits
``train``         the one trainer: strategies, checkpoints, resume, history
``metrics``       Fréchet distance, KID, NDB, texture statistics, memorisation
``widgets``       dataset browser, latent explorer, live training view
``exercises``     auto-checkers for the chapters' exercises
``budgets``       the ``GCDG_BUDGET=ci|book|full`` switch
``compat``        the oldest dependency versions that work, and one clear error below them
``cli``           ``python -m gcdg_lite ...``
================  ==============================================================

The public names below are re-exported lazily: ``import gcdg_lite`` is instant, and TensorFlow is
imported only when a name that needs it is first used. That first use also checks the installed
versions of the dependencies (:func:`gcdg_lite.compat.require`): one that is too old raises a
``VersionError`` naming it and the ``pip install`` line that fixes it.
"""
from __future__ import annotations

import importlib
import os
from typing import Any

__version__ = "0.1.0"

_SUBMODULES = (
    "audio", "budgets", "cli", "compat", "data", "errors", "exercises", "features",
    "losses", "metrics", "models", "train", "widgets",
)

#: public name -> submodule that defines it
_EXPORTS: dict[str, str] = {
    # budget and errors
    "budget": "budgets", "Budget": "budgets",
    "GcdgError": "errors", "DataError": "errors", "ConfigError": "errors", "RunError": "errors",
    "VersionError": "compat",
    # data (chapters 1 and 4)
    **dict.fromkeys(["texture", "list_textures", "load_folder", "load_source", "make_dataset"], "data"),
    # features and audio helpers (chapter 1)
    **dict.fromkeys(["stft_logmag", "log_mel", "SpecNorm", "spec_to_audio"], "features"),
    **dict.fromkeys(["play", "save_wav", "read_wav", "plot_waveform", "plot_spectrogram"], "audio"),
    # models, losses, trainer (chapters 2-5)
    "build": "models",
    **dict.fromkeys(["gcdg_loss", "get_loss", "LOSSES"], "losses"),
    **dict.fromkeys(["fit", "TrainConfig", "Run", "load_run"], "train"),
    # metrics (chapters 5 and 6)
    **dict.fromkeys(["evaluate", "fd_score", "c2st", "frechet_distance", "kid", "ndb", "memorisation",
                     "texture_stats", "texture_snr_db"], "metrics"),
    # widgets and exercises (every chapter)
    **dict.fromkeys(["dataset_browser", "latent_explorer", "live_view"], "widgets"),
    "check": "exercises",
}

__all__ = sorted(set(_SUBMODULES) | set(_EXPORTS) | {"tensorflow_environment"})


def tensorflow_environment() -> None:
    """Settings TensorFlow reads once, when it is first imported; ``import gcdg_lite`` applies them.

    * ``TF_CPP_MIN_LOG_LEVEL=2``: no start-up chatter on stderr.
    * ``TF_ENABLE_ONEDNN_OPTS=1``: oneDNN convolution kernels on every x86 CPU. TensorFlow turns them
      on by itself only on CPUs with AVX512-VNNI/BF16/AMX; on the book's 2-core AVX2 AMD EPYC they
      made a tutorial-style SpecGAN step 1.8x and a WaveGAN step 1.2-1.6x faster (``bench/README.md``,
      "Trainer throughput"). Results differ from the default kernels only by floating-point rounding.

    Values already in the environment win (``TF_ENABLE_ONEDNN_OPTS=0`` turns oneDNN off). Has no
    effect when TensorFlow was imported before ``gcdg_lite`` (import ``gcdg_lite`` first, as every
    chapter does).
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")


tensorflow_environment()


#: submodules that need none of the heavy dependencies (no version check before importing them)
_LIGHT = {"budgets", "cli", "compat", "errors"}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name, name if name in _SUBMODULES else None)
    if module is None:
        raise AttributeError(f"module 'gcdg_lite' has no attribute {name!r}")
    if module not in _LIGHT:
        from .compat import require

        require()  # once per process: a too-old Keras or librosa is named here, not deep in a traceback
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f".{module}", __name__), name)
        globals()[name] = value
        return value
    return importlib.import_module(f".{name}", __name__)


def __dir__() -> list[str]:
    return __all__
