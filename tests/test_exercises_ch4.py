"""Chapter 4 checkers: a correct answer (computed independently here) passes; the mistakes students make
(epsilon hacks, sign and label errors, a step that moves the wrong player, typed-in constants, a choice
that ignores its input) are rejected, each with a hint that points at it without giving the answer."""
import keras
import librosa
import numpy as np
import pytest
import tensorflow as tf

from gcdg_lite.exercises import ch4
from _checker_helpers import _rejected, _verdict


# --------------------------------------------------------------------------- 4.1

def test_count_weights_accepts_keras_count_and_names_each_miscount(capsys):
    z = keras.Input((100,))
    G = keras.Model(z, keras.layers.Dense(22050, activation="tanh")(keras.layers.Dense(128, activation="relu")(z)))
    n = G.count_params()
    assert _verdict("ch4.1", n, capsys)[0]
    assert _verdict("ch4.1", float(n), capsys)[0]
    no_bias = 100 * 128 + 128 * 22050
    _rejected("ch4.1", no_bias, "bias", capsys)
    _rejected("ch4.1", no_bias + 128, "one of the two layers", capsys)
    _rejected("ch4.1", 22050 * 128 + 128 + 128 * 22050 + 22050, "reads a clip", capsys)
    _rejected("ch4.1", 100 * 128 + 128 + 128 * 16384 + 16384, "16384", capsys)
    _rejected("ch4.1", 128 * 22050 + 22050, "one layer", capsys)
    _rejected("ch4.1", n + 22050 * 128 + 128 + 129, "not the discriminator", capsys)
    _rejected("ch4.1", n + 0.5, "whole number", capsys)
    out = _rejected("ch4.1", "lots", "whole number", capsys)
    assert str(n) not in out


# --------------------------------------------------------------------------- 4.2

def _stable(l):
    return -tf.reduce_mean(tf.math.softplus(l))


GEN_LOSS_MISTAKES = {
    "epsilon hack": (lambda l: tf.reduce_mean(tf.math.log(1.0 - tf.sigmoid(l) + 1e-7)), "epsilon"),
    "clipped probability": (lambda l: tf.reduce_mean(tf.math.log(1.0 - tf.clip_by_value(tf.sigmoid(l), 0.0, 1 - 1e-7))),
                            "epsilon"),
    "naive log": (lambda l: tf.reduce_mean(tf.math.log(1.0 - tf.sigmoid(l))), "not finite for a confident"),
    "naive log in float64": (lambda l: tf.reduce_mean(tf.math.log(1.0 - tf.sigmoid(tf.cast(l, tf.float64)))),
                             "not finite for a confident"),
    "sign flipped": (lambda l: tf.reduce_mean(tf.math.softplus(l)), "sign is flipped"),
    "non-saturating": (lambda l: tf.reduce_mean(tf.math.softplus(-l)), "non-saturating"),
    "log D without 1 -": (lambda l: tf.reduce_mean(tf.math.log_sigmoid(l)), "log of 1 - D"),
    "sum not mean": (lambda l: -tf.reduce_sum(tf.math.softplus(l)), "sum over the batch"),
    "sigmoid twice": (lambda l: -tf.reduce_mean(tf.math.softplus(tf.sigmoid(l))), "sigmoid is applied twice"),
    "logits read as probabilities": (lambda l: tf.reduce_mean(tf.math.log(1.0 - l)), "not a probability"),
    "numpy, no gradient": (lambda l: np.mean(-np.logaddexp(0.0, np.asarray(l, np.float64))), "no gradient"),
    "stop_gradient": (lambda l: tf.stop_gradient(_stable(l)), "no gradient"),
    "typed-in constant": (lambda l: tf.constant(-1.25), "differs from the mean"),
}


def test_generator_loss_accepts_the_stable_form(capsys):
    assert _verdict("ch4.2", _stable, capsys)[0]
    assert _verdict("ch4.2", lambda l: tf.reduce_mean(tf.math.log_sigmoid(-l)), capsys)[0]


@pytest.mark.parametrize("mistake", list(GEN_LOSS_MISTAKES))
def test_generator_loss_rejects_each_mistake_with_its_hint(capsys, mistake):
    fn, needle = GEN_LOSS_MISTAKES[mistake]
    out = _rejected("ch4.2", fn, needle, capsys)
    assert "softplus(l)" not in out and "-softplus" not in out   # the hint never writes the answer out


def test_generator_loss_needs_a_function_not_a_value(capsys):
    _rejected("ch4.2", _stable(tf.constant([[0.5]])), "function", capsys)


# --------------------------------------------------------------------------- 4.3

def _bce_from_logits(lr, lf):
    return tf.reduce_mean(tf.math.softplus(-lr)) + tf.reduce_mean(tf.math.softplus(lf))


def _step(loss_fn, variables="D", noise=None, apply=True, reduce=True):
    """A d_step built from parts, to make the answers students write (the correct one and its mistakes)."""
    def d_step(G, D, real, z, opt):
        zz = z if noise is None else noise(z)
        with tf.GradientTape() as tape:
            lr, lf = D(real), D(G(zz))
            loss = loss_fn(lr, lf)
        var = D.trainable_variables + (G.trainable_variables if variables == "GD" else [])
        if apply:
            opt.apply_gradients(zip(tape.gradient(loss, var), var))
        return loss if reduce else tf.concat([tf.math.softplus(-lr), tf.math.softplus(lf)], 0)
    return d_step


