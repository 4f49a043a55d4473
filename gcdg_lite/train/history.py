"""Per-step training history, kept in memory and in ``RUN/history.csv`` (chapter 4; chapter 5 plots it).

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

from .step import METRICS

COLUMNS = ("step",) + METRICS + ("steps_per_s", "time_s")


def read_history(path: str | os.PathLike) -> list[dict]:
    """Rows of a ``history.csv`` as dicts (``step`` as int, the rest as float); ``[]`` if absent."""
    if not os.path.exists(path):
        return []
    with open(path, newline="", encoding="utf-8") as fh:
        rows = []
        for r in csv.DictReader(fh):
            rows.append({k: (int(float(v)) if k == "step" else float(v)) for k, v in r.items() if k in COLUMNS})
    return rows


class History:
    """Append-only CSV of step rows; on resume, rows after the restored step are dropped first.

    Args:
        path: the CSV file (``RUN/history.csv``).
        keep_until: on resume, the checkpoint's step; rows with a larger step are discarded so the
            file matches the resumed state exactly. ``None`` = start a fresh file.
    """

    def __init__(self, path: str | os.PathLike, keep_until: int | None = None):
        self.path = str(path)
        self.rows: list[dict] = []
        if keep_until is not None:
            self.rows = [r for r in read_history(self.path) if r["step"] <= keep_until]
        with open(self.path, "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=COLUMNS)
            w.writeheader()
            w.writerows(self.rows)

    def extend(self, rows: list[dict]) -> None:
        """Append rows (dicts with the :data:`COLUMNS`) to memory and to the CSV file."""
        self.rows.extend(rows)
        with open(self.path, "a", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=COLUMNS)
            w.writerows({k: r.get(k, math.nan) for k in COLUMNS} for r in rows)
