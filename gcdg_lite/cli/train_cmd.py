"""``python -m gcdg_lite train`` — train a GAN into a run folder (chapter 4; chapter 5 for the options).

Examples::

    python -m gcdg_lite train --data builtin:vowels --out runs/vowels
    python -m gcdg_lite train --data my_wavs/ --model wavegan --loss wgan_gp --steps 2000 --out runs/mine
    python -m gcdg_lite train --out runs/vowels --resume --steps 4000   # on to 4000 steps in all

``--steps`` is the run's TOTAL: resuming a run stopped at 1200 with ``--steps 2000`` trains 800 more.
Every option has a default except ``--data`` (not needed with ``--resume``) and ``--out``. The defaults
are :mod:`gcdg_lite.defaults`', which ``gcdg_lite.train.TrainConfig`` reads too, so ``train --data D --out R``
trains the same run as ``gcdg_lite.train.fit("D", out="R")``. With ``--resume`` an option left out keeps the saved value, and
one that would change how the run computes (the model, the loss, a learning rate, the data...) is
refused; ``--steps``, ``--ckpt-every`` and ``--sample-every`` may change.
"""
from __future__ import annotations

import argparse
from typing import Any, Callable, Mapping

from .. import defaults as D

#: flag -> TrainConfig field, for the flags that map one to one
FIELDS = {"loss": "loss", "model": "model", "r1": "r1", "n_critic": "n_critic", "steps": "steps", "batch": "batch",
          "seed": "seed", "lr_g": "lr_g", "lr_d": "lr_d", "ema": "ema", "clips": "n_clips",
          "ckpt_every": "ckpt_every", "sample_every": "sample_every", "update": "update", "precision": "precision",
          "augment": "augment", "r1_every": "r1_every", "griffin_lim_oversample": "griffin_lim_oversample",
          "feature_matching": "feature_matching"}
#: the losses ``--loss`` offers (``gcdg_lite.losses.LOSSES``; an unknown name is refused with the list)
LOSS_NAMES = ("gcdg", "minimax", "non_saturating", "wgan_gp", "hinge")


def per_model(values: Mapping[str, Any], show: Callable[[Any], str] = str) -> str:
    """A per-model default in words, the default model first: ``"2400 for specgan, 1000 for seed_mlp and wavegan"``.

    Models missing from ``values`` (an option they do not have) are left out.
    """
    groups: dict[str, list[str]] = {}
    for model in sorted(values, key=lambda m: m != D.MODEL):
        groups.setdefault(show(values[model]), []).append(model)
    return ", ".join(f"{text} for {' and '.join(models)}" for text, models in groups.items())


def _option(name: str) -> dict[str, Any]:
    """Model option ``name``'s default per model (models without it left out)."""
    return {m: cfg[name] for m, cfg in D.MODEL_CONFIGS.items() if name in cfg}


