"""Audio helpers: honest-loudness player, 16-bit WAV round trip, plots with labelled axes."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import soundfile as sf  # noqa: E402

from gcdg_lite.audio import (clip_cards, listen, play, plot_spectrogram, plot_waveform, read_wav,  # noqa: E402
                             save_wav, spectrogram_png)
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


def _shown_html(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *objs: shown.extend(objs))
    return shown


def _cards(html):
    """[(title, PNG bytes, WAV bytes)] of each card, in order (the player directly after its picture)."""
    import base64
    import re

    found = re.findall(r'<figcaption[^>]*>([^<]*)</figcaption><img src="data:image/png;base64,([^"]+)"[^>]*/>'
                       r'\s*<audio[^>]*>\s*<source src="data:audio/wav;base64,([^"]+)"', html)
    return [(t, base64.b64decode(p), base64.b64decode(w)) for t, p, w in found]


def test_listen_shows_one_card_per_clip_with_its_player_below_its_spectrogram(monkeypatch):
    shown = _shown_html(monkeypatch)
    clips = texture("vowels", 2, 0, samples=4096)
    listen(clips, ["a", "b"])
    assert len(shown) == 1 and type(shown[0]).__name__ == "HTML"
    cards = _cards(shown[0].data)
    assert [t for t, _, _ in cards] == ["a", "b"]
    assert all(png.startswith(b"\x89PNG") and wav[:4] == b"RIFF" for _, png, wav in cards)
    assert cards[0][2] == play(clips[0]).data and cards[1][2] == play(clips[1]).data
    assert "display:grid" in shown[0].data and "minmax(240px" in shown[0].data  # three to a 750 px row
    with pytest.raises(DataError, match="title"):
        listen(clips, ["only one"])


def test_listen_takes_clips_of_different_lengths(monkeypatch):
    shown = _shown_html(monkeypatch)
    short, long = texture("vowels", 1, 0, samples=4096)[0], texture("vowels", 1, 0, samples=16384)[0]
    listen([short, long], ["0.26 s", "1 s"])
    assert len(_cards(shown[0].data)) == 2
    with pytest.raises(DataError, match=r"clip 1 has shape \(2, 8\)"):
        listen([short, np.zeros((2, 8))], ["a", "b"])


def test_clip_cards_escape_titles_and_show_notes():
    clips = texture("hum", 2, 0, samples=2048)
    html = clip_cards(clips, ["<b>x</b> & y", "z"], notes=["a drone", "another"])
    assert "&lt;b&gt;x&lt;/b&gt; &amp; y" in html and "<b>x</b>" not in html
    assert html.index("a drone") < html.index("another")
    with pytest.raises(DataError, match="note"):
        clip_cards(clips, ["a", "b"], notes=["one"])


def test_spectrogram_png_is_drawn_at_its_display_size_with_khz_and_a_colour_bar():
    import io

    import matplotlib.image as mpimg

    x = texture("bubbles", 1, 0, samples=4096)[0]
    img = mpimg.imread(io.BytesIO(spectrogram_png(x, 16000)), format="png")
    assert img.shape[:2] == (200, 300)  # 3 x 2 inches at 100 dpi: the size a card shows
    ax = plot_spectrogram(x, 16000, colorbar=True, freq_unit="kHz")
    assert ax.get_ylabel() == "frequency (kHz)" and len(ax.figure.axes) == 2  # the axes and the colour bar
    assert ax.yaxis.get_major_formatter()(4000, 0) == "4"
    with pytest.raises(DataError, match="freq_unit"):
        plot_spectrogram(x, freq_unit="MHz")
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


def test_same_scale_draws_every_card_against_the_loudest_clip(monkeypatch):
    """With same_scale a quiet clip looks quiet: its picture is darker than when it is its own 0 dB."""
    import io

    import matplotlib.image as mpimg

    loud = texture("hum", 1, 0, samples=4096)[0]
    quiet = 0.01 * loud  # 40 dB down

    def brightness(html):
        return [float(mpimg.imread(io.BytesIO(png), format="png")[20:180, 40:200, :3].mean())
                for _, png, _ in _cards(html)]

    own, shared = brightness(clip_cards([loud, quiet], ["loud", "quiet"])), \
        brightness(clip_cards([loud, quiet], ["loud", "quiet"], same_scale=True))
    assert abs(own[0] - own[1]) < 0.02  # each its own 0 dB: the two pictures look alike
    assert shared[1] < shared[0] - 0.05 and abs(shared[0] - own[0]) < 0.02
    with pytest.raises(DataError, match="ref"):
        plot_spectrogram(loud, ref=0.0)
    plt.close("all")
