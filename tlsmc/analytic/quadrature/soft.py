r"""Deterministic quadrature of the soft-potential population model (the ``exact`` column).

The same model as :class:`tlsmc.population.soft.SoftPotentialModel` (same cuts, densities,
spectra from :func:`tlsmc.spectrum.soft_solver.solve_soft` and rate channels), integrated on a
tensor-product Gauss–Legendre grid in the barrier-frame coordinates instead of sampled:

.. math:: C(T,t) = \sum_{\rm frames}\int_{h_{lo}}^{h_{max}}\!dh\int_{-\tau(h)}^{\tau(h)}\!
          dt_b\; n(\tilde\eta,\tilde t)\,[\text{counted}]\;k_B E\,\frac{\partial n_{eq}}
          {\partial T}\big(1-e^{-K(T)t}\big)

with the frames type 1 (η̃, t̃) = (−h, t_b), density n = ψη_L^{3/2}Φ F, and type 2 on both
branches σ = ±1 (GGP eq. 2.10), density r ψη_L^{3/2}Φ F |J_σ|.  The counted set at fixed h is
|t_b| <= u*(h) τ(h) (E grows and (E2−E1)/E falls with |t_b|); u*(h) and the shallowest
depth h_lo are found by bisection on the solver, so the grid never straddles a cut:

* h: a panel [h_lo, h_lo + 1] in h = h_lo + s² (the strip opens as √(h − h_lo)), then
  panels of ``h_panel``; ``nodes`` Gauss points per panel;
* u = |t_b|/τ: one panel [0, u_a], u_a = 10^{−``u_decades``} u*, then ``u_per_decade``
  panels per decade of log u up to u*, ``nodes`` points each;
* every node is solved 6 times: types 1, 2(σ = +1), 2(σ = −1), each at ±t_b — the
  type-1 mirror pair and the type-2 quartet that ``rate_coupling = "partner_mean"`` averages
  over, as the sampler's antithetic units do.

Points whose δ branch does not exist count 0 at their node (that boundary is not
resolved; it lies outside the TLS region for χ <= ~1).  Accuracy: the tests halve the
panel sizes and find relative changes < 2e-4 in C(T,t) for 0.05 <= T <= 5 K.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from ...dynamics.propagation import evolve
from ...rates import build_rates
from ...population.soft import TYPE1, TYPE2, SoftPotentialModel, to_type2_frame
from ...spectrum import soft_spectrum
from ...dynamics.occupations import n_eq, occupation_and_derivative
from ...units import K_B

__all__ = ["SoftQuadrature"]


def _gauss(a: np.ndarray, b: np.ndarray, nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Legendre nodes and weights on the panels [a_i, b_i] (flattened)."""
    x, w = np.polynomial.legendre.leggauss(nodes)
    half = 0.5 * (b - a)[:, None]
    return ((0.5 * (a + b))[:, None] + half * x).ravel(), (half * w).ravel()


