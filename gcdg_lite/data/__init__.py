"""Audio data: the built-in corpus (procedural and text-to-speech), the user's folders, ``tf.data``.

* :mod:`.corpus` — ``texture(name, n, seed, sr, samples)``, ``list_textures()``, ``TEXTURES``,
  ``synth_vowel`` (chapter 1);
* :mod:`.speech` — the text-to-speech textures ``speech``, ``speech_heldout`` and ``babble`` (eSpeak NG):
  ``speak(text, voice)``, ``speech_voices(split)``, ``pseudo_sentence`` (chapter 1);
* :mod:`.loader` — ``load_folder(path, ...) -> ClipSet`` (chapter 4);
* :mod:`.source` — ``load_source("builtin:NAME" | path)``: the one reader of ``fit``, ``train`` and
  ``evaluate`` (chapter 4);
* :mod:`.write` — ``write_corpus(texture, n, out)``: clips as WAV files (``python -m gcdg_lite corpus``);
* :mod:`.pipeline` — ``make_dataset(clips, batch, seed)`` (chapter 4);
* :mod:`.signal` — what they share: fades, peak normalisation, ``frame_levels``.

Imports go one way, down to :mod:`.signal`, which imports nothing else of the package::

    signal  <-  speech  <-  corpus  <-  source  ->  loader  ->  signal
                                        write   ->  corpus

Names are imported lazily: ``import gcdg_lite.data`` is instant (the command line's ``--help`` and
``inspect`` need no scipy); the corpus imports ``scipy.signal`` (about 1.7 s) when a texture is first
made, and TensorFlow is imported only when :func:`make_dataset` runs.
"""
from __future__ import annotations

import importlib
from typing import Any

from .. import public as _public

__all__ = _public(__name__)

#: the modules the public names live in, cheapest first: a name is looked up in them in this order
_PARTS = ("signal", "loader", "source", "write", "pipeline", "corpus", "speech")


def __getattr__(name: str) -> Any:
    if name in __all__:
        for part in _PARTS:
            module = importlib.import_module(f".{part}", __name__)
            if hasattr(module, name):
                globals()[name] = value = getattr(module, name)
                return value
    raise AttributeError(f"module 'gcdg_lite.data' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(__all__) | set(_PARTS))
