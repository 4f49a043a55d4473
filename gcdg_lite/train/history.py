"""Per-step training history: kept in memory and in ``RUN/history.csv``, and plotted (chapter 4; chapter 5).

Columns: ``step`` (1-based generator update), ``loss_g``, ``loss_d`` (D loss including penalties),
``penalty`` (GP/R1 part of loss_d), ``d_real`` / ``d_fake`` (mean sigmoid(D(x)) / sigmoid(D(G(z)))),
``d_real_raw`` / ``d_fake_raw`` (mean raw logits: the critic scores for wgan_gp/hinge),
``grad_norm_g`` / ``grad_norm_d`` (global L2 norms of the last update's gradients), ``steps_per_s``
(throughput of the compiled call the step ran in) and ``time_s`` (seconds since this fit started).
"""
from __future__ import annotations

import csv
import math
import os
from typing import Any, Sequence

from ..errors import RunError
from .folder import write_atomic

#: per-step metrics the compiled step returns, in this order (``gcdg_lite.train.step`` reads them from
#: here, so reading a history needs no TensorFlow)
METRICS = ("loss_g", "loss_d", "penalty", "d_real", "d_fake", "d_real_raw", "d_fake_raw",
           "grad_norm_g", "grad_norm_d")
#: the columns of ``history.csv``
COLUMNS = ("step",) + METRICS + ("steps_per_s", "time_s")


def read_history(path: str | os.PathLike, repair: bool = False) -> list[dict]:
    """Rows of a ``history.csv`` as dicts (``step`` as int, the rest as float); ``[]`` if absent.

    Args:
        path: the CSV file.
        repair: drop an unreadable LAST row (a save interrupted by a kill or a full disk) instead of
            failing; an unreadable row elsewhere is always an error.

    Raises:
        RunError: the file cannot be read, or a row is not numbers (names the file and the line).
    """
    if not os.path.exists(path):
        return []
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            lines = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RunError(f"{path}: cannot read the training history ({exc}); delete it to start a new one") from None
    rows = []
    for i, r in enumerate(lines):
        try:
            row = {k: (int(float(r[k])) if k == "step" else float(r[k])) for k in COLUMNS}
        except (KeyError, TypeError, ValueError):
            if repair and i == len(lines) - 1:
                break
            raise RunError(f"{path}: line {i + 2} is not a history row; the file is damaged "
                           "(delete it, or restore it from a backup)") from None
        rows.append(row)
    return rows


class History:
    """Append-only CSV of step rows; on resume, rows after the restored step are dropped first.

    Args:
        path: the CSV file (``RUN/history.csv``).
        keep_until: on resume, the checkpoint's step; rows with a larger step are discarded (and a
            half-written last row is repaired) so the file matches the resumed state exactly.
            ``None`` = start a fresh file.
    """

    def __init__(self, path: str | os.PathLike, keep_until: int | None = None):
        self.path = str(path)
        self.rows: list[dict] = []
        if keep_until is not None:
            self.rows = [r for r in read_history(self.path, repair=True) if r["step"] <= keep_until]

        def write(fh) -> None:
            w = csv.DictWriter(fh, fieldnames=COLUMNS)
            w.writeheader()
            w.writerows(self.rows)

        write_atomic(self.path, write, newline="", encoding="utf-8")

    def extend(self, rows: list[dict]) -> None:
        """Append rows (dicts with the :data:`COLUMNS`) to memory and to the CSV file.

        The file is opened without following a link (``O_NOFOLLOW``): a ``history.csv`` replaced by a
        symbolic link is an error, never a way to append to a file outside the run.

        Raises:
            RunError: ``history.csv`` is a symbolic link.
            OSError: the row could not be written (a full disk).
        """
        self.rows.extend(rows)
        flags = os.O_WRONLY | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)
        if os.path.islink(self.path):
            raise RunError(f"{self.path} is a symbolic link; a run folder holds no links (remove it, then resume)")
        with os.fdopen(os.open(self.path, flags), "a", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=COLUMNS)
            w.writerows({k: r.get(k, math.nan) for k in COLUMNS} for r in rows)


#: the panels :func:`plot_history` draws by default: losses, and the discriminator's mean outputs
PANELS = (("loss_d", "loss_g"), ("d_real", "d_fake"))
LABELS = {"loss_d": "D loss", "loss_g": "G loss", "d_real": "D(x)", "d_fake": "D(G(z))", "penalty": "penalty",
          "d_real_raw": "logit of x", "d_fake_raw": "logit of G(z)", "grad_norm_g": "|grad G|",
          "grad_norm_d": "|grad D|"}


def plot_history(rows: Sequence[dict], panels: Sequence[Sequence[str]] = PANELS, title: str | None = None,
                 axes: Any = None, size: tuple[float, float] = (10.0, 2.8)):
    """Plot history columns against the step, one panel per group of columns.

    Notebook: 04_code_example.ipynb.

    Args:
        rows: history rows (``Run.history`` or :func:`read_history`); a missing column is skipped.
        panels: column groups, one panel each; default: the losses, and D(x) / D(G(z)) (0..1).
        title: title of the first panel.
        axes: matplotlib axes to draw into (one per panel); default: a new figure.
        size: figure size in inches when a new figure is made.

    Returns:
        the matplotlib figure.
    """
    import numpy as np

    made = axes is None
    if made:
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, len(panels), figsize=size, squeeze=False)
        axes = axes[0]
    fig = axes[0].figure
    steps = [r.get("step", i + 1) for i, r in enumerate(rows)]
    for ax, group in zip(axes, panels):
        for col in group:
            values = np.asarray([r.get(col, np.nan) for r in rows], np.float64)
            if np.isfinite(values).any():
                ax.plot(steps, values, label=LABELS.get(col, col), lw=1)
        if set(group) <= {"d_real", "d_fake"}:
            ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("step")
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    if title:
        axes[0].set_title(title, fontsize=10)
    if made:
        fig.tight_layout()
    return fig
