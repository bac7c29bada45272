r"""Independent soft-potential solver for the ``exact`` column (PHYSICS §1b, §2, §3, §9).

The quadrature must not share physics code with the Monte Carlo it checks (issue 12): this
module solves −ψ'' + (η y² + t y³ + y⁴) ψ = ε ψ (GGP eqs. 2.1–2.7; energies in units of W,
y in units of a η_L^½) with its own method (finite differences, not the oscillator basis)
and its own code, and knows nothing of :mod:`tlsmc.spectrum.soft_solver` or
:mod:`tlsmc.population.soft`.  The independence is the point: a bug in either solver shows
up as an MC-vs-exact z-score.

Method
------
* The potential is written about y = c = −t/4, where its cubic term vanishes:
  Ṽ(c + z) = v₀ + q z + p z² + z⁴ with p = η − 3t²/8, q = t³/8 − ηt/2,
  v₀ = ηt²/16 − 3t⁴/256.  (p, q) do not depend on the frame, so the two frames of GGP
  eq. 2.10 give the same spectrum up to the constant v₀ by construction.  A double well is
  one whose cubic 4z³ + 2pz + q has three real roots (trigonometric form); type 1 if
  η < 0, type 2 if 0 < η < 9t²/32 (PHYSICS §1b).
* 3-point finite differences with Dirichlet ends on z ∈ [−L, L], L = (outermost stationary
  point) + a decay margin; the lowest three eigenvalues by Sturm-count multisection (8
  shifts a pass, their recurrences interleaved; ε2 to round-off, ε0 and ε1 only to place
  the shift).  On the finest grid the levels are first predicted from the two coarser ones
  (error series in a²): where two Sturm counts confirm the bracket ε2 ± (twice the predicted
  change), ε2 is multisected from it to the same final width, and ε0, ε1 are the predicted
  ones (the shift's uncertainty enters the iteration count below); else the full search.
* The invariant pair span{ψ0, ψ1} by block inverse iteration at the pair's mid-point
  (Thomas algorithm; ψ2 falls by (E/2)/(E21 + E/2) a step, iterated to 1e-17); in it, the
  pair (u, v) that diagonalises z and the 2×2 Hamiltonian h_uu, h_vv, h_uv, with the
  kinetic energy summed as Σ(Δψ)²/a² (no cancellation) and, for a double well, h_uv from the
  Wronskian (discrete Green) identity at the barrier top (PHYSICS §9).  Then Δ0 = 2|h_uv|,
  Δ = h_vv − h_uu (or q(⟨v|z|v⟩ − ⟨u|z|u⟩), Hellmann–Feynman, for a nearly symmetric well,
  where the difference of Rayleigh quotients has lost its digits), E = (Δ² + Δ0²)^½ — never
  a difference of two eigenvalues — and ψ0, ψ1 by the 2×2 rotation (so Δ0/E =
  2|x01|/((x11 − x00)² + 4x01²)^½ exactly, PHYSICS §2).
* Richardson extrapolation over three grids (spacing a, a/2, a/4 exactly; O(a²) -> O(a⁶)) of
  ε2, the pair's mean energy, Δ, ln Δ0 and the matrix elements ⟨u|z^k|v⟩; the coarsest grid
  has n0 + 1 = 128 intervals for depths −p <= 8 and ∝ depth^{3/4} beyond.
* δ of GGP eq. 3.3 by bisection on the monotone piece of g(δ) = 2ηδ − 3tδ² + 4δ³ between
  δ = 0 and g's first stationary point in the direction of motion (the branch continuously
  connected to δ = 0 at χ = 0; NaN where −χ is outside g's range there, PHYSICS §9); then
  D/c = ⟨1|(y+δ)²|1⟩ − ⟨0|(y+δ)²|0⟩, M/c = ⟨0|(y+δ)²|1⟩ (PHYSICS §3, Hellmann–Feynman).

The per-potential kernel is compiled with numba (written here; the Monte Carlo's kernels in
:mod:`tlsmc._kernels` are not used).

Accuracy (against the Monte Carlo's solver, tests/physics/test_exact_independence.py):
E and Δ0 to ~1e-10 relative at depth 6 (GGP's check point Δ0(−6, 0) = 0.0414 W), 4.5e-8 for
depths < 9, E 3e-7 and Δ0 1.3e-6 up to depth 16 (the discretisation error of ln Δ0 grows
with the tunnelling action), E21 2e-9, D and M to 2e-7 of ⟨y²⟩.  Floor: the pair (u, v) is
known to ~1e-16 absolute, so Δ0 below ~1e-16 W (symmetric wells deeper than η ≈ −20) is
resolved only to ~1e-3 relative; such TLSs relax slower than 1e20 s and enter only the
t -> ∞ sums, through E.

Cost: 0.57 ms of CPU per potential on quadrature nodes of depth 1.5–20 (three grids of
127–1151 points; 0.80 ms before the finest grid's levels were predicted and the
elimination factored once; measured in one process, load average 11).
Shares nothing with the Monte Carlo (own NumPy and numba code).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit, prange

__all__ = ["SoftLevels", "solve_levels", "depressed_quartic", "stationary_points",
           "delta_branch", "SINGLE", "TYPE1", "TYPE2"]

SINGLE, TYPE1, TYPE2 = 0, 1, 2
"""Geometry codes (values chosen to equal the population's kind codes, for the weights)."""
_N0 = 128          # points of the coarsest grid
_BISECT = 44       # bisection steps (ε2 to ~1e-12; ε0, ε1 come from the 2×2 pair)
_SECT = 8          # shifts per multisection pass (the interval shrinks 9-fold a pass)
_PASSES = (6, 6, 14)   # passes for ε0, ε1 (9^6 > 2^16) and ε2 (9^14 > 2^_BISECT): at least
#                        the reduction of 16 and _BISECT bisection steps
_ITER = 40         # most block inverse-iteration steps
_FINAL2 = 8.0 / (_SECT + 1.0) ** _PASSES[2]   # width of ε2's last bracket (at most)


@dataclass(frozen=True)
class SoftLevels:
    """Spectra of a batch of quartic potentials (energies in W, y in a η_L^½).

    Attributes
    ----------
    eps0, eps1, eps2 : lowest three levels of the given (η, t) potential
    E, E21 : ε1 − ε0 (from the 2×2 pair, no subtraction of levels) and ε2 − ε1
    delta, delta0 : asymmetry Δ (sign: right well minus left well) and splitting Δ0
    x00, x11, x01, x2_00, x2_11, x2_01 : ⟨i|y^k|j⟩ (k = 1, 2) in ψ0, ψ1
    geometry : SINGLE, TYPE1 or TYPE2 (double-well type of PHYSICS §1b)
    barrier : barrier top minus ε1 (>= 0; 0 for a single well)
    """

    eps0: np.ndarray
    eps1: np.ndarray
    eps2: np.ndarray
    E: np.ndarray
    E21: np.ndarray
    delta: np.ndarray
    delta0: np.ndarray
    x00: np.ndarray
    x11: np.ndarray
    x01: np.ndarray
    x2_00: np.ndarray
    x2_11: np.ndarray
    x2_01: np.ndarray
    geometry: np.ndarray
    barrier: np.ndarray

    def couplings(self, eta, t, chi) -> tuple[np.ndarray, np.ndarray]:
        """(D/c, M/c) of PHYSICS §3 with the δ shift (NaN where the branch does not exist)."""
        d, ok = delta_branch(eta, t, chi)
        d0 = np.where(ok, d, 0.0)
        D = (self.x2_11 - self.x2_00) + 2.0 * d0 * (self.x11 - self.x00)
        M = self.x2_01 + 2.0 * d0 * self.x01
        return np.where(ok, D, np.nan), np.where(ok, M, np.nan)


def depressed_quartic(eta, t):
    """(c, p, q, v0): η y² + t y³ + y⁴ = v0 + q z + p z² + z⁴ with y = c + z, c = −t/4."""
    eta, t = np.asarray(eta, dtype=float), np.asarray(t, dtype=float)
    return -0.25 * t, eta - 0.375 * t * t, t ** 3 / 8.0 - 0.5 * eta * t, eta * t * t / 16.0 - 3.0 * t ** 4 / 256.0


def stationary_points(p, q):
    """Real roots of 4z³ + 2pz + q (sorted, (n, 3)) and whether there are three.

    Three real roots iff 4P³ + 27Q² < 0 with P = p/2, Q = q/4 (trigonometric form);
    otherwise the single real root (Cardano) is repeated in all three columns.
    """
    P, Q = 0.5 * np.asarray(p, dtype=float), 0.25 * np.asarray(q, dtype=float)
    three = 4.0 * P ** 3 + 27.0 * Q * Q < 0.0
    out = np.empty(P.shape + (3,))
    Pm = np.where(three, P, -1.0)
    r = 2.0 * np.sqrt(-Pm / 3.0)
    arg = np.clip(1.5 * Q / Pm * np.sqrt(-3.0 / Pm), -1.0, 1.0)
    phi = np.arccos(arg) / 3.0
    for k in range(3):
        out[..., k] = r * np.cos(phi - 2.0 * np.pi * k / 3.0)
    disc = np.sqrt(np.maximum(Q * Q / 4.0 + P ** 3 / 27.0, 0.0))
    one = np.cbrt(-Q / 2.0 + disc) + np.cbrt(-Q / 2.0 - disc)
    out = np.where(three[..., None], out, one[..., None])
    return np.sort(out, axis=-1), three


def delta_branch(eta, t, chi) -> tuple[np.ndarray, np.ndarray]:
    """δ solving χ + 2ηδ − 3tδ² + 4δ³ = 0 on the branch through δ = 0 at χ = 0 (GGP 3.3).

    g(δ) = 2ηδ − 3tδ² + 4δ³ is monotone between 0 and its first stationary point δ_s in the
    direction s = −sgn(χ/η) in which δ leaves 0; the branch exists iff −χ lies in g's range
    there, and δ is found by 80 bisection steps.  Returns (δ, ok); δ = NaN where not ok.
    """
    eta, t, chi = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (eta, t, chi)))
    s = np.where(chi == 0.0, 1.0, -np.sign(chi) * np.sign(eta))
    disc = 36.0 * t * t - 96.0 * eta                       # g'(δ) = 12δ² − 6tδ + 2η
    sq = np.sqrt(np.maximum(disc, 0.0))
    roots = np.stack([(6.0 * t - sq) / 24.0, (6.0 * t + sq) / 24.0], axis=-1)
    ahead = np.where((disc > 0.0)[..., None] & (roots * s[..., None] > 0.0), np.abs(roots), np.inf)
    reach = np.min(ahead, axis=-1)                        # distance to the fold (inf: none)
    g = lambda d: d * (2.0 * eta + d * (-3.0 * t + 4.0 * d))
    end = np.where(np.isfinite(reach), reach, 1.0)
    while True:                                            # unbounded branch: widen the bracket
        grow = ~np.isfinite(reach) & (np.abs(g(s * end)) < np.abs(chi))
        if not grow.any():
            break
        end = np.where(grow, 2.0 * end, end)
    ok = (eta != 0.0) & (np.abs(g(s * end)) >= np.abs(chi)) | (chi == 0.0)
    lo, hi = np.zeros_like(end), end
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        below = np.abs(g(s * mid)) < np.abs(chi)
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    d = np.where(chi == 0.0, 0.0, s * 0.5 * (lo + hi))
    return np.where(ok, d, np.nan), ok


