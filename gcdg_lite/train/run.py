"""``fit`` trains a GAN into a run folder; :class:`Run` / ``load_run`` sample from it (chapter 4).

A run folder ``RUN/`` holds ``config.json`` (the resolved run, a :class:`RunConfig`), ``ckpt/``
(checkpoints), ``history.csv`` (one row per step), ``specnorm.json`` (specgan only: the spectrogram
normalisation computed on the training data) and ``samples/step_XXXXXX/*.wav`` (listening checkpoints).

``fit`` reads top to bottom: options (a :class:`TrainConfig`) -> clips -> the resolved run (a
:class:`RunConfig`; on resume the saved run with the changes given, ``RunConfig.with_changes``) -> examples
and engine -> run folder -> the training loop. Nothing in an existing folder is
touched before the new run has been set up without error.
"""
from __future__ import annotations

import json
import math
import os
import signal
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import numpy as np
import tensorflow as tf

from ..defaults import SAMPLES
from ..errors import ConfigError, DataError, RunError, TrainingInterrupted
from . import checkpoint as ckpt_lib
from . import folder
from .config import RunConfig, TrainConfig
from .history import PANELS, History, plot_history, read_history
from .samples import SAMPLES_DIR
from .step import METRICS, Engine, latent


# ---------------------------------------------------------------------- clips and examples
def as_clips(data: Any, what: str = "training data") -> np.ndarray:
    """Audio clips as float32 ``(n, samples)`` in [-1, 1], checked (``checks.as_audio``).

    Raises:
        DataError: not a non-empty 2-D float array, integer or boolean samples (convert them first,
            e.g. ``x / 32768`` for int16), values outside [-1, 1], or NaN/Inf.
    """
    from ..checks import as_audio

    return as_audio(data, what, ndim=2, peak=1.0, min_samples=1)


def load_clips(data: Any, options: "TrainConfig | RunConfig") -> tuple[np.ndarray, str | None]:
    """The training clips of ``data`` (an array, or a source string for ``data.load_source``) and its source.

    A source is read with the options' ``sr``, ``n_clips``, ``seed`` and clip length (``model_kwargs``).
    """
    if isinstance(data, (str, os.PathLike)):
        from ..data import load_source

        samples = int(options.model_kwargs.get("samples") or SAMPLES)
        clips = load_source(str(data), sr=options.sr, samples=samples, n=options.n_clips, seed=options.seed)
        return as_clips(clips), str(data)
    if options.n_clips is not None:
        raise ConfigError("n_clips applies to a data source string; with an array, pass the clips you want")
    return as_clips(data), None


def examples(clips: np.ndarray, config: RunConfig, norm=None) -> tuple[np.ndarray, Any]:
    """What the discriminator of ``config.model`` sees: ``features.examples`` for its domain.

    Returns:
        ``(examples, specnorm)``: waves and ``None``, or normalised spectrograms ``(n, H, W, 1)`` and the
        :class:`gcdg_lite.features.SpecNorm` (fitted on ``clips`` unless ``norm`` is given).
    """
    from .. import features, models

    return features.examples(clips, models.domain(config.model, config.model_kwargs), norm=norm)


def _write_json(path: str, obj: dict) -> None:
    """Write ``obj`` as JSON to ``path`` whole or not at all (``folder.write_atomic``)."""
    folder.write_atomic(path, lambda fh: json.dump(obj, fh, allow_nan=False), encoding="utf-8")


def _load_specnorm(path: str):
    from ..features import SpecNorm

    file = folder.inside(path, "specnorm.json")
    try:
        with open(file, encoding="utf-8") as fh:
            norm = SpecNorm.from_dict(json.load(fh))
    except FileNotFoundError:
        raise RunError(f"{file} is missing; this specgan run cannot turn spectrograms into audio "
                       "(train it again)") from None
    except RecursionError:
        raise RunError(f"{file} is damaged (nested too deep to be a SpecGAN normalisation); train the run "
                       "again") from None
    except (OSError, ValueError, ConfigError) as exc:  # SpecNorm.from_dict checks lengths, finiteness, std > 0
        raise RunError(f"{file} is damaged ({exc}); train the run again") from None
    return norm


