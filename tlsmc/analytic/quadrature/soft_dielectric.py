r"""Deterministic quadrature of the soft-potential dielectric response (PHYSICS §3, §10).

The same model as :mod:`tlsmc.measurements.dielectric_soft` (field coupled to the soft
coordinate, H' = −p0 F cosθ y; ⟨cos²θ⟩ = 1/3), computed with independent code: spectra and
matrix elements from :mod:`.soft_spectrum`, the shell nodes and roots of
:mod:`.soft_acoustics`, rates from :mod:`.rates`, the orientation average by Gauss–Legendre
in c = cosθ (:func:`.dielectric._orientation_numeric`, not the Monte Carlo's closed form).

* Relaxation: Σ_nodes w (x11 − x00)² (−∂f/∂E) h(ωτ) over the SoftQuadrature nodes
  (h = ωτ/(1+ω²τ²) "abs", 1/(1+ω²τ²) "vel"), K^-1 m^-3 per unit p0².
* Saturated resonant shell density (J^-1 m^-3 per unit p0²; ñ at F = 0):

  .. math:: \tilde n_F(E) = \frac{1}{k_B W}\int_{h^*}^{h_{max}}dh\sum_\pm\sum_{\rm frames}
            \frac{\rho_f\,x_{01,f}^2\,[\text{counted}_f]}{|\partial\varepsilon/\partial t_b|}
            \,3\int_0^1\frac{c^2\,dc}{\sqrt{1 + (p_0 F x_{01,f} c/\hbar)^2 T_2/K_f}},

  K_f the total rate of the frame point (its own E, Δ, Δ0, |M| with its own δ, barrier,
  well energy) from :func:`.rates.total_rate`; same h = h* + z² Gauss–Legendre panels in z,
  secant roots t* and central-difference ∂ε/∂t_b as :class:`.soft_acoustics.SoftAcousticQuad`.
* Resonant Δε/ε (weak field): (2p0²/(3ε0εr)) P∫dE ñ_0(E)[tanh(E/2T) − tanh(E/2T_ref)]
  E/(E² − ħ²ω²), by the soft acoustic quadrature's energy-space principal value of its own
  interpolated ñ with x01² in place of M² (``SoftAcousticQuad(coupling="dipole")``).
The solves are cached per frequency; only the rates and the c-integral are redone per (T, F).
"""
from __future__ import annotations

import math
import weakref

import numpy as np

from ...units import HBAR, K_B
from .dielectric import _orientation_numeric
from .rates import total_rate
from .soft import SoftQuadrature
from .soft_acoustics import (SoftAcousticQuad, _Z_EDGES, _neg_dfde, _roots, shell_frames,
                             shell_threshold)
from .soft_spectrum import solve_levels

__all__ = ["SoftDielectricQuad", "dielectric_quad", "soft_dielectric_exact"]

_EPS0, _DEBYE = 8.8541878128e-12, 3.33564095198152e-30