# ----------------------------------------------------------------------------- one grid
# Compiled per-potential kernel (numba, written here for the exact column; the Monte Carlo's
# kernels in tlsmc._kernels are not used).  Output columns of _grid_kernel:
_COLS = ("eps2", "mean", "delta_direct", "dz", "log_delta0", "huv_sign",
         "z1_uu", "z1_vv", "z1_uv", "z2_uu", "z2_vv", "z2_uv")


@njit(cache=True)
def _count(diag, off2, sig):
    """Number of eigenvalues of the tridiagonal matrix (diag, off²) below sig (Sturm)."""
    c = 0
    qv = diag[0] - sig
    for i in range(diag.size):
        if i:
            qv = diag[i] - sig - off2 / qv
        if qv == 0.0:
            qv = -1e-300
        if qv < 0.0:
            c += 1
    return c


@njit(cache=True)
def _count_many(diag, off2, sig, qv, cnt):
    """cnt[j] = number of eigenvalues below sig[j] for every j (Sturm, as :func:`_count`).

    The sequences of the shifts are independent, so they interleave (the divisions of one
    point of the grid pipeline instead of waiting on each other): ~``sig.size`` counts for
    little more than the time of one.
    """
    m = sig.size
    for j in range(m):
        q = diag[0] - sig[j]
        q = -1e-300 if q == 0.0 else q
        qv[j] = q
        cnt[j] = 1.0 if q < 0.0 else 0.0
    for i in range(1, diag.size):
        d = diag[i]
        for j in range(_SECT):              # branch-free, fixed length: vectorises
            q = (d - sig[j]) - off2 / qv[j]
            q = -1e-300 if q == 0.0 else q
            qv[j] = q
            cnt[j] += 1.0 if q < 0.0 else 0.0


