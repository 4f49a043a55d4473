"""Fixtures shared by the run-folder suites (test_reliability*.py): one small trained run per module, and a
fresh copy of it for each test."""
from __future__ import annotations

import shutil

import pytest


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
