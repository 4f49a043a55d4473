"""``python -m gcdg_lite evaluate``: score generated clips against held-out real ones (chapter 5).

Examples::

    python -m gcdg_lite evaluate --real builtin:rain --fake runs/rain/samples
    python -m gcdg_lite evaluate --real builtin:rain --fake runs/rain --step 500
    python -m gcdg_lite evaluate --real data/held_out --fake runs/speech/samples --train data/train --json

A run's sample folder (``RUN/samples``, holding one ``step_XXXXXX`` folder per listening checkpoint)
or the run folder itself, as ``--fake`` or ``--real``, stands for ONE step: the latest, or ``--step N``;
the output says which (the clips of different steps are never scored together).

``--real`` must be real audio the generator was *not* trained on. ``builtin:NAME`` as ``--real`` is
therefore drawn from clip :data:`gcdg_lite.metrics.protocol.HELD_OUT_OFFSET` (one million) onwards of
the texture at ``--seed``: the same distribution, but never a clip a training run of that texture has
seen (training uses clips 0, 1, 2, ...). ``--train`` (optional) gives the training clips, used only by the
memorisation check. The protocol is :mod:`gcdg_lite.metrics.protocol`: every metric is printed beside
its floor (real vs real), spectrum-matched noise (the "1" of the score) and pink noise, each as
mean ± sd over ``--splits`` random splits; ``--json`` prints the same as one JSON object.
``harmonicity`` (JSON ``metrics.harmonicity``) is the distance between the frame-wise harmonics-to-noise
ratios of the generated and the real clips, in dB (:mod:`gcdg_lite.metrics.harmonicity`): the one metric
that hears whether a voice has a pitch. Its ``sets`` give, for the real clips, the generated clips and
both noise anchors, the voiced fraction of active frames, the median HNR in dB and the median f0 in Hz;
the table prints them below its rows.

Every set is read with :func:`gcdg_lite.data.load_source`, as ``train`` reads its data, so a bad folder
gets the same one-line error as everywhere else, and so does an ``--n`` above the clips a folder gives.
Folders are resampled to ``--sr``, cut into ``--samples``-long clips, each file peak-normalised, so
levels are compared after that normalisation. **``--samples`` sets the clip length of every set**: a
file shorter than 95 % of a clip (e.g. 8192-sample samples scored with the default 16384) is refused
rather than zero-padded, because padding alone makes a set look unlike the other; the WaveGAN
convention of 16000-sample clips padded to 16384 (2 %) passes. Quiet real clips (below
``--silence-db``) are skipped as in training; generated clips are never skipped, so a generator that
outputs silence is scored (badly) instead of vanishing.
"""
from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np

from ..data.loader import SILENCE_DB
from ..data.source import BUILTIN_CLIPS, MAX_SEED
from ..defaults import SAMPLES, SR
from ..errors import ConfigError, DataError

