"""Each chapter links the first use of every glossary term to its entry (issue 24).

A chapter notebook is also read in plain Jupyter and Colab, so a glossary link is a Markdown link,
``[latent vectors](<#latent vector>)`` (the term in lower case; ``book/_ext/gcdg_book.py`` resolves it in the
book whatever the entry's capitals). The test reads each chapter's *prose*: its Markdown cells without
headings, directive lines (``:::{exercise} Title``, ``:label:``), code (fenced or inline), maths and HTML
tags. In that prose the first use of each glossary term (whole words, any case, a plural ``-s``/``-es``)
must be a link to the term's entry, and every glossary link must name a term the glossary has.

A use inside a longer term (``discriminator`` in ``optimal discriminator``) or inside another link's text
(a citation, a link to another term) does not count: the reader meets the longer term, or the other link,
there; so is a use in another sense (:data:`OTHER_SENSES`: "spectral convergence" is not training's
convergence). A term whose uses were mostly ordinary English would go in :data:`EXCLUDED`, with the reason
(none is today).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import nbformat
import pytest

from _book_helpers import CHAPTERS, ROOT

GLOSSARY = ROOT / "book" / "glossary.md"
BIBLIOGRAPHY = ROOT / "book" / "references.bib"

#: glossary terms a chapter need not link, and why. Empty: every term the chapters use is used in its
#: glossary sense ("hop" is the STFT's frame step, "weights" a network's, "budget" GCDG_BUDGET's); a term
#: whose uses are mostly ordinary English goes here, with the reason.
EXCLUDED: dict[str, str] = {}

#: phrases in which a glossary term means something else: not a use of the term
OTHER_SENSES = {
    "convergence": re.compile(r"spectral\s+convergence", re.I),  # Griffin–Lim's error measure, not training's
}

LINK = re.compile(r"(?<!!)\[((?:[^\[\]]|\[[^\]]*\])*)\]\((<[^>]*>|[^)\s]*)\)")
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})[^\n]*\n.*?^\1\2\s*$", re.M | re.S)
MATH = re.compile(r"\$\$.+?\$\$|(?<![\\$])\$(?!\s)[^$\n]+?(?<![\s\\])\$|\\begin\{(\w+\*?)\}.*?\\end\{\1\}", re.S)
CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][^>\n]*>", re.S)
NOT_PROSE = re.compile(r"^\s*(?:#{1,6}\s.*|:{3,}.*|:[\w-]+:.*)$", re.M)


def glossary() -> dict[str, str]:
    """Every name of every glossary entry, lower case -> the entry's first (English) name."""
    body = GLOSSARY.read_text(encoding="utf-8").split("```{glossary}", 1)[1].split("\n```", 1)[0]
    names: dict[str, str] = {}
    first = None
    for line in body.splitlines():
        if not line.strip() or line.startswith((" ", "\t")):
            first = None
            continue
        first = first or line.strip()
        names[line.strip().lower()] = first
    return names


def english_terms() -> list[str]:
    """The entries' English names (the first name of each entry), longest first."""
    return sorted(set(glossary().values()), key=len, reverse=True)


def bib_keys() -> set[str]:
    return set(re.findall(r"^@\w+\{([^,\s]+),", BIBLIOGRAPHY.read_text(encoding="utf-8"), re.M))


def term_pattern(term: str) -> re.Pattern:
    """A glossary term as whole words, any case, any spacing or line break, a dash or hyphen, plural -s/-es."""
    words = [re.escape(w).replace("–", "[–-]") for w in term.split()]
    plural = "es" if term.lower().endswith(("s", "x", "z", "ch", "sh")) else "s"  # "hopes" is not two hops
    return re.compile(r"(?<![\w-])" + r"\s+".join(words) + f"(?:{plural})?" + r"(?![\w-])", re.I)


def prose(markdown: str) -> str:
    """The text of one Markdown cell that a reader reads as prose (links kept, code and maths blanked)."""
    blank = lambda m: " " * len(m.group(0))  # noqa: E731 - keeps offsets, so a link stays whole
    for pattern in (FENCE, IMAGE, MATH, CODE, TAG, NOT_PROSE):
        markdown = pattern.sub(blank, markdown)
    return markdown


@dataclass
class Use:
    """One use of a term: where (cell, offset) and the glossary target of the link it sits in ('' if none)."""

    cell: int
    offset: int
    linked_to: str
    text: str


