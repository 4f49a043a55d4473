"""A held-out speech set from another engine: CMU Flite's voices, for ``bench/quality.py --judges`` (issue 23).

Everything the package trains on and is tuned on is made by eSpeak NG (``speech``, ``speech_heldout``):
one formant synthesiser, whatever the voice. This set is made by a different engine, **Flite** (CMU's
small run-time synthesiser, Debian's ``flite`` package: ``apt-get install flite``), with its four
16 kHz voices — ``kal16`` (a diphone voice) and ``awb``, ``rms``, ``slt`` (statistical parametric
*clustergen* voices) — reading English sentences written for this file (none of them is in the
package's word lists). Nothing in the package was trained or tuned on it; it is the yardstick's
second judge of "speech nobody tuned on".

One clip follows the built-in ``speech`` recipe where it can: draw a voice, a sentence pair and a rate
(Flite's ``duration_stretch`` 0.9-1.3; 1 = the voice's own), synthesise at 16 kHz, take a random
mostly-active crop of 16384 samples (``gcdg_lite.data.speech.active_crop``: at least 75 % of its
10 ms frames within 40 dB of the loudest), then ``gcdg_lite.data.signal.finish`` (DC removed, ends
faded, peak 0.9). Clip ``i`` depends only on ``(seed, i)``.

Usage::

    python bench/flite_set.py --out /tmp/gcdg_quality/data/flite --n 256
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

import common  # noqa: F401  (puts the checkout on sys.path)

#: Flite's 16 kHz voices (``flite -lv`` also lists ``kal``, 8 kHz, and ``awb_time``, a talking clock)
VOICES = ("kal16", "awb", "rms", "slt")
SR = 16000
SAMPLES = 16384

SENTENCES = (
    "A small boat drifted past the harbour wall at noon.",
    "Nobody expected the old clock to start ringing again.",
    "Please carry the blue boxes up to the second floor.",
    "The garden smelled of wet earth after the storm.",
    "Her brother painted the fence a very bright yellow.",
    "We waited almost an hour for the last train home.",
    "Thick fog rolled over the hills before sunrise.",
    "Could you read the first page out loud for me?",
    "The baker sold every loaf before nine in the morning.",
    "Seven geese landed softly on the frozen pond.",
    "My neighbour keeps bees on the roof of his shed.",
    "Turn left at the bridge and follow the river road.",
    "The children built a tall tower out of wooden blocks.",
    "A cold wind whistled through the broken window.",
    "Nobody could remember where the spare keys were kept.",
    "The orchestra tuned their instruments in silence.",
    "Fresh lemons make the best summer drink.",
    "He lost his umbrella on the crowded bus again.",
    "The museum opens late on the first Friday of the month.",
    "Dark clouds gathered quickly over the quiet valley.",
    "She counted the coins twice before paying the driver.",
    "Our cat sleeps all afternoon in the warm kitchen.",
    "The map showed a narrow path along the cliffs.",
    "Will the meeting still happen if it snows tonight?",
    "A sudden noise made the horses stamp and turn.",
    "They planted three rows of tomatoes by the gate.",
    "The lighthouse keeper wrote a letter every evening.",
    "Bring a warm coat, because the evenings are chilly.",
    "The soup needed more salt and a little pepper.",
    "An old radio crackled somewhere in the next room.",
    "We found a shiny pebble shaped like a heart.",
    "The students laughed at the teacher's strange joke.",
    "Heavy rain delayed the start of the football match.",
    "Why does the kettle always whistle so loudly?",
    "The farmer mended the roof before the winter came.",
    "A red kite circled high above the open field.",
    "Leave the lamp on when you go to bed, please.",
    "The river was too deep to cross on foot.",
    "Grandmother told us stories about the long journey.",
    "The printer jammed just before the deadline.",
)


def synthesise(text: str, voice: str, stretch: float, folder: str) -> np.ndarray:
    """Flite's reading of ``text`` with ``voice`` at ``stretch`` times its own duration: ``(n,)`` float64, 16 kHz."""
    import soundfile as sf

    path = os.path.join(folder, "say.wav")
    subprocess.run(["flite", "-voice", voice, "--setf", f"duration_stretch={stretch:.3f}", "-t", text, "-o", path],
                   check=True, capture_output=True)
    x, sr = sf.read(path, dtype="float64")
    if sr != SR:
        raise SystemExit(f"flite voice {voice} wrote {sr} Hz audio; this set needs {SR} Hz voices ({VOICES})")
    return x


def clip(rng: np.random.Generator, folder: str) -> tuple[np.ndarray, dict]:
    """One clip: a voice, two sentences, a rate, a mostly-active crop, ``finish``; ``(SAMPLES,)`` float32 and its recipe."""
    from gcdg_lite.data.signal import finish
    from gcdg_lite.data.speech import active_crop

    voice = VOICES[int(rng.integers(len(VOICES)))]
    first, second = rng.choice(len(SENTENCES), size=2, replace=False)
    stretch = float(rng.uniform(0.9, 1.3))
    x = synthesise(f"{SENTENCES[first]} {SENTENCES[second]}", voice, stretch, folder)
    crop, start, active = active_crop(rng, x, SAMPLES, SR)
    crop = np.pad(crop, (0, SAMPLES - len(crop)))
    return finish(crop, SR), {"voice": voice, "stretch": round(stretch, 3), "start_s": start / SR,
                              "active": round(active, 3)}


def write_set(out: str, n: int, seed: int = 0) -> str:
    """Write ``n`` clips as ``flite_NNNN.wav`` (16-bit, 16 kHz) into ``out``; returns ``out``."""
    import soundfile as sf

    if shutil.which("flite") is None:
        raise SystemExit("bench/flite_set.py needs the flite engine: apt-get install flite")
    os.makedirs(out, exist_ok=True)
    voices: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n):
            audio, recipe = clip(np.random.default_rng([seed, i]), tmp)
            sf.write(os.path.join(out, f"flite_{i:04d}.wav"), audio, SR, subtype="PCM_16")
            voices[recipe["voice"]] = voices.get(recipe["voice"], 0) + 1
    print(f"{n} clips in {out} (voices: {', '.join(f'{v} {c}' for v, c in sorted(voices.items()))})")
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", required=True, help="folder to write the clips into")
    p.add_argument("--n", type=int, default=256, help="number of clips (default 256)")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    write_set(args.out, args.n, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
