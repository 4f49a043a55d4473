"""The claims a chapter makes about its own numbers, checked and shown as one small table.

A chapter checks each claim next to the prose it backs (a cell tagged ``remove-input``, so the book
hides the code) and shows every one of them at its end, under "What we measured"::

    claims = gl.claims.Claims("What we measured")
    claims.check("the trained SpecGAN scores below the untrained one", f"{t:.2f} < {u:.2f}", t < u)
    ...
    claims.assert_all()      # last line of the cell: the claim | value | ✓ table, or one AssertionError

``assert_all`` raises one ``AssertionError`` that lists every failed claim with its value, so a failed
claim fails the cell: nbval and the book build both stop on it. In Jupyter the collector displays as an
HTML table (claim | value | ✓/✗/–); elsewhere as plain text. A claim that holds only at some budgets is
given ``when=`` (``False``: shown as not checked, and its condition, if a function, is never called).
No TensorFlow, no NumPy needed: it only formats and counts.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, Callable

from . import public as _public

__all__ = _public(__name__)

#: the ✓ column's marks: held, failed, not checked at this budget
MARKS = {True: "✓", False: "✗", None: "–"}


@dataclass(frozen=True)
class _Claim:
    """One row: the claim in words, its value as text, and whether it held (``None``: not checked)."""

    claim: str
    value: str
    held: bool | None


def _format(value: Any) -> str:
    """``value`` as short text: strings as they are, floats to 4 significant digits, tuples and lists item by item."""
    kind = type(value).__name__
    if isinstance(value, str):
        return value
    if value is None or "bool" in kind:
        return str(value if value is None else bool(value))
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_format(v) for v in value) + ")"
    if "int" in kind:
        return str(int(value))
    try:
        return f"{float(value):.4g}"
    except (TypeError, ValueError):
        return str(value)


class Claims:
    """A collector of a chapter's checked claims: ``check`` each one, then ``assert_all`` at the end.

    Notebook: 04_code_example.ipynb.

    Checking a claim with the same words again replaces its row (re-running a cell adds nothing).
    """

    def __init__(self, title: str = "What we measured") -> None:
        self.title = str(title)
        self._rows: dict[str, _Claim] = {}

    def check(self, claim: str, value: Any, ok: "bool | Callable[[], bool]", *, when: bool = True) -> None:
        """Record ``claim`` with its ``value`` (shown as text, floats to 4 significant digits) and whether ``ok``.

        Args:
            claim: the claim in words, e.g. ``"the trained SpecGAN scores below the untrained one"``.
            value: the measured number(s) or a short text that shows them.
            ok: the condition (anything with a truth value), or a function of no arguments that returns
                it (evaluated only when ``when`` is true; use it for conditions that need budget-only data).
            when: ``False`` records the claim as not checked at this budget (``–``), e.g.
                ``when=B.name == "book"``.

        Returns ``None`` (so a cell of checks shows nothing); the table comes from :meth:`assert_all`.
        """
        held = (bool(ok() if callable(ok) else ok)) if when else None
        self._rows[str(claim)] = _Claim(str(claim), _format(value), held)

    @property
    def rows(self) -> list[_Claim]:
        """Every claim checked so far, in the order first checked."""
        return list(self._rows.values())

    @property
    def failed(self) -> list[_Claim]:
        """The claims that did not hold."""
        return [r for r in self._rows.values() if r.held is False]

    def assert_all(self) -> "Claims":
        """``self`` (displayed as the table) when no claim failed.

        Raises:
            AssertionError: one, listing every failed claim with its value.
        """
        failed = self.failed
        if failed:
            lines = "\n".join(f"  ✗ {r.claim}: {r.value}" for r in failed)
            raise AssertionError(f"{self.title}: {len(failed)} of {len(self._rows)} claim(s) failed:\n{lines}")
        return self

    def _repr_html_(self) -> str:
        rows = "".join(
            f'<tr><td style="text-align:left">{html.escape(r.claim)}</td>'
            f'<td style="text-align:left"><code>{html.escape(r.value)}</code></td>'
            f'<td title="{"held" if r.held else "failed" if r.held is False else "not checked at this budget"}">'
            f"{MARKS[r.held]}</td></tr>" for r in self._rows.values())
        return (f'<table class="gcdg-claims"><caption>{html.escape(self.title)}</caption>'
                f"<thead><tr><th>claim</th><th>value</th><th>✓</th></tr></thead><tbody>{rows}</tbody></table>")

    def __repr__(self) -> str:
        lines = [f"{self.title} ({len(self._rows)} claims, {len(self.failed)} failed)"]
        lines += [f"{MARKS[r.held]} {r.claim}: {r.value}" for r in self._rows.values()]
        return "\n".join(lines)
