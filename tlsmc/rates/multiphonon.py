"""Exact Debye-model multiphonon rate of TF (PHYSICS §4.2–4.3), tabulated.

Channels (energies and temperatures in K, rates in s^-1, K↑/K↓ = e^{-E/T}):

* ``nondiagonal_rate`` — PHYSICS channel 2, TF eqs. 12, 15–16:
  K = α V² e^{L(T)} (Δ/E)² E³ coth(E/2T), L = ``vibrations.log_enhancement``.
* ``multiphonon_rate`` — PHYSICS channel 3, TF eq. 6 with B = 0 evaluated exactly
  (Kubo–Toyozawa):  K↓ = (V²/ħ) e^{J1(T)} G(E,T) (Δ/E)²,  K↑ = K↓ e^{-E/T}, with

  .. math:: G(E) = \\int dt\\, e^{iEt}\\,[e^{\\psi(t)} - 1],\\qquad
            \\psi(t) = \\int_{-\\Theta}^{\\Theta} p(\\varepsilon) e^{-i\\varepsilon t} d\\varepsilon,

  p(ε) = ρ(ε)(n_B(ε)+1) for ε > 0 (emission), ρ(|ε|) n_B(|ε|) for ε < 0, ρ the Debye
  coupling density of TF eq. 14 (``vibrations.debye_density``).  Shifting t by
  −i/2T gives PHYSICS's symmetric form: e^{-E/2T}G(E) = ∫dv e^{iEv}[e^{Φ(v)} − 1].
  In kelvin units t is in K^-1 and V²/ħ becomes (k_B/ħ) V_K².

How it is computed.  G = Σ_{n≥1} 2π p^{*n}/n! is a compound-Poisson density.  The
one-phonon term is analytic, 2πρ(E)(n_B+1); it is channel 2 times
s(E) = ρ(E)/ρ_D(E) = 6[1 − sinc(πE/Θ)]/(πE/Θ)² (0 above Θ), ρ_D = (π²R/8)E³/Θ⁴.
The rest, G_{≥2}, comes from an FFT on a uniform energy lattice (Gregory end
weights at ±Θ) after exponential tilting by e^{-θE}, θ at the saddle point of the
target band, so that the lattice holds the mass near the target and nothing
wraps round.  Per T, one lattice serves E <= T (θ = 1/2T: PHYSICS's symmetric
form) and one serves each band of a factor 8 in E above T.

What is tabulated.  With J2(T) = J1(2T), Φ0 = J2 − J1 (``vibrations``),

.. math:: K = \\alpha V^2 (\\Delta/E)^2 E^3\\coth\\frac{E}{2T}
          \\big[e^{J_1(T)} s(E) + e^{J_2(T) + r(E,T)}\\big],\\qquad
          r = \\ln\\Big[(1-e^{-E/T})\\frac{G_{\\ge 2}(E)}{2\\pi\\rho_D(E)}\\Big] - \\Phi_0(T).

The large, ∝ T parts of ln K (J1, J2) and s(E) are computed exactly at run time;
r (smooth power laws in E and T) is tabulated on a grid uniform in ln E (denser
above Θ, where r is steep; 2Θ, where G_2 has a kink, is a node) and in ln T.  A
call at temperature T first interpolates the table to a row r(E_i, T) (cubic
Lagrange in ln T, once per call), then the numba kernel (``tlsmc._kernels.multiphonon``)
interpolates that row linearly in ln E for every TLS: per TLS this costs one log, one
exp and one sin more than E³coth(E/2T).  Above 4Θ r is extrapolated linearly in ln E
(rates stay finite; no TLS population of interest reaches E > 600 K).
The pipeline's channels (``tlsmc.rates.tf``) call ``add_multiphonon_total`` /
``add_nondiagonal_total``: K = K↑ + K↓ added in place.
m = ln(K_multi/K_nondiag[J_eff = J1]) = ln[s + e^{Φ0 + r}] → ln s → 0 for E, T << Θ, except
E ≲ 0.02 T³ (K): there two-phonon Raman processes (m ≈ ln[1 + 4e-4 T⁶/E²]) keep K finite
as E → 0.  Accuracy (TF's parameters): lattice converged to 1e-7 in ln K (2e-5 at E = 3Θ);
table vs direct |Δ ln K| < 5e-4 on [1e-6, 4Θ] K × [1 mK, 300 K] (tests).
"""
from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass

