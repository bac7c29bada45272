r"""Thermal expansion after a heating step: strain ε(t), α(T,t) and Γ(T,t) (PHYSICS §6).

A TLS of splitting E and deformation potential D = ∂E/∂ε (K per unit strain) changes the
dilatation by −D δn/B when its occupation changes by δn (B the bulk modulus, GGP's K).
After a step T -> T + δT at t = 0 every TLS relaxes as 1 − e^{−Kt} (PHYSICS §5), so

.. math::
    \varepsilon(t) = -\frac1B\sum_i w_i k_B D_i\,[n_{eq}(E_i,T+\delta T)-n_{eq}(E_i,T)]
                     \,(1-e^{-K_i(T+\delta T)t}),

    \alpha(T,t) = -\frac1B\sum_i w_i k_B D_i\,\frac{\partial n_{eq}}{\partial T}\,
                  (1-e^{-K_i(T)t}),\qquad
    \Gamma(T,t) = \frac{B\,\alpha(T,t)}{C(T,t)},

with C(T,t) = Σ w k_B E ∂n_eq/∂T (1 − e^{−Kt}) the small-step heat capacity on the same
samples (GGP eqs. 1.5, 1.8; ∂n_eq/∂T = E/(4T² cosh²(E/2T))).  ``alpha_eq`` and
``Gamma_eq`` are t -> ∞: GGP eq. 1.5 over the whole population (rows at t = inf).

Couplings: tunneling model D = 2γΔ/E with γ of random sign per TLS (``gamma_sign`` of the
population; |γ| = ``gamma_eV``, default the material's γ_l), so α averages to zero; soft
potentials D = W (c/η_L) D_over_c with c = ``material.soft_c`` (PHYSICS §3).

Standard errors.  The expansion is a small even-in-t remainder of a large odd-in-t sum
(PHYSICS §9); soft populations sample (η̃, ±t̃) as antithetic pairs, and type-2 TLSs as
quartets (both minima as origin, each with its mirror).  The independent unit is then the
pair or quartet (the population's ``antithetic_unit`` samples; 2 if it declares none),
and every moment is accumulated per unit, the unit's terms summed before squaring
(:mod:`tlsmc._kernels.expansion`).  With n_u units and unit sums a_u (α), c_u (C):
se(α) = sqrt(n_u/(n_u−1) (Σa_u² − (Σa_u)²/n_u)), and by the delta method
se(Γ) = (B/|C|) sqrt(n_u/(n_u−1) Σ_u (a_u − ρ c_u)²), ρ = α/C (the covariance of α and C
included).  Seed blocks hold a whole number of units, so units never straddle chunks.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._kernels.expansion import unit_moments
from ..config import ConfigError, param
from ..population import TunnelingModel
from ..seeding import SEED_BLOCK
from ..population.soft import SoftPotentialModel
from ..dynamics.occupations import n_eq, occupation_and_derivative
from ..units import K_B, ev_to_kelvin
from .common import (check_times, TIME_RANGE_S, UNITS, PartialSums, TimeGrid, check_temperatures, make_rows,
                    standard_error)

__all__ = ["response_series", "ThermalExpansion", "EXPANSION_UNITS", "dilatation_coupling_K",
           "bulk_modulus",
           "antithetic_unit"]

_OBSERVABLES = ("strain", "alpha", "Gamma", "alpha_eq", "Gamma_eq")
# alpha, alpha_eq: the volumetric coefficient α_V = ∂ε/∂T (linear: α_V/3)
EXPANSION_UNITS = {"strain": "1", "alpha": "K^-1", "Gamma": "1", "alpha_eq": "K^-1",
                   "Gamma_eq": "1"}
UNITS.update(EXPANSION_UNITS)
_BY = "measurement thermal_expansion"


def bulk_modulus(material) -> float:
    """B in Pa (``material.bulk_modulus_Pa``; > 0 is enforced when the material is loaded)."""
    B = material.need("bulk_modulus_Pa", _BY)
    if not B > 0:   # a Material built in code (with_fields) bypasses the loader's check
        raise ConfigError(f"material.bulk_modulus_Pa must be > 0 Pa (got {B:g})")
    return float(B)


def dilatation_coupling_K(population_model, material, gamma_eV: float | None = None) -> float:
    """Factor that turns ``spectrum.D_unit`` into D = ∂E/∂ε in K per unit strain.

    Tunneling model: |γ| in K (``gamma_eV``, default ``material.gamma_l_eV``; the sign is in
    D_unit).  Soft potentials: W c/η_L with c = ``material.soft_c`` (PHYSICS §3).
    """
    if isinstance(population_model, SoftPotentialModel):
        return (material.need("W_K", _BY) * material.need("soft_c", _BY)
                / material.need("eta_L", _BY))
    if isinstance(population_model, TunnelingModel):
        g = gamma_eV if gamma_eV is not None else material.need("gamma_l_eV", _BY)
        return float(ev_to_kelvin(g))
    raise ConfigError(f"{_BY}: no deformation potential for population model "
                      f"{type(population_model).__name__}")


def antithetic_unit(population_model) -> int:
    """Samples per independent unit: the model's ``antithetic_unit`` if it declares one, else 2."""
    unit = int(getattr(population_model, "antithetic_unit", 2))
    if unit < 1 or SEED_BLOCK % unit:
        raise ValueError(f"antithetic unit {unit} must divide the seed block {SEED_BLOCK}")
    return unit


