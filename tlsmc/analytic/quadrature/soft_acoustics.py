r"""Deterministic quadrature of the soft-potential acoustic response (PHYSICS §3, §10).

The same model as :mod:`tlsmc.measurements.acoustic_soft` (the population of
:class:`~tlsmc.analytic.quadrature.soft.SoftQuadrature`: cuts, densities, six frames per
double well), computed with independent code: spectra and matrix elements from
:mod:`.soft_spectrum` (finite differences + Richardson), δ from its own branch follower,
rates from :mod:`.rates`.  Exposes the interface of :class:`.acoustics.AcousticQuad` that
:func:`.acoustics.acoustic_exact` reads (``ntilde``, ``relaxation``; ``pv_velocity`` is NaN:
the soft Monte Carlo has no resonant velocity).

* Relaxation (per polarization unit γ = W c/η_L): Σ_nodes w D_unit² (−∂f/∂E) h(ωτ) over the
  SoftQuadrature nodes, h = ωτ/(1+ω²τ²) ("abs") or 1/(1+ω²τ²) ("vel"), τ = 1/K(T), K^-1 m^-3.
* Resonant shell density, J^-1 m^-3 (δ integrated over t_b at fixed depth h, both roots ±t*):

  .. math:: \tilde n(E) = \frac{1}{k_B W}\int_{h^*}^{h_{max}} dh\sum_{\pm}\sum_{\rm frames}
            \frac{\rho_f M_f^2\,[\text{counted}_f]}{|\partial\varepsilon/\partial t_b|},

  h* the depth where the symmetric well's Δ0 equals E (bisection), h = h* + z² with
  Gauss–Legendre in z on panels (the integrand in z is smooth: the 1/√(h − h*) edge is
  absorbed by dh = 2z dz), t* by a safeguarded secant in s = t_b² (E² nearly linear in s) to
  |E − ħω| ≤ max(1e-9 ħω, 5e-15 W) (the solver's E is good to ~1e-10 relative, ~1e-15 W
  absolute), ∂ε/∂t_b by a central difference (step 1e-3 t*), and every frame
  (type 1; type 2 with σ = ±1 via GGP eq. 2.10, density × r |J_σ|; each at ±t*) solved on
  its own and counted by :func:`.soft.counted_set`.
"""
from __future__ import annotations

import math

import numpy as np

from ...units import K_B
from .soft import SoftQuadrature, counted_set, type2_frame
from .soft_spectrum import delta_branch, solve_levels

__all__ = ["SoftAcousticQuad", "shell_threshold"]

_Z_EDGES = (0.0, 0.125, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0)


def _neg_dfde(E, T):
    """−∂n_eq/∂E = e^{−E/T}/(T (1 + e^{−E/T})²), K^-1."""
    q = np.exp(-np.asarray(E, dtype=float) / T)
    return q / (T * (1.0 + q) ** 2)


def shell_threshold(w: float, h_lo: float, h_hi: float) -> float:
    """h* with Δ0(−h*, 0) = w (units of W) by 60 bisections on [h_lo, h_hi] (Δ0 falls with h);
    NaN if Δ0(h_hi) > w (no shell inside the model)."""
    if float(solve_levels(np.array([-h_hi]), np.zeros(1)).delta0[0]) > w:
        return math.nan
    lo, hi = h_lo, h_hi
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if float(solve_levels(np.array([-mid]), np.zeros(1)).delta0[0]) > w:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _roots(h: np.ndarray, w: float) -> np.ndarray:
    """t* > 0 with E(−h, t*) = w: secant in s = t² inside a bracket (bisection fallback)."""
    d0 = solve_levels(-h, np.zeros_like(h)).delta0
    G0 = d0 * d0 - w * w                                   # < 0: h > h*
    lo, glo = np.zeros_like(h), G0
    hi = np.maximum(w * w - d0 * d0, 1e-8 * w * w) / (h ** 3 / 2.0)
    while True:
        ghi = solve_levels(-h, np.sqrt(hi)).E ** 2 - w * w
        low = ghi < 0.0
        if not low.any():
            break
        lo, glo = np.where(low, hi, lo), np.where(low, ghi, glo)
        hi = np.where(low, 2.0 * hi, hi)
    s = np.full_like(h, np.nan)
    last = np.zeros(h.size, dtype=np.int8)          # Illinois: side replaced last (−1 lo, +1 hi)
    for _ in range(100):
        cand = lo - glo * (hi - lo) / (ghi - glo)
        cand = np.where((cand > lo) & (cand < hi), cand, 0.5 * (lo + hi))
        E = solve_levels(-h, np.sqrt(cand)).E
        g = E * E - w * w
        conv = (np.abs(E - w) <= max(1e-9 * w, 5e-15)) | (hi - lo <= 1e-12 * cand)
        s = np.where(conv & np.isnan(s), cand, s)
        if not np.isnan(s).any():
            break
        below = g < 0.0
        ghi = np.where(below & (last == -1), 0.5 * ghi, ghi)
        glo = np.where(~below & (last == 1), 0.5 * glo, glo)
        lo, glo = np.where(below, cand, lo), np.where(below, g, glo)
        hi, ghi = np.where(below, hi, cand), np.where(below, ghi, g)
        last = np.where(below, -1, 1).astype(np.int8)
    if np.isnan(s).any():  # pragma: no cover - Illinois converges superlinearly
        raise RuntimeError("soft_acoustics: shell root did not converge")
    return np.sqrt(s)


