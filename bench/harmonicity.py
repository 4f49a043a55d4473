"""What FD on band statistics cannot hear: the harmonicity metric beside the FD score (issue 25, item 3).

Usage::

    python bench/harmonicity.py                      # vowels and speech_heldout, 128 clips, every row
    python bench/harmonicity.py --judges vowels --no-pretrained --no-specgan
    python bench/harmonicity.py --speed-only         # only the timing

For each judge — 128 held-out real clips of 16384 samples at 16 kHz, the clips the shipped generator of that
name is scored on (``gcdg_lite.pretrained.judge_clips``: ``vowels`` seed 1; ``speech_heldout`` seed 0) —
``gcdg_lite.metrics.evaluate`` (seed 0, 3 splits) scores these sets of 128 clips:

* **fresh real**: another seed of the same texture (``vowels`` seed 2, ``speech_heldout`` seed 1);
* **mean spectrum**: noise with the average magnitude spectrum of a third real set (seed 3 / 2), each clip at
  the loudness of a fresh real clip (``metrics.spectrum_noise``; the yardstick's "1");
* **random phase**: the fresh real clips with their own STFT magnitudes and random phase
  (``metrics.random_phase``, n_fft 512, hop 128);
* **Griffin-Lim**: the fresh real clips through the SpecGAN path alone (``|STFT|`` at the geometry of
  16384-sample clips, n_fft 256 and hop 128 -> ``SpecNorm`` -> back -> ``features.spec_to_audio`` with the
  package's defaults: 32 iterations, oversampling 2): what a SpecGAN that made perfect spectrograms sounds like;
* **untrained SpecGAN** (``--no-specgan`` to skip): the default SpecGAN at step 0, latent seed 1;
* **shipped generator** (``--no-pretrained`` to skip): ``gcdg_lite.pretrained.load(name).sample(128, seed=1)``
  (``speech`` is judged on ``speech_heldout``).

Printed per set: the FD score (0 = real, 1 = mean-spectrum noise), FD over its floor, C2ST accuracy, the
harmonicity distance (1-D Wasserstein distance between frame HNRs, dB) with its real-vs-real floor and score
on the same 0-to-1 scale, and the set's voiced fraction, median frame HNR and median f0. Then the timing:
``metrics.harmonicity`` on 128 one-second clips (16000 samples), and ``evaluate`` of 128 vs 128 one-second
clips with the seconds it spent on harmonicity (its ``timings``: frames of 640 clips, the distances), 3
times each. A JSON line ``RESULT {...}`` ends the output.
"""
from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

from common import cpu_model, load, utc_now

SAMPLES = 16384
LATENT_SEED = 1
#: judge -> (texture, seed of the judged clips, seed of the fresh real set, seed of the mean-spectrum source)
JUDGES = {"vowels": ("vowels", 1, 2, 3), "speech_heldout": ("speech_heldout", 0, 1, 2)}
#: the shipped generator judged on each judge
SHIPPED = {"vowels": "vowels", "speech_heldout": "speech"}


def griffin_lim(clips: np.ndarray) -> np.ndarray:
    """``clips`` through the SpecGAN path alone: log |STFT| -> SpecNorm -> back -> Griffin-Lim."""
    from gcdg_lite import defaults, features

    g = features.specgan_geometry(clips.shape[1])
    norm = features.SpecNorm.from_clips(clips, n_fft=g.n_fft, hop=g.hop)
    logmag = features.logmag_chunks(clips, g.n_fft, g.hop)
    back = norm.denormalise(norm.normalise(logmag))
    return features.spec_to_audio(back, n_fft=g.n_fft, hop=g.hop, n_iter=defaults.GRIFFIN_LIM_ITERS,
                                  samples=clips.shape[1], oversample=defaults.GRIFFIN_LIM_OVERSAMPLE)


def untrained_specgan(real: np.ndarray, n: int) -> np.ndarray:
    from gcdg_lite.train import TrainConfig, fit

    run = fit(real[:64], TrainConfig(model="specgan", steps=0), out=None, progress=False)
    return run.sample(n, seed=LATENT_SEED)


