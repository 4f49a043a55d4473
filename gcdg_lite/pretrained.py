"""Generators trained longer than a chapter can afford, shipped with the package (chapter 4).

``gl.pretrained.load("speech")`` returns a :class:`Pretrained` whose :meth:`Pretrained.sample` makes clips
like a trained run's, offline (the weights are package data, a few MB, stored as float16 and checked
against their SHA-256 before use), in Colab as on a laptop.

Each entry of :data:`INDEX` (``gcdg_lite/pretrained_models/index.json``) records how it was made: the exact
``python -m gcdg_lite train`` command (re-runnable: ``tools/make_pretrained.py`` runs it, exports the EMA
generator with :func:`export` and scores it), the training time, and its scores on held-out clips of its
texture (FD score, FD as a multiple of its floor and C2ST on ``n_eval`` clips, and a small ``check`` score
that ``tests/test_pretrained.py`` recomputes to the recorded value).
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import public as _public
from .errors import ConfigError, RunError

__all__ = _public(__name__)

#: the folder of the shipped generators (package data)
FOLDER = Path(__file__).with_name("pretrained_models")
#: its index: name -> entry (see :func:`entries`)
INDEX = FOLDER / "index.json"
#: the held-out clips a generator is judged on: name -> (texture, seed); any other name: its texture, seed 1
JUDGE = {"speech": ("speech_heldout", 0)}
#: latent seed of the clips a generator is scored with
LATENT_SEED = 1


def entries(folder: "str | os.PathLike" = FOLDER) -> dict[str, dict[str, Any]]:
    """The index of ``folder``: name -> its entry (model, model options, file, sha256, command, scores).

    Notebook: 04_code_example.ipynb.
    """
    index = Path(folder) / "index.json"
    if not index.is_file():
        return {}
    return json.loads(index.read_text(encoding="utf-8"))


def available(folder: "str | os.PathLike" = FOLDER) -> list[str]:
    """Names of the shipped generators, e.g. ``["rain", "speech", "vowels"]``.

    Notebook: 04_code_example.ipynb.
    """
    return sorted(entries(folder))


@dataclass
class Pretrained:
    """A shipped generator and the record of how it was made.

    Attributes:
        name: its name in the index (the texture it was trained on).
        entry: the index entry: ``model``, ``model_kwargs``, ``samples``, ``sr``, ``steps``, ``command``,
            ``train_cpu_s``, ``precision`` (the one it trained in), ``scores`` and the file's ``sha256``.
        generator: the Keras generator, noise ``(n, noise_dim)`` -> waves ``(n, samples)``.
    """

    name: str
    entry: dict[str, Any]
    generator: Any = field(repr=False)

    @property
    def sr(self) -> int:
        """Sample rate in Hz."""
        return int(self.entry["sr"])

    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        """``n`` clips ``(n, samples)`` float32 in [-1, 1], the same for the same ``seed``.

        The noise is drawn as a run draws it (``gcdg_lite.train.latent``), 64 clips per call.
        """
        from .train.step import latent

        z = latent(int(n), int(seed), int(self.generator.inputs[0].shape[-1]))
        out = [np.asarray(self.generator(z[i:i + 64], training=False), np.float32) for i in range(0, len(z), 64)]
        clips = np.concatenate(out) if out else np.zeros((0, int(self.entry["samples"])), np.float32)
        if clips.ndim == 4:  # a generator of codes (phasegan, critic="image")
            from .phase import decode, phase_geometry

            clips = decode(clips, phase_geometry(int(self.entry["samples"]))).numpy()
        return np.clip(clips.reshape(len(clips), -1), -1.0, 1.0)


def judge_clips(name: str, n: int, samples: int) -> np.ndarray:
    """``n`` held-out real clips ``(n, samples)`` that generator ``name`` is scored against (:data:`JUDGE`):
    ``speech_heldout`` (other voices and languages) for ``speech``, seed 1 of the texture otherwise."""
    from .data import texture

    kind, seed = JUDGE.get(name, (name, 1))
    return texture(kind, n=n, seed=seed, samples=samples)


def score(gen: Pretrained, n: int = 128, splits: int = 3) -> dict[str, float]:
    """``gcdg_lite.metrics.evaluate`` of ``n`` clips of ``gen`` (latent seed :data:`LATENT_SEED`) against ``n``
    held-out real clips (:func:`judge_clips`), over ``splits`` splits.

    Notebook: 04_code_example.ipynb.

    Returns:
        ``n``, ``splits``, ``fd_score`` (0 = real, 1 = spectrum-matched noise), ``fd_x_floor`` (FD over its
        real-vs-real floor), ``c2st`` (0.5 = indistinguishable) and ``c2st_floor``, each the mean over the
        splits with its standard deviation as ``KEY_sd`` (0 for one split), rounded to 4 digits.
    """
    from .metrics import evaluate

    real = judge_clips(gen.name, n, int(gen.entry["samples"]))
    r = evaluate(real, gen.sample(n, seed=LATENT_SEED), seed=0, splits=splits)
    out: dict[str, float] = {"n": n, "splits": splits}
    for key, (group, field) in {"fd_score": ("fd", "score"), "fd_x_floor": ("fd", "x_floor"),
                                "c2st": ("c2st", "value"), "c2st_floor": ("c2st", "floor")}.items():
        out[key] = round(float(r[group][field]), 4)
        out[key + "_sd"] = round(float(r[group][field + "_sd"]), 4) if splits > 1 else 0.0
    return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load(name: str, folder: "str | os.PathLike" = FOLDER) -> Pretrained:
    """The shipped generator ``name`` (see :func:`available`), its weights checked against their SHA-256.

    Notebook: 04_code_example.ipynb.

    Raises:
        ConfigError: no generator of that name (names the ones there are).
        RunError: its file is missing or damaged (names it; reinstall the package).
    """
    from .models import build_resolved, resolve_config

    index = entries(folder)
    if name not in index:
        raise ConfigError(f"no pretrained generator {name!r}; choose one of: {', '.join(sorted(index)) or 'none'}")
    entry = index[name]
    path = Path(folder) / entry["file"]
    if not path.is_file() or _sha256(path) != entry["sha256"]:
        raise RunError(f"{path}: missing or damaged (its SHA-256 differs from the index); reinstall gcdg_lite "
                       "or run tools/make_pretrained.py again")
    generator, _ = build_resolved(entry["model"], resolve_config(entry["model"], entry["model_kwargs"]))
    with np.load(path) as saved:
        names = [w.path for w in generator.weights]
        if sorted(saved.files) != sorted(_keys(names)):
            raise RunError(f"{path}: its weights do not fit a {entry['model']} generator with "
                           f"{entry['model_kwargs']}; run tools/make_pretrained.py again")
        generator.set_weights([saved[k].astype(np.float32) for k in _keys(names)])
    return Pretrained(name, entry, generator)


def _keys(names: list[str]) -> list[str]:
    """npz keys for weight paths, in the generator's order (``/`` is not allowed in an npz key)."""
    return [f"{i:03d}_{n.replace('/', '.')}" for i, n in enumerate(names)]


def export(generator: Any, name: str, entry: dict[str, Any], folder: "str | os.PathLike" = FOLDER) -> Path:
    """Save ``generator``'s weights as float16 into ``folder/NAME.npz`` and record ``entry`` in the index.

    ``entry`` holds what :func:`load` needs (``model``, ``model_kwargs``, ``samples``, ``sr``) and the record
    (``command``, ``steps``, ``train_cpu_s``, ``scores``); ``file`` and ``sha256`` are filled in here. Both files
    are written atomically.

    Returns:
        the path of the weights file.
    """
    from .train.folder import write_atomic

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.npz"
    arrays = {k: np.asarray(w.numpy(), np.float16) for k, w in zip(_keys([w.path for w in generator.weights]),
                                                                     generator.weights)}
    write_atomic(str(path), lambda fh: np.savez_compressed(fh, **arrays), mode="wb")
    index = entries(folder)
    index[name] = {**entry, "file": path.name, "sha256": _sha256(path)}
    text = json.dumps(index, indent=2, sort_keys=True) + "\n"
    write_atomic(str(folder / "index.json"), lambda fh: fh.write(text), encoding="utf-8")
    return path
