"""Chapter 5 checkers: a right answer (written independently here) passes; wrong answers of different kinds (a
detector that answers another question or assumes the chapter's ring, R1 with a wrong factor, the wrong gradient
or no gradient, near-copies and disguises that do not disguise) are rejected with a hint that names the mistake."""
import functools

import numpy as np
import pytest
import tensorflow as tf
from scipy.spatial import cKDTree

import gcdg_lite as gl
from gcdg_lite.exercises import ch5
from _checker_helpers import _rejected, _verdict


# ---------------------------------------------------------------- ch5.1 a collapse detector

def recall_detector(real, fake):
    """Real points far from every generated point, against real points far from other real points (same sizes)."""
    real, fake = np.asarray(real, float), np.asarray(fake, float)
    rng = np.random.default_rng(1)
    m = min(len(fake), len(real) // 2)
    perm = rng.permutation(len(real))
    a, b = real[perm[:m]], real[perm[m:2 * m]]
    d_fake = cKDTree(fake[rng.permutation(len(fake))[:m]]).query(b)[0]
    d_real = cKDTree(a).query(b)[0]
    return bool(np.quantile(d_fake, 0.9) > 5 * np.quantile(d_real, 0.9))


def precision_detector(real, fake):
    """The other question: are the generated points near real ones? (blind to missing modes)"""
    d = cKDTree(np.asarray(real, float)).query(np.asarray(fake, float))[0]
    return bool(np.quantile(d, 0.9) > 0.2)


def spread_detector(real, fake):
    """Collapse = generated points less spread than the real ones (blind to misplaced points)."""
    return bool(np.asarray(fake).std(axis=0).sum() < 0.5 * np.asarray(real).std(axis=0).sum())


def chapter_ring_detector(real, fake):
    """Assumes the chapter's 8 modes instead of learning them from `real`."""
    return bool(gl.toy.count_modes(fake).covered < 8)


def count_uncovered(real, fake):
    """Recall with a raw count: real points with no generated point within 0.05 (grows as the generated set shrinks)."""
    d = cKDTree(np.asarray(fake, float)).query(np.asarray(real, float))[0]
    return bool((d > 0.05).sum() > 50)


def test_detector_accepts_a_recall_test(capsys):
    assert _verdict("ch5.1", recall_detector, capsys)[0]


@pytest.mark.parametrize("wrong, needle", [
    (precision_detector, "Ask the other way round"),                      # answers a different question
    (spread_detector, "lies where no real point is"),                     # sees spread, not place
    (chapter_ring_detector, "not the chapter's ring"),                    # assumes the chapter's modes
    (lambda r, f: not recall_detector(r, f), "other way round: True must mean collapsed"),
    (lambda r, f: True, "for every set"),                                 # a constant
    (count_uncovered, "differ in size"),                                   # a raw count
    (lambda r, f: int(recall_detector(r, f)), "True or False"),           # a number instead of a verdict
    (True, "itself"),                                                     # a verdict instead of a function
])
def test_detector_rejects_detectors_blind_to_a_failure(capsys, monkeypatch, wrong, needle):
    _rejected("ch5.1", wrong, "Exercise 5.1", capsys)        # a fresh draw: rejected, whichever hint comes first
    monkeypatch.setattr(ch5, "fresh_rng", lambda: np.random.default_rng(5005))  # one known draw: the named hint
    _rejected("ch5.1", wrong, needle, capsys)


def test_detector_too_strict_on_uneven_shares(capsys):
    def strict(real, fake):
        from scipy.cluster.vq import kmeans2
        centres, _ = kmeans2(np.asarray(real, float), 6, seed=0, minit="++")
        share = np.bincount(cKDTree(centres).query(np.asarray(fake, float))[1], minlength=6) / len(fake)
        return bool(recall_detector(real, fake) or share.max() > 0.4)
    _rejected("ch5.1", strict, "uneven shares are not collapse", capsys)


def test_collapse_probes_are_what_they_say():
    probes = ch5._collapse_probes(np.random.default_rng(5005))
    assert len(probes) >= 25 and {p[0] for p in probes} >= {"a 3 x 3 grid of modes"}
    assert sum(p[4] for p in probes) >= 12 and sum(not p[4] for p in probes) >= 12
    for mixture, probe, real, fake, collapsed in probes:
        assert recall_detector(real, fake) == collapsed, (mixture, probe)


# ---------------------------------------------------------------- ch5.2 R1 by hand

def r1(discriminator, real, gamma, grad_of=lambda l: l, wrt_weights=False, reduce="mean_sq", scale=0.5,
       numpy=False, stop=False):
    x = tf.convert_to_tensor(real, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(grad_of(discriminator(x, training=False)))
    if wrt_weights:
        gw = tape.gradient(total, discriminator.trainable_variables)
        return scale * gamma * tf.add_n([tf.reduce_sum(g**2) for g in gw])
    g = tape.gradient(total, x)
    if stop:
        g = tf.stop_gradient(g)
    sq = tf.reduce_sum(tf.square(g), axis=1)
    value = {"mean_sq": tf.reduce_mean(sq), "mean_norm": tf.reduce_mean(tf.sqrt(sq)), "sum_sq": tf.reduce_sum(sq),
             "sample_mean": tf.reduce_mean(tf.square(g))}[reduce]
    value = scale * gamma * value
    return float(value) if numpy else value


def test_r1_accepts_the_penalty_written_by_hand(capsys):
    assert _verdict("ch5.2", r1, capsys)[0]


@pytest.mark.parametrize("answer", [
    gl.losses.r1_penalty,                                                          # the package's own function
    lambda D, x, g: gl.losses.r1_penalty(D, x, gamma=g, training=False),          # a wrapper that calls it
    functools.partial(gl.losses.r1_penalty, training=False),                      # a partial of it
    functools.wraps(gl.losses.r1_penalty)(lambda D, x, g: 0.0),                   # dressed up as it
])
def test_r1_refuses_the_packages_own_penalty(capsys, answer):
    """Issue 25: ch5.2 accepted ``gl.losses.r1_penalty`` itself, the function the exercise asks to write."""
    ok, out = _verdict("ch5.2", answer, capsys)
    assert not ok and "write it yourself" in out and "gl.losses.r1_penalty" in out, out


@pytest.mark.parametrize("wrong, needle", [
    (lambda D, x, g: r1(D, x, g, scale=1.0), "factor of 2"),                        # missing 1/2
    (lambda D, x, g: r1(D, x, g * g), "gamma appears twice"),                        # gamma applied twice
    (lambda D, x, g: r1(D, x, g, grad_of=tf.sigmoid), "sigmoid"),                    # probability, not logit
    (lambda D, x, g: r1(D, x, g, wrt_weights=True), "weights"),                       # gradient w.r.t. weights
    (lambda D, x, g: r1(D, x, g, reduce="mean_norm"), "SQUARED norms"),              # mean of norms
    (lambda D, x, g: r1(D, x, g, reduce="sum_sq"), "batch size"),                     # sum over the batch
    (lambda D, x, g: r1(D, x, g, reduce="sample_mean"), "sum the squared gradient"),  # mean over samples
    (lambda D, x, g: r1(D, x, g, numpy=True), "no gradient to the discriminator"),    # a float: not trainable
    (lambda D, x, g: r1(D, x, g, stop=True), "no gradient to the discriminator"),     # gradient stopped
    (lambda D, x, g: tf.constant(0.0088), "not yet"),                                 # a typed-in value
    (0.0088, "itself"),                                                               # a number, not a function
])
def test_r1_rejects_each_mistake_with_its_hint(capsys, wrong, needle):
    _rejected("ch5.2", wrong, needle, capsys)


def test_r1_variants_differ_from_the_right_value():
    D = ch5._r1_players(3, 256)
    x = tf.constant(np.random.default_rng(13).uniform(-0.5, 0.5, (6, 256)), tf.float32)
    v = ch5._r1_variants(D, x, 10.0)
    assert np.isclose(v["right"], float(gl.losses.r1_penalty(D, x, gamma=10.0, training=False)), rtol=1e-5)
    assert all(not np.isclose(v[k], v["right"], rtol=1e-3) for k in v if k != "right")


# ---------------------------------------------------------------- ch5.3 a disguise the check sees through

def test_disguise_accepts_polarity_and_time_reversal(capsys, monkeypatch):
    assert _verdict("ch5.3", lambda t: -t, capsys)[0]                  # any fresh training set
    # time reversal is no disguise for every set: on about 1 fresh vowels set in 12 a reversed clip stays within
    # half its RMS of a training clip, a near-copy the checker rightly names; on the old fixed sets it passes
    seeds = iter((31, 32))
    monkeypatch.setattr(ch5, "fresh_seed", lambda: next(seeds))
    assert _verdict("ch5.3", lambda t: t[:, ::-1], capsys)[0]


@pytest.mark.parametrize("wrong, needle", [
    (lambda t: t, "exact copies"),                                                    # the training clips
    (lambda t: np.clip(0.98 * t + 1e-3 * np.random.default_rng(0).standard_normal(t.shape), -1, 1),
     "near-copies"),                                                                  # the old solution
    (lambda t: t + 1e-7, "near-copies"),                                              # an epsilon hack
    (lambda t: 0.4 * t, "memorisation ratio"),                                        # far in samples, far in sound
    (lambda t: -gl.data.texture("rain", n=16, seed=0, samples=4096), "memorisation ratio"),  # the notebook's set
    (lambda t: gl.data.texture("babble", n=16, seed=0, samples=4096), "memorisation ratio"),  # the wrong texture
    (lambda t: np.roll(t, 1000, axis=1), "memorisation ratio"),                       # a shift: not enough on vowels
    (lambda t: -t[:8], "n >= 16"),                                                    # too few clips
    (lambda t: 2 * t[:, ::-1], "[-1, 1]"),                                            # not audio
    (-gl.data.texture("rain", n=16, seed=0, samples=4096), "itself"),                # an array, not a function
])
def test_disguise_rejects_copies_and_failed_disguises(capsys, wrong, needle):
    _rejected("ch5.3", wrong, needle, capsys)
