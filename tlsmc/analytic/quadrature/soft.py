r"""Deterministic quadrature of the soft-potential population model (the ``exact`` column).

The same model as :class:`tlsmc.population.soft.SoftPotentialModel` (same cuts, densities and
rate channels), integrated on a tensor-product Gauss–Legendre grid in the barrier-frame
coordinates instead of sampled — and computed with its own code (issue 12): spectra from
:mod:`.soft_spectrum` (finite differences + Richardson, not the Monte Carlo's oscillator-basis
solver), the counted set, the type-2 frame map (GGP eq. 2.10), the δ shift (GGP eq. 3.3) and
the partner-mean coupling written here from PHYSICS §1b, §3, §9, rates from :mod:`.rates`
and the dynamics from :mod:`.propagation`.  That independence is the point: an error in the
Monte Carlo's solver, couplings or rates shows up as an MC-vs-exact z-score.
Shares with the Monte Carlo: :mod:`tlsmc.units`, the material container, the scenario's
density shapes Φ, F (and ψ η_L^{3/2}, type2_ratio) and its channel options.

.. math:: C(T,t) = \sum_{\rm frames}\int_{h_{lo}}^{h_{max}}\!dh\int_{-\tau(h)}^{\tau(h)}\!
          dt_b\; n(\tilde\eta,\tilde t)\,[\text{counted}]\;k_B E\,\frac{\partial n_{eq}}
          {\partial T}\big(1-e^{-K(T)t}\big)

with the frames type 1 (η̃, t̃) = (−h, t_b), density n = ψη_L^{3/2}Φ F, and type 2 on both
branches σ = ±1 (GGP eq. 2.10), density r ψη_L^{3/2}Φ F |J_σ|, |J_σ| = ½|1 + 3σt_b/√D|.  The
counted set at fixed h is |t_b| <= τ(h) (E grows and (E2−E1)/E falls with |t_b|); τ(h) and
the shallowest depth h_lo are found by bisection on the independent solver, so the grid never
straddles a cut:

* h: a panel [h_lo, h_lo + 1] in h = h_lo + s² (the strip opens as √(h − h_lo)), then
  panels of ``h_panel``; ``nodes`` Gauss points per panel;
* u = |t_b|/τ: one panel [0, u_a], u_a = 10^{−``u_decades``}, then ``u_per_decade``
  panels per decade of log u up to 1, ``nodes`` points each;
* each node is one potential (the six frames — types 1, 2(σ = ±1), each at ±t_b — are the
  same double well seen from another origin or mirrored, :func:`soft_spectrum.depressed_quartic`),
  solved once; each frame gets its own matrix elements of y and its own δ.

Points whose δ branch does not exist count 0.  Cost: one solve per node plus ~10 per h node
for τ(h) (regula falsi; 36 bisections took ~40: the edge moves < 5e-9 relative in the
observables, measured on soft_heat_capacity.toml's grid): the default grid of E_max = 1 K, depth 20 (29376 nodes) takes 52 s on 2 shared
cores (the former quadrature on the Monte Carlo's solver, 6 solves per node: 15 s), and
:func:`tlsmc.analytic.quadrature.expansion.soft_nodes` caches it per (model, material,
channels) so a run's comparison builds it once.  Agreement with the former quadrature
(Monte Carlo solver and rates): C(T,t) 2e-8, C_eq 2e-10, Q̇ 1e-7, α 2e-8 relative.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...units import K_B
from .propagation import history as _history
from .propagation import relaxed_sum
from .rates import dn_eq_dT, n_eq, partner_rms, total_rate
from .soft_spectrum import TYPE1, TYPE2, delta_branch, solve_levels

__all__ = ["SoftQuadrature", "ExactSoftSpectrum", "NodeSet", "type2_frame", "counted_set"]


def _gauss(a: np.ndarray, b: np.ndarray, nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Legendre nodes and weights on the panels [a_i, b_i] (flattened)."""
    x, w = np.polynomial.legendre.leggauss(nodes)
    half = 0.5 * (b - a)[:, None]
    return ((0.5 * (a + b))[:, None] + half * x).ravel(), (half * w).ravel()


