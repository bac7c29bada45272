"""Δv/v of the acoustic measurement with TF channels (TF §4, PHYSICS §10): the Kramers–Kronig
step on a known pair, the zero-phonon principal value against the STM digamma law, table
convergence, MC against the independent quadrature and the C ln(T/T_ref) limit."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import digamma

import tlsmc
from tlsmc.config import ConfigError
from tlsmc.measurements.tf_velocity import kk_velocity, sideband_table, zero_phonon_table
from tlsmc.rates.vibrations import log_enhancement

from test_tf_acoustic import P, _table  # noqa: E402  (the TF scenario as a table)


@pytest.mark.parametrize("w_tau", [0.01, 0.3, 1.0, 3.0])
def test_kk_gives_debye_velocity_from_debye_absorption(w_tau):
    """Q⁻¹ = A ωτ/(1 + ω²τ²) → Δv/v = −(A/2)/(1 + ω²τ²) (PHYSICS §10's relaxation pair):
    prefactor 1/π and sign of the KK step; the tail beyond x[-1] = 1e6/τ is −A/(πτx[-1])."""
    tau, A = 2.0, 3e-4
    x = np.geomspace(1e-7, 1e6, 6000) / tau
    w = w_tau / tau
    got = kk_velocity(x, A * x * tau / (1 + (x * tau) ** 2), A * w_tau / (1 + w_tau**2), w)
    tail = -A / (math.pi * tau * x[-1])
    assert got + tail == pytest.approx(-0.5 * A / (1 + w_tau**2), rel=2e-5)


@pytest.mark.parametrize("w, T, T_ref", [(1e-3, 0.3, 1.0), (0.5, 0.2, 1.5), (2.0, 0.4, 3.0)])
def test_zero_phonon_pv_is_the_stm_digamma_law(w, T, T_ref):
    """Weights a = b = 1, V → 0, Δ_max ≫ T: Y = −[ln(T/T_ref) + Re ψ(½ + iw/2πT)
    − Re ψ(½ + iw/2πT_ref)] (PHYSICS §10), ħω below and above kT."""
    Y = zero_phonon_table((1e-9, 1e-9), w, T, T_ref, 1.0, 1.0, 200.0)(np.array([1e-9]))[0]
    law = (math.log(T / T_ref) + digamma(0.5 + 1j * w / (2 * math.pi * T)).real
           - digamma(0.5 + 1j * w / (2 * math.pi * T_ref)).real)
    assert Y == pytest.approx(-law, rel=1e-5)


def test_sideband_table_converged():
    """The T − T_ref difference of the sideband KK tables moves < 3e-3 when the grid doubles."""
    E = np.geomspace(1e-4, 9.0, 7)
    w = np.array([4.8e-3])
    out = []
    scale = float(log_enhancement(1.0, P))          # one scale for both: a difference
    for n in (480, 960):
        dT = sideband_table(0.5, w, P, "tf_nondiagonal", "debye", 10.0, scale, n=n)[0](E)
        dR = sideband_table(1.0, w, P, "tf_nondiagonal", "debye", 10.0, scale, n=n)[0](E)
        out.append(dT - dR)
    assert np.max(np.abs(out[0] / out[1] - 1)) < 3e-3


def test_t_ref_checked_by_name():
    t = _table(T_ref_K=400.0)
    with pytest.raises(ConfigError) as exc:
        tlsmc.parse_scenario(t)
    assert "scenario.measurement[0].T_ref_K must be <= 300 K" in str(exc.value)


def test_mc_against_quadrature_and_stm_limit():
    """Every velocity part against the independent quadrature (|z| < 4, sideband resolved;
    at 20 K, e^{J1(T) − J1(T_ref)} = 2.5, resonant only: the sideband quadrature stops at 6 K),
    and the C ln(T/T_ref) law (πC = Q⁻¹_res(T = 0)) where the weight e^{J1} is constant."""
    t = _table(frequencies_Hz=[1e7], temperatures_K=[0.5, 2.0, 20.0], T_ref_K=1.0,
               polarizations=["l"])
    t["rates"] = [{"kind": "tf_nondiagonal"}]
    t["population"]["delta_max_K"] = 12.0       # the quadrature's G reaches E + Θ_D
    t["run"].update(n_tls=6000)
    res = tlsmc.run(tlsmc.parse_scenario(t))
    c = res.comparison
    c = c[c.observable == "dv_over_v"]
    assert len(c) == 9 and np.isfinite(c.z).sum() == 7, c
    assert c.z.abs().max() < 4.0, c[["T_K", "part", "mc", "exact", "z"]]
    hot = c[(c.T_K == 20.0) & (c.part == "resonant")].iloc[0]
    assert np.isfinite(hot.z)
    assert math.isnan(c[(c.T_K == 20.0) & (c.part == "sideband")].exact.iloc[0])
    sb = c[c.part == "sideband"]
    assert np.all(sb.mc_stderr < 0.2 * sb.mc.abs())
    r = c[(c.part == "resonant") & (c.T_K == 0.5)].iloc[0]
    assert r.closed_form == pytest.approx(r.exact, rel=2e-3)   # the STM limit of the model
    assert math.isnan(c[(c.part == "resonant") & (c.T_K == 2.0)].closed_form.iloc[0])