@njit(cache=True)
def _factor(diag, off, sig, piv, cp):
    """Pivots and multipliers of the Thomas elimination of (T − sig), T tridiagonal (diag,
    constant off): computed once per potential, since the shift is fixed."""
    n = diag.size
    p = diag[0] - sig
    if p == 0.0:
        p = 1e-300
    piv[0] = p
    cp[0] = off / p
    for i in range(1, n):
        p = diag[i] - sig - off * cp[i - 1]
        if p == 0.0:
            p = 1e-300
        piv[i] = p
        cp[i] = off / p


@njit(cache=True)
def _solve2(piv, cp, off, ra, rb, xa, xb):
    """Solve (T − sig) x = r for two right-hand sides with the factors of :func:`_factor`
    (the operations of a Thomas solve per vector, interleaved: the same numbers)."""
    n = piv.size
    xa[0] = ra[0] / piv[0]
    xb[0] = rb[0] / piv[0]
    for i in range(1, n):
        xa[i] = (ra[i] - off * xa[i - 1]) / piv[i]
        xb[i] = (rb[i] - off * xb[i - 1]) / piv[i]
    for i in range(n - 2, -1, -1):
        xa[i] -= cp[i] * xa[i + 1]
        xb[i] -= cp[i] * xb[i + 1]


