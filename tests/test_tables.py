"""gcdg_lite.tables: one helper for the chapters' tables — plain text that notebooks show as HTML tables."""
import re

import numpy as np
import pytest

from gcdg_lite.errors import DataError
from gcdg_lite.tables import Table, fmt, table


def test_fmt_formats_each_kind_of_cell():
    assert fmt(0.123456) == "0.123" and fmt(1234.5678) == "1235" and fmt(2.5e-6) == "2.5e-06"
    assert fmt(np.float32(0.5)) == "0.500" and fmt(np.int64(1234567)) == "1,234,567"
    assert fmt((0.5123, 0.0412)) == "0.512 ± 0.041" and fmt((1.0, None)) == "1.00"
    assert fmt(None) == "n/a" and fmt(True) == "yes" and fmt(np.bool_(False)) == "no" and fmt("x") == "x"
    assert fmt(float("nan")) == "nan" and fmt(0.0) == "0"


def test_table_is_text_and_html_with_every_column():
    rows = {"seed_mlp": {"steps": 200, "D(G(z))": 0.3141, "steps/s": 41.5},
            "wavegan <d=64>": {"steps": 100, "D(G(z))": (0.5, 0.01)}}
    t = table(rows, index="model", caption="ablation", notes=["n/a: not measured"])
    assert isinstance(t, str) and isinstance(t, Table)
    lines = str(t).splitlines()
    assert lines[0] == "ablation" and lines[1].split() == ["model", "steps", "D(G(z))", "steps/s"]
    assert lines[3].split() == ["seed_mlp", "200", "0.314", "41.5"] and lines[-1] == "n/a: not measured"
    assert "n/a" in lines[4] and "0.500 ± 0.01" in lines[4]
    h = t._repr_html_()
    heads = re.findall(r"<th[^>]*>([^<]*)</th>", h)
    assert heads[:4] == ["model", "steps", "D(G(z))", "steps/s"]
    assert "wavegan &lt;d=64&gt;" in h and "<d=64>" not in h  # labels are escaped
    assert len(re.findall(r"<td", h)) == 6 and "overflow-x:auto" in h and "<caption>ablation</caption>" in h


def test_table_from_a_list_of_dicts_and_chosen_columns():
    t = table([{"name": "a", "x": 1.0, "y": 2}, {"name": "b", "x": 3.0}], columns=["y", "x"])
    assert t.index == "name" and t.columns == ["y", "x"]
    assert t.rows == [("a", ["2", "1.00"]), ("b", ["n/a", "3.00"])]


def test_table_rejects_what_it_cannot_lay_out():
    with pytest.raises(DataError, match="rows"):
        table({})
    with pytest.raises(DataError, match="rows"):
        table("not rows")
    with pytest.raises(DataError, match="sig"):
        table({"a": {"x": 1}}, sig=0)
    with pytest.raises(DataError, match="row 'a' has 1 cell"):
        Table(["x", "y"], [("a", ["1"])])


def test_ipython_shows_html_and_plain_text():
    from IPython.core.formatters import DisplayFormatter

    data, _ = DisplayFormatter().format(table({"a": {"x": 1.5}}))
    assert "<table>" in data["text/html"] and data["text/plain"] == str(table({"a": {"x": 1.5}}))


def test_metrics_tables_keep_their_text_and_show_as_html():
    from gcdg_lite.metrics import compare_table

    stat = {"score": 0.1, "score_sd": 0.01, "x_floor": 2.0, "x_floor_sd": 0.1, "score_pink": 0.2,
            "score_pink_sd": 0.02}
    res = {"fd": stat, "c2st": {"value": 0.6, "value_sd": 0.02, "floor": 0.5, "floor_sd": 0.01}}
    t = compare_table({"a generator": res}, extra={"memorisation": {"a generator": 0.25}})
    assert isinstance(t, Table) and str(t).splitlines()[2].startswith("a generator")
    assert t.columns[-1] == "memorisation" and t.rows[0][1][-1] == "0.250" and "c2st 0.5" in t.notes[0]
