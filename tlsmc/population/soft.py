"""Soft-potential (η/t) populations: the KKI two-level systems of GGP §II (PHYSICS §1b, §9).

Each sample is a potential W(η̃ y² + t̃ y³ + y⁴) with renormalised (η̃, t̃) (GGP eq. 2.5);
its spectrum is solved numerically (:func:`tlsmc.spectrum.soft_solver.solve_soft`) when it is
drawn, because whether it is a TLS below E_max — and so its weight — depends on it.

Model
-----
Density per unit η per unit t per m³: ψ Φ(η̃) F(t̃) on the type-1 side (η̃ < 0) and
r ψ Φ(η̃) F(t̃) on the type-2 side (0 < η̃ < 9t̃²/32), i.e. ψ η_L^{3/2} Φ F (× r) per unit
η̃ per unit t̃ (dη dt = η_L^{3/2} dη̃ dt̃); ψ = ``material.psi_per_m3`` (GGP's ψ1, eq. 5.2),
r = ``type2_ratio`` (GGP's ψ = ψ2/ψ1), Φ, F dimensionless shapes (default 1; F is
evaluated at |t̃|, so it is even).  Counted are the points whose potential is a TLS
(kind TYPE1 or TYPE2: a double well with (E2−E1)/(E1−E0) >= ``ratio_cut``) with
E = E1 − E0 <= E_max and whose origin shift δ (GGP eq. 3.3) exists, and whose
potential written about its barrier top (GGP eq. 2.10) has η̃_b >= −``depth_max``.
The last cut is part of the model: TLSs deeper than that have Δ0/W < ~e^{−√2 h^{3/2}/3}
and relax far slower than any simulated time (PHYSICS §9), but they do count in the
t -> ∞ equilibrium limit (the analytic tail, GGP eq. 6.3, is not added).

Proposal (importance sampling; the weights make it unbiased)
------------------------------------------------------------
Every double well is drawn in its barrier-top frame (η̃_b = −h < 0, t̃_b): the TLSs with
E <= E_max fill the strip |t̃_b| <= τ(h) ≈ √2 (E_max/W)/h^{3/2} (GGP eq. 2.9).  τ(h) is
tabulated once per (E_max/W, ratio_cut, depth_max) from solves on a grid of h (step
0.25, scan plus bisection, ×1.02 margin, the larger of the two ends for each cell), so
the strip covers every accepted point.  Then

* a cell of h with probability ∝ Δh τ_c, h uniform in it;
* u = |t̃_b|/τ_c from ``energy_sampling``: ``uniform``, or ``loguniform`` — flat below
  u_k = E_knee/E_max and ∝ 1/u above (E ≈ u E_max for Δ >> Δ0, so equal numbers of
  samples per decade of E down to the knee), and a random sign;
* type 1 with probability π1 = 1/(1 + r): (η̃, t̃) = (−h, t̃_b); otherwise type 2: the
  origin moved to one of the two minima, σ = ±1 at random (GGP eq. 2.10; this map is a
  bijection of {type-1 points} × {σ} onto the type-2 region, Jacobian
  |J_σ| = ½|1 + 3σt̃_b/√(9t̃_b² + 32h)|).

So the proposal density per unit (η̃, t̃) is q = π1 q_u(u)/(2Z) (type 1) or
(1 − π1) q_u(u)/(4Z|J_σ|) (type 2), Z = Σ_c Δh_c τ_c, and the weight of a sample is
ψ η_L^{3/2} Φ F (r for type 2) / (N q), times 0 if it is not counted.

Antithetic pairs (``antithetic = true``; default false): samples 2i and 2i+1 are (η̃, t̃)
and (η̃, −t̃) (mirror potentials, same weight; PHYSICS §9), so sums of quantities odd in t
cancel pair by pair.  With ``type2_ratio`` > 0 the unit is four samples, two pairs: for a
type-2 draw the second pair is the same double well with the origin in its other minimum
(h, ±t̃_b, −σ), so the deformation potential's large term odd in the asymmetry R̃ (GGP eq.
4.11, the χ-independent <1|y²|1> − <0|y²|0> ≈ ±(distance between the minima)²) cancels
inside the unit as the t̃-odd χ term does inside a pair; a type-1 unit is two independent
pairs.  ``rate_coupling = "partner_mean"`` gives all members of a pair (type 1) or
quartet (type 2) the same rate (:func:`partner_mean_coupling`).  The unit, not the sample,
is then the independent draw: for quantities even in t (E, C, U) the members are nearly
equal, and a standard error from per-sample moments underestimates the true one by up to
√(unit) — sum each unit before squaring.  Only the thermal-expansion measurement does that,
so units are off by default and the thermal-expansion scenario turns them on.  Samples
that are not counted keep their place with weight 0 (units stay adjacent and every sample
index keeps its seed block).  Seed blocks hold whole units; a last block that does not
ends with an incomplete unit (each sample is still distributed as q, so nothing is biased;
its partner-mean rate averages over the members present).

Unresolved splittings (``resolved`` False: Δ0 below the solver's floor, see
:mod:`tlsmc.spectrum.soft_solver`) keep their best-estimate values and their full weight: E is
accurate to ~1e-12 regardless, the error of Δ0 (rates ∝ Δ0²) is below ``rel_err``,
and such TLSs relax far slower than the resolved ones; :meth:`SoftPopulation.stats`
counts them.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..config import ConfigError, param, require
from ..materials import Material
from ..spectrum.soft_solver import TYPE1, TYPE2, solve_soft, solve_soft_pairs

__all__ = ["SoftPopulation", "SoftPotentialModel", "partner_mean_coupling", "SHAPES",
           "ConstantShape", "GaussianShape", "TableShape", "ProposalTable", "proposal_table",
           "barrier_top", "to_type2_frame"]

H_START = 1.5
"""Shallowest barrier-frame depth h = −η̃_b scanned (ratio (E2−E1)/E < 1.8 there: no TLS)."""
H_STEP = 0.25
"""Cell width in h of the proposal table."""
MARGIN = 1.02
"""Safety factor on the tabulated strip half-width τ(h)."""
_BY = "the soft-potential population"
_FLOAT_FIELDS = ("weight", "eta", "t", "eta_b", "t_b", "E", "delta", "delta0", "E21",
                 "M_over_c", "M_rate_over_c", "D_over_c", "x_diag", "x01", "barrier", "rel_err")


# ----------------------------------------------------------------------------- shapes
@dataclass(frozen=True, slots=True)
class ConstantShape:
    """Φ or F = 1 (GGP's constant distributions)."""

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return np.ones_like(np.asarray(x, dtype=float))


@dataclass(frozen=True, slots=True)
class GaussianShape:
    """exp(−(x − centre)²/2 width²), x = η̃ (Φ) or |t̃| (F)."""

    width: float = param(gt=0, range=(1e-3, 1e3), doc="standard deviation in η̃ (Φ) or t̃ (F) units")
    centre: float = param(0.0, range=(-1e3, 1e3), doc="centre in η̃ (Φ) or t̃ (F) units; ±1e3")

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return np.exp(-0.5 * ((np.asarray(x, dtype=float) - self.centre) / self.width) ** 2)


@dataclass(frozen=True, slots=True)
class TableShape:
    """Piecewise-linear shape through (x_i, y_i), constant beyond the ends; y >= 0."""

    x: tuple[float, ...] = param(range=(-1e3, 1e3), doc="increasing abscissae, η̃ (Φ) or |t̃| (F)")
    y: tuple[float, ...] = param(ge=0, range=(0.0, 1e6), doc="values 0..1e6 (relative to ψ)")

    def validate(self, prefix: str) -> None:
        require(len(self.x) == len(self.y) and len(self.x) >= 2,
                f"{prefix}.x and {prefix}.y must have the same length >= 2 "
                f"(got {len(self.x)} and {len(self.y)})")
        require(all(b > a for a, b in zip(self.x, self.x[1:])),
                f"{prefix}.x must be strictly increasing")
        require(all(v >= 0 for v in self.y), f"{prefix}.y must be >= 0")

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return np.interp(np.asarray(x, dtype=float), self.x, self.y)


SHAPES: dict[str, type] = {"constant": ConstantShape, "gaussian": GaussianShape,
                           "table": TableShape}


# ----------------------------------------------------------------------------- geometry
def to_type2_frame(eta_b, t_b, sigma):
    """Move the origin of a double well η_b y² + t_b y³ + y⁴ (η_b < 0) to its minimum σ.

    GGP eq. 2.10: with D = 9t_b² − 32η_b, s = (−3t_b + σ√D)/8,
    η' = (D − 3σ t_b √D)/16 > 0, t' = (σ√D − t_b)/2.  Returns (η', t', |∂(η',t')/∂(η_b,t_b)|)
    with |J| = ½|1 + 3σ t_b/√D| (two branches summing to 1).
    """
    eta_b, t_b, sigma = (np.asarray(a, dtype=float) for a in (eta_b, t_b, sigma))
    r = np.sqrt(9.0 * t_b * t_b - 32.0 * eta_b)
    eta2 = (r * r - 3.0 * sigma * t_b * r) / 16.0
    t2 = 0.5 * (sigma * r - t_b)
    return eta2, t2, 0.5 * np.abs(1.0 + 3.0 * sigma * t_b / r)


def barrier_top(eta, t) -> np.ndarray:
    """Ṽ at the barrier top (middle stationary point) of η y² + t y³ + y⁴, units of W.

    0 for type 1 (η < 0: the origin); for type 2 (0 < η < 9t²/32) Ṽ(s) at
    s = (η/2)/r_far, r_far = (−3t − sgn(t)√(9t² − 32η))/8; NaN for a single well.
    """
    eta, t = np.broadcast_arrays(np.asarray(eta, dtype=float), np.asarray(t, dtype=float))
    out = np.full(eta.shape, np.nan)
    out[eta < 0.0] = 0.0
    two = (eta > 0.0) & (9.0 * t * t > 32.0 * eta)
    e, tt = eta[two], t[two]
    r_far = (-3.0 * tt - np.sign(tt) * np.sqrt(9.0 * tt * tt - 32.0 * e)) / 8.0
    s = 0.5 * e / r_far
    out[two] = s * s * (e + s * (tt + s))
    return out


# ----------------------------------------------------------------------------- proposal
@dataclass(frozen=True)
class ProposalTable:
    """Strip of the barrier-frame plane that holds every counted TLS.

    Attributes
    ----------
    h_lo, h_hi : (C,) cell edges in h = −η̃_b
    tau : (C,) strip half-width τ_c in t̃_b of each cell
    cum : (C,) cumulative cell probabilities (∝ Δh τ_c), last = 1
    Z : Σ Δh τ_c (area of the strip / 2)
    """

    h_lo: np.ndarray
    h_hi: np.ndarray
    tau: np.ndarray
    cum: np.ndarray
    Z: float


def _accepted(sp, eps_max: float) -> np.ndarray:
    return ((sp.kind == TYPE1) | (sp.kind == TYPE2)) & (sp.E <= eps_max)


@functools.lru_cache(maxsize=32)
def proposal_table(eps_max: float, ratio_cut: float, depth_max: float) -> ProposalTable:
    """Tabulate τ(h) for E_max/W = ``eps_max`` (see the module docstring).

    At every node h_j the largest t̃_b >= 0 whose potential (−h_j, t̃_b) is a TLS with
    E <= eps_max is found by a scan of 41 points up to 2τ0 (τ0 = √2 eps_max/h^{3/2},
    extended while the last point is accepted) and 40 bisection steps; τ_c is MARGIN
    times the larger of the two ends of each cell.  Deterministic (no random numbers).
    """
    n_cells = max(1, math.ceil((depth_max - H_START) / H_STEP))
    h = np.linspace(H_START, depth_max, n_cells + 1)
    tau0 = math.sqrt(2.0) * eps_max / h ** 1.5
    frac = np.linspace(0.0, 2.0, 41)
    span = np.ones_like(h)
    for _ in range(20):
        tb = (tau0 * span)[:, None] * frac[None, :]
        ok = _accepted(solve_soft(np.broadcast_to(-h[:, None], tb.shape), tb,
                                  ratio_cut=ratio_cut), eps_max)
        grow = ok[:, -1]
        if not grow.any():
            break
        span[grow] *= 2.0
    else:  # pragma: no cover - E grows with |t̃_b| without bound
        raise RuntimeError("proposal_table: strip does not close")
    idx = np.where(ok.any(axis=1), ok.shape[1] - 1 - np.argmax(ok[:, ::-1], axis=1), -1)
    lo = np.where(idx >= 0, tb[np.arange(h.size), np.maximum(idx, 0)], 0.0)
    hi = tb[np.arange(h.size), np.minimum(idx + 1, frac.size - 1)]
    has = idx >= 0
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        ok_mid = _accepted(solve_soft(-h, mid, ratio_cut=ratio_cut), eps_max)
        lo = np.where(has & ok_mid, mid, lo)
        hi = np.where(has & ~ok_mid, mid, hi)
    tau_node = np.where(has, hi, 0.0)
    tau = MARGIN * np.maximum(tau_node[:-1], tau_node[1:])
    keep = tau > 0.0
    if not keep.any():
        raise ConfigError(f"population: no soft-potential TLS has E <= E_max = {eps_max:g} W "
                          f"with ratio_cut = {ratio_cut:g} for depths up to {depth_max:g}")
    h_lo, h_hi, tau = h[:-1][keep], h[1:][keep], tau[keep]
    area = (h_hi - h_lo) * tau
    cum = np.cumsum(area) / area.sum()
    cum[-1] = 1.0
    return ProposalTable(h_lo=h_lo, h_hi=h_hi, tau=tau, cum=cum, Z=float(area.sum()))


# ----------------------------------------------------------------------------- container
@dataclass(frozen=True, slots=True)
class SoftPopulation:
    """Soft-potential samples with their solved spectra (structure of arrays, TLS axis first).

    Energies in units of W (GGP eq. 2.7), coordinates in units of a η_L^½.

    Attributes
    ----------
    weight : (N,) real TLSs per m³ that each sample stands for (0: not counted), m^-3
    eta, t : (N,) renormalised η̃, t̃ of the potential (GGP eq. 2.5)
    eta_b, t_b : (N,) the same potential about its barrier top (η̃_b < 0; GGP eq. 2.10)
    E, delta, delta0, E21 : (N,) E1 − E0, Δ, Δ0, E2 − E1 (units of W)
    M_over_c, D_over_c : (N,) <0|(y+δ)²|1> and <1|(y+δ)²|1> − <0|(y+δ)²|0> (PHYSICS §3;
        NaN where the δ branch does not exist)
    M_rate_over_c : (N,) the off-diagonal coupling the rate channels use: M_over_c
        (``rate_coupling = "exact"``) or the partner mean (``"partner_mean"``, see
        :func:`partner_mean_coupling`)
    x_diag, x01 : (N,) <1|y|1> − <0|y|0> and <0|y|1> (the dipole couplings per unit p0)
    barrier : (N,) barrier top minus ε1 (>= 0; 0 for a single well), units of W
    rel_err : (N,) estimated relative error of E and Δ0
    kind : (N,) int8, SINGLE_WELL, TYPE1, TYPE2 or NOT_TLS (tlsmc.spectrum.soft_solver)
    resolved : (N,) bool, ``rel_err <= 1e-6``
    counted : (N,) bool, the sample is a TLS of the model (weight > 0 unless Φ F = 0)
    """

    weight: np.ndarray
    eta: np.ndarray
    t: np.ndarray
    eta_b: np.ndarray
    t_b: np.ndarray
    E: np.ndarray
    delta: np.ndarray
    delta0: np.ndarray
    E21: np.ndarray
    M_over_c: np.ndarray
    M_rate_over_c: np.ndarray
    D_over_c: np.ndarray
    x_diag: np.ndarray
    x01: np.ndarray
    barrier: np.ndarray
    rel_err: np.ndarray
    kind: np.ndarray
    resolved: np.ndarray
    counted: np.ndarray
    model: ClassVar[str] = "soft"

    def __post_init__(self) -> None:
        n = self.weight.shape[0] if isinstance(self.weight, np.ndarray) else None
        for name, dtype in [(f, np.float64) for f in _FLOAT_FIELDS] + [
                ("kind", np.int8), ("resolved", np.bool_), ("counted", np.bool_)]:
            a = getattr(self, name)
            if not (isinstance(a, np.ndarray) and a.ndim == 1 and a.dtype == dtype):
                raise TypeError(f"SoftPopulation.{name} must be a 1-D {np.dtype(dtype)} array")
            if a.shape[0] != n:
                raise ValueError(f"SoftPopulation.{name} has length {a.shape[0]} != {n}")

    def __len__(self) -> int:
        return self.weight.shape[0]

    def stats(self) -> dict:
        """Counts: samples, counted TLSs (and fraction), unresolved counted TLSs, reasons
        for exclusion (not a TLS, E > E_max, no δ branch)."""
        n = len(self)
        tls = (self.kind == TYPE1) | (self.kind == TYPE2)
        return {"n": n, "n_counted": int(self.counted.sum()),
                "counted_fraction": float(self.counted.mean()) if n else math.nan,
                "n_unresolved": int((self.counted & ~self.resolved).sum()),
                "n_not_tls": int((~tls).sum()),
                "n_no_delta_branch": int((tls & ~np.isfinite(self.M_over_c)).sum())}


# ----------------------------------------------------------------------------- the model
def partner_mean_coupling(M: np.ndarray, partners: np.ndarray) -> np.ndarray:
    r"""Root mean square of M over each group of partners (NaN members left out).

    The partners of a TLS are the TLSs with the same spectrum whose strain couplings differ
    only by the t̃-odd or R̃-odd terms: its mirror potential (η̃, −t̃) and, for a type-2 TLS,
    the same double well seen from its other minimum (σ -> −σ) and that one's mirror.  The
    exact M = <0|(y+δ)²|1> mixes even and odd terms, so |M| differs within a group
    (PHYSICS §3, analysis/ggp1985); GGP's rates depend on (E, p) only (§VI), which is what

    .. math:: M_{\rm rate}^2 = \langle M^2\rangle_{\rm partners}

    gives: every member relaxes at the same rate, and only the partner-even part of D
    contributes to the expansion at any t.  ``partners``: (N,) integer group label.
    Returns NaN only where every member is NaN.
    """
    M = np.asarray(M, dtype=float)
    _, g = np.unique(np.asarray(partners), return_inverse=True)
    ok = np.isfinite(M)
    s2 = np.bincount(g, weights=np.where(ok, M * M, 0.0))
    cnt = np.bincount(g, weights=ok.astype(float))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.sqrt(s2 / cnt)[g]


def _f64(a) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float64)


