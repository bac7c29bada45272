r"""Deterministic quadrature of standard-tunneling-model (STM) averages.

This is the "exact" column the Monte Carlo is compared against (PHYSICS.md §1a, §6,
§7).  It is an independent implementation: plain NumPy/SciPy, no sampling.

Model (PHYSICS §1a, §2, §4.1).  Each TLS has an asymmetry :math:`\Delta\in[0,\Delta_{max}]`
and a transparency parameter :math:`J_0`; all energies are in kelvin (E/k_B):

.. math::

    \Delta_0 = \hbar\omega_0 e^{-J_0/2},\qquad E = \sqrt{\Delta^2+\Delta_0^2},\qquad
    \frac{dN}{d\Delta\, dJ_0} = \frac{\bar P_K}{2}\, j(J_0)\quad[\mathrm{K^{-1}\,m^{-3}}],

with :math:`\bar P_K = \bar P k_B` the STM density per unit energy per unit
:math:`\lambda=J_0/2` (so the density per unit :math:`J_0` is half of it), and j the
relative density (1 for the standard model).  One-phonon rate (PHYSICS §4.1):
:math:`K = a\,\Delta_0^2 E \coth(E/2T)`, :math:`n_{eq}=1/(e^{E/T}+1)`; or any rate
``K(E, Δ, Δ0, T)`` given as a function (``STMModel.rate``: e.g. the TF channels of
PHYSICS §4.2–4.3, ``tlsmc.analytic.closed_forms.tf1982.tls_rate``), then the closed forms
(:mod:`tlsmc.analytic.closed_forms.stm`, one-phonon) do not apply.

Quadrature: composite Gauss–Legendre on a tensor grid, J0 panels of width <= ``panel_J``
(the step 1 − exp(−Kt) is a double exponential in J0 of width ~1) split at the support
ends and the kinks of j and graded toward them; Δ panels graded geometrically from
``delta_floor_T * T_min`` (resolves every Δ0 scale, since the integrand depends on Δ only
through :math:`\sqrt{\Delta^2+\Delta_0^2}`), width-capped at ``delta_width_T * T`` while
:math:`\Delta < \mathrm{delta\_span\_T}\cdot T`, then geometric up to Δ_max.  Grid points
whose static weight is below ``drop_rel`` of the total are dropped; the time factor is
then one dot product per time.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np
from scipy import special

from ...units import EV, HBAR, K_B, PI

__all__ = [
    "STMModel", "QuadratureOptions", "one_phonon_coefficient",
    "delta0_K", "relaxation_rate", "occupation", "heat_capacity", "heat_capacity_step",
    "heat_capacity_tf", "heat_capacity_step_function",
    "heat_capacity_eq", "energy_after_step", "energy_eq", "heat_release",
    "energy_after_cooling", "energy_from_cold",
]


def _uniform(J: np.ndarray) -> np.ndarray:
    return np.ones_like(np.asarray(J, dtype=float))


@dataclass(frozen=True, slots=True)
class STMModel:
    """Cut-off standard tunneling model (all energies in K).

    Attributes
    ----------
    P_bar_per_K_m3 : float
        :math:`\\bar P_K = \\bar P k_B`, K^-1 m^-3 per unit λ (use
        ``units.per_joule_to_per_kelvin`` on P̄ in J^-1 m^-3).
    delta_max_K : float
        Upper cut-off of the asymmetry Δ >= 0.
    hbar_omega0_K : float
        :math:`\\hbar\\omega_0 = 2\\hbar\\nu` in K.
    rate_coefficient : float or None
        a in :math:`K = a\\Delta_0^2E\\coth(E/2T)`, s^-1 K^-3 (see `one_phonon_coefficient`);
        None when ``rate`` is given.
    J_lo, J_hi : float
        Support of j(J0).
    J_pdf : callable
        Relative density j(J0) >= 0 on [J_lo, J_hi] (vectorised); default 1.
    J_kinks : tuple of float
        Interior points where j is not smooth (panel breakpoints).
    rate : callable, optional
        ``rate(E_K, delta_K, delta0_K, T_K) -> K`` (s^-1; broadcasting arrays, scalar T):
        any relaxation rate, used instead of the one-phonon law (then
        ``rate_coefficient`` must be None and the one-phonon closed forms raise).
    """

    P_bar_per_K_m3: float
    delta_max_K: float
    hbar_omega0_K: float
    rate_coefficient: float | None
    J_lo: float
    J_hi: float
    J_pdf: Callable[[np.ndarray], np.ndarray] = field(default=_uniform)
    J_kinks: tuple[float, ...] = ()
    rate: Callable | None = None

    def __post_init__(self) -> None:
        names = ("P_bar_per_K_m3", "delta_max_K", "hbar_omega0_K")
        if self.rate is None:
            names += ("rate_coefficient",)
        elif self.rate_coefficient is not None:
            raise ValueError("STMModel.rate_coefficient must be None when STMModel.rate is given")
        for name in names:
            v = getattr(self, name)
            if not (v is not None and math.isfinite(v) and v > 0):
                raise ValueError(f"STMModel.{name} must be finite and > 0 (got {v})")
        if not (math.isfinite(self.J_lo) and math.isfinite(self.J_hi) and self.J_lo < self.J_hi):
            raise ValueError(f"STMModel.J_lo must be < J_hi, both finite "
                             f"(got {self.J_lo} >= {self.J_hi})")
        kinks = tuple(float(k) for k in self.J_kinks)
        if any(not (self.J_lo < k < self.J_hi) for k in kinks):
            raise ValueError(f"STMModel.J_kinks must lie inside ({self.J_lo}, {self.J_hi}) "
                             f"(got {kinks})")
        object.__setattr__(self, "J_kinks", tuple(sorted(set(kinks))))

    @property
    def is_uniform(self) -> bool:
        """True when j is the default uniform density (closed forms apply)."""
        return self.J_pdf is _uniform


@dataclass(frozen=True, slots=True)
class QuadratureOptions:
    """Node counts and panel layout of the tensor Gauss–Legendre rule."""

    nodes_J: int = 10
    nodes_delta: int = 8
    panel_J: float = 1.0
    J_grading: int = 5
    delta_ratio: float = 2.0
    delta_width_T: float = 2.0
    delta_span_T: float = 60.0
    delta_floor_T: float = 1e-6
    drop_rel: float = 1e-22
    block: int = 1 << 19

    def __post_init__(self) -> None:
        if self.nodes_J < 2 or self.nodes_delta < 2 or self.J_grading < 0:
            raise ValueError("QuadratureOptions.nodes_J and nodes_delta must be >= 2, "
                             "J_grading >= 0")
        if not (0 < self.panel_J and 1 < self.delta_ratio and 0 < self.delta_width_T
                and 0 < self.delta_floor_T < 1 and 0 <= self.drop_rel < 1e-12):
            raise ValueError(f"QuadratureOptions out of range: {self}")

    def refined(self, factor: int = 2) -> QuadratureOptions:
        """Same panels, `factor` times the nodes per panel (convergence checks)."""
        return replace(self, nodes_J=factor * self.nodes_J,
                       nodes_delta=factor * self.nodes_delta)


_DEFAULT = QuadratureOptions()


# ----------------------------------------------------------------------------- physics
def one_phonon_coefficient(density_kg_m3: float, v_l_m_s: float, v_t_m_s: float,
                           gamma_l_eV: float, gamma_t_eV: float) -> float:
    r"""Coefficient a of :math:`K = a\Delta_0^2E\coth(E/2T)`, s^-1 K^-3 (PHYSICS §4.1).

    .. math:: a = \Big(\frac{\gamma_l^2}{v_l^5}+\frac{2\gamma_t^2}{v_t^5}\Big)
              \frac{k_B^3}{2\pi\rho\hbar^4}

    with γ = ½ ∂Δ/∂ε in J (input in eV); the transverse branch counts twice.
    """
    gl, gt = gamma_l_eV * EV, gamma_t_eV * EV
    coupling = gl**2 / v_l_m_s**5 + 2.0 * gt**2 / v_t_m_s**5
    return coupling * K_B**3 / (2.0 * PI * density_kg_m3 * HBAR**4)


def delta0_K(model: STMModel, J0) -> np.ndarray:
    """Tunneling splitting Δ0 = ħω0 exp(−J0/2), K."""
    return model.hbar_omega0_K * np.exp(-0.5 * np.asarray(J0, dtype=float))


def _coth(x: np.ndarray) -> np.ndarray:
    # 1/tanh: tanh saturates to exactly 1 (no overflow, no warning) for x >~ 19, which is
    # the large-argument guard; x = E/2T > 0 here since E >= Δ0_min > 0.
    return 1.0 / np.tanh(x)


def relaxation_rate(model: STMModel, E_K, delta0_sq_K2, T_K: float, delta_K=None) -> np.ndarray:
    """Relaxation rate K, s^-1 (E, Δ0², Δ in K, K², K): the one-phonon K = a Δ0² E coth(E/2T),
    or ``model.rate(E, Δ, Δ0, T)`` (Δ = sqrt(E² − Δ0²) unless given)."""
    E = np.asarray(E_K, dtype=float)
    d0sq = np.asarray(delta0_sq_K2, dtype=float)
    if model.rate is None:
        return model.rate_coefficient * d0sq * E * _coth(E / (2.0 * T_K))
    delta = np.sqrt(np.maximum(E * E - d0sq, 0.0)) if delta_K is None else delta_K
    return np.broadcast_to(model.rate(E, delta, np.sqrt(d0sq), T_K), E.shape)


def _one_phonon_a(model: STMModel) -> float:
    if model.rate_coefficient is None:
        raise ValueError("the STM closed forms need the one-phonon STMModel.rate_coefficient")
    return model.rate_coefficient


def occupation(E_K, T_K: float) -> np.ndarray:
    """Upper-level equilibrium occupation n_eq = 1/(exp(E/T)+1) = expit(−E/T)."""
    return special.expit(-np.asarray(E_K, dtype=float) / T_K)


def _occupation_difference(E, T_new: float, T_old: float) -> np.ndarray:
    """n_eq(E, T_new) − n_eq(E, T_old) without cancellation or overflow.

    With x = E/T and d = x_new − x_old = E (T_old − T_new)/(T_new T_old) (exact, no
    cancellation): σ(−x_new) − σ(−x_old) = −expm1(d) σ(−x_new) σ(x_old); for d > 0 the
    mirror form keeps expm1's argument <= 0.  The sign of d is that of T_old − T_new.
    """
    c = (T_old - T_new) / (T_new * T_old)
    if c <= 0.0:        # warming: n_new >= n_old
        return -np.expm1(E * c) * special.expit(-E / T_new) * special.expit(E / T_old)
    return np.expm1(-E * c) * special.expit(-E / T_old) * special.expit(E / T_new)


def _schottky(x: np.ndarray) -> np.ndarray:
    """x² n(1−n) = E ∂n_eq/∂T at x = E/T (dimensionless)."""
    return x * x * special.expit(x) * special.expit(-x)


# ----------------------------------------------------------------------------- grid
def _gl_panels(breaks: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    x, w = np.polynomial.legendre.leggauss(n)
    a, b = breaks[:-1, None], breaks[1:, None]
    half = 0.5 * (b - a)
    return (a + half * (1.0 + x)).ravel(), (half * w).ravel()


def _J_breaks(model: STMModel, opts: QuadratureOptions) -> np.ndarray:
    """Uniform panels <= panel_J between the support ends and kinks, the panel next to each
    of them halved ``J_grading`` times (resolves boundary layers of j, e.g. a peak of
    width ~panel_J/2^J_grading just above a structural limit)."""
    pts = np.array([model.J_lo, *model.J_kinks, model.J_hi])
    out = [pts[:1]]
    for a, b in zip(pts[:-1], pts[1:], strict=True):
        m = max(1, math.ceil((b - a) / opts.panel_J - 1e-12))
        h = (b - a) / m
        g = h * 0.5 ** np.arange(opts.J_grading, 0, -1)
        inner = np.linspace(a, b, m + 1)[1:-1]
        out.append(np.concatenate([a + g, inner, (b - g)[::-1], [b]]))
    return np.unique(np.concatenate(out))


def _delta_breaks(delta_max: float, temps: tuple[float, ...],
                  opts: QuadratureOptions) -> np.ndarray:
    x = opts.delta_floor_T * min(temps)
    b = [0.0]
    while x < delta_max:
        b.append(x)
        caps = [opts.delta_width_T * T for T in temps if x < opts.delta_span_T * T]
        step = min(x * (opts.delta_ratio - 1.0), min(caps)) if caps else x
        x += step
    b.append(delta_max)
    return np.array(b)


def _collect(model: STMModel, temps: tuple[float, ...], opts: QuadratureOptions,
             terms: Callable) -> tuple[np.ndarray, np.ndarray, float]:
    """Evaluate ``terms(E, Δ0², W, Δ) -> (F, K[, G])`` on the grid, J-block by J-block.

    W is the quadrature weight times the density (P̄_K/2) j(J0) (number per m³ per node).
    Returns flat F and K with negligible-F entries dropped, and ΣG over the whole grid.
    F may be a stack of m series, shape (m, *E.shape): then F comes back (m, n) and a
    node is kept where any series is not negligible.
    """
    for T in temps:
        if not (math.isfinite(T) and T > 0):
            raise ValueError(f"temperatures must be finite and > 0 (got {T})")
    Jn, wJ = _gl_panels(_J_breaks(model, opts), opts.nodes_J)
    jv = np.asarray(model.J_pdf(Jn), dtype=float)
    if jv.shape != Jn.shape or not np.all(np.isfinite(jv)) or np.any(jv < 0):
        raise ValueError("STMModel.J_pdf must return finite values >= 0, same shape as J0")
    cJ = 0.5 * model.P_bar_per_K_m3 * wJ * jv
    Dn, wD = _gl_panels(_delta_breaks(model.delta_max_K, temps, opts), opts.nodes_delta)
    rows = max(1, opts.block // Dn.size)
    Fs, Ks, extra = [], [], 0.0
    for i in range(0, Jn.size, rows):
        d0sq = (model.hbar_omega0_K**2 * np.exp(-Jn[i:i + rows]))[:, None]
        E = np.sqrt(Dn[None, :] ** 2 + d0sq)
        W = cJ[i:i + rows, None] * wD[None, :]
        F, K, *G = terms(E, d0sq, W, Dn[None, :])
        extra += float(np.sum(G[0])) if G else 0.0
        if F is not None:
            F = np.asarray(F)
            single = F.shape == E.shape
            F = F.reshape((-1,) + E.shape)
            keep = np.any(F != 0.0, axis=0)
            Fs.append(F[:, keep])
            Ks.append(np.broadcast_to(K, E.shape)[keep])
    if not Fs:
        return np.zeros(0), np.zeros(0), extra
    F, K = np.concatenate(Fs, axis=1), np.concatenate(Ks)
    keep = np.any(np.abs(F) > opts.drop_rel * np.sum(np.abs(F), axis=1, keepdims=True), axis=0)
    F, K = F[:, keep], K[keep]
    return (F[0] if single else F), K, extra


def _times(t_s) -> tuple[np.ndarray, tuple]:
    t = np.asarray(t_s, dtype=float)
    if np.any(np.isnan(t)) or np.any(t < 0):
        raise ValueError("times must be >= 0 (np.inf allowed)")
    return t.ravel(), t.shape


def _relaxed_sum(F: np.ndarray, K: np.ndarray, t_s) -> np.ndarray:
    """Σ F (1 − exp(−K t)) for each t."""
    t, shape = _times(t_s)
    out, buf = np.empty(t.size), np.empty_like(K)
    for k, tk in enumerate(t):
        np.multiply(K, -tk, out=buf)
        out[k] = -(F @ np.expm1(buf, out=buf))
    return out.reshape(shape)


# ----------------------------------------------------------------------------- quadratures
def heat_capacity(model: STMModel, T_K: float, t_s,
                  opts: QuadratureOptions = _DEFAULT) -> np.ndarray:
    r"""Time-dependent heat capacity, δT → 0 limit (PHYSICS §6), J m^-3 K^-1.

    .. math:: C(T,t) = k_B\sum E\,\frac{\partial n_{eq}}{\partial T}\,(1-e^{-K(T)t})

    ``t_s`` any shape (s); ``np.inf`` gives C_eq.
    """
    def terms(E, d0sq, W, D):
        return K_B * W * _schottky(E / T_K), relaxation_rate(model, E, d0sq, T_K, D)
    F, K, _ = _collect(model, (T_K,), opts, terms)
    return _relaxed_sum(F, K, t_s)


def heat_capacity_eq(model: STMModel, T_K: float,
                     opts: QuadratureOptions = _DEFAULT) -> float:
    r"""Equilibrium heat capacity :math:`k_B\sum E\,\partial n_{eq}/\partial T`, J m^-3 K^-1."""
    _, _, c = _collect(model, (T_K,), opts,
                       lambda E, d0sq, W, D: (None, None, K_B * W * _schottky(E / T_K)))
    return c


def heat_capacity_tf(model: STMModel, T_K: float, t_s, opts: QuadratureOptions = _DEFAULT,
                     log_step: float = 1e-4) -> np.ndarray:
    r"""TF's C(T,t) = dE(t)/dT after heating from a cold start (TF eqs. 10–11; PHYSICS §6),
    J m^-3 K^-1.  E(t) = k_B Σ E n_eq(T)(1 − e^{−K(T)t}), so

    .. math:: C_{tf} = k_B\sum E\Big[rac{\partial n_{eq}}{\partial T}(1-e^{-Kt})
              + n_{eq}\,rac{\partial\ln K}{\partial T}\,Kt\,e^{-Kt}\Big]

    ∂ ln K/∂T by a central difference with relative step ``log_step`` (as the Monte Carlo).
    """
    h = log_step * T_K

    def terms(E, d0sq, W, D):
        dlnK = (np.log(relaxation_rate(model, E, d0sq, T_K + h, D))
                - np.log(relaxation_rate(model, E, d0sq, T_K - h, D))) / (2.0 * h)
        F = np.stack([K_B * W * _schottky(E / T_K), K_B * W * E * occupation(E, T_K) * dlnK])
        return F, relaxation_rate(model, E, d0sq, T_K, D)
    F, K, _ = _collect(model, (T_K,), opts, terms)
    relaxed = _relaxed_sum(F[0], K, t_s)
    t, shape = _times(t_s)
    out, buf = np.empty(t.size), np.empty_like(K)
    for k, tk in enumerate(t):
        np.multiply(K, -tk, out=buf)
        out[k] = F[1] @ (-buf * np.exp(buf)) if np.isfinite(tk) else 0.0
    return relaxed + out.reshape(shape)


def energy_from_cold(model: STMModel, T_K: float, t_s,
                     opts: QuadratureOptions = _DEFAULT) -> np.ndarray:
    r"""TF's absorbed energy after heating from a cold start (TF eqs. 10–11; PHYSICS §6),
    J m^-3: :math:`E(t) = k_B\sum E\,n_{eq}(T)\,(1-e^{-K(T)t})` (C_tf is its T-derivative)."""
    def terms(E, d0sq, W, D):
        return K_B * W * E * occupation(E, T_K), relaxation_rate(model, E, d0sq, T_K, D)
    F, K, _ = _collect(model, (T_K,), opts, terms)
    return _relaxed_sum(F, K, t_s)


def _step_terms(model, T_K, dT_K, opts):
    T1 = T_K + dT_K
    if not (T1 > 0 and dT_K != 0):
        raise ValueError(f"need dT != 0 and T + dT > 0 (got T={T_K}, dT={dT_K})")

    def terms(E, d0sq, W, D):   # F, K(T + dT), and the energy at T
        F = K_B * W * E * _occupation_difference(E, T1, T_K)
        return F, relaxation_rate(model, E, d0sq, T1, D), K_B * W * E * occupation(E, T_K)
    return _collect(model, (T_K, T1), opts, terms)


def heat_capacity_step(model: STMModel, T_K: float, dT_K: float, t_s,
                       opts: QuadratureOptions = _DEFAULT) -> np.ndarray:
    r"""Finite-step heat capacity [U(t) − U(0)]/δT after T → T+δT at t = 0, J m^-3 K^-1.

    .. math:: C = \frac{k_B}{\delta T}\sum E\,[n_{eq}(T+\delta T)-n_{eq}(T)]\,
              (1-e^{-K(T+\delta T)t})
    """
    F, K, _ = _step_terms(model, T_K, dT_K, opts)
    return _relaxed_sum(F, K, t_s) / dT_K


def energy_eq(model: STMModel, T_K: float, opts: QuadratureOptions = _DEFAULT) -> float:
    r"""Equilibrium TLS energy :math:`k_B\sum E\,n_{eq}(E,T)`, J m^-3."""
    _, _, u = _collect(model, (T_K,), opts,
                       lambda E, d0sq, W, D: (None, None, K_B * W * E * occupation(E, T_K)))
    return u


def energy_after_step(model: STMModel, T_K: float, dT_K: float, t_s,
                      opts: QuadratureOptions = _DEFAULT) -> np.ndarray:
    r"""U(t) = k_B Σ E n(t) after the step T → T+δT from equilibrium at T, J m^-3.

    .. math:: n(t) = n_{eq}(T+\delta T) + [n_{eq}(T)-n_{eq}(T+\delta T)]e^{-K(T+\delta T)t}
    """
    F, K, u0 = _step_terms(model, T_K, dT_K, opts)
    return u0 + _relaxed_sum(F, K, t_s)


def _cooling_terms(model, T1_K, T0_K, opts):
    def terms(E, d0sq, W, D):   # F, K(T0), and the final energy at T0
        F = K_B * W * E * _occupation_difference(E, T1_K, T0_K)
        return F, relaxation_rate(model, E, d0sq, T0_K, D), K_B * W * E * occupation(E, T0_K)
    return _collect(model, (T1_K, T0_K), opts, terms)


def heat_release(model: STMModel, T1_K: float, T0_K: float, t_s,
                 opts: QuadratureOptions = _DEFAULT) -> np.ndarray:
    r"""Heat release :math:`\dot Q = -dU/dt` after cooling T1 → T0 at t = 0, W m^-3.

    Occupations n_eq(T1) at t = 0, rates at the bath temperature T0 (PHYSICS §8):

    .. math:: \dot Q(t) = k_B\sum E\,[n_{eq}(T_1)-n_{eq}(T_0)]\,K(T_0)\,e^{-K(T_0)t}
    """
    F, K, _ = _cooling_terms(model, T1_K, T0_K, opts)
    t, shape = _times(t_s)
    out, buf = np.empty(t.size), np.empty_like(K)
    FK = F * K
    for k, tk in enumerate(t):
        np.multiply(K, -tk, out=buf)
        out[k] = FK @ np.exp(buf, out=buf)
    return out.reshape(shape)


def energy_after_cooling(model: STMModel, T1_K: float, T0_K: float, t_s,
                         opts: QuadratureOptions = _DEFAULT) -> np.ndarray:
    r"""U(t) after cooling T1 → T0 at t = 0, J m^-3:
    :math:`U_{eq}(T_0) + k_B\sum E\,[n_{eq}(T_1)-n_{eq}(T_0)]\,e^{-K(T_0)t}`."""
    F, K, u0 = _cooling_terms(model, T1_K, T0_K, opts)
    return u0 + np.sum(F) - _relaxed_sum(F, K, t_s)



def heat_capacity_step_function(model: STMModel, T_K: float, t_s, observable: str = "C",
                                **options) -> np.ndarray:
    """TF's step-function C or C_tf of ``model``, J m^-3 K^-1: see
    :func:`tlsmc.analytic.quadrature.step_function.heat_capacity_step_function` (its own
    module: Δ quadrature split at the θ-function's kinks, ∂ ln k/∂T at fixed Δ)."""
    from .step_function import heat_capacity_step_function as step_function
    return step_function(model, T_K, t_s, observable, **options)
