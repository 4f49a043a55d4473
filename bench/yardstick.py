"""What trivial generators score on the yardstick, and how the C2ST classifier was chosen (issue 11).

Part 1 (default): on built-in textures (128 held-out real clips of 16384 samples), ``evaluate`` of
four "generators" that are not trained on anything: a fresh real set (another seed: a perfect
generator), spectrum-matched noise made from *other* real clips (a generator that learned only the
mean spectrum), pink noise, and optionally an untrained SpecGAN (``--specgan``, needs TensorFlow).
Prints FD (value, floor, x floor, score on the spectrum-noise and pink scales) and C2ST, each mean ± sd
over 3 splits.

Part 2 (``--classifiers``): C2ST accuracy of candidate classifiers on graded differences (white noise
at 30 and 20 dB SNR, a 5 kHz low-pass, time reversal, a set of which half is spectrum noise, the
SpecGAN Griffin–Lim round trip) and real vs real, mean ± sd over 3 splits of 128 vs 128 clips.

Run: ``python bench/yardstick.py [--textures vowels babble rain] [--specgan] [--classifiers [--trees]]``.
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from common import pm

SAMPLES = 16384


def _pm(values: list[float]) -> str:
    return pm(values, ".3g", ".2g")


def _untrained_specgan(real: np.ndarray, n: int) -> np.ndarray:
    from gcdg_lite.train import TrainConfig, fit

    run = fit(real[:64], TrainConfig(model="specgan", steps=0), out=None, progress=False)
    return run.sample(n, seed=1)


def anchors(textures: list[str], n: int, specgan: bool) -> None:
    from gcdg_lite.data import texture
    from gcdg_lite.metrics import evaluate, pink_noise, spectrum_noise
    from gcdg_lite.metrics.reference import clip_rms

    print(f"{'texture':<8}{'generator':<16}{'fd':>20}{'floor':>18}{'x floor':>16}{'score':>18}"
          f"{'score (pink)':>18}{'c2st':>18}{'c2st floor':>18}")
    for name in textures:
        real = texture(name, n, seed=0, samples=SAMPLES)
        other = texture(name, n, seed=1, samples=SAMPLES)
        gens = {"fresh real": other,
                "mean spectrum": spectrum_noise(texture(name, n, seed=2, samples=SAMPLES), n, seed=3,
                                                rms=clip_rms(other)),
                "pink noise": pink_noise(n, SAMPLES, seed=4, rms=clip_rms(other))}
        if specgan:
            gens["untrained SpecGAN"] = _untrained_specgan(other, n)
        for g, fake in gens.items():
            t0 = time.perf_counter()
            r = evaluate(real, fake, seed=0, splits=3)
            fd, c = r["fd"], r["c2st"]
            ps = fd["per_split"]
            print(f"{name:<8}{g:<16}{_pm(ps['value']):>20}{_pm(ps['floor']):>18}"
                  f"{fd['x_floor']:>8.3g} ± {fd['x_floor_sd']:<5.2g}"
                  f"{fd['score']:>10.3g} ± {fd['score_sd']:<5.2g}{fd['score_pink']:>10.3g} ± "
                  f"{fd['score_pink_sd']:<5.2g}{_pm(c['per_split']['value']):>18}"
                  f"{_pm(c['per_split']['floor']):>18}   ({time.perf_counter() - t0:.0f} s)")


def classifiers(textures: list[str], m: int = 128, trees: bool = False) -> None:
    from scipy import signal
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    from gcdg_lite import features as F
    from gcdg_lite.data import texture
    from gcdg_lite.metrics import c2st_features, spectrum_noise
    from gcdg_lite.metrics.reference import clip_rms

    models = {
        "logreg C=0.1 (chosen)": lambda: make_pipeline(
            StandardScaler(), LogisticRegression(C=0.1, solver="liblinear", random_state=0)),
        "RBF SVM C=1": lambda: make_pipeline(StandardScaler(), SVC(C=1.0)),
        "RBF SVM C=3": lambda: make_pipeline(StandardScaler(), SVC(C=3.0)),
    }
    if trees:  # about 100x slower than the others (12 minutes per texture on 2 cores)
        models["boosted trees"] = lambda: HistGradientBoostingClassifier(max_iter=100, max_depth=3,
                                                                         random_state=0)
    rng = np.random.default_rng(0)
    for name in textures:
        real = texture(name, 2 * m, seed=0, samples=SAMPLES)
        fresh = texture(name, m, seed=1, samples=SAMPLES)
        rms = clip_rms(fresh)[:, None]
        gl = F.spec_to_audio(np.asarray(F.stft_logmag(fresh, 256, 128)), 256, 128, 32, samples=SAMPLES)
        cases = {
            "noise 30 dB": fresh + rms * 10 ** (-30 / 20) * rng.standard_normal(fresh.shape),
            "noise 20 dB": fresh + rms * 10 ** (-20 / 20) * rng.standard_normal(fresh.shape),
            "low-pass 5k": signal.sosfiltfilt(signal.butter(4, 5000, fs=16000, output="sos"), fresh, axis=1),
            "reversed": fresh[:, ::-1].copy(),
            "half noise": np.concatenate([fresh[: m // 2], spectrum_noise(
                real[:m], m - m // 2, seed=9, rms=clip_rms(fresh[m // 2:]))]),
            "Griffin-Lim": gl,
        }
        f_real = c2st_features(real)
        f_case = {k: c2st_features(v) for k, v in cases.items()}
        print(f"\n{name}: C2ST accuracy, mean ± sd over 3 splits of {m} vs {m} clips")
        print(f"{'classifier':<24}" + "".join(f"{k:>16}" for k in ["real vs real", *cases]) + "   time")
        for label, make in models.items():
            t0 = time.perf_counter()
            cols = {k: [] for k in ["real vs real", *cases]}
            for s in range(3):
                perm = np.random.default_rng([0, s]).permutation(2 * m)
                ref, probe = f_real[perm[:m]], f_real[perm[m:]]
                cv = StratifiedKFold(5, shuffle=True, random_state=s)
                for k, other in [("real vs real", probe), *f_case.items()]:
                    x, y = np.concatenate([ref, other]), np.r_[np.zeros(m), np.ones(len(other))]
                    cols[k].append(cross_val_score(make(), x, y, cv=cv).mean())
            print(f"{label:<24}" + "".join(f"{_pm(v):>16}" for v in cols.values())
                  + f"  {time.perf_counter() - t0:5.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--textures", nargs="+", default=["vowels", "babble", "rain"])
    ap.add_argument("--n", type=int, default=128, help="clips per set (default 128)")
    ap.add_argument("--specgan", action="store_true", help="also score an untrained SpecGAN")
    ap.add_argument("--classifiers", action="store_true", help="run part 2 instead of part 1")
    ap.add_argument("--trees", action="store_true", help="part 2: also gradient-boosted trees (slow)")
    args = ap.parse_args()
    if args.classifiers:
        classifiers(args.textures, trees=args.trees)
    else:
        anchors(args.textures, args.n, args.specgan)


if __name__ == "__main__":
    main()