def add_parser(sub) -> argparse.ArgumentParser:
    """Register the ``train`` sub-command on ``sub`` (an argparse sub-parsers object).

    Every default the help text states is read from :mod:`gcdg_lite.defaults` (which imports no TensorFlow).
    """
    p = sub.add_parser("train", help="train a GAN on built-in or your own audio into a run folder",
                       description=__doc__.split("\n\n")[0])
    others = [m for m in D.MODEL_CONFIGS if m != D.MODEL]
    losses = [n for n in LOSS_NAMES if n != D.LOSS]
    critic = ", ".join(f"{n} for {loss}" for loss, n in D.N_CRITIC.items())
    # every default is None here ("not given"): TrainConfig supplies it, or the saved run on --resume
    p.add_argument("--data", help="builtin:TEXTURE (e.g. builtin:vowels) or a folder of audio files; "
                   "optional with --resume (the run's own source is reused)")
    p.add_argument("--out", required=True, help="run folder to create (or continue with --resume)")
    p.add_argument("--model", help=f"architecture: {D.MODEL} (default), {', '.join(others[:-1])} or {others[-1]}")
    p.add_argument("--loss", help=f"GAN loss: {D.LOSS} (default), {', '.join(losses[:-1])} or {losses[-1]}")
    p.add_argument("--r1", type=float, help=f"R1 penalty gamma on real clips (default {D.R1:g} = off)")
    p.add_argument("--r1-every", type=int, help="lazy R1: apply the penalty (times N) every N steps only "
                   f"(default {D.R1_EVERY} = every step)")
    p.add_argument("--feature-matching", type=float, help="weight W of feature matching in G's loss: G's batch "
                   "compared with a real one by the means of D's hidden activations (default "
                   f"{D.FEATURE_MATCHING:g} = off; e.g. 1)")
    p.add_argument("--augment", help="DiffAugment of everything D sees: a comma-separated subset of shift, "
                   f"mask, gain, or none (default: {per_model(D.AUGMENT)})")
    p.add_argument("--n-critic", type=int, help=f"D updates per G update (default: the loss's, {critic}, else 1)")
    p.add_argument("--steps", type=int, help="total generator updates of the run (default "
                   f"{per_model(D.STEPS)}; on --resume the saved total)")
    p.add_argument("--batch", type=int, help=f"clips per batch (default {D.BATCH})")
    p.add_argument("--seed", type=int, help=f"random seed (default {D.SEED})")
    p.add_argument("--width", "-d", type=int, help=f"model width multiplier d (default {per_model(_option('d'))}; "
                   f"not for {', '.join(m for m in D.MODEL_CONFIGS if 'd' not in D.MODEL_CONFIGS[m])})")
    p.add_argument("--lr", type=float, help=f"learning rate of both G and D (default {D.LR:g})")
    p.add_argument("--lr-g", type=float, help="learning rate of G (overrides --lr)")
    p.add_argument("--lr-d", type=float, help="learning rate of D (overrides --lr)")
    p.add_argument("--ema", type=float, help="EMA decay of G's weights, e.g. 0.99; 0 = off "
                   f"(default {per_model(D.EMA, lambda v: f'{v:g}' if v else 'off')})")
    p.add_argument("--samples", type=int, help=f"clip length in samples (default {D.SAMPLES})")
    p.add_argument("--spectral-norm", choices=["on", "off"], help="spectral normalisation of every layer of D "
                   f"(wavegan, specgan, phasegan; default: "
                   f"{per_model(_option('spectral_norm'), lambda v: 'on' if v else 'off')})")
    p.add_argument("--pixel-noise", choices=["on", "off"], help="phasegan: per-pixel noise of learned scale "
                   "before G's output, a way to make the random phase of noisy textures (default: "
                   f"{per_model(_option('noise'), lambda v: 'on' if v else 'off')})")
    p.add_argument("--minibatch-std", choices=["on", "off"], help="phasegan: give the critic the batch's spread "
                   "as one more channel (ProGAN, GANSynth), against a generator that makes one clip for every z "
                   f"(default: {per_model(_option('mbstd'), lambda v: 'on' if v else 'off')})")
    p.add_argument("--critic", choices=["wave", "image"], help="phasegan: D judges the wave G makes, re-analysed "
                   "by the same STFT (wave), or G's own log-magnitude and IF codes, as in GANSynth (image); "
                   f"default: {per_model(_option('critic'))}")
    p.add_argument("--upsample", choices=["transpose", "nearest"], help="G's up-sampling: transposed "
                   "convolutions or nearest-neighbour repeat + convolution (wavegan, specgan; default: "
                   f"{per_model(_option('upsample'))})")
    p.add_argument("--stft-heads", type=_heads, metavar="N,N,...", help="wavegan, phasegan: add critic heads that judge "
                   "log-magnitude STFTs of these FFT lengths, e.g. 512,256,128 (default none)")
    p.add_argument("--clips", type=int, help=f"clips drawn from the data (default: {D.BUILTIN_CLIPS} built-in "
                   "clips, every clip of a folder)")
    p.add_argument("--ckpt-every", type=int, help=f"checkpoint every N steps (default {D.CKPT_EVERY}; 0 = only at "
                   "the end)")
    p.add_argument("--sample-every", type=int, help=f"write sample WAVs every N steps (default {D.SAMPLE_EVERY}"
                   f"{' = off' if not D.SAMPLE_EVERY else ''})")
    p.add_argument("--update", choices=D.UPDATES,
                   help="alternating: D step, then G step on fresh noise, the textbook algorithm; simultaneous: "
                        "both players' gradients from one forward pass, as in the TensorFlow DCGAN tutorial (more "
                        f"steps/s on CPU, see bench/README.md; needs n_critic 1). Default: {D.UPDATE}")
    p.add_argument("--precision", choices=D.PRECISIONS,
                   help=f"dtype policy (default {D.PRECISION}); auto is float32, or mixed_bfloat16 on a CPU "
                        "with bf16 units")
    p.add_argument("--griffin-lim-oversample", type=int, help="specgan sampling: Griffin-Lim on frames "
                   f"interpolated to hop/K (default {D.GRIFFIN_LIM_OVERSAMPLE}; 1 = the generated frames; may "
                   "change on --resume)")
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
    """The ``TrainConfig`` options the user gave on the command line (flags left out are absent).

    ``fit`` applies them over the defaults (``TrainConfig``) or, with ``--resume``, over the saved run
    (``RunConfig.with_changes``).
    """
    given = {field: getattr(args, flag) for flag, field in FIELDS.items() if getattr(args, flag) is not None}
    if args.lr is not None:
        given.setdefault("lr_g", args.lr)
        given.setdefault("lr_d", args.lr)
    sn = None if args.spectral_norm is None else args.spectral_norm == "on"
    noise = None if args.pixel_noise is None else args.pixel_noise == "on"
    mbstd = None if args.minibatch_std is None else args.minibatch_std == "on"
    kwargs = {k: v for k, v in (("d", args.width), ("samples", args.samples), ("spectral_norm", sn),
                                ("upsample", args.upsample), ("stft_heads", args.stft_heads), ("noise", noise),
                                ("critic", args.critic), ("mbstd", mbstd))
              if v is not None}
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
