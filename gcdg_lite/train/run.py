"""``fit`` trains a GAN into a run folder; :class:`Run` / ``load_run`` sample from it (chapter 4).

A run folder ``RUN/`` holds ``config.json`` (:class:`TrainConfig`), ``ckpt/`` (checkpoints),
``history.csv`` (one row per step), ``specnorm.json`` (specgan only: the spectrogram normalisation
computed on the training data) and ``samples/step_XXXXXX/*.wav`` (listening checkpoints).
"""
from __future__ import annotations

import dataclasses
import json
import math
import os
import shutil
import tempfile
import time
from typing import Callable, Iterable

import numpy as np
import tensorflow as tf

from ..errors import ConfigError, DataError, RunError
from . import checkpoint as ckpt_lib
from .config import TrainConfig
from .history import History, read_history
from .step import METRICS, Engine, latent

DEFAULT_SAMPLES = 16384


# ---------------------------------------------------------------------- data and features
def _waves(data, config: TrainConfig) -> np.ndarray:
    """Training clips as float32 ``(n, samples)``; fixes ``config.model_kwargs['samples']``."""
    samples = config.model_kwargs.get("samples")
    if isinstance(data, (str, os.PathLike)):
        from ..data import load_source

        config.data = str(data)
        samples = int(samples or DEFAULT_SAMPLES)
        waves = load_source(str(data), sr=config.sr, samples=samples, n=config.n_clips, seed=config.seed)
    else:
        waves = np.asarray(data, dtype=np.float32)
        if waves.ndim != 2 or waves.shape[0] == 0:
            raise DataError(f"training data must be a (n, samples) array of clips; got shape {waves.shape}")
        if samples and int(samples) != waves.shape[1]:
            raise ConfigError(f"model_kwargs['samples']={samples} but the clips have {waves.shape[1]} samples")
        samples = waves.shape[1]
    waves = np.asarray(waves, np.float32)
    if not np.all(np.isfinite(waves)):
        raise DataError("training data contains NaN or Inf values; clean the clips first")
    config.model_kwargs = {**config.model_kwargs, "samples": int(samples)}
    return waves


def _logmag(waves: np.ndarray, n_fft: int, hop: int, chunk: int = 64) -> np.ndarray:
    """Log-magnitude spectrograms ``(n, frames, bins)`` of ``waves`` via ``features.stft_logmag``."""
    from ..features import stft_logmag

    fn = tf.function(lambda x: stft_logmag(x, n_fft=n_fft, hop=hop))
    return np.concatenate([np.asarray(fn(tf.constant(waves[i:i + chunk]))) for i in range(0, len(waves), chunk)])


def _fit_specnorm(logmag: np.ndarray, n_fft: int, hop: int):
    """A ``features.SpecNorm`` fitted on training log-magnitudes ``(n, frames, bins)``."""
    from ..features import SpecNorm

    return SpecNorm.fit(logmag, n_fft=n_fft, hop=hop)


def _spec_examples(waves: np.ndarray, config: TrainConfig, out_dir: str, norm=None):
    """Normalised spectrogram examples ``(n, frames, bins, 1)`` and the SpecNorm (fitted + saved)."""
    n_fft, hop = config.stft(waves.shape[1])
    lm = _logmag(waves, n_fft, hop)
    if norm is None:
        norm = _fit_specnorm(lm, n_fft, hop)
    with open(os.path.join(out_dir, "specnorm.json"), "w", encoding="utf-8") as fh:
        json.dump(_jsonable(norm.to_dict()), fh)
    spec = np.asarray(norm.normalise(lm), np.float32)[..., None]
    return spec, norm


def _jsonable(obj):
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    return obj


def _load_specnorm(path: str):
    from ..features import SpecNorm

    try:
        with open(os.path.join(path, "specnorm.json"), encoding="utf-8") as fh:
            return SpecNorm.from_dict(json.load(fh))
    except OSError:
        raise RunError(f"{path}: specnorm.json is missing; this specgan run cannot turn spectrograms into audio") from None


