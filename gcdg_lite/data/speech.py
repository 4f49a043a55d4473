"""Real speech on board: the ``speech``, ``speech_heldout`` and ``babble`` textures (chapter 1).

The clips are made by **eSpeak NG** (version 1.52), a formant-synthesis text-to-speech engine that
the ``espeakng-loader`` package ships as a compiled library with its voice data (``pip install
espeakng-loader``; nothing is downloaded at run time). We drive the library through :mod:`ctypes`
in its synchronous mode: the engine hands every block of 16-bit samples (22 050 Hz, mono) to a
Python callback, so audio is made in memory, with no sound device and no temporary file.

**Voices.** An eSpeak voice is a *language* (its pronunciation rules and intonation, e.g. ``en-us``,
``de``) plus a *variant* (a speaker: pitch range, formant scaling, breathiness, e.g. ``m3`` or
``f2``), written ``"en-us+m3"``. The two speech textures use two disjoint :data:`SPLITS`:

* ``speech`` — the *tuning* split: languages en-us, en (British), de, es; variants m1, m2, m3, f1,
  f2, f3 (24 voices);
* ``speech_heldout`` — the *held-out* split: languages en-gb-x-rp, en-gb-scotland, fr, nl;
  variants m4, m5, m6, m7, f4, f5 (24 other voices).

No language, variant or content word is shared, so a result measured on ``speech_heldout`` after
tuning on ``speech`` is a result on voices and sentences the tuning never heard.

**Sentences** are pseudo-sentences built from this module's own word lists (:data:`WORDS`): phrases
of 2-5 words, mixing each language's function words with content words of the split, joined by
commas and ended by ``.``, ``?`` or ``!``, so that the engine reads them with sentence prosody. The
English content words are divided between the splits; the other languages belong to one split.

**One clip** (:func:`speech_clip`): draw a voice, a rate (115-165 words per minute: eSpeak's
default of 175 puts the syllable rhythm above 6 Hz, slower rates bring the envelope's modulation
peak to the 4-5 Hz of natural speech), a pitch (30-70 on eSpeak's 0-100 scale) and a pitch range
(30-90) from the clip's generator; write ``seconds * rate / 60 + 1`` words (about twice the clip's
length of speech); synthesise; take a **random crop** inside the utterance among the crops
that are mostly active: at least :data:`ACTIVE_FRACTION` (75 %) of their 10 ms frames lie within
:data:`ACTIVE_DB` (40 dB) of the utterance's loudest frame (if no crop qualifies, the most active
one); resample the crop to ``sr`` with soxr (high quality) and peak-normalise it to 0.9 like every
built-in texture.

**Babble** (:func:`babble_clip`) mixes 4-8 such crops of different tuning-split talkers.

**Determinism.** eSpeak NG keeps internal state from one utterance to the next that its API does
not reset (``espeak_Terminate`` followed by ``espeak_Initialize`` does not help), so the same text
said twice in one process differs by a few samples; and the breathy variants (f2, f3, f5) add
noise from the engine's own generator. The library is therefore closed and loaded again at the
start of every clip (about half a millisecond) and its noise generator seeded
(``espeak_ng_SetRandSeed``) from the clip's generator: clip ``i`` depends only on
``(seed, texture, i)`` and the same call gives bit-identical audio (on one machine; another CPU
may round the resampler differently). This needs the library to be loaded by this module only;
another package holding its own handle on ``libespeak-ng`` in the same process defeats the reload
(the engine warns once when it notices, on Linux).
"""
from __future__ import annotations

import ctypes
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..defaults import SR
from ..errors import ConfigError, DataError
from .signal import Params, finish, frame_levels

#: what to install when the engine is missing
INSTALL = "pip install espeakng-loader"
#: a crop is usable when at least this fraction of its 10 ms frames is active
ACTIVE_FRACTION = 0.75
#: a frame is active when its RMS is within this many dB of the utterance's loudest frame
ACTIVE_DB = 40.0
_MAX_NOISE_SEED = 2 ** 31 - 1  # the engine's seed is a C long; keep it portable
#: eSpeak's volume parameter (0-200, default 100); 50 keeps the loudest voices clear of int16 clipping
VOLUME = 50

# speak_lib.h constants
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_RATE, _VOLUME, _PITCH, _RANGE = 1, 2, 3, 4

