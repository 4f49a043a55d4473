"""Checkers for chapter 4 (Code example): the listing's weights, the generator loss from logits, a buggy
discriminator step to repair, how many Griffin-Lim iterations a spectrogram needs, and phase from
instantaneous frequency.

Registered under ``ch4.1`` .. ``ch4.5`` (labels ``ex-ch4-1`` .. ``ex-ch4-5``). Each checker returns ``True``
or a hint that points at the mistake without giving the answer. Where a typed-in number would pass, the
answer is a function that the checker runs on inputs of its own: logits as large as 60 (4.2), small models
whose weights it inspects before and after the student's step (4.3), spectrograms of several textures (4.4).
"""
from __future__ import annotations

import inspect
from typing import Any, Callable

import numpy as np

from . import checker, fresh_rng, fresh_seed, scalar
from ._limits import run

# --------------------------------------------------------------------------- 4.1 count the listing's weights

#: the listing's generator once repaired: 100 noise values -> Dense(128) -> Dense(22050)
NOISE, HIDDEN, OUT = 100, 128, 22050


def _dense(n_in: int, n_out: int, bias: bool = True) -> int:
    return n_in * n_out + (n_out if bias else 0)


def _integer(answer: Any) -> int | str:
    """The answer as an int, or a hint when it is not a whole number."""
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)):
        try:
            value = scalar(answer)
        except (TypeError, ValueError):
            return f"put one whole number in `answer` (got a {type(answer).__name__})."
    else:
        value = float(answer)
    if not np.isfinite(value) or value != round(value):
        return "a count of weights is a whole number; check where a fraction came from."
    return int(round(value))


@checker("ch4.1", hint="count each Dense layer as (inputs x units) weights plus one bias per unit, "
                       "and remember what the repaired generator reads.")
def _count_weights(answer: Any) -> bool | str:
    n = _integer(answer)
    if isinstance(n, str):
        return n
    if n == _dense(NOISE, HIDDEN) + _dense(HIDDEN, OUT):
        return True
    if n == _dense(NOISE, HIDDEN, False) + _dense(HIDDEN, OUT, False):
        return "close: every Dense unit also has a bias."
    if n in (_dense(NOISE, HIDDEN, False) + _dense(HIDDEN, OUT), _dense(NOISE, HIDDEN) + _dense(HIDDEN, OUT, False)):
        return "close: one of the two layers is counted without its biases."
    if n == _dense(OUT, HIDDEN) + _dense(HIDDEN, OUT):
        return "that counts a generator that reads a clip; after defect 3 is fixed it reads the noise vector."
    if n == _dense(NOISE, HIDDEN) + _dense(HIDDEN, 16384):
        return "that is seed_mlp at 16384 samples; the listing's output layer has 22050 units."
    if n in (_dense(NOISE, HIDDEN), _dense(HIDDEN, OUT)):
        return "that is one layer; the generator has two Dense layers."
    if n >= _dense(NOISE, HIDDEN) + _dense(HIDDEN, OUT) + _dense(HIDDEN, 1):
        return "count the generator only, not the discriminator."
    return False


# --------------------------------------------------------------------------- 4.2 the generator loss from logits

def _softplus(x: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, x)


def _loss_value(fn: Callable, logits: np.ndarray) -> float:
    import tensorflow as tf

    return scalar(fn(tf.constant(logits, tf.float32)))


@checker("ch4.2", hint="the source's generator objective is the mean of log(1 - sigmoid(l)); 1 - sigmoid(l) is "
                       "sigmoid(-l), and defect 4 shows how to take the log of a sigmoid without forming it.",
         refuse=("gcdg_lite.losses.gcdg_generator_loss", "gcdg_lite.losses.log_one_minus_d"))
