"""tools/student_copies.py: solutions and outputs removed, exercises and checkers kept, no silent overwrite."""
import nbformat
import pytest

from _book_helpers import ROOT, chapter_notebook, student_copies


def _write(folder, n=1, **kw):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"0{n}_demo.ipynb"
    nbformat.write(chapter_notebook(n, **kw), path)
    return path


def _text(nb):
    return "\n".join(c.source for c in nb.cells)


def test_copies_drop_solutions_and_outputs_but_keep_exercises(tmp_path):
    src = tmp_path / "notebooks"
    _write(src, 1, with_outputs=True)
    _write(src, 2)
    out = tmp_path / "student"
    assert student_copies.main(["--out", str(out), "--notebooks", str(src)]) == 0
    for n in (1, 2):
        nb = nbformat.read(out / f"0{n}_demo.ipynb", as_version=4)
        text = _text(nb)
        assert "SOLUTION" not in text and "{solution-start}" not in text and "{solution-end}" not in text
        # written in the Colab form: the exercise under its numbered heading, no raw MyST
        assert f"### Exercise {n}.1 — Add" in text and ":::" not in text and ":label:" not in text
        assert f'gl.exercises.check("ch{n}.1", answer)' in text and nb.metadata["colab"]["collapsed_sections"] == []
        assert "answer = None" in text and "## After the exercises" in text
        assert not any("solution" in c.metadata.get("tags", []) for c in nb.cells)
        assert all(not c.outputs and c.execution_count is None for c in nb.cells if c.cell_type == "code")
        nbformat.validate(nb)
    original = nbformat.read(src / "01_demo.ipynb", as_version=4)
    assert "SOLUTION" in _text(original) and original.cells[2].outputs  # the chapters are untouched


def test_refuses_to_overwrite_without_force(tmp_path, capsys):
    src = tmp_path / "notebooks"
    _write(src)
    out = tmp_path / "student"
    assert student_copies.main(["--out", str(out), "--notebooks", str(src)]) == 0
    target = out / "01_demo.ipynb"
    target.write_text("my edited copy")
    assert student_copies.main(["--out", str(out), "--notebooks", str(src)]) == 2
    assert "--force" in capsys.readouterr().err and target.read_text() == "my edited copy"
    assert student_copies.main(["--out", str(out), "--notebooks", str(src), "--force"]) == 0
    assert "SOLUTION" not in target.read_text() and "### Exercise 1.1 — Add" in target.read_text()


def test_unbalanced_solution_markup_writes_nothing(tmp_path, capsys):
    src = tmp_path / "notebooks"
    path = _write(src)
    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if "{solution-end}" not in c.source]
    nbformat.write(nb, path)
    out = tmp_path / "student"
    assert student_copies.main(["--out", str(out), "--notebooks", str(src)]) == 1
    assert "never closed" in capsys.readouterr().err and not out.exists()


def test_no_notebooks_is_a_usage_error(tmp_path):
    assert student_copies.main(["--out", str(tmp_path / "s"), "--notebooks", str(tmp_path)]) == 2


def test_real_chapters_strip_cleanly():
    chapters = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not chapters:
        pytest.skip("no chapter notebooks yet")
    for path in chapters:
        nb = nbformat.read(path, as_version=4)
        copy, removed = student_copies.strip_solutions(nb, path.name)
        exercises = sum("{exercise}" in c.source for c in nb.cells if c.cell_type == "markdown")
        assert removed == exercises >= 1, path.name
        assert not any("solution" in c.metadata.get("tags", []) for c in copy.cells), path.name
        checks = sum("gl.exercises.check(" in c.source for c in copy.cells if c.cell_type == "code")
        assert checks >= exercises, f"{path.name}: a scaffold cell with gl.exercises.check was removed"


def test_chinese_student_copies_come_from_the_chinese_colab_form(tmp_path, capsys):
    import colab_copies  # tools/

    out = tmp_path / "student_zh"
    assert student_copies.main(["--out", str(out), "--lang", "zh"]) == 0
    for chapter in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(out / chapter.name, as_version=4)
        text = _text(nb)
        assert "{solution-start}" not in text and "的解答" not in text and "### 练习 " in text
        assert nb.cells[[c.cell_type for c in nb.cells].index("code")].source.startswith(colab_copies.CHINESE_SETUP)
        # each prose cell reads as in the Chinese Colab copy (translated from the same catalog)
        colab = {c.source for c in nbformat.read(ROOT / "colab" / "zh_CN" / chapter.name, as_version=4).cells}
        assert all(c.source in colab for c in nb.cells if c.cell_type == "markdown" and "练习" not in c.source)


def test_chinese_copies_need_the_catalogs(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(student_copies, "ROOT", tmp_path)
    assert student_copies.main(["--out", str(tmp_path / "s"), "--notebooks", str(ROOT / "notebooks"),
                                "--lang", "zh"]) == 1
    assert "01_background.po: cannot read the chapter's catalog" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()
