#!/usr/bin/env python3
"""Write the Colab copies of the chapter notebooks: the same code, with MyST turned into plain Markdown.

The chapters in ``notebooks/`` are written for the book (MyST: ``:::{exercise}``, ``:label:``,
``{solution-start}``, glossary and citation links that only the book resolves). Colab and plain Jupyter
show that markup as raw text, so the "Open in Colab" badges and the book's Colab button open a copy in
``colab/`` instead, written by this tool:

* ``:::{exercise} Title`` + ``:label: ex-ch2-1`` becomes a heading ``### Exercise 2.1 — Title`` (the book
  numbers exercises "Exercise N.k": N the chapter's number in ``_toc.yml``, k their order in the chapter);
* a worked solution (``{solution-start}`` … ``{solution-end}``) becomes a section under a heading
  ``#### Solution to Exercise 2.1`` that Colab shows collapsed (the heading's id is listed in the
  notebook's ``metadata.colab.collapsed_sections``); its cells stay hidden in JupyterLab
  (``metadata.jupyter.source_hidden``) and its code cells in Colab's form view (``cellView: form``);
* a glossary link ``[GANs](<#gan>)`` becomes its text; a citation link ``[(Goodfellow et al., 2014)](#key)``
  becomes its text, and the cited works are listed, from ``book/references.bib``, in a "References"
  cell at the end; roles (``{term}``, ``{cite:p}``, ``{ref}``, ``{numref}``, ``{doc}``, ``{math}``) become
  text (citations "(Author, Year)" from the BibTeX file); a link to another file of the repository
  (``../book/source_notes.md``) becomes a link to it on GitHub (``repository`` in ``_config.yml``), and
  one to another chapter (``01_background.ipynb``) a link that opens that chapter's Colab copy;
  admonitions become block quotes with a bold title, dropdowns ``<details>``; ``(target)=``, ``+++`` and ``%`` comment lines are dropped. Maths
  (``$…$``, ``$$…$$``) stays as it is: Colab typesets it with MathJax;
* outputs, execution counts and saved widget state are cleared; every code cell is the chapter's own.

Usage (from the repository root)::

    python tools/colab_copies.py            # (re)write colab/NN_*.ipynb from notebooks/NN_*.ipynb
    python tools/colab_copies.py --check    # change nothing; exit 1 naming each copy that is out of date

Run it after editing a chapter (after ``python tools/sync_notebooks.py``). The output is deterministic:
a second run writes byte-identical files. Markup it does not know (a directive or role not listed above)
stops it with an error naming the notebook and the cell, so no raw MyST reaches Colab unnoticed.
"""
from __future__ import annotations

import argparse
import functools
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

import i18n
from student_copies import END, START, SolutionMarkupError, solution_spans
from sync_notebooks import COLAB_DIR, colab_url, read_repository

ROOT = Path(__file__).resolve().parents[1]
ADMONITIONS = {"note", "tip", "hint", "important", "warning", "caution", "attention", "danger", "error",
               "seealso", "admonition", "margin", "sidebar", "topic", "epigraph"}
