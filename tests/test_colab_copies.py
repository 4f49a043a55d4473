"""tools/colab_copies.py: the Colab copies in colab/ are up to date, read without raw MyST, number the exercises as
the book does, keep the solutions collapsed and run the chapters' own code; the Colab links open them."""
from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
import yaml
from nbconvert import MarkdownExporter

from _book_helpers import ROOT, chapter_notebook, student_copies, sync_notebooks

import colab_copies  # noqa: E402  (tools/, on sys.path through _book_helpers)

CHAPTER_PATHS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
#: what the book's MyST looks like where nothing turned it into Markdown
RAW_MYST = re.compile(r":::\{|```\{|^\s*:(label|class|nonumber):|\{(term|cite[\w:]*|ref|numref|doc|eq|math|"
                      r"solution-start|solution-end|exercise)\}|^\s*\([^()\s]+\)=\s*$|^\+\+\+\s*$|\]\(<?#", re.M)
EXERCISE_HEADING = re.compile(r"^### Exercise (?P<number>\d+\.\d+) — (?P<title>.+)$", re.M)


def _copy(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / colab_copies.COLAB_DIR / path.name, as_version=4)


def _heading(cell) -> int | None:
    match = re.match(r"^(#{1,6})\s", cell.source) if cell.cell_type == "markdown" else None
    return len(match.group(1)) if match else None


def test_committed_copies_are_up_to_date():
    stale = colab_copies.stale_copies(ROOT)
    assert not stale, f"{stale} differ from their chapters: run `python tools/colab_copies.py`"


@pytest.mark.parametrize("path", CHAPTER_PATHS, ids=lambda p: p.stem)
def test_copy_reads_without_raw_myst(path):
    markdown, _ = MarkdownExporter().from_notebook_node(_copy(path))
    marks = sorted({m.group(0).strip() for m in RAW_MYST.finditer(markdown)})
    assert not marks, f"colab/{path.name} shows raw MyST through nbconvert: {marks}"
    relative = re.findall(r"\]\((?![a-z]+:|#)[^)]*\)", markdown)
    assert not relative, f"colab/{path.name}: links that lead nowhere from Colab: {relative}"
    chapter_text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
    assert RAW_MYST.search(chapter_text), "the pattern must find the chapter's own MyST (else it proves nothing)"


@pytest.mark.parametrize("path", CHAPTER_PATHS, ids=lambda p: p.stem)
def test_exercises_numbered_as_in_the_book(path):
    chapter = colab_copies.chapter_numbers(ROOT / "_toc.yml")[path.stem]
    nb = nbformat.read(path, as_version=4)
    titles = [re.match(r":::\{exercise\}\s*(.*)", c.source).group(1).strip()
              for c in nb.cells if c.cell_type == "markdown" and c.source.startswith(":::{exercise}")]
    copy = _copy(path)
    found = [m for c in copy.cells if c.cell_type == "markdown" for m in EXERCISE_HEADING.finditer(c.source)]
    assert titles, f"{path.name} has no exercise"
    assert [m["number"] for m in found] == [f"{chapter}.{k}" for k in range(1, len(titles) + 1)]
    assert [m["title"] for m in found] == titles
    # the number in the heading is the one the checker prints ("Exercise 2.1"): gl.exercises.check("ch2.1", ...)
    code = "\n".join(c.source for c in copy.cells if c.cell_type == "code")
    for m in found:
        assert f'gl.exercises.check("ch{m["number"]}"' in code, f"no checker for Exercise {m['number']}"


