"""Trakhtenberg–Flerov rate channels (PHYSICS §4.2–4.3): vibration-assisted tunneling.

Both read their parameters from the Material (:func:`tf_parameters`): ν, Θ_D, J', J'',
M and ħΩ.  The TLS enters through V = Δ0/2 (TF eq. 9: V = ħν e^{−J0/2}, Δ0 = 2V), Δ and
E of its spectrum.  Each adds its total rate K = K↑ + K↓ (s^-1); RateSet splits it by
detailed balance.

* ``tf_nondiagonal`` (option ``vibration = "debye" | "einstein"``):
  K = α_TF V² e^{L(T)} (Δ/E)² E³ coth(E/2T), L = J1 (TF eq. 14) or eq. 7's
  J_eff − ½ ln φ3 (``vibrations.log_enhancement``).
* ``tf_multiphonon``: the exact Debye-model rate (TF eq. 6, B = 0) from the table of
  :func:`tlsmc.rates.multiphonon.multiphonon_table`, built once per parameter set (≈ 1.3 s,
  cached) for 1 mK <= T <= 300 K; per TLS it costs one log, one exp and one sin more
  than the one-phonon channel.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, ClassVar

import numpy as np

from ..config import ConfigError, param
from ..materials import Material
from .multiphonon import add_multiphonon_total, add_nondiagonal_total, multiphonon_table
from ..units import AMU, HBAR, K_B
from .vibrations import VIBRATION_MODELS, TFParameters

__all__ = ["TFNondiagonal", "TFMultiphonon", "tf_parameters", "golden_rule_temperature"]


def tf_parameters(material: Material, by: str) -> TFParameters:
    """The TF parameter set of a material; ConfigError naming the first missing field.

    Parameters
    ----------
    material : Material with nu_rad_s, theta_D_K, J1_per_m, J2_per_m2, tf_mass_amu, omega_E_K
    by : who needs them (for the message), e.g. "rate channel tf_multiphonon"
    """
    return TFParameters(
        nu_rad_s=material.need("nu_rad_s", by),
        J1_per_m=material.need("J1_per_m", by),
        J2_per_m2=material.need("J2_per_m2", by),
        mass_kg=material.need("tf_mass_amu", by) * AMU,
        theta_D_K=material.need("theta_D_K", by),
        omega_E_K=material.need("omega_E_K", by),
    )


def golden_rule_temperature(add_total: Callable, V_K: float, T_max_K: float) -> float:
    """T (K) at which ħK/(k_B T) of a thermal symmetric TLS (Δ = E = T) with TF's V = ``V_K``
    reaches 1: above it the channel's golden-rule rate (second order in V) exceeds the TLS's
    own energy scale and the rate is outside its domain.

    ``add_total(E, delta, V, T, out)`` adds the channel's K (s^-1).  The ratio grows with T
    (∝ T² e^{J_eff(T)}); bisection in ln T on [1 mK, T_max] to 1e-9 (a rate that overflows counts
    as above 1).  Returns inf when the ratio stays below 1 up to T_max, 1e-3 when it is above 1
    already at 1 mK.
    """
    def ratio(T: float) -> float:
        one = np.array([T])
        out = np.zeros(1)
        try:
            with np.errstate(over="ignore"):
                add_total(one, one, np.array([V_K]), T, out)
        except OverflowError:               # e^{J_eff} beyond 1e308: far above 1
            return math.inf
        r = float(out[0]) * HBAR / (K_B * T)
        return r if r == r else math.inf

    lo, hi = 1e-3, float(T_max_K)
    if ratio(hi) < 1.0:
        return math.inf
    if ratio(lo) >= 1.0:
        return lo
    while hi / lo > 1.0 + 1e-9:
        mid = math.sqrt(lo * hi)
        lo, hi = (mid, hi) if ratio(mid) < 1.0 else (lo, mid)
    return math.sqrt(lo * hi)


def _V_K(spectrum) -> np.ndarray:
    """TF's matrix element V = Δ0/2, K."""
    return 0.5 * spectrum.delta0_K


