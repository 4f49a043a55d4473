"""Audio data: the built-in corpus (procedural and text-to-speech), the user's folders, ``tf.data``.

* :mod:`.corpus` — ``texture(name, n, seed, sr, samples)``, ``list_textures()``, ``TEXTURES``,
  ``synth_vowel`` (chapter 1);
* :mod:`.speech` — the text-to-speech textures ``speech``, ``speech_heldout`` and ``babble`` (eSpeak NG):
  ``speak(text, voice)``, ``speech_voices(split)``, ``pseudo_sentence`` (chapter 1);
* :mod:`.checks` — ``as_audio``, ``check_int``, ``MAX_SAMPLES``: input checks shared by the data functions;
* :mod:`.loader` — ``load_folder(path, ...) -> ClipSet`` and ``load_source("builtin:NAME" | path)``
  (chapter 4);
* :mod:`.pipeline` — ``make_dataset(clips, batch, seed, start_step)``, ``batch_indices`` (chapter 4).

Names are imported lazily: ``import gcdg_lite.data`` is instant, scipy is imported with the
corpus and TensorFlow only when :func:`make_dataset` runs.
"""
from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    **dict.fromkeys(["TEXTURES", "VOWELS", "Texture", "list_textures", "synth_vowel", "texture"], "corpus"),
    **dict.fromkeys(["AUDIO_EXTENSIONS", "ClipSet", "FileReport", "LoadReport", "frame_levels", "load_folder",
                     "load_source", "silent_fraction", "slice_clips"], "loader"),
    **dict.fromkeys(["speak", "speech_voices", "pseudo_sentence"], "speech"),
    **dict.fromkeys(["MAX_SAMPLES", "as_audio", "check_int"], "checks"),
    **dict.fromkeys(["batch_indices", "epoch_permutation", "make_dataset"], "pipeline"),
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'gcdg_lite.data' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(__all__) | {"checks", "corpus", "loader", "pipeline", "speech"})