def _listing(lr, lf):     # the exercise's buggy loss: log D(G(z)) for the generated clips
    return -tf.reduce_mean(tf.math.log(tf.sigmoid(lr)) + tf.math.log(tf.sigmoid(lf)))


def _naive(lr, lf):
    return -tf.reduce_mean(tf.math.log(tf.sigmoid(lr))) - tf.reduce_mean(tf.math.log(1 - tf.sigmoid(lf)))


def _epsilon(lr, lf):
    return -tf.reduce_mean(tf.math.log(tf.sigmoid(lr) + 1e-7) + tf.math.log(1 - tf.sigmoid(lf) + 1e-7))


D_STEP_MISTAKES = {
    "the listing as given": (_step(_listing, "GD"), "label does a generated clip carry"),
    "labels fixed, G still updated": (_step(_bce_from_logits, "GD"), "changed the generator's weights"),
    "naive logs": (_step(_naive), "not finite"),
    "epsilon in the logs": (_step(_epsilon), "epsilon or a clip"),
    "sign flipped": (_step(lambda lr, lf: -_bce_from_logits(lr, lf)), "wrong sign"),
    "labels swapped": (_step(lambda lr, lf: _bce_from_logits(-lr, -lf)), "swapped roles"),
    "fresh noise instead of z": (_step(_bce_from_logits, noise=lambda z: tf.random.normal(z.shape, seed=5)),
                                 "noise `z` passed in"),
    "no update": (_step(_bce_from_logits, apply=False), "did not change"),
    "per-example loss": (_step(_bce_from_logits, reduce=False), "one number"),
    "typed-in constant": (lambda G, D, real, z, opt: tf.constant(1.4), "binary cross-entropy"),
}


def test_d_step_accepts_the_repaired_step(capsys):
    assert _verdict("ch4.3", _step(_bce_from_logits), capsys)[0]
    bce = keras.losses.BinaryCrossentropy(from_logits=True)

    def with_keras_labels(G, D, real, z, opt):
        fake = G(z)                                     # outside the tape: D's step needs no gradient of G
        with tf.GradientTape() as tape:
            lr, lf = D(real), D(fake)
            loss = bce(tf.ones_like(lr), lr) + bce(tf.zeros_like(lf), lf)
        grads = tape.gradient(loss, D.trainable_variables)
        opt.apply_gradients(zip(grads, D.trainable_variables))
        return loss
    assert _verdict("ch4.3", with_keras_labels, capsys)[0]


@pytest.mark.parametrize("mistake", list(D_STEP_MISTAKES))
def test_d_step_rejects_each_mistake_with_its_hint(capsys, mistake):
    fn, needle = D_STEP_MISTAKES[mistake]
    _rejected("ch4.3", fn, needle, capsys)


def test_d_step_wants_the_function_and_its_signature(capsys):
    _rejected("ch4.3", 1.38, "function", capsys)
    _rejected("ch4.3", lambda G, D, real: 0.0, "signature", capsys)


# --------------------------------------------------------------------------- 4.4

ITERS = (0, 1, 2, 4, 8, 16, 32, 64)


def _curve(mag, momentum=0.99, log=False):
    out = []
    for n in ITERS:
        y = librosa.griffinlim(mag, n_iter=n, hop_length=128, n_fft=256, window="hann", center=False,
                               momentum=momentum, random_state=0)
        est = np.abs(librosa.stft(y, n_fft=256, hop_length=128, window="hann", center=False))[:, : mag.shape[1]]
        a, b = (np.log(mag + 1e-6), np.log(est + 1e-6)) if log else (mag, est)
        out.append(np.linalg.norm(a - b) / np.linalg.norm(a))
    return out


def _pick(curve, tol=0.02):
    return next(n for n, sc in zip(ITERS, curve) if sc <= curve[-1] + tol)


def test_griffin_lim_choice_accepts_the_knee_of_each_curve(capsys):
    assert _verdict("ch4.4", lambda mag: _pick(_curve(mag)), capsys)[0]


@pytest.mark.parametrize("answer, needle", [
    (lambda mag: 32, "same number for every spectrogram"),
    (lambda mag: 64, "same number for every spectrogram"),
    (lambda mag: 12, "choose among"),
    (lambda mag: min(ITERS[1:], key=lambda n: abs(n - 0.1 * mag.shape[1])), "same number"),
    (lambda mag: _pick(_curve(mag), tol=0.005), "more iterations than needed"),
    (lambda mag: _pick(_curve(mag), tol=0.06), "stop too early"),
    (lambda mag: _pick(_curve(mag, momentum=0.0)), "iterations"),
    (lambda mag: _pick(_curve(mag, log=True)), "iterations"),
    (lambda mag: "sixteen", "whole number"),
])
def test_griffin_lim_choice_rejects_constants_and_other_rules(capsys, answer, needle):
    _rejected("ch4.4", answer, needle, capsys)


def test_griffin_lim_clips_have_different_answers_with_a_margin():
    """The checker's clips need different answers (so no constant passes) that no rounding can flip."""
    answers = []
    for name, seed in ch4.GL_CLIPS:
        from gcdg_lite.data import texture
        clip = texture(name, n=1, seed=seed, samples=4096)[0]
        mag = np.abs(librosa.stft(clip, n_fft=256, hop_length=128, window="hann", center=False))
        curve = _curve(mag)
        answers.append(_pick(curve))
        assert min(abs(sc - curve[-1] - 0.02) for sc in curve) > 1e-3, name
    assert len(set(answers)) == len(answers), answers