@njit(cache=True)
def _form(f, g, V, a):
    """⟨f|H|g⟩ with the kinetic part Σ Δf Δg / a² (Dirichlet ends): no cancellation."""
    n = f.size
    s = f[0] * g[0] + f[n - 1] * g[n - 1]
    for i in range(n - 1):
        s += (f[i + 1] - f[i]) * (g[i + 1] - g[i])
    s /= a * a
    for i in range(n):
        s += f[i] * V[i] * g[i]
    return s


@njit(cache=True)
def _one_potential(p, q, L, n, mid, guess, out):
    a = 2.0 * L / (n + 1)
    z = np.empty(n)
    V = np.empty(n)
    diag = np.empty(n)
    for i in range(n):
        z[i] = -L + a * (i + 1)
        V[i] = z[i] * z[i] * (z[i] * z[i] + p) + q * z[i]
        diag[i] = 2.0 / (a * a) + V[i]
    off = -1.0 / (a * a)
    off2 = off * off
    vmin = V.min()
    lev = np.empty(3)
    sig_m, qv_m, cnt_m = np.empty(_SECT), np.empty(_SECT), np.empty(_SECT)
    err = guess[3]                          # uncertainty of the predicted levels (NaN: none)
    if err == err:                          # ε2 bracketed about its prediction, if it holds
        lo, hi = guess[2] - err, guess[2] + err
        if not (_count(diag, off2, lo) <= 2 and _count(diag, off2, hi) >= 3):
            err = np.nan
    for k in (2, 1, 0):                     # multisection: ε2 to round-off, ε0, ε1 coarsely
        if err == err:                      # predicted: ε0, ε1 only place the shift
            if k < 2:
                lev[k] = guess[k]
                continue
            passes = max(0, int(np.ceil(np.log((hi - lo) / _FINAL2) / np.log(_SECT + 1.0))))
        else:
            lo, width = vmin, 8.0
            while _count(diag, off2, lo + width) <= k:
                width *= 2.0
            hi = lo + width
            passes = _PASSES[k]
        for _ in range(passes):
            step = (hi - lo) / (_SECT + 1)
            for j in range(_SECT):
                sig_m[j] = lo + step * (j + 1)
            _count_many(diag, off2, sig_m, qv_m, cnt_m)
            below = 0                       # shifts with <= k eigenvalues below: a prefix
            while below < _SECT and cnt_m[below] <= k:
                below += 1
            lo, hi = (sig_m[below - 1] if below else lo), (sig_m[below] if below < _SECT else hi)
        lev[k] = 0.5 * (lo + hi)
    sig = 0.5 * (lev[0] + lev[1])           # mid-point: ψ0, ψ1 amplified alike (no loss in
    #                                         Gram–Schmidt), ψ2 suppressed by (E/2)/(E21 + E/2)
    u = np.exp(-((z + 0.5 * L) / L) ** 2)
    v = np.exp(-((z - 0.5 * L) / L) ** 2)
    tu, tv, cp, piv = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    # block inverse iteration at the mid-point: ψ2 falls by f = (E/2)/(E21 + E/2) a step;
    # enough steps for f^k < 1e-17 (a residual test would stop at √eps: 1 − |det| is quadratic)
    f = (0.5 * abs(lev[1] - lev[0]) + 1e-3 + (err if err == err else 0.0)) / (lev[2] - sig)
    steps = _ITER if f >= 1.0 else min(_ITER, 2 + int(np.ceil(-39.2 / np.log(max(f, 1e-300)))))
    _factor(diag, off, sig, piv, cp)        # one elimination serves every step and both vectors
    for it in range(steps):
        _solve2(piv, cp, off, u, v, tu, tv)
        tu /= np.sqrt(np.dot(tu, tu))
        tv -= np.dot(tu, tv) * tu
        tv /= np.sqrt(np.dot(tv, tv))
        u, v = tu.copy(), tv.copy()
    # rotate to the pair diagonalising z (u left, v right)
    zuu, zvv, zuv = np.dot(u * z, u), np.dot(v * z, v), np.dot(u * z, v)
    th = 0.5 * np.arctan2(-2.0 * zuv, zuu - zvv)       # rotation that makes z diagonal
    c, s = np.cos(th), np.sin(th)
    r1, r2 = c * u - s * v, s * u + c * v
    if np.dot(r1 * z, r1) > np.dot(r2 * z, r2):
        r1, r2 = r2, r1
    if r1.sum() < 0.0:
        r1 = -r1
    if r2.sum() < 0.0:
        r2 = -r2
    huu, hvv, huv = _form(r1, r1, V, a), _form(r2, r2, V, a), _form(r1, r2, V, a)
    if np.isfinite(mid):                    # Wronskian identity right of the barrier top k
        k = min(max(int(np.floor((mid + L) / a)) - 1, 0), n - 2)
        auv, avv, auu = 0.0, 0.0, 0.0
        for i in range(k + 1, n):
            auv += r1[i] * r2[i]
            avv += r2[i] * r2[i]
            auu += r1[i] * r1[i]
        wr = (r1[k + 1] * r2[k] - r2[k + 1] * r1[k]) / (a * a)
        huv = (wr + (hvv - huu) * auv) / (avv - auu)
    out[0] = lev[2]
    out[1] = 0.5 * (huu + hvv)
    out[2] = hvv - huu
    out[3] = np.dot(r2 * z, r2) - np.dot(r1 * z, r1)
    out[4] = np.log(max(2.0 * abs(huv), 1e-300))
    out[5] = -1.0 if huv < 0.0 else 1.0
    out[6], out[7], out[8] = np.dot(r1 * z, r1), np.dot(r2 * z, r2), np.dot(r1 * z, r2)
    z2 = z * z
    out[9], out[10], out[11] = np.dot(r1 * z2, r1), np.dot(r2 * z2, r2), np.dot(r1 * z2, r2)


