#!/usr/bin/env python3
"""Keep every chapter notebook's set-up cell, Colab badge and collapsed solutions in step with ``_config.yml``.

The repository URL is configured once, in ``_config.yml`` (``repository.url`` and ``repository.branch``):
a fork changes it there and runs this tool. Each chapter's set-up cell (the first code cell) installs
``gcdg_lite`` from that URL when it is missing (Colab), the title cell's "Open in Colab" badge points at
the notebook's Colab copy in that repository (``colab/``, written by ``tools/colab_copies.py``: run it
after this tool), and the ``git clone`` line of ``book/setup.md`` clones it. This tool rewrites all three
from the configuration, and keeps the notebooks readable outside the book:

* the set-up cell is hidden in the book (tag ``hide-input``), collapsed in JupyterLab
  (``metadata.jupyter.source_hidden``) and shown as a titled form in Colab (``#@title`` line and
  ``metadata.cellView = "form"``);
* every cell of a worked solution (from its ``{solution-start}`` cell to its ``{solution-end}`` cell) is
  collapsed in JupyterLab and Jupyter Notebook 7; its code cells are also in Colab's form view. The book
  and nbval execute them as before (the metadata only changes what a front end shows);
* outputs and execution counts are cleared, so committed notebooks stay clean.

Usage (from the repository root)::

    python tools/sync_notebooks.py            # rewrite set-up cells, badges, solution metadata; clear outputs
    python tools/sync_notebooks.py --check    # change nothing; exit 1 if a notebook or page differs

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

from student_copies import SolutionMarkupError, solution_spans

ROOT = Path(__file__).resolve().parents[1]
#: the words that mark the set-up cell (its first line; older versions started "# Set-up: install gcdg_lite")
SETUP_MARKER = "Set-up: install gcdg_lite"
BADGE_RE = re.compile(r"https://colab\.research\.google\.com/github/[^)\s\"']+?\.ipynb")
#: pages whose ``git clone URL`` line follows ``repository.url``
CLONE_PAGES = ("book/setup.md",)
CLONE_RE = re.compile(r"(git clone )(https://github\.com/[^\s`]+)")


def read_repository(config: Path = ROOT / "_config.yml") -> tuple[str, str]:
    """Return ``(url, branch)`` from ``_config.yml``'s ``repository`` section (branch defaults to ``main``)."""
    data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    repo = data.get("repository") or {}
    url = str(repo.get("url", "")).rstrip("/")
    if not url.startswith("https://github.com/"):
        raise SystemExit(f"error: {config}: repository.url must be a https://github.com/OWNER/NAME URL, got {url!r}")
    return url, str(repo.get("branch") or "main")


def setup_cell_source(repo_url: str) -> str:
    """The canonical set-up cell of every chapter (see CONTRACT.md, "Book conventions").

    Where ``gcdg_lite`` is importable (a local install, the book build, nbval) it does nothing. Otherwise
    it installs the package from ``$GCDG_REPO_URL`` (a git URL, or the folder of an uploaded copy of the
    repository) or else from ``repo_url``. pip leaves every dependency that is already installed and in
    range alone, so on Colab it adds ``gcdg_lite`` and changes no preinstalled package (no TensorFlow
    reinstall; ``tools/check_compat.py`` checks this with ``pip freeze``). When pip fails (no network, a
    repository that does not exist yet) the cell prints one line saying what to do instead of pip's output.
    """
    return (
        '# @title Set-up: install gcdg_lite when it is missing (Colab) { display-mode: "form" }\n'
        "# Colab keeps its own TensorFlow, Keras and IPython (they satisfy gcdg_lite's version ranges).\n"
        "# GCDG_REPO_URL: another git URL, or the folder of an uploaded copy of the repository.\n"
        "import importlib.util, os, subprocess, sys\n"
        'if importlib.util.find_spec("gcdg_lite") is None:\n'
        f'    repo = os.environ.get("GCDG_REPO_URL", "{repo_url}")\n'
        '    spec = repo if os.path.isdir(repo) else f"gcdg_lite @ git+{repo}"\n'
        '    pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", spec], capture_output=True,\n'
        '                         text=True, env={**os.environ, "GIT_TERMINAL_PROMPT": "0"})\n'
        "    if pip.returncode == 0:\n"
        "        importlib.invalidate_caches()  # so that `import gcdg_lite` below finds the new package\n"
        '        print(f"installed gcdg_lite from {repo}")\n'
        "    else:\n"
        "        lines = [line.strip() for line in pip.stderr.splitlines() if line.strip()] or [\"pip failed\"]\n"
        '        why = next((line for line in lines if line.startswith(("fatal:", "ERROR:"))), lines[-1])\n'
        '        print(f"Could not install gcdg_lite from {repo} ({why}). Upload the repository (or your fork) "\n'
        "              \"and set os.environ['GCDG_REPO_URL'] to its folder or git URL, or run \"\n"
        "              \"`pip install /path/to/gcdg-book`; then run this cell again.\", file=sys.stderr)"
    )


