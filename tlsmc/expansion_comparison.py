r"""Comparison rows for the ``thermal_expansion`` measurement (MC vs quadrature vs GGP).

``exact``: the same model by deterministic quadrature
(:mod:`tlsmc.analytic.expansion_quadrature`): for soft potentials the nodes of
:class:`~tlsmc.analytic.soft_quadrature.SoftQuadrature` with their exact D, C and rates; for
the tunneling model with γ of random sign, 0 for α, ε and Γ (every other quantity is even in
the sign of γ, D is odd).

``closed_form`` (soft potentials only; NaN elsewhere): GGP at τ_expt = t,

* ``alpha``: α^(1) + α^(2), eqs. 6.1 + 6.2, with p0 = τ_min(T)/t (eq. 5.4), τ_min(T) the
  relaxation time of the symmetric type-1 TLS with Δ0 = E = T under the scenario's channels
  (:func:`tlsmc.soft_comparison.tau_min`);
* ``Gamma``: B(α^(1) + α^(2))/(C1 + C2), eqs. 6.1–6.3 with the same cut-off in C (each type
  its own τ_min): Γ measured at τ_expt, as the simulation does; GGP's eq. 6.4 itself takes
  C at τ_expt -> ∞ (see `tlsmc.analytic.ggp1985.gruneisen_tau_expt`);
* ``alpha_eq``, ``Gamma_eq`` (t = inf): the same with p0 = (Δ0(h_max)/T)², the model's
  depth cut in GGP's variable (as for C_eq); ``strain``: none.

GGP's (E, p) forms rest on the leading WKB formula 2.8 and on rates that depend on E and p
only; order-unity differences from the exact numbers are expected (PHYSICS §9), and the
sign can differ (see analysis/ggp1985_thermal_expansion.py).
"""
from __future__ import annotations


import numpy as np
import pandas as pd

from .analytic import ggp1985
from .analytic.expansion_quadrature import soft_expansion_quadrature, soft_nodes
from .comparison import merge_with_mc, points
from .measurements.expansion import ThermalExpansion, bulk_modulus
from .population import TunnelingModel
from .soft_comparison import depth_delta0, tau_min
from .soft_population import SoftPotentialModel

__all__ = ["expansion_comparison_table", "with_expansion_rows", "closed_forms"]

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
           "alpha": ggp1985.thermal_expansion_tau_expt(T_K, t, tau1, psi_per_m3=psi, B_Pa=B, **kw),
           "Gamma": ggp1985.gruneisen_tau_expt(T_K, t, tau1, tau_min2_s=tau2, **kw)}
    if p0_eq is None:
        p0_eq = min((depth_delta0(model) * kw["W_K"] / T_K) ** 2, 1.0)
    # τ_expt giving p0 = p0_eq with τ_min = 1 s
    t_eq = np.inf if p0_eq == 0.0 else 1.0 / p0_eq
    out["alpha_eq"] = float(ggp1985.thermal_expansion_tau_expt(T_K, t_eq, 1.0, psi_per_m3=psi,
                                                               B_Pa=B, **kw))
    out["Gamma_eq"] = float(ggp1985.gruneisen_tau_expt(T_K, t_eq, 1.0, tau_min2_s=1.0, **kw))
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


def expansion_comparison_table(scenario, observables: pd.DataFrame, quadrature=None):
    """(comparison DataFrame or None, note) for the scenario's ``thermal_expansion`` measurements.

    ``quadrature``: a prebuilt :class:`~tlsmc.analytic.soft_quadrature.SoftQuadrature` of a
    soft scenario (default: built, ~2e5 solves, and cached).
    """
    ms = [(i, m) for i, m in enumerate(scenario.measurement) if isinstance(m, ThermalExpansion)]
    if not ms:
        return None, "no thermal_expansion measurement"
    pop = scenario.population
    if isinstance(pop, SoftPotentialModel):
        quad = soft_expansion_quadrature(pop, scenario.material, scenario.rates,
                                         quadrature=quadrature)
        note = ("thermal expansion: exact = tlsmc.analytic.expansion_quadrature on the "
                "SoftQuadrature nodes of the same model; closed_form = GGP eqs. 6.1-6.3 at "
                "tau_expt = t (p0 = tau_min(T)/t, eq. 5.4; Gamma with C cut at the same t), "
                "and with p0 = (Delta0(depth_max)/T)^2 at t = inf")
    elif isinstance(pop, TunnelingModel):
        quad = None
        note = ("thermal expansion: exact = 0 (tunneling model, deformation potential of "
                "random sign); no closed form")
    else:
        return None, f"no thermal-expansion comparison for {type(pop).__name__}"
    rows = [dict(r, measurement=i) for i, m in ms for r in _rows(m, scenario, quad)]
    mc = observables[observables["observable"].isin({r["observable"] for r in rows})]
    return merge_with_mc(rows, mc), note


def with_expansion_rows(scenario, observables: pd.DataFrame, base_table):
    """The full comparison of a scenario with thermal_expansion measurements.

    The other measurements go through ``base_table``
    (:func:`tlsmc.comparison.base_comparison_table`, which skips the expansion measurements;
    for soft populations :func:`tlsmc.soft_comparison.soft_comparison_table` with the same,
    cached quadrature nodes); the expansion rows are appended.  Returns (DataFrame or None,
    note).
    """
    quadrature = None
    if isinstance(scenario.population, SoftPotentialModel):
        quadrature = soft_nodes(scenario.population, scenario.material, tuple(scenario.rates))
    base, base_note = None, ""
    if any(not isinstance(m, ThermalExpansion) for m in scenario.measurement):
        if quadrature is not None:
            from .soft_comparison import soft_comparison_table
            base, base_note = soft_comparison_table(scenario, observables, quadrature=quadrature)
        else:
            base, base_note = base_table(scenario, observables)
    table, note = expansion_comparison_table(scenario, observables, quadrature=quadrature)
    tables = [x for x in (base, table) if x is not None]
    notes = "; ".join(n for n in (base_note, note) if n)
    if not tables:
        return None, notes
    return pd.concat(tables, ignore_index=True), notes