@njit(cache=True, parallel=True)
def _grid_kernel(p, q, L, n, mid, guess, out):
    for j in prange(p.size):
        _one_potential(p[j], q[j], L[j], n, mid[j], guess[j], out[j])


def _one_grid(p, q, L, n, mid, guess=None):
    """Levels and pair quantities of z⁴ + p z² + q z on n interior points of [−L, L].

    ``mid``: barrier-top coordinate (NaN for a single well), where the Wronskian identity
    (PHYSICS §9; discrete Green identity of the 3-point Laplacian)
    (h_uu − h_vv) A_uv + h_uv (A_vv − A_uu) = (u_{k+1} v_k − v_{k+1} u_k)/a²,
    A_fg = Σ_{i>k} f_i g_i, gives h_uv without cancellation.
    ``guess``: (m, 4) predicted (ε0, ε1, ε2, uncertainty) (:func:`_predict`); where the
    bracket ε2 ± uncertainty holds (two Sturm counts), ε2 is multisected from it and ε0, ε1
    are taken as predicted (they only place the shift); elsewhere (NaN) the full search.
    """
    out = np.empty((p.size, len(_COLS)))
    f = lambda x: np.ascontiguousarray(x, dtype=np.float64)
    g = np.full((p.size, 4), np.nan) if guess is None else f(guess)
    _grid_kernel(f(p), f(q), f(L), int(n), f(mid), g, out)
    return {name: out[:, j] for j, name in enumerate(_COLS)}


