"""``python -m gcdg_lite train`` — train a GAN into a run folder (chapter 4; chapter 5 for the options).

Examples::

    python -m gcdg_lite train --data builtin:vowels --out runs/vowels
    python -m gcdg_lite train --data my_wavs/ --model wavegan --loss wgan_gp --steps 2000 --out runs/mine
    python -m gcdg_lite train --out runs/vowels --resume --steps 2000   # 1000 -> 2000 steps

``--steps`` is the run's TOTAL: resuming a run stopped at 1200 with ``--steps 2000`` trains 800 more.
Every option has a default except ``--data`` (not needed with ``--resume``) and ``--out``.
"""
from __future__ import annotations

import argparse
import os

from ..errors import ConfigError

#: CLI defaults per model: width d, learning rate of G and D, EMA decay of G's weights (sampling uses
#: the average); measured in bench/README.md (specgan's EMA: steadier scores along a run and across seeds)
MODEL_DEFAULTS = {
    "seed_mlp": dict(d=None, lr=2e-4, ema=None),
    "wavegan": dict(d=16, lr=2e-4, ema=None),
    "specgan": dict(d=16, lr=2e-4, ema=0.99),
}
DEFAULT_MODEL = "specgan"
DEFAULT_LOSS = "non_saturating"
#: the keys of ``gcdg_lite.losses.LOSSES``, spelled out so that ``--help`` and argument errors do not
#: import TensorFlow (several seconds); ``tests/test_cli_train.py`` checks they match the registry
LOSS_NAMES = ("gcdg", "hinge", "minimax", "non_saturating", "wgan_gp")


def add_parser(sub) -> argparse.ArgumentParser:
    """Register the ``train`` sub-command on ``sub`` (an argparse sub-parsers object)."""
    p = sub.add_parser("train", help="train a GAN on built-in or your own audio into a run folder",
                       description=__doc__.split("\n\n")[0])
    # defaults are stated in the help texts: most are None here so that --resume keeps the saved run's
    p.add_argument("--data", help="builtin:TEXTURE (e.g. builtin:vowels) or a folder of audio files; "
                   "optional with --resume (the run's own source is reused)")
    p.add_argument("--out", required=True, help="run folder to create (or continue with --resume)")
    p.add_argument("--model", choices=sorted(MODEL_DEFAULTS), default=None,
                   help=f"architecture (default {DEFAULT_MODEL})")
    p.add_argument("--loss", choices=LOSS_NAMES, default=None, help=f"GAN loss (default {DEFAULT_LOSS})")
    p.add_argument("--r1", type=float, default=None, help="R1 penalty gamma on real clips (default 0 = off)")
    p.add_argument("--n-critic", type=int, default=None, help="D updates per G update (default: the loss's)")
    p.add_argument("--steps", type=int, default=1000, help="total generator updates of the run (default 1000)")
    p.add_argument("--batch", type=int, default=None, help="clips per batch (default 32)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default 0)")
    p.add_argument("--width", "-d", type=int, default=None, help="model width multiplier d (default 16)")
    p.add_argument("--lr", type=float, default=None, help="learning rate of both G and D (default 2e-4)")
    p.add_argument("--lr-g", type=float, default=None, help="learning rate of G (overrides --lr)")
    p.add_argument("--lr-d", type=float, default=None, help="learning rate of D (overrides --lr)")
    p.add_argument("--ema", type=float, default=None,
                   help="EMA decay of G's weights, e.g. 0.99; 0 = off (default 0.99 for specgan, off otherwise)")
    p.add_argument("--samples", type=int, default=None, help="clip length in samples (default 16384)")
    p.add_argument("--clips", type=int, default=None, help="clips drawn from a builtin: source (default 256)")
    p.add_argument("--ckpt-every", type=int, default=250, help="checkpoint every N steps (default 250)")
    p.add_argument("--sample-every", type=int, default=0, help="write sample WAVs every N steps (0 = off)")
    p.add_argument("--update", choices=["alternating", "simultaneous"], default=None,
                   help="alternating (default): D step, then G step on fresh noise, the textbook algorithm; "
                        "simultaneous: both players' gradients from one forward pass, as in the TensorFlow "
                        "DCGAN tutorial (about 1.25x the steps/s on CPU, see bench/README.md; needs n_critic 1)")
    p.add_argument("--precision", choices=["auto", "float32", "mixed_float16", "mixed_bfloat16"], default=None,
                   help="dtype policy (default auto: float32 unless the CPU has bf16 units)")
    p.add_argument("--resume", action="store_true", help="continue the run in --out from its last checkpoint")
    p.add_argument("--overwrite", action="store_true", help="replace an existing run folder")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=run)
    return p


