"""Audio helpers: honest-loudness player, 16-bit WAV round trip, plots with labelled axes."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import soundfile as sf  # noqa: E402

from gcdg_lite.audio import listen, play, plot_spectrogram, plot_waveform, read_wav, save_wav  # noqa: E402
from gcdg_lite.data import texture  # noqa: E402
from gcdg_lite.errors import DataError  # noqa: E402


def test_save_and_read_wav_16bit(tmp_path):
    x = 0.1 * texture("hum", 1, 0, samples=2000)[0]
    p = save_wav(tmp_path / "sub" / "hum.wav", x, 8000)
    info = sf.info(str(p))
    assert (info.subtype, info.channels, info.samplerate, info.frames) == ("PCM_16", 1, 8000, 2000)
    y, sr = read_wav(p)
    assert sr == 8000 and y.dtype == np.float32 and np.max(np.abs(y - x)) <= 1 / 32768 + 1e-6
    with pytest.raises(DataError, match="cannot be read"):
        read_wav(tmp_path / "missing.wav")


def test_play_keeps_loudness():
    quiet, loud = 0.05 * texture("hum", 1, 0, samples=1600)[0], texture("hum", 1, 0, samples=1600)[0]
    a, b = play(quiet, 16000), play(loud[None], 16000)
    assert a.data != b.data  # not normalised to the same level
    assert play(2 * loud).data == play(np.clip(2 * loud, -1, 1)).data  # out of range is clipped
    with pytest.raises(DataError):
        play(np.zeros((2, 100)))


def test_plots_have_units():
    x = texture("bubbles", 1, 0, samples=4096)[0]
    ax = plot_waveform(x, 16000)
    assert ax.get_xlabel() == "time (s)" and ax.get_xlim()[1] == pytest.approx(4096 / 16000)
    ax = plot_spectrogram(x, 16000, colorbar=True, title="bubbles")
    assert ax.get_ylabel() == "frequency (Hz)" and ax.get_ylim()[1] == pytest.approx(8000, rel=0.05)
    plt.close("all")


def test_listen_shows_one_spectrogram_and_one_player_per_clip(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *objs: shown.extend(objs))
    clips = texture("vowels", 2, 0, samples=4096)
    listen(clips, ["a", "b"])
    players = [o for o in shown if type(o).__name__ == "Audio"]
    assert len(players) == 2
    with pytest.raises(DataError, match="title"):
        listen(clips, ["only one"])


def test_listen_takes_clips_of_different_lengths(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *objs: shown.extend(objs))
    short, long = texture("vowels", 1, 0, samples=4096)[0], texture("vowels", 1, 0, samples=16384)[0]
    listen([short, long], ["0.26 s", "1 s"])
    players = [o for o in shown if type(o).__name__ == "Audio"]
    assert len(players) == 2
    with pytest.raises(DataError, match=r"clip 1 has shape \(2, 8\)"):
        listen([short, np.zeros((2, 8))], ["a", "b"])
    plt.close("all")


def test_plot_spectrogram_in_a_fresh_process():
    """Nothing imported before it (librosa.display alone once failed to find matplotlib's submodules)."""
    import os
    import subprocess
    import sys

    code = ("import numpy as np\nfrom gcdg_lite.audio import plot_spectrogram\n"
            "ax = plot_spectrogram(np.random.default_rng(0).uniform(-1, 1, 4096).astype(np.float32))\n"
            "print(ax.get_ylabel())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "MPLBACKEND": "Agg"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "frequency (Hz)"