def _generator_loss(answer: Any) -> bool | str:
    import tensorflow as tf

    if not callable(answer):
        return "answer should be a function of d_fake_logits (def answer(d_fake_logits): ...), not its result."
    logits = fresh_rng().normal(0.0, 2.0, size=(16, 1)).astype(np.float32)
    lg = logits.astype(np.float64)
    got = _loss_value(answer, logits)
    want = float(np.mean(-_softplus(lg)))   # after the answer has run
    if not np.isfinite(got):
        return ("your loss is not finite on ordinary logits (between -6 and 6). A logit is any real number, not a "
                "probability: D(G(z)) = sigmoid(logit). Check for a log of a negative number or of 0.")
    near = lambda value: abs(got - value) < 1e-4 * max(1.0, abs(value))  # noqa: E731
    if near(-want):
        return "the sign is flipped: minimising this would lower D(G(z)), the listing's mistake (defect 6)."
    if near(float(np.mean(_softplus(-lg)))):
        return ("that is the non-saturating loss -E log D(G(z)): a fine choice for training, but the exercise "
                "asks for the source's (minimax) objective.")
    if near(float(np.mean(-_softplus(-lg)))):
        return "that is the mean of log D(G(z)); the source's objective is the log of 1 - D(G(z))."
    if near(len(lg) * want):
        return "that is the sum over the batch; the objective is the mean, so it does not grow with the batch size."
    if near(float(np.mean(-_softplus(1.0 / (1.0 + np.exp(-lg)))))):
        return "the sigmoid is applied twice (defect 4): the input is already the logit l, D(G(z)) = sigmoid(l)."
    if not near(want):
        return "the value differs from the mean of log(1 - D(G(z))) with D = sigmoid(logit); check the formula."
    extreme = np.array([[60.0], [-60.0], [25.0], [-3.0]], np.float32)
    got_x = _loss_value(answer, extreme)
    want_x = float(np.mean(-_softplus(extreme.astype(np.float64))))
    if not np.isfinite(got_x):
        return ("the value is right on ordinary logits but not finite for a confident discriminator (logit 60): "
                "in float32 sigmoid(60) rounds to exactly 1. Compute the log from the logit directly.")
    if abs(got_x - want_x) > 1e-3 * abs(want_x):
        return (f"finite, but wrong where D is confident: on logits (60, -60, 25, -3) yours is {got_x:.2f}, "
                f"{'above' if got_x > want_x else 'below'} the mean of log(1 - D). An epsilon or a clip inside the "
                "log caps each term near log(epsilon) and flattens the gradient exactly there (chapter 3); the exact "
                "form needs neither.")

    def taped(t: Any) -> Any:
        """The answer's gradient w.r.t. the logits (the tape in the answer's thread); None off the tape."""
        with tf.GradientTape() as tape:
            tape.watch(t)
            loss = answer(t)
        try:
            return tape.gradient(loss, t)
        except (TypeError, ValueError, AttributeError):   # a numpy result is not on the tape
            return None

    grad = run(taped, tf.constant(logits, tf.float32))
    if grad is None:
        return "no gradient flows through your loss; use TensorFlow operations, not numpy."
    want_grad = -1.0 / (1.0 + np.exp(-lg)) / len(lg)   # d/dl mean(-softplus(l)) = -sigmoid(l) / batch
    if not np.allclose(grad.numpy(), want_grad, atol=1e-5):
        return "the value is right but its gradient is not; did a tf.stop_gradient or a numpy step slip in?"
    return True


# --------------------------------------------------------------------------- 4.3 repair a discriminator step

#: the small models the checker builds for exercise 4.3: noise (8) -> clip (32 samples) -> 16 ReLU -> logit
Z_DIM, CLIP, D_HIDDEN, BATCH = 8, 32, 16, 16


def _small_models(seed: int):
    """A tiny tanh generator and a one-hidden-layer discriminator with weights from ``seed``."""
    import keras

    rng = np.random.default_rng(seed)
    z = keras.Input((Z_DIM,))
    G = keras.Model(z, keras.layers.Dense(CLIP, activation="tanh")(z))
    x = keras.Input((CLIP,))
    h = keras.layers.Dense(D_HIDDEN, activation="relu")(x)
    D = keras.Model(x, keras.layers.Dense(1)(h))
    for model in (G, D):
        model.set_weights([rng.normal(0.0, 0.4, w.shape).astype(np.float32) for w in model.get_weights()])
    return G, D


