"""Fixtures shared by the suites: temporary files kept inside pytest's own folder (every test), and for the
run-folder suites (test_reliability*.py) one small trained run per module and a fresh copy of it for each test."""
from __future__ import annotations

import os
import shutil
import tempfile

import pytest


def pytest_configure(config):
    """Give each pytest-xdist worker a numba cache of its own (``NUMBA_CACHE_DIR``, removed at the end).

    librosa compiles some functions with numba's ``cache=True`` into its own ``__pycache__``. numba's cache is
    not safe for two processes that write it at once: two benchmark processes that first called
    ``librosa.feature.zero_crossing_rate`` in the same second left an index that crashed every later call on
    float64 clips with a segmentation fault. Two workers starting together in a fresh environment do just that.
    The kernels and programs a worker starts inherit its folder."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and "NUMBA_CACHE_DIR" not in os.environ:
        config._gcdg_numba_cache = tempfile.mkdtemp(prefix=f"gcdg_numba_{worker}_")
        os.environ["NUMBA_CACHE_DIR"] = config._gcdg_numba_cache


def pytest_unconfigure(config):
    folder = getattr(config, "_gcdg_numba_cache", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def temporary_files_in_pytests_folder(tmp_path_factory):
    """Point ``tempfile`` (and ``TMPDIR``, for the kernels and programs the tests start) at a folder of
    pytest's own base for the whole session.

    ``fit`` without ``out=`` and a chapter's run at the ``test`` budget keep their run in a temporary folder
    on purpose (the run must stay readable after the call), so a full session used to leave some 250 folders
    (over 400 MB) in the system's temporary folder. Inside pytest's base they go when pytest prunes it
    (it keeps the last three sessions)."""
    folder = str(tmp_path_factory.mktemp("tempfiles"))
    saved_dir, saved_env = tempfile.tempdir, os.environ.get("TMPDIR")
    tempfile.tempdir = folder
    os.environ["TMPDIR"] = folder
    yield folder
    tempfile.tempdir = saved_dir
    if saved_env is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = saved_env


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A small finished run (2 steps, a checkpoint per step) to copy for each test."""
    from test_reliability import train_cli

    run = tmp_path_factory.mktemp("base") / "run"
    assert train_cli(run, "--ckpt-every", "1") == 0
    return run


@pytest.fixture
def run(trained, tmp_path):
    """A copy of :func:`trained` that the test may change."""
    dst = tmp_path / "run"
    shutil.copytree(trained, dst)
    return dst
