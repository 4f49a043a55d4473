"""Loading the user's audio: the rules (resample, downmix, slice, pad, silence, normalise) and every
kind of bad input, on fixtures generated in ``tmp_path``."""
import hashlib
import os

import numpy as np
import pytest
import soundfile as sf

from gcdg_lite.checks import MAX_SAMPLES, as_audio
from gcdg_lite.data import load_folder, load_source, slice_clips, texture
from gcdg_lite.errors import ConfigError, DataError

SR = 8000
N = 1024  # clip length used in these tests (samples)


def _tone(seconds, sr=SR, freq=440.0, amp=0.5):
    t = np.arange(int(round(seconds * sr))) / sr
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def _write(path, x, sr=SR, subtype=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), x, sr, subtype=subtype)
    return path


def _snapshot(root):
    out = {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            p = os.path.join(dirpath, f)
            st = os.stat(p)
            out[p] = (hashlib.sha256(open(p, "rb").read()).hexdigest(), st.st_mtime_ns, st.st_size)
    return out


# ---------------------------------------------------------------- the rules

def test_slices_with_hop_and_pads_half_clip_tail():
    x = np.arange(2600, dtype=float)
    clips, starts, padded = slice_clips(x, 1000, 1000)
    assert starts.tolist() == [0, 1000, 2000] and padded  # tail of 600 >= 500: padded
    assert np.all(clips[2, 600:] == 0) and clips[2, 599] == 2599
    clips, starts, padded = slice_clips(x[:2400], 1000, 1000)
    assert starts.tolist() == [0, 1000] and not padded  # tail of 400 < 500: dropped
    _, starts, _ = slice_clips(x[:2000], 1000, 500)
    assert starts.tolist() == [0, 500, 1000]
    assert len(slice_clips(x[:499], 1000, 1000)[0]) == 0
    assert len(slice_clips(x[:500], 1000, 1000)[0]) == 1


def test_wavegan_rule_16000_samples_padded_to_16384(tmp_path):
    _write(tmp_path / "word.wav", _tone(1.0, 16000), 16000)
    cs = load_folder(tmp_path)
    assert cs.clips.shape == (1, 16384) and cs.report.files[0].padded
    assert np.all(cs.clips[0, 16000:] == 0) and np.abs(cs.clips[0, :16000]).max() > 0.9


def test_resample_and_downmix(tmp_path):
    left = _tone(1.0, 44100, freq=1000.0, amp=0.8)
    _write(tmp_path / "stereo.wav", np.stack([left, 0.5 * left], axis=1), 44100)
    cs = load_folder(tmp_path, sr=SR, samples=N)
    rep = cs.report
    assert rep.rates == {44100: 1} and rep.files[0].channels == 2
    # 44100 samples at 44.1 kHz = 8000 at 8 kHz = 7 clips of 1024 + a tail of 832 >= 512 (padded)
    assert cs.clips.shape == (8, N) and cs.sr == SR
    spec = np.abs(np.fft.rfft(cs.clips[3]))
    assert abs(np.argmax(spec) * SR / N - 1000.0) < SR / N  # still a 1 kHz tone
    assert abs(np.abs(cs.clips).max() - 0.95) < 1e-3  # file peak-normalised to 0.95


def test_silent_clips_skipped_and_counted(tmp_path):
    x = np.concatenate([_tone(N / SR), np.zeros(N, np.float32), 1e-5 * _tone(N / SR), _tone(N / SR)])
    _write(tmp_path / "gaps.wav", x)
    cs = load_folder(tmp_path, sr=SR, samples=N, silence_db=-50)
    assert len(cs) == 2 and cs.report.n_silent == 2
    assert cs.origin[:, 1].tolist() == [0, 3 * N]
    cs = load_folder(tmp_path, sr=SR, samples=N, silence_db=-120)
    assert len(cs) == 3 and cs.report.n_silent == 1  # digital silence is always skipped


def test_recursive_sorted_hidden_and_other_files_ignored(tmp_path):
    _write(tmp_path / "b" / "two.flac", _tone(0.25))
    _write(tmp_path / "a" / "one.ogg", _tone(0.25))
    _write(tmp_path / "c.WAV", _tone(0.25))
    (tmp_path / "._c.wav").write_bytes(b"\x00\x05\x16\x07 apple double")
    (tmp_path / "notes.txt").write_text("hello")
    cs = load_folder(tmp_path, sr=SR, samples=N)
    names = [os.path.relpath(f.path, tmp_path) for f in cs.report.files]
    assert names == [os.path.join("a", "one.ogg"), os.path.join("b", "two.flac"), "c.WAV"]
    assert [os.path.basename(p) for p in cs.report.ignored] == ["notes.txt"]
    assert cs.clips.dtype == np.float32 and cs.clips.shape[1] == N


def test_clip_normalisation_option(tmp_path):
    _write(tmp_path / "x.wav", np.concatenate([_tone(N / SR, amp=0.9), _tone(N / SR, amp=0.1)]))
    per_file = load_folder(tmp_path, sr=SR, samples=N).clips
    per_clip = load_folder(tmp_path, sr=SR, samples=N, normalise="clip").clips
    raw = load_folder(tmp_path, sr=SR, samples=N, normalise=None).clips
    assert np.allclose(np.abs(per_file).max(1), [0.95, 0.95 / 9], atol=2e-3)
    assert np.allclose(np.abs(per_clip).max(1), 0.95, atol=1e-3)
    assert np.allclose(np.abs(raw).max(1), [0.9, 0.1], atol=2e-3)


def test_single_file_path(tmp_path):
    p = _write(tmp_path / "one.flac", _tone(0.5))
    assert len(load_folder(p, sr=SR, samples=N)) == 4


# ---------------------------------------------------------------- bad input

def _truncated_wav(path):
    _write(path, _tone(1.0))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _nan_wav(path):
    x = _tone(1.0)
    x[100] = np.nan
    x[200] = np.inf
    _write(path, x, subtype="FLOAT")


BAD_FILES = {
    "not_audio.wav": lambda p: p.write_text("this is a text file, not a WAV\n" * 20),
    "truncated.wav": _truncated_wav,
    "zero_bytes.wav": lambda p: p.write_bytes(b""),
    "no_frames.wav": lambda p: _write(p, np.zeros(0, np.float32)),
    "too_short.wav": lambda p: _write(p, _tone(0.03)),
    "silent.wav": lambda p: _write(p, np.zeros(SR, np.float32)),
    "nan_inf.wav": _nan_wav,
    "corrupt.flac": lambda p: p.write_bytes(b"fLaC" + bytes(range(256)) * 4),
}
REASONS = {
    "not_audio.wav": "not audio",
    "truncated.wav": "truncated",
    "zero_bytes.wav": "empty",
    "no_frames.wav": "0 frames",
    "too_short.wav": "far shorter than one clip",
    "silent.wav": "silent",
    "nan_inf.wav": "NaN/Inf",
    "corrupt.flac": "corrupt",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_each_bad_file_is_one_clear_error(tmp_path, name):
    _write(tmp_path / "good.wav", _tone(0.5))
    BAD_FILES[name](tmp_path / name)
    before = _snapshot(tmp_path)
    with pytest.raises(DataError) as err:
        load_folder(tmp_path, sr=SR, samples=N)
    msg = str(err.value)
    assert "\n" not in msg and name in msg and REASONS[name] in msg, msg
    assert "skip" in msg  # says what to do
    cs = load_folder(tmp_path, sr=SR, samples=N, skip_bad=True)
    assert len(cs) == 4 and [os.path.basename(p) for p, _ in cs.report.bad] == [name]
    assert _snapshot(tmp_path) == before  # nothing the user has is modified


def test_skip_bad_one_line_summary_lists_every_bad_file(tmp_path):
    _write(tmp_path / "good.wav", _tone(0.5))
    for name, make in BAD_FILES.items():
        make(tmp_path / name)
    before = _snapshot(tmp_path)
    with pytest.raises(DataError, match=f"and {len(BAD_FILES) - 1} more bad file"):
        load_folder(tmp_path, sr=SR, samples=N)
    cs = load_folder(tmp_path, sr=SR, samples=N, skip_bad=True)
    summary = cs.report.summary()
    assert "\n" not in summary and f"skipped {len(BAD_FILES)} bad file(s)" in summary
    for name, reason in REASONS.items():
        assert f"{name} (" in summary
        assert reason in dict((os.path.basename(p), r) for p, r in cs.report.bad)[name]
    assert _snapshot(tmp_path) == before


def test_folder_level_errors(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        load_folder(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="is empty"):
        load_folder(tmp_path / "empty")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("x")
    (tmp_path / "docs" / "b.mp3").write_bytes(b"ID3")
    with pytest.raises(DataError, match=r"no WAV/FLAC/OGG files.*\.mp3, \.txt"):
        load_folder(tmp_path / "docs")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "x.wav").write_bytes(b"")
    with pytest.raises(DataError, match="no usable clips"):
        load_folder(tmp_path / "bad", skip_bad=True)


def test_load_source(tmp_path):
    x = load_source("builtin:hum", sr=SR, samples=N, n=3, seed=1)
    assert np.array_equal(x, texture("hum", 3, 1, SR, N))
    assert load_source("builtin:hum", sr=SR, samples=N).shape == (256, N)
    with pytest.raises(DataError, match="unknown built-in texture 'humm'.*hum"):
        load_source("builtin:humm")
    _write(tmp_path / "x.wav", _tone(1.0))
    assert load_source(tmp_path, sr=SR, samples=N).shape == (8, N)  # 7 clips + a padded tail
    sub = load_source(tmp_path, sr=SR, samples=N, n=3, seed=0)
    assert sub.shape == (3, N) and np.array_equal(sub, load_source(tmp_path, sr=SR, samples=N, n=3, seed=0))


def test_load_source_options_evaluate_uses(tmp_path):
    """Held-out clips of a texture (``offset``), the folder's report, the silence rule and message labels."""
    held = load_source("builtin:hum", sr=SR, samples=N, n=2, seed=1, offset=5, return_report=True)
    assert held[1] is None and np.array_equal(held[0], texture("hum", 7, 1, SR, N)[5:])
    with pytest.raises(DataError, match="^--real 'builtin:humm': unknown built-in texture"):
        load_source("builtin:humm", label="--real")
    _write(tmp_path / "x.wav", _tone(1.0))
    clips, report = load_source(tmp_path, sr=SR, samples=N, return_report=True)
    assert len(clips) == report.n_clips == 8 and report.files[0].padded
    with pytest.raises(DataError, match=r"^--fake asked for 9 clips \(--n\) but .* gives 8 clip"):
        load_source(tmp_path, sr=SR, samples=N, n=9, label="--fake", n_name="--n")
    (tmp_path / "quiet").mkdir()
    _write(tmp_path / "quiet" / "q.wav", 1e-4 * _tone(1.0))  # about -83 dBFS: silent at -50
    with pytest.raises(DataError, match="silent"):
        load_source(tmp_path / "quiet", sr=SR, samples=N)
    assert len(load_source(tmp_path / "quiet", sr=SR, samples=N, silence_db=-np.inf)) == 8


# ---------------------------------------------------------------- long recordings, silence, sizes

def test_long_recording_becomes_a_grid_of_crops(tmp_path):
    x = _tone(20.0, freq=300.0)  # 160000 samples
    _write(tmp_path / "long.wav", x)
    cs = load_folder(tmp_path, sr=SR, samples=N)
    assert len(cs) == 156 and cs.report.n_silent == 0  # 156 full crops, a 256-sample tail dropped
    assert cs.origin[:, 1].tolist() == list(range(0, 156 * N, N))
    half = load_folder(tmp_path, sr=SR, samples=N, hop=N // 2)
    # 311 full overlapping crops, then a 768-sample tail (>= half a clip): padded, 312 in all
    assert len(half) == 312 and np.all(np.diff(half.origin[:, 1]) == N // 2)
    assert half.report.files[0].padded and np.all(half.clips[-1, 768:] == 0)


def test_silence_dominated_crops_dropped_and_counted(tmp_path):
    # three clips: all tone; 30 % tone then 70 % digital silence; 70 % tone then 30 % silence
    part = lambda frac: np.concatenate([_tone(frac * N / SR), np.zeros(N - int(round(frac * N)), np.float32)])
    _write(tmp_path / "gaps.wav", np.concatenate([_tone(N / SR), part(0.3), part(0.7)]))
    cs = load_folder(tmp_path, sr=SR, samples=N)
    # the middle clip's RMS is -14 dBFS, far above -50, yet it is mostly silence: dropped and counted
    assert cs.origin[:, 1].tolist() == [0, 2 * N] and cs.report.n_silent == 1
    assert "1 skipped" in str(cs.report) and "3 crop(s) cut" in str(cs.report)
    assert "1 silent clip(s) skipped" in cs.report.summary()


def test_all_silent_folder_is_one_error_naming_folder_and_threshold(tmp_path):
    quiet = tmp_path / "quiet"
    _write(quiet / "room.wav", 1e-4 * np.random.default_rng(0).standard_normal(3 * N).astype(np.float32))
    _write(quiet / "zeros.wav", np.zeros(2 * N, np.float32))
    for skip in (False, True):
        with pytest.raises(DataError) as err:
            load_folder(quiet, sr=SR, samples=N, skip_bad=skip)
        msg = str(err.value)
        assert "\n" not in msg and f"every clip in {quiet} is silent" in msg and "5 clip(s)" in msg
        assert f"inspect {quiet} --silence-db" in msg and "-50 dBFS" in msg
    # the threshold it suggests keeps the room tone
    suggested = float(msg.split("--silence-db ")[1].split("`")[0])
    assert len(load_folder(quiet, sr=SR, samples=N, silence_db=suggested, skip_bad=True)) == 3


def test_too_many_clips_refused_before_reading(tmp_path, monkeypatch):
    import gcdg_lite.data.loader as L

    _write(tmp_path / "minute.wav", _tone(60.0, sr=16000), 16000)
    with pytest.raises(ConfigError) as err:
        load_folder(tmp_path, hop=1)  # ~943617 clips of 16384 samples: 62 GB as float32
    msg = str(err.value)
    assert "hop=1" in msg and "--hop" in msg and "at least 29 samples" in msg and "\n" not in msg
    assert MAX_SAMPLES == 2 ** 29
    # the count made from the headers is the count slicing makes, and the hop it suggests fits
    for length in (0, 511, 512, 1023, 1024, 1500, 2047, 2048, 5000, 160000):
        for hop in (1, 7, 512, 1024, 3000):
            assert L._n_slices(length, N, hop) == len(slice_clips(np.zeros(length), N, hop)[0])
    monkeypatch.setattr(L, "MAX_SAMPLES", 50 * 16384)
    with pytest.raises(ConfigError) as err:
        load_folder(tmp_path, hop=8192)
    hop = int(str(err.value).split("at least ")[1].split(" ")[0])
    assert 0 < len(load_folder(tmp_path, hop=hop)) <= 50


def test_bad_argument_types_are_config_errors(tmp_path):
    _write(tmp_path / "x.wav", _tone(1.0))
    for call in (lambda: load_folder(None), lambda: load_folder(3),
                 lambda: load_folder(tmp_path, silence_db=float("nan")),
                 lambda: load_folder(tmp_path, samples=2.5), lambda: load_folder(tmp_path, hop=True),
                 lambda: load_source(tmp_path, sr=SR, samples=N, n=-1),
                 lambda: load_source(tmp_path, sr=SR, samples=N, n=0),
                 lambda: load_source(tmp_path, sr=SR, samples=N, seed=-1),
                 lambda: load_source(tmp_path, sr=SR, samples=N, n=2, seed=99999999999),
                 lambda: load_source(None)):
        with pytest.raises(ConfigError) as err:
            call()
        assert "\n" not in str(err.value)


def test_integer_and_bool_audio_refused_in_one_line():
    from gcdg_lite.data import make_dataset

    for bad, words in ((np.zeros((4, 64), np.int16), "int16"), (np.zeros((4, 64), np.uint8), "uint8"),
                       (np.zeros((4, 64), bool), "boolean"), (np.zeros((4, 64), complex), "complex")):
        with pytest.raises(DataError, match=words):
            make_dataset(bad, batch=2)
        with pytest.raises(DataError, match=words):
            slice_clips(bad[0], 16, 16)
    with pytest.raises(DataError, match="int16.*32768"):
        as_audio(np.ones(8, np.int16))
    with pytest.raises(DataError, match="NaN"):
        as_audio(np.array([0.0, np.nan]))
    with pytest.raises(DataError, match="equal lengths"):
        as_audio([[0.0, 0.1], [0.2]])
    with pytest.raises(DataError, match="peaks at 2"):
        as_audio(np.array([2.0]), peak=1.0)
    assert as_audio([0.5, -0.5]).dtype == np.float32


def test_texture_count_is_bounded_in_one_line():
    with pytest.raises(ConfigError, match="2 GiB.*at most 32768 clips"):
        texture("hum", n=10 ** 9, samples=16384)
