"""Options and the resolved run as two types (issue 21 item 3): ``TrainConfig`` resolves once into a frozen
``RunConfig``; saved run folders of the version before the split still load, sample and resume."""
from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from gcdg_lite.cli import main
from gcdg_lite.errors import ConfigError
from gcdg_lite.train import RunConfig, TrainConfig, fit, load_run
from gcdg_lite.train.run import load_clips

FIXTURES = Path(__file__).parent / "fixtures"
#: the options of the commands that wrote the fixtures (tests/fixtures/README.md), as TrainConfig options
WRITTEN_BY = {
    "config_v2_seed_mlp.json": ("builtin:hum", dict(model="seed_mlp", model_kwargs={"samples": 1024}, n_clips=8,
                                                    steps=2, batch=4, precision="float32")),
    "config_v2_specgan.json": ("builtin:vowels", dict(model="specgan", model_kwargs={"d": 2, "samples": 4096},
                                                      n_clips=8, steps=2, batch=4, precision="float32")),
    "run_v2_wavegan/config.json": ("builtin:hum", dict(
        model="wavegan", model_kwargs={"d": 2, "samples": 1024, "stft_heads": [128, 256]}, augment="gain,shift",
        loss="wgan_gp", n_clips=8, steps=2, batch=4, precision="float32")),
}

#: fields a config.json has gained since the fixtures were written, with the value an older run had
ADDED_SINCE = {"feature_matching": 0.0}


def resolved(source: str, options: dict) -> RunConfig:
    """``options`` resolved on the clips ``fit`` would load from ``source``."""
    config = TrainConfig(**options)
    clips, source = load_clips(source, config)
    return config.resolve(clips, source=source)


@pytest.mark.parametrize("name", sorted(WRITTEN_BY))
def test_config_files_written_before_the_split_read_as_the_same_run(name):
    """A config.json of the previous version reads into the run today's options resolve to, field for field."""
    source, options = WRITTEN_BY[name]
    saved = RunConfig.from_json(FIXTURES / name)
    assert saved == resolved(source, options)
    # written back unchanged, but for the fields added since, at the value the run had (feature matching: off)
    assert saved.to_dict() == {**json.loads((FIXTURES / name).read_text()), **ADDED_SINCE}


def test_a_run_folder_written_before_the_split_loads_samples_and_resumes(tmp_path):
    run_dir = tmp_path / "run"
    shutil.copytree(FIXTURES / "run_v2_wavegan", run_dir)
    before = json.loads((run_dir / "config.json").read_text())
    run = load_run(run_dir)
    assert run.step == 2 and isinstance(run.config, RunConfig)
    assert run.config.model_options["stft_heads"] == [256, 128]  # the model's own order; config.json keeps the user's
    x = run.sample(3, seed=1)
    assert x.shape == (3, 1024) and np.all(np.isfinite(x))
    again = fit(None, {"steps": 3}, out=run_dir, resume=True, progress=False)
    assert again.step == 3 and [r["step"] for r in again.history] == [1, 2, 3]
    assert json.loads((run_dir / "config.json").read_text()) == {**before, "steps": 3, **ADDED_SINCE}


def test_a_format_1_config_reads_with_its_own_rules():
    """Written before ``format`` existed: ``ema: null`` was "off"; without ``augment`` no augmentation and no
    spectral normalisation; unset fields get today's defaults."""
    old = {"model": "wavegan", "model_kwargs": {"d": 2, "samples": 1024}, "ema": None, "steps": None, "batch": 4,
           "precision": "float32", "loss": "non_saturating"}
    run = RunConfig.from_dict(old)
    assert (run.ema, run.augment, run.augment_policy, run.model_kwargs["spectral_norm"]) == (0.0, "none", (), False)
    assert run.steps == TrainConfig(model="wavegan").resolve(samples=1024).steps and run.n_critic == 1


@pytest.mark.parametrize("edit, needle", [
    ({"model_kwargs": {"hidden": 10**6, "samples": 1024}}, "hidden=1000000 is more than 8192"),
    ({"n_clips": 10**7}, "n_clips=10000000 must be a whole number from 1 to 1000000"),
    ({"ema": 1.5}, "ema=1.5 must be a decay in [0, 1)"),
    ({"augment": "flip"}, "augment='flip'"),
    ({"model": "nope"}, "model='nope' is unknown"),
    ({"no_such_field": 1, "batch": "four"}, "batch='four'"),
])
def test_a_hand_edited_config_is_one_line_naming_the_file(tmp_path, edit, needle):
    path = tmp_path / "config.json"
    path.write_text(json.dumps({**json.loads((FIXTURES / "config_v2_seed_mlp.json").read_text()), **edit}))
    with pytest.raises(ConfigError) as err:
        RunConfig.from_json(path)
    text = str(err.value)
    assert text.startswith(str(path)) and needle in text and "\n" not in text


