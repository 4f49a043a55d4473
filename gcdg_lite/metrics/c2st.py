r"""C2ST, the classifier two-sample test: can a simple classifier tell generated clips from real ones?

Lopez-Paz & Oquab (2017). Label the clips of two sets 0 and 1, train a classifier on part of them
and measure its accuracy on the rest (stratified k-fold cross-validation, every clip tested once).
If the sets come from one distribution no classifier beats chance: accuracy **0.5** means
"indistinguishable", **1.0** means "every clip gives itself away". Unlike FD it needs no Gaussian
assumption and reads the same on every texture; unlike a listening test it is free. Chapter 5
introduces it, chapter 6 (FAQ) reads it.

**Features per clip** (:func:`c2st_features`, 404 numbers, every one time-averaged, so a clip's
timing does not matter — only its statistics):

* log-mel band means and stds over frames (80, dB; exactly :func:`~.logmel.logmel_stats`),
* mean absolute frame-to-frame change of each log-mel band (40, dB per 16-ms frame): how fast the
  spectrum moves,
* skewness of the frame-to-frame change of 8 groups of 5 adjacent bands (8): sharp onsets with slow
  decays (rain drops, plosives) skew it, their time reversal skews it the other way,
* spectral flatness per frame (geometric / arithmetic mean of the STFT power, in dB), mean and std
  (2); zero-crossing rate per 512-sample frame, mean and std (2),
* modulation of the 8 band groups' level trajectories: fraction of their variance in 1–4, 4–8,
  8–16 and 16–31 Hz (32; syllable rhythm sits at 4–8 Hz),
* McDermott–Simoncelli texture statistics of :func:`~.texture.texture_stats` (240): coefficient of
  variation, skewness and kurtosis of 24 cochlear envelopes, and their modulation power in 7 octave
  bands.

**Classifier**: scikit-learn ``LogisticRegression(C=0.1, solver="liblinear")`` on features
standardised inside each training fold, 5 folds. Chosen by measurement (``python bench/yardstick.py
--classifiers [--trees]``: 128 vs 128 one-second clips, mean over 3 splits) against an RBF SVM
(C = 1, 3) and gradient-boosted trees:

=====================  ==========  ===========  ===========  ===========  ===========  ==========
accuracy               real/real   rain 30 dB   rain 20 dB   vowels 5k    babble GL    half noise
=====================  ==========  ===========  ===========  ===========  ===========  ==========
logistic (chosen)      0.50–0.52   **0.64**     **0.87**     **0.997**    **0.996**    0.67–0.68
RBF SVM, C = 1         0.49–0.51   0.57         0.79         0.973        0.988        **0.73–0.75**
RBF SVM, C = 3         0.47–0.51   0.62         0.80         0.982        0.988        0.69–0.70
boosted trees          0.49        —            —            0.990        —            0.70
=====================  ==========  ===========  ===========  ===========  ===========  ==========

("30/20 dB": real clips plus white noise at that SNR; "5k": a 5 kHz low-pass; "GL": the SpecGAN
path, |STFT| 256/128 and 32 Griffin–Lim iterations; "half noise": a set of which half is
spectrum-matched noise, ideal accuracy 0.75.) The logistic regression is the sharpest on
*uniform* small differences — the artefacts every clip of a generator shares — with the same spread
of its real-vs-real floor (sd 0.01–0.08 over splits); the SVM is better on a set of which only part
is bad; the trees were no sharper and about 170 times slower (12 minutes per texture on 2 cores). Time
reversal goes almost unseen by all (0.49–0.63): the features are time averages. Texture statistics
made the logistic regression markedly sharper (rain at 20 dB SNR: 0.75 without, 0.87 with).

**Reading it**: the floor (real vs real) is 0.45–0.55 at 64–128 clips per set (the accuracy of a
few hundred test decisions wobbles by ±0.03–0.08); spectrum-matched noise and pink noise score
0.99–1.0 on every built-in texture, and so does an untrained SpecGAN.
"""
from __future__ import annotations

