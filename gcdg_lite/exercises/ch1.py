"""Checkers for chapter 1 (Background): a drone's pitch, impulsive textures, a clip's RMS level.

Each checker returns ``True`` for a correct answer, or a string hint that points at the mistake without
giving the answer away. The right answers are computed here from the built-in corpus (the recipes record
the parameters each clip was drawn with), never stored. Registered under ``ch1.1`` .. ``ch1.3``
(labels ``ex-ch1-1`` .. ``ex-ch1-3``).
"""
from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from . import checker
from . import scalar as _scalar

#: ch1.1: the clip is ``gl.data.texture(HUM_CLIP[0], n=HUM_CLIP[2] + 1, seed=HUM_CLIP[1])[HUM_CLIP[2]]``
HUM_CLIP = ("hum", 0, 1)
#: ch1.2: clips per texture, corpus seed, and the excess-kurtosis threshold of an "impulsive" texture
KURTOSIS_CLIPS, KURTOSIS_SEED, KURTOSIS_THRESHOLD = 16, 0, 5.0
#: ch1.3: the clip is ``gl.data.texture(RMS_CLIP[0], n=1, seed=RMS_CLIP[1])[0]``
RMS_CLIP = ("rain", 2)


def _clip(name: str, seed: int, index: int = 0) -> tuple[np.ndarray, dict]:
    from ..data import texture

    clips, params = texture(name, n=index + 1, seed=seed, return_params=True)
    return clips[index], params[index]


@functools.lru_cache(maxsize=1)
def _impulsive_textures() -> frozenset[str]:
    """Textures whose median excess kurtosis (per clip, Gaussian = 0) exceeds the threshold."""
    from ..data import list_textures, texture

    out = set()
    for name, _ in list_textures():
        x = texture(name, n=KURTOSIS_CLIPS, seed=KURTOSIS_SEED).astype(np.float64)
        d = x - x.mean(axis=1, keepdims=True)
        kurt = (d ** 4).mean(axis=1) / (d ** 2).mean(axis=1) ** 2 - 3.0
        if np.median(kurt) > KURTOSIS_THRESHOLD:
            out.add(name)
    return frozenset(out)


@checker("ch1.1", hint="the harmonics of a drone sit at f0, 2 f0, 3 f0, ...: find the spacing that explains the "
                       "peaks of the magnitude spectrum, searching low enough for this texture (40-160 Hz).")
def _hum_f0(answer: Any) -> bool | str:
    value = _scalar(answer)
    if not math.isfinite(value) or value <= 0:
        return "a fundamental frequency is a positive number of Hz."
    _, params = _clip(*HUM_CLIP)
    f0 = float(params["f0"])
    ratio = value / f0
    if abs(ratio - 1.0) < 0.02:
        return True
    if abs(ratio - 2.0) < 0.05 or abs(ratio - 3.0) < 0.07:
        return ("an octave (or twelfth) too high: your search range probably starts above the true f0, so the "
                "comb locked onto a multiple of it; the hum recipe's fundamentals go down to 40 Hz.")
    if abs(ratio - 0.5) < 0.02 or abs(ratio - 1 / 3) < 0.01:
        return ("that is a sub-harmonic: a comb at f0/2 also hits every true harmonic; score the candidates so that "
                "teeth falling between harmonics count against them (e.g. the mean log magnitude).")
    if value > 1000:
        return "the answer is in Hz; did you give an FFT bin index or a sample count?"
    return "not this frequency; look at the lowest few peaks of the spectrum and their common spacing."


@checker("ch1.2", hint="for each texture take 16 clips with seed 0, compute each clip's EXCESS kurtosis "
                       "(a Gaussian gives 0), take the median over clips and keep the names above 5.")
def _impulsive(answer: Any) -> bool | str:
    if isinstance(answer, str):
        return "give a collection of texture names, e.g. a set {'name1', 'name2'}, not one string."
    names = {str(a).strip().lower() for a in answer}
    from ..data import TEXTURES

    unknown = sorted(names - set(TEXTURES))
    if unknown:
        return f"{', '.join(map(repr, unknown))} is not a built-in texture name (see gl.data.list_textures())."
    truth = _impulsive_textures()
    if names == truth:
        return True
    if names > truth:
        return ("you kept too many: a texture with a smooth, noise-like waveform has a kurtosis near that of a "
                "Gaussian; did you subtract 3 (Pearson's kurtosis is 3 for a Gaussian, the excess kurtosis 0)?")
    if names < truth:
        return "you missed at least one: every texture made of sparse, sharp events belongs in the set."
    return "not this set; compute the kurtosis of every texture, not only the ones that sound impulsive."


@checker("ch1.3", hint="RMS = square root of the mean of the squared samples; level = 20 log10(RMS / 1.0) dBFS.")
def _rms_dbfs(answer: Any) -> bool | str:
    value = _scalar(answer)
    if not math.isfinite(value):
        return "the level of a clip that is not silent is a finite number of dB."
    clip, _ = _clip(*RMS_CLIP)
    x = clip.astype(np.float64)
    target = 20.0 * math.log10(math.sqrt(float(np.mean(x ** 2))))
    if abs(value - target) < 0.05:
        return True
    if value > 0:
        return "every sample lies in [-1, 1], so the level relative to full scale (1.0) is negative."
    if abs(value - target / 2.0) < 0.05:
        return "amplitudes (RMS) convert with 20 log10, powers (mean square) with 10 log10: use one, not a mix."
    if abs(value - (target + 20.0 * math.log10(math.sqrt(2.0)))) < 0.05:
        return ("that is the AES convention where a full-scale sine reads 0 dBFS (+3.01 dB); here full scale is a "
                "constant 1.0, i.e. 20 log10(RMS).")
    if abs(value - 20.0 * math.log10(float(np.max(np.abs(x))))) < 0.05:
        return "that is the peak level (every corpus clip peaks at 0.9); the exercise asks for the RMS level."
    if abs(value - 20.0 * math.log10(float(np.mean(np.abs(x))))) < 0.05:
        return "that is the mean absolute value; RMS squares the samples before averaging."
    return "not this level; check that you used the clip named in the exercise and 20 log10 of its RMS."
