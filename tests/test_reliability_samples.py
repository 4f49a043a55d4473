"""``sample`` and the trainer's listening checkpoints own what they write (issue 22, cases 2, 5, 6, 14 and 8).

Each test failed on the code before the fix: a linked sample folder was emptied, ``--force`` deleted WAVs it
never wrote and, on a full disk, the old set before writing the new one, two writers mixed their clips, and
every clip was generated before any was written.
"""
from __future__ import annotations

import errno
import os
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from gcdg_lite.cli import main
from test_reliability import one_line, snapshot, train_cli

MANIFEST = ".gcdg-samples.json"




def user_wavs(folder, k=3):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(k):
        sf.write(folder / f"take_{i}.wav", np.full(200, 0.1 * (i + 1), np.float32), 16000)
    (folder / "notes.txt").write_text("mine")
    return folder


def wav_names(folder):
    return sorted(p for p in os.listdir(folder) if p.endswith(".wav"))


def sample(run, out, *flags, n=2, seed=0):
    return main(["sample", "--run", str(run), "--n", str(n), "--seed", str(seed), "--out", str(out), *flags])


# --------------------------------------------------------------------------- case 2: linked listening checkpoints
@pytest.mark.parametrize("link", ["samples/step_000004", "samples"])
def test_a_linked_sample_folder_is_refused_or_replaced_without_touching_its_target(run, tmp_path, capsys, link):
    mine = user_wavs(tmp_path / "mine")
    before = snapshot(mine)
    if link != "samples":
        (run / "samples").mkdir(exist_ok=True)
    (run / link).symlink_to(mine, target_is_directory=True)
    code = main(["train", "--out", str(run), "--resume", "--steps", "4", "--sample-every", "4", "--quiet"])
    assert snapshot(mine) == before  # the user's files, byte-identical, nothing added
    if link == "samples":  # one of the run's own entries: refused on resume, like ckpt/ or history.csv
        assert code == 2
        one_line(capsys, "is a symbolic link")
        return
    assert code == 0  # a linked listening checkpoint met while training is replaced by a real folder
    step = run / "samples" / "step_000004"
    assert not (run / "samples").is_symlink() and step.is_dir() and not step.is_symlink()
    assert len(wav_names(step)) == 4
    from gcdg_lite.train import load_run

    assert [s for s, _ in load_run(run).sample_folders()] == [4]
    assert not [p for p in os.listdir(run / "samples") if p.startswith(".")]  # no temporary folder left


def test_a_repeated_step_replaces_its_folder_whole_and_sample_folders_skips_links(run, tmp_path):
    from gcdg_lite.train import load_run

    assert main(["train", "--out", str(run), "--resume", "--steps", "4", "--sample-every", "2", "--quiet"]) == 0
    back = load_run(run)
    assert [s for s, _ in back.sample_folders()] == [4]  # steps 1-2 were trained before sampling was on
    first = snapshot(run / "samples" / "step_000004")
    back.write_samples(None, 4, seed=0, step=4)  # the trainer writes a step again (e.g. after a resume)
    assert snapshot(run / "samples" / "step_000004") == first
    user_wavs(tmp_path / "mine")
    (run / "samples" / "step_000009").symlink_to(tmp_path / "mine", target_is_directory=True)
    assert [s for s, _ in back.sample_folders()] == [4]
    assert [s for s, _ in back.saved_samples()] == [4]


# --------------------------------------------------------------------------- case 5: --force owns only its files
def test_force_never_deletes_wavs_that_sample_did_not_write(run, tmp_path, capsys):
    mine = user_wavs(tmp_path / "mydata")
    before = snapshot(mine)
    assert sample(run, mine, "--force") == 2
    line = one_line(capsys, "3 WAV file(s) that `sample` did not write")
    assert "move" in line
    assert snapshot(mine) == before


def test_force_replaces_exactly_the_previous_set(run, tmp_path, capsys):
    out = tmp_path / "s"
    assert sample(run, out, n=3, seed=1) == 0
    (out / "notes.txt").write_text("kept")
    assert sample(run, out, n=2) == 2  # earlier samples: refused without --force
    one_line(capsys, "--force")
    assert sample(run, out, "--force", n=2, seed=2) == 0
    assert wav_names(out) == ["sample_000.wav", "sample_001.wav"] and (out / "notes.txt").read_text() == "kept"
    import json

    record = json.loads((out / MANIFEST).read_text())
    assert record["files"] == ["sample_000.wav", "sample_001.wav"] and (record["n"], record["seed"]) == (2, 2)
    assert record["step"] == 2 and os.path.samefile(record["run"], run)
    sf.write(out / "extra.wav", np.zeros(100, np.float32), 16000)  # a user's file joins the folder
    before = snapshot(out)
    assert sample(run, out, "--force") == 2
    one_line(capsys, "1 WAV file(s)")
    assert snapshot(out) == before


