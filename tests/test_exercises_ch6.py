"""Chapter 6 checkers: a correct answer (written here independently) passes; detectors that answer another
question, wrong bug lists and wrong predictions are rejected with a hint that does not give the answer."""
import numpy as np
import pytest
import tensorflow as tf

from gcdg_lite.exercises import ch6
from _checker_helpers import _verdict


# ------------------------------------------------------------------------------------------ ch6.1 detector

def _grad(loss, logits):
    logits = tf.constant(logits, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(logits)
        value = loss(logits)
    return tape.gradient(value, logits).numpy()


def same_updates(loss_a, loss_b):
    logits = np.linspace(-40.0, 40.0, 801).reshape(-1, 1)
    return bool(np.allclose(_grad(loss_a, logits), _grad(loss_b, logits), rtol=1e-4, atol=1e-9))


def by_identity(a, b):
    return a is b


def by_value(a, b):
    logits = np.random.default_rng(0).normal(size=(64, 1))
    return bool(np.isclose(float(a(tf.constant(logits, tf.float32))), float(b(tf.constant(logits, tf.float32)))))


def at_zero(a, b):
    z = np.zeros((8, 1))
    return bool(np.allclose(_grad(a, z), _grad(b, z)))


def moderate_logits(a, b):
    logits = np.random.default_rng(0).normal(size=(256, 1))
    return bool(np.allclose(_grad(a, logits), _grad(b, logits), rtol=1e-4, atol=1e-9))


def direction_only(a, b):
    logits = np.linspace(-40.0, 40.0, 801).reshape(-1, 1)
    ga, gb = _grad(a, logits).ravel(), _grad(b, logits).ravel()
    return bool(ga @ gb / (np.linalg.norm(ga) * np.linalg.norm(gb)) > 0.9999)


def by_source(a, b):
    import inspect
    try:
        return inspect.getsource(a) == inspect.getsource(b)
    except (OSError, TypeError):
        return a is b


DETECTORS_WRONG = {
    "identity": (by_identity, "however the losses are written"),
    "identity or value": (lambda a, b: a is b or by_value(a, b), "compares values"),
    "values": (by_value, "compares values"),
    "one point": (at_zero, "not one point"),
    "moderate logits": (moderate_logits, "wide range"),
    "direction only": (direction_only, "not just their directions"),
    "source code": (by_source, "not the functions or their code"),
    "always yes": (lambda a, b: True, "says yes to every pair"),
    "always no": (lambda a, b: False, "however the losses are written"),
    "returns text": (lambda a, b: "same", "True or False"),
    "calls the losses with nothing": (lambda a, b: a(None) == b(None), "raised"),
    "not a function": (True, "not a value"),
}


def test_detector_accepts_a_gradient_comparison_over_a_wide_range(capsys):
    ok, out = _verdict("ch6.1", same_updates, capsys)
    assert ok, out


@pytest.mark.parametrize("kind", list(DETECTORS_WRONG))
def test_detector_rejects_each_wrong_detector_with_its_hint(capsys, kind):
    answer, needle = DETECTORS_WRONG[kind]
    ok, out = _verdict("ch6.1", answer, capsys)
    assert not ok and needle in out, out


def test_detector_pairs_are_what_they_claim():
    """The checker's truth table is right: checked with this file's own detector, pair by pair."""
    for kind, a, b, truth in ch6._pairs():
        assert same_updates(a, b) == truth, kind


# ------------------------------------------------------------------------------------------ ch6.2 bug hunt

def test_bug_hunt_accepts_one_line_per_bug_in_any_form(capsys):
    for answer in ({5, 11, 12}, [5, 10, 13], (5, 10, 11, 12, 13), {"5", "11", "13"}):
        ok, out = _verdict("ch6.2", answer, capsys)
        assert ok, (answer, out)


@pytest.mark.parametrize("answer, needle", [
    ({5, 11, 12, 8}, "1 of the 4 lines you flagged is correct as written"),   # fresh noise for G's step is right
    ({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}, "9 of the 14 lines you flagged are correct as written"),
    ({8}, "the line you flagged is correct as written, and 3 bugs are still missing"),
    ({11, 12}, "1 more bug is hiding: look for a loss that a player minimises"),
    ({5}, "2 more bugs are hiding: look for a loss formed from a probability"),
    ({5, 11}, "1 more bug is hiding: look for an update that moves the other player's weights"),
    (set(), "flagged no line"),
    ({5, 15}, "lines 1 to 14"),
    ("5, 11, 12", "collection of line numbers"),
    (5, "collection of line numbers"),
    ({"five"}, "whole numbers"),
])
def test_bug_hunt_rejects_wrong_lists_with_a_hint(capsys, answer, needle):
    ok, out = _verdict("ch6.2", answer, capsys)
    assert not ok and needle in out, out


def test_the_listing_is_numbered_and_its_bugs_are_real_lines():
    text = ch6.listing()
    assert text.splitlines()[4].startswith(" 5  ") and "gcdg_loss" in text.splitlines()[4]
    assert set().union(*(lines for lines, _ in ch6._BUGS)) <= set(range(1, len(ch6.LISTING) + 1))


def _listing_step():
    namespace = {"tf": tf, "gl": __import__("gcdg_lite")}
    exec("\n".join(ch6.LISTING), namespace)
    return namespace["train_step"]


def _pair(bias=0.0):
    tf.keras.utils.set_random_seed(0)
    G = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(3)])
    D = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(1, bias_initializer=tf.constant_initializer(bias))])
    return G, D


