r"""Deterministic quadrature of the soft-potential acoustic response (PHYSICS §3, §10).

The same model as :mod:`tlsmc.measurements.acoustic_soft` (the population of
:class:`~tlsmc.analytic.quadrature.soft.SoftQuadrature`: cuts, densities, six frames per
double well), computed with independent code: spectra and matrix elements from
:mod:`.soft_spectrum` (finite differences + Richardson), δ from its own branch follower,
rates from :mod:`.rates`.  Exposes the interface of :class:`.acoustics.AcousticQuad` that
:func:`.acoustics.acoustic_exact` reads (``ntilde``, ``relaxation``, ``pv_velocity``).

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
* Resonant velocity, P∫dE ñ(E)[tanh(E/2T) − tanh(E/2T_ref)] E/(E² − ħ²ω²) (PHYSICS §10), in
  energy space (the Monte Carlo integrates over t_b per depth instead): ñ above, evaluated at
  Chebyshev nodes (``_FIT``, 4 Gauss points per z-panel) on four ranges — ln E on
  [max(1e-12 W, Δ0(h_max)), 1e-6 W] and [1e-6 W, 0.05 W], E on [0.05 W, e_c] and [e_c, E_max],
  e_c the splitting of the shallowest symmetric well counted, where ñ drops — and interpolated;
  the PV integral of the interpolant by 8-point Gauss panels (width 0.5 in ln E, 0.0125 W in
  E) with the pole at ln(ħω) subtracted (residue ñ(ħω)A(ħω), A = tanh diff × E/(E + ħω); its
  PV over the range analytic).  Interpolation error (against direct ñ): ≤ 1e-3 below 1e-6 W,
  ≤ 2e-5 up to e_c, ~20 % above e_c (ñ falls 1000×; there F ≈ [tanh diff]/E is small for
  T ≲ E_max/5); the PV changes by ≤ 3e-5 from 8 to 10–12 nodes (soft_acoustics.toml).  Below max(1e-12 W, Δ0(h_max)) the integrand (∝ E² ñ/ħ²ω² for E ≪ ħω) is
  dropped.  NaN unless 2ħω < 0.05 W.
"""
from __future__ import annotations

import math
import weakref

import numpy as np

from ...units import K_B, PI
from .soft import SoftQuadrature, counted_set, type2_frame
from .soft_spectrum import delta_branch, solve_levels

__all__ = ["SoftAcousticQuad", "shell_threshold", "shell_thresholds"]

_SPLIT = 0.05        # pv_velocity: ln E panels below E = _SPLIT W, E panels above
_LOW = 1e-6          # ... and a first ln E range below E = _LOW W
_FIT = (8, 8)        # Chebyshev nodes of the ñ interpolants: the first range, every other
_FIT_NODES = 4       # Gauss points per z-panel of ñ at the interpolation nodes (4 vs 6: ~1e-7)
_FITS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # quad -> {coupling: fits}
_Z_EDGES = (0.0, 0.125, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0)


def _neg_dfde(E, T):
    """−∂n_eq/∂E = e^{−E/T}/(T (1 + e^{−E/T})²), K^-1."""
    q = np.exp(-np.asarray(E, dtype=float) / T)
    return q / (T * (1.0 + q) ** 2)


def shell_thresholds(w: np.ndarray, h_lo: float, h_hi: float) -> np.ndarray:
    """h* with Δ0(−h*, 0) = w (units of W) for every w, by 60 bisections on [h_lo, h_hi] (Δ0
    falls with h); NaN where Δ0(h_hi) > w (no shell inside the model)."""
    w = np.asarray(w, dtype=float)
    top = float(solve_levels(np.array([-h_hi]), np.zeros(1)).delta0[0])
    lo, hi = np.full_like(w, h_lo), np.full_like(w, h_hi)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        big = solve_levels(-mid, np.zeros_like(mid)).delta0 > w
        lo, hi = np.where(big, mid, lo), np.where(big, hi, mid)
    return np.where(top > w, np.nan, 0.5 * (lo + hi))


def shell_threshold(w: float, h_lo: float, h_hi: float) -> float:
    """:func:`shell_thresholds` of one w."""
    return float(shell_thresholds(np.array([w]), h_lo, h_hi)[0])


def _roots(h: np.ndarray, w) -> np.ndarray:
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
        conv = (np.abs(E - w) <= np.maximum(1e-9 * w, 5e-15)) | (hi - lo <= 1e-12 * cand)
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


