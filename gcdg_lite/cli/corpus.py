"""``python -m gcdg_lite corpus``: list the built-in textures or write clips of one as WAV files.

Examples::

    python -m gcdg_lite corpus --list
    python -m gcdg_lite corpus --texture speech --n 256 --seed 0 --out data/speech
    python -m gcdg_lite corpus --texture speech_heldout --n 256 --seed 0 --out data/speech_heldout
    python -m gcdg_lite corpus --texture rain --n 8 --sr 22050 --samples 4096 --out /tmp/rain --force

Files are named ``{texture}_s{seed}_{index:04d}.wav`` (mono, 16-bit PCM). Existing files are never
overwritten unless ``--force`` is given. At most :data:`MAX_FILES` files per call; the free space of
the output folder is checked before anything is written, and a folder that cannot be written to
is one ``error:`` line.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from ..data.write import MAX_FILES
from ..defaults import SAMPLES, SR
from ..errors import ConfigError


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the ``corpus`` sub-command."""
    p = sub.add_parser("corpus", help="list built-in textures or write clips of one as WAV files",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--list", action="store_true", help="list the textures, one line each")
    p.add_argument("--texture", help="texture name (see --list)")
    p.add_argument("--n", type=int, default=64, help=f"number of clips (default 64, at most {MAX_FILES})")
    p.add_argument("--seed", type=int, default=0, help="seed (default 0); same seed, same audio")
    p.add_argument("--sr", type=int, default=SR, help=f"sample rate in Hz (default {SR})")
    p.add_argument("--samples", type=int, default=SAMPLES, help=f"clip length in samples (default {SAMPLES})")
    p.add_argument("--out", help="output folder (created if missing)")
    p.add_argument("--force", action="store_true", help="overwrite existing files of the same names")
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    """List textures or write ``args.n`` WAV clips (:func:`gcdg_lite.data.write.write_corpus`); return 0."""
    from ..data.corpus import list_textures
    from ..data.write import write_corpus

    if args.list:
        names = list_textures()
        width = max(len(n) for n, _ in names)
        for name, desc in names:
            print(f"{name:<{width}}  {desc}")
        return 0
    if not args.texture or not args.out:
        raise ConfigError("give --texture NAME and --out DIR (or --list to see the textures)")
    write_corpus(args.texture, args.n, args.out, seed=args.seed, sr=args.sr, samples=args.samples,
                 force=args.force)
    print(f"wrote {args.n} clip(s) of {args.texture} ({args.samples} samples = "
          f"{args.samples / args.sr:.3f} s at {args.sr} Hz, 16-bit mono WAV) to {Path(args.out)}")
    return 0
