"""``python -m gcdg_lite train`` / ``sample``: end to end on built-in data and a folder of WAVs,
``--resume`` semantics, and one-line errors (exit 2, no traceback) for bad arguments and data."""
from __future__ import annotations

import csv
import os
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from gcdg_lite.cli import main

TINY = ["--model", "wavegan", "--width", "2", "--samples", "1024", "--batch", "4", "--precision", "float32", "--quiet"]


def history_steps(run_dir) -> list[int]:
    with open(os.path.join(run_dir, "history.csv")) as fh:
        return [int(r["step"]) for r in csv.DictReader(fh)]


def wav_folder(path, n=4, seconds=0.3, sr=16000):
    """``n`` short noisy tones (different pitches) written as 16-bit WAVs into ``path``."""
    os.makedirs(path, exist_ok=True)
    t = np.arange(int(seconds * sr)) / sr
    rng = np.random.default_rng(0)
    for i in range(n):
        x = 0.4 * np.sin(2 * np.pi * (200 + 50 * i) * t) + 0.05 * rng.standard_normal(t.size)
        sf.write(os.path.join(path, f"tone_{i}.wav"), x.astype(np.float32), sr, subtype="PCM_16")
    return path


def test_train_then_sample_builtin_and_resume(tmp_path, capsys):
    run = str(tmp_path / "run")
    assert main(["train", "--data", "builtin:vowels", "--clips", "16", "--steps", "3", "--out", run] + TINY) == 0
    assert "step 3" in capsys.readouterr().out
    assert history_steps(run) == [1, 2, 3]
    # resuming with a larger --steps trains only the difference; the same --steps does nothing
    assert main(["train", "--out", run, "--resume", "--steps", "5", "--quiet"]) == 0
    assert history_steps(run) == [1, 2, 3, 4, 5]
    assert main(["train", "--out", run, "--resume", "--steps", "5", "--quiet"]) == 0
    assert history_steps(run) == [1, 2, 3, 4, 5]
    out = str(tmp_path / "wavs")
    assert main(["sample", "--run", run, "--n", "3", "--seed", "7", "--out", out]) == 0
    files = sorted(f for f in os.listdir(out) if f.endswith(".wav"))  # beside them: .gcdg-samples.json
    assert len(files) == 3
    x, sr = sf.read(os.path.join(out, files[0]))
    assert sr == 16000 and x.ndim == 1 and x.shape[0] == 1024 and np.abs(x).max() <= 1.0


def test_train_then_sample_folder_of_wavs(tmp_path, capsys):
    data = wav_folder(str(tmp_path / "wavs"))
    run = str(tmp_path / "run")
    assert main(["train", "--data", data, "--steps", "2", "--out", run, "--loss", "hinge", "--r1", "1",
                 "--update", "simultaneous"] + TINY) == 0
    capsys.readouterr()
    assert main(["sample", "--run", run, "--n", "2", "--out", str(tmp_path / "s")]) == 0
    assert sorted(os.listdir(tmp_path / "s")) == [".gcdg-samples.json", "sample_000.wav", "sample_001.wav"]
    with open(os.path.join(run, "config.json")) as fh:
        text = fh.read()
    assert '"hinge"' in text and '"simultaneous"' in text and data in text


