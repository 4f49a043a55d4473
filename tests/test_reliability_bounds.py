"""Issue 22, cases 8, 11, 15 and 16: evaluate scores one step of a run, KID's broken scale leaves the headline
table, model sizes and saved numbers have upper bounds, damaged specnorm.json / config.json files get one line.

Each test failed on the code before the fix (see the issue for what happened instead).
"""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from test_reliability import FAST, one_line, snapshot, train_cli

from gcdg_lite import models
from gcdg_lite.cli import main
from gcdg_lite.data.corpus import texture
from gcdg_lite.errors import ConfigError
from gcdg_lite.features import SpecNorm, examples
from gcdg_lite.metrics import evaluate, format_table
from gcdg_lite.train import RunConfig, TrainConfig

#: clips long enough for evaluate (it refuses files shorter than 95 % of --samples)
LONG = ["--samples", "4096"]
SPEC = ["--model", "specgan", "--width", "2", "--samples", "4096"]


# --------------------------------------------------------------------------- case 8: evaluate on a run
@pytest.fixture(scope="module")
def sampled_run(tmp_path_factory):
    """A seed_mlp run of 6 steps with 4 sample WAVs of 4096 samples at steps 2, 4 and 6."""
    run = tmp_path_factory.mktemp("sampled") / "run"
    assert train_cli(run, "--sample-every", "2", *LONG, steps=6,
                     data=("--data", "builtin:vowels", "--clips", "8")) == 0
    assert sorted(p.name for p in (run / "samples").iterdir()) == ["step_000002", "step_000004", "step_000006"]
    return run


def _evaluate_json(capsys, fake, *flags) -> dict:
    argv = ["evaluate", "--real", "builtin:vowels", "--fake", str(fake), "--samples", "4096", "--n", "4",
            "--splits", "2", "--json", *flags]
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_evaluate_on_a_runs_samples_scores_the_latest_step_only(sampled_run, capsys):
    got = _evaluate_json(capsys, sampled_run / "samples")
    assert got["n_fake"] == 4  # one step's clips, not the 12 of steps 2, 4 and 6 together
    assert got["fake"].endswith("step_000006") and got["steps"] == {"real": None, "fake": 6}
    main(["evaluate", "--real", "builtin:vowels", "--fake", str(sampled_run / "samples"), "--samples", "4096",
          "--n", "4", "--splits", "2"])
    first = capsys.readouterr().out.splitlines()[0]
    assert "step_000006 (step 6, the latest of 3; --step N for another) (4 clips)" in first


def test_evaluate_step_picks_another_step_and_an_unknown_one_lists_them(sampled_run, capsys):
    got = _evaluate_json(capsys, sampled_run, "--step", "2")  # the run folder itself works too
    assert got["n_fake"] == 4 and got["fake"].endswith("step_000002") and got["steps"]["fake"] == 2
    assert main(["evaluate", "--real", "builtin:vowels", "--fake", str(sampled_run), "--samples", "4096",
                 "--step", "3"]) == 2
    assert "2, 4, 6" in one_line(capsys, "--step 3")
    assert main(["evaluate", "--real", "builtin:vowels", "--fake", "builtin:vowels", "--step", "2"]) == 2
    one_line(capsys, "--step 2")


# --------------------------------------------------------------------------- case 11: KID
def test_kid_of_silence_is_not_called_close_to_real_clips():
    real = texture("vowels", 16, seed=1, samples=4096)
    silence = np.zeros((16, 4096), np.float32)
    res = evaluate(real, silence, splits=2)
    kid = res["kid"]
    # the old score, (value - floor) / (spectrum noise - floor), was 0.05-0.07 here: "almost real"
    assert kid["score"] is None and kid["score_pink"] is None
    assert kid["value"] > kid["floor"] + 100 * kid["std"]  # raw, it is far from the floor
    table = format_table(res)
    lines = table.splitlines()
    rows = lines[2:lines.index(next(ln for ln in lines if ln.startswith("fd is")))]
    assert [r.split()[0] for r in rows] == ["fd", "ndb_k", "js", "texture_snr_db", "c2st", "memorisation",
                                           "harmonicity"]
    assert any(ln.startswith("kid, raw") and "floor" in ln for ln in lines)
    assert res["fd"]["score"] > 1  # the headline score still calls silence worse than noise


# --------------------------------------------------------------------------- case 15: size bounds
@pytest.mark.parametrize("flags, needle", [
    (["--model", "wavegan", "--width", "3000"], "d=3000"),  # was a ResourceExhaustedError traceback
    (["--model", "specgan", "--width", "200"], "parameters"),  # 345 million parameters
])
def test_a_huge_width_is_one_line_and_creates_nothing(tmp_path, capsys, flags, needle):
    argv = ["train", "--data", "builtin:hum", "--clips", "8", "--steps", "2", "--out", str(tmp_path / "run"),
            "--samples", "16384", "--batch", "4", "--precision", "float32", "--quiet", *flags]
    assert main(argv) == 2
    one_line(capsys, needle)
    assert not (tmp_path / "run").exists()


