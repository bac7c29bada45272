"""The one-phonon (deformation-potential) relaxation channel (PHYSICS §4.1)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .._kernels.rates import one_phonon as _one_phonon_kernel
from ..materials import Material
from ..units import EV, HBAR, K_B, PI

__all__ = ["OnePhonon", "one_phonon_coefficient"]


def one_phonon_coefficient(material: Material) -> float:
    """a = (γ_l²/v_l⁵ + 2γ_t²/v_t⁵) k_B³ / (2π ρ ħ⁴), in s^-1 K^-3.

    With it the golden-rule rate is K = a (M E)² E coth(E/2T) (energies in K,
    M the off-diagonal coupling per unit γ; for the STM M E = Δ0), i.e. the
    textbook τ^-1 = (γ_l²/v_l⁵ + 2γ_t²/v_t⁵) Δ0² E coth(E/2k_BT)/(2πρħ⁴).
    The transverse branch counts twice (PHYSICS §8).
    """
    by = "rate channel one_phonon"
    g_l = material.need("gamma_l_eV", by) * EV
    g_t = material.need("gamma_t_eV", by) * EV
    v_l = material.need("v_l_m_s", by)
    v_t = material.need("v_t_m_s", by)
    rho = material.need("density_kg_m3", by)
    return (g_l**2 / v_l**5 + 2.0 * g_t**2 / v_t**5) * K_B**3 / (2.0 * PI * rho * HBAR**4)


@dataclass(frozen=True, slots=True)
class OnePhonon:
    """Golden-rule one-phonon relaxation; no options.

    .. math:: K = K_\\uparrow + K_\\downarrow = \\sum_\\alpha
              \\frac{M_\\alpha^2 E^3}{2\\pi\\rho\\hbar^4 v_\\alpha^5}\\coth\\frac{E}{2T}
    """

    populations: ClassVar[tuple[str, ...]] = ("tunneling", "soft")
    """Population models this channel works with (checked when the scenario is loaded)."""

    def check_material(self, material: Material) -> None:
        """ConfigError naming the first material field this channel needs and lacks."""
        one_phonon_coefficient(material)

    def add_rate(self, spectrum, material: Material, T_K: float, out: np.ndarray) -> None:
        """Add this channel's total rate K (s^-1) at temperature T (K) into ``out``."""
        a = one_phonon_coefficient(material)
        _one_phonon_kernel(spectrum.E_K, spectrum.M_unit, a, float(T_K), out)
