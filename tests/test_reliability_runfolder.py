"""The run folder as a safe place (issue 22, cases 1, 3, 4, 9, 17, 18): path shapes, links and locks.

Each test pins one way an adversarial round lost or leaked a file, and failed on the code before the
fix. Every refusal is exit status 2 with one ``error:`` line, and nothing outside the run folder (nor the
run that was to be replaced) changes. A small fuzz of path shapes and links closes the file.
"""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from gcdg_lite.cli import main
from gcdg_lite.errors import ConfigError
from test_reliability import FAST, history_steps, one_line, snapshot, train_cli




def overwrite(out, steps=3) -> int:
    return main(["train", "--data", "builtin:hum", "--clips", "8", "--steps", str(steps), "--out", str(out),
                 "--overwrite", *FAST])


def resume(out, steps=3, *flags) -> int:
    return main(["train", "--out", str(out), "--resume", "--steps", str(steps), "--quiet", *flags])


# --------------------------------------------------------------------------- case 1: --overwrite never loses the run
def test_overwrite_with_a_trailing_slash_replaces_the_run(run, capsys):
    assert overwrite(f"{run}/") == 0
    assert history_steps(run) == [1, 2, 3]
    assert not [p for p in os.listdir(run.parent) if "replaced" in p]


def test_overwrite_of_the_current_folder_is_one_line_and_keeps_it(run, monkeypatch, capsys):
    before = snapshot(run)
    monkeypatch.chdir(run)
    assert overwrite(".") == 2
    one_line(capsys, "current folder")
    assert snapshot(run) == before


