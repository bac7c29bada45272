"""Shared pieces of the dielectric measurement (:mod:`.dielectric`, whose module docstring
states the physics, conventions and estimators): the orientation average g(a), the Rabi
frequency, the shell spectrum, the material constants and the tunneling population's
accumulator.  Kept apart so that :mod:`.dielectric_soft` can build on them while
:mod:`.dielectric` imports both (no import cycle).
"""
from __future__ import annotations

import math

import numpy as np

from .._kernels.acoustics import relaxation_sums
from ..rates import build_rates
from ..spectrum.two_level import TwoLevelSpectrum
from ..units import DEBYE, EPS0, HBAR, K_B, PI
from .acoustic_base import (_parts, resonance_setup, shell_densities, shell_points,
                            shell_variates, velocity_sums)
from .common import FieldSums, make_rows

__all__ = ["orientation_factor", "rabi_frequency", "shell_spectrum", "dielectric_constants",
           "DielectricAcc"]

_BY = "the dielectric measurement"


def orientation_factor(a) -> np.ndarray:
    """g(a) = 3∫_0^1 c²/√(1 + a c²) dc: the saturation factor π/√(1 + a cos²θ) of one
    Lorentzian times cos²θ, averaged over the sphere and divided by ⟨cos²θ⟩ = 1/3.

    g(0) = 1, g(a) → 3/(2√a) for a → ∞ (series 1 − 3a/10 + 9a²/56 − 5a³/48 below 1e-3).
    """
    a = np.asarray(a, dtype=float)
    small = a < 1e-3
    big = np.where(small, 1.0, a)
    r = np.sqrt(big)
    with np.errstate(invalid="ignore", over="ignore"):
        exact = 3.0 * (np.sqrt(1.0 + big) / (2.0 * big) - np.arcsinh(r) / (2.0 * big * r))
    exact = np.where(np.isinf(a), 0.0, exact)
    x = np.where(small, a, 0.0)
    series = 1.0 - 0.3 * x + (9.0 / 56.0) * x * x - (5.0 / 48.0) * x**3
    return np.where(small, series, exact)


def rabi_frequency(p_C_m: float, F_V_m, u) -> np.ndarray:
    """Ω_R = pF u/ħ (rad s^-1) for cosθ = 1, u = Δ0/E (convention ħΩ_R = pF cosθ Δ0/E)."""
    return p_C_m * np.asarray(F_V_m, dtype=float) * np.asarray(u, dtype=float) / HBAR


def shell_spectrum(E_K: float, s: np.ndarray, u: np.ndarray) -> TwoLevelSpectrum:
    """TwoLevelSpectrum of shell TLSs at E = ħω: Δ = sE, Δ0 = uE, u = √(1 − s²) (given:
    :func:`.acoustic_base.shell_points` keeps its digits where s rounds to 1)."""
    s, u = np.ascontiguousarray(s, dtype=float), np.ascontiguousarray(u, dtype=float)
    E = np.full(s.shape, float(E_K))
    return TwoLevelSpectrum(E_K=E, delta_K=s * E_K, delta0_K=u * E_K, M_unit=u.copy(),
                            D_unit=2.0 * s)


def dielectric_constants(material, who: str = _BY, need_T2: bool = True,
                         dipole: str = "dipole_debye"):
    """(p in C m, ε0εr in F m^-1, T2 in s or None) of a material; ``dipole``: the field of p
    (``soft_dipole_debye`` for soft potentials: p0 per unit y, :mod:`.dielectric_soft`)."""
    p = material.need(dipole, who) * DEBYE
    eps = EPS0 * material.need("eps_r", who)
    return p, eps, (material.need("T2_s", who) if need_T2 else None)


