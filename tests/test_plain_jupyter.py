"""The chapters read right outside the book: in JupyterLab, Jupyter Notebook or Colab, without Sphinx.

A Sphinx role (``{cite}`key```, ``{term}`...```, ``{doc}`...```) shows there as raw markup, and a
backtick-fenced directive (````` ```{exercise} `````) as a code block that hides its Markdown. The
chapters therefore write

* citations as links to the BibTeX key, ``[(Goodfellow et al., 2014)](#goodfellow2014gan)`` (MyST resolves
  ``#key`` through sphinxcontrib-bibtex, so the book shows its usual citation; Jupyter shows the text),
  glossary terms as ``[text](<#lowercase term>)`` and pages as ``[text](../book/page.md)``;
* exercises and solution markers as colon fences (``:::{exercise} Title``), whose body is plain Markdown;
* every cell of a worked solution collapsed (``metadata.jupyter.source_hidden``), so it does not sit in
  plain view under its exercise; ``tools/sync_notebooks.py`` sets that.

The last test renders the chapters' Markdown as Jupyter does (nbconvert's lab template, collapsed cells left
out) and counts the MyST marks a reader would see: only each exercise's opening line and closing fence.
"""
import html
import re

import nbformat
import pytest

from _book_helpers import CHAPTERS, ROOT, chapter_notebook, student_copies, sync_notebooks

#: colon-fenced directives whose body reads as Markdown in Jupyter (and whose fence lines are short)
DEGRADE_WELL = {"exercise", "solution-start", "solution-end", "note", "tip", "hint", "warning", "important"}
ROLE = re.compile(r"\{[a-zA-Z][\w:-]*\}`")
BACKTICK_DIRECTIVE = re.compile(r"^\s*`{3,}\s*\{([^}]+)\}", re.M)
COLON_DIRECTIVE = re.compile(r"^\s*:{3,}\s*\{([^}]+)\}", re.M)
SPHINX_MARKS = re.compile(r"\{(?:cite|term|doc|ref|numref|eq|exercise|solution-start|solution-end|glossary|"
                          r"bibliography|figure|note)[^}]*\}|:::")


def _without_code(text: str) -> str:
    """Markdown text without fenced code blocks and inline code spans (examples may show roles)."""
    text = re.sub(r"^(\s*)(`{3,})[^`\n]*\n.*?^\1\2\s*$", "", text, flags=re.M | re.S)
    text = re.sub(r"(`{2,}).+?\1", "", text, flags=re.S)
    return re.sub(r"(?<![}`])`[^`\n]+`", "", text)  # a `code` span, but not the argument of a {role}`...`


def raw_myst(source: str) -> list[str]:
    """The MyST syntax in one Markdown cell that would show as raw markup in plain Jupyter."""
    found = [f"backtick-fenced directive {{{name}}}" for name in BACKTICK_DIRECTIVE.findall(source)]
    found += [f"directive {{{name}}} (not one that reads in Jupyter)" for name in COLON_DIRECTIVE.findall(source)
              if name.strip() not in DEGRADE_WELL]
    found += [f"role {m.group(0)}" for m in ROLE.finditer(_without_code(source))]
    return found


def _chapters():
    return [(stem, nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)) for stem in CHAPTERS]


@pytest.mark.parametrize("stem", list(CHAPTERS))
def test_no_sphinx_only_markup_in_markdown_cells(stem):
    nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    bad = {i: raw_myst(c.source) for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and raw_myst(c.source)}
    assert not bad, (f"{stem}: cells show raw MyST in Jupyter/Colab: {bad}. Write citations as "
                     "[(Author, Year)](#bibkey), exercises as :::{exercise} (see this test's docstring)")


