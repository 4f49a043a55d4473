"""The tf.data pipeline of chapter 4: order fixed by the seed, every clip once per epoch, endless."""
import numpy as np
import pytest

from gcdg_lite.data import make_dataset
from gcdg_lite.errors import ConfigError, DataError

N, SAMPLES = 10, 8


def _clips():
    # clip i is filled with the value i, so a batch tells which clips it holds
    return np.repeat(np.arange(N, dtype=np.float32)[:, None], SAMPLES, axis=1)


def _take(ds, k):
    it = iter(ds)
    return [next(it).numpy() for _ in range(k)]


def _ids(batches):
    return [b[:, 0].astype(int).tolist() for b in batches]


def test_shapes_and_dtype():
    (b,) = _take(make_dataset(_clips(), batch=4, seed=0), 1)
    assert b.shape == (4, SAMPLES) and b.dtype == np.float32
    assert np.all(b == b[:, :1])  # rows are whole clips


def test_same_seed_same_order_other_seed_other_order():
    a = _ids(_take(make_dataset(_clips(), 3, seed=1), 7))
    b = _ids(_take(make_dataset(_clips(), 3, seed=1), 7))
    c = _ids(_take(make_dataset(_clips(), 3, seed=2), 7))
    assert a == b and a != c


def test_each_epoch_is_a_fresh_permutation_and_repeats_forever():
    ids = sum(_ids(_take(make_dataset(_clips(), 5, seed=0), 8)), [])  # 40 ids = 4 epochs
    epochs = [ids[i * N:(i + 1) * N] for i in range(4)]
    assert all(sorted(e) == list(range(N)) for e in epochs)  # every clip once per epoch
    assert len({tuple(e) for e in epochs}) == 4  # reshuffled each epoch
    assert epochs[0] != list(range(N))  # actually shuffled


def test_batch_larger_than_dataset():
    ids = _ids(_take(make_dataset(_clips()[:3], 7, seed=0), 3))
    flat = sum(ids, [])
    assert all(len(b) == 7 for b in ids) and sorted(flat[:3]) == [0, 1, 2]


def test_bad_arguments():
    with pytest.raises(DataError, match="no clips"):
        make_dataset(np.zeros((0, 4)), 2, 0)
    with pytest.raises(ConfigError):
        make_dataset(_clips(), 0, 0)
    with pytest.raises(ConfigError):
        make_dataset(_clips(), 2, -1)
