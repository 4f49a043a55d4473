"""Checkers for chapter 6 (FAQ): a detector of "new" losses, bugs in a GCDG step, which gradients vanish.

* ``ch6.1``: the answer is a function ``same_updates(loss_a, loss_b) -> bool``; the checker feeds it pairs of
  generator losses chosen so that a detector that answers a different question (are the two the same
  Python object? do they have the same value? the same gradient at logit 0?) gets one of them wrong.
* ``ch6.2``: the answer is the set of line numbers of :data:`LISTING` that hold a bug.
* ``ch6.3``: the answer is a prediction, ``{loss name: players whose gradient vanishes}``; the checker
  computes the truth with TensorFlow from ``gcdg_lite.losses`` inside the check (nothing is stored, and
  no public function returns it).

Each checker returns ``True`` or a hint that names the mistake without giving the answer.
Registered under ``ch6.1`` .. ``ch6.3`` (labels ``ex-ch6-1`` .. ``ex-ch6-3``).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from . import checker, fresh_rng

# ---------------------------------------------------------------------------------------------- ch6.1


def _pairs() -> list[tuple[str, Callable, Callable, bool]]:
    """(kind, loss_a, loss_b, same gradient?) for the ch6.1 checker; every loss maps logits to a scalar."""
    import tensorflow as tf

    from .. import losses

    real = tf.constant(np.linspace(-2.0, 3.0, 16).reshape(-1, 1), tf.float32)

    def literal_l(fake):                       # the source's L, with a fixed batch of real logits
        return losses.gcdg_loss(real, fake)

    def minimax_rewritten(fake):               # the minimax loss, written another way
        return -tf.reduce_mean(tf.nn.softplus(tf.cast(fake, tf.float32)))

    def epsilon_hack(fake):                    # log(1 - D + eps): equal for moderate logits only
        return tf.reduce_mean(tf.math.log(1.0 - tf.sigmoid(tf.cast(fake, tf.float32)) + 1e-7))

    def twice_minimax(fake):
        return 2.0 * losses.minimax_generator_loss(fake)

    def non_saturating_plus_3(fake):
        return losses.non_saturating_generator_loss(fake) + 3.0

    return [
        ("same object", losses.gcdg_generator_loss, losses.minimax_generator_loss, True),
        ("offset", losses.minimax_generator_loss, literal_l, True),
        ("rewritten", losses.minimax_generator_loss, minimax_rewritten, True),
        ("names", losses.hinge_generator_loss, losses.wgan_generator_loss, True),
        ("offset", losses.non_saturating_generator_loss, non_saturating_plus_3, True),
        ("agree at 0", losses.minimax_generator_loss, losses.non_saturating_generator_loss, False),
        ("large logits", losses.minimax_generator_loss, epsilon_hack, False),
        ("scale", losses.minimax_generator_loss, twice_minimax, False),
    ]


def _disguised(pairs: list[tuple[str, Callable, Callable, bool]]) -> list[tuple[str, Callable, Callable, bool]]:
    """``pairs`` in a fresh random order, each loss behind a wrapper named ``loss``: a detector cannot tell the
    pairs apart by their names or their place. One function stays one wrapper (the "same object" pair)."""
    wrappers: dict[int, Callable] = {}

    def neutral(fn: Callable) -> Callable:
        if id(fn) not in wrappers:
            def loss(fake_logits: Any) -> Any:
                """A generator loss: a batch of logits (batch, 1) -> a scalar."""
                return fn(fake_logits)
            wrappers[id(fn)] = loss
        return wrappers[id(fn)]

    rng = fresh_rng()
    out = []
    for i in rng.permutation(len(pairs)):
        kind, a, b, truth = pairs[int(i)]
        if rng.random() < 0.5:
            a, b = b, a
        out.append((kind, neutral(a), neutral(b), truth))
    return out


#: hints for a wrong detector, most telling first; a pair's kind says which question the detector answered
_DETECTOR_HINTS = (
    (("same object", "rewritten", "names"),
     "your detector says no to two losses that are written (or named) differently but have the same gradient "
     "for every batch: compare what the losses do to the gradient with respect to the logits, however the "
     "losses are written; not the functions or their code."),
    (("offset",),
     "your detector says no to a loss plus a constant: it compares values, but a constant changes the value, "
     "not the gradient, so the generator's updates are the same."),
    (("agree at 0",),
     "your detector says yes to two losses whose gradients agree at some logits and not at others: test a whole "
     "batch of logits, not one point."),
    (("large logits",),
     "your detector says yes to two losses that agree for moderate logits and part ways for large ones: test "
     "logits over a wide range (a trained discriminator reaches |l| > 20)."),
    (("scale",),
     "your detector says yes to two losses whose gradients point the same way but differ in size; compare the "
     "gradients' values, not just their directions."),
)


@checker("ch6.1", hint="take a batch of logits over a wide range, compute each loss's gradient with respect to "
                       "them on a GradientTape, and compare the two gradients elementwise.")
def _same_updates(answer: Any) -> bool | str:
    if not callable(answer):
        return "the answer is a function, same_updates(loss_a, loss_b) -> True or False, not a value."
    wrong, said = set(), []
    for kind, loss_a, loss_b, truth in _disguised(_pairs()):
        try:
            verdict = answer(loss_a, loss_b)
        except Exception as exc:
            return (f"your detector raised {type(exc).__name__}: {str(exc).rstrip('.')}. It receives two generator losses, each a "
                    "function of a batch of logits (a float32 tensor of shape (batch, 1)) returning a scalar.")
        value = np.asarray(verdict.numpy() if hasattr(verdict, "numpy") else verdict)
        if value.dtype != bool or value.size != 1:
            return f"your detector should return True or False, not {verdict!r}."
        said.append(bool(value.reshape(())))
        if said[-1] != truth:
            wrong.add(kind)
    if wrong and all(said):
        return ("your detector says yes to every pair, also to losses whose gradients differ (every loss it is "
                "given is wrapped the same way): compare what the losses do to the gradient with respect to the "
                "logits, not the functions or their code.")
    for kinds, hint in _DETECTOR_HINTS:
        if wrong & set(kinds):
            return hint
    return True


# ---------------------------------------------------------------------------------------------- ch6.2

#: the listing of exercise 6.2, one step of "GCDG" training as someone might write it (line i = LISTING[i - 1])
LISTING = (
    "def train_step(x, G, D, opt_g, opt_d, noise_dim=100):",
    "    z = tf.random.normal([tf.shape(x)[0], noise_dim])",
    "    with tf.GradientTape() as tape:",
    "        real_logits, fake_logits = D(x), D(G(z))",
    "        d_loss = gl.losses.gcdg_loss(real_logits, fake_logits)",
    "    grads = tape.gradient(d_loss, D.trainable_variables)",
    "    opt_d.apply_gradients(zip(grads, D.trainable_variables))",
    "    z = tf.random.normal([tf.shape(x)[0], noise_dim])",
    "    with tf.GradientTape() as tape:",
    "        d_fake = tf.sigmoid(D(G(z)))",
    "        g_loss = tf.reduce_mean(tf.math.log(1.0 - d_fake))",
    "    weights = G.trainable_variables + D.trainable_variables",
    "    opt_g.apply_gradients(zip(tape.gradient(g_loss, weights), weights))",
    "    return d_loss, g_loss",
)
#: each bug of the listing: the lines that may be flagged for it (any one of them counts) and the kind of mistake
#: it is, as a hint names it when the bug is still missing (the kind, never the line)
_BUGS = (
    ({5}, "a loss that a player minimises although, as written, minimising it helps the other player"),
    ({10, 11}, "a loss formed from a probability, which rounds to log 0 once D is sure of itself"),
    ({12, 13}, "an update that moves the other player's weights too"),
)


def listing() -> str:
    """The listing of exercise 6.2 with line numbers, as the exercise prints it."""
    return "\n".join(f"{i:2d}  {line}" for i, line in enumerate(LISTING, start=1))


@checker("ch6.2", hint="read each line against chapter 3's algorithm (section 3.6) and its stable logits section "
                       "(3.5): which player's loss is it, which weights does it change, can it overflow?")
def _bug_lines(answer: Any) -> bool | str:
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__iter__"):
        return "answer with a collection of line numbers, e.g. {3, 7} (a set of ints)."
    try:
        flagged = {int(v) for v in answer}
    except (TypeError, ValueError):
        return "answer with line numbers (whole numbers), e.g. {3, 7}."
    outside = sorted(v for v in flagged if not 1 <= v <= len(LISTING))
    if outside:
        return f"the listing has lines 1 to {len(LISTING)}; {outside} are not among them."
    if not flagged:
        return f"you flagged no line; the listing has {len(_BUGS)} bugs."
    buggy = set().union(*(lines for lines, _ in _BUGS))
    fine = len(flagged - buggy)
    missed = [kind for lines, kind in _BUGS if not lines & flagged]
    if fine:   # how many, never which: a hint must not hand over the set of right lines
        n = len(flagged)
        return (("the line you flagged is correct as written" if n == 1 else
                 f"{fine} of the {n} lines you flagged {'is' if fine == 1 else 'are'} correct as written")
                + (f", and {len(missed)} bug{'s are' if len(missed) > 1 else ' is'} still missing" if missed else "")
                + ": for each line you flag, say which player's loss it computes or whose weights it changes, "
                  "and what chapter 3's algorithm does there instead.")
    if missed:
        n = len(missed)
        return (f"every line you flagged is a bug, but {n} more bug{'s are' if n > 1 else ' is'} hiding: look for "
                + "; and for ".join(missed) + ".")
    return True


# ---------------------------------------------------------------------------------------------- ch6.3

#: the games of exercise 6.3 and the discriminator's verdicts it asks about (D rejects everything)
GAMES = ("gcdg", "minimax", "non_saturating", "wgan_gp", "hinge")
REAL_LOGIT, FAKE_LOGIT = 8.0, -8.0
#: a per-example gradient (w.r.t. a logit) below this share of its largest possible size (1) "vanishes"
VANISH = 0.01
_PLAYERS = {"g": "G", "generator": "G", "d": "D", "discriminator": "D", "critic": "D"}


def _players(value: Any) -> frozenset[str]:
    if value is None:
        return frozenset()
    items = [value] if isinstance(value, str) else list(value)
    found = set()
    for item in items:
        key = str(item).strip().lower()
        if key in ("", "none", "neither"):
            continue
        if key in ("both", "g and d", "d and g"):
            found |= {"G", "D"}
            continue
        if key not in _PLAYERS:
            raise ValueError(f"{item!r} is not a player; use 'G' and 'D'")
        found.add(_PLAYERS[key])
    return frozenset(found)


@checker("ch6.3", hint="for each game write both players' losses as functions of l_x = 8 and l_z = -8, and "
                       "differentiate each with respect to the logits (by hand, or on a GradientTape).")
def _vanishing(answer: Any) -> bool | str:
    if not isinstance(answer, dict):
        return ("answer with a dict from each game's name to the players whose gradient vanishes, e.g. "
                "{'gcdg': {'G'}, ...}; use set() for neither.")
    given = {str(k).strip().lower(): v for k, v in answer.items()}
    missing = [g for g in GAMES if g not in given]
    if missing:
        return f"your dict has no entry for {', '.join(missing)}; give all five games."
    import tensorflow as tf

    from ..losses import LOSSES

    said_by_game = {}
    for name in GAMES:
        try:
            said_by_game[name] = _players(given[name])
        except ValueError as exc:
            return f"entry {name!r}: {exc}."
    m = 4   # the truth, computed here and only now: the gradients of each game's losses at these logits
    for name in GAMES:
        spec = LOSSES[name]
        lx, lz = tf.fill([m, 1], REAL_LOGIT), tf.fill([m, 1], FAKE_LOGIT)
        with tf.GradientTape(persistent=True) as tape:
            tape.watch([lx, lz])
            g_loss, d_loss = spec.generator_loss(lz), spec.discriminator_loss(lx, lz)
        g = float(tf.reduce_max(tf.abs(tape.gradient(g_loss, lz)))) * m
        d = max(float(tf.reduce_max(tf.abs(t))) * m for t in tape.gradient(d_loss, [lx, lz]))
        vanish = frozenset(p for p, v in (("G", g), ("D", d)) if v < VANISH)
        if said_by_game[name] != vanish:
            return (f"not yet right for {name!r}: write its generator loss and its discriminator loss out and "
                    "differentiate each at these logits, minding where a sigmoid flattens and where a margin "
                    "is already met.")
    return True
