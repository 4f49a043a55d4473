"""How real can a SpecGAN sound? Inversions of *real* spectrograms, side by side (issue 11, item 4).

Usage::

    python bench/inversion.py --work DIR             # DIR as for bench/quality.py (its data/ is reused)
    python bench/inversion.py --work DIR --only gl_default,pghi_gl

Every variant starts from the same 128 real tuning clips sent through the SpecGAN path (``|STFT|`` with
the CLI's n_fft and hop, ``SpecNorm`` at its clipping, back): what a SpecGAN that made perfect
spectrograms hands to the inversion. The waveforms each variant makes are scored on ``speech_heldout``
and on held-out clips of the tuning voices with ``gcdg_lite.metrics.evaluate`` (3 splits), as in
``bench/quality.py``; the spectral convergence against the clipped magnitudes and the seconds per clip
are printed beside them.

Variants (``k`` = frames interpolated to hop / k first, ``features.oversample_frames``):

* ``gl_default`` — ``features.spec_to_audio`` as the CLI samples (librosa Griffin-Lim, 32 iterations,
  momentum 0.99, random initial phase, k = 2);
* ``gl_zero_k2`` — the same loop written here (to check it matches librosa), started from zero phase;
* ``pghi_k2``, ``pghi_k4`` — phase-gradient heap integration alone (Prusa et al. 2017, through the
  ``pghipy`` package; Hann window, gamma = 0.25645 n_fft^2) and one inverse STFT;
* ``pghi_gl_k2``, ``pghi_gl_k4`` — the PGHI phase as the start of the same 32 Griffin-Lim iterations.

``pghipy`` (MIT, numpy/scipy/numba, which librosa already needs) is not a dependency of the book; install
it for this benchmark only: ``pip install pghipy``.
"""
from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

from common import JUDGES, fmt, load_sets, prepare, score, training_examples

#: Hann window's time-frequency ratio for PGHI, times n_fft^2 (Prusa, Balazs & Sondergaard 2017, Table 1)
HANN_GAMMA = 0.25645
N_CLIPS = 128


def _stft(x: np.ndarray, n_fft: int, hop: int) -> np.ndarray:
    import librosa
    return librosa.stft(x, n_fft=n_fft, hop_length=hop, window="hann", center=False)


def _istft(spec: np.ndarray, n_fft: int, hop: int, length: int) -> np.ndarray:
    import librosa
    return librosa.istft(spec, hop_length=hop, n_fft=n_fft, window="hann", center=False, length=length)


def griffin_lim(mag: np.ndarray, n_fft: int, hop: int, n_iter: int, phase0: np.ndarray,
                momentum: float = 0.99) -> np.ndarray:
    """Fast Griffin-Lim (Perraudin et al. 2013, librosa's update) on ``(bins, frames)`` magnitudes from the
    start phase ``phase0`` (same shape); returns the waveform of ``(frames - 1) * hop + n_fft`` samples."""
    length = (mag.shape[1] - 1) * hop + n_fft
    angles = np.exp(1j * phase0)
    previous = None
    for _ in range(n_iter):
        rebuilt = _stft(_istft(mag * angles, n_fft, hop, length), n_fft, hop)
        angles = rebuilt if previous is None else rebuilt - (momentum / (1 + momentum)) * previous
        angles = angles / (np.abs(angles) + 1e-16)
        previous = rebuilt
    return _istft(mag * angles, n_fft, hop, length)


def pghi_phase(mag: np.ndarray, n_fft: int, hop: int) -> np.ndarray:
    """PGHI phase of ``(bins, frames)`` Hann magnitudes (pghipy wants ``(frames, bins)``)."""
    import pghipy
    return pghipy.pghi(np.ascontiguousarray(mag.T, np.float64), win_length=n_fft, hop_length=hop,
                       gamma=HANN_GAMMA * n_fft ** 2).T


