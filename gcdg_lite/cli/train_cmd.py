"""``python -m gcdg_lite train`` — train a GAN into a run folder (chapter 4; chapter 5 for the options).

Examples::

    python -m gcdg_lite train --data builtin:vowels --out runs/vowels
    python -m gcdg_lite train --data my_wavs/ --model wavegan --loss wgan_gp --steps 2000 --out runs/mine
    python -m gcdg_lite train --out runs/vowels --resume --steps 4000   # 2400 -> 4000 steps

``--steps`` is the run's TOTAL: resuming a run stopped at 1200 with ``--steps 2000`` trains 800 more.
Every option has a default except ``--data`` (not needed with ``--resume``) and ``--out``. The defaults
are ``gcdg_lite.train.TrainConfig``'s, so ``train --data D --out R`` trains the same run as
``gcdg_lite.train.fit("D", out="R")``. With ``--resume`` an option left out keeps the saved value, and
one that would change how the run computes (the model, the loss, a learning rate, the data...) is
refused; ``--steps``, ``--ckpt-every`` and ``--sample-every`` may change.
"""
from __future__ import annotations

import argparse

#: flag -> TrainConfig field, for the flags that map one to one
FIELDS = {"loss": "loss", "model": "model", "r1": "r1", "n_critic": "n_critic", "steps": "steps", "batch": "batch",
          "seed": "seed", "lr_g": "lr_g", "lr_d": "lr_d", "ema": "ema", "clips": "n_clips",
          "ckpt_every": "ckpt_every", "sample_every": "sample_every", "update": "update", "precision": "precision",
          "augment": "augment", "r1_every": "r1_every", "griffin_lim_oversample": "griffin_lim_oversample"}


