"""``python -m gcdg_lite corpus``: list the built-in textures or write clips of one as WAV files.

Examples::

    python -m gcdg_lite corpus --list
    python -m gcdg_lite corpus --texture babble --n 64 --seed 0 --out data/babble
    python -m gcdg_lite corpus --texture rain --n 8 --sr 22050 --samples 4096 --out /tmp/rain --force

Files are named ``{texture}_s{seed}_{index:04d}.wav`` (mono, 16-bit PCM). Existing files are never
overwritten unless ``--force`` is given.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import ConfigError


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the ``corpus`` sub-command."""
    p = sub.add_parser("corpus", help="list built-in textures or write clips of one as WAV files",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--list", action="store_true", help="list the textures, one line each")
    p.add_argument("--texture", help="texture name (see --list)")
    p.add_argument("--n", type=int, default=64, help="number of clips (default 64)")
    p.add_argument("--seed", type=int, default=0, help="seed (default 0); same seed, same audio")
    p.add_argument("--sr", type=int, default=16000, help="sample rate in Hz (default 16000)")
    p.add_argument("--samples", type=int, default=16384, help="clip length in samples (default 16384)")
    p.add_argument("--out", help="output folder (created if missing)")
    p.add_argument("--force", action="store_true", help="overwrite existing files of the same names")
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    """List textures or write ``args.n`` WAV clips; return the exit status."""
    from ..audio import save_wav
    from ..data.corpus import list_textures, texture

    if args.list:
        names = list_textures()
        width = max(len(n) for n, _ in names)
        for name, desc in names:
            print(f"{name:<{width}}  {desc}")
        return 0
    if not args.texture or not args.out:
        raise ConfigError("give --texture NAME and --out DIR (or --list to see the textures)")
    if args.n < 1:
        raise ConfigError(f"--n {args.n}: give at least 1 clip")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out} is a file; give a folder")
    paths = [out / f"{args.texture}_s{args.seed}_{i:04d}.wav" for i in range(args.n)]
    texture(args.texture, 0, args.seed, args.sr, args.samples)  # validates every argument first
    existing = [p for p in paths if p.exists()]
    if existing and not args.force:
        raise ConfigError(f"{existing[0]} already exists ({len(existing)} of the {args.n} files would be "
                          f"overwritten); choose another --out or add --force")
    out.mkdir(parents=True, exist_ok=True)
    chunk = 64
    for start in range(0, args.n, chunk):
        # clip i depends only on (texture, seed, i): generate them a chunk at a time
        clips = texture(args.texture, min(chunk, args.n - start), args.seed, args.sr, args.samples,
                        offset=start)
        for i, clip in enumerate(clips, start):
            save_wav(paths[i], clip, args.sr)
    print(f"wrote {args.n} clip(s) of {args.texture} ({args.samples} samples = "
          f"{args.samples / args.sr:.3f} s at {args.sr} Hz, 16-bit mono WAV) to {out}")
    return 0
