"""Chapter 4's reconstruction of the source's listing (section 4.1) behaves as its defect table says.

The chapter prints the listing with numbered lines and keys a table of its eight defects to those numbers;
section 4.2 refers to them too. Here the listing is read back from the notebook, stripped of its numbers and
run: as written, and with the defects that raise repaired one at a time, each error must come from the line
the table names, in the order the page states (1, 8, 3, 5); and each table row's lines must hold the code the
defect is about, so that an edit of the listing that shifts its lines cannot leave the table behind.
"""
from __future__ import annotations

import re
import traceback

import nbformat
import numpy as np
import pytest

from _book_helpers import ROOT

CHAPTER = ROOT / "notebooks" / "04_code_example.ipynb"
LISTING_CELL, TABLE_CELL = "edb22c51", "ch4-listing-defects"
NUMBERED = re.compile(r"^(?P<n>\s?\d+)(?:  (?P<code>.*))?$")

#: per defect of the table: (line, a piece of code that line must hold) for each line it names
EVIDENCE = {
    1: [(11, "input_shape[1]"), (27, "input_shape = (22050,)")],
    2: [(29, "generator = generator(input_shape)"), (30, "discriminator = discriminator(input_shape)")],
    3: [(9, "Input(shape=input_shape)"), (29, "generator(input_shape)"), (36, "noise = tf.random.normal"),
        (38, "generator(noise")],
    4: [(17, 'Dense(1, activation="sigmoid")'), (4, "def ce("), (6, "sigmoid_cross_entropy_with_logits")],
    5: [(21, "tf.ones_like(real_data)"), (22, "tf.zeros_like(generated_data)")],
    6: [(25, "-real_term + fake_term"), (42, "(-ce("), (43, "- ce(")],
    7: [(11, 'activation="sigmoid"')],
    8: [(50, "in train_data")],
}


def _cells():
    nb = nbformat.read(CHAPTER, as_version=4)
    return {c.get("id"): c.source for c in nb.cells}


def listing_lines() -> list[str]:
    """The listing of section 4.1 without its line numbers (line i is item i - 1)."""
    source = _cells()[LISTING_CELL]
    block = re.search(r"^```python\n(.*?)\n```$", source, re.M | re.S)
    assert block, "section 4.1 shows no ```python block"
    lines = []
    for k, line in enumerate(block.group(1).split("\n"), start=1):
        m = NUMBERED.match(line)
        assert m and int(m["n"]) == k, f"listing line {k} is not numbered {k}: {line!r}"
        lines.append(m["code"] or "")
    return lines


def table_rows() -> dict[int, set[int]]:
    """Defect number -> the line numbers its table row names (the second column)."""
    rows = {}
    for line in _cells()[TABLE_CELL].splitlines():
        m = re.match(r"^\|\s*(\d):[^|]*\|([^|]*)\|", line)
        if m:
            named = set()
            for a, b in re.findall(r"(\d+)(?:-(\d+))?", m.group(2)):
                named |= set(range(int(a), int(b or a) + 1))
            rows[int(m.group(1))] = named
    return rows


def run(lines: list[str], **given):
    """Execute the listing; return (exception type name, listing lines in its traceback) or (None, [])."""
    scope = {"__name__": "listing", **given}
    try:
        exec(compile("\n".join(lines), "listing", "exec"), scope)
    except Exception as exc:  # noqa: BLE001 - the listing's errors are what we measure
        frames = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == "listing"]
        return type(exc).__name__, frames
    return None, []


def repaired(lines: list[str], line: int, old: str, new: str) -> list[str]:
    assert old in lines[line - 1], f"line {line} no longer holds {old!r}: {lines[line - 1]!r}"
    out = list(lines)
    out[line - 1] = out[line - 1].replace(old, new)
    return out


def test_the_table_names_every_defect_and_lines_that_hold_it():
    lines, rows = listing_lines(), table_rows()
    assert sorted(rows) == list(range(1, 9)), f"the defect table's rows: {sorted(rows)}"
    for defect, evidence in EVIDENCE.items():
        for line, code in evidence:
            assert line in rows[defect], f"defect {defect}: its row should name line {line}"
            assert code in lines[line - 1], f"defect {defect}: line {line} should hold {code!r}"


def test_the_listing_stops_where_the_page_says_and_runs_once_repaired():
    pytest.importorskip("tensorflow")
    import tensorflow as tf

    lines = listing_lines()
    assert run(lines) == ("IndexError", [29, 11])                      # defect 1
    lines = repaired(lines, 11, "input_shape[1]", "input_shape[-1]")
    assert run(lines) == ("NameError", [50])                           # defect 8
    lines = repaired(lines, 28, "epochs = 32, 100", "epochs = 32, 1")  # one epoch of two batches is enough
    data = tf.data.Dataset.from_tensor_slices(np.zeros((64, 22050), np.float32)).batch(32)
    error, frames = run(lines, train_data=data)
    assert error == "ValueError" and frames[-1] == 38, (error, frames)  # defect 3
    lines = repaired(lines, 29, "generator(input_shape)", "generator((100,))")
    lines = repaired(lines, 11, "input_shape[-1]", "22050")
    error, frames = run(lines, train_data=data)
    assert error == "ValueError" and 23 in frames, (error, frames)    # defect 5
    lines = repaired(lines, 21, "tf.ones_like(real_data)", "tf.ones([tf.shape(real_data)[0], 1])")
    lines = repaired(lines, 22, "tf.zeros_like(generated_data)", "tf.zeros([tf.shape(generated_data)[0], 1])")
    assert run(lines, train_data=data) == (None, [])                  # defects 4, 6, 7 raise nothing


def test_a_second_model_from_a_shadowed_builder_fails():
    pytest.importorskip("tensorflow")
    lines = repaired(listing_lines(), 11, "input_shape[1]", "input_shape[-1]")
    setup = lines[:lines.index("@tf.function")]
    scope: dict = {"__name__": "listing"}
    exec(compile("\n".join(setup), "listing", "exec"), scope)
    with pytest.raises((ValueError, TypeError)):                       # defect 2
        scope["generator"]((22050,))
