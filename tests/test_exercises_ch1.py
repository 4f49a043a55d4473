"""Chapter 1 checkers: the right answer (computed independently here) passes; typical mistakes get their hint."""
import math

import numpy as np
import pytest

import gcdg_lite.exercises as ex
from gcdg_lite.data import texture
from gcdg_lite.exercises import ch1


def _verdict(key, answer, capsys):
    ok = ex.check(key, answer)
    return ok, capsys.readouterr().out


def test_hum_f0_accepts_the_recipe_f0_and_names_the_octave_error(capsys):
    _, params = texture("hum", n=ch1.HUM_CLIP[2] + 1, seed=ch1.HUM_CLIP[1], return_params=True)
    f0 = float(params[ch1.HUM_CLIP[2]]["f0"])
    assert _verdict("ch1.1", f0 * 1.005, capsys)[0]
    ok, out = _verdict("ch1.1", 2 * f0, capsys)
    assert not ok and "octave" in out


def test_impulsive_set_matches_kurtosis_and_rejects_pearson_kurtosis(capsys):
    x = {n: texture(n, n=16, seed=0).astype(np.float64) for n in ("crackle", "wind")}
    kurt = {n: np.median(((v - v.mean(1, keepdims=True)) ** 4).mean(1) / v.var(1) ** 2 - 3) for n, v in x.items()}
    assert kurt["crackle"] > 5 > kurt["wind"]          # the property the exercise relies on
    truth = ch1._impulsive_textures()
    assert "crackle" in truth and "wind" not in truth
    assert _verdict("ch1.2", sorted(truth), capsys)[0]
    ok, out = _verdict("ch1.2", set(truth) | {"wind"}, capsys)
    assert not ok and "subtract 3" in out
    ok, out = _verdict("ch1.2", "crackle", capsys)
    assert not ok and "collection" in out


@pytest.mark.parametrize("mistake, needle", [("peak", "peak level"), ("power_half", "10 log10"), ("positive", "negative")])
def test_rms_dbfs_accepts_20log10_rms_and_hints_each_mistake(capsys, mistake, needle):
    clip = texture(ch1.RMS_CLIP[0], n=1, seed=ch1.RMS_CLIP[1])[0].astype(np.float64)
    level = 20 * math.log10(math.sqrt(np.mean(clip ** 2)))
    assert _verdict("ch1.3", level, capsys)[0]
    wrong = {"peak": 20 * math.log10(np.max(np.abs(clip))), "power_half": level / 2, "positive": -level}[mistake]
    ok, out = _verdict("ch1.3", wrong, capsys)
    assert not ok and needle in out