# ---------------------------------------------------------------------- the Run
class Run:
    """A trained (or training) GAN and its folder (chapter 4; chapter 5 compares several).

    Attributes:
        path: the run folder.
        config: its :class:`TrainConfig`.
        engine: the device-side state (models, optimisers, RNG, step counter).
    """

    def __init__(self, path: str, config: TrainConfig, engine: Engine, specnorm=None, history=None):
        self.path, self.config, self.engine, self.specnorm = str(path), config, engine, specnorm
        self._history = history

    @property
    def generator(self):
        """The generator to use: the EMA copy when ``config.ema`` is set, else G (a keras.Model)."""
        return self.engine.generator

    @property
    def discriminator(self):
        """The discriminator (keras.Model), outputs logits ``(batch, 1)``."""
        return self.engine.D

    @property
    def step(self) -> int:
        """Generator updates done so far."""
        return int(self.engine.step.numpy())

    @property
    def history(self) -> list[dict]:
        """Per-step rows (see :mod:`gcdg_lite.train.history` for the columns)."""
        if self._history is None:
            return read_history(os.path.join(self.path, "history.csv"))
        return self._history.rows

    @property
    def noise_dim(self) -> int:
        return self.engine.noise_dim

    @property
    def sr(self) -> int:
        """Sample rate (Hz) of the audio this run makes."""
        return int(self.config.sr)

    def latent(self, n: int, seed: int = 0) -> np.ndarray:
        """``n`` latent vectors ``(n, noise_dim)`` float32 ~ N(0, I), fixed by ``seed`` (latent explorer)."""
        return latent(n, seed, self.noise_dim)

    def generate(self, z: np.ndarray) -> np.ndarray:
        """Audio ``(n, samples)`` float32 in [-1, 1] for latent vectors ``z`` ``(n, noise_dim)``.

        specgan: the generated normalised spectrograms are de-normalised and inverted with
        Griffin-Lim (``features.spec_to_audio``, ``config.griffin_lim_iters`` iterations).
        """
        out = self.engine.generate(np.asarray(z, np.float32))
        samples = int(self.config.model_kwargs.get("samples", DEFAULT_SAMPLES))
        if self.config.model == "specgan":
            from ..features import spec_to_audio

            n_fft, hop = self.config.stft(samples)
            lm = np.asarray(self.specnorm.denormalise(out[..., 0]), np.float32)
            audio = np.asarray(spec_to_audio(lm, n_fft=n_fft, hop=hop, n_iter=self.config.griffin_lim_iters,
                                             samples=samples), np.float32).reshape(len(lm), -1)
            audio = np.pad(audio, ((0, 0), (0, max(0, samples - audio.shape[1]))))[:, :samples]
        else:
            audio = out.reshape(len(out), -1)
        return np.clip(np.nan_to_num(audio), -1.0, 1.0).astype(np.float32)

    def spectrograms(self, z: np.ndarray) -> np.ndarray:
        """specgan only: the generator's normalised spectrograms ``(n, frames, bins)`` in [-1, 1]."""
        return self.engine.generate(np.asarray(z, np.float32))[..., 0]

    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        """``n`` generated clips ``(n, samples)`` float32 audio in [-1, 1], reproducible by ``seed``."""
        if int(n) < 1:
            raise ConfigError(f"n={n!r}: ask for at least one sample")
        return self.generate(self.latent(n, seed))

    def write_samples(self, folder: str, n: int, seed: int = 0, prefix: str = "sample") -> list[str]:
        """Write ``n`` mono 16-bit WAVs at the run's sample rate into ``folder``; returns their paths."""
        import soundfile as sf

        os.makedirs(folder, exist_ok=True)
        paths = []
        for i, clip in enumerate(self.sample(n, seed)):
            p = os.path.join(folder, f"{prefix}_{i:03d}.wav")
            sf.write(p, clip, self.sr, subtype="PCM_16")
            paths.append(p)
        return paths

    def __repr__(self) -> str:
        return f"Run({self.path!r}, model={self.config.model}, loss={self.config.loss}, step={self.step})"


def load_run(path: str | os.PathLike) -> Run:
    """Open a run folder written by :func:`fit` and restore its latest checkpoint (chapter 4).

    Raises:
        RunError: when the folder has no config or no checkpoint.
    """
    path = str(path)
    if not os.path.isfile(os.path.join(path, "config.json")):
        raise RunError(f"{path}: not a run folder (no config.json); train one with `python -m gcdg_lite train`")
    config = TrainConfig.from_json(os.path.join(path, "config.json"))
    engine = Engine(config)
    step = ckpt_lib.restore_latest(ckpt_lib.manager(engine, path), for_training=False)
    if step is None:
        raise RunError(f"{path}: no checkpoint found; the run was stopped before its first save")
    norm = _load_specnorm(path) if config.model == "specgan" else None
    return Run(path, config, engine, norm)


