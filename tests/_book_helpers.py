"""Shared by the book-infrastructure tests: paths, the tools/ modules, a chapter-shaped notebook."""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "tools") not in sys.path:
    sys.path.insert(0, str(ROOT / "tools"))

import check_html  # noqa: E402  (tools/)
import student_copies  # noqa: E402
import sync_notebooks  # noqa: E402

#: the six chapters (CONTRACT.md, "Book conventions"): file stem -> the source's Chinese section title
CHAPTERS = {
    "01_background": "背景介绍",
    "02_core_concepts": "核心概念与联系",
    "03_algorithm_and_maths": "核心算法原理和具体操作步骤以及数学模型公式详细讲解",
    "04_code_example": "具体代码实例和详细解释说明",
    "05_trends_and_challenges": "未来发展趋势与挑战",
    "06_faq": "附录常见问题与解答",
}


def hidden() -> dict:
    """Cell metadata that collapses a cell in JupyterLab (what tools/sync_notebooks.py sets on solutions)."""
    return {"jupyter": {"source_hidden": True}}


def chapter_notebook(n: int = 1, with_outputs: bool = False) -> nbformat.NotebookNode:
    """A small notebook shaped like a chapter: title, set-up cell, import, one exercise with a collapsed
    solution, written in the forms that read in plain Jupyter as well as in the book."""
    url, branch = sync_notebooks.read_repository()
    name = f"0{n}_demo.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            f"# {n}. Demo (背景介绍)\n\n[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
            f"({sync_notebooks.colab_url(url, branch, Path(name))})\n\nSummary.\n\n**Learning goals**\n\n- a goal"),
        nbformat.v4.new_code_cell(sync_notebooks.setup_cell_source(url), metadata={
            "tags": ["hide-input"], "cellView": "form", **hidden()}),
        nbformat.v4.new_code_cell("import gcdg_lite as gl\nB = gl.budget(); B"),
        nbformat.v4.new_markdown_cell(f":::{{exercise}} Add\n:label: ex-ch{n}-1\n\nCompute 1 + 1.\n:::"),
        nbformat.v4.new_code_cell(f'answer = None  # your code\ngl.exercises.check("ch{n}.1", answer)'),
        nbformat.v4.new_markdown_cell(f":::{{solution-start}} ex-ch{n}-1\n:class: dropdown\n:::", metadata=hidden()),
        nbformat.v4.new_code_cell(f'answer = 1 + 1  # SOLUTION\ngl.exercises.check("ch{n}.1", answer)',
                                  metadata={"tags": ["solution"], "cellView": "form", **hidden()}),
        nbformat.v4.new_markdown_cell("Why: one plus one. SOLUTION PROSE", metadata=hidden()),
        nbformat.v4.new_markdown_cell(":::{solution-end}\n:::", metadata=hidden()),
        nbformat.v4.new_markdown_cell("## After the exercises"),
    ]
    if with_outputs:
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.execution_count = 1
                cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="hello\n")]
    return nb