def _ema(given: float | None, default: float | None) -> float | None:
    """``--ema``: ``None`` = the model's default, ``0`` = off, else the decay."""
    if given is None:
        return default
    return None if given == 0 else given


def _config(args, saved=None):
    """A TrainConfig from the arguments (on resume: the saved config, with the given flags applied)."""
    from ..train import TrainConfig

    if saved is not None:
        cfg = saved
        cfg.steps, cfg.ckpt_every, cfg.sample_every = args.steps, args.ckpt_every, args.sample_every
        given = {k: getattr(args, k) for k in ("model", "loss", "r1", "n_critic", "batch", "seed", "ema",
                                                "precision", "update") if getattr(args, k) is not None}
        if "ema" in given:
            given["ema"] = _ema(given["ema"], None)  # --ema 0 matches a run saved without EMA
        clash = [f"--{k.replace('_', '-')}" for k, v in given.items() if getattr(cfg, k) != v]
        if args.width is not None and cfg.model_kwargs.get("d") != args.width:
            clash.append("--width")
        if clash:
            raise ConfigError(f"--resume continues {args.out} as it was trained; {', '.join(clash)} "
                              f"differ from its config.json (drop them or train a new run)")
        return cfg
    model = args.model or DEFAULT_MODEL
    defaults = MODEL_DEFAULTS[model]
    kwargs = {}
    width = args.width if args.width is not None else defaults["d"]
    if width is not None and model != "seed_mlp":
        kwargs["d"] = width
    if args.samples is not None:
        kwargs["samples"] = args.samples
    lr = args.lr if args.lr is not None else defaults["lr"]
    cfg = TrainConfig(
        model=model, model_kwargs=kwargs, loss=args.loss or DEFAULT_LOSS, r1=args.r1 or 0.0,
        n_critic=args.n_critic, lr_g=args.lr_g or lr, lr_d=args.lr_d or lr, batch=args.batch or 32,
        steps=args.steps, seed=args.seed or 0, ckpt_every=args.ckpt_every, sample_every=args.sample_every,
        ema=_ema(args.ema, defaults["ema"]), precision=args.precision or "auto", n_clips=args.clips, data=args.data,
        update=args.update or "alternating")
    return cfg.validate()


def run(args) -> int:
    """Train (or resume) the run described by ``args``; prints a summary line; returns 0."""
    from ..train import TrainConfig, fit

    if args.steps < 1:
        raise ConfigError(f"--steps {args.steps}: must be a positive total number of steps")
    saved = None
    if args.resume:
        cfg_path = os.path.join(args.out, "config.json")
        if not os.path.isfile(cfg_path):
            raise ConfigError(f"--resume: {args.out} is not a run folder (no config.json); drop --resume")
        saved = TrainConfig.from_json(cfg_path)
    elif args.data is None:
        raise ConfigError("--data is required (builtin:vowels or a folder of audio files)")
    cfg = _config(args, saved)
    data = args.data or cfg.data
    run_ = fit(data, cfg, out=args.out, resume=args.resume, overwrite=args.overwrite, progress=not args.quiet)
    last = run_.history[-1] if run_.history else {}
    print(f"trained {run_.config.model}/{run_.config.loss} to step {run_.step} in {args.out}"
          + (f" (loss_g {last['loss_g']:.3f}, loss_d {last['loss_d']:.3f})" if last else ""))
    return 0
