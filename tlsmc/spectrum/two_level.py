"""Two-level spectra and strain couplings of both population models (PHYSICS §2, §3).

For the tunneling model the 2×2 Hamiltonian in the well basis is

.. math:: H = \\begin{pmatrix} -\\Delta/2 & V \\\\ V & \\Delta/2 \\end{pmatrix},
          \\quad V = \\hbar\\nu e^{-J_0/2}\\ \\text{(TF eq. 9)},\\quad \\Delta_0 = 2V,

so E = sqrt(Δ² + Δ0²).  A strain ε enters as γ ε σ_z (γ = ½ ∂Δ/∂ε); in the
eigenbasis its off-diagonal element is γ Δ0/E and the deformation potential
is D = ∂E/∂ε = 2γ Δ/E (GGP eq. 1.7).  :class:`TwoLevelSpectrum` stores these
per unit γ (``M_unit``, ``D_unit``) so every population model feeds the same
rate channels.

Soft potentials (GGP §II–III, PHYSICS §2–3)
-------------------------------------------
A :class:`~tlsmc.population.soft.SoftPopulation` carries the spectra solved when it was
sampled (:func:`tlsmc.spectrum.solve_soft`); :func:`soft_spectrum` converts them to
kelvin with E_n = W ε_n (GGP eq. 2.7).  Its strain couplings are (PHYSICS §3)

.. math:: M_\\alpha = \\frac{W c_\\alpha}{\\eta_L}\\langle 0|(y+\\delta)^2|1\\rangle,\\qquad
          D = \\frac{W c}{\\eta_L}\\big[\\langle 1|(y+\\delta)^2|1\\rangle
              - \\langle 0|(y+\\delta)^2|0\\rangle\\big],

so with the coupling unit γ_α ≡ W c_α/η_L they are, as for the STM, γ_α M_unit and
γ D_unit with ``M_unit = |M_rate_over_c|`` (= |M_over_c| unless the population's
``rate_coupling`` is ``partner_mean``) and ``D_unit = D_over_c``.  A soft material
therefore sets ``gamma_l_eV``/``gamma_t_eV`` to W c_l/η_L, W c_t/η_L (preset
``soft_glass``), and the generic ``one_phonon`` channel K = a (M_unit E)² E coth(E/2T),
a = (γ_l²/v_l⁵ + 2γ_t²/v_t⁵)/(2πρħ⁴), is exactly Σ_α M_α² E³ coth(E/2T)/(2πρħ⁴v_α⁵)
(PHYSICS §4.1).  D for dilatation is ``W (c/η_L) D_unit`` with c = ``material.soft_c``.
Samples that are not counted (weight 0) get M_unit = D_unit = 0 where their δ branch
does not exist.  :class:`SoftTwoLevelSpectrum` adds what the ``activated`` channel needs:
the barrier above the upper level and the well's vibration energy.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..materials import Material
from ..population.tunneling import check_arrays

if TYPE_CHECKING:  # annotations only: the soft population imports this stage's solver
    from ..population.soft import SoftPopulation
    from ..population.tunneling import TunnelingPopulation
from ..units import HBAR, K_B

__all__ = ["TwoLevelSpectrum", "SoftTwoLevelSpectrum", "tunneling_spectrum", "soft_spectrum"]


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
    # D = 2γΔ/E with the sign of γ drawn per TLS (GGP §I); rates need γ² only
    return TwoLevelSpectrum(E_K=E, delta_K=pop.delta_K.copy(), delta0_K=delta0,
                            M_unit=delta0 / E, D_unit=pop.gamma_sign * 2.0 * pop.delta_K / E)


@dataclass(frozen=True, slots=True)
class SoftTwoLevelSpectrum(TwoLevelSpectrum):
    """A :class:`TwoLevelSpectrum` of soft potentials, plus the barrier (PHYSICS §4.4).

    Attributes (besides the base class')
    ----------
    barrier_K : (N,) barrier top minus the upper level ε1, W(Ṽ_top − ε1) >= 0, K
    well_K : (N,) ε2 − ε0 = E + E21 in K: the vibration quantum ħω of the well
    depth : (N,) h = −η̃_b, the sample's barrier-frame depth (dimensionless; None when not
        sampled): the acoustic shell estimator draws its variate from it
        (:mod:`tlsmc.measurements.acoustic_soft`)
    x_diag, x01 : (N,) <1|y|1> − <0|y|0> and <0|y|1> (y in units of a η_L^½; None when not
        sampled): the electric-dipole couplings per unit p0 (:mod:`tlsmc.measurements.dielectric_soft`)
    """

    barrier_K: np.ndarray
    well_K: np.ndarray
    depth: np.ndarray | None = None
    x_diag: np.ndarray | None = None
    x01: np.ndarray | None = None

    def __post_init__(self) -> None:
        opt = tuple(f for f in ("depth", "x_diag", "x01") if getattr(self, f) is not None)
        check_arrays(self, ("E_K", "delta_K", "delta0_K", "M_unit", "D_unit", "barrier_K",
                            "well_K") + opt)


def soft_spectrum(pop: SoftPopulation, material: Material) -> SoftTwoLevelSpectrum:
    """Soft-potential spectra in K with the coupling convention of the module docstring."""
    W = material.need("W_K", "the soft-potential spectrum")
    M = np.abs(pop.M_rate_over_c)
    D = pop.D_over_c
    return SoftTwoLevelSpectrum(
        E_K=W * pop.E, delta_K=W * pop.delta, delta0_K=W * pop.delta0,
        M_unit=np.where(np.isfinite(M), M, 0.0), D_unit=np.where(np.isfinite(D), D, 0.0),
        barrier_K=W * pop.barrier, well_K=W * (pop.E + pop.E21), depth=-pop.eta_b,
        x_diag=pop.x_diag, x01=pop.x01)