import numpy as np
import scipy.fft as sfft
from .._kernels import multiphonon as _k
from ..units import PI
from .vibrations import (TFParameters, J1_debye, J2_debye, _X_NODES, _X_WEIGHTS, debye_density,
                         debye_weight, log_enhancement, phi0_debye)

__all__ = ["MultiphononTable", "multiphonon_table", "log_multiphonon_ratio",
           "multiphonon_rate", "nondiagonal_rate", "add_multiphonon_total", "add_nondiagonal_total"]

_GREGORY = np.array([251.0, 897.0, 633.0, 739.0]) / 720.0  # lattice end weights, O(h^5)
_NSIG = 14.0          # lattice half-width, in standard deviations of the tilted G_{≥2}
_BAND = 8.0           # ratio of the E band one tilted lattice serves
_R_FLOOR = -700.0     # r where G_{≥2} is below the lattice roundoff (irrelevant next to s)


# ----------------------------------------------------------------------------- exact G_{≥2}

def _tilted_p(eps: np.ndarray, theta: float, T: float, params: TFParameters) -> np.ndarray:
    """p(ε) e^{-θε} in K^-1 (ε in K, 0 < θ <= 1/2T), overflow-free."""
    a = np.abs(eps)
    rho = debye_density(a, params)
    with np.errstate(divide="ignore", invalid="ignore"):
        denom = -np.expm1(-a / T)
        out = np.where(eps > 0.0, np.exp(-theta * a), np.exp(-(1.0 / T - theta) * a)) * rho / denom
    return np.where(rho > 0.0, out, 0.0)