@dataclass(frozen=True, slots=True)
class ThermalExpansion:
    """Strain, thermal expansion and Grüneisen parameter after a heating step (module doc).

    * ``strain``: ε(t) after the finite step δT = step_fraction·T (rows carry ``step_K``);
    * ``alpha``: α(T,t), the δT -> 0 limit, K^-1: the *volumetric* coefficient α_V = ∂ε/∂T
      (ε = δV/V); dilatometry reports the linear α_L = α_V/3;
    * ``Gamma``: Γ(T,t) = B α(T,t)/C(T,t) with C the small-step heat capacity at (T, t);
    * ``alpha_eq``, ``Gamma_eq``: t -> ∞, GGP eq. 1.5 over the population (t_s = inf).

    Output times: the ``times`` grid plus ``extra_times_s`` (e.g. 60 s and 86400 s).
    """

    temperatures_K: tuple[float, ...] = param(unit="K", doc="temperatures T before the step, "
                                              "distinct, each 1e-4..1e4 K")
    times: TimeGrid = param()
    extra_times_s: tuple[float, ...] = param((), unit="s", gt=0, range=TIME_RANGE_S,
                                             doc="more output times, each 1e-15..1e12 s")
    step_fraction: float = param(0.01, gt=0, le=0.5, range=(1e-6, 0.5),
                                 doc="δT / T of the finite step (strain); 1e-6..0.5")
    observables: tuple[str, ...] = param(_OBSERVABLES, choices=_OBSERVABLES)
    gamma_eV: float | None = param(None, unit="eV", gt=0, range=(1e-3, 1e2),
                                   doc="|γ| of the tunneling model (default material.gamma_l_eV)")

    def validate(self, prefix: str) -> None:
        check_temperatures(self.temperatures_K, f"{prefix}.temperatures_K")
        check_times(self.extra_times_s, f"{prefix}.extra_times_s")

    def output_times(self) -> np.ndarray:
        """Sorted, distinct output times (grid and extras), s."""
        return np.unique(np.concatenate([self.times.values(), np.asarray(self.extra_times_s,
                                                                         dtype=float)]))

    def start(self, n_total: int, scenario) -> "_ExpansionAcc":
        pop, mat = scenario.population, scenario.material
        return _ExpansionAcc(self, n_total, dilatation_coupling_K(pop, mat, self.gamma_eV),
                             bulk_modulus(mat), antithetic_unit(pop))


def response_series(spectrum, weight, coupling_K: float, B_Pa: float, T_K: float):
    """The two linear-response series of the TLSs at T (K): strain and energy per kelvin.

    Returns ``(G, n_T, s)``: G (2, N) contiguous, rows −(k_B/B) w D ∂n_eq/∂T (strain, K^-1)
    and k_B w E ∂n_eq/∂T (heat capacity, J m^-3 K^-1), with D = ``coupling_K`` · D_unit;
    n_T = n_eq(E/T); s = −(k_B/B) w D, the strain per unit occupation change."""
    E = spectrum.E_K
    s = -(K_B / B_Pa) * weight * (coupling_K * spectrum.D_unit)
    n_T, dndT = occupation_and_derivative(E, T_K)
    G = np.ascontiguousarray(np.stack([s * dndT, K_B * weight * E * dndT]))
    return G, n_T, s