@pytest.mark.parametrize("path", CHAPTER_PATHS, ids=lambda p: p.stem)
def test_solutions_present_and_collapsed(path):
    nb = nbformat.read(path, as_version=4)
    spans = student_copies.solution_spans(nb, path.name)
    copy = _copy(path)
    collapsed = copy.metadata["colab"]["collapsed_sections"]
    headings = [i for i, c in enumerate(copy.cells) if c.cell_type == "markdown"
                and re.match(r"#### Solution to Exercise \d+\.\d+ \(click to expand\)$", c.source.split("\n")[0])]
    assert len(headings) == len(spans) >= 1
    for k, i in enumerate(headings):
        cell = copy.cells[i]
        assert cell.metadata["id"] == cell["id"] and cell["id"] in collapsed  # Colab: section collapsed
        end = next((j for j in range(i + 1, len(copy.cells)) if (_heading(copy.cells[j]) or 9) <= 4), len(copy.cells))
        section = copy.cells[i + 1:end]
        first, last = spans[k]
        want_code = [c.source for c in nb.cells[first:last + 1] if c.cell_type == "code"]
        assert [c.source for c in section if c.cell_type == "code"] == want_code, "a solution's code was lost"
        assert section and all(c.metadata.get("jupyter", {}).get("source_hidden") is True for c in section)
        assert all(c.metadata.get("cellView") == "form" for c in section if c.cell_type == "code")
    assert collapsed == [copy.cells[i]["id"] for i in headings]


@pytest.mark.parametrize("path", CHAPTER_PATHS, ids=lambda p: p.stem)
def test_copy_runs_the_chapters_code_and_opens_itself(path):
    nb, copy = nbformat.read(path, as_version=4), _copy(path)
    assert [c.source for c in copy.cells if c.cell_type == "code"] == [c.source for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in copy.cells if c.cell_type == "code")
    url, branch = sync_notebooks.read_repository()
    badge = sync_notebooks.colab_url(url, branch, path)
    assert badge.endswith(f"/blob/{branch}/colab/{path.name}")
    assert badge in copy.cells[0].source and badge in nb.cells[0].source  # chapter and copy both open the copy
    assert copy.metadata["gcdg"]["colab_copy_of"] == f"notebooks/{path.name}"
    nbformat.validate(copy)


# --- the tool, on a small repository of its own -----------------------------------------------------------

def _repo(tmp_path: Path) -> Path:
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "book").mkdir()
    shutil.copy(ROOT / "book" / "references.bib", tmp_path / "book" / "references.bib")
    (tmp_path / "_config.yml").write_text("repository:\n  url: https://github.com/me/fork\n  branch: dev\n")
    (tmp_path / "_toc.yml").write_text(yaml.safe_dump({"format": "jb-book", "root": "book/intro", "parts": [
        {"caption": "a", "chapters": [{"file": "book/intro"}]},
        {"caption": "b", "numbered": 1, "chapters": [{"file": "notebooks/03_demo"}]}]}))
    nb = chapter_notebook(3)
    nb.cells[3].source = (":::{exercise} Add\n:label: ex-ch3-1\n\nCompute 1 + 1, as in "
                          "[(Goodfellow et al., 2014)](#goodfellow2014gan), with a [GAN](<#gan>) "
                          "([notes](../book/source_notes.md), ![plot](./fig.png), [chapter 1](01_background.ipynb)).\n:::")
    nbformat.write(nb, tmp_path / "notebooks" / "03_demo.ipynb")
    return tmp_path


def test_write_check_and_determinism(tmp_path, capsys):
    root = _repo(tmp_path)
    assert colab_copies.main(["--root", str(root), "--check"]) == 1
    assert "colab/03_demo.ipynb is out of date: run `python tools/colab_copies.py`" in capsys.readouterr().out
    assert colab_copies.main(["--root", str(root)]) == 0
    target = root / "colab" / "03_demo.ipynb"
    first = target.read_bytes()
    assert colab_copies.main(["--root", str(root)]) == 0 and target.read_bytes() == first  # byte-identical
    assert colab_copies.main(["--root", str(root), "--check"]) == 0
    text = "\n".join(c.source for c in nbformat.read(target, as_version=4).cells)
    # the toc numbers this file as chapter 1 (its only numbered chapter), so the book says "Exercise 1.1"
    assert "### Exercise 1.1 — Add" in text and "#### Solution to Exercise 1.1 (click to expand)" in text
    assert "as in (Goodfellow et al., 2014), with a GAN ([notes](https://github.com/me/fork/blob/dev/book/" \
           "source_notes.md), ![plot](https://raw.githubusercontent.com/me/fork/dev/notebooks/fig.png), [chapter 1]" \
           "(https://colab.research.google.com/github/me/fork/blob/dev/colab/01_background.ipynb))." in text
    assert "## References" in text and "*Generative Adversarial Nets*" in text
    chapter = root / "notebooks" / "03_demo.ipynb"
    nb = nbformat.read(chapter, as_version=4)
    nb.cells[2].source += "\nprint('edited')"
    nbformat.write(nb, chapter)
    capsys.readouterr()
    assert colab_copies.main(["--root", str(root), "--check"]) == 1
    assert target.read_bytes() == first  # --check changes nothing
    assert "colab/03_demo.ipynb is out of date" in capsys.readouterr().out
    (root / "colab" / "09_gone.ipynb").write_text("{}")
    assert colab_copies.main(["--root", str(root)]) == 0
    assert not (root / "colab" / "09_gone.ipynb").exists() and "print('edited')" in target.read_text()


