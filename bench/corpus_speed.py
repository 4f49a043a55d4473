"""Real-time factor of every built-in texture on one CPU core (issue 2: must be >= 50x).

Usage::

    python bench/corpus_speed.py [--n 16] [--repeats 3] [--sr 16000] [--samples 16384]

Pins the process to one core (``os.sched_setaffinity`` where available) and limits BLAS/OpenMP to
one thread, generates ``n`` clips of each texture ``repeats`` times and reports the best run:
real-time factor = seconds of audio generated / seconds of time, both wall-clock and CPU time of
this process (CPU time is the fairer number on a machine shared with other jobs). Prints a
Markdown table and the load average, and exits 1 if any texture is below 50x in CPU time.
"""
from __future__ import annotations

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import argparse  # noqa: E402
import time  # noqa: E402

from common import cpu_model  # noqa: E402  (also puts this checkout's gcdg_lite first on sys.path)
from gcdg_lite.data.corpus import TEXTURES, texture  # noqa: E402

TARGET = 50.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=16, help="clips per timed run (default 16)")
    ap.add_argument("--repeats", type=int, default=3, help="timed runs per texture; the best counts")
    ap.add_argument("--sr", type=int, default=16000)
    ap.add_argument("--samples", type=int, default=16384)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    audio_s = args.n * args.samples / args.sr
    print(f"# corpus speed: {args.n} clips x {args.samples} samples at {args.sr} Hz = {audio_s:.1f} s "
          f"of audio per run, best of {args.repeats}, one core ({cpu_model()})")
    print()
    print("| texture | CPU ms per clip | x real time (CPU) | x real time (wall) | >= 50x |")
    print("|---|---:|---:|---:|:---:|")
    worst = float("inf")
    for name in TEXTURES:
        texture(name, 1, seed=999, sr=args.sr, samples=args.samples)  # warm-up
        best_cpu = best_wall = float("inf")
        for r in range(args.repeats):
            w0, c0 = time.perf_counter(), time.process_time()
            texture(name, args.n, seed=r, sr=args.sr, samples=args.samples)
            best_cpu = min(best_cpu, time.process_time() - c0)
            best_wall = min(best_wall, time.perf_counter() - w0)
        rtf = audio_s / best_cpu
        worst = min(worst, rtf)
        print(f"| {name} | {1000 * best_cpu / args.n:.1f} | {rtf:.0f} | {audio_s / best_wall:.0f} | "
              f"{'yes' if rtf >= TARGET else 'NO'} |")
    print()
    load = " (load average %.1f %.1f %.1f on %d cores)" % (*os.getloadavg(), os.cpu_count() or 0) \
        if hasattr(os, "getloadavg") else ""
    print(f"slowest texture: {worst:.0f}x real time in CPU time (target {TARGET:.0f}x){load}")
    return 0 if worst >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