# ---------------------------------------------------------------------- the Run
class Run:
    """A trained (or training) GAN and its folder.

    Attributes:
        path: the run folder.
        config: its resolved :class:`RunConfig`.
        engine: the device-side state (models, optimisers, RNG, step counter).
        specnorm: specgan's spectrogram normalisation (``None`` for wave models).
    """

    def __init__(self, path: str, config: RunConfig, engine: Engine, specnorm=None, history=None, *,
                 manager: "tf.train.CheckpointManager | None" = None, lock: str | None = None):
        """``manager`` and ``lock`` are given by :func:`fit` to a run it trains: the checkpoint manager of
        ``path/ckpt`` and the lock file it holds (released by :meth:`_release` when training ends)."""
        self.path, self.config, self.engine, self.specnorm = str(path), config, engine, specnorm
        self._history, self._mgr, self._lock = history, manager, lock

    @property
    def generator(self):
        """The generator to use: the EMA copy when ``config.ema`` is on, else G (a keras.Model)."""
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
            return read_history(folder.inside(self.path, "history.csv"), repair=True)
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
        Griffin-Lim (``features.spec_to_audio``, ``config.griffin_lim_iters`` iterations on frames
        oversampled ``config.griffin_lim_oversample`` times). phasegan: G makes the wave itself (with
        ``critic="image"``, its codes are decoded by :func:`gcdg_lite.phase.decode`).

        Raises:
            RunError: the generator's output is not finite (a diverged run).
        """
        out = self.engine.generate(np.asarray(z, np.float32))
        if not np.all(np.isfinite(out)):
            raise RunError(f"{self.path}: the generator's output is not finite; the run diverged "
                           "(train it again with a lower learning rate)")
        samples = int(self.config.samples)
        if self.config.model == "specgan":
            from ..features import spec_to_audio

            lm = np.asarray(self.specnorm.denormalise(out[..., 0]), np.float32)
            audio = np.asarray(spec_to_audio(lm, n_fft=self.config.n_fft, hop=self.config.hop,
                                             n_iter=self.config.griffin_lim_iters, samples=samples,
                                             oversample=self.config.griffin_lim_oversample),
                               np.float32).reshape(len(lm), -1)
        elif out.ndim == 4:  # phasegan with critic="image": log-magnitude and IF codes -> waves
            from ..phase import decode, phase_geometry

            audio = np.concatenate([decode(out[i:i + 64], phase_geometry(samples)).numpy()
                                    for i in range(0, len(out), 64)])
        else:
            audio = out.reshape(len(out), -1)
        return np.clip(audio, -1.0, 1.0).astype(np.float32)

    def spectrograms(self, z: np.ndarray) -> np.ndarray:
        """specgan only: the generator's normalised spectrograms ``(n, frames, bins)`` in [-1, 1]."""
        return self.engine.generate(np.asarray(z, np.float32))[..., 0]

    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        """``n`` generated clips ``(n, samples)`` float32 audio in [-1, 1], reproducible by ``seed``.

        Generated ``samples.BATCH`` clips at a time from latents drawn at once, so clip ``i`` is the
        one :meth:`write_samples` writes for the same ``seed`` (``samples.generate``).
        """
        from . import samples

        return samples.generate(self, n, seed)

    def write_samples(self, folder: "str | os.PathLike | None", n: int, seed: int = 0, prefix: str = "sample",
                      overwrite: bool = False, step: int | None = None) -> list[str]:
        """Write ``n`` mono 16-bit WAVs at the run's sample rate into ``folder``; returns their paths.

        Clips are generated and written ``samples.BATCH`` at a time (memory bounded for any ``n``).
        ``folder`` gets a manifest (``.gcdg-samples.json``) listing the files written; ``overwrite``
        replaces only files a previous call listed there, and only once every new clip is written
        (``samples.write_set``). With ``step`` (and no ``folder``): the trainer's listening checkpoint
        ``RUN/samples/step_XXXXXX/``, written whole and swapped in; a link there is replaced by a real
        folder, its target untouched (``samples.write_step``).

        Raises:
            ConfigError: ``folder`` holds WAVs no manifest lists, or earlier samples while ``overwrite``
                is off (nothing is written), or it is a file.
            RunError: another process writes there, or the files cannot be written (the old set is kept).
        """
        from . import samples

        if step is not None and folder is None:
            return samples.write_step(self, step, n, seed=seed, prefix=prefix)
        if folder is None:
            raise ConfigError("write_samples needs a folder for the WAVs")
        return samples.write_set(self, folder, n, seed=seed, prefix=prefix, overwrite=overwrite)

    def sample_folders(self) -> list[tuple[int, Path]]:
        """``(step, folder)`` of every listening checkpoint the trainer wrote, oldest first (links skipped). Chapter 4."""
        from . import samples

        return samples.step_folders(self.path)

    def saved_samples(self, index: int = 0) -> list[tuple[int, np.ndarray]]:
        """``(step, clip)``: the ``index``-th WAV of each listening checkpoint, oldest first. Chapter 4."""
        from ..audio import read_wav
        from . import samples

        out = []
        for step, folder in self.sample_folders():
            wavs = samples.wavs(folder)
            if len(wavs) > index:
                out.append((step, read_wav(wavs[index])[0]))
        return out

    def plot_history(self, panels=PANELS, title: str | None = None, **kwargs):
        """:func:`gcdg_lite.train.history.plot_history` of this run (title: the model and loss). Chapter 4."""
        return plot_history(self.history, panels, title or f"{self.config.model}, loss={self.config.loss!r}", **kwargs)

    def _release(self) -> None:
        """Give up the run's lock (training ended); a no-op for a run that holds none."""
        folder.release(self._lock)
        self._lock = None

    def __repr__(self) -> str:
        return f"Run({self.path!r}, model={self.config.model}, loss={self.config.loss}, step={self.step})"


