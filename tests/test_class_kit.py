"""The class kit every chapter carries (issue 25, item 4): in the first cell, after the opening paragraph,
**Prerequisites.**, **Learning goals.** and **Lab plan.** in that order, the lab plan giving each 90-minute
session as "reading N min, computing M min, exercises K min"; and a one-screen `## Summary` cell with 3-6
**Key takeaways.** right before `## What we measured`."""
import re

import nbformat
import pytest

from _book_helpers import CHAPTERS, ROOT, chapter_notebook

#: the kit's three headings in the first cell, in this order
HEADINGS = ("**Prerequisites.**", "**Learning goals.**", "**Lab plan.**")
#: one session of the lab plan
SESSION = re.compile(r"reading\s+(\d+)\s+min,\s+computing\s+(\d+)\s+min,\s+exercises\s+(\d+)\s+min")
#: one class
CLASS_MINUTES = 90
#: chapter 4 is taught in two sessions, every other chapter in one
SESSIONS = {"04_code_example": 2}
#: a summary fits one screen
MAX_SUMMARY_LINES = 30
TAKEAWAYS = (3, 6)


def _lab_plan(text: str) -> str:
    """The lab plan: from its heading to the next bold paragraph heading, or to the end of the cell."""
    start = text.index(HEADINGS[-1])
    end = text.find("\n\n**", start)
    return text[start:] if end < 0 else text[start:end]


def kit_problems(nb: nbformat.NotebookNode, sessions: int = 1) -> list[str]:
    """What the notebook's class kit lacks or gets wrong ([] when it is complete)."""
    problems = []
    first = nb.cells[0].source if nb.cells and nb.cells[0].cell_type == "markdown" else ""
    at = [first.find(h) for h in HEADINGS]
    missing = [h for h, i in zip(HEADINGS, at) if i < 0]
    if missing:
        problems.append(f"the first cell lacks {', '.join(missing)}")
    elif at != sorted(at):
        problems.append(f"the first cell has {', '.join(HEADINGS)} out of order")
    elif at[0] < first.find("\n\n", first.find("\n\n") + 1):
        problems.append("Prerequisites come before the opening paragraph")
    if not missing:
        plan = _lab_plan(first)
        found = [tuple(int(n) for n in m) for m in SESSION.findall(plan)]
        if len(found) != sessions:
            problems.append(f"the lab plan gives {len(found)} sessions as 'reading N min, computing M min, "
                            f"exercises K min', not {sessions}")
        if sessions > 1 and not all(f"Session {k}" in plan for k in range(1, sessions + 1)):
            problems.append("a lab plan of several sessions names them 'Session 1', 'Session 2', ...")
        for k, minutes in enumerate(found, 1):
            if sum(minutes) > CLASS_MINUTES:
                problems.append(f"session {k} takes {sum(minutes)} min, over a {CLASS_MINUTES}-minute class")
            if min(minutes) <= 0:
                problems.append(f"session {k} gives a time of 0 min: {minutes}")
    heads = [c.source.lstrip().splitlines()[0].strip() if c.cell_type == "markdown" and c.source.strip() else ""
             for c in nb.cells]
    measured = [i for i, h in enumerate(heads) if h == "## What we measured"]
    summaries = [i for i, h in enumerate(heads) if h == "## Summary"]
    if len(measured) != 1:
        problems.append(f"{len(measured)} '## What we measured' cells, not one")
    if len(summaries) != 1:
        problems.append(f"{len(summaries)} '## Summary' cells, not one")
    if measured and summaries and summaries[0] != measured[0] - 1:
        problems.append("the '## Summary' cell does not sit immediately before '## What we measured'")
    if summaries:
        summary = nb.cells[summaries[0]].source
        lines = summary.strip().splitlines()
        if len(lines) > MAX_SUMMARY_LINES:
            problems.append(f"the summary has {len(lines)} source lines, over one screen ({MAX_SUMMARY_LINES})")
        if "**Key takeaways.**" not in summary:
            problems.append("the summary has no **Key takeaways.**")
        else:
            after = summary.split("**Key takeaways.**", 1)[1]
            bullets = re.findall(r"^[-*] \S", after, re.M)
            if not TAKEAWAYS[0] <= len(bullets) <= TAKEAWAYS[1]:
                problems.append(f"the key takeaways have {len(bullets)} bullets, not {TAKEAWAYS[0]}-{TAKEAWAYS[1]}")
        if not summary.split("**Key takeaways.**", 1)[0].replace("## Summary", "").strip():
            problems.append("the summary has no paragraph before its key takeaways")
    return problems


@pytest.mark.parametrize("stem", list(CHAPTERS))
def test_chapter_has_the_class_kit(stem):
    path = ROOT / "notebooks" / f"{stem}.ipynb"
    nb = nbformat.read(path, as_version=4)
    problems = kit_problems(nb, SESSIONS.get(stem, 1))
    assert not problems, f"{path.name}: " + "; ".join(problems)


def _kit_notebook(plan: str = "reading 30 min, computing 5 min, exercises 50 min") -> nbformat.NotebookNode:
    """A chapter-shaped notebook with a complete kit (the lab plan's sessions given by ``plan``)."""
    nb = chapter_notebook(1)
    nb.cells[0].source = nb.cells[0].source.replace(
        "**Learning goals**",
        "**Prerequisites.** Python and NumPy.\n\n**Learning goals.** After this chapter you can") + (
        f"\n\n**Lab plan.** One 90-minute class: {plan}.")
    nb.cells[-1:-1] = [
        nbformat.v4.new_markdown_cell("## Summary\n\nWhat the chapter did.\n\n**Key takeaways.**\n\n"
                                      "- one\n- two\n- three"),
        nbformat.v4.new_markdown_cell("## What we measured"),
    ]
    return nb


def test_the_checker_catches_a_missing_summary_and_an_overlong_lab_plan(tmp_path):
    """The kit check is not vacuous: a complete kit passes, and each way of breaking it is reported."""
    path = tmp_path / "01_demo.ipynb"
    nbformat.write(_kit_notebook(), path)
    assert kit_problems(nbformat.read(path, as_version=4)) == []

    no_summary = _kit_notebook()
    no_summary.cells = [c for c in no_summary.cells if not c.source.startswith("## Summary")]
    nbformat.write(no_summary, path)
    assert any("'## Summary' cells" in p for p in kit_problems(nbformat.read(path, as_version=4)))

    nbformat.write(_kit_notebook("reading 40 min, computing 20 min, exercises 45 min"), path)
    assert any("over a 90-minute class" in p for p in kit_problems(nbformat.read(path, as_version=4)))

    assert any("0 min" in p for p in kit_problems(_kit_notebook("reading 40 min, computing 0 min, exercises 45 min")))
    assert any("not 2" in p for p in kit_problems(_kit_notebook(), sessions=2))

    swapped = _kit_notebook()
    swapped.cells[-3], swapped.cells[-2] = swapped.cells[-2], swapped.cells[-3]
    assert any("immediately before" in p for p in kit_problems(swapped))

    long_summary = _kit_notebook()
    long_summary.cells[-3].source += "\n- four\n- five\n- six\n- seven"
    assert any("not 3-6" in p for p in kit_problems(long_summary))
    long_summary.cells[-3].source = long_summary.cells[-3].source.replace("What the chapter did.", "text\n" * 30)
    assert any("over one screen" in p for p in kit_problems(long_summary))

    no_plan = _kit_notebook()
    no_plan.cells[0].source = no_plan.cells[0].source.split("\n\n**Lab plan.**")[0]
    assert any("lacks **Lab plan.**" in p for p in kit_problems(no_plan))
