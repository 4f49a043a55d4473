"""gcdg_lite.compat: the lower bounds in pyproject.toml are the ones the package checks, and a too-old
dependency is one VersionError naming it (in the package and in the CLI), not a deep traceback."""
import re

import pytest

import gcdg_lite
from gcdg_lite import compat
from gcdg_lite.cli import main

from _book_helpers import ROOT


def _pyproject_bounds():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    deps = text.split("dependencies = [", 1)[1].split("]", 1)[0]
    return dict(re.findall(r'"([A-Za-z0-9_.-]+)>=([0-9.]+)[",;<]', deps))


def test_pyproject_lower_bounds_equal_the_checked_minimums():
    assert _pyproject_bounds() == {dist: minimum for dist, (minimum, _) in compat.MINIMUM.items()}
    # the versions measured by tools/check_compat.py, not wishes
    assert compat.MINIMUM["keras"][0] == "3.5.0" and compat.MINIMUM["librosa"][0] == "0.10.2"
    # what Google Colab ships must satisfy them, or installing gcdg_lite would change Colab's runtime
    for dist, colab in {"ipython": "7.34.0", "ipywidgets": "7.7.1", "tensorflow": "2.19.0", "keras": "3.10.0",
                        "numpy": "2.0.2"}.items():
        assert not compat._older(colab, compat.MINIMUM[dist][0]), dist


@pytest.mark.parametrize("version, minimum, older", [
    ("3.1.1", "3.2.0", True), ("3.2", "3.2.0", False), ("3.10.0", "3.2.0", False),
    ("2.19.0rc1", "2.16.1", False), ("0.10.1", "0.10.2", True), ("7.34.0", "7.34.0", False)])
def test_version_order_is_numeric(version, minimum, older):
    assert compat._older(version, minimum) is older


@pytest.fixture
def old_keras(monkeypatch):
    real = compat.installed_version
    monkeypatch.setattr(compat, "installed_version", lambda d: "3.1.1" if d == "keras" else real(d))
    monkeypatch.setattr(compat, "_CHECKED", False)


def test_a_too_old_package_is_one_clear_error(old_keras):
    with pytest.raises(compat.VersionError) as info:
        compat.require()
    msg = str(info.value)
    assert "keras 3.1.1 is installed but 3.5.0 or newer is needed" in msg
    assert '`pip install "keras>=3.5.0"`' in msg and "\n" not in msg
    assert isinstance(info.value, gcdg_lite.GcdgError) and isinstance(info.value, ImportError)
    # the package's first use of a TensorFlow-backed name says the same (not a Keras traceback)
    with pytest.raises(compat.VersionError, match="keras 3.1.1"):
        gcdg_lite.__getattr__("fit")
    gcdg_lite.__getattr__("budget")  # the light modules need no check


def test_the_cli_prints_one_line(old_keras, capsys):
    assert main(["corpus", "--list"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: gcdg_lite needs newer packages: keras 3.1.1")


def test_current_environment_passes(monkeypatch):
    monkeypatch.setattr(compat, "_CHECKED", False)
    assert compat.too_old() == []
    compat.require()
    assert compat.installed_version("no-such-distribution-gcdg") is None