def _convert(source: str) -> str:
    ctx = colab_copies.Context("x.ipynb", 2, colab_copies.read_bibliography())
    return ctx.resolve(colab_copies.convert_markdown(source, ctx, "cell 0"))


def test_references_to_exercises_further_down_get_their_number():
    ctx = colab_copies.Context("x.ipynb", 2, colab_copies.read_bibliography())
    before = colab_copies.convert_markdown("Try {numref}`Exercise {number} <ex-ch2-2>` and {ref}`ex-ch2-1`.", ctx, "c0")
    first = colab_copies.convert_markdown(":::{exercise} One\n:label: ex-ch2-1\n\nA.\n:::", ctx, "c1")
    unnumbered = colab_copies.convert_markdown(":::{exercise} Aside\n:nonumber:\n\nB.\n:::", ctx, "c2")
    second = colab_copies.convert_markdown(":::{exercise}\n:label: ex-ch2-2\n\nC.\n:::", ctx, "c3")
    assert ctx.resolve(before) == "Try Exercise 2.2 and Exercise 2.1."
    assert first == "### Exercise 2.1 — One\n\nA." and unnumbered.startswith("### Exercise — Aside")
    assert second.startswith("### Exercise 2.2\n")


def test_myst_forms_become_plain_markdown():
    src = ("(sec-x)=\n## Title\n\n+++\n% a comment\nA {term}`GAN` and {term}`critics <critic>`, {cite:p}`goodfellow2014gan`"
           " and {cite:t}`goodfellow2014gan,donahue2019wavegan`; see {ref}`the set-up <sec-setup>`, {math}`x^2`.\n\n"
           ":::{note} Careful\nThe $D$ is a **critic**.\n:::\n\n```{admonition} Why\n:class: dropdown\nBecause.\n```\n\n"
           "```python\n:::{not-a-directive}\n```\n\n$$ a = b $$ (eq-ab)\n\nKeep `{term}`x`` code.")
    out = _convert(src)
    assert "## Title" in out and "(sec-x)=" not in out and "+++" not in out and "a comment" not in out
    assert "A GAN and critics, (Goodfellow et al., 2014)" in out
    assert "Goodfellow et al. (2014); Donahue et al. (2019)" in out
    assert "see the set-up, $x^2$." in out
    assert "> **Note: Careful**\n>\n> The $D$ is a **critic**." in out
    assert "<details>\n<summary>Why</summary>\n\nBecause.\n\n</details>" in out
    assert "```python\n:::{not-a-directive}\n```" in out  # code blocks are left alone
    assert "$$ a = b $$\n" in out + "\n"


def test_unknown_markup_is_refused_by_name():
    with pytest.raises(colab_copies.ColabMarkupError, match=r"x\.ipynb, cell 0: directive \{tabbed\}"):
        _convert(":::{tabbed} A\ntext\n:::")
    with pytest.raises(colab_copies.ColabMarkupError, match=r"role \{glue\}"):
        _convert("The value {glue}`loss`.")
    with pytest.raises(colab_copies.ColabMarkupError, match="'nobody1999' is not in book/references.bib"):
        _convert("{cite:p}`nobody1999`")


