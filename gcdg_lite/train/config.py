"""A run's configuration as two types: the user's options and the resolved run (chapter 4).

:class:`TrainConfig` holds *options*: built by hand (``TrainConfig(model="wavegan")``), fields left at
``None`` mean "the named default"; its fields are checked when it is made. :meth:`TrainConfig.resolve`
turns options plus the training clips, once, into a :class:`RunConfig`: the frozen *resolved* run that
``Engine`` builds, ``fit`` trains, :meth:`RunConfig.to_json` records as ``RUN/config.json`` and resume
reads back: every model option (the clip length included), the SpecGAN STFT geometry (from
:data:`gcdg_lite.features.SPECGAN_GEOMETRY`), the critic steps, the EMA decay, the concrete dtype
policy and a digest of the clips, each a concrete value; the model's full options
(``models.resolve_config``), the loss and the augmentation policy are derived once, when it is made.

Whether a saved run may be continued is decided here too: :meth:`RunConfig.with_changes` applies
explicit changes to a saved run and :meth:`RunConfig.check_resume` compares two runs; the fields in
:data:`IDENTITY_FIELDS` must match, the :data:`RESUMABLE_FIELDS` (how long and how often) may change.
``TrainConfig()`` and ``python -m gcdg_lite train`` without options describe the same run: both read
:mod:`gcdg_lite.defaults`.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
from dataclasses import dataclass, field, fields
from typing import Any, Mapping

import numpy as np

from .. import defaults as D
from ..checks import MAX_RUN_SEED, check_int, shown
from ..errors import ConfigError
from .augment import canonical
from .augment import parse as parse_augment


#: fields that define the computation; a resumed run must match them (decided by ``check_resume``)
IDENTITY_FIELDS = ("model", "model_kwargs", "loss", "r1", "n_critic", "lr_g", "lr_d", "beta_1", "beta_2",
                   "batch", "seed", "ema", "precision", "update", "sr", "n_fft", "hop", "n_clips",
                   "data_digest", "augment", "r1_every", "feature_matching")
#: fields a resumed run may change: how long it trains, how often it saves, writes and reports
RESUMABLE_FIELDS = ("steps", "ckpt_every", "sample_every", "n_sample_wavs", "steps_per_call",
                    "callback_every", "griffin_lim_iters", "griffin_lim_oversample", "data")

#: version of the config.json layout; folders without it were written before configs were resolved
FORMAT = 2
#: upper bounds that keep a typo from hanging a run (Griffin-Lim iterations, clips per batch...); the model's
#: sizes (width, noise_dim...) are bounded by :data:`gcdg_lite.models.SIZE_LIMITS` and ``MAX_PARAMS``
LIMITS = {"griffin_lim_oversample": 16, "batch": 4096, "steps": 10**9, "steps_per_call": 10**4, "griffin_lim_iters": 1000,
          "n_sample_wavs": 1000, "sr": 192000, "n_critic": 100, "seed": MAX_RUN_SEED, "r1_every": 10**4,
          "ckpt_every": 10**9, "sample_every": 10**9, "callback_every": 10**9, "n_clips": 10**6,
          "n_fft": 2**16, "hop": 2**16}
#: largest config.json read (a real one is about 1.5 kB): a bigger file is damaged, never parsed
MAX_CONFIG_BYTES = 1 << 20


@dataclass(frozen=True)
class TrainConfig:
    """How to train one GAN: the user's options (``None`` = the named default), checked when made.

    Notebook: 02_core_concepts.ipynb.

    :meth:`resolve` turns them, with the clips, into the :class:`RunConfig` that is trained and saved
    ("Resolved:" below says what the run holds where the option leaves it open).

    Every default is read from :mod:`gcdg_lite.defaults` (its name there is given in parentheses below);
    why each was chosen is in ``bench/README.md``.

    Attributes:
        model: ``"specgan"`` (default, ``MODEL``), ``"wavegan"`` or ``"seed_mlp"`` (see ``gcdg_lite.models.build``).
        model_kwargs: options of ``models.build``, e.g. ``{"d": 16, "samples": 16384}``; ``d`` is the
            width multiplier, ``samples`` the clip length (default: the clips' own). Resolved: every
            option of the model, defaults (``MODEL_CONFIGS``) filled in.
        loss: a key of ``gcdg_lite.losses.LOSSES``: ``gcdg``, ``minimax``, ``non_saturating``
            (default, ``LOSS``), ``wgan_gp``, ``hinge``.
        r1: R1 penalty strength gamma on real clips (0 = off).
        r1_every: lazy R1 (Karras et al. 2020): the penalty is computed on every ``r1_every``-th
            step only (steps 0, k, 2k, ... of the run), multiplied by ``r1_every`` so that its
            average strength stays ``r1``; 1 = every step. A step without it skips R1's double
            backward pass.
        feature_matching: weight of feature matching in G's loss (Salimans et al. 2016,
            :func:`gcdg_lite.losses.feature_matching`: G's batch compared with a real one by the batch
            means of D's hidden activations); 0 = off. Needs ``update="alternating"`` and a model whose
            D has LeakyReLU layers (``wavegan``, ``specgan``, ``phasegan``).
        n_critic: discriminator updates per generator update; ``None`` = the loss's default
            (``N_CRITIC``: 5 for ``wgan_gp``, else 1).
        lr_g, lr_d: Adam learning rates of G and D (> 0).
        beta_1, beta_2: Adam betas, default (0.5, 0.9) as in WaveGAN/WGAN-GP (``BETA_1``, ``BETA_2``).
        batch: clips per batch (the global batch when several devices share it).
        steps: TOTAL generator updates of the run (resuming with a larger value trains the difference);
            ``None`` = the model's default (``STEPS``: 2400 for specgan, 1000 otherwise).
        seed: seeds weight initialisation and the run's ``tf.random.Generator`` (noise, batches, GP).
        ckpt_every: checkpoint every this many steps (and always at the end); 0 = only at the end.
        sample_every: write example WAVs to ``RUN/samples/step_XXXXXX/`` every this many steps; 0 = off.
        n_sample_wavs: how many WAVs each time (fixed latent points, so you hear one voice evolve).
        ema: decay of an exponential moving average of G's weights (e.g. 0.99), sampled from instead of
            G; 0 = off; ``None`` = the model's default (``EMA``: 0.99 for specgan).
        steps_per_call: training steps run inside one compiled call (a graph loop).
        precision: ``"auto"`` (float32 on GPUs and on CPUs without bf16 units), ``"float32"``,
            ``"mixed_float16"`` (GPU, with loss scaling) or ``"mixed_bfloat16"``. Resolved: concrete.
        update: ``"alternating"`` (D step(s) then a G step on fresh noise; the textbook algorithm) or
            ``"simultaneous"`` (both players' gradients from one forward pass, as in the TensorFlow
            DCGAN tutorial; needs ``n_critic == 1``).
        callback_every: callbacks of ``fit`` are called every this many steps.
        sr: sample rate of the audio in Hz (written into WAV headers).
        n_fft, hop: specgan's STFT size and hop in samples; ``None`` = the geometry table's entry for
            the clip length (256/128 for 16384 samples). Wave models: ``None``.
        griffin_lim_iters: Griffin-Lim iterations when ``specgan`` spectrograms become audio.
        griffin_lim_oversample: Griffin-Lim runs on frames interpolated to ``hop / k`` samples apart
            (``features.spec_to_audio``'s ``oversample``; 1 = the generated frames as they are).
            Default 2 (measured in ``bench/README.md``, Quality).
        data: the data source string (``"builtin:vowels"`` or a folder); ``None`` for arrays.
        n_clips: clips drawn from a ``builtin:`` source or a folder (``None`` = the loader's default:
            256 built-in clips, every clip of a folder).
        data_digest: a digest of the training clips (a resumed run must see the same clips); left ``None``
            in options: resolving on clips sets it, a saved run's is kept when read back.
        augment: DiffAugment policy: what random, differentiable changes are applied to every
            example D sees (real and generated, in D's and in G's update), a comma-separated subset
            of ``shift`` (circular time shift), ``mask`` (time and, for spectrograms, frequency
            masks up to 1/8 of the example), ``gain`` (level change up to about ±6 dB), or
            ``"none"``; ``None`` = the model's default (``AUGMENT``: ``shift,mask`` for specgan). See
            :mod:`gcdg_lite.train.augment`. Resolved: canonical order (``"gain,shift"`` -> ``"shift,gain"``).
    """

    model: str = D.MODEL
    model_kwargs: Mapping[str, Any] = field(default_factory=dict)
    loss: str = D.LOSS
    r1: float = D.R1
    n_critic: int | None = None
    lr_g: float = D.LR
    lr_d: float = D.LR
    beta_1: float = D.BETA_1
    beta_2: float = D.BETA_2
    batch: int = D.BATCH
    steps: int | None = None
    seed: int = D.SEED
    ckpt_every: int = D.CKPT_EVERY
    sample_every: int = D.SAMPLE_EVERY
    n_sample_wavs: int = D.N_SAMPLE_WAVS
    ema: float | None = None
    steps_per_call: int = D.STEPS_PER_CALL
    precision: str = D.PRECISION
    update: str = D.UPDATE
    callback_every: int = D.CALLBACK_EVERY
    sr: int = D.SR
    n_fft: int | None = None
    hop: int | None = None
    griffin_lim_iters: int = D.GRIFFIN_LIM_ITERS
    griffin_lim_oversample: int = D.GRIFFIN_LIM_OVERSAMPLE
    data: str | None = None
    n_clips: int | None = None
    data_digest: str | None = None
    augment: str | None = None
    r1_every: int = D.R1_EVERY
    feature_matching: float = D.FEATURE_MATCHING

    # ------------------------------------------------------------------ building
    def __post_init__(self) -> None:
        """Check the type and range of every field (the model's options are checked by :meth:`resolve`)."""
        _check_fields(self)

    @classmethod
    def from_options(cls, options: "Mapping[str, Any] | TrainConfig | RunConfig | None" = None,
                     base: "TrainConfig | RunConfig | None" = None) -> "TrainConfig":
        """Options as a config: a :class:`TrainConfig` is taken whole, a :class:`RunConfig` gives its
        settings (train a new run like that one); a mapping of field names is a set of changes over ``base``.

        ``base`` defaults to ``TrainConfig()``; on resume it is the saved :class:`RunConfig`, so that
        options not given keep the saved values. ``model_kwargs`` are merged key by key over the base's
        (when the model stays the same).

        Raises:
            ConfigError: an unknown option name, options that are not a mapping, or a bad value.
        """
        if isinstance(options, TrainConfig):
            return options
        if isinstance(options, RunConfig):  # another run's settings, as options for a new run
            return cls.from_options(None, base=options)
        if options is not None and not isinstance(options, Mapping):
            raise ConfigError(f"config must be a TrainConfig, a RunConfig or a dict of its fields; got "
                              f"{type(options).__name__}")
        if base is None and not options:
            return cls()
        values = {} if base is None else {f.name: getattr(base, f.name) for f in fields(cls)}
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(options or {}) - names)
        if unknown:
            raise ConfigError(f"unknown training option(s) {', '.join(unknown)}; the options are: {', '.join(sorted(names))}")
        changes = dict(options or {})
        if "model_kwargs" in changes:
            kwargs = changes["model_kwargs"]
            if not isinstance(kwargs, Mapping):
                raise ConfigError(f"model_kwargs={kwargs!r} must be a dict, e.g. {{'d': 16}}")
            base_model = values.get("model", D.MODEL)
            same_model = changes.get("model", base_model) == base_model
            changes["model_kwargs"] = {**(values.get("model_kwargs", {}) if same_model else {}), **kwargs}
        if "model_kwargs" in values:
            values["model_kwargs"] = dict(values["model_kwargs"])
        return cls(**{**values, **changes})

    def check(self) -> "TrainConfig":
        """Check the model's sizes (``models.check_sizes``) too; builds nothing; returns ``self``.

        Every other field was checked when the options were made.

        Raises:
            ConfigError: naming the first bad size and its limit.
        """
        from .. import models  # the size limits live beside the models (this imports TensorFlow)

        models.check_sizes(dict(self.model_kwargs), str(self.model))  # width, noise_dim...: upper bounds
        return self

    # ------------------------------------------------------------------ resolution
    def resolve(self, clips: np.ndarray | None = None, *, samples: int | None = None, source: str | None = None,
                ) -> "RunConfig":
        """The resolved run for training on ``clips`` (or, without clips, on clips of ``samples``).

        Fills every default and returns a new frozen :class:`RunConfig`, which checks the model's options
        (``models.resolve_config``, once); see the module docstring. ``source`` is the data source
        string the clips came from, if any. Without clips the digest is kept (:attr:`data_digest`).

        Raises:
            ConfigError: naming the first bad field and what to use instead.
        """
        from .. import losses, models

        if str(self.model).strip().lower() not in D.MODEL_CONFIGS:
            raise ConfigError(f"model={self.model!r} is unknown; choose one of {', '.join(D.MODEL_CONFIGS)}")
        model = str(self.model).strip().lower()
        spec = losses.get_loss(self.loss)
        kwargs = dict(self.model_kwargs)
        if clips is not None:
            samples = int(np.shape(clips)[1])
            if "samples" in kwargs and kwargs["samples"] != samples:
                raise ConfigError(f"model_kwargs['samples']={kwargs['samples']} but the clips have {samples} samples")
        samples = int(kwargs.get("samples", samples or D.MODEL_CONFIGS[model].get("samples", D.SAMPLES)))
        kwargs["samples"] = samples
        n_fft = hop = None
        if models.domain(model) == "spec":
            from ..features import specgan_geometry

            geo = specgan_geometry(samples)
            if (self.n_fft, self.hop) not in ((None, None), (geo.n_fft, geo.hop)):
                raise ConfigError(f"n_fft={self.n_fft}, hop={self.hop} do not fit {samples}-sample clips; specgan "
                                  f"uses n_fft={geo.n_fft}, hop={geo.hop} (leave both unset)")
            n_fft, hop = geo.n_fft, geo.hop
            if hop % self.griffin_lim_oversample:
                raise ConfigError(f"griffin_lim_oversample={self.griffin_lim_oversample} must divide the hop of "
                                  f"{samples}-sample clips ({hop}); use 1, 2 or 4")
        elif (self.n_fft, self.hop) != (None, None):
            raise ConfigError(f"n_fft/hop are specgan settings; model {model!r} works on waveforms (leave them unset)")
        pinned = models.default_config(model)
        pinned.pop("size", None)
        n_critic = int(spec.n_critic if self.n_critic is None else self.n_critic)
        if self.update == "simultaneous" and n_critic != 1:
            raise ConfigError(f"update='simultaneous' needs n_critic=1 (loss {spec.name!r} uses {n_critic}); "
                              "use update='alternating'")
        if self.update == "simultaneous" and self.feature_matching > 0:
            raise ConfigError(f"feature_matching={self.feature_matching:g} needs update='alternating' (the "
                              "simultaneous step has no separate generator update to add it to)")
        if self.feature_matching > 0 and model == "seed_mlp":
            raise ConfigError("feature_matching needs a discriminator with hidden LeakyReLU layers; seed_mlp has "
                              "none (use wavegan, specgan or phasegan, or feature_matching=0)")
        return RunConfig(
            model=model, model_kwargs={**pinned, **kwargs}, loss=spec.name, r1=float(self.r1), n_critic=n_critic,
            lr_g=float(self.lr_g), lr_d=float(self.lr_d), beta_1=float(self.beta_1), beta_2=float(self.beta_2),
            batch=self.batch, steps=int(D.STEPS[model] if self.steps is None else self.steps), seed=self.seed,
            ckpt_every=self.ckpt_every, sample_every=self.sample_every, n_sample_wavs=self.n_sample_wavs,
            ema=float(D.EMA[model] if self.ema is None else self.ema), steps_per_call=self.steps_per_call,
            precision=resolve_precision(self.precision), update=self.update, callback_every=self.callback_every,
            sr=self.sr, n_fft=n_fft, hop=hop, griffin_lim_iters=self.griffin_lim_iters,
            griffin_lim_oversample=self.griffin_lim_oversample, data=self.data if source is None else str(source),
            n_clips=self.n_clips, data_digest=self.data_digest if clips is None else clips_digest(clips),
            augment=canonical(D.AUGMENT[model] if self.augment is None else self.augment), r1_every=self.r1_every,
            feature_matching=float(self.feature_matching))


@dataclass(frozen=True, eq=True)
class RunConfig:
    """A resolved run: every setting that shapes it, concrete, frozen; what ``RUN/config.json`` records.

    Made by :meth:`TrainConfig.resolve` (from options and the clips) or read back by :meth:`from_json`;
    ``Engine``, ``fit``, ``Run.config`` and resume take only this type. Its fields are
    :class:`TrainConfig`'s, with no "use the default" left: ``n_critic``, ``steps``, ``ema`` and
    ``augment`` hold the values the run uses, ``precision`` is concrete, ``model_kwargs`` every option of
    the model. ``None`` remains only where it is a value: ``n_fft``/``hop`` of a wave model, ``data`` of
    clips given as an array, ``n_clips`` of every clip given, ``data_digest`` of a run written before
    digests (format 1).

    Derived once, when it is made (the model's options are checked then): :attr:`model_options`
    (``models.resolve_config``), :attr:`loss_spec` and :attr:`augment_policy`.
    """

    model: str
    model_kwargs: Mapping[str, Any]
    loss: str
    r1: float
    n_critic: int
    lr_g: float
    lr_d: float
    beta_1: float
    beta_2: float
    batch: int
    steps: int
    seed: int
    ckpt_every: int
    sample_every: int
    n_sample_wavs: int
    ema: float
    steps_per_call: int
    precision: str
    update: str
    callback_every: int
    sr: int
    n_fft: int | None
    hop: int | None
    griffin_lim_iters: int
    griffin_lim_oversample: int
    data: str | None
    n_clips: int | None
    data_digest: str | None
    augment: str
    r1_every: int
    feature_matching: float

    def __post_init__(self) -> None:
        """Derive the model's full options (checking them), the loss and the augmentation policy, once."""
        from .. import losses, models

        object.__setattr__(self, "_model_options", models.resolve_config(self.model, dict(self.model_kwargs)))
        object.__setattr__(self, "_loss_spec", losses.get_loss(self.loss))
        object.__setattr__(self, "_augment_policy", parse_augment(self.augment))

    @property
    def model_options(self) -> dict[str, Any]:
        """Every option of the model as ``models.resolve_config`` returns it (for ``models.build_resolved``)."""
        return dict(self._model_options)

    @property
    def loss_spec(self):
        """The :class:`gcdg_lite.losses.LossSpec` of :attr:`loss`."""
        return self._loss_spec

    @property
    def augment_policy(self) -> tuple[str, ...]:
        """The DiffAugment changes of :attr:`augment`, in order (empty when off; ``augment.parse``)."""
        return self._augment_policy

    @property
    def samples(self) -> int:
        """Clip length in samples."""
        return int(self.model_kwargs["samples"])

    # ------------------------------------------------------------------ resume
    def with_changes(self, changes: "Mapping[str, Any] | TrainConfig | None" = None, clips: np.ndarray | None = None,
                     *, source: str | None = None, where: str = "the run") -> "RunConfig":
        """This saved run continued with ``changes``: the resolved run to train on.

        ``changes`` is a mapping of options applied over this run's values (e.g. ``{"steps": 4000}``;
        ``model_kwargs`` key by key), or a :class:`TrainConfig` taken whole. The result is resolved
        on ``clips`` (from ``source``; without clips, this run's clips are assumed) and may differ
        from this run only in :data:`RESUMABLE_FIELDS` (:meth:`check_resume`).

        Raises:
            ConfigError: an unknown or bad option, or a change of a field that defines the computation
                (naming each, with the saved value), or different clips.
        """
        options = TrainConfig.from_options(changes, base=self)
        if clips is None:
            options = dataclasses.replace(options, data_digest=self.data_digest)
        resolved = options.resolve(clips, samples=self.samples, source=source)
        resolved.check_resume(self, where)
        return resolved

    def check_resume(self, saved: "RunConfig", where: str = "the run") -> None:
        """Raise :class:`ConfigError` unless this resolved run may continue ``saved``.

        Only :data:`RESUMABLE_FIELDS` may differ; the message lists every other field that does,
        with the saved value, and says what to do.
        """
        diff = [n for n in IDENTITY_FIELDS if getattr(self, n) != getattr(saved, n)
                and not (n == "data_digest" and saved.data_digest is None)]  # format-1 runs have no digest
        if not diff:
            return
        if diff == ["data_digest"]:
            raise ConfigError(f"{where}: cannot resume on different clips than it was trained on (source "
                              f"{saved.data or 'an array'}); give the same data, or train a new run in another folder")
        saved_values = ", ".join(f"{n}={getattr(saved, n)!r}" for n in diff if n != "data_digest")
        raise ConfigError(f"{where}: cannot resume with different {', '.join(d for d in diff if d != 'data_digest')} "
                          f"(saved: {saved_values}); leave them as saved, or train a new run in another folder")

    # ------------------------------------------------------------------ JSON
    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON dict of every field, with the layout version under ``"format"``."""
        d = dataclasses.asdict(self)
        d["model_kwargs"] = dict(self.model_kwargs)
        return {"format": FORMAT, **d}

    def to_json(self, path: str | os.PathLike) -> None:
        """Write the config to ``path`` (e.g. ``RUN/config.json``) atomically: ``folder.write_atomic``
        (an exclusive temporary file beside it, then a rename; no existing file or link is written through)."""
        from .folder import write_atomic

        text = json.dumps(self.to_dict(), indent=2, sort_keys=True, allow_nan=False)
        write_atomic(os.fspath(path), lambda fh: fh.write(text), encoding="utf-8")

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], where: str = "config") -> "RunConfig":
        """The run a :meth:`to_dict` output describes, read as options and resolved; unknown keys (newer
        versions) are ignored.

        Folders written before the ``"format"`` key (format 1) stored ``"ema": null`` for "off";
        that is read as 0, and their unset fields get today's defaults. A config without ``"augment"``
        (written before augmentation and spectral normalisation existed) is read as ``augment="none"``
        and, for wavegan/specgan, ``spectral_norm=False``, whatever today's defaults.

        Raises:
            ConfigError: one line starting with ``where`` naming the first bad field (sizes included).
        """
        if not isinstance(d, Mapping):
            raise ConfigError(f"{where}: expected a JSON object of training options, found {type(d).__name__}")
        names = {f.name for f in fields(TrainConfig)}
        values = {k: v for k, v in d.items() if k in names}
        if d.get("format") is None and values.get("ema") is None:
            values["ema"] = 0.0
        if "augment" not in d:  # written before augmentation existed: such a run trained without it,
            values["augment"] = "none"  # and without spectral normalisation in D
            kwargs = values.get("model_kwargs")
            if isinstance(kwargs, Mapping) and values.get("model") in ("wavegan", "specgan"):
                values["model_kwargs"] = {"spectral_norm": False, **kwargs}
        try:
            return TrainConfig(**values).resolve()  # the model's options and sizes: checked once, there
        except (TypeError, ConfigError, RecursionError) as exc:
            text = str(exc) if not isinstance(exc, RecursionError) else "nested too deep to be a config"
            raise ConfigError(f"{where}: {text if len(text) <= 300 else text[:295] + ' ...'}") from None

    @classmethod
    def from_json(cls, path: str | os.PathLike) -> "RunConfig":
        """Read a run's ``config.json`` (format 1 or 2, see :meth:`from_dict`); one :class:`ConfigError`
        naming the file if unreadable.

        Every field is checked (sizes included), so a hand-edited file gets one line too. A file above
        :data:`MAX_CONFIG_BYTES`, or nested too deep for the JSON parser, is damaged.
        """
        try:
            with open(path, encoding="utf-8") as fh:
                text = fh.read(MAX_CONFIG_BYTES + 1)
            if len(text) > MAX_CONFIG_BYTES:
                raise ValueError(f"larger than {MAX_CONFIG_BYTES} characters; a run's config is about 1.5 kB")
            d = json.loads(text)
        except RecursionError:
            raise ConfigError(f"{path}: cannot read the run's config (nested too deep to be one); restore the "
                              f"file or train a new run") from None
        except (OSError, ValueError, MemoryError) as exc:
            raise ConfigError(f"{path}: cannot read the run's config ({exc}); restore the file or train a new run") from None
        return cls.from_dict(d, where=str(path))


def _check_fields(c: TrainConfig) -> None:
    """Types and ranges of every option (the model's options aside); raises ConfigError naming the first bad one."""
    def integer(name: str, low: int) -> None:
        check_int(name, getattr(c, name), low, LIMITS.get(name))

    def number(name: str, positive: bool) -> None:
        v = getattr(c, name)
        if isinstance(v, bool) or not isinstance(v, (int, float, np.number)) or not math.isfinite(float(v)):
            raise ConfigError(f"{name}={shown(v)} must be a finite number")
        if (positive and not v > 0) or v < 0:
            raise ConfigError(f"{name}={v!r} must be {'> 0 (e.g. 1e-4)' if positive else '>= 0 (0 turns it off)'}")

    for name, text in (("model", "a model name"), ("loss", "a loss name"), ("precision", "a precision name"),
                       ("update", "'alternating' or 'simultaneous'")):
        if not isinstance(getattr(c, name), str):
            raise ConfigError(f"{name}={shown(getattr(c, name))} must be {text}")
    if c.precision not in D.PRECISIONS:
        raise ConfigError(f"precision={shown(c.precision)}; choose one of {', '.join(D.PRECISIONS)}")
    if c.update not in D.UPDATES:
        raise ConfigError(f"update={shown(c.update)}; use 'alternating' or 'simultaneous'")
    for name in ("batch", "steps_per_call", "callback_every", "sr", "griffin_lim_iters", "r1_every",
                 "griffin_lim_oversample"):
        integer(name, 1)
    for name in ("ckpt_every", "sample_every", "n_sample_wavs", "seed"):
        integer(name, 0)
    for name, low in (("steps", 0), ("n_critic", 1), ("n_clips", 1), ("n_fft", 1), ("hop", 1)):
        if getattr(c, name) is not None:  # None: the default, filled in by resolve()
            integer(name, low)
    for name in ("lr_g", "lr_d"):
        number(name, positive=True)
    number("r1", positive=False)
    number("feature_matching", positive=False)
    for name in ("beta_1", "beta_2"):
        number(name, positive=False)
        if not getattr(c, name) < 1:
            raise ConfigError(f"{name}={getattr(c, name)!r} must be in [0, 1), e.g. 0.5")
    if c.ema is not None:
        number("ema", positive=False)
        if not c.ema < 1:
            raise ConfigError(f"ema={c.ema!r} must be a decay in [0, 1), e.g. 0.99 (0 turns it off)")
    if c.augment is not None:
        parse_augment(c.augment)  # raises ConfigError naming the bad policy
    if not isinstance(c.model_kwargs, Mapping):
        raise ConfigError(f"model_kwargs={shown(c.model_kwargs)} must be a dict, e.g. {{'d': 16}}")
    for name in ("data", "data_digest"):
        if getattr(c, name) is not None and not isinstance(getattr(c, name), str):
            raise ConfigError(f"{name}={shown(getattr(c, name))} must be a string")


def clips_digest(clips: np.ndarray) -> str:
    """A short digest (16 hex digits, BLAKE2b) of float32 clips ``(n, samples)``: same clips, same digest."""
    x = np.ascontiguousarray(np.asarray(clips, np.float32))
    h = hashlib.blake2b(digest_size=8)
    h.update(np.asarray(x.shape, np.int64).tobytes())
    h.update(x.tobytes())
    return h.hexdigest()


def resolve_precision(policy: str) -> str:
    """Turn ``"auto"`` into a concrete Keras dtype policy name for this machine.

    ``auto``: ``float32`` on GPU (mixed_float16 not yet measured faster) and on CPUs without bfloat16
    units; ``mixed_bfloat16`` on CPUs that report ``avx512_bf16`` or ``amx_bf16``, where oneDNN runs bf16
    convolutions natively (faster there than float32; emulated, and much slower, elsewhere: the timings
    are in ``bench/README.md``, Trainer throughput).

    Raises:
        ConfigError: ``mixed_float16`` without a GPU (float16 is a GPU format; use ``auto``).
    """
    import tensorflow as tf

    gpu = bool(tf.config.list_physical_devices("GPU"))
    if policy == "mixed_float16" and not gpu:
        raise ConfigError("precision='mixed_float16' needs a GPU, and none is visible; use 'auto' (float32, or "
                          "mixed_bfloat16 on a CPU with bf16 units) or 'float32'")
    if policy != "auto":
        return policy
    if gpu:
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
