"""``python -m gcdg_lite inspect PATH``: load a folder exactly as training will and report on it.

Prints the files, total duration, sample rates, the crops cut from them (every ``--hop`` samples,
so a long recording gives many clips), how many of those were dropped as silence-dominated (more
than half of their 20 ms frames below ``--silence-db``) and every bad file with its reason. Exit
status 0 when the folder gives at least one clip; otherwise 2 with one ``error:`` line naming the
(first) bad file, or the folder when all its clips are silent. With ``--skip-bad`` bad files are
listed and skipped (the first 20 of each list; ``--verbose`` lists all), and when none is usable
that report is printed before the error line. A ``--hop`` so small that the clips would not fit
in 2 GiB is refused before any audio is read.

Symlinked files and sub-folders are followed (like ``find -L``), each real folder and file read
once: a link looping back to a folder already searched is listed as skipped (the "links" and
"skipped" lines). Only regular files are opened: a named pipe, device or socket with an audio
extension is a bad file, never opened. Files are read in blocks, so a long multichannel
recording needs no more memory than its clips.

Example::

    python -m gcdg_lite inspect my_recordings/ --sr 16000 --samples 16384 --skip-bad
"""
from __future__ import annotations

import argparse

from ..data.loader import SILENCE_DB
from ..defaults import SAMPLES, SR

#: files, bad files and skipped links listed without --verbose
SHOWN = 20


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the ``inspect`` sub-command."""
    p = sub.add_parser("inspect", help="check a folder of audio the way training will load it",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("path", help="folder of WAV/FLAC/OGG files (searched recursively) or one file")
    p.add_argument("--sr", type=int, default=SR, help=f"target sample rate in Hz (default {SR})")
    p.add_argument("--samples", type=int, default=SAMPLES, help=f"clip length in samples (default {SAMPLES})")
    p.add_argument("--hop", type=int, default=None, help="samples between clip starts (default: --samples)")
    p.add_argument("--silence-db", type=float, default=SILENCE_DB,
                   help=f"20 ms frames below this level in dBFS are silent; clips more than half silent are "
                        f"skipped (default {SILENCE_DB:g})")
    p.add_argument("--skip-bad", action="store_true", help="skip unusable files (listed) instead of failing")
    p.add_argument("--verbose", action="store_true", help="list every file, bad file and skipped link (default: the first 20 of each)")
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Load ``args.path`` with :func:`~gcdg_lite.data.loader.load_folder` and print its report.

    When the folder gives no usable clip the report found so far is printed before the one
    ``error:`` line, so every bad file can be read there (the first 20; all with ``--verbose``)."""
    from ..data.loader import load_folder
    from ..errors import DataError

    limit = None if args.verbose else SHOWN
    try:
        clipset = load_folder(args.path, sr=args.sr, samples=args.samples, hop=args.hop,
                              silence_db=args.silence_db, skip_bad=args.skip_bad)
    except DataError as exc:
        report = getattr(exc, "report", None)
        if report is not None and args.skip_bad:
            print(report.describe(limit))
        raise
    rep = clipset.report
    print(rep.describe(limit))
    shown = rep.files if args.verbose else rep.files[:SHOWN]
    for f in shown:
        pad = ", padded" if f.padded else ""
        print(f"  {f.path}: {f.sr} Hz, {f.channels} ch, {f.duration:.2f} s -> {f.clips} clip(s), "
              f"{f.silent} silent{pad}")
    if len(shown) < len(rep.files):
        print(f"  ... and {len(rep.files) - len(shown)} more file(s) (--verbose lists all)")
    for p in rep.ignored:
        print(f"  ignored (not WAV/FLAC/OGG): {p}")
    print(f"usable: {len(clipset)} clip(s)" + (f"; skipped {len(rep.bad)} bad file(s)" if rep.bad else ""))
    return 0
