"""``gcdg_lite.train`` — the one trainer used by the CLI and every notebook (chapter 4; chapter 5 ablations).

A reader can follow a run downward, never back: ``run`` (``fit``: options -> clips -> resolved config ->
engine -> loop) -> ``config`` (``TrainConfig``: options, resolution, resume rules) -> ``models`` and
``losses`` (what is trained, and on what) -> ``step`` (``Engine``: the compiled step) ->
``checkpoint`` and ``history`` (what is written).

Public API:
    TrainConfig       every setting of a run (resolved and saved as RUN/config.json)
    fit(data, config, out=None, resume=False, callbacks=(), progress=True, overwrite=False) -> Run
    Run               .generator .discriminator .config .history .path .step .sample(n, seed)
                      .latent(n, seed) .generate(z) .write_samples(folder, n, seed)
                      .sample_folders() .saved_samples() .plot_history()
    load_run(path)    -> Run restored from the latest checkpoint
    Workspace         a chapter's run folder: Workspace("ch4").fit(name, clips, **options)
    examples          clips -> what the discriminator sees (waves, or spectrograms + SpecNorm)
"""
from ..errors import RunError, TrainingInterrupted
from .config import TrainConfig, cpu_has_bf16, resolve_precision
from .history import COLUMNS as HISTORY_COLUMNS
from .history import plot_history, read_history
from .run import Run, Workspace, as_clips, examples, fit, load_run
from .step import Engine, choose_strategy, latent

__all__ = ["TrainConfig", "fit", "Run", "load_run", "Workspace", "examples", "as_clips", "RunError",
           "TrainingInterrupted", "Engine", "choose_strategy", "latent", "read_history", "plot_history",
           "HISTORY_COLUMNS", "resolve_precision", "cpu_has_bf16"]
