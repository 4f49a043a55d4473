"""gcdg_lite.claims: a chapter's checked claims, one AssertionError listing every failed one, one table row each."""
import re

import numpy as np
import pytest

from gcdg_lite.claims import Claims


def _claims():
    c = Claims("What we measured")
    c.check("the trained model scores below the untrained one", "0.41 < 0.93", 0.41 < 0.93)
    c.check("the classifier tells the sets apart", np.float32(0.987), np.float32(0.987) > 0.9)
    c.check("a budget-only claim", (1.0, 2.5), lambda: 1 / 0, when=False)  # never evaluated
    return c


def test_all_held_returns_the_table():
    c = _claims()
    assert c.assert_all() is c and c.failed == []
    assert [r.held for r in c.rows] == [True, True, None]


def test_one_error_lists_every_failed_claim():
    c = _claims()
    c.check("first false claim", 3, 3 > 4)
    c.check("second false claim", "x", False)
    with pytest.raises(AssertionError) as err:
        c.assert_all()
    text = str(err.value)
    assert "2 of 5 claim(s) failed" in text
    assert "first false claim: 3" in text and "second false claim: x" in text
    assert "scores below" not in text  # the claims that held are not listed


def test_html_has_one_row_per_claim_with_its_mark():
    c = _claims()
    c.check("a failed claim", 0.5, np.bool_(False))
    html = c._repr_html_()
    body = html.split("<tbody>", 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body)
    assert len(rows) == len(c.rows) == 4
    assert [r.rsplit("<td", 1)[1].split(">", 1)[1][:1] for r in rows] == ["✓", "✓", "–", "✗"]
    assert "<th>claim</th><th>value</th><th>✓</th>" in html and "What we measured" in html
    assert "0.987" in rows[1] and "(1, 2.5)" in rows[2]


def test_plain_text_and_rechecking_replaces_the_row():
    c = _claims()
    c.check("the classifier tells the sets apart", 0.5, False)  # a re-run cell replaces its row
    assert len(c.rows) == 3 and len(c.failed) == 1
    text = repr(c)
    assert text.splitlines()[0] == "What we measured (3 claims, 1 failed)"
    assert "✗ the classifier tells the sets apart: 0.5" in text


def test_claim_text_is_escaped_in_html():
    c = Claims("<b>t</b>")
    c.check("D(G(z)) < 0.05 & more", "<x>", True)
    html = c._repr_html_()
    assert "&lt;b&gt;" in html and "&lt; 0.05 &amp; more" in html and "<x>" not in html
