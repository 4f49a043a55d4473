"""``gcdg_lite.train`` — the one trainer used by the CLI and every notebook (chapter 4; chapter 5 ablations).

A reader can follow a run downward, never back: ``run`` (``fit``: options -> clips -> resolved config ->
engine -> loop) -> ``config`` (``TrainConfig``: options, resolution, resume rules) -> ``models`` and
``losses`` (what is trained, and on what) -> ``step`` (``Engine``: the compiled step) -> ``update``
(``alternating_step``: the GAN update itself, also run by the ring toy) -> ``checkpoint`` and ``history``
(what is written).

Public API:
    TrainConfig       every setting of a run (resolved and saved as RUN/config.json)
    fit(data, config, out=None, resume=False, callbacks=(), progress=True, overwrite=False) -> Run
    Run               .generator .discriminator .config .history .path .step .sample(n, seed)
                      .latent(n, seed) .generate(z) .write_samples(folder, n, seed)
                      .sample_folders() .saved_samples() .plot_history()
    load_run(path)    -> Run restored from the latest checkpoint
    Workspace         a chapter's run folder: Workspace("ch4").fit(name, clips, **options)
    examples          clips -> what the discriminator sees (waves, or spectrograms + SpecNorm)
    alternating_step  one GAN step: n_critic updates of D, then one of G (what Engine and the ring toy compile)
"""
from .. import public as _public
from ..compat import require as _require

_require()  # an older Keras than the trainer needs is one VersionError, not a traceback inside model building

from .config import TrainConfig, cpu_has_bf16, resolve_precision  # noqa: E402
from .history import COLUMNS as HISTORY_COLUMNS  # noqa: E402
from .history import plot_history, read_history  # noqa: E402
from ..budgets import Workspace  # noqa: E402  (a chapter's runs: lives beside the budgets it reads)
from .run import Run, as_clips, examples, fit, load_run  # noqa: E402
from .step import Engine, choose_strategy, latent  # noqa: E402
from .update import alternating_step  # noqa: E402

__all__ = _public(__name__)


