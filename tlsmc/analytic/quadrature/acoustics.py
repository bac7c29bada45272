"""Deterministic quadrature of the STM acoustic response (PHYSICS §10), independent code.

Same cut-off model as the Monte Carlo — asymmetry Δ ∈ [0, Δ_max], J0 with density
(P̄/2) pdf(J0) (TF's ΔE/J0 population), Δ0 = 2ħν e^{−J0/2} — with its own spectrum, its
own one-phonon rate K = a Δ0² E coth(E/2T) (a = (γ_l²/v_l⁵ + 2γ_t²/v_t⁵) k_B³/(2πρħ⁴),
energies in K) and its own reductions in plain NumPy/SciPy (nothing from the MC code).

Reduced integrals (energies in K, densities per K; multiply by the prefactors of
:func:`acoustic_exact`):

* ñ(E) = ∫_0^{min(E, Δmax)} dΔ P̄ pdf(J0*(Δ))/E,  J0* from Δ0* = √(E² − Δ²)
  (δ(E − ħω) integrated over J0 at fixed Δ), J^-1 m^-3, evaluated in u = Δ0/E where u is
  small (:meth:`AcousticQuad.ntilde`); exactly 0 when no (Δ, Δ0) of the model lies on the shell;
* relaxation, in (E, x = (Δ0/E)²): density (P̄/2)pdf dΔ dJ0 = P̄ pdf dE dx/(2x√(1−x)),
  D_unit² = 4(1 − x), so Σ w D² (−f') h(ωτ) = ∫dE (−∂f/∂E) ∫dx 2P̄ pdf √(1−x)/x · h,
  h = ωτ/(1+ω²τ²) (absorption) or 1/(1+ω²τ²) (velocity; T minus T_ref);
* resonant velocity: P∫ dE ñ(E) [tanh(E/2T) − tanh(E/2T_ref)] E/(E² − w²) with
  scipy.integrate.quad (Cauchy weight on an interval around the pole).

Peaked structural J0: pdf = J_pdf(J0) + A e^{−(J0 − J_lo)/w} on [J_lo, J_hi] (``peak_A``,
``peak_w``; J_pdf the flat part).  The peak term is integrated apart, in its own variables:
in ñ(E) over θ = arcsin(Δ/E) (Δ0 = E cos θ, ds = cos θ dθ: smooth, no edge singularity),
64 Gauss–Legendre panels up to where the peak has fallen by e^{−45}; in the relaxation sum
over J0 itself (dx/x = −dJ0 at fixed E, so ∫dx 2P̄ pdf √(1−x)/x h = ∫dJ0 2P̄ pdf √(1−x) h),
panels of w/2 (graded towards x = 1, where √(1−x) has its edge), with E panels refined to
max(2, p/4) per decade (p = 2/w: the peak makes the E integrand ∝ E^p below Δ0max).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy import integrate

__all__ = ["AcousticQuad", "acoustic_exact", "PV_RTOL"]

from ...units import EV as _EV, HBAR as _HBAR, K_B as _KB
from .checked import QuadSum
_GL_X, _GL_W = np.polynomial.legendre.leggauss(12)

_U_SPLIT = math.sqrt(0.5)    # ñ(E): u = Δ0/E panels below, s = Δ/E panels above

PV_RTOL = 1e-6
"""Stated relative accuracy of :meth:`AcousticQuad.pv_velocity` (QUADPACK asked for 1e-11):
a larger summed ``abserr`` raises :class:`~.checked.QuadratureFailure`."""


def _gauss(a, b):
    """Composite-free Gauss–Legendre nodes/weights on [a, b] (arrays broadcast)."""
    a, b = np.asarray(a, float)[..., None], np.asarray(b, float)[..., None]
    half = 0.5 * (b - a)
    return a + half * (_GL_X + 1.0), half * _GL_W


def _log_panels(lo, hi, per_decade=1):
    """Edges of panels uniform in ln between lo and hi (≥ 2 edges)."""
    n = max(1, int(math.ceil(per_decade * math.log10(hi / lo))))
    return np.geomspace(lo, hi, n + 1)


@dataclass(frozen=True)
class AcousticQuad:
    """The cut-off STM (energies in K): P̄ (J^-1 m^-3), Δ_max, J0 support and pdf, 2ħν/k_B,
    one-phonon coefficient a (s^-1 K^-3); a peak A e^{−(J0 − J_lo)/w} added to J_pdf
    (``peak_A`` = A, ``peak_w`` = w; module docstring)."""

    P_bar_per_J_m3: float
    delta_max_K: float
    J_lo: float
    J_hi: float
    J_pdf: Callable
    two_hbar_nu_K: float
    a_rate: float
    peak_A: float = 0.0
    peak_w: float = 1.0

    @property
    def d0_min(self) -> float:
        return self.two_hbar_nu_K * math.exp(-self.J_hi / 2)

    @property
    def d0_max(self) -> float:
        return self.two_hbar_nu_K * math.exp(-self.J_lo / 2)

    def _pdf_of_d0(self, d0):
        with np.errstate(divide="ignore"):
            return self.J_pdf(2.0 * np.log(self.two_hbar_nu_K / d0))

    # --- resonant -------------------------------------------------------------------
    def shell_window(self, E: float) -> tuple[float, float]:
        """(u_lo, u_hi): the cut-offs' window of u = Δ0/E on the shell E (Δ0min ≤ uE ≤ Δ0max,
        uE ≤ E, Δ = E√(1 − u²) ≤ Δmax); u_hi ≤ u_lo when the shell is empty."""
        u_lo, u_hi = self.d0_min / E, min(1.0, self.d0_max / E)
        if self.delta_max_K < E:
            r = self.delta_max_K / E
            u_lo = max(u_lo, math.sqrt((1.0 - r) * (1.0 + r)))
        return u_lo, u_hi

    def ntilde(self, E: float) -> float:
        """ñ(E) = P̄ ∫ds pdf(J0*) = P̄ ∫du u pdf(J0*(uE))/√(1 − u²) over the window (s = Δ/E,
        u = Δ0/E), J^-1 m^-3: Gauss–Legendre in u up to u = 1/√2 and in s beyond (no √(E² − Δ0²)
        cancellation: a window of width (Δ0max/E)² ≪ 1e-16 keeps its digits); exactly 0 when the
        window is empty."""
        u_lo, u_hi = self.shell_window(E)
        if u_hi <= u_lo:
            return 0.0
        total = 0.0
        if u_lo < _U_SPLIT:                          # u panels: integrand u pdf/√(1 − u²)
            u, w = _gauss(np.linspace(u_lo, min(u_hi, _U_SPLIT), 5)[:-1],
                          np.linspace(u_lo, min(u_hi, _U_SPLIT), 5)[1:])
            total += float(np.sum(w * u * self._pdf_of_d0(u * E) / np.sqrt((1 - u) * (1 + u))))
        if u_hi > _U_SPLIT:                          # s panels: integrand pdf
            a, b = (math.sqrt((1 - x) * (1 + x)) for x in (u_hi, max(u_lo, _U_SPLIT)))
            x, w = _gauss(a, b)
            total += float(np.sum(w * self._pdf_of_d0(E * np.sqrt((1 - x) * (1 + x)))))
        return self.P_bar_per_J_m3 * (total + self.peak_shell(E))

    def peak_shell(self, E: float, weight: Callable | None = None) -> float:
        """∫ds A (E u/Δ0max)^{2/w} weight(s, u) over the shell cut-offs (u = √(1 − s²)), by
        θ = arcsin s: ∫dθ cos θ (...) (module docstring); 0 without a peak."""
        if self.peak_A == 0.0:
            return 0.0
        p = 2.0 / self.peak_w
        c_a = min(1.0, self.d0_max / E)                  # cos θ at the peak's top
        th_a = math.acos(c_a)
        th_b = min(math.acos(min(1.0, self.d0_min / E)), math.asin(min(1.0, self.delta_max_K / E)),
                   math.acos(c_a * math.exp(-45.0 / p)))
        if th_b <= th_a:
            return 0.0
        edges = np.linspace(th_a, th_b, 65)
        th, wt = _gauss(edges[:-1], edges[1:])
        th, wt = th.ravel(), wt.ravel()
        u = np.cos(th)
        f = u * np.exp(p * np.log(np.minimum(E * u / self.d0_max, 1.0)))
        if weight is not None:
            f = f * weight(np.sin(th), u)
        return self.peak_A * float(np.sum(wt * f))

    def kinks(self):
        """Breakpoints of ñ(E), K; kinks within 1e-9 (relative) of a smaller one dropped: QUADPACK
        given two points 1e-14 apart (hypot(Δmax, Δ0min) ≈ Δmax) fails and returns an
        integral off by 5 % (seen with Δ0max near ħω)."""
        d, a, b = self.delta_max_K, self.d0_min, self.d0_max
        out: list[float] = []
        for k in sorted({a, b, d, math.hypot(d, a), math.hypot(d, b)}):
            if not out or k > out[-1] * (1.0 + 1e-9):
                out.append(k)
        return out

    def pv_velocity(self, w: float, T: float, T_ref: float) -> float:
        """P∫ dE ñ(E)[tanh(E/2T) − tanh(E/2T_ref)] E/(E² − w²), J^-1 m^-3."""
        def g(E):        # the integrand times (E − w)
            return self.ntilde(E) * (math.tanh(E / (2 * T)) - math.tanh(E / (2 * T_ref))) * E / (E + w)
        top = 60.0 * max(T, T_ref, w)
        kinks = [k for k in self.kinks() if 0 < k < top]
        half = 0.5 * w
        for k in kinks:
            if abs(k - w) < 1.1 * half:
                half = abs(k - w) / 1.1 if k != w else 0.0
        opts = dict(limit=400, epsabs=0.0, epsrel=1e-11)
        if half <= 0:
            raise ValueError("a cut-off coincides with ħω")
        acc = QuadSum(f"resonant velocity P∫ñF dE (ħω = {w:.6g} K, T = {T:g} K)", PV_RTOL)
        acc.add(g, w - half, w + half, weight="cauchy", wvar=w, **opts)
        # below the pole: [0, w − half] with the kinks as points; above it one piece per
        # decade and per kink (ñ ∝ E^-2 above Δ0max: one adaptive piece over 8 decades
        # reported 'probably divergent' with ħω ≈ 2Δ0max)
        pts = [k for k in kinks if k < w - half]
        acc.add(lambda E: g(E) / (E - w), 0.0, w - half, points=pts or None, **opts)
        edges = np.unique(np.concatenate((_log_panels(w + half, top),
                                          [k for k in kinks if w + half < k < top])))
        for a, b in zip(edges[:-1], edges[1:]):
            acc.add(lambda E: g(E) / (E - w), a, b, **opts)
        return acc.value()

    # --- relaxation -----------------------------------------------------------------
    def _relax_inner(self, E, T, omega, kind):
        """∫dx 2P̄ pdf √(1−x)/x · h at each E (array), P̄ in J^-1 m^-3."""
        out = np.zeros_like(E)
        for i, e in enumerate(E):
            x_lo = max((self.d0_min / e) ** 2, 1.0 - (self.delta_max_K / e) ** 2, 1e-60)
            x_hi = min((self.d0_max / e) ** 2, 1.0)
            if x_hi <= x_lo:
                continue
            xs, ws = [], []
            split = max(x_lo, min(0.5, x_hi))
            if split > x_lo:      # ln x panels
                edges = _log_panels(x_lo, split, 2)
                t, wt = _gauss(np.log(edges[:-1]), np.log(edges[1:]))
                xs.append(np.exp(t).ravel())
                ws.append((wt * np.exp(t)).ravel())
            if x_hi > split:      # x = 1 − s², s from √(1 − x_hi) to √(1 − split)
                s_lo, s_hi = math.sqrt(max(1 - x_hi, 0.0)), math.sqrt(1 - split)
                edges = np.linspace(s_lo, s_hi, 5)
                s, wsg = _gauss(edges[:-1], edges[1:])
                xs.append((1 - s * s).ravel())
                ws.append((2 * s * wsg).ravel())
            x, wx = np.concatenate(xs), np.concatenate(ws)
            d0 = np.sqrt(x) * e
            h = self._response(d0, e, T, omega, kind)
            f = 2.0 * self.P_bar_per_J_m3 * self._pdf_of_d0(d0) * np.sqrt(np.maximum(1 - x, 0.0)) / x * h
            out[i] = np.sum(wx * f) + self._relax_peak(e, T, omega, kind)
        return out

    def _response(self, d0, e, T, omega, kind):
        """h = ωτ/(1+ω²τ²) ('abs') or 1/(1+ω²τ²) ('vel'), τ = 1/K, K = a Δ0² E coth(E/2T)."""
        K = self.a_rate * d0 * d0 * e / np.tanh(e / (2 * T))
        return omega * K / (K * K + omega**2) if kind == "abs" else K * K / (K * K + omega**2)

    def _relax_peak(self, e, T, omega, kind) -> float:
        """The peak's ∫dJ0 2P̄ A e^{−(J0 − J_lo)/w} √(1 − x) h at one E (module docstring):
        J0 from max(J_lo, J(x = 1)) over 45 widths (or to the cut-offs), panels of w/2."""
        if self.peak_A == 0.0:
            return 0.0
        j1 = 2.0 * math.log(self.two_hbar_nu_K / e)              # x = (Δ0/E)² = e^{−(J0 − j1)}
        ja = max(self.J_lo, j1)
        jb = min(self.J_hi, ja + 45.0 * self.peak_w)
        if self.delta_max_K < e:                                 # Δ ≤ Δmax: x ≥ 1 − (Δmax/E)²
            jb = min(jb, j1 - math.log1p(-(self.delta_max_K / e) ** 2))
        if jb <= ja:
            return 0.0
        L = jb - ja
        edges = np.linspace(0.0, L, int(math.ceil(2.0 * L / self.peak_w)) + 1)
        if ja == j1:                                             # √(1 − x) edge at x = 1
            edges = np.unique(np.concatenate((edges, min(L, self.peak_w)
                                              * np.geomspace(1e-12, 1.0, 25))))
        J, wJ = _gauss(ja + edges[:-1], ja + edges[1:])
        J, wJ = J.ravel(), wJ.ravel()
        x = np.minimum(np.exp(j1 - J), 1.0)
        h = self._response(np.sqrt(x) * e, e, T, omega, kind)
        f = np.exp(-(J - self.J_lo) / self.peak_w) * np.sqrt(1.0 - x) * h
        return 2.0 * self.P_bar_per_J_m3 * self.peak_A * float(np.sum(wJ * f))

    def relaxation(self, omega: float, T: float, kind: str) -> float:
        """∫dE (−∂f/∂E) ∫dx 2P̄_K pdf √(1−x)/x h, E in K, P̄_K = P̄ k_B per K: K^-1 m^-3."""
        per_decade = max(2, math.ceil(0.5 / self.peak_w)) if self.peak_A else 2   # p/4
        edges = np.unique(np.concatenate([_log_panels(1e-7 * T, 60.0 * T, per_decade),
                                          [k for k in self.kinks() if 1e-7 * T < k < 60 * T]]))
        E, w = _gauss(edges[:-1], edges[1:])
        E, w = E.ravel(), w.ravel()
        q = np.exp(-E / T)
        ndf = q / (T * (1 + q) ** 2)
        return _KB * float(np.sum(w * ndf * self._relax_inner(E, T, omega, kind)))


def acoustic_exact(q: AcousticQuad, f_Hz: float, T: float, T_ref: float, gamma_eV: float,
                   rho: float, v: float) -> dict:
    """Exact (quadrature) values {(observable, part): value} at one f, T, polarization."""
    omega = 2 * math.pi * f_Hz
    w = _HBAR * omega / _KB
    g2 = (gamma_eV * _EV) ** 2
    res_att = math.pi * omega * g2 / (rho * v**3) * q.ntilde(w) * math.tanh(w / (2 * T))
    rel_att = omega * g2 / (_KB * rho * v**3) * q.relaxation(omega, T, "abs")
    res_v = -g2 / (rho * v * v) * q.pv_velocity(w, T, T_ref) if T != T_ref else 0.0
    rel_v = -g2 / (2 * _KB * rho * v * v) * (q.relaxation(omega, T, "vel")
                                             - q.relaxation(omega, T_ref, "vel"))
    out = {}
    for part, att, dv in (("resonant", res_att, res_v), ("relaxation", rel_att, rel_v),
                          ("total", res_att + rel_att, res_v + rel_v)):
        out[("attenuation", part)] = att
        out[("Q_inv", part)] = att * v / omega
        out[("dv_over_v", part)] = dv
    return out
