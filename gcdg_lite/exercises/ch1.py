"""Checkers for chapter 1 (Background): aliasing, the STFT's trade-off, a drone's pitch, impulsive textures.

Every answer is a function or a choice that the checker *runs* on inputs the chapter never showed (other
frequencies and sample rates, its own test signal, clips drawn with other seeds, probes built for the usual
mistakes), so a number copied from a plot or typed in cannot pass. Each checker returns ``True`` for a
correct answer, or a string hint that says what went wrong without giving the answer away. The right
answers are computed here from first principles or from the recipes' own parameters, never stored, and
the inputs are drawn afresh at every check (:func:`~gcdg_lite.exercises.fresh_rng`), so no public seed
or constant reproduces them.
Registered under ``ch1.1`` .. ``ch1.4`` (labels ``ex-ch1-1`` .. ``ex-ch1-4``).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import as_function, checker, fresh_rng, fresh_seed
from . import scalar as _scalar

SR = 16000

#: ch1.1: (frequency Hz, sample rate Hz) pairs the alias function is always tried on (every zone of the
#: folding and its edges); each check adds :data:`ALIAS_RANDOM` pairs drawn afresh
ALIAS_CASES = ((100.0, 16000), (3000.0, 16000), (7999.0, 16000), (8000.0, 16000), (9000.0, 16000),
               (12500.0, 16000), (16000.0, 16000), (17000.0, 16000), (25000.0, 16000), (40100.0, 16000),
               (0.0, 8000), (5000.0, 8000), (11000.0, 8000), (1000.0, 22050), (15000.0, 22050),
               (30000.0, 22050), (44100.0, 44100), (60.5, 44100))

ALIAS_RANDOM = 24

#: ch1.2: the test signal (16 kHz, 1 s): two equal tones ``STFT_TONES`` Hz apart from 1000 Hz, two clicks
#: ``STFT_CLICKS`` s apart; "resolved" means a dip of at least ``*_DIP_DB`` between the two
STFT_F1, STFT_DF = 1000.0, 80.0
STFT_CLICK_AT, STFT_DT = 0.6, 0.030
STFT_TONE_DIP_DB, STFT_CLICK_DIP_DB = 6.0, 3.0

#: ch1.3: how many hum clips the checker draws (a fresh seed at every check)
DRONE_CLIPS = 8
#: ch1.3: how many of them have a fundamental below 60 Hz (where a voice-range search goes an octave wrong)
DRONE_LOW = 3

#: ch1.4: clips per texture the checker draws (a fresh seed at every check), the excess-kurtosis threshold,
#: and the margin around it inside which a batch is too close to call (left out of the verdict)
KURTOSIS_CLIPS, KURTOSIS_THRESHOLD, KURTOSIS_MARGIN = 8, 5.0, 0.25


# ----------------------------------------------------------------------------------------------
# ch1.1 — where does a tone land after sampling?
# ----------------------------------------------------------------------------------------------

@checker("ch1.1", hint="a sampled sine at f looks the same as one at f + k*sr (any whole k) and as one at -f; "
                       "combine the two to land in 0..sr/2.")
def _alias(answer: Any) -> bool | str:
    fn = as_function(answer, "alias(f, sr)")
    rng = fresh_rng()
    rates = rng.choice([8000, 16000, 22050, 44100, 48000], ALIAS_RANDOM)
    cases = [*ALIAS_CASES, *((float(np.round(rng.uniform(0, 3.2) * r, 1)), int(r)) for r in rates)]
    got = np.array([_scalar(fn(f, sr)) for f, sr in cases])
    f = np.array([c[0] for c in cases])
    sr = np.array([c[1] for c in cases], dtype=float)
    truth = np.abs(f - sr * np.round(f / sr))   # fold onto the nearest multiple of sr, mirror -f onto +f
    if np.allclose(got, truth, atol=1e-6 * sr):
        return True
    if not np.all(np.isfinite(got)):
        return "your function returns a non-finite value for some (f, sr); a frequency is a finite number of Hz."
    if np.allclose(got, got[0]):
        return "your function returns the same number whatever f and sr are; it must compute the alias from them."
    tol = 1e-6 * sr
    upto_sr = f <= sr
    if np.allclose(got[upto_sr], truth[upto_sr], atol=tol[upto_sr]):
        return "right up to sr, wrong above it: tones above sr fold more than once (shift by whole multiples of sr first)."
    if np.any(got < -1e-9):
        return "a frequency read off a spectrum is never negative: a sine at -f sounds (and samples) like one at +f."
    if np.allclose(got, f):
        return ("a tone above sr/2 cannot stay where it is: sampling at sr only distinguishes 0..sr/2 "
                "(try sampling a 9000 Hz sine at 16000 Hz and look at its spectrum).")
    if np.allclose(got, np.mod(f, sr)):
        return ("removing whole multiples of sr is half of it: between sr/2 and sr the tone folds back, "
                "a sine at sr - f has exactly the same samples as one at f.")
    if np.allclose(got, np.mod(f, sr / 2)):
        return ("folding is a mirror at sr/2, not a wrap-around: just above sr/2 the alias is just below sr/2, "
                "and it moves DOWN as f goes up.")
    if np.allclose(got, np.abs(sr - f)):
        return "sr - f holds only for tones between sr/2 and 3 sr/2; below sr/2 a tone is sampled faithfully."
    low = f <= sr / 2
    if np.allclose(got[low], truth[low], atol=tol[low]):
        return "right below sr/2, wrong above it: check tones between sr/2 and sr, and above sr."
    if np.any(got > sr / 2 + 1e-6 * sr):
        return "some of your aliases lie above sr/2, which a spectrum sampled at sr cannot show."
    return "not these frequencies; test your function on a sampled sine (np.sin) and the peak of its spectrum."


# ----------------------------------------------------------------------------------------------
# ch1.2 — an STFT that resolves two tones AND two clicks
# ----------------------------------------------------------------------------------------------

def _stft_test_signal() -> np.ndarray:
    """The signal of exercise ch1.2: 1 s at 16 kHz, tones at 1000 and 1080 Hz (0.3 each), clicks at 0.6 and 0.63 s."""
    t = np.arange(SR) / SR
    x = 0.3 * np.sin(2 * np.pi * STFT_F1 * t) + 0.3 * np.sin(2 * np.pi * (STFT_F1 + STFT_DF) * t)
    for at in (STFT_CLICK_AT, STFT_CLICK_AT + STFT_DT):
        x[int(round(at * SR))] += 1.0
    return x.astype(np.float32)


def _stft_dips(n_fft: int, hop: int) -> tuple[float, float]:
    """``(tone dip, click dip)`` in dB that an STFT with ``n_fft`` and ``hop`` shows on the test signal.

    Tone dip: in the median spectrum of the frames lying wholly in 0.1-0.5 s (tones only), the lower of
    the two tone peaks minus the lowest level between them. Click dip: in the mean power above 3 kHz (where
    only the clicks have energy) of each frame, the lower of the frames nearest each click minus the lowest
    frame centred between them. 0 when no bin (frame) falls between the two.
    """
    from ..features import stft_logmag

    x = _stft_test_signal()
    db = np.asarray(stft_logmag(x, n_fft=n_fft, hop=hop, drop_nyquist=False), np.float64) * (20 / math.log(10))
    start = np.arange(db.shape[0]) * hop
    f = np.arange(db.shape[1]) * SR / n_fft
    f2 = STFT_F1 + STFT_DF
    steady = (start >= 0.1 * SR) & (start + n_fft <= 0.5 * SR)
    tone_dip = 0.0
    if steady.any():
        spec = np.median(db[steady], axis=0)
        near1, near2 = np.abs(f - STFT_F1) <= STFT_DF / 4, np.abs(f - f2) <= STFT_DF / 4
        between = (f > STFT_F1 + STFT_DF / 4) & (f < f2 - STFT_DF / 4)
        if near1.any() and near2.any() and between.any():
            tone_dip = float(min(spec[near1].max(), spec[near2].max()) - spec[between].min())
    power = np.mean(10 ** (db[:, f > 3000] / 10), axis=1)
    level = 10 * np.log10(power + 1e-30)
    centre = start + n_fft / 2
    c1, c2, quarter = STFT_CLICK_AT * SR, (STFT_CLICK_AT + STFT_DT) * SR, STFT_DT * SR / 4
    near1, near2 = np.abs(centre - c1) <= quarter, np.abs(centre - c2) <= quarter
    between = (centre > c1 + quarter) & (centre < c2 - quarter)
    click_dip = 0.0
    if near1.any() and near2.any() and between.any():
        click_dip = float(min(level[near1].max(), level[near2].max()) - level[between].min())
    return max(tone_dip, 0.0), max(click_dip, 0.0)


@checker("ch1.2", hint="a window of n_fft samples lasts n_fft/sr seconds and its FFT bins are sr/n_fft Hz apart; "
                       "find the window lengths that are long enough for the tones and short enough for the clicks, "
                       "then a hop fine enough to put a frame between the clicks.")
def _stft_setting(answer: Any) -> bool | str:
    if isinstance(answer, dict):
        answer = (answer.get("n_fft"), answer.get("hop"))
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__") or len(answer) != 2:
        return "give a pair (n_fft, hop) of whole numbers of samples, e.g. (256, 64)."
    try:
        n_fft, hop = (int(v) for v in answer)
    except (TypeError, ValueError):
        return "give a pair (n_fft, hop) of whole numbers of samples, e.g. (256, 64)."
    if any(float(v) != int(v) for v in answer):
        return "n_fft and hop are counts of samples: whole numbers."
    if not 16 <= n_fft <= 8192:
        return f"n_fft={n_fft} samples is {n_fft / SR * 1000:.1f} ms; stay between 16 and 8192 samples."
    if not 1 <= hop <= n_fft:
        return f"the hop must be between 1 sample and n_fft ({n_fft}); with hop > n_fft samples are skipped."
    tone_dip, click_dip = _stft_dips(n_fft, hop)
    tones, clicks = tone_dip >= STFT_TONE_DIP_DB, click_dip >= STFT_CLICK_DIP_DB
    window = f"a {n_fft / SR * 1000:.0f} ms window with bins {SR / n_fft:.1f} Hz apart"
    if tones and clicks:
        return True
    if not tones and not clicks:
        return (f"{window} resolves neither the tones (dip {tone_dip:.1f} dB) nor the clicks (dip {click_dip:.1f} dB): "
                "look at the two failures one at a time.")
    if not tones:
        return (f"the clicks are resolved, but {window} cannot separate tones {STFT_DF:.0f} Hz apart "
                f"(dip {tone_dip:.1f} dB, need {STFT_TONE_DIP_DB:.0f}): a Hann window's main lobe is about 4 bins wide.")
    if hop * 2 > STFT_DT * SR:
        return (f"the tones are resolved, but with a hop of {hop} samples ({hop / SR * 1000:.1f} ms) no frame is "
                f"centred between clicks {STFT_DT * 1000:.0f} ms apart (dip {click_dip:.1f} dB): make the hop smaller.")
    return (f"the tones are resolved, but {window} spans both clicks ({STFT_DT * 1000:.0f} ms apart), so they merge "
            f"(dip {click_dip:.1f} dB, need {STFT_CLICK_DIP_DB:.0f}): the window is too long.")


# ----------------------------------------------------------------------------------------------
# ch1.3 — the pitch of a drone, measured by a function
# ----------------------------------------------------------------------------------------------

def _hum_clips() -> tuple[np.ndarray, list[dict]]:
    """:data:`DRONE_CLIPS` hum clips from a fresh seed, at least :data:`DRONE_LOW` of them below 60 Hz.

    A comb that starts at 60 Hz (the voice range) is an octave off on exactly those; a fresh batch of 8
    holds none of them about one time in eight, so the checker picks them from a larger fresh draw.
    """
    from ..data import texture

    for _ in range(8):
        clips, params = texture("hum", n=3 * DRONE_CLIPS, seed=fresh_seed(), sr=SR, return_params=True)
        low = [i for i, p in enumerate(params) if p["f0"] < 60.0]
        if len(low) >= DRONE_LOW:
            break
    rest = [i for i in range(len(params)) if i not in low[:DRONE_LOW]]
    pick = sorted(low[:DRONE_LOW] + rest[: DRONE_CLIPS - min(len(low), DRONE_LOW)])
    return clips[pick], [params[i] for i in pick]


@checker("ch1.3", hint="the harmonics of a drone sit at f0, 2 f0, 3 f0, ...: find the spacing that explains the "
                       "peaks of each clip's magnitude spectrum, searching low enough for this texture (40-160 Hz).")
def _drone_f0(answer: Any) -> bool | str:
    from ..data import texture

    fn = as_function(answer, "drone_f0(clip)")
    clips, params = _hum_clips()
    got = np.array([_scalar(fn(clip)) for clip in clips])
    f0 = np.array([p["f0"] for p in params])
    if not np.all(np.isfinite(got)) or np.any(got <= 0):
        return "a fundamental frequency is a positive, finite number of Hz for every clip."
    ratio = got / f0
    if np.all(np.abs(ratio - 1.0) < 0.02):
        return True
    if np.ptp(got) < 1e-9:
        return ("your function returns the same number for every clip; it must measure the clip it is given "
                "(the checker tries it on hum clips the chapter did not show).")
    bins_per_hz = clips.shape[1] / SR
    if np.all(np.abs(got / (f0 * bins_per_hz) - 1.0) < 0.01):
        return (f"every answer is {100 * (bins_per_hz - 1):.1f} % too high: that is the FFT bin index of f0 "
                "(bins are sr / len(clip) Hz apart), not f0 in Hz.")
    if np.all(np.abs(got * f0 / SR - 1.0) < 0.05):
        return "that is the period in samples (sr / f0); the exercise asks for the frequency in Hz."
    octave = np.abs(ratio - 2.0) < 0.05
    if octave.any() or np.any(np.abs(ratio - 3.0) < 0.07):
        return (f"on {int(octave.sum())} of {DRONE_CLIPS} clips you found twice the true f0 (an octave error): the "
                "search range probably starts above the true f0; the hum recipe's fundamentals go down to 40 Hz.")
    if np.any(np.abs(ratio - 0.5) < 0.02) or np.any(np.abs(ratio - 1 / 3) < 0.01):
        return ("on some clips you found a sub-harmonic: a comb at f0/2 also hits every true harmonic; score the "
                "candidates so that teeth falling between harmonics count against them (e.g. the mean log magnitude).")
    good = int(np.sum(np.abs(ratio - 1.0) < 0.02))
    return (f"right on {good} of {DRONE_CLIPS} clips; look at the lowest few peaks of the failing clips' spectra and "
            "their common spacing.")


# ----------------------------------------------------------------------------------------------
# ch1.4 — an impulsiveness test
# ----------------------------------------------------------------------------------------------

def _excess_kurtosis(x: np.ndarray) -> np.ndarray:
    d = x - x.mean(axis=-1, keepdims=True)
    return (d ** 4).mean(axis=-1) / (d ** 2).mean(axis=-1) ** 2 - 3.0


def _impulsive_truth(clips: np.ndarray) -> bool:
    return bool(np.median(_excess_kurtosis(np.asarray(clips, np.float64))) > KURTOSIS_THRESHOLD)


def _clear(clips: np.ndarray) -> bool:
    """Whether the batch's median excess kurtosis lies farther than :data:`KURTOSIS_MARGIN` from the threshold."""
    return bool(abs(np.median(_excess_kurtosis(np.asarray(clips, np.float64))) - KURTOSIS_THRESHOLD) > KURTOSIS_MARGIN)