def test_listing_bugs_do_what_the_solution_says():
    """Run the listing: each bug the checker wants flagged does harm."""
    step, x, probe = _listing_step(), tf.random.normal([64, 3], seed=1), tf.random.normal([256, 4], seed=2)
    G, D = _pair()
    before = [w.numpy().copy() for w in D.trainable_variables]      # lines 12-13: G's step moves D
    step(x, G, D, tf.keras.optimizers.SGD(0.5), tf.keras.optimizers.SGD(0.0), noise_dim=4)
    assert any(not np.allclose(a, w.numpy()) for a, w in zip(before, D.trainable_variables))
    G, D = _pair()                                                    # line 5: D's step raises D(G(z))
    fake_before = float(tf.reduce_mean(tf.sigmoid(D(G(probe)))))
    step(x, G, D, tf.keras.optimizers.SGD(0.0), tf.keras.optimizers.SGD(0.5), noise_dim=4)
    assert float(tf.reduce_mean(tf.sigmoid(D(G(probe))))) > fake_before
    G, D = _pair(bias=30.0)                                           # lines 10-11: -inf once D(G(z)) rounds to 1
    _, g_loss = step(x, G, D, tf.keras.optimizers.SGD(0.0), tf.keras.optimizers.SGD(0.0), noise_dim=4)
    assert not np.isfinite(float(g_loss))


# ------------------------------------------------------------------------------------------ ch6.3 prediction

RIGHT = {"gcdg": {"G", "D"}, "minimax": {"G", "D"}, "non_saturating": {"D"}, "wgan_gp": set(), "hinge": {"D"}}


def test_prediction_accepts_the_right_sets_in_several_spellings(capsys):
    assert _verdict("ch6.3", RIGHT, capsys)[0]
    spelled = {"GCDG": "both", "minimax": ["generator", "discriminator"], "non_saturating": "D",
               "wgan_gp": None, "hinge": ("critic",)}
    assert _verdict("ch6.3", spelled, capsys)[0]


@pytest.mark.parametrize("change, needle", [
    ({"non_saturating": {"G", "D"}}, "'non_saturating'"),   # thinks the fix saturates too
    ({"non_saturating": {"G"}}, "'non_saturating'"),        # players swapped
    ({"hinge": {"G", "D"}}, "'hinge'"),                     # the margin saturates D, not G
    ({"hinge": set()}, "'hinge'"),
    ({"wgan_gp": {"D"}}, "'wgan_gp'"),
    ({"gcdg": {"G"}}, "'gcdg'"),                            # forgets that D's cross-entropy flattens too
    ({"minimax": {"D"}}, "'minimax'"),
    ({"gcdg": {"X"}}, "not a player"),
])
def test_prediction_rejects_each_wrong_entry_naming_only_the_game(capsys, change, needle):
    ok, out = _verdict("ch6.3", {**RIGHT, **change}, capsys)
    assert not ok and needle in out, out
    assert "{'D'}" not in out and "set()" not in out.split("Hint", 1)[-1]


@pytest.mark.parametrize("answer, needle", [
    (["gcdg", "minimax"], "dict"), ({"gcdg": {"G", "D"}}, "no entry for minimax"), ("gcdg", "dict")])
def test_prediction_rejects_other_shapes(capsys, answer, needle):
    ok, out = _verdict("ch6.3", answer, capsys)
    assert not ok and needle in out, out


def test_prediction_truth_is_computed_inside_the_check_only():
    """Issue 25: ``gl.exercises.ch6.vanishing_players()`` returned the expected answer; no public function does now."""
    assert not any(callable(getattr(ch6, name)) and name not in ("checker", "fresh_rng", "listing")
                   for name in dir(ch6) if not name.startswith("_") and getattr(getattr(ch6, name), "__module__", "")
                   == ch6.__name__)
