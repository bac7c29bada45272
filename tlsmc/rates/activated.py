"""Thermally activated over-barrier hopping of soft-potential TLSs (PHYSICS §4.4).

Classical hopping over the barrier of the computed double well: from the upper level
over the barrier V_b (barrier top minus ε1, from the solved potential,
:class:`tlsmc.spectrum.SoftTwoLevelSpectrum`) at rate ν_a e^{−V_b/T}, and from the lower
level at ν_a e^{−(V_b + E)/T}.  Their sum is the total rate

.. math:: K = K_\\uparrow + K_\\downarrow = \\nu_a\\, e^{-V_b/T}\\,\\big(1 + e^{-E/T}\\big),

which the detailed-balance split of :class:`tlsmc.rates.RateSet` turns back into exactly
K↓ = ν_a e^{−V_b/T} and K↑ = ν_a e^{−(V_b+E)/T}.  The attempt frequency ν_a is either
given (``nu_a_per_s``) or, by default, the small-oscillation frequency of the well,
ν_a = ω/2π with ħω = ε2 − ε0 of the computed spectrum (transition-state theory).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..config import ConfigError, param
from ..materials import Material
from ..units import HBAR, K_B, PI

__all__ = ["Activated"]


@dataclass(frozen=True, slots=True)
class Activated:
    """Over-barrier hopping K = ν_a e^{−V_b/T}(1 + e^{−E/T}); needs a soft population."""

    populations: ClassVar[tuple[str, ...]] = ("soft",)
    """Needs the barriers of a computed potential (checked when the scenario is loaded)."""

    nu_a_per_s: float | None = param(None, unit="s^-1", gt=0, range=(1e6, 1e16),
                                     doc="attempt frequency ν_a; default ω/2π of the well")

    def check_material(self, material: Material) -> None:
        """Nothing to check: ν_a and the barriers come from the computed potential."""

    def add_rate(self, spectrum, material: Material, T_K: float, out: np.ndarray) -> None:
        """Add this channel's total rate K (s^-1) at temperature T (K) into ``out``."""
        barrier = getattr(spectrum, "barrier_K", None)
        if barrier is None:
            raise ConfigError("rate channel activated needs barriers from a computed potential "
                              "(population.model = \"soft\")")
        if self.nu_a_per_s is None:
            nu = spectrum.well_K * (K_B / (2.0 * PI * HBAR))
        else:
            nu = self.nu_a_per_s
        T = float(T_K)
        out += nu * np.exp(-barrier / T) * (1.0 + np.exp(-spectrum.E_K / T))