def test_existing_run_and_bad_resume_flags_are_one_line_errors(tmp_path, capsys):
    run = str(tmp_path / "run")
    assert main(["train", "--data", "builtin:vowels", "--clips", "8", "--steps", "1", "--out", run] + TINY) == 0
    capsys.readouterr()
    assert main(["train", "--data", "builtin:vowels", "--steps", "1", "--out", run] + TINY) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:") and run in err[0]
    assert main(["train", "--out", run, "--resume", "--loss", "hinge", "--steps", "2"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "different loss (saved: loss='non_saturating')" in err[0]
    assert history_steps(run) == [1]


@pytest.mark.parametrize("flags, needle", [
    (["--lr", "1e-3"], "lr_g"), (["--lr-d", "1e-3"], "lr_d"), (["--samples", "2048"], "model_kwargs"),
    (["--clips", "4"], "n_clips"), (["--data", "builtin:rain"], "different clips"), (["--width", "3"], "model_kwargs"),
    (["--model", "seed_mlp"], "model"), (["--seed", "5"], "seed"), (["--ema", "0.9"], "ema"),
    (["--precision", "mixed_bfloat16"], "precision"), (["--augment", "gain"], "augment"),
    (["--r1-every", "2"], "r1_every"), (["--spectral-norm", "on"], "model_kwargs"),
    (["--feature-matching", "1"], "feature_matching"),
])
def test_resume_refuses_every_flag_that_would_change_the_run(tmp_path, capsys, flags, needle):
    """Issue 14: --resume used to ignore --lr, --samples, --clips and to accept --data OTHER."""
    run = str(tmp_path / "run")
    assert main(["train", "--data", "builtin:vowels", "--clips", "8", "--steps", "2", "--out", run] + TINY) == 0
    before = open(os.path.join(run, "config.json")).read()
    capsys.readouterr()
    assert main(["train", "--out", run, "--resume", "--steps", "3", "--quiet"] + flags) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:") and needle in err[0], err
    assert history_steps(run) == [1, 2] and open(os.path.join(run, "config.json")).read() == before


def test_resume_keeps_what_was_not_given_and_applies_what_may_change(tmp_path, capsys):
    """Without --steps a resumed run keeps its saved total; --ckpt-every/--sample-every keep theirs unless given."""
    import json

    run = str(tmp_path / "run")
    assert main(["train", "--data", "builtin:vowels", "--clips", "8", "--steps", "3", "--ckpt-every", "1",
                 "--sample-every", "2", "--out", run] + TINY) == 0
    assert main(["train", "--out", run, "--resume", "--quiet"]) == 0  # nothing left to train
    assert history_steps(run) == [1, 2, 3]
    cfg = json.load(open(os.path.join(run, "config.json")))
    assert (cfg["steps"], cfg["ckpt_every"], cfg["sample_every"]) == (3, 1, 2)
    assert main(["train", "--out", run, "--resume", "--steps", "4", "--sample-every", "0", "--quiet",
                 "--data", "builtin:vowels", "--lr", "2e-4"]) == 0  # the same data and lr are no change
    cfg = json.load(open(os.path.join(run, "config.json")))
    assert history_steps(run) == [1, 2, 3, 4] and (cfg["steps"], cfg["ckpt_every"], cfg["sample_every"]) == (4, 1, 0)


@pytest.mark.parametrize("argv, needle", [
    (["train", "--data", "builtin:no_such_texture", "--out", "{tmp}/r"], "no_such_texture"),
    (["train", "--data", "{tmp}/missing_folder", "--out", "{tmp}/r"], "missing_folder"),
    (["train", "--data", "builtin:vowels", "--steps", "0", "--out", "{tmp}/r"], "--steps"),
    (["train", "--out", "{tmp}/r", "--resume"], "--resume"),
    (["train", "--data", "builtin:vowels", "--update", "simultaneous", "--loss", "wgan_gp", "--out", "{tmp}/r"],
     "n_critic"),
    (["sample", "--run", "{tmp}/not_a_run", "--out", "{tmp}/s"], "not_a_run"),
])
def test_bad_arguments_exit_2_with_one_line(tmp_path, capsys, argv, needle):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:") and needle in err[0], err
    assert not (tmp_path / "r").exists()


def test_subprocess_bad_data_has_no_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "gcdg_lite", "train", "--data", str(tmp_path / "nope"),
                           "--out", str(tmp_path / "r")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("error:")


def test_help_does_not_import_tensorflow_and_a_bad_name_is_one_line():
    code = ("import sys\nfrom gcdg_lite.cli import main\n"
            "try:\n    main(['train', '--help'])\nexcept SystemExit as e:\n    assert e.code == 0, e.code\n"
            "assert 'tensorflow' not in sys.modules, '--help imported TensorFlow'\n"
            "print('ok')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip().splitlines()[-1] == "ok", proc.stderr[-2000:]
    assert "non_saturating (default)" in proc.stdout


@pytest.mark.parametrize("flag, value, needle", [("--loss", "bad", "loss='bad' is unknown; choose one of: gcdg"),
                                                  ("--model", "bad", "model='bad' is unknown")])
def test_unknown_names_list_the_choices(tmp_path, capsys, flag, value, needle):
    assert main(["train", "--data", "builtin:vowels", "--out", str(tmp_path / "r"), flag, value]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and needle in err[0], err
    assert not (tmp_path / "r").exists()


def test_cli_defaults_are_the_library_defaults():
    """`train` with no options and TrainConfig() describe the same run (issue 10): no policy in the CLI."""
    import argparse

    from gcdg_lite.cli import train_cmd
    from gcdg_lite.train import TrainConfig

    parser = argparse.ArgumentParser()
    train_cmd.add_parser(parser.add_subparsers())

    def options(*flags):
        return train_cmd.options(parser.parse_args(["train", "--data", "builtin:vowels", "--out", "x", *flags]))

    assert options() == {}
    assert TrainConfig.from_options(options()) == TrainConfig()
    resolved = TrainConfig().resolve(samples=16384)
    assert (resolved.model, resolved.loss, resolved.ema, resolved.update) == ("specgan", "non_saturating", 0.99,
                                                                             "alternating")
    assert (resolved.steps, resolved.model_kwargs["d"]) == (2400, 8)  # width 8 for 2400 steps: ~10 min on 2 cores
    wave = TrainConfig(model="wavegan").resolve(samples=16384)
    assert (wave.ema, wave.steps, wave.model_kwargs["d"]) == (0.0, 1000, 16)
    assert TrainConfig(steps=7).resolve(samples=16384).steps == 7
    assert TrainConfig.from_options(options("--steps", "5")).resolve(samples=16384).steps == 5
    assert TrainConfig.from_options(options("--ema", "0")).resolve(samples=16384).ema == 0.0
    assert options("--lr", "1e-3", "--lr-g", "5e-4") == {"lr_g": 5e-4, "lr_d": 1e-3}
    assert options("--width", "8", "--samples", "4096") == {"model_kwargs": {"d": 8, "samples": 4096}}
    assert options("--augment", "shift,gain", "--r1-every", "4", "--spectral-norm", "on", "--upsample", "nearest") == {
        "augment": "shift,gain", "r1_every": 4, "model_kwargs": {"spectral_norm": True, "upsample": "nearest"}}
    assert options("--spectral-norm", "off") == {"model_kwargs": {"spectral_norm": False}}
    assert options("--feature-matching", "2.5") == {"feature_matching": 2.5}
    assert options("--stft-heads", "512,256") == {"model_kwargs": {"stft_heads": [512, 256]}}
    assert options("--stft-heads", "none") == {"model_kwargs": {"stft_heads": []}}
    assert options("--griffin-lim-oversample", "1") == {"griffin_lim_oversample": 1}
