"""Quality of the CLI defaults on speech, and time to quality against the tutorial recipe (issue 11).

Usage::

    python bench/quality.py                        # target 5: 3 seeds x the CLI defaults, <= 10 min each
    python bench/quality.py --seeds 0 --tag aug -- --augment none     # one lever: CLI flags after --
    python bench/quality.py --ceiling              # only the anchors and the inversion ceiling
    python bench/quality.py --compare              # item 6: tutorial recipe vs our defaults, side by side
    python bench/quality.py --compare -- --model phasegan --lr-d 1e-4   # the tutorial against another recipe
    python bench/quality.py --rescore RUN [RUN ...]  # finished runs scored again on every judge

**Data** (written once into ``--work``, by ``python -m gcdg_lite corpus``): the *tuning set*, 256
one-second clips (16384 samples at 16 kHz) of the built-in ``speech`` texture (seed 0), given to
``train`` as a folder; 256 held-out clips of the *same voices* (``speech``, seed 1: other sentences,
rates and pitches); 256 clips of ``speech_heldout`` (seed 0: other languages, speakers and words;
nothing is trained or tuned on it — it is the judge); and, where Debian's ``flite`` is installed, 256 clips
of **another engine**'s voices (``bench/flite_set.py``: CMU Flite, four 16 kHz voices, sentences of its
own), a third judge that shares neither voices nor synthesiser with the tuning set.

**Targets** (default mode): for each ``--seeds`` seed, ``python -m gcdg_lite train --data TUNING
--seed S --out RUN --quiet`` with nothing else (plus ``--steps`` if given, and the flags after ``--``), the whole
command timed; it is stopped (Ctrl-C: the trainer saves the step it reached) once ``--minutes`` have
passed. The run's latest checkpoint draws 128 clips (latent seed 1), scored by
``gcdg_lite.metrics.evaluate`` (3 splits) against each held-out set. Printed per seed and as mean ± sd
over the seeds: FD as a multiple of its real-vs-real floor, the spectrum-matched FD score (0 = real,
1 = noise with the real mean spectrum), and the C2ST accuracy (0.5 = indistinguishable). Anchors on
the same yardstick: the mean-spectrum generator (the protocol's spectrum-matched noise), the
untrained generator (the same config at step 0, seed 0), 128 training clips themselves (a generator
that copied the tuning set: on ``speech_heldout`` this is the gap between the voices, which no
generator of the tuning voices can close), and the inversion ceiling — 128 *real*
tuning clips sent through the SpecGAN path alone (``|STFT|`` -> ``SpecNorm`` -> back ->
``features.spec_to_audio`` with the run's settings): what a SpecGAN that made perfect spectrograms
would score. CPU time of the training command and the load average are recorded with every run.

**Compare** (``--compare``): two long-running processes train on the tuning set, in turns of
``--interval`` seconds of training each (so a changing load hits both alike): the tutorial recipe
(``bench/common.py``'s ``tutorial()``, as ``bench/throughput.py`` times it: one ``tf.function`` step
with two tapes, non-saturating cross-entropy, Adam 2e-4, beta_1 0.5, Keras' default beta_2 0.999, no
EMA, no augmentation, TensorFlow's default settings, float32) and our defaults (the engine exactly as
``python -m gcdg_lite train`` builds it: ``TrainConfig()``, the CLI's TensorFlow settings; CLI flags after
``--`` change it, e.g. ``-- --model phasegan --lr-d 1e-4``, and then ours trains with them). After every
turn both draw 128 clips (same latent points; SpecGAN's spectrograms through the same Griffin-Lim inversion, a
waveform model's clips as it makes them) scored on ``speech_heldout``. The tutorial stops at
``--tutorial-steps`` (1000); we report the best FD score it reached, when (training seconds), and when
our defaults first reached it: the ratio is the target (>= 3x). With ``--ours-seconds S`` ours goes on in
turns of its own after the tutorial has stopped, until it has trained ``S`` seconds (a slower recipe may
reach the tutorial's best later, or never).

Prints one line per run or turn, then a JSON line ``RESULT {...}``.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np

from common import (JUDGES, Worker, child_env, cli_options, cpu_model, fmt, load, load_sets, pm, prepare, score, trainer,
                    training_examples, tutorial, utc_now)

LATENT_SEED = 1


# ---------------------------------------------------------------------- anchors
def inversion_ceiling(clips: np.ndarray, config, norm) -> np.ndarray:
    """Real ``clips`` through the SpecGAN path alone: |STFT| -> SpecNorm -> back -> spec_to_audio."""
    from gcdg_lite import features

    logmag = features.logmag_chunks(clips, config.n_fft, config.hop)
    back = norm.denormalise(norm.normalise(logmag))
    return features.spec_to_audio(back, n_fft=config.n_fft, hop=config.hop, n_iter=config.griffin_lim_iters,
                                  samples=clips.shape[1], oversample=config.griffin_lim_oversample)


def anchors(sets: dict[str, np.ndarray], config, norm) -> dict:
    """Untrained generator (``config`` at step 0) and the inversion ceiling, scored on both judges."""
    from gcdg_lite.train import TrainConfig, fit

    cfg0 = TrainConfig.from_options({"steps": 0, "seed": 0}, base=config)  # the run config, untrained
    untrained = fit(sets["tuning"], cfg0, out=None, progress=False).sample(128, seed=LATENT_SEED)
    out = {"untrained": {j: score(sets[j], untrained) for j in JUDGES},
           "tuning_clips": {j: score(sets[j], sets["tuning"][:128]) for j in JUDGES}}
    if config.model == "specgan":
        ceiling = inversion_ceiling(sets["tuning"][:128], config, norm)
        out["inversion_ceiling"] = {j: score(sets[j], ceiling) for j in JUDGES}
    return out


# ---------------------------------------------------------------------- target 5: the CLI defaults
def train_cli(data: str, out: str, steps: int | None, seed: int, minutes: float, extra: list[str]) -> dict:
    """``python -m gcdg_lite train`` as a new user runs it (``steps=None``: the CLI's default), stopped after
    ``minutes``; its costs."""
    cmd = [sys.executable, "-m", "gcdg_lite", "train", "--data", data, "--seed", str(seed),
           *(["--steps", str(steps)] if steps is not None else []), "--out", out, "--quiet", "--overwrite", *extra]
    before, load0 = os.times(), load()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stopped = False
    try:
        _, err = proc.communicate(timeout=60 * minutes)
    except subprocess.TimeoutExpired:
        stopped = True
        proc.send_signal(signal.SIGINT)  # the trainer saves the step it reached
        _, err = proc.communicate()
    wall = time.perf_counter() - t0
    after = os.times()
    if proc.returncode != 0 and not stopped:
        raise SystemExit(f"train failed:\n{err[-3000:]}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "stopped_at_limit": stopped,
            "load_before": load0, "load_after": load()}


def targets(args, extra: list[str]) -> dict:
    from gcdg_lite.train import load_run

    paths = prepare(args.work)
    sets = load_sets(paths)
    runs, anchor = [], None
    for seed in args.seeds:
        out = os.path.join(args.work, "runs", f"{args.tag}_s{seed}")
        cost = train_cli(paths["tuning"], out, args.steps, seed, args.minutes, extra)
        run = load_run(out)
        fake = run.sample(128, seed=LATENT_SEED)
        scores = {j: score(sets[j], fake) for j in JUDGES}
        runs.append({"seed": seed, "steps": run.step, **cost, "scores": scores})
        print(f"seed {seed}: {run.step} steps in {cost['wall_s'] / 60:.1f} min wall ({cost['cpu_s']:.0f} s CPU; load "
              f"{cost['load_before']} before, {cost['load_after']} after)", flush=True)
        for j, label in JUDGES.items():
            print(f"    {label:<32} {fmt(scores[j])}", flush=True)
        if anchor is None and not args.no_anchors:
            anchor = anchors(sets, run.config, run.specnorm)
    summary = {j: {k: pm([r["scores"][j][k] for r in runs], ".2f" if k == "x_floor" else ".3f")
                   for k in ("x_floor", "score", "c2st")} for j in JUDGES}
    print(f"\n{args.tag}: mean ± sd over seeds {args.seeds} ({np.mean([r['steps'] for r in runs]):.0f} steps, "
          f"{np.mean([r['wall_s'] for r in runs]) / 60:.1f} min wall on average)")
    for j, label in JUDGES.items():
        s = summary[j]
        print(f"    {label:<32} FD {s['x_floor']} x floor, score {s['score']}, c2st {s['c2st']}")
    if anchor:
        for name, by_judge in anchor.items():
            for j, label in JUDGES.items():
                print(f"    anchor {name:<18} {label:<32} {fmt(by_judge[j])}")
        for j, label in JUDGES.items():
            m = runs[0]["scores"][j]["mean_spectrum"]
            print(f"    anchor mean spectrum      {label:<32} FD {m['x_floor']:.1f} x floor, score 1 by "
                  f"definition, c2st {m['c2st']:.3f}")
    return {"tag": args.tag, "extra": extra, "runs": runs, "summary": summary, "anchors": anchor}


def rescore(args) -> dict:
    """Score finished runs again on every judge of today (e.g. a judge added after they trained): each
    run's latest checkpoint draws the same 128 clips (latent seed 1) as when it was first scored."""
    from gcdg_lite.train import load_run

    sets = load_sets(prepare(args.work))
    runs = []
    for out in args.rescore:
        run = load_run(out)
        fake = run.sample(128, seed=LATENT_SEED)
        scores = {j: score(sets[j], fake) for j in JUDGES}
        runs.append({"run": out, "model": run.config.model, "steps": run.step, "scores": scores})
        print(f"{out}: {run.config.model}, {run.step} steps", flush=True)
        for j, label in JUDGES.items():
            print(f"    {label:<32} {fmt(scores[j])}", flush=True)
    return {"rescored": runs}


def ceiling_only(args) -> dict:
    sets = load_sets(prepare(args.work))
    config, _, norm = training_examples(sets["tuning"])
    anchor = anchors(sets, config, norm)
    for name, by_judge in anchor.items():
        for j, label in JUDGES.items():
            print(f"{name:<18} {label:<32} {fmt(by_judge[j])}")
    return {"anchors": anchor}


# ---------------------------------------------------------------------- item 6: time to quality
def child(recipe: str, data: str, out_dir: str, flags: list[str]) -> None:
    """Serve one recipe over stdin/stdout: ``train SECONDS MAX_STEPS`` -> ``DONE steps seconds``;
    ``sample NAME`` -> writes ``out_dir/NAME.npy`` (128 clips) -> ``SAMPLED``; ``quit``. ``flags`` (ours
    only): the CLI flags given after ``--`` (e.g. ``--model phasegan --lr-d 1e-4``), applied over the defaults."""
    from gcdg_lite import features
    from gcdg_lite.train import Run, latent

    if recipe == "tutorial":
        run = tutorial("specgan", 32, "non_saturating", data=data, beta_2=0.999)
    else:
        options = cli_options(flags)
        run = trainer(options.pop("model", "specgan"), 32, options.pop("loss", "non_saturating"), data=data,
                      **options)
    config, norm = run.config, run.specnorm
    z = latent(128, LATENT_SEED, 100)
    chunk = 1 if recipe == "tutorial" else config.steps_per_call
    steps, seconds = 0, 0.0
    print("READY", flush=True)
    for line in sys.stdin:
        cmd = line.split()
        if cmd[0] == "train":
            budget, max_steps = float(cmd[1]), int(cmd[2])
            t0 = time.perf_counter()
            while time.perf_counter() - t0 < budget and steps < max_steps:
                k = min(chunk, max_steps - steps)
                run(k)
                steps += k
            seconds += time.perf_counter() - t0
            print(f"DONE {steps} {seconds:.3f}", flush=True)
        elif cmd[0] == "sample":
            if recipe == "tutorial":
                spec = run.generator(z, training=False).numpy()[..., 0]
                audio = features.spec_to_audio(norm.denormalise(spec), n_fft=config.n_fft, hop=config.hop,
                                               n_iter=config.griffin_lim_iters, samples=config.samples,
                                               oversample=config.griffin_lim_oversample)
                audio = np.clip(audio, -1.0, 1.0).astype(np.float32)
            else:  # exactly what Run.sample does for a trained run
                audio = Run("<in memory>", config, run.engine, norm).generate(z)
            np.save(os.path.join(out_dir, cmd[1] + ".npy"), audio)
            print("SAMPLED", flush=True)
        elif cmd[0] == "quit":
            return


class Recipe(Worker):
    """One recipe's process (:func:`child`), with the TensorFlow settings it is timed with."""

    def __init__(self, recipe: str, data: str, out_dir: str, flags: list[str] = ()):
        super().__init__(recipe, [sys.executable, __file__, "--child", recipe, "--data", data, "--work", out_dir,
                                  "--", *flags], child_env("default" if recipe == "tutorial" else "cli"))
        self.out_dir = out_dir
        self.steps, self.seconds, self.curve = 0, 0.0, []

    def train(self, seconds: float, max_steps: int) -> None:
        self.send(f"train {seconds} {max_steps}")
        steps, secs = self.expect("DONE ").split()
        self.steps, self.seconds = int(steps), float(secs)

    def sample(self) -> np.ndarray:
        name = f"{self.name}_{self.steps:06d}"
        self.send(f"sample {name}")
        self.expect("SAMPLED")
        return np.load(os.path.join(self.out_dir, name + ".npy"))

    def quit(self) -> None:
        self.send("quit")
        self.proc.wait()


def compare(args, flags: list[str]) -> dict:
    paths = prepare(args.work)
    sets = load_sets(paths)
    out_dir = os.path.join(args.work, "compare")
    os.makedirs(out_dir, exist_ok=True)
    tut, ours = Recipe("tutorial", paths["tuning"], out_dir), Recipe("ours", paths["tuning"], out_dir, flags)
    for r in (tut, ours):
        r.expect("READY")
    print(f"# {utc_now()}; turns of {args.interval:.0f} s; tutorial "
          f"recipe to {args.tutorial_steps} steps; scored on speech_heldout", flush=True)
    turn = 0
    while tut.steps < args.tutorial_steps or ours.seconds < args.ours_seconds:
        going = [r for r in ((tut, ours) if turn % 2 == 0 else (ours, tut))
                 if r is ours or r.steps < args.tutorial_steps]  # the tutorial stops at its last step
        for r in going:
            r.train(args.interval, args.tutorial_steps if r is tut else 10**9)
        for r in going:
            s = score(sets["heldout"], r.sample())
            r.curve.append({"steps": r.steps, "train_s": round(r.seconds, 1), "load": load(), **s})
            print(f"turn {turn + 1} {r.name:<8} {r.steps:5d} steps {r.seconds:6.0f} s  {fmt(s)}  load {load()}",
                  flush=True)
        turn += 1
    for r in (tut, ours):
        r.quit()
    result = {"tutorial": tut.curve, "ours": ours.curve}
    for key in ("score", "x_floor", "c2st"):
        best = min(tut.curve, key=lambda c: c[key])
        reach = next((c for c in ours.curve if c[key] <= best[key]), None)
        line = (f"{key}: tutorial's best {best[key]:.3f} at {best['train_s']:.0f} s ({best['steps']} steps); ours "
                + (f"reached {reach[key]:.3f} at {reach['train_s']:.0f} s ({reach['steps']} steps): "
                   f"{best['train_s'] / reach['train_s']:.1f}x sooner" if reach else "never reached it in this run"))
        print(line)
        result[f"time_to_{key}"] = {"tutorial_best": best, "ours_reached": reach,
                                    "ratio": best["train_s"] / reach["train_s"] if reach else None}
    return result


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--work", default="/tmp/gcdg_quality", help="folder for the data, runs and samples")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--steps", type=int, help="--steps given to train (default: none given, the CLI's own)")
    p.add_argument("--minutes", type=float, default=10.0, help="stop a training command after this long")
    p.add_argument("--tag", default="defaults", help="name of the runs (folder RUNS/TAG_sSEED)")
    p.add_argument("--no-anchors", action="store_true", help="skip the untrained generator and the ceiling")
    p.add_argument("--ceiling", action="store_true", help="only the anchors and the inversion ceiling")
    p.add_argument("--rescore", nargs="+", metavar="RUN", help="score finished run folders on every judge")
    p.add_argument("--compare", action="store_true", help="time to quality: tutorial recipe vs ours")
    p.add_argument("--interval", type=float, default=60.0, help="--compare: training seconds per turn")
    p.add_argument("--tutorial-steps", type=int, default=1000)
    p.add_argument("--ours-seconds", type=float, default=0.0,
                   help="--compare: go on training ours (alone) until it has trained this long")
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--data", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        child(args.child, args.data, args.work, extra)
        return 0
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    started = {"started": utc_now(), "load_before": load(), "cpu": cpu_model(), "cpus": os.cpu_count()}
    print(f"# {started['started']}; {started['cpu']}, {started['cpus']} CPUs; load {started['load_before']}",
          flush=True)
    res = (compare(args, extra) if args.compare else ceiling_only(args) if args.ceiling else rescore(args) if args.rescore
           else targets(args, extra))
    print("RESULT " + json.dumps({**started, **res, "load_after": load()}, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())
