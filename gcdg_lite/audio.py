"""Listen to, look at and save clips — the helpers every notebook uses (introduced in chapter 1).

Clips are float arrays in [-1, 1], shape ``(samples,)`` (a ``(1, samples)`` batch of one is also
accepted); sample rates are in Hz. matplotlib, librosa.display and IPython are imported only
when a function needs them.
"""
from __future__ import annotations

import base64
import html
import io
import os
from pathlib import Path
from typing import Any

import numpy as np

from . import public as _public
from .defaults import SR
from .errors import DataError

__all__ = _public(__name__)


def _mono(clip: Any) -> np.ndarray:
    x = np.asarray(clip, dtype=np.float32)
    if x.ndim == 2 and 1 in x.shape:
        x = x.reshape(-1)
    if x.ndim != 1:
        raise DataError(f"expected one clip of shape (samples,), got shape {x.shape}; pick one, e.g. clips[0]")
    return x


def play(clip: Any, sr: int = SR) -> Any:
    """An IPython ``Audio`` player for one clip, at its true loudness.

    Notebook: 01_background.ipynb.

    ``normalize=False``: a quiet clip plays quietly, so you can compare levels by ear (values
    outside [-1, 1] are clipped).

    Args:
        clip: ``(samples,)`` float audio in [-1, 1].
        sr: sample rate in Hz (default 16000).

    Returns:
        ``IPython.display.Audio`` (displayed when it is the last expression of a cell).
    """
    from IPython.display import Audio

    return Audio(np.clip(_mono(clip), -1.0, 1.0), rate=int(sr), normalize=False)


def save_wav(path: str | os.PathLike, clip: Any, sr: int = SR) -> Path:
    """Write one clip as a mono 16-bit PCM WAV (values outside [-1, 1] are clipped;

    Args:
        path: output file (its folder is created if missing; an existing file is replaced).
        clip: ``(samples,)`` float audio.
        sr: sample rate in Hz (default 16000).

    Returns:
        the path written.
    """
    import soundfile as sf

    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(p), np.clip(_mono(clip), -1.0, 1.0), int(sr), subtype="PCM_16")
    return p


def read_wav(path: str | os.PathLike, mono: bool = True) -> tuple[np.ndarray, int]:
    """Read an audio file as float32.

    Args:
        path: a WAV/FLAC/OGG file.
        mono: average the channels (default); otherwise return ``(samples, channels)``.

    Returns:
        ``(x, sr)``: ``x`` float32 ``(samples,)`` (or ``(samples, channels)``), ``sr`` in Hz.

    Raises:
        DataError: the file is missing or not readable audio.
    """
    import soundfile as sf

    try:
        x, sr = sf.read(str(path), dtype="float32", always_2d=True)
    except Exception as exc:
        raise DataError(f"{path} cannot be read as audio ({str(exc).splitlines()[0]}); "
                        f"check the path and that it is a WAV/FLAC/OGG file") from None
    return (x.mean(axis=1) if mono else x), int(sr)


def plot_waveform(clip: Any, sr: int = SR, ax: Any = None, title: str | None = None) -> Any:
    """Plot amplitude against time in seconds.

    Notebook: 01_background.ipynb.

    Args:
        clip: ``(samples,)`` float audio.
        sr: sample rate in Hz (default 16000).
        ax: matplotlib axes to draw on (default: a new figure 8 x 2 inches).
        title: optional title.

    Returns:
        the matplotlib axes.
    """
    import matplotlib.pyplot as plt

    x = _mono(clip)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 2))
    ax.plot(np.arange(len(x)) / sr, x, lw=0.6)
    ax.set(xlabel="time (s)", ylabel="amplitude", xlim=(0, len(x) / sr), ylim=(-1.05, 1.05))
    if title:
        ax.set_title(title)
    return ax


def _stft_mag(x: np.ndarray, n_fft: int = 512, hop: int = 128) -> np.ndarray:
    """|STFT| ``(bins, frames)`` of a 1-D clip, as :func:`plot_spectrogram` draws it."""
    import librosa

    return np.abs(librosa.stft(x, n_fft=n_fft, hop_length=hop))