def _batches(seed: int):
    import tensorflow as tf

    rng = np.random.default_rng(seed + 100)
    t = np.arange(CLIP) / CLIP
    real = 0.8 * np.sin(2 * np.pi * rng.integers(1, 4, (BATCH, 1)) * t + rng.uniform(0, 6.3, (BATCH, 1)))
    z = rng.normal(size=(BATCH, Z_DIM))
    return tf.constant(real, tf.float32), tf.constant(z, tf.float32)


def _d_losses(lr: np.ndarray, lf: np.ndarray) -> dict[str, float]:
    """The correct D loss and the values of the mistakes students make, from real and fake logits."""
    lr, lf = lr.astype(np.float64).ravel(), lf.astype(np.float64).ravel()
    return {
        "correct": float(np.mean(_softplus(-lr)) + np.mean(_softplus(lf))),
        "listing": float(np.mean(_softplus(-lr)) + np.mean(_softplus(-lf))),     # log D(G(z)) for the fakes
        "negated": -float(np.mean(_softplus(-lr)) + np.mean(_softplus(lf))),
        "swapped": float(np.mean(_softplus(lr)) + np.mean(_softplus(-lf))),      # labels exchanged
    }


def _run_step(fn: Callable, seed: int, bias: float | None = None):
    """Call the student's ``fn(G, D, real, z, opt)`` once; return logits before, loss, weights before/after."""
    import keras

    G, D = _small_models(seed)
    if bias is not None:                          # make D confident: every logit near ``bias``
        w = D.get_weights()
        w[-1] = np.full_like(w[-1], bias)
        w[-2] = w[-2] * 0.01
        D.set_weights(w)
    real, z = _batches(seed)
    before = {"G": [w.copy() for w in G.get_weights()], "D": [w.copy() for w in D.get_weights()]}
    lr, lf = D(real).numpy(), D(G(z)).numpy()
    loss = fn(G, D, real, z, keras.optimizers.SGD(learning_rate=0.05))
    after = {"G": G.get_weights(), "D": D.get_weights()}
    return G, D, real, z, (lr, lf), loss, before, after


def _changed(a: list, b: list) -> bool:
    return any(not np.array_equal(x, y) for x, y in zip(a, b))


@checker("ch4.3", hint="read the listing line by line and ask of each: what should a discriminator's step do "
                       "to D(x), to D(G(z)), and to whose weights? Then test it on a discriminator that is "
                       "very sure of itself.")
def _d_step(answer: Any) -> bool | str:
    if not callable(answer):
        return "answer should be your repaired function d_step itself (def d_step(G, D, real, z, opt): ...)."
    try:
        inspect.signature(answer).bind(None, None, None, None, None)
    except (TypeError, ValueError):
        return "keep the listing's signature: d_step(G, D, real, z, opt)."
    G, D, real, z, (lr, lf), loss, before, after = _run_step(answer, seed=fresh_seed())
    try:
        value = scalar(loss)
    except (TypeError, ValueError):
        return "return D's loss as one number (a scalar tensor): the mean over the batch, as the listing does."
    values = _d_losses(lr, lf)
    close = {k: abs(value - v) < 1e-4 * max(1.0, abs(v)) for k, v in values.items()}
    if not np.isfinite(value):
        return "the loss is not finite on an ordinary batch; check every log."
    if close["listing"]:
        return ("the loss rewards D for calling generated clips *real*: which label does a generated clip carry, "
                "and what is the cross-entropy of that label?")
    if close["negated"]:
        return "the loss has the wrong sign: minimising it makes D worse (defect 6 of the source listing)."
    if close["swapped"]:
        return "real and generated clips have swapped roles: D should give real clips the high probability."
    if not close["correct"]:
        return ("the loss is not the discriminator's binary cross-entropy (real clips labelled 1, generated clips "
                "0, each term a mean over the batch) of these models on this batch and on the noise `z` passed in.")
    if _changed(before["G"], after["G"]):
        return ("D's loss is right, but the step also changed the generator's weights: a discriminator step "
                "moves the discriminator only. Which variables does your gradient update?")
    if not _changed(before["D"], after["D"]):
        return "the discriminator's weights did not change: apply the gradients of its loss with `opt`."
    new = _d_losses(D(real).numpy(), D(G(z)).numpy())["correct"]
    if not new < values["correct"]:
        return "after your step D's loss went up, not down; check the sign of what you apply."
    for bias in (60.0, -60.0):
        *_, (lr, lf), loss, before, after = _run_step(answer, seed=fresh_seed(), bias=bias)
        want = _d_losses(lr, lf)["correct"]
        value = scalar(loss)
        finite = np.isfinite(value) and all(np.all(np.isfinite(w)) for w in after["D"])
        if not finite:
            return (f"right on an ordinary batch, but when D is very sure (every logit near {bias:+.0f}) the loss "
                    "or the updated weights are not finite: in float32 a sigmoid rounds to exactly 0 or 1 there. "
                    "Compute each log from the logits, never from D's probabilities.")
        if abs(value - want) > 1e-3 * abs(want):
            return (f"finite, but wrong when D is very sure (logits near {bias:+.0f}): yours is {value:.1f}, "
                    f"{'above' if value > want else 'below'} the binary cross-entropy. An epsilon or a clip inside the "
                    "log caps each term; "
                    "the exact form from logits needs neither.")
    return True