@pytest.mark.parametrize("fail_at", [1, 3])
def test_a_full_disk_during_force_leaves_the_old_set_whole(run, tmp_path, capsys, monkeypatch, fail_at):
    out = tmp_path / "s"
    assert sample(run, out, n=4, seed=1) == 0
    capsys.readouterr()
    before, around = snapshot(out), sorted(os.listdir(tmp_path))
    real, calls = sf.write, []

    def full_disk(path, *args, **kw):
        calls.append(path)
        if len(calls) == fail_at:
            with open(path, "wb") as fh:  # a truncated file, as a real full disk leaves
                fh.write(b"RIFF")
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, *args, **kw)

    monkeypatch.setattr(sf, "write", full_disk)
    assert sample(run, out, "--force", n=4, seed=2) == 2
    one_line(capsys, "No space left on device")
    assert snapshot(out) == before  # byte-identical, manifest included
    assert sorted(os.listdir(tmp_path)) == around and sorted(os.listdir(out)) == sorted(before)  # no temp folder


def test_a_new_folder_is_removed_again_when_the_first_write_fails(run, tmp_path, capsys, monkeypatch):
    def full_disk(*args, **kw):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(sf, "write", full_disk)
    assert sample(run, tmp_path / "new") == 2
    one_line(capsys, "nothing was written")
    assert not (tmp_path / "new").exists()


# --------------------------------------------------------------------------- case 6: one writer at a time
def test_a_second_writer_into_the_same_folder_is_refused(run, tmp_path, capsys):
    from gcdg_lite.train import folder as fold, samples

    out = tmp_path / "s"
    out.mkdir()
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (out / samples.LOCK).write_text(f"{other.pid} {fold._start_time(other.pid)}\n")
        assert sample(run, out) == 2
        one_line(capsys, f"process {other.pid} is writing samples here")
        assert os.listdir(out) == [samples.LOCK]  # nothing written
    finally:
        other.kill()
        other.wait()
    assert sample(run, out) == 0  # its process gone, the lock is stale and taken over
    assert wav_names(out) == ["sample_000.wav", "sample_001.wav"] and not (out / samples.LOCK).exists()


# --------------------------------------------------------------------------- case 14: bounded memory
def test_clips_are_generated_in_batches_and_do_not_depend_on_the_batch_size(run, tmp_path, monkeypatch):
    from gcdg_lite.train import Run, load_run
    from gcdg_lite.train import samples

    sizes, events = [], []
    generate, write = Run.generate, sf.write

    def counting(self, z):
        sizes.append(len(z))
        events.append(len(z))
        return generate(self, z)

    def writing(*args, **kw):
        events.append("w")
        return write(*args, **kw)

    monkeypatch.setattr(Run, "generate", counting)
    monkeypatch.setattr(sf, "write", writing)
    back = load_run(run)
    n = 2 * samples.BATCH + 5
    assert main(["sample", "--run", str(run), "--n", str(n), "--seed", "3", "--out", str(tmp_path / "a")]) == 0
    assert sizes == [samples.BATCH, samples.BATCH, 5]
    b = samples.BATCH  # each batch is written before the next is generated: memory holds one batch
    assert events == [b] + ["w"] * b + [b] + ["w"] * b + [5] + ["w"] * 5
    sizes.clear()
    monkeypatch.setattr(samples, "BATCH", 10_000)  # one batch: what the old code did
    back.write_samples(tmp_path / "b", n, seed=3)
    assert sizes == [n]
    a, b = snapshot(tmp_path / "a"), snapshot(tmp_path / "b")
    a.pop(MANIFEST), b.pop(MANIFEST)
    assert a == b and len(a) == n  # clip i is the same whatever the batch size
    monkeypatch.setattr(samples, "BATCH", 7)
    clips = back.sample(n, seed=3)  # Run.sample: the same clips, in any batch size
    ref = np.stack([sf.read(tmp_path / "a" / f"sample_{i:03d}.wav", dtype="float32")[0] for i in range(n)])
    np.testing.assert_allclose(clips, ref, atol=1 / 32767)  # 16-bit rounding only
