"""Listen to, look at and save clips — the helpers every notebook uses (introduced in chapter 1).

Clips are float arrays in [-1, 1], shape ``(samples,)`` (a ``(1, samples)`` batch of one is also
accepted); sample rates are in Hz. matplotlib, librosa.display and IPython are imported only
when a function needs them.
"""
from __future__ import annotations

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


def plot_spectrogram(clip: Any, sr: int = SR, ax: Any = None, n_fft: int = 512, hop: int = 128,
                     top_db: float = 80.0, title: str | None = None, colorbar: bool = False) -> Any:
    """Plot a dB spectrogram with a Hz axis (librosa.display.specshow;

    Notebook: 01_background.ipynb.

    Args:
        clip: ``(samples,)`` float audio.
        sr: sample rate in Hz (default 16000).
        ax: matplotlib axes (default: a new figure 8 x 3 inches).
        n_fft: FFT length in samples (default 512).
        hop: frame step in samples (default 128).
        top_db: dynamic range shown, in dB below the loudest bin (default 80).
        title: optional title.
        colorbar: add a colour bar in dB.

    Returns:
        the matplotlib axes.
    """
    import matplotlib.pyplot as plt  # before librosa.display, which uses matplotlib's submodules unimported

    import librosa
    import librosa.display

    x = _mono(clip)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3))
    mag = np.abs(librosa.stft(x, n_fft=n_fft, hop_length=hop))
    db = librosa.amplitude_to_db(mag, ref=np.max, top_db=top_db)
    img = librosa.display.specshow(db, sr=sr, hop_length=hop, n_fft=n_fft, x_axis="time",
                                   y_axis="hz", ax=ax, cmap="magma")
    ax.set(xlabel="time (s)", ylabel="frequency (Hz)")
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(img, ax=ax, format="%+2.0f dB")
    return ax


def listen(clips: Any, titles: "list[str] | tuple[str, ...]", sr: int = SR) -> None:
    """Show a spectrogram and then a player for each clip, side by side.

    Notebook: 04_code_example.ipynb.

    Args:
        clips: one clip ``(samples,)``, a batch ``(n, samples)``, or a list of 1-D clips of any
            lengths, float audio in [-1, 1].
        titles: one title per clip (shown above its spectrogram and beside its player).
        sr: sample rate in Hz (default 16000).

    Raises:
        DataError: when a clip is not 1-D or the number of titles differs from the number of clips.
    """
    import matplotlib.pyplot as plt
    from IPython.display import Markdown, display

    if isinstance(clips, (list, tuple)):
        batch = [np.asarray(c, dtype=np.float32) for c in clips]
    else:
        arr = np.asarray(clips, dtype=np.float32)
        batch = list(arr[None] if arr.ndim == 1 else arr) if arr.ndim in (1, 2) else [arr]
    for i, clip in enumerate(batch):
        if clip.ndim != 1:
            raise DataError(f"clip {i} has shape {clip.shape}; listen() takes (samples,) clips or an (n, samples) batch")
    titles = list(titles)
    if len(titles) != len(batch):
        raise DataError(f"listen() got {len(batch)} clip(s) but {len(titles)} title(s); give one title per clip")
    fig, axes = plt.subplots(1, len(batch), figsize=(3.4 * len(batch), 2.4), squeeze=False)
    for clip, title, ax in zip(batch, titles, axes[0]):
        plot_spectrogram(clip, sr, ax=ax)
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    plt.show()
    for clip, title in zip(batch, titles):
        display(Markdown(f"*{title}*"), play(clip, sr))
