"""Accuracy of TF's step-function column (issue 12, item 4).

Reference: scipy quad of the same Δ integral, independent of the Gauss panels: C directly,
C_tf as the Richardson extrapolation of central differences of E_step (h = 1e-4 T and
h/2: truncation O(h⁴)), each quad split where J_b crosses J_lo
and J_hi (found on a dense grid); uniform j, so N(J) = (P̄_K/2)(clip(J) − J_lo) exactly.
The column must agree to 2e-8 relative (measured: <= 3e-9; the old single-grid rule with a
T-difference of two step-function integrals was off by up to 7e-3 at 0.05 K, 1 ms and 6e-4
at 0.1 K, 1 ms).
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, optimize

from tlsmc.analytic.quadrature import stm
from tlsmc.analytic.quadrature.step_function import log_k_prefactor  # noqa
from tlsmc.comparison import quadrature_model
import tlsmc

TABLE = {
    "run": {"name": "step", "n_tls": 65536, "seed": 1, "chunk_size": 65536},
    "material": {"preset": "tf1982"},
    "population": {"model": "tunneling", "delta_max_K": 100.0, "delta_knee_K": 1e-3,
                   "J0": {"distribution": "structural", "J_str": 50.0, "J_max": 70.0}},
    "rates": [{"kind": "tf_nondiagonal", "vibration": "einstein"}],
    "measurement": [{"kind": "heat_capacity", "temperatures_K": [1.0],
                     "times": {"start_s": 1e-3, "stop_s": 1.0, "num": 2}}],
    "comparison": {"analytic": False},
}


@pytest.fixture(scope="module")
def model():
    m = quadrature_model(tlsmc.parse_scenario(TABLE))
    Js = np.linspace(m.J_lo, m.J_hi, 101)
    assert np.all(m.J_pdf(Js) == 1.0)       # uniform: N exact in the reference
    return m


def _energy(model, T, t, weight):
    """k_B ∫ dΔ weight(E, T) N(J_b) by adaptive quad, split at the kinks of N(J_b)."""
    d0 = float(stm.delta0_K(model, model.J_lo))
    c = 0.5 * model.P_bar_per_K_m3

    def Jb(D):
        return float(log_k_prefactor(model, np.array([D]), T)[0]) + math.log(t)

    def f(D):
        E = math.hypot(D, d0)
        return weight(E, T) * c * (min(max(Jb(D), model.J_lo), model.J_hi) - model.J_lo)
    grid = np.geomspace(1e-7 * T, model.delta_max_K, 4001)
    g = np.array([Jb(D) for D in grid])
    pts = [optimize.brentq(lambda D, J=J: Jb(D) - J, grid[i], grid[i + 1], xtol=1e-15, rtol=1e-15)
           for J in (model.J_lo, model.J_hi)
           for i in np.nonzero((g[:-1] - J) * (g[1:] - J) < 0)[0]]
    edges = sorted({0.0, 1e-7 * T, *pts, *np.geomspace(1e-7 * T, model.delta_max_K, 40)})
    total = sum(integrate.quad(f, a, b, epsabs=0.0, epsrel=1e-13, limit=200)[0]
                for a, b in zip(edges[:-1], edges[1:]))
    return stm.K_B * total


@pytest.mark.parametrize("T, t", [(0.05, 1e-3), (0.1, 30.0), (5.0, 1e4)])
def test_step_function_accuracy(model, T, t):
    C = stm.heat_capacity_step_function(model, T, [t], "C")[0]
    ref_C = _energy(model, T, t, lambda E, T: stm._schottky(E / T))
    assert C == pytest.approx(ref_C, rel=2e-8)
    h = 1e-4 * T

    def E_step(Tx):
        return _energy(model, Tx, t, lambda E, T_: E * float(stm.occupation(E, T_)))
    d1 = (E_step(T + h) - E_step(T - h)) / (2 * h)
    d2 = (E_step(T + h / 2) - E_step(T - h / 2)) / h
    ref_tf = (4.0 * d2 - d1) / 3.0
    C_tf = stm.heat_capacity_step_function(model, T, [t], "C_tf")[0]
    assert C_tf == pytest.approx(ref_tf, rel=2e-8)
