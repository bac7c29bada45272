"""Physical constants and unit conversions: the only place tlsmc holds them.

Inside the package energies are in kelvin (E/k_B), times in seconds, rates in
s^-1, everything else SI (PHYSICS.md §0).  Convert once, at the edge, with the
helpers below; no other module writes a literal constant.

Values: CODATA 2018 (exact SI definitions for k_B, h, e).
"""
from __future__ import annotations

import math

K_B: float = 1.380649e-23
"""Boltzmann constant, J K^-1 (exact)."""
HBAR: float = 1.054571817e-34
"""Reduced Planck constant, J s."""
AMU: float = 1.66053906660e-27
"""Atomic mass unit, kg."""
EV: float = 1.602176634e-19
"""Electron volt, J (exact)."""
ANGSTROM: float = 1e-10
"""Ångström, m."""
EULER_GAMMA: float = 0.57721566490153286
"""Euler–Mascheroni constant (pure number)."""
PI: float = math.pi
EPS0: float = 8.8541878128e-12   # vacuum permittivity, F m^-1 (CODATA 2018)
DEBYE: float = 3.33564095198152e-30   # debye, C m (1e-21/c)


def kelvin_to_joule(energy_K):
    """Energy E/k_B in K -> E in J."""
    return energy_K * K_B


def joule_to_kelvin(energy_J):
    """Energy in J -> E/k_B in K."""
    return energy_J / K_B


def ev_to_kelvin(energy_eV):
    """Energy in eV -> E/k_B in K."""
    return energy_eV * (EV / K_B)


def kelvin_to_rad_per_s(energy_K):
    """Energy E/k_B in K -> angular frequency E/hbar in rad s^-1."""
    return energy_K * (K_B / HBAR)


def rad_per_s_to_kelvin(omega):
    """Angular frequency in rad s^-1 -> hbar*omega/k_B in K."""
    return omega * (HBAR / K_B)


def per_joule_to_per_kelvin(density_per_J):
    """A density per unit energy in J^-1 (e.g. P̄ in J^-1 m^-3) -> per K (K^-1 m^-3)."""
    return density_per_J * K_B
