"""Lumped thermal model of a sample: phonon heat capacity and the link to a bath (PHYSICS §5).

The sample (per m³) has a phonon + addenda heat capacity and a weak link of
conductance G(T) to a bath at T_b:

.. math:: C_{ph}(T) = c_0 + c_1 T + (c_D + c_3) T^3,\\qquad
          U_{ph}(T) = \\int_0^T C_{ph}\\,dT'
          = c_0 T + \\tfrac12 c_1 T^2 + \\tfrac14 (c_D + c_3) T^4,

.. math:: \\dot Q_{link}(T) = G(T)\\,(T - T_b),\\qquad G(T) = G_0 T^n.

c_D is the Debye (T << Θ_D) coefficient from the sound velocities,

.. math:: c_D = \\frac{2\\pi^2}{15}\\,k_B\\Big(\\frac{k_B}{\\hbar}\\Big)^3
          \\Big(\\frac{1}{v_l^3} + \\frac{2}{v_t^3}\\Big)
          = \\frac{12\\pi^4}{5}\\,\\frac{n\\,k_B}{\\Theta_D^3},

which equals the Debye form for any consistent pair (n, Θ_D) with
Θ_D = (ħ/k_B) v_D (6π² n)^{1/3}, 3/v_D³ = 1/v_l³ + 2/v_t³ (n cancels).  For
vitreous silica c_D = 1.76 J m^-3 K^-4 (0.80 µJ g^-1 K^-4); note that the
preset's θ_D = 342 K goes with n = number of SiO2 units (2.2e28 m^-3), not
with the atom density (3× larger, which with 342 K would overstate c_D 3×).
c_0, c_1, c_3 are addenda (scenario parameters).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from ..config import param, require
from ..materials import Material
from ..units import HBAR, K_B, PI

__all__ = ["ThermalModel", "LumpedThermal", "debye_T3_coefficient"]


def debye_T3_coefficient(material: Material) -> float:
    """c_D in C_ph = c_D T³ (T << Θ_D), J m^-3 K^-4, from v_l and v_t (see module docstring)."""
    by = "the Debye phonon heat capacity"
    v_l = material.need("v_l_m_s", by)
    v_t = material.need("v_t_m_s", by)
    return (2.0 * PI**2 / 15.0) * K_B * (K_B / HBAR) ** 3 * (1.0 / v_l**3 + 2.0 / v_t**3)


@dataclass(frozen=True, slots=True)
class ThermalModel:
    """The ``thermal`` table of a heat-pulse measurement: heat capacity and link.

    G0 has units W m^-3 K^-(1+n) (per m³ of sample, like every observable).
    """

    G0_W_m3_K: float = param(unit="W m^-3 K^-(1+n)", gt=0, range=(1e-12, 1e12),
                             doc="G(T) = G0 T^n; 1e-12..1e12")
    G_exponent: float = param(0.0, ge=0, le=10, doc="n in G(T) = G0 T^n")
    phonons: str = param("debye", choices=("debye", "none"),
                         doc="Debye T³ phonon heat capacity from the sound velocities, or none")
    addenda_C0_J_m3_K: float = param(0.0, unit="J m^-3 K^-1", ge=0, range=(0.0, 1e9),
                                     doc="0..1e9 J m^-3 K^-1")
    addenda_C1_J_m3_K2: float = param(0.0, unit="J m^-3 K^-2", ge=0, range=(0.0, 1e9),
                                      doc="0..1e9 J m^-3 K^-2")
    addenda_C3_J_m3_K4: float = param(0.0, unit="J m^-3 K^-4", ge=0, range=(0.0, 1e9),
                                      doc="0..1e9 J m^-3 K^-4")

    def validate(self, prefix: str) -> None:
        require(self.phonons == "debye" or self.addenda_C0_J_m3_K > 0 or self.addenda_C1_J_m3_K2 > 0
                or self.addenda_C3_J_m3_K4 > 0,
                f"{prefix}: the heat capacity must be > 0 (phonons = 'none' and all addenda "
                f"coefficients are 0)")

    def lumped(self, material: Material, T_bath_K: float) -> "LumpedThermal":
        """The numbers of this model for ``material`` and a bath at ``T_bath_K``."""
        c_D = debye_T3_coefficient(material) if self.phonons == "debye" else 0.0
        return LumpedThermal(c0=self.addenda_C0_J_m3_K, c1=self.addenda_C1_J_m3_K2,
                             c3=c_D + self.addenda_C3_J_m3_K4, G0=self.G0_W_m3_K,
                             n=self.G_exponent, T_bath_K=float(T_bath_K))


@dataclass(frozen=True, slots=True)
class LumpedThermal:
    """C_ph(T) = c0 + c1 T + c3 T³ (J m^-3 K^-1), link G0 T^n (T − T_b) (W m^-3)."""

    c0: float
    c1: float
    c3: float
    G0: float
    n: float
    T_bath_K: float

    def __post_init__(self) -> None:
        if not (self.c0 >= 0 and self.c1 >= 0 and self.c3 >= 0 and self.c0 + self.c1 + self.c3 > 0):
            raise ValueError("heat-capacity coefficients must be >= 0, not all 0")
        if not (self.G0 > 0 and math.isfinite(self.G0) and self.n >= 0 and self.T_bath_K > 0):
            raise ValueError("need G0 > 0 (finite), n >= 0, T_bath > 0")

    def heat_capacity(self, T: float) -> float:
        """C_ph(T), J m^-3 K^-1."""
        return self.c0 + T * (self.c1 + self.c3 * T * T)

    def energy(self, T: float) -> float:
        """U_ph(T) = ∫_0^T C_ph dT', J m^-3."""
        return T * (self.c0 + T * (0.5 * self.c1 + 0.25 * self.c3 * T * T))

    def link(self, T: float) -> float:
        """Heat flow to the bath G0 T^n (T − T_b), W m^-3."""
        return self.G0 * T**self.n * (T - self.T_bath_K)

    def link_slope(self, T: float) -> float:
        """d/dT of :meth:`link`, W m^-3 K^-1."""
        Tn = T**self.n
        return self.G0 * (Tn + (self.n * Tn / T) * (T - self.T_bath_K))