def test_overwrite_of_a_mount_point_is_one_line_and_keeps_it(run, monkeypatch, capsys):
    import errno

    real_replace, real_ismount = os.replace, os.path.ismount
    target = os.path.realpath(run)

    def busy(src, dst, *a, **k):
        if os.path.realpath(src) == target:
            raise OSError(errno.EBUSY, "Device or resource busy")
        return real_replace(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", busy)
    monkeypatch.setattr(os.path, "ismount", lambda p: os.path.realpath(p) == target or real_ismount(p))
    before = snapshot(run)
    assert overwrite(run) == 2
    one_line(capsys, str(run))
    assert snapshot(run) == before


def test_overwrite_through_a_link_with_a_trailing_slash_is_refused(run, tmp_path, capsys):
    link = tmp_path / "link"
    link.symlink_to(run, target_is_directory=True)
    before = snapshot(run)
    assert overwrite(f"{link}/") == 2
    one_line(capsys, "link")
    assert snapshot(run) == before and link.is_symlink()


def test_a_leftover_replaced_folder_is_left_alone(run, capsys):
    leftover = run.parent / f"run.replaced-{os.getpid()}"
    leftover.mkdir()
    (leftover / "mine.txt").write_text("precious")
    assert overwrite(run) == 0
    assert history_steps(run) == [1, 2, 3] and not (run / "mine.txt").exists()
    assert (leftover / "mine.txt").read_text() == "precious"


def test_a_failed_overwrite_puts_the_old_run_back(run, monkeypatch, capsys):
    """An error after the old run was set aside (here: config.json cannot be written) restores it whole."""
    from gcdg_lite.train import config as config_mod

    def full(self, path):
        raise OSError(28, "No space left on device")

    before = snapshot(run)
    monkeypatch.setattr(config_mod.RunConfig, "to_json", full)
    assert overwrite(run) == 2
    one_line(capsys, "No space left on device")
    assert snapshot(run) == before
    assert sorted(os.listdir(run.parent)) == ["run"]


# --------------------------------------------------------------------------- case 3: links inside the run
@pytest.mark.parametrize("name", ["history.csv.tmp", "config.json.tmp"])
def test_a_temporary_name_linked_to_a_user_file_is_never_written_through(run, tmp_path, name, capsys):
    mine = tmp_path / "mine.txt"
    mine.write_text("precious")
    (run / name).symlink_to(mine)
    assert resume(run, 3) == 0
    assert mine.read_text() == "precious"
    assert not os.path.islink(run / "history.csv") and not os.path.islink(run / "config.json")
    assert history_steps(run) == [1, 2, 3]


@pytest.mark.parametrize("name", ["history.csv", "config.json", "specnorm.json", "ckpt", "samples"])
def test_a_run_file_that_is_a_link_is_refused(run, tmp_path, name, capsys):
    user = tmp_path / "user"
    user.mkdir()
    target = user / name
    if (run / name).is_dir():
        shutil.copytree(run / name, target)
        shutil.rmtree(run / name)
    elif (run / name).exists():
        shutil.copy(run / name, target)
        (run / name).unlink()
    else:
        target.write_text("{}")
    (run / name).symlink_to(target)
    before = snapshot(user)
    assert resume(run, 4, "--ckpt-every", "1", "--sample-every", "1") == 2
    one_line(capsys, "symbolic link")
    assert snapshot(user) == before


def test_history_appends_never_follow_a_link(tmp_path):
    """A history.csv swapped for a link while training: the next append is an error, not a write outside."""
    from gcdg_lite.errors import RunError
    from gcdg_lite.train.history import History

    hist = History(tmp_path / "history.csv")
    mine = tmp_path / "mine.csv"
    mine.write_text("precious")
    os.remove(hist.path)
    os.symlink(mine, hist.path)
    with pytest.raises(RunError, match="symbolic link"):
        hist.extend([{"step": 1}])
    assert mine.read_text() == "precious"


# --------------------------------------------------------------------------- case 4: glob characters
def test_glob_characters_in_a_run_name_are_refused_before_anything_is_written(tmp_path, capsys):
    ra = tmp_path / "ra"
    assert train_cli(ra, "--ckpt-every", "1") == 0
    before = snapshot(ra)
    assert train_cli(tmp_path / "r[ab]", "--ckpt-every", "1") == 2
    one_line(capsys, "r[ab]")
    assert snapshot(ra) == before and sorted(os.listdir(tmp_path)) == ["ra"]


# --------------------------------------------------------------------------- case 9: a run inside its data
def test_a_run_folder_inside_its_data_folder_is_refused_also_on_resume(tmp_path, capsys):
    import numpy as np
    import soundfile as sf

    data = tmp_path / "data"
    data.mkdir()
    rng = np.random.default_rng(0)
    for i in range(4):
        sf.write(data / f"c{i}.wav", (0.3 * rng.standard_normal(4096)).astype(np.float32), 16000)
    flags = ["--data", str(data), "--clips", "8"]
    assert train_cli(data / "run", data=flags) == 2
    line = one_line(capsys, "inside its data folder")
    assert sorted(os.listdir(data)) == [f"c{i}.wav" for i in range(4)]
    outside = tmp_path / "run"  # a run trained elsewhere, then moved into its data folder
    assert train_cli(outside, data=flags) == 0
    outside.rename(data / "run")
    assert resume(data / "run", 4) == 2
    assert one_line(capsys, "inside its data folder") == line


# --------------------------------------------------------------------------- case 17: misleading lines
def test_a_full_disk_at_the_first_checkpoint_keeps_the_reason_and_claims_no_previous_one(tmp_path, monkeypatch,
                                                                                            capsys):
    import tensorflow as tf

    def refuse(self, *a, **k):
        raise tf.errors.ResourceExhaustedError(None, None, f"{tmp_path / ('x' * 250)}/ckpt-1_temp/part-00000; "
                                               "failed to write: No space left on device")

    monkeypatch.setattr(tf.train.CheckpointManager, "save", refuse)
    assert train_cli(tmp_path / "run", "--ckpt-every", "1") == 2
    line = one_line(capsys, "No space left on device")
    assert "previous checkpoint is kept" not in line and "no checkpoint was saved" in line


@pytest.mark.parametrize("owner", ["pid 1", "not a trainer"])
def test_an_old_lock_naming_a_reused_pid_is_stale(run, owner, capsys):
    other = subprocess.Popen(["sleep", "60"]) if owner != "pid 1" else None
    try:
        (run / ".lock").write_text(f"{other.pid if other else 1}\n")  # the old format: a pid only
        assert resume(run, 3) == 0
    finally:
        if other:
            other.kill()
            other.wait()
    assert history_steps(run) == [1, 2, 3] and not (run / ".lock").exists()


# --------------------------------------------------------------------------- case 18: fit's own arguments
@pytest.mark.parametrize("kwargs, needle", [({"callbacks": 5}, "callbacks"), ({"callbacks": [5]}, "callbacks"),
                                            ({"strategy": "x"}, "strategy"), ({"out": b"x"}, "out")],
                         ids=["callbacks=5", "callbacks=[5]", "strategy", "bytes-out"])
def test_fit_refuses_bad_arguments_before_creating_anything(tmp_path, monkeypatch, kwargs, needle):
    from gcdg_lite.train import fit

    monkeypatch.chdir(tmp_path)
    kwargs = {"out": "run", **kwargs}
    with pytest.raises(ConfigError, match=needle) as err:
        fit("builtin:hum", {"model": "seed_mlp", "steps": 1, "batch": 4, "n_clips": 8,
                            "model_kwargs": {"samples": 1024}}, progress=False, **kwargs)
    assert len(str(err.value).splitlines()) == 1
    assert os.listdir(tmp_path) == []


# --------------------------------------------------------------------------- a fuzz of path shapes and links
def _shapes(run, tmp_path):
    """(name, --out as given, what to do to the run first) for path shapes that once escaped or lost a run."""
    def link_inside(name):
        def make():
            user = tmp_path / "user" / f"linked-{name}"
            src = run / name
            if src.is_dir():
                shutil.copytree(src, user)
                shutil.rmtree(src)
            elif src.exists():
                shutil.copy(src, user)
                src.unlink()
            else:
                user.write_text("{}")
            src.symlink_to(user)
        return make

    def link_to_run():
        (tmp_path / "link").symlink_to(run, target_is_directory=True)

    shapes = [("trailing-slash", f"{run}/", None), ("dot-slash", os.path.join(".", "run"), None),
              ("slash-dot", f"{run}/.", None), ("glob", f"{run.parent}/r[u]n", None),
              ("link-to-run", f"{tmp_path}/link/", link_to_run)]
    shapes += [(f"link-{n}", str(run), link_inside(n)) for n in ("history.csv", "config.json", "ckpt",
                                                                "specnorm.json", "history.csv.tmp")]
    return shapes


@pytest.mark.parametrize("mode", ["--overwrite", "--resume"])
def test_fuzz_path_shapes_and_links_never_touch_anything_outside_the_run(trained, tmp_path, monkeypatch, capsys,
                                                                         mode):
    for i, (name, _, _) in enumerate(_shapes(tmp_path / "run", tmp_path)):
        case = tmp_path / f"case{i}"
        case.mkdir()
        run = case / "run"
        shutil.copytree(trained, run)
        user = case / "user"
        user.mkdir()
        (user / "mine.txt").write_text("precious")
        _, out, prepare = _shapes(run, case)[i]
        if prepare:
            prepare()
        monkeypatch.chdir(case)
        before = snapshot(user)
        if mode == "--overwrite":
            code = overwrite(out)
        else:
            code = resume(out, 3, "--sample-every", "1")
        err = capsys.readouterr().err.strip().splitlines()
        assert code in (0, 2), (name, code, err)
        if code == 2:
            assert len(err) == 1 and err[0].startswith("error:"), (name, err)
        else:
            assert history_steps(run) == [1, 2, 3], name
        assert snapshot(user) == before, name
        assert (user / "mine.txt").read_text() == "precious", name
        assert sorted(p for p in os.listdir(case) if p not in ("run", "user", "link")) == [], (name, os.listdir(case))
