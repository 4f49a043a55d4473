"""The committed chapter notebooks: clean (no outputs), canonical set-up cell, and the shape every chapter
must have (CONTRACT.md "Book conventions"): Chinese title, learning goals, `import gcdg_lite`, a
"what we measured" assert, exercises with hidden solutions and registered auto-checkers."""
import re

import nbformat
import pytest
import yaml

from _book_helpers import CHAPTERS, ROOT, chapter_notebook, sync_notebooks

URL, BRANCH = sync_notebooks.read_repository()
LABEL = re.compile(r":label:\s*(ex-ch(\d+)-(\w+))")
CHECK = re.compile(r"""gl\.exercises\.check\(\s*["'](ch\d+\.\w+)["']""")


def _load(stem):
    path = ROOT / "notebooks" / f"{stem}.ipynb"
    assert path.is_file(), f"chapter notebook {path.relative_to(ROOT)} is missing"
    return path, nbformat.read(path, as_version=4)


def _exercise_blocks(nb):
    """[(label, scaffold cells, solution cells)] in notebook order."""
    blocks, current, inside = [], None, False
    for cell in nb.cells:
        src = cell.source
        if cell.cell_type == "markdown" and "{exercise}" in src:
            title = src.split("{exercise}", 1)[1].splitlines()[0]
            # a backtick in a ````{exercise} fence's title stops MyST from parsing the directive at all
            assert "`" not in title, f"exercise title {title.strip()!r}: drop the backticks"
            m = LABEL.search(src)
            current = [m.group(1) if m else None, [], []]
            blocks.append(current)
        elif cell.cell_type == "markdown" and "{solution-start}" in src:
            inside = True
        elif cell.cell_type == "markdown" and "{solution-end}" in src:
            inside = False
        elif current is not None and cell.cell_type == "code":
            current[2 if inside else 1].append(cell)
    return blocks


@pytest.mark.parametrize("stem", list(CHAPTERS))
def test_committed_without_outputs(stem):
    path, nb = _load(stem)
    dirty = sync_notebooks.has_outputs(nb)
    assert not dirty, f"{path.name}: cells {dirty} carry outputs; run `python tools/sync_notebooks.py`"
    assert "widgets" not in nb.metadata, f"{path.name}: saved widget state; strip it"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


@pytest.mark.parametrize("stem", list(CHAPTERS))
def test_setup_cell_and_badge_are_canonical(stem):
    path, nb = _load(stem)
    problems = sync_notebooks.problems(path, URL, BRANCH)
    assert not problems, f"{path.name}: {problems}; run `python tools/sync_notebooks.py`"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].source == sync_notebooks.setup_cell_source(URL), "the set-up cell must be the first code cell"


@pytest.mark.parametrize("stem", list(CHAPTERS))
def test_title_goals_and_import(stem):
    path, nb = _load(stem)
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    title = first.source.lstrip().splitlines()[0]
    # the book numbers the chapters (_toc.yml `numbered`, so that exercises read "Exercise 4.1"): a typed
    # number would show twice ("4. 4. Code example")
    assert re.match(r"#\s+[A-Z]", title), f"{path.name}: title {title!r} should be '# Name (中文)', no typed number"
    assert CHAPTERS[stem] in title, f"{path.name}: title lacks the source's Chinese title {CHAPTERS[stem]}"
    assert re.search(r"learning goals", first.source, re.I), f"{path.name}: no learning goals in the first cell"
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert re.search(r"^\s*import gcdg_lite\b", code, re.M), f"{path.name}: never imports gcdg_lite"
    assert re.search(r"^\s*B\s*=\s*gl\.budget\(", code, re.M), f"{path.name}: sizes must come from gl.budget()"


@pytest.mark.parametrize("stem", list(CHAPTERS))
def test_what_we_measured_asserts(stem):
    path, nb = _load(stem)
    checks = re.compile(r"^\s*assert\b|^\s*\w+\.assert_all\(\)", re.M)   # asserts, or gl.claims.Claims
    assert any(checks.search(c.source) for c in nb.cells if c.cell_type == "code"), \
        f"{path.name}: no 'what we measured' cell with assert statements or claims.assert_all()"


#: the longest code cell a chapter may have (issue 21): a longer one is split at its seams, or its claims
#: move beside the prose they back (``gl.claims.Claims``, in cells tagged ``remove-input``)
MAX_CELL_LINES = 40


@pytest.mark.parametrize("stem", list(CHAPTERS))
def test_no_code_cell_is_longer_than_40_lines(stem):
    path, nb = _load(stem)
    long = {i: len(c.source.splitlines()) for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and len(c.source.splitlines()) > MAX_CELL_LINES}
    assert not long, f"{path.name}: code cells (index: lines) {long} are longer than {MAX_CELL_LINES} lines; split them"