def load_run(path: str | os.PathLike) -> Run:
    """Open a run folder written by :func:`fit` and restore its latest checkpoint.

    Raises:
        RunError: the folder has no config or no checkpoint, or its files are damaged.
    """
    path = str(path)
    cfg_path = folder.inside(path, "config.json")
    if not os.path.isfile(cfg_path):
        raise RunError(f"{path}: not a run folder (no config.json); train one with `python -m gcdg_lite train`")
    config = RunConfig.from_json(cfg_path)
    engine = Engine(config)
    step = ckpt_lib.restore_latest(ckpt_lib.manager(engine, path), engine)
    if step is None:
        raise RunError(f"{path}: {ckpt_lib.missing(path)}; train it again")
    norm = _load_specnorm(path) if config.model == "specgan" else None
    return Run(path, config, engine, norm)


# ---------------------------------------------------------------------- fit
def fit(data, config: "TrainConfig | Mapping[str, Any] | None" = None, out: str | os.PathLike | None = None,
        resume: "bool | str" = False, callbacks: Iterable[Callable] = (), progress: bool = True,
        overwrite: bool = False, strategy: tf.distribute.Strategy | None = None) -> Run:
    """Train a GAN.

    Notebook: 02_core_concepts.ipynb.

    Args:
        data: float32 clips ``(n, samples)`` in [-1, 1], or a source string for ``data.load_source``
            (``"builtin:vowels"`` or a folder of audio files); ``None`` on resume reuses the run's source.
        config: a :class:`TrainConfig` (default ``TrainConfig()``), or a dict of options. On resume
            the saved run takes them as changes (``RunConfig.with_changes``): a dict's options are
            applied to the SAVED run, a TrainConfig is taken whole, ``None`` continues it as saved;
            either way only the resumable fields (steps, ckpt_every, ...) may differ from the saved run.
        out: the run folder; ``None`` = a new temporary folder. Normalised first (``run/`` is ``run``);
            refused when it holds a glob character, is the current folder, is a symbolic link, or lies
            inside the data folder it trains on.
        resume: ``True``: continue the run in ``out`` from its latest checkpoint; ``"auto"``: continue
            it when ``out`` holds a run, else start one there (what a notebook wants after a Colab
            runtime disconnects); ``False``: start a new run.
        callbacks: an iterable of callables ``cb(step, row, run)`` called every ``config.callback_every``
            steps with the latest history row (a live plot in a notebook).
        progress: show a ``tqdm.auto`` progress bar with the current losses.
        overwrite: replace an existing run folder (only once the new run has been set up).
        strategy: a ``tf.distribute.Strategy``; default ``MirroredStrategy`` when there are several
            GPUs, else the one-device strategy (``step.choose_strategy``).

    Returns:
        the :class:`Run`.

    Raises:
        RunError: existing folder without resume/overwrite; nothing to resume; NaN/Inf loss (the last
            good checkpoint is kept and the message says what to try); an interrupt (Ctrl-C, SIGTERM:
            the last completed step is saved first).
        ConfigError / DataError: bad settings or data. Bad arguments (``callbacks``, ``strategy``, ``out``)
            are refused before anything is created on disk.
    """
    callbacks, strategy = _check_arguments(callbacks, strategy, progress, overwrite)
    path, saved = _open_folder(out, resume, overwrite)
    options = TrainConfig.from_options(config, base=saved)  # checked here, before any data is read
    if saved is not None and data is None:
        data = saved.data
    if data is None:
        raise ConfigError("no training data given (pass clips or a source such as 'builtin:vowels')")
    _check_outside_data(path, data)
    clips, source = load_clips(data, options)
    if saved is None:
        resolved = options.resolve(clips, source=source)
    else:
        resolved = saved.with_changes(options, clips, source=source, where=path)
    run = _setup(clips, resolved, path, saved is not None, overwrite, strategy)
    _loop(run, callbacks, progress)
    return run


