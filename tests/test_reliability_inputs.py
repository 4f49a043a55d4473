"""Issue 22, inputs: links in a data folder are followed (no loops, nothing dropped without a word),
``--clips`` above what a folder gives is one line, a named pipe never hangs a command, audio is read
in blocks (memory follows the clips kept, not the file), streaming WAVs with a 0xFFFFFFFF size are
read, and long lists of bad files are shortened to a few and a count. Fixtures are made in
``tmp_path``; the named-pipe cases run the command line in a subprocess with a timeout, so that a
hang fails the test instead of stalling the suite."""
from __future__ import annotations

import os
import struct
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from gcdg_lite.cli import main
from gcdg_lite.data import load_folder, load_source, slice_clips
from gcdg_lite.errors import ConfigError, DataError

from test_reliability import FAST, one_line, snapshot

SR = 8000
N = 1024  # clip length in these tests (samples)
ROOT = Path(__file__).resolve().parents[1]


def _tone(seconds: float, sr: int = SR, freq: float = 440.0, amp: float = 0.5) -> np.ndarray:
    t = np.arange(int(round(seconds * sr))) / sr
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def _write(path: Path, x: np.ndarray, sr: int = SR, subtype: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), x, sr, subtype=subtype)
    return path


def _cli(*args: str, timeout: int = 60) -> subprocess.CompletedProcess:
    """``python -m gcdg_lite ARGS`` in a subprocess of this checkout; a hang raises TimeoutExpired."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "gcdg_lite", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=str(ROOT))


def _error_line(proc: subprocess.CompletedProcess) -> str:
    """The one ``error:`` line of an exit-2 run (TensorFlow's own start-up log lines aside)."""
    err = [line for line in proc.stderr.strip().splitlines() if line.startswith("error:")]
    assert proc.returncode == 2 and len(err) == 1 and "Traceback" not in proc.stderr, proc.stderr
    return err[0]


# ---------------------------------------------------------------- 7: links are followed, loops skipped

@pytest.fixture
def linked(tmp_path):
    """data/ holds one real file, 10 symlinked sub-folders (one file each, outside data/), a
    symlinked file, and a link looping back to data/ itself."""
    data, elsewhere = tmp_path / "data", tmp_path / "elsewhere"
    _write(data / "real.wav", _tone(0.5))
    for i in range(10):
        _write(elsewhere / f"take{i}" / f"t{i}.wav", _tone(0.5, freq=300.0 + 50 * i))
        os.symlink(elsewhere / f"take{i}", data / f"link{i}")
    _write(elsewhere / "single.wav", _tone(0.5, freq=900.0))
    os.symlink(elsewhere / "single.wav", data / "single.wav")
    os.symlink(data, data / "link0b_loop")
    return data


def test_symlinked_sub_folders_and_files_are_followed_once_and_loops_listed(linked, tmp_path):
    before = snapshot(tmp_path / "elsewhere")
    cs = load_folder(linked, sr=SR, samples=N)
    names = sorted(Path(f.path).name for f in cs.report.files)
    assert names == sorted(["real.wav", "single.wav"] + [f"t{i}.wav" for i in range(10)])
    assert len(cs) == 12 * 4 and not cs.report.bad
    assert len(cs.report.links) == 11  # 10 folders + 1 file followed, each listed
    (loop, reason), = cs.report.skipped  # the loop back to data/ is listed, not followed forever
    assert loop.endswith("link0b_loop") and "already searched" in reason
    assert snapshot(tmp_path / "elsewhere") == before  # only read


def test_a_folder_of_only_linked_sub_folders_is_not_empty(tmp_path):
    _write(tmp_path / "store" / "a.wav", _tone(0.5))
    (tmp_path / "data").mkdir()
    os.symlink(tmp_path / "store", tmp_path / "data" / "sub")
    assert len(load_folder(tmp_path / "data", sr=SR, samples=N)) == 4
    # a folder whose only entry loops back: "empty" says the link was not read, and why
    (tmp_path / "loopy").mkdir()
    os.symlink(tmp_path / "loopy", tmp_path / "loopy" / "again")
    with pytest.raises(DataError) as err:
        load_folder(tmp_path / "loopy", sr=SR, samples=N)
    msg = str(err.value)
    assert "\n" not in msg and "again" in msg and "already searched" in msg


def test_inspect_says_links_are_followed_and_lists_the_skipped_loop(linked, capsys):
    assert main(["inspect", str(linked), "--sr", str(SR), "--samples", str(N)]) == 0
    out = capsys.readouterr().out
    assert "12 usable, 0 bad" in out and "links:         11 followed" in out and "1 skipped" in out
    assert f"skipped:       {linked / 'link0b_loop'}: a link to" in out
    assert "usable: 48 clip(s)" in out


# ---------------------------------------------------------------- 10: --clips above what a folder gives

def test_more_clips_than_a_folder_gives_is_one_line(tmp_path):
    _write(tmp_path / "d" / "x.wav", _tone(10 * N / SR))  # exactly 10 clips
    assert load_source(tmp_path / "d", sr=SR, samples=N).shape == (10, N)
    assert load_source(tmp_path / "d", sr=SR, samples=N, n=10).shape == (10, N)
    with pytest.raises(DataError) as err:
        load_source(tmp_path / "d", sr=SR, samples=N, n=500)
    msg = str(err.value)
    assert "\n" not in msg and "asked for 500 clips" in msg and "gives 10 clip(s)" in msg
    assert "--clips" in msg and "10 or fewer" in msg
    # a built-in texture makes as many clips as asked: no limit there
    assert load_source("builtin:hum", sr=SR, samples=N, n=500).shape == (500, N)


def test_train_clips_above_the_folder_is_exit_2_and_one_line(tmp_path, capsys):
    _write(tmp_path / "d" / "x.wav", _tone(5 * N / 16000, sr=16000), sr=16000)  # 5 clips of 1024 at 16 kHz
    run = tmp_path / "run"
    code = main(["train", "--data", str(tmp_path / "d"), "--clips", "500", "--steps", "2", "--out", str(run), *FAST])
    assert code == 2
    line = one_line(capsys, "asked for 500 clips")
    assert "gives 5 clip(s)" in line and "--clips" in line


# ---------------------------------------------------------------- 12: a named pipe never hangs

@pytest.fixture
def piped(tmp_path):
    """data/ with one good file and a named pipe called p.wav (no writer: opening it would block)."""
    data = tmp_path / "data"
    _write(data / "good.wav", _tone(0.5))
    os.mkfifo(data / "p.wav")
    return data


def test_inspect_refuses_a_named_pipe_without_opening_it(piped):
    proc = _cli("inspect", str(piped), "--sr", str(SR), "--samples", str(N))
    line = _error_line(proc)
    assert "p.wav" in line and "named pipe" in line and "not opened" in line
    proc = _cli("inspect", str(piped), "--sr", str(SR), "--samples", str(N), "--skip-bad")
    assert proc.returncode == 0, proc.stderr
    assert "p.wav: is a named pipe (FIFO), not a regular file" in proc.stdout and "1 usable, 1 bad" in proc.stdout
    # the pipe itself as the path
    line = _error_line(_cli("inspect", str(piped / "p.wav"), "--sr", str(SR), "--samples", str(N)))
    assert "p.wav" in line and "named pipe" in line


def test_train_on_a_folder_with_a_named_pipe_is_one_line(piped, tmp_path):
    proc = _cli("train", "--data", str(piped), "--clips", "4", "--steps", "1", "--out", str(tmp_path / "run"),
                *FAST, timeout=120)
    line = _error_line(proc)
    assert "p.wav" in line and "named pipe" in line


# ---------------------------------------------------------------- 13: audio read in blocks

def _old_way(path: Path, sr: int, samples: int) -> np.ndarray:
    """What the loader did before: read whole as float64, downmix, librosa.resample, slice, normalise."""
    import librosa

    data, file_sr = sf.read(str(path), dtype="float64", always_2d=True)
    x = librosa.resample(data.mean(axis=1), orig_sr=file_sr, target_sr=sr)
    clips, _, _ = slice_clips(x, samples, samples)
    clips *= 0.95 / np.max(np.abs(x))
    return np.clip(clips, -1, 1).astype(np.float32)


def test_streamed_resampling_gives_the_clips_whole_file_resampling_gave(tmp_path):
    rng = np.random.default_rng(0)
    x = (0.2 * rng.standard_normal((3 * 44100 + 17, 3))).astype(np.float32)
    path = _write(tmp_path / "d" / "three_channels.wav", x, 44100, "FLOAT")
    import gcdg_lite.data.loader as L

    for block in (L._BLOCK, 3001):  # the default, and blocks that cut clips and filters anywhere
        old, L._BLOCK = L._BLOCK, block
        try:
            streamed = load_folder(tmp_path / "d", sr=SR, samples=N, silence_db=-np.inf).clips
        finally:
            L._BLOCK = old
        assert np.array_equal(streamed, _old_way(path, SR, N))  # bit for bit: saved runs keep their digest


def test_a_long_multichannel_file_needs_memory_for_its_clips_not_the_file(tmp_path):
    rng = np.random.default_rng(1)
    sr, seconds, channels = 96000, 20, 8
    path = tmp_path / "d" / "big.wav"
    path.parent.mkdir()
    with sf.SoundFile(str(path), "w", sr, channels, "PCM_16") as fh:  # written in pieces: 30 MB
        for _ in range(seconds):
            fh.write((0.3 * rng.standard_normal((sr, channels))).astype(np.float32))
    whole = seconds * sr * channels * 8  # the file decoded as float64: 123 MB
    tracemalloc.start()
    try:
        cs = load_folder(tmp_path / "d")  # 16 kHz, 16384-sample clips: 20 clips, 1.3 MB as float32
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(cs) == 20 and cs.report.files[0].channels == channels
    assert peak < whole / 4, f"peak {peak / 1e6:.1f} MB for a file of {whole / 1e6:.0f} MB as float64"


def test_a_file_too_large_for_the_limit_is_one_line_before_any_audio_is_read(tmp_path, monkeypatch):
    import gcdg_lite.data.loader as L

    _write(tmp_path / "d" / "multi.wav", 0.1 * np.ones((SR * 4, 4), np.float32))
    monkeypatch.setattr(L, "MAX_SAMPLES", 8 * N)  # 4 s at 8 kHz is 31 clips of 1024: over the limit

    def no_reading(*args, **kwargs):
        raise AssertionError("audio was read before the size check")

    monkeypatch.setattr(sf.SoundFile, "read", no_reading)
    monkeypatch.setattr(sf, "read", no_reading)
    with pytest.raises(ConfigError) as err:
        load_folder(tmp_path / "d", sr=SR, samples=N)
    msg = str(err.value)
    assert "\n" not in msg and "would give about 31 clips" in msg and "at least" in msg


# ---------------------------------------------------------------- 17: streaming WAVs, long bad lists

def test_a_wav_with_the_streaming_size_0xffffffff_is_read_whole(tmp_path):
    x = _tone(1.0)
    _write(tmp_path / "ref" / "a.wav", x, subtype="PCM_16")
    raw = bytearray((tmp_path / "ref" / "a.wav").read_bytes())
    at = raw.index(b"data")
    raw[4:8] = raw[at + 4:at + 8] = struct.pack("<I", 0xFFFFFFFF)  # what a writer to a pipe leaves
    (tmp_path / "stream").mkdir()
    (tmp_path / "stream" / "a.wav").write_bytes(bytes(raw))
    got = load_folder(tmp_path / "stream", sr=SR, samples=N)
    assert np.array_equal(got.clips, load_folder(tmp_path / "ref", sr=SR, samples=N).clips)
    assert got.report.files[0].duration == 1.0
    # a real truncation is still refused
    (tmp_path / "cut").mkdir()
    (tmp_path / "cut" / "a.wav").write_bytes(bytes((tmp_path / "ref" / "a.wav").read_bytes()[:8000]))
    with pytest.raises(DataError, match="truncated"):
        load_folder(tmp_path / "cut", sr=SR, samples=N)


def _bad_folder(root: Path, n: int) -> Path:
    for i in range(n):
        (root / f"field_recording_take_{i:02d}.wav").parent.mkdir(parents=True, exist_ok=True)
        (root / f"field_recording_take_{i:02d}.wav").write_text("not audio at all, just some text\n")
    return root


def test_a_long_list_of_bad_files_is_the_first_few_and_a_count(tmp_path, capsys):
    data = _bad_folder(tmp_path / "data", 30)
    with pytest.raises(DataError) as err:
        load_folder(data, sr=SR, samples=N, skip_bad=True)
    msg = str(err.value)
    assert "\n" not in msg and len(msg) < 1200, len(msg)
    assert "skipped 30 bad file(s)" in msg and "and 25 more" in msg and "--verbose" in msg
    assert msg.count("field_recording_take_") == 5
    # inspect: one short error line; its report lists the first 20 bad files, --verbose all 30
    assert main(["inspect", str(data), "--skip-bad"]) == 2
    captured = capsys.readouterr()
    err_lines = captured.err.strip().splitlines()
    assert len(err_lines) == 1 and len(err_lines[0]) < 1200 and "30 bad file(s)" in err_lines[0]
    assert captured.out.count("bad file:      ") == 21 and "... and 10 more" in captured.out
    assert main(["inspect", str(data), "--skip-bad", "--verbose"]) == 2
    assert capsys.readouterr().out.count(": is not audio") == 30
    # beside good files, the one-line summary is short too
    _write(data / "good.wav", _tone(0.5))
    summary = load_folder(data, sr=SR, samples=N, skip_bad=True).report.summary()
    assert len(summary) < 1200 and "skipped 30 bad file(s)" in summary and "and 25 more" in summary