@pytest.mark.parametrize("stem", list(CHAPTERS))
def test_claims_are_checked_in_hidden_cells_and_shown_once(stem):
    """A chapter that collects claims creates one collector, checks them in cells the book hides, and ends
    with the one cell that shows the table and fails on a false claim."""
    path, nb = _load(stem)
    code = [c for c in nb.cells if c.cell_type == "code" and "solution" not in c.metadata.get("tags", [])]
    checking = [c for c in code if re.search(r"^\s*claims\.check\(", c.source, re.M)]
    if not checking:
        pytest.skip(f"{path.name} collects no claims")
    made = [c for c in code if "gl.claims.Claims(" in c.source]
    shown = [c for c in code if re.search(r"^claims\.assert_all\(\)\s*$", c.source, re.M)]
    assert len(made) == 1 and len(shown) == 1, f"{path.name}: one gl.claims.Claims(...) and one claims.assert_all()"
    assert code.index(made[0]) <= code.index(checking[0]) and code.index(shown[0]) >= code.index(checking[-1])
    assert shown[0].source.rstrip().endswith("claims.assert_all()"), "assert_all() is the last line: it shows the table"
    hidden = [c for c in checking if "remove-input" in c.metadata.get("tags", [])]
    assert hidden == checking, f"{path.name}: tag every cell that checks claims 'remove-input'"


@pytest.mark.parametrize("stem", list(CHAPTERS))
def test_exercises_have_scaffolds_hidden_solutions_and_checkers(stem):
    from gcdg_lite import exercises

    path, nb = _load(stem)
    n = int(stem[:2])
    blocks = _exercise_blocks(nb)
    assert blocks, f"{path.name}: no exercises"
    starts = [c.source for c in nb.cells if c.cell_type == "markdown" and "{solution-start}" in c.source]
    ends = [c for c in nb.cells if c.cell_type == "markdown" and "{solution-end}" in c.source]
    assert len(starts) == len(ends) == len(blocks), f"{path.name}: every exercise needs one solution-start/-end"
    registered = set(exercises.keys())
    for (label, scaffold, solution), start in zip(blocks, starts):
        assert label and label.startswith(f"ex-ch{n}-"), f"{path.name}: exercise label {label!r}"
        assert label in start and ":class: dropdown" in start, f"{path.name}: solution of {label} must be a dropdown"
        keys = {k for c in scaffold for k in CHECK.findall(c.source)}
        assert keys, f"{path.name}: {label} has no scaffold cell calling gl.exercises.check"
        assert any(re.search(r"^\s*answer\s*=", c.source, re.M) for c in scaffold), \
            f"{path.name}: {label} scaffold must assign `answer = ...` (e.g. `answer = None  # your code`)"
        assert solution and all("solution" in c.metadata.get("tags", []) for c in solution), \
            f"{path.name}: {label} solution code cells must be tagged 'solution'"
        assert {k for c in solution for k in CHECK.findall(c.source)} >= keys, \
            f"{path.name}: {label} solution must end by calling gl.exercises.check"
        missing = keys - registered
        assert not missing, f"{path.name}: no checker registered for {missing} (gcdg_lite/exercises/ch{n}.py)"


def test_toc_lists_exactly_the_six_chapters():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    chapters = [f.split("/", 1)[1] for f in files if f.startswith("notebooks/")]
    assert chapters == list(CHAPTERS)
    for f in [toc["root"], *files]:
        assert any((ROOT / f).with_suffix(s).is_file() for s in (".md", ".ipynb")), f


def test_the_checks_catch_a_dirty_or_drifted_notebook(tmp_path):
    """The clean-notebook checks are not vacuous: outputs and an edited set-up cell are reported."""
    path = tmp_path / "01_demo.ipynb"
    nbformat.write(chapter_notebook(1), path)
    assert sync_notebooks.problems(path, URL, BRANCH) == []
    nb = chapter_notebook(1, with_outputs=True)
    nb.cells[1].source = nb.cells[1].source.replace("gcdg-book/gcdg-book", "someone/fork")
    nbformat.write(nb, path)
    found = " ".join(sync_notebooks.problems(path, URL, BRANCH))
    assert "outputs" in found and "set-up cell differs" in found


#: the widest code line a chapter may show: sphinx-book-theme's code column holds 89 characters of its 14 px
#: monospace in a browser window 1440 px wide or wider, 85 at 1024 px (measured in headless Chromium on a
#: built page); a wider line scrolls sideways. Cells the book hides (``remove-input``, ``hide-input``,
#: ``remove-cell``) are not checked; solutions are (their dropdown shows the code).
MAX_SHOWN_WIDTH = 88
HIDDEN_INPUT = {"remove-input", "hide-input", "remove-cell"}


def _too_wide(nb, limit=MAX_SHOWN_WIDTH):
    """``[(cell id, line number, width)]`` of every shown code line wider than ``limit``."""
    return [(c.get("id"), k + 1, len(line)) for c in nb.cells
            if c.cell_type == "code" and not HIDDEN_INPUT & set(c.metadata.get("tags", []))
            for k, line in enumerate(c.source.splitlines()) if len(line) > limit]


@pytest.mark.parametrize("stem", list(CHAPTERS))
def test_no_shown_code_line_is_wider_than_the_code_column(stem):
    path, nb = _load(stem)
    wide = _too_wide(nb)
    assert not wide, (f"{path.name}: code lines (cell id, line, width) {wide} are wider than {MAX_SHOWN_WIDTH} "
                      "characters and would scroll sideways in the book; reflow them")


def test_the_width_check_sees_shown_cells_only():
    nb = chapter_notebook(1)
    nb.cells.append(nbformat.v4.new_code_cell("x = 1  # " + "w" * 100))
    nb.cells.append(nbformat.v4.new_code_cell("y = 2  # " + "w" * 100, metadata={"tags": ["remove-input"]}))
    wide = _too_wide(nb)
    assert len(wide) == 1 and wide[0][1:] == (1, 109)
