"""Acoustic comparison for soft-potential scenarios: MC against the independent quadrature.

``exact``: :class:`tlsmc.analytic.quadrature.soft_acoustics.SoftAcousticQuad` on the run's
:class:`~tlsmc.analytic.quadrature.soft.SoftQuadrature` (same model, own solver, couplings
and rates), through the same formulas as the tunneling comparison
(:func:`tlsmc.analytic.quadrature.acoustics.acoustic_exact`).  Rows: attenuation and Q_inv
(resonant, relaxation, total) and dv_over_v (resonant: the principal value of the
quadrature's own ñ(E), ``SoftAcousticQuad.pv_velocity``; relaxation; total).  ``closed_form``: NaN (GGP give no acoustic closed form of this model).
"""
from __future__ import annotations

import math

from ..analytic.quadrature.acoustics import acoustic_exact
from ..analytic.quadrature.soft import SoftQuadrature
from ..analytic.quadrature.soft_acoustics import SoftAcousticQuad
from .common import points

__all__ = ["acoustic_rows", "NUMERICAL_RTOL", "NOTE"]

NUMERICAL_RTOL = 1e-4
"""Relative accuracy of the exact column: the SoftQuadrature grid (~1e-4 for its sums), the
shell integral (6 vs 10 Gauss points per panel: 2e-8) and the resonant velocity's interpolated
ñ (≤ 1e-3 below E = 1e-6 W, ≤ 2e-5 up to the drop at the shallowest counted well, ~20 % above
it, where F is small: ≤ 3e-5 of the velocity in soft_acoustics.toml)."""

NOTE = ("acoustic (soft): exact = tlsmc.analytic.quadrature.soft_acoustics (relaxation on the "
        "SoftQuadrature nodes, resonant shell density by Gauss-Legendre in the depth with the "
        "independent solver, resonant velocity as the principal value of its interpolated "
        "density of states); closed_form NaN")


def acoustic_rows(measurement, quad: SoftQuadrature, scenario) -> list[dict]:
    """Analytic rows of one ``acoustic`` measurement of a soft-potential scenario."""
    q = SoftAcousticQuad(quad)
    m, cfg = scenario.material, measurement
    rows: list[dict] = []
    for pol in cfg.polarizations:
        g = m.need(f"gamma_{pol}_eV", "the acoustic comparison")
        v = m.need(f"v_{pol}_m_s", "the acoustic comparison")
        for f in cfg.frequencies_Hz:
            for T in cfg.temperatures_K:
                ex = acoustic_exact(q, f, T, cfg.T_ref_K, g, m.density_kg_m3, v)
                for (obs, part), value in ex.items():
                    rows += points(obs, T, [math.inf], value, math.nan, rtol=NUMERICAL_RTOL,
                                   f_Hz=float(f), polarization=pol, part=part)
    return rows
