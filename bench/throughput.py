"""Training throughput: gcdg_lite's trainer versus a plain tutorial-style loop, measured side by side.

Usage::

    python bench/throughput.py                          # wavegan and specgan defaults, batch 32, 4 variants
    python bench/throughput.py --models specgan --steps 5 --rounds 4
    python bench/throughput.py --variants tutorial,trainer,trainer_sim,trainer_spc1,trainer_bf16

Every variant trains the SAME model (``models.build(name)`` defaults, which are also the CLI's), batch
(32) and loss (``non_saturating``, the CLI default) on the same 256 built-in ``vowels`` clips (16384
samples, as ``python -m gcdg_lite train --data builtin:vowels`` loads them):

* ``tutorial``: the TensorFlow DCGAN-tutorial loop — a ``tf.function`` train step with two
  GradientTapes (both players' gradients from one forward pass; D called on the real and the fake
  batch), Adam for both, one step per Python call, batches from a ``tf.data`` iterator
  (``from_tensor_slices -> shuffle -> repeat -> batch -> prefetch(AUTOTUNE)``), TensorFlow's default
  settings. For ``specgan`` the pipeline starts from the same normalised spectrograms the trainer
  uses, so the baseline does no extra feature work.
* ``trainer``: ``gcdg_lite.train.Engine`` exactly as ``fit`` runs it from ``python -m gcdg_lite
  train``: the CLI's TensorFlow settings (``gcdg_lite.cli.tensorflow_environment``: oneDNN kernels on),
  the default :class:`~gcdg_lite.train.TrainConfig` (alternating updates: a D step, then a G step on
  fresh noise; ``steps_per_call`` steps per compiled call; batches gathered in-graph from a
  device-resident array; one D call on the real and one on the fake batch; precision ``auto`` =
  float32 on CPUs without bf16 units, mixed_bfloat16 on CPUs with them), metrics fetched once per call.
* ``tutorial_onednn``: the tutorial loop with ``TF_ENABLE_ONEDNN_OPTS=1`` — shows how much of the
  trainer's lead is that one setting (anyone can set it for their own loop).
* ``trainer_tfdefault``: the trainer with TensorFlow's default settings (oneDNN off on this CPU).
* ``trainer_sim``: the trainer with ``update="simultaneous"`` (the tutorial's algorithm).
* ``trainer_spc1``: the trainer with ``steps_per_call=1`` (one Python call per step).
* ``trainer_bf16``: the trainer with ``precision="mixed_bfloat16"`` (fast only on CPUs with
  AVX512-BF16/AMX units; emulated, and slow, elsewhere); ``trainer_fp32``: with ``precision="float32"``.
* ``trainer_plain``: the trainer without DiffAugment and without spectral normalisation in D (what
  those two defaults cost per step).
* ``trainer_before``: the trainer of another checkout (``--before PATH``), served by that checkout's own
  ``bench/throughput.py`` (so it is built the way that version built it, through that version's API):
  a before/after comparison of a change to the trainer, measured side by side.

The ``tutorial`` and ``trainer`` recipes live in ``bench/common.py`` (``bench/quality.py --compare``
trains them too).

Each variant lives in its own long-running subprocess (so its peak memory is its own
``ru_maxrss``); all are built and warmed up (tracing excluded) first, then timed in interleaved
rounds, ``A B`` then ``B A`` and so on, so a shared machine's changing load hits every variant alike.
The ratio printed is the median over rounds of the per-round ratio to ``tutorial``; the 1-minute load
average is recorded with every round. Prints a Markdown table, with an estimate of each step's work
(:func:`step_gflop`) and the GFLOP/s it achieved, as a share of a float32 matmul's best rate on the same
machine (:func:`matmul_ceiling`): how far a compute-bound step is from what the CPU can do at all.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

from common import Worker, child_env, cpu_model, trainer, tutorial, utc_now

#: variant -> (how to build it, oneDNN setting of its process: "cli" = what ``python -m gcdg_lite`` sets,
#: "default" = TensorFlow's own default, "on" = TF_ENABLE_ONEDNN_OPTS=1, the algorithm its step runs)
VARIANTS = {
    "tutorial": (lambda m, b, l: tutorial(m, b, l), "default", "simultaneous"),
    "trainer": (lambda m, b, l: trainer(m, b, l), "cli", "alternating"),
    "tutorial_onednn": (lambda m, b, l: tutorial(m, b, l), "on", "simultaneous"),
    "trainer_tfdefault": (lambda m, b, l: trainer(m, b, l), "default", "alternating"),
    "trainer_sim": (lambda m, b, l: trainer(m, b, l, update="simultaneous"), "cli", "simultaneous"),
    "trainer_spc1": (lambda m, b, l: trainer(m, b, l, steps_per_call=1), "cli", "alternating"),
    "trainer_bf16": (lambda m, b, l: trainer(m, b, l, precision="mixed_bfloat16"), "cli", "alternating"),
    "trainer_fp32": (lambda m, b, l: trainer(m, b, l, precision="float32"), "cli", "alternating"),
    # the trainer without DiffAugment and without spectral normalisation in D: what they cost per step
    "trainer_plain": (lambda m, b, l: trainer(m, b, l, augment="none", model_kwargs={"spectral_norm": False}),
                      "cli", "alternating"),
    # the trainer of another checkout (--before PATH): that checkout's own bench/throughput.py serves its
    # ``trainer`` variant (see Child), so nothing here has to speak an older gcdg_lite's API
    "trainer_before": (lambda m, b, l: trainer(m, b, l), "cli", "alternating"),
}


def forward_gflop(net) -> float:
    """GFLOP (2 per multiply-add) of ONE example's forward pass through ``net``'s Dense and conv layers.

    Conv: 2 x output positions x kernel taps x C_in x C_out; transposed conv: the same with INPUT
    positions; Dense: 2 x inputs x outputs. Biases, activations, normalisation and phase shuffle are
    left out (a few percent at most).
    """
    import keras
    import numpy as np

    total = 0
    for layer in net.layers:
        kernels = [w for w in layer.weights if len(w.shape) >= 2]
        if not kernels:
            continue
        taps = int(np.prod(kernels[0].shape))
        if isinstance(layer, keras.layers.Dense):
            total += 2 * taps
        else:
            transposed = isinstance(layer, (keras.layers.Conv1DTranspose, keras.layers.Conv2DTranspose))
            shape = layer.input.shape if transposed else layer.output.shape
            total += 2 * int(np.prod(shape[1:-1])) * taps
    return total / 1e9


def step_gflop(model: str, batch: int, update: str, **config) -> float:
    """Estimated GFLOP of one training step of ``models.build(model, **config)`` at ``batch`` clips.

    A backward pass costs twice its forward pass (input and weight gradients), once when only input
    gradients are needed (G's step through D). With g, d = forward GFLOP per example of G and D:
    ``alternating``: G forward twice, G backward, D forward on 3 batches, D backward on 2 (weights)
    and on 1 (inputs only): ``batch * (4g + 8d)``. ``simultaneous``: G forward once, G backward,
    D forward on 2 batches, D backward on 2 (weights) and 1 (inputs only): ``batch * (3g + 7d)``.
    """
    from gcdg_lite import models

    G, D = models.build(model, **config)
    g, d = forward_gflop(G), forward_gflop(D)
    return batch * ((4 * g + 8 * d) if update == "alternating" else (3 * g + 7 * d))


def matmul_ceiling(size: int = 2048, repeats: int = 5) -> float:
    """Best GFLOP/s of a float32 ``size x size`` matmul in TensorFlow (this process's kernels): the
    practical ceiling a compute-bound step could approach on this machine."""
    import tensorflow as tf

    a, b = tf.random.normal([size, size]), tf.random.normal([size, size])
    mm = tf.function(tf.matmul)
    mm(a, b).numpy()
    best = 0.0
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(10):
            c = mm(a, b)
        c.numpy()
        best = max(best, 10 * 2 * size ** 3 / (time.perf_counter() - t) / 1e9)
    return best


def child(variant: str, model: str, batch: int, loss: str, warmup: int) -> None:
    """Serve one variant over stdin/stdout: ``run N`` -> ``TIME seconds``; ``quit`` -> ``RESULT {...}``."""
    # what TensorFlow reads at import; ``import gcdg_lite`` later sets a default that TF never sees
    onednn = os.environ.get("TF_ENABLE_ONEDNN_OPTS", "tf default")
    import tensorflow as tf

    run = VARIANTS[variant][0](model, batch, loss)
    run(warmup)  # tracing and first-call costs, not timed
    print("READY", flush=True)
    for line in sys.stdin:
        cmd = line.split()
        if cmd and cmd[0] == "run":
            t = time.perf_counter()
            run(int(cmd[1]))
            print(f"TIME {time.perf_counter() - t:.6f}", flush=True)
        elif cmd and cmd[0] == "quit":
            out = {"peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                   "onednn": onednn, "gflop_per_step": step_gflop(model, batch, VARIANTS[variant][2])}
            if tf.config.list_physical_devices("GPU"):
                out["gpu_peak_mib"] = tf.config.experimental.get_memory_info("GPU:0")["peak"] / 2**20
            print("RESULT " + json.dumps(out), flush=True)
            return


class Child(Worker):
    """One variant's process; ``trainer_before`` runs the ``trainer`` variant of the ``--before`` checkout's
    own ``bench/throughput.py`` (which puts that checkout first on ``sys.path``; the line protocol of
    :func:`child` is the same in every version from commit 9d60bd2 on)."""

    def __init__(self, variant, model, args):
        script, served = __file__, variant
        if variant == "trainer_before":
            script, served = before_script(args.before), "trainer"
        cmd = [sys.executable, script, "--child", served, "--models", model, "--batch", str(args.batch),
               "--loss", args.loss, "--warmup", str(args.warmup)]
        env = child_env(VARIANTS[variant][1])
        if variant == "trainer_before":
            env["GCDG_BENCH_TREE"] = os.path.abspath(args.before)  # read by the versions of 2026-12-01/02
        super().__init__(variant, cmd, env)
        self.variant = variant
        self.rates, self.loads = [], []

    def time(self, steps: int) -> float:
        self.send(f"run {steps}")
        rate = steps / float(self.expect("TIME "))
        self.rates.append(rate)
        self.loads.append(os.getloadavg()[0])
        return rate

    def finish(self) -> dict:
        self.send("quit")
        res = json.loads(self.expect("RESULT "))
        self.proc.wait()
        return res


def before_script(before: str | None) -> str:
    """The ``bench/throughput.py`` of the checkout ``before`` (``--before``).

    Raises:
        ValueError: ``before`` is not given, or holds no ``bench/throughput.py`` (the message says what to do).
    """
    if not before:
        raise ValueError("trainer_before needs --before PATH (a checkout of gcdg-book to compare with, "
                         "e.g. `git worktree add /tmp/before 9d60bd2`)")
    script = os.path.join(os.path.abspath(before), "bench", "throughput.py")
    if not os.path.isfile(script):
        raise ValueError(f"--before {before}: no bench/throughput.py there; give a checkout of gcdg-book "
                         "(e.g. `git worktree add /tmp/before 9d60bd2`)")
    return script


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--models", default="wavegan,specgan")
    p.add_argument("--variants", default="tutorial,trainer,tutorial_onednn,trainer_sim",
                   help=f"comma-separated, first is the baseline; from {', '.join(VARIANTS)}")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--loss", default="non_saturating")
    p.add_argument("--steps", type=int, default=3, help="timed steps per variant per round")
    p.add_argument("--rounds", type=int, default=6, help="interleaved timed rounds")
    p.add_argument("--warmup", type=int, default=2, help="untimed steps first (tracing)")
    p.add_argument("--before", help="a checkout of gcdg-book whose trainer the trainer_before variant runs, "
                   "through that checkout's own bench/throughput.py (e.g. `git worktree add /tmp/before 9d60bd2`)")
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child == "matmul":
        print(f"RESULT {matmul_ceiling():.1f}", flush=True)
        return 0
    if args.child:
        child(args.child, args.models, args.batch, args.loss, args.warmup)
        return 0
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    variants = args.variants.split(",")
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        p.error(f"--variants: unknown {', '.join(unknown)}; choose from {', '.join(VARIANTS)}")
    if "trainer_before" in variants:
        try:
            before_script(args.before)
        except ValueError as e:
            p.error(str(e))
    print(f"# {utc_now()}; {cpu_model()}, {os.cpu_count()} CPUs; "
          f"batch {args.batch}, loss {args.loss}, {args.steps} steps x {args.rounds} interleaved rounds; "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    out = subprocess.run([sys.executable, __file__, "--child", "matmul"], env=child_env("on"), capture_output=True,
                         text=True)
    ceiling = float(out.stdout.split("RESULT", 1)[1]) if "RESULT" in out.stdout else float("nan")
    print(f"# ceiling: a 2048x2048 float32 matmul (oneDNN on) runs at best {ceiling:.0f} GFLOP/s here", flush=True)
    table = []
    for model in args.models.split(","):
        kids = [Child(v, model, args) for v in variants]
        for k in kids:  # build + warm up every variant before any timing
            k.expect("READY")
        for r in range(args.rounds):
            for k in (kids if r % 2 == 0 else kids[::-1]):
                k.time(args.steps)
            print(f"{model} round {r + 1}: " + ", ".join(f"{k.variant} {k.rates[-1]:.3f}" for k in kids)
                  + f" steps/s (load {kids[-1].loads[-1]:.1f})", flush=True)
        base = kids[0]
        for k in kids:
            res = k.finish()
            ratios = [a / b for a, b in zip(k.rates, base.rates)]
            table.append({"model": model, "variant": k.variant, "steps_per_s": statistics.median(k.rates),
                          "ratio": statistics.median(ratios), "ratios": ratios,
                          "load": (min(k.loads), max(k.loads)), **res})
    base_rate = {r["model"]: r["steps_per_s"] for r in table if r["variant"] == variants[0]}
    print(f"\n# load average (1 min) during the run: {min(min(r['load']) for r in table):.1f}-"
          f"{max(max(r['load']) for r in table):.1f} on {os.cpu_count()} CPUs")
    print(f"| model | variant | oneDNN | steps/s (median) | ratio vs {variants[0]} (median of rounds) "
          f"| ratio per round | GFLOP/step (est.) | GFLOP/s (% of matmul) | peak RSS (MiB) |\n"
          f"|---|---|---|---:|---:|---|---:|---:|---:|")
    for r in table:
        rate = r["steps_per_s"] * r["gflop_per_step"]
        print(f"| {r['model']} | {r['variant']} | {r['onednn']} | {r['steps_per_s']:.3f} | {r['ratio']:.2f}x | "
              f"{', '.join(f'{x:.2f}' for x in r['ratios'])} | {r['gflop_per_step']:.1f} | "
              f"{rate:.0f} ({100 * rate / ceiling:.0f}%) | {r['peak_rss_mib']:.0f} |")
    print(f"# reaching 2x the {variants[0]} row's steps/s would take, per model and algorithm: " + "; ".join(
        f"{r['model']} {VARIANTS[r['variant']][2]} {2 * base_rate[r['model']] * r['gflop_per_step']:.0f} GFLOP/s"
        for r in table if r["variant"] in ("trainer", "trainer_sim")))
    print("RESULT " + json.dumps(table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
