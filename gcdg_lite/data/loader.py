"""Load the user's own audio: a folder of WAV/FLAC/OGG files -> fixed-length clips (chapter 4).

The rules, in the order they are applied to every file (``load_folder`` and ``python -m gcdg_lite
inspect`` use exactly the same code):

1. **Finding files.** The folder is walked recursively in sorted order; files ending in ``.wav``,
   ``.flac`` or ``.ogg`` (any case) are audio. Hidden files and folders (name starting with ``.``,
   e.g. macOS ``._x.wav``) are ignored; other extensions are listed in the report as ignored.
   **Links are followed** (like ``find -L``): a symlinked file or sub-folder is read like the
   file or folder it points to, even outside the data folder (nothing is ever written). Every
   real folder and file is read once: a link back to a folder already searched (a loop) or to a
   file already found is *skipped* and listed (``LoadReport.skipped``, ``inspect``'s "skipped"
   lines), as is a sub-folder that cannot be listed; more than :data:`MAX_FILES` files is one
   DataError (a link to ``/``?). ``LoadReport.links`` lists the links followed.
2. **Reading** with soundfile (read only — nothing the user has is ever written or moved). Only
   regular files are opened: a named pipe (FIFO), device or socket is *bad* without being
   opened (reading one could block forever). A file is also *bad* when it is empty (0 bytes or
   0 frames), not audio despite its extension, truncated or corrupt, contains NaN/Inf samples, is
   far shorter than a clip, or is silent. A WAV whose header gives its size as ``0xFFFFFFFF``
   (left by writers that stream to a pipe) is read to its end.
3. **Mono and rate, in blocks.** A file is read in blocks of about 2**19 samples (float64),
   each block's channels are averaged (downmix) and resampled to ``sr`` with a streaming soxr
   resampler (``soxr.ResampleStream``, quality HQ: the same numbers as ``librosa.resample``'s
   default ``soxr_hq`` on the whole file), and the clips are cut as the samples arrive. Memory
   follows the clips kept, not the file: a 46-minute 8-channel 96 kHz recording never exists
   in memory whole.
4. **Slicing: a fixed number of crops per file.** Clips of ``samples`` start every ``hop`` samples
   (default ``hop = samples``: no overlap), so a long recording becomes about
   ``(length - samples) / hop + 1`` clips: a one-hour file gives 3515 clips of 16384 samples at
   16 kHz. The crops are fixed, not drawn anew at every step, because training draws batches from
   one fixed array of clips: a run resumed at step ``k`` sees exactly the batches an uninterrupted
   run would have seen, and the memorisation check can point at the recording and second a
   generated clip resembles (``ClipSet.origin``). A smaller ``hop`` gives more, overlapping crops
   (shifted copies: a cheap augmentation). **Size bound:** before any audio is decoded, the clips
   the folder would give are counted from the files' headers; more than
   :data:`~gcdg_lite.checks.MAX_SAMPLES` samples of clips (2 GiB as float32, e.g. 32768 clips
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
import stat
import struct
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..defaults import SAMPLES, SR
from ..errors import ConfigError, DataError
from ..checks import MAX_SAMPLES, as_audio, check_int
from .signal import SILENCE_FRAME, frame_levels

#: file extensions read as audio (lower case)
AUDIO_EXTENSIONS = (".wav", ".flac", ".ogg")
#: default silence threshold (dBFS): 20 ms frames with RMS below it are silent
SILENCE_DB = -50.0
#: a clip with more than this fraction of silent frames is dropped as silence-dominated
MAX_SILENT_FRACTION = 0.5
#: peak level (linear) of normalised audio
NORM_PEAK = 0.95
#: most files (audio or not) one folder may hold, links followed: beyond it, one DataError
MAX_FILES = 500_000
#: frames x channels read from a file at once (float64: 4 MiB)
_BLOCK = 2 ** 19
#: a bad-file list longer than this is shortened in one-line messages (the first few, then a count)
_LIST_MAX = 10
#: how many are shown of a shortened list
_LIST_HEAD = 5
_MAGIC = {".wav": (b"RIFF", b"RIFX", b"RF64"), ".flac": (b"fLaC",), ".ogg": (b"OggS",)}


@dataclass
class FileReport:
    """What one usable file gave: ``path``, original ``sr`` (Hz), ``channels``, ``duration`` (s),
    ``clips`` kept, ``silent`` clips skipped, ``padded`` (whether its last clip was zero-padded).
    """

    path: str
    sr: int
    channels: int
    duration: float
    clips: int
    silent: int
    padded: bool


def _shorten(items: list[str], hint: str = "") -> str:
    """``items`` joined with "; " — or, beyond :data:`_LIST_MAX`, the first few and "and N more"."""
    if len(items) <= _LIST_MAX:
        return "; ".join(items)
    return "; ".join(items[:_LIST_HEAD]) + f"; and {len(items) - _LIST_HEAD} more{hint}"


@dataclass
class LoadReport:
    """Everything ``load_folder`` found. ``bad`` and ``skipped`` are lists of ``(path, reason)``:
    ``bad`` files were read (or refused, e.g. a named pipe) and are unusable; ``skipped`` entries
    were not read because they repeat a folder or file already searched (a link loop) or cannot be
    listed. ``links`` are the symlinks followed; ``ignored`` the files that are not WAV/FLAC/OGG.
    """

    root: str
    sr: int
    samples: int
    hop: int
    silence_db: float
    files: list[FileReport] = field(default_factory=list)
    bad: list[tuple[str, str]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

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
        """One line: files, clips, silent clips and the skipped bad files with their reasons (beyond
        10 bad files, the first 5 and a count; ``inspect --verbose`` lists them all)."""
        line = (f"{len(self.files)} file(s), {self.duration:.1f} s -> {self.n_clips} clip(s) of "
                f"{self.samples} samples at {self.sr} Hz; {self.n_silent} silent clip(s) skipped")
        hint = f" (`python -m gcdg_lite inspect {self.root} --skip-bad --verbose` lists them all)"
        if self.bad:
            line += f"; skipped {len(self.bad)} bad file(s): " + _shorten(
                [f"{Path(p).name} ({r})" for p, r in self.bad], hint)
        if self.skipped:
            line += f"; {len(self.skipped)} link(s) or folder(s) not read: " + _shorten(
                [f"{p} ({r})" for p, r in self.skipped], hint)
        return line

    def describe(self, limit: int | None = None) -> str:
        """The multi-line report ``inspect`` prints; at most ``limit`` bad and skipped entries each
        (``None``: all of them)."""
        rates = ", ".join(f"{r} Hz x{n}" for r, n in self.rates.items()) or "-"
        lines = [
            f"folder:        {self.root}",
            f"audio files:   {len(self.files)} usable, {len(self.bad)} bad, {len(self.ignored)} ignored (not WAV/FLAC/OGG)",
            f"links:         {len(self.links)} followed (linked files and folders are read like their targets), "
            f"{len(self.skipped)} skipped (a loop or a repeat of a folder or file already read, or unlistable)",
            f"duration:      {self.duration:.2f} s in total",
            f"sample rates:  {rates} (resampled to {self.sr} Hz)",
            f"clips:         {self.n_clips} of {self.samples} samples ({self.samples / self.sr:.3f} s), "
            f"hop {self.hop}: {self.n_clips + self.n_silent} crop(s) cut from the usable files, {self.n_clips} kept",
            f"silent clips:  {self.n_silent} skipped (more than {MAX_SILENT_FRACTION:.0%} of their "
            f"{SILENCE_FRAME * 1000:g} ms frames below {self.silence_db:g} dBFS)",
            f"padded files:  {sum(f.padded for f in self.files)} (last piece >= half a clip, zero-padded)",
        ]
        for label, entries in (("bad file:     ", self.bad), ("skipped:      ", self.skipped)):
            shown = entries if limit is None else entries[:limit]
            lines += [f"{label} {p}: {r}" for p, r in shown]
            if len(shown) < len(entries):
                lines.append(f"{label} ... and {len(entries) - len(shown)} more (--verbose lists all)")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.describe()


@dataclass
class ClipSet:
    """Clips loaded from a folder.

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