def plot_spectrogram(clip: Any, sr: int = SR, ax: Any = None, n_fft: int = 512, hop: int = 128,
                     top_db: float = 80.0, title: str | None = None, colorbar: bool = False,
                     freq_unit: str = "Hz", ref: float | None = None) -> Any:
    """Plot a dB spectrogram (librosa.display.specshow) with time in s and frequency in Hz or kHz.

    Notebook: 01_background.ipynb.

    Args:
        clip: ``(samples,)`` float audio.
        sr: sample rate in Hz (default 16000).
        ax: matplotlib axes (default: a new figure 8 x 3 inches).
        n_fft: FFT length in samples (default 512).
        hop: frame step in samples (default 128).
        top_db: dynamic range shown, in dB below the loudest bin (default 80).
        title: optional title.
        colorbar: add a colour bar in dB (0 dB = the clip's loudest bin).
        freq_unit: ``"Hz"`` (default) or ``"kHz"``, the unit of the frequency axis.
        ref: the STFT magnitude drawn as 0 dB (default ``None``: the clip's loudest bin). Give the same
            ``ref`` to several plots to draw them on one scale (colours from ``-top_db`` to 0 dB).

    Returns:
        the matplotlib axes.

    Raises:
        DataError: ``freq_unit`` is neither ``"Hz"`` nor ``"kHz"``, or ``ref`` is not positive.
    """
    if freq_unit not in ("Hz", "kHz"):
        raise DataError(f"plot_spectrogram(freq_unit={freq_unit!r}): use 'Hz' or 'kHz'")
    if ref is not None and not float(ref) > 0:
        raise DataError(f"plot_spectrogram(ref={ref!r}): give a positive magnitude, or None for the clip's loudest bin")
    import matplotlib.pyplot as plt  # before librosa.display, which uses matplotlib's submodules unimported
    from matplotlib.ticker import FuncFormatter

    import librosa
    import librosa.display

    x = _mono(clip)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3))
    mag = _stft_mag(x, n_fft, hop)
    if ref is None:
        db, scale = librosa.amplitude_to_db(mag, ref=np.max, top_db=top_db), {}
    else:  # one scale for every plot given this ref: 0 dB = ref, floor -top_db
        db = np.maximum(librosa.amplitude_to_db(mag, ref=float(ref), top_db=None), -top_db)
        scale = {"vmin": -top_db, "vmax": 0.0}
    img = librosa.display.specshow(db, sr=sr, hop_length=hop, n_fft=n_fft, x_axis="time",
                                   y_axis="hz", ax=ax, cmap="magma", **scale)
    if freq_unit == "kHz":
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v / 1000:g}"))
    ax.set(xlabel="time (s)", ylabel=f"frequency ({freq_unit})")
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(img, ax=ax, format="%+2.0f dB")
    return ax


#: a card's spectrogram PNG, drawn at the size the book shows it: 300 x 200 px (3 x 2 in at 100 dpi), text
#: 8 pt = 11 px; a card is at least 240 px wide (three to a row in the book's ~750 px column), so the text
#: is never shown smaller than 9 px
_CARD_SIZE_IN, _CARD_DPI, _CARD_FONT_PT, _CARD_MIN_PX = (3.0, 2.0), 100, 8.0, 240


def spectrogram_png(clip: Any, sr: int = SR, title: str | None = None,
                    size: tuple[float, float] = _CARD_SIZE_IN, dpi: int = _CARD_DPI,
                    font_pt: float = _CARD_FONT_PT, ref: float | None = None) -> bytes:
    """PNG bytes of one clip's dB spectrogram (kHz against s, with a dB colour bar), never shown on screen.

    Args:
        clip: ``(samples,)`` float audio in [-1, 1].
        sr: sample rate in Hz (default 16000).
        title: optional title drawn in the picture (:func:`clip_cards` puts titles in HTML instead).
        size: figure size in inches ``(width, height)`` (default 3 x 2).
        dpi: pixels per inch (default 100: a 300 x 200 px picture).
        font_pt: size of every text in the picture, in points (default 8).
        ref: the magnitude drawn as 0 dB (default: the clip's loudest bin; see :func:`plot_spectrogram`).

    Returns:
        the PNG file's bytes.
    """
    import matplotlib as mpl
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with mpl.rc_context({"font.size": font_pt, "axes.titlesize": font_pt, "axes.labelsize": font_pt,
                         "xtick.labelsize": font_pt, "ytick.labelsize": font_pt}):
        fig = Figure(figsize=size, dpi=dpi, layout="constrained")
        ax = fig.add_subplot()
        plot_spectrogram(_mono(clip), sr, ax=ax, title=title, colorbar=True, freq_unit="kHz", ref=ref)
        ax.xaxis.set_major_locator(MaxNLocator(5))  # a few time ticks that do not touch at this width
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    return buf.getvalue()


