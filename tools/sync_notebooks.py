#!/usr/bin/env python3
"""Keep every chapter notebook's set-up cell and Colab badge in step with ``_config.yml``.

The repository URL is configured once, in ``_config.yml`` (``repository.url`` and ``repository.branch``).
Each chapter's set-up cell (the first code cell, tagged ``hide-input``) installs ``gcdg_lite`` from that URL
when it is missing (Colab), and the title cell's "Open in Colab" badge points at the notebook in that
repository. This tool rewrites both from the configuration and clears outputs, so committed notebooks
stay clean.

Usage (from the repository root)::

    python tools/sync_notebooks.py            # rewrite set-up cells and badges, clear outputs
    python tools/sync_notebooks.py --check    # change nothing; exit 1 if any notebook differs or has outputs

``tests/test_notebooks_clean.py`` uses :func:`setup_cell_source` and :func:`problems` as the canonical
definitions.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
SETUP_MARKER = "# Set-up: install gcdg_lite"
BADGE_RE = re.compile(r"https://colab\.research\.google\.com/github/[^)\s\"']+?\.ipynb")


def read_repository(config: Path = ROOT / "_config.yml") -> tuple[str, str]:
    """Return ``(url, branch)`` from ``_config.yml``'s ``repository`` section (branch defaults to ``main``)."""
    data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    repo = data.get("repository") or {}
    url = str(repo.get("url", "")).rstrip("/")
    if not url.startswith("https://github.com/"):
        raise SystemExit(f"error: {config}: repository.url must be a https://github.com/OWNER/NAME URL, got {url!r}")
    return url, str(repo.get("branch") or "main")


def setup_cell_source(repo_url: str) -> str:
    """The canonical set-up cell of every chapter (see CONTRACT.md, "Book conventions")."""
    return (
        "# Set-up: install gcdg_lite when it is missing (Colab). Colab keeps its own TensorFlow.\n"
        "import importlib.util, subprocess, sys\n"
        'if importlib.util.find_spec("gcdg_lite") is None:\n'
        '    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q",\n'
        f'                           "gcdg_lite @ git+{repo_url}"])'
    )


def colab_url(repo_url: str, branch: str, notebook: Path) -> str:
    """The "Open in Colab" link of a chapter notebook (chapters live in ``notebooks/``)."""
    owner_name = repo_url.removeprefix("https://github.com/")
    return f"https://colab.research.google.com/github/{owner_name}/blob/{branch}/notebooks/{notebook.name}"


def chapter_notebooks(root: Path = ROOT) -> list[Path]:
    """The chapter notebooks, ``notebooks/NN_*.ipynb``, sorted."""
    return sorted(p for p in (root / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def setup_cell_index(nb: nbformat.NotebookNode) -> int | None:
    """Index of the set-up cell: the first code cell that starts with the set-up comment."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and cell.source.lstrip().startswith(SETUP_MARKER):
            return i
    return None


def has_outputs(nb: nbformat.NotebookNode) -> list[int]:
    """Indices of code cells that carry outputs or an execution count."""
    return [i for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)]


def problems(path: Path, repo_url: str, branch: str) -> list[str]:
    """What ``sync`` would change in the notebook at ``path`` (empty when it is clean)."""
    nb = nbformat.read(path, as_version=4)
    found: list[str] = []
    i = setup_cell_index(nb)
    if i is None:
        found.append("no set-up cell (a code cell starting with '# Set-up: install gcdg_lite')")
    else:
        cell = nb.cells[i]
        if cell.source != setup_cell_source(repo_url):
            found.append(f"cell {i}: set-up cell differs from the canonical one")
        if "hide-input" not in cell.metadata.get("tags", []):
            found.append(f"cell {i}: set-up cell lacks the 'hide-input' tag")
    want = colab_url(repo_url, branch, path)
    if nb.cells and nb.cells[0].cell_type == "markdown":
        links = BADGE_RE.findall(nb.cells[0].source)
        if not links:
            found.append("cell 0: no Open-in-Colab badge")
        elif any(link != want for link in links):
            found.append(f"cell 0: Colab badge does not point to {want}")
    else:
        found.append("cell 0 is not a markdown title cell")
    dirty = has_outputs(nb)
    if dirty:
        found.append(f"cells {dirty} carry outputs or execution counts")
    return found


def sync(path: Path, repo_url: str, branch: str) -> bool:
    """Rewrite the set-up cell and badge and clear outputs in place; return True if the file changed."""
    before = path.read_text(encoding="utf-8")
    nb = nbformat.read(path, as_version=4)
    i = setup_cell_index(nb)
    if i is None:
        raise SystemExit(f"error: {path}: no set-up cell; add a code cell starting with {SETUP_MARKER!r}")
    nb.cells[i].source = setup_cell_source(repo_url)
    tags = nb.cells[i].metadata.setdefault("tags", [])
    if "hide-input" not in tags:
        tags.append("hide-input")
    if nb.cells and nb.cells[0].cell_type == "markdown":
        nb.cells[0].source = BADGE_RE.sub(colab_url(repo_url, branch, path), nb.cells[0].source)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    after = nbformat.writes(nb) + "\n"
    if after != before:
        path.write_text(after, encoding="utf-8")
        return True
    return False


def _show(path: Path) -> str:
    """``path`` relative to the repository root when it lies inside it."""
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if any notebook differs or carries outputs")
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to process (default: notebooks/NN_*.ipynb)")
    args = parser.parse_args(argv)
    url, branch = read_repository()
    paths = [p.resolve() for p in args.notebooks] or chapter_notebooks()
    if not paths:
        print("no chapter notebooks found in notebooks/", file=sys.stderr)
        return 1 if args.check else 0
    bad = 0
    for path in paths:
        if args.check:
            found = problems(path, url, branch)
            for line in found:
                print(f"{_show(path)}: {line}")
            bad += bool(found)
        elif sync(path, url, branch):
            print(f"rewrote {_show(path)}")
    if args.check:
        print(f"{len(paths) - bad}/{len(paths)} notebooks clean")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
