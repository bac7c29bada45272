r"""Conduction electrons in a metallic glass: α^(e), C_e and the totals with the TLSs (PHYSICS §12).

Normal state, GGP eqs. 7.1–7.4 (Galperin, Gurevich & Parshin, PRB 32, 6873 (1985)): with the
electron deformation potential Λ(E) = Λ'(E − μ) (eq. 7.2),

.. math::
    \alpha^{(e)} = -\frac{\pi^2}{3}\frac{\nu(\mu)\Lambda' k_B^2T}{B}
                 = \frac{2\pi^2}{9}\frac{\nu(\mu)k_B^2T}{B}\quad(\Lambda' = -2/3,\ \text{free electrons}),

volumetric, K^-1; ν(μ) = ``material.nu_F_per_J_m3`` (both spins), B = ``bulk_modulus_Pa``.
Thermodynamically B α^(e) = ∂S_e/∂ln V|_T with S_n = (π²/3)νk_B²T, i.e. α^(e) = −Λ' S_e/B.

Superconducting state (T < T_c = ``material.Tc_K``).  S_es = γ T_c σ(T/T_c) depends on V through
the Sommerfeld γ ∝ ν (exponent −Λ') and through T_c.  **Assumption: d ln T_c/d ln V = 0**, so
∂S_es/∂ln V = −Λ' S_es and

.. math::
    \alpha^{(e)}_s(T) = \alpha^{(e)}_n(T)\,\frac{S_{es}(T)}{S_n(T)},

the BCS entropy ratio of :func:`tlsmc.rates.bcs.entropy_ratio`: continuous at T_c, ≈ e^{−Δ(0)/T}
at T ≪ T_c (GGP after eq. 7.5: "would decrease exponentially").  A volume-dependent T_c would
add −γT_c (d ln T_c/d ln V)(σ − tσ')/B, which jumps at T_c (the Ehrenfest relation); not
modelled.

Observables (rows):

* ``alpha_e`` (K^-1) and ``C_e`` (J m^-3 K^-1; C_n = (π²/3)νk_B²T times the BCS ratio of
  :func:`tlsmc.rates.bcs.heat_capacity_ratio`) — the electrons equilibrate instantly, one row
  per temperature at t_s = inf, stderr 0;
* ``alpha_total`` = α_TLS(T,t) + α^(e), ``C_total`` = C_TLS(T,t) + C_e and ``Gamma_total`` =
  B α_total/C_total at every output time and at t = inf; α_TLS and C_TLS are the small-step
  sums of :mod:`tlsmc.measurements.expansion` (same couplings, same antithetic units, same
  standard errors; se(Γ) by the delta method with the electronic parts exact).  Phonons are
  left out of C_total and α_total.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._kernels.expansion import unit_moments
from ..config import ConfigError, param
from ..rates.bcs import entropy_ratio, heat_capacity_ratio
from ..units import K_B, PI
from .common import check_times, FieldSums, UNITS, TimeGrid, check_temperatures, make_rows, standard_error
from .expansion import antithetic_unit, bulk_modulus, dilatation_coupling_K, response_series

__all__ = ["ElectronicExpansion", "ELECTRONIC_UNITS", "alpha_e", "electronic_heat_capacity"]

_OBSERVABLES = ("alpha_e", "C_e", "alpha_total", "C_total", "Gamma_total")
ELECTRONIC_UNITS = {"alpha_e": "K^-1", "C_e": "J m^-3 K^-1", "alpha_total": "K^-1",
                    "C_total": "J m^-3 K^-1", "Gamma_total": "1"}
UNITS.update(ELECTRONIC_UNITS)
_BY = "measurement electronic_expansion"


def _nu(material) -> float:
    nu = material.need("nu_F_per_J_m3", _BY)
    if not nu > 0:
        raise ConfigError(f"material.nu_F_per_J_m3 must be > 0 J^-1 m^-3 (got {nu:g})")
    return float(nu)


def alpha_e(T_K, nu_F_per_J_m3: float, bulk_modulus_Pa: float, Tc_K: float | None = None,
            lambda_prime: float = -2.0 / 3.0) -> np.ndarray:
    """Electronic volumetric thermal expansion α^(e)(T), K^-1 (GGP eq. 7.3 × S_es/S_n).

    Parameters
    ----------
    T_K : array_like, K
    nu_F_per_J_m3 : ν(μ), J^-1 m^-3 (both spins)
    bulk_modulus_Pa : B, Pa
    Tc_K : superconducting T_c, K (None: normal metal)
    lambda_prime : Λ' of GGP eq. 7.2 (−2/3 for free electrons, eq. 7.4)
    """
    T = np.atleast_1d(np.asarray(T_K, dtype=float))
    normal = -(PI**2 / 3.0) * nu_F_per_J_m3 * lambda_prime * K_B**2 * T / bulk_modulus_Pa
    return normal * entropy_ratio(T, Tc_K)


def electronic_heat_capacity(T_K, nu_F_per_J_m3: float, Tc_K: float | None = None) -> np.ndarray:
    """C_e(T) = (π²/3) ν k_B² T × C_es/C_n (BCS below T_c), J m^-3 K^-1."""
    T = np.atleast_1d(np.asarray(T_K, dtype=float))
    return (PI**2 / 3.0) * nu_F_per_J_m3 * K_B**2 * T * heat_capacity_ratio(T, Tc_K)


@dataclass(frozen=True, slots=True)
class ElectronicExpansion:
    """α^(e), C_e and the TLS + electron totals α, C, Γ after a small heating step (module doc).

    Output times: the ``times`` grid plus ``extra_times_s``; totals also at t = inf.
    """

    temperatures_K: tuple[float, ...] = param(unit="K")
    times: TimeGrid = param()
    extra_times_s: tuple[float, ...] = param((), unit="s", doc="more output times")
    observables: tuple[str, ...] = param(_OBSERVABLES, choices=_OBSERVABLES)
    lambda_prime: float = param(-2.0 / 3.0, ge=-10, le=10,
                                doc="Λ' of GGP eq. 7.2 (free electrons −2/3)")
    gamma_eV: float | None = param(None, unit="eV", gt=0,
                                   doc="|γ| of the tunneling model (default material.gamma_l_eV)")

    def validate(self, prefix: str) -> None:
        check_temperatures(self.temperatures_K, f"{prefix}.temperatures_K")
        check_times(self.extra_times_s, f"{prefix}.extra_times_s")

    def check_scenario(self, scenario, prefix: str) -> None:
        """Load-time check (called by the scenario loader): the material fields it needs."""
        self.check_material(scenario.material)

    def check_material(self, material) -> None:
        """ConfigError naming ν(μ) or the bulk modulus if the material lacks them."""
        _nu(material)
        bulk_modulus(material)

    def output_times(self) -> np.ndarray:
        """Sorted, distinct output times (grid and extras), s."""
        return np.unique(np.concatenate([self.times.values(),
                                         np.asarray(self.extra_times_s, dtype=float)]))

    def start(self, n_total: int, scenario) -> "_ElectronicAcc":
        pop, mat = scenario.population, scenario.material
        return _ElectronicAcc(self, n_total, dilatation_coupling_K(pop, mat, self.gamma_eV),
                              bulk_modulus(mat), antithetic_unit(pop), _nu(mat), mat.Tc_K)


class _ElectronicAcc(FieldSums):
    sum_fields = ('s1', 's2')

    def __init__(self, cfg: ElectronicExpansion, n_total: int, coupling_K: float, B_Pa: float,
                 unit: int, nu: float, Tc_K: float | None):
        self.cfg, self.coupling_K, self.B, self.unit = cfg, coupling_K, B_Pa, unit
        self.n_units = -(-n_total // unit)
        self.times = np.append(cfg.output_times(), np.inf)
        T = np.asarray(cfg.temperatures_K, dtype=float)
        self.alpha_e = alpha_e(T, nu, B_Pa, Tc_K, cfg.lambda_prime)
        self.C_e = electronic_heat_capacity(T, nu, Tc_K)
        self.s1 = np.zeros((T.size, 2, self.times.size))       # series α_TLS, C_TLS
        self.s2 = np.zeros((T.size, 2, 2, self.times.size))

    def accumulate(self, spectrum, weight, rates_at, out: dict) -> None:
        for j, T in enumerate(self.cfg.temperatures_K):
            G, _, _ = response_series(spectrum, weight, self.coupling_K, self.B, T)
            K = np.ascontiguousarray(rates_at(T).K, dtype=np.float64)
            unit_moments(G, K, self.unit, self.times, out["s1"][j], out["s2"][j])

    def _se(self, s1, s2) -> np.ndarray:
        if self.n_units < 2:
            return np.full(np.shape(s1), np.nan)
        return standard_error(s1, s2, self.n_units)

    def rows(self) -> list[dict]:
        out: list[dict] = []
        want = set(self.cfg.observables)
        t, n = self.times, self.n_units
        for j, T in enumerate(self.cfg.temperatures_K):
            ae, ce = self.alpha_e[j], self.C_e[j]
            if "alpha_e" in want:
                out += make_rows("alpha_e", T, [math.inf], [ae], [0.0])
            if "C_e" in want:
                out += make_rows("C_e", T, [math.inf], [ce], [0.0])
            a, c = self.s1[j, 0], self.s1[j, 1]
            saa, sac, scc = self.s2[j, 0, 0], self.s2[j, 0, 1], self.s2[j, 1, 1]
            if "alpha_total" in want:
                out += make_rows("alpha_total", T, t, a + ae, self._se(a, saa))
            if "C_total" in want:
                out += make_rows("C_total", T, t, c + ce, self._se(c, scc))
            if "Gamma_total" in want:
                A, C = a + ae, c + ce
                with np.errstate(divide="ignore", invalid="ignore"):
                    rho = np.where(C != 0.0, A / np.where(C != 0.0, C, 1.0), np.nan)
                    # var of Σ_u (a_u − ρ c_u): the electronic parts carry no error
                    var = (saa - a * a / n - 2.0 * rho * (sac - a * c / n)
                           + rho * rho * (scc - c * c / n)) * n / max(n - 1.0, 1.0)
                    se = (np.where(n >= 2, self.B * np.sqrt(np.maximum(var, 0.0)) / np.abs(C),
                                   np.nan))
                out += make_rows("Gamma_total", T, t, self.B * rho, se)
        return out