def type2_frame(eta_b, t_b, sigma):
    """GGP eq. 2.10: origin of η_b y² + t_b y³ + y⁴ moved to its minimum σ = ±1.

    s = (−3t_b + σ√D)/8, D = 9t_b² − 32η_b; η' = η_b + 3t_b s + 6s², t' = t_b + 4s;
    |∂(η', t')/∂(η_b, t_b)| = ½|1 + 3σ t_b/√D| (derived here; the two branches sum to 1).
    Returns (η', t', |J|, s).
    """
    r = np.sqrt(9.0 * t_b * t_b - 32.0 * eta_b)
    s = (-3.0 * t_b + sigma * r) / 8.0
    return eta_b + 3.0 * t_b * s + 6.0 * s * s, t_b + 4.0 * s, 0.5 * np.abs(1.0 + 3.0 * sigma * t_b / r), s


def counted_set(geometry, E, E21, branch_ok, eps_max: float, ratio_cut: float) -> np.ndarray:
    """The model's counted set (PHYSICS §1b): a double well with (E2 − E1)/(E1 − E0) >= the
    ratio cut, E <= E_max (units of W) and an existing δ branch (GGP eq. 3.3)."""
    return (geometry != 0) & (E21 >= ratio_cut * E) & (E <= eps_max) & branch_ok


@dataclass(frozen=True)
class ExactSoftSpectrum:
    """Two-level parameters of the quadrature nodes (K; couplings per unit γ = W c/η_L)."""

    E_K: np.ndarray
    delta_K: np.ndarray
    delta0_K: np.ndarray
    M_unit: np.ndarray
    D_unit: np.ndarray
    barrier_K: np.ndarray
    well_K: np.ndarray

    def __len__(self) -> int:
        return self.E_K.shape[0]

    def subset(self, keep: np.ndarray) -> "ExactSoftSpectrum":
        return ExactSoftSpectrum(*(getattr(self, f)[keep] for f in self.__dataclass_fields__))

    def as_dict(self) -> dict:
        return {f: getattr(self, f) for f in self.__dataclass_fields__}


@dataclass(frozen=True)
class NodeSet:
    """The quadrature nodes in every frame: coordinates, weight (m^-3), counted, kind."""

    eta: np.ndarray
    t: np.ndarray
    eta_b: np.ndarray
    t_b: np.ndarray
    weight: np.ndarray
    counted: np.ndarray
    kind: np.ndarray


_FRAMES = 6
"""Frames per node (types 1, 2(σ = ±1), each at ±t_b): the spectrum repeats with this period."""