def test_model_sizes_have_upper_bounds():
    for name, cfg in (("seed_mlp", {"noise_dim": 10**30}), ("wavegan", {"d": 257}),
                      ("seed_mlp", {"hidden": 8192}), ("wavegan", {"d": 128})):
        with pytest.raises(ConfigError, match=r"more than|parameters"):
            models.resolve_config(name, cfg)
    models.resolve_config("wavegan", {"d": 64})  # the paper's size still builds
    for name, cfg in (("seed_mlp", {"samples": 1024, "hidden": 8}), ("wavegan", {"samples": 2048, "d": 2,
                      "stft_heads": [256, 64]}), ("specgan", {"samples": 4096, "d": 2})):
        g, d = models.build(name, **cfg)
        count = models.count_params(g) + models.count_params(d)
        assert models.estimate_params(name, models.resolve_config(name, cfg)) == count
    for field, value in (("n_clips", 10**7), ("ckpt_every", 10**30), ("sample_every", 10**10),
                         ("model_kwargs", {"noise_dim": 5000})):
        with pytest.raises(ConfigError, match=field if field != "model_kwargs" else "noise_dim"):
            TrainConfig(**{field: value}).check()


@pytest.fixture(scope="module")
def spec_run(tmp_path_factory):
    """A tiny finished specgan run (it has a specnorm.json)."""
    run = tmp_path_factory.mktemp("spec") / "run"
    assert main(["train", "--data", "builtin:hum", "--clips", "8", "--steps", "2", "--out", str(run),
                 *FAST, *SPEC]) == 0
    return run


def _damaged(spec_run, tmp_path, file, edit):
    run = tmp_path / "run"
    shutil.copytree(spec_run, run)
    path = run / file
    if callable(edit):
        path.write_text(json.dumps(edit(json.loads(path.read_text()))))
    else:
        path.write_text(edit)
    return run


def _one_line_both_ways(run, tmp_path, capsys, needle):
    outside = snapshot(tmp_path)
    assert main(["sample", "--run", str(run), "--n", "2", "--out", str(tmp_path / "s")]) == 2
    one_line(capsys, needle)
    assert main(["train", "--out", str(run), "--resume", "--steps", "4", "--quiet"]) == 2
    line = one_line(capsys, needle)
    assert snapshot(tmp_path) == outside
    return line


def test_a_huge_noise_dim_in_config_json_is_one_line(spec_run, tmp_path, capsys):
    run = _damaged(spec_run, tmp_path, "config.json",
                   lambda d: {**d, "model_kwargs": {**d["model_kwargs"], "noise_dim": 10**30}})
    assert "noise_dim" in _one_line_both_ways(run, tmp_path, capsys, "config.json")


# --------------------------------------------------------------------------- case 16: damaged files
@pytest.mark.parametrize("damage", ["mean_short", "std_long", "clip_std_nan", "clip_std_huge", "mean_huge",
                                    "nested"])
def test_a_damaged_specnorm_json_is_one_line(spec_run, tmp_path, capsys, damage):
    edits = {
        "mean_short": lambda d: {**d, "mean": d["mean"][:10]},
        "std_long": lambda d: {**d, "std": d["std"] + [1.0, 1.0]},
        "clip_std_nan": lambda d: {**d, "clip_std": "NaN"},
        "clip_std_huge": lambda d: {**d, "clip_std": 1e30},
        "mean_huge": lambda d: {**d, "mean": [1e30] * len(d["mean"])},
        "nested": "[" * 200_000 + "]" * 200_000,  # json.load recurses past Python's limit
    }
    run = _damaged(spec_run, tmp_path, "specnorm.json", edits[damage])
    if damage == "clip_std_nan":  # json.dumps writes NaN for a float; keep it a number in the file
        (run / "specnorm.json").write_text((run / "specnorm.json").read_text().replace('"NaN"', "NaN"))
    _one_line_both_ways(run, tmp_path, capsys, "specnorm.json")


def test_a_config_json_nested_too_deep_is_one_line(spec_run, tmp_path, capsys):
    run = _damaged(spec_run, tmp_path, "config.json", "[" * 200_000 + "]" * 200_000)
    _one_line_both_ways(run, tmp_path, capsys, "config.json")
    with pytest.raises(ConfigError, match="config.json"):
        RunConfig.from_json(run / "config.json")


def test_specnorm_mismatch_says_what_differs():
    clips = texture("hum", 4, seed=0, samples=4096)
    _, norm = examples(clips, "spec")
    norm.mean, norm.std = norm.mean[:10], norm.std[:10]
    with pytest.raises(ConfigError) as info:
        examples(clips, "spec", norm)
    assert "10 mean / 10 std bins" in str(info.value) and "64 bins" in str(info.value)


@pytest.mark.parametrize("bad", [
    {"mean": [0.0] * 63, "std": [1.0] * 64, "n_fft": 128, "hop": 64},
    {"mean": [0.0] * 64, "std": [1.0] * 64, "n_fft": 128, "hop": 64, "clip_std": float("nan")},
    {"mean": [0.0] * 64, "std": [1.0] * 64, "n_fft": 128, "hop": 64, "clip_std": 1e30},
    {"mean": [0.0] * 64, "std": [0.0] * 64, "n_fft": 128, "hop": 64},
    {"mean": [float("inf")] * 64, "std": [1.0] * 64, "n_fft": 128, "hop": 64},
    {"mean": [0.0] * 64, "std": [1.0] * 64, "n_fft": 128, "hop": 1000},
    {"mean": ["a"] * 64, "std": [1.0] * 64, "n_fft": 128, "hop": 64},
    {"mean": [0.0] * 64, "std": [1.0] * 64, "n_fft": 128.5, "hop": 64},
])
def test_specnorm_from_dict_checks_everything(bad):
    with pytest.raises(ConfigError):
        SpecNorm.from_dict(bad)
    good = SpecNorm.from_dict({"mean": [-5.0] * 64, "std": [2.0] * 64, "n_fft": 128, "hop": 64})
    assert good.mean.shape == (64,) and good.clip_std == 3.0
