"""``gcdg_lite.train`` — the one trainer used by the CLI and every notebook (chapter 4; chapter 5 ablations).

Public API:
    TrainConfig       every setting of a run (saved as RUN/config.json)
    fit(data, config, out=None, resume=False, callbacks=(), progress=True, overwrite=False) -> Run
    Run               .generator .discriminator .config .history .path .step .sample(n, seed)
                      .latent(n, seed) .generate(z) .write_samples(folder, n, seed)
    load_run(path)    -> Run restored from the latest checkpoint
    RunError          raised for run-folder problems and diverged (NaN/Inf) training

Modules: ``config`` (TrainConfig, precision policy), ``step`` (Engine: models, optimisers, compiled
multi-step loop), ``checkpoint`` (CheckpointManager), ``history`` (history.csv), ``run`` (fit, Run).
"""
from ..errors import RunError
from .config import TrainConfig, cpu_has_bf16, resolve_precision
from .history import COLUMNS as HISTORY_COLUMNS
from .history import read_history
from .run import Run, fit, load_run
from .step import Engine, latent

__all__ = ["TrainConfig", "fit", "Run", "load_run", "RunError", "Engine", "latent", "read_history",
           "HISTORY_COLUMNS", "resolve_precision", "cpu_has_bf16"]
