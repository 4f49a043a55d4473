"""bench/throughput.py's work estimate: FLOP counts of known layers, and the two algorithms' step costs."""
from __future__ import annotations

import importlib.util
import os
import sys

import keras
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture(scope="module")
def bench():
    """bench/throughput.py as a module (bench/ on sys.path while it loads, as for ``python bench/...``:
    it imports bench/common.py)."""
    folder = os.path.join(HERE, "..", "bench")
    sys.path.insert(0, folder)
    try:
        spec = importlib.util.spec_from_file_location("throughput", os.path.join(folder, "throughput.py"))
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
    finally:
        sys.path.remove(folder)
    return mod


def test_dense_and_conv_counts(bench):
    from gcdg_lite import models

    G, D = models.build("seed_mlp", samples=1024, hidden=32)
    assert bench.forward_gflop(G) * 1e9 == pytest.approx(2 * (100 * 32 + 32 * 1024))
    assert bench.forward_gflop(D) * 1e9 == pytest.approx(2 * (1024 * 32 + 32 * 1))

    x = keras.Input((8, 8, 3))
    conv = keras.Model(x, keras.layers.Conv2D(4, 5, strides=2, padding="same")(x))  # 4x4 outputs
    up = keras.Model(x, keras.layers.Conv2DTranspose(4, 5, strides=2, padding="same")(x))  # 8x8 inputs
    assert bench.forward_gflop(conv) * 1e9 == pytest.approx(2 * 16 * 25 * 3 * 4)
    assert bench.forward_gflop(up) * 1e9 == pytest.approx(2 * 64 * 25 * 3 * 4)


def test_alternating_step_costs_one_more_forward_of_g_and_d(bench):
    from gcdg_lite import models

    G, D = models.build("specgan", size=64, d=2)
    g, d = bench.forward_gflop(G), bench.forward_gflop(D)
    alt = bench.step_gflop("specgan", 8, "alternating", size=64, d=2)
    sim = bench.step_gflop("specgan", 8, "simultaneous", size=64, d=2)
    assert alt - sim == pytest.approx(8 * (g + d))
    assert sim == pytest.approx(8 * (3 * g + 7 * d))
