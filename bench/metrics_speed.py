"""Benchmark: time ``gcdg_lite.metrics.evaluate`` on 256 real vs 256 generated one-second clips.

Target (issues 4 and 11): under 60 s for the whole call, 3 splits, on a 2-core CPU. Prints the
total and each stage side by side — per-clip features of the real and generated sets (log-mel,
C2ST and texture statistics, computed once), the two noise anchors (made and analysed afresh for
every split), then FD, KID, NDB, texture SNR, C2ST and memorisation summed over the splits — plus
the metric table, so the floor and anchor values of the run are visible.

Run: ``python bench/metrics_speed.py [--n 256] [--samples 16000] [--splits 3] [--real rain --fake wind]``.
"""
from __future__ import annotations

import argparse
import os
import time

import numpy as np

from common import cpu_model


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=256, help="clips per set (default 256)")
    ap.add_argument("--samples", type=int, default=16000, help="samples per clip (default 16000)")
    ap.add_argument("--splits", type=int, default=3, help="random splits (default 3)")
    ap.add_argument("--real", default="rain", help="built-in texture for the real set")
    ap.add_argument("--fake", default="rain", help="built-in texture for the 'generated' set "
                                                   "(drawn with another seed)")
    args = ap.parse_args()

    from gcdg_lite.data.corpus import texture
    from gcdg_lite.metrics import evaluate, format_table

    t0 = time.perf_counter()
    real = texture(args.real, args.n, seed=0, samples=args.samples)
    fake = texture(args.fake, args.n, seed=1, samples=args.samples)
    t_gen = time.perf_counter() - t0
    stages: dict[str, float] = {}
    t0, c0 = time.perf_counter(), time.process_time()
    result = evaluate(real, fake, sr=16000, seed=0, splits=args.splits, timings=stages)
    total, cpu = time.perf_counter() - t0, time.process_time() - c0

    print(f"{args.n} real ({args.real}) vs {args.n} fake ({args.fake}), {args.samples} samples "
          f"at 16 kHz, {args.splits} splits; corpus generation {t_gen:.1f} s (not counted)")
    print(f"{'stage':<18}{'seconds':>9}{'share':>8}")
    for k, v in stages.items():
        print(f"{k:<18}{v:>9.2f}{v / total:>8.0%}")
    print(f"{'evaluate() total':<18}{total:>9.2f}   target < 60 s: "
          f"{'PASS' if total < 60 else 'FAIL'}")
    print(f"CPU time of this process {cpu:.2f} s; load average (1 min) {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores of {cpu_model()} (other users slow the wall-clock time)")
    print()
    print(format_table(result))
    assert np.isfinite(total)


if __name__ == "__main__":
    main()
