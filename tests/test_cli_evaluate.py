"""Tests of ``python -m gcdg_lite evaluate``: built-in vs a WAV folder, --json, clear errors,
silent generated sets, clip-length mismatches and the training set of the memorisation check."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from gcdg_lite.cli import main
from gcdg_lite.data.corpus import texture

SAMPLES = 8192
COMMON = ["--samples", str(SAMPLES), "--n", "24"]
METRICS = {"fd", "kid", "ndb_k", "js", "texture_snr_db", "c2st", "memorisation", "harmonicity"}
ENTRY = {"value", "value_sd", "floor", "floor_sd", "anchors", "score", "score_sd", "score_pink",
         "good", "unit", "splits", "per_split"}


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
    for word in ("metric", "floor", "spectrum noise", "pink noise", "±", "times its real-vs-real floor",
                 *METRICS):
        assert word in out


def test_json_has_every_metric_with_floor_anchors_and_spreads(wav_dirs, capsys) -> None:
    same = _json(capsys, ["evaluate", "--real", "builtin:rain", "--fake", str(wav_dirs["rain"]),
                          "--json", *COMMON])
    other = _json(capsys, ["evaluate", "--real", "builtin:rain", "--fake", str(wav_dirs["crackle"]),
                           "--json", *COMMON])
    assert set(same["metrics"]) == METRICS and same["n_real"] == 24 and same["n_fake"] == 24
    assert same["splits"] == 3 and same["padded_clips"] == {"real": 0, "fake": 0}
    for r in same["metrics"].values():
        assert ENTRY <= set(r) and set(r["anchors"]) == {"spectrum_noise", "pink_noise"}
        assert r["value_sd"] >= 0 and r["floor_sd"] >= 0 and len(r["per_split"]["value"]) == 3
    assert {"x_floor", "x_floor_sd"} <= set(same["metrics"]["fd"])
    assert same["metrics"]["c2st"]["value"] < 0.8 < other["metrics"]["c2st"]["value"]
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


def test_silent_generated_folder_is_scored_not_refused(tmp_path, capsys) -> None:
    """A generator that outputs silence gets a (bad) score; the loader's silence rule is for real clips."""
    for i in range(24):  # --n 24: as many as the folder gives
        sf.write(tmp_path / f"silent_{i}.wav", np.zeros(SAMPLES, np.float32), 16000, subtype="PCM_16")
    res = _json(capsys, ["evaluate", "--real", "builtin:vowels", "--fake", str(tmp_path), "--json",
                         *COMMON])
    assert res["n_fake"] == 24
    assert res["metrics"]["fd"]["score"] > 1.0 and res["metrics"]["c2st"]["value"] > 0.95
    harm = res["metrics"]["harmonicity"]  # silence: no active frame, scored as frames without any pitch
    assert harm["score"] > 1.0 and harm["sets"]["fake"]["voiced_fraction"] == 0.0


