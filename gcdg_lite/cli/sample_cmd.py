"""``python -m gcdg_lite sample`` — write generated clips of a trained run as WAV files (chapter 4).

Example::

    python -m gcdg_lite sample --run runs/vowels --n 8 --seed 0 --out samples/vowels

Writes ``sample_000.wav`` ... mono 16-bit PCM at the run's sample rate (16000 Hz by default). The same
``--seed`` gives the same clips; the EMA generator is used when the run was trained with ``--ema``. Clips
are generated and written 64 at a time, so any ``--n`` fits in memory.

``sample`` owns only what it writes: ``.gcdg-samples.json`` in the folder lists its files (with the run,
step, n and seed). A folder that already holds samples is refused unless ``--force`` is given; then those
samples, and only those, are replaced, so old and new never mix. A WAV that no ``sample`` wrote is never
touched: the command is refused instead. The new clips are written first (under a hidden temporary folder)
and moved in at the end, so a full disk leaves the old set whole. One writer at a time: a second
``sample`` into the same folder is refused while the first runs.
"""
from __future__ import annotations

import argparse


def add_parser(sub) -> argparse.ArgumentParser:
    """Register the ``sample`` sub-command on ``sub`` (an argparse sub-parsers object)."""
    p = sub.add_parser("sample", help="write generated clips of a trained run as WAV files",
                       description=__doc__.split("\n\n")[0],
                       formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--run", dest="run_dir", metavar="RUN", required=True, help="run folder written by `train`")
    p.add_argument("--n", type=int, default=8, help="number of clips")
    p.add_argument("--seed", type=int, default=0, help="latent seed (same seed, same clips)")
    p.add_argument("--out", required=True, help="folder for the WAV files (created if missing)")
    p.add_argument("--force", action="store_true", help="replace the clips an earlier `sample` wrote in --out (never other WAVs)")
    p.set_defaults(run=run)
    return p


def run(args) -> int:
    """Load the run's latest checkpoint and write ``args.n`` WAVs into ``args.out``; returns 0."""
    from ..train.samples import check_request

    check_request(args.n, args.seed, names=("--n", "--seed"))  # before TensorFlow and the run are loaded
    from ..train import load_run

    run_ = load_run(args.run_dir)
    paths = run_.write_samples(args.out, args.n, seed=args.seed, overwrite=args.force)
    print(f"wrote {len(paths)} clips ({run_.sr} Hz, step {run_.step}) to {args.out}")
    return 0