def _ge2_stats(theta, T: float, params: TFParameters) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(P, mean, std) of the tilted G_{≥2} ∝ Σ_{n≥2} p_θ^{*n}/n!, per θ (P = ∫p_θ; K; K).

    Moments by the composite Gauss–Legendre rule of ``vibrations`` (vectorised over θ).
    """
    theta = np.atleast_1d(np.asarray(theta, dtype=float))[:, None]
    om = params.theta_D_K * _X_NODES
    wr = params.theta_D_K * _X_WEIGHTS * debye_density(om, params) / -np.expm1(-om / T)
    up = wr * np.exp(-theta * om)
    dn = wr * np.exp(-(1.0 / T - theta) * om)
    P, P1, P2 = (up + dn).sum(1), ((up - dn) * om).sum(1), ((up + dn) * om**2).sum(1)
    Pc = np.minimum(P, 700.0)
    small = P < 1e-3
    em1 = np.where(small, P * (1.0 + P / 2.0 * (1.0 + P / 3.0 * (1.0 + P / 4.0))), np.expm1(Pc))
    D = np.where(small, P * P / 2.0 * (1.0 + P / 3.0 * (1.0 + P / 4.0 * (1.0 + P / 5.0))), em1 - Pc)
    with np.errstate(invalid="ignore", divide="ignore"):
        r1, r2 = em1 / D, (em1 + 1.0) / D    # d ln D/dθ = −P1 r1;  d²/dθ² = P2 r1 + P1² r2 − (P1 r1)²
    mean = P1 * r1
    return P, mean, np.sqrt(np.maximum(P2 * r1 + P1 * P1 * r2 - mean * mean, 0.0))


def _saddle_thetas(E: np.ndarray, T: float, params: TFParameters) -> np.ndarray:
    """Tilts θ in (0, 1/2T] (K^-1) at which the tilted G_{≥2} has its mean near E.

    Any θ gives the same G; this one keeps the lattice mass near E (roundoff,
    wrap-round).  Interpolated on a log grid of θ (the mean decreases with θ).
    """
    grid = np.geomspace(0.5 / T, min(1e-5, 0.05 / T), 48)
    mean = _ge2_stats(grid, T, params)[1]
    mean[0] = 0.0                               # θ = 1/2T is the symmetric point: mean 0
    return np.exp(np.interp(E, np.maximum.accumulate(mean), np.log(grid)))


def _expm1_minus_linear(z: np.ndarray, P: float) -> tuple[np.ndarray, float]:
    """(e^{-s}(e^z − 1 − z), s): s = P (scaled) for P >= 0.1, else s = 0 (series)."""
    if P < 0.1:
        return z * z / 2 * (1 + z / 3 * (1 + z / 4 * (1 + z / 5 * (1 + z / 6 * (1 + z / 7 * (1 + z / 8)))))), 0.0
    return np.exp(z - P) - math.exp(-P) * (1.0 + z), P


def _log_ge2_band(E: np.ndarray, T: float, params: TFParameters, theta: float,
                  resolution: float = 1.0) -> np.ndarray:
    """ln G_{≥2}(E) (G in K^-1) at targets E (K) from one lattice tilted by θ."""
    _, (mean,), (std,) = _ge2_stats(theta, T, params)
    lo, hi = min(E.min(), mean - _NSIG * std), max(E.max(), mean + _NSIG * std)
    h = min(std / 32.0, params.theta_D_K / 64.0, max(T, E.min() / 16.0) / 8.0) / resolution
    K = int(math.ceil(params.theta_D_K / h))
    h = params.theta_D_K / K                    # ±Θ on the lattice
    j_lo = int(math.floor(lo / h)) - 3
    N = sfft.next_fast_len(int(math.ceil(hi / h)) + 4 - j_lo, real=True)
    j = np.arange(j_lo, j_lo + N)
    k = j[np.abs(j) <= K]
    weight = np.ones(k.size)
    for m, g in enumerate(_GREGORY):
        weight[np.abs(k) == K - m] = g
    a = h * weight * _tilted_p(params.theta_D_K * (k / K), theta, T, params)   # |k/K| <= 1 exactly
    lattice = np.zeros(N)
    lattice[k % N] = a
    z = sfft.rfft(lattice)
    G_hat, log_scale = _expm1_minus_linear(z, float(z[0].real))
    vals = sfft.irfft(G_hat, N)[j % N]
    _fix_two_phonon_ends(vals, j_lo, K, h, theta, T, params, log_scale)
    x = E / h - j_lo                            # 4-point Lagrange interpolation, never across
    i = np.floor(x).astype(np.int64)            # the kinks of G_2 (E = 0, 2Θ) and G_3 (3Θ)
    for kink in (-j_lo, 2 * K - j_lo, 3 * K - j_lo):
        i = np.where((x < kink) & (i >= kink - 1), kink - 2, np.where(i == kink, kink + 1, i))
    t = x - i
    v = (-t * (t - 1) * (t - 2) * vals[i - 1] / 6 + (t + 1) * (t - 1) * (t - 2) * vals[i] / 2
         - (t + 1) * t * (t - 2) * vals[i + 1] / 2 + (t + 1) * t * (t - 1) * vals[i + 2] / 6)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(np.where(v > 0.0, v, 0.0)) + log_scale + theta * E + math.log(2.0 * PI / h)


_GL8 = np.polynomial.legendre.leggauss(8)


def _fix_two_phonon_ends(vals, j_lo, K, h, theta, T, params, log_scale) -> None:
    """Correct the two-phonon term where both factors of p*p sit at Gregory-weighted ends.

    At E = jh with |j| <= 3 or |j| >= 2K − 8 the lattice sum Σ_k a_k a_{j−k} weights
    its end points by products of end weights, which is not a quadrature rule for
    ∫ p(ε)p(E − ε)dε over [max(−Θ, E − Θ), min(Θ, E + Θ)]; there the end points are
    re-weighted (Gregory) or, for intervals shorter than 8h, integrated by Gauss–Legendre.
    """
    js = np.concatenate((np.arange(-2 * K, -2 * K + 9), np.arange(-3, 4), np.arange(2 * K - 8, 2 * K + 1)))
    js = np.unique(js[(js >= j_lo) & (js < j_lo + vals.size)])[:, None]
    if js.size == 0:
        return
    lo, hi = np.maximum(-K, js - K), np.minimum(K, js + K)
    n = hi - lo
    short = n < 8
    m = np.arange(9)[None, :]
    ks = np.where(short, np.minimum(lo + m, hi), np.where(m < 4, lo + m, hi - 8 + m))
    used = np.where(short, m <= n, m != 4)                 # long: 4 + 4 end points (column 4 unused)
    gregory = np.concatenate((_GREGORY, [0.0], _GREGORY[::-1]))[None, :]

    def p(k):
        return _tilted_p(params.theta_D_K * (k / K), theta, T, params)

    def end_weight(k):
        d = K - np.abs(k)
        return np.where(d < 4, _GREGORY[np.minimum(d, 3)], 1.0)

    f = p(ks) * p(js - ks) * used
    lattice_sum = 0.5 * h * h * np.sum(end_weight(ks) * end_weight(js - ks) * f, axis=1)
    t, wt = _GL8
    eps = h * (lo + 0.5 * n * (t[None, :] + 1.0))
    gauss = 0.5 * h * 0.5 * n[:, 0] * h * np.sum(wt * _tilted_p(eps, theta, T, params)
                                            * _tilted_p(js * h - eps, theta, T, params), axis=1)
    right = np.where(short[:, 0], gauss, 0.5 * h * h * np.sum(gregory * f, axis=1))
    vals[js[:, 0] - j_lo] += (right - lattice_sum) * math.exp(-log_scale)


def _log_ge2(E: np.ndarray, T: float, params: TFParameters, resolution: float = 1.0) -> np.ndarray:
    """ln G_{≥2}(E, T) for E > 0 at one T > 0 (one lattice for E <= T, one per band above)."""
    out = np.empty(E.size)
    band = np.where(E <= T, -1, np.floor(np.log(E / T) / math.log(_BAND))).astype(np.int64)
    bands = np.unique(band)
    thetas = _saddle_thetas(T * _BAND ** (bands + 0.5), T, params)
    for b, theta in zip(bands, thetas):
        sel = band == b
        out[sel] = _log_ge2_band(E[sel], T, params, 0.5 / T if b < 0 else float(theta), resolution)
    return out


def _rho_ratio(E: np.ndarray, params: TFParameters) -> np.ndarray:
    """s(E) = ρ(E)/ρ_D(E) = 6[1 − sinc(πx)]/(πx)², x = E/Θ (0 for x > 1)."""
    x = np.asarray(E, dtype=float) / params.theta_D_K
    return 6.0 * debye_weight(x) / (PI**2 * x**3)


def _r_values(E: np.ndarray, T: float, params: TFParameters, resolution: float = 1.0) -> np.ndarray:
    """r(E, T) of the module docstring (floored at _R_FLOOR) at one T > 0."""
    log_2pi_rho_D = math.log(PI**3 * params.R / 4.0) + 3.0 * np.log(E) - 4.0 * math.log(params.theta_D_K)
    with np.errstate(divide="ignore"):
        r = np.log(-np.expm1(-E / T)) + _log_ge2(E, T, params, resolution) - log_2pi_rho_D
    return np.maximum(r - float(phi0_debye(T, params)), _R_FLOOR)


def log_multiphonon_ratio(E_K, T_K: float, params: TFParameters, resolution: float = 1.0) -> np.ndarray:
    """Direct (untabulated) m(E,T) = ln(K_multiphonon / K_nondiagonal[J_eff = J1]).

    Parameters
    ----------
    E_K : array_like
        Splittings E > 0, K.
    T_K : float
        Phonon temperature > 0, K.
    params : TFParameters
    resolution : float
        Divides the lattice spacing (convergence checks; default 1).

    Returns
    -------
    ndarray
        m = ln[s(E) + e^{Φ0(T) + r(E,T)}] (dimensionless).  m → ln s ≈ −(πE/Θ)²/20
        for E, T << Θ; above Θ only multiphonon terms contribute.  A few ms per call.
    """
    E = np.atleast_1d(np.asarray(E_K, dtype=float))
    if np.any(~(E > 0.0)) or not T_K > 0.0:
        raise ValueError("E_K and T_K must be > 0")
    with np.errstate(divide="ignore"):
        return np.logaddexp(np.log(_rho_ratio(E, params)),
                            _r_values(E, float(T_K), params, resolution) + float(phi0_debye(T_K, params)))


# ----------------------------------------------------------------------------- the table

@dataclass(frozen=True, slots=True, eq=False)
class MultiphononTable:
    """r(E, T) of the module docstring on a grid uniform in ln E (two segments) and ln T.

    Attributes
    ----------
    params : TFParameters
        The parameter set the table was built for.
    log_E : ndarray, shape (nA + nB,)
        ln E nodes (E in K): segment A = ``log_E[:n_A]`` from ln E_min to ln Θ,
        segment B = ``log_E[n_A:]`` from ln Θ to ln E_max (empty if E_max <= Θ).
    n_A : int
        Number of nodes in segment A (its last node and B's first are both ln Θ).
    log_T : ndarray, shape (nT,)
        ln T nodes (T in K).
    r : ndarray, shape (nT, nA + nB)
        r (dimensionless); row j is T = exp(log_T[j]).
    build_seconds : float
        Wall time of the build, s.
    """

    params: TFParameters
    log_E: np.ndarray
    n_A: int
    log_T: np.ndarray
    r: np.ndarray
    build_seconds: float

    @property
    def T_max_K(self) -> float:
        """Highest tabulated temperature, K (rates above it raise)."""
        return float(math.exp(self.log_T[-1]))

    def row(self, T_K: float) -> np.ndarray:
        """r(E_i, T) on the E nodes: cubic Lagrange interpolation in ln T (held below T_min)."""
        _check_T(T_K, self)
        lT, nT = self.log_T, self.log_T.size
        s = (math.log(T_K) - lT[0]) / (lT[1] - lT[0]) if T_K > 0.0 else 0.0
        s = min(max(s, 0.0), nT - 1.0)
        j = min(max(int(math.floor(s)) - 1, 0), nT - 4)
        t = s - j                               # in [0, 3]: nodes j .. j+3 at t = 0 .. 3
        w = np.array([-(t - 1) * (t - 2) * (t - 3) / 6, t * (t - 2) * (t - 3) / 2,
                      -t * (t - 1) * (t - 3) / 2, t * (t - 1) * (t - 2) / 6])
        return np.ascontiguousarray(w @ self.r[j:j + 4])

    def grid(self) -> tuple:
        """The E-grid scalars the kernels take: (lnE0_A, dA, nA, lnE0_B, dB, nB)."""
        lE, nA = self.log_E, self.n_A
        nB = lE.size - nA
        dB = lE[nA + 1] - lE[nA] if nB > 1 else 1.0
        lB = lE[nA] if nB > 1 else math.inf
        return lE[0], lE[1] - lE[0], nA, lB, dB, nB

    def log_ratio(self, E_K, T_K: float) -> np.ndarray:
        """Tabulated m(E,T) = ln(K_multi/K_nondiag[J1]); compare ``log_multiphonon_ratio``."""
        E = np.ascontiguousarray(np.atleast_1d(E_K), dtype=np.float64)
        r = np.empty_like(E)
        _k.interp_r(E, *self.grid(), self.row(T_K), r)
        with np.errstate(divide="ignore"):
            return np.logaddexp(np.log(_rho_ratio(E, self.params)),
                                r + float(phi0_debye(T_K, self.params)))


def _check_T(T_K, table: MultiphononTable | None) -> None:
    if np.ndim(T_K) != 0 or not (math.isfinite(float(T_K)) and float(T_K) >= 0.0):
        raise ValueError(f"T_K must be a finite scalar >= 0 (got {T_K!r})")
    if table is not None and float(T_K) > table.T_max_K * (1.0 + 1e-12):
        raise ValueError(f"T_K = {float(T_K)} K exceeds the table's T_max = {table.T_max_K} K "
                         "(build one with multiphonon_table(params, T_max_K=...))")


@functools.lru_cache(maxsize=8)
def multiphonon_table(params: TFParameters, *, E_min_K: float = 1e-6, octaves_above_theta: int = 2,
                      T_min_K: float = 1e-3, T_max_K: float = 300.0, per_decade_E: int = 64,
                      per_octave_above_theta: int = 40, per_decade_T: int = 32) -> MultiphononTable:
    """Build (once per parameter set: cached) the table of r(E, T).

    Parameters
    ----------
    params : TFParameters
    E_min_K : float
        Lowest tabulated E, K.  Below it r is extrapolated linearly in ln E (the
        Raman limit, r ∝ −2 ln E, is linear).
    octaves_above_theta : int
        E_max = 2**octaves_above_theta · Θ (default 4Θ); linear extrapolation above.
    T_min_K, T_max_K : float
        T range, K.  Below T_min r keeps its T_min value (the T → 0 limit, with
        a relative error below 1e-9 at E_min); above T_max the rates raise.
    per_decade_E, per_octave_above_theta, per_decade_T : int
        Grid density: nodes per decade of E below Θ, per octave above Θ, per decade of T.

    Returns
    -------
    MultiphononTable
    """
    t0 = time.perf_counter()
    theta = params.theta_D_K
    if not (0.0 < E_min_K < theta and 0.0 < T_min_K < T_max_K and octaves_above_theta >= 0):
        raise ValueError("need 0 < E_min_K < Θ, octaves_above_theta >= 0 and 0 < T_min_K < T_max_K")
    nA = max(2, int(math.ceil(per_decade_E * math.log10(theta / E_min_K)))) + 1
    log_E = np.linspace(math.log(E_min_K), math.log(theta), nA)
    if octaves_above_theta > 0:
        k = np.arange(per_octave_above_theta * octaves_above_theta + 1)
        log_E = np.concatenate((log_E, math.log(theta) + k * (math.log(2.0) / per_octave_above_theta)))
    nT = max(4, int(math.ceil(per_decade_T * math.log10(T_max_K / T_min_K))) + 1)
    log_T = np.linspace(math.log(T_min_K), math.log(T_max_K), nT)
    E = np.exp(log_E)
    r = np.empty((nT, E.size))
    for jT, lT in enumerate(log_T):
        r[jT] = _r_values(E, math.exp(lT), params)
    if not np.all(np.isfinite(r)):
        raise FloatingPointError("multiphonon table has non-finite entries")
    return MultiphononTable(params, log_E, nA, log_T, r, time.perf_counter() - t0)


# ----------------------------------------------------------------------------- public rates

def _prepare(E_K, delta_K, V_K) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple]:
    E, d, V = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in (E_K, delta_K, V_K)))
    return (np.ascontiguousarray(E).ravel(), np.ascontiguousarray(d).ravel(),
            np.ascontiguousarray(V).ravel(), E.shape)


def multiphonon_rate(E_K, delta_K, V_K, T_K: float, params: TFParameters,
                     table: MultiphononTable | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Exact Debye-model multiphonon rates (PHYSICS channel 3), from the table.

    .. math:: K = K_\\uparrow + K_\\downarrow = \\alpha V^2 (\\Delta/E)^2 E^3
              \\coth\\frac{E}{2T}\\big[e^{J_1(T)}s(E) + e^{J_2(T) + r(E,T)}\\big]

    Parameters
    ----------
    E_K, delta_K, V_K : array_like
        Splitting E = sqrt(Δ² + 4V²), asymmetry Δ, matrix element V (all K); broadcast.
    T_K : float
        Phonon temperature (scalar), K, in [0, table T_max] (r is held below T_min).
    params : TFParameters
    table : MultiphononTable, optional
        Default ``multiphonon_table(params)`` (built once, cached).

    Returns
    -------
    (K_up, K_down) : tuple of ndarray
        s^-1, shape of the broadcast inputs.  K = K_up + K_down; K_up = K n_eq and
        K_down = K (1 − n_eq) (computed as k n_B and k (n_B + 1)), so K_up/K_down =
        e^{-E/T} (K_up underflows to 0 for E/T > ~709).  Overflows only if α e^{J2(T)} > 1e308 (T > ~390 K for TF's values).
    """
    tab = multiphonon_table(params) if table is None else table
    if tab.params != params:
        raise ValueError("table was built for other parameters")
    _check_T(T_K, tab)
    T = float(T_K)
    E, d, V, shape = _prepare(E_K, delta_K, V_K)
    coef1 = params.alpha_K * math.exp(float(J1_debye(T, params)))
    coef2 = params.alpha_K * math.exp(float(J2_debye(T, params)))
    up, down = np.empty_like(E), np.empty_like(E)
    _k.rates(E, d, V, T, coef1, coef2, True, params.theta_D_K, *tab.grid(), tab.row(T), up, down)
    return up.reshape(shape), down.reshape(shape)


_NO_TABLE = (0.0, 1.0, 2, math.inf, 1.0, 0, np.zeros(2))


def nondiagonal_rate(E_K, delta_K, V_K, T_K: float, params: TFParameters,
                     vibration: str = "debye") -> tuple[np.ndarray, np.ndarray]:
    """TF non-diagonal (barrier-modulation) rates, PHYSICS channel 2 (TF eqs. 12, 15–16).

    .. math:: K_\\uparrow = A E^3 n_B(E),\\quad K_\\downarrow = A E^3 [n_B(E)+1],\\quad
              A = \\alpha_{TF} V^2 e^{L(T)} (\\Delta/E)^2

    Parameters
    ----------
    E_K, delta_K, V_K : array_like
        E, Δ, V in K; broadcast.
    T_K : float
        Phonon temperature (scalar), K, >= 0.
    params : TFParameters
    vibration : {"debye", "einstein"}
        L(T) = ``vibrations.log_enhancement``: J1 of TF eq. 14, or eq. 7's
        J_eff − ½ ln φ3 (the φ3^{-1/2} prefactor included; see that function).

    Returns
    -------
    (K_up, K_down) : tuple of ndarray
        s^-1; K_up/K_down = e^{-E/T}; K_up + K_down = A E³ coth(E/2T).
    """
    _check_T(T_K, None)
    T = float(T_K)
    E, d, V, shape = _prepare(E_K, delta_K, V_K)
    coef = params.alpha_K * math.exp(float(log_enhancement(T, params, vibration)))
    up, down = np.empty_like(E), np.empty_like(E)
    _k.rates(E, d, V, T, coef, 0.0, False, params.theta_D_K, *_NO_TABLE, up, down)
    return up.reshape(shape), down.reshape(shape)


# ----------------------------------------------------------------------------- totals for the pipeline

def _flat_inputs(E_K, delta_K, V_K, out) -> tuple[np.ndarray, ...]:
    arrays = [np.ascontiguousarray(a, dtype=np.float64) for a in (E_K, delta_K, V_K)]
    if not (isinstance(out, np.ndarray) and out.dtype == np.float64 and out.ndim == 1
            and out.flags.c_contiguous and all(a.shape == out.shape for a in arrays)):
        raise ValueError("E_K, delta_K, V_K and out must be 1-D arrays of the same length "
                         "(out: contiguous float64)")
    return tuple(arrays)


_PIECE = 1 << 18
"""TLSs per piece in :func:`add_multiphonon_total` (a scratch of this many floats)."""


def add_multiphonon_total(E_K, delta_K, V_K, T_K: float, params: TFParameters, out: np.ndarray,
                          table: MultiphononTable | None = None) -> None:
    """``out += K↑ + K↓`` of :func:`multiphonon_rate` (s^-1), in place, without the split.

    The same k coth(E/2T) as ``sum(multiphonon_rate(...))`` (to round-off), in pieces of
    _PIECE TLSs with one small scratch array: what a rate channel of the pipeline needs
    (RateSet splits K).
    """
    tab = multiphonon_table(params) if table is None else table
    if tab.params != params:
        raise ValueError("table was built for other parameters")
    _check_T(T_K, tab)
    T = float(T_K)
    E, d, V = _flat_inputs(E_K, delta_K, V_K, out)
    coef1 = params.alpha_K * math.exp(float(J1_debye(T, params)))
    coef2 = params.alpha_K * math.exp(float(J2_debye(T, params)))
    grid, row = tab.grid(), tab.row(T)
    # in pieces of _PIECE TLSs: ln E and e^r by vectorised NumPy (log and exp are most of a
    # scalar loop's cost), the rest in one compiled pass; scratch stays small
    n = E.shape[0]
    lr = np.empty(min(n, _PIECE))
    with np.errstate(divide="ignore", invalid="ignore"):
        for a in range(0, n, _PIECE):
            b = min(n, a + _PIECE)
            w = lr[:b - a]
            np.log(E[a:b], out=w)
            _k.interp_r_log(w, *grid, row, w)
            np.exp(w, out=w)
            _k.add_total_er(E[a:b], d[a:b], V[a:b], T, coef1, coef2, params.theta_D_K, w, out[a:b])


def add_nondiagonal_total(E_K, delta_K, V_K, T_K: float, params: TFParameters, out: np.ndarray,
                          vibration: str = "debye") -> None:
    """``out += K↑ + K↓`` of :func:`nondiagonal_rate` (s^-1), in place: A E³ coth(E/2T)."""
    _check_T(T_K, None)
    T = float(T_K)
    E, d, V = _flat_inputs(E_K, delta_K, V_K, out)
    coef = params.alpha_K * math.exp(float(log_enhancement(T, params, vibration)))
    _k.add_total(E, d, V, T, coef, 0.0, False, params.theta_D_K, *_NO_TABLE, out)