_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


# ----------------------------------------------------------------------------------------------
# word lists and splits
# ----------------------------------------------------------------------------------------------

def _w(text: str) -> tuple[str, ...]:
    return tuple(text.split())


#: language -> (function words, content words); English has one content list per split
WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "function": _w("the a an of to in on at by for with from and but or so that this these some "
                       "every my your our their his her its is was will can may not very then when"),
        "tune": _w("garden window river morning table letter yellow quiet gentle bridge market winter "
                   "carry follow listen journey brother mountain paper basket silver candle forest kitchen "
                   "open quickly slowly bright narrow heavy simple village harbour pocket ladder orange "
                   "answer borrow remember wonder finish button pencil island meadow shadow thunder "
                   "station teacher family people number evening summer famous careful hungry clever "
                   "music picture story question moment healthy steady travel cotton wooden lonely "
                   "rabbit turtle pepper butter sugar coffee hammer wagon engine signal"),
        "heldout": _w("ocean valley castle doctor pillow copper blanket feather lantern orchard saddle "
                      "whisper gather wander polish tumble scatter measure balance harvest kettle "
                      "cabin tunnel dragon meadowlark velvet crimson purple silent sudden distant "
                      "ancient frozen golden hollow humble nervous patient rapid tender shallow "
                      "chimney pebble puzzle ribbon saucer thimble walnut acorn barrel canyon "
                      "dolphin falcon giraffe jacket lemon marble needle oyster parrot pumpkin "
                      "rocket salmon tiger violin zebra mirror compass anchor beacon lagoon"),
    },
    "de": {
        "function": _w("der die das ein eine und oder aber mit von zu im am auf für nicht sehr dann wenn ist war"),
        "tune": _w("Haus Garten Fenster Morgen Abend Wasser Straße Baum Blume Himmel Sonne Regen Winter "
                   "Sommer Brücke Stadt Schule Freund Kinder Tisch Stuhl Buch Brief Zeit Arbeit Musik "
                   "schön klein groß schnell langsam leise hell dunkel warm kalt alt neu gehen kommen "
                   "sehen hören lesen schreiben spielen singen laufen fahren bleiben bringen denken "
                   "Wald Berg Fluss Vogel Hund Katze Apfel Brot Käse Milch"),
    },
    "es": {
        "function": _w("el la los las un una y o pero con de del en por para no muy cuando es era"),
        "tune": _w("casa jardín ventana mañana tarde agua calle árbol flor cielo sol lluvia invierno "
                   "verano puente ciudad escuela amigo niños mesa silla libro carta tiempo trabajo "
                   "música bonito pequeño grande rápido lento suave claro oscuro caliente frío viejo "
                   "nuevo caminar venir mirar escuchar leer escribir jugar cantar correr viajar "
                   "quedar traer pensar bosque montaña río pájaro perro gato manzana pan queso leche"),
    },
    "fr": {
        "function": _w("le la les un une et ou mais avec de du dans sur pour pas très quand est était"),
        "heldout": _w("maison jardin fenêtre matin soir eau rue arbre fleur ciel soleil pluie hiver été "
                      "pont ville école ami enfants bureau chaise livre lettre temps travail musique "
                      "beau petit grand rapide lent doux clair sombre chaud froid vieux nouveau marcher "
                      "partir regarder écouter lire écrire jouer chanter courir voyager rester apporter "
                      "penser forêt montagne rivière oiseau chien chat pomme pain fromage lait"),
    },
    "nl": {
        "function": _w("de het een en of maar met van naar in op voor niet heel dan als is was"),
        "heldout": _w("huis tuin raam ochtend avond water straat boom bloem hemel zon wolk herfst zomer "
                      "brug stad school vriend kinderen tafel stoel boek krant tijd werk muziek mooi "
                      "smal groot snel langzaam zacht licht donker heet koud oud nieuw lopen komen "
                      "kijken luisteren lezen schrijven spelen zingen rennen reizen blijven brengen "
                      "dromen bos heuvel rivier meeuw hond kat appel brood kaas melk"),
    },
}


