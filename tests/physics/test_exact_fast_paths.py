"""The shortcuts of the ``exact`` column give the numbers of the plain computation (issue 17).

* Finest FD grid: levels predicted from the two coarser grids (a² series) and checked by two
  Sturm counts give the same results as the full multisection (to round-off); a prediction
  whose bracket does not hold falls back to the full search (bit-identical).
* The strip edge τ(h) found by regula falsi equals a plain bisection of the counted set
  (1e-9 relative) where the edge is the E <= E_max cut.
* total_rate(tiles=6) on a spectrum repeated six times (the frames of a quadrature node)
  is bit-identical to the frame-by-frame evaluation.
"""
from __future__ import annotations

import numpy as np

from tlsmc.analytic.quadrature import soft_spectrum as fd
from tlsmc.analytic.quadrature.rates import total_rate
from tlsmc.analytic.quadrature.soft import SoftQuadrature
from tlsmc.materials import load_material
from tlsmc.population.soft import SoftPotentialModel
from tlsmc.rates.activated import Activated
from tlsmc.rates.one_phonon import OnePhonon

MAT = load_material({"preset": "soft_glass"})


def _grids(eta, t):
    """Grid outputs a, a/2 and the finest grid's inputs for 1-D (η, t) of one n1 class."""
    c, p, q, v0 = fd.depressed_quartic(eta, t)
    roots, three = fd.stationary_points(p, q)
    L = fd._extent(p, q, roots)
    mid = np.where(three, roots[:, 1], np.nan)
    m = 128
    g = [fd._one_grid(p, q, L, m * 2 ** j - 1, mid) for j in range(2)]
    return g, (p, q, L, 4 * m - 1, mid)


def test_predicted_levels_match_the_full_search():
    rng = np.random.default_rng(17)
    h = rng.uniform(3.0, 8.0, 40)                       # depths of one grid class (−p <= 8)
    tb = np.sqrt(2.0) * 0.5 / h ** 1.5 * rng.uniform(-1, 1, 40) * 10.0 ** rng.uniform(-8, 0, 40)
    (g0, g1), args = _grids(-h, tb)
    guess = fd._predict(g0, g1)
    full = fd._one_grid(*args)
    pred = fd._one_grid(*args, guess)
    for k in ("eps2", "mean", "z1_uu", "z1_vv", "z2_uu", "z2_vv", "z2_uv"):
        scale = np.abs(full[k]) + 1.0
        assert np.max(np.abs(pred[k] - full[k]) / scale) < 1e-12, k
    assert np.max(np.abs(pred["log_delta0"] - full["log_delta0"])) < 1e-9
    # a bracket that misses ε2 is detected by the Sturm counts: the full search, same numbers
    wrong = guess.copy()
    wrong[:, 2] += 3.0 * wrong[:, 3]
    fell_back = fd._one_grid(*args, wrong)
    for k in fd._COLS:
        assert np.array_equal(fell_back[k], full[k]), k


def _quadrature_stub(model) -> SoftQuadrature:
    """A SoftQuadrature with only what the counted set and the strip need (no grid)."""
    q = SoftQuadrature.__new__(SoftQuadrature)
    q.model, q.material = model, MAT
    q._eps_max, q._chi, q._cut = model.E_max_K / MAT.W_K, MAT.soft_chi, float(model.ratio_cut)
    return q


def test_strip_edge_equals_bisection():
    q = _quadrature_stub(SoftPotentialModel(E_max_K=25.0, depth_max=20.0))
    h = np.array([6.0, 9.5, 13.0, 17.0, 20.0])
    tau = q._strip(h)
    lo, hi = np.zeros_like(h), 2.0 * np.sqrt(2.0) * q._eps_max / h ** 1.5
    assert not q._counted_type1(h, hi).any()
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        ok = q._counted_type1(h, mid)
        lo, hi = np.where(ok, mid, lo), np.where(ok, hi, mid)
    assert q._counted_type1(h, tau).all()
    assert np.max(np.abs(tau / lo - 1.0)) < 1e-9


def test_total_rate_per_node_equals_per_frame():
    rng = np.random.default_rng(3)
    n = 500
    E = 10.0 ** rng.uniform(-3, 1, n)
    E[:5] = 0.0                                          # not counted: no rate
    base = {"E_K": E, "delta_K": 0.5 * E, "delta0_K": 0.8 * E,
            "barrier_K": rng.uniform(0, 200, n), "well_K": rng.uniform(1, 50, n)}
    spec = {k: np.tile(v, 6) for k, v in base.items()}
    spec["M_unit"] = rng.uniform(0, 1, 6 * n)          # per frame
    for T in (0.05, 1.0, 20.0):
        per_frame = total_rate(spec, MAT, (OnePhonon(), Activated()), T)
        per_node = total_rate(spec, MAT, (OnePhonon(), Activated()), T, tiles=6)
        assert np.array_equal(per_frame, per_node)
        assert (per_frame[:5] == 0.0).all() and (per_frame[5:n] > 0.0).all()
