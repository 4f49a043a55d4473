"""``python -m gcdg_lite evaluate``: score generated clips against real ones (chapter 5).

Examples::

    python -m gcdg_lite evaluate --real builtin:rain --fake runs/rain/samples
    python -m gcdg_lite evaluate --real data/my_rain --fake runs/rain/samples --json

Both sets are loaded with the data layer (:func:`gcdg_lite.data.loader.load_source`), so a bad
folder gets the same one-line error as everywhere else. Folders are read with the loader's
defaults (resampled to ``--sr``, cut into ``--samples``-long clips, each file peak-normalised,
near-silent clips skipped), so levels are compared after that normalisation. The table shows every metric with its floor
(real vs real) and ceiling (pink noise vs real); ``--json`` prints the same as one JSON object.
"""
from __future__ import annotations

import argparse
import json

from ..errors import ConfigError


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the ``evaluate`` sub-command on ``sub`` (the dispatcher's sub-parsers)."""
    p = sub.add_parser(
        "evaluate",
        help="metrics of generated clips vs real clips, with floors and noise ceilings",
        description="Compare generated clips with real ones: Fréchet distance, KID, NDB/K, "
                    "Jensen-Shannon, texture-statistic SNR and a memorisation check, each beside "
                    "its floor (two halves of the real set) and ceiling (pink noise).",
    )
    p.add_argument("--real", required=True, metavar="DIR|builtin:TEXTURE",
                   help="real clips: a folder of audio files or builtin:NAME (e.g. builtin:rain)")
    p.add_argument("--fake", required=True, metavar="DIR|builtin:TEXTURE",
                   help="generated clips: a folder of audio files (or builtin:NAME, drawn with "
                        "seed + 1 so it is a fresh sample)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    p.add_argument("--sr", type=int, default=16000, help="sample rate in Hz (default 16000)")
    p.add_argument("--samples", type=int, default=16384,
                   help="clip length in samples (default 16384)")
    p.add_argument("--n", type=int, default=None,
                   help="clips per set (default: 256 for builtin, every clip of a folder)")
    p.add_argument("--seed", type=int, default=0, help="seed of splits, subsets and pink noise")
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Load both sets, run :func:`gcdg_lite.metrics.evaluate`, print a table or JSON; return 0."""
    from ..data.loader import load_source
    from ..metrics import evaluate, format_table

    for name in ("sr", "samples"):
        if getattr(args, name) <= 0:
            raise ConfigError(f"--{name} must be a positive integer; got {getattr(args, name)}")
    if args.n is not None and args.n < 2:
        raise ConfigError(f"--n must be at least 2 (4 for --real); got {args.n}")
    real = load_source(args.real, sr=args.sr, samples=args.samples, n=args.n, seed=args.seed)
    fake = load_source(args.fake, sr=args.sr, samples=args.samples, n=args.n, seed=args.seed + 1)
    result = evaluate(real, fake, sr=args.sr, seed=args.seed)
    if args.json:
        print(json.dumps({"real": args.real, "fake": args.fake, "sr": args.sr,
                          "samples": args.samples, "n_real": int(len(real)),
                          "n_fake": int(len(fake)), "metrics": result}, indent=2))
    else:
        print(f"real: {args.real} ({len(real)} clips)   fake: {args.fake} ({len(fake)} clips)   "
              f"sr {args.sr} Hz, {args.samples} samples per clip")
        print(format_table(result))
    return 0