#: a folder file shorter than this fraction of ``--samples`` is refused (it would be mostly padding)
MIN_FILL = 0.95


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the ``evaluate`` sub-command on ``sub`` (the dispatcher's sub-parsers)."""
    p = sub.add_parser(
        "evaluate",
        help="metrics of generated clips vs held-out real clips, with floors, noise anchors and spreads",
        description="Compare generated clips with held-out real ones: Fréchet distance, KID, NDB/K, "
                    "Jensen-Shannon, texture-statistic SNR, a classifier two-sample test (C2ST), "
                    "a memorisation check and harmonicity (frame harmonics-to-noise ratio), each beside its floor (two halves of the real set), "
                    "spectrum-matched noise and pink noise, as mean ± sd over random splits.",
    )
    p.add_argument("--real", required=True, metavar="DIR|builtin:TEXTURE",
                   help="held-out real clips (not the training clips): a folder of audio files or "
                        "builtin:NAME (clips from one million on, at --seed: never training clips)")
    p.add_argument("--fake", required=True, metavar="DIR|builtin:TEXTURE",
                   help="generated clips: a folder of audio files (or builtin:NAME, drawn with "
                        "seed + 1 so it is a fresh sample)")
    p.add_argument("--train", default=None, metavar="DIR|builtin:TEXTURE",
                   help="optional: the generator's training clips, for the memorisation check "
                        f"(builtin:NAME: its first {BUILTIN_CLIPS} clips at --train-seed)")
    p.add_argument("--train-seed", type=int, default=0,
                   help="the run's train --seed, for a built-in --train texture (default 0)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    p.add_argument("--sr", type=int, default=SR, help=f"sample rate in Hz (default {SR})")
    p.add_argument("--samples", type=int, default=SAMPLES,
                   help=f"clip length in samples of every set (default {SAMPLES})")
    p.add_argument("--n", type=int, default=None,
                   help=f"clips per set (default: {BUILTIN_CLIPS} for builtin, every clip of a folder)")
    p.add_argument("--splits", type=int, default=3,
                   help="random splits; every number is a mean ± sd over them (default 3)")
    p.add_argument("--seed", type=int, default=0, help="seed of splits, subsets and noise (>= 0)")
    p.add_argument("--silence-db", type=float, default=SILENCE_DB,
                   help=f"skip real/training clips quieter than this RMS level in dBFS (default "
                        f"{SILENCE_DB:g}); generated clips are never skipped")
    p.add_argument("--step", type=int, default=None, metavar="N",
                   help="when --fake (or --real) is a run folder or its samples folder: score the "
                        "samples of step N (default: the latest step)")
    p.add_argument("--skip-bad", action="store_true",
                   help="skip unusable audio files (as inspect --skip-bad) instead of failing")
    p.set_defaults(run=run)
    return p


def _check(args: argparse.Namespace) -> None:
    for name in ("sr", "samples", "splits"):
        if getattr(args, name) <= 0:
            raise ConfigError(f"--{name} must be a positive integer; got {getattr(args, name)}")
    for name, high in (("seed", MAX_SEED - 1), ("train_seed", MAX_SEED)):  # --fake builtin: --seed + 1
        if getattr(args, name) < 0:
            raise ConfigError(f"--{name.replace('_', '-')} must be an integer >= 0; got {getattr(args, name)}")
        if getattr(args, name) > high:
            raise ConfigError(f"--{name.replace('_', '-')} must be an integer in 0..{high}; got {getattr(args, name)}")
    if args.n is not None and args.n < 2:
        raise ConfigError(f"--n must be at least 2 (4 for --real); got {args.n}")
    if math.isnan(args.silence_db):
        raise ConfigError("--silence-db must be a number of dBFS (e.g. -50); got nan")
    if args.step is not None and args.step < 0:
        raise ConfigError(f"--step must be a step number >= 0; got {args.step}")


def step_folders(spec: str) -> dict[int, Path]:
    """``{step: folder}`` of the trainer's sample folders under ``spec``, a run or its ``samples`` folder.

    ``spec`` is a run's ``samples`` folder when it holds ``step_XXXXXX`` sub-folders, and a run folder when
    its ``samples`` sub-folder does; anything else (a plain folder of audio, ``builtin:NAME``) gives ``{}``.
    """
    from ..train.samples import SAMPLES_DIR, steps_in

    if str(spec).startswith("builtin:"):
        return {}
    for folder in (Path(spec), Path(spec, SAMPLES_DIR)):
        found = dict(steps_in(folder))  # missing or unreadable: {} (the loader then says so)
        if found:
            return found
    return {}


def pick_step(spec: str, flag: str, step: int | None) -> tuple[str, str | None]:
    """The folder to score for ``spec`` and a note saying which step it is (None: not a run's samples).

    Raises:
        ConfigError: ``step`` is not one of the steps there (the line lists them).
    """
    found = step_folders(spec)
    if not found:
        return spec, None
    latest = max(found)
    if step is None:
        return str(found[latest]), f"step {latest}, the latest of {len(found)}; --step N for another"
    if step not in found:
        steps = sorted(found)
        shown = ", ".join(map(str, steps)) if len(steps) <= 12 else \
            f"{', '.join(map(str, steps[:6]))}, ... {', '.join(map(str, steps[-3:]))} ({len(steps)} in all)"
        raise ConfigError(f"{flag} {spec}: no samples of --step {step}; its steps are {shown}")
    return str(found[step]), f"step {step}" + (", the latest" if step == latest else f"; the latest is {latest}")


def _load(spec: str, args: argparse.Namespace, flag: str, seed: int, n: int | None,
          silence_db: float, offset: int = 0) -> tuple[np.ndarray, int]:
    """Clips of one set (:func:`~gcdg_lite.data.source.load_source`) and how many were zero-padded;
    refuse files much shorter than a clip."""
    from ..data.source import load_source

    clips, report = load_source(spec, sr=args.sr, samples=args.samples, n=n, seed=seed, skip_bad=args.skip_bad,
                                silence_db=silence_db, offset=offset, return_report=True, label=flag, n_name="--n")
    if report is None:  # a built-in texture: whole clips
        return clips, 0
    short = [f for f in report.files if f.duration * args.sr < MIN_FILL * args.samples]
    if short:
        first = min(short, key=lambda f: f.duration)
        raise DataError(
            f"{flag} {spec}: {len(short)} file(s) are shorter than a clip of --samples {args.samples} "
            f"(shortest {Path(first.path).name}: {round(first.duration * args.sr)} samples at "
            f"{args.sr} Hz) and would be scored mostly zero-padded; --samples sets the clip length "
            f"of every set: pass --samples {round(first.duration * args.sr)}, or generate longer clips")
    return clips, sum(f.padded for f in report.files)


def run(args: argparse.Namespace) -> int:
    """Load the sets, run :func:`gcdg_lite.metrics.evaluate`, print a table or JSON; return 0."""
    from ..metrics import evaluate, format_table
    from ..metrics.protocol import HELD_OUT_OFFSET

    _check(args)
    args.real, note_real = pick_step(args.real, "--real", args.step)
    args.fake, note_fake = pick_step(args.fake, "--fake", args.step)
    if args.step is not None and note_real is None and note_fake is None:
        raise ConfigError(f"--step {args.step}: neither --real nor --fake is a run folder or a run's samples "
                          f"folder (with step_XXXXXX sub-folders); drop --step")
    real, pad_real = _load(args.real, args, "--real", args.seed, args.n, args.silence_db,
                           offset=HELD_OUT_OFFSET)
    fake, pad_fake = _load(args.fake, args, "--fake", args.seed + 1, args.n, -math.inf)
    train = None
    if args.train is not None:
        train, _ = _load(args.train, args, "--train", args.train_seed, None, args.silence_db)
    result = evaluate(real, fake, sr=args.sr, seed=args.seed, splits=args.splits, train_clips=train)
    if args.json:
        print(json.dumps({"real": args.real, "fake": args.fake, "train": args.train, "sr": args.sr,
                          "steps": {"real": _step_of(args.real, note_real),
                                    "fake": _step_of(args.fake, note_fake)},
                          "samples": args.samples, "n_real": int(len(real)), "n_fake": int(len(fake)),
                          "n_train": None if train is None else int(len(train)),
                          "padded_clips": {"real": pad_real, "fake": pad_fake},
                          "splits": args.splits, "seed": args.seed, "metrics": result}, indent=2))
    else:
        print(f"real: {args.real}{_note(note_real)} ({len(real)} clips)   "
              f"fake: {args.fake}{_note(note_fake)} ({len(fake)} clips)   "
              f"sr {args.sr} Hz, {args.samples} samples per clip")
        if pad_real or pad_fake:
            print(f"zero-padded last clips: {pad_real} real, {pad_fake} generated")
        if train is not None:
            print(f"train: {args.train} ({len(train)} clips, for the memorisation check)")
        print(format_table(result))
    return 0


def _note(note: str | None) -> str:
    return "" if note is None else f" ({note})"


def _step_of(folder: str, note: str | None) -> int | None:
    """The step number of a chosen ``step_XXXXXX`` folder (None when the set is not a run's samples)."""
    return None if note is None else int(Path(folder).name[len("step_"):])
