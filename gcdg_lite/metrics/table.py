"""``format_table``: :func:`~.report.evaluate`'s result as plain text (chapter 5, the CLI).

One row per metric: value, floor, spectrum-noise anchor, pink-noise anchor and normalised score,
each as ``mean ± sd`` over the splits; notes below the table give FD as a multiple of its floor,
the KID subset spread, what memorisation compared with, and how to read the score.
"""
from __future__ import annotations

import math
from typing import Any


def _num(x: float, sig: int) -> str:
    """``x`` with about ``sig`` significant digits, without an exponent between 1e-3 and 1e5."""
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    if 1e-3 <= abs(x) < 1e5:
        return f"{x:.{max(sig - 1 - math.floor(math.log10(abs(x))), 0)}f}"
    return f"{x:.{sig}g}"


def _pm(mean: float | None, sd: float | None, width: int = 0) -> str:
    """``"mean ± sd"`` right-aligned in ``width`` characters (``n/a`` for None)."""
    text = "n/a" if mean is None else _num(mean, 3) + ("" if sd is None else f" ± {_num(sd, 2)}")
    return f" {text:>{width - 1}}" if width else text


def format_table(result: dict[str, dict[str, Any]]) -> str:
    """A plain-text table of :func:`evaluate`'s result: one metric per row, each number ± its sd.

    Notebook: 05_trends_and_challenges.ipynb.
    """
    cols = (("value", 19), ("floor", 19), ("spectrum noise", 19), ("pink noise", 19), ("score", 16))
    head = f"{'metric':<15}" + "".join(f"{c:>{w}}" for c, w in cols) + "  good"
    lines = [head, "-" * len(head)]
    for key, r in result.items():
        a = r["anchors"]
        cells = ((r["value"], r["value_sd"]), (r["floor"], r["floor_sd"]),
                 (a["spectrum_noise"]["value"], a["spectrum_noise"]["value_sd"]),
                 (a["pink_noise"]["value"], a["pink_noise"]["value_sd"]), (r["score"], r["score_sd"]))
        lines.append(f"{key:<15}" + "".join(_pm(m, sd, w) for (m, sd), (_, w) in zip(cells, cols))
                     + f"  {r['good']}")
    any_r = next(iter(result.values()), {})
    if "fd" in result:
        fd = result["fd"]
        lines.append(f"fd is {_pm(fd['x_floor'], fd['x_floor_sd'])} times its real-vs-real "
                     f"floor; on the pink-noise scale its score is "
                     f"{_pm(fd['score_pink'], fd['score_pink_sd'])}")
    if "kid" in result:
        lines.append(f"kid value is a mean over random subsets; their std is {result['kid']['std']:.4g}")
    if "memorisation" in result:
        lines.append(f"memorisation compares with the {result['memorisation']['against']}")
    lines.append(f"mean ± sd over {any_r.get('splits', '?')} random splits; score = (value - floor) / "
                 f"(spectrum noise - floor): 0 = like real clips, 1 = like noise with the real mean "
                 f"spectrum")
    return "\n".join(lines)