def _check_arguments(callbacks, strategy, progress, overwrite) -> tuple[list[Callable], Any]:
    """``fit``'s Python-side arguments, checked before anything is created: ``(callbacks as a list, strategy)``.

    Raises:
        ConfigError: ``callbacks`` is not an iterable of callables, ``strategy`` is not ``None`` or a
            ``tf.distribute.Strategy``, or ``progress`` / ``overwrite`` is not a bool.
    """
    try:
        found = list(callbacks) if not isinstance(callbacks, (str, bytes)) else None
    except TypeError:
        found = None
    if found is None or not all(callable(cb) for cb in found):
        raise ConfigError(f"callbacks={callbacks!r} must be a list of functions cb(step, row, run), e.g. "
                          "callbacks=[live.update]")
    if strategy is not None and not isinstance(strategy, tf.distribute.Strategy):
        raise ConfigError(f"strategy={strategy!r} must be None or a tf.distribute.Strategy, e.g. "
                          "tf.distribute.OneDeviceStrategy('/cpu:0')")
    for name, value in (("progress", progress), ("overwrite", overwrite)):
        if not isinstance(value, (bool, np.bool_)):
            raise ConfigError(f"{name}={value!r} must be True or False")
    return found, strategy


def _check_outside_data(path: str, data: Any) -> None:
    """Refuse a run folder inside the data folder it trains on (its samples would become training data).

    Raises:
        RunError: ``path`` is ``data`` or lies below it (real paths compared, links resolved).
    """
    if not isinstance(data, (str, os.PathLike)) or not os.path.isdir(data):
        return
    run, top = os.path.realpath(path), os.path.realpath(data)
    if run == top or run.startswith(top.rstrip(os.sep) + os.sep):
        raise RunError(f"{path}: the run folder is inside its data folder {os.fspath(data)}, whose files would "
                       "then include the run's own samples; keep runs outside the data (e.g. --out runs/NAME), "
                       "moving this one out first if it exists")


