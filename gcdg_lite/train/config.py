"""Training configuration: one dataclass, saved as ``RUN/config.json`` (chapter 4 Code example).

Every number that shapes a run lives in :class:`TrainConfig`, so a run folder says exactly how it was
trained and ``fit(..., resume=True)`` can check that a resumed run is the same run. Chapter 5's
ablations change one field at a time (``loss``, ``r1``, ``n_critic``, ``ema``...).
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from ..errors import ConfigError

PRECISIONS = ("auto", "float32", "mixed_float16", "mixed_bfloat16")
MODELS = ("seed_mlp", "wavegan", "specgan")

#: fields that define the computation; they must match when a run is resumed
IDENTITY_FIELDS = ("model", "model_kwargs", "loss", "r1", "n_critic", "lr_g", "lr_d", "beta_1",
                   "beta_2", "batch", "seed", "ema", "precision", "update", "n_fft", "hop")


@dataclass
class TrainConfig:
    """How to train one GAN (chapter 4; chapter 5 varies single fields).

    Attributes:
        model: ``"seed_mlp"``, ``"wavegan"`` or ``"specgan"`` (see ``gcdg_lite.models.build``).
        model_kwargs: extra arguments of ``models.build``, e.g. ``{"d": 16, "samples": 16384,
            "noise_dim": 100}``; ``d`` is the width multiplier. Empty = the model's defaults.
        loss: a key of ``gcdg_lite.losses.LOSSES``: ``gcdg``, ``minimax``, ``non_saturating``,
            ``wgan_gp``, ``hinge``.
        r1: R1 penalty strength gamma on real clips (0 = off).
        n_critic: discriminator updates per generator update; ``None`` = the loss's default
            (5 for ``wgan_gp``, else 1).
        lr_g, lr_d: Adam learning rates of G and D.
        beta_1, beta_2: Adam betas, default (0.5, 0.9) as in WaveGAN/WGAN-GP.
        batch: clips per batch (global batch when several GPUs share it).
        steps: TOTAL generator updates of the run (resuming with a larger value trains the difference).
        seed: seeds weight initialisation and the run's ``tf.random.Generator`` (noise, batches, GP).
        ckpt_every: checkpoint every this many steps (and always at the end); 0 = only at the end.
        sample_every: write example WAVs to ``RUN/samples/step_XXXXXX/`` every this many steps; 0 = off.
        n_sample_wavs: how many WAVs each time (fixed latent points, so you hear one voice evolve).
        ema: decay of an exponential moving average of G's weights (e.g. 0.999); ``None`` = off.
        steps_per_call: training steps run inside one compiled call (a graph loop); larger = less
            Python overhead, coarser progress bar.
        precision: ``"auto"`` (float32 on CPUs without bf16 units and on GPU), ``"float32"``,
            ``"mixed_float16"`` (GPU, with loss scaling) or ``"mixed_bfloat16"``.
        update: ``"alternating"`` (D step(s) then a G step on fresh noise; the textbook algorithm) or
            ``"simultaneous"`` (both players' gradients from one forward pass, as in the TensorFlow
            DCGAN tutorial; needs ``n_critic == 1``).
        callback_every: callbacks of ``fit`` are called every this many steps.
        sr: sample rate of the audio in Hz (written into WAV headers).
        n_fft, hop: STFT size and hop in samples for ``specgan``; ``None`` = 256/128 for 16384-sample
            clips (128x128 spectrograms), 128/64 for 4096 samples (64x64).
        griffin_lim_iters: Griffin-Lim iterations when ``specgan`` spectrograms become audio.
        data: the data source string the run was trained on (informational; used by ``--resume``).
        n_clips: clips drawn from a ``builtin:`` source (``None`` = the loader's default, 256).
    """

    model: str = "wavegan"
    model_kwargs: dict = field(default_factory=dict)
    loss: str = "non_saturating"
    r1: float = 0.0
    n_critic: int | None = None
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    beta_1: float = 0.5
    beta_2: float = 0.9
    batch: int = 32
    steps: int = 1000
    seed: int = 0
    ckpt_every: int = 250
    sample_every: int = 0
    n_sample_wavs: int = 4
    ema: float | None = None
    steps_per_call: int = 10
    precision: str = "auto"
    update: str = "alternating"
    callback_every: int = 10
    sr: int = 16000
    n_fft: int | None = None
    hop: int | None = None
    griffin_lim_iters: int = 32
    data: str | None = None
    n_clips: int | None = None

    # ------------------------------------------------------------------ validation
    def validate(self) -> "TrainConfig":
        """Check every field; raise :class:`ConfigError` naming the bad one. Returns ``self``."""
        from .. import losses

        if self.model not in MODELS:
            raise ConfigError(f"model={self.model!r} is unknown; choose one of {', '.join(MODELS)}")
        if str(self.loss).lower() not in losses.LOSSES:
            raise ConfigError(f"loss={self.loss!r} is unknown; choose one of {', '.join(losses.LOSSES)}")
        if self.precision not in PRECISIONS:
            raise ConfigError(f"precision={self.precision!r}; choose one of {', '.join(PRECISIONS)}")
        if self.update not in ("alternating", "simultaneous"):
            raise ConfigError(f"update={self.update!r}; use 'alternating' or 'simultaneous'")
        for name in ("batch", "steps_per_call", "callback_every", "sr", "griffin_lim_iters"):
            if int(getattr(self, name)) < 1:
                raise ConfigError(f"{name}={getattr(self, name)!r} must be a positive integer")
        for name in ("steps", "ckpt_every", "sample_every", "n_sample_wavs"):
            if int(getattr(self, name)) < 0:
                raise ConfigError(f"{name}={getattr(self, name)!r} must be >= 0")
        for name in ("lr_g", "lr_d"):
            if not float(getattr(self, name)) > 0:
                raise ConfigError(f"{name}={getattr(self, name)!r} must be > 0 (try 1e-4)")
        if self.r1 < 0:
            raise ConfigError(f"r1={self.r1!r} must be >= 0 (0 turns the R1 penalty off)")
        if self.n_critic is not None and int(self.n_critic) < 1:
            raise ConfigError(f"n_critic={self.n_critic!r} must be >= 1")
        if self.ema is not None and not 0.0 < float(self.ema) < 1.0:
            raise ConfigError(f"ema={self.ema!r} must be a decay in (0, 1), e.g. 0.999, or None")
        if self.update == "simultaneous" and self.critic_steps() != 1:
            raise ConfigError("update='simultaneous' needs n_critic=1; use update='alternating'")
        if not isinstance(self.model_kwargs, dict):
            raise ConfigError("model_kwargs must be a dict, e.g. {'d': 16}")
        return self

    # ------------------------------------------------------------------ derived values
    def critic_steps(self) -> int:
        """D updates per G update: ``n_critic`` or the loss registry's default."""
        from .. import losses

        if self.n_critic is not None:
            return int(self.n_critic)
        return int(losses.get_loss(self.loss).n_critic)

    def stft(self, samples: int) -> tuple[int, int]:
        """``(n_fft, hop)`` for ``specgan`` given the clip length in samples."""
        if self.n_fft and self.hop:
            return int(self.n_fft), int(self.hop)
        return (256, 128) if samples >= 16384 else (128, 64) if samples >= 4096 else (64, 32)

    # ------------------------------------------------------------------ JSON
    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON dict of every field."""
        return asdict(self)

    def to_json(self, path: str | os.PathLike) -> None:
        """Write the config to ``path`` (e.g. ``RUN/config.json``)."""
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(self.to_dict(), fh, indent=2, sort_keys=True)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "TrainConfig":
        """Build from a dict, ignoring unknown keys (older/newer run folders)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})

    @classmethod
    def from_json(cls, path: str | os.PathLike) -> "TrainConfig":
        """Read a config written by :meth:`to_json`; :class:`ConfigError` if unreadable."""
        try:
            with open(path, encoding="utf-8") as fh:
                return cls.from_dict(json.load(fh))
        except (OSError, ValueError, TypeError) as exc:
            raise ConfigError(f"{path}: cannot read the run's config ({exc})") from None

    def differences(self, other: "TrainConfig") -> list[str]:
        """Names of identity fields that differ from ``other`` (a resumed run must match)."""
        return [n for n in IDENTITY_FIELDS if getattr(self, n) != getattr(other, n)]


def resolve_precision(policy: str) -> str:
    """Turn ``"auto"`` into a concrete Keras dtype policy name for this machine.

    ``auto``: ``float32`` on GPU (mixed_float16 not measured faster here: no GPU was available) and on
    CPUs without bfloat16 units; ``mixed_bfloat16`` on CPUs that report ``avx512_bf16`` or ``amx_bf16``
    (oneDNN then runs bf16 convolutions natively). Measured on the 2-core AMD EPYC (avx2 only) of the
    book: mixed_bfloat16 is much slower there (emulated), see ``bench/README.md``.
    """
    if policy != "auto":
        return policy
    import tensorflow as tf

    if tf.config.list_physical_devices("GPU"):
        return "float32"
    return "mixed_bfloat16" if cpu_has_bf16() else "float32"


def cpu_has_bf16() -> bool:
    """True when ``/proc/cpuinfo`` lists native bfloat16 units (``avx512_bf16`` or ``amx_bf16``)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            flags = fh.read()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags
