r"""Acoustic response of a soft-potential population (PHYSICS §3, §10; GGP §II–III).

The ``acoustic`` measurement (:mod:`.acoustic`) hands a scenario with ``population.model =
"soft"`` to this module.  Same rows and conventions (energy attenuation l⁻¹ in m⁻¹,
Q⁻¹ = l⁻¹v/ω, Δv/v relative to T_ref, per polarization α); the couplings are those of
PHYSICS §3 per unit γ_α = W c_α/η_L: diagonal D = γ_α D_over_c, off-diagonal
M = γ_α M_over_c (``<1|(y+δ)²|1> − <0|(y+δ)²|0>`` and ``<0|(y+δ)²|1>`` from the wavefunctions).

Relaxation part: the population's own samples, exactly as for the tunneling model,
l⁻¹_rel = (ω/ρv³) Σ w D² (−∂f/∂E) ωτ/(1 + ω²τ²) and Δv/v_rel = −(1/2ρv²) Σ w D² (−∂f/∂E)
/(1 + ω²τ²), τ = 1/K from the scenario's rate channels.

Resonant part: l⁻¹_res = (πωγ²/ρv³) ñ(ħω) tanh(ħω/2kT) with
ñ(E) = Σ_i w_i M_over_c,i² δ(E − E_i) (J⁻¹ m⁻³).  In the barrier-frame coordinates of the
population (depth h = −η̃_b, cubic t_b; six frames per point: type 1 and type 2 with σ = ±1,
each at ±t_b, density ρ_f per unit h per unit t_b, :mod:`tlsmc.population.soft`) the δ is
integrated analytically over t_b at fixed h: E(h, t_b) is even in t_b and grows with |t_b|,
so for h above the threshold h* (Δ0 of the symmetric well = ħω) there are two roots ±t*(h),
and

.. math:: \tilde n(E) = \int_{h^*}^{h_{max}} dh\, f(h),\qquad
          f(h) = \frac{1}{k_B W}\sum_{\pm}\sum_{\rm frames} \frac{\rho_f\, M_f^2\,[\text{counted}_f]}
                 {|\partial\varepsilon/\partial t_b|_{t_b = \pm t^*(h)}},

with the Hellmann–Feynman derivative ∂ε/∂t_b = <1|y³|1> − <0|y³|0> (type-1 frame) and t*
found by safeguarded Newton in s = t_b² (E² is nearly linear in t_b²) to |E − ħω| ≤
max(1e-10 ħω, 2e-15 W) (the solver's absolute floor) or a bracket of 1e-12 relative width.
f has an integrable 1/√(h − h*) edge at h*: the shell depth is drawn as h = h* + z², z
half-normal of scale σ (σ² = 1/k, k = 2|d ln Δ0/dh| at h*, so the proposal's tail e^{−k(h−h*)/2}
is heavier than f's ∝ Δ0²), density q(h) = √(2/π) e^{−z²/2σ²}/(2σz), and f/q is bounded.

Per-sample variate and estimator.  Sample i's depth h_i has the population proposal's
marginal, so v_i = F_h(h_i) (its cell CDF) is exactly uniform and independent of the sample's
other variates.  A fraction p = min(1, ``SHELL_SAMPLES``/N) of the samples carries the shell:
sample i does iff v_i < p, at depth h(v_i/p) (v_i/p uniform given the selection), so

.. math:: x_i = \frac{[v_i < p]}{p\,N}\,\frac{f(h_i')}{q(h_i')},\qquad \hat{\tilde n} = \sum_i x_i,

is unbiased (E x_i = ñ/N) with variance Var(ñ̂) = N Var(x_i) = (E[g²]/p − ñ²)/N, g = f/q
(≈ E[g²]/SHELL_SAMPLES for p < 1), finite because g is bounded; it is estimated from Σx, Σx²
as for every other observable (the x_i are iid).  Measured: the relative spread of g is 0.29
(soft_glass, 0.1–1 GHz), so 8192 shell samples give ~1.1 % on ñ.  The cross moments with
the relaxation terms of the same samples give the error of ``total``.

Resonant velocity: P∫ñ(E)F(E)dE needs ñ off the shell; its per-sample estimator (a depth
per sample, the t_b integral at that depth with the pole at ħω subtracted using f(h) above)
is in :mod:`.acoustic_soft_velocity`.  ``dv_over_v`` rows: resonant, relaxation and total.

Restrictions (ConfigError at load): ``antithetic = false`` (per-sample standard errors);
ħω below E_max and below the splitting of the shallowest symmetric well of the proposal.
"""
from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri

