"""Training under ``tf.distribute.MirroredStrategy``, on a CPU split into two logical devices.

TensorFlow fixes its devices when it first starts, so the scenarios run in one fresh Python process
(seconds) that prints a JSON report; the tests below read it:

* one step on two devices equals the one-device step on the same draws (losses, every weight), for
  the non-saturating loss with R1 and for WGAN-GP with two critic steps and an EMA generator;
* a run checkpointed under one strategy resumes under the other and ends where a one-device run does;
* ``choose_strategy`` picks ``MirroredStrategy`` for several devices (one instance, reused: a second
  strategy over the same devices made the next run's all-reduces pair up wrongly) and the default
  strategy for one;
* specgan (batch norm in G, per-device statistics) and wavegan (phase shuffle) train on two devices.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

SCENARIOS = textwrap.dedent('''
    import dataclasses, json, sys, tempfile
    import numpy as np
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    tf.config.experimental.enable_op_determinism()

    from gcdg_lite.train import TrainConfig, fit, choose_strategy
    from gcdg_lite.train.run import examples
    from gcdg_lite.train.step import Engine

    rng = np.random.default_rng(0)
    t = np.arange(1024) / 16000
    data = (0.5 * np.sin(2 * np.pi * rng.uniform(200, 400, (16, 1)) * t + rng.uniform(0, 6, (16, 1)))).astype("float32")
    two = lambda: choose_strategy(["/cpu:0", "/cpu:1"])  # one shared MirroredStrategy (see its docstring)
    one = lambda: tf.distribute.get_strategy()
    report = {}

    def weights(e):
        return [w for m in (e.G, e.D) + ((e.G_ema,) if e.G_ema is not None else ()) for w in m.get_weights()]

    for name, opts in {"ns_r1": dict(loss="non_saturating", r1=1.0),
                       "wgan_gp_ema": dict(loss="wgan_gp", n_critic=2, ema=0.9)}.items():
        cfg = TrainConfig(model="seed_mlp", model_kwargs={"hidden": 16}, batch=8, seed=3, precision="float32",
                          **opts).resolve(data)
        x = examples(data, cfg)[0]
        e1, e2 = Engine(cfg, x, one()), Engine(cfg, x, two())
        rows1, rows2 = e1.train(2), e2.train(2)
        w1, w2 = weights(e1), weights(e2)
        report[name] = {
            "replicas": [e1.replicas, e2.replicas],
            "loss_diff": float(np.max(np.abs(rows1[:, :3] - rows2[:, :3]))),
            "loss_scale": float(np.max(np.abs(rows1[:, :3]))),
            "weight_diff": max(float(np.max(np.abs(a - b))) for a, b in zip(w1, w2)),
            "moved": max(float(np.max(np.abs(a - b))) for a, b in zip(w1, weights(Engine(cfg, x, one())))),
        }

    cfg = TrainConfig(model="seed_mlp", model_kwargs={"hidden": 16}, batch=8, seed=5, precision="float32",
                      steps=6, ckpt_every=3, steps_per_call=3)
    tmp = tempfile.mkdtemp()
    straight = fit(data, cfg, out=tmp + "/straight", progress=False, strategy=one())
    resumed = {}
    for first, then in (("two", "one"), ("one", "two")):
        folder = f"{tmp}/{first}_{then}"
        fit(data, dataclasses.replace(cfg, steps=3), out=folder, progress=False, strategy={"one": one, "two": two}[first]())
        run = fit(data, cfg, out=folder, resume=True, progress=False, strategy={"one": one, "two": two}[then]())
        a = np.array([[r["loss_g"], r["loss_d"]] for r in straight.history])
        b = np.array([[r["loss_g"], r["loss_d"]] for r in run.history])
        resumed[f"{first}->{then}"] = {"steps": run.step, "history_diff": float(np.max(np.abs(a - b))),
                                       "weight_diff": max(float(np.max(np.abs(p - q))) for p, q in
                                                          zip(weights(straight.engine), weights(run.engine)))}
    report["resume"] = resumed

    report["choose"] = {"two": [type(two()).__name__, two().num_replicas_in_sync, two() is two()],
                        "one": choose_strategy(["/cpu:0"]).num_replicas_in_sync,
                        "no_gpu": choose_strategy().num_replicas_in_sync}

    others = {}
    for model, kw in (("specgan", {"d": 2}), ("wavegan", {"d": 2})):
        clips = np.tile(data, (1, 4)) if model == "specgan" else data
        cfg = TrainConfig(model=model, model_kwargs=kw, batch=4, steps=2, precision="float32", ema=0.9)
        run = fit(clips, cfg, out=f"{tmp}/{model}", progress=False, strategy=two())
        others[model] = {"steps": run.step, "finite": bool(np.all(np.isfinite([r["loss_d"] for r in run.history]))),
                         "sample": list(run.sample(2, seed=0).shape)}
    report["others"] = others

    cfg = TrainConfig(model="seed_mlp", model_kwargs={"hidden": 16}, batch=7, precision="float32").resolve(data)
    try:
        Engine(cfg, examples(data, cfg)[0], two())
        report["odd_batch"] = "accepted"
    except Exception as exc:
        report["odd_batch"] = f"{type(exc).__name__}: {exc}"
    print("REPORT " + json.dumps(report))
''')


@pytest.fixture(scope="module")
def report():
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    proc = subprocess.run([sys.executable, "-c", SCENARIOS], capture_output=True, text=True, timeout=600, env=env)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("REPORT ")]
    assert proc.returncode == 0 and lines, proc.stderr[-3000:]
    return json.loads(lines[-1][len("REPORT "):])


@pytest.mark.parametrize("name", ["ns_r1", "wgan_gp_ema"])
def test_two_device_step_equals_one_device_step(report, name):
    r = report[name]
    assert r["replicas"] == [1, 2]
    assert r["moved"] > 1e-4  # the steps changed the weights, so equality means something
    assert r["loss_diff"] <= 1e-5 * max(1.0, r["loss_scale"]), r
    assert r["weight_diff"] <= 1e-5, r


@pytest.mark.parametrize("case", ["two->one", "one->two"])
def test_checkpoint_from_one_strategy_resumes_under_the_other(report, case):
    r = report["resume"][case]
    assert r["steps"] == 6
    assert r["history_diff"] <= 1e-4 and r["weight_diff"] <= 1e-4, r


def test_strategy_choice(report):
    assert report["choose"] == {"two": ["MirroredStrategy", 2, True], "one": 1, "no_gpu": 1}


@pytest.mark.parametrize("model", ["specgan", "wavegan"])
def test_batch_norm_and_phase_shuffle_models_train_on_two_devices(report, model):
    assert report["others"][model] == {"steps": 2, "finite": True, "sample": [2, 4096 if model == "specgan" else 1024]}


def test_batch_that_does_not_split_is_one_clear_error(report):
    assert report["odd_batch"].startswith("ConfigError") and "multiple of 2" in report["odd_batch"]
