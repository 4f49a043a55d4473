"""``format_table`` and ``compare_table``: :func:`~.report.evaluate`'s results as plain text (chapter 5, the CLI).

One row per metric: value, floor, spectrum-noise anchor, pink-noise anchor and normalised score,
each as ``mean ± sd`` over the splits; notes below the table give FD as a multiple of its floor,
KID (raw only, outside the table: :data:`OUTSIDE_TABLE`), what memorisation compared with, each set's
harmonicity (voiced fraction, HNR, f0), and how to read the score.
"""
from __future__ import annotations

import math
from typing import Any

from ..tables import Table

#: metrics printed below :func:`format_table`'s rows, as raw numbers beside their floor, never as a
#: score: KID's cubic-kernel scale called all-zero clips "almost real" (see ``report.UNSCORED``)
OUTSIDE_TABLE = ("kid",)


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


def format_table(result: dict[str, dict[str, Any]]) -> Table:
    """A table of :func:`evaluate`'s result: one metric per row, each number ± its sd.

    Notebook: 05_trends_and_challenges.ipynb.

    Returns:
        a :class:`gcdg_lite.tables.Table`: the plain text (a ``str``, as the CLI prints it) that a
        notebook shows as an HTML table, with the notes under it.
    """
    cols = (("value", 19), ("floor", 19), ("spectrum noise", 19), ("pink noise", 19), ("score", 16))
    head = f"{'metric':<15}" + "".join(f"{c:>{w}}" for c, w in cols) + "  good"
    lines = [head, "-" * len(head)]
    rows = []
    for key, r in result.items():
        if key in OUTSIDE_TABLE:
            continue
        a = r["anchors"]
        cells = ((r["value"], r["value_sd"]), (r["floor"], r["floor_sd"]),
                 (a["spectrum_noise"]["value"], a["spectrum_noise"]["value_sd"]),
                 (a["pink_noise"]["value"], a["pink_noise"]["value_sd"]), (r["score"], r["score_sd"]))
        lines.append(f"{key:<15}" + "".join(_pm(m, sd, w) for (m, sd), (_, w) in zip(cells, cols))
                     + f"  {r['good']}")
        rows.append((key, [_pm(m, sd) for m, sd in cells] + [str(r["good"])]))
    n_table = len(lines)
    any_r = next(iter(result.values()), {})
    if "fd" in result:
        fd = result["fd"]
        lines.append(f"fd is {_pm(fd['x_floor'], fd['x_floor_sd'])} times its real-vs-real "
                     f"floor; on the pink-noise scale its score is "
                     f"{_pm(fd['score_pink'], fd['score_pink_sd'])}")
    if "kid" in result:
        k = result["kid"]
        lines.append(f"kid, raw (MMD², cubic kernel; no score: its scale breaks far from the floor): value "
                     f"{_pm(k['value'], k['value_sd'])}, floor {_pm(k['floor'], k['floor_sd'])} (spread over "
                     f"subsets {_num(k['std'], 2)})")
    if "memorisation" in result:
        lines.append(f"memorisation compares with the {result['memorisation']['against']}")
    if result.get("harmonicity", {}).get("sets"):
        lines.append(_harmonicity_note(result["harmonicity"]["sets"]))
    lines.append(f"mean ± sd over {any_r.get('splits', '?')} random splits; score = (value - floor) / "
                 f"(spectrum noise - floor): 0 = like real clips, 1 = like noise with the real mean "
                 f"spectrum")
    return Table([c for c, _ in cols] + ["good"], rows, index="metric",
                 notes=[part for note in lines[n_table:] for part in note.split("\n")],
                 text="\n".join(lines))


def _harmonicity_note(sets: dict[str, dict[str, Any]]) -> str:
    """One line per set of ``evaluate(...)["harmonicity"]["sets"]``: voiced fraction, median HNR, f0."""
    names = {"real": "real", "fake": "generated", "spectrum_noise": "spectrum noise", "pink_noise": "pink noise"}
    lines = ["harmonicity (frame HNR, 60-400 Hz): voiced fraction of active frames, median HNR of active "
             "frames, median f0 of voiced clips"]
    for key, label in names.items():
        s = sets.get(key)
        if s is None:
            continue
        f0 = "no voiced frame" if s["f0_hz"] is None else f"f0 {_num(s['f0_hz'], 3)} Hz"
        lines.append(f"  {label:<15} voiced {s['voiced_fraction']:.2f}, HNR {s['hnr_db']:+.1f} dB, {f0}")
    return "\n".join(lines)


def compare_table(results: dict[str, dict[str, dict[str, Any]]],
                  extra: dict[str, dict[str, float]] | None = None) -> Table:
    """Several :func:`evaluate` results side by side, one row per set: the yardstick's main numbers.

    Notebook: 05_trends_and_challenges.ipynb.

    Columns: the FD score (0 = real clips, 1 = spectrum-matched noise), FD as a multiple of its
    real-vs-real floor, the FD score on the pink-noise scale, the C2ST accuracy and its floor, and,
    when a result has it, the harmonicity score (frame-HNR distance on the same 0-to-1 scale, the one
    column that hears pitch), each ``mean ± sd`` over the splits; then any ``extra`` columns (``{column: {row: number}}``, printed
    with 3 significant digits).

    Args:
        results: ``{row name: evaluate(...) result}``.
        extra: optional further columns, keyed by column name, then by row name.
    Returns:
        a :class:`gcdg_lite.tables.Table`: the plain text (a ``str``) that a notebook shows as HTML.
    """
    extra = extra or {}
    cols = [("fd score", 16), ("fd x floor", 16), ("score (pink)", 16), ("c2st", 16), ("c2st floor", 16)]
    harm = any("harmonicity" in r for r in results.values())
    if harm:
        cols.append(("hnr score", 16))
    fixed = len(cols)
    cols += [(name, max(12, len(name) + 2)) for name in extra]
    width = max(16, max(map(len, results), default=0) + 2)
    head = f"{'':<{width}}" + "".join(f"{c:>{w}}" for c, w in cols)
    lines = [head, "-" * len(head)]
    rows = []
    for name, r in results.items():
        fd, c = r["fd"], r["c2st"]
        cells = [(fd["score"], fd["score_sd"]), (fd["x_floor"], fd["x_floor_sd"]),
                 (fd["score_pink"], fd["score_pink_sd"]), (c["value"], c["value_sd"]), (c["floor"], c["floor_sd"])]
        if harm:
            h = r.get("harmonicity", {})
            cells.append((h.get("score"), h.get("score_sd")))
        row = f"{name:<{width}}" + "".join(_pm(m, sd, w) for (m, sd), (_, w) in zip(cells, cols))
        texts = [_pm(m, sd) for m, sd in cells]
        for col, w in cols[fixed:]:
            v = extra[col].get(name)
            texts.append("n/a" if v is None else _num(float(v), 3))
            row += f"{texts[-1]:>{w}}"
        lines.append(row)
        rows.append((name, texts))
    note = ("mean ± sd over random splits; fd score 0 = like real clips, 1 = like spectrum-matched noise; "
            "c2st 0.5 = indistinguishable from real clips"
            + ("; hnr score: the frame-HNR distance on the fd score's scale" if harm else ""))
    return Table([c for c, _ in cols], rows, notes=[note], text="\n".join(lines + [note]))
