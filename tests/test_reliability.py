"""Nothing lost, nothing silently wrong (issue 14): the run folder as a safe place, honest resume, one-line errors.

One test per defect found by an adversarial review, each of which failed before the fix, plus a matrix of
corrupted run folders and a small fuzz of bad flags. Every bad input must give exit status 2 and one
``error:`` line (never a traceback) and leave everything outside the run, and every run it did not
mean to change, as it was.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import soundfile as sf

from gcdg_lite.cli import main
from gcdg_lite.errors import DataError, GcdgError, RunError

FAST = ["--model", "seed_mlp", "--samples", "1024", "--batch", "4", "--precision", "float32", "--quiet"]


def train_cli(run, *flags, steps=2, data=("--data", "builtin:hum", "--clips", "8")):
    return main(["train", *data, "--steps", str(steps), "--out", str(run), *FAST, *flags])


def one_line(capsys, needle=None) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:") and "Traceback" not in err[0], err
    if needle is not None:
        assert needle in err[0], err
    return err[0]


def snapshot(folder) -> dict:
    """path -> sha1 of every file under ``folder`` (what 'nothing changed' compares)."""
    out = {}
    for root, _, files in os.walk(folder):
        for f in files:
            p = os.path.join(root, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, folder)] = hashlib.sha1(fh.read()).hexdigest()
    return out


def history_steps(run) -> list[int]:
    with open(os.path.join(run, "history.csv")) as fh:
        return [int(r["step"]) for r in csv.DictReader(fh)]




# --------------------------------------------------------------------------- data loss
def test_overwrite_keeps_the_old_run_until_the_new_one_is_set_up(run, capsys):
    before = snapshot(run)
    for flags in (["--data", "builtin:no_such_texture"], ["--batch", "100000"], ["--lr", "0"]):
        argv = ["train", "--steps", "2", "--out", str(run), "--overwrite", *FAST]
        argv += flags if flags[0] == "--data" else ["--data", "builtin:hum", "--clips", "8", *flags]
        assert main(argv) == 2
        one_line(capsys)
        assert snapshot(run) == before
    assert main(["train", "--data", "builtin:hum", "--clips", "8", "--steps", "3", "--out", str(run), "--overwrite",
                 *FAST]) == 0
    assert history_steps(run) == [1, 2, 3] and not [p for p in os.listdir(run.parent) if ".replaced-" in p]


def test_overwrite_refuses_a_link(run, tmp_path, capsys):
    link = tmp_path / "link"
    link.symlink_to(run, target_is_directory=True)
    before = snapshot(run)
    assert train_cli(link, "--overwrite") == 2
    one_line(capsys, "link")
    assert snapshot(run) == before


def test_a_crafted_checkpoint_state_file_cannot_delete_files_elsewhere(run, tmp_path, capsys):
    victims = tmp_path / "elsewhere"
    victims.mkdir()
    for name in ("victim.index", "victim.data-00000-of-00001", "v2.index", "v2.data-00000-of-00001"):
        (victims / name).write_text("precious")
    rel = os.path.relpath(victims / "v2", run / "ckpt")
    (run / "ckpt" / "checkpoint").write_text(
        f'model_checkpoint_path: "ckpt-2"\nall_model_checkpoint_paths: "{victims / "victim"}"\n'
        f'all_model_checkpoint_paths: "{rel}"\nall_model_checkpoint_paths: "ckpt-2"\n'
        "all_model_checkpoint_timestamps: 1.0\nall_model_checkpoint_timestamps: 2.0\n"
        "all_model_checkpoint_timestamps: 3.0\nlast_preserved_timestamp: 0.5\n")
    assert main(["train", "--out", str(run), "--resume", "--steps", "6", "--ckpt-every", "1", "--quiet"]) == 0
    assert sorted(os.listdir(victims)) == ["v2.data-00000-of-00001", "v2.index", "victim.data-00000-of-00001",
                                           "victim.index"]
    assert all((victims / f).read_text() == "precious" for f in os.listdir(victims))
    assert history_steps(run) == list(range(1, 7))


def test_sample_refuses_a_folder_with_wavs_unless_forced(run, tmp_path, capsys):
    out = tmp_path / "wavs"
    out.mkdir()
    sf.write(out / "mine.wav", np.zeros(100, np.float32), 16000)
    assert main(["sample", "--run", str(run), "--n", "2", "--out", str(out)]) == 2
    one_line(capsys, "--force")
    assert os.listdir(out) == ["mine.wav"]
    assert main(["sample", "--run", str(run), "--n", "2", "--out", str(out), "--force"]) == 2  # not ours (issue 22)
    one_line(capsys, "did not write")
    assert os.listdir(out) == ["mine.wav"]
    (out / "mine.wav").unlink()
    for n in ("3", "2"):
        assert main(["sample", "--run", str(run), "--n", n, "--out", str(out), "--force"]) == 0
    assert sorted(os.listdir(out)) == [".gcdg-samples.json", "sample_000.wav", "sample_001.wav"]  # no mix
    (tmp_path / "file").write_text("x")
    assert main(["sample", "--run", str(run), "--n", "2", "--out", str(tmp_path / "file")]) == 2
    one_line(capsys, "is a file")


def test_a_second_trainer_on_the_same_run_is_refused_and_a_stale_lock_is_taken_over(run, tmp_path, capsys):
    cmd = [sys.executable, "-m", "gcdg_lite", "train", "--out", str(run), "--resume", "--steps", "100000",
           "--quiet"]
    first = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 120
        while not (run / ".lock").exists() and time.time() < deadline:
            time.sleep(0.2)
        assert (run / ".lock").exists()
        assert main(["train", "--out", str(run), "--resume", "--steps", "9", "--quiet"]) == 2
        one_line(capsys, f"process {first.pid} is training this run")
    finally:
        first.kill()
        first.wait()
    assert (run / ".lock").exists()  # SIGKILL leaves it behind: stale now
    assert main(["train", "--out", str(run), "--resume", "--steps", "4", "--quiet"]) == 0
    assert not (run / ".lock").exists()


def _wait_rows(run, n, proc, timeout=180):
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        if os.path.exists(run / "history.csv") and len(history_steps(run)) >= n:
            return
        time.sleep(0.2)
    raise AssertionError(f"no {n} history rows in time (exit {proc.poll()}): {proc.stderr.read()[-2000:]}")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupts_save_the_last_step_and_resume_equals_an_uninterrupted_run(tmp_path, sig):
    base = ["--data", "builtin:hum", "--clips", "8", "--ckpt-every", "0", "--seed", "3"] + FAST
    cmd = [sys.executable, "-m", "gcdg_lite", "train", "--out", str(tmp_path / "cut"), "--steps", "100000"] + base
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_rows(tmp_path / "cut", 25, proc)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err[-2000:]
    assert "Traceback" not in err and "which is saved" in err.strip().splitlines()[-1]
    saved = history_steps(tmp_path / "cut")
    stop = saved[-1]
    assert saved == list(range(1, stop + 1))
    assert main(["train", "--out", str(tmp_path / "cut"), "--resume", "--steps", str(stop + 10), "--quiet"]) == 0
    assert main(["train", "--out", str(tmp_path / "straight"), "--steps", str(stop + 10)] + base) == 0

    def rows(folder):
        with open(folder / "history.csv") as fh:
            return np.array([[float(r[c]) for c in ("loss_g", "loss_d", "d_real", "d_fake")] for r in csv.DictReader(fh)])

    np.testing.assert_array_equal(rows(tmp_path / "cut"), rows(tmp_path / "straight"))


def test_a_full_disk_is_one_line_and_the_half_written_row_is_repaired(run, monkeypatch, capsys):
    from gcdg_lite.train import history

    real_extend = history.History.extend

    def full(self, rows):
        with open(self.path, "a") as fh:
            fh.write("3,0.69,1.3")  # the start of a row, as a full disk leaves it
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(history.History, "extend", full)
    assert main(["train", "--out", str(run), "--resume", "--steps", "4", "--quiet"]) == 2
    one_line(capsys, "No space left on device")
    monkeypatch.setattr(history.History, "extend", real_extend)
    assert main(["train", "--out", str(run), "--resume", "--steps", "4", "--quiet"]) == 0
    assert history_steps(run) == [1, 2, 3, 4]


def test_a_failed_checkpoint_write_is_one_line_and_keeps_the_previous_one(run, monkeypatch, capsys):
    import tensorflow as tf

    def refuse(self, *a, **k):
        raise tf.errors.ResourceExhaustedError(None, None, "No space left on device")

    monkeypatch.setattr(tf.train.CheckpointManager, "save", refuse)
    assert main(["train", "--out", str(run), "--resume", "--steps", "3", "--quiet"]) == 2
    one_line(capsys, "previous checkpoint is kept")
    monkeypatch.undo()
    from gcdg_lite.train import load_run

    assert load_run(run).step == 2


# --------------------------------------------------------------------------- silent wrong results
def test_non_finite_weights_are_never_checkpointed_and_sampling_refuses_them(tmp_path, capsys):
    from gcdg_lite.train import TrainConfig, fit, load_run

    data = np.sin(np.linspace(0, 200, 1024, dtype=np.float32))[None].repeat(8, 0) * 0.5
    cfg = TrainConfig(model="seed_mlp", model_kwargs={"hidden": 8}, batch=4, steps=5, ckpt_every=1, lr_g=3e38,
                      precision="float32")
    with pytest.raises(RunError, match="not finite|diverged"):
        fit(data, cfg, out=tmp_path / "run", progress=False)
    try:
        back = load_run(tmp_path / "run")
    except RunError:
        return  # nothing good was ever saved
    for w in back.engine.G.get_weights() + back.engine.D.get_weights():
        assert np.all(np.isfinite(w))
    back.engine.G.layers[-2].kernel.assign(np.full(back.engine.G.layers[-2].kernel.shape, np.nan, np.float32))
    with pytest.raises(RunError, match="not finite"):
        back.sample(2)


def test_an_ema_generator_that_was_never_trained_is_refused(run, capsys):
    cfg = json.loads((run / "config.json").read_text())
    assert cfg["ema"] == 0.0
    cfg["ema"] = 0.99
    (run / "config.json").write_text(json.dumps(cfg))
    assert main(["sample", "--run", str(run), "--n", "2", "--out", str(run.parent / "s")]) == 2
    one_line(capsys, '"ema": 0')
    assert not (run.parent / "s").exists()


@pytest.mark.parametrize("bad", [np.zeros((4, 1024), np.int16), np.zeros((4, 1024), np.uint8),
                                 np.zeros((4, 1024), bool), np.full((4, 1024), 2.0, np.float32),
                                 [[0.0] * 1024, [0.0] * 512], np.zeros((0, 1024), np.float32)],
                         ids=["int16", "uint8", "bool", "beyond_1", "ragged", "empty"])
def test_fit_refuses_what_is_not_float_audio(tmp_path, bad):
    from gcdg_lite.train import TrainConfig, fit

    with pytest.raises(DataError):
        fit(bad, TrainConfig(model="seed_mlp", steps=1), out=tmp_path / "r", progress=False)
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("options, needle", [
    ({"steps": 2.7}, "steps=2.7"), ({"batch": 4.5}, "batch=4.5"), ({"batch": 0}, "batch=0"),
    ({"lr_g": float("inf")}, "lr_g=inf"), ({"lr_d": 0}, "lr_d=0"), ({"r1": float("nan")}, "r1=nan"),
    ({"seed": -1}, "seed=-1"), ({"griffin_lim_iters": 10**9}, "griffin_lim_iters"), ({"ema": 1.0}, "ema=1.0"),
    ({"n_clips": 0}, "n_clips=0"), ({"no_such_option": 1}, "no_such_option"), ({"model_kwargs": [1]}, "model_kwargs"),
    ({"augment": "flip"}, "augment='flip'"), ({"augment": 1}, "augment=1"), ({"r1_every": 0}, "r1_every=0"),
    ({"griffin_lim_oversample": 0}, "griffin_lim_oversample=0"),
])
def test_fit_validates_options_before_touching_anything(tmp_path, options, needle):
    from gcdg_lite.train import fit

    with pytest.raises(GcdgError, match=needle.replace("(", r"\(")):
        fit("builtin:hum", {"model": "seed_mlp", **options}, out=tmp_path / "r", progress=False)
    assert not (tmp_path / "r").exists()


# --------------------------------------------------------------------------- one-line errors
BAD_FLAGS = [["--batch", "0"], ["--lr-g", "0"], ["--lr-d", "-1"], ["--lr", "inf"], ["--r1", "nan"], ["--r1", "-1"],
             ["--samples", "0"], ["--samples", "1000", "--model", "wavegan"], ["--clips", "0"], ["--steps", "0"], ["--ckpt-every", "-1"],
             ["--sample-every", "-2"], ["--ema", "1"], ["--ema", "-0.5"], ["--seed", "-1"], ["--seed", "99999999999"],
             ["--n-critic", "0"], ["--width", "0"], ["--width", "8"], ["--precision", "mixed_float16"],
             ["--model", "nope"], ["--loss", "nope"], ["--update", "simultaneous", "--loss", "wgan_gp"],
             ["--augment", "flip"], ["--r1-every", "0"], ["--griffin-lim-oversample", "0"]]


@pytest.mark.parametrize("flags", BAD_FLAGS, ids=[" ".join(f) for f in BAD_FLAGS])
def test_bad_flags_exit_2_with_one_line_and_create_nothing(tmp_path, capsys, flags):
    assert main(["train", "--data", "builtin:hum", "--clips", "8", "--out", str(tmp_path / "r"), *FAST, *flags]) == 2
    one_line(capsys)
    assert not (tmp_path / "r").exists()


def test_a_small_fuzz_of_bad_flag_combinations(tmp_path, capsys):
    rng = np.random.default_rng(14)
    for i in range(12):
        picks = [BAD_FLAGS[j] for j in rng.choice(len(BAD_FLAGS), size=rng.integers(1, 4), replace=False)]
        argv = ["train", "--data", "builtin:hum", "--clips", "8", "--out", str(tmp_path / f"r{i}"), *FAST]
        for f in picks:
            argv += f
        assert main(argv) == 2, picks
        one_line(capsys)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("where", ["under_a_file", "proc"])
def test_unwritable_output_locations_are_one_line(tmp_path, capsys, where):
    (tmp_path / "file").write_text("x")
    out = tmp_path / "file" / "run" if where == "under_a_file" else "/proc/gcdg_run"
    assert train_cli(out) == 2
    one_line(capsys)


@pytest.mark.parametrize("damage", ["config_list", "config_null", "config_types", "config_truncated",
                                    "ckpt_data_truncated", "ckpt_index_missing", "specnorm", "history_garbage"])
@pytest.mark.parametrize("command", ["sample", "resume"])
def test_damaged_run_folders_give_one_line(tmp_path, capsys, damage, command):
    run = tmp_path / "run"
    model = ["--model", "specgan", "--width", "2", "--samples", "4096"] if damage == "specnorm" else []
    assert main(["train", "--data", "builtin:hum", "--clips", "8", "--steps", "2", "--out", str(run),
                 *FAST, *model]) == 0
    ckpt = run / "ckpt"
    damages = {
        "config_list": lambda: (run / "config.json").write_text("[1, 2]"),
        "config_null": lambda: (run / "config.json").write_text("null"),
        "config_types": lambda: (run / "config.json").write_text(json.dumps(
            {**json.loads((run / "config.json").read_text()), "batch": "four"})),
        "config_truncated": lambda: (run / "config.json").write_text((run / "config.json").read_text()[:40]),
        "ckpt_data_truncated": lambda: [p.write_bytes(p.read_bytes()[:100]) for p in ckpt.glob("*.data-*")],
        "ckpt_index_missing": lambda: [p.unlink() for p in ckpt.glob("*.index")],
        "specnorm": lambda: (run / "specnorm.json").write_text('{"mean": [1, 2]}'),
        "history_garbage": lambda: (run / "history.csv").write_text("step,loss_g\nnot,numbers\nmore,junk\n"),
    }
    damages[damage]()
    if damage == "history_garbage" and command == "sample":
        pytest.skip("sampling does not read the history")
    outside = snapshot(tmp_path)
    argv = (["sample", "--run", str(run), "--n", "2", "--out", str(tmp_path / "s")] if command == "sample"
            else ["train", "--out", str(run), "--resume", "--steps", "4", "--quiet"])
    assert main(argv) == 2
    one_line(capsys)
    assert snapshot(tmp_path) == outside


def test_a_deleted_state_file_and_leftovers_of_a_killed_save_are_handled(run, capsys):
    (run / "ckpt" / "checkpoint").unlink()
    (run / "ckpt" / "ckpt-9_temp").mkdir()
    (run / "ckpt" / "checkpoint.tmp1234").write_text("half")
    assert main(["sample", "--run", str(run), "--n", "1", "--out", str(run.parent / "s")]) == 0
    assert not (run / "ckpt" / "ckpt-9_temp").exists() and not (run / "ckpt" / "checkpoint.tmp1234").exists()
    assert "step 2" in capsys.readouterr().out


def test_divergence_advice_fits_the_run(tmp_path, monkeypatch):
    import tensorflow as tf

    from gcdg_lite import losses
    from gcdg_lite.train import TrainConfig, fit

    good = losses.get_loss("wgan_gp")
    bad = losses.LossSpec("wgan_gp", good.generator_loss, lambda r, f: good.discriminator_loss(r, f) * np.nan,
                          needs_gp=True, gp_weight=10.0, n_critic=1)
    monkeypatch.setitem(losses.LOSSES, "wgan_gp", bad)
    with pytest.raises(RunError) as err:
        fit(np.zeros((8, 1024), np.float32), TrainConfig(model="seed_mlp", loss="wgan_gp", batch=4, steps=3,
                                                          precision="float32"), progress=False)
    assert "diverged" in str(err.value) and "the wgan_gp loss" not in str(err.value) and "--r1" in str(err.value)
    del tf
