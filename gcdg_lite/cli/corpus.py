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
import os
import re
import shutil
from pathlib import Path

from ..checks import MAX_SAMPLES
from ..errors import ConfigError

#: most clips one ``corpus`` call writes (about 3.3 GB of one-second 16-bit WAVs)
MAX_FILES = 100_000
_WAV_HEADER = 44  # bytes of a plain PCM WAV header


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the ``corpus`` sub-command."""
    p = sub.add_parser("corpus", help="list built-in textures or write clips of one as WAV files",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--list", action="store_true", help="list the textures, one line each")
    p.add_argument("--texture", help="texture name (see --list)")
    p.add_argument("--n", type=int, default=64, help=f"number of clips (default 64, at most {MAX_FILES})")
    p.add_argument("--seed", type=int, default=0, help="seed (default 0); same seed, same audio")
    p.add_argument("--sr", type=int, default=16000, help="sample rate in Hz (default 16000)")
    p.add_argument("--samples", type=int, default=16384, help="clip length in samples (default 16384)")
    p.add_argument("--out", help="output folder (created if missing)")
    p.add_argument("--force", action="store_true", help="overwrite existing files of the same names")
    p.set_defaults(run=run)
    return p


def _existing(out: Path, texture: str, seed: int, n: int) -> list[Path]:
    """Files in ``out`` that this call would overwrite (found by scanning, not by listing ``n`` names)."""
    if not out.is_dir():
        return []
    pattern = re.compile(rf"{re.escape(texture)}_s{seed}_(\d+)\.wav")
    found = []
    for entry in os.scandir(out):
        m = pattern.fullmatch(entry.name)
        if m and int(m.group(1)) < n:
            found.append(Path(entry.path))
    return sorted(found)


def _unwritable(out: Path, exc: BaseException, written: int = 0) -> ConfigError:
    reason = getattr(exc, "strerror", None) or str(exc).split("\n")[0]
    done = f"; the {written} file(s) written before it are kept" if written else ""
    return ConfigError(f"--out {out}: cannot write there ({reason}){done}; choose a folder you can write to")


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
    if not 1 <= args.n <= MAX_FILES:
        raise ConfigError(f"--n {args.n}: give 1 to {MAX_FILES} clips per call")
    if args.samples > MAX_SAMPLES:
        raise ConfigError(f"--samples {args.samples}: at most {MAX_SAMPLES} samples per clip")
    texture(args.texture, 0, args.seed, args.sr, args.samples)  # validates every argument first
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out} is a file; give a folder")
    existing = _existing(out, args.texture, args.seed, args.n)
    if existing and not args.force:
        raise ConfigError(f"{existing[0]} already exists ({len(existing)} of the {args.n} files would be "
                          f"overwritten); choose another --out or add --force")
    try:
        out.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(out).free
    except OSError as exc:
        raise _unwritable(out, exc) from None
    need = args.n * (_WAV_HEADER + 2 * args.samples)
    if need > free:
        raise ConfigError(f"--out {out}: {args.n} clips need {need / 1e6:.1f} MB but only {free / 1e6:.1f} MB "
                          f"are free there; free some space, or write fewer (--n) or shorter (--samples) clips")
    chunk = max(1, min(64, MAX_SAMPLES // args.samples))
    written = 0
    for start in range(0, args.n, chunk):
        # clip i depends only on (texture, seed, i): generate them a chunk at a time
        clips = texture(args.texture, min(chunk, args.n - start), args.seed, args.sr, args.samples,
                        offset=start)
        for i, clip in enumerate(clips, start):
            try:
                save_wav(out / f"{args.texture}_s{args.seed}_{i:04d}.wav", clip, args.sr)
            except (OSError, RuntimeError) as exc:  # soundfile's LibsndfileError is a RuntimeError
                raise _unwritable(out, exc, written) from None
            written += 1
    print(f"wrote {args.n} clip(s) of {args.texture} ({args.samples} samples = "
          f"{args.samples / args.sr:.3f} s at {args.sr} Hz, 16-bit mono WAV) to {out}")
    return 0
