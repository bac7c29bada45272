"""Stage 2, spectrum: from a population to the two lowest levels and strain couplings.

Receives a population container (:mod:`tlsmc.population`) and the material; solves every
sample's spectrum — the exact 2×2 Hamiltonian of the tunneling model, or the numerically
solved quartic of a soft potential (:mod:`tlsmc.spectrum.soft_solver`, batched numba
kernels; the soft samples carry the spectra solved while they were drawn) — and returns a
:class:`~tlsmc.spectrum.two_level.TwoLevelSpectrum` (E, Δ, Δ0 in K and the strain couplings
per unit γ) that every rate channel and measurement reads.  Registry :data:`SPECTRUM_SOLVERS`
maps the population model's name (``population.model`` of a scenario) to its solver.
"""
from __future__ import annotations

from typing import Callable

from ..materials import Material
from .soft_solver import SoftSpectrum, solve_soft
from .two_level import (SoftTwoLevelSpectrum, TwoLevelSpectrum, soft_spectrum,
                        tunneling_spectrum)

__all__ = ["SPECTRUM_SOLVERS", "TwoLevelSpectrum", "SoftTwoLevelSpectrum", "SoftSpectrum",
           "solve_spectrum", "tunneling_spectrum", "soft_spectrum", "solve_soft"]

SPECTRUM_SOLVERS: dict[str, Callable[..., TwoLevelSpectrum]] = {
    "tunneling": tunneling_spectrum,
    "soft": soft_spectrum,
}
"""Population model name -> ``solver(population, material) -> TwoLevelSpectrum``."""


def solve_spectrum(pop, material: Material) -> TwoLevelSpectrum:
    """Spectrum of every TLS of a population (chosen by the population's ``model`` name)."""
    try:
        solver = SPECTRUM_SOLVERS[pop.model]
    except (AttributeError, KeyError):
        raise TypeError(f"no spectrum solver for {type(pop).__name__}; known population "
                        f"models: {', '.join(SPECTRUM_SOLVERS)}") from None
    return solver(pop, material)
