"""Self-consistent sample temperature: phonons, TLSs, heater and link together (PHYSICS §5).

.. math:: C_{ph}(T)\\,\\frac{dT}{dt} = P(t) - G(T)(T - T_b) - \\frac{dU_{TLS}}{dt},\\qquad
          \\frac{dn_i}{dt} = K_i(T)\\,[n_{eq}(E_i/T) - n_i].

Scheme (one step t_k -> t_{k+1} = t_k + h; P piecewise constant, steps end on
its breakpoints and on the output times):

1. Every TLS is advanced with the exact solution of its master equation for a
   phonon temperature that goes linearly from T_k to T' (n_eq interpolated
   linearly in time, K at the mid temperature): fast TLSs (Kh >> 1) end at
   n_eq(T'), in equilibrium with the new temperature, slow ones (Kh << 1)
   stay frozen, whatever their rate (:mod:`tlsmc._kernels.self_consistent`).
2. T' solves the discrete energy balance of the step,

   .. math:: U_{ph}(T') - U_{ph}(T_k) + \\Delta U_{TLS}(T') + E_{link}
             = \\int_{t_k}^{t_{k+1}} P\\,dt,\\qquad
             E_{link} = h[\\theta L(T') + (1-\\theta) L(T_k)]
             - h(\\theta - \\tfrac12)(Q' - Q_k),

   implicit in T' (the fast-TLS heat capacity is stiff).  L(T) = G(T)(T − T_b);
   θ(z) = 1/(1 − e^{−z}) − 1/z with z = h L'/C_eff makes the link exact for
   constant C and G and a source (the TLS heat flow Q into the phonons) linear in
   time, second order for z -> 0 and L-stable for z -> ∞.  ΔU_TLS(T') and the
   end-of-step flow Q'(T') are expanded to third order in T' around a centre (one
   pass over the TLSs: the start temperature, whose n_eq the TLSs hold); when T'
   lands more than 1 % away, or far from the predicted end temperature used for
   the rates, rates and centre move to T' and the pass is repeated.
3. The TLSs are advanced to T' (exact ΔU_TLS and Q'), then T_{k+1} is re-solved
   from the same balance with those exact values: energy is conserved to
   round-off, ∫P dt = ΔU_ph + ΔU_TLS + ∫L dt, whatever the step.

Step size: with T_pred the linear extrapolation of the last step, the error
indicator is err = |T' − T_pred| (W/C_eff + 1/(1 + z)) + (W/C_eff) (T' − T_k)²/T_k,
where W = Σ a ψ ∂n_eq/∂T is the heat capacity of the TLSs whose result depends on
the path of T within the step (Kh ~ 1) and C_eff = C_ph + Σ a β ∂n_eq/∂T; a step
is rejected (and retried shorter) when err > rtol · max(|T_k − T_b|, 1e-3 × the
largest excursion so far).  Rates are re-evaluated when the mid-step temperature
has moved by more than rtol/10 (relative) since their last evaluation.  Measured
accuracy (tests/test_heat_pulse.py, test_self_consistent.py): rtol = 1e-3 keeps
T(t) within 1e-4 of the peak rise of a 100× tighter run and of a Radau solution.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial
from typing import Callable

import numba
import numpy as np

from .._kernels.dynamics import BLOCK
from .._kernels.self_consistent import (N_MOMENTS, N_UPDATE, step_moments, step_update,
                                        step_update_moments)
from .protocols import Profile
from .occupations import n_eq
from .sample_thermal import LumpedThermal


FLOOR = 1e-3
"""The error tolerance is relative to max(|T − T_b|, FLOOR × largest excursion so far)."""
PARALLEL_BLOCKS = 4
"""Below this many blocks of TLSs the kernels run on one thread (same numbers, less overhead)."""
CENTRE_RANGE = 0.01
"""The third-order expansion of ΔU_TLS(T') is re-centred when |T' − centre| > this × centre
(the neglected fourth-order term is then < (E/T)⁴ 1e-8/24 of a TLS's change)."""
__all__ = ["IntegratorOptions", "CoupledTrajectory", "integrate_coupled", "link_theta"]


@dataclass(frozen=True, slots=True)
class IntegratorOptions:
    """Integration controls.

    rtol : local error per step relative to the temperature excursion |T − T_b|
        (floor 1e-3 of the largest excursion so far)
    rate_rtol : the rates are re-evaluated when the mid-step temperature has moved by
        more than rate_rtol (relative) since their last evaluation (0: every step;
        default rtol/10: a rate error δK/K <~ rtol/10 on the TLSs with Kh ~ 1)
    first_step_fraction : first step / first stop (output time or heater breakpoint)
    max_steps : accepted + rejected steps before giving up
    """

    rtol: float = 1e-3
    rate_rtol: float | None = None
    first_step_fraction: float = 1e-4
    max_steps: int = 1_000_000

    def __post_init__(self) -> None:
        if not (0 < self.rtol < 0.1 and (self.rate_rtol is None or 0 <= self.rate_rtol < 0.01)
                and 0 < self.first_step_fraction <= 1 and self.max_steps > 0):
            raise ValueError(f"IntegratorOptions out of range: {self}")


@dataclass(frozen=True, slots=True)
class CoupledTrajectory:
    """The self-consistent run at the output times (all per m³ of sample).

    Attributes
    ----------
    times_s : (n_t,) output times, s
    T_K : sample (phonon) temperature T(t), K
    U_tls : TLS energy Σ k_B w E n(t), J m^-3
    U_ph : phonon + addenda energy ∫_0^T C_ph dT, J m^-3
    E_in : heater energy ∫_0^t P dt, J m^-3
    E_link : energy to the bath ∫_0^t G(T)(T − T_b) dt, J m^-3
    Qdot : TLS heat release −dU_tls/dt, W m^-3
    T_initial_K, U_tls0, U_ph0 : values at t = 0⁻
    stats : n_steps, n_rejected, n_passes (passes over the TLSs; n_fused_passes of them
        advanced the TLSs and computed the next step's first moments together), max_mismatch_K
        (|T_{k+1} − T'|, the third-order model's error), energy_residual
        (max |∫P − ΔU_ph − ΔU_TLS − ∫L| / max(∫P, ∫|L|, |ΔU_ph|, |ΔU_TLS|))
    """

    times_s: np.ndarray
    T_K: np.ndarray
    U_tls: np.ndarray
    U_ph: np.ndarray
    E_in: np.ndarray
    E_link: np.ndarray
    Qdot: np.ndarray
    T_initial_K: float
    U_tls0: float
    U_ph0: float
    stats: dict


def link_theta(z: float) -> float:
    """θ(z) = 1/(1 − e^{−z}) − 1/z: the link quadrature weight, exact for C, G constant.

    The step C(T' − T) = hP − h[θL(T') + (1 − θ)L(T)] with L = G(T − T_b) then
    multiplies T − T_b − P/G by exactly e^{−z}, z = hG/C; θ -> 1/2 + z/12 (z -> 0),
    θ -> 1 − 1/z (z -> ∞, L-stable).
    """
    if z < 1e-3:
        return 0.5 + z / 12.0 - z**3 / 720.0
    return 1.0 / -math.expm1(-z) - 1.0 / z


def _root(f: Callable[[float], tuple[float, float]], x0: float) -> float | None:
    """Root of an increasing-near-the-root f (value, slope) on (0, ∞): Newton, bisection-safe."""
    lo, hi = 0.0, math.inf
    x = x0
    for _ in range(200):
        fx, dfx = f(x)
        if fx == 0.0:
            return x
        if fx < 0.0:
            lo = max(lo, x)
        else:
            hi = min(hi, x)
        step_ok = dfx > 0.0
        x_new = x - fx / dfx if step_ok else x
        if not step_ok or not (lo < x_new < hi) or not math.isfinite(x_new):
            x_new = 0.5 * (lo + hi) if math.isfinite(hi) else 2.0 * max(x, lo) + 1e-300
        if abs(x_new - x) <= 1e-15 * x:
            return x_new
        x = x_new
    return x if math.isfinite(hi) and lo > 0.0 else None


def _balance(x, th, h, theta, c, R, Tc, S, Q) -> tuple[float, float]:
    """The step's energy balance at T' = x and its slope (ΔU_TLS, Q' as cubics around Tc)."""
    d = x - Tc
    return (th.energy(x) + h * theta * th.link(x) - R
            + S[0] + d * (S[1] + d * (0.5 * S[2] + d * S[3] / 6.0))
            + c * (Q[0] + d * (Q[1] + d * (0.5 * Q[2] + d * Q[3] / 6.0))),
            th.heat_capacity(x) + h * theta * th.link_slope(x)
            + S[1] + d * (S[2] + 0.5 * d * S[3]) + c * (Q[1] + d * (Q[2] + 0.5 * d * Q[3])))


def _block_sum(out: np.ndarray) -> np.ndarray:
    return out.sum(axis=0)  # fixed shape, fixed order: independent of the thread count


def integrate_coupled(E_K: np.ndarray, a: np.ndarray, rates: Callable[[float], np.ndarray],
                      thermal: LumpedThermal, heater: Profile, T_initial_K: float,
                      times_s: np.ndarray, options: IntegratorOptions = IntegratorOptions()
                      ) -> CoupledTrajectory:
    """Integrate the coupled sample + TLS system from equilibrium at T_initial (t < 0).

    Parameters
    ----------
    E_K : (N,) TLS splittings, K (N may be 0: the lumped model alone)
    a : (N,) k_B w E, J m^-3 (energy of each sample's upper level, weighted)
    rates : T_K -> (N,) total rates K↑ + K↓ at that temperature, s^-1
    thermal : heat capacity and link
    heater : P(t), W m^-3 (piecewise constant; ``initial`` is ignored)
    T_initial_K : sample temperature and TLS equilibrium for t < 0, K
    times_s : (n_t,) increasing output times > 0, s
    """
    return _Integrator(E_K, a, rates, thermal, heater, T_initial_K, options).run(times_s)


@dataclass
class _Trial:
    """One attempted step: length, heater energy, link weight θ, T', the rates used
    and the error indicator (in units of the tolerance)."""

    h: float
    E_P: float
    theta: float
    T_new: float
    K: np.ndarray
    err: float


class _Integrator:
    """State of one integration (see the module docstring for the scheme)."""

    def __init__(self, E_K, a, rates, thermal: LumpedThermal, heater: Profile,
                 T_initial_K: float, options: IntegratorOptions):
        self.E = np.ascontiguousarray(E_K, dtype=np.float64)
        self.a = np.ascontiguousarray(a, dtype=np.float64)
        self.rates, self.th, self.heater, self.opts = rates, thermal, heater, options
        self.n_blocks = (self.E.shape[0] + BLOCK - 1) // BLOCK
        self.mom = np.zeros((self.n_blocks, N_MOMENTS))
        self.upd = np.zeros((self.n_blocks, N_UPDATE))
        self.T0 = self.T = float(T_initial_K)
        self.n = n_eq(self.E, self.T)
        self.neq0 = self.n.copy()
        self.T_eq0 = self.T  # neq0 = n_eq(E / T_eq0)
        self.U_tls0 = float(np.sum([self.a[i:i + BLOCK] @ self.n[i:i + BLOCK]
                                    for i in range(0, self.E.shape[0], BLOCK)]))
        self.U_ph0 = thermal.energy(self.T)
        self.excursion = abs(self.T - thermal.T_bath_K)
        self.C_eff = thermal.heat_capacity(self.T)
        self.slope = (float(heater.at(0.0)) - thermal.link(self.T)) / self.C_eff
        self.Q = 0.0
        self.K, self.T_K = None, math.nan
        self.spec = np.zeros((self.n_blocks, N_MOMENTS))   # fused first pass of next step
        self._spec_key = None
        self.rate_rtol = 0.1 * options.rtol if options.rate_rtol is None else options.rate_rtol
        self.stats = {"n_steps": 0, "n_rejected": 0, "n_passes": 0, "max_mismatch_K": 0.0,
                      "energy_residual": 0.0, "n_tls": int(self.E.shape[0]), "n_rate_calls": 0,
                      "n_fused_passes": 0}

    # -- one step ---------------------------------------------------------------------
    def _rates_at(self, T_mid: float) -> np.ndarray:
        """Rates at T_mid, re-evaluated only when T_mid moved by more than rate_rtol·T_mid."""
        if not abs(T_mid - self.T_K) <= self.rate_rtol * T_mid:
            self.K, self.T_K = self.rates(T_mid), T_mid
            self.stats["n_rate_calls"] += 1
        return self.K

    def _moments(self, K, h, Tc, stored) -> np.ndarray:
        if not self.n_blocks:
            return np.zeros(N_MOMENTS)
        if stored and self._spec_key == (id(K), self.stats["n_rate_calls"], h, Tc):
            return _block_sum(self.spec)    # computed by the last update pass (fused)
        step_moments(self.E, self.a, K, self.n, self.neq0, h, Tc, stored, self.mom)
        self.stats["n_passes"] += 1
        return _block_sum(self.mom)

    def _try(self, h: float, P: float) -> _Trial:
        """Solve the step's energy balance for T' (re-centring the TLS expansion as needed)."""
        th, T = self.th, self.T
        tol = self.opts.rtol * max(abs(T - th.T_bath_K), FLOOR * self.excursion, 1e-9 * T)
        T_pred = max(T + self.slope * h, 0.5 * T)
        # first pass: rates at the predicted mid temperature, expansion around the start
        # temperature (whose n_eq the TLSs already hold); then, if T' is far from either,
        # rates at (T + T')/2 and expansion around T'
        T_end, Tc, stored, e_pred, T_new = T_pred, self.T_eq0, True, math.inf, None
        for it in range(6):
            K = self._rates_at(0.5 * (T + T_end))
            D0, S0, S1, S2, S3, W, F, Q0, Q1, Q2, Q3 = self._moments(K, h, Tc, stored)
            C_eff = th.heat_capacity(T_end) + S1
            z = h * max(th.link_slope(T_end), 0.0) / C_eff
            theta = link_theta(z)
            c = h * (theta - 0.5)  # E_link −= c (Q' − Q_k): exact for a linear source
            R = th.energy(T) - h * (1.0 - theta) * th.link(T) + h * P - D0 + c * (F - self.Q)

            model = partial(_balance, th=th, h=h, theta=theta, c=c, R=R, Tc=Tc,
                            S=(S0, S1, S2, S3), Q=(Q0, Q1, Q2, Q3))
            T_new = _root(model, Tc)
            if T_new is None:
                break
            if it == 0:
                e_pred = abs(T_new - T_pred)
            if (abs(T_new - T_end) <= 0.2 * abs(T_new - T) + 0.1 * tol
                    and abs(T_new - Tc) <= CENTRE_RANGE * Tc):
                break
            T_end, Tc, stored = T_new, T_new, False
        self.C_eff = C_eff
        ratio = W / C_eff
        err = (math.inf if T_new is None else
               (e_pred * (ratio + 1.0 / (1.0 + z)) + ratio * (T_new - T) ** 2 / T) / tol)
        return _Trial(h, h * P, theta, T_new, K, err)

    def _accept(self, trial: _Trial, h_next: float | None) -> tuple[float, float]:
        """Advance the TLSs to T', re-solve T_{k+1} with the exact ΔU_TLS; returns (U, Q).

        With ``h_next`` (the next step's length, None after the last step) the same pass
        also computes the next step's first moment pass, as :meth:`_try` would with the
        same rates: :meth:`_moments` takes it when the rates are indeed kept."""
        th, T, h, theta = self.th, self.T, trial.h, trial.theta
        self._spec_key = None
        if self.n_blocks:
            if h_next is None:
                step_update(self.E, self.a, trial.K, self.n, self.neq0, h, trial.T_new, self.upd)
            else:
                step_update_moments(self.E, self.a, trial.K, self.n, self.neq0, h, trial.T_new,
                                    h_next, self.upd, self.spec)
                self._spec_key = (id(trial.K), self.stats["n_rate_calls"], h_next, trial.T_new)
                self.stats["n_fused_passes"] += 1
            self.stats["n_passes"] += 1
            dU, U_now, Q = _block_sum(self.upd)
        else:
            dU, U_now, Q = 0.0, 0.0, 0.0
        lag = h * (theta - 0.5) * (Q - self.Q)
        R = th.energy(T) - h * (1.0 - theta) * th.link(T) + lag + trial.E_P - dU
        T_next = _root(lambda x: (th.energy(x) + h * theta * th.link(x) - R,
                                  th.heat_capacity(x) + h * theta * th.link_slope(x)), trial.T_new)
        if T_next is None:
            raise RuntimeError("no positive temperature balances the energy of a step")
        self.T_eq0 = trial.T_new
        st = self.stats
        st["max_mismatch_K"] = max(st["max_mismatch_K"], abs(T_next - trial.T_new))
        st["n_steps"] += 1
        self.E_link += h * (theta * th.link(T_next) + (1.0 - theta) * th.link(T)) - lag
        self.E_in += trial.E_P
        self.slope = (T_next - T) / h
        self.Q = Q
        self.T = T_next
        self.excursion = max(self.excursion, abs(T_next - th.T_bath_K))
        return U_now, Q

    # -- the run --------------------------------------------------------------------------
    def run(self, times_s) -> CoupledTrajectory:
        if self.n_blocks >= PARALLEL_BLOCKS:
            return self._run(times_s)
        old = numba.get_num_threads()
        numba.set_num_threads(1)  # a few blocks: a parallel launch costs more than it saves
        try:
            return self._run(times_s)
        finally:
            numba.set_num_threads(old)

    def _run(self, times_s) -> CoupledTrajectory:
        times = np.asarray(times_s, dtype=float)
        if times.ndim != 1 or times.size == 0 or not (times[0] > 0 and np.all(np.diff(times) > 0)):
            raise ValueError("times_s must be increasing and > 0 s")
        breaks = self.heater.starts_s[1:]
        stops = np.union1d(times, breaks[breaks < times[-1]])
        out_index = np.searchsorted(times, stops)
        is_out = np.isin(stops, times)
        rec = np.empty((6, times.size))
        t, self.E_in, self.E_link = 0.0, 0.0, 0.0
        h = self.opts.first_step_fraction * stops[0]
        h_min = 1e-15 * stops[-1]
        j, st = 0, self.stats
        while j < stops.size:
            if st["n_steps"] + st["n_rejected"] >= self.opts.max_steps:
                raise RuntimeError(f"heat-pulse integration needs more than "
                                   f"{self.opts.max_steps} steps")
            remaining = stops[j] - t
            hit = h >= remaining * (1.0 - 1e-12)
            hs = remaining if hit else h
            P = float(self.heater.at(t))
            trial = self._try(hs, P)
            if trial.err > 1.0 and hs > h_min:
                st["n_rejected"] += 1
                h = hs * min(0.5, max(0.1, 0.9 / math.sqrt(trial.err)))
                continue
            if trial.T_new is None:
                raise RuntimeError(f"no positive temperature balances the energy at t = {t:g} s")
            fac = 2.0 if trial.err == 0.0 else min(2.0, max(0.2, 0.9 / math.sqrt(trial.err)))
            h = max(hs * fac, h) if hit else hs * fac
            t_next, j_next = (float(stops[j]), j + 1) if hit else (t + hs, j)
            h_next = None
            if j_next < stops.size:             # the next step's length, as the loop sets it
                rem = stops[j_next] - t_next
                h_next = rem if h >= rem * (1.0 - 1e-12) else h
            U_now, Q = self._accept(trial, h_next)
            if not hit:
                t = t_next
                continue
            t = t_next
            if is_out[j]:
                self._record(rec, out_index[j], U_now, Q)
            P_next = float(self.heater.at(t))
            if P_next != P:  # heater breakpoint: dT/dt jumps by ΔP / C_eff
                self.slope += (P_next - P) / self.C_eff
            j += 1
        return CoupledTrajectory(times, rec[0], rec[1], rec[2], rec[3], rec[4], rec[5],
                                 self.T0, self.U_tls0, self.U_ph0, dict(self.stats))

    def _record(self, rec: np.ndarray, k: int, U_now: float, Q: float) -> None:
        U_ph = self.th.energy(self.T)
        rec[:, k] = (self.T, U_now if self.n_blocks else self.U_tls0, U_ph, self.E_in,
                     self.E_link, Q)
        d_ph, d_tls = U_ph - self.U_ph0, rec[1, k] - self.U_tls0
        scale = max(self.E_in, abs(self.E_link), abs(d_ph), abs(d_tls), 1e-300)
        resid = abs(self.E_in - self.E_link - d_ph - d_tls) / scale
        self.stats["energy_residual"] = max(self.stats["energy_residual"], resid)
