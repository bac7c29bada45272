r"""Relaxation of TLSs by conduction electrons (Korringa-type), normal and superconducting (PHYSICS §12).

Normal metal.  A TLS couples to the conduction-electron density through its well-basis
operator σ_z (the asymmetry Δ is modulated by the local electron density); in the eigenbasis
the off-diagonal part carries Δ0/E, and the golden rule over a Fermi sea of electron–hole
pairs (∫dε f(ε)[1 − f(ε+E)] = E[n_B(E)+1]) gives a rate linear in E,

.. math::
    K = K_\uparrow + K_\downarrow = \frac{\pi}{2} K_e\Big(\frac{\Delta_0}{E}\Big)^2
        \frac{E}{\hbar}\coth\frac{E}{2k_BT}\qquad[\mathrm{s^{-1}}],

the form of Golding, Graebner, Kane & Black, PRL 41, 1487 (1978) and J. L. Black, in *Glassy
Metals I* (Springer, 1981), p. 167, with K_e the dimensionless coupling (ρ_F V)² of the
TLS–electron interaction (the convention for the numerical prefactor differs between sources
by factors of 2–4 according to how V is normalised — σ_z or σ_z/2, one spin or two — so K_e is
*defined* here by this formula; the values quoted for metallic glasses in this convention are
K_e ≈ 0.1–0.3, e.g. Pd-Si-Cu, Golding et al. 1978; cited from memory, not re-read).  Here
``material.electron_coupling`` = K_e.  Δ0/E is taken from the spectrum (``delta0_K/E_K``):
for the tunneling model it equals ``M_unit``; for soft potentials it is the σ_z eigenbasis
factor of PHYSICS §2 (the electron density couples to the asymmetry, not to the strain
matrix element M).

Superconducting state (T < T_c = ``material.Tc_K``).  The TLS is then relaxed by thermally
excited quasiparticles.  For E ≪ Δ(T) the golden rule with the BCS density of states and the
case-I coherence factor (uu' − vv')² (the electron-density vertex, as for ultrasonic
attenuation) gives ρ_s²(1 − Δ²/E'²) = 1 and ∫(−∂f/∂E')dE' over |E'| > Δ, i.e.

.. math::
    \frac{K_s}{K_n} = \frac{2}{1 + e^{\Delta(T)/k_BT}}

(Black & Fulde, PRL 43, 453 (1979)), with the BCS gap Δ(T) of :mod:`tlsmc.rates.bcs`.
**Implemented: this E ≪ Δ form for every TLS.**  It is exact at E → 0, continuous at T_c
(Δ → 0, ratio → 1), and for T ≪ T_c the TLSs that matter thermally have E ~ k_BT ≪ Δ.  Not implemented: the full BCS integral at E ~ Δ, including pair breaking
(E > 2Δ), which restores a normal-like rate for TLSs with E > 2Δ(T).

Detailed balance K↑/K↓ = e^{−E/T} is applied by :class:`tlsmc.rates.RateSet`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from ..config import ConfigError
from ..materials import Material
from ..units import HBAR, K_B, PI
from .bcs import gap_K

__all__ = ["Electron", "electron_rate", "superconducting_factor"]

_BY = "rate channel electron"


def superconducting_factor(T_K: float, Tc_K: float | None) -> float:
    """K_s/K_n = 2/(1 + e^{Δ(T)/T}) for E ≪ Δ (Black & Fulde 1979); 1 at T >= T_c or Tc None."""
    if Tc_K is None or T_K >= Tc_K:
        return 1.0
    return float(2.0 * expit(-gap_K(T_K, Tc_K) / T_K))


def electron_rate(E_K, delta0_K, T_K: float, K_e: float, Tc_K: float | None = None) -> np.ndarray:
    """Total electron relaxation rate K = K↑ + K↓ in s^-1 (module doc).

    Parameters
    ----------
    E_K, delta0_K : array_like
        TLS splitting E and tunneling splitting Δ0, K (E >= Δ0 >= 0).
    T_K : float
        Electron (= phonon) temperature, K.
    K_e : float
        Dimensionless electron coupling.
    Tc_K : float or None
        Superconducting T_c, K (None: normal metal).

    Returns
    -------
    ndarray
        (π/2) K_e (Δ0/E)² (k_B E/ħ) coth(E/2T) × 2/(1 + e^{Δ(T)/T}); E coth(E/2T) is
        evaluated as 2T·x/tanh(x), x = E/2T (→ 2T at E = 0, no overflow at E/T = 1e5).
    """
    E = np.asarray(E_K, dtype=float)
    d0 = np.asarray(delta0_K, dtype=float)
    x = E / (2.0 * T_K)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_coth = np.where(x > 1e-8, x / np.tanh(x), 1.0)
        p = np.where(E > 0.0, (d0 / E) ** 2, 1.0)
    pref = 0.5 * PI * K_e * (K_B / HBAR) * superconducting_factor(T_K, Tc_K)
    return pref * p * (2.0 * T_K) * x_coth


def _coupling(material: Material) -> float:
    K_e = material.need("electron_coupling", _BY)
    if not 0.0 < K_e <= 1.0:     # a Material built in code bypasses the loader's range check
        raise ConfigError(f"material.electron_coupling must be > 0 and <= 1 (got {K_e:g})")
    return float(K_e)


def _tc(material: Material) -> float | None:
    Tc = material.Tc_K
    if Tc is not None and not 0.0 < Tc <= 100.0:
        raise ConfigError(f"material.Tc_K must be > 0 and <= 100 K (got {Tc:g})")
    return Tc


@dataclass(frozen=True, slots=True)
class Electron:
    """Korringa-type relaxation by conduction electrons, suppressed below T_c (module doc).

    Needs ``material.electron_coupling`` (K_e); ``material.Tc_K`` optional (unset: normal
    metal at every temperature).  No options.
    """

    def check_material(self, material: Material) -> None:
        """ConfigError naming the material field this channel needs and lacks (or has bad)."""
        _coupling(material)
        _tc(material)

    def add_rate(self, spectrum, material: Material, T_K: float, out: np.ndarray) -> None:
        """Add this channel's total rate K (s^-1) at temperature ``T_K`` (K) into ``out``."""
        out += electron_rate(spectrum.E_K, spectrum.delta0_K, float(T_K), _coupling(material),
                             _tc(material))