from ..config import require
from ..population.soft import to_type2_frame
from ..spectrum.soft_solver import TYPE1, TYPE2, solve_soft, symmetric_depth
from ..units import HBAR, K_B, PI

__all__ = ["SHELL_SAMPLES", "SoftShell", "soft_shell", "check_soft", "shell_variates",
           "shell_density", "shell_draws", "shell_point", "strain_coupling", "dipole_coupling", "shell_terms", "shell_roots",
           "frame_points"]

SHELL_SAMPLES = 8192
"""Expected number of samples of a run that carry the resonant shell estimate (each costs
~10 solves per frequency); p = min(1, SHELL_SAMPLES/N).  8192 gives ~1 % on ñ."""
_BY = "the acoustic measurement (soft population)"


@dataclass(frozen=True)
class SoftShell:
    """What the soft shell estimator needs (module docstring); energies in units of W.

    w : (F,) ħω/(k_B W); h_star : (F,) thresholds; sigma : (F,) proposal scales;
    h_lo, h_hi, cum : the population's proposal cells in h (for F_h); h_max : depth_max;
    lnd0_h, lnd0 : ln Δ0 of the symmetric well on a grid of h (Newton's first guess only);
    W_K : W; p : selection probability.
    """

    model: object
    material: object
    w: np.ndarray
    h_star: np.ndarray
    sigma: np.ndarray
    h_lo: np.ndarray
    h_hi: np.ndarray
    cum: np.ndarray
    h_max: float
    lnd0_h: np.ndarray
    lnd0: np.ndarray
    W_K: float
    p: float


def check_soft(cfg, scenario, prefix: str = "scenario.measurement",
               who: str = "the acoustic measurement") -> None:
    """ConfigError unless the soft shell estimator applies to this scenario (module doc);
    ``prefix``: the measurement's dotted name in messages, ``who``: the measurement."""
    pop = scenario.population
    require(not pop.antithetic, f"scenario.population.antithetic must be false for {who} "
                                "(its standard errors assume independent samples)")
    _thresholds(pop, scenario.material, tuple(cfg.frequencies_Hz), prefix)