def test_a_solution_in_one_cell():
    nb = chapter_notebook(2)
    nb.cells[5:9] = [nbformat.v4.new_markdown_cell(
        ":::{solution-start} ex-ch2-1\n:class: dropdown\n:::\nOne plus one is {term}`two <gan>`.\n:::{solution-end}\n:::")]
    copy = colab_copies.colab_copy(nb, "02_demo.ipynb", 2, colab_copies.read_bibliography())
    cell = copy.cells[5]
    assert cell.source == "#### Solution to Exercise 2.1 (click to expand)\n\nOne plus one is two."
    assert copy.metadata["colab"]["collapsed_sections"] == [cell["id"]] and cell.metadata["id"] == cell["id"]


def test_a_solution_must_end_at_a_heading(tmp_path, capsys):
    root = _repo(tmp_path)
    path = root / "notebooks" / "03_demo.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[-1].source = "Prose right after the solution, which Colab would fold away with it."
    nbformat.write(nb, path)
    assert colab_copies.main(["--root", str(root)]) == 1
    assert "must be followed by a heading" in capsys.readouterr().err and not (root / "colab").exists()


def test_bibliography_names_and_years():
    works = colab_copies.read_bibliography()
    assert works["goodfellow2014gan"].authors == "Goodfellow et al." and works["goodfellow2014gan"].year == "2014"
    assert works["arjovsky2017principled"].authors == "Arjovsky and Bottou"
    assert all("{" not in w.reference and "\\" not in w.reference for w in works.values())


# --- the book and the test runner leave the copies alone; the book's Colab button opens them ----------------

def test_copies_are_outside_the_book_and_nbval():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert "colab" in config["exclude_patterns"] and "colab/**" in config["exclude_patterns"]
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    norecurse = re.search(r"^norecursedirs\s*=\s*\[(.*)\]", pyproject, re.M).group(1)
    assert '"colab"' in norecurse and '"colab"' not in re.search(r"^testpaths.*$", pyproject, re.M).group(0)


def _extension():
    spec = importlib.util.spec_from_file_location("gcdg_book_ext", ROOT / "book" / "_ext" / "gcdg_book.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_launch_button_opens_the_colab_copy():
    ext = _extension()
    base = "https://colab.research.google.com/github/me/fork/blob/dev/"
    assert ext.colab_copy_url(base + "notebooks/02_core_concepts.ipynb") == base + "colab/02_core_concepts.ipynb"
    assert ext.colab_copy_url(base + "docs/notebooks/02_x.ipynb") == base + "docs/colab/02_x.ipynb"
    assert ext.colab_copy_url(base + "book/intro.ipynb") == base + "book/intro.ipynb"
    app = SimpleNamespace(config=SimpleNamespace(language="en", html_theme_options={
        "launch_buttons": {"colab_url": "https://colab.research.google.com"}}))
    colab = {"text": "Colab", "url": base + "notebooks/02_core_concepts.ipynb"}
    binder = {"text": "Binder", "url": "https://mybinder.org/v2/gh/me/fork/dev?urlpath=tree/notebooks/02_core_concepts.ipynb"}
    context = {"header_buttons": [{"type": "group", "buttons": [binder, colab]}]}
    ext.launch_colab_copy(app, "notebooks/02_core_concepts", "page.html", context, None)
    assert colab["url"] == base + "colab/02_core_concepts.ipynb" and "notebooks/" in binder["url"]
    other = {"text": "Colab", "url": base + "notebooks/02_core_concepts.ipynb"}
    ext.launch_colab_copy(app, "book/intro", "page.html", {"header_buttons": [{"buttons": [other]}]}, None)
    assert other["url"].endswith("notebooks/02_core_concepts.ipynb")  # only chapter pages
    app.config.language = "zh_CN"  # the Chinese edition opens the Chinese copy
    zh = {"text": "Colab", "url": base + "notebooks/02_core_concepts.ipynb"}
    ext.launch_colab_copy(app, "notebooks/02_core_concepts", "page.html", {"header_buttons": [{"buttons": [zh]}]}, None)
    assert zh["url"] == base + "colab/zh_CN/02_core_concepts.ipynb"


# --- the Chinese copies (issue 26): colab/zh_CN/, from the chapters and the catalogs --------------------------

def _catalog(path: Path, pairs: dict[str, str]) -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    catalog = Catalog(locale="zh_CN")
    for msgid, msgstr in pairs.items():
        catalog.add(msgid, msgstr)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog, width=120)