def _knee_pdf(u: np.ndarray, knee: float) -> np.ndarray:
    """q(u) on [0, 1]: 1/(Z u_k) below the knee, 1/(Z u) above, Z = 1 + ln(1/u_k)."""
    return 1.0 / (np.maximum(u, knee) * (1.0 + math.log(1.0 / knee)))


def _knee_sample(rng: np.random.Generator, n: int, knee: float) -> np.ndarray:
    z = rng.random(n) * (1.0 + math.log(1.0 / knee))
    return np.where(z < 1.0, z * knee, knee * np.exp(np.maximum(z, 1.0) - 1.0))


@dataclass(frozen=True, slots=True)
class SoftPotentialModel:
    """The soft-potential ("η/t") population of GGP §II (PHYSICS §1b); see the module doc.
    Material fields used: W_K, eta_L, psi_per_m3, soft_chi (χ: D_over_c, M_over_c)."""

    E_max_K: float = param(unit="K", gt=0, range=(1e-6, 2e4),
                           doc="largest TLS splitting E in the population; <= 2 W (and the "
                               "χ-dependent bound of :meth:`eps_max`)")
    depth_max: float = param(24.0, gt=4, le=150,
                             doc="deepest barrier-frame well: η̃_b >= −depth_max")
    type2_ratio: float = param(1.0, ge=0, range=(0.0, 1e3), doc="ψ2/ψ1: type-2 density / type 1")
    energy_sampling: str = param("loguniform", choices=("uniform", "loguniform"))
    energy_knee_K: float = param(1e-3, unit="K", gt=0, range=(1e-12, 1e4), doc="proposal knee")
    ratio_cut: float = param(10.0, ge=2.5, le=1e6, doc="TLS only if (E2−E1)/(E1−E0) >= this")
    Phi: object = param(ConstantShape(), registry=SHAPES, registry_key="shape",
                        doc="relative density shape Φ(η̃)")
    F: object = param(ConstantShape(), registry=SHAPES, registry_key="shape",
                      doc="relative density shape F(|t̃|)")
    antithetic: bool = param(False, doc="samples come in mirror pairs (η̃, ±t̃); type-2 TLSs "
                                        "in quartets when type2_ratio > 0 (module doc)")
    rate_coupling: str = param("exact", choices=("exact", "partner_mean"),
                               doc="off-diagonal coupling of the rate channels: M of PHYSICS "
                                   "§3, or its mean square over the partners (GGP's rates, "
                                   "even in t̃); partner_mean needs antithetic = true")

    @property
    def antithetic_unit(self) -> int:
        """Samples per antithetic unit: 4 (two mirror pairs; a type-2 quartet) when
        ``type2_ratio`` > 0, else 2 (one mirror pair)."""
        return 4 if self.type2_ratio > 0 else 2

    def validate(self, prefix: str) -> None:
        require(self.rate_coupling == "exact" or self.antithetic,
                f"{prefix}.rate_coupling = \"partner_mean\" needs {prefix}.antithetic = true "
                f"(the partners are the other members of each antithetic unit)")
        if self.energy_sampling == "loguniform":
            require(self.energy_knee_K < self.E_max_K,
                    f"{prefix}.energy_knee_K must be < {prefix}.E_max_K "
                    f"(got {self.energy_knee_K:g} >= {self.E_max_K:g})")

    def check_material(self, material: Material) -> None:
        """ConfigError naming the first material field the model needs and lacks, or
        E_max > 2W (called when the scenario is loaded)."""
        for field in ("W_K", "eta_L", "psi_per_m3", "soft_chi"):
            material.need(field, _BY)
        self.eps_max(material)

    def check_quadrature(self, material: Material) -> None:
        """ConfigError unless the same model's quadrature can start: its counted set must reach
        the first cell of the proposal table (fails e.g. for χ = 4, ratio_cut = 4, E_max ≳ 0.6 W)."""
        h, z = np.array([self.table(material).h_hi[0] + 0.25]), np.zeros(1)
        require(bool(self.solve(material, -h, z, -h, z, np.ones(1)).counted[0]),
                f"scenario.population.E_max_K = {self.E_max_K:g} K is too large for the quadrature "
                f"with material.soft_chi = {material.soft_chi:g} and ratio_cut = {self.ratio_cut:g}: "
                f"no TLS is counted at the shallowest barriers (lower E_max_K or soft_chi, raise ratio_cut)")

    # -- pieces, public for tests and the quadrature
    def eps_max(self, material: Material) -> float:
        """E_max/W; ConfigError unless E_max <= 2W."""
        W = material.need("W_K", _BY)
        eps = self.E_max_K / W
        if eps > 2.0:
            raise ConfigError(f"scenario.population.E_max_K must be <= 2 W = {2 * W:g} K for the soft "
                              f"model (got {self.E_max_K:g})")
        return eps

    def table(self, material: Material) -> ProposalTable:
        return proposal_table(self.eps_max(material), float(self.ratio_cut), float(self.depth_max))

    def density_scale(self, material: Material) -> float:
        """ψ η_L^{3/2}: TLSs per m³ per unit η̃ per unit t̃ (type 1, Φ = F = 1)."""
        return material.need("psi_per_m3", _BY) * material.need("eta_L", _BY) ** 1.5

    def relative_density(self, eta: np.ndarray, t: np.ndarray, kind: np.ndarray) -> np.ndarray:
        """Φ(η̃) F(|t̃|), times type2_ratio where ``kind`` is TYPE2."""
        rho = self.Phi(eta) * self.F(np.abs(t))
        return np.where(kind == TYPE2, self.type2_ratio * rho, rho)

    def _u_pdf(self, u: np.ndarray, knee: float) -> np.ndarray:
        return np.ones_like(u) if self.energy_sampling == "uniform" else _knee_pdf(u, knee)

    def sample(self, material: Material, rng: np.random.Generator, n: int,
               n_total: int) -> SoftPopulation:
        """Draw and solve ``n`` samples of a population of ``n_total`` (weights per m³)."""
        tab = self.table(material)
        knee = min(self.energy_knee_K / self.E_max_K, 1.0)
        pi1 = 1.0 / (1.0 + self.type2_ratio)
        m = (n + 1) // 2 if self.antithetic else n
        cell = np.minimum(np.searchsorted(tab.cum, rng.random(m), side="right"), tab.tau.size - 1)
        h = tab.h_lo[cell] + (tab.h_hi[cell] - tab.h_lo[cell]) * rng.random(m)
        u = (rng.random(m) if self.energy_sampling == "uniform" else _knee_sample(rng, m, knee))
        sign = np.where(rng.random(m) < 0.5, 1.0, -1.0)
        type2 = rng.random(m) >= pi1
        sigma = np.where(rng.random(m) < 0.5, 1.0, -1.0)
        tau = tab.tau[cell]
        partners = None
        if self.antithetic:
            if self.antithetic_unit == 4:
                # a unit is two pairs; a type-2 unit's second pair is the first one with the
                # origin in the other minimum (−σ): the quartet (h, ±t_b, ±σ)
                first = np.arange(m) - np.arange(m) % 2
                type2 = type2[first]
                quartet = type2 & (np.arange(m) % 2 == 1)
                src = np.where(quartet, first, np.arange(m))
                h, u, sign, tau = h[src], u[src], sign[src], tau[src]
                sigma = np.where(quartet, -sigma[first], sigma)
                pair_group = np.where(type2, first, np.arange(m))
            else:
                pair_group = np.arange(m)
            # (h, t_b, σ) and (h, −t_b, −σ) are mirror potentials
            h, u, type2, tau, partners = (np.repeat(a, 2)[:n]
                                          for a in (h, u, type2, tau, pair_group))
            sign = np.stack([sign, -sign], axis=1).ravel()[:n]
            sigma = np.stack([sigma, -sigma], axis=1).ravel()[:n]
        tb = sign * u * tau
        eta_b = -h
        eta2, t2, jac = to_type2_frame(eta_b, tb, sigma)
        eta = np.where(type2, eta2, eta_b)
        t = np.where(type2, t2, tb)
        q = self._u_pdf(u, knee) / (2.0 * tab.Z)
        q = np.where(type2, (1.0 - pi1) * 0.5 * q / jac, pi1 * q)
        rho = self.relative_density(eta, t, np.where(type2, TYPE2, TYPE1))
        return self.solve(material, eta, t, eta_b, tb, self.density_scale(material) * rho
                          / (n_total * q), partners)

    def solve(self, material: Material, eta, t, eta_b, t_b, weight,
              partners=None) -> SoftPopulation:
        """Solve the potentials (η̃, t̃) and keep ``weight`` where they are counted, else 0.

        ``eta_b``, ``t_b`` (the barrier-frame coordinates) are stored as given.
        ``partners``: (N,) group label of every point (the mirror pair, or the quartet of a
        type-2 TLS; :func:`partner_mean_coupling`) for ``rate_coupling = "partner_mean"``;
        None: every point is its own group (M_rate = M; right for a symmetric type-1 well).
        """
        eps = self.eps_max(material)
        chi = material.need("soft_chi", _BY)
        sp = solve_soft_pairs(eta, t, chi=chi, ratio_cut=self.ratio_cut)   # antithetic: mirrors
        counted = _accepted(sp, eps) & np.isfinite(sp.M_over_c)
        vtop = barrier_top(eta, t)
        barrier = np.where(np.isfinite(vtop), np.maximum(vtop - sp.eps1, 0.0), 0.0)
        M_rate = sp.M_over_c
        if self.rate_coupling == "partner_mean" and partners is not None:
            M_rate = partner_mean_coupling(sp.M_over_c, partners)
        return SoftPopulation(weight=_f64(np.where(counted, weight, 0.0)), eta=_f64(eta),
                              t=_f64(t), eta_b=_f64(eta_b), t_b=_f64(t_b), E=sp.E, delta=sp.delta,
                              delta0=sp.delta0, E21=sp.E21, M_over_c=sp.M_over_c,
                              M_rate_over_c=_f64(M_rate), D_over_c=sp.D_over_c,
                              x_diag=sp.x11 - sp.x00, x01=sp.x01, barrier=barrier,
                              rel_err=sp.rel_err, kind=sp.kind, resolved=sp.resolved,
                              counted=counted)