def add_parser(sub) -> argparse.ArgumentParser:
    """Register the ``train`` sub-command on ``sub`` (an argparse sub-parsers object)."""
    p = sub.add_parser("train", help="train a GAN on built-in or your own audio into a run folder",
                       description=__doc__.split("\n\n")[0])
    # every default is None here ("not given"): TrainConfig supplies it, or the saved run on --resume
    p.add_argument("--data", help="builtin:TEXTURE (e.g. builtin:vowels) or a folder of audio files; "
                   "optional with --resume (the run's own source is reused)")
    p.add_argument("--out", required=True, help="run folder to create (or continue with --resume)")
    p.add_argument("--model", help="architecture: specgan (default), wavegan or seed_mlp")
    p.add_argument("--loss", help="GAN loss: non_saturating (default), gcdg, minimax, wgan_gp or hinge")
    p.add_argument("--r1", type=float, help="R1 penalty gamma on real clips (default 0 = off)")
    p.add_argument("--r1-every", type=int, help="lazy R1: apply the penalty (times N) every N steps only "
                   "(default 1 = every step)")
    p.add_argument("--augment", help="DiffAugment of everything D sees: a comma-separated subset of shift, "
                   "mask, gain, or none (default: shift,mask for specgan, none for the wave models)")
    p.add_argument("--n-critic", type=int, help="D updates per G update (default: the loss's, 5 for wgan_gp)")
    p.add_argument("--steps", type=int, help="total generator updates of the run (default 2400 for specgan, "
                   "about 10 minutes on a 2-core CPU; 1000 for wavegan and seed_mlp; on --resume the saved total)")
    p.add_argument("--batch", type=int, help="clips per batch (default 32)")
    p.add_argument("--seed", type=int, help="random seed (default 0)")
    p.add_argument("--width", "-d", type=int, help="model width multiplier d (default 8 for specgan, 16 for wavegan; "
                   "not for seed_mlp)")
    p.add_argument("--lr", type=float, help="learning rate of both G and D (default 2e-4)")
    p.add_argument("--lr-g", type=float, help="learning rate of G (overrides --lr)")
    p.add_argument("--lr-d", type=float, help="learning rate of D (overrides --lr)")
    p.add_argument("--ema", type=float, help="EMA decay of G's weights, e.g. 0.99; 0 = off "
                   "(default 0.99 for specgan, off otherwise)")
    p.add_argument("--samples", type=int, help="clip length in samples (default 16384)")
    p.add_argument("--spectral-norm", choices=["on", "off"], help="spectral normalisation of every layer of D "
                   "(wavegan, specgan; default: on for specgan, off for wavegan)")
    p.add_argument("--upsample", choices=["transpose", "nearest"], help="G's up-sampling: transposed "
                   "convolutions or nearest-neighbour repeat + convolution (wavegan, specgan; default: nearest "
                   "for wavegan, transpose for specgan)")
    p.add_argument("--stft-heads", type=_heads, metavar="N,N,...", help="wavegan: add critic heads that judge "
                   "log-magnitude STFTs of these FFT lengths, e.g. 512,256,128 (default none)")
    p.add_argument("--clips", type=int, help="clips drawn from the data (default: 256 built-in clips, "
                   "every clip of a folder)")
    p.add_argument("--ckpt-every", type=int, help="checkpoint every N steps (default 250; 0 = only at the end)")
    p.add_argument("--sample-every", type=int, help="write sample WAVs every N steps (default 0 = off)")
    p.add_argument("--update", choices=["alternating", "simultaneous"],
                   help="alternating (default): D step, then G step on fresh noise, the textbook algorithm; "
                        "simultaneous: both players' gradients from one forward pass, as in the TensorFlow "
                        "DCGAN tutorial (about 1.25x the steps/s on CPU, see bench/README.md; needs n_critic 1)")
    p.add_argument("--precision", choices=["auto", "float32", "mixed_float16", "mixed_bfloat16"],
                   help="dtype policy (default auto: float32, or mixed_bfloat16 on a CPU with bf16 units)")
    p.add_argument("--griffin-lim-oversample", type=int, help="specgan sampling: Griffin-Lim on frames "
                   "interpolated to hop/K (default 2; 1 = the generated frames; may change on --resume)")
    p.add_argument("--resume", action="store_true", help="continue the run in --out from its last checkpoint")
    p.add_argument("--overwrite", action="store_true", help="replace an existing run folder (once the new "
                   "run has been set up)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=run)
    return p


def _heads(text: str) -> list[int]:
    """``--stft-heads``: ``"512,256,128"`` -> ``[512, 256, 128]``; ``"none"`` -> ``[]`` (checked by the model)."""
    if text.strip().lower() in ("none", ""):
        return []
    try:
        return [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give FFT lengths separated by commas, e.g. 512,256,128, "
                                         "or none") from None


def options(args: argparse.Namespace) -> dict:
    """The ``TrainConfig`` options the user gave on the command line (flags left out are absent)."""
    given = {field: getattr(args, flag) for flag, field in FIELDS.items() if getattr(args, flag) is not None}
    if args.lr is not None:
        given.setdefault("lr_g", args.lr)
        given.setdefault("lr_d", args.lr)
    sn = None if args.spectral_norm is None else args.spectral_norm == "on"
    kwargs = {k: v for k, v in (("d", args.width), ("samples", args.samples), ("spectral_norm", sn),
                                ("upsample", args.upsample), ("stft_heads", args.stft_heads)) if v is not None}
    if kwargs:
        given["model_kwargs"] = kwargs
    return given


def run(args) -> int:
    """Train (or resume) the run described by ``args``; prints a summary line; returns 0."""
    from ..errors import ConfigError
    from ..train import fit

    if not args.resume and args.data is None:
        raise ConfigError("--data is required (builtin:vowels or a folder of audio files)")
    if args.steps is not None and args.steps < 1:
        raise ConfigError(f"--steps {args.steps}: give the run's total number of steps, at least 1")
    run_ = fit(args.data, options(args), out=args.out, resume=args.resume, overwrite=args.overwrite,
               progress=not args.quiet)
    last = run_.history[-1] if run_.history else {}
    print(f"trained {run_.config.model}/{run_.config.loss} to step {run_.step} in {run_.path}"
          + (f" (loss_g {last['loss_g']:.3f}, loss_d {last['loss_d']:.3f})" if last else ""))
    return 0