@dataclass(frozen=True)
class SpeechSplit:
    """One side of the tuning/held-out division: eSpeak ``languages`` x ``variants`` (speakers).

    ``words`` maps each language to its word-list key in :data:`WORDS` (``"en"`` for every English
    accent); the split's content words are ``WORDS[key][split]``.
    """

    name: str
    languages: tuple[str, ...]
    variants: tuple[str, ...]

    @property
    def voices(self) -> list[str]:
        """Every voice of the split, as eSpeak names ``"language+variant"``."""
        return [f"{lang}+{var}" for lang in self.languages for var in self.variants]

    def words(self, language: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """``(function words, content words)`` that sentences in ``language`` draw from."""
        table = WORDS[language.split("-")[0]]
        return table["function"], table[self.name]


#: the two disjoint splits: ``speech`` uses "tune", ``speech_heldout`` uses "heldout"
SPLITS: dict[str, SpeechSplit] = {
    "tune": SpeechSplit("tune", ("en-us", "en", "de", "es"), ("m1", "m2", "m3", "f1", "f2", "f3")),
    "heldout": SpeechSplit("heldout", ("en-gb-x-rp", "en-gb-scotland", "fr", "nl"),
                           ("m4", "m5", "m6", "m7", "f4", "f5")),
}


def _split(split: str) -> SpeechSplit:
    if split not in SPLITS:
        raise ConfigError(f"split={split!r} is unknown; use one of {', '.join(SPLITS)}")
    return SPLITS[split]


def speech_voices(split: str = "tune") -> list[str]:
    """The eSpeak voices (``"language+variant"``) of a split, ``"tune"`` or ``"heldout"``.

    Notebook: 01_background.ipynb.
    """
    return _split(split).voices


def pseudo_sentence(rng: np.random.Generator, language: str, split: str = "tune") -> str:
    """One pseudo-sentence in ``language`` from the split's word list.

    1-3 phrases joined by commas; a phrase is 2-5 words, each a function word (probability 0.35,
    never twice in a row, never last) or a content word; ends with ``.`` (80 %), ``?`` (15 %) or
    ``!`` (5 %). The words are real, the grammar is not: what matters for a texture is the sound.
    """
    function, content = _split(split).words(language)
    phrases = []
    for _ in range(int(rng.integers(1, 4))):
        k = int(rng.integers(2, 6))
        words, last_fn = [], False
        for j in range(k):
            use_fn = not last_fn and j < k - 1 and rng.random() < 0.35
            pool = function if use_fn else content
            words.append(str(pool[int(rng.integers(len(pool)))]))
            last_fn = use_fn
        phrases.append(" ".join(words))
    end = str(rng.choice([".", "?", "!"], p=[0.8, 0.15, 0.05]))
    text = ", ".join(phrases) + end
    return text[0].upper() + text[1:]


# ----------------------------------------------------------------------------------------------
# the engine
# ----------------------------------------------------------------------------------------------

def _missing(reason: str) -> DataError:
    return DataError(f"the speech textures need the eSpeak NG text-to-speech engine, which {reason}; "
                     f"install it with `{INSTALL}` (a wheel with the library and its voices, no download "
                     f"at run time) or use a procedural texture")


def _unload(handle: int) -> None:
    import _ctypes

    close = getattr(_ctypes, "dlclose", None) or getattr(_ctypes, "FreeLibrary", None)
    if close is not None:
        close(handle)


class _Engine:
    """One libespeak-ng, reloaded by :meth:`fresh` so that every clip starts from the same state."""

    def __init__(self) -> None:
        try:
            import espeakng_loader
        except ImportError:
            raise _missing("is not installed (Python package espeakng_loader)") from None
        try:
            self.lib_path = espeakng_loader.get_library_path()
            self.data_path = espeakng_loader.get_data_path()
        except Exception as exc:  # the loader raises RuntimeError for a broken install
            raise _missing(f"is installed incompletely ({exc})") from None
        self.lock = threading.RLock()
        self.lib: Any = None
        self.sr = 0
        self._chunks: list[np.ndarray] = []
        self._callback = _CALLBACK(self._collect)
        self.fresh()
        self._check_reload()

    def _check_reload(self) -> None:
        """Warn once when closing the library does not unload it (Linux: read /proc/self/maps).

        Another handle on libespeak-ng in this process (e.g. a phonemiser loaded through
        ``espeakng_loader.load_library()``) keeps its state alive between clips, so clips would no
        longer be bit-identical from call to call.
        """
        maps = Path("/proc/self/maps")
        if not maps.exists():
            return
        self.lib.espeak_Terminate()
        handle, self.lib = self.lib._handle, None
        _unload(handle)
        still = Path(self.lib_path).name in maps.read_text()
        self.fresh()
        if still:
            warnings.warn("libespeak-ng stays loaded when gcdg_lite closes it (another module holds it): "
                          "speech clips may differ slightly from call to call", RuntimeWarning, stacklevel=3)

    def _collect(self, wav: Any, n: int, events: Any) -> int:
        if wav and n > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(n,)).copy())
        return 0  # 0 = go on synthesising

    def fresh(self, seed: int = 0) -> None:
        """Close the library (if open) and load it again: a new engine with its initial state.

        ``seed`` seeds the engine's own noise generator (breathy variants such as f2, f3 and f5 add
        noise drawn from it; without a seed their audio depends on what was said before).
        """
        if self.lib is not None:
            self.lib.espeak_Terminate()
            handle, self.lib = self.lib._handle, None
            _unload(handle)
        try:
            lib = ctypes.CDLL(self.lib_path)
        except OSError as exc:
            raise _missing(f"failed to load ({exc})") from None
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                     ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
        sr = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 1000, self.data_path.encode(),
                                   _INITIALIZE_DONT_EXIT)
        if sr <= 0:
            raise _missing(f"could not start (espeak_Initialize returned {sr} with data {self.data_path})")
        lib.espeak_SetSynthCallback(self._callback)
        lib.espeak_ng_SetRandSeed.argtypes = [ctypes.c_long]
        lib.espeak_ng_SetRandSeed(int(seed))
        self.lib, self.sr = lib, int(sr)

    def say(self, text: str, voice: str, rate: int, pitch: int, pitch_range: int) -> np.ndarray:
        """Synthesise ``text``; returns int16 samples at :attr:`sr` (22 050 Hz)."""
        lib = self.lib
        if lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise ConfigError(f"voice={voice!r} is not an eSpeak NG voice; use 'language+variant' such as "
                              f"'en-us+m3' (see gcdg_lite.data.speech.speech_voices())")
        for param, value in ((_RATE, rate), (_PITCH, pitch), (_RANGE, pitch_range), (_VOLUME, VOLUME)):
            lib.espeak_SetParameter(param, int(value), 0)
        data = text.encode("utf-8")
        self._chunks = []
        status = lib.espeak_Synth(data, len(data) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
        if status != 0:
            raise DataError(f"eSpeak NG failed to synthesise {text[:40]!r} with voice {voice!r} "
                            f"(status {status}); reinstall it with `{INSTALL}`")
        return np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.int16)


