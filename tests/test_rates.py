"""Rates: detailed balance and the one-phonon formula (PHYSICS §4.1)."""
from __future__ import annotations

import numpy as np
import pytest

from tlsmc.materials import load_material
from tlsmc.rates import RATE_CHANNELS, build_rates, one_phonon_coefficient
from tlsmc.spectrum import SoftTwoLevelSpectrum
from tlsmc.units import EV, HBAR, K_B

SILICA = load_material({"preset": "vitreous_silica"})
_TF = load_material({"preset": "tf1982"})
# silica with TF's vibration-assisted-tunneling fields added: every channel of RATE_CHANNELS runs on it
MATERIAL = load_material({"preset": "vitreous_silica",
                          **{f: getattr(_TF, f) for f in ("J1_per_m", "J2_per_m2", "tf_mass_amu", "omega_E_K")},
                          "electron_coupling": 0.2})   # channel `electron` (normal metal: no Tc_K)


def _spectrum(E, delta0):
    """Spectra every channel accepts: a SoftTwoLevelSpectrum is a TwoLevelSpectrum that
    also carries the barrier (here 3E) and the well quantum (here 10E) of `activated`."""
    E = np.asarray(E, float)
    delta0 = np.asarray(delta0, float)
    delta = np.sqrt(np.maximum(E**2 - delta0**2, 0.0))
    return SoftTwoLevelSpectrum(E_K=E, delta_K=delta, delta0_K=delta0, M_unit=delta0 / E,
                                D_unit=2 * delta / E, barrier_K=3.0 * E, well_K=10.0 * E)


# Tunneling channels are positive for every E/T; `activated` (barrier 3E here) is
# e^{−V_b/T}, which is exactly 0 in double precision once V_b/T > ~745.
_CAN_UNDERFLOW = {"activated"}


@pytest.mark.parametrize("channel", sorted(RATE_CHANNELS))
def test_detailed_balance_for_E_over_T_from_1e_minus6_to_1e5(channel):
    x = np.geomspace(1e-6, 1e5, 221)
    for T in (1e-3, 0.1, 3.0):
        spec = _spectrum(x * T, 0.5 * x * T)
        rates = build_rates(spec, MATERIAL, [RATE_CHANNELS[channel]()], T)
        assert np.all(np.isfinite(rates.K)) and np.all(rates.K >= 0)
        pos = rates.K > 0
        if channel in _CAN_UNDERFLOW:
            assert np.all(pos[3.0 * x < 700])
        else:
            assert np.all(pos)
        up, down = rates.k_up, rates.k_down
        assert np.all(np.isfinite(up)) and np.all(np.isfinite(down)) and np.all(down[pos] > 0)
        np.testing.assert_allclose(up + down, rates.K, rtol=1e-15)
        # ln K↑ − ln K↓ = −E/T, also where K↑ underflows (E/T > 700)
        np.testing.assert_allclose(rates.log_k_up[pos] - rates.log_k_down[pos], -x[pos],
                                   rtol=1e-12, atol=1e-12)
        mask = pos & (x < 600) & (rates.log_k_up > -700)   # K↑ representable
        np.testing.assert_allclose(up[mask] / down[mask], np.exp(-x[mask]), rtol=1e-12)


def test_one_phonon_matches_textbook_formula():
    """τ^-1 = (γ_l²/v_l⁵ + 2γ_t²/v_t⁵) Δ0² E coth(E/2k_BT)/(2πρħ⁴), SI, by hand."""
    E_K, d0_K, T = 0.7, 0.3, 0.2
    rates = build_rates(_spectrum([E_K], [d0_K]), SILICA, [RATE_CHANNELS["one_phonon"]()], T)
    E, d0 = E_K * K_B, d0_K * K_B
    gl, gt = 1.04 * EV, 0.65 * EV
    expect = ((gl**2 / 5800.0**5 + 2 * gt**2 / 3750.0**5) * d0**2 * E
              / np.tanh(E / (2 * K_B * T)) / (2 * np.pi * 2200.0 * HBAR**4))
    np.testing.assert_allclose(rates.K[0], expect, rtol=1e-13)
    # order of magnitude check: τ_min ~ 1 µs at E = 0.25 K in silica
    assert 1e5 < one_phonon_coefficient(SILICA) * 0.25**3 < 1e7


def test_low_temperature_limit_is_spontaneous_emission():
    """T -> 0: coth -> 1, K -> a Δ0² E; no overflow at E/T = 1e5."""
    spec = _spectrum([1.0], [1.0])
    a = one_phonon_coefficient(SILICA)
    r = build_rates(spec, SILICA, [RATE_CHANNELS["one_phonon"]()], 1e-5)
    np.testing.assert_allclose(r.K, a, rtol=1e-15)
    r_hot = build_rates(spec, SILICA, [RATE_CHANNELS["one_phonon"]()], 1e6)
    np.testing.assert_allclose(r_hot.K, a * 2e6, rtol=1e-9)  # coth(x/2) -> 2/x


def test_nonpositive_temperature_rejected():
    with pytest.raises(ValueError, match="T_K must be > 0"):
        build_rates(_spectrum([1.0], [1.0]), SILICA, [RATE_CHANNELS["one_phonon"]()], 0.0)
