"""Every default in one TensorFlow-free home (``gcdg_lite.defaults``), read by ``--help``, ``TrainConfig``,
``models`` and ``budgets``; reading a config or a history loads no TensorFlow; one integer check (issue 21)."""
from __future__ import annotations

import argparse
import ast
import subprocess
import sys
from pathlib import Path

import pytest

from gcdg_lite import defaults as D
from gcdg_lite.checks import check_int
from gcdg_lite.errors import ConfigError

PACKAGE = Path(__file__).resolve().parents[1] / "gcdg_lite"


def _no_tensorflow(code: str) -> str:
    """Run ``code`` in a fresh interpreter, then assert that neither TensorFlow nor Keras was imported."""
    code += ("\nimport sys\nloaded = [m for m in ('tensorflow', 'keras') if m in sys.modules]\n"
             "assert not loaded, f'imported {loaded}'\nprint('ok')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip().splitlines()[-1] == "ok", proc.stderr[-2000:]
    return proc.stdout


def test_train_help_reads_the_defaults_without_tensorflow():
    out = _no_tensorflow("from gcdg_lite.cli import main\ntry:\n    main(['train', '--help'])\n"
                         "except SystemExit as e:\n    assert e.code == 0, e.code")
    text = " ".join(out.split())  # argparse wraps lines
    assert f"default {D.STEPS['specgan']} for specgan" in text and f"{D.MODEL} (default)" in text


def test_reading_a_config_or_a_history_loads_no_tensorflow(tmp_path):
    csv = tmp_path / "history.csv"
    _no_tensorflow(
        "from gcdg_lite.train import HISTORY_COLUMNS, TrainConfig, read_history\n"
        f"path = {str(csv)!r}\n"
        "open(path, 'w').write(','.join(HISTORY_COLUMNS) + '\\n' + ','.join(['1'] * len(HISTORY_COLUMNS)) + '\\n')\n"
        "rows = read_history(path)\n"
        "assert rows[0]['step'] == 1 and rows[0]['loss_g'] == 1.0\n"
        "import gcdg_lite as gl\n"
        "assert TrainConfig().model == gl.defaults.MODEL and gl.budgets.BUDGETS['book'].batch == gl.defaults.BATCH")


def _help() -> dict[str, str]:
    from gcdg_lite.cli import train_cmd

    train = train_cmd.add_parser(argparse.ArgumentParser().add_subparsers())
    return {a.dest: " ".join(a.help.split()) for a in train._actions if a.help}


def test_help_text_follows_the_defaults_module(monkeypatch):
    """Change a default in its one home and ``--help`` says the new value: nothing is copied."""
    monkeypatch.setitem(D.STEPS, "specgan", 1234)
    monkeypatch.setitem(D.AUGMENT, "specgan", "gain")
    monkeypatch.setitem(D.MODEL_CONFIGS, "specgan", {**D.MODEL_CONFIGS["specgan"], "d": 5})
    monkeypatch.setattr(D, "BATCH", 7)
    monkeypatch.setattr(D, "SAMPLES", 4096)
    helps = _help()
    assert "default 1234 for specgan, 1000 for seed_mlp and wavegan, 1200 for phasegan" in helps["steps"]
    assert "default: gain for specgan, none for seed_mlp and wavegan, shift,mask for phasegan" in helps["augment"]
    assert "default 5 for specgan, 16 for wavegan, 8 for phasegan; not for seed_mlp" in helps["width"]
    assert "default 7" in helps["batch"] and "default 4096" in helps["samples"]
    assert "default: on for specgan and phasegan, off for wavegan" in helps["spectral_norm"]
    assert "default 0.99 for specgan and phasegan, off for seed_mlp and wavegan" in helps["ema"]
    monkeypatch.setitem(D.MODEL_CONFIGS, "phasegan", {**D.MODEL_CONFIGS["phasegan"], "critic": "image"})
    assert "default: image for phasegan" in _help()["critic"]


def test_train_config_models_and_budgets_read_the_defaults():
    from gcdg_lite import models
    from gcdg_lite.budgets import BUDGETS
    from gcdg_lite.losses import LOSSES
    from gcdg_lite.train import TrainConfig

    assert models.DEFAULTS is D.MODEL_CONFIGS
    assert LOSSES["wgan_gp"].n_critic == D.N_CRITIC["wgan_gp"]
    for model in D.MODEL_CONFIGS:
        resolved = TrainConfig(model=model).resolve()
        assert resolved.samples == D.SAMPLES
        assert (resolved.steps, resolved.ema, resolved.augment) == (D.STEPS[model], D.EMA[model], D.AUGMENT[model])
        assert all(resolved.model_kwargs[k] == v for k, v in D.MODEL_CONFIGS[model].items() if k != "size")
    book = BUDGETS["book"]
    assert (book.gan_steps, book.gan_width, book.batch) == (D.STEPS[D.MODEL], D.MODEL_CONFIGS[D.MODEL]["d"], D.BATCH)


def _literal(node: ast.AST | None) -> bool:
    """A number, string or a dict/tuple/list of them written out in the source (not read from elsewhere)."""
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError):
        return False
    return not (isinstance(node, ast.Constant) and node.value is None)