# ---------------------------------------------------------------------- fit
def _prepare_folder(out, config: TrainConfig, resume: "bool | str", overwrite: bool) -> tuple[str, TrainConfig | None]:
    """Create/check the run folder; returns ``(path, saved_config or None)``."""
    if resume not in (True, False, "auto"):
        raise ConfigError(f"resume={resume!r}; use True, False or 'auto'")
    if out is None:
        return tempfile.mkdtemp(prefix="gcdg_run_"), None
    out = str(out)
    if resume == "auto":
        resume = os.path.isfile(os.path.join(out, "config.json"))
    exists = os.path.isdir(out) and bool(os.listdir(out))
    if resume:
        if not os.path.isfile(os.path.join(out, "config.json")):
            raise RunError(f"{out}: nothing to resume (no config.json); drop --resume to start a new run")
        return out, TrainConfig.from_json(os.path.join(out, "config.json"))
    if exists:
        if not overwrite:
            raise RunError(f"{out}: run folder already exists; use resume=True (--resume) to continue it "
                           f"or overwrite=True (--overwrite) to replace it")
        if not os.path.isfile(os.path.join(out, "config.json")):
            raise RunError(f"{out}: refusing to overwrite a folder that is not a run folder (no config.json)")
        shutil.rmtree(out)
    if os.path.exists(out) and not os.path.isdir(out):
        raise RunError(f"{out}: exists and is not a folder")
    return out, None


def _pinned_model_kwargs(model: str, kwargs: dict) -> dict:
    """``kwargs`` completed with the model's current defaults, so that config.json records the whole
    architecture and a later change of a default cannot silently change a saved run. The clip length
    (``samples``, and ``size`` for specgan) is left out: it comes from the data."""
    from .. import models

    if str(model).strip().lower() not in models.DEFAULTS:
        return dict(kwargs)  # validate() names the unknown model
    pinned = {k: v for k, v in models.default_config(model).items() if k not in ("samples", "size")}
    return {**pinned, **dict(kwargs)}


def _nan_message(path: str, step: int, last_good: int | None, row: dict) -> str:
    bad = ", ".join(f"{k}={row[k]:.3g}" for k in METRICS if not math.isfinite(row[k]))
    kept = f"the last good checkpoint (step {last_good}) is kept" if last_good else "no checkpoint was saved"
    return (f"{path}: training diverged at step {step} ({bad}); stopped, {kept}. Try a lower learning rate "
            f"(e.g. lr_g=lr_d=1e-4), the wgan_gp loss or an R1 penalty (--r1 10), or a smaller batch")


def fit(data, config: TrainConfig | None = None, out: str | os.PathLike | None = None, resume: "bool | str" = False,
        callbacks: Iterable[Callable] = (), progress: bool = True, overwrite: bool = False,
        strategy: tf.distribute.Strategy | None = None) -> Run:
    """Train a GAN (chapter 4 trains through this; chapter 5 runs its ablations with it).

    Args:
        data: float32 numpy clips ``(n, samples)`` in [-1, 1], or a source string for
            ``data.load_source`` (``"builtin:vowels"`` or a folder of audio files); ``None`` on resume
            reuses the run's recorded source.
        config: a :class:`TrainConfig` (default ``TrainConfig()``); on resume only ``steps`` (the
            run's new total), ``ckpt_every``, ``sample_every``, ``steps_per_call`` and
            ``callback_every`` may differ from the saved config.
        out: the run folder; ``None`` = a new temporary folder.
        resume: ``True``: continue the run in ``out`` from its latest checkpoint; ``"auto"``: continue
            it when ``out`` holds a run, else start one there (what a notebook wants after a Colab
            runtime disconnects); ``False``: start a new run.
        callbacks: callables ``cb(step, row, run)`` called every ``config.callback_every`` steps with
            the latest history row (a live plot in a notebook).
        progress: show a ``tqdm.auto`` progress bar with the current losses.
        overwrite: replace an existing run folder.
        strategy: a ``tf.distribute.Strategy``; default ``MirroredStrategy`` when there are several
            GPUs, else ``tf.distribute.get_strategy()`` (one device). Models, optimisers and the
            compiled step are built inside its scope; the batch is split across replicas.

    Returns:
        the :class:`Run`.

    Raises:
        RunError: existing folder without resume/overwrite; nothing to resume; NaN/Inf loss (the last
            good checkpoint is kept and the message says what to try).
        ConfigError / DataError: bad settings or data.
    """
    config = dataclasses.replace(config or TrainConfig())
    config.model_kwargs = _pinned_model_kwargs(config.model, config.model_kwargs)
    path, saved = _prepare_folder(out, config, resume, overwrite)
    if saved is not None:
        if data is None:
            data = saved.data
        if "samples" not in config.model_kwargs and "samples" in saved.model_kwargs:
            config.model_kwargs = {**config.model_kwargs, "samples": saved.model_kwargs["samples"]}
        config.data = config.data or saved.data
        diff = saved.differences(config)
        if diff:
            raise ConfigError(f"{path}: cannot resume with different {', '.join(diff)} "
                              f"(saved: {', '.join(f'{d}={getattr(saved, d)!r}' for d in diff)})")
    if data is None:
        raise ConfigError("no training data given (pass clips or a source such as 'builtin:vowels')")
    fresh = saved is None and not os.path.isdir(path)
    try:
        run = _setup(data, config, path, saved, strategy)
    except BaseException:
        if fresh and os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)  # leave no half-made run folder behind
        raise
    _loop(run, run._mgr, run.step, list(callbacks), progress)
    return run


