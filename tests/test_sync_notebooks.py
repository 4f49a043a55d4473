"""tools/sync_notebooks.py: set-up cell, Colab badge, clone line and collapsed solutions rewritten from
_config.yml; --check reports drift; the set-up cell says what to do in one line when pip cannot install."""
import os
import subprocess
import sys

import nbformat

from _book_helpers import ROOT, chapter_notebook, sync_notebooks

URL, BRANCH = sync_notebooks.read_repository()


def test_repository_comes_from_config():
    assert URL == "https://github.com/gcdg-book/gcdg-book" and BRANCH == "main"
    src = sync_notebooks.setup_cell_source(URL)
    assert src.startswith("# @title Set-up: install gcdg_lite when it is missing (Colab)")  # Colab's form title
    assert 'os.environ.get("GCDG_REPO_URL", "https://github.com/gcdg-book/gcdg-book")' in src
    assert 'f"gcdg_lite @ git+{repo}"' in src
    assert "tensorflow" not in src.split("\n", 3)[-1].lower()  # never installs or upgrades TensorFlow itself
    assert sync_notebooks.page_problems(ROOT, URL) == []  # book/setup.md clones the configured repository


def test_sync_rewrites_setup_badge_and_outputs_then_check_passes(tmp_path, capsys):
    path = tmp_path / "03_demo.ipynb"
    nb = chapter_notebook(3, with_outputs=True)
    nb.cells[0].source = nb.cells[0].source.replace("gcdg-book/gcdg-book/blob/main", "old/repo/blob/dev")
    nb.cells[1].source = "# Set-up: install gcdg_lite (an old version)\nprint('hi')"
    nb.cells[1].metadata = {}
    for cell in nb.cells[5:9]:  # the solution: shown in plain view
        cell.metadata.pop("jupyter", None)
        cell.metadata.pop("cellView", None)
    nbformat.write(nb, path)
    assert sync_notebooks.main(["--check", str(path)]) == 1
    report = capsys.readouterr().out
    assert "set-up cell differs" in report and "Colab badge" in report and "outputs" in report
    assert "cell 6: solution not collapsed (metadata jupyter.source_hidden, cellView 'form')" in report
    assert "cell 7: solution not collapsed (metadata jupyter.source_hidden)" in report
    assert "cell 1: set-up cell not collapsed" in report
    assert sync_notebooks.main([str(path)]) == 0
    fixed = nbformat.read(path, as_version=4)
    assert fixed.cells[1].source == sync_notebooks.setup_cell_source(URL)
    assert "hide-input" in fixed.cells[1].metadata["tags"] and fixed.cells[1].metadata["cellView"] == "form"
    assert all(c.metadata["jupyter"]["source_hidden"] is True for c in fixed.cells[5:9])
    assert fixed.cells[6].metadata["cellView"] == "form" and "solution" in fixed.cells[6].metadata["tags"]
    assert not any("jupyter" in c.metadata for c in fixed.cells[2:5])  # exercise and scaffold stay open
    assert "colab.research.google.com/github/gcdg-book/gcdg-book/blob/main/colab/03_demo.ipynb" in fixed.cells[0].source
    assert not sync_notebooks.has_outputs(fixed)
    assert sync_notebooks.main(["--check", str(path)]) == 0
    assert sync_notebooks.sync(path, URL, BRANCH) is False  # idempotent


def test_missing_setup_cell_is_reported(tmp_path):
    path = tmp_path / "01_demo.ipynb"
    nb = chapter_notebook(1)
    del nb.cells[1]
    nbformat.write(nb, path)
    assert any("no set-up cell" in p for p in sync_notebooks.problems(path, URL, BRANCH))


def test_an_old_setup_cell_is_still_found_and_replaced(tmp_path):
    path = tmp_path / "02_demo.ipynb"
    nb = chapter_notebook(2)
    nb.cells[1].source = "# Set-up: install gcdg_lite when it is missing (Colab). Colab keeps its own TensorFlow.\n"
    nbformat.write(nb, path)
    assert sync_notebooks.sync(path, URL, BRANCH) is True
    assert nbformat.read(path, as_version=4).cells[1].source == sync_notebooks.setup_cell_source(URL)


def test_clone_line_follows_the_configured_url(tmp_path):
    page = tmp_path / "book" / "setup.md"
    page.parent.mkdir()
    page.write_text("```bash\ngit clone https://github.com/old/place\ncd gcdg-book\n```\n", encoding="utf-8")
    assert sync_notebooks.page_problems(tmp_path, URL) == [
        f"book/setup.md: `git clone https://github.com/old/place` should clone {URL}"]
    assert sync_notebooks.sync_pages(tmp_path, URL) == ["book/setup.md"]
    assert f"git clone {URL}\ncd gcdg-book" in page.read_text(encoding="utf-8")
    assert sync_notebooks.page_problems(tmp_path, URL) == []


def test_setup_cell_prints_one_line_when_pip_cannot_install(tmp_path):
    """Run the cell where gcdg_lite is not importable (no site-packages) and the repository cannot be reached
    (a git URL of a folder that does not exist: no network needed, and nothing gets installed)."""
    cell = tmp_path / "setup_cell.py"
    cell.write_text(sync_notebooks.setup_cell_source(URL), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["GCDG_REPO_URL"] = (tmp_path / "no-such-repository").as_uri()
    out = subprocess.run([sys.executable, "-S", str(cell)], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0 and out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith(f"Could not install gcdg_lite from {env['GCDG_REPO_URL']} (")
    assert "GCDG_REPO_URL" in lines[0] and "pip install /path/to/gcdg-book" in lines[0]
    assert "Traceback" not in out.stderr


def test_unbalanced_solution_markup_is_one_error_line(tmp_path, capsys):
    path = tmp_path / "04_demo.ipynb"
    nb = chapter_notebook(4)
    nb.cells = [c for c in nb.cells if "{solution-end}" not in c.source]
    nbformat.write(nb, path)
    before = path.read_text(encoding="utf-8")
    assert sync_notebooks.main([str(path)]) == 1
    assert "never closed" in capsys.readouterr().err and path.read_text(encoding="utf-8") == before