class SoftQuadrature:
    """Tensor-product quadrature of a soft-potential model (see the module docstring).

    Parameters
    ----------
    model : SoftPotentialModel (E_max_K, depth_max, ratio_cut, type2_ratio, Φ, F, rate_coupling)
    material : Material with W_K, eta_L, psi_per_m3, soft_chi (+ what the channels need)
    channels : the scenario's rate channels (one_phonon, activated, tf_*)
    h_panel, nodes, u_decades, u_per_decade : grid (defaults: converged to ~1e-4)
    """

    def __init__(self, model, material, channels, *, h_panel: float = 0.5,
                 nodes: int = 8, u_decades: int = 8, u_per_decade: int = 2):
        self.model, self.material, self.channels = model, material, tuple(channels)
        by = "the soft-potential quadrature"
        W = material.need("W_K", by)
        self._eps_max = float(model.E_max_K) / W
        self._chi = material.need("soft_chi", by)
        self._cut = float(model.ratio_cut)
        h_lo = self._shallowest()
        h_max = float(model.depth_max)
        s, ws = _gauss(np.array([0.0]), np.array([1.0]), nodes)
        h1, w1 = h_lo + s * s, 2.0 * s * ws
        edges = np.arange(h_lo + 1.0, h_max, h_panel)
        edges = np.append(edges, h_max) if edges[-1] < h_max - 1e-9 else edges
        h2, w2 = _gauss(edges[:-1], edges[1:], nodes)
        h = np.concatenate([h1, h2])
        wh = np.concatenate([w1, w2])
        tau = self._strip(h)
        x, w = np.polynomial.legendre.leggauss(nodes)
        npan = u_decades * u_per_decade
        step = u_decades * np.log(10.0) / npan
        zc = -u_decades * np.log(10.0) + (np.arange(npan) + 0.5) * step
        z = (zc[:, None] + 0.5 * step * x[None, :]).ravel()
        u = np.concatenate([0.5 * 10.0 ** -u_decades * (1.0 + x), np.exp(z)])
        wu = np.concatenate([0.5 * 10.0 ** -u_decades * w,
                             np.exp(z) * np.tile(0.5 * step * w, npan)])
        H = np.repeat(h, u.size)
        TB = (tau[:, None] * u[None, :]).ravel()
        Wn = (wh[:, None] * tau[:, None] * wu[None, :]).ravel()          # dh dt_b
        self.h_lo, self.n_nodes = h_lo, H.size
        lv = solve_levels(-H, TB)
        self._build_frames(lv, H, TB, Wn, W)
        self._rate_cache: dict[float, np.ndarray] = {}

    # ------------------------------------------------------------------ the counted set
    def _counted_type1(self, h, tb) -> np.ndarray:
        """Counted set of PHYSICS §1b for type-1 points (−h, t_b): double well, ratio cut,
        E <= E_max, δ branch exists."""
        return self._edge(h, tb)[0]

    def _edge(self, h, tb) -> tuple[np.ndarray, np.ndarray]:
        """(counted, f) at type-1 points (−h, t_b): the counted set and a continuous margin
        f = max(E − E_max, E − E21/cut) (units of W; <= 0 inside the two spectral cuts) that
        guides :meth:`_strip`'s root finder (the counted set alone decides every bracket)."""
        h, tb = np.asarray(h, float), np.asarray(tb, float)
        lv = solve_levels(-h, tb)
        _, ok = delta_branch(-h, tb, self._chi)
        counted = counted_set(lv.geometry, lv.E, lv.E21, ok, self._eps_max, self._cut)
        return counted, np.maximum(lv.E - self._eps_max, lv.E - lv.E21 / self._cut)

    def _shallowest(self) -> float:
        """Shallowest counted depth at t_b = 0 (bisection; counted grows with h)."""
        lo, hi = 1.0, float(self.model.depth_max)
        if not self._counted_type1([hi], [0.0])[0]:
            raise ValueError("SoftQuadrature: no counted TLS at t_b = 0 up to depth_max")
        for _ in range(44):
            mid = 0.5 * (lo + hi)
            lo, hi = (lo, mid) if self._counted_type1([mid], [0.0])[0] else (mid, hi)
        return hi

    def _strip(self, h: np.ndarray) -> np.ndarray:
        """τ(h): the largest counted |t_b| at each h, to 2^-36 of its bracket.

        Bracket by doubling, then shrink it with the Illinois variant of regula falsi on the
        margin f of :meth:`_edge` (E(t_b) is smooth: ~8 solves instead of 36 bisections);
        every trial point is classified by the counted set itself, so [lo, hi] always
        brackets its edge (lo counted or 0, hi not), and after 12 trials without
        convergence the steps are plain bisections.  Returns lo (counted).
        """
        h = np.asarray(h, float)
        lo = np.zeros_like(h)
        hi = 2.0 * np.sqrt(2.0) * self._eps_max / h ** 1.5
        f_lo, f_hi = np.full_like(h, -1.0), np.full_like(h, 1.0)
        while True:
            grow, f = self._edge(h, hi)
            f_lo, f_hi = np.where(grow, np.minimum(f, -1e-300), f_lo), np.where(grow, f_hi, np.maximum(f, 1e-300))
            if not grow.any():
                break
            lo, hi = np.where(grow, hi, lo), np.where(grow, 2.0 * hi, hi)
        tol = (hi - lo) * 2.0 ** -36
        side = np.zeros(h.size, dtype=np.int8)        # end moved last: −1 lo, +1 hi
        for trial in range(12 + 40):
            act = np.flatnonzero(hi - lo > tol)
            if not act.size:
                break
            a, b, fa, fb = lo[act], hi[act], f_lo[act], f_hi[act]
            x = a - fa * (b - a) / (fb - fa)
            bisect = (trial >= 12) | ~(x > a) | ~(x < b)
            x = np.where(bisect, 0.5 * (a + b), x)
            ok, f = self._edge(h[act], x)
            s = side[act]
            # Illinois: an end kept twice in a row has its margin halved
            fa = np.where(ok, np.minimum(f, -1e-300), np.where(s == 1, 0.5 * fa, fa))
            fb = np.where(ok, np.where(s == -1, 0.5 * fb, fb), np.maximum(f, 1e-300))
            lo[act], hi[act] = np.where(ok, x, a), np.where(ok, b, x)
            f_lo[act], f_hi[act], side[act] = fa, fb, np.where(ok, -1, 1)
        return lo

    # ------------------------------------------------------------------ six frames per node
    def _build_frames(self, lv, H, TB, Wn, W) -> None:
        model, mat = self.model, self.material
        scale = mat.need("psi_per_m3", "the soft quadrature") * mat.need("eta_L", "the soft quadrature") ** 1.5
        cols = {k: [] for k in ("eta", "t", "eta_b", "t_b", "weight", "kind", "D", "M", "ok")}
        for sgn in (1.0, -1.0):                          # mirror y -> −y: t_b -> −t_b
            tb = sgn * TB
            x00, x11, x01 = sgn * lv.x00, sgn * lv.x11, sgn * lv.x01
            frames = [(-H, tb, np.ones_like(H), 0.0, TYPE1)]
            for sigma in (1.0, -1.0):
                e2, t2, jac, s = type2_frame(-H, tb, sigma)
                frames.append((e2, t2, jac * model.type2_ratio, s, TYPE2))
            for eta, t, rel, s, kind in frames:
                # y' = y − s: <y'> = <y> − s, <y'²> = <y²> − 2s<y> + s² (off-diagonal: no s²)
                a00, a11 = x00 - s, x11 - s
                b00 = lv.x2_00 - 2 * s * x00 + s * s
                b11 = lv.x2_11 - 2 * s * x11 + s * s
                b01 = lv.x2_01 - 2 * s * x01
                d, ok = delta_branch(eta, t, self._chi)
                d0 = np.where(ok, d, 0.0)
                cols["D"].append(np.where(ok, (b11 - b00) + 2 * d0 * (a11 - a00), np.nan))
                cols["M"].append(np.where(ok, b01 + 2 * d0 * x01, np.nan))
                cols["ok"].append(ok)
                rho = model.Phi(eta) * model.F(np.abs(t)) * rel
                for k, v in (("eta", eta), ("t", t), ("eta_b", -H), ("t_b", tb),
                             ("weight", Wn * scale * rho), ("kind", np.full(H.size, kind))):
                    cols[k].append(v)
        c = {k: np.concatenate(v) for k, v in cols.items()}
        rep = lambda a: np.tile(a, _FRAMES)
        counted = counted_set(rep(lv.geometry), rep(lv.E), rep(lv.E21), c["ok"], self._eps_max,
                              self._cut)
        j = np.arange(H.size)
        groups = np.concatenate([j, H.size + j, H.size + j] * 2)
        M = c["M"]
        if model.rate_coupling == "partner_mean":
            M = partner_rms(M, groups)
        self.population = NodeSet(eta=c["eta"], t=c["t"], eta_b=c["eta_b"], t_b=c["t_b"],
                                  weight=np.where(counted, c["weight"], 0.0), counted=counted,
                                  kind=c["kind"].astype(np.int8))
        fin = lambda a: np.where(np.isfinite(a), a, 0.0)
        self.x_diag = rep(lv.x11 - lv.x00)       # <1|y|1> − <0|y|0> (frame- and mirror-even²)
        self.spectrum = ExactSoftSpectrum(
            E_K=W * rep(lv.E), delta_K=W * rep(lv.delta), delta0_K=W * rep(lv.delta0),
            M_unit=fin(np.abs(M)), D_unit=fin(c["D"]), barrier_K=W * rep(lv.barrier),
            well_K=W * rep(lv.E + lv.E21))

    # ------------------------------------------------------------------ observables
    @property
    def weight(self) -> np.ndarray:
        """Quadrature weight × density of every node, m^-3 (0 where not counted)."""
        return self.population.weight

    def rates(self, T_K: float, keep: np.ndarray | None = None) -> np.ndarray:
        """Total rates K (s^-1) of every node at T (independent formulas, :mod:`.rates`)."""
        T = float(T_K)
        if T not in self._rate_cache:
            if len(self._rate_cache) >= 8:                 # bounded: protocols have many T
                self._rate_cache.pop(next(iter(self._rate_cache)))
            self._rate_cache[T] = total_rate(self.spectrum.as_dict(), self.material,
                                             self.channels, T, tiles=_FRAMES)
        K = self._rate_cache[T]
        return K if keep is None else K[keep]

    def _g(self, T_K: float) -> np.ndarray:
        E = self.spectrum.E_K
        return K_B * self.weight * E * dn_eq_dT(E, T_K)

    def heat_capacity(self, T_K: float, times_s) -> np.ndarray:
        """C(T,t) = Σ w k_B E ∂n_eq/∂T (1 − e^{−K t}), J m^-3 K^-1 (PHYSICS §6)."""
        g = self._g(T_K)
        keep = g != 0.0
        return relaxed_sum(g[keep], self.rates(T_K, keep), times_s)

    def heat_capacity_step(self, T_K: float, dT_K: float, times_s) -> np.ndarray:
        """C_step = [U(t) − U(0)]/δT after T -> T + δT (rates at T + δT), J m^-3 K^-1."""
        E = self.spectrum.E_K
        h = K_B * self.weight * E * (n_eq(E, T_K + dT_K) - n_eq(E, T_K)) / dT_K
        keep = h != 0.0
        return relaxed_sum(h[keep], self.rates(T_K + dT_K, keep), times_s)

    def heat_capacity_eq(self, T_K: float) -> float:
        """t -> ∞: Σ w k_B E ∂n_eq/∂T over the model (depth cut included), J m^-3 K^-1."""
        return float(self._g(T_K).sum())

    def dos(self, E_edges_K) -> np.ndarray:
        """Number of counted TLSs per m³ with E in each bin (K edges)."""
        return np.histogram(self.spectrum.E_K, bins=E_edges_K, weights=self.weight)[0]

    def _energy_coef(self) -> np.ndarray:
        """k_B w E per node, J m^-3 (the coefficient of n in U = Σ k_B w E n)."""
        return K_B * self.weight * self.spectrum.E_K

    def heat_release(self, T1_K: float, T0_K: float, times_s) -> np.ndarray:
        r"""Q̇(t) = Σ w k_B E [n_eq(T1) − n_eq(T0)] K(T0) e^{−K(T0) t} after a quench, W m^-3."""
        E = self.spectrum.E_K
        d = self._energy_coef() * (n_eq(E, T1_K) - n_eq(E, T0_K))
        keep = d != 0.0
        d, K = d[keep], self.rates(T0_K, keep)
        return np.array([float(np.dot(d * K, np.exp(-K * t))) for t in np.atleast_1d(times_s)])

    def energy_after_quench(self, T1_K: float, T0_K: float, times_s) -> np.ndarray:
        """U(t) = Σ w k_B E [n_eq(T0) + (n_eq(T1) − n_eq(T0)) e^{−K(T0) t}], J m^-3."""
        a, E = self._energy_coef(), self.spectrum.E_K
        n0, n1 = n_eq(E, T0_K), n_eq(E, T1_K)
        K = self.rates(T0_K)
        u0 = float(np.dot(a, n0))
        return np.array([u0 + float(np.dot(a * (n1 - n0), np.exp(-K * t)))
                         for t in np.atleast_1d(times_s)])

    def energy_eq(self, T_K: float) -> float:
        """Equilibrium U(T) = Σ w k_B E n_eq(E,T) of the model, J m^-3."""
        return float(np.dot(self._energy_coef(), n_eq(self.spectrum.E_K, T_K)))

    def history(self, protocol, times_s) -> tuple[np.ndarray, np.ndarray]:
        r"""(U(t), Q̇(t)) under a compiled temperature protocol, J m^-3 and W m^-3.

        Equilibrium at ``protocol.T_initial_K`` for t < 0, then exact piecewise-constant
        propagation of every node (:func:`.propagation.history`, PHYSICS §5).
        """
        a = self._energy_coef()
        keep = a != 0.0
        E, coef = self.spectrum.E_K[keep], a[keep]
        dU, flux = _history(E, coef, lambda T: self.rates(T, keep), protocol, times_s)
        return float(np.dot(coef, n_eq(E, protocol.T_initial_K))) + dU, flux
