"""Δv/v of the acoustic measurement with TF channels (TF §4, PHYSICS §10): the zero-phonon
principal value against the STM digamma law, MC against the independent quadrature and the
C ln(T/T_ref) limit; no sideband velocity rows (tlsmc.measurements.tf_velocity)."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import digamma

import tlsmc
from tlsmc.config import ConfigError
from tlsmc.measurements.tf_velocity import reorganisation_energy, sideband_kk_weight, zero_phonon_table
from tlsmc.rates.vibrations import TFParameters

from test_tf_acoustic import _table  # noqa: E402  (the TF scenario as a table)


@pytest.mark.parametrize("w, T, T_ref", [(1e-3, 0.3, 1.0), (0.5, 0.2, 1.5), (2.0, 0.4, 3.0)])
def test_zero_phonon_pv_is_the_stm_digamma_law(w, T, T_ref):
    """Weights a = b = 1, V → 0, Δ_max ≫ T: Y = −[ln(T/T_ref) + Re ψ(½ + iw/2πT)
    − Re ψ(½ + iw/2πT_ref)] (PHYSICS §10), ħω below and above kT."""
    Y = zero_phonon_table((1e-9, 1e-9), w, T, T_ref, 1.0, 1.0, 200.0)(np.array([1e-9]))[0]
    law = (math.log(T / T_ref) + digamma(0.5 + 1j * w / (2 * math.pi * T)).real
           - digamma(0.5 + 1j * w / (2 * math.pi * T_ref)).real)
    assert Y == pytest.approx(-law, rel=1e-5)


def test_t_ref_checked_by_name():
    t = _table(T_ref_K=400.0)
    with pytest.raises(ConfigError) as exc:
        tlsmc.parse_scenario(t)
    assert "scenario.measurement[0].T_ref_K must be <= 300 K" in str(exc.value)


def test_mc_against_quadrature_and_stm_limit():
    """The resonant velocity against the independent quadrature (|z| < 4, also at 20 K where
    e^{J1(T) − J1(T_ref)} = 2.5), the C ln(T/T_ref) law (πC = Q⁻¹_res(T = 0)) where the weight
    e^{J1} is constant, and no sideband or total velocity rows."""
    t = _table(frequencies_Hz=[1e7], temperatures_K=[0.5, 2.0, 20.0], T_ref_K=1.0,
               polarizations=["l"])
    t["rates"] = [{"kind": "tf_nondiagonal"}]
    t["population"]["delta_max_K"] = 12.0
    t["run"].update(n_tls=6000)
    res = tlsmc.run(tlsmc.parse_scenario(t))
    v = res.observables
    assert set(v[v.observable == "dv_over_v"].part) == {"resonant"}
    c = res.comparison
    c = c[c.observable == "dv_over_v"]
    assert len(c) == 3 and np.isfinite(c.z).all(), c
    assert c.z.abs().max() < 4.0, c[["T_K", "part", "mc", "exact", "z"]]
    assert np.all(c.mc_stderr < 0.2 * c.mc.abs())
    r = c[c.T_K == 0.5].iloc[0]
    assert r.closed_form == pytest.approx(r.exact, rel=2e-3)   # the STM limit of the model
    assert math.isnan(c[c.T_K == 2.0].closed_form.iloc[0])


@pytest.mark.parametrize("T", [0.2, 10.0])
def test_sideband_kk_weight_lies_where_the_golden_rule_fails(T):
    """Why TF mode writes no sideband velocity (tlsmc.measurements.tf_velocity docstring).

    The multiphonon lattice's band (weights x³e^m ∝ K_tot on the x grid) has the closed-form
    cumulants of the compound-Poisson band, λ = (3R/4)Θ(1/3 − 1/π²) and σ² = ∫ε²ρ coth (an
    independent check of the lattice far above the rate table's top); the static KK weight W is
    converged in the lattice (twofold refinement) and lies beyond 4Θ to 1e-13; there ħK/k_Bx
    exceeds 1e9 for the scenario's strongest TLS and 1e4 for its weakest."""
    p = TFParameters.tf1982()
    lam, sig = reorganisation_energy(T, p)
    assert lam == pytest.approx(5627.3, abs=0.1) and sig == pytest.approx(830.9, abs=0.1)
    r = sideband_kk_weight(T, p)
    x = r.x_K
    xm = 0.5 * (x[1:] + x[:-1])
    hi = xm > p.theta_D_K                       # the one-phonon band (≤ Θ) carries weight ~J1 only
    xm = xm[hi]
    k = np.diff(r.fraction)[hi] * xm            # W's increments are ∫x²e^m; the band is x³e^m
    mean = np.sum(k * xm) / np.sum(k)
    std = math.sqrt(np.sum(k * (xm - mean) ** 2) / np.sum(k))
    assert mean == pytest.approx(lam, rel=2e-5) and std == pytest.approx(sig, rel=3e-4)
    assert r.rel_change < 1e-6
    assert np.interp(4 * p.theta_D_K, x, r.fraction) < 1e-13
    V0 = p.V0_K
    ratio_strong = math.exp(r.log_rate_over_energy) * (V0 * math.exp(-34.0)) ** 2
    ratio_weak = math.exp(r.log_rate_over_energy) * (V0 * math.exp(-40.0)) ** 2
    assert ratio_strong > 1e9 and ratio_weak > 1e4