def _as_batch(clips: Any) -> list[np.ndarray]:
    """One clip, an ``(n, samples)`` batch or a list of 1-D clips -> a list of float32 ``(samples,)``."""
    if isinstance(clips, (list, tuple)):
        batch = [np.asarray(c, dtype=np.float32) for c in clips]
    else:
        arr = np.asarray(clips, dtype=np.float32)
        batch = list(arr[None] if arr.ndim == 1 else arr) if arr.ndim in (1, 2) else [arr]
    for i, clip in enumerate(batch):
        if clip.ndim != 1:
            raise DataError(f"clip {i} has shape {clip.shape}; give (samples,) clips or an (n, samples) batch")
    return batch


def clip_cards(clips: Any, titles: "list[str] | tuple[str, ...]", sr: int = SR,
               notes: "list[str] | tuple[str, ...] | None" = None, same_scale: bool = False) -> str:
    """HTML: a responsive grid of cards, one per clip: its title, spectrogram and player, in that order.

    Each card is at least 240 px wide, so the book's ~750 px column holds three to a row and a phone one;
    the spectrogram (kHz against s, dB colour bar) is drawn at the size it is shown (:func:`spectrogram_png`),
    and the player sits directly below the picture it belongs to. Plain HTML and inline CSS: it shows the
    same in JupyterLab, Colab and the rendered book.

    Args:
        clips: one clip ``(samples,)``, a batch ``(n, samples)`` or a list of 1-D clips of any lengths,
            float audio in [-1, 1].
        titles: one title per clip.
        sr: sample rate in Hz (default 16000).
        notes: optional text shown under each player (one per clip).
        same_scale: draw every spectrogram on one dB scale, 0 dB = the loudest bin of all the clips
            (default ``False``: each picture's own loudest bin is 0 dB, which shows each clip's detail but
            hides level differences between them).

    Returns:
        the HTML (a ``<div>``), for ``IPython.display.HTML`` or a widget's static view.

    Raises:
        DataError: a clip is not 1-D, or the number of titles (or notes) differs from the number of clips.
    """
    batch, titles = _as_batch(clips), [str(t) for t in titles]
    if len(titles) != len(batch):
        raise DataError(f"got {len(batch)} clip(s) but {len(titles)} title(s); give one title per clip")
    notes = None if notes is None else [str(n) for n in notes]
    if notes is not None and len(notes) != len(batch):
        raise DataError(f"got {len(batch)} clip(s) but {len(notes)} note(s); give one note per clip")
    ref = max(float(_stft_mag(c).max()) for c in batch) if same_scale and batch else None
    if ref is not None and not ref > 0:
        ref = None  # every clip is silent: nothing to share
    cards = []
    for i, (clip, title) in enumerate(zip(batch, titles)):
        png = base64.b64encode(spectrogram_png(clip, sr, ref=ref)).decode("ascii")
        player = play(clip, sr)._repr_html_().replace("<audio ", '<audio style="width:100%;height:32px" ', 1)
        note = "" if notes is None else f'<div style="font-size:0.85em;color:#555">{html.escape(notes[i])}</div>'
        cards.append(
            '<figure class="gcdg-card" style="margin:0;padding:6px;border:1px solid #ddd;border-radius:4px">'
            f'<figcaption style="font-weight:bold;font-size:0.9em;margin-bottom:2px">{html.escape(title)}'
            f'</figcaption><img src="data:image/png;base64,{png}" alt="spectrogram of {html.escape(title)}" '
            f'style="width:100%;max-width:{round(_CARD_SIZE_IN[0] * _CARD_DPI)}px;display:block"/>{player}{note}'
            "</figure>")
    return (f'<div class="gcdg-cards" style="display:grid;gap:8px;grid-template-columns:'
            f'repeat(auto-fill,minmax({_CARD_MIN_PX}px,1fr))">' + "".join(cards) + "</div>")


def listen(clips: Any, titles: "list[str] | tuple[str, ...]", sr: int = SR, same_scale: bool = False) -> None:
    """Show each clip as a card: its title, its spectrogram and, directly below, its player.

    Notebook: 01_background.ipynb.

    The cards sit in a grid, three to a row at the book's width (:func:`clip_cards`); each spectrogram
    has its axes in s and kHz and a dB colour bar.

    Args:
        clips: one clip ``(samples,)``, a batch ``(n, samples)``, or a list of 1-D clips of any
            lengths, float audio in [-1, 1].
        titles: one title per clip (shown above its spectrogram).
        sr: sample rate in Hz (default 16000).
        same_scale: one dB scale for all the spectrograms, 0 dB = the loudest bin of any clip (default
            ``False``: each its own; see :func:`clip_cards`).

    Raises:
        DataError: when a clip is not 1-D or the number of titles differs from the number of clips.
    """
    from IPython.display import HTML, display

    display(HTML(clip_cards(clips, titles, sr, same_scale=same_scale)))