#: the folder of the Colab copies (``tools/colab_copies.py``): the chapters with their MyST made plain Markdown
COLAB_DIR = "colab"


def colab_url(repo_url: str, branch: str, notebook: Path) -> str:
    """The "Open in Colab" link of a chapter notebook: its Colab copy, ``colab/NN_name.ipynb``, which reads
    without the book's MyST markup (the chapters themselves live in ``notebooks/``)."""
    owner_name = repo_url.removeprefix("https://github.com/")
    return f"https://colab.research.google.com/github/{owner_name}/blob/{branch}/{COLAB_DIR}/{notebook.name}"


def chapter_notebooks(root: Path = ROOT) -> list[Path]:
    """The chapter notebooks, ``notebooks/NN_*.ipynb``, sorted."""
    return sorted(p for p in (root / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def setup_cell_index(nb: nbformat.NotebookNode) -> int | None:
    """Index of the set-up cell: the first code cell whose first line names the set-up."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and SETUP_MARKER in (cell.source.lstrip().splitlines() or [""])[0]:
            return i
    return None


def collapsed_cells(nb: nbformat.NotebookNode, name: str = "notebook") -> dict[int, str]:
    """``{cell index: why}`` of the cells a front end should show collapsed: set-up cell and solutions."""
    want = {i: "solution" for first, last in solution_spans(nb, name) for i in range(first, last + 1)}
    setup = setup_cell_index(nb)
    if setup is not None:
        want[setup] = "set-up cell"
    return want


def _is_collapsed(cell) -> bool:
    """Hidden in JupyterLab / Notebook 7; code cells also in Colab's form view."""
    hidden = cell.metadata.get("jupyter", {}).get("source_hidden") is True
    return hidden and (cell.cell_type != "code" or cell.metadata.get("cellView") == "form")


def _collapse(cell) -> None:
    cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
    if cell.cell_type == "code":
        cell.metadata["cellView"] = "form"


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
        found.append(f"no set-up cell (a code cell whose first line contains {SETUP_MARKER!r})")
    else:
        cell = nb.cells[i]
        if cell.source != setup_cell_source(repo_url):
            found.append(f"cell {i}: set-up cell differs from the canonical one")
        if "hide-input" not in cell.metadata.get("tags", []):
            found.append(f"cell {i}: set-up cell lacks the 'hide-input' tag")
    for j, why in collapsed_cells(nb, path.name).items():
        if not _is_collapsed(nb.cells[j]):
            found.append(f"cell {j}: {why} not collapsed (metadata jupyter.source_hidden"
                         + (", cellView 'form')" if nb.cells[j].cell_type == "code" else ")"))
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
    """Rewrite set-up cell, badge and collapsed-cell metadata, clear outputs; True if the file changed."""
    before = path.read_text(encoding="utf-8")
    nb = nbformat.read(path, as_version=4)
    i = setup_cell_index(nb)
    if i is None:
        raise SystemExit(f"error: {path}: no set-up cell; add a code cell whose first line contains {SETUP_MARKER!r}")
    nb.cells[i].source = setup_cell_source(repo_url)
    tags = nb.cells[i].metadata.setdefault("tags", [])
    if "hide-input" not in tags:
        tags.append("hide-input")
    for j in collapsed_cells(nb, path.name):
        _collapse(nb.cells[j])
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


def page_problems(root: Path, repo_url: str) -> list[str]:
    """``git clone`` lines of :data:`CLONE_PAGES` that do not clone ``repo_url``."""
    found = []
    for page in CLONE_PAGES:
        path = root / page
        if path.is_file():
            for url in CLONE_RE.findall(path.read_text(encoding="utf-8")):
                if url[1] != repo_url:
                    found.append(f"{page}: `git clone {url[1]}` should clone {repo_url}")
    return found


def sync_pages(root: Path, repo_url: str) -> list[str]:
    """Rewrite the ``git clone`` lines of :data:`CLONE_PAGES`; return the pages changed."""
    changed = []
    for page in CLONE_PAGES:
        path = root / page
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            new = CLONE_RE.sub(lambda m: m.group(1) + repo_url, text)
            if new != text:
                path.write_text(new, encoding="utf-8")
                changed.append(page)
    return changed


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
        try:
            if args.check:
                found = problems(path, url, branch)
                for line in found:
                    print(f"{_show(path)}: {line}")
                bad += bool(found)
            elif sync(path, url, branch):
                print(f"rewrote {_show(path)}")
        except SolutionMarkupError as exc:  # an unbalanced {solution-start}/{solution-end}: nothing written
            print(f"error: {exc}", file=sys.stderr)
            bad += 1
    if args.check:
        print(f"{len(paths) - bad}/{len(paths)} notebooks clean")
    if not args.notebooks:  # the whole book: also the pages that name the repository
        if args.check:
            found = page_problems(ROOT, url)
            for line in found:
                print(line)
            bad += bool(found)
        else:
            for page in sync_pages(ROOT, url):
                print(f"rewrote {page}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
