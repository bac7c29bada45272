"""Shared base of the acoustic and dielectric measurements (PHYSICS §10): the tunneling
population's δ-shell estimator of the resonant part and its principal-value tables, the
polarization constants and the accumulator of the tunneling ``acoustic`` measurement.

The estimators (x_i, y_i, the peaked J0's power-law term, their variances) are stated in the
docstring of :mod:`tlsmc.measurements.acoustic`; energies in K, densities in J^-1 m^-3.
Imported by :mod:`.acoustic`, :mod:`.acoustic_soft`, :mod:`.dielectric` and
:mod:`.conduction` (and nothing here imports them: no import cycle).
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from .._kernels.acoustics import relaxation_sums
from ..config import ConfigError
from ..units import HBAR, K_B, EV, PI
from .common import FieldSums, make_rows, standard_error

__all__ = ["ShellModel", "flat_j0", "shell_model", "shell_variates", "shell_window",
           "shell_points", "shell_density", "velocity_points", "pv_table", "pv_eval",
           "pv_peak_table", "pv_peak_eval", "shell_velocity",
           "polarization_constants", "shell_densities", "shell_velocities", "velocity_sums",
           "resonance_setup"]

_BY = "the acoustic measurement"
_N_PV = 20001     # log-grid points of a PV table (trapezoid in ln E, rel. error ~1e-7)


@dataclass(frozen=True)
class ShellModel:
    """What the shell estimator needs from a tunneling population (energies in K).

    P_bar_per_J_m3 : P̄ (Δ ≥ 0), J^-1 m^-3; delta_max_K : Δ_max;
    delta0_min_K, delta0_max_K : Δ0 at J_max and J_min; two_hbar_nu_K : 2ħν/k_B;
    J0 : the J0 distribution (``pdf``); delta_cdf : Δ -> F_q(Δ) of the Δ proposal;
    peak_A, peak_p : amplitude A and exponent p = 2/w of a peaked structural J0 (0 if flat).
    """

    P_bar_per_J_m3: float
    delta_max_K: float
    delta0_min_K: float
    delta0_max_K: float
    two_hbar_nu_K: float
    J0: object
    delta_cdf: object
    peak_A: float = 0.0
    peak_p: float = 0.0


def flat_j0(J0) -> bool:
    """True if the J0 pdf is constant on its support: uniform, or structural without a peak
    (shape 'sharp'): the shell and principal-value estimators below are exact for these."""
    return float(getattr(J0, "peak_amplitude", 0.0)) == 0.0


def shell_model(scenario, who: str = _BY, peaked: bool = False) -> ShellModel:
    """ShellModel of a scenario; ConfigError unless it is a tunneling population with a J0
    pdf constant on its support (:func:`flat_j0`), or also a peaked structural J0 if
    ``peaked`` (callers that evaluate the peak term: acoustic, dielectric)."""
    pop = scenario.population
    if getattr(pop, "delta_sampling", None) is None or not hasattr(pop, "J0"):
        raise ConfigError(f"scenario.population.model must be 'tunneling' for {who} "
                          f"(its soft-population shell estimator is in acoustic_soft)")
    if not (peaked or flat_j0(pop.J0)):
        raise ConfigError(f"scenario.population.J0.shape must be 'sharp' for {who} (the "
                          f"principal-value velocity needs a J0 pdf constant on its support; "
                          f"got 'peaked' with peak_amplitude = {pop.J0.peak_amplitude:g})")
    mat = scenario.material
    two_hbar_nu = 2.0 * HBAR * mat.need("nu_rad_s", who) / K_B
    lo, hi = pop.J0.support
    if pop.delta_sampling == "uniform":
        cdf = lambda d: np.clip(d / pop.delta_max_K, 0.0, 1.0)  # noqa: E731
    else:
        k, z = pop.delta_knee_K, 1.0 + math.log(pop.delta_max_K / pop.delta_knee_K)

        def cdf(d):
            d = np.asarray(d, dtype=float)
            with np.errstate(divide="ignore"):
                zz = np.where(d < k, d / k, 1.0 + np.log(np.maximum(d, k) / k))
            return np.clip(zz / z, 0.0, 1.0)
    A = 0.0 if flat_j0(pop.J0) else float(pop.J0.peak_amplitude)
    return ShellModel(mat.need("P_bar_per_J_m3", who), pop.delta_max_K,
                      two_hbar_nu * math.exp(-hi / 2.0), two_hbar_nu * math.exp(-lo / 2.0),
                      two_hbar_nu, pop.J0, cdf, A, 2.0 / pop.J0.peak_width if A else 0.0)


def shell_variates(shell: ShellModel, delta_K: np.ndarray) -> np.ndarray:
    """s_i = F_q(Δ_i): one uniform variate per sample, from its own Δ (module docstring)."""
    return shell.delta_cdf(delta_K)


def shell_window(shell: ShellModel, E_K: float) -> tuple[float, float, float, float]:
    """(s_lo, W, u_lo, u_hi) of the shell E: the cut-offs allow s = Δ/E in [s_lo, s_lo + W]
    (u = Δ0/E = √(1 − s²) in [u_lo, u_hi]: Δ0min ≤ uE ≤ Δ0max, u ≤ 1, Es ≤ Δ_max); W = 0 when
    no TLS of the model lies on the shell.  W = (u_hi² − u_lo²)/(s_lo + s_hi): no cancellation
    when the window is narrower than the spacing of doubles near 1 (Δ0max ≪ E)."""
    u_lo, u_hi = shell.delta0_min_K / E_K, min(1.0, shell.delta0_max_K / E_K)
    s_hi = math.sqrt((1.0 - u_lo) * (1.0 + u_lo))
    if shell.delta_max_K < E_K:
        r = shell.delta_max_K / E_K
        u_c = math.sqrt((1.0 - r) * (1.0 + r))
        if u_c > u_lo:
            u_lo, s_hi = u_c, r
    if u_hi <= u_lo:
        return 0.0, 0.0, u_lo, u_hi
    s_lo = math.sqrt((1.0 - u_hi) * (1.0 + u_hi))
    return s_lo, (u_hi - u_lo) * (u_hi + u_lo) / (s_lo + s_hi), u_lo, u_hi


def shell_points(shell: ShellModel, s: np.ndarray, E_K: float):
    """(s', u, W): the shell points s' = s_lo + W s_i of the uniform variates s_i and their
    u = Δ0/E = √(1 − s'²) (computed as √(u_hi² − (s'² − s_lo²)), exact for Δ0max ≪ E), W the
    window width (:func:`shell_window`; W = 0, u = 0 for an empty shell)."""
    s_lo, W, u_lo, u_hi = shell_window(shell, E_K)
    t = W * np.asarray(s, dtype=float)                   # s' − s_lo
    u2 = np.clip(u_hi * u_hi - t * (t + 2.0 * s_lo), u_lo * u_lo, u_hi * u_hi)
    return s_lo + t, (np.sqrt(u2) if W > 0.0 else np.zeros_like(t)), W


def shell_density(shell: ShellModel, s: np.ndarray, E_K: float) -> np.ndarray:
    """x_i = P̄ pdf(J0*(E, s')) W at s' = s_lo + W s_i (:func:`shell_points`), J^-1 m^-3 (mean
    over the uniform s_i = ñ(E)); exactly 0 for an empty shell."""
    _, u, W = shell_points(shell, s, E_K)
    if W == 0.0:
        return np.zeros_like(u)
    with np.errstate(divide="ignore"):
        J = 2.0 * np.log(shell.two_hbar_nu_K / (E_K * u))
    return shell.P_bar_per_J_m3 * shell.J0.pdf(J) * W


def _pole_residue(x, w_K: float, T: float, T_ref: float):
    """H(E) = [tanh(E/2T) − tanh(E/2T_ref)] E/(E + w): F(E) = H(E)/(E − w) (energies in K)."""
    return (np.tanh(x / (2 * T)) - np.tanh(x / (2 * T_ref))) * x / (x + w_K)


def _table_range(w_K: float, T: float, T_ref: float):
    """(lo, top) of a PV table: F ≈ linear below lo, the tanh difference ≈ 0 above top."""
    return 1e-9 * min(T, T_ref, w_K), 80.0 * max(T, T_ref, w_K)


@functools.lru_cache(maxsize=512)   # one table per (ω, T, T_ref) per process, not per chunk
def pv_table(w_K: float, T: float, T_ref: float, n: int = _N_PV):
    """Table of G(E) = P∫_0^E [tanh(E'/2T) − tanh(E'/2T_ref)] E'/(E'² − w²) dE' (module
    docstring): (ln E grid, regular part on it, H(w)); energies in K."""
    lo, top = _table_range(w_K, T, T_ref)
    E = np.geomspace(lo, top, n)

    def H(x):
        return _pole_residue(x, w_K, T, T_ref)
    hw = H(w_K)
    h = 1e-6 * w_K
    dH = (H(w_K + h) - H(w_K - h)) / (2 * h)
    diff = E - w_K
    near = np.abs(diff) < 1e-5 * w_K
    R = np.where(near, dH, (H(E) - hw) / np.where(near, 1.0, diff))
    f = R * E                                   # d/d(ln E)
    reg = np.concatenate(([lo * R[0]], lo * R[0] + np.cumsum(0.5 * (f[1:] + f[:-1])
                                                              * np.diff(np.log(E)))))
    return np.log(E), reg, hw, w_K


def pv_eval(table, E_K: np.ndarray) -> np.ndarray:
    """G(E) from :func:`pv_table` (0 below its grid, constant above it)."""
    lnE, reg, hw, w = table
    E = np.clip(E_K, math.exp(lnE[0]), math.exp(lnE[-1]))
    g = np.interp(np.log(E), lnE, reg)
    with np.errstate(divide="ignore"):
        g = g + hw * np.log(np.maximum(np.abs(E / w - 1.0), 1e-300))
    return np.where(E_K <= math.exp(lnE[0]), 0.0, g)


_WIN = math.log(2.0)    # pv_peak_table's pole window: |ln(E/ħω)| < ln 2


def _ei_pole(p: float, tau):
    """e^{−pτ} PV∫_{−ln2}^{τ} e^{pτ'}/τ' dτ' = e^{−pτ}[Ei(pτ) − Ei(−p ln2)] (τ = ln(E/ħω))."""
    from scipy.special import expi
    tau = np.asarray(tau, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.exp(-p * tau) * (expi(p * tau) - expi(-p * _WIN))


@functools.lru_cache(maxsize=512)
def pv_peak_table(w_K: float, T: float, T_ref: float, p: float, n: int = _N_PV):
    """Table of g(E) = E^{−p} G_p(E), G_p(E) = P∫_0^E E'^p F(E') dE' (module docstring; F as in
    :func:`pv_table`, energies in K): (ln E grid, regular part of g on it, H(w), w, p).

    With t = ln E, τ = t − ln w: G_p = P∫ e^{pt} ψ dt, ψ = E F(E) = E H(E)/(E − w).  On the
    window |τ| < ln 2 the pole is subtracted as H(w)/τ, whose weighted integral is exact:
    e^{−pτ} PV∫ e^{pτ'}/τ' dτ' = e^{−pτ}[Ei(pτ) − Ei(−p ln 2)] (:func:`_ei_pole`; added by
    :func:`pv_peak_eval` inside the window, carried in the regular part after it).  Per
    uniform-in-t piece (lo..w/2, window, 2w..top) the recurrence
    g_{k+1} = e^{−ph} g_k + c0 ψ_k + c1 ψ_{k+1} integrates the weight e^{−p(t − t')} exactly
    (ψ linear per step): every factor is ≤ 1, no overflow for any p.
    """
    from scipy.signal import lfilter
    lo, top = _table_range(w_K, T, T_ref)
    lw = math.log(w_K)
    edges = (math.log(lo), lw - _WIN, lw + _WIN, math.log(max(top, 4 * w_K)))
    step = (edges[-1] - edges[0]) / (n - 1)
    hw = _pole_residue(w_K, w_K, T, T_ref)
    d = 1e-6 * w_K
    lim = 0.5 * hw + w_K * (_pole_residue(w_K + d, w_K, T, T_ref)
                            - _pole_residue(w_K - d, w_K, T, T_ref)) / (2 * d)
    ts, gs = [], []
    g0 = lo * _pole_residue(lo, w_K, T, T_ref) / ((lo - w_K) * (p + 2.0))
    for k in range(3):
        t = np.linspace(edges[k], edges[k + 1], max(int((edges[k + 1] - edges[k]) / step), 64))
        E = np.exp(t)
        with np.errstate(divide="ignore", invalid="ignore"):     # E = w: replaced below
            psi = E * _pole_residue(E, w_K, T, T_ref) / (E - w_K)
        if k == 1:
            tau = t - lw
            near = np.abs(tau) < 1e-5
            psi = np.where(near, lim, psi - hw / np.where(near, 1.0, tau))
        h = t[1] - t[0]
        q = p * h
        if q < 1e-4:
            a1 = 1.0 - q / 2 + q * q / 6 - q**3 / 24          # (1 − e^{−q})/q
            b = 0.5 - q / 3 + q * q / 8 - q**3 / 30           # (1 − e^{−q}(1 + q))/q²
        else:
            a1 = -math.expm1(-q) / q
            b = (-math.expm1(-q) - q * math.exp(-q)) / (q * q)
        decay = math.exp(-q)
        g = lfilter([1.0], [1.0, -decay], h * b * psi[:-1] + h * (a1 - b) * psi[1:],
                    zi=[decay * g0])[0]
        ts.append(t if k == 0 else t[1:])
        gs.append(np.concatenate(([g0], g)) if k == 0 else g)
        g0 = g[-1] + (hw * float(_ei_pole(p, _WIN)) if k == 1 else 0.0)
    return np.concatenate(ts), np.concatenate(gs), hw, w_K, p


def pv_peak_eval(table, E_K: np.ndarray, ln_b0: np.ndarray) -> np.ndarray:
    """G_p(E)/b0^p = e^{p(ln E − ln b0)} g(E) from :func:`pv_peak_table`, for E ≤ b0 (every
    exponential ≤ 1; 0 below the grid, G_p constant above it); E, b0 in K, ``ln_b0`` = ln b0
    (arrays)."""
    lnE, reg, hw, w, p = table
    with np.errstate(divide="ignore"):
        t = np.clip(np.log(E_K), lnE[0], lnE[-1])
    tau = t - math.log(w)
    win = np.abs(tau) < _WIN
    g = np.interp(t, lnE, reg) + np.where(win, hw * _ei_pole(p, np.where(win, tau, 0.5)), 0.0)
    return np.where(t <= lnE[0], 0.0, np.exp(p * (t - ln_b0)) * g)


def shell_velocity(shell: ShellModel, s: np.ndarray, table, peak_table=None,
                   c: np.ndarray | None = None) -> np.ndarray:
    """y_i = P̄ [G(b_i) − G(a_i)] (+ the peak term with ``peak_table``, module docstring) at the
    shell points s_i (c_i = √(1 − s_i²), or given: :func:`velocity_points`), J^-1 m^-3 (mean
    over uniform s_i = P∫ ñ F dE)."""
    if c is None:
        c = np.sqrt(np.maximum(1.0 - s * s, 0.0))
    with np.errstate(divide="ignore"):
        a = shell.delta0_min_K / c
        b = np.minimum(shell.delta0_max_K / c, shell.delta_max_K / s)
    ok = np.isfinite(a) & (b > a)
    a, b = np.where(ok, a, 1.0), np.where(ok, b, 1.0)
    y = pv_eval(table, np.minimum(b, 1e300)) - pv_eval(table, a)
    if peak_table is not None:
        ln_b0 = math.log(shell.delta0_max_K) - np.log(np.where(ok, c, 1.0))
        y = y + shell.peak_A * (pv_peak_eval(peak_table, b, ln_b0)
                                - pv_peak_eval(peak_table, a, ln_b0))
    return np.where(ok, shell.P_bar_per_J_m3 * y, 0.0)


_C_SPLIT, _Q_TAIL = 0.5, 0.5     # velocity_points: c* and the share q of the log-c stratum
_X_TAIL = 15.0 / 80.0            # velocity_points: stratify when Δ0max < 15 max(T, T_ref, ħω)


def velocity_points(shell: ShellModel, s: np.ndarray, top: float):
    """(c, s', weight) per uniform variate s_i: :func:`shell_velocity` at (s', c) times weight
    is an unbiased term of P∫ñF dE (c = √(1 − s'²), kept where s' rounds to 1).

    Δ0max ≥ 3 top/16 (``top`` = 80 max(T, T_ref, ħω), the PV table's end: Δ0max ≥ 15 max(T,
    T_ref), the part of P∫ñF above Δ0max is < e^-15 relative): s' = s_i, weight 1 (the estimator
    of the module docstring).  Otherwise the samples with
    c < Δ0max/E (the only ones reaching E above Δ0max) have probability ~(Δ0max/E)²/2 under
    uniform s, so the integral over s is stratified: s_i < 1 − q maps to s' = s* s_i/(1 − q)
    on [0, s*] (s* = √(1 − c*²), weight s*/(1 − q)); s_i ≥ 1 − q to ln c uniform on
    [ln(Δ0min/top), ln c*] (ds = (c²/s') d ln c: weight (c²/s') ln(c* top/Δ0min)/q).  Below
    c = Δ0min/top a sample's E interval lies above ``top``, where G is constant: y = 0 there, so
    the truncation is exact.  c* = 1/2, q = 1/2."""
    s = np.asarray(s, dtype=float)
    L = math.log(_C_SPLIT * top / shell.delta0_min_K)
    if shell.delta0_max_K >= _X_TAIL * top or L <= 0.0:
        return np.sqrt(np.maximum(1.0 - s * s, 0.0)), s, np.ones_like(s)
    s_star = math.sqrt(1.0 - _C_SPLIT**2)
    tail = s >= 1.0 - _Q_TAIL
    v = np.where(tail, (s - (1.0 - _Q_TAIL)) / _Q_TAIL, s / (1.0 - _Q_TAIL))
    c_tail = np.exp(math.log(_C_SPLIT) - L * (1.0 - v))
    s_head = s_star * v
    c = np.where(tail, c_tail, np.sqrt((1.0 - s_head) * (1.0 + s_head)))
    sp = np.where(tail, np.sqrt((1.0 - c_tail) * (1.0 + c_tail)), s_head)
    wgt = np.where(tail, c_tail**2 / sp * L / _Q_TAIL, s_star / (1.0 - _Q_TAIL))
    return c, sp, wgt


def polarization_constants(material, pol: str, who: str = _BY):
    """(γ in J, ρ, v) of polarization 'l' or 't'."""
    g = material.need(f"gamma_{pol}_eV", who) * EV
    return g, material.need("density_kg_m3", who), material.need(f"v_{pol}_m_s", who)


def shell_densities(shell: ShellModel, s: np.ndarray, w_K, n_total: int) -> np.ndarray:
    """Per-sample shell densities x (N, f) at every ħω of ``w_K`` (K), divided by the
    population size ``n_total`` (contiguous, for the kernels)."""
    return np.ascontiguousarray(np.stack([shell_density(shell, s, w) / n_total for w in w_K],
                                         axis=1))


def shell_velocities(shell: ShellModel, s: np.ndarray, tables_T, n_total: int) -> np.ndarray:
    """Per-sample principal-value velocity terms y (N, f) from one temperature's tables
    (``tables_T[f]`` = (pv_table, pv_peak_table or None)) at the points and with the weights of
    :func:`velocity_points`, divided by ``n_total``."""
    out = []
    for tabs in tables_T:
        c, sp, wgt = velocity_points(shell, s, math.exp(tabs[0][0][-1]))
        out.append(wgt * shell_velocity(shell, sp, *tabs, c=c) / n_total)
    return np.ascontiguousarray(np.stack(out, axis=1))


def velocity_sums(shell: ShellModel, s: np.ndarray, tables, j: int, n_total: int,
                  vel_j: np.ndarray) -> np.ndarray:
    """y (N, f) of temperature index ``j`` (:func:`shell_velocities` of ``tables[f][j]``), its
    Σy and Σy² added to ``vel_j`` (f, 2); returns y for the cross moments."""
    y = shell_velocities(shell, s, [tab[j] for tab in tables], n_total)
    vel_j[:, 0] += y.sum(0)
    vel_j[:, 1] += (y * y).sum(0)
    return y


def resonance_setup(cfg, scenario, who: str = _BY):
    """What every shell-estimator accumulator needs: the shell model, ω (rad s^-1), ħω/k_B (K)
    and the principal-value tables (pv_table, pv_peak_table or None for a flat J0) per
    (frequency, temperature) of ``cfg`` (fields ``frequencies_Hz``, ``temperatures_K``,
    ``T_ref_K``)."""
    shell = shell_model(scenario, who, peaked=True)
    omega = 2.0 * PI * np.asarray(cfg.frequencies_Hz)
    w_K = HBAR * omega / K_B
    tables = [[(pv_table(w, T, cfg.T_ref_K),
                pv_peak_table(w, T, cfg.T_ref_K, shell.peak_p) if shell.peak_A else None)
               for T in cfg.temperatures_K] for w in w_K]
    return shell, omega, w_K, tables


class _AcousticAcc(FieldSums):
    """Accumulator of the tunneling ``acoustic`` measurement (``cfg``: its
    :class:`~tlsmc.measurements.acoustic.Acoustic` config; formulas in that module's doc)."""

    sum_fields = ('res', 'rel', 'vel')

    def __init__(self, cfg, n_total: int, scenario):
        self.cfg, self.n, self.material = cfg, n_total, scenario.material
        self.shell, self.omega, self.w_K, self.tables = resonance_setup(cfg, scenario)
        for pol in cfg.polarizations:
            polarization_constants(self.material, pol)
        nf, nt = len(self.omega), len(cfg.temperatures_K)
        self.res = np.zeros((nf, 2))          # Σx, Σx² (shell density at ħω)
        self.rel = np.zeros((nt, nf, 6))      # Σa, Σa², Σb, Σb², Σxa, Σyb
        self.vel = np.zeros((nt, nf, 2))      # Σy, Σy²

    def accumulate(self, spectrum, weight, rates_at, out: dict) -> None:
        s = shell_variates(self.shell, spectrum.delta_K)
        x = shell_densities(self.shell, s, self.w_K, self.n)
        out["res"][:, 0] += x.sum(0)
        out["res"][:, 1] += (x * x).sum(0)
        wD2 = weight * spectrum.D_unit**2
        K_ref = rates_at(self.cfg.T_ref_K).K
        for j, T in enumerate(self.cfg.temperatures_K):
            y = velocity_sums(self.shell, s, self.tables, j, self.n, out["vel"][j])
            relaxation_sums(wD2, spectrum.E_K, rates_at(T).K, K_ref, T, self.cfg.T_ref_K,
                            self.omega, x, y, out["rel"][j])

    def rows(self) -> list[dict]:
        out: list[dict] = []
        n = self.n
        for pol in self.cfg.polarizations:
            g, rho, v = polarization_constants(self.material, pol)
            for f, (fr, w, wK) in enumerate(zip(self.cfg.frequencies_Hz, self.omega, self.w_K)):
                for j, T in enumerate(self.cfg.temperatures_K):
                    # attenuation: l⁻¹ = p_res Σx + p_rel Σa
                    p_res = PI * w * g * g / (rho * v**3) * math.tanh(wK / (2 * T))
                    p_rel = w * g * g / (K_B * rho * v**3)
                    r = self.rel[j, f]
                    parts = _parts(p_res, self.res[f], p_rel, r[0:2], r[4], n)
                    # velocity: Δv/v = q_res Σy + q_rel Σb
                    q_res = -g * g / (rho * v * v)
                    q_rel = -g * g / (2.0 * K_B * rho * v * v)
                    vparts = _parts(q_res, self.vel[j, f], q_rel, r[2:4], r[5], n)
                    coords = dict(f_Hz=float(fr), polarization=pol)
                    for part in ("resonant", "relaxation", "total"):
                        val, err = parts[part]
                        out += make_rows("attenuation", T, [math.inf], [val], [err], part=part, **coords)
                        out += make_rows("Q_inv", T, [math.inf], [val * v / w], [err * v / w],
                                         part=part, **coords)
                        val, err = vparts[part]
                        out += make_rows("dv_over_v", T, [math.inf], [val], [err], part=part, **coords)
        return out


def _parts(p1, m1, p2, m2, cross, n):
    """{part: (value, stderr)} of p1 Σx, p2 Σa and their sum (cross = Σ x a)."""
    tot = p1 * m1[0] + p2 * m2[0]
    tot2 = p1 * p1 * m1[1] + p2 * p2 * m2[1] + 2.0 * p1 * p2 * cross
    return {"resonant": (p1 * m1[0], abs(p1) * float(standard_error(m1[0], m1[1], n))),
            "relaxation": (p2 * m2[0], abs(p2) * float(standard_error(m2[0], m2[1], n))),
            "total": (tot, float(standard_error(tot, tot2, n)))}