@dataclass(frozen=True, slots=True)
class TFNondiagonal:
    """TF non-diagonal (barrier-modulation) one-phonon relaxation (TF eqs. 12, 15–16).

    .. math:: K = \\alpha_{TF} V^2 e^{L(T)} \\Big(\\frac{\\Delta}{E}\\Big)^2 E^3\\coth\\frac{E}{2T},
              \\qquad \\alpha_{TF} = \\frac{\\pi^3 J'^2}{4\\hbar^4 M\\omega_D^5}
    """

    vibration: str = param("debye", choices=tuple(VIBRATION_MODELS),
                           doc="J_eff model: Debye (TF eq. 14) or Einstein with J'' (TF eq. 7)")
    populations: ClassVar[tuple[str, ...]] = ("tunneling",)
    """TF's channels need the J0 of a tunneling population (a soft one has none: K would be 0)."""

    def check_material(self, material: Material) -> None:
        """ConfigError naming the first material field this channel needs and lacks."""
        tf_parameters(material, "rate channel tf_nondiagonal")

    def add_rate(self, spectrum, material: Material, T_K: float, out: np.ndarray) -> None:
        """Add this channel's total rate K (s^-1) at temperature T (K) into ``out``."""
        params = tf_parameters(material, "rate channel tf_nondiagonal")
        add_nondiagonal_total(spectrum.E_K, spectrum.delta_K, _V_K(spectrum), T_K, params, out,
                              self.vibration)

    def golden_rule_T_K(self, material: Material, V_K: float) -> float:
        """:func:`golden_rule_temperature` of this channel (searched up to 1e4 K)."""
        params = tf_parameters(material, "rate channel tf_nondiagonal")
        return golden_rule_temperature(
            lambda E, d, V, T, out: add_nondiagonal_total(E, d, V, T, params, out, self.vibration),
            V_K, 1e4)


@dataclass(frozen=True, slots=True)
class TFMultiphonon:
    """Exact Debye-model multiphonon relaxation (TF eq. 6 with B = 0; PHYSICS §4.3); no options.

    .. math:: K = \\alpha_{TF} V^2 \\Big(\\frac{\\Delta}{E}\\Big)^2 E^3\\coth\\frac{E}{2T}
              \\big[e^{J_1(T)}s(E) + e^{J_2(T) + r(E,T)}\\big]

    → ``tf_nondiagonal`` (Debye) for 0.02 T³ ≲ E ≲ 40 K at low T, → TF eq. 25 at high T.
    """

    populations: ClassVar[tuple[str, ...]] = ("tunneling",)
    """TF's channels need the J0 of a tunneling population (a soft one has none: K would be 0)."""
    T_max_K: ClassVar[float] = 300.0
    """Top of the default multiphonon table: measurement temperatures above it are rejected at
    load time (a heat pulse's own T(t) can still exceed it while running)."""

    def check_material(self, material: Material) -> None:
        """ConfigError naming the first material field this channel needs and lacks."""
        tf_parameters(material, "rate channel tf_multiphonon")

    def add_rate(self, spectrum, material: Material, T_K: float, out: np.ndarray) -> None:
        """Add this channel's total rate K (s^-1) at temperature T (K) into ``out``."""
        params = tf_parameters(material, "rate channel tf_multiphonon")
        table = multiphonon_table(params)
        if T_K > table.T_max_K * (1.0 + 1e-12):
            raise ConfigError(f"rate channel tf_multiphonon is tabulated for T <= {table.T_max_K:g} K "
                              f"(got T = {T_K:g} K)")
        add_multiphonon_total(spectrum.E_K, spectrum.delta_K, _V_K(spectrum), T_K, params, out,
                              table)

    def golden_rule_T_K(self, material: Material, V_K: float) -> float:
        """:func:`golden_rule_temperature` of this channel (up to its table's top)."""
        params = tf_parameters(material, "rate channel tf_multiphonon")
        table = multiphonon_table(params)
        return golden_rule_temperature(
            lambda E, d, V, T, out: add_multiphonon_total(E, d, V, T, params, out, table),
            V_K, table.T_max_K)
