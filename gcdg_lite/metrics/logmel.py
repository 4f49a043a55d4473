"""Per-clip log-mel statistics: the feature space of FD, KID, NDB and the memorisation check.

A clip is summarised by the mean and the standard deviation over time of each of 40 log-mel bands,
giving one vector of 80 numbers (both halves in dB). No pretrained network is involved: the
"embedding" is a fixed, readable description of the clip's spectral envelope (the means) and of how
much each band fluctuates (the stds). Introduced in chapter 5 (Trends & challenges, "measuring a
GAN"); chapter 6 (FAQ) explains why it replaces the Inception network of image FID.

Settings (fixed so numbers are comparable across the book):

* STFT: Hann window, ``n_fft = 512`` samples (32 ms at 16 kHz), ``hop = 256`` samples (16 ms),
  centred frames with reflect padding; spectrum divided by the window sum, so a full-scale sine
  reads about -6 dB in the band that holds it.
* Mel filterbank: 40 triangular (Slaney-scale, un-normalised) bands from ``fmin = 20 Hz`` to
  ``fmax = sr / 2``.
* dB: ``10 * log10(max(power, 1e-10))`` — a floor of **-100 dB**, so digital silence gives -100
  instead of ``-inf``.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..defaults import SR
from .clips import as_clips, check_sr

N_MELS = 40
N_FFT = 512
HOP = 256
FMIN_HZ = 20.0
DB_FLOOR = -100.0
#: smallest per-dimension spread (dB) used when standardising features
STD_FLOOR_DB = 0.5


@lru_cache(maxsize=8)
def _mel_basis(sr: int, n_fft: int, n_mels: int) -> np.ndarray:
    """librosa's triangular Slaney-scale mel filters (n_mels, n_fft // 2 + 1), peak gain 1 (norm=None)."""
    import librosa

    return librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=FMIN_HZ, fmax=sr / 2.0,
                               htk=False, norm=None).astype(np.float64)


def stft_power(clips: np.ndarray) -> np.ndarray:
    """Power spectrogram with the settings above: float64 clips (c, samples) -> (c, 257, frames).

    Divided by the window sum, so a full-scale sine's peak bin reads about 0.25 (-6 dB).
    """
    import librosa

    window_sum = float(np.sum(librosa.filters.get_window("hann", N_FFT, fftbins=True)))
    spec = librosa.stft(clips, n_fft=N_FFT, hop_length=HOP, window="hann", center=True,
                        pad_mode="reflect") / window_sum
    return spec.real**2 + spec.imag**2


def mel_db(power: np.ndarray, sr: int = SR) -> np.ndarray:
    """Power spectrogram (c, 257, frames) -> log-mel (c, frames, 40) in dB, floor -100 dB."""
    mel = np.einsum("mf,cft->ctm", _mel_basis(int(sr), N_FFT, N_MELS), power)
    return 10.0 * np.log10(np.maximum(mel, 10.0 ** (DB_FLOOR / 10.0)))


def log_mel_frames(clips: np.ndarray, sr: int = SR, chunk: int = 64) -> np.ndarray:
    """Log-mel spectrogram of each clip, in dB (floor -100 dB).

    Args:
        clips: float array (n, samples) or (samples,), audio in [-1, 1].
        sr: sample rate in Hz (default 16000).
        chunk: clips processed at once (memory only; default 64).

    Returns:
        float64 array (n, frames, 40) with ``frames = 1 + samples // 256``.
    """
    x = as_clips(clips)
    sr = check_sr(sr)
    out = [mel_db(stft_power(x[i:i + chunk]), sr) for i in range(0, x.shape[0], chunk)]
    return np.concatenate(out, axis=0)


def logmel_stats(clips: np.ndarray, sr: int = SR) -> np.ndarray:
    """Per-clip log-mel statistics: mean and std over frames of each of the 40 bands.

    Notebook: 01_background.ipynb.

    Args:
        clips: float array (n, samples) of audio in [-1, 1] (a single 1-D clip is accepted).
        sr: sample rate in Hz (default 16000).

    Returns:
        float64 array (n, 80): columns 0-39 are the band means (dB), 40-79 the band stds (dB).
    """
    lm = log_mel_frames(clips, sr)
    return np.concatenate([lm.mean(axis=1), lm.std(axis=1)], axis=1)


def standardise(reference: np.ndarray, *others: np.ndarray,
                std_floor: float = STD_FLOOR_DB) -> list[np.ndarray]:
    """Z-score feature sets with the mean and spread of the ``reference`` set.

    Each dimension is shifted by the reference mean and divided by
    ``max(reference std, std_floor)``; the floor (default 0.5 dB) stops a dimension that is almost
    constant in the reference from turning tiny differences into huge distances.

    Args:
        reference: array (n_ref, d).
        *others: arrays (n_i, d) scaled the same way.
        std_floor: smallest spread per dimension, in feature units (dB for log-mel stats).

    Returns:
        list ``[reference_z, *others_z]`` of float64 arrays with the input shapes.
    """
    ref = np.asarray(reference, dtype=np.float64)
    mu = ref.mean(axis=0)
    sd = np.maximum(ref.std(axis=0), std_floor)
    return [(np.asarray(a, dtype=np.float64) - mu) / sd for a in (ref, *others)]