class SoftDielectricQuad:
    """Dielectric quadrature of a soft model on a :class:`SoftQuadrature` (module docstring).

    ``nodes``: Gauss–Legendre points per z-panel of the shell integral.
    """

    def __init__(self, quad: SoftQuadrature, *, nodes: int = 6):
        self.quad, self.nodes = quad, int(nodes)
        by = "the soft dielectric quadrature"
        mat = quad.material
        self.W, self.chi = mat.need("W_K", by), mat.need("soft_chi", by)
        self.scale = mat.need("psi_per_m3", by) * mat.need("eta_L", by) ** 1.5
        self._shells: dict[float, tuple] = {}
        self._pv = None                       # the x01²-weighted PV quadrature (dipole_pv)

    def _shell(self, w: float):
        """(zw, frames) at E = w W: zw = dz weight × 2z/|∂ε/∂t_b| per depth node, frames =
        [(ρ [counted] m^-3, x01, rate-spectrum dict)] of the 6 frames (or () if no shell)."""
        if w in self._shells:
            return self._shells[w]
        model = self.quad.model
        hmax = float(model.depth_max)
        hs = shell_threshold(w, 1.0, hmax)
        if not math.isfinite(hs):
            self._shells[w] = (np.zeros(0), ())
            return self._shells[w]
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
        frames = []
        for lv, M, keep, rho in shell_frames(model, self.chi, self.scale, self.W, h, t):
            spec = {"E_K": self.W * lv.E, "delta_K": self.W * np.abs(lv.delta),
                    "delta0_K": self.W * lv.delta0, "M_unit": np.abs(np.nan_to_num(M)),
                    "barrier_K": self.W * lv.barrier, "well_K": self.W * (lv.E + lv.E21)}
            frames.append((rho, lv.x01, spec))
        self._shells[w] = (wz * 2.0 * z / np.abs(dEdt), frames)
        return self._shells[w]

    def saturated_ntilde(self, w: float, T: float, p_C_m: float, F: float,
                         T2: float | None) -> float:
        """ñ_F(w W), J^-1 m^-3 per unit p0² (module docstring; F = 0: unsaturated ñ)."""
        zw, frames = self._shell(w)
        total = np.zeros_like(zw)
        for rho, x01, spec in frames:
            g = np.ones_like(rho)
            if F > 0:
                K = total_rate(spec, self.quad.material, self.quad.channels, T)
                with np.errstate(divide="ignore", invalid="ignore"):
                    a = np.where(rho > 0, (p_C_m * F * x01 / HBAR) ** 2 * T2 / K, 0.0)
                g = _orientation_numeric(np.nan_to_num(a, nan=0.0, posinf=1e300))
            total += rho * x01 * x01 * g
        return float(np.sum(zw * total)) / (K_B * self.W)

    def dipole_pv(self, w_K: float, T: float, T_ref: float) -> float:
        """P∫dE ñ_0(E)[tanh(E/2T) − tanh(E/2T_ref)] E/(E² − w²), ñ_0 weighted by x01² (J^-1
        m^-3 per unit p0²): the soft acoustic quadrature's own principal value with the dipole
        coupling (:meth:`.soft_acoustics.SoftAcousticQuad.pv_velocity`; NaN unless 2w < 0.05 W)."""
        if self._pv is None:
            self._pv = SoftAcousticQuad(self.quad, coupling="dipole")
        return self._pv.pv_velocity(w_K, T, T_ref)

    def relaxation(self, omega: float, T: float, kind: str) -> float:
        """Σ w (x11 − x00)² (−∂f/∂E) h(ωτ) over the nodes, K^-1 m^-3 (kind "abs" or "vel")."""
        q = self.quad
        g = q.weight * q.x_diag ** 2 * _neg_dfde(q.spectrum.E_K, T)
        keep = g != 0.0
        K = q.rates(T, keep)
        h = omega * K / (K * K + omega ** 2) if kind == "abs" else K * K / (K * K + omega ** 2)
        return float(np.sum(g[keep] * h))


_CACHE: "weakref.WeakKeyDictionary[SoftQuadrature, SoftDielectricQuad]" = weakref.WeakKeyDictionary()


def dielectric_quad(quad: SoftQuadrature) -> SoftDielectricQuad:
    """The :class:`SoftDielectricQuad` of ``quad`` (one per SoftQuadrature: its shell solves
    are cached across the comparisons that reuse the quadrature)."""
    if quad not in _CACHE:
        _CACHE[quad] = SoftDielectricQuad(quad)
    return _CACHE[quad]


def soft_dielectric_exact(q: SoftDielectricQuad, f_Hz: float, T: float, T_ref: float,
                          p0_debye: float, eps_r: float, T2_s: float | None, fields) -> dict:
    """{(observable, part, field_V_m): value} at one f and T: tan δ (resonant, relaxation,
    total) at every field and the relaxation Δε/ε (T minus T_ref) at field 0."""
    omega = 2.0 * math.pi * f_Hz
    w = HBAR * omega / (K_B * q.W)
    p = p0_debye * _DEBYE
    c = p * p / (3.0 * _EPS0 * eps_r)
    rel = c / K_B * q.relaxation(omega, T, "abs")
    th = math.tanh(w * q.W / (2.0 * T))
    out = {}
    for F in fields:
        res = math.pi * c * th * q.saturated_ntilde(w, T, p, F, T2_s)
        out[("tan_delta", "resonant", F)] = res
        out[("tan_delta", "relaxation", F)] = rel
        out[("tan_delta", "total", F)] = res + rel
    rel_v = c / K_B * (q.relaxation(omega, T, "vel") - q.relaxation(omega, T_ref, "vel"))
    res_v = 2.0 * c * q.dipole_pv(w * q.W, T, T_ref)
    out[("deps_over_eps", "resonant", 0.0)] = res_v
    out[("deps_over_eps", "relaxation", 0.0)] = rel_v
    out[("deps_over_eps", "total", 0.0)] = res_v + rel_v
    return out
