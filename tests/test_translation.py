"""The Chinese edition's catalogs (issue 26) are complete and faithful: every message of a fresh extraction of the
book's prose is translated, none is fuzzy, and no translation drops or changes a number, an inline code span, a
maths span or a link target of its source (``tools/i18n.py``; the one allowed change of a target is a Colab
badge's ``colab/`` -> ``colab/zh_CN/``). The checker itself is tested on a tiny catalog with one fault of each kind.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from _book_helpers import ROOT

import i18n  # noqa: E402  (tools/, on sys.path through _book_helpers)

CATALOGS = ROOT / i18n.LOCALE / i18n.LANGUAGE / "LC_MESSAGES"


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> Path:
    """A fresh extraction of the book's messages (Sphinx gettext, execution off: about 5 s)."""
    return i18n.extract(tmp_path_factory.mktemp("gettext") / "gettext", ROOT)


def test_every_message_is_translated_and_faithful(templates):
    problems = i18n.catalog_problems(templates, CATALOGS)
    shown = "\n".join(problems[:40]) + (f"\n... and {len(problems) - 40} more" if len(problems) > 40 else "")
    assert not problems, (f"{len(problems)} problem(s) in the zh_CN catalogs (translate them, or after a prose "
                          f"change run `python tools/i18n.py update` first):\n{shown}")


def test_extraction_reads_every_page_and_no_code_output(templates):
    pots = {p.relative_to(templates).with_suffix("").as_posix() for p in templates.rglob("*.pot")}
    chapters = {f"notebooks/{p.stem}" for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    assert chapters and chapters <= pots and "book/intro" in pots
    executed = ROOT / "_build" / "jupyter_execute" / "notebooks" / "04_code_example.ipynb"
    if not executed.is_file():
        pytest.skip("no English build here (_build/jupyter_execute): the code-output half needs one")
    outputs = [" ".join("".join(out["data"]["text/markdown"]).split())
               for cell in json.loads(executed.read_text(encoding="utf-8"))["cells"]
               for out in cell.get("outputs", []) if "text/markdown" in out.get("data", {})]
    assert outputs, "chapter 4 displays Markdown (display(Markdown(...))): the check below needs some"
    messages = " ".join(" ".join(m.id.split()) for m in i18n.read_catalog(templates / "notebooks" /
                                                                            "04_code_example.pot") if m.id)
    leaked = [text[:60] for text in outputs if len(text) > 40 and text[:40] in messages]
    assert not leaked, f"code output extracted as prose (it stays English): {leaked}"


# --- the checker, on a tiny catalog --------------------------------------------------------------------------

GOOD = {
    "Train for 2400 steps with `gl.train()` and $\\lambda = 10$; see [the generator](<#generator>).":
        "用 `gl.train()` 训练 2400 步，$\\lambda = 10$；见[生成器](<#generator>)。",
    "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
    "(https://colab.research.google.com/github/o/r/blob/main/colab/04_code_example.ipynb)":
        "[![在 Colab 中打开](https://colab.research.google.com/assets/colab-badge.svg)]"
        "(https://colab.research.google.com/github/o/r/blob/main/colab/zh_CN/04_code_example.ipynb)",
}
FAULTS = {  # source -> (translation, fuzzy?, the words the problem line must hold)
    "It takes 16 kHz audio.": ("它使用 61 kHz 的音频。", False, "numbers differ"),
    "Two of them, about 0.85.": ("两个，约 0.85，共 3 个。", False, "numbers differ"),
    "Call `gl.budget()` first.": ("先调用 gl.budget()。", False, "code spans differ"),
    "The loss $L = -E[\\log D]$ here.": ("这里的损失 $L = E[\\log D]$。", False, "math spans differ"),
    "See [chapter 2](02_core_concepts.ipynb).": ("见[第 2 章](03_algorithm_and_maths.ipynb)。", False,
                                                 "link targets differ"),
    "Not translated yet.": ("", False, "untranslated"),
    "An old translation.": ("一条旧译文。", True, "fuzzy"),
}


def _write(path: Path, pairs: dict[str, tuple[str, bool]]) -> None:
    catalog = Catalog(locale="zh_CN")
    for msgid, (msgstr, fuzzy) in pairs.items():
        catalog.add(msgid, msgstr, flags=("fuzzy",) if fuzzy else ())
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog, width=120)


def _book(tmp_path: Path, faults: dict) -> tuple[Path, Path]:
    templates, catalogs = tmp_path / "gettext", tmp_path / "locale"
    messages = {**GOOD, **faults, "Missing from the catalog.": None}
    _write(templates / "notebooks" / "04_x.pot", {m: ("", False) for m in messages})
    _write(templates / "book" / "intro.pot", {"Welcome.": ("", False)})  # a page whose catalog is missing
    pairs = {m: (s, False) for m, s in GOOD.items()} | {m: (s, fuzzy) for m, (s, fuzzy, _) in faults.items()}
    _write(catalogs / "notebooks" / "04_x.po", pairs)
    return templates, catalogs


def test_the_checker_passes_faithful_translations(tmp_path):
    templates, catalogs = _book(tmp_path, {})
    problems = i18n.catalog_problems(templates, catalogs)
    assert problems == [
        "locale/zh_CN/LC_MESSAGES/book/intro.po: missing (run `python tools/i18n.py update`)",
        "locale/zh_CN/LC_MESSAGES/notebooks/04_x.po: message missing (run `python tools/i18n.py update`): "
        "'Missing from the catalog.'"]


@pytest.mark.parametrize("source", list(FAULTS), ids=lambda s: FAULTS[s][2].replace(" ", "-") + ":" + s[:12])
def test_the_checker_catches_each_fault(tmp_path, source):
    translation, fuzzy, words = FAULTS[source]
    templates, catalogs = _book(tmp_path, {source: (translation, fuzzy, words)})
    problems = [p for p in i18n.catalog_problems(templates, catalogs) if "missing (run" not in p]
    assert len(problems) == 1 and words in problems[0] and repr(source[:70]) in problems[0], problems


def test_the_checker_reads_the_theme_catalogs_too(tmp_path):
    templates, catalogs = _book(tmp_path, {})
    _write(catalogs / "booktheme.po", {"Print to PDF": ("", False), "Repository": ("代码仓库", False)})
    problems = i18n.catalog_problems(templates, catalogs)
    assert "locale/zh_CN/LC_MESSAGES/booktheme.po: untranslated: 'Print to PDF'" in problems
    assert not any("Repository" in p for p in problems)


def test_a_broken_catalog_is_named(tmp_path):
    templates, catalogs = _book(tmp_path, {})
    (catalogs / "notebooks" / "04_x.po").write_text('msgid "a"\nnot a keyword\n', encoding="utf-8")
    with pytest.raises(i18n.I18nError, match=r"04_x\.po: cannot read the catalog"):
        i18n.catalog_problems(templates, catalogs)


def test_tokens_keep_digits_inside_code_as_code():
    kept = i18n.tokens("Set `width=8` for 2400 steps ($x_2$, [a](#b2)).")
    assert kept["code span"] == {"`width=8`": 1} and kept["number"] == {"2400": 1}
    assert kept["math span"] == {"$x_2$": 1} and kept["link target"] == {"#b2": 1}
