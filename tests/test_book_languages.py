"""book/_ext/gcdg_book.py's part of the two editions (issue 26): the language switch's target, in the same tab,
the theme's untranslated labels in the Chinese edition, and the Chinese catalogs that switch it on."""
from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

from _book_helpers import ROOT


def _extension():
    spec = importlib.util.spec_from_file_location("gcdg_book_ext_languages", ROOT / "book" / "_ext" / "gcdg_book.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ext = _extension()


def test_the_switch_opens_the_same_page_of_the_other_edition():
    assert ext.language_switch_target("en", "notebooks/04_code_example") == "zh_CN/notebooks/04_code_example.html"
    assert ext.language_switch_target("zh_CN", "book/intro") == "../book/intro.html"
    assert ext.language_switch_target("fr", "book/intro") is None


def test_the_switch_is_a_header_button_only_with_chinese_catalogs(tmp_path):
    def context():
        return {"header_buttons": [], "pathto": lambda target, resource: f"REL/{target}"}

    app = SimpleNamespace(config=SimpleNamespace(language="en", locale_dirs=["locale/"]), srcdir=str(tmp_path))
    ctx = context()
    ext.add_language_switch(app, "book/intro", "page.html", ctx, None)
    assert ctx["header_buttons"] == []  # no catalogs: one edition, no switch
    (tmp_path / "locale" / "zh_CN" / "LC_MESSAGES" / "book").mkdir(parents=True)
    (tmp_path / "locale" / "zh_CN" / "LC_MESSAGES" / "book" / "intro.po").write_text("")
    ext.add_language_switch(app, "book/intro", "page.html", ctx, None)
    [button] = ctx["header_buttons"]
    assert button["url"] == "REL/zh_CN/book/intro.html" and button["text"] == "中文"
    app.config.language = "zh_CN"
    ctx = context()
    ext.add_language_switch(app, "book/intro", "page.html", ctx, None)
    assert ctx["header_buttons"][0]["url"] == "REL/../book/intro.html" and ctx["header_buttons"][0]["text"] == "English"


def test_the_switch_stays_in_the_tab_and_the_theme_labels_read_chinese():
    page = ('<a href="../x.html" target="_blank"\n   class="btn btn-sm btn-language-switch"\n>'
            '<a href="https://github.com" target="_blank"\n   class="btn btn-sm btn-source-repository-button"\n>'
            '<button class="sidebar-toggle primary-toggle btn btn-sm" title="Toggle primary sidebar">')
    out = ext.switch_in_same_tab(page)
    assert '<a href="../x.html"\n   class="btn btn-sm btn-language-switch"' in out
    assert 'href="https://github.com" target="_blank"' in out  # other links keep their new tab
    assert 'title="显示或隐藏目录侧栏"' in ext.chinese_theme_labels(out)


def test_the_theme_catalogs_translate_what_they_list():
    labels = ext.read_labels(ROOT / "locale" / "zh_CN" / "LC_MESSAGES" / "booktheme.po")
    assert labels["Print to PDF"] == "打印为 PDF" and labels["Repository"] == "代码仓库"
    sphinx_labels = ext.read_labels(ROOT / "locale" / "zh_CN" / "LC_MESSAGES" / "sphinx.po")
    assert sphinx_labels["On this page"] == "本页内容"
