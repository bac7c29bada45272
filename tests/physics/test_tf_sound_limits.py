"""TF §4's printed equations (20–34, as read in tlsmc.analytic.closed_forms.tf1982_sound) against
the Net formula in their limits (PHYSICS §10): the independent quadrature where it reaches,
the Monte Carlo's own Net on a deterministic grid at T >= 20 K (the independent G stops
converging above ~6 K)."""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from tlsmc.analytic.closed_forms import tf1982_sound as cf
from tlsmc.analytic.closed_forms.tf1982 import eq25_correction
from tlsmc.analytic.quadrature.tf_acoustics import TFSoundQuad, resonant_sum, sideband_sum
from tlsmc.measurements.tf_sound import sideband_net
from tlsmc.rates.vibrations import J2_debye, TFParameters
from tlsmc.units import ANGSTROM, HBAR, K_B, PI

P = TFParameters.tf1982()
J_STR, J_MAX, P_BAR = 68.0, 80.0, 8e44


def _pdf(J):
    J = np.asarray(J, dtype=float)
    return ((J >= J_STR) & (J <= J_MAX)).astype(float)


def _quad(params=P, delta_max=100.0) -> TFSoundQuad:
    return TFSoundQuad(params, P_BAR, delta_max, J_STR, J_MAX, _pdf, 5800.0, 3750.0)


NV2 = cf.nV2_structural(P_BAR, P.V0_K, J_STR, J_MAX)


def _hw(f):
    return HBAR * 2 * PI * f / K_B


def test_eq20_is_the_zero_phonon_line():
    for f, T in ((1e7, 0.1), (1e9, 0.01), (1e8, 5.0)):
        assert resonant_sum(_quad(), _hw(f), T) == pytest.approx(cf.eq20(_hw(f), T, NV2, P),
                                                                rel=1e-9)


@pytest.mark.parametrize("g, T, tol", [("one_phonon", 0.5, 2e-3), ("one_phonon", 1.0, 2e-3),
])
def test_eq24_T3_law(g, T, tol):
    """ħω << kT << 10 K: π⁷/32 (the OCR's "π^γ"); π⁶ or π⁸ would miss by a factor π."""
    hw = _hw(1e7)
    assert sideband_sum(_quad(), hw, T, g) == pytest.approx(cf.eq24(hw, T, NV2, P), rel=tol)


def test_eq23_is_half_of_net_and_the_other_half_is_constant():
    """kT << ħω: TF's eq. 23 (∝ T) is the g(E + ħω) half; the full sideband is the
    T-independent (π³R/16)(ħω)⁴/Θ⁴ plus O(T²), not TF's linear law."""
    hw, q = _hw(1e9), _quad()
    dev = [sideband_sum(q, hw, T, "one_phonon", terms="plus") / cf.eq23(hw, T, NV2, P) - 1
           for T in (5e-5, 1e-4)]
    assert abs(dev[0]) < 5e-3 and dev[1] / dev[0] == pytest.approx(2.0, rel=0.05)  # O(T/ħω)
    full = [sideband_sum(q, hw, T, "one_phonon") for T in (1e-5, 2e-4, 4e-4)]
    s0 = cf.sideband_T0(hw, NV2, P)
    assert full[0] == pytest.approx(s0, rel=1e-3)
    rise = (full[2] - full[0]) / (full[1] - full[0])       # T² law: 4; TF's T law: 2
    assert rise == pytest.approx(4.0, rel=0.05)


def test_eq29_reading_J2_low_T():
    """J2(T) − J2(0) → (4π⁶R/15)(T/Θ)⁴ (T << Θ): the minimum of (Θ/T)³e^{J2} is at
    (45/16π⁶R)^{1/4}Θ; TF's printed (15/4π⁶R)^{1/4}Θ needs the coefficient 3π⁶R/15."""
    T = 0.3
    c = (J2_debye(T, P) - J2_debye(0.0, P)) / (T / P.theta_D_K) ** 4
    assert c == pytest.approx(4 * PI**6 * P.R / 15, rel=1e-3)
    Ts = np.linspace(5, 15, 200001)
    f = -3 * np.log(Ts) + c * (Ts / P.theta_D_K) ** 4
    assert Ts[np.argmin(f)] == pytest.approx(cf.T2_eq29(P), rel=1e-4)
    assert cf.T2_eq29(P, printed=True) / cf.T2_eq29(P) == pytest.approx((4 / 3) ** 0.25)


@pytest.mark.parametrize("T", [20.0, 40.0])
def test_eq27_steepest_descent(T):
    """T >= 20 K: eqs. 25/27 as read (prefactor π^{-5/2}R^{-1/2}, exact Debye F) match Net to
    within the quartic correction Q/8F²; the T ≪ Θ form (Θ/T)³ is off by √(F_T⁶/F) >= 2.7 and
    TF's printed coefficient by a further √2."""
    hw = _hw(1e8)
    E = np.geomspace(1e-7, 100.0, 40001)
    V = 1e-13
    net = sideband_net(E, E, np.full(E.size, V), T, [hw], P)[:, 0]
    S = np.sum(0.5 * (net[1:] + net[:-1]) * np.diff(E))
    read = cf.eq27(hw, T, V**2, P, 100.0, exact_F=True)
    assert abs(S / read - 1) < 1.5 * float(eq25_correction(0.0, T, P)) + 1e-3
    t6 = cf.eq27(hw, T, V**2, P, 100.0)
    assert S / t6 > 2.7
    assert cf.eq27(hw, T, 1.0, P, printed=True) / cf.eq27(hw, T, 1.0, P) == \
        pytest.approx(math.sqrt(2))


@pytest.mark.parametrize("T", [30.0, 100.0, 250.0])
def test_eq31_is_net_with_eq7_rate(T):
    """Eq. 31 = Net with eq. 7's flat G for ħω << kT (exact up to (ħω/2T)²/6)."""
    hw = _hw(1e8)
    q = _quad()
    assert sideband_sum(q, hw, T, "einstein") == pytest.approx(cf.eq31(hw, T, NV2, P, 100.0),
                                                              rel=1e-5)


def test_eq34_maximum_of_eq31():
    """With J'' = 1200 Å⁻² (TF's fit) the maximum of eq. 31 lands within 5 % of eq. 34's T3."""
    q = dataclasses.replace(P, J2_per_m2=1200 / ANGSTROM**2)
    T = np.geomspace(20, 400, 4000)
    S = cf.eq31(1e-3, T, 1.0, q, 100.0)
    assert T[np.argmax(S)] == pytest.approx(cf.T3_eq34(q), rel=0.05)