class _ExpansionAcc(PartialSums):
    """Sums over antithetic units: ``lin1`` (per T, series α, C at K(T)), ``lin2`` (their
    products), ``stp1``/``stp2`` (strain at K(T + δT))."""

    def __init__(self, cfg: ThermalExpansion, n_total: int, coupling_K: float, B_Pa: float,
                 unit: int):
        self.cfg, self.coupling_K, self.B, self.unit = cfg, coupling_K, B_Pa, unit
        self.n_units = -(-n_total // unit)
        self.times = cfg.output_times()
        self.lin_times = np.append(self.times, np.inf)
        self.strain = "strain" in cfg.observables

    def partial(self, spectrum, weight, rates_at) -> dict:
        nT, nt, ns = len(self.cfg.temperatures_K), self.lin_times.size, self.times.size
        part = {"lin1": np.zeros((nT, 2, nt)), "lin2": np.zeros((nT, 2, 2, nt)),
                "stp1": np.zeros((nT, 1, ns)), "stp2": np.zeros((nT, 1, 1, ns))}
        E = spectrum.E_K
        for j, T in enumerate(self.cfg.temperatures_K):
            G, n_T, s = response_series(spectrum, weight, self.coupling_K, self.B, T)
            K = np.ascontiguousarray(rates_at(T).K, dtype=np.float64)
            unit_moments(G, K, self.unit, self.lin_times, part["lin1"][j], part["lin2"][j])
            if self.strain:
                dT = self.cfg.step_fraction * T
                h = np.ascontiguousarray((s * (n_eq(E, T + dT) - n_T))[None, :])
                Kp = np.ascontiguousarray(rates_at(T + dT).K, dtype=np.float64)
                unit_moments(h, Kp, self.unit, self.times, part["stp1"][j], part["stp2"][j])
        return part

    def _se(self, s1, s2) -> np.ndarray:
        if self.n_units < 2:
            return np.full(np.shape(s1), np.nan)
        return standard_error(s1, s2, self.n_units)

    def _gamma(self, j: int, idx) -> tuple[np.ndarray, np.ndarray]:
        lin1, lin2 = self.sums["lin1"], self.sums["lin2"]
        a, c = lin1[j, 0, idx], lin1[j, 1, idx]
        saa, sac, scc = lin2[j, 0, 0, idx], lin2[j, 0, 1, idx], lin2[j, 1, 1, idx]
        n = self.n_units
        with np.errstate(divide="ignore", invalid="ignore"):
            rho = np.where(c != 0.0, a / np.where(c != 0.0, c, 1.0), np.nan)
            var = np.maximum(saa - 2.0 * rho * sac + rho * rho * scc, 0.0) * n / max(n - 1.0, 1.0)
            se = np.where(n >= 2, self.B * np.sqrt(var) / np.abs(c), np.nan)
        return self.B * rho, se

    def rows(self) -> list[dict]:
        out: list[dict] = []
        want = set(self.cfg.observables)
        t, nt = self.times, self.times.size
        inf = [math.inf]
        for j, T in enumerate(self.cfg.temperatures_K):
            a1, a2 = self.sums["lin1"][j, 0], self.sums["lin2"][j, 0, 0]
            if "alpha" in want:
                out += make_rows("alpha", T, t, a1[:nt], self._se(a1[:nt], a2[:nt]))
            if "alpha_eq" in want:
                out += make_rows("alpha_eq", T, inf, a1[nt:], self._se(a1[nt:], a2[nt:]))
            if "Gamma" in want:
                out += make_rows("Gamma", T, t, *self._gamma(j, slice(0, nt)))
            if "Gamma_eq" in want:
                out += make_rows("Gamma_eq", T, inf, *self._gamma(j, slice(nt, nt + 1)))
            if self.strain:
                v, v2 = self.sums["stp1"][j, 0], self.sums["stp2"][j, 0, 0]
                out += make_rows("strain", T, t, v, self._se(v, v2),
                                 step_K=self.cfg.step_fraction * T)
        return out
