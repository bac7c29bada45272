r"""Resonant sound velocity of a soft-potential population (PHYSICS §10; GGP §II–III).

.. math:: \frac{\Delta v}{v}\Big|_{res}(T) - \frac{\Delta v}{v}\Big|_{res}(T_{ref})
          = -\frac{\gamma^2}{\rho v^2}\,V,\qquad
          V = P\!\!\int dE\,\tilde n(E)\,F(E),\quad
          F = \Big[\tanh\frac{E}{2kT} - \tanh\frac{E}{2kT_{ref}}\Big]\frac{E}{E^2 - \hbar^2\omega^2},

ñ(E) = Σ_i w_i M_over_c,i² δ(E − E_i) off the shell, in J⁻¹ m⁻³ (V likewise: F dE is
dimensionless).  Energies below are in units of W (ε = E/W, w = ħω/W, θ = kT/W).

Conditional Monte Carlo over the depth.  In the barrier-frame coordinates of
:mod:`.acoustic_soft` (depth h, cubic t_b ≥ 0, the six frames ±t_b × {type 1, type 2 σ = ±1}
summed: φ(h, t) = Σ_f ρ_f M_f² [counted_f], TLSs per m³ per unit h per unit t_b),

.. math:: V = \int dh\, I(h),\qquad I(h) = \frac{1}{k_B W}\,P\!\!\int_0^{t_e(h)} dt\,
          \varphi(h, t)\,\frac{A(\varepsilon)}{\varepsilon - w},\quad
          A(\varepsilon) = \Big[\tanh\frac{\varepsilon}{2\theta}
          - \tanh\frac{\varepsilon}{2\theta_{ref}}\Big]\frac{\varepsilon}{\varepsilon + w}.

At fixed h the counted points are the interval 0 ≤ t < t_e(h) (the kind and E ≤ E_max cuts;
all frames of a point share its spectrum and so the edge); t_e is found by 40 bisections
of the population's own counting rule inside the proposal strip [0, τ_c] (which covers every
counted point), |δt_e| ≤ 2⁻⁴⁰ τ_c.  The t integral is done in λ = asinh(t/t_s),
t_s = max(Δ0(h), ε_lo)/a, a = h^{3/2}/√2 (ε ≈ Δ0 cosh λ: uniform in ln ε where ε ≫ Δ0,
uniform in t where ε ≈ Δ0), ε_lo = 10⁻³ min w, lowered to √(2Δ0(Δ0 − w))/a for every
w < Δ0 (just below h*, 1/(ε − w) ≈ 1/((Δ0 − w)(1 + (t/t_s)²)) is a narrow Lorentzian, smooth
in λ; Δ0 from the solve at t_b = 0): K panels of equal width ≤ ``PANEL`` on
[0, λ_e] with ``NODES`` Gauss–Legendre nodes each, the same nodes for every (ω, T).
Pole: for h > h*(ω) the root t*(h) of ε = w (``shell_point``, the shell estimator's Newton)
gives poles ±λ* of the integrand G(λ) = φ A/(ε − w) t'(λ), even in λ, with residues ±c,
c = φ(t*) A(w)/ε'(t*) = k_B W f(h) A(w) (f the shell density of :mod:`.acoustic_soft` at the
same root, weighted by the same squared coupling), subtracted with their analytic principal value:

.. math:: P\!\!\int_0^{\lambda_e}\! G\,d\lambda = \int_0^{\lambda_e}\Big[G - c\Big(
          \frac{1}{\lambda-\lambda^*} - \frac{1}{\lambda+\lambda^*}\Big)\Big]d\lambda
          + c\,\ln\frac{|\lambda_e - \lambda^*|}{\lambda_e + \lambda^*}.

The remainder is smooth; the quadrature error of I(h) is measured against scipy's Cauchy-
weighted adaptive quadrature of the same integrand at fixed depths
(tests/physics/test_soft_velocity.py): ≤ 1e-4 relative of ∫|G| at the default PANEL, NODES.

Depth proposal.  Below each threshold h*_k, I(h) ∝ 1/√(h*_k − h) (the bottom of the band,
ε(h, 0) = Δ0(h), approaches the pole from above: ∫dt/(Δ0 + a²t²/2Δ0 − w) ∝ 1/√(Δ0 − w));
above it I is finite.  So the depth is drawn from the mixture
q(h) = (1 − β) q_h(h) + (β/n_ω) Σ_k [0 < h*_k − h < L_k]/(2√(L_k(h*_k − h))), q_h the
population proposal's marginal (piecewise constant ∝ τ_c), L_k = min(2σ_k², h*_k − h_lo)
(σ_k of :mod:`.acoustic_soft`: Δ0 changes by ~e over L_k), β = ``BETA``; then I/q is bounded
(with q_h alone E[(I/q)²] would diverge logarithmically at every h*_k).

Per-sample estimator.  The sample's own depth gives v_i = F_h(h_i), exactly uniform and
independent of its other variates (``shell_variates``).  A fraction p = min(1,
``VELOCITY_SAMPLES``/N) carries the velocity: sample i does iff v_i < p, at the depth h_i'
that the mixture's inverse CDF assigns to v_i/p (uniform given the selection), and

.. math:: y_i = \frac{[v_i < p]}{p\,N}\,\frac{I(h_i')}{q(h_i')},\qquad \hat V = \sum_i y_i,

unbiased (E y_i = V/N, up to the quadrature error of I above) with variance
Var(V̂) = (E_q[(I/q)²]/p − V²)/N, finite; estimated from Σy, Σy² like every observable.
Measured (soft_acoustics.toml, 1024 samples): relative standard error 6–9 % (per-sample
relative spread of I/q 1.7–2.5).  The y_i of one sample at all (ω, T) come from one set of
solves (~3·NODES·K pair-solves, 40 bisection solves and the shell roots per ω).
``squared_coupling`` (a function of the frame solve) makes the same integral for another
matrix element: M_over_c² here (strain), x01² for a dipole.
"""
from __future__ import annotations