def _open_folder(out, resume: "bool | str", overwrite: bool) -> tuple[str, RunConfig | None]:
    """The run folder's normalised path and, on resume, its saved run. Changes nothing on disk.

    Raises:
        ConfigError: ``out`` is not a path, or holds a glob character (``folder.run_path``).
        RunError: ``out`` is the current folder, a link, a file, or an existing folder that may not be
            used as asked (nothing to resume, a run without --overwrite, not a run folder).
    """
    if resume not in (True, False, "auto"):
        raise ConfigError(f"resume={resume!r}; use True, False or 'auto'")
    if out is None:
        if resume is True:
            raise ConfigError("resume=True needs out= (the run folder to continue)")
        return tempfile.mkdtemp(prefix="gcdg_run_"), None
    out = folder.run_path(out)
    if os.path.islink(out):
        raise RunError(f"{out}: is a symbolic link; a run folder is never used through a link (give its real "
                       f"path, {os.path.realpath(out)})")
    if os.path.lexists(out) and not os.path.isdir(out):
        raise RunError(f"{out}: exists and is not a folder; choose another run folder")
    cfg_path = folder.inside(out, "config.json") if os.path.isdir(out) else os.path.join(out, "config.json")
    if resume == "auto":
        resume = os.path.isfile(cfg_path)
    if resume:
        if not os.path.isfile(cfg_path):
            raise RunError(f"{out}: nothing to resume (no config.json); drop --resume to start a new run")
        return out, RunConfig.from_json(cfg_path)
    if os.path.isdir(out) and os.listdir(out):
        if not overwrite:
            raise RunError(f"{out}: run folder already exists; use resume=True (--resume) to continue it "
                           f"or overwrite=True (--overwrite) to replace it")
        if not os.path.isfile(cfg_path):
            raise RunError(f"{out}: refusing to overwrite a folder that is not a run folder (no config.json); "
                           "remove it yourself or choose another folder")
    return out, None


#: the files and folders of a run; none of them may be a symbolic link
RUN_FILES = ("config.json", "history.csv", "specnorm.json", "ckpt", SAMPLES_DIR)


def _setup(clips: np.ndarray, config: RunConfig, path: str, resuming: bool, overwrite: bool, strategy) -> Run:
    """Examples, engine and run folder for a resolved run; restores the checkpoint on resume.

    An existing run that ``overwrite`` replaces is set aside (renamed, nothing deleted) and removed only
    once the new run is set up; on any error the new folder is removed and the old run put back.
    """
    if resuming:
        for name in RUN_FILES:
            folder.inside(path, name)  # a link in the run is refused before anything is read through it
    norm = _load_specnorm(path) if resuming and config.model == "specgan" else None
    x, norm = examples(clips, config, norm)
    if config.batch > len(x) * 64:
        raise ConfigError(f"batch={config.batch} is far larger than the {len(x)} training clips; use a batch "
                          f"of at most {len(x)}")
    engine = Engine(config, x, strategy)
    replace = not resuming and overwrite and os.path.isdir(path) and bool(os.listdir(path))
    try:
        with folder.claim(path, resuming, replace) as lock:
            return _open_run(engine, config, path, resuming, norm, lock)
    except OSError as exc:
        raise RunError(f"{path}: cannot write the run folder ({exc.strerror or exc}); choose a writable "
                       "folder with free space") from None


def _open_run(engine: Engine, config: RunConfig, path: str, resuming: bool, norm, lock: str) -> Run:
    """Checkpoint manager, history, config.json and specnorm.json of a locked run folder; the :class:`Run`."""
    mgr = ckpt_lib.manager(engine, path)
    start = ckpt_lib.restore_latest(mgr, engine) if resuming else 0
    if start is None:
        raise RunError(f"{path}: {ckpt_lib.missing(path)}; start again with overwrite=True (--overwrite)")
    history = History(folder.inside(path, "history.csv"), keep_until=start if resuming else None)
    config.to_json(folder.inside(path, "config.json"))
    if norm is not None:
        _write_json(folder.inside(path, "specnorm.json"), norm.to_dict())
    return Run(path, config, engine, norm, history, manager=mgr, lock=lock)


