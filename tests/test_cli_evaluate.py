"""Tests of ``python -m gcdg_lite evaluate``: built-in vs a WAV folder, --json, clear errors."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import soundfile as sf

from gcdg_lite.cli import main
from gcdg_lite.data.corpus import texture

SAMPLES = 8192
COMMON = ["--samples", str(SAMPLES), "--n", "24"]
METRICS = {"fd", "kid", "ndb_k", "js", "texture_snr_db", "memorisation"}


@pytest.fixture(scope="module")
def wav_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two folders of one-clip WAV files: fresh ``rain`` (seed 5) and ``crackle`` (seed 5)."""
    out = {}
    for name in ("rain", "crackle"):
        folder = tmp_path_factory.mktemp(name)
        for i, clip in enumerate(texture(name, 24, seed=5, samples=SAMPLES)):
            sf.write(folder / f"{name}_{i:02d}.wav", clip, 16000, subtype="PCM_16")
        out[name] = folder
    return out


def _json(capsys: pytest.CaptureFixture, argv: list[str]) -> dict:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_table_builtin_vs_wav_folder(wav_dirs, capsys) -> None:
    rc = main(["evaluate", "--real", "builtin:rain", "--fake", str(wav_dirs["rain"]), *COMMON])
    out = capsys.readouterr().out
    assert rc == 0
    assert "builtin:rain (24 clips)" in out and "(24 clips)" in out
    for word in ("metric", "floor", "ceiling", *METRICS):
        assert word in out


def test_json_has_every_metric_with_floor_and_ceiling(wav_dirs, capsys) -> None:
    same = _json(capsys, ["evaluate", "--real", "builtin:rain", "--fake", str(wav_dirs["rain"]),
                          "--json", *COMMON])
    other = _json(capsys, ["evaluate", "--real", "builtin:rain", "--fake", str(wav_dirs["crackle"]),
                           "--json", *COMMON])
    assert set(same["metrics"]) == METRICS and same["n_real"] == 24 and same["n_fake"] == 24
    for r in same["metrics"].values():
        assert {"value", "floor", "ceiling", "good"} <= set(r)
    # the WAV round trip keeps rain looking like rain; crackle is far from it
    assert same["metrics"]["fd"]["score"] < 0.2 < other["metrics"]["fd"]["score"]
    assert same["metrics"]["texture_snr_db"]["value"] > other["metrics"]["texture_snr_db"]["value"] + 5


def test_builtin_fake_is_a_fresh_draw(capsys) -> None:
    res = _json(capsys, ["evaluate", "--real", "builtin:babble", "--fake", "builtin:babble", "--json",
                         *COMMON])["metrics"]
    assert res["memorisation"]["value"] > 0.5  # seed + 1: not copies of the real clips


@pytest.mark.parametrize("kind", ["missing", "empty", "no_audio"])
def test_bad_fake_folder_exits_2_with_one_line(tmp_path, capsys, kind: str) -> None:
    folder = tmp_path / f"fake_{kind}"
    if kind != "missing":
        folder.mkdir()
    if kind == "no_audio":
        (folder / "notes.txt").write_text("not audio")
    rc = main(["evaluate", "--real", "builtin:rain", "--fake", str(folder), *COMMON])
    err = capsys.readouterr().err.strip()
    assert rc == 2
    assert len(err.splitlines()) == 1 and err.startswith("error:") and str(folder) in err
    assert "Traceback" not in err


def test_unknown_builtin_and_bad_n_are_one_line_errors(capsys) -> None:
    assert main(["evaluate", "--real", "builtin:nonesuch", "--fake", "builtin:rain", *COMMON]) == 2
    assert "nonesuch" in capsys.readouterr().err
    assert main(["evaluate", "--real", "builtin:rain", "--fake", "builtin:rain", "--n", "1"]) == 2
    assert "--n" in capsys.readouterr().err


def test_module_entry_point_reports_bad_folder(tmp_path) -> None:
    missing = tmp_path / "no_such_dir"
    proc = subprocess.run(
        [sys.executable, "-m", "gcdg_lite", "evaluate", "--real", str(missing), "--fake", str(missing)],
        capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parents[1],
    )
    assert proc.returncode == 2
    # TensorFlow's C++ start-up log (absl), printed when another sub-command imports TF, is not ours
    lines = [ln for ln in proc.stderr.strip().splitlines()
             if not re.match(r"(WARNING: All log messages before absl|[IWE]\d{4} )", ln)]
    assert len(lines) == 1 and lines[0].startswith("error:") and str(missing) in lines[0]
