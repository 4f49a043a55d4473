"""Load the user's own audio: a folder of WAV/FLAC/OGG files -> fixed-length clips (chapter 4).

The rules, in the order they are applied to every file (``load_folder`` and ``python -m gcdg_lite
inspect`` use exactly the same code):

1. **Finding files.** The folder is walked recursively in sorted order; files ending in ``.wav``,
   ``.flac`` or ``.ogg`` (any case) are audio. Hidden files and folders (name starting with ``.``,
   e.g. macOS ``._x.wav``) are ignored; other extensions are listed in the report as ignored.
2. **Reading** with soundfile (read only — nothing the user has is ever written or moved).
   A file is *bad* when it is empty (0 bytes or 0 frames), not audio despite its extension,
   truncated or corrupt, contains NaN/Inf samples, is far shorter than a clip, or is silent.
3. **Mono and rate.** Channels are averaged (downmix); the signal is resampled to ``sr`` with
   ``librosa.resample`` (soxr, high quality).
4. **Slicing: a fixed number of crops per file.** Clips of ``samples`` start every ``hop`` samples
   (default ``hop = samples``: no overlap), so a long recording becomes about
   ``(length - samples) / hop + 1`` clips: a one-hour file gives 3515 clips of 16384 samples at
   16 kHz. The crops are fixed, not drawn anew at every step, because training draws batches from
   one fixed array of clips: a run resumed at step ``k`` sees exactly the batches an uninterrupted
   run would have seen, and the memorisation check can point at the recording and second a
   generated clip resembles (``ClipSet.origin``). A smaller ``hop`` gives more, overlapping crops
   (shifted copies: a cheap augmentation). **Size bound:** before any audio is decoded, the clips
   the folder would give are counted from the files' headers; more than
   :data:`~gcdg_lite.data.checks.MAX_SAMPLES` samples of clips (2 GiB as float32, e.g. 32768 clips
   of 16384 samples) is one ConfigError naming ``hop`` and the smallest hop that fits.
   **Padding rule** (as WaveGAN pads 16000-sample Speech Commands words to 16384):
   a final piece at least half a clip long (``>= samples / 2``) is padded with zeros at its
   end; a shorter tail is dropped (a tail already inside the last full clip, possible when
   ``hop < samples``, gives no extra clip). A whole file shorter than half a clip is *bad* ("far
   shorter than one clip").
5. **Silence-dominated crops are dropped and counted.** Every clip is cut into frames of 20 ms;
   a frame is silent when its RMS level ``20 log10(RMS)`` (dBFS, full scale = 1.0, so a full-scale
   sine is -3 dBFS) is below ``silence_db`` (default -50 dBFS). A clip with more than
   :data:`MAX_SILENT_FRACTION` (half) of its frames silent — zero padding counts as silence — is
   skipped and counted (``LoadReport.n_silent``, the "silent clips" line of ``inspect``). The
   level is measured on the audio as recorded, before normalisation, so that normalising cannot
   blow a noise floor up into "audio". A file all of whose clips are silent is *bad*; a folder
   all of whose clips are silent is one DataError naming the folder and the threshold
   (``python -m gcdg_lite inspect FOLDER --silence-db -70`` shows what a lower one keeps).
6. **Normalisation** (``normalise="file"``, default): each file is scaled so that its peak is
   0.95 (about -0.4 dBFS), keeping the loudness differences inside a recording (loud and soft
   passages stay loud and soft). ``"clip"`` scales every clip to peak 0.95; ``None`` keeps levels.

Bad files raise one :class:`~gcdg_lite.errors.DataError` naming the file and saying what to do,
or, with ``skip_bad=True``, are skipped and listed in the report with their reasons.
"""
from __future__ import annotations

import os
import struct
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import ConfigError, DataError
from .checks import MAX_SAMPLES, as_audio, check_int

