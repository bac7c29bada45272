r"""Comparison rows for the ``thermal_expansion`` measurement (MC vs quadrature vs GGP).

``exact``: the same model by deterministic quadrature
(:mod:`tlsmc.analytic.quadrature.expansion`): for soft potentials the nodes of
:class:`~tlsmc.analytic.quadrature.soft.SoftQuadrature` with their exact D, C and rates; for
the tunneling model with γ of random sign, 0 for α, ε and Γ (every other quantity is even in
the sign of γ, D is odd).

``closed_form`` (soft potentials only; NaN elsewhere): GGP at τ_expt = t,

* ``alpha``: α^(1) + α^(2), eqs. 6.1 + 6.2, with p0 = τ_min(T)/t (eq. 5.4), τ_min(T) the
  relaxation time of the symmetric type-1 TLS with Δ0 = E = T under the scenario's channels
  (:func:`tlsmc.rates.reference.tau_min`);
* ``Gamma``: B(α^(1) + α^(2))/(C1 + C2), eqs. 6.1–6.3 with the same cut-off in C (each type
  its own τ_min): Γ measured at τ_expt, as the simulation does; GGP's eq. 6.4 itself takes
  C at τ_expt -> ∞ (see `tlsmc.analytic.ggp_thermo.gruneisen_tau_expt`);
* ``alpha_eq``, ``Gamma_eq`` (t = inf): the same with p0 = (Δ0(h_max)/T)², the model's
  depth cut in GGP's variable (as for C_eq); ``strain``: none.

GGP's (E, p) forms rest on the leading WKB formula 2.8 and on rates that depend on E and p
only; order-unity differences from the exact numbers are expected (PHYSICS §9), and the
sign can differ (see analysis/ggp1985_thermal_expansion.py).
"""
from __future__ import annotations


import numpy as np
import pandas as pd

from ..analytic.closed_forms import ggp1985_thermodynamics as ggp_thermo
from ..analytic.quadrature.expansion import soft_expansion_quadrature
from ..measurements.expansion import ThermalExpansion, bulk_modulus
from ..population.soft import SoftPotentialModel
from ..rates.reference import tau_min
from ..spectrum.soft_solver import depth_delta0
from .common import points

__all__ = ["expansion_comparison_table", "closed_forms", "soft_rows", "tunneling_rows",
           "SOFT_NOTE", "TUNNELING_NOTE"]

_BY = "the thermal-expansion comparison"


def closed_forms(scenario, T_K: float, times_s, p0_eq: float | None = None) -> dict[str, np.ndarray]:
    """GGP's α and Γ at τ_expt = ``times_s`` (and at the depth cut, ``p0_eq``) for a soft scenario.

    Returns ``{"alpha": (n,), "Gamma": (n,), "alpha_eq": float, "Gamma_eq": float,
    "tau_min": (τ_min,1, τ_min,2)}`` (K^-1, dimensionless, s).
    """
    model, mat = scenario.population, scenario.material
    tau1, tau2 = tau_min(model, mat, scenario.rates, T_K)
    kw = dict(c=mat.need("soft_c", _BY), chi=mat.need("soft_chi", _BY),
              psi_ratio=model.type2_ratio, eta_L=mat.need("eta_L", _BY), W_K=mat.need("W_K", _BY))
    psi, B = mat.need("psi_per_m3", _BY), bulk_modulus(mat)
    t = np.asarray(times_s, dtype=float)
    out = {"tau_min": (tau1, tau2),
           "alpha": ggp_thermo.thermal_expansion_tau_expt(T_K, t, tau1, psi_per_m3=psi, B_Pa=B, **kw),
           "Gamma": ggp_thermo.gruneisen_tau_expt(T_K, t, tau1, tau_min2_s=tau2, **kw)}
    if p0_eq is None:
        p0_eq = min((depth_delta0(model) * kw["W_K"] / T_K) ** 2, 1.0)
    # τ_expt giving p0 = p0_eq with τ_min = 1 s
    t_eq = np.inf if p0_eq == 0.0 else 1.0 / p0_eq
    out["alpha_eq"] = float(ggp_thermo.thermal_expansion_tau_expt(T_K, t_eq, 1.0, psi_per_m3=psi,
                                                               B_Pa=B, **kw))
    out["Gamma_eq"] = float(ggp_thermo.gruneisen_tau_expt(T_K, t_eq, 1.0, tau_min2_s=1.0, **kw))
    return out


