"""gcdg_lite — the helper package of *gcdg-book*.

GAN-based speech and audio texture generation, organised by concern:

================  ==============================================================
``data``          built-in procedural corpus, loading user audio, ``tf.data``
``features``      STFT / log-mel with ``tf.signal``, SpecGAN normalisation, Griffin-Lim
``audio``         play, plot and save clips
``models``        ``seed_mlp``, ``wavegan``, ``specgan`` generator/discriminator pairs
``losses``        the GCDG loss and the usual GAN losses, as functions of logits
``train``         the one trainer: strategies, checkpoints, resume, history
``metrics``       Fréchet distance, KID, NDB, texture statistics, memorisation, latent directions
``toy``           the 8-Gaussians ring: mode collapse seen and counted in 2-D
``widgets``       dataset browser, latent explorer, live training view
``listening``     a "which one is real?" listening test that runs in the page (no kernel)
``exercises``     auto-checkers for the chapters' exercises
``claims``        a chapter's checked claims, shown as a claim | value | ✓ table
``tables``        tables of numbers shown as HTML in notebooks and the book, as text elsewhere
``budgets``       the ``GCDG_BUDGET=ci|book|full`` switch
``defaults``      every default of a training run, without TensorFlow
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

#: The public API, one list: each module of the package and the names it makes public. A module's
#: ``__all__`` is its entry here (``__all__ = public(__name__)``), and the chapters call every one of these
#: names as ``gl.<module>.<name>`` (``tests/test_package.py`` checks both). Each function's and class's
#: docstring names the chapter notebook that introduces it (``Notebook: NN_name.ipynb``); a docstring without
#: that line belongs to a name no chapter uses.
API: dict[str, tuple[str, ...]] = {
    "audio": ("clip_cards", "listen", "play",
              "plot_spectrogram", "plot_waveform", "read_wav", "save_wav", "spectrogram_png"),
    "budgets": ("Budget", "BUDGETS", "ENV_VAR", "Workspace", "budget"),
    "checks": ("MAX_RUN_SEED", "MAX_SAMPLES", "as_audio", "check_int", "shown"),
    "claims": ("Claims",),
    "cli": ("COMMANDS", "build_parser", "main"),
    "compat": ("MINIMUM", "VersionError", "installed_version", "too_old", "require"),
    "defaults": ("AUGMENT", "BATCH", "BETA_1", "BETA_2", "BUILTIN_CLIPS", "CALLBACK_EVERY", "CKPT_EVERY", "EMA",
                 "GRIFFIN_LIM_ITERS", "GRIFFIN_LIM_OVERSAMPLE", "LOSS", "LR", "MODEL", "MODEL_CONFIGS", "N_CRITIC",
                 "N_SAMPLE_WAVS", "PRECISION", "PRECISIONS", "R1", "R1_EVERY", "SAMPLES", "SAMPLE_EVERY", "SEED",
                 "SR", "STEPS", "STEPS_PER_CALL", "UPDATE", "UPDATES"),
    "data": ("AUDIO_EXTENSIONS", "TEXTURES", "VOWELS", "ClipSet", "FileReport", "LoadReport",
             "Texture", "frame_levels",
             "list_textures", "load_folder", "load_source", "make_dataset", "pseudo_sentence", "silent_fraction",
             "slice_clips", "speak", "speech_voices", "synth_vowel", "texture", "write_corpus"),
    "errors": ("GcdgError", "DataError", "ConfigError", "RunError", "TrainingInterrupted"),
    "exercises": ("CORRECT", "Checker", "as_function", "check", "checker", "fresh_rng", "fresh_seed", "keys", "scalar"),
    "features": ("EPS", "SPECGAN_GEOMETRY", "SpecGeometry", "SpecNorm", "examples", "log_mel", "logmag_chunks",
                 "oversample_frames",
                 "spec_to_audio", "specgan_geometry", "spectral_convergence", "stft_logmag"),
    "listening": ("MAX_PAIRS", "SR_RANGE", "Z95", "ListeningTest", "Score", "binomial_p", "decode_key", "encode_key",
                  "listening_test", "wilson_interval"),
    "losses": ("LOSSES", "LossSpec", "get_loss", "log_d", "log_one_minus_d", "gcdg_loss", "inverted_gcdg_losses",
               "gcdg_generator_loss", "gcdg_discriminator_loss", "minimax_generator_loss",
               "minimax_discriminator_loss", "non_saturating_generator_loss", "non_saturating_discriminator_loss",
               "wgan_generator_loss", "wgan_critic_loss", "hinge_generator_loss", "hinge_discriminator_loss",
               "gradient_penalty", "r1_penalty", "feature_matching"),
    "metrics": ("Harmonicity", "IllConditionedError", "MemorisationResult", "NDBResult", "as_clips", "c2st",
                "c2st_feature_names", "c2st_features", "classifier_accuracy", "compare_table", "envelopes", "erb_filterbank", "evaluate",
                "fd_score", "format_table", "frechet_distance", "harmonicity", "harmonicity_per_clip",
                "harmonicity_summary", "hnr_distance", "kid", "latent_directions", "log_mel_frames", "logmel_stats",
                "memorisation", "mmd2", "mmd2_unbiased", "ndb", "pink_noise", "polynomial_kernel", "random_phase",
                "spectrum_noise", "split_halves",
                "standardise", "texture_snr_db", "texture_snr_groups", "texture_stats",
                "top_features"),
    "models": ("DEFAULTS", "MODELS", "SPEC_SIZES", "STFT_HEAD_SIZES", "WAVE_SAMPLES", "LogSTFT", "MinibatchStd", "PhaseShuffle",
               "build", "build_resolved", "check_sizes", "count_params", "critic_features", "default_config", "describe",
               "domain", "estimate_params", "resolve_config"),
    "phase": ("EPS", "PHASE_GEOMETRY", "PhaseGeometry", "PhaseView", "PixelNoise", "ToWave", "decode", "encode",
              "instantaneous_frequency", "istft", "phase_geometry", "phase_view", "stft"),
    "pretrained": ("FOLDER", "INDEX", "JUDGE", "LATENT_SEED", "Pretrained", "available", "entries", "export",
                   "judge_clips", "load", "score"),
    "tables": ("Table", "fmt", "table"),
    "toy": ("LATENT", "MODES", "RADIUS", "STD", "ModeCount", "ToyRun", "count_modes", "eight_gaussians",
            "mode_centres", "toy_models", "train_ring"),
    "train": ("HISTORY_COLUMNS", "Engine", "Run", "RunConfig", "TrainConfig", "alternating_step", "as_clips",
              "choose_strategy", "cpu_has_bf16", "examples", "fit", "latent", "load_run", "plot_history",
              "read_history", "resolve_precision"),
    "widgets": ("DatasetBrowser", "LatentExplorer", "LiveView", "View", "audio_html", "dataset_browser",
                "latent_explorer", "live_view", "spectrogram_png", "widget_view", "widgets_available"),
}

#: names that are also ``gl.<name>`` (a shortcut for the most used ones; each is in exactly one module above)
SHORTCUTS = (
    "budget", "Budget", "GcdgError", "DataError", "ConfigError", "RunError", "VersionError",
    "texture", "list_textures", "load_folder", "load_source", "make_dataset",
    "stft_logmag", "log_mel", "SpecNorm", "spec_to_audio", "play", "save_wav", "read_wav", "plot_waveform",
    "plot_spectrogram", "build", "gcdg_loss", "get_loss", "LOSSES", "fit", "TrainConfig", "Run", "load_run",
    "evaluate", "fd_score", "c2st", "frechet_distance", "kid", "ndb", "memorisation", "texture_stats",
    "texture_snr_db", "dataset_browser", "latent_explorer", "live_view", "check",
)

_SUBMODULES = tuple(API)
#: shortcut -> the module that defines it
_EXPORTS: dict[str, str] = {name: module for module, names in API.items() for name in names if name in SHORTCUTS}


def public(module: str) -> list[str]:
    """The public names of ``module`` (``"gcdg_lite.metrics"`` or ``"metrics"``): its ``__all__``.
    """
    return list(API[module.split(".")[1] if module.startswith("gcdg_lite.") else module])


__all__ = sorted(set(_SUBMODULES) | set(_EXPORTS) | {"API", "SHORTCUTS", "public", "tensorflow_environment"})


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
_LIGHT = {"budgets", "claims", "cli", "compat", "defaults", "errors", "tables"}


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
