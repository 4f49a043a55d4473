"""tools/i18n.py's Chinese build executes nothing: it stages the sources with each chapter replaced by the English
build's executed copy (refused when missing or made from another version of the chapter) and builds them with
execution off, into _build/html/zh_CN."""
from __future__ import annotations

import nbformat
import pytest

from _book_helpers import chapter_notebook

import i18n  # noqa: E402  (tools/, on sys.path through _book_helpers)


def _book(tmp_path, executed=True):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "book").mkdir()
    (tmp_path / "gcdg_lite").mkdir()
    (tmp_path / "locale" / "zh_CN" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "locale" / "zh_CN" / "LC_MESSAGES" / "x.mo").write_bytes(b"")
    for name in ("_config.yml", "_toc.yml"):
        (tmp_path / name).write_text("{}\n")
    nb = chapter_notebook(1)
    nbformat.write(nb, tmp_path / "notebooks" / "01_demo.ipynb")
    if executed:
        run = chapter_notebook(1, with_outputs=True)
        for cell, source in zip(run.cells, nb.cells):
            cell.source = source.source
        (tmp_path / "_build" / "jupyter_execute" / "notebooks").mkdir(parents=True)
        nbformat.write(run, tmp_path / "_build" / "jupyter_execute" / "notebooks" / "01_demo.ipynb")
    return tmp_path


def test_the_chinese_edition_is_built_with_execution_off():
    assert i18n.CHINESE_CONFIG["nb_execution_mode"] == "off" and i18n.CHINESE_CONFIG["language"] == "zh_CN"


def test_stage_puts_the_executed_chapters_in_place_of_the_chapters(tmp_path):
    root = _book(tmp_path)
    staged = i18n.stage(root, root / "_build" / "zh_CN_source")
    chapter = nbformat.read(staged / "notebooks" / "01_demo.ipynb", as_version=4)
    assert any(c.get("outputs") for c in chapter.cells if c.cell_type == "code")  # the executed copy
    assert (staged / "gcdg_lite").is_symlink() and not (staged / "book").is_symlink()
    assert not (staged / "_build").exists() and not list((staged / "locale").rglob("*.mo"))


def test_a_missing_or_stale_executed_chapter_is_refused_by_name(tmp_path):
    root = _book(tmp_path, executed=False)
    with pytest.raises(i18n.I18nError, match=r"01_demo\.ipynb is missing: build the English edition first"):
        i18n.stage(root, root / "_build" / "zh_CN_source")
    (tmp_path / "b").mkdir()
    root = _book(tmp_path / "b")
    nb = nbformat.read(root / "notebooks" / "01_demo.ipynb", as_version=4)
    nb.cells[2].source += "\nprint('changed')"
    nbformat.write(nb, root / "notebooks" / "01_demo.ipynb")
    with pytest.raises(i18n.I18nError, match=r"executed from another version of notebooks/01_demo\.ipynb"):
        i18n.executed_chapters(root)


def test_main_names_a_folder_that_is_no_book(tmp_path, capsys):
    assert i18n.main(["check", "--root", str(tmp_path)]) == 2
    assert "holds no _config.yml" in capsys.readouterr().err


def test_replace_tree_keeps_the_old_edition_until_the_new_one_is_in_place(tmp_path, monkeypatch):
    target, new = tmp_path / "html" / "zh_CN", tmp_path / "built"
    target.mkdir(parents=True)
    (target / "index.html").write_text("old")
    new.mkdir()
    (new / "index.html").write_text("new")
    i18n.replace_tree(new, target)
    assert (target / "index.html").read_text() == "new" and not new.exists()
    assert sorted(p.name for p in target.parent.iterdir()) == ["zh_CN"]   # no .new / .old left behind

    # a move that fails leaves the previous edition whole
    again = tmp_path / "again"
    again.mkdir()

    def broken_move(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(i18n.shutil, "move", broken_move)
    with pytest.raises(OSError):
        i18n.replace_tree(again, target)
    assert (target / "index.html").read_text() == "new"