import math

import numpy as np

from ..units import K_B
from .acoustic_soft import SoftShell, dipole_coupling, frame_points, shell_point, strain_coupling

__all__ = ["VELOCITY_SAMPLES", "PANEL", "NODES", "BETA", "velocity_depths", "edge", "pv_per_depth",
           "velocity_terms", "strain_coupling", "dipole_coupling"]

VELOCITY_SAMPLES = 1024
"""Expected number of samples of a run that carry the resonant velocity (p = min(1, this/N))."""
PANEL = 2.0
"""Largest width of a Gauss–Legendre panel in λ = asinh(t/t_s) (≈ 0.87 decades of E)."""
NODES = 6
"""Gauss–Legendre nodes per panel."""
BETA = 0.5
"""Share of the depth proposal given to the 1/√(h*_k − h) components (module docstring)."""


def _depth_density(shell: SoftShell, h: np.ndarray) -> np.ndarray:
    """q_h(h): the proposal's marginal density of the depth (piecewise constant ∝ τ_c)."""
    c = np.clip(np.searchsorted(shell.h_hi, h, side="left"), 0, shell.h_hi.size - 1)
    c0 = np.where(c > 0, shell.cum[np.maximum(c - 1, 0)], 0.0)
    inside = (h >= shell.h_lo[0]) & (h <= shell.h_hi[-1])
    return np.where(inside, (shell.cum[c] - c0) / (shell.h_hi[c] - shell.h_lo[c]), 0.0)


def _edge_scales(shell: SoftShell) -> np.ndarray:
    """L_k = min(2σ_k², h*_k − h_lo): the depth range below h*_k where Δ0 changes by ~e."""
    return np.minimum(2.0 * shell.sigma ** 2, shell.h_star - shell.h_lo[0])