_ENGINE: _Engine | None = None
_ENGINE_LOCK = threading.Lock()


def engine() -> _Engine:
    """The process's eSpeak NG engine, loaded on first use.

    Raises:
        DataError: ``espeakng-loader`` is missing or its library fails to load (says what to install).
    """
    global _ENGINE
    with _ENGINE_LOCK:
        if _ENGINE is None:
            _ENGINE = _Engine()
        return _ENGINE


def require_engine() -> None:
    """Raise the one :class:`DataError` that says what to install when the engine cannot load."""
    engine()


def _resample(x: np.ndarray, sr_in: int, sr: int) -> np.ndarray:
    """``x`` (float) from ``sr_in`` to ``sr`` Hz with soxr's high-quality filter."""
    import soxr

    return x if sr_in == sr else soxr.resample(x, sr_in, sr, quality="HQ")


def speak(text: str, voice: str = "en-us", rate: int = 175, pitch: int = 50, pitch_range: int = 50,
          sr: int = SR, seed: int = 0) -> np.ndarray:
    """Say ``text`` with eSpeak NG.

    Args:
        text: what to say (UTF-8; punctuation shapes the intonation).
        voice: an eSpeak voice, ``"language"`` or ``"language+variant"`` (e.g. ``"en-us+f2"``);
            see :func:`speech_voices`.
        rate: speaking rate in words per minute (80-450; default 175).
        pitch: base pitch on eSpeak's 0-100 scale (default 50; the variant sets what 50 means).
        pitch_range: intonation range, 0 (monotone) to 100 (default 50).
        sr: output sample rate in Hz (default 16000); the engine makes 22 050 Hz, soxr resamples.
        seed: seed of the engine's noise generator (the breath noise of breathy voices), 0..2**31-1.

    Returns:
        ``(length,)`` float32 in [-1, 1] at the engine's level (peaks around -6 dBFS), with the
        engine's own short silences at both ends. Same arguments, bit-identical audio.

    Raises:
        DataError: the engine is missing (says what to install). ConfigError: unknown voice or bad
        numbers.
    """
    for arg, value, lo, hi in (("rate", rate, 80, 450), ("pitch", pitch, 0, 100),
                               ("pitch_range", pitch_range, 0, 100), ("sr", sr, 1000, 384000),
                               ("seed", seed, 0, _MAX_NOISE_SEED)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or not lo <= value <= hi:
            raise ConfigError(f"{arg}={value!r} must be an integer in {lo}..{hi}")
    if not isinstance(text, str) or not text.strip():
        raise ConfigError(f"text={text!r} must be a non-empty string")
    eng = engine()
    with eng.lock:
        eng.fresh(seed)
        raw = eng.say(text, voice, rate, pitch, pitch_range)
    return _resample(raw / 32768.0, eng.sr, int(sr)).astype(np.float32)


# ----------------------------------------------------------------------------------------------
# clips
# ----------------------------------------------------------------------------------------------

def _crop_activity(x: np.ndarray, samples: int, sr: int) -> tuple[np.ndarray, np.ndarray, int]:
    """``(x zero-padded to >= samples, active fraction of the crop at every frame start, frame)``."""
    frame = max(1, sr // 100)
    x = np.pad(np.asarray(x, dtype=np.float64), (0, max(0, samples - len(x))))
    db = frame_levels(x[None, : len(x) // frame * frame], sr, frame / sr)[0]
    active = (db >= db.max() - ACTIVE_DB).astype(float)
    width = max(1, min(samples // frame, len(active)))
    first = np.arange((len(x) - samples) // frame + 1)
    csum = np.concatenate([[0.0], np.cumsum(active)])
    return x, (csum[np.minimum(first + width, len(active))] - csum[first]) / width, frame


def active_crop(rng: np.random.Generator, x: np.ndarray, samples: int, sr: int) -> tuple[np.ndarray, int, float]:
    """A random ``samples``-long crop of ``x`` that is mostly active speech (chapter 1).

    Frames of 10 ms are *active* when within :data:`ACTIVE_DB` of the loudest frame. Among the
    crops starting on a frame boundary whose active fraction is at least :data:`ACTIVE_FRACTION`,
    one is drawn uniformly; if none qualifies, the most active crop is taken. A signal shorter
    than ``samples`` is zero-padded at the end.

    Args:
        rng: the clip's generator (draws the crop).
        x: ``(length,)`` float signal.
        samples: crop length in samples.
        sr: sample rate of ``x`` in Hz.

    Returns:
        ``(crop (samples,) float64, start sample, active fraction of the crop)``.
    """
    x, frac, frame = _crop_activity(x, samples, sr)
    good = np.flatnonzero(frac >= ACTIVE_FRACTION)
    k = int(good[rng.integers(len(good))]) if len(good) else int(np.argmax(frac))
    start = k * frame
    return x[start: start + samples], start, float(frac[k])


def _text(rng: np.random.Generator, language: str, split: str, words: int) -> str:
    """Pseudo-sentences in ``language`` with ``words`` words in all (the last one cut to fit)."""
    sentences: list[str] = []
    left = words
    while left > 0:
        s = pseudo_sentence(rng, language, split).split()
        if len(s) > left:
            s = s[:left]
            function = set(SPLITS[split].words(language)[0])
            while len(s) > 1 and s[-1].strip(",.?!").lower() in function:
                s.pop()  # do not end on "the" or "and"
            s[-1] = s[-1].rstrip(",.?!") + "."
        sentences.append(" ".join(s))
        left -= len(s)
    return " ".join(sentences)


def _utterance(eng: _Engine, rng: np.random.Generator, split: SpeechSplit, seconds: float
               ) -> tuple[np.ndarray, Params]:
    """Draw a voice and a delivery and say enough text for ``seconds`` of clip plus a margin.

    The text holds ``seconds * rate / 60 + 1`` words (with its pauses and our long words eSpeak
    takes about 1.9 s for the 3-4 words of a one-second clip); an utterance in which no crop of
    ``seconds`` is mostly active (:func:`active_crop`) is said again with 50 % more words (at most
    4 times). Returns the utterance at the engine's rate (float64, full scale 1.0) and its
    parameters (``words``: how many were said).
    """
    language = str(split.languages[int(rng.integers(len(split.languages)))])
    variant = str(split.variants[int(rng.integers(len(split.variants)))])
    rate = int(rng.integers(115, 166))
    pitch = int(rng.integers(30, 71))
    pitch_range = int(rng.integers(30, 91))
    voice = f"{language}+{variant}"
    words = int(np.ceil(seconds * rate / 60.0)) + 1
    length = int(np.ceil(seconds * eng.sr))
    for _ in range(4):
        text = _text(rng, language, split.name, words)
        x = eng.say(text, voice, rate, pitch, pitch_range).astype(np.float64) / 32768.0
        if len(x) > length and _crop_activity(x, length, eng.sr)[1].max() >= ACTIVE_FRACTION:
            break
        words = int(np.ceil(words * 1.5))
    return x, dict(voice=voice, language=language, variant=variant, rate=rate, pitch=pitch,
                   pitch_range=pitch_range, text=text)


def _to_clip(x: np.ndarray, sr_in: int, sr: int, samples: int) -> np.ndarray:
    """Resample a crop made at the engine's rate to ``sr`` and cut or zero-pad it to ``samples``."""
    y = _resample(x, sr_in, sr)[:samples]
    return np.pad(y, (0, samples - len(y)))


def speech_clip(rng: np.random.Generator, sr: int, samples: int, split: str = "tune"
                ) -> tuple[np.ndarray, Params]:
    """One clip of one talker (the recipe of ``speech`` / ``speech_heldout``; see the module doc).

    Params: ``voice``, ``language``, ``variant``, ``rate`` (words/min), ``pitch``, ``pitch_range``
    (eSpeak 0-100 scales), ``text``, ``start`` (s, where the crop starts in the utterance),
    ``active`` (fraction of active 10 ms frames in the crop), ``split``.
    """
    sp = _split(split)
    eng = engine()
    with eng.lock:
        eng.fresh(int(rng.integers(_MAX_NOISE_SEED + 1)))
        x, params = _utterance(eng, rng, sp, samples / sr)
    crop, start, active = active_crop(rng, x, int(np.ceil(samples * eng.sr / sr)), eng.sr)
    params.update(start=start / eng.sr, active=active, split=sp.name)
    return finish(_to_clip(crop, eng.sr, sr, samples), sr), params


def babble_clip(rng: np.random.Generator, sr: int, samples: int, split: str = "tune"
                ) -> tuple[np.ndarray, Params]:
    """``babble``: 4-8 talkers of the split speaking at once, a "cocktail party".

    Each talker is an utterance drawn as in :func:`speech_clip` (own voice, rate, pitch, text) and
    its own mostly-active crop, scaled to unit RMS and then by a level drawn in -9..0 dB; the sum is
    resampled to ``sr`` and peak-normalised to 0.9. Talkers use the *tuning* split's voices, so
    ``speech_heldout`` stays unheard by anything tuned on ``babble`` too.

    Params: ``n_voices`` (talkers), ``voices``, ``gain_db`` (per talker), ``split``.
    """
    sp = _split(split)
    eng = engine()
    n = int(rng.integers(4, 9))
    length = int(np.ceil(samples * eng.sr / sr))
    mix = np.zeros(length)
    voices, gains = [], []
    with eng.lock:
        eng.fresh(int(rng.integers(_MAX_NOISE_SEED + 1)))
        for _ in range(n):
            x, p = _utterance(eng, rng, sp, samples / sr)
            crop, _, _ = active_crop(rng, x, length, eng.sr)
            gain_db = float(rng.uniform(-9.0, 0.0))
            mix += crop * (10 ** (gain_db / 20) / (np.sqrt(np.mean(crop * crop)) + 1e-12))
            voices.append(p["voice"])
            gains.append(gain_db)
    clip = _to_clip(mix, eng.sr, sr, samples)
    return finish(clip, sr), dict(n_voices=n, voices=voices, gain_db=gains, split=sp.name)