#: file extensions read as audio (lower case)
AUDIO_EXTENSIONS = (".wav", ".flac", ".ogg")
#: default silence threshold (dBFS): 20 ms frames with RMS below it are silent
SILENCE_DB = -50.0
#: a clip with more than this fraction of silent frames is dropped as silence-dominated
MAX_SILENT_FRACTION = 0.5
#: frame length (s) of the silence rule
SILENCE_FRAME = 0.02
#: peak level (linear) of normalised audio
NORM_PEAK = 0.95
_MAGIC = {".wav": (b"RIFF", b"RIFX", b"RF64"), ".flac": (b"fLaC",), ".ogg": (b"OggS",)}


@dataclass
class FileReport:
    """What one usable file gave: ``path``, original ``sr`` (Hz), ``channels``, ``duration`` (s),
    ``clips`` kept, ``silent`` clips skipped, ``padded`` (whether its last clip was zero-padded).

    Notebook: none (no chapter uses it by name).
    """

    path: str
    sr: int
    channels: int
    duration: float
    clips: int
    silent: int
    padded: bool


@dataclass
class LoadReport:
    """Everything ``load_folder`` found. ``bad`` is a list of ``(path, reason)``.

    Notebook: none (no chapter uses it by name).
    """

    root: str
    sr: int
    samples: int
    hop: int
    silence_db: float
    files: list[FileReport] = field(default_factory=list)
    bad: list[tuple[str, str]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    @property
    def n_clips(self) -> int:
        """Clips yielded."""
        return sum(f.clips for f in self.files)

    @property
    def n_silent(self) -> int:
        """Clips skipped because they were below the silence threshold."""
        return sum(f.silent for f in self.files)

    @property
    def duration(self) -> float:
        """Total duration (s) of the usable files, as recorded."""
        return sum(f.duration for f in self.files)

    @property
    def rates(self) -> dict[int, int]:
        """Original sample rate (Hz) -> number of usable files."""
        return dict(sorted(Counter(f.sr for f in self.files).items()))

    def summary(self) -> str:
        """One line: files, clips, silent clips and the skipped bad files with their reasons."""
        line = (f"{len(self.files)} file(s), {self.duration:.1f} s -> {self.n_clips} clip(s) of "
                f"{self.samples} samples at {self.sr} Hz; {self.n_silent} silent clip(s) skipped")
        if self.bad:
            line += f"; skipped {len(self.bad)} bad file(s): " + "; ".join(
                f"{Path(p).name} ({r})" for p, r in self.bad)
        return line

    def __str__(self) -> str:
        rates = ", ".join(f"{r} Hz x{n}" for r, n in self.rates.items()) or "-"
        lines = [
            f"folder:        {self.root}",
            f"audio files:   {len(self.files)} usable, {len(self.bad)} bad, {len(self.ignored)} ignored (not WAV/FLAC/OGG)",
            f"duration:      {self.duration:.2f} s in total",
            f"sample rates:  {rates} (resampled to {self.sr} Hz)",
            f"clips:         {self.n_clips} of {self.samples} samples ({self.samples / self.sr:.3f} s), "
            f"hop {self.hop}: {self.n_clips + self.n_silent} crop(s) cut from the usable files, {self.n_clips} kept",
            f"silent clips:  {self.n_silent} skipped (more than {MAX_SILENT_FRACTION:.0%} of their "
            f"{SILENCE_FRAME * 1000:g} ms frames below {self.silence_db:g} dBFS)",
            f"padded files:  {sum(f.padded for f in self.files)} (last piece >= half a clip, zero-padded)",
        ]
        lines += [f"bad file:      {p}: {r}" for p, r in self.bad]
        return "\n".join(lines)


@dataclass
class ClipSet:
    """Clips loaded from a folder.

    Notebook: none (no chapter uses it by name).

    Attributes:
        clips: ``(n, samples)`` float32 in [-1, 1].
        sr: sample rate in Hz.
        origin: ``(n, 2)`` int64 — index into ``report.files`` and start sample (at ``sr``) of
            every clip, e.g. to find the recording a generated clip resembles.
        report: the :class:`LoadReport`.
    """

    clips: np.ndarray
    sr: int
    origin: np.ndarray
    report: LoadReport

    def __len__(self) -> int:
        return len(self.clips)


class _Bad(Exception):
    """Internal: one file is unusable; the message is the reason."""


def _wav_truncated(path: Path) -> str | None:
    """Check a RIFF/WAVE file's chunk sizes against the file size; return a reason or None."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return None  # RIFX/RF64 or odd: let soundfile decide
        pos = 12
        while pos + 8 <= size:
            fh.seek(pos)
            cid, csize = struct.unpack("<4sI", fh.read(8))
            if cid == b"data":
                if pos + 8 + csize > size:
                    return (f"is truncated: its header promises {csize} bytes of samples but only "
                            f"{size - pos - 8} are there")
                return None
            pos += 8 + csize + (csize & 1)
    return "is truncated or corrupt: it has no 'data' chunk"


def _read(path: Path) -> tuple[np.ndarray, int, int]:
    """Read one file -> (mono float64 signal, original sr, channels); raise :class:`_Bad`."""
    import soundfile as sf

    size = path.stat().st_size
    if size == 0:
        raise _Bad("is empty (0 bytes)")
    with open(path, "rb") as fh:
        head = fh.read(4)
    ext = path.suffix.lower()
    if head not in _MAGIC[ext]:
        if any(head in m for m in _MAGIC.values()):
            pass  # audio with a mismatched extension: soundfile reads by content
        else:
            raise _Bad(f"is not audio: its contents do not start like a {ext[1:].upper()} file "
                       f"(first bytes {head!r})")
    if head == b"RIFF":
        reason = _wav_truncated(path)
        if reason:
            raise _Bad(reason)
    try:
        info = sf.info(str(path))
        data, sr = sf.read(str(path), dtype="float64", always_2d=True)
    except Exception as exc:  # soundfile/libsndfile raise several types
        msg = str(exc).split("\n")[0].strip()
        raise _Bad(f"is truncated or corrupt (soundfile: {msg})") from None
    if data.shape[0] == 0:
        raise _Bad("contains no readable samples (0 frames): it is empty or truncated")
    if info.frames > 0 and data.shape[0] < info.frames:
        raise _Bad(f"is truncated: {data.shape[0]} of {info.frames} frames could be read")
    if not np.all(np.isfinite(data)):
        bad = int(np.sum(~np.isfinite(data)))
        raise _Bad(f"contains {bad} NaN/Inf sample(s)")
    return data.mean(axis=1), int(sr), int(data.shape[1])


def _find(root: Path) -> tuple[list[Path], list[Path]]:
    """Audio files and ignored files under ``root`` (recursive, sorted, hidden entries skipped)."""
    audio, other = [], []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if not name.startswith("."):
                p = Path(dirpath) / name
                (audio if p.suffix.lower() in AUDIO_EXTENSIONS else other).append(p)
    key = lambda p: p.relative_to(root).parts  # noqa: E731  (sorted by relative path)
    return sorted(audio, key=key), sorted(other, key=key)


def slice_clips(x: np.ndarray, samples: int, hop: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """Cut a signal into clips, padding the last piece when it is at least half a clip.

    Notebook: none (no chapter uses it by name).

    Args:
        x: ``(length,)`` float signal.
        samples: clip length in samples.
        hop: distance between clip starts in samples.

    Returns:
        ``(clips (n, samples) float64, starts (n,), padded)``; ``n`` is 0 when
        ``length < samples // 2``.

    Raises:
        ConfigError: ``x`` is not a 1-D float signal, or ``samples``/``hop`` are not positive integers.
    """
    x = as_audio(x, "x", ndim=1, dtype=np.float64)
    samples, hop = check_int("samples", samples, 1), check_int("hop", hop, 1)
    n = len(x)
    starts = list(range(0, max(n - samples, -1) + 1, hop)) if n >= samples else []
    nxt = starts[-1] + hop if starts else 0
    padded = False
    covered = starts[-1] + samples if starts else 0
    # a final piece of at least half a clip that holds samples no full clip covers: keep, padded
    if covered < n and n - nxt >= (samples + 1) // 2:
        starts.append(nxt)
        padded = nxt + samples > n
    out = np.zeros((len(starts), samples), dtype=np.float64)
    for i, s in enumerate(starts):
        piece = x[s:s + samples]
        out[i, :len(piece)] = piece
    return out, np.asarray(starts, dtype=np.int64), padded


def _n_slices(length: int, samples: int, hop: int) -> int:
    """How many clips :func:`slice_clips` cuts from ``length`` samples (without cutting them)."""
    full = (length - samples) // hop + 1 if length >= samples else 0
    nxt = full * hop
    covered = (full - 1) * hop + samples if full else 0
    return full + int(covered < length and length - nxt >= (samples + 1) // 2)


def frame_levels(clips: np.ndarray, sr: int, frame: float = SILENCE_FRAME) -> np.ndarray:
    """RMS level in dBFS of each clip's consecutive frames of ``frame`` seconds.

    Notebook: none (no chapter uses it by name).

    Args:
        clips: ``(n, samples)`` float, full scale 1.0.
        sr: sample rate in Hz; a frame is ``round(frame * sr)`` samples (at most the clip).
        frame: frame length in seconds (default 0.02).

    Returns:
        ``(n, frames)`` float64; a partial last frame counts as a frame of its own.
    """
    n, samples = clips.shape
    size = max(1, min(samples, int(round(frame * sr))))
    k = -(-samples // size)
    padded = np.zeros((n, k * size))
    padded[:, :samples] = clips
    power = np.square(padded).reshape(n, k, size).sum(axis=2)
    lengths = np.full(k, float(size))
    lengths[-1] = samples - (k - 1) * size
    return 10 * np.log10(power / lengths + 1e-30)


def silent_fraction(clips: np.ndarray, sr: int, silence_db: float) -> np.ndarray:
    """Fraction of each clip's 20 ms frames (:func:`frame_levels`) below ``silence_db`` dBFS, ``(n,)``.

    Notebook: none (no chapter uses it by name).
    """
    return np.mean(frame_levels(clips, sr) < silence_db, axis=1)


def _check_args(sr: int, samples: int, hop: int | None, normalise: str | None, silence_db: float) -> int:
    check_int("sr", sr, 1000)
    check_int("samples", samples, 16)
    hop = samples if hop is None else hop
    if not isinstance(hop, (int, np.integer)) or isinstance(hop, bool) or hop < 1:
        raise ConfigError(f"hop={hop!r} must be a positive integer (samples; CLI: --hop)")
    if normalise not in ("file", "clip", None):
        raise ConfigError(f"normalise={normalise!r} must be 'file', 'clip' or None")
    if not isinstance(silence_db, (int, float, np.integer, np.floating)) or isinstance(silence_db, bool) \
            or np.isnan(silence_db) or silence_db == np.inf:
        raise ConfigError(f"silence_db={silence_db!r} must be a level in dBFS (e.g. -50), or -inf to keep silent clips")
    return int(hop)


def _check_total(root: Path, audio: list[Path], sr: int, samples: int, hop: int) -> None:
    """Count, from the file headers, the clips ``audio`` would give; refuse more than MAX_SAMPLES."""
    import soundfile as sf

    total = 0
    for p in audio:
        try:
            info = sf.info(str(p))
        except Exception:  # noqa: BLE001 — unreadable files are reported, one by one, later
            continue
        if info.samplerate > 0:
            total += _n_slices(int(info.frames * sr / info.samplerate), samples, hop)
    if total * samples > MAX_SAMPLES:
        fits = max(1, MAX_SAMPLES // samples)
        least = -(-hop * total // fits)
        raise ConfigError(f"hop={hop} (CLI: --hop): {root} would give about {total} clips of {samples} samples, "
                          f"more than the {fits} that fit in {MAX_SAMPLES * 4 // 2 ** 30} GiB; use a hop of at "
                          f"least {least} samples, or load fewer files at a time")


def _inspect_hint(root: Path) -> str:
    return f"`python -m gcdg_lite inspect {root} --skip-bad` lists every file and its reason"


def load_folder(path: str | os.PathLike, sr: int = 16000, samples: int = 16384, hop: int | None = None,
                silence_db: float = SILENCE_DB, skip_bad: bool = False,
                normalise: str | None = "file") -> ClipSet:
    """Load every WAV/FLAC/OGG file under ``path`` as clips, following the module's rules.

    Notebook: none (no chapter uses it by name).

    Args:
        path: a folder (searched recursively) or a single audio file.
        sr: target sample rate in Hz (default 16000); files are resampled to it.
        samples: clip length in samples (default 16384).
        hop: samples between clip starts (default ``samples``: no overlap).
        silence_db: 20 ms frames with RMS below this level in dBFS are silent; clips with more than
            half their frames silent are skipped (default -50; ``-inf`` keeps every clip).
        skip_bad: skip unusable files (listed in ``report.bad``) instead of raising.
        normalise: ``"file"`` (default; peak 0.95 per file), ``"clip"`` (peak 0.95 per clip) or
            ``None`` (levels as recorded).

    Returns:
        a :class:`ClipSet` with ``clips`` ``(n, samples)`` float32.

    Raises:
        ConfigError: bad ``path`` type, ``sr``, ``samples``, ``hop`` (or a hop that would give more
            than :data:`~gcdg_lite.data.checks.MAX_SAMPLES` samples of clips), ``silence_db`` or
            ``normalise``.
        DataError: missing path, empty folder, no audio files, a bad file (unless ``skip_bad``),
            a folder whose clips are all silent, or no usable clip at all. The message names the
            file or folder and says what to do.
    """
    import librosa

    if not isinstance(path, (str, os.PathLike)) or not str(path).strip():
        raise ConfigError(f"path={path!r}: give the path of a folder of WAV/FLAC/OGG files (a str or Path)")
    hop = _check_args(sr, samples, hop, normalise, silence_db)
    root = Path(path).expanduser()
    if not root.exists():
        raise DataError(f"{root} does not exist; give the path of a folder of WAV/FLAC/OGG files "
                        f"(or builtin:NAME for a built-in texture)")
    if root.is_file():
        if root.suffix.lower() not in AUDIO_EXTENSIONS:
            raise DataError(f"{root} is not a WAV/FLAC/OGG file; give a folder of audio files or "
                            f"convert this file to WAV")
        audio, other = [root], []
    else:
        audio, other = _find(root)
        if not audio and not other:
            raise DataError(f"folder {root} is empty; put WAV/FLAC/OGG files in it (sub-folders are "
                            f"searched too) or use builtin:NAME")
        if not audio:
            exts = sorted({p.suffix.lower() or "(none)" for p in other})
            raise DataError(f"folder {root} has no WAV/FLAC/OGG files (found {len(other)} other "
                            f"file(s): {', '.join(exts)}); convert them to WAV or FLAC")
    _check_total(root, audio, sr, samples, hop)
    report = LoadReport(str(root), sr, samples, hop, float(silence_db), ignored=[str(p) for p in other])
    clip_sec = samples / sr
    kept: list[np.ndarray] = []
    origin: list[np.ndarray] = []
    silent_files: list[tuple[int, float]] = []  # (clips, loudest frame level) of every all-silent file
    for p in audio:
        try:
            x, file_sr, channels = _read(p)
            duration = len(x) / file_sr
            if file_sr != sr:
                x = librosa.resample(x, orig_sr=file_sr, target_sr=sr)
            clips, starts, padded = slice_clips(x, samples, hop)
            if len(clips) == 0:
                raise _Bad(f"is {duration:.3f} s long, far shorter than one clip ({clip_sec:.3f} s = "
                           f"{samples} samples at {sr} Hz); files shorter than half a clip are not "
                           f"used: record longer files or use a smaller --samples")
            levels = frame_levels(clips, sr)
            loud = np.mean(levels < silence_db, axis=1) <= MAX_SILENT_FRACTION
            if not loud.any():
                top = float(levels.max())
                silent_files.append((len(clips), top))
                raise _Bad(f"is silent: every clip is mostly below {silence_db:g} dBFS (loudest 20 ms "
                           f"frame {top:.1f} dBFS); remove it, or lower the threshold (silence_db=; "
                           f"`python -m gcdg_lite inspect {root} --silence-db {np.floor(top) - 10:g}` "
                           f"shows what that keeps) if it is just quiet")
        except _Bad as bad:
            report.bad.append((str(p), str(bad)))
            continue
        except OSError as exc:
            report.bad.append((str(p), f"cannot be read ({exc.strerror or exc})"))
            continue
        if normalise == "file":
            clips *= NORM_PEAK / max(np.max(np.abs(x)), 1e-12)
        clips = clips[loud]
        if normalise == "clip":
            clips *= NORM_PEAK / np.maximum(np.max(np.abs(clips), axis=1, keepdims=True), 1e-12)
        report.files.append(FileReport(str(p), file_sr, channels, duration, int(loud.sum()),
                                       int((~loud).sum()), bool(padded and loud[-1])))
        kept.append(np.clip(clips, -1.0, 1.0).astype(np.float32))
        origin.append(np.stack([np.full(len(clips), len(report.files) - 1), starts[loud]], axis=1))
    if not kept and silent_files and len(silent_files) == len(report.bad):
        n_clips = sum(c for c, _ in silent_files)
        top = max(t for _, t in silent_files)
        raise DataError(f"every clip in {root} is silent: all {n_clips} clip(s) of its {len(silent_files)} "
                        f"file(s) have more than half their 20 ms frames below {silence_db:g} dBFS (loudest "
                        f"frame {top:.1f} dBFS); check the recordings, or lower the threshold: `python -m "
                        f"gcdg_lite inspect {root} --silence-db {np.floor(top) - 10:g}` (silence_db= in Python)")
    if report.bad and not skip_bad:
        p, reason = report.bad[0]
        more = f" (and {len(report.bad) - 1} more bad file(s))" if len(report.bad) > 1 else ""
        raise DataError(f"{p} {reason}{more}; fix or remove it, or skip bad files with skip_bad=True "
                        f"({_inspect_hint(root)})")
    if not kept:
        raise DataError(f"no usable clips in {root}: {report.summary()}")
    return ClipSet(np.concatenate(kept), sr, np.concatenate(origin).astype(np.int64), report)


#: seeds are 32-bit: the trainer seeds Keras (and so numpy's legacy generator) with them
MAX_SEED = 2 ** 32 - 1


def load_source(spec: str | os.PathLike, sr: int = 16000, samples: int = 16384, n: int | None = None,
                seed: int = 0, skip_bad: bool = False) -> np.ndarray:
    """Training clips from a built-in texture or a folder.

    Notebook: 04_code_example.ipynb.

    Args:
        spec: ``"builtin:NAME"`` (a texture of :mod:`gcdg_lite.data.corpus`) or a folder path.
        sr: sample rate in Hz (default 16000).
        samples: clip length in samples (default 16384).
        n: number of clips (at least 1). Built-in: default 256. Folder: default all; if fewer than
            available, a random subset (drawn with ``seed``, kept in file order).
        seed: seed of the texture, or of the subset; an integer in 0..2**32-1.
        skip_bad: passed to :func:`load_folder`.

    Returns:
        ``(n, samples)`` float32 in [-1, 1].

    Raises:
        ConfigError: a bad ``spec`` type, ``n`` or ``seed``.
        DataError: unknown texture name, or any :func:`load_folder` error.
    """
    from .corpus import TEXTURES, texture

    if not isinstance(spec, (str, os.PathLike)):
        raise ConfigError(f"data={spec!r}: give 'builtin:NAME' or the path of a folder of audio files")
    if n is not None:
        check_int("n", n, 1)
    check_int("seed", seed, 0, MAX_SEED)
    s = str(spec)
    if s.startswith("builtin:"):
        name = s.split(":", 1)[1].strip()
        if name not in TEXTURES:
            raise DataError(f"{s!r}: unknown built-in texture {name!r}; choose one of "
                            f"{', '.join(TEXTURES)} (python -m gcdg_lite corpus --list)")
        return texture(name, n=256 if n is None else n, seed=seed, sr=sr, samples=samples)
    clips = load_folder(s, sr=sr, samples=samples, skip_bad=skip_bad).clips
    if n is not None and n < len(clips):
        idx = np.sort(np.random.default_rng(seed).choice(len(clips), size=n, replace=False))
        clips = clips[idx]
    return clips
