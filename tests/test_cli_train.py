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

TINY = ["--model", "wavegan", "--width", "2", "--samples", "1024", "--batch", "4", "--quiet"]


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
    files = sorted(os.listdir(out))
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
    assert len(os.listdir(tmp_path / "s")) == 2
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
    assert len(err) == 1 and "--loss" in err[0]
    assert history_steps(run) == [1]


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


def test_cli_loss_names_match_the_registry():
    from gcdg_lite import losses
    from gcdg_lite.cli import train_cmd

    assert sorted(train_cmd.LOSS_NAMES) == sorted(losses.LOSSES)


def test_help_and_argument_errors_do_not_import_tensorflow():
    code = ("import sys\nfrom gcdg_lite.cli import main\n"
            "try:\n    main(['train', '--out', 'r', '--loss', 'bad'])\nexcept SystemExit as e:\n"
            "    assert e.code == 2, e.code\n"
            "assert 'tensorflow' not in sys.modules, 'argument parsing imported TensorFlow'\n"
            "print('ok')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-2000:]
    assert "invalid choice: 'bad'" in proc.stderr


def test_ema_defaults_per_model_and_zero_turns_it_off():
    """specgan samples from an EMA of G's weights by default (0.99); wavegan does not; --ema 0 is off."""
    import argparse

    from gcdg_lite.cli import train_cmd

    parser = argparse.ArgumentParser()
    train_cmd.add_parser(parser.add_subparsers())

    def config(*flags):
        return train_cmd._config(parser.parse_args(["train", "--data", "builtin:vowels", "--out", "x", *flags]))

    assert config().model == "specgan" and config().ema == 0.99
    assert config("--model", "wavegan").ema is None
    assert config("--ema", "0").ema is None
    assert config("--model", "wavegan", "--ema", "0.999").ema == 0.999
    assert config().update == "alternating" and config("--update", "simultaneous").update == "simultaneous"
