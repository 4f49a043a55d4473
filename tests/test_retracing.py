"""No spurious "triggered tf.function retracing" warning when a session trains several runs in a row.

TensorFlow counts traces per Python code object; every engine (and toy trainer) compiles its own function
from the same closure, so before the fix the sixth run printed the warning though nothing retraced
(chapter 5 trains a dozen runs). Each engine's function now keeps its own count.
"""
import functools
import logging

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.fixture
def tf_warnings():
    handler, logger = _Collect(), logging.getLogger("tensorflow")
    logger.addHandler(handler)
    yield handler.messages
    logger.removeHandler(handler)


def _retraced(messages):
    return [m for m in messages if "triggered tf.function retracing" in m]


def test_the_check_sees_the_warning_of_a_closure_compiled_again_and_again(tf_warnings):
    def make(v):
        def f(k):
            return tf.cast(k, tf.float32) * v
        return f

    for j in range(7):
        tf.function(make(tf.Variable(float(j))))(tf.constant(3))
    assert _retraced(tf_warnings)  # the plain pattern warns ...
    tf_warnings.clear()
    for j in range(7):
        tf.function(functools.partial(make(tf.Variable(float(j)))))(tf.constant(3))
    assert not _retraced(tf_warnings)  # ... one partial per function does not


def test_seven_runs_in_a_row_print_no_retracing_warning(tf_warnings):
    from gcdg_lite.data import texture
    from gcdg_lite.train import TrainConfig, fit

    clips = texture("hum", n=8, samples=1024)
    for seed in range(7):
        cfg = TrainConfig(model="seed_mlp", steps=2, batch=4, ckpt_every=0, sample_every=0, seed=seed,
                          model_kwargs={"samples": 1024})
        run = fit(clips, cfg, progress=False)
        assert run.step == 2 and np.isfinite(run.history[-1]["loss_d"])
    assert not _retraced(tf_warnings), _retraced(tf_warnings)


def test_seven_toy_games_in_a_row_print_no_retracing_warning(tf_warnings):
    from gcdg_lite.toy import train_ring

    games = [{"loss": loss} for loss in ("gcdg", "minimax", "non_saturating", "wgan_gp", "hinge")]
    games += [{"loss": "non_saturating", "r1": 10.0}, {"loss": "minimax", "r1": 1.0}]
    for game in games:  # a trainer (and compiled function) per game
        train_ring(steps=4, seed=0, **game)
    assert not _retraced(tf_warnings), _retraced(tf_warnings)
