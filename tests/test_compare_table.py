"""metrics.compare_table: several evaluate() results side by side, each number with its spread."""
from gcdg_lite.metrics import compare_table


def _result(score, c2st, sd=0.01):
    return {"fd": {"score": score, "score_sd": sd, "x_floor": 1 + 10 * score, "x_floor_sd": sd,
                   "score_pink": score / 4, "score_pink_sd": None},
            "c2st": {"value": c2st, "value_sd": sd, "floor": 0.51, "floor_sd": 0.03}}


def test_one_row_per_result_with_spreads_and_extra_columns():
    text = compare_table({"more vowels": _result(0.02, 0.52), "a generator": _result(0.8, 0.99)},
                         extra={"s per G step": {"a generator": 0.125}})
    lines = text.splitlines()
    assert "fd score" in lines[0] and "c2st floor" in lines[0] and "s per G step" in lines[0]
    gen = next(line for line in lines if line.startswith("a generator"))
    assert "0.800 ± 0.010" in gen and "9.00 ± 0.010" in gen and "0.990 ± 0.010" in gen and "0.125" in gen
    assert "0.200" in gen and "0.200 ±" not in gen               # a spread of None is left out, not printed as 0
    real = next(line for line in lines if line.startswith("more vowels"))
    assert real.rstrip().endswith("n/a")                            # a row without the extra column
    assert "1 = like spectrum-matched noise" in lines[-1]