class DielectricAcc(FieldSums):
    """Accumulator of the tunneling population (sums of the :mod:`.dielectric` estimators)."""

    sum_fields = ('res', 'rel', 'vel')

    def __init__(self, cfg, n_total: int, scenario):
        self.cfg, self.n, self.material = cfg, n_total, scenario.material
        self.channels = tuple(scenario.rates)
        self.shell, self.omega, self.w_K, self.tables = resonance_setup(cfg, scenario, _BY)
        self.fields = np.asarray(cfg.fields_V_m, dtype=float)
        self.p, self.eps, self.T2 = dielectric_constants(self.material,
                                                         need_T2=bool((self.fields > 0).any()))
        nf, nt, nF = len(self.omega), len(cfg.temperatures_K), len(self.fields)
        self.res = np.zeros((nt, nF, nf, 2))       # Σ x g, Σ (x g)²
        self.rel = np.zeros((nt, nF, nf, 6))       # kernel sums, cross term with x g
        self.vel = np.zeros((nt, nf, 2))           # Σ y, Σ y²

    def _saturation(self, s, x, T) -> np.ndarray:
        """(F, N, f) factors g(a_i) of every shell sample (1 at F = 0)."""
        g = np.ones((len(self.fields),) + x.shape)
        if not (self.fields > 0).any():
            return g
        for f, w in enumerate(self.w_K):
            sf, u, _ = shell_points(self.shell, s, w)      # the points x[:, f] was taken at
            K = build_rates(shell_spectrum(w, sf, u), self.material, self.channels, T).K
            live = x[:, f] > 0
            T1 = np.divide(1.0, K, out=np.full(K.shape, np.inf), where=K > 0)
            for k, F in enumerate(self.fields):
                if F > 0:
                    om = rabi_frequency(self.p, F, u)
                    with np.errstate(invalid="ignore"):
                        a = np.where(live, om * om * T1 * self.T2, 0.0)
                    g[k, :, f] = orientation_factor(np.nan_to_num(a, nan=0.0))
        return g

    def accumulate(self, spectrum, weight, rates_at, out: dict) -> None:
        s = shell_variates(self.shell, spectrum.delta_K)
        x = shell_densities(self.shell, s, self.w_K, self.n)
        wD2 = weight * spectrum.D_unit**2
        K_ref = rates_at(self.cfg.T_ref_K).K
        for j, T in enumerate(self.cfg.temperatures_K):
            y = velocity_sums(self.shell, s, self.tables, j, self.n, out["vel"][j])
            K = rates_at(T).K
            for k, gk in enumerate(self._saturation(s, x, T)):
                xg = np.ascontiguousarray(x * gk)
                out["res"][j, k, :, 0] += xg.sum(0)
                out["res"][j, k, :, 1] += (xg * xg).sum(0)
                relaxation_sums(wD2, spectrum.E_K, K, K_ref, T, self.cfg.T_ref_K,
                                self.omega, xg, y, out["rel"][j, k])

    def rows(self) -> list[dict]:
        out: list[dict] = []
        n, c = self.n, self.p * self.p / (3.0 * self.eps)        # p²/(3ε0εr), J m^3
        for f, (fr, wK) in enumerate(zip(self.cfg.frequencies_Hz, self.w_K)):
            for j, T in enumerate(self.cfg.temperatures_K):
                p_res = PI * c * math.tanh(wK / (2.0 * T))
                p_rel = c / K_B
                for k, F in enumerate(self.fields):
                    r = self.rel[j, k, f]
                    parts = _parts(p_res, self.res[j, k, f], p_rel, r[0:2], r[4], n)
                    for part in ("resonant", "relaxation", "total"):
                        val, err = parts[part]
                        out += make_rows("tan_delta", T, [math.inf], [val], [err], part=part,
                                         f_Hz=float(fr), field_V_m=float(F))
                r = self.rel[j, 0, f]
                vparts = _parts(2.0 * c, self.vel[j, f], p_rel, r[2:4], r[5], n)
                for part in ("resonant", "relaxation", "total"):
                    val, err = vparts[part]
                    out += make_rows("deps_over_eps", T, [math.inf], [val], [err], part=part,
                                     f_Hz=float(fr), field_V_m=0.0)
        return out
