"""Every default of a training run, in one place that imports neither TensorFlow nor Keras (chapter 4).

:class:`gcdg_lite.train.TrainConfig` takes its field defaults from here, :mod:`gcdg_lite.models` its
architectures, :mod:`gcdg_lite.budgets` the ``book`` budget's SpecGAN recipe, and
``python -m gcdg_lite train --help`` the text it prints, so ``TrainConfig()`` and ``train`` without
options describe the same run and ``--help`` never loads TensorFlow. Why a value was chosen, and what it
was measured against, is in ``bench/README.md`` (Quality; Trainer throughput); this module only says
what it is.

A default that depends on the model is a dict keyed by model name (:data:`STEPS`, :data:`EMA`,
:data:`AUGMENT`, :data:`MODEL_CONFIGS`).
"""
from __future__ import annotations

from typing import Any

from . import public as _public

__all__ = _public(__name__)

# ---------------------------------------------------------------------- the data
#: clip length in samples when neither the options nor the clips give one (1.024 s at 16 kHz)
SAMPLES = 16384
#: sample rate in Hz
SR = 16000

# ---------------------------------------------------------------------- what is trained
#: the model trained when none is named
MODEL = "specgan"
#: each model's architecture options (``gcdg_lite.models.build(name, **overrides)`` accepts exactly these
#: keys, plus ``samples`` for ``specgan``, mapped to ``size`` by :func:`gcdg_lite.features.specgan_geometry`).
#: ``d`` is the width multiplier; ``spectral_norm`` normalises every layer of D; ``upsample`` is G's
#: up-sampling (``"transpose"`` convolutions or ``"nearest"`` repeat + convolution).
MODEL_CONFIGS: dict[str, dict[str, Any]] = {
    "seed_mlp": {"noise_dim": 100, "samples": SAMPLES, "hidden": 128},
    "wavegan": {"noise_dim": 100, "samples": SAMPLES, "d": 16, "kernel": 25, "upsample": "nearest",
                "phase_shuffle": 2, "leak": 0.2, "spectral_norm": False, "stft_heads": []},
    "specgan": {"noise_dim": 100, "size": 128, "d": 8, "kernel": 5, "upsample": "transpose", "leak": 0.2,
                "norm": "batch", "spectral_norm": True},
    "phasegan": {"noise_dim": 100, "samples": SAMPLES, "d": 8, "kernel": 5, "leak": 0.2, "spectral_norm": True,
                 "noise": False, "stft_heads": [], "critic": "wave",
                 "mbstd": False},
}

# ---------------------------------------------------------------------- how it is trained
#: the GAN loss (a key of ``gcdg_lite.losses.LOSSES``)
LOSS = "non_saturating"
#: discriminator updates per generator update of the losses that do not use 1 (``n_critic`` left unset)
N_CRITIC = {"wgan_gp": 5}
#: generator updates of a run when ``steps`` is left unset, per model
STEPS = {"seed_mlp": 1000, "wavegan": 1000, "specgan": 2400, "phasegan": 1200}
#: clips per batch
BATCH = 32
#: Adam learning rate of both G and D
LR = 2e-4
#: Adam's betas, as in WaveGAN / WGAN-GP
BETA_1, BETA_2 = 0.5, 0.9
#: R1 penalty strength (0 = off), and apply it every this many steps (1 = every step)
R1, R1_EVERY = 0.0, 1
#: weight of feature matching in the generator's loss (0 = off; ``losses.feature_matching``)
FEATURE_MATCHING = 0.0
#: seed of the weights, the noise, the batches and the augmentation
SEED = 0
#: EMA decay of G's weights when ``ema`` is left unset, per model (0 = off)
EMA = {"seed_mlp": 0.0, "wavegan": 0.0, "specgan": 0.99, "phasegan": 0.99}
#: DiffAugment policy (``gcdg_lite.train.augment``) when ``augment`` is left unset, per model
AUGMENT = {"seed_mlp": "none", "wavegan": "none", "specgan": "shift,mask", "phasegan": "shift,mask"}
#: ``alternating`` (D step(s), then a G step on fresh noise) or ``simultaneous``; the choices: :data:`UPDATES`
UPDATE = "alternating"
UPDATES = ("alternating", "simultaneous")
#: the dtype policy (``auto``: float32, or mixed_bfloat16 on a CPU with bf16 units); the choices: :data:`PRECISIONS`
PRECISION = "auto"
PRECISIONS = ("auto", "float32", "mixed_float16", "mixed_bfloat16")
#: training steps run inside one compiled call
STEPS_PER_CALL = 10

# ---------------------------------------------------------------------- what is written
#: checkpoint every this many steps (0 = only at the end)
CKPT_EVERY = 250
#: write sample WAVs every this many steps (0 = off), this many each time
SAMPLE_EVERY, N_SAMPLE_WAVS = 0, 4
#: callbacks of ``fit`` are called every this many steps
CALLBACK_EVERY = 10
#: Griffin-Lim iterations, and its frame oversampling, when SpecGAN spectrograms become audio
GRIFFIN_LIM_ITERS, GRIFFIN_LIM_OVERSAMPLE = 32, 2
#: clips drawn from a ``builtin:`` source when ``n_clips`` is left unset (a folder gives all of its clips)
BUILTIN_CLIPS = 256