def _predict(g0: dict, g1: dict) -> np.ndarray:
    """(ε0, ε1, ε2, uncertainty) on the grid a/4 from the grids a, a/2 (error series in a²:
    x(a/4) ≈ x(a/2) + (x(a/2) − x(a))/4, with an O(a⁴) error); the uncertainty is twice the
    predicted change of ε2 and of the pair's mean (plus 1e-10 (1 + |ε2|)), and is checked by
    Sturm counts on the finer grid before it is used."""
    def pair(g):
        E = np.hypot(g["delta_direct"], np.exp(g["log_delta0"]))
        return g["mean"] - 0.5 * E, g["mean"] + 0.5 * E
    (a0, a1), (b0, b1) = pair(g0), pair(g1)
    e2 = g1["eps2"] + 0.25 * (g1["eps2"] - g0["eps2"])
    err = (0.5 * np.maximum(np.abs(g1["eps2"] - g0["eps2"]), np.abs(g1["mean"] - g0["mean"]))
           + 1e-10 * (1.0 + np.abs(e2)))
    guess = np.stack([b0 + 0.25 * (b0 - a0), b1 + 0.25 * (b1 - a1), e2, err], axis=1)
    return np.where(np.isfinite(guess).all(axis=1)[:, None], guess, np.nan)


def _richardson(vals: list[np.ndarray]) -> np.ndarray:
    """Extrapolate values on grids a, a/2, a/4 (error series in a²) to a = 0."""
    r1 = (4.0 * vals[1] - vals[0]) / 3.0
    r2 = (4.0 * vals[2] - vals[1]) / 3.0
    return (16.0 * r2 - r1) / 15.0


def _extent(p, q, roots):
    """Half-width L of the grid: outermost stationary point plus a decay margin."""
    depth = np.maximum(-p, 0.0)
    return np.max(np.abs(roots), axis=-1) + 2.0 + 4.0 / (1.0 + depth) ** 0.25


def solve_levels(eta, t, *, n0: int = _N0, batch: int = 4096) -> SoftLevels:
    """Solve the potentials η y² + t y³ + y⁴ (1-D arrays) independently of the Monte Carlo.

    Parameters
    ----------
    eta, t : array_like
        Renormalised potential coefficients (dimensionless), broadcast to 1-D.
    n0 : int
        Interior points of the coarsest grid for depths −p <= 8 (then ~2 n0 and ~4 n0; more
        for deeper wells, ∝ depth^{3/4}).
    batch : int
        Potentials solved together (memory ~ 60 batch n0 doubles).

    Returns
    -------
    SoftLevels
    """
    eta, t = (np.ravel(a) for a in np.broadcast_arrays(np.asarray(eta, float), np.asarray(t, float)))
    parts = [_solve_batch(eta[i:i + batch], t[i:i + batch], n0) for i in range(0, eta.size, batch)]
    if not parts:
        parts = [_solve_batch(eta, t, n0)]
    return SoftLevels(**{f: np.concatenate([pt[f] for pt in parts]) for f in parts[0]})


