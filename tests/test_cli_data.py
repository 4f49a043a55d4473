"""``python -m gcdg_lite corpus`` and ``inspect``: listing, writing WAVs, exit codes on bad folders."""
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from gcdg_lite.cli import main
from gcdg_lite.data import TEXTURES, texture


def test_module_corpus_list_one_line_per_texture():
    out = subprocess.run([sys.executable, "-m", "gcdg_lite", "corpus", "--list"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert [ln.split()[0] for ln in lines] == list(TEXTURES)


def test_corpus_writes_mono_16bit_wavs_and_refuses_to_overwrite(tmp_path, capsys):
    out = tmp_path / "babble"
    args = ["corpus", "--texture", "babble", "--n", "5", "--seed", "0", "--samples", "4096", "--out", str(out)]
    assert main(args) == 0
    files = sorted(out.glob("*.wav"))
    assert len(files) == 5
    info = sf.info(str(files[0]))
    assert (info.channels, info.samplerate, info.frames, info.subtype) == (1, 16000, 4096, "PCM_16")
    x, _ = sf.read(str(files[3]), dtype="float32")
    assert np.allclose(x, texture("babble", 4, 0, samples=4096)[3], atol=1 / 32768 + 1e-6)
    stamp = files[0].stat().st_mtime_ns
    capsys.readouterr()
    assert main(args) == 2  # refuses: files exist
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "already exists" in err[0] and "--force" in err[0]
    assert files[0].stat().st_mtime_ns == stamp
    assert main(args + ["--force"]) == 0


def test_corpus_other_rate_and_unknown_texture(tmp_path, capsys):
    assert main(["corpus", "--texture", "hum", "--n", "2", "--sr", "8000", "--samples", "1000",
                 "--out", str(tmp_path)]) == 0
    info = sf.info(str(next(tmp_path.glob("*.wav"))))
    assert (info.samplerate, info.frames) == (8000, 1000)
    capsys.readouterr()
    assert main(["corpus", "--texture", "humm", "--out", str(tmp_path / "x")]) == 2
    assert "unknown texture 'humm'" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "data"
    main(["corpus", "--texture", "rain", "--n", "3", "--samples", "8192", "--out", str(d)])
    return d


def test_inspect_good_folder_exit_0(folder, capsys):
    capsys.readouterr()
    assert main(["inspect", str(folder), "--samples", "4096"]) == 0
    out = capsys.readouterr().out
    assert "3 usable, 0 bad" in out and "6 of 4096 samples" in out and "16000 Hz x3" in out
    assert "silent clips:  0" in out and "usable: 6 clip(s)" in out


def test_inspect_bad_file_fails_naming_it_then_skip_bad_goes_on(folder, capsys):
    (folder / "broken.wav").write_text("not a wav at all")
    capsys.readouterr()
    assert main(["inspect", str(folder), "--samples", "4096"]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "broken.wav" in err[0] and err[0].startswith("error:")
    assert main(["inspect", str(folder), "--samples", "4096", "--skip-bad"]) == 0
    out = capsys.readouterr().out
    assert "broken.wav: is not audio" in out and "usable: 6 clip(s); skipped 1 bad file(s)" in out


def test_inspect_missing_or_unusable_path(tmp_path, capsys):
    assert main(["inspect", str(tmp_path / "nope")]) == 2
    assert "does not exist" in capsys.readouterr().err
    (tmp_path / "only.wav").write_bytes(b"")
    assert main(["inspect", str(tmp_path), "--skip-bad"]) == 2
    assert "no usable clips" in capsys.readouterr().err
