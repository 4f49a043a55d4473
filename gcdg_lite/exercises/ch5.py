"""Checkers for chapter 5 (Trends & challenges): a collapse detector, R1 by hand, a disguise for copies.

Every answer is a function the checker runs on inputs the notebook never showed:

* ``ch5.1`` — ``collapsed(real, fake) -> bool``, tried on fresh point sets of the chapter's ring and of
  three mixtures of the checker's own (a rotated ring, a wider ring of 6, a grid): fresh draws of several sizes and a lopsided but complete set must give
  False; sets collapsed to a few modes, a single mode of tiny spread and sets lying between the modes
  must give True.
* ``ch5.2`` — ``r1(discriminator, real, gamma) -> scalar tensor``, compared with
  :func:`gcdg_lite.losses.r1_penalty` on two discriminators, two batch shapes and two ``gamma``;
  the value *and* its gradient with respect to the discriminator's weights (the penalty is trained on).
* ``ch5.3`` — ``disguise(train) -> clips``, run on training sets of two textures: every clip must
  differ from every training clip by at least half its RMS, sample by sample, and yet be flagged by
  the memorisation check (ratio below 0.3).

Each checker returns ``True`` or a string hint that names the mistake without giving the repair.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import as_function, checker, fresh_rng, fresh_seed
from ._limits import run

_SAMPLES = 4096
#: the memorisation ratio a disguised set must stay below (ch5.3)
COPY_RATIO = 0.3
#: every disguised clip differs from every training clip by at least this fraction of the clip's RMS (ch5.3)
MIN_CHANGE = 0.5


# ----------------------------------------------------------------------------------------------
# ch5.1 — a collapse detector that is not told where the modes are
# ----------------------------------------------------------------------------------------------

def _mixtures() -> dict[str, tuple[np.ndarray, float]]:
    """The checker's mixtures: ``{name: (centres (k, 2), std)}``: the chapter's ring and three others."""
    from ..toy import mode_centres

    g = np.arange(3) * 1.5 - 1.5
    grid = np.stack(np.meshgrid(g, g), axis=-1).reshape(-1, 2)
    return {"the chapter's ring": (mode_centres(8, 2.0), 0.02),
            "a ring of 8 modes, rotated": (mode_centres(8, 2.0, angle=0.3), 0.02),
            "a ring of 6 modes of radius 3": (mode_centres(6, 3.0), 0.05),
            "a 3 x 3 grid of modes": (grid, 0.04)}


def _draw(rng: np.random.Generator, centres: np.ndarray, std: float, n: int,
          weights: np.ndarray | None = None) -> np.ndarray:
    k = rng.choice(len(centres), n, p=weights)
    return (centres[k] + std * rng.standard_normal((n, 2))).astype(np.float32)


def _collapse_probes(rng: np.random.Generator) -> list[tuple[str, str, np.ndarray, np.ndarray, bool]]:
    """``[(mixture, probe, real, fake, collapsed?)]``: the point sets ``ch5.1`` tries a detector on.

    Drawn from ``rng``, which the checker seeds afresh at every check (:func:`~gcdg_lite.exercises.fresh_rng`):
    the labelled sets of one check exist only inside it.

    The kinds of a collapsed probe (the word after "collapsed:" in ``probe``) choose the hint:
    ``few`` (all points on a few of the modes), ``tiny`` (one mode, tiny spread), ``between`` (no mode
    at all: the points lie between the modes).
    """
    out = []
    for name, (c, s) in _mixtures().items():
        k = len(c)
        real = _draw(rng, c, s, 2000)
        lopsided = np.full(k, 0.5 / (k - 1))
        lopsided[0] = 0.5
        spacing = np.min(np.linalg.norm(c[1:] - c[0], axis=1))
        if name.startswith("a ring"):
            radius, start = np.linalg.norm(c[0]), np.arctan2(c[0, 1], c[0, 0])
            a = start + 2 * np.pi * (np.arange(k) + 0.5) / k
            between = radius * np.stack([np.cos(a), np.sin(a)], axis=1)
        else:
            between = c + 0.5 * spacing
        out += [
            (name, "healthy: a fresh draw (2000 points)", real, _draw(rng, c, s, 2000), False),
            (name, "healthy: a fresh draw (300 points)", real, _draw(rng, c, s, 300), False),
            (name, "healthy: a fresh draw (150 points)", real, _draw(rng, c, s, 150), False),
            (name, "healthy: a fresh draw (5000 points)", real, _draw(rng, c, s, 5000), False),
            (name, "healthy: every mode, but half the points in one of them", real,
             _draw(rng, c, s, 2000, lopsided), False),
            (name, "collapsed: few — every point on one mode", real, _draw(rng, c[:1], s, 2000), True),
            (name, "collapsed: few — the points on two of the modes", real, _draw(rng, c[[0, k // 2]], s, 2000), True),
            (name, f"collapsed: few — the points on {k - 3} of the {k} modes", real, _draw(rng, c[3:], s, 2000), True),
            (name, "collapsed: tiny — one mode, spread 20 times too small", real, _draw(rng, c[:1], s / 20, 2000), True),
            (name, "collapsed: between — every point between the modes", real, _draw(rng, between, s, 2000), True),
        ]
    small_real = _draw(rng, *_mixtures()["a ring of 6 modes of radius 3"], 500)
    c6, s6 = _mixtures()["a ring of 6 modes of radius 3"]
    out += [("a ring of 6 modes of radius 3", "healthy: 2000 points against 500 real ones", small_real,
             _draw(rng, c6, s6, 2000), False),
            ("a ring of 6 modes of radius 3", "collapsed: few — 2000 points on 4 of 6 modes, against 500 real ones",
             small_real, _draw(rng, c6[2:], s6, 2000), True)]
    return out


def _as_bool(value: Any) -> bool:
    v = np.asarray(value)
    if v.size != 1 or v.dtype.kind != "b":
        raise TypeError(f"the detector must return True or False, not {type(value).__name__} {value!r}"[:160])
    return bool(v.reshape(()))


@checker("ch5.1", hint="describe where the real points are (their modes, or simply the real points themselves), "
                       "then ask of every part of the real set: are there generated points near it?")
def _collapse_detector(answer: Any) -> bool | str:
    detector = as_function(answer, "collapsed(real, fake)")
    probes = _collapse_probes(fresh_rng())
    said = [_as_bool(detector(real.copy(), fake.copy())) for _, _, real, fake, _ in probes]
    healthy = [(p, s) for p, s in zip(probes, said) if not p[4]]
    broken = [(p, s) for p, s in zip(probes, said) if p[4]]
    if all(s for _, s in healthy) and not any(s for _, s in broken):
        return "your detector answers the other way round: True must mean collapsed."
    if all(s == said[0] for s in said):
        return f"your detector says {said[0]} for every set: it must look at both `real` and `fake`."
    flagged = [p for p, s in healthy if s]
    if flagged:
        mixture, probe = flagged[0][0], flagged[0][1].split(": ", 1)[1]
        if "half the points" in probe:
            return (f"your detector calls a set collapsed that has {probe} ({mixture}): uneven shares are not "
                    "collapse while every mode has its points.")
        if "300" in probe or "150" in probe or "5000" in probe or "500 real" in probe:
            return (f"your detector calls a healthy set collapsed when the two sets differ in size ({probe}, "
                    f"{mixture}): compare like with like, or use a measure that does not grow with the number of "
                    "points.")
        return (f"your detector calls a healthy set collapsed: {probe} of {mixture}. The checker's mixtures are not "
                "the chapter's ring: learn where the modes are from `real`, do not assume them.")
    missed = [p for p, s in broken if not s]
    if not missed:
        return True
    order = ("between", "few", "tiny")  # the hint for the most telling miss first
    first = min(missed, key=lambda p: order.index(p[1].split(": ", 1)[1].partition(" — ")[0]))
    mixture, probe = first[0], first[1].split(": ", 1)[1]
    kind, _, what = probe.partition(" — ")
    if kind == "between":
        return (f"your detector misses a set of {mixture} with {what}: it is as spread out as the real set, but "
                "lies where no real point is. Where the points are matters, not only how spread they are.")
    if kind == "tiny":
        return f"your detector misses a set of {mixture} with {what}: how much room do the generated points fill?"
    return (f"your detector misses a set of {mixture} with {what}: every generated point lies on a real mode, so "
            "'is each generated point near real ones?' says yes. Ask the other way round: is each real mode "
            "near generated points?")


# ----------------------------------------------------------------------------------------------
# ch5.2 — R1 by hand
# ----------------------------------------------------------------------------------------------

def _r1_players(seed: int, samples: int) -> Any:
    """A small discriminator (samples -> 12, tanh -> 1 logit) with fixed weights: input gradients differ per clip."""
    import keras

    D = keras.Sequential([keras.Input((samples,)), keras.layers.Dense(12, activation="tanh"), keras.layers.Dense(1)])
    rng = np.random.default_rng(seed)
    D.set_weights([rng.normal(0, 0.3, w.shape).astype(np.float32) for w in D.get_weights()])
    return D


def _r1_variants(D: Any, x: Any, gamma: float) -> dict[str, float]:
    """R1 and the mistakes students make computing it, as numbers (for the hints of ``ch5.2``)."""
    import tensorflow as tf

    def input_grad(fn: Any) -> tf.Tensor:
        with tf.GradientTape() as tape:
            tape.watch(x)
            total = tf.reduce_sum(fn(D(x, training=False)))
        return tape.gradient(total, x)

    g, g_sig = input_grad(lambda l: l), input_grad(tf.sigmoid)
    sq, sq_sig = tf.reduce_sum(g**2, axis=1), tf.reduce_sum(g_sig**2, axis=1)
    with tf.GradientTape() as tape:
        logits = tf.reduce_sum(D(x, training=False))
    w_sq = sum(float(tf.reduce_sum(w**2)) for w in tape.gradient(logits, D.trainable_variables))
    half = 0.5 * gamma
    return {
        "right": half * float(tf.reduce_mean(sq)),
        "no_half": gamma * float(tf.reduce_mean(sq)),
        "gamma_twice": half * gamma * float(tf.reduce_mean(sq)),
        "gamma_squared_half": 0.5 * gamma * gamma * float(tf.reduce_mean(sq)),
        "sigmoid": half * float(tf.reduce_mean(sq_sig)),
        "weights": half * w_sq,
        "mean_norm": half * float(tf.reduce_mean(tf.sqrt(sq))),
        "norm_of_mean": half * float(tf.reduce_mean(tf.sqrt(sq))) ** 2,
        "batch_sum": half * float(tf.reduce_sum(sq)),
        "sample_mean": half * float(tf.reduce_mean(g**2)),
        "batch_grad": half * float(tf.reduce_sum(tf.reduce_mean(g, axis=0) ** 2)),
    }


_R1_HINTS = {
    "no_half": "off by a factor of 2: R1 is gamma / 2 times the mean squared norm.",
    "gamma_twice": "gamma appears twice in your penalty: scale by gamma / 2 once.",
    "gamma_squared_half": "gamma appears twice in your penalty: scale by gamma / 2 once.",
    "sigmoid": ("your gradient is that of sigmoid(D(x)), the probability: R1 differentiates the logit D(x), the "
                "discriminator's raw output."),
    "weights": ("your gradient is taken with respect to the discriminator's weights: R1 differentiates with respect "
                "to the input clips (tape.watch them)."),
    "mean_norm": "you average the norms: R1 averages the SQUARED norms of the per-clip gradients.",
    "norm_of_mean": "you square the mean norm: R1 averages the squared norms, clip by clip, then takes the mean.",
    "batch_sum": "off by the batch size: average the per-clip squared norms over the batch instead of summing.",
    "sample_mean": "sum the squared gradient over the samples of each clip (a squared norm), then average over clips.",
    "batch_grad": ("you square the gradient averaged over the batch: take each clip's own gradient, square and sum "
                   "it, then average the squared norms."),
}


def _near(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-4 * max(1e-6, abs(b))


@checker("ch5.2", hint="take the gradient of D's logits with respect to the input clips (tape.watch the input), "
                       "square it, sum over each clip's samples, average over the batch, scale by gamma / 2.",
         refuse=("gcdg_lite.losses.r1_penalty",))
def _r1(answer: Any) -> bool | str:
    import tensorflow as tf

    from ..losses import r1_penalty

    fn = as_function(answer, "r1(discriminator, real, gamma)")

    def taped(D: Any, real: Any, gamma: float) -> tuple[Any, Any]:
        """The answer's penalty and its gradient w.r.t. D's weights (the tape in the answer's thread)."""
        with tf.GradientTape() as tape:
            got_t = fn(D, real, gamma)
        grads = tape.gradient(got_t, D.trainable_variables) if tf.is_tensor(got_t) else [None]
        return got_t, grads

    rng = fresh_rng()
    for samples, batch, gamma in ((256, 6, 10.0), (96, 9, 1.0)):
        D = _r1_players(int(rng.integers(2**31)), samples)
        real = tf.constant(rng.uniform(-0.5, 0.5, (batch, samples)), tf.float32)
        got_t, grads = run(taped, D, real, gamma)
        got = np.asarray(got_t, dtype=np.float64)
        if got.size != 1:
            return f"the penalty should be one number (a scalar), got shape {got.shape}"
        got = float(got.reshape(()))
        if not np.isfinite(got):
            return "your penalty is not finite"
        want = _r1_variants(D, real, gamma)   # after the answer has run
        if not _near(got, want["right"]):
            for name, value in want.items():
                if name != "right" and _near(got, value):
                    return _R1_HINTS[name]
            if abs(got) < 1e-12:
                return "your penalty is zero: is the gradient taken with respect to the input clips?"
            return False
        if all(g is None for g in grads):
            return ("the value is right, but it carries no gradient to the discriminator's weights (a float or a "
                    "numpy value?): the penalty is added to D's loss and trained on, so keep it a tensor.")
        with tf.GradientTape() as tape:
            ref = r1_penalty(D, real, gamma=gamma, training=False)
        ref_grads = tape.gradient(ref, D.trainable_variables)
        def dense(gs: list) -> list:  # a weight that does not reach the penalty (D's last bias) has gradient None
            return [np.zeros(v.shape) if g is None else np.asarray(g) for g, v in zip(gs, D.trainable_variables)]

        if not all(np.allclose(g, r, rtol=1e-3, atol=1e-6) for g, r in zip(dense(grads), dense(ref_grads))):
            return ("the value is right but its gradient with respect to the weights is not: did you stop the gradient "
                    "somewhere, or take the input gradient outside the computation D's loss is differentiated in?")
    return True


# ----------------------------------------------------------------------------------------------
# ch5.3 — a disguise the memorisation check still sees through
# ----------------------------------------------------------------------------------------------

def _training_sets() -> dict[str, np.ndarray]:
    """The checker's training sets: 16 clips each of ``rain`` and ``vowels``, with fresh seeds at every check."""
    from ..data import texture

    return {"rain": texture("rain", n=16, seed=fresh_seed(), samples=_SAMPLES),
            "vowels": texture("vowels", n=16, seed=fresh_seed(), samples=_SAMPLES)}


def _changes(fake: np.ndarray, train: np.ndarray) -> np.ndarray:
    """``(n_fake,)``: each clip's smallest distance to a training clip, as a fraction of that training clip's RMS·√samples."""
    f = fake.astype(np.float64)
    t = train.astype(np.float64)
    d = np.sqrt(np.maximum((f**2).sum(1)[:, None] + (t**2).sum(1)[None, :] - 2 * f @ t.T, 0.0))
    return (d / (np.linalg.norm(t, axis=1)[None, :] + 1e-12)).min(axis=1)


@checker("ch5.3", hint="the check compares log-mel statistics of whole clips with those of the nearest training "
                       "clip; what changes a clip's samples a lot but leaves its spectrogram's statistics alone?")
def _disguise(answer: Any) -> bool | str:
    from ..metrics import memorisation

    fn = as_function(answer, "disguise(train)")
    for name, train in _training_sets().items():
        fake = np.asarray(fn(train.copy()), dtype=np.float64)
        if fake.ndim != 2 or fake.shape[1] != _SAMPLES or fake.shape[0] < 16:
            return f"disguise must return an array (n >= 16, {_SAMPLES}) of clips; got shape {fake.shape}"
        if not np.all(np.isfinite(fake)) or np.abs(fake).max() > 1.0:
            return "the clips must be finite audio in [-1, 1]"
        change = _changes(fake, train)
        if change.min() < 1e-9:
            return "some of your clips are exact copies of training clips."
        if change.min() < MIN_CHANGE:
            return (f"some of your clips are near-copies, sample by sample (the closest differs from a {name} training "
                    f"clip by {change.min():.0%} of its size; it must differ by at least {MIN_CHANGE:.0%}): comparing "
                    "samples would catch those. Change the samples a lot, but not how the clip sounds.")
        ratio = memorisation(train, fake).ratio
        if ratio >= COPY_RATIO:
            return (f"on a {name} training set the memorisation ratio of your clips is {ratio:.2f}; it must fall below "
                    f"{COPY_RATIO}. Does your disguise work on the clips it is given, and keep their log-mel "
                    "statistics?")
    return True