def test_a_run_config_is_frozen_concrete_and_the_only_type_the_engine_takes():
    from gcdg_lite.train import Engine

    defaults_to_none = [f.name for f in dataclasses.fields(TrainConfig) if f.default is None]
    assert {"n_critic", "steps", "ema", "augment"} <= set(defaults_to_none)
    for model in ("seed_mlp", "wavegan", "specgan"):
        run = TrainConfig(model=model).resolve(samples=4096)
        # None stays only where it is a value: no STFT for a wave model, no source/clip count/digest without data
        left = {n for n in defaults_to_none if getattr(run, n) is None}
        assert left <= {"data", "n_clips", "data_digest"} | ({"n_fft", "hop"} if model != "specgan" else set()), left
        assert run.precision != "auto" and run.samples == 4096 and run.n_critic == run.loss_spec.n_critic
        with pytest.raises(dataclasses.FrozenInstanceError):
            run.steps = 5
    with pytest.raises(ConfigError, match="resolved run"):
        Engine(TrainConfig(model="seed_mlp"))


def test_options_are_checked_when_made():
    for options, needle in (({"steps": 2.5}, "steps=2.5"), ({"ema": 1.0}, "ema=1.0"), ({"augment": "flip"}, "flip")):
        with pytest.raises(ConfigError, match=needle):
            TrainConfig(**options)
        with pytest.raises(ConfigError, match=needle):
            TrainConfig.from_options(options)


def test_models_resolve_config_runs_once_per_fit_and_per_load(tmp_path, monkeypatch):
    """The model's options are resolved once, when the RunConfig is made: not again by Engine or models.build."""
    from gcdg_lite import models

    calls = []
    real = models.resolve_config
    monkeypatch.setattr(models, "resolve_config", lambda name, config: calls.append(name) or real(name, config))
    clips = np.sin(np.linspace(0, 50, 8 * 1024, dtype=np.float32)).reshape(8, 1024) * 0.5
    options = TrainConfig(model="seed_mlp", model_kwargs={"hidden": 8}, batch=4, steps=1, ema=0.9, ckpt_every=0,
                          precision="float32")  # ema on: G, D and G's EMA copy are built
    fit(clips, options, out=tmp_path / "run", progress=False)
    assert calls == ["seed_mlp"]
    load_run(tmp_path / "run")
    assert calls == ["seed_mlp"] * 2


def test_with_changes_applies_resumable_changes_and_refuses_the_others():
    saved = RunConfig.from_json(FIXTURES / "config_v2_specgan.json")
    longer = saved.with_changes({"steps": 4000, "griffin_lim_oversample": 4})
    assert (longer.steps, longer.griffin_lim_oversample) == (4000, 4)
    assert dataclasses.replace(longer, steps=saved.steps, griffin_lim_oversample=saved.griffin_lim_oversample) == saved
    # options equal to the saved ones once resolved are no change
    assert saved.with_changes({"model_kwargs": {"d": 2}, "precision": "float32", "augment": "mask,shift"}) == saved
    assert saved.with_changes() == saved
    with pytest.raises(ConfigError, match=r"the run: cannot resume with different lr_g, lr_d \(saved: lr_g=0.0002, "
                                          r"lr_d=0.0002\); leave them as saved"):
        saved.with_changes({"lr_g": 1e-3, "lr_d": 1e-3, "steps": 9})
    with pytest.raises(ConfigError, match="model_kwargs"):
        saved.with_changes({"model_kwargs": {"d": 4}})
    with pytest.raises(ConfigError, match="unknown training option"):
        saved.with_changes({"stepz": 9})
    with pytest.raises(ConfigError, match="steps=-1"):
        saved.with_changes({"steps": -1})
    with pytest.raises(ConfigError, match="cannot resume on different clips"):
        saved.with_changes(clips=np.zeros((8, 4096), np.float32))
    # a TrainConfig is taken whole: its defaults are compared too
    with pytest.raises(ConfigError, match="model_kwargs"):
        saved.with_changes(TrainConfig(model="specgan", model_kwargs={"samples": 4096}, n_clips=8, batch=4,
                                       precision="float32"))


def test_train_config_equals_the_cli_run_it_describes_once_resolved(tmp_path):
    """`train` with (almost) no options saves exactly what TrainConfig() resolves to on the same clips."""
    run_dir = tmp_path / "run"
    assert main(["train", "--data", "builtin:vowels", "--clips", "8", "--steps", "1", "--quiet",
                 "--out", str(run_dir)]) == 0
    saved = RunConfig.from_json(run_dir / "config.json")
    assert saved == resolved("builtin:vowels", dict(steps=1, n_clips=8))
    plain = resolved("builtin:vowels", dict(n_clips=8)).to_dict()
    assert {k for k, v in saved.to_dict().items() if plain[k] != v} == {"steps"}


def test_a_resolved_run_gives_its_settings_to_a_new_run():
    """``fit(clips, dataclasses.replace(run.config, steps=0))`` (chapter 4's untrained twin): a RunConfig as
    options resolves to the same run on the same clips."""
    import dataclasses

    import numpy as np

    from gcdg_lite.train import RunConfig, TrainConfig

    clips = np.zeros((4, 1024), np.float32)
    run = TrainConfig(model="seed_mlp", loss="wgan_gp", steps=7, batch=2).resolve(clips, source=None)
    again = TrainConfig.from_options(dataclasses.replace(run, steps=0)).resolve(clips)
    assert isinstance(again, RunConfig) and again == dataclasses.replace(run, steps=0)