def test_harmonicity_hears_what_fd_misses_in_text_and_json(tmp_path, capsys) -> None:
    """Vowels with their own spectrograms but random phase: FD's band statistics stay close to real vowels,
    the frame HNR falls by more than 10 dB and the harmonicity score lands far above fresh vowels'."""
    from gcdg_lite.metrics import random_phase

    for i, clip in enumerate(random_phase(texture("vowels", 24, seed=7, samples=SAMPLES), seed=0)):
        sf.write(tmp_path / f"scrambled_{i:02d}.wav", clip, 16000, subtype="FLOAT")
    scrambled = _json(capsys, ["evaluate", "--real", "builtin:vowels", "--fake", str(tmp_path), "--json", *COMMON])
    fresh = _json(capsys, ["evaluate", "--real", "builtin:vowels", "--fake", "builtin:vowels", "--json", *COMMON])
    h, h0 = scrambled["metrics"]["harmonicity"], fresh["metrics"]["harmonicity"]
    assert h["unit"] == "dB" and set(h["sets"]) == {"real", "fake", "spectrum_noise", "pink_noise"}
    assert {"voiced_fraction", "hnr_db", "f0_hz", "f0_iqr_hz"} <= set(h["sets"]["fake"])
    assert h["sets"]["real"]["hnr_db"] > h["sets"]["fake"]["hnr_db"] + 10.0
    assert h["score"] > 0.5 > 0.2 > abs(h0["score"])
    assert main(["evaluate", "--real", "builtin:vowels", "--fake", str(tmp_path), *COMMON]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^harmonicity\s", out, re.M) and "voiced" in out and "f0" in out


def test_silent_real_folder_error_suggests_flags_evaluate_has(tmp_path, capsys) -> None:
    rng = np.random.default_rng(0)
    for i in range(24):  # noise at about -80 dBFS; --n 24: as many as the folder gives
        sf.write(tmp_path / f"quiet_{i}.wav", 1e-4 * rng.standard_normal(SAMPLES), 16000, subtype="FLOAT")
    assert main(["evaluate", "--real", str(tmp_path), "--fake", "builtin:rain", *COMMON]) == 2
    err = capsys.readouterr().err
    flags = set(re.findall(r"--[a-z][a-z-]+", err))
    assert flags and flags <= {"--silence-db", "--skip-bad", "--samples"}, err
    # the suggested flag works: a lower threshold keeps the quiet clips
    assert main(["evaluate", "--real", str(tmp_path), "--fake", "builtin:rain", "--silence-db",
                 "-100", *COMMON]) == 0


def test_fake_clips_shorter_than_samples_are_refused(tmp_path, capsys) -> None:
    for i, clip in enumerate(texture("vowels", 24, seed=3, samples=SAMPLES // 2)):
        sf.write(tmp_path / f"short_{i}.wav", clip, 16000, subtype="PCM_16")
    assert main(["evaluate", "--real", "builtin:vowels", "--fake", str(tmp_path), *COMMON]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--samples" in err and f"--samples {SAMPLES // 2}" in err
    res = _json(capsys, ["evaluate", "--real", "builtin:vowels", "--fake", str(tmp_path), "--json",
                         "--samples", str(SAMPLES // 2), "--n", "24"])
    assert res["samples"] == SAMPLES // 2 and res["n_fake"] == 24


def test_n_above_what_a_folder_gives_is_one_line_naming_n(wav_dirs, capsys) -> None:
    """Every set goes through ``data.load_source``: never fewer clips than asked, silently."""
    rain = str(wav_dirs["rain"])  # 24 clips
    assert main(["evaluate", "--real", "builtin:rain", "--fake", rain, "--samples", str(SAMPLES),
                 "--n", "30"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("error: --fake asked for 30 clips (--n)")
    assert f"{rain} gives 24 clip(s)" in err and "24 or fewer" in err


def test_train_set_feeds_the_memorisation_check(wav_dirs, capsys) -> None:
    # builtin --real is drawn from clips no training run has seen (else: refused as training clips)
    res = _json(capsys, ["evaluate", "--real", "builtin:rain", "--fake", "builtin:rain",
                         "--train", "builtin:rain", "--splits", "2", "--json", *COMMON])
    assert res["n_train"] == 256 and res["metrics"]["memorisation"]["against"] == "train clips"
    assert res["metrics"]["fd"]["splits"] == 2
    assert res["metrics"]["memorisation"]["value"] > 0.5
    # real clips that are training clips are refused: score on held-out clips
    rain = str(wav_dirs["rain"])
    assert main(["evaluate", "--real", rain, "--fake", "builtin:rain", "--train", rain, *COMMON]) == 2
    assert "training clips" in capsys.readouterr().err


@pytest.mark.parametrize("flags, name", [(["--seed", "-1"], "--seed"), (["--splits", "0"], "--splits"),
                                         (["--sr", "0"], "--sr")])
def test_bad_numbers_are_one_line_errors_naming_the_flag(capsys, flags, name) -> None:
    assert main(["evaluate", "--real", "builtin:rain", "--fake", "builtin:rain", *COMMON, *flags]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and name in err