def shell_frames(model, chi: float, scale: float, W: float, h: np.ndarray, t: np.ndarray):
    """Yield (levels, M, keep, ρ) at the barrier-frame points of depths h at cubic ±t: the
    type-1 frame and (type2_ratio > 0) the type-2 frames σ = ±1, each at +t and −t.  M is the
    phonon coupling M_over_c and ρ the density per unit h per unit t_b (m^-3; both 0 where not
    counted: ``keep``); ``levels`` the :func:`.soft_spectrum.solve_levels` result."""
    eps_max = model.E_max_K / W
    for sgn in (1.0, -1.0):
        tb = sgn * t
        pts = [(-h, tb, np.ones_like(h))]
        if model.type2_ratio > 0:
            for sigma in (1.0, -1.0):
                e2, t2, jac, _ = type2_frame(-h, tb, sigma)
                pts.append((e2, t2, model.type2_ratio * jac))
        for eta, tt, rel in pts:
            lv = solve_levels(eta, tt)
            _, M = lv.couplings(eta, tt, chi)
            _, ok = delta_branch(eta, tt, chi)
            keep = counted_set(lv.geometry, lv.E, lv.E21, ok, eps_max, model.ratio_cut)
            rho = np.where(keep, scale * model.Phi(eta) * model.F(np.abs(tt)) * rel, 0.0)
            yield lv, np.where(keep, M, 0.0), keep, rho