import numpy as np

from ..defaults import SR
from .clips import as_clips, check_int, check_sr
from .logmel import HOP, N_FFT, mel_db, stft_power

#: band groups (adjacent log-mel bands averaged) of the skewness and modulation features
N_GROUPS = 8
#: modulation band edges of the log-mel trajectories, Hz (the frame rate is sr / 256 = 62.5 Hz)
MOD_EDGES_HZ = (1.0, 4.0, 8.0, 16.0, 32.0)
#: texture-statistic groups (of :func:`~.texture.texture_stats`) appended to the features
TEXTURE_GROUPS = ("cv", "skew", "kurtosis", "mod")
#: inverse regularisation strength of the logistic regression
C_REG = 0.1
_TINY = 1e-12


def spectral_features(clips: np.ndarray, sr: int = SR, chunk: int = 64) -> np.ndarray:
    """The STFT-based part of :func:`c2st_features`, one STFT per clip.

    Args:
        clips: float array (n, samples) in [-1, 1].
        sr: sample rate in Hz.
        chunk: clips processed at once (memory only).

    Returns:
        float64 (n, 164): columns 0–79 are :func:`~.logmel.logmel_stats` (identical numbers),
        80–119 mean |Δ| per band, 120–127 Δ-skewness per band group, 128–129 flatness mean/std
        (dB), 130–131 zero-crossing rate mean/std, 132–163 modulation fractions (group-major).
    """
    import librosa

    x = as_clips(clips)
    sr = check_sr(sr)
    out = []
    for i in range(0, x.shape[0], chunk):
        xc = x[i:i + chunk]
        power = stft_power(xc)  # (c, 257, T)
        lm = mel_db(power, sr)  # (c, T, 40)
        step = np.diff(lm, axis=1)
        groups = lm.reshape(lm.shape[0], lm.shape[1], N_GROUPS, -1).mean(axis=-1)  # (c, T, G)
        g_step = np.diff(groups, axis=1)
        g_z = (g_step - g_step.mean(axis=1, keepdims=True)) / (g_step.std(axis=1, keepdims=True) + _TINY)
        p = power[:, 1:, :] + _TINY  # without DC
        flat = 10.0 * np.log10(np.exp(np.log(p).mean(axis=1)) / p.mean(axis=1))  # (c, T) dB
        zcr = librosa.feature.zero_crossing_rate(xc, frame_length=N_FFT, hop_length=HOP)[:, 0, :]
        out.append(np.concatenate([
            lm.mean(axis=1), lm.std(axis=1), np.abs(step).mean(axis=1), (g_z**3).mean(axis=1),
            _pair(flat), _pair(zcr), _modulation(groups, sr / HOP),
        ], axis=1))
    return np.concatenate(out, axis=0)


def _pair(frames: np.ndarray) -> np.ndarray:
    """(c, T) -> (c, 2): mean and std over frames."""
    return np.stack([frames.mean(axis=1), frames.std(axis=1)], axis=1)


def _modulation(traj: np.ndarray, rate_hz: float) -> np.ndarray:
    """(c, T, G) trajectories -> (c, G * 4) fractions of their variance per modulation band."""
    d = traj - traj.mean(axis=1, keepdims=True)
    spec = np.abs(np.fft.rfft(d, axis=1)) ** 2  # (c, F, G)
    freqs = np.fft.rfftfreq(d.shape[1], 1.0 / rate_hz)
    total = spec[:, 1:].sum(axis=1) + _TINY
    bands = [spec[:, (freqs >= lo) & (freqs < hi)].sum(axis=1) / total
             for lo, hi in zip(MOD_EDGES_HZ[:-1], MOD_EDGES_HZ[1:])]
    return np.stack(bands, axis=-1).reshape(traj.shape[0], -1)