def invert(logmag: np.ndarray, variant: str, n_fft: int, hop: int, samples: int) -> np.ndarray:
    """``(batch, frames, bins)`` log-magnitudes -> ``(batch, samples)`` waveforms by ``variant``."""
    from gcdg_lite import features

    if variant == "gl_default":
        return features.spec_to_audio(logmag, n_fft=n_fft, hop=hop, n_iter=32, samples=samples, oversample=2)
    k = int(variant.rsplit("_k", 1)[1])
    dense = features.oversample_frames(logmag, k)
    h = hop // k
    out = []
    for s in dense:
        mag = np.maximum(np.exp(s.T.astype(np.float64)) - features.EPS, 0.0)     # (bins, frames)
        if mag.shape[0] == n_fft // 2:                                           # the Nyquist bin, as zeros
            mag = np.concatenate([mag, np.zeros((1, mag.shape[1]))])
        if variant.startswith("gl_zero"):
            x = griffin_lim(mag, n_fft, h, 32, np.zeros_like(mag))
        elif variant.startswith("pghi_gl"):
            x = griffin_lim(mag, n_fft, h, 32, pghi_phase(mag, n_fft, h))
        else:
            x = _istft(mag * np.exp(1j * pghi_phase(mag, n_fft, h)), n_fft, h, (mag.shape[1] - 1) * h + n_fft)
        out.append(np.pad(x, (0, max(0, samples - len(x))))[:samples])
    return np.clip(np.stack(out), -1.0, 1.0).astype(np.float32)


def convergence(ref_logmag: np.ndarray, audio: np.ndarray, n_fft: int, hop: int) -> float:
    """Mean spectral convergence of ``audio``'s |STFT| against the magnitudes it was made from."""
    from gcdg_lite import features
    est = features.logmag_chunks(audio, n_fft, hop)
    frames = min(est.shape[1], ref_logmag.shape[1])
    return float(np.mean([features.spectral_convergence(np.exp(r[:frames]), np.exp(e[:frames]))
                          for r, e in zip(ref_logmag, est)]))


VARIANTS = ["gl_default", "gl_zero_k2", "pghi_k2", "pghi_k4", "pghi_gl_k2", "pghi_gl_k4"]


def main(argv: list[str] | None = None) -> dict:
    from gcdg_lite import features

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--work", required=True, help="bench/quality.py's work folder (its data/ is made if missing)")
    p.add_argument("--only", default=",".join(VARIANTS), help="comma-separated variants (default: all)")
    args = p.parse_args(argv)
    variants = args.only.split(",")
    unknown = sorted(set(variants) - set(VARIANTS))
    if unknown:
        raise SystemExit(f"--only: unknown variant(s) {', '.join(unknown)}; choose from {', '.join(VARIANTS)}")
    if any(v.startswith("pghi") for v in variants):
        try:
            import pghipy  # noqa: F401
        except ImportError:
            raise SystemExit("the pghi variants need the pghipy package: pip install pghipy "
                             "(or leave them out with --only gl_default,gl_zero_k2)") from None

    sets = load_sets(prepare(args.work))
    config, _, norm = training_examples(sets["tuning"])
    clips = sets["tuning"][:N_CLIPS]
    logmag = norm.denormalise(norm.normalise(features.logmag_chunks(clips, config.n_fft, config.hop)))
    logmag = np.asarray(logmag, np.float32)
    print(f"{N_CLIPS} tuning clips of {clips.shape[1]} samples; n_fft {config.n_fft}, hop {config.hop}; "
          f"load {os.getloadavg()[0]:.1f}")
    results = {}
    for variant in variants:
        t0 = time.perf_counter()
        audio = invert(logmag, variant, config.n_fft, config.hop, clips.shape[1])
        seconds = (time.perf_counter() - t0) / N_CLIPS
        sc = convergence(logmag, audio, config.n_fft, config.hop)
        scores = {j: score(sets[j], audio) for j in JUDGES}
        results[variant] = {"seconds_per_clip": seconds, "spectral_convergence": sc, "scores": scores}
        for j, label in JUDGES.items():
            print(f"{variant:<12} {label:<32} {fmt(scores[j])}; SC {sc:.3f}, {seconds * 1000:.0f} ms/clip")
    print("RESULT " + json.dumps(results))
    return results


if __name__ == "__main__":
    main()
