"""``gcdg_lite.train`` — the one trainer used by the CLI and every notebook (chapter 4; chapter 5 ablations).

A reader can follow a run downward, never back: ``run`` (``fit``: options -> clips -> resolved run ->
engine -> loop) -> ``config`` (``TrainConfig``, the options, resolve once into ``RunConfig``, the run;
resume rules) -> ``models`` and ``losses`` (what is trained, and on what) -> ``step`` (``Engine``: the
compiled step) -> ``update`` (``alternating_step``: the GAN update itself, also run by the ring toy) ->
``checkpoint`` and ``history`` (what is written).

Public API:
    TrainConfig       the options of a run (None = the default); .resolve(clips) -> RunConfig
    RunConfig         the resolved run, frozen: what Engine builds and RUN/config.json records;
                      .from_json(path) .with_changes({...}) (resume) .check_resume(saved)
    fit(data, config, out=None, resume=False, callbacks=(), progress=True, overwrite=False) -> Run
    Run               .generator .discriminator .config .history .path .step .sample(n, seed)
                      .latent(n, seed) .generate(z) .write_samples(folder, n, seed)
                      .sample_folders() .saved_samples() .plot_history()
    load_run(path)    -> Run restored from the latest checkpoint
    examples          clips -> what the discriminator sees (waves, or spectrograms + SpecNorm)
    alternating_step  one GAN step: n_critic updates of D, then one of G (what Engine and the ring toy compile)

A chapter's runs live in a ``gcdg_lite.budgets.Workspace`` (beside the budgets it reads, which call
down into ``fit``). Names are imported on first use: ``TrainConfig`` and ``read_history`` need no
TensorFlow (the defaults they read live in :mod:`gcdg_lite.defaults`); ``fit``, ``Run``, ``load_run``,
``Engine`` and ``alternating_step`` load it.
"""
from __future__ import annotations

import importlib
from typing import Any

from .. import public as _public
from ..compat import require as _require

_require()  # an older Keras than the trainer needs is one VersionError, not a traceback inside model building

__all__ = _public(__name__)

#: public name -> (module, name there). Imported on first use, like ``gcdg_lite.data``: reading a config
#: or a history (``TrainConfig``, ``read_history``) loads no TensorFlow; ``fit``, ``Run`` or ``Engine`` do.
_HOMES: dict[str, tuple[str, str]] = {
    "TrainConfig": (".config", "TrainConfig"), "RunConfig": (".config", "RunConfig"),
    "cpu_has_bf16": (".config", "cpu_has_bf16"),
    "resolve_precision": (".config", "resolve_precision"),
    "HISTORY_COLUMNS": (".history", "COLUMNS"), "plot_history": (".history", "plot_history"),
    "read_history": (".history", "read_history"),
    "Run": (".run", "Run"), "as_clips": (".run", "as_clips"), "examples": (".run", "examples"),
    "fit": (".run", "fit"), "load_run": (".run", "load_run"),
    "alternating_step": (".update", "alternating_step"),
    "Engine": (".step", "Engine"), "choose_strategy": (".step", "choose_strategy"), "latent": (".step", "latent"),
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'gcdg_lite.train' has no attribute {name!r}")
    module, attr = _HOMES[name]
    globals()[name] = value = getattr(importlib.import_module(module, __name__), attr)
    return value


def __dir__() -> list[str]:
    return sorted(set(__all__) | {"augment", "checkpoint", "config", "folder", "history", "run", "samples", "step",
                                        "update"})