def _solve_batch(eta, t, n0) -> dict:
    c, p, q, v0 = depressed_quartic(eta, t)
    roots, three = stationary_points(p, q)
    L = _extent(p, q, roots)
    mid = np.where(three, roots[:, 1], np.nan)
    # points per grid: the discretisation error of ln Δ0 after Richardson grows as
    # (depth^{3/4}/n)^6, so n grows with the depth −p beyond 8 (multiples of 32)
    n1 = 32 * np.ceil((n0 + 1) / 32.0 * np.maximum(1.0, np.maximum(-p, 0.0) / 8.0) ** 0.75)
    grids = [{k: np.empty(p.size) for k in _COLS} for _ in range(3)]
    for m in np.unique(n1):
        sel = n1 == m
        for j in range(3):
            guess = _predict(*({k: g[k][sel] for k in _COLS} for g in grids[:2])) if j == 2 else None
            part = _one_grid(p[sel], q[sel], L[sel], int(m) * 2 ** j - 1, mid[sel], guess)
            for k in _COLS:
                grids[j][k][sel] = part[k]
    ex = {k: _richardson([g[k] for g in grids]) for k in grids[0] if k != "huv_sign"}
    huv = grids[-1]["huv_sign"] * 0.5 * np.exp(ex["log_delta0"])
    # Δ: direct difference of Rayleigh quotients, or first order in q (Δ is odd in q) where
    # that is the more accurate (|q| small: the direct one has lost its digits)
    direct, pert = ex["delta_direct"], q * ex["dz"]
    scale = np.abs(ex["mean"]) + 1.0
    use_pert = np.abs(q) ** 3 * np.abs(ex["dz"]) * 10.0 < 1e-14 * scale
    delta = np.where(use_pert, pert, direct)
    delta0 = np.exp(ex["log_delta0"])
    E = np.hypot(delta, delta0)
    # ground state ψ0 = cos θ u + sin θ v (lower eigenvector of [[h_uu, h_uv], [h_uv, h_vv]]),
    # ψ1 = −sin θ u + cos θ v
    th = 0.5 * np.arctan2(-2.0 * huv, delta)
    cs, sn = np.cos(th), np.sin(th)
    out = {}
    for k in (1, 2):
        uu, vv, uv = ex[f"z{k}_uu"], ex[f"z{k}_vv"], ex[f"z{k}_uv"]
        m00 = cs * cs * uu + 2 * cs * sn * uv + sn * sn * vv
        m11 = sn * sn * uu - 2 * cs * sn * uv + cs * cs * vv
        m01 = cs * sn * (vv - uu) + (cs * cs - sn * sn) * uv
        out[f"m{k}"] = (m00, m11, m01)
    # back to y = c + z: <y> = <z> + c, <y²> = <z²> + 2c<z> + c² (c² cancels off-diagonal)
    (z00, z11, z01), (zz00, zz11, zz01) = out["m1"], out["m2"]
    zm = roots[:, 1]
    vtop = zm * zm * (zm * zm + p) + q * zm
    eps0, eps1 = ex["mean"] - 0.5 * E, ex["mean"] + 0.5 * E
    geometry = np.where(~three, SINGLE, np.where(eta < 0.0, TYPE1, TYPE2)).astype(np.int8)
    return dict(eps0=eps0 + v0, eps1=eps1 + v0, eps2=ex["eps2"] + v0, E=E,
                E21=ex["eps2"] - eps1, delta=np.abs(delta), delta0=delta0,
                x00=z00 + c, x11=z11 + c, x01=z01,
                x2_00=zz00 + 2 * c * z00 + c * c, x2_11=zz11 + 2 * c * z11 + c * c,
                x2_01=zz01 + 2 * c * z01,
                geometry=geometry,
                barrier=np.where(three, np.maximum(vtop - eps1, 0.0), 0.0))
