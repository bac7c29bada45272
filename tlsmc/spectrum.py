"""Two-level spectra and strain couplings (PHYSICS §2, §3).

For the tunneling model the 2×2 Hamiltonian in the well basis is

.. math:: H = \\begin{pmatrix} -\\Delta/2 & V \\\\ V & \\Delta/2 \\end{pmatrix},
          \\quad V = \\hbar\\nu e^{-J_0/2}\\ \\text{(TF eq. 9)},\\quad \\Delta_0 = 2V,

so E = sqrt(Δ² + Δ0²).  A strain ε enters as γ ε σ_z (γ = ½ ∂Δ/∂ε); in the
eigenbasis its off-diagonal element is γ Δ0/E and the deformation potential
is D = ∂E/∂ε = 2γ Δ/E (GGP eq. 1.7).  :class:`TwoLevelSpectrum` stores these
per unit γ (``M_unit``, ``D_unit``) so every population model feeds the same
rate channels.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .materials import Material
from .population import TunnelingPopulation, check_arrays
from .units import HBAR, K_B

__all__ = ["TwoLevelSpectrum", "solve_spectrum", "tunneling_spectrum"]


@dataclass(frozen=True, slots=True)
class TwoLevelSpectrum:
    """Lowest two levels of every TLS (structure of arrays, TLS axis first).

    Attributes
    ----------
    E_K : (N,) splitting E = E1 − E0, K
    delta_K : (N,) asymmetry Δ, K
    delta0_K : (N,) tunneling splitting Δ0, K
    M_unit : (N,) off-diagonal strain coupling per unit γ (Δ0/E for the STM)
    D_unit : (N,) deformation potential ∂E/∂ε per unit γ (2Δ/E for the STM)
    """

    E_K: np.ndarray
    delta_K: np.ndarray
    delta0_K: np.ndarray
    M_unit: np.ndarray
    D_unit: np.ndarray

    def __post_init__(self) -> None:
        check_arrays(self, ("E_K", "delta_K", "delta0_K", "M_unit", "D_unit"))

    def __len__(self) -> int:
        return self.E_K.shape[0]


def tunneling_spectrum(pop: TunnelingPopulation, material: Material) -> TwoLevelSpectrum:
    """Exact 2×2 spectrum: Δ0 = 2ħν e^{−J0/2}, E = sqrt(Δ² + Δ0²) (PHYSICS §2)."""
    nu = material.need("nu_rad_s", "the tunneling spectrum")
    hbar_omega0_K = 2.0 * HBAR * nu / K_B
    delta0 = hbar_omega0_K * np.exp(-0.5 * pop.J0)
    E = np.hypot(pop.delta_K, delta0)
    return TwoLevelSpectrum(E_K=E, delta_K=pop.delta_K.copy(), delta0_K=delta0,
                            M_unit=delta0 / E, D_unit=2.0 * pop.delta_K / E)


_SOLVERS = {TunnelingPopulation: tunneling_spectrum}


def solve_spectrum(pop, material: Material) -> TwoLevelSpectrum:
    """Spectrum of every TLS of a population (dispatch on the population type)."""
    try:
        solver = _SOLVERS[type(pop)]
    except KeyError:
        raise TypeError(f"no spectrum solver for {type(pop).__name__}") from None
    return solver(pop, material)
