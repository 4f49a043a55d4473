"""The book's configuration and pages: execution settings, Colab, bibliography keys, glossary terms."""
import json
import re

import pytest
import yaml

from _book_helpers import ROOT

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
BIB = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
BIB_KEYS = set(re.findall(r"@\w+\{([^,\s]+),", BIB))
ROLE = re.compile(r"\{(cite(?::\w+)?|term|doc)\}`([^`]+)`")


def _sources():
    """(name, markdown text) of every page and every notebook's markdown cells."""
    for path in sorted((ROOT / "book").glob("*.md")):
        yield path.name, path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        yield path.name, "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def _roles(kind):
    for name, text in _sources():
        for role, target in ROLE.findall(re.sub(r"``.*?``", "", text, flags=re.S)):  # not in code spans
            if role.split(":")[0] == kind:
                yield name, target


def test_execution_never_allows_errors():
    ex = CONFIG["execute"]
    assert ex["execute_notebooks"] in {"force", "cache"}
    assert not ex.get("allow_errors", False)
    assert ex["timeout"] >= 600
    assert CONFIG["only_build_toc_files"] is True


def test_colab_and_repository():
    assert CONFIG["launch_buttons"]["colab_url"] == "https://colab.research.google.com"
    assert CONFIG["repository"]["url"] == "https://github.com/gcdg-book/gcdg-book"
    assert CONFIG["repository"]["branch"] == "main"


def test_extensions_and_static_widget_views():
    sphinx = CONFIG["sphinx"]
    assert {"sphinx_exercise", "sphinxcontrib.bibtex"} <= set(sphinx["extra_extensions"])
    assert {"dollarmath", "amsmath", "colon_fence"} <= set(CONFIG["parse"]["myst_enable_extensions"])
    assert ["*", "application/vnd.jupyter.widget-view+json", None] in sphinx["config"]["nb_mime_priority_overrides"]
    ext_dir = ROOT / sphinx["local_extensions"]["gcdg_book"]
    assert (ext_dir / "gcdg_book.py").is_file()
    assert CONFIG["bibtex_bibfiles"] == ["book/references.bib"]


def test_required_references_are_in_the_bibliography():
    assert {"goodfellow2014gan", "arjovsky2017wgan", "gulrajani2017wgangp", "mescheder2018r1",
            "donahue2019wavegan", "mcdermott2011texture", "chen2016infogan", "he2016resnet", "heusel2017fid",
            "binkowski2018kid", "richardson2018ndb", "miyato2018spectral", "lim2017geometric",
            "griffin1984signal", "radford2016dcgan", "odena2016checkerboard"} <= BIB_KEYS


def _entry(key):
    return BIB[BIB.index("{" + key + ","):].split("\n}", 1)[0]


def test_the_sources_misattributions_are_not_repeated():
    wgan, infogan, resnet = _entry("arjovsky2017wgan"), _entry("chen2016infogan"), _entry("he2016resnet")
    assert "Chintala" in wgan and "Machine Learning" in wgan and "Learning Representations" not in wgan
    assert all(a in infogan for a in ("Duan", "Houthooft", "Schulman", "Sutskever", "Abbeel"))
    assert "Koltun" not in BIB and "Compressive" not in BIB
    assert "2016" in re.search(r"year\s*=\s*\{(\d+)\}", resnet).group(1)
    assert "Gradient Contrastive" not in BIB  # the unverifiable [5] is discussed, never cited


@pytest.mark.parametrize("key, facts", [
    ("donahue2019wavegan", ("Donahue", "McAuley", "Puckette", "Learning Representations", "2019")),
    ("goodfellow2014gan", ("Goodfellow", "Bengio", "Neural Information Processing", "2014")),
    ("arjovsky2017wgan", ("Arjovsky", "Chintala", "Bottou", "Machine Learning", "2017")),
    ("gulrajani2017wgangp", ("Gulrajani", "Ahmed", "Arjovsky", "Dumoulin", "Courville", "2017")),
    ("mescheder2018r1", ("Mescheder", "Geiger", "Nowozin", "Machine Learning", "2018")),
    ("mcdermott2011texture", ("McDermott", "Simoncelli", "Neuron", "2011")),
    ("chen2016infogan", ("Chen, Xi", "Duan", "Houthooft", "Schulman", "Sutskever", "Abbeel",
                         "Neural Information Processing", "2016")),
])
def test_key_references_carry_the_right_authors_venue_and_year(key, facts):
    entry = _entry(key)
    missing = [f for f in facts if f not in entry]
    assert not missing, f"{key} lacks {missing}"


def test_source_notes_are_honest_about_the_unfound_paper():
    notes = (ROOT / "book" / "source_notes.md").read_text(encoding="utf-8")
    assert "We found no record" in notes and "[5]" in notes
    assert "[3] and [4]" in notes and "共轭" in notes and "Contrastive" in notes
    for n in range(1, 7):  # every entry of the source's reference list is discussed
        assert f"**[{n}]" in notes or f"[{n}] and" in notes or f"and [{n}]" in notes, f"[{n}] not discussed"
    assert "Mis-attributed" in notes and "Chintala" in notes and "Abbeel" in notes


@pytest.mark.parametrize("name, key", sorted({(n, k.strip()) for n, t in _roles("cite") for k in t.split(",")}))
def test_every_citation_resolves(name, key):
    assert key in BIB_KEYS, f"{name}: {{cite}}`{key}` is not in book/references.bib"


def _glossary_terms():
    glossary = (ROOT / "book" / "glossary.md").read_text(encoding="utf-8")
    block = glossary.split("```{glossary}", 1)[1].split("\n```", 1)[0]
    return {line.strip() for line in block.splitlines() if line.strip() and not line.startswith(" ")}


LINK = re.compile(r"\]\((?:<#([^>]+)>|#([^)\s]+))\)")


def test_every_citation_and_term_link_in_a_notebook_resolves():
    """``[(Author, Year)](#bibkey)`` and ``[text](<#lowercase term>)``: the forms that read in plain Jupyter.

    MyST resolves ``#target`` through sphinxcontrib-bibtex (a citation) or the glossary; it looks a term up
    in lower case, and book/_ext/gcdg_book.py finds the entries written with capitals too (``<#gan>``), so
    a term link names any glossary term in lower case."""
    terms = {t.lower() for t in _glossary_terms()}
    seen, bad = 0, []
    for name, text in _sources():
        if not name.endswith(".ipynb"):
            continue
        for m in LINK.finditer(text):
            target = m.group(1) or m.group(2)
            keys = [k.strip() for k in target.split(",")]
            seen += 1
            if not (all(k in BIB_KEYS for k in keys) or target in terms):
                bad.append((name, target))
    assert seen >= 30 and not bad, f"link targets that are neither BibTeX keys nor lower-case glossary terms: {bad}"


def test_every_glossary_term_resolves():
    terms = {t.lower() for t in _glossary_terms()}
    assert len(terms) >= 20
    missing = set()
    for name, target in _roles("term"):
        m = re.search(r"<([^>]+)>\s*$", target)
        if (m.group(1) if m else target).strip().lower() not in terms:
            missing.add((name, target))
    assert not missing, f"{{term}} targets missing from book/glossary.md: {sorted(missing)}"
