"""The generators shipped with the package (gcdg_lite.pretrained, issue 23 item 7)."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

import gcdg_lite as gl
from gcdg_lite.errors import ConfigError, RunError

SHIPPED = gl.pretrained.available()


def test_the_book_ships_speech_and_two_other_textures_small():
    assert "speech" in SHIPPED and len(SHIPPED) >= 3
    for name, entry in gl.pretrained.entries().items():
        size = (gl.pretrained.FOLDER / entry["file"]).stat().st_size
        assert size < 5 * 2**20, f"{name}: {size} bytes"
        assert entry["command"].startswith("python -m gcdg_lite train --data builtin:")
        assert entry["train_cpu_s"] >= 30 * 60 or "gpu" in entry.get("device", "").lower()
        assert entry["precision"] in gl.defaults.PRECISIONS and entry["precision"] != "auto"


@pytest.mark.parametrize("name", SHIPPED)
def test_a_shipped_generator_scores_what_its_index_records(name):
    gen = gl.pretrained.load(name)
    recorded = gen.entry["scores"]["check"]
    now = gl.pretrained.score(gen, recorded["n"], recorded["splits"])
    assert now["fd_score"] == pytest.approx(recorded["fd_score"], abs=0.01)
    assert now["c2st"] == pytest.approx(recorded["c2st"], abs=0.05)
    clips = gen.sample(3, seed=4)
    assert clips.shape == (3, gen.entry["samples"]) and np.abs(clips).max() <= 1.0
    assert np.array_equal(clips, gen.sample(3, seed=4)) and not np.allclose(clips[0], clips[1])


def test_a_damaged_or_unknown_generator_is_refused_by_name(tmp_path):
    folder = tmp_path / "models"
    shutil.copytree(gl.pretrained.FOLDER, folder)
    name = SHIPPED[0]
    path = folder / gl.pretrained.entries(folder)[name]["file"]
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(RunError, match=str(path)):
        gl.pretrained.load(name, folder)
    with pytest.raises(ConfigError, match="no pretrained generator 'nope'; choose one of"):
        gl.pretrained.load("nope")