class SoftAcousticQuad:
    """Acoustic quadrature of a soft model on the nodes of a :class:`SoftQuadrature`.

    Parameters
    ----------
    quad : the SoftQuadrature of the scenario (its nodes, weights, spectrum and rates)
    nodes : Gauss–Legendre points per z-panel of the shell integral
    """

    def __init__(self, quad: SoftQuadrature, *, nodes: int = 6):
        self.quad, self.nodes = quad, int(nodes)
        by = "the soft acoustic quadrature"
        self.W = quad.material.need("W_K", by)
        self.chi = quad.material.need("soft_chi", by)
        self.scale = (quad.material.need("psi_per_m3", by)
                      * quad.material.need("eta_L", by) ** 1.5)
        self._ntilde: dict[float, float] = {}

    # --- resonant -------------------------------------------------------------------
    def _frames_density(self, h: np.ndarray, t: np.ndarray, w: float) -> np.ndarray:
        """Σ_± Σ_frames ρ_f M_f² [counted_f] at (−h, ±t), per unit h per unit t_b, m^-3."""
        model = self.quad.model
        eps_max = model.E_max_K / self.W
        total = np.zeros_like(h)
        for sgn in (1.0, -1.0):
            tb = sgn * t
            frames = [(-h, tb, np.ones_like(h))]
            if model.type2_ratio > 0:
                for sigma in (1.0, -1.0):
                    e2, t2, jac, _ = type2_frame(-h, tb, sigma)
                    frames.append((e2, t2, model.type2_ratio * jac))
            for eta, tt, rel in frames:
                lv = solve_levels(eta, tt)
                _, M = lv.couplings(eta, tt, self.chi)
                _, ok = delta_branch(eta, tt, self.chi)
                keep = counted_set(lv.geometry, lv.E, lv.E21, ok, eps_max, model.ratio_cut)
                rho = self.scale * model.Phi(eta) * model.F(np.abs(tt)) * rel
                total += np.where(keep, rho * np.where(keep, M, 0.0) ** 2, 0.0)
        return total

    def shell_density(self, w: float) -> float:
        """ñ at E = w W (w in units of W), J^-1 m^-3 (module docstring)."""
        model = self.quad.model
        hmax = float(model.depth_max)
        hs = shell_threshold(w, 1.0, hmax)
        if not math.isfinite(hs):
            return 0.0
        zmax = math.sqrt(hmax - hs)
        edges = np.array([e for e in _Z_EDGES if e < zmax] + [zmax])
        x, wx = np.polynomial.legendre.leggauss(self.nodes)
        half = 0.5 * np.diff(edges)[:, None]
        z = ((0.5 * (edges[:-1] + edges[1:]))[:, None] + half * x).ravel()
        wz = (half * wx).ravel()
        h = hs + z * z
        t = _roots(h, w)
        dt = 1e-3 * t
        dEdt = (solve_levels(-h, t + dt).E - solve_levels(-h, t - dt).E) / (2.0 * dt)
        f = self._frames_density(h, t, w) / np.abs(dEdt)
        return float(np.sum(wz * 2.0 * z * f)) / (K_B * self.W)

    def ntilde(self, E_K: float) -> float:
        """ñ(E), J^-1 m^-3 (cached per E)."""
        if E_K not in self._ntilde:
            self._ntilde[E_K] = self.shell_density(E_K / self.W)
        return self._ntilde[E_K]

    def pv_velocity(self, w: float, T: float, T_ref: float) -> float:
        """Not computed for soft potentials (no Monte Carlo counterpart): NaN."""
        return math.nan

    # --- relaxation -----------------------------------------------------------------
    def relaxation(self, omega: float, T: float, kind: str) -> float:
        """Σ w D_unit² (−∂f/∂E) h(ωτ) over the nodes, K^-1 m^-3 (h: "abs" or "vel")."""
        q = self.quad
        g = q.weight * q.spectrum.D_unit ** 2 * _neg_dfde(q.spectrum.E_K, T)
        keep = g != 0.0
        K = q.rates(T, keep)
        h = omega * K / (K * K + omega ** 2) if kind == "abs" else K * K / (K * K + omega ** 2)
        return float(np.sum(g[keep] * h))