class SoftAcousticQuad:
    """Acoustic quadrature of a soft model on the nodes of a :class:`SoftQuadrature`.

    Parameters
    ----------
    quad : the SoftQuadrature of the scenario (its nodes, weights, spectrum and rates)
    nodes : Gauss–Legendre points per z-panel of the shell integral
    coupling : the squared matrix element that weights ñ: "strain" (M², per unit γ²: the
        acoustic ñ) or "dipole" (x01² = <0|y|1>², per unit p0²: the soft dielectric's ñ_0)
    """

    def __init__(self, quad: SoftQuadrature, *, nodes: int = 6, coupling: str = "strain"):
        if coupling not in ("strain", "dipole"):
            raise ValueError(f"coupling must be 'strain' or 'dipole', got {coupling!r}")
        self.quad, self.nodes, self.coupling = quad, int(nodes), coupling
        by = "the soft acoustic quadrature"
        self.W = quad.material.need("W_K", by)
        self.chi = quad.material.need("soft_chi", by)
        self.scale = (quad.material.need("psi_per_m3", by)
                      * quad.material.need("eta_L", by) ** 1.5)
        self._ntilde: dict[float, float] = {}
        self._fit = None                          # interpolants of ñ (:meth:`_fits`)

    # --- resonant -------------------------------------------------------------------
    def _frames_density(self, h: np.ndarray, t: np.ndarray, w: float) -> np.ndarray:
        """Σ_± Σ_frames ρ_f M_f² [counted_f] at (−h, ±t), per unit h per unit t_b, m^-3 (x01²
        in place of M² for ``coupling = "dipole"``)."""
        total = np.zeros_like(h)
        for lv, M, keep, rho in shell_frames(self.quad.model, self.chi, self.scale, self.W, h, t):
            m = M if self.coupling == "strain" else np.where(keep, lv.x01, 0.0)
            total += rho * m * m
        return total

    def shell_density(self, w: float) -> float:
        """ñ at E = w W (w in units of W), J^-1 m^-3 (module docstring)."""
        return float(self.shell_densities(np.array([w]))[0])

    def shell_densities(self, ws: np.ndarray, nodes: int | None = None) -> np.ndarray:
        """ñ at every E = w W of ``ws`` (units of W) in one vectorized pass, J^-1 m^-3
        (``nodes`` Gauss points per z-panel, default ``self.nodes``)."""
        hmax = float(self.quad.model.depth_max)
        hs = shell_thresholds(ws, 1.0, hmax)
        x, wx = np.polynomial.legendre.leggauss(nodes or self.nodes)
        H, WZ, OWN = [], [], []
        for i, h0 in enumerate(hs):
            if not math.isfinite(h0):
                continue
            zmax = math.sqrt(hmax - h0)
            edges = np.array([e for e in _Z_EDGES if e < zmax] + [zmax])
            half = 0.5 * np.diff(edges)[:, None]
            z = ((0.5 * (edges[:-1] + edges[1:]))[:, None] + half * x).ravel()
            H.append(h0 + z * z)
            WZ.append((half * wx).ravel() * 2.0 * z)
            OWN.append(np.full(z.size, i))
        if not H:
            return np.zeros(len(ws))
        h, wz, own = np.concatenate(H), np.concatenate(WZ), np.concatenate(OWN)
        w = np.asarray(ws, dtype=float)[own]
        t = _roots(h, w)
        dt = 1e-3 * t
        dEdt = (solve_levels(-h, t + dt).E - solve_levels(-h, t - dt).E) / (2.0 * dt)
        f = self._frames_density(h, t, w) / np.abs(dEdt)
        return np.bincount(own, weights=wz * f, minlength=len(ws)) / (K_B * self.W)

    def ntilde(self, E_K: float) -> float:
        """ñ(E), J^-1 m^-3 (cached per E)."""
        if E_K not in self._ntilde:
            self._ntilde[E_K] = self.shell_density(E_K / self.W)
        return self._ntilde[E_K]

    def _fits(self):
        """Chebyshev interpolants of ñ (units of W in, J^-1 m^-3 out) on three ranges: ln E on
        [max(1e-12, Δ0(h_max)), _SPLIT], E on [_SPLIT, e_c] and [e_c, E_max], e_c = Δ0 of the
        shallowest symmetric well counted (``quad.h_lo``; ñ drops there); _FIT nodes each.
        Kept per SoftQuadrature and coupling (``_FITS``): every comparison of the same
        quadrature reuses them."""
        if self._fit is None and self.coupling in _FITS.get(self.quad, {}):
            self._fit = _FITS[self.quad][self.coupling]
        if self._fit is None:
            model = self.quad.model
            top = model.E_max_K / self.W
            lo = max(1e-12, float(solve_levels(np.array([-float(model.depth_max)]),
                                               np.zeros(1)).delta0[0]))
            e_c = float(solve_levels(np.array([-float(self.quad.h_lo)]), np.zeros(1)).delta0[0])
            cuts = [c for c in (_LOW, _SPLIT, e_c) if lo < c < top]
            ranges = list(zip([lo] + cuts, cuts + [top]))
            pts, parts = [], []
            for a, b in ranges:
                log = b <= _SPLIT
                n = _FIT[0] if a < _LOW else _FIT[1]
                x = np.cos(PI * (np.arange(n) + 0.5) / n)
                u0, u1 = (math.log(a), math.log(b)) if log else (a, b)
                u = 0.5 * (u0 + u1) + 0.5 * (u1 - u0) * x
                pts.append(np.exp(u) if log else u)
                parts.append((a, b, log, u0, u1, x))
            vals = np.split(self.shell_densities(np.concatenate(pts), _FIT_NODES),
                            np.cumsum([p.size for p in pts])[:-1])
            self._fit = [(a, b, log, u0, u1, np.polynomial.chebyshev.chebfit(x, v, x.size - 1))
                         for (a, b, log, u0, u1, x), v in zip(parts, vals)]
            _FITS.setdefault(self.quad, {})[self.coupling] = self._fit
        return self._fit

    def ntilde_fit(self, eps: np.ndarray) -> np.ndarray:
        """ñ at E = ε W from the interpolants of :meth:`_fits` (0 outside the model), J^-1 m^-3."""
        eps = np.asarray(eps, dtype=float)
        out = np.zeros_like(eps)
        for a, b, log, u0, u1, coef in self._fits():
            inside = (eps >= a) & (eps <= b)
            u = np.log(eps[inside]) if log else eps[inside]
            out[inside] = np.polynomial.chebyshev.chebval((2.0 * u - u0 - u1) / (u1 - u0), coef)
        return out

    def pv_velocity(self, w_K: float, T: float, T_ref: float) -> float:
        """P∫dE ñ(E)[tanh(E/2T) − tanh(E/2T_ref)] E/(E² − w²), J^-1 m^-3 (module docstring:
        the PV integral of the interpolant :meth:`ntilde_fit`: Gauss panels in ln E below
        _SPLIT and in E above, the pole at ln w subtracted with its residue; NaN unless
        2w < _SPLIT W)."""
        w, th, th_ref = w_K / self.W, T / self.W, T_ref / self.W
        if not 2.0 * w < _SPLIT:        # the pole must lie in the ln E range
            return math.nan
        fits = self._fits()
        x, wx = np.polynomial.legendre.leggauss(8)

        def A(e):
            return (np.tanh(e / (2.0 * th)) - np.tanh(e / (2.0 * th_ref))) * e / (e + w)

        def gauss(edges):
            half = 0.5 * np.diff(edges)[:, None]
            return ((0.5 * (edges[:-1] + edges[1:]))[:, None] + half * x).ravel(), \
                (half * wx).ravel()
        total, lam_w = 0.0, math.log(w)
        r = float(self.ntilde_fit(np.array([w]))[0] * A(np.array(w)))    # residue in ln E
        for a, b, log, u0, u1, _ in fits:
            if log:                     # ln E panels of width ≤ 0.5, pole at ln w subtracted
                edges = np.linspace(u0, u1, max(1, math.ceil((u1 - u0) / 0.5)) + 1)
                lam, wl = gauss(edges)
                e = np.exp(lam)
                inside = u0 < lam_w < u1
                sub = r / (lam - lam_w) if inside else 0.0
                total += float(np.sum(wl * (self.ntilde_fit(e) * A(e) * e / (e - w) - sub)))
                if inside:
                    total += r * math.log((u1 - lam_w) / (lam_w - u0))
            else:                       # E panels of width ≤ 0.0125 (no pole: w < _SPLIT / 2)
                e, we = gauss(np.linspace(a, b, max(1, math.ceil((b - a) / 0.0125)) + 1))
                total += float(np.sum(we * self.ntilde_fit(e) * A(e) / (e - w)))
        return total

    # --- relaxation -----------------------------------------------------------------
    def relaxation(self, omega: float, T: float, kind: str) -> float:
        """Σ w D_unit² (−∂f/∂E) h(ωτ) over the nodes, K^-1 m^-3 (h: "abs" or "vel")."""
        q = self.quad
        g = q.weight * q.spectrum.D_unit ** 2 * _neg_dfde(q.spectrum.E_K, T)
        keep = g != 0.0
        K = q.rates(T, keep)
        h = omega * K / (K * K + omega ** 2) if kind == "abs" else K * K / (K * K + omega ** 2)
        return float(np.sum(g[keep] * h))

