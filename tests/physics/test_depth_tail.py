"""Depth tail of the equilibrium thermal expansion with type-2 TLSs (issue 12, item 3).

``depth_tail_alpha`` is the α of the TLSs deeper than ``depth_max`` at t -> ∞; per unit
density the type-2 boundary equals the type-1 one, so the tail carries (1 + type2_ratio).

* χ = 0: the χ-independent D is a uniform η̃ shift, so α_eq of the cut model + tail = 0 for
  any type2_ratio (was −r/(1 + r) of α_eq before the fix).
* χ = 1, explicit deeper population: the tail removed by deepening the cut from 8 to 11,
  tail(8) − tail(11), equals the α_eq that the deeper model gains, α_eq(11) − α_eq(8).
"""
from __future__ import annotations

import numpy as np
import pytest

from tlsmc.analytic.quadrature.expansion import depth_tail_alpha, soft_expansion_quadrature
from tlsmc.analytic.quadrature.soft import SoftQuadrature
from tlsmc.materials import load_material, with_fields
from tlsmc.population.soft import SoftPotentialModel
from tlsmc.rates.one_phonon import OnePhonon

GRID = dict(h_panel=1.0, nodes=6, u_decades=6, u_per_decade=1)


def _alpha_eq(model, mat, T):
    quad = SoftQuadrature(model, mat, (OnePhonon(),), **GRID)
    return soft_expansion_quadrature(model, mat, (OnePhonon(),), quadrature=quad).alpha(
        T, [np.inf])[0]


@pytest.mark.parametrize("ratio", [0.5, 1.0])
def test_tail_cancels_chi_independent_alpha_with_type2(ratio):
    mat = with_fields(load_material({"preset": "soft_glass"}), soft_chi=0.0, soft_c=6.0)
    model = SoftPotentialModel(E_max_K=3.0, depth_max=8.0, type2_ratio=ratio, energy_knee_K=0.01)
    a_eq, tail = _alpha_eq(model, mat, 0.3), depth_tail_alpha(model, mat, 0.3)
    assert abs(a_eq + tail) < 1e-3 * abs(a_eq)


def test_tail_matches_explicit_deeper_population():
    mat = load_material({"preset": "soft_glass"})                # χ = 1
    T = 0.3
    shallow, deep = (SoftPotentialModel(E_max_K=3.0, depth_max=d, type2_ratio=1.0,
                                        energy_knee_K=0.01) for d in (8.0, 11.0))
    gained = _alpha_eq(deep, mat, T) - _alpha_eq(shallow, mat, T)
    removed = depth_tail_alpha(shallow, mat, T) - depth_tail_alpha(deep, mat, T)
    assert removed == pytest.approx(gained, rel=2e-3)     # the strip 8..11: measured 2e-4