def _texture_probes(seed: int) -> tuple[tuple[str, np.ndarray], ...]:
    """KURTOSIS_CLIPS clips of every built-in texture drawn with ``seed`` (the checker's is fresh at every check)."""
    from ..data import list_textures, texture

    return tuple((name, texture(name, n=KURTOSIS_CLIPS, seed=seed, sr=SR)) for name, _ in list_textures())


def _synthetic_probes(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Batches built for the usual mistakes (8 clips of 16384 samples each), drawn from ``rng``."""
    n, length = 8, 16384
    gauss = rng.standard_normal((n, length))
    laplace = rng.laplace(size=(n, length))               # excess kurtosis 3 (Pearson's kurtosis 6)
    sparse = gauss * 0.01
    for row in sparse:                                    # a few loud clicks in faint noise
        row[rng.integers(length, size=12)] += rng.choice([-1.0, 1.0], size=12)
    few = gauss.copy()
    few[:3] = sparse[:3]                                  # 3 of 8 clips impulsive: the median says no
    most = sparse.copy()
    most[:3] = gauss[:3]                                  # 5 of 8 impulsive: yes
    return {"Gaussian noise": gauss, "Laplace noise (excess kurtosis 3)": laplace,
            "sparse clicks on a DC offset of 0.5": sparse + 0.5,
            "a batch with 3 impulsive clips of 8": few, "a batch with 5 impulsive clips of 8": most,
            "sparse clicks, scaled by 1/1000": sparse * 1e-3}


@checker("ch1.4", hint="for one batch of clips: each clip's EXCESS kurtosis (the mean 4th power of the centred, "
                       "standardised samples, minus 3), then the median over the batch, compared with 5.",
         refuse=("gcdg_lite.exercises.ch1._excess_kurtosis", "gcdg_lite.exercises.ch1._impulsive_truth"))
def _impulsive(answer: Any) -> bool | str:
    fn = as_function(answer, "is_impulsive(clips)")

    def verdict(batch: np.ndarray) -> bool:
        out = np.asarray(fn(np.array(batch, dtype=np.float32)))
        if out.size != 1:
            raise ValueError(f"is_impulsive returned {out.size} values for a batch of {len(batch)} clips; "
                             "return one True/False for the whole batch")
        return bool(out.reshape(()))

    rng = fresh_rng()
    textures = _texture_probes(int(rng.integers(2**31)))
    synthetic = _synthetic_probes(rng)
    said_textures = [verdict(clips) for _, clips in textures]
    said_probes = [verdict(batch) for batch in synthetic.values()]
    # the truth, only now; a batch whose median lies within the margin of the threshold is too close to call
    wrong_textures = [name for (name, clips), said in zip(textures, said_textures)
                      if _clear(clips) and said != _impulsive_truth(clips)]
    wrong_probes = [name for (name, batch), said in zip(synthetic.items(), said_probes)
                    if _clear(batch) and said != _impulsive_truth(batch)]
    if not wrong_textures and not wrong_probes:
        return True
    if any(verdict(batch) != verdict(batch * 1e-3) for batch in synthetic.values()):
        return ("your test changes its verdict when the same clips are made 1000 times quieter; kurtosis does not "
                "depend on loudness: standardise by each clip's own variance (4th moment over squared 2nd moment).")
    if "Laplace noise (excess kurtosis 3)" in wrong_probes:
        return ("you call Laplace noise impulsive: its kurtosis is 6, its EXCESS kurtosis 3; did you subtract 3 "
                "(Gaussian noise must score 0)?")
    if "a batch with 3 impulsive clips of 8" in wrong_probes:
        return ("a batch in which only 3 of 8 clips have heavy tails is not impulsive by the median; a few extreme "
                "clips dominate a mean. Use the median over clips.")
    if "sparse clicks on a DC offset of 0.5" in wrong_probes:
        return "clicks on a constant offset are still clicks: subtract each clip's own mean before the 4th power."
    if "Gaussian noise" in wrong_probes:
        return "you call plain Gaussian noise impulsive; its excess kurtosis is 0."
    if wrong_probes:
        return f"your test gets these batches wrong: {', '.join(wrong_probes)}."
    return (f"your test disagrees with the median excess kurtosis on {len(wrong_textures)} of the built-in textures "
            "(the checker uses its own clips); compute per clip along the time axis, then take the median over clips.")