def test_chinese_copies_are_written_from_the_catalogs_and_kept_in_step(tmp_path, capsys):
    root = _repo(tmp_path)
    po = root / colab_copies.CATALOGS / "03_demo.po"
    _catalog(po, {"Add": "加法", "Compute 1 + 1, as in [(Goodfellow et al., 2014)](#goodfellow2014gan), with a "
                  "[GAN](<#gan>) ([notes](../book/source_notes.md), ![plot](./fig.png), [chapter 1](01_background.ipynb)).":
                  "计算 1 + 1，如 [(Goodfellow et al., 2014)](#goodfellow2014gan) 所述，用一个[生成对抗网络](<#gan>)"
                  "（[笔记](../book/source_notes.md)，![图](./fig.png)，[第 1 章](01_background.ipynb)）。"})
    assert colab_copies.main(["--root", str(root)]) == 0
    target = root / "colab" / "zh_CN" / "03_demo.ipynb"
    zh, en = nbformat.read(target, as_version=4), nbformat.read(root / "colab" / "03_demo.ipynb", as_version=4)
    text = "\n".join(c.source for c in zh.cells if c.cell_type == "markdown")
    assert "### 练习 1.1 — 加法" in text and "#### 练习 1.1 的解答（点击展开）" in text and "## 参考文献" in text
    assert ("计算 1 + 1，如 (Goodfellow et al., 2014) 所述，用一个生成对抗网络（[笔记](https://github.com/me/fork/blob/dev/"
            "book/source_notes.md)") in text
    assert "[第 1 章](https://colab.research.google.com/github/me/fork/blob/dev/colab/zh_CN/01_background.ipynb)" in text
    zh_code = [c.source for c in zh.cells if c.cell_type == "code"]
    en_code = [c.source for c in en.cells if c.cell_type == "code"]
    assert zh_code[0] == colab_copies.CHINESE_SETUP + en_code[0] and zh_code[1:] == en_code[1:]
    assert zh.metadata["gcdg"]["translated_from"] == "locale/zh_CN/LC_MESSAGES/notebooks/03_demo.po"
    first = target.read_bytes()
    assert colab_copies.main(["--root", str(root)]) == 0 and target.read_bytes() == first  # byte-identical
    assert colab_copies.main(["--root", str(root), "--check"]) == 0
    _catalog(po, {"Add": "相加"})  # a translation changed: the Chinese copy is stale, the English one is not
    capsys.readouterr()
    assert colab_copies.main(["--root", str(root), "--check"]) == 1
    out = capsys.readouterr().out
    assert "colab/zh_CN/03_demo.ipynb is out of date" in out and "colab/03_demo.ipynb is out" not in out
    po.unlink()
    assert colab_copies.main(["--root", str(root)]) == 1
    assert "03_demo.po: cannot read the chapter's catalog" in capsys.readouterr().err


def test_messages_are_found_across_lines_and_quotes_in_one_pass():
    translations = {"A long message that wraps.": "一条换行的长消息。", "Summary": "小结", "wraps": "WRAPS"}
    finder = colab_copies.message_finder(translations)
    source = "## Summary\n\n> A long message\n> that wraps.\n\nThe Summary of it; Summaryx stays."
    out = colab_copies.translate_markdown(source, translations, finder)
    assert out == "## 小结\n\n> 一条换行的长消息。\n\nThe 小结 of it; Summaryx stays."
    assert colab_copies.translate_markdown("x", {}, colab_copies.message_finder({})) == "x"


@pytest.mark.parametrize("path", CHAPTER_PATHS, ids=lambda p: p.stem)
def test_chinese_copy_runs_the_chapters_code(path):
    nb, copy = nbformat.read(path, as_version=4), nbformat.read(ROOT / "colab" / "zh_CN" / path.name, as_version=4)
    code, chapter = [c.source for c in copy.cells if c.cell_type == "code"], [c.source for c in nb.cells if c.cell_type == "code"]
    assert code[0] == colab_copies.CHINESE_SETUP + chapter[0] and code[1:] == chapter[1:]
    assert all(not c.outputs and c.execution_count is None for c in copy.cells if c.cell_type == "code")
    nbformat.validate(copy)