#: an opening fence of a directive: ``:::{name} argument`` or ```` ```{name} argument ````
DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>:{3,}|`{3,})\{(?P<name>[\w:-]+)\}[ \t]*(?P<arg>.*)$")
OPTION = re.compile(r"^[ \t]*:(?P<key>[\w-]+):[ \t]*(?P<value>.*)$")
ROLE = re.compile(r"\{(?P<name>[a-z][\w:-]*)\}`(?P<body>[^`]+)`")
TARGET_LINE = re.compile(r"^\s*\([^()\s]+\)=\s*$")
GLOSSARY_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\(<#[^>]+>\)")
HASH_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\(#(?P<keys>[^)\s]+)\)")
#: a link or image to a file of the repository, relative to the chapter: ``[notes](../book/source_notes.md)``
RELATIVE_LINK = re.compile(r"(?P<bang>!?)\[(?P<text>[^\]]*)\]\((?!<?#|[a-zA-Z][\w+.-]*:)<?(?P<path>[^)\s>]+)>?\)")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)
EQ_LABEL = re.compile(r"(\$\$)[ \t]*\([^()\s]+\)[ \t]*$", re.M)
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s")


class ColabMarkupError(ValueError):
    """MyST markup that the Colab copy cannot show as plain Markdown (named, with its notebook and cell)."""


# --------------------------------------------------------------------------------------------- references
@dataclass(frozen=True)
class Work:
    """One BibTeX entry, reduced to what a reader of a Colab copy needs."""

    key: str
    authors: str   # "Goodfellow et al.", "Arjovsky and Bottou", "eSpeak NG"
    year: str
    reference: str  # one line of Markdown: authors, year, title, venue, link


@functools.lru_cache(maxsize=None)
def _latex_text(value: str) -> str:
    """A BibTeX field as plain text (braces, ``\\&`` and ``--`` resolved by pybtex's LaTeX parser, which is
    slow enough (tens of ms a call) to be skipped for text without LaTeX)."""
    if not re.search(r"[{}\\~$]|--", value):
        return " ".join(value.split())
    from pybtex.richtext import Text
    return " ".join(Text.from_latex(value).render_as("text").split())


def _names(persons) -> list[str]:
    return [_latex_text(" ".join(p.prelast_names + p.last_names)) for p in persons]


def read_bibliography(path: Path = ROOT / "book" / "references.bib") -> dict[str, Work]:
    """``{key: Work}`` for every entry of the BibTeX file at ``path`` (parsed by pybtex)."""
    return dict(_bibliography(path.read_text(encoding="utf-8")))


@functools.lru_cache(maxsize=4)
def _bibliography(text: str) -> tuple[tuple[str, Work], ...]:
    from pybtex.database import parse_string

    works = {}
    for key, entry in parse_string(text, bib_format="bibtex").entries.items():
        names = _names(entry.persons.get("author") or entry.persons.get("editor") or [])
        more = bool(names) and names[-1].lower() == "others"  # BibTeX's "and others"
        names = names[:-1] if more else names
        if not names:
            names = [_latex_text(entry.fields.get("organization") or entry.fields.get("institution") or key)]
        if len(names) >= 3 or (more and len(names) >= 1):
            short = f"{names[0]} et al."
        else:
            short = " and ".join(names)
        year = entry.fields.get("year", "n.d.")
        full = (", ".join(names) + " et al.") if more else (
            ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1])
        parts = [f"{full} ({year}).", f"*{_latex_text(entry.fields['title'])}*." if "title" in entry.fields else ""]
        venue = next((entry.fields[f] for f in ("journal", "booktitle", "publisher", "howpublished",
                                                 "institution", "school") if f in entry.fields), "")
        if venue and not venue.lstrip().startswith("\\url"):
            parts.append(f"{_latex_text(venue)}.")
        link = (f"https://doi.org/{entry.fields['doi']}" if "doi" in entry.fields else entry.fields.get("url", ""))
        if link:
            parts.append(f"<{link.strip()}>")
        works[key] = Work(key, short, year, " ".join(p for p in parts if p))
    return tuple(works.items())


# ------------------------------------------------------------------------------------------ chapter numbers
def chapter_numbers(toc: Path = ROOT / "_toc.yml") -> dict[str, int]:
    """``{"01_background": 1, ...}``: the number the book gives each numbered chapter notebook.

    jupyter-book numbers the files of the parts marked ``numbered`` in ``_toc.yml`` and continues the count
    across those parts, which is where "Exercise 2.1" gets its 2.
    """
    data = yaml.safe_load(toc.read_text(encoding="utf-8")) or {}
    numbers: dict[str, int] = {}
    for part in data.get("parts") or [{"numbered": data.get("numbered"), "chapters": data.get("chapters")}]:
        if not part.get("numbered"):
            continue
        for chapter in part.get("chapters") or []:
            numbers[Path(str(chapter.get("file", ""))).name] = len(numbers) + 1
    return numbers


def chapter_number(path: Path, numbers: dict[str, int]) -> int:
    """The chapter number of ``notebooks/NN_name.ipynb``: from the table of contents, else ``NN``."""
    if path.stem in numbers:
        return numbers[path.stem]
    match = re.match(r"(\d+)_", path.name)
    if not match:
        raise ValueError(f"notebook {path.name!r}: not in _toc.yml and its name has no NN_ chapter number")
    return int(match.group(1))


# ------------------------------------------------------------------------------------------------- prose
#: the words the copies add around the chapters' own text, in each language of the copies
LABELS = {
    "en": {"exercise": "Exercise", "solution": "Solution to Exercise {number} (click to expand)",
           "solution_unnumbered": "Solution (click to expand)", "references": "References",
           "references_intro": "The works this chapter cites (the book's full list is its References page).",
           "admonitions": {}},
    "zh": {"exercise": "练习", "solution": "练习 {number} 的解答（点击展开）",
           "solution_unnumbered": "解答（点击展开）", "references": "参考文献",
           "references_intro": "本章引用的文献（全书的完整列表见“参考文献”页）。",
           "admonitions": {"note": "注", "tip": "提示", "hint": "提示", "important": "重要", "warning": "警告",
                           "caution": "小心", "attention": "注意", "danger": "危险", "error": "错误",
                           "seealso": "另见"}},
}
#: the Chinese copies (``colab/zh_CN/``), made from the English chapters and the catalogs of ``tools/i18n.py``
CHINESE = "zh_CN"
CATALOGS = Path("locale") / CHINESE / "LC_MESSAGES" / "notebooks"


@dataclass
class Context:
    """What converting one chapter needs and collects."""

    name: str                              # the notebook's file name, for error messages
    chapter: int
    works: dict[str, Work]
    repository: tuple[str, str] = ("https://github.com/gcdg-book/gcdg-book", "main")  # (url, branch)
    cited: list[str] = field(default_factory=list)
    exercises: dict[str, str] = field(default_factory=dict)  # label -> "2.1"
    numbered: int = 0                                        # numbered exercises met so far
    refs: list[tuple[str, str | None]] = field(default_factory=list)  # (label, text) of {ref}-like roles
    language: str = "en"                                     # "zh": the Chinese copy (labels, Colab links)

    @property
    def labels(self) -> dict:
        """The copy's own words (:data:`LABELS`) in its language."""
        return LABELS[self.language]

    def reference(self, label: str, text: str | None) -> str:
        """A placeholder for a cross-reference, resolved by :meth:`resolve` once every exercise is numbered
        (a reference may point at an exercise further down)."""
        self.refs.append((label, text))
        return f"\x00{len(self.refs) - 1}\x00"

    def resolve(self, source: str) -> str:
        """``source`` with the placeholders of :meth:`reference` replaced by their text."""
        def text_of(match: re.Match) -> str:
            label, text = self.refs[int(match.group(1))]
            number = self.exercises.get(label)
            if text:
                return " ".join(text.replace("{number}", number or "").replace("%s", number or "").split())
            if number:
                return f"{self.labels['exercise']} {number}"
            return Path(label).name.replace("-", " ").replace("_", " ")
        return re.sub("\x00(\\d+)\x00", text_of, source)

    def cite(self, keys: str, where: str) -> list[Work]:
        found = []
        for key in (k.strip() for k in keys.split(",")):
            if key not in self.works:
                raise ColabMarkupError(f"{self.name}, {where}: citation key {key!r} is not in book/references.bib")
            if key not in self.cited:
                self.cited.append(key)
            found.append(self.works[key])
        return found


def _role(match: re.Match, ctx: Context, where: str) -> str:
    name, body = match["name"], match["body"]
    explicit = re.fullmatch(r"(?P<text>.+?)\s*<(?P<target>[^<>]+)>", body, re.S)
    text, target = (explicit["text"], explicit["target"]) if explicit else (None, body)
    if name == "term":
        return text or target
    if name.startswith("cite"):
        works = ctx.cite(target, where)
        if name in ("cite:t", "cite:ts"):
            return "; ".join(f"{w.authors} ({w.year})" for w in works)
        inner = "; ".join(f"{w.authors}, {w.year}" for w in works)
        return inner if name in ("cite:alp", "cite:ps") else f"({inner})"
    if name in ("ref", "numref", "doc", "eq", "download", "any"):
        return ctx.reference(target.strip().lstrip("#"), text)
    if name == "math":
        return f"${body}$"
    if name in ("sub", "sup"):
        return f"<{name}>{body}</{name}>"
    if name in ("abbr", "kbd", "code", "samp", "file", "command", "guilabel"):
        return f"`{text or target}`" if name != "abbr" else (text or target)
    raise ColabMarkupError(f"{ctx.name}, {where}: role {{{name}}} has no plain-Markdown form in tools/colab_copies.py")


def _inline(text: str, ctx: Context, where: str) -> str:
    """Roles and book-only links of one stretch of Markdown outside code blocks (inline code is kept)."""
    pieces, last = [], 0
    for span in CODE_SPAN.finditer(text):
        pieces.append(("prose", text[last:span.start()]))
        pieces.append(("code", span.group(0)))
        last = span.end()
    pieces.append(("prose", text[last:]))
    out = []
    for kind, piece in pieces:
        if kind == "prose":
            piece = GLOSSARY_LINK.sub(lambda m: m["text"], piece)

            def hash_link(m: re.Match) -> str:
                keys = m["keys"]
                if all(k.strip() in ctx.works for k in keys.split(",")):
                    ctx.cite(keys, where)
                return m["text"]  # an in-page anchor does not lead anywhere in Colab either

            piece = HASH_LINK.sub(hash_link, piece)
            piece = RELATIVE_LINK.sub(lambda m: _repository_link(m, ctx), piece)
        out.append(piece)
    joined = "".join(out)
    # roles may start with a code span of their own: ``{term}`GAN` `` was split above, so match on the whole
    return ROLE.sub(lambda m: _role(m, ctx, where), joined)


def _repository_link(match: re.Match, ctx: Context) -> str:
    """A link relative to ``notebooks/`` as an absolute one (Colab opens the copy from GitHub, where a relative
    link leads nowhere): to another chapter, its Colab copy; to another file, the file on GitHub; an image,
    its raw file, so that it displays."""
    parts: list[str] = ["notebooks"]
    path, _, fragment = match["path"].partition("#")
    for part in path.split("/"):
        if part == "..":
            if not parts:
                return match[0]  # outside the repository: leave it
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    url, branch = ctx.repository
    owner_name = url.removeprefix("https://github.com/")
    path = "/".join(parts)
    if match["bang"]:
        return f"![{match['text']}](https://raw.githubusercontent.com/{owner_name}/{branch}/{path})"
    if re.fullmatch(r"notebooks/\d\d_[^/]+\.ipynb", path):
        link = colab_url(url, branch, Path(path))
        if ctx.language == "zh":  # the Chinese copy of the other chapter
            link = link.replace(f"/{COLAB_DIR}/", f"/{COLAB_DIR}/{CHINESE}/")
        return f"[{match['text']}]({link})"
    return f"[{match['text']}]({url}/blob/{branch}/{path}" + (f"#{fragment}" if fragment else "") + ")"


def _quote(lines: list[str]) -> list[str]:
    return [f"> {line}" if line.strip() else ">" for line in lines]


def convert_markdown(source: str, ctx: Context, where: str) -> str:
    """One markdown cell's MyST as plain Markdown (see the module docstring for each form)."""
    lines = source.split("\n")
    out: list[str] = []
    i = 0
    in_code: str | None = None  # the fence of an ordinary code block we are inside
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            out.extend(_inline("\n".join(buffer), ctx, where).split("\n"))
            buffer.clear()

    while i < len(lines):
        line = lines[i]
        if in_code is not None:
            out.append(line)
            if line.strip().startswith(in_code) and set(line.strip()) == {in_code[0]}:
                in_code = None
            i += 1
            continue
        plain_fence = re.match(r"^\s*(`{3,}|~{3,})(?!\{)", line)
        if plain_fence:
            flush()
            in_code = plain_fence.group(1)
            out.append(line)
            i += 1
            continue
        directive = DIRECTIVE.match(line)
        if directive:
            flush()
            block, i = _directive(lines, i, directive, ctx, where)
            out.extend(block)
            continue
        if TARGET_LINE.match(line) or line.strip() == "+++" or re.match(r"^%(\s|$)", line):
            i += 1
            continue
        buffer.append(line)
        i += 1
    flush()
    text = "\n".join(out)
    text = EQ_LABEL.sub(r"\1", text)
    return text.strip("\n")


def _directive(lines: list[str], i: int, match: re.Match, ctx: Context, where: str) -> tuple[list[str], int]:
    """Convert the directive opening at ``lines[i]``; return its Markdown lines and the index after it."""
    fence, name, arg = match["fence"], match["name"], match["arg"].strip()
    j, options = i + 1, {}
    while j < len(lines) and OPTION.match(lines[j]):
        option = OPTION.match(lines[j])
        options[option["key"]] = option["value"].strip()
        j += 1
    body, depth = [], 0
    closer = re.compile(rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$")
    while j < len(lines):
        inner = DIRECTIVE.match(lines[j])
        if inner and inner["fence"][0] == fence[0] and len(inner["fence"]) == len(fence):
            depth += 1
        elif closer.match(lines[j]):
            if depth == 0:
                break
            depth -= 1
        body.append(lines[j])
        j += 1
    else:
        raise ColabMarkupError(f"{ctx.name}, {where}: directive {{{name}}} is never closed")
    content = convert_markdown("\n".join(body), ctx, where).split("\n") if body else []
    while content and not content[0].strip():
        content.pop(0)
    title = _inline(arg, ctx, where)
    if name == "exercise":
        label = options.get("label", "")
        if "nonumber" in options:
            if label:
                ctx.exercises[label] = ""  # known, without a number: its solution is "Solution"
            word = ctx.labels["exercise"]
            heading = f"### {word} — {title}" if title else f"### {word}"
        else:
            ctx.numbered += 1
            number = f"{ctx.chapter}.{ctx.numbered}"
            if label:
                ctx.exercises[label] = number
            heading = f"### {ctx.labels['exercise']} {number}" + (f" — {title}" if title else "")
        return [heading, "", *content], j + 1
    if name in ("math",):
        return ["$$", *body, "$$"], j + 1
    if name in ("code", "code-block", "code-cell", "sourcecode"):
        return [f"```{arg}", *body, "```"], j + 1
    if name == "dropdown" or (name in ADMONITIONS and "dropdown" in options.get("class", "")):
        summary = title or ctx.labels["admonitions"].get(name, name.capitalize())
        return ["<details>", f"<summary>{summary}</summary>", "", *content, "", "</details>"], j + 1
    if name in ADMONITIONS:
        kind = ctx.labels["admonitions"].get(name, name.capitalize())
        head = title if name == "admonition" else (f"{kind}: {title}" if title else kind)
        return _quote([f"**{head}**", "", *content]), j + 1
    if name in ("figure", "image"):
        alt = " ".join(content).strip() or options.get("alt", "")
        return [f"![{alt}]({arg})"], j + 1
    raise ColabMarkupError(f"{ctx.name}, {where}: directive {{{name}}} has no plain-Markdown form "
                           "in tools/colab_copies.py")


# ----------------------------------------------------------------------------------------------- notebook
def _heading_level(source: str) -> int | None:
    match = HEADING.match(source)
    return len(match.group(1)) if match else None


def colab_copy(nb: nbformat.NotebookNode, name: str, chapter: int, works: dict[str, Work],
               repository: tuple[str, str] = Context.repository, language: str = "en") -> nbformat.NotebookNode:
    """The Colab copy of one chapter notebook (a new notebook; ``nb`` is not changed).

    ``chapter``: the book's number of the chapter (``chapter_number``); ``works``: ``read_bibliography()``;
    ``repository``: ``(url, branch)`` from ``_config.yml``, for links to other files of the repository;
    ``language``: ``"zh"`` for the Chinese copy of a chapter already translated by :func:`translate_notebook`
    (its own words from :data:`LABELS`, links to other chapters' Chinese copies).

    Raises:
        SolutionMarkupError: unbalanced ``{solution-start}``/``{solution-end}``.
        ColabMarkupError: markup without a plain-Markdown form, an unknown citation key, or a solution
            followed by a cell that is not a heading (Colab's collapsed section would swallow it).
    """
    nb = nbformat.from_dict(nb)  # deep copy
    ctx = Context(name, chapter, works, repository, language=language)
    spans = solution_spans(nb, name)
    starts = {first: last for first, last in spans}
    ends = {last for _, last in spans}
    collapsed: list[str] = []
    cells = []
    solution_of: str | None = None
    for i, cell in enumerate(nb.cells):
        where = f"cell {i} (id {cell.get('id', '?')})"
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cells.append(cell)
            continue
        if cell.cell_type != "markdown":
            cells.append(cell)
            continue
        source = cell.source
        if i in starts:
            start = START.search(source)
            label = source[start.end():].split("\n", 1)[0].strip()
            number = ctx.exercises.get(label)
            if label and number is None:
                raise ColabMarkupError(f"{name}, {where}: solution of {label!r}, which is no numbered exercise above")
            rest = _drop_directive_lines(source, START)
            if i in ends:  # a solution in one cell: its end marker too
                rest = _drop_directive_lines(rest, END)
            heading = "#### " + (ctx.labels["solution"].format(number=number) if number
                                 else ctx.labels["solution_unnumbered"])
            cell.source = heading + (f"\n\n{convert_markdown(rest, ctx, where)}" if rest.strip() else "")
            cell.metadata.pop("jupyter", None)  # the heading shows; the section under it is collapsed
            cell.metadata["id"] = cell["id"]
            collapsed.append(cell["id"])
            solution_of = label
        if i in ends:
            if i in starts:
                cells.append(cell)
            else:
                rest = _drop_directive_lines(source, END)
                if rest.strip():  # prose written in the end marker's cell stays; the marker goes
                    cell.source = convert_markdown(rest, ctx, where)
                    cells.append(cell)
            nxt = nb.cells[i + 1] if i + 1 < len(nb.cells) else None
            if nxt is not None and not (nxt.cell_type == "markdown" and (
                    DIRECTIVE.match(nxt.source.lstrip("\n").split("\n", 1)[0] or "")
                    or (_heading_level(nxt.source) or 9) <= 3)):
                raise ColabMarkupError(f"{name}, {where}: the solution of {solution_of!r} must be followed by a "
                                       "heading (### or higher), an exercise or the end of the notebook, or "
                                       "Colab's collapsed solution would also hide what follows it")
            solution_of = None
            continue
        if i not in starts:
            cell.source = convert_markdown(source, ctx, where)
        cells.append(cell)
    if ctx.cited:
        cited = sorted(ctx.cited, key=lambda k: (works[k].authors.lower(), works[k].year, k))
        refs = nbformat.v4.new_markdown_cell(
            f"## {ctx.labels['references']}\n\n{ctx.labels['references_intro']}\n\n"
            + "\n".join(f"- {works[k].reference}" for k in cited))
        refs["id"] = f"ch{chapter}-colab-references"
        cells.append(refs)
    for cell in cells:
        if cell.cell_type == "markdown":
            cell.source = ctx.resolve(cell.source)
    nb.cells = cells
    nb.metadata.pop("widgets", None)
    nb.metadata["colab"] = {"collapsed_sections": collapsed, "provenance": []}
    # for whoever opens the file to edit it: the chapter is the source, this copy is rewritten from it
    nb.metadata["gcdg"] = {"colab_copy_of": f"notebooks/{name}", "written_by": "python tools/colab_copies.py"}
    return nb


def _drop_directive_lines(source: str, opener: re.Pattern) -> str:
    """``source`` without the opener line matched by ``opener``, its ``:option:`` lines and bare closing fences."""
    out, skipping = [], False
    for line in source.split("\n"):
        if opener.match(line):
            skipping = True
            continue
        if skipping and OPTION.match(line):
            continue
        skipping = False
        if re.fullmatch(r"\s*(:{3,}|`{3,})\s*", line):
            continue
        out.append(line)
    return "\n".join(out).strip("\n")


# ------------------------------------------------------------------------------------------ Chinese copies
#: between two words of a message: spaces, or a line break with the block quote's ``>`` of the next line
_GAP = r"(?:[ \t]*\n(?:[ \t]*>)*[ \t]*|[ \t]+)"
#: the set-up line of a Chinese copy: the exercise checkers' hints in Chinese (gcdg_lite.exercises)
CHINESE_SETUP = 'import os; os.environ.setdefault("GCDG_LANG", "zh")  # 练习检查器的提示用中文\n'


def read_translations(po: Path) -> dict[str, str]:
    """The translated, not fuzzy messages of the catalog ``po`` (msgid -> msgstr, :func:`i18n.translations`);
    :class:`ColabMarkupError` naming the file when it is missing or does not parse."""
    try:
        return i18n.translations(po)
    except i18n.I18nError as exc:
        raise ColabMarkupError(f"{po}: cannot read the chapter's catalog ({exc.__cause__}); "
                               "run `python tools/i18n.py update`") from exc


def message_finder(translations: dict[str, str]) -> re.Pattern | None:
    """One pattern that finds any message of ``translations`` in Markdown, its words separated by any spaces or
    line breaks (inside a block quote too), not inside a longer word; the longest message first."""
    messages = sorted(translations, key=len, reverse=True)
    if not messages:
        return None
    return re.compile("|".join(rf"(?<!\w){_GAP.join(map(re.escape, m.split()))}(?!\w)" for m in messages))


def translate_markdown(source: str, translations: dict[str, str], finder: re.Pattern | None) -> str:
    """``source`` with each message found (:func:`message_finder`) replaced by its translation, in one pass (a
    translation is never translated again); text that is no message of the catalog stays as it is."""
    if finder is None:
        return source
    normal = {" ".join(m.split()): t for m, t in translations.items()}
    return finder.sub(lambda match: normal[" ".join(re.sub(r"\n[ \t>]*", " ", match[0]).split())], source)


def translate_notebook(nb: nbformat.NotebookNode, translations: dict[str, str]) -> nbformat.NotebookNode:
    """A copy of the chapter ``nb`` in Chinese: every markdown cell translated message by message from the
    catalog (``translations``: :func:`read_translations`), every code cell unchanged but the first (the set-up
    cell), which first sets ``GCDG_LANG=zh`` so that the exercise checkers answer in Chinese."""
    nb = nbformat.from_dict(nb)
    finder = message_finder(translations)
    first_code = True
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = translate_markdown(cell.source, translations, finder)
        elif cell.cell_type == "code" and first_code:
            cell.source = CHINESE_SETUP + cell.source
            first_code = False
    return nb


def copy_path(root: Path, chapter: Path, language: str = "en") -> Path:
    """Where the copy of ``chapter`` goes: ``colab/NN.ipynb``, or ``colab/zh_CN/NN.ipynb`` for ``"zh"``."""
    folder = root / COLAB_DIR / (CHINESE if language == "zh" else "")
    return folder / chapter.name


def render(path: Path, numbers: dict[str, int], works: dict[str, Work], repository: tuple[str, str],
           language: str = "en", root: Path = ROOT) -> str:
    """The text of the Colab copy of the chapter at ``path`` (what :func:`main` writes); for ``language="zh"``
    the Chinese copy, translated from ``root``'s catalog ``locale/zh_CN/LC_MESSAGES/notebooks/NN.po``."""
    nb = nbformat.read(path, as_version=4)
    if language == "zh":
        nb = translate_notebook(nb, read_translations(root / CATALOGS / f"{path.stem}.po"))
    copy = colab_copy(nb, path.name, chapter_number(path, numbers), works, repository, language)
    if language == "zh":
        copy.metadata["gcdg"]["translated_from"] = f"{CATALOGS.as_posix()}/{path.stem}.po"
        copy.metadata["language_info"] = {**copy.metadata.get("language_info", {}), "name": "python"}
    nbformat.validate(copy)
    return nbformat.writes(copy) + "\n"


def languages(root: Path) -> tuple[str, ...]:
    """The languages of the copies: English, and Chinese when the repository has the chapters' catalogs."""
    return ("en", "zh") if (root / CATALOGS).is_dir() else ("en",)


def stale_copies(root: Path = ROOT) -> list[str]:
    """Names (relative to ``root``) of copies in ``colab/`` that differ from, lack or outlive their chapter."""
    numbers, works = chapter_numbers(root / "_toc.yml"), read_bibliography(root / "book" / "references.bib")
    repository = read_repository(root / "_config.yml")
    chapters = sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    stale = []
    names = {p.name for p in chapters}
    for language in languages(root):
        for path in chapters:
            target = copy_path(root, path, language)
            text = render(path, numbers, works, repository, language, root)
            if not target.is_file() or target.read_text(encoding="utf-8") != text:
                stale.append(target.relative_to(root).as_posix())
        folder = copy_path(root, Path("x"), language).parent
        stale += [p.relative_to(root).as_posix() for p in sorted(folder.glob("*.ipynb")) if p.name not in names]
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 naming each copy that is missing or out of date")
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository (default: this one)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    chapters = sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not chapters:
        print(f"error: no chapter notebooks (NN_*.ipynb) in {root / 'notebooks'}", file=sys.stderr)
        return 2
    try:
        if args.check:
            stale = stale_copies(root)
            for name in stale:
                print(f"{name} is out of date: run `python tools/colab_copies.py`")
            behind = sum(1 for name in stale if Path(name).name in {p.name for p in chapters})
            total = len(chapters) * len(languages(root))
            print(f"{total - behind}/{total} Colab copies up to date")
            return 1 if stale else 0
        numbers, works = chapter_numbers(root / "_toc.yml"), read_bibliography(root / "book" / "references.bib")
        repository = read_repository(root / "_config.yml")
        texts = {copy_path(root, path, language): render(path, numbers, works, repository, language, root)
                 for language in languages(root) for path in chapters}  # all or nothing
    except (SolutionMarkupError, ColabMarkupError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for target, text in texts.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(root).as_posix()}")
    for folder in sorted({target.parent for target in texts}):
        for orphan in sorted(folder.glob("*.ipynb")):
            if orphan not in texts:
                orphan.unlink()
                print(f"removed {orphan.relative_to(root).as_posix()} (no chapter of that name)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