@functools.lru_cache(maxsize=16)
def _thresholds(model, material, freqs: tuple,
                prefix: str = "acoustic") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(w, h*, σ) per frequency; ConfigError for a frequency the estimator cannot take."""
    W = material.need("W_K", _BY)
    tab = model.table(material)
    d0_top = float(solve_soft(-tab.h_lo[0], 0.0).delta0)
    w = np.array([HBAR * 2.0 * PI * f / (K_B * W) for f in freqs])
    hs, sig = [], []
    for i, (f, wi) in enumerate(zip(freqs, w)):
        require(wi * W < model.E_max_K, f"{prefix}.frequencies_Hz[{i}] = {f:g} Hz: ħω/k_B = "
                f"{wi * W:g} K must be < scenario.population.E_max_K = {model.E_max_K:g} K")
        require(wi < d0_top, f"{prefix}.frequencies_Hz[{i}] = {f:g} Hz: ħω/k_B = {wi * W:g} K "
                f"must be below the splitting of the shallowest symmetric well of the soft "
                f"population, {d0_top * W:g} K (the shell estimator's threshold)")
        h = symmetric_depth(wi)
        require(h < model.depth_max, f"{prefix}.frequencies_Hz[{i}] = {f:g} Hz: no soft TLS "
                f"with E = ħω above depth_max = {model.depth_max:g} (raise the frequency)")
        d = np.log(solve_soft(-np.array([h - 0.01, h + 0.01]), 0.0).delta0)
        k = 2.0 * abs(d[1] - d[0]) / 0.02
        hs.append(h)
        sig.append(1.0 / math.sqrt(k))
    return w, np.array(hs), np.array(sig)


@functools.lru_cache(maxsize=16)
def _d0_table(h_lo: float, h_max: float) -> tuple[np.ndarray, np.ndarray]:
    h = np.arange(h_lo, h_max + 0.1, 0.05)
    return h, np.log(solve_soft(-h, 0.0).delta0)


def soft_shell(cfg, scenario, n_total: int) -> SoftShell:
    """The :class:`SoftShell` of an acoustic config and a soft scenario of ``n_total`` samples."""
    model, mat = scenario.population, scenario.material
    w, hs, sig = _thresholds(model, mat, tuple(cfg.frequencies_Hz), "acoustic")
    tab = model.table(mat)
    lh, l0 = _d0_table(float(tab.h_lo[0]), float(model.depth_max))
    return SoftShell(model, mat, w, hs, sig, tab.h_lo, tab.h_hi, tab.cum, float(model.depth_max),
                     lh, l0, mat.need("W_K", _BY), min(1.0, SHELL_SAMPLES / n_total))


def shell_variates(shell: SoftShell, depth: np.ndarray) -> np.ndarray:
    """v_i = F_h(h_i): the proposal's CDF of the depth at each sample's own h (uniform)."""
    c = np.clip(np.searchsorted(shell.h_hi, depth, side="left"), 0, shell.h_hi.size - 1)
    c0 = np.where(c > 0, shell.cum[np.maximum(c - 1, 0)], 0.0)
    frac = np.clip((depth - shell.h_lo[c]) / (shell.h_hi[c] - shell.h_lo[c]), 0.0, 1.0)
    return c0 + frac * (shell.cum[c] - c0)


def shell_roots(shell: SoftShell, h: np.ndarray, w: float):
    """t* > 0 with E(−h, t*) = w (type-1 frame) and the solve there (SoftSpectrum).

    Safeguarded Newton in s = t²: G(s) = E² − w², G' = E (∂E/∂t)/t with the Hellmann–Feynman
    ∂E/∂t = <1|y³|1> − <0|y³|0>; the bracket [lo, hi] keeps every step inside.
    """
    chi = shell.material.need("soft_chi", _BY)
    cut = shell.model.ratio_cut
    d0 = np.exp(np.interp(h, shell.lnd0_h, shell.lnd0))
    k2 = h ** 3 / 2.0                                   # asymmetry ≈ t h^{3/2}/√2
    s = np.maximum(w * w - d0 * d0, 1e-6 * w * w) / k2
    lo, hi = np.zeros_like(h), np.full_like(h, np.inf)
    t_out = np.empty_like(h)
    active = np.arange(h.size)
    res = {}
    for _ in range(60):
        if active.size == 0:
            break
        t = np.sqrt(s[active])
        sp = solve_soft(-h[active], t, chi=chi, ratio_cut=cut)
        G = sp.E * sp.E - w * w
        done = ((np.abs(sp.E - w) <= max(1e-10 * w, 2e-15))       # E's absolute floor ~1e-15 W
                | (hi[active] - lo[active] <= 1e-12 * s[active]))
        for j in np.flatnonzero(done):
            res[active[j]] = (t[j], sp, j)
        neg = G < 0
        lo[active] = np.where(neg, s[active], lo[active])
        hi[active] = np.where(neg, hi[active], s[active])
        dG = sp.E * (sp.x3_11 - sp.x3_00) / t
        with np.errstate(divide="ignore", invalid="ignore"):
            new = s[active] - G / dG
        a, b = lo[active], hi[active]
        bad = ~np.isfinite(new) | (new <= a) | (new >= b)
        new = np.where(bad, np.where(np.isfinite(b), 0.5 * (a + b), 4.0 * s[active]), new)
        s[active] = new
        active = active[~done]
    else:  # pragma: no cover - Newton in t² converges in ~4 steps
        raise RuntimeError("shell_roots: no convergence")
    fields = ("E", "x3_11", "x3_00", "E21", "kind")
    out = {f: np.empty(h.size, dtype=getattr(res[0][1], f).dtype) for f in fields} if res else {}
    for i, (ti, sp, j) in res.items():
        t_out[i] = ti
        for f in fields:
            out[f][i] = getattr(sp, f)[j]
    return t_out, out


def frame_points(shell: SoftShell, h: np.ndarray, t: np.ndarray):
    """The barrier-frame points of depths h (all > 0, ≤ depth_max) at cubic |t_b| = t: ±t, each
    in the type-1 frame and (if the population has type 2) the two type-2 frames σ = ±1, solved
    as the population solves its samples.  Returns (pop, n_frames): ``pop`` the population's
    solve of the n_frames·h.size points, frame-major (``pop.weight`` = density per unit h per
    unit t_b in J⁻¹ m⁻³, 0 where not counted); reshape a field to (n_frames, h.size) and sum
    axis 0 to add the frames."""
    model, mat = shell.model, shell.material
    frames = [0.0] + ([1.0, -1.0] if model.type2_ratio > 0 else [])
    eta_l, t_l, eb_l, tb_l, rho_l = [], [], [], [], []
    for sign in (1.0, -1.0):
        tb = sign * t
        for sigma in frames:
            if sigma == 0.0:
                eta, tt, jac, kind = -h, tb, np.ones_like(h), TYPE1
            else:
                eta, tt, jac = to_type2_frame(-h, tb, np.full_like(h, sigma))
                kind = TYPE2
            eta_l.append(eta)
            t_l.append(tt)
            eb_l.append(-h)
            tb_l.append(tb)
            rho_l.append(jac * model.relative_density(eta, tt, np.full(h.shape, kind)))
    # solve in mirror pairs (t_b, σ) <-> (−t_b, −σ), adjacent, so that solve_soft_pairs solves
    # one of each (half the cost); the output keeps the frame-major order
    nf, n = len(eta_l), h.size
    mirror = [nf // 2 + ((nf // 2 - k) % (nf // 2)) for k in range(nf // 2)]
    blocks = np.arange(nf * n).reshape(nf, n)
    perm = np.stack([blocks[:nf // 2], blocks[mirror]], axis=1).transpose(0, 2, 1).ravel()
    cat = np.concatenate
    pop = model.solve(mat, *(cat(a)[perm] for a in (eta_l, t_l, eb_l, tb_l)),
                      model.density_scale(mat) * cat(rho_l)[perm])
    inv = np.argsort(perm)
    return dataclasses.replace(pop, **{f.name: getattr(pop, f.name)[inv]
                                       for f in dataclasses.fields(pop)}), nf


def shell_density(shell: SoftShell, h: np.ndarray, w: float) -> np.ndarray:
    """f(h) of the module docstring at depths h > h*, J⁻¹ m⁻³ per unit h."""
    return shell_point(shell, h, w)[1]


def strain_coupling(pop) -> np.ndarray:
    """M_over_c² of a frame solve (0 where not counted): the strain coupling per unit γ²."""
    return np.where(pop.counted, pop.M_over_c, 0.0) ** 2


def dipole_coupling(pop) -> np.ndarray:
    """x01² of a frame solve (0 where not counted): the dipole coupling per unit p0²."""
    return np.where(pop.counted, pop.x01, 0.0) ** 2


def shell_point(shell: SoftShell, h: np.ndarray, w: float,
                squared_coupling=strain_coupling) -> tuple[np.ndarray, np.ndarray]:
    """(t*, f(h)) at depths h > h*: the root of E = w (units of W; NaN beyond depth_max) and
    the shell density there (module docstring), J⁻¹ m⁻³ per unit h, weighted by
    ``squared_coupling(pop)`` of the frame solves (M_over_c²; x01² for a dipole)."""
    f, t_star = np.zeros_like(h), np.full_like(h, np.nan)
    inside = h <= shell.h_max
    if not inside.any():
        return t_star, f
    hh = h[inside]
    t, sp = shell_roots(shell, hh, w)
    dEdt = np.abs(sp["x3_11"] - sp["x3_00"])
    pop, nfr = frame_points(shell, hh, t)
    per = (pop.weight * squared_coupling(pop)).reshape(nfr, hh.size).sum(axis=0)
    f[inside] = per / (dEdt * K_B * shell.W_K)
    t_star[inside] = t
    return t_star, f


def shell_draws(shell: SoftShell, v: np.ndarray):
    """The shell depths of the selected samples (v_i < p; module docstring): (sel, draws),
    ``draws[k] = (h, inv_q)`` at frequency k, h = h* + z² the depth of each selected sample
    and inv_q = 1/q(h) (0 where z = 0), q(h) = √(2/π) e^{−z²/2σ²}/(2σz) per unit h."""
    sel = np.flatnonzero(v < shell.p)
    u = v[sel] / shell.p
    draws = []
    for hs, sg in zip(shell.h_star, shell.sigma):
        z = sg * ndtri(0.5 * (1.0 + u))
        inv_q = np.where(z > 0.0, 2.0 * sg * z * math.sqrt(PI / 2.0)
                         * np.exp(np.minimum(0.5 * (z / sg) ** 2, 700.0)), 0.0)
        draws.append((hs + z * z, inv_q))
    return sel, draws


def shell_terms(shell: SoftShell, v: np.ndarray, n_total: int) -> np.ndarray:
    """x (N, F): the per-sample shell terms of the module docstring (zero unless selected),
    divided by ``n_total``; J⁻¹ m⁻³."""
    x = np.zeros((v.size, shell.w.size))
    sel, draws = shell_draws(shell, v)
    for k, (w, (h, inv_q)) in enumerate(zip(shell.w, draws)):
        ok = inv_q > 0.0
        f = np.zeros_like(h)
        f[ok] = shell_density(shell, h[ok], float(w))
        x[sel, k] = f * inv_q / (shell.p * n_total)
    return np.ascontiguousarray(x)
