"""What the benchmark scripts share: the machine, child processes, the data, the two training recipes, the scores.

Every script in ``bench/`` imports what it shares with another script from here, and from no other
script (``tests/test_bench_imports.py`` checks it). Run as ``python bench/NAME.py``, a script's folder
is on ``sys.path``, so ``from common import ...`` finds this file; importing it puts this checkout first
on ``sys.path``, so the scripts time the ``gcdg_lite`` beside them.

Nothing here imports numpy, TensorFlow or ``gcdg_lite`` at import time: a script may still set what
those read when they load (BLAS threads, ``TF_ENABLE_ONEDNN_OPTS``) after importing this module.

* the machine: :func:`utc_now`, :func:`cpu_model`, :func:`load`;
* child processes: :func:`child_env` (the TensorFlow settings a child starts with), :class:`Worker`
  (a long-running child spoken to line by line);
* the data: :data:`SETS`, :data:`JUDGES`, :func:`prepare`, :func:`load_sets` (``bench/quality.py``'s
  speech folders), :func:`training_examples` (what ``fit`` makes of clips);
* the two training recipes timed and scored side by side: :func:`tutorial`, :func:`trainer`;
* the scores: :func:`score`, :func:`fmt`, :func:`pm`.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

#: this folder, and the checkout it belongs to
BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
if REPO not in sys.path:
    sys.path.insert(0, REPO)

#: what the three speech folders hold: (texture, corpus seed)
SETS = {"tuning": ("speech", 0), "same_voices": ("speech", 1), "heldout": ("speech_heldout", 0)}
#: the held-out sets every generator is scored against, and their labels: two made by eSpeak NG and, where
#: Debian's ``flite`` is installed, a third made by another engine (``bench/flite_set.py``)
JUDGES = {"same_voices": "held-out clips, tuning voices", "heldout": "speech_heldout (other voices)"}
if shutil.which("flite"):
    JUDGES["flite"] = "Flite voices (another engine)"
#: clips per speech folder
N_CLIPS = 256


# ---------------------------------------------------------------------- the machine
def utc_now() -> str:
    """The time now, as the benchmarks' first line prints it: ``2026-12-02 21:33 UTC``."""
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())


def cpu_model() -> str:
    """The CPU's name, its widest SIMD and whether it has bf16 units (what decides ``precision="auto"``)."""
    import platform

    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            text = fh.read()
    except OSError:
        return platform.processor() or platform.machine()
    name = next((ln.split(":", 1)[1].strip() for ln in text.splitlines() if ln.startswith("model name")), "?")
    bf16 = "avx512_bf16" in text or "amx_bf16" in text
    simd = "avx512f" if "avx512f" in text else "avx2" if "avx2" in text else "no avx2"
    return f"{name} ({simd}, {'with' if bf16 else 'no'} bf16 units)"


def load() -> str:
    """The 1-, 5- and 15-minute load averages: ``"2.3/2.1/1.9"``."""
    return "/".join(f"{v:.1f}" for v in os.getloadavg())


# ---------------------------------------------------------------------- child processes
def child_env(mode: str) -> dict:
    """The environment a child process starts with (TensorFlow reads it at import), for a oneDNN
    ``mode``: "default" (TensorFlow's own), "on" (``TF_ENABLE_ONEDNN_OPTS=1``) or "cli" (what
    ``python -m gcdg_lite`` sets)."""
    env = dict(os.environ)
    env.pop("TF_ENABLE_ONEDNN_OPTS", None)
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    if mode == "on":
        env["TF_ENABLE_ONEDNN_OPTS"] = "1"
    elif mode == "cli":
        from gcdg_lite.cli import tensorflow_environment

        saved = dict(os.environ)
        os.environ.pop("TF_ENABLE_ONEDNN_OPTS", None)
        tensorflow_environment()  # exactly the settings `python -m gcdg_lite train` starts TensorFlow with
        env.update({k: os.environ[k] for k in ("TF_ENABLE_ONEDNN_OPTS", "TF_CPP_MIN_LOG_LEVEL")})
        os.environ.clear()
        os.environ.update(saved)
    return env


class Worker:
    """A long-running child process spoken to one line at a time (stdin: commands, stdout: replies)."""

    def __init__(self, name: str, cmd: list[str], env: dict):
        self.name = name
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
                                     env=env)

    def send(self, line: str) -> None:
        """Write one command line to the child."""
        self.proc.stdin.write(line + "\n")

    def expect(self, prefix: str) -> str:
        """The rest of the child's next output line that starts with ``prefix`` (other lines are skipped)."""
        for line in self.proc.stdout:
            if line.startswith(prefix):
                return line[len(prefix):].strip()
        raise RuntimeError(f"{self.name}: child exited (status {self.proc.wait()}) before {prefix!r}")


