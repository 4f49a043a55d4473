"""Train, export and score a shipped generator (``gcdg_lite.pretrained``), by one re-runnable command.

Usage::

    python tools/make_pretrained.py speech                      # builtin:speech, the recorded recipe
    python tools/make_pretrained.py rain --steps 3000 -- --pixel-noise on   # flags after -- go to `train`

It runs ``python -m gcdg_lite train --data builtin:NAME --out RUN --seed 0 --steps N --quiet [flags]``
(the child's CPU time is recorded), loads the run, saves its EMA generator as float16 into
``gcdg_lite/pretrained_models/NAME.npz``, and records in ``index.json``: the exact command, the steps, the
CPU seconds, and the scores of the *exported* (float16) generator on held-out clips of the texture
(``speech_heldout`` for ``speech``, another seed of the same texture otherwise): 128 clips scored by
``gcdg_lite.metrics.evaluate`` (3 splits), and a ``check`` score on 32 clips (1 split) that
``tests/test_pretrained.py`` recomputes.
"""
from __future__ import annotations

import argparse
import os
import resource
import shlex
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import gcdg_lite as gl  # noqa: E402
from gcdg_lite import pretrained  # noqa: E402

#: clips of the check score (tests/test_pretrained.py recomputes it)
CHECK_CLIPS = 32


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[: argv.index("--")] if "--" in argv else argv
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("name", help="a built-in texture, e.g. speech, rain, vowels")
    p.add_argument("--steps", type=int, default=4000)
    p.add_argument("--model", default="phasegan")
    p.add_argument("--run", help="run folder (default: a temporary one)")
    args = p.parse_args(argv)
    run_dir = args.run or tempfile.mkdtemp(prefix=f"gcdg_pretrained_{args.name}_")
    command = ["python", "-m", "gcdg_lite", "train", "--data", f"builtin:{args.name}", "--model", args.model,
               "--seed", "0", "--steps", str(args.steps), *extra]
    print("running:", shlex.join(command + ["--out", run_dir]), flush=True)
    before, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.time()
    subprocess.run([sys.executable, *command[1:], "--out", run_dir, "--quiet", "--overwrite"], check=True, cwd=ROOT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    run = gl.load_run(run_dir)
    entry = {"model": run.config.model, "model_kwargs": dict(run.config.model_kwargs),
             "samples": int(run.config.samples), "sr": int(run.config.sr), "steps": int(run.step),
             "precision": run.config.precision,
             "command": shlex.join(command), "train_cpu_s": round(cpu, 1), "train_wall_s": round(time.time() - t0, 1),
             "cpu": _cpu_name(), "made": time.strftime("%Y-%m-%d")}
    pretrained.export(run.engine.generator, args.name, entry)
    gen = pretrained.load(args.name)
    entry["scores"] = {"heldout": pretrained.score(gen, 128, 3), "check": pretrained.score(gen, CHECK_CLIPS, 1)}
    pretrained.export(run.engine.generator, args.name, entry)
    print(args.name, entry["scores"], flush=True)
    return 0


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            return next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
