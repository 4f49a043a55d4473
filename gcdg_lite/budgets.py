"""One switch for how much work a notebook does: ``GCDG_BUDGET=ci|book|full``.

* ``ci``   — seconds per notebook; what the test suite (nbval) runs.
* ``book`` — the default; minutes on a 2-core CPU; what the rendered book shows (chapter 4's SpecGAN
  trains the command line's default recipe for its ``gan_steps``; the shorter runs only start to learn).
* ``full`` — a Colab GPU; ten times the book's steps and wider models, meant for learned samples
  (not yet measured: no GPU was available when the budgets were set).

Chapters read every size from :func:`budget` instead of hard-coding numbers, so one
notebook serves all three settings. Introduced in chapter 1.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, replace

from . import defaults
from . import public as _public
from .errors import ConfigError

__all__ = _public(__name__)


ENV_VAR = "GCDG_BUDGET"


@dataclass(frozen=True)
class Budget:
    """Sizes that scale with the budget.

    Attributes:
        name: ``"ci"``, ``"book"`` or ``"full"``.
        steps: training steps of a chapter's main run (generator updates).
        small_steps: training steps of the many small runs of an ablation or comparison.
        gan_steps: training steps of the code example's SpecGAN run (04_code_example.ipynb) on one-second
            clips; at ``book`` the command line's default (``gcdg_lite.defaults.STEPS``; the recipe that
            ``bench/quality.py`` measures on speech, ``bench/README.md``, Quality).
        phase_steps: training steps of the code example's PhaseGAN run (the phase-aware model, on the same clips
            as that SpecGAN run); at ``book`` the command line's default for ``phasegan``.
        gan_width: width multiplier ``d`` of that SpecGAN run (and of the PhaseGAN run); at ``book`` the command line's default
            (``gcdg_lite.defaults.MODEL_CONFIGS``).
        batch: clips per training batch; at ``book`` the command line's default (``gcdg_lite.defaults.BATCH``).
        n_clips: clips of training data per texture.
        n_eval: clips per set when a chapter computes metrics.
        width: model width multiplier ``d`` for ``wavegan``/``specgan``.
    """

    name: str
    steps: int
    small_steps: int
    gan_steps: int
    phase_steps: int
    gan_width: int
    batch: int
    n_clips: int
    n_eval: int
    width: int


BUDGETS: dict[str, Budget] = {
    "ci": Budget("ci", steps=12, small_steps=6, gan_steps=6, phase_steps=4, gan_width=4, batch=8, n_clips=32, n_eval=24, width=4),
    # book: chapter 4's SpecGAN is the command line's default run
    "book": Budget("book", steps=600, small_steps=200, gan_steps=defaults.STEPS["specgan"],
                   phase_steps=defaults.STEPS["phasegan"],
                   gan_width=defaults.MODEL_CONFIGS["specgan"]["d"], batch=defaults.BATCH,
                   n_clips=defaults.BUILTIN_CLIPS, n_eval=128, width=16),
    "full": Budget("full", steps=6000, small_steps=1500, gan_steps=10000, phase_steps=6000, gan_width=32, batch=64, n_clips=1024, n_eval=256,
                   width=32),
}


def budget(name: str | None = None, **overrides: int) -> Budget:
    """Return the :class:`Budget` named by ``name`` or by ``$GCDG_BUDGET`` (default ``"book"``).

    Notebook: 01_background.ipynb.

    Args:
        name: ``"ci"``, ``"book"`` or ``"full"``; ``None`` reads the environment variable.
        **overrides: fields to replace, e.g. ``budget(steps=50)``.

    Raises:
        ConfigError: when the name is not one of the three budgets.
    """
    key = (name or os.environ.get(ENV_VAR) or "book").strip().lower()
    if key not in BUDGETS:
        raise ConfigError(
            f"{ENV_VAR}={key!r} is not a budget; use one of {', '.join(BUDGETS)} "
            f"(e.g. export {ENV_VAR}=book)"
        )
    return replace(BUDGETS[key], **overrides) if overrides else BUDGETS[key]


# ---------------------------------------------------------------------- a chapter's runs
_current_budget = budget  # Workspace's argument is also called ``budget``


class Workspace:
    """Where a chapter's runs live, and a one-line way to train into it.

    Notebook: 03_algorithm_and_maths.ipynb.

    Under the ``ci`` budget the folder is a fresh temporary one (a test really trains); under ``book``
    and ``full`` it is ``runs/<budget>/`` beside the notebook, so running the chapter again, or
    reconnecting a Colab session, restores each run's latest checkpoint instead of starting over
    (delete the folder to retrain). Chapters reach it as ``gl.budgets.Workspace``; it lives here, beside
    the budgets it reads, so that the trainer does not depend on the notebooks' budgets.

    Args:
        name: a short name of the chapter (``"ch4"``), used in the temporary folder's name.
        budget: a :class:`Budget`; default :func:`budget`.
        root: the parent folder for ``book``/``full`` runs (default ``runs``).
    """

    def __init__(self, name: str, budget: Budget | None = None, root: "str | os.PathLike" = "runs"):
        import tempfile
        from pathlib import Path

        self.budget = budget or _current_budget()
        if self.budget.name == "ci":
            self.path = Path(tempfile.mkdtemp(prefix=f"gcdg_{name}_"))
        else:
            self.path = Path(root) / self.budget.name

    def fit(self, name: str, clips, **options):
        """Train (or restore) run ``name`` on ``clips``: ``TrainConfig(batch=budget.batch, seed=0, **options)``.

        Uses ``resume="auto"`` and no progress bar; pass ``callbacks=[...]`` for a live view. Returns the
        :class:`gcdg_lite.train.Run`.
        """
        from .train import TrainConfig, fit

        callbacks = options.pop("callbacks", ())
        options = {"batch": self.budget.batch, "seed": defaults.SEED, **options}
        return fit(clips, TrainConfig.from_options(options), out=self.path / name, resume="auto", progress=False,
                   callbacks=callbacks)

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r}, budget={self.budget.name!r})"