# ---------------------------------------------------------------------- the data
def prepare(work: str, n: int = N_CLIPS) -> dict[str, str]:
    """Write the three :data:`SETS` folders into ``work/data`` with ``python -m gcdg_lite corpus``, and the
    Flite judge's with ``bench/flite_set.py`` when it is a judge (each skipped when it already holds ``n``
    clips); returns their paths by set name."""
    def missing(folder: str) -> bool:
        return not (os.path.isdir(folder) and len([f for f in os.listdir(folder) if f.endswith(".wav")]) >= n)

    paths = {}
    for name, (texture, seed) in SETS.items():
        folder = os.path.join(work, "data", name)
        if missing(folder):
            subprocess.run([sys.executable, "-m", "gcdg_lite", "corpus", "--texture", texture, "--n", str(n),
                            "--seed", str(seed), "--out", folder, "--force"], check=True, capture_output=True)
        paths[name] = folder
    if "flite" in JUDGES:
        folder = os.path.join(work, "data", "flite")
        if missing(folder):
            subprocess.run([sys.executable, os.path.join(BENCH, "flite_set.py"), "--out", folder, "--n", str(n),
                            "--seed", "0"], check=True)
        paths["flite"] = folder
    else:
        print("# flite is not installed: the third judge (another engine) is left out; apt-get install flite",
              flush=True)
    return paths


def load_sets(paths: dict[str, str]) -> dict:
    """Each folder of :func:`prepare` as ``(n, samples)`` float32 clips, by set name."""
    from gcdg_lite.data import load_source

    return {name: load_source(folder) for name, folder in paths.items()}


def training_examples(waves, source: str | None = None, **options) -> tuple:
    """``(config, examples, specnorm)``: ``TrainConfig(**options)`` resolved on the clips ``waves``
    (``(n, samples)``; ``source`` the data source they came from, if any), D's training examples and
    (specgan) the spectrogram normalisation, as ``fit`` makes them (``specnorm`` None otherwise)."""
    from gcdg_lite.train import TrainConfig, examples

    config = TrainConfig(**options).resolve(waves, source=source)
    return (config, *examples(waves, config))


def _examples_of(data: str, **options) -> tuple:
    """:func:`training_examples` of the clips the source ``data`` gives as the CLI loads it (``builtin:``:
    its default clip count, seed 0; a folder: every clip)."""
    from gcdg_lite.data import load_source

    return training_examples(load_source(data), source=data, **options)


# ---------------------------------------------------------------------- the two recipes
def tutorial(model: str, batch: int, loss: str, data: str = "builtin:vowels", beta_2: float = 0.9, seed: int = 0):
    """A plain tutorial-style loop; returns ``run(steps)``.

    The TensorFlow DCGAN-tutorial loop: a ``tf.function`` step with two GradientTapes (both players'
    gradients from one forward pass; D called on the real and the fake batch), batches from a
    ``tf.data`` iterator (shuffle, repeat, batch, prefetch), for specgan from the same normalised
    spectrograms the trainer uses. Adam 2e-4 with beta_1 0.5 for both players; ``beta_2`` 0.9 (default)
    as the trainer's config, for a like-for-like throughput comparison; ``bench/quality.py --compare``
    passes Keras' default 0.999, the recipe's own. ``run.generator`` is G, ``run.config`` the resolved
    config of the same model and data, ``run.specnorm`` (specgan) the normalisation of D's examples, so
    the recipe's samples can be turned into audio the way a run's are.
    """
    import keras
    import tensorflow as tf

    from gcdg_lite import losses, models

    config, examples, norm = _examples_of(data, model=model, batch=batch, loss=loss, seed=seed)
    keras.utils.set_random_seed(seed)
    G, D = models.build(model, **config.model_kwargs)
    spec = losses.get_loss(loss)
    opt_g = keras.optimizers.Adam(2e-4, beta_1=0.5, beta_2=beta_2)
    opt_d = keras.optimizers.Adam(2e-4, beta_1=0.5, beta_2=beta_2)
    ds = tf.data.Dataset.from_tensor_slices(examples).shuffle(len(examples), seed=seed).repeat()
    it = iter(ds.batch(batch, drop_remainder=True).prefetch(tf.data.AUTOTUNE))
    noise_dim = G.inputs[0].shape[-1]

    @tf.function
    def train_step(real):
        z = tf.random.normal([batch, noise_dim])
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            fake = G(z, training=True)
            real_out = D(real, training=True)
            fake_out = D(fake, training=True)
            g_loss = spec.generator_loss(fake_out)
            d_loss = spec.discriminator_loss(real_out, fake_out)
        opt_g.apply_gradients(zip(gen_tape.gradient(g_loss, G.trainable_variables), G.trainable_variables))
        opt_d.apply_gradients(zip(disc_tape.gradient(d_loss, D.trainable_variables), D.trainable_variables))
        return g_loss, d_loss

    def run(steps):
        for _ in range(steps):
            g, d = train_step(next(it))
        float(g), float(d)  # wait for the last step, as a loop that logs its losses would

    run.generator, run.config, run.specnorm = G, config, norm
    return run