# --------------------------------------------------------------------------- 4.4 Griffin-Lim iterations

#: the iteration counts exercise 4.4 chooses from, the tolerance, and the STFT the chapter uses for it
GL_ITERS = (0, 1, 2, 4, 8, 16, 32, 64)
GL_TOL = 0.02
GL_N_FFT, GL_HOP = 256, 128
#: the clips the checker tries: (texture, seed), 4096 samples each; their answers differ
#: (their answers are computed in the check, never stored; they differ, with a margin no rounding can flip)
GL_CLIPS = (("vowels", 11), ("crackle", 11), ("rain", 11), ("wind", 3))


def _magnitude(clip: np.ndarray) -> np.ndarray:
    """``|STFT|`` of one clip as chapter 4's Griffin-Lim section takes it: (bins, frames), no centring."""
    import librosa

    return np.abs(librosa.stft(np.asarray(clip, np.float32), n_fft=GL_N_FFT, hop_length=GL_HOP, window="hann",
                               center=False))


def _convergence(mag: np.ndarray, iters=GL_ITERS, momentum: float = 0.99, seed: int = 0) -> list[float]:
    """Spectral convergence of librosa's Griffin-Lim after each count in ``iters`` (each run from scratch)."""
    import librosa

    from ..features import spectral_convergence

    out = []
    for n in iters:
        y = librosa.griffinlim(mag, n_iter=int(n), hop_length=GL_HOP, n_fft=GL_N_FFT, window="hann", center=False,
                               momentum=momentum, random_state=seed)
        out.append(spectral_convergence(mag, _magnitude(y)[:, : mag.shape[1]]))
    return out


def _choice(curve: list[float], tol: float = GL_TOL, iters=GL_ITERS) -> int:
    """The fewest iterations whose spectral convergence is within ``tol`` of the last (most iterations)."""
    return int(next(n for n, sc in zip(iters, curve) if sc <= curve[-1] + tol))


@checker("ch4.4", hint="compute the spectral-convergence curve of the spectrogram you are given (the chapter's "
                       "sc_curve), then pick the fewest iterations whose value is within 0.02 of the value "
                       "after 64 iterations.",
         refuse=("gcdg_lite.exercises.ch4._convergence", "gcdg_lite.exercises.ch4._choice"))
