"""The CLI's default SpecGAN on a built-in texture, per seed and augmentation policy (issue 11, item 4).

Usage::

    python bench/texture_quality.py --seeds 0 1 --augment shift,mask shift,mask,gain   # vowels, both policies
    python bench/texture_quality.py --texture wind --seeds 0
    python bench/texture_quality.py --texture rain --tag pg_noise -- --model phasegan --pixel-noise on --steps 600

For each seed and policy: ``TrainConfig(seed=S, augment=POLICY)`` (everything else the command line's
default: width 8, 2400 steps, EMA 0.99) trained on 256 one-second clips of the built-in ``--texture``
(corpus seed 0), as ``python -m gcdg_lite train --data builtin:TEXTURE`` trains (chapter 4 trains this recipe
on ``speech``); then 128 clips (latent seed 7) scored by ``gcdg_lite.metrics.evaluate`` (3 splits, through
``bench/common.py``'s ``score``, as ``bench/quality.py`` scores) against 128 held-out clips of the texture
(corpus seed 1), beside the mean-spectrum anchor (FD score 1).
CLI flags after ``--`` change the recipe (read by the CLI's own parser, e.g. ``--model phasegan --lr-d 1e-4``);
such runs are named by ``--tag``. Runs are written to ``--work`` (a finished run is restored, not retrained). Prints one line per run and
a JSON line ``RESULT [...]``.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

from common import cli_options, fmt, score  # the same yardstick and printout as bench/quality.py


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    flags = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--texture", default="vowels", help="built-in texture (default vowels)")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    p.add_argument("--augment", nargs="+", default=["shift,mask"], help="augmentation policies to compare")
    p.add_argument("--work", default="/tmp/gcdg_texture_quality", help="folder for the runs")
    p.add_argument("--tag", default="", help="a name for the runs of a changed recipe (the flags after --)")
    args = p.parse_args(argv)

    import gcdg_lite as gl
    from gcdg_lite.train import TrainConfig, fit

    clips = gl.data.load_source(f"builtin:{args.texture}", n=256, samples=16384, seed=0)
    real = gl.data.texture(args.texture, n=128, seed=1, samples=16384)
    results = []
    for policy in args.augment:
        for seed in args.seeds:
            tag = f"{args.tag}_" if args.tag else ""
            out = os.path.join(args.work, f"{args.texture}_{tag}{policy.replace(',', '_')}_s{seed}")
            t0 = time.perf_counter()
            options = {**cli_options(flags), "seed": seed, "augment": policy}
            run = fit(clips, TrainConfig.from_options(options), out=out, resume="auto", progress=False)
            s = score(real, run.sample(128, seed=7))
            results.append({"texture": args.texture, "flags": flags, "model": run.config.model,
                            "augment": run.config.augment, "seed": seed, "steps": run.step,
                            "wall_s": round(time.perf_counter() - t0, 1), **s})
            m = s["mean_spectrum"]
            print(f"{args.texture} {run.config.model} {' '.join(flags)} augment={run.config.augment:<16} seed {seed}: "
                  f"{run.step} steps, {fmt(s)}; "
                  f"mean-spectrum anchor FD {m['x_floor']:.1f} x floor, c2st {m['c2st']:.3f}", flush=True)
    print("RESULT " + json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