def _rows(m: ThermalExpansion, scenario, quad) -> list[dict]:
    t = m.output_times()
    want = set(m.observables)
    soft = isinstance(scenario.population, SoftPotentialModel)
    nan = np.full(t.shape, np.nan)
    rows = []
    for T in m.temperatures_K:
        if soft:
            a, c = quad.alpha_and_heat_capacity(T, np.append(t, np.inf))
            gam = quad.B * a / c
            cf = closed_forms(scenario, T, t)
        else:
            a, gam = np.zeros(t.size + 1), np.zeros(t.size + 1)
            cf = {"alpha": nan, "Gamma": nan, "alpha_eq": np.nan, "Gamma_eq": np.nan}
        if "alpha" in want:
            rows += points("alpha", T, t, a[:-1], cf["alpha"])
        if "alpha_eq" in want:
            rows += points("alpha_eq", T, [np.inf], a[-1:], [cf["alpha_eq"]])
        if "Gamma" in want:
            rows += points("Gamma", T, t, gam[:-1], cf["Gamma"])
        if "Gamma_eq" in want:
            rows += points("Gamma_eq", T, [np.inf], gam[-1:], [cf["Gamma_eq"]])
        if "strain" in want:
            dT = m.step_fraction * T
            exact = quad.strain(T, dT, t) if soft else np.zeros(t.size)
            rows += points("strain", T, t, exact, nan)
    return rows


def soft_rows(m: ThermalExpansion, soft_quadrature, scenario) -> list[dict]:
    """Rows of one thermal_expansion measurement of a soft scenario, on the nodes of
    ``soft_quadrature`` (a :class:`~tlsmc.analytic.quadrature.soft.SoftQuadrature`)."""
    quad = soft_expansion_quadrature(scenario.population, scenario.material, scenario.rates,
                                     quadrature=soft_quadrature)
    return _rows(m, scenario, quad)


def tunneling_rows(m: ThermalExpansion, _context, scenario) -> list[dict]:
    """Rows of one thermal_expansion measurement of a tunneling scenario (exact = 0)."""
    return _rows(m, scenario, None)


SOFT_NOTE = ("thermal expansion: exact = tlsmc.analytic.quadrature.expansion on the "
             "SoftQuadrature nodes of the same model (independent of the Monte Carlo; shares "
             "tlsmc.units, the material container and the density shapes); closed_form = GGP eqs. 6.1-6.3 at "
             "tau_expt = t (p0 = tau_min(T)/t, eq. 5.4; Gamma with C cut at the same t), "
             "and with p0 = (Delta0(depth_max)/T)^2 at t = inf")
TUNNELING_NOTE = ("thermal expansion: exact = 0 (tunneling model, deformation potential of "
                  "random sign); no closed form")


def expansion_comparison_table(scenario, observables: pd.DataFrame, quadrature=None):
    """(comparison DataFrame or None, note) for the scenario's ``thermal_expansion``
    measurements alone; ``quadrature``: a prebuilt soft quadrature (default: built and cached).
    """
    ms = [(i, m) for i, m in enumerate(scenario.measurement) if isinstance(m, ThermalExpansion)]
    if not ms:
        return None, "no thermal_expansion measurement"
    from . import comparison_table
    return comparison_table(scenario, observables, soft_quadrature=quadrature,
                            kinds=("thermal_expansion",))