def test_each_default_is_defined_once():
    """No other module writes a default out: ``TrainConfig``'s fields read ``defaults``, and no module-level
    name elsewhere holds one of the per-model tables or the clip length."""
    tree = ast.parse((PACKAGE / "train" / "config.py").read_text())
    config = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "TrainConfig")
    written = [n.target.id for n in config.body if isinstance(n, ast.AnnAssign) and _literal(n.value)]
    assert not written, f"TrainConfig writes these defaults out instead of reading gcdg_lite.defaults: {written}"
    tables = [D.STEPS, D.EMA, D.AUGMENT, D.MODEL_CONFIGS, D.SAMPLES]
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "defaults.py" or "exercises" in path.parts:
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and _literal(node.value):
                value = ast.literal_eval(node.value)
                assert not any(type(value) is type(t) and value == t for t in tables), \
                    f"{path.relative_to(PACKAGE)}:{node.lineno} repeats a default of gcdg_lite.defaults"


def test_per_model_wording():
    from gcdg_lite.cli.train_cmd import per_model

    assert per_model({"seed_mlp": 1, "wavegan": 1, "specgan": 2}) == "2 for specgan, 1 for seed_mlp and wavegan"
    assert per_model({"wavegan": True}, lambda v: "on" if v else "off") == "on for wavegan"


def test_loss_names_of_the_help_are_the_losses():
    from gcdg_lite.cli.train_cmd import LOSS_NAMES
    from gcdg_lite.losses import LOSSES

    assert set(LOSS_NAMES) == set(LOSSES)


# --------------------------------------------------------------------------- one integer check
@pytest.mark.parametrize("call, needle", [
    (lambda: check_int("n", 0, 1, 9), "n=0 must be a whole number from 1 to 9"),
    (lambda: check_int("hop", 2.5, 1), "hop=2.5 must be a whole number >= 1"),
    (lambda: _config(batch=True), "batch=True must be a whole number from 1 to 4096"),
    (lambda: _config(ckpt_every=10**30), "ckpt_every=about 1e+30 must be a whole number from 0 to"),
    (lambda: _config(seed=-1), "seed=-1 must be a whole number from 0 to 2147483647"),
    (lambda: _samples().check_request(0, 0), "n=0 must be a whole number from 1 to 100000"),
    (lambda: _samples().check_request(2, 2**31, names=("--n", "--seed")), "--seed=2147483648 must be a whole number"),
])
def test_one_integer_check_one_message_style(call, needle):
    with pytest.raises(ConfigError) as err:
        call()
    assert needle in str(err.value)


def _config(**fields):
    from gcdg_lite.train import TrainConfig

    return TrainConfig(**fields).check()


def _samples():
    from gcdg_lite.train import samples

    return samples


def test_sample_command_checks_its_numbers_before_loading_the_run(tmp_path, capsys):
    from gcdg_lite.cli import main

    assert main(["sample", "--run", str(tmp_path / "not_a_run"), "--n", "0", "--out", str(tmp_path / "s")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: --n=0 must be a whole number from 1 to 100000"]


def test_sample_rate_and_clip_length_defaults_read_the_defaults_module():
    """A function's ``sr``/``samples`` default, or a command-line flag's, is ``defaults.SR``/``SAMPLES`` by name,
    never the number written out again (so changing the default changes every entry point)."""
    literal = {"sr": D.SR, "samples": D.SAMPLES}
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "defaults.py" or "exercises" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = node.args.args + node.args.kwonlyargs
                defaults = [None] * (len(node.args.args) - len(node.args.defaults)) + node.args.defaults
                defaults += node.args.kw_defaults
                for arg, default in zip(args, defaults):
                    if (arg.arg in literal and isinstance(default, ast.Constant)
                            and default.value == literal[arg.arg]):
                        found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}({arg.arg}=...)")
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "add_argument":
                flags = [a.value for a in node.args if isinstance(a, ast.Constant)]
                for kw in node.keywords:
                    if (kw.arg == "default" and isinstance(kw.value, ast.Constant)
                            and any(f"--{name}" in flags and kw.value.value == value
                                    for name, value in literal.items())):
                        found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {flags}")
    assert not found, f"these write SR or SAMPLES out instead of reading gcdg_lite.defaults: {found}"
