"""Quality of the CLI defaults: train with ``python -m gcdg_lite train``, then score with ``fd_score``.

Usage::

    python bench/quality.py --model specgan --data builtin:vowels --steps 1000 --out /tmp/q_specgan
    python bench/quality.py --model wavegan --data builtin:babble --steps 1000 --out /tmp/q_wavegan -- --lr 1e-4

Trains with the CLI's defaults (plus anything after ``--``), timing the whole ``train`` command
(data synthesis, tracing and checkpoints included), then draws ``--n-eval`` generated clips and
compares them with ``2 * n_eval`` held-out real clips of the same source (a different seed) using
``gcdg_lite.metrics.fd_score`` (0 = as close as real clips are to each other, 1 = as far as pink noise).
The untrained generator (step 0, same seed) is scored too, as the starting point. Prints one line
per run and a JSON line ``RESULT {...}``.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (Linux), else platform.processor()."""
    import platform

    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default="specgan")
    p.add_argument("--data", default="builtin:vowels")
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--out", required=True)
    p.add_argument("--n-eval", type=int, default=128)
    p.add_argument("--resume", action="store_true", help="continue an existing run (time counts only this part)")
    p.add_argument("--max-minutes", type=float, default=None,
                   help="stop training (Ctrl-C, which checkpoints) after this many minutes and score the "
                        "steps reached; for a machine too loaded to finish (pass -- --ckpt-every 10)")
    args = p.parse_args(argv)

    cmd = [sys.executable, "-m", "gcdg_lite", "train", "--data", args.data, "--model", args.model,
           "--steps", str(args.steps), "--out", args.out, "--quiet"] + (["--resume"] if args.resume else []) + extra
    load_before = os.getloadavg()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    t0 = time.perf_counter()
    import signal

    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stopped = False
    try:
        out, err = proc.communicate(timeout=None if args.max_minutes is None else 60 * args.max_minutes)
    except subprocess.TimeoutExpired:
        stopped = True
        proc.send_signal(signal.SIGINT)  # the trainer saves a checkpoint after its current chunk
        out, err = proc.communicate()
    wall = time.perf_counter() - t0
    load_after = os.getloadavg()
    if proc.returncode != 0 and not stopped:
        print(err[-3000:], file=sys.stderr)
        return proc.returncode

    import numpy as np

    from gcdg_lite.data import load_source
    from gcdg_lite.metrics import fd_score
    from gcdg_lite.train import TrainConfig, fit, load_run

    run = load_run(args.out)
    samples = int(run.config.model_kwargs["samples"])
    real = load_source(args.data, sr=run.sr, samples=samples, n=2 * args.n_eval, seed=12345)
    fake = run.sample(args.n_eval, seed=1)
    score = fd_score(real, fake, sr=run.sr, seed=0)
    cfg0 = TrainConfig.from_dict({**run.config.to_dict(), "steps": 0})
    untrained = fit(real[:64], cfg0, out=None, progress=False)
    score0 = fd_score(real, untrained.sample(args.n_eval, seed=1), sr=run.sr, seed=0)
    h = run.history
    train_time = h[-1]["time_s"] if h else float("nan")
    res = {"model": args.model, "data": args.data, "steps": run.step, "width": run.config.model_kwargs.get("d"),
           "batch": run.config.batch, "loss": run.config.loss, "lr": run.config.lr_g,
           "wall_s": round(wall, 1), "stopped_early": stopped, "train_loop_s": round(train_time, 1),
           "fd_score": round(score, 4), "fd_score_untrained": round(score0, 4),
           "rms_fake": float(np.sqrt(np.mean(fake ** 2))), "rms_real": float(np.sqrt(np.mean(real ** 2))),
           "started": started, "cpu": _cpu_model(), "cpus": os.cpu_count(),
           "load_1min_before": round(load_before[0], 2), "load_15min_after": round(load_after[2], 2)}
    print(f"{args.model} on {args.data}: {run.step} steps in {wall / 60:.1f} min (loop {train_time / 60:.1f} min), "
          f"fd_score {score:.3f} (untrained {score0:.3f}); load average {load_before[0]:.1f} before, "
          f"{load_after[2]:.1f} (15 min) after")
    print("RESULT " + json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