def c2st_features(clips: np.ndarray, sr: int = SR,
                  texture: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """Per-clip features of the classifier two-sample test (see the module docstring).

    Notebook: 04_code_example.ipynb.

    Args:
        clips: float array (n, samples) in [-1, 1].
        sr: sample rate in Hz (default 16000).
        texture: optional precomputed :func:`~.texture.texture_stats` of ``clips`` (saves time).

    Returns:
        float64 (n, 404): :func:`spectral_features` then the texture groups of
        :data:`TEXTURE_GROUPS`.
    """
    from .texture import texture_stats

    stats = texture_stats(clips, sr) if texture is None else texture
    return combine(spectral_features(clips, sr), stats)


def combine(spectral: np.ndarray, texture: dict[str, np.ndarray]) -> np.ndarray:
    """Join :func:`spectral_features` and texture statistics into the (n, 404) C2ST features."""
    return np.concatenate([spectral, *(np.asarray(texture[g]) for g in TEXTURE_GROUPS)], axis=1)


def classifier_accuracy(feat_a: np.ndarray, feat_b: np.ndarray, seed: int = 0, folds: int = 5) -> float:
    """Cross-validated accuracy of telling set ``a`` from set ``b`` by their feature vectors.

    Args:
        feat_a: array (n_a, d), e.g. :func:`c2st_features` of real clips.
        feat_b: array (n_b, d), e.g. of generated clips (n_a, n_b >= 2).
        seed: seed of the fold assignment.
        folds: number of stratified folds (default 5; fewer when a set has fewer clips).

    Returns:
        accuracy in [0, 1] (mean over folds): 0.5 = chance, indistinguishable.
    """
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    a, b, x, y = _two_sets(feat_a, feat_b, "c2st")
    k = min(check_int("folds", folds, 2), len(a), len(b))
    cv = StratifiedKFold(k, shuffle=True, random_state=check_int("seed", seed, 0))
    return float(np.mean(cross_val_score(_classifier(), x, y, cv=cv, scoring="accuracy")))


def _two_sets(feat_a: np.ndarray, feat_b: np.ndarray, caller: str):
    """Both feature sets as float arrays, checked, and stacked with labels 0 (``a``) and 1 (``b``)."""
    from ..errors import DataError

    a, b = np.asarray(feat_a, dtype=np.float64), np.asarray(feat_b, dtype=np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1] or min(len(a), len(b)) < 2:
        raise DataError(f"{caller} needs two feature sets (n >= 2, d) of one width; got {a.shape} and {b.shape}")
    y = np.concatenate([np.zeros(len(a), int), np.ones(len(b), int)])
    return a, b, np.concatenate([a, b]), y


def _classifier():
    """The two-sample test's classifier: standardised features, L2-regularised logistic regression."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=C_REG, solver="liblinear", random_state=0))


def c2st(real_clips: np.ndarray, fake_clips: np.ndarray, sr: int = SR, seed: int = 0,
         folds: int = 5) -> float:
    """Classifier two-sample test accuracy between real and generated clips.

    Notebook: 05_trends_and_challenges.ipynb.

    Args:
        real_clips: float array (n_real >= 2, samples), held-out real clips in [-1, 1].
        fake_clips: float array (n_fake >= 2, samples), generated clips of the same length.
        sr: sample rate in Hz (default 16000).
        seed: seed of the fold assignment.
        folds: stratified cross-validation folds (default 5).

    Returns:
        accuracy in [0, 1]; 0.5 = indistinguishable, 1.0 = every clip told apart. Read it with its
        floor (:func:`~.report.evaluate` reports both).
    """
    real = as_clips(real_clips, "real clips")
    fake = as_clips(fake_clips, "fake clips", samples=real.shape[1])
    return classifier_accuracy(c2st_features(real, sr), c2st_features(fake, sr), seed, folds)


def c2st_feature_names(sr: int = SR) -> list[str]:
    """Readable names of the 404 columns of :func:`c2st_features`, in their order.

    Notebook: 04_code_example.ipynb.

    Log-mel bands carry their centre frequency, band groups their range of log-mel bands, and the
    texture statistics their ERB band's centre frequency and, for ``mod``, the modulation band.
    """
    import librosa

    from .logmel import FMIN_HZ, N_MELS
    from .texture import MOD_EDGES_HZ as TEX_MOD_EDGES_HZ
    from .texture import erb_filterbank

    sr = check_sr(sr)
    mel_hz = librosa.mel_frequencies(N_MELS + 2, fmin=FMIN_HZ, fmax=sr / 2.0, htk=False)[1:-1]
    per = N_MELS // N_GROUPS
    groups = [f"log-mel bands {g * per}-{g * per + per - 1} "
              f"({mel_hz[g * per]:.0f}-{mel_hz[g * per + per - 1]:.0f} Hz)" for g in range(N_GROUPS)]
    names = [f"log-mel mean, {f:.0f} Hz" for f in mel_hz]
    names += [f"log-mel std, {f:.0f} Hz" for f in mel_hz]
    names += [f"log-mel mean |change|, {f:.0f} Hz" for f in mel_hz]
    names += [f"change skewness, {g}" for g in groups]
    names += ["flatness mean", "flatness std", "zero-crossing rate mean", "zero-crossing rate std"]
    names += [f"modulation {lo:g}-{hi:g} Hz, {g}" for g in groups
              for lo, hi in zip(MOD_EDGES_HZ[:-1], MOD_EDGES_HZ[1:])]
    _, erb_hz = erb_filterbank(sr, sr)
    label = {"cv": "envelope cv", "skew": "envelope skewness", "kurtosis": "envelope kurtosis"}
    for group in TEXTURE_GROUPS:
        if group == "mod":
            names += [f"envelope modulation {lo:g}-{hi:g} Hz, ERB {f:.0f} Hz" for f in erb_hz
                      for lo, hi in zip(TEX_MOD_EDGES_HZ[:-1], TEX_MOD_EDGES_HZ[1:])]
        else:
            names += [f"{label[group]}, ERB {f:.0f} Hz" for f in erb_hz]
    return names


def top_features(feat_a: np.ndarray, feat_b: np.ndarray, k: int = 5,
                 names: list[str] | None = None) -> list[dict[str, float | str]]:
    """The features that C2ST's classifier leans on most to tell set ``b`` from set ``a``.

    Notebook: 04_code_example.ipynb.

    Fits the classifier of :func:`classifier_accuracy` (standardised features, the same logistic
    regression) once on all clips of both sets and ranks the features by the size of their weight.

    Args:
        feat_a: array (n_a, d), e.g. :func:`c2st_features` of real clips.
        feat_b: array (n_b, d), e.g. of generated clips.
        k: how many features to return.
        names: a name per column (default :func:`c2st_feature_names` when it has d names, else "feature i").

    Returns:
        ``k`` dicts, largest weight first: ``name``, ``index``, ``weight`` (on the standardised
        feature; > 0 pushes towards set ``b``) and ``effect`` (mean of ``b`` minus mean of ``a``, in
        units of ``a``'s standard deviation).
    """
    from ..errors import DataError

    a, b, x, y = _two_sets(feat_a, feat_b, "top_features")
    k = check_int("k", k, 1)
    if names is None:
        names = c2st_feature_names()
        if len(names) != a.shape[1]:
            names = [f"feature {i}" for i in range(a.shape[1])]
    if len(names) != a.shape[1]:
        raise DataError(f"{len(names)} names for {a.shape[1]} features")
    weights = _classifier().fit(x, y)[-1].coef_[0]
    spread = np.maximum(a.std(axis=0), _TINY)
    effect = (b.mean(axis=0) - a.mean(axis=0)) / spread
    order = np.argsort(-np.abs(weights), kind="stable")[:k]
    return [{"name": names[i], "index": int(i), "weight": float(weights[i]), "effect": float(effect[i])}
            for i in order]
