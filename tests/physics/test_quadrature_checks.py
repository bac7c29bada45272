"""Quadratures report QUADPACK's failures instead of returning them, and the resonant shell
E = ħω is estimated (MC) and integrated (quadrature) correctly when it is narrow or empty.

* :class:`~tlsmc.analytic.quadrature.checked.QuadSum`: ier 1/3/4/5/7 and Σ abserr above the
  stated accuracy raise :class:`QuadratureFailure` (an OutsideQuadrature: the comparison leaves
  the point out and says why); the acoustic principal value with the old near-duplicate
  breakpoints (1e-14 K apart) raises instead of returning a number.
* The silica resonant velocity at 1 MHz equals the digamma law to 1e-12 (it was 1.5e-5 off
  while QUADPACK's ier = 4 was silenced).
* Δ0max ≪ ħω: the shell window is (Δ0max/ħω)²/2 wide; ñ(ħω) from the quadrature equals the
  closed form of a flat J0 pdf, P̄ pdf (u_hi² − u_lo²)/(s_lo + s_hi), and so does every MC shell
  sample (it was 0 ± 0 against ~1e-12 P̄: z = −33333).  An empty shell gives exactly 0 on both
  sides, and its comparison row z = NaN (documented in merge_with_mc: no error bar).
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tlsmc
from tlsmc.analytic.closed_forms import acoustics as cf
from tlsmc.analytic.quadrature import OutsideQuadrature
from tlsmc.analytic.quadrature.acoustics import AcousticQuad
from tlsmc.analytic.quadrature.checked import QuadratureFailure, QuadSum
from tlsmc.comparison.acoustics import acoustic_quadrature
from tlsmc.comparison.common import merge_with_mc
from tlsmc.measurements.acoustic_base import shell_density, shell_model
from tlsmc.units import HBAR, K_B

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
TWO_HBAR_NU = 152.76                                    # K (silica's 2ħν/k_B, rounded)


def _flat(d0max, J_width=10.0, delta_max=10.0):
    """AcousticQuad with J0 pdf 1 on [J_lo, J_lo + J_width] (the population's 'uniform':
    density P̄/2 per unit Δ per unit J0), Δ0(J_lo) = d0max."""
    lo = 2 * math.log(TWO_HBAR_NU / d0max)
    hi = lo + J_width
    return AcousticQuad(1e45, delta_max, lo, hi,
                        lambda J: ((J >= lo) & (J <= hi)).astype(float), TWO_HBAR_NU, 1e8)


def test_quadsum_raises_on_quadpack_failures():
    assert issubclass(QuadratureFailure, OutsideQuadrature)
    acc = QuadSum("oscillating", 1e-8)                 # limit too small: ier = 1
    with pytest.raises(QuadratureFailure, match="QUADPACK failed"):
        acc.add(lambda x: math.sin(300 * x), 0.0, 10.0, limit=3)
    acc = QuadSum("sqrt", 1e-12)                        # converged to 1e-3 only: abserr > rtol
    acc.add(math.sqrt, 0.0, 1.0, epsabs=0.0, epsrel=1e-3)
    with pytest.raises(QuadratureFailure, match="exceeds the stated accuracy"):
        acc.value()
    acc = QuadSum("sqrt", 1e-8)
    acc.add(math.sqrt, 0.0, 1.0, epsabs=0.0, epsrel=1e-11)
    assert acc.value() == pytest.approx(2.0 / 3.0, rel=1e-12)
    zero = QuadSum("zero", 1e-8)
    zero.add(lambda x: 0.0, 0.0, 1.0)
    assert zero.value() == 0.0


def test_near_duplicate_breakpoints_reported_not_returned(monkeypatch):
    """hypot(Δmax, Δ0max) − Δmax = 5e-14 K: given both as breakpoints QUADPACK fails (ier 3);
    the failure must surface as QuadratureFailure, not as a value."""
    q = _flat(1e-6)
    w = 1e-4
    good = q.pv_velocity(w, 0.01, 1.0)                  # kinks() drops the near-duplicate
    assert math.isfinite(good) and good != 0.0

    def raw(self):
        d, a, b = self.delta_max_K, self.d0_min, self.d0_max
        return sorted({a, b, d, math.hypot(d, a), math.hypot(d, b)})
    monkeypatch.setattr(AcousticQuad, "kinks", raw)
    assert 0 < raw(q)[-1] - raw(q)[-2] < 1e-13
    with pytest.raises(QuadratureFailure, match="QUADPACK failed"):
        q.pv_velocity(w, 0.01, 1.0)


def test_silica_resonant_velocity_equals_digamma_law():
    """Cut-offs far outside (Δ0 ∈ [2e-9, 153] K, Δmax = 400 K): P∫ñF = P̄{digamma law}/C."""
    sc = tlsmc.load_scenario(SCENARIOS / "silica_acoustics.toml")
    q = acoustic_quadrature(sc)
    P = sc.material.P_bar_per_J_m3
    w = HBAR * 2 * math.pi * 1e6 / K_B
    for T in (1.58, 3.98):
        assert q.pv_velocity(w, T, 1.0) == pytest.approx(
            -cf.digamma_velocity(P, w, T, 1.0), rel=1e-12, abs=0)


def _window_closed_form(E, d0min, d0max, P):
    """ñ(E) of the pdf 1: P̄ (s_hi − s_lo), s = √(1 − u²), without cancellation."""
    u_lo, u_hi = d0min / E, min(1.0, d0max / E)
    s_lo, s_hi = (math.sqrt((1 - u) * (1 + u)) for u in (u_hi, u_lo))
    return P * (u_hi - u_lo) * (u_hi + u_lo) / (s_lo + s_hi)


@pytest.mark.parametrize("ratio", [1e-3, 1e-6, 1e-9])
def test_narrow_shell_quadrature_and_mc_sample(ratio):
    """Δ0max = ratio·ħω: window (ratio²/2 wide, below the spacing of doubles near 1 at 1e-9)."""
    w = 0.048
    q = _flat(ratio * w)
    exact = _window_closed_form(w, q.d0_min, q.d0_max, 1e45)
    assert exact > 0 and q.ntilde(w) == pytest.approx(exact, rel=1e-10, abs=0)
    sc = tlsmc.parse_scenario(_table(J_min=q.J_lo, J_max=q.J_hi, delta_max_K=10.0))
    sh = shell_model(sc)
    x = shell_density(sh, np.random.default_rng(5).uniform(size=1000), w)
    ref = _window_closed_form(w, sh.delta0_min_K, sh.delta0_max_K, sh.P_bar_per_J_m3)
    assert np.allclose(x, ref, rtol=1e-10, atol=0)


def test_empty_shell_is_exactly_zero_on_both_sides():
    """Δmax = 1e-3 K < √(ħω² − Δ0max²): no TLS of the model has E = ħω."""
    w = 0.048
    q = _flat(1e-6, delta_max=1e-3)
    assert q.ntilde(w) == 0.0
    sc = tlsmc.parse_scenario(_table(J_min=q.J_lo, J_max=q.J_hi, delta_max_K=1e-3))
    assert (shell_density(shell_model(sc), np.linspace(0, 1, 101), w) == 0.0).all()
    row = [dict(observable="Q_inv", T_K=0.1, t_s=math.inf, exact=0.0, closed_form=math.nan,
                numerical_tol=0.0, part="resonant")]
    mc = pd.DataFrame([dict(observable="Q_inv", T_K=0.1, t_s=math.inf, value=0.0, stderr=0.0,
                            unit="1", part="resonant")])
    assert math.isnan(merge_with_mc(row, mc).z.iloc[0])     # no error bar: NaN, documented


def _table(J_min=40.0, J_max=50.0, delta_max_K=400.0, n=4096):
    return {"run": {"name": "narrow_shell", "n_tls": n, "seed": 11, "chunk_size": 65536},
            "material": {"preset": "vitreous_silica"},
            "population": {"model": "tunneling", "delta_max_K": delta_max_K,
                           "delta_sampling": "loguniform", "delta_knee_K": 1e-4,
                           "J0": {"distribution": "uniform", "J_min": J_min, "J_max": J_max}},
            "rates": [{"kind": "one_phonon"}],
            "measurement": [{"kind": "acoustic", "frequencies_Hz": [1e9],
                             "temperatures_K": [0.01, 0.1], "T_ref_K": 1.0,
                             "polarizations": ["l"]}],
            "comparison": {"analytic": True}}


def test_narrow_shell_run_against_quadrature():
    """Δ0max = 3.1e-7 K ≪ ħω = 0.048 K (J0 ∈ [40, 50]): the resonant attenuation is exact
    (zero variance) and the resonant velocity (stratified in ln c) within 4σ of the quadrature
    (before: MC 0 ± 0, z = −33333 and −3019)."""
    c = tlsmc.run(tlsmc.parse_scenario(_table())).comparison
    res = c[c.part == "resonant"]
    att = res[res.observable == "attenuation"]
    assert (att.exact > 0).all() and np.allclose(att.mc, att.exact, rtol=1e-9, atol=0)
    vel = res[res.observable == "dv_over_v"]
    assert (vel.exact != 0).all() and (vel.mc_stderr > 0).all()
    assert (vel.z.abs() < 4).all(), vel
    assert (c.z.abs().fillna(0) < 4).all(), c[c.z.abs() >= 4]


def test_quad_vec_checked():
    """checked.quad_vec returns quad_vec's value when it converges and raises QuadratureFailure
    when it does not (a subdivision limit too small for an oscillating integrand) — the STM
    closed forms' vector integrals go through it."""
    from tlsmc.analytic.quadrature.checked import QuadratureFailure, quad_vec
    val = quad_vec(lambda x: np.array([x, x * x]), 0.0, 1.0, epsabs=0.0, epsrel=1e-10)
    assert val == pytest.approx([0.5, 1.0 / 3.0], rel=1e-12)
    with pytest.raises(QuadratureFailure, match="quad_vec"):
        quad_vec(lambda x: np.array([math.sin(200.0 * x)]), 0.0, 50.0, epsabs=0.0,
                 epsrel=1e-10, limit=3)