def sets_of(judge: str, n: int, specgan: bool, pretrained: bool) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The judged real clips and every set scored against them."""
    from gcdg_lite.data import texture
    from gcdg_lite.metrics import random_phase, spectrum_noise
    from gcdg_lite.metrics.reference import clip_rms

    name, seed, fresh_seed, noise_seed = JUDGES[judge]
    real = texture(name, n, seed=seed, samples=SAMPLES)
    fresh = texture(name, n, seed=fresh_seed, samples=SAMPLES)
    out = {"fresh real": fresh,
           "mean spectrum": spectrum_noise(texture(name, n, seed=noise_seed, samples=SAMPLES), n, seed=3,
                                           rms=clip_rms(fresh)),
           "random phase": random_phase(fresh, seed=0),
           "Griffin-Lim": griffin_lim(fresh)}
    if specgan:
        out["untrained SpecGAN"] = untrained_specgan(fresh, n)
    if pretrained:
        from gcdg_lite import pretrained as P

        if SHIPPED[judge] in P.available():
            out[f"shipped {SHIPPED[judge]}"] = P.load(SHIPPED[judge]).sample(n, seed=P.LATENT_SEED)
    return real, out


def row(r: dict) -> dict:
    fd, c, h = r["fd"], r["c2st"], r["harmonicity"]
    fake = h["sets"]["fake"]
    return {"fd_score": fd["score"], "fd_score_sd": fd["score_sd"], "fd_x_floor": fd["x_floor"],
            "c2st": c["value"], "c2st_floor": c["floor"],
            "hnr_w1_db": h["value"], "hnr_w1_sd": h["value_sd"], "hnr_w1_floor_db": h["floor"],
            "hnr_w1_spectrum_noise_db": h["anchors"]["spectrum_noise"]["value"],
            "hnr_score": h["score"], "hnr_score_sd": h["score_sd"],
            "voiced_fraction": fake["voiced_fraction"], "hnr_db": fake["hnr_db"], "f0_hz": fake["f0_hz"],
            "real": h["sets"]["real"]}


def quality(judges: list[str], n: int, specgan: bool, pretrained: bool) -> dict:
    from gcdg_lite.metrics import evaluate

    out = {}
    head = (f"| set | FD score | FD / floor | C2ST | HNR distance (dB) | its floor | harmonicity score "
            f"| voiced | median HNR (dB) | f0 (Hz) |")
    for judge in judges:
        real, sets = sets_of(judge, n, specgan, pretrained)
        out[judge] = {}
        print(f"\n{judge}: {n} real clips; evaluate, seed 0, 3 splits", flush=True)
        print(head + "\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        real_line = None
        for name, fake in sets.items():
            t0 = time.perf_counter()
            r = row(evaluate(real, fake, seed=0, splits=3))
            out[judge][name] = r
            if real_line is None:
                s = r["real"]
                real_line = (f"| (the judged real clips) | | | | | | | {s['voiced_fraction']:.2f} | "
                             f"{s['hnr_db']:+.1f} | {s['f0_hz'] or float('nan'):.0f} |")
                print(real_line)
            f0 = "—" if r["f0_hz"] is None else f"{r['f0_hz']:.0f}"
            print(f"| {name} | {r['fd_score']:.3f} ± {r['fd_score_sd']:.3f} | {r['fd_x_floor']:.1f} | "
                  f"{r['c2st']:.2f} | {r['hnr_w1_db']:.2f} ± {r['hnr_w1_sd']:.2f} | {r['hnr_w1_floor_db']:.2f} | "
                  f"{r['hnr_score']:.3f} ± {r['hnr_score_sd']:.3f} | {r['voiced_fraction']:.2f} | "
                  f"{r['hnr_db']:+.1f} | {f0} |   ({time.perf_counter() - t0:.0f} s)", flush=True)
    return out


def speed(n: int = 128, samples: int = 16000, repeats: int = 3) -> dict:
    """Seconds of ``harmonicity`` on ``n`` clips, and its share of ``evaluate`` (``timings``: same run)."""
    from gcdg_lite.data import texture
    from gcdg_lite.metrics import evaluate, harmonicity

    real = texture("vowels", n, seed=1, samples=samples)
    fake = texture("vowels", n, seed=2, samples=samples)
    harmonicity(real[:2])  # imports librosa once
    alone, runs = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        harmonicity(real)
        alone.append(time.perf_counter() - t0)
        t: dict[str, float] = {}
        t0 = time.perf_counter()
        evaluate(real, fake, seed=0, splits=3, timings=t)
        runs.append({"total": time.perf_counter() - t0,
                     "harmonicity": t["harmonicity_features"] + t["harmonicity"]})
    print(f"\nharmonicity of {n} clips of {samples} samples: " + ", ".join(f"{v:.2f}" for v in alone) + " s")
    print(f"evaluate {n} vs {n}, 3 splits (640 clips' frames): " + "; ".join(
        f"{r['total']:.1f} s, of which harmonicity {r['harmonicity']:.2f} s ({100 * r['harmonicity'] / r['total']:.0f} %)"
        for r in runs) + f" (load {load()})", flush=True)
    return {"clips": n, "samples": samples, "harmonicity_s": alone, "evaluate": runs}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--judges", nargs="+", default=list(JUDGES), choices=list(JUDGES))
    ap.add_argument("--n", type=int, default=128, help="clips per set (default 128)")
    ap.add_argument("--no-specgan", action="store_true", help="skip the untrained SpecGAN")
    ap.add_argument("--no-pretrained", action="store_true", help="skip the shipped generators")
    ap.add_argument("--speed-only", action="store_true", help="only the timing")
    args = ap.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    started = {"started": utc_now(), "cpu": cpu_model(), "cpus": os.cpu_count(), "load_before": load()}
    print(f"# {started['started']}; {started['cpu']}, {started['cpus']} CPUs; load {started['load_before']}",
          flush=True)
    res = {} if args.speed_only else quality(args.judges, args.n, not args.no_specgan, not args.no_pretrained)
    res["speed"] = speed()
    print("RESULT " + json.dumps({**started, **res, "load_after": load()}, default=float))


if __name__ == "__main__":
    main()
