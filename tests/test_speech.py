"""The text-to-speech textures: eSpeak NG through ctypes, deterministic clips, disjoint splits, one clear
error when the engine is missing, and a babble that is made of speech."""
import sys

import librosa
import numpy as np
import pytest

from gcdg_lite.cli import main
from gcdg_lite.data import speak, speech_voices, texture
from gcdg_lite.data import speech as S
from gcdg_lite.errors import ConfigError, DataError

SR = 16000
SENTENCE = "The garden is quiet in the morning, and the river is bright."


def _median_f0(x, sr=SR):
    """Median YIN f0 (Hz) over the loudest half of the 64 ms frames (where the voice is)."""
    x = x.astype(np.float64)
    f0 = librosa.yin(x, fmin=60, fmax=400, sr=sr, frame_length=1024, hop_length=256)
    rms = librosa.feature.rms(y=x, frame_length=1024, hop_length=256)[0][: len(f0)]
    return float(np.median(f0[rms >= np.median(rms)]))


# ---------------------------------------------------------------- determinism and shape

@pytest.mark.parametrize("name", ["speech", "speech_heldout", "babble"])
def test_same_seed_same_audio_offset_contract(name):
    a = texture(name, n=3, seed=4, samples=8192)
    # other work in between, with breathy voices that draw on the engine's noise generator
    texture("speech_heldout" if name != "speech_heldout" else "speech", n=2, seed=9, samples=4096)
    speak(SENTENCE, "en-us+f2", seed=11), speak(SENTENCE, "fr+f5", seed=12)
    b = texture(name, n=3, seed=4, samples=8192)
    assert a.shape == (3, 8192) and a.dtype == np.float32
    assert np.array_equal(a, b)  # bit-identical, whatever the engine said in between
    assert np.array_equal(a[1:], texture(name, n=2, seed=4, samples=8192, offset=1))
    assert not np.allclose(a, texture(name, n=3, seed=5, samples=8192))
    assert abs(np.abs(a).max(axis=1) - 0.9).max() < 1e-6  # peak-normalised like every texture


def test_speak_is_deterministic_float32_and_checks_its_arguments():
    x = speak(SENTENCE, "en-us+m3")
    assert x.dtype == np.float32 and x.ndim == 1 and 1.5 * SR < len(x) < 8 * SR
    assert 0.1 < np.abs(x).max() <= 1.0
    assert np.array_equal(x, speak(SENTENCE, "en-us+m3"))
    breathy = speak(SENTENCE, "en-us+f3", seed=1)
    speak(SENTENCE, "en+f2", seed=5)
    assert np.array_equal(breathy, speak(SENTENCE, "en-us+f3", seed=1))  # its noise is seeded
    assert not np.array_equal(breathy, speak(SENTENCE, "en-us+f3", seed=2))
    assert len(speak(SENTENCE, "en-us+m3", sr=8000)) == pytest.approx(len(x) / 2, abs=2)
    with pytest.raises(ConfigError, match="voice='xx-nope'"):
        speak(SENTENCE, "xx-nope")
    for kwargs in ({"rate": 10}, {"pitch": 101}, {"pitch_range": -1}, {"sr": 0}, {"rate": 175.0}):
        with pytest.raises(ConfigError):
            speak(SENTENCE, **kwargs)
    with pytest.raises(ConfigError, match="text"):
        speak("   ")


# ---------------------------------------------------------------- voices and clips

def test_voices_differ_female_variants_are_higher():
    male = _median_f0(speak(SENTENCE, "en-us+m3"))
    female = _median_f0(speak(SENTENCE, "en-us+f2"))
    assert 70 < male < 160 and female > 1.4 * male, (male, female)
    # and the languages differ in more than pitch: another language says other sounds
    en, de = speak(SENTENCE, "en+m1"), speak("Der Garten ist am Morgen still, und der Fluss ist hell.", "de+m1")
    c_en = librosa.feature.spectral_centroid(y=en, sr=SR).mean()
    c_de = librosa.feature.spectral_centroid(y=de, sr=SR).mean()
    assert abs(c_en - c_de) > 50, (c_en, c_de)