def _griffin_lim_iters(answer: Any) -> bool | str:
    from ..data import texture

    if not callable(answer):
        return "answer should be a function of a magnitude spectrogram, def answer(mag): ... returning an int."
    got, want = [], []
    for name, seed in GL_CLIPS:
        mag = _magnitude(texture(name, n=1, seed=seed, samples=4096)[0])
        try:
            n = _integer(answer(mag.copy()))
        except Exception as exc:  # noqa: BLE001  a failing answer is a hint, not a crash
            return f"your function failed on a {name} spectrogram ({type(exc).__name__}: {exc})."
        if isinstance(n, str):
            return "your function should return one whole number of iterations."
        got.append(n)
        want.append(_choice(_convergence(mag)))
    if got == want:
        return True
    if any(n not in GL_ITERS for n in got):
        return f"choose among the iteration counts {GL_ITERS}."
    if len(set(got)) == 1:
        return ("your function gives the same number for every spectrogram; the knee of the curve depends on the "
                "sound (a voice, clicks, rain): compute it for the spectrogram you are given.")
    settings = ("compare magnitudes (not log-magnitudes), computed as the chapter's sc_curve does (n_fft 256, "
                "hop 128, no centring, librosa's default momentum, random_state 0)")
    if all(g >= w for g, w in zip(got, want)):
        return ("on some spectrograms you chose more iterations than needed: the exercise asks for the fewest "
                f"whose spectral convergence is within 0.02 of the 64-iteration value; {settings}.")
    if all(g <= w for g, w in zip(got, want)):
        return ("on some spectrograms you stop too early: after the iterations you chose, the spectral "
                f"convergence must be at most its 64-iteration value plus 0.02; {settings}.")
    return f"some choices differ from the fewest iterations within 0.02 of the 64-iteration value; {settings}."


# --------------------------------------------------------------------------- 4.5 phase from instantaneous frequency

#: the clips the checker encodes: (texture, samples); a steady tone, a voice and a noise, fresh seeds each check
IF_CLIPS = (("hum", 4096), ("speech", 16384), ("rain", 4096))


def _phase_error(got: np.ndarray, spec: np.ndarray) -> float:
    """Largest wrapped difference (radians) between ``got`` and the phase of ``spec`` over its loud cells."""
    loud = np.abs(spec) > 1e-3 * np.abs(spec).max()
    diff = np.angle(np.exp(1j * (got - np.angle(spec))))
    return float(np.abs(diff[loud]).max())


@checker("ch4.5", hint="the phase of frame t is the sum of the IF deviations of frames 0..t (the code is the "
                       "deviation divided by pi), plus the phase a tone at the bin's centre frequency advances "
                       "in t hops.",
         refuse=("gcdg_lite.phase.decode",))
def _phase_from_if(answer: Any) -> bool | str:
    from ..data import texture
    from ..phase import encode, phase_geometry, stft

    if not callable(answer):
        return "answer should be a function, def answer(if_code, n_fft, hop): ... returning the phase (frames x bins)."
    for name, samples in IF_CLIPS:
        geom = phase_geometry(samples)
        clip = texture(name, n=1, seed=fresh_seed(), samples=samples)
        spec, code = stft(clip, geom)[0].numpy(), encode(clip, geom)[0, :, :, 1].numpy()
        try:
            got = np.asarray(answer(code.copy(), geom.n_fft, geom.hop), np.float64)
        except Exception as exc:  # noqa: BLE001  a failing answer is a hint, not a crash
            return f"your function failed on a {name} clip ({type(exc).__name__}: {exc})."
        if got.shape != code.shape:
            return f"return one phase per (frame, bin): shape {code.shape} for this clip, not {got.shape}."
        if not np.all(np.isfinite(got)):
            return "your phase has NaN or infinite values."
        if _phase_error(got, spec) < 1e-2:
            continue
        k, t = np.arange(geom.bins)[None, :], np.arange(geom.frames)[:, None]
        advance = 2 * np.pi * ((k * geom.hop * t) % geom.n_fft) / geom.n_fft
        near = {  # answers with one known slip -> the hint for that slip
            "the running sum of the deviations is right; each bin's phase also turns by 2 pi k hop / n_fft per "
            "frame, the advance of a tone at the bin's centre.": np.cumsum(code * np.pi, 0),
            "check the units: the code is the deviation in radians divided by pi.": np.cumsum(code, 0) + advance,
            "sum the deviations over frames (axis 0), not over bins.": np.cumsum(code * np.pi, 1) + advance,
        }
        loud = np.abs(spec) > 1e-3 * np.abs(spec).max()
        for hint, slip in near.items():
            if np.abs(np.angle(np.exp(1j * (got - slip))))[loud].max() < 1e-2:
                return hint
        return f"on a {name} clip your phase differs from the STFT's by up to {_phase_error(got, spec):.2f} rad."
    return True
