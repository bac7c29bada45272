"""Spectra of soft (quartic) potentials: the two-level systems of GGP §II–III.

The dimensionless Schrödinger equation (GGP eqs. 2.1–2.7; energies in units of W,
coordinates in units of a η_L^½)

.. math::

    -\\psi'' + (\\eta y^2 + t y^3 + y^4)\\,\\psi = \\varepsilon\\,\\psi

is solved for many (η, t) at once by compiled kernels (:mod:`tlsmc._kernels.soft_potential`,
with :mod:`~tlsmc._kernels.banded_shift_invert`, :mod:`~tlsmc._kernels.banded_eigen` and
:mod:`~tlsmc._kernels.oscillator_basis`).
:func:`solve_soft` returns a :class:`SoftSpectrum`: the lowest three levels, the
matrix elements of y, y², y³ in the lowest two, the two-level parameters
(E, Δ0, Δ, p), the classification, and the deformation-potential factors of
PHYSICS §3 for a given χ (GGP eqs. 3.3–3.4).

Method (PHYSICS §9)
-------------------
* A double well (η < 0, or 0 < η < 9t²/32) is first written about its barrier top
  (GGP eq. 2.10: same potential, energies shifted by V(s)); a single well is kept.
* Harmonic-oscillator basis y = c + ℓξ, ℓ = 0.45, centred between the minima
  (c = −3t/8); the matrix of H is an exact band of half-width 4.  Basis size
  n = 52 + 4√D (D the depth of the deeper well below V(c); 8 fewer for shallow
  wells), 44 ≤ n ≤ 400: calibrated so that the coefficients of the lowest two
  states beyond n are below 1e-14.
* Lowest three levels by shift-and-invert on the band itself (``method="shift_invert"``,
  :mod:`~tlsmc._kernels.banded_shift_invert`; every step a banded LDLᵀ, O(n b²)):
  start vectors are displaced oscillator states 0–2 in each well, two steps of
  subspace iteration below the ground state and Rayleigh–Ritz, then Rayleigh-quotient
  iteration for the lowest two and a block one for the third, to residuals
  ≤ 64 ε ||H|| (the third: 1e-9 ||H||, its eigenvalue is then exact to ~1e-18 ||H||²/gap).
  Certificate: small residuals and a Sylvester inertia count (one
  LDLᵀ) showing exactly two eigenvalues below the third level; where it fails
  (3e-4 of the benchmark TLS-region potentials, ~5e-3 over a wide (η, t) range)
  the reduction method is used instead.
  ``method="reduction"``: band → tridiagonal by Givens rotations, Sturm bisection
  for the lowest three levels, inverse iteration for the lowest two eigenvectors
  (2–3x slower; the two agree to the accuracy below, tests/test_soft_potential.py).
* Those two are rotated to the pair (u, v) that diagonalises y (u left, v right)
  and the 2x2 Hamiltonian of the pair is built without subtracting large numbers:
  for a double well its off-diagonal element comes from the Wronskian identity
  at the barrier top y = 0 (Green's theorem on [0, ∞)),
  (h_vv − h_uu) A_uv + h_uv (A_uu − A_vv) = u v' − v u',  A_ij = ∫_0^∞ i j dy,
  which reduces for t = 0 to Δ0 = ψ_odd'(0) ψ_even(0) / ∫_0^∞ ψ_even ψ_odd;
  the asymmetry Δ = h_vv − h_uu comes from Rayleigh quotients or, for a nearly
  symmetric well, from first order in the cubic coefficient t_b about the barrier
  top (Δ is odd in t_b, so the error is O(t_b³)), whichever has the smaller
  error estimate.  Then E = (Δ² + 4 h_uv²)^½ and, since y is diagonal in (u, v),
  Δ0 = 2|h_uv| = E · 2|x01| / ((x11 − x00)² + 4 x01²)^½ exactly (PHYSICS §2).

Accuracy
--------
Against 30- and 40-digit mpmath solutions of the same problem (tests/test_soft_potential.py):
E to ~1e-12 relative (or ~1e-15 W absolute) everywhere; Δ0 to ~1e-10 relative
while Δ0 ≳ 1e-11 W and Δ0/E ≳ 1e-4 (worst seen on resolved potentials: 5e-9).
Below that the Δ0 error grows roughly as (W/Δ0)^½ for nearly symmetric wells
(1e-9 at Δ0 = 1e-11 W, 1e-6 at 1e-16 W) and as E/Δ0 for asymmetric ones (the x-basis
rotation is known to ~1e-17 absolute: 2e-7 at Δ0/E = 3e-10).  Every potential
carries an estimate ``rel_err`` of the relative error of E and Δ0 (calibrated to
exceed the observed error by 4–1000x); ``resolved`` is ``rel_err <= 1e-6``.  The
floor this gives: Δ0 ≈ 5e-14 W for a symmetric well (η ≈ −18, t = 0) and
Δ0/E ≈ 1e-6 for asymmetric ones; beyond it the values are still the best
estimates (typically 10–1000x better than ``rel_err``), flagged
``resolved = False``.  Matrix elements between the two states are accurate to
~1e-15 absolute.

Phase convention
----------------
u and v are each positive at their own centroid; ψ0 = cos θ u + sin θ v,
ψ1 = −sin θ u + cos θ v, and each of ψ0, ψ1 is then multiplied by the sign of its
larger (u, v) coefficient (on a tie, of its v coefficient): every state is
positive in the well it mostly occupies, and for a symmetric well ψ0 is even and
ψ1 is positive on the right (so x01 > 0).  The signs of x01, x2_01, x3_01 and
M_over_c follow; rates need |M| only.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from .._kernels import soft_potential as _k

__all__ = ["METHODS", "NOT_TLS", "RATIO_CUT", "SINGLE_WELL", "TYPE1", "TYPE2", "SoftSpectrum",
           "delta_shift", "solve_soft", "solve_soft_pairs"]

SINGLE_WELL = 0
"""kind: a single well (not a TLS)."""
TYPE1 = 1
"""kind: η < 0, double well about the origin (GGP type 1)."""
TYPE2 = 2
"""kind: 0 < η < 9t²/32, second well created by the cubic term (GGP type 2)."""
NOT_TLS = 3
"""kind: double well whose third level is not far above the second."""
RATIO_CUT = 10.0
"""Default cut on (E2 − E1)/(E1 − E0) below which a double well is NOT_TLS."""

_FLOAT_FIELDS = ("eta", "t", "chi", "eps0", "eps1", "eps2", "E", "E21",
                 "x00", "x11", "x01", "x2_00", "x2_11", "x2_01", "x3_00", "x3_11", "x3_01",
                 "delta0", "delta", "p", "ratio", "delta_shift", "D_over_c", "M_over_c", "rel_err")


@dataclass(frozen=True, slots=True)
class SoftSpectrum:
    """Spectra of a batch of soft potentials (structure of arrays, potential axis first).

    All energies are in units of W (eigenvalues of the dimensionless problem,
    GGP eq. 2.7); coordinates are in units of a η_L^½; y is the coordinate of the
    given (renormalized) potential η y² + t y³ + y⁴.

    Attributes
    ----------
    eta, t, chi : ndarray of float64
        The inputs, broadcast to the common shape.
    eps0, eps1, eps2 : ndarray of float64
        Lowest three eigenvalues.
    E, E21 : ndarray of float64
        E = ε1 − ε0 (computed without subtracting the levels) and ε2 − ε1.
    x00, x11, x01, x2_00, x2_11, x2_01, x3_00, x3_11, x3_01 : ndarray of float64
        <i|y^k|j> for k = 1, 2, 3 in the lowest two eigenstates.
    delta0, delta, p : ndarray of float64
        Δ0 = E · 2|x01| / ((x11 − x00)² + 4 x01²)^½, Δ = (E² − Δ0²)^½, p = (Δ0/E)².
    ratio : ndarray of float64
        E21 / E.
    kind : ndarray of int8
        TYPE1, TYPE2, SINGLE_WELL or NOT_TLS.
    delta_shift : ndarray of float64
        δ of GGP eq. 3.3 on the branch through δ = 0 at χ = 0 (nan where it does not exist).
    branch_ok : ndarray of bool
        False where that branch does not exist (for t = 0: |η|^{3/2} < (3√6/4) χ).
    D_over_c, M_over_c : ndarray of float64
        <1|(y+δ)²|1> − <0|(y+δ)²|0> and <0|(y+δ)²|1>: D = W (c/η_L) D_over_c,
        M = W (c/η_L) M_over_c (PHYSICS §3); nan where ``branch_ok`` is False.
    resolved : ndarray of bool
        ``rel_err <= 1e-6`` (see the module docstring for the floor).
    rel_err : ndarray of float64
        Estimated relative error of E and Δ0 (the larger).
    n_basis : ndarray of int32
        Oscillator basis size used.
    """

    eta: np.ndarray
    t: np.ndarray
    chi: np.ndarray
    eps0: np.ndarray
    eps1: np.ndarray
    eps2: np.ndarray
    E: np.ndarray
    E21: np.ndarray
    x00: np.ndarray
    x11: np.ndarray
    x01: np.ndarray
    x2_00: np.ndarray
    x2_11: np.ndarray
    x2_01: np.ndarray
    x3_00: np.ndarray
    x3_11: np.ndarray
    x3_01: np.ndarray
    delta0: np.ndarray
    delta: np.ndarray
    p: np.ndarray
    ratio: np.ndarray
    kind: np.ndarray
    delta_shift: np.ndarray
    branch_ok: np.ndarray
    D_over_c: np.ndarray
    M_over_c: np.ndarray
    resolved: np.ndarray
    rel_err: np.ndarray
    n_basis: np.ndarray

    def __post_init__(self) -> None:
        shape = np.shape(self.eta)
        dtypes = {name: np.float64 for name in _FLOAT_FIELDS}
        dtypes.update(kind=np.int8, branch_ok=np.bool_, resolved=np.bool_, n_basis=np.int32)
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, np.ndarray):
                raise TypeError(f"SoftSpectrum.{f.name} must be a numpy array, got {type(value).__name__}")
            if value.shape != shape:
                raise ValueError(f"SoftSpectrum.{f.name} has shape {value.shape}, expected {shape}")
            if value.dtype != dtypes[f.name]:
                raise TypeError(f"SoftSpectrum.{f.name} must have dtype {np.dtype(dtypes[f.name])}, "
                                f"got {value.dtype}")

    def __len__(self) -> int:
        return int(self.eta.shape[0]) if self.eta.ndim else 1


def _as_finite(name: str, value) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (got {np.count_nonzero(~np.isfinite(arr))} "
                         f"non-finite value(s))")
    return arr


def delta_shift(eta, t, chi) -> tuple[np.ndarray, np.ndarray]:
    """Origin shift δ of GGP eq. 3.3, followed continuously from δ = 0 at χ = 0.

    δ solves χ + 2ηδ − 3tδ² + 4δ³ = 0 (η, t the renormalized, sampled parameters);
    the bare parameters are then η0 = η − 3tδ + 6δ², t0 = t − 4δ (GGP eqs. 3.4a,b).
    The branch is the inverse of g(δ) = 2ηδ − 3tδ² + 4δ³ between δ = 0 and the
    first stationary point of g in the direction of motion, i.e. exactly what a
    continuation in χ from χ = 0 follows; it ends at that fold (for t = 0, η < 0:
    χ = 4|η|^{3/2}/(3√6), PHYSICS §9) and at η = 0.

    Parameters
    ----------
    eta, t, chi : array_like
        Broadcastable float arrays (dimensionless).

    Returns
    -------
    delta : ndarray of float64
        δ in units of a η_L^½; nan where the branch does not exist.
    ok : ndarray of bool
        Whether the branch exists.
    """
    e, tt, c = np.broadcast_arrays(_as_finite("eta", eta), _as_finite("t", t), _as_finite("chi", chi))
    e, tt, c = (np.array(a, dtype=np.float64).ravel() for a in (e, tt, c))   # own copies
    delta = np.empty(e.size)
    ok = np.empty(e.size, dtype=np.bool_)
    _k.delta_branches(e, tt, c, delta, ok)
    shape = np.broadcast_shapes(np.shape(eta), np.shape(t), np.shape(chi))
    return delta.reshape(shape), ok.reshape(shape)


METHODS = {"shift_invert": _k.METHOD_SHIFT_INVERT, "reduction": _k.METHOD_REDUCTION}
"""Eigensolvers of :func:`solve_soft` by name (see the module docstring)."""


def solve_soft(eta, t, *, chi=0.0, n_basis: int | None = None, ratio_cut: float = RATIO_CUT,
               parallel: bool = True, method: str = "shift_invert") -> SoftSpectrum:
    """Lowest levels and two-level parameters of the soft potentials η y² + t y³ + y⁴.

    Solves −ψ'' + (η y² + t y³ + y⁴) ψ = ε ψ (GGP eq. 2.6; energies in units of
    W, E_n = W ε_n, eq. 2.7) for every (η, t); see the module docstring for the
    method, its accuracy and the eigenvector phase convention.

    Parameters
    ----------
    eta, t : array_like
        Renormalized potential coefficients (dimensionless, broadcastable); finite.
    chi : array_like, optional
        χ of GGP eq. 3.2 (dimensionless, broadcastable with eta, t), used for the
        origin shift δ (eq. 3.3) in ``D_over_c``, ``M_over_c``.
    n_basis : int, optional
        Oscillator basis size for every potential (8 <= n_basis <= 4000); default:
        the calibrated size rule.
    ratio_cut : float, optional
        Double wells with (E2 − E1)/(E1 − E0) < ratio_cut are NOT_TLS (default 10).
    parallel : bool, optional
        Parallel over potentials (the numbers do not depend on it or on the
        thread count).
    method : {"shift_invert", "reduction"}, optional
        Eigensolver for the lowest three levels (module docstring); both give the
        same numbers to the stated accuracy.

    Returns
    -------
    SoftSpectrum
        Arrays of the broadcast shape of (eta, t, chi).

    Raises
    ------
    ValueError
        On non-finite eta, t or chi, or invalid n_basis, ratio_cut or method.
    """
    e, tt, c = np.broadcast_arrays(_as_finite("eta", eta), _as_finite("t", t), _as_finite("chi", chi))
    shape = e.shape
    if n_basis is not None and (isinstance(n_basis, bool) or not isinstance(n_basis, (int, np.integer))
                                or not 8 <= n_basis <= 4000):
        raise ValueError(f"n_basis must be an integer in [8, 4000] (got {n_basis!r})")
    if not (isinstance(ratio_cut, (int, float, np.floating)) and np.isfinite(ratio_cut)
            and ratio_cut > 0):
        raise ValueError(f"ratio_cut must be a finite number > 0 (got {ratio_cut!r})")
    if method not in METHODS:
        raise ValueError(f"method must be one of {sorted(METHODS)} (got {method!r})")
    e, tt, c = (np.array(a, dtype=np.float64).ravel() for a in (e, tt, c))   # own copies
    n = e.size
    nb = np.empty(n, dtype=np.int64)
    capped = np.empty(n, dtype=np.bool_)
    _k.basis_sizes(e, tt, 0 if n_basis is None else int(n_basis), nb, capped)
    out = np.empty((n, _k.NF))
    iout = np.empty((n, _k.NI), dtype=np.int64)
    if n:
        kernel = _k.solve_batch_parallel if parallel else _k.solve_batch_serial
        kernel(e, tt, nb, int(nb.max()), METHODS[method], out, iout)
    dshift, ok = delta_shift(e, tt, c)

    col = {name: out[:, j].copy() for name, j in (
        ("eps0", _k.F_EPS0), ("eps1", _k.F_EPS1), ("eps2", _k.F_EPS2), ("E", _k.F_E),
        ("E21", _k.F_E21), ("x00", _k.F_X00), ("x11", _k.F_X11), ("x01", _k.F_X01),
        ("x2_00", _k.F_X2_00), ("x2_11", _k.F_X2_11), ("x2_01", _k.F_X2_01),
        ("x3_00", _k.F_X3_00), ("x3_11", _k.F_X3_11), ("x3_01", _k.F_X3_01),
        ("delta0", _k.F_DELTA0), ("delta", _k.F_DELTA), ("rel_err", _k.F_RELERR))}
    E = col["E"]
    col["p"] = np.minimum((col["delta0"] / E) ** 2, 1.0)
    col["ratio"] = col["E21"] / E
    geom = iout[:, _k.I_GEOM]
    kind = geom.astype(np.int8)
    kind[(geom > 0) & (col["ratio"] < ratio_cut)] = NOT_TLS
    col["D_over_c"], col["M_over_c"] = _couplings(col, dshift, ok)
    resolved = (iout[:, _k.I_RESOLVED] == 1) & ~capped
    arrays = dict(col, eta=e, t=tt, chi=c, kind=kind, delta_shift=dshift, branch_ok=ok,
                  resolved=resolved, n_basis=nb.astype(np.int32))
    return SoftSpectrum(**{name: np.ascontiguousarray(a).reshape(shape) for name, a in arrays.items()})


def _couplings(col, dshift, ok) -> tuple[np.ndarray, np.ndarray]:
    """(D_over_c, M_over_c) of PHYSICS §3 from the matrix elements and the shift δ (nan where
    the δ branch does not exist)."""
    d = np.where(ok, dshift, 0.0)
    D = np.where(ok, (col["x2_11"] - col["x2_00"]) + 2.0 * d * (col["x11"] - col["x00"]), np.nan)
    return D, np.where(ok, col["x2_01"] + 2.0 * d * col["x01"], np.nan)


_ODD = ("x00", "x11", "x01", "x3_00", "x3_11", "x3_01")
"""Fields odd under the mirror y -> −y (matrix elements of y and y³)."""


def solve_soft_pairs(eta, t, *, chi=0.0, ratio_cut: float = RATIO_CUT,
                     parallel: bool = True) -> SoftSpectrum:
    """:func:`solve_soft` of 1-D (η, t) whose samples 2i, 2i+1 may be mirror potentials.

    Where (η_{2i+1}, t_{2i+1}) = (η_{2i}, −t_{2i}) exactly and t_{2i} != 0 (the antithetic
    pairs of the soft population), only sample 2i is solved: the mirror potential
    η y² − t y³ + y⁴ has the eigenfunctions ψ_n(−y), which keep the phase convention (each
    state positive in the well it mostly occupies; at t = 0 the mirror is the potential
    itself, which is solved), so levels, E, Δ0, Δ, the classification and the error estimate
    are the same, <i|y|j> and <i|y³|j> change sign, <i|y²|j> do not, and δ (GGP eq. 3.3,
    which depends on the sign of t for χ != 0) and with it D_over_c, M_over_c are computed
    for the mirror.  The results agree with solving every sample to the solver's accuracy
    (tests/test_soft_potential_pairs.py); half the cost for a fully paired input.
    """
    e, tt, c = np.broadcast_arrays(_as_finite("eta", eta), _as_finite("t", t), _as_finite("chi", chi))
    if e.ndim != 1:
        raise ValueError(f"solve_soft_pairs needs 1-D eta, t (got shape {e.shape})")
    e, tt, c = (np.array(a, dtype=np.float64) for a in (e, tt, c))
    first = np.arange(0, e.size - 1, 2)
    pair = (e[first + 1] == e[first]) & (tt[first + 1] == -tt[first]) & (tt[first] != 0.0)
    mirror = np.zeros(e.size, dtype=np.bool_)
    mirror[first[pair] + 1] = True
    solve = ~mirror
    sp = solve_soft(e[solve], tt[solve], chi=c[solve], ratio_cut=ratio_cut, parallel=parallel)
    src = np.cumsum(solve) - 1                  # row of sp for every sample (mirrors: partner's)
    arrays = {f.name: getattr(sp, f.name)[src] for f in fields(SoftSpectrum)}
    arrays.update(eta=e, t=tt, chi=c)
    for name in _ODD:
        arrays[name] = np.where(mirror, -arrays[name], arrays[name])
    dshift, ok = delta_shift(e[mirror], tt[mirror], c[mirror])
    arrays["delta_shift"][mirror] = dshift
    arrays["branch_ok"][mirror] = ok
    D, M = _couplings({k: arrays[k][mirror] for k in ("x2_11", "x2_00", "x11", "x00", "x2_01", "x01")},
                      dshift, ok)
    arrays["D_over_c"][mirror] = D
    arrays["M_over_c"][mirror] = M
    return SoftSpectrum(**arrays)


def symmetric_depth(delta0_over_W: float) -> float:
    """h with Δ0(−h, 0) = delta0_over_W (bisection on the solver; Δ0 falls with h)."""
    lo, hi = 1.5, 60.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if float(solve_soft(-mid, 0.0).delta0) > delta0_over_W:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def depth_delta0(model) -> float:
    """Δ0/W of the symmetric well at a soft population model's depth cut h = ``model.depth_max``."""
    return float(solve_soft(-model.depth_max, 0.0).delta0)