#: what a path that is not a regular file is, for the message (``stat`` test -> words)
_NOT_REGULAR = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
                (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def _regular_size(path: Path) -> int:
    """Size in bytes of ``path`` (links followed) if it is a regular file; else :class:`_Bad`, without
    opening it (opening a named pipe waits for a writer, forever)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise _Bad(f"is a broken link (to {os.readlink(path)}, which does not exist)") from None
        raise
    if not stat.S_ISREG(st.st_mode):
        what = next((w for test, w in _NOT_REGULAR if test(st.st_mode)), "not a regular file")
        raise _Bad(f"is {what}, not a regular file: only regular files are read (it was not opened)")
    return st.st_size


def _wav_truncated(path: Path, size: int) -> str | None:
    """Check a RIFF/WAVE file's chunk sizes against the file size; return a reason or None.

    A data chunk of size ``0xFFFFFFFF`` is what writers streaming to a pipe leave (they cannot go
    back to fill it in): such a file is read to its end, as soundfile does."""
    with open(path, "rb") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return None  # RIFX/RF64 or odd: let soundfile decide
        pos = 12
        while pos + 8 <= size:
            fh.seek(pos)
            cid, csize = struct.unpack("<4sI", fh.read(8))
            if cid == b"data":
                if pos + 8 + csize > size and csize != 0xFFFFFFFF:
                    return (f"is truncated: its header promises {csize} bytes of samples but only "
                            f"{size - pos - 8} are there")
                return None
            pos += 8 + csize + (csize & 1)
    return "is truncated or corrupt: it has no 'data' chunk"


def _check_head(path: Path) -> None:
    """Refuse, before soundfile opens it, what is not a regular file, empty, not audio or a truncated WAV."""
    size = _regular_size(path)
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
        reason = _wav_truncated(path, size)
        if reason:
            raise _Bad(reason)


def _soundfile_bad(exc: Exception) -> _Bad:
    msg = str(exc).split("\n")[0].strip()
    return _Bad(f"is truncated or corrupt (soundfile: {msg})")


@dataclass
class _Stream:
    """An open file, read block by block as mono float64 at ``sr`` (see :func:`_open`).

    ``length`` is the number of samples the whole file gives at ``sr`` (what ``librosa.resample``
    with ``fix=True`` returns); ``frames`` counts the frames read so far."""

    handle: object
    file_sr: int
    channels: int
    info_frames: int
    sr: int
    length: int
    frames: int = 0

    def blocks(self):
        """Yield ``(k,)`` float64 pieces of the signal at ``sr`` (downmixed, resampled per block);
        raise :class:`_Bad` for no frames, fewer frames than the header promises, or NaN/Inf."""
        import soxr

        step = max(1, _BLOCK // max(1, self.channels))
        resampler = (soxr.ResampleStream(self.file_sr, self.sr, 1, dtype="float64", quality="HQ")
                     if self.file_sr != self.sr else None)
        nonfinite = 0
        while True:
            try:
                data = self.handle.read(step, dtype="float64", always_2d=True)
            except Exception as exc:  # noqa: BLE001 — soundfile/libsndfile raise several types
                raise _soundfile_bad(exc) from None
            if not len(data):
                break
            self.frames += len(data)
            finite = np.isfinite(data)
            if not finite.all():
                nonfinite += int(data.size - np.count_nonzero(finite))
            if nonfinite:
                continue  # count the rest, cut nothing more
            mono = data.mean(axis=1)
            yield resampler.resample_chunk(mono, last=False) if resampler else mono
        if self.frames == 0:
            raise _Bad("contains no readable samples (0 frames): it is empty or truncated")
        if self.info_frames > 0 and self.frames < self.info_frames:
            raise _Bad(f"is truncated: {self.frames} of {self.info_frames} frames could be read")
        if nonfinite:
            raise _Bad(f"contains {nonfinite} NaN/Inf sample(s)")
        if resampler:
            yield resampler.resample_chunk(np.zeros(0), last=True)


def _open(path: Path, sr: int) -> _Stream:
    """Check ``path`` (:func:`_check_head`) and open it with soundfile; raise :class:`_Bad`."""
    import soundfile as sf

    _check_head(path)
    try:
        handle = sf.SoundFile(str(path))
    except Exception as exc:  # noqa: BLE001
        raise _soundfile_bad(exc) from None
    file_sr, frames = int(handle.samplerate), max(0, int(handle.frames))
    # librosa.resample(fix=True) gives ceil(n * ratio) samples, computed in floating point
    length = frames if file_sr == sr else int(np.ceil(frames * (float(sr) / file_sr)))
    return _Stream(handle, file_sr, int(handle.channels), frames, sr, length)


def _find(root: Path) -> tuple[list[Path], list[Path], list[str], list[tuple[str, str]]]:
    """Audio files, ignored files, links followed and entries skipped under ``root``.

    Recursive and sorted; hidden entries left out; symlinks followed, but every real folder and
    file is taken once (a link to a folder already searched — a loop — or to a file already found
    is skipped with its reason, as is a folder that cannot be listed). More than :data:`MAX_FILES`
    files is one DataError.
    """
    audio: list[Path] = []
    other: list[Path] = []
    links: list[str] = []
    skipped: list[tuple[str, str]] = []
    seen_dirs = {os.path.realpath(root): str(root)}
    seen_files: dict[str, str] = {}

    def unlistable(exc: OSError) -> None:
        skipped.append((str(exc.filename), f"cannot be listed ({exc.strerror or exc})"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unlistable, followlinks=True):
        keep = []
        for d in sorted(dirnames):
            full = os.path.join(dirpath, d)
            if d.startswith("."):
                continue
            real = os.path.realpath(full)
            if real in seen_dirs:
                skipped.append((full, f"a link to {real}, a folder already searched as {seen_dirs[real]} "
                                      f"(a loop or a repeat)"))
                continue
            seen_dirs[real] = full
            keep.append(d)
            if os.path.islink(full):
                links.append(full)
        dirnames[:] = keep
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            p = Path(dirpath) / name
            real = os.path.realpath(p)
            if real in seen_files:
                skipped.append((str(p), f"the same file as {seen_files[real]}, already found (read once)"))
                continue
            seen_files[real] = str(p)
            if p.is_symlink():
                links.append(str(p))
            (audio if p.suffix.lower() in AUDIO_EXTENSIONS else other).append(p)
            if len(audio) + len(other) > MAX_FILES:
                raise DataError(f"{root} holds more than {MAX_FILES} files (sub-folders searched, links "
                                f"followed: a link to a large folder?); point at a smaller folder")
    key = lambda p: p.relative_to(root).parts  # noqa: E731  (sorted by relative path)
    return sorted(audio, key=key), sorted(other, key=key), links, skipped


def _starts(length: int, samples: int, hop: int) -> tuple[np.ndarray, bool]:
    """Start samples ``(n,)`` int64 of the clips :func:`slice_clips` cuts from ``length`` samples,
    and whether the last one is zero-padded."""
    starts = np.arange(0, length - samples + 1, hop, dtype=np.int64) if length >= samples \
        else np.zeros(0, np.int64)
    nxt = int(starts[-1]) + hop if len(starts) else 0
    covered = int(starts[-1]) + samples if len(starts) else 0
    # a final piece of at least half a clip that holds samples no full clip covers: keep, padded
    if covered < length and length - nxt >= (samples + 1) // 2:
        return np.append(starts, np.int64(nxt)), nxt + samples > length
    return starts, False


def _gather(x: np.ndarray, offset: int, starts: np.ndarray, samples: int) -> np.ndarray:
    """Clips ``(len(starts), samples)`` float64 cut from ``x`` (which begins at sample ``offset``),
    zero-padded past its end."""
    out = np.zeros((len(starts), samples), dtype=np.float64)
    for i, s in enumerate(starts):
        piece = x[s - offset:s - offset + samples]
        out[i, :len(piece)] = piece
    return out


def slice_clips(x: np.ndarray, samples: int, hop: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """Cut a signal into clips, padding the last piece when it is at least half a clip.

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
    starts, padded = _starts(len(x), samples, hop)
    return _gather(x, 0, starts, samples), starts, padded


def _n_slices(length: int, samples: int, hop: int) -> int:
    """How many clips :func:`slice_clips` cuts from ``length`` samples (without cutting them)."""
    return len(_starts(length, samples, hop)[0])


class _Cutter:
    """Cut the clips of :func:`slice_clips` from a signal that arrives in pieces, holding only the
    samples a clip still needs. ``peak`` is the largest ``|x|`` of the whole signal so far."""

    def __init__(self, length: int, samples: int, hop: int, group: int) -> None:
        self.length, self.samples, self.group = length, samples, group
        self.starts, self.padded = _starts(length, samples, hop)
        self.buf = np.zeros(0)
        self.offset = 0  # sample index of buf[0]
        self.got = 0  # samples received
        self.next = 0  # index of the next clip to cut
        self.peak = 0.0

    def feed(self, y: np.ndarray):
        """Take the next samples; yield ``(clips (k, samples) float64, starts (k,))`` groups now complete."""
        y = y[:self.length - self.got]  # librosa's fix_length: at most `length` samples
        if len(y):
            self.peak = max(self.peak, float(np.max(np.abs(y))))
        self.got += len(y)
        self.buf = np.concatenate([self.buf, y])
        yield from self._cut(final=False)

    def finish(self):
        """Yield the remaining groups (the signal zero-padded to ``length``, as librosa pads)."""
        yield from self._cut(final=True)

    def _ready(self, i: int, final: bool) -> bool:
        return i < len(self.starts) and (final or int(self.starts[i]) + self.samples <= self.got)

    def _cut(self, final: bool):
        while self._ready(self.next, final):
            end = self.next
            while end - self.next < self.group and self._ready(end, final):
                end += 1
            starts, self.next = self.starts[self.next:end], end
            yield _gather(self.buf, self.offset, starts, self.samples), starts
        # drop what no clip still needs
        keep = min(int(self.starts[self.next]), self.got) if self.next < len(self.starts) else self.got
        self.buf = self.buf[keep - self.offset:]
        self.offset = keep


def silent_fraction(clips: np.ndarray, sr: int, silence_db: float) -> np.ndarray:
    """Fraction of each clip's 20 ms frames (:func:`frame_levels`) below ``silence_db`` dBFS, ``(n,)``."""
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
            _regular_size(p)  # a named pipe is never opened: sf.info would wait for a writer forever
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


def load_folder(path: str | os.PathLike, sr: int = SR, samples: int = SAMPLES, hop: int | None = None,
                silence_db: float = SILENCE_DB, skip_bad: bool = False,
                normalise: str | None = "file") -> ClipSet:
    """Load every WAV/FLAC/OGG file under ``path`` as clips, following the module's rules.

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
            than :data:`~gcdg_lite.checks.MAX_SAMPLES` samples of clips), ``silence_db`` or
            ``normalise``.
        DataError: missing path, empty folder, no audio files, a bad file (unless ``skip_bad``),
            a folder whose clips are all silent, or no usable clip at all. The message names the
            file or folder and says what to do.
    """
    if not isinstance(path, (str, os.PathLike)) or not str(path).strip():
        raise ConfigError(f"path={path!r}: give the path of a folder of WAV/FLAC/OGG files (a str or Path)")
    hop = _check_args(sr, samples, hop, normalise, silence_db)
    root = Path(path).expanduser()
    audio, other, links, skipped = _paths(root)
    _check_total(root, audio, sr, samples, hop)
    report = LoadReport(str(root), sr, samples, hop, float(silence_db), ignored=[str(p) for p in other],
                        links=links, skipped=skipped)
    kept: list[np.ndarray] = []
    origin: list[np.ndarray] = []
    silent_files: list[tuple[int, float]] = []  # (clips, loudest frame level) of every all-silent file
    for p in audio:
        try:
            file_report, clips, starts = _load_file(p, root, sr, samples, hop, silence_db, normalise, silent_files)
        except _Bad as bad:
            report.bad.append((str(p), str(bad)))
            continue
        except OSError as exc:
            report.bad.append((str(p), f"cannot be read ({exc.strerror or exc})"))
            continue
        report.files.append(file_report)
        kept.append(clips)
        origin.append(np.stack([np.full(len(clips), len(report.files) - 1), starts], axis=1))
    if not kept and silent_files and len(silent_files) == len(report.bad):
        n_clips = sum(c for c, _ in silent_files)
        top = max(t for _, t in silent_files)
        raise _with_report(DataError(
            f"every clip in {root} is silent: all {n_clips} clip(s) of its {len(silent_files)} file(s) have "
            f"more than half their 20 ms frames below {silence_db:g} dBFS (loudest frame {top:.1f} dBFS); check "
            f"the recordings, or lower the threshold: `python -m gcdg_lite inspect {root} --silence-db "
            f"{np.floor(top) - 10:g}` (silence_db= in Python)"), report)
    if report.bad and not skip_bad:
        p, reason = report.bad[0]
        more = f" (and {len(report.bad) - 1} more bad file(s))" if len(report.bad) > 1 else ""
        raise _with_report(DataError(f"{p} {reason}{more}; fix or remove it, or skip bad files with "
                                     f"skip_bad=True ({_inspect_hint(root)})"), report)
    if not kept:
        raise _with_report(DataError(f"no usable clips in {root}: {report.summary()}"), report)
    return ClipSet(np.concatenate(kept), sr, np.concatenate(origin).astype(np.int64), report)


def _with_report(err: DataError, report: LoadReport) -> DataError:
    """``err`` carrying the :class:`LoadReport` so far as ``err.report`` (``inspect`` prints it)."""
    err.report = report
    return err


def _paths(root: Path) -> tuple[list[Path], list[Path], list[str], list[tuple[str, str]]]:
    """What :func:`_find` finds under ``root`` (or ``root`` alone when it is not a folder); DataError when
    ``root`` is missing, or holds no audio file."""
    if not root.exists():
        if root.is_symlink():
            raise DataError(f"{root} is a broken link (to {os.readlink(root)}, which does not exist); give the "
                            f"path of a folder of WAV/FLAC/OGG files")
        raise DataError(f"{root} does not exist; give the path of a folder of WAV/FLAC/OGG files "
                        f"(or builtin:NAME for a built-in texture)")
    if not root.is_dir():  # a file, or a named pipe or device (refused, unopened, as a bad file)
        if root.suffix.lower() not in AUDIO_EXTENSIONS:
            raise DataError(f"{root} is not a WAV/FLAC/OGG file; give a folder of audio files or "
                            f"convert this file to WAV")
        return [root], [], [], []
    audio, other, links, skipped = _find(root)
    if not audio:
        not_read = ""
        if skipped:
            not_read = (f"; {len(skipped)} link(s) or folder(s) were not read: "
                        + _shorten([f"{p} ({r})" for p, r in skipped]))
        if not other:
            raise DataError(f"folder {root} is empty; put WAV/FLAC/OGG files in it (sub-folders are "
                            f"searched too, links followed) or use builtin:NAME{not_read}")
        exts = sorted({p.suffix.lower() or "(none)" for p in other})
        raise DataError(f"folder {root} has no WAV/FLAC/OGG files (found {len(other)} other "
                        f"file(s): {', '.join(exts)}); convert them to WAV or FLAC{not_read}")
    return audio, other, links, skipped


def _load_file(p: Path, root: Path, sr: int, samples: int, hop: int, silence_db: float,
               normalise: str | None, silent_files: list[tuple[int, float]]
               ) -> tuple[FileReport, np.ndarray, np.ndarray]:
    """One file's report, kept clips ``(k, samples)`` float32 and their starts ``(k,)`` (at ``sr``).

    Reads in blocks and cuts clips as they come (:class:`_Cutter`): besides the clips, only a
    block and a clip's worth of signal are held. An all-silent file is appended to ``silent_files``
    and raises :class:`_Bad`, as does any unusable file.
    """
    stream = _open(p, sr)
    group = max(1, 2 ** 22 // samples)  # clips measured at once: 32 MiB of float64
    cutter = _Cutter(stream.length, samples, hop, group)
    pieces: list[np.ndarray] = []  # loud clips, float64 until the file's peak is known
    starts: list[np.ndarray] = []
    n_cut, top = 0, -np.inf

    def keep(groups) -> None:
        nonlocal n_cut, top
        for clips, at in groups:
            levels = frame_levels(clips, sr)
            loud = np.mean(levels < silence_db, axis=1) <= MAX_SILENT_FRACTION
            n_cut, top = n_cut + len(clips), max(top, float(levels.max()))
            pieces.append(clips[loud])
            starts.append(at[loud])

    with stream.handle:
        for y in stream.blocks():
            keep(cutter.feed(y))
        keep(cutter.finish())
    duration = stream.frames / stream.file_sr
    if n_cut == 0:
        clip_sec = samples / sr
        raise _Bad(f"is {duration:.3f} s long, far shorter than one clip ({clip_sec:.3f} s = "
                   f"{samples} samples at {sr} Hz); files shorter than half a clip are not "
                   f"used: record longer files or use a smaller --samples")
    n_loud = sum(len(c) for c in pieces)
    if n_loud == 0:
        silent_files.append((n_cut, top))
        raise _Bad(f"is silent: every clip is mostly below {silence_db:g} dBFS (loudest 20 ms "
                   f"frame {top:.1f} dBFS); remove it, or lower the threshold (silence_db=; "
                   f"`python -m gcdg_lite inspect {root} --silence-db {np.floor(top) - 10:g}` "
                   f"shows what that keeps) if it is just quiet")
    out = np.empty((n_loud, samples), dtype=np.float32)
    row = 0
    while pieces:  # scale and convert one group at a time, freeing its float64 copy
        clips = pieces.pop(0)
        if normalise == "file":
            clips *= NORM_PEAK / max(cutter.peak, 1e-12)
        if normalise == "clip":
            clips *= NORM_PEAK / np.maximum(np.max(np.abs(clips), axis=1, keepdims=True), 1e-12)
        out[row:row + len(clips)] = np.clip(clips, -1.0, 1.0)
        row += len(clips)
    loud_last = bool(len(starts[-1])) and int(starts[-1][-1]) == int(cutter.starts[-1])
    report = FileReport(str(p), stream.file_sr, stream.channels, duration, n_loud, n_cut - n_loud,
                        bool(cutter.padded and loud_last))
    return report, out, np.concatenate(starts)
