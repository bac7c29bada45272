"""The vectorisable in-kernel exponential against np.exp over the whole double range."""
from __future__ import annotations

import numpy as np
from numba import njit

from tlsmc._kernels.fast_exp import exp


@njit(cache=True)
def _apply(x, y):
    for i in range(x.shape[0]):
        y[i] = exp(x[i])


def test_fast_exp_is_within_one_ulp_of_numpy_and_never_nan():
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.uniform(-1e5, 709.0, 200_000), rng.uniform(-760.0, 709.0, 200_000),
                        rng.uniform(-1.0, 1.0, 100_000), -np.geomspace(1e-300, 1e5, 100_000),
                        np.geomspace(1e-300, 709.0, 20_000),
                        [0.0, -0.0, -745.13, -745.14, -746.0, -708.4, -1e5, 709.0, -1e300]])
    y = np.empty_like(x)
    _apply(x, y)
    ref = np.exp(x)
    assert np.all(np.isfinite(y)) and np.all(y >= 0.0)
    normal = ref >= np.finfo(float).tiny
    ulp = np.abs(y[normal] - ref[normal]) / np.spacing(ref[normal])
    assert ulp.max() <= 1.0 and np.mean(ulp == 0.0) > 0.9
    # subnormal results: within one unit of the smallest subnormal; exact zeros where np.exp is 0
    assert np.max(np.abs(y[~normal] - ref[~normal])) <= 5e-324
    assert np.array_equal(y[~normal] == 0.0, ref[~normal] == 0.0)
    # beyond the range: saturates at e^709 (finite), 0 below -746
    big = np.array([710.0, 1e5, 1e300])
    out = np.empty_like(big)
    _apply(big, out)
    assert np.all(out == np.exp(709.0))