def test_the_check_catches_what_jupyter_would_show_raw():
    assert raw_myst("GANs {cite}`goodfellow2014gan` are") == ["role {cite}`"]
    assert raw_myst("a {term}`latent vector <latent vector>`") == ["role {term}`"]
    assert raw_myst("````{exercise} Add\n:label: ex-ch1-1\n\nCompute.\n````") == ["backtick-fenced directive {exercise}"]
    assert raw_myst("```{solution-start} ex-ch1-1\n:class: dropdown\n```") == [
        "backtick-fenced directive {solution-start}"]
    assert raw_myst(":::{figure} a.png\n:::") == ["directive {figure} (not one that reads in Jupyter)"]
    # the forms the chapters use pass, and so do roles shown as code examples
    assert raw_myst(":::{exercise} Add\n:label: ex-ch1-1\n\nCompute `1 + 1`.\n\n```python\nx = 1\n```\n:::") == []
    assert raw_myst("GANs [(Goodfellow et al., 2014)](#goodfellow2014gan); write ``{cite}`key` `` in a page") == []


@pytest.mark.parametrize("stem", list(CHAPTERS))
def test_solutions_are_collapsed_and_still_run(stem):
    path = ROOT / "notebooks" / f"{stem}.ipynb"
    nb = nbformat.read(path, as_version=4)
    spans = student_copies.solution_spans(nb, path.name)
    assert spans
    for first, last in spans:
        for cell in nb.cells[first:last + 1]:
            assert cell.metadata.get("jupyter", {}).get("source_hidden") is True, f"{stem}: {cell.source[:60]!r}"
            if cell.cell_type == "code":
                assert cell.metadata.get("cellView") == "form"  # Colab's form view hides the code
                # nothing stops the book or nbval from executing it
                assert not {"skip-execution", "remove-cell"} & set(cell.metadata.get("tags", []))
        first_cell = nb.cells[first - 1] if first else None
        assert first_cell is not None and not first_cell.metadata.get("jupyter", {}).get("source_hidden"), \
            f"{stem}: the scaffold or exercise before a solution must stay visible"


def _visible_markdown_text(nb) -> str:
    """The text of the Markdown cells as nbconvert's lab template renders them, collapsed cells left out."""
    from nbconvert import HTMLExporter

    shown = nbformat.v4.new_notebook()
    shown.cells = [c for c in nb.cells if c.cell_type == "markdown"
                   and not c.metadata.get("jupyter", {}).get("source_hidden")]
    body, _ = HTMLExporter(template_name="lab", exclude_input_prompt=True).from_notebook_node(shown)
    body = body.split("<body", 1)[1]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)  # keep only what a reader sees
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_rendered_chapters_show_only_the_exercise_fences():
    pytest.importorskip("nbconvert")
    for stem, nb in _chapters():
        text = _visible_markdown_text(nb)
        exercises = sum(c.source.lstrip().startswith(":::{exercise}") for c in nb.cells if c.cell_type == "markdown")
        marks = SPHINX_MARKS.findall(text)
        if stem == "01_background":
            assert "(Goodfellow et al., 2014)" in text and "(#" not in text  # a citation reads as author, year
        assert sorted(set(marks)) <= [":::", "{exercise}"], f"{stem}: {sorted(set(marks))}"
        assert len(marks) == 3 * exercises, f"{stem}: {len(marks)} raw marks for {exercises} exercises"


def test_rendered_check_is_not_vacuous():
    pytest.importorskip("nbconvert")
    nb = chapter_notebook(1)
    assert SPHINX_MARKS.findall(_visible_markdown_text(nb)) == [":::", "{exercise}", ":::"]
    nb.cells[3].source = "````{exercise} Add\n:label: ex-ch1-1\n\nCompute.\n````\n\nSee {cite}`goodfellow2014gan`."
    nb.cells[5].metadata = {}
    marks = SPHINX_MARKS.findall(_visible_markdown_text(nb))
    assert "{cite}" in marks and "{solution-start}" in marks
    assert sync_notebooks.collapsed_cells(nb) == {1: "set-up cell", 5: "solution", 6: "solution", 7: "solution",
                                                  8: "solution"}