def test_clips_draw_voices_of_their_split_and_pitch_follows_the_variant():
    clips, params = texture("speech", n=16, seed=0, return_params=True)
    tune = set(speech_voices("tune"))
    assert {p["voice"] for p in params} <= tune and len({p["voice"] for p in params}) >= 8
    f0 = {"m": [], "f": []}
    for x, p in zip(clips, params):
        assert 115 <= p["rate"] <= 165 and 30 <= p["pitch"] <= 70 and 30 <= p["pitch_range"] <= 90
        f0[p["variant"][0]].append(_median_f0(x))
    assert np.median(f0["f"]) > 1.3 * np.median(f0["m"]), f0


def test_clips_are_mostly_active_speech():
    clips, params = texture("speech_heldout", n=12, seed=1, return_params=True)
    frame = SR // 100
    for x, p in zip(clips, params):
        f = x[: len(x) // frame * frame].reshape(-1, frame).astype(np.float64)
        db = 10 * np.log10(np.mean(f * f, axis=1) + 1e-20)
        # the crop rule promises 75 % of frames within 40 dB of the utterance's loudest frame;
        # the clip's own loudest frame is at most that loud, so this is a lower bound
        assert np.mean(db >= db.max() - S.ACTIVE_DB) >= 0.7, p
        assert p["active"] >= S.ACTIVE_FRACTION
        assert p["text"].split()[0][0].isupper() and p["text"][-1] in ".?!"


def test_other_rates_and_lengths_and_long_clips():
    x = texture("speech", n=2, seed=0, sr=8000, samples=3 * 8000)  # 3 s: more text is spoken
    assert x.shape == (2, 24000) and np.all(np.isfinite(x))
    f = x[:, :23920].reshape(2, -1, 80)
    assert np.mean(np.mean(f ** 2, axis=2) > 1e-6) > 0.7  # no long zero-padded tail


# ---------------------------------------------------------------- the held-out split

def test_held_out_split_shares_no_voice_language_variant_or_content_word():
    tune, held = S.SPLITS["tune"], S.SPLITS["heldout"]
    assert not set(tune.languages) & set(held.languages)
    assert not set(tune.variants) & set(held.variants)
    assert not set(tune.voices) & set(held.voices) and len(tune.voices) == len(held.voices) == 24
    content_tune = {w.lower() for lang in tune.languages for w in tune.words(lang)[1]}
    content_held = {w.lower() for lang in held.languages for w in held.words(lang)[1]}
    assert not content_tune & content_held
    for table in S.WORDS.values():  # no word is listed twice, no list is tiny
        for key, words in table.items():
            assert len(set(words)) == len(words) and len(words) >= 15, key
    # and the clips keep to it: no voice and no content word crosses over
    _, p_tune = texture("speech", n=24, seed=3, samples=4096, return_params=True)
    _, p_held = texture("speech_heldout", n=24, seed=3, samples=4096, return_params=True)
    assert {p["voice"] for p in p_tune} <= set(tune.voices)
    assert {p["voice"] for p in p_held} <= set(held.voices)
    function = {w.lower() for t in S.WORDS.values() for w in t["function"]}

    def words(params):
        return {w.strip(",.?!").lower() for p in params for w in p["text"].split()} - function
    assert words(p_tune) and words(p_held) and not words(p_tune) & words(p_held)


def test_babble_uses_tuning_voices_only():
    _, params = texture("babble", n=6, seed=0, samples=4096, return_params=True)
    tune = set(speech_voices("tune"))
    for p in params:
        assert 4 <= p["n_voices"] <= 8 and len(p["voices"]) == p["n_voices"] and set(p["voices"]) <= tune


# ---------------------------------------------------------------- babble is made of speech

def _ltas_octaves(clips, sr=SR):
    f = clips[:, : clips.shape[1] // 1024 * 1024].reshape(-1, 1024).astype(np.float64)
    p = np.mean(np.abs(np.fft.rfft(f * np.hanning(1024), axis=1)) ** 2, axis=0)
    freqs = np.fft.rfftfreq(1024, 1 / sr)
    bands = np.array([10 * np.log10(p[(freqs >= c / 2 ** 0.5) & (freqs < c * 2 ** 0.5)].sum())
                      for c in (125, 250, 500, 1000, 2000, 4000)])
    return bands - bands.max()


def _modulation_peak_hz(clips, sr=SR):
    """Peak of the intensity envelope's modulation spectrum in third-octave bands 0.5-16 Hz."""
    spec = 0.0
    for x in clips.astype(np.float64):
        env = np.square(x)[: len(x) // (sr // 100) * (sr // 100)].reshape(-1, sr // 100).mean(axis=1)
        env = env / env.mean() - 1.0
        spec = spec + np.abs(np.fft.rfft(env * np.hanning(len(env)), n=4096)) ** 2
    fm = np.fft.rfftfreq(4096, 1 / 100)
    centres = 2.0 ** np.arange(-1, 4.01, 1 / 3)
    energy = [spec[(fm >= c * 2 ** (-1 / 6)) & (fm < c * 2 ** (1 / 6))].sum() for c in centres]
    return float(centres[int(np.argmax(energy))])


def test_babble_has_the_long_term_spectrum_of_speech_and_a_syllabic_rhythm():
    babble = texture("babble", n=8, seed=0, samples=4 * SR)
    one = texture("speech", n=8, seed=1, samples=4 * SR)
    dev = np.sqrt(np.mean((_ltas_octaves(babble) - _ltas_octaves(one)) ** 2))
    assert dev < 2.0, dev  # the procedural babble this replaces was 4.0 dB off
    assert 2.5 <= _modulation_peak_hz(babble) <= 8.0
    # many talkers at once: the envelope is much flatter than one talker's
    depth = [np.std(np.square(c).reshape(-1, 160).mean(1)) / np.square(c).mean() for c in (babble, one)]
    assert depth[0] < 0.6 * depth[1], depth


# ---------------------------------------------------------------- a missing engine

@pytest.fixture
def no_engine(monkeypatch):
    monkeypatch.setattr(S, "_ENGINE", None)
    monkeypatch.setitem(sys.modules, "espeakng_loader", None)  # import fails as if not installed


def test_missing_engine_is_one_data_error_naming_the_package(no_engine):
    for call in (lambda: texture("speech", 1), lambda: texture("babble", 0), lambda: speak("hello")):
        with pytest.raises(DataError) as err:
            call()
        msg = str(err.value)
        assert "\n" not in msg and "pip install espeakng-loader" in msg and "not installed" in msg
    assert texture("rain", 1).shape == (1, 16384)  # the procedural textures do not need it


def test_engine_that_fails_to_load_is_one_data_error(monkeypatch):
    import espeakng_loader

    monkeypatch.setattr(S, "_ENGINE", None)
    monkeypatch.setattr(espeakng_loader, "get_library_path", lambda: "/nonexistent/libespeak-ng.so")
    with pytest.raises(DataError, match="failed to load.*pip install espeakng-loader"):
        texture("speech_heldout", 1)


def test_cli_corpus_without_engine_one_line_exit_2_nothing_written(no_engine, tmp_path, capsys):
    out = tmp_path / "speech"
    assert main(["corpus", "--texture", "speech", "--n", "3", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:") and "pip install espeakng-loader" in err[0]
    assert not out.exists()


def test_a_second_handle_on_the_library_is_reported(tmp_path):
    # in a child process: a second handle would keep the engine's state alive in this one
    import subprocess

    code = ("import ctypes, warnings, espeakng_loader\n"
            "keep = ctypes.CDLL(espeakng_loader.get_library_path())\n"
            "from gcdg_lite.data import speech\n"
            "with warnings.catch_warnings(record=True) as w:\n"
            "    warnings.simplefilter('always')\n"
            "    speech.engine()\n"
            "print(sum('stays loaded' in str(x.message) for x in w))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "1", out.stderr
