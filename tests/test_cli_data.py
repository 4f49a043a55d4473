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


def test_write_corpus_is_the_library_function_the_cli_calls(tmp_path):
    from gcdg_lite.data import write_corpus
    from gcdg_lite.errors import ConfigError

    paths = write_corpus("hum", 3, tmp_path, seed=2, samples=1000)
    assert [p.name for p in paths] == [f"hum_s2_{i:04d}.wav" for i in range(3)]
    x, sr = sf.read(str(paths[2]), dtype="float32")
    assert sr == 16000 and np.allclose(x, texture("hum", 3, 2, samples=1000)[2], atol=1 / 32768 + 1e-6)
    with pytest.raises(ConfigError, match="already exists"):
        write_corpus("hum", 3, tmp_path, seed=2, samples=1000)
    assert len(write_corpus("hum", 3, tmp_path, seed=2, samples=1000, force=True)) == 3


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


# ---------------------------------------------------------------- bad input: one line, exit 2

def _one_error_line(capsys):
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:") and "Traceback" not in captured.err, captured.err
    return err[0]


def test_corpus_huge_n_is_refused_at_once(tmp_path, capsys):
    out = tmp_path / "x"
    assert main(["corpus", "--texture", "hum", "--n", "99999999999", "--out", str(out)]) == 2
    assert "--n 99999999999" in _one_error_line(capsys) and not out.exists()
    assert main(["corpus", "--texture", "hum", "--n", "2", "--samples", str(2 ** 31), "--out", str(out)]) == 2
    assert "--samples" in _one_error_line(capsys)


@pytest.mark.parametrize("where", ["under_a_file", "proc"])
def test_corpus_unwritable_out_is_one_line(tmp_path, capsys, where):
    if where == "under_a_file":
        (tmp_path / "f").write_text("x")
        out = tmp_path / "f" / "clips"
    else:
        out = "/proc/gcdg_lite_test/clips"
    assert main(["corpus", "--texture", "hum", "--n", "2", "--out", str(out)]) == 2
    assert f"--out {out}: cannot write there" in _one_error_line(capsys)


def test_corpus_failing_write_keeps_what_was_written(tmp_path, capsys, monkeypatch):
    import gcdg_lite.audio

    real, calls = gcdg_lite.audio.save_wav, []

    def flaky(path, clip, sr):
        calls.append(path)
        if len(calls) > 2:
            raise OSError(30, "Read-only file system")
        return real(path, clip, sr)

    monkeypatch.setattr(gcdg_lite.audio, "save_wav", flaky)
    assert main(["corpus", "--texture", "hum", "--n", "5", "--samples", "1024", "--out", str(tmp_path)]) == 2
    line = _one_error_line(capsys)
    assert "Read-only file system" in line and "2 file(s) written before it are kept" in line
    assert len(list(tmp_path.glob("*.wav"))) == 2


def test_corpus_refuses_when_the_disk_is_too_small(tmp_path, capsys, monkeypatch):
    import shutil

    monkeypatch.setattr(shutil, "disk_usage", lambda p: shutil._ntuple_diskusage(10 ** 9, 10 ** 9 - 1000, 1000))
    assert main(["corpus", "--texture", "hum", "--n", "3", "--out", str(tmp_path)]) == 2
    assert "MB are free" in _one_error_line(capsys) and not list(tmp_path.glob("*.wav"))


def _long_file_with_pauses(path, sr=16000):
    t = np.arange(30 * sr) / sr
    on = np.sin(2 * np.pi * 0.1 * t) > -0.2  # on 56 % of the time, in long stretches
    sf.write(str(path), (0.5 * np.sin(2 * np.pi * 220 * t) * on).astype(np.float32), sr)


def test_inspect_counts_silence_dominated_crops_of_a_long_file(tmp_path, capsys):
    _long_file_with_pauses(tmp_path / "long.wav")
    assert main(["inspect", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    # 30 s -> 29 crops of 16384 samples (a 0.3-clip tail is dropped); those mostly in a pause go
    assert "29 crop(s) cut" in out
    kept = int(out.split("usable: ")[1].split(" ")[0])
    silent = int(out.split("silent clips:  ")[1].split(" ")[0])
    assert kept + silent == 29 and 8 <= silent <= 16, out


def test_inspect_tiny_hop_and_all_silent_folder_are_one_line(tmp_path, capsys):
    _long_file_with_pauses(tmp_path / "long.wav")
    assert main(["inspect", str(tmp_path), "--hop", "1"]) == 2
    line = _one_error_line(capsys)
    assert "hop=1" in line and "--hop" in line
    quiet = tmp_path / "quiet"
    quiet.mkdir()
    sf.write(str(quiet / "a.wav"), np.zeros(40000, np.float32), 16000)
    assert main(["inspect", str(quiet)]) == 2
    line = _one_error_line(capsys)
    assert f"every clip in {quiet} is silent" in line and "--silence-db" in line


@pytest.mark.parametrize("seed", ["99999999999", "-1"])
def test_train_seed_out_of_range_with_folder_data_is_one_line(folder, tmp_path, capsys, seed):
    run = tmp_path / "run"
    assert main(["train", "--data", str(folder), "--steps", "1", "--seed", seed, "--out", str(run)]) == 2
    assert f"seed={seed}" in _one_error_line(capsys)