def velocity_depths(shell: SoftShell, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(h, q(h)) for uniform u: the mixture proposal of the module docstring and its density."""
    nw, L = shell.w.size, _edge_scales(shell)
    split = 1.0 - BETA
    main = u < split
    um = np.where(main, u / split, 0.5)
    c = np.minimum(np.searchsorted(shell.cum, um, side="right"), shell.cum.size - 1)
    c0 = np.where(c > 0, shell.cum[np.maximum(c - 1, 0)], 0.0)
    h = shell.h_lo[c] + np.clip((um - c0) / (shell.cum[c] - c0), 0.0, 1.0) * (
        shell.h_hi[c] - shell.h_lo[c])
    x = np.where(main, 0.0, (u - split) / BETA * nw)          # component k + fraction z
    k = np.minimum(x.astype(int), nw - 1)
    z = x - k
    h = np.where(main, h, shell.h_star[k] - L[k] * z * z)
    return h, _mixture_density(shell, h, L)


def _mixture_density(shell: SoftShell, h: np.ndarray, L: np.ndarray) -> np.ndarray:
    q = (1.0 - BETA) * _depth_density(shell, h)
    for hs, lk in zip(shell.h_star, L):
        d = hs - h
        live = (d > 0.0) & (d < lk)
        q = q + np.where(live, BETA / shell.w.size / (2.0 * np.sqrt(lk * np.where(live, d, 1.0))),
                         0.0)
    return q


def edge(shell: SoftShell, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(t_e(h), Δ0(h)): the end of the counted interval 0 ≤ t_b < t_e at depths h (0 if
    nothing is counted at t_b = 0), by 40 bisections of the population's counting rule in
    [0, τ_c], and the splitting of the symmetric well (units of W)."""
    model, mat = shell.model, shell.material
    tab = model.table(mat)
    c = np.clip(np.searchsorted(tab.h_hi, h, side="left"), 0, tab.tau.size - 1)

    def solve(t):
        return model.solve(mat, -h, t, -h, t, np.ones_like(h))
    lo, hi = np.zeros_like(h), tab.tau[c].astype(float)
    sym = solve(lo)
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        ok = solve(mid).counted
        lo, hi = np.where(ok, mid, lo), np.where(ok, hi, mid)
    return np.where(sym.counted, lo, 0.0), sym.E


def _nodes(shell: SoftShell, h: np.ndarray, t_e: np.ndarray, d0: np.ndarray, eps_lo: float):
    """λ nodes and weights (n, K·NODES), t(λ), t'(λ) and λ_e, t_s per depth (module doc)."""
    a = h ** 1.5 / math.sqrt(2.0)
    t_s = np.maximum(d0, eps_lo)
    for w in shell.w:        # below h*: the Lorentzian width of 1/(ε − w) near t = 0
        t_s = np.where(d0 > w, np.minimum(t_s, np.sqrt(2.0 * d0 * np.abs(d0 - w))), t_s)
    t_s = t_s / a
    lam_e = np.arcsinh(t_e / t_s)
    k = max(1, math.ceil(float(lam_e.max(initial=0.0)) / PANEL))
    x, wx = np.polynomial.legendre.leggauss(NODES)
    frac = ((np.arange(k)[:, None] + 0.5 * (1.0 + x)) / k).ravel()
    lam = lam_e[:, None] * frac
    wl = lam_e[:, None] * np.tile(wx / (2.0 * k), k)
    return lam, wl, t_s[:, None] * np.sinh(lam), t_s[:, None] * np.cosh(lam), lam_e, t_s


def _A(eps, w, T, T_ref):
    """A(ε) = [tanh(ε/2θ) − tanh(ε/2θ_ref)] ε/(ε + w) (module docstring), units of W."""
    return (np.tanh(eps / (2.0 * T)) - np.tanh(eps / (2.0 * T_ref))) * eps / (eps + w)


def pv_per_depth(shell: SoftShell, h: np.ndarray, temps_W, T_ref_W: float,
                 squared_coupling=strain_coupling) -> np.ndarray:
    """I(h) of the module docstring at depths h (proposal range), shape (h, ω, T), for every
    frequency w of ``shell`` and temperature θ of ``temps_W`` (units of W); J⁻¹ m⁻³ per unit
    h.  ``squared_coupling(pop)`` -> the squared matrix element of each frame point (0 where
    not counted): :func:`strain_coupling` for Δv/v; a dipole's x01² for Δε/ε."""
    n, nw, temps = h.size, shell.w.size, np.asarray(temps_W, dtype=float)
    out = np.zeros((n, nw, temps.size))
    t_e, d0 = edge(shell, h)
    live = np.flatnonzero(t_e > 0.0)
    if live.size == 0:
        return out
    h, t_e = h[live], t_e[live]
    lam, wl, t, dt, lam_e, t_s = _nodes(shell, h, t_e, d0[live], 1e-3 * float(shell.w.min()))
    m = lam.shape[1]
    pop, nfr = frame_points(shell, np.repeat(h, m), t.ravel())
    phi = ((pop.weight * squared_coupling(pop)).reshape(nfr, n_pts := h.size * m).sum(axis=0)
           .reshape(h.size, m) * dt)
    eps = pop.E[:n_pts].reshape(h.size, m)
    for k, w in enumerate(shell.w):
        t_star, f = np.full_like(h, np.nan), np.zeros_like(h)
        deep = h > shell.h_star[k]
        if deep.any():
            t_star[deep], f[deep] = shell_point(shell, h[deep], float(w), squared_coupling)
        pole = np.isfinite(t_star) & (f > 0.0)
        lam_s = np.where(pole, np.arcsinh(np.where(pole, t_star, 0.0) / t_s), 1.0)[:, None]
        with np.errstate(divide="ignore"):
            sub = np.where(pole[:, None], 1.0 / (lam - lam_s) - 1.0 / (lam + lam_s), 0.0)
            pv = np.where(pole, np.log(np.abs(lam_e - lam_s[:, 0]) / (lam_e + lam_s[:, 0])), 0.0)
        for j, T in enumerate(temps):
            c = K_B * shell.W_K * f * float(_A(w, w, T, T_ref_W)) * pole
            g = phi * _A(eps, w, T, T_ref_W) / (eps - w) - c[:, None] * sub
            out[live, k, j] = ((wl * g).sum(axis=1) + c * pv) / (K_B * shell.W_K)
    return out


def velocity_terms(shell: SoftShell, v: np.ndarray, n_total: int, temps_W,
                   T_ref_W: float, squared_coupling=strain_coupling) -> np.ndarray:
    """y (T, N, ω): the per-sample terms of the module docstring (zero unless v_i < p),
    divided by ``n_total``; J⁻¹ m⁻³ (per unit squared coupling: ``squared_coupling`` as in
    :func:`pv_per_depth`)."""
    temps = np.asarray(temps_W, dtype=float)
    y = np.zeros((temps.size, v.size, shell.w.size))
    p = min(1.0, VELOCITY_SAMPLES / n_total)
    sel = np.flatnonzero(v < p)
    if sel.size == 0:
        return y
    h, q = velocity_depths(shell, v[sel] / p)
    I = pv_per_depth(shell, h, temps, T_ref_W, squared_coupling)
    y[:, sel, :] = (I / (q * p * n_total)[:, None, None]).transpose(2, 0, 1)
    return y