def uses(cells: list[str], terms: list[str]) -> dict[str, list[Use]]:
    """Each term's uses in reading order. A use inside a longer term, or inside a link that is not a
    glossary link, is left out; so is a use inside a glossary link to another term."""
    names = glossary()
    keys = bib_keys()
    found: dict[str, list[Use]] = {t: [] for t in terms}
    for index, cell in enumerate(cells):
        text = prose(cell)
        pieces: list[tuple[int, str, str | None]] = []  # (offset, text, link target or None for plain)
        last = 0
        for m in LINK.finditer(text):
            pieces.append((last, text[last:m.start()], None))
            target = m.group(2).strip("<>")
            glossary_target = target[1:] if target.startswith("#") and not set(target[1:].split(",")) <= keys \
                else "-"  # "-": a link that is not a glossary link
            pieces.append((m.start(1), m.group(1), glossary_target))
            last = m.end()
        pieces.append((last, text[last:], None))
        for start, piece, target in pieces:
            taken: list[tuple[int, int]] = []
            for term in terms:  # longest first: a shorter term inside a longer one is not a use
                other = OTHER_SENSES.get(term)
                seen = other.sub(lambda m: " " * len(m.group(0)), piece) if other else piece
                for m in term_pattern(term).finditer(seen):
                    if any(a < m.end() and m.start() < b for a, b in taken):
                        continue
                    taken.append((m.start(), m.end()))
                    if target is None:
                        found[term].append(Use(index, start + m.start(), "", m.group(0)))
                    elif target != "-" and names.get(target.lower()) == term:
                        found[term].append(Use(index, start + m.start(), target, m.group(0)))
    for term in found:
        found[term].sort(key=lambda u: (u.cell, u.offset))
    return found


def markdown_cells(stem: str) -> list[str]:
    nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    return [c.source if c.cell_type == "markdown" else "" for c in nb.cells]


def glossary_targets(cells: list[str]) -> list[str]:
    """The targets of the chapter's glossary links (``#...`` links that are not citations)."""
    keys = bib_keys()
    targets = [m.group(2).strip("<>")[1:] for cell in cells for m in LINK.finditer(prose(cell))
               if m.group(2).strip("<>").startswith("#")]
    return [t for t in targets if not set(t.split(",")) <= keys]


def unlinked_first_uses(cells: list[str]) -> list[str]:
    """One line per glossary term whose first use in these cells is not a link to its entry."""
    terms = [t for t in english_terms() if t not in EXCLUDED]
    problems = []
    for term, found in uses(cells, terms).items():
        if found and not found[0].linked_to:
            first = found[0]
            problems.append(f"{term!r} first used unlinked in cell {first.cell} ({first.text!r}): write "
                            f"[{first.text}](<#{term.lower()}>)")
    return sorted(problems)


@pytest.mark.parametrize("stem", list(CHAPTERS))
def test_first_use_of_each_glossary_term_links_to_it(stem):
    problems = unlinked_first_uses(markdown_cells(stem))
    assert not problems, f"{stem}: " + "; ".join(problems)


@pytest.mark.parametrize("stem", list(CHAPTERS))
def test_glossary_links_name_terms_the_glossary_has(stem):
    names = glossary()
    targets = glossary_targets(markdown_cells(stem))
    unknown = sorted({t for t in targets if t.lower() not in names})
    assert not unknown, f"{stem}: links to terms book/glossary.md does not have: {unknown}"
    assert all(t == t.lower() for t in targets), f"{stem}: write glossary targets in lower case: {targets}"


def test_excluded_terms_are_glossary_terms():
    assert set(EXCLUDED) <= set(english_terms()) and set(OTHER_SENSES) <= set(english_terms())


def test_the_check_finds_an_unlinked_first_use_and_accepts_a_linked_one():
    assert unlinked_first_uses(["A GAN has a generator.", "The generator learns."]) == [
        "'GAN' first used unlinked in cell 0 ('GAN'): write [GAN](<#gan>)",
        "'generator' first used unlinked in cell 0 ('generator'): write [generator](<#generator>)"]
    assert unlinked_first_uses(["A [GANs](<#gan>) pair: a [generator](<#generator>) and a GAN generator."]) == []
    # headings, code, maths, other links' text and a longer term do not count as a first use
    assert unlinked_first_uses(["## The generator\n\n`generator` and $G$ [generator paper](#goodfellow2014gan)",
                                "an [optimal discriminator](<#optimal discriminator>)",
                                "the [discriminators](<#discriminator>) learn"]) == []
    # a plural and a line break inside a term are still the term
    assert unlinked_first_uses(["two latent\nvectors"]) == [
        "'latent vector' first used unlinked in cell 0 ('latent\\nvectors'): write "
        "[latent\nvectors](<#latent vector>)"]
    assert unlinked_first_uses(["its spectral convergence falls", "three hopes"]) == []
    assert glossary_targets(["[x](<#no such term>) [(A, 2020)](#goodfellow2014gan)"]) == ["no such term"]