def _setup(data, config: TrainConfig, path: str, saved: TrainConfig | None, strategy=None) -> Run:
    """Load data and features, build the engine, restore a checkpoint on resume; returns the Run."""
    config.validate()
    waves = _waves(data, config)
    os.makedirs(path, exist_ok=True)
    norm = _load_specnorm(path) if (saved is not None and config.model == "specgan") else None
    if config.model == "specgan":
        examples, norm = _spec_examples(waves, config, path, norm)
    else:
        examples = waves
    if config.batch > len(examples) * 64:
        raise ConfigError(f"batch={config.batch} is far larger than the {len(examples)} training clips")
    engine = Engine(config, examples, strategy)
    if engine.out_shape is not None and tuple(examples.shape[1:]) != engine.out_shape:
        raise ConfigError(f"the {config.model} generator makes {engine.out_shape} but the data gives "
                          f"{tuple(examples.shape[1:])}; set model_kwargs['samples'] to the clip length")
    mgr = ckpt_lib.manager(engine, path)
    start = ckpt_lib.restore_latest(mgr) if saved is not None else None
    if saved is not None and start is None:
        raise RunError(f"{path}: no checkpoint to resume from; start again with overwrite=True (--overwrite)")
    start = start or 0
    config.to_json(os.path.join(path, "config.json"))
    history = History(os.path.join(path, "history.csv"), keep_until=start if saved is not None else None)
    run = Run(path, config, engine, norm, history)
    run._mgr = mgr
    return run


def _next_boundary(step: int, every: int) -> int:
    return (step // every + 1) * every if every > 0 else 1 << 62


def _loop(run: Run, mgr, start: int, callbacks: list, progress: bool) -> None:
    """The Python side of training: compiled chunks, history, callbacks, samples, checkpoints."""
    from tqdm.auto import tqdm

    cfg, engine, total = run.config, run.engine, run.config.steps
    step, last_saved = start, (start or None)
    bar = tqdm(total=total, initial=start, disable=not progress, desc=os.path.basename(run.path), leave=False)
    t_start = time.perf_counter()
    try:
        while step < total:
            k = min(cfg.steps_per_call, total - step)
            for every in (cfg.ckpt_every, cfg.sample_every, cfg.callback_every if callbacks else 0):
                k = min(k, _next_boundary(step, every) - step)
            t0 = time.perf_counter()
            rows = engine.train(k)
            dt = time.perf_counter() - t0
            now = time.perf_counter() - t_start
            new = [{"step": step + i + 1, **dict(zip(METRICS, map(float, r))), "steps_per_s": len(rows) / dt,
                    "time_s": now} for i, r in enumerate(rows)]
            run._history.extend(new)
            step += len(rows)
            bar.update(len(rows))
            bar.set_postfix(loss_g=f"{new[-1]['loss_g']:.3f}", loss_d=f"{new[-1]['loss_d']:.3f}",
                            refresh=False)
            if not np.all(np.isfinite(rows)):
                raise RunError(_nan_message(run.path, step, last_saved, new[-1]))
            if callbacks and step % cfg.callback_every == 0:
                for cb in callbacks:
                    cb(step, new[-1], run)
            if cfg.sample_every and step % cfg.sample_every == 0 and cfg.n_sample_wavs:
                run.write_samples(os.path.join(run.path, "samples", f"step_{step:06d}"), cfg.n_sample_wavs,
                                  seed=cfg.seed)
            if (cfg.ckpt_every and step % cfg.ckpt_every == 0) or step >= total:
                ckpt_lib.save(mgr, engine)
                last_saved = step
        if last_saved != step:
            ckpt_lib.save(mgr, engine)
    except KeyboardInterrupt:
        if int(engine.step.numpy()) == step and step != last_saved:
            ckpt_lib.save(mgr, engine)  # consistent state: resume continues from here
        raise
    finally:
        bar.close()
