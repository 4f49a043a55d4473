"""Tables of numbers that show as real HTML tables in a notebook and in the book, and as text elsewhere.

A :class:`Table` *is* its plain text (a ``str``: print it, write it to a file, search it), and it also
has ``_repr_html_``: the last expression of a cell, or ``display(t)``, shows an HTML ``<table>`` whose
columns the page never cuts (it scrolls inside its own box when wider than the page). One helper for
every table the chapters show::

    gl.tables.table({"seed_mlp": {"steps": 200, "D(G(z))": 0.31}, "wavegan": {...}}, caption="...")

No TensorFlow, no NumPy needed: it formats and lays out, nothing else.
"""
from __future__ import annotations

import html
import math
import numbers
from typing import Any, Mapping, Sequence

from . import public as _public
from .errors import DataError

__all__ = _public(__name__)


def fmt(value: Any, sig: int = 3) -> str:
    """One cell as text: floats to ``sig`` significant digits (no exponent between 1e-3 and 1e5),
    integers with thousands separators, ``(mean, sd)`` pairs as ``mean ± sd``, ``None`` as ``n/a``,
    booleans as ``yes``/``no``, anything else as ``str(value)``.

    Args:
        value: the cell's value.
        sig: significant digits of a float (default 3; an sd gets one fewer, at least 1).

    Returns:
        the cell's text.
    """
    if value is None:
        return "n/a"
    if isinstance(value, str):
        return value
    if type(value).__name__ in ("bool", "bool_"):  # Python's and NumPy's booleans
        return "yes" if value else "no"
    if isinstance(value, tuple) and len(value) == 2:
        mean, sd = value
        return fmt(mean, sig) if sd is None else f"{fmt(mean, sig)} ± {fmt(sd, max(1, sig - 1))}"
    if isinstance(value, numbers.Integral):
        return f"{int(value):,d}"
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    if 1e-3 <= abs(x) < 1e5:
        return f"{x:.{max(sig - 1 - math.floor(math.log10(abs(x))), 0)}f}"
    return f"{x:.{sig}g}"


class Table(str):
    """A table that is its own plain text (``str``) and shows as HTML in Jupyter and in the book.

    Build one with :func:`table`. Attributes: ``index`` (the row-label column's heading), ``columns``,
    ``rows`` (``[(label, [cell text, ...]), ...]``), ``caption`` and ``notes`` (lines under the table).
    """

    index: str
    columns: list[str]
    rows: list[tuple[str, list[str]]]
    caption: str | None
    notes: list[str]

    def __new__(cls, columns: Sequence[str], rows: Sequence[tuple[str, Sequence[str]]], index: str = "",
                caption: str | None = None, notes: Sequence[str] = (), text: str | None = None) -> "Table":
        rows = [(str(label), [str(c) for c in cells]) for label, cells in rows]
        columns = [str(c) for c in columns]
        for label, cells in rows:
            if len(cells) != len(columns):
                raise DataError(f"Table(rows=...): row {label!r} has {len(cells)} cell(s) for "
                                 f"{len(columns)} column(s)")
        obj = super().__new__(cls, text if text is not None else _text(index, columns, rows, caption, notes))
        obj.index, obj.columns, obj.rows, obj.caption, obj.notes = str(index), columns, rows, caption, list(notes)
        return obj

    def _repr_html_(self) -> str:
        right = "text-align:right;white-space:nowrap;padding:2px 8px"
        head = "".join(f'<th style="{right}">{html.escape(c)}</th>' for c in self.columns)
        body = "".join(
            f'<tr><th style="text-align:left;padding:2px 8px">{html.escape(label)}</th>'
            + "".join(f'<td style="{right}">{html.escape(c)}</td>' for c in cells) + "</tr>"
            for label, cells in self.rows)
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        notes = "".join(f'<p style="font-size:0.85em;margin:2px 0">{html.escape(n)}</p>' for n in self.notes)
        return (f'<div class="gcdg-table" style="overflow-x:auto"><table>{caption}<thead><tr>'
                f'<th style="text-align:left;padding:2px 8px">{html.escape(self.index)}</th>{head}</tr></thead>'
                f"<tbody>{body}</tbody></table>{notes}</div>")

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))

    def __repr__(self) -> str:
        return str(self)


def _text(index: str, columns: list[str], rows: list[tuple[str, list[str]]], caption: str | None,
          notes: Sequence[str]) -> str:
    """Aligned plain text: labels left, cells right, a rule under the heading, notes below."""
    w0 = max([len(index)] + [len(label) for label, _ in rows])
    widths = [max([len(c)] + [len(cells[j]) for _, cells in rows]) for j, c in enumerate(columns)]
    head = f"{index:<{w0}}" + "".join(f"  {c:>{w}}" for c, w in zip(columns, widths))
    lines = ([caption] if caption else []) + [head, "-" * len(head)]
    lines += [f"{label:<{w0}}" + "".join(f"  {c:>{w}}" for c, w in zip(cells, widths)) for label, cells in rows]
    return "\n".join(lines + list(notes))


def table(rows: "Mapping[str, Mapping[str, Any]] | Sequence[Mapping[str, Any]]", columns: Sequence[str] | None = None,
          index: str = "", caption: str | None = None, notes: Sequence[str] = (), sig: int = 3) -> Table:
    """A :class:`Table` of numbers: one row per entry, one column per key, cells formatted by :func:`fmt`.

    Notebook: 01_background.ipynb.

    Args:
        rows: ``{row label: {column: value}}``, or a list of ``{column: value}`` whose first column
            (``index``, or the first key) labels the row.
        columns: the columns to show, in order (default: every key, in first-seen order). A row without
            a column's key shows ``n/a`` there.
        index: heading of the row-label column (default empty; with a list of rows, the key holding
            each row's label, default its first key).
        caption: optional title above the table.
        notes: optional lines shown under the table (units, how to read it).
        sig: significant digits of floats (default 3).

    Returns:
        the table: a ``str`` (plain text) that Jupyter and the book show as HTML.

    Raises:
        DataError: ``rows`` is empty or not a mapping/list of mappings, or ``sig < 1``.
    """
    if int(sig) < 1:
        raise DataError(f"table(sig={sig!r}): give at least 1 significant digit")
    if isinstance(rows, Mapping):
        items = list(rows.items())
    elif isinstance(rows, Sequence) and not isinstance(rows, str) and all(isinstance(r, Mapping) for r in rows):
        key = index or (next(iter(rows[0]), "") if rows else "")
        items = [(r.get(key, ""), {k: v for k, v in r.items() if k != key}) for r in rows]
        index = key
    else:
        raise DataError("table(rows=...): give {row label: {column: value}} or a list of {column: value} dicts")
    if not items or not all(isinstance(cells, Mapping) for _, cells in items):
        raise DataError("table(rows=...): give at least one row, each a {column: value} mapping")
    if columns is None:
        columns = list(dict.fromkeys(k for _, cells in items for k in cells))
    cols = [str(c) for c in columns]
    body = [(fmt(label), [fmt(cells.get(c), int(sig)) for c in columns]) for label, cells in items]
    return Table(cols, body, index=index, caption=caption, notes=notes)
