#!/usr/bin/env python3
"""Write student copies of the chapter notebooks: solutions removed, outputs cleared.

Usage (from the repository root)::

    python tools/student_copies.py --out student            # refuses to overwrite existing copies
    python tools/student_copies.py --out student --force    # replace them
    python tools/student_copies.py --out student_zh --lang zh   # Chinese copies (as colab/zh_CN/ reads)

For every ``notebooks/NN_*.ipynb`` it writes ``OUT/NN_*.ipynb`` in which

* every run of cells from a markdown cell opening ``{solution-start}`` through the cell holding
  ``{solution-end}`` is removed (the worked solution and its hidden-dropdown markup), as is any other
  cell tagged ``solution``;
* the exercise text and the scaffold cell (``answer = None`` + ``gl.exercises.check(...)``) stay, so
  students can check their answers with the auto-checkers;
* every output and execution count is cleared;
* the rest is written as the Colab copies are (``tools/colab_copies.py``): each exercise under a heading
  "Exercise 2.1 — title", no raw MyST, so the copy reads without the book in Jupyter and Colab alike.

With ``--lang zh`` each copy is made from the Chinese form of its chapter (``tools/colab_copies.py``: prose
translated from ``locale/zh_CN/LC_MESSAGES/notebooks/NN_*.po``, the set-up cell setting ``GCDG_LANG=zh`` so that
the checkers' hints are Chinese); a missing or broken catalog stops it with an error naming the file.

The chapters themselves are never modified. Exit status 1 when a ``{solution-start}`` has no matching
``{solution-end}`` or a chapter holds markup the Colab form cannot show (nothing is written then), 2 on a
usage error.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
START = re.compile(r"^\s*(`{3,}|:{3,})\{solution-start\}", re.M)
END = re.compile(r"^\s*(`{3,}|:{3,})\{solution-end\}", re.M)


class SolutionMarkupError(ValueError):
    """A ``{solution-start}`` without its ``{solution-end}`` (or the reverse)."""


def _source(cell) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def solution_spans(nb: nbformat.NotebookNode, name: str = "notebook") -> list[tuple[int, int]]:
    """``[(first, last)]`` cell indices of every run from a ``{solution-start}`` to its ``{solution-end}``.

    Raises:
        SolutionMarkupError: a start without its end, an end without its start, or nested starts.
    """
    spans, first = [], None
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        src = _source(cell)
        if START.search(src):
            if first is not None:
                raise SolutionMarkupError(f"{name}: cell {i} opens a solution before the previous one ends")
            first = i
        if END.search(src):
            if first is None:
                raise SolutionMarkupError(f"{name}: cell {i} has {{solution-end}} without a {{solution-start}}")
            spans.append((first, i))
            first = None
    if first is not None:
        raise SolutionMarkupError(f"{name}: a {{solution-start}} is never closed by {{solution-end}}")
    return spans


def strip_solutions(nb: nbformat.NotebookNode, name: str = "notebook") -> tuple[nbformat.NotebookNode, int]:
    """Return ``(copy of nb without solution cells and outputs, number of solutions removed)``."""
    nb = nbformat.from_dict(nb)  # deep copy
    spans = solution_spans(nb, name)
    inside = {i for first, last in spans for i in range(first, last + 1)}
    kept = []
    for i, cell in enumerate(nb.cells):
        if i in inside or "solution" in cell.get("metadata", {}).get("tags", []):
            continue
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        kept.append(cell)
    nb.cells = kept
    nb.metadata.pop("widgets", None)  # saved widget state belongs to the executed book, not to students
    return nb, len(spans)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the student copies")
    parser.add_argument("--force", action="store_true", help="overwrite copies that already exist")
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks",
                        help="folder of the chapter notebooks (default notebooks/)")
    parser.add_argument("--lang", choices=("en", "zh"), default="en",
                        help="language of the copies: en (default) or zh, translated from the catalogs in "
                             "locale/zh_CN/LC_MESSAGES/notebooks/")
    args = parser.parse_args(argv)
    sources = sorted(args.notebooks.glob("[0-9][0-9]_*.ipynb"))
    if not sources:
        print(f"error: no chapter notebooks (NN_*.ipynb) in {args.notebooks}", file=sys.stderr)
        return 2
    if args.out.resolve() == args.notebooks.resolve():
        print("error: --out must not be the chapters' own folder", file=sys.stderr)
        return 2
    targets = [args.out / p.name for p in sources]
    existing = [t for t in targets if t.exists()]
    if existing and not args.force:
        print(f"error: {len(existing)} copies already exist in {args.out} (e.g. {existing[0].name}); "
              "use --force to overwrite them", file=sys.stderr)
        return 2
    import colab_copies  # tools/, beside this file (imported here: it imports this module)

    numbers, works = colab_copies.chapter_numbers(), colab_copies.read_bibliography()
    repository = colab_copies.read_repository()
    try:
        copies = []
        for path in sources:
            nb = nbformat.read(path, as_version=4)
            if args.lang == "zh":
                po = ROOT / colab_copies.CATALOGS / f"{path.stem}.po"
                nb = colab_copies.translate_notebook(nb, colab_copies.read_translations(po))
            nb, removed = strip_solutions(nb, path.name)
            number = colab_copies.chapter_number(path, numbers)
            copies.append((colab_copies.colab_copy(nb, path.name, number, works, repository, args.lang), removed))
    except (SolutionMarkupError, colab_copies.SolutionMarkupError, colab_copies.ColabMarkupError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    for target, (nb, removed) in zip(targets, copies):
        nbformat.write(nb, target)
        print(f"wrote {target} ({removed} solution(s) removed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