class SoftQuadrature:
    """Tensor-product quadrature of a soft-potential model (see the module docstring).

    Parameters
    ----------
    model : SoftPotentialModel
    material : Material with W_K, eta_L, psi_per_m3, soft_chi (+ what the channels need)
    channels : the scenario's rate channels
    h_panel, nodes, u_decades, u_per_decade : grid (defaults: converged to ~1e-4)
    """

    def __init__(self, model: SoftPotentialModel, material, channels, *, h_panel: float = 0.5,
                 nodes: int = 8, u_decades: int = 8, u_per_decade: int = 2):
        self.model, self.material, self.channels = model, material, tuple(channels)
        tab = model.table(material)
        self._tab = tab

        def tau(h):
            c = np.clip(np.searchsorted(tab.h_hi, h, side="left"), 0, tab.tau.size - 1)
            return tab.tau[c]

        def counted0(h, u):            # type-1 point, as the population counts it
            hh = np.asarray(h, dtype=float)
            tb = np.asarray(u, dtype=float) * tau(hh)
            return model.solve(material, -hh, tb, -hh, tb, np.ones_like(hh)).counted

        # shallowest counted depth (at t_b = 0), inside the first cell of the table
        lo, hi = tab.h_lo[0] - 0.25, tab.h_hi[0] + 0.25
        if not counted0(np.array([hi]), np.array([0.0]))[0]:
            raise ValueError("SoftQuadrature: no counted TLS at t_b = 0 near the table's start")
        for _ in range(50):
            mid = 0.5 * (lo + hi)
            if counted0(np.array([mid]), np.array([0.0]))[0]:
                hi = mid
            else:
                lo = mid
        h_lo, h_max = hi, float(model.depth_max)
        s, ws = _gauss(np.array([0.0]), np.array([1.0]), nodes)
        h1, w1 = h_lo + s * s, 2.0 * s * ws
        edges = np.arange(h_lo + 1.0, h_max, h_panel)
        edges = np.append(edges, h_max) if edges[-1] < h_max - 1e-9 else edges
        h2, w2 = _gauss(edges[:-1], edges[1:], nodes)
        h = np.concatenate([h1, h2])
        wh = np.concatenate([w1, w2])
        # u*(h) by bisection on u in [0, 1] (the table's τ covers every counted point)
        ulo, uhi = np.zeros_like(h), np.ones_like(h)
        assert not counted0(h, uhi).any(), "table strip does not cover the counted set"
        for _ in range(45):
            mid = 0.5 * (ulo + uhi)
            ok = counted0(h, mid)
            ulo = np.where(ok, mid, ulo)
            uhi = np.where(ok, uhi, mid)
        ustar = ulo
        # u nodes per h: [0, u_a] and log panels up to u*
        ua = ustar * 10.0 ** (-u_decades)
        x, w = np.polynomial.legendre.leggauss(nodes)
        npan = u_decades * u_per_decade
        la = np.log(ua)[:, None]
        step = (np.log(ustar) - np.log(ua))[:, None] / npan
        k = np.arange(npan)[None, :]
        # log panels: u = exp(z), du = u dz
        zc = la + (k + 0.5) * step                                    # (H, P)
        z = zc[:, :, None] + 0.5 * step[:, :, None] * x[None, None, :]
        u_log = np.exp(z).reshape(h.size, -1)
        w_log = u_log * np.broadcast_to(0.5 * step[:, :, None] * w[None, None, :],
                                        z.shape).reshape(h.size, -1)
        u_lin = 0.5 * ua[:, None] * (1.0 + x[None, :])
        w_lin = 0.5 * ua[:, None] * w[None, :]
        u = np.concatenate([u_lin, u_log], axis=1)                    # (H, U)
        wu = np.concatenate([w_lin, w_log], axis=1)
        H = np.broadcast_to(h[:, None], u.shape).ravel()
        TB = (u * tau(h)[:, None]).ravel()
        Wn = (wh[:, None] * wu * tau(h)[:, None]).ravel()             # dh dt_b
        self.h_lo, self.n_nodes = h_lo, H.size
        # six frames per node
        scale = model.density_scale(material)
        eta_l, t_l, eb_l, tb_l, w_l = [], [], [], [], []
        for sgn in (1.0, -1.0):
            tb = sgn * TB
            eta_l.append(-H), t_l.append(tb), eb_l.append(-H), tb_l.append(tb)
            w_l.append(Wn * scale * model.relative_density(-H, tb, np.full(H.size, TYPE1)))
            for sigma in (1.0, -1.0):
                e2, t2, jac = to_type2_frame(-H, tb, sigma)
                eta_l.append(e2), t_l.append(t2), eb_l.append(-H), tb_l.append(tb)
                w_l.append(Wn * scale * jac
                           * model.relative_density(e2, t2, np.full(H.size, TYPE2)))
        cat = np.concatenate
        # partners (rate_coupling = "partner_mean"): blocks [T1, T2σ+, T2σ−] at +t_b then at
        # −t_b; node j's type-1 mirror pair and its type-2 quartet (h, ±t_b, ±σ)
        j = np.arange(H.size)
        partners = cat([j, H.size + j, H.size + j] * 2)
        self.population = model.solve(material, cat(eta_l), cat(t_l), cat(eb_l), cat(tb_l),
                                      cat(w_l), partners)
        self.spectrum = soft_spectrum(self.population, material)

    @property
    def weight(self) -> np.ndarray:
        """Quadrature weight × density of every node, m^-3 (0 where not counted)."""
        return self.population.weight

    def _g(self, T_K: float) -> np.ndarray:
        _, dndT = occupation_and_derivative(self.spectrum.E_K, T_K)
        return K_B * self.weight * self.spectrum.E_K * dndT

    def heat_capacity(self, T_K: float, times_s) -> np.ndarray:
        """C(T,t) = Σ w k_B E ∂n_eq/∂T (1 − e^{−K t}), J m^-3 K^-1 (PHYSICS §6)."""
        g = self._g(T_K)
        K = build_rates(self.spectrum, self.material, self.channels, T_K).K
        keep = g != 0.0
        g, K = g[keep], K[keep]
        return np.array([float(np.dot(g, -np.expm1(-K * t))) for t in np.atleast_1d(times_s)])

    def heat_capacity_eq(self, T_K: float) -> float:
        """t -> ∞: Σ w k_B E ∂n_eq/∂T over the model (depth cut included), J m^-3 K^-1."""
        return float(self._g(T_K).sum())

    def dos(self, E_edges_K) -> np.ndarray:
        """Number of counted TLSs per m³ with E in each bin (K edges)."""
        return np.histogram(self.spectrum.E_K, bins=E_edges_K, weights=self.weight)[0]

    # ------------------------------------------------------------------ heat release
    def _energy_coef(self) -> np.ndarray:
        """k_B w E per node, J m^-3 (the coefficient of n in U = Σ k_B w E n)."""
        return K_B * self.weight * self.spectrum.E_K

    def heat_release(self, T1_K: float, T0_K: float, times_s) -> np.ndarray:
        r"""Q̇(t) after an instantaneous quench T1 -> T0 at t = 0, W m^-3 (PHYSICS §6, §8).

        .. math:: \dot Q(t) = \sum w\,k_B E\,[n_{eq}(E,T_1) - n_{eq}(E,T_0)]\,K(T_0)\,
                  e^{-K(T_0) t}

        Occupations start at n_eq(T1); every channel's rate at the bath temperature T0.
        """
        d = self._energy_coef() * (n_eq(self.spectrum.E_K, T1_K) - n_eq(self.spectrum.E_K, T0_K))
        K = build_rates(self.spectrum, self.material, self.channels, T0_K).K
        keep = d != 0.0
        d, K = d[keep], K[keep]
        return np.array([float(np.dot(d * K, np.exp(-K * t))) for t in np.atleast_1d(times_s)])

    def energy_after_quench(self, T1_K: float, T0_K: float, times_s) -> np.ndarray:
        """U(t) = Σ w k_B E [n_eq(T0) + (n_eq(T1) − n_eq(T0)) e^{−K(T0) t}], J m^-3."""
        a, E = self._energy_coef(), self.spectrum.E_K
        n0, n1 = n_eq(E, T0_K), n_eq(E, T1_K)
        K = build_rates(self.spectrum, self.material, self.channels, T0_K).K
        u0 = float(np.dot(a, n0))
        return np.array([u0 + float(np.dot(a * (n1 - n0), np.exp(-K * t)))
                         for t in np.atleast_1d(times_s)])

    def energy_eq(self, T_K: float) -> float:
        """Equilibrium U(T) = Σ w k_B E n_eq(E,T) of the model, J m^-3."""
        return float(np.dot(self._energy_coef(), n_eq(self.spectrum.E_K, T_K)))

    def history(self, protocol, times_s) -> tuple[np.ndarray, np.ndarray]:
        r"""(U(t), Q̇(t)) under a compiled temperature protocol, J m^-3 and W m^-3.

        Equilibrium at ``protocol.T_initial_K`` for t < 0, then exact piecewise-constant
        propagation of every node (:func:`tlsmc.dynamics.evolve`, PHYSICS §5):
        U = Σ w k_B E n(t), Q̇ = −dU/dt (the exact derivative inside the segment holding t).
        ``protocol``: :class:`tlsmc.dynamics.protocols.Protocol`; ``times_s``: (n_t,) s.
        """
        a = self._energy_coef()
        keep = a != 0.0
        E, coef = self.spectrum.E_K[keep], a[keep][None, :]
        sub = self._spectrum_subset(keep)
        cache: dict[float, object] = {}

        def rates_at(T_K: float):
            if T_K not in cache:
                cache[T_K] = build_rates(sub, self.material, self.channels, T_K)
            return cache[T_K]

        times = np.atleast_1d(np.asarray(times_s, dtype=float))
        sums = evolve(E, coef, rates_at, protocol, times)
        u_ref = float(np.dot(coef[0], n_eq(E, protocol.T_initial_K)))
        return u_ref + sums.dn[0], sums.flux[0]

    def _spectrum_subset(self, keep: np.ndarray):
        """The spectrum restricted to the nodes ``keep`` (same type, every array field)."""
        sp = self.spectrum
        return dataclasses.replace(sp, **{f.name: getattr(sp, f.name)[keep]
                                          for f in dataclasses.fields(sp)})
