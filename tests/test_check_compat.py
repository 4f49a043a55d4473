"""tools/check_compat.py without building environments: the oldest set comes from pyproject.toml, the
freeze diff names every changed preinstalled package, and the table shows each check per environment."""
import sys

from _book_helpers import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import check_compat  # noqa: E402


def test_oldest_set_is_pyprojects_lower_bounds():
    pins = check_compat.lower_bounds()
    assert "keras==3.5.0" in pins and "librosa==0.10.2" in pins and "ipython==7.34.0" in pins
    assert len(pins) == len(check_compat.unpinned()) and "tensorflow" in check_compat.unpinned()


def test_colab_set_is_what_the_issue_measured():
    colab = set(check_compat.COLAB)
    assert {"tensorflow==2.19.0", "keras==3.10.0", "numpy==2.0.2", "ipywidgets==7.7.1", "ipython==7.34.0",
            "librosa==0.11.0"} <= colab


def test_freeze_diff_reports_changed_and_removed_but_not_added():
    before = check_compat.parse_freeze("ipython==7.34.0\nipywidgets==7.7.1\nnumpy==2.0.2\n# comment\n")
    after = check_compat.parse_freeze("IPython==9.1.0\nnumpy==2.0.2\ngcdg_lite @ file:///tmp/src\n")
    changed, added = check_compat.freeze_diff(before, after)
    assert changed == ["ipython 7.34.0 -> 9.1.0", "ipywidgets 7.7.1 -> removed"]
    assert added == ["gcdg-lite file:///tmp/src"]
    assert check_compat.freeze_diff(before, dict(before, **{"gcdg-lite": "0.1.0"}))[0] == []


def test_table_has_every_check_and_environment():
    ok = check_compat.Result(True, 75.0)
    env = check_compat.EnvReport("colab", {c: ok for c in check_compat.CHECKS}, {"keras": "3.10.0"},
                                 seconds=600.0)
    bad = check_compat.EnvReport("oldest", {"install": check_compat.Result(False, 5.0, "ERROR: no wheel")},
                                 {"keras": "3.2.0"}, seconds=30.0)
    text = check_compat.table([bad, env], 630.0, skip_tests=False)
    assert "| check | oldest | colab |" in text and "| install | **FAIL** (5 s) | pass (1.2 min) |" in text
    assert "| notebooks | not run | pass (1.2 min) |" in text and "| keras | 3.2.0 | 3.10.0 |" in text
    assert "install: ERROR: no wheel" in text and "Total time of the run: 10.5 min." in text
