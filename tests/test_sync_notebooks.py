"""tools/sync_notebooks.py: set-up cell and Colab badge rewritten from _config.yml; --check reports drift."""
import nbformat

from _book_helpers import chapter_notebook, sync_notebooks

URL, BRANCH = sync_notebooks.read_repository()


def test_repository_comes_from_config():
    assert URL == "https://github.com/gcdg-book/gcdg-book" and BRANCH == "main"
    src = sync_notebooks.setup_cell_source(URL)
    assert src.startswith("# Set-up: install gcdg_lite when it is missing (Colab).")
    assert '"gcdg_lite @ git+https://github.com/gcdg-book/gcdg-book"])' in src


def test_sync_rewrites_setup_badge_and_outputs_then_check_passes(tmp_path, capsys):
    path = tmp_path / "03_demo.ipynb"
    nb = chapter_notebook(3, with_outputs=True)
    nb.cells[0].source = nb.cells[0].source.replace("gcdg-book/gcdg-book/blob/main", "old/repo/blob/dev")
    nb.cells[1].source = "# Set-up: install gcdg_lite (an old version)\nprint('hi')"
    nb.cells[1].metadata = {}
    nbformat.write(nb, path)
    assert sync_notebooks.main(["--check", str(path)]) == 1
    report = capsys.readouterr().out
    assert "set-up cell differs" in report and "Colab badge" in report and "outputs" in report
    assert sync_notebooks.main([str(path)]) == 0
    fixed = nbformat.read(path, as_version=4)
    assert fixed.cells[1].source == sync_notebooks.setup_cell_source(URL)
    assert "hide-input" in fixed.cells[1].metadata["tags"]
    assert "colab.research.google.com/github/gcdg-book/gcdg-book/blob/main/notebooks/03_demo.ipynb" in fixed.cells[0].source
    assert not sync_notebooks.has_outputs(fixed)
    assert sync_notebooks.main(["--check", str(path)]) == 0
    assert sync_notebooks.sync(path, URL, BRANCH) is False  # idempotent


def test_missing_setup_cell_is_reported(tmp_path):
    path = tmp_path / "01_demo.ipynb"
    nb = chapter_notebook(1)
    del nb.cells[1]
    nbformat.write(nb, path)
    assert any("no set-up cell" in p for p in sync_notebooks.problems(path, URL, BRANCH))