def trainer(model: str, batch: int, loss: str, data: str = "builtin:vowels", **options):
    """gcdg_lite's engine as ``fit`` builds and calls it (``TrainConfig(**options)``, metrics fetched once
    per compiled call); returns ``run(steps)``; ``run.engine``, ``run.config`` and ``run.specnorm`` as
    for :func:`tutorial`."""
    from gcdg_lite.train import Engine

    config, examples, norm = _examples_of(data, model=model, batch=batch, loss=loss, **options)
    engine = Engine(config, examples)
    spc = config.steps_per_call

    def run(steps):
        done = 0
        while done < steps:
            rows = engine.train(min(spc, steps - done))  # numpy metrics, as fit's loop fetches them
            done += len(rows)

    run.engine, run.config, run.specnorm = engine, config, norm
    return run


def cli_options(flags: list[str]) -> dict:
    """The ``TrainConfig`` options that ``python -m gcdg_lite train ... FLAGS`` would apply (the CLI's own
    parser), e.g. ``["--model", "phasegan", "--lr-d", "1e-4"]`` -> ``{"model": "phasegan", "lr_d": 0.0001}``."""
    from gcdg_lite.cli import build_parser, train_cmd

    return train_cmd.options(build_parser().parse_args(["train", "--data", "x", "--out", "x", *flags]))


# ---------------------------------------------------------------------- the scores
def score(real, fake) -> dict:
    """The three target numbers of ``gcdg_lite.metrics.evaluate(real, fake)`` (3 splits), each with its
    sd over splits, the clips' RMS, and the same numbers for the protocol's mean-spectrum anchor."""
    import numpy as np

    from gcdg_lite.metrics import evaluate

    r = evaluate(real, fake, seed=0, splits=3)
    fd, c2 = r["fd"], r["c2st"]
    noise_x = [a / f for a, f in zip(fd["per_split"]["spectrum_noise"], fd["per_split"]["floor"])]
    return {"x_floor": fd["x_floor"], "x_floor_sd": fd["x_floor_sd"], "score": fd["score"],
            "score_sd": fd["score_sd"], "c2st": c2["value"], "c2st_sd": c2["value_sd"],
            "c2st_floor": c2["floor"], "fd_floor": fd["floor"],
            "mean_spectrum": {"x_floor": float(np.mean(noise_x)), "score": 1.0,
                              "c2st": c2["anchors"]["spectrum_noise"]["value"]},
            "rms": float(np.sqrt(np.mean(fake ** 2))), "rms_real": float(np.sqrt(np.mean(real ** 2)))}


def fmt(s: dict) -> str:
    """One line of a :func:`score`: FD x floor, FD score, C2ST (with its floor) and RMS."""
    return (f"FD {s['x_floor']:.1f} ± {s['x_floor_sd']:.1f} x floor, score {s['score']:.3f} ± {s['score_sd']:.3f}, "
            f"c2st {s['c2st']:.3f} ± {s['c2st_sd']:.3f} (floor {s['c2st_floor']:.2f}); rms {s['rms']:.3f} "
            f"(real {s['rms_real']:.3f})")


def pm(values: list[float], mean_fmt: str = ".3f", sd_fmt: str | None = None) -> str:
    """``"mean ± sd"`` of ``values`` (sd with ddof 1), each written with its format spec (``sd_fmt``
    defaults to ``mean_fmt``); one value is written alone, since it has no spread to show."""
    import numpy as np

    if len(values) == 1:
        return f"{values[0]:{mean_fmt}}"
    sd = float(np.std(values, ddof=1))
    return f"{np.mean(values):{mean_fmt}} ± {sd:{sd_fmt or mean_fmt}}"
