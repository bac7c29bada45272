r"""Comparison rows for the ``electronic_expansion`` measurement (metallic glasses, PHYSICS §12).

``exact`` = the TLS part by the population's own quadrature of the same model (soft potentials:
:func:`tlsmc.analytic.quadrature.expansion.soft_expansion_quadrature` on the SoftQuadrature
nodes; tunneling model: α_TLS = 0 (γ of random sign) and C_TLS from
:func:`tlsmc.analytic.quadrature.stm.heat_capacity`) plus the electronic part from the
independent :mod:`tlsmc.analytic.quadrature.metals` (Matsubara-sum gap, adaptive entropy
integral, C = T dS/dT): rows ``alpha_total``, ``C_total``, ``Gamma_total``.  ``alpha_e`` and
``C_e`` are deterministic in the Monte Carlo (stderr 0, a z-score would be meaningless): they
are tested against the same references in tests/test_electron*.py, not here.
``closed_form``: NaN.
"""
from __future__ import annotations

import numpy as np

from ..analytic.quadrature import metals as metals_quad
from ..analytic.quadrature import stm
from ..analytic.quadrature.expansion import soft_expansion_quadrature
from ..measurements.electronic import ElectronicExpansion
from .common import points

__all__ = ["soft_rows", "tunneling_rows", "NOTE"]

_BY = "the electronic-expansion comparison"


def _electronic(m: ElectronicExpansion, scenario, T: float) -> tuple[float, float]:
    mat = scenario.material
    nu, B = mat.need("nu_F_per_J_m3", _BY), mat.need("bulk_modulus_Pa", _BY)
    Tc = mat.Tc_K
    if Tc is not None and abs(T / Tc - 1.0) < 1e-3:     # the C jump inside the finite difference
        return np.nan, np.nan
    return (metals_quad.alpha_e(T, nu, B, Tc, m.lambda_prime),
            metals_quad.electron_heat_capacity(T, nu, Tc))


def _rows(m: ElectronicExpansion, scenario, tls) -> list[dict]:
    t = np.append(m.output_times(), np.inf)
    want = set(m.observables)
    B = scenario.material.need("bulk_modulus_Pa", _BY)
    nan = np.full(t.shape, np.nan)
    rows: list[dict] = []
    for T in m.temperatures_K:
        a, c = tls(T, t)
        ae, ce = _electronic(m, scenario, T)
        A, C = a + ae, c + ce
        if "alpha_total" in want:
            rows += points("alpha_total", T, t, A, nan)
        if "C_total" in want:
            rows += points("C_total", T, t, C, nan)
        if "Gamma_total" in want:
            rows += points("Gamma_total", T, t, B * A / C, nan)
    return rows


def soft_rows(m: ElectronicExpansion, soft_quadrature, scenario) -> list[dict]:
    """Rows of one electronic_expansion measurement of a soft scenario (module doc)."""
    quad = soft_expansion_quadrature(scenario.population, scenario.material, scenario.rates,
                                     quadrature=soft_quadrature)
    return _rows(m, scenario, quad.alpha_and_heat_capacity)


def tunneling_rows(m: ElectronicExpansion, model: stm.STMModel, scenario) -> list[dict]:
    """Rows of one electronic_expansion measurement of a tunneling scenario (module doc)."""
    return _rows(m, scenario, lambda T, t: (np.zeros(t.size), stm.heat_capacity(model, T, t)))


NOTE = ("electronic expansion: exact = the population's TLS quadrature + electrons from "
        "tlsmc.analytic.quadrature.metals (alpha_total, C_total, Gamma_total)")