class _Interrupts:
    """While training: Ctrl-C (SIGINT) and SIGTERM set a flag instead of raising inside a compiled call."""

    def __init__(self):
        self.signal: int | None = None
        self._old: dict[int, Any] = {}

    def __enter__(self):
        import threading

        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._old[sig] = signal.signal(sig, self._handle)
        return self

    def _handle(self, signum, _frame):
        if self.signal is not None:  # a second Ctrl-C: stop at once
            raise KeyboardInterrupt
        self.signal = signum

    def __exit__(self, *exc):
        for sig, handler in self._old.items():
            signal.signal(sig, handler)
        return False


def _next_boundary(step: int, every: int) -> int:
    return (step // every + 1) * every if every > 0 else 1 << 62


def _nan_message(path: str, step: int, last_good: int | None, row: dict, loss: str) -> str:
    bad = ", ".join(f"{k}={row[k]:.3g}" for k in METRICS if not math.isfinite(row[k]))
    kept = f"the last good checkpoint (step {last_good}) is kept" if last_good else "no checkpoint was saved"
    other = "an R1 penalty (--r1 10)" if loss == "wgan_gp" else "the wgan_gp loss or an R1 penalty (--r1 10)"
    return (f"{path}: training diverged at step {step} ({bad}); stopped, {kept}. Try a lower learning rate "
            f"(e.g. lr_g=lr_d=1e-4), {other}, or a smaller batch")


def _loop(run: Run, callbacks: list, progress: bool) -> None:
    """The Python side of training: compiled chunks, history, callbacks, samples, checkpoints."""
    from tqdm.auto import tqdm

    cfg, engine, mgr = run.config, run.engine, run._mgr
    step = start = run.step
    last_saved = start or None
    bar = tqdm(total=cfg.steps, initial=start, disable=not progress, desc=os.path.basename(run.path), leave=False)
    t_start = time.perf_counter()
    try:
        with _Interrupts() as interrupts:
            while step < cfg.steps and interrupts.signal is None:
                k = min(cfg.steps_per_call, cfg.steps - step)
                for every in (cfg.ckpt_every, cfg.sample_every, cfg.callback_every if callbacks else 0):
                    k = min(k, _next_boundary(step, every) - step)
                t0 = time.perf_counter()
                rows = engine.train(k)
                dt, now = time.perf_counter() - t0, time.perf_counter() - t_start
                new = [{"step": step + i + 1, **dict(zip(METRICS, map(float, r))), "steps_per_s": len(rows) / dt,
                        "time_s": now} for i, r in enumerate(rows)]
                run._history.extend(new)
                step += len(rows)
                bar.update(len(rows))
                bar.set_postfix(loss_g=f"{new[-1]['loss_g']:.3f}", loss_d=f"{new[-1]['loss_d']:.3f}", refresh=False)
                if not np.all(np.isfinite(rows)):
                    raise RunError(_nan_message(run.path, step, last_saved, new[-1], cfg.loss))
                if callbacks and step % cfg.callback_every == 0:
                    for cb in callbacks:
                        cb(step, new[-1], run)
                if cfg.sample_every and step % cfg.sample_every == 0 and cfg.n_sample_wavs:
                    run.write_samples(None, cfg.n_sample_wavs, seed=cfg.seed, step=step)
                if (cfg.ckpt_every and step % cfg.ckpt_every == 0) or step >= cfg.steps:
                    ckpt_lib.save(mgr, engine)
                    last_saved = step
            if last_saved != step:
                ckpt_lib.save(mgr, engine)
                last_saved = step
        if interrupts.signal is not None:
            name = "Ctrl-C" if interrupts.signal == signal.SIGINT else signal.Signals(interrupts.signal).name
            raise TrainingInterrupted(f"{run.path}: stopped by {name} at step {step}, which is saved; continue "
                                      "with --resume (resume=True)")
    except OSError as exc:  # history or sample WAVs could not be written (a full disk, a vanished folder)
        kept = f"the last checkpoint (step {last_saved}) is kept" if last_saved else "no checkpoint was saved"
        raise RunError(f"{run.path}: cannot write to the run folder at step {step} ({exc.strerror or exc}); "
                       f"{kept}; free space and resume with --resume") from None
    finally:
        bar.close()
        run._release()
