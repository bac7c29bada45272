r"""Thermal expansion of the same model by deterministic quadrature (the ``exact`` column).

The observables of :mod:`tlsmc.measurements.expansion` evaluated on quadrature nodes instead
of samples: node weights (m^-3, 0 where not counted), spectra and the same rate channels,

.. math::
    \alpha(T,t) = -\frac{k_B}{B}\sum_n w_n D_n\,\frac{\partial n_{eq}}{\partial T}
                  \big(1-e^{-K_n t}\big),\quad
    C(T,t) = k_B\sum_n w_n E_n\frac{\partial n_{eq}}{\partial T}\big(1-e^{-K_n t}\big),\quad
    \Gamma = B\alpha/C,

and ε(t) after the finite step (rates at T + δT), all with the exact column's own code
(independent of the Monte Carlo, issue 12: spectra, D and the counted set from
:mod:`.soft_spectrum` and :mod:`.soft`, rates from :mod:`.rates`; shares with the Monte Carlo
only :mod:`tlsmc.units`, the material container and the scenario's density shapes).
Soft potentials: the nodes of
:class:`tlsmc.analytic.quadrature.soft.SoftQuadrature` (types 1 and 2 at ±t̃_b, every node
with its exact spectrum, D and rates; at 0.1–1 K and t = 1e-10–1e6 s its default grid
agrees with a 4.5x finer one (h_panel 0.25, 10 nodes, 3 panels per decade of u) to ~1e-4
relative in α, worst 2e-3 near t = τ_min(T); the test grid (1 panel per unit h) to 1e-2).  Tunneling model with γ of random sign: every
quantity is even in the sign, D odd, so α = ε = Γ = 0 exactly (no quadrature needed).

:meth:`ExpansionQuadrature.decomposition` splits α at mirror nodes (η̃, ±t̃) into the part of
the pair-even D with pair-mean relaxation, ½(g₊+g₋)(F₊+F₋), and the part of the pair-odd D
that survives because mirror partners relax at different rates, ½(g₊−g₋)(F₊−F₋).

:func:`depth_tail_alpha` is the analytic t -> ∞ tail of TLSs deeper than the model's cut
(PHYSICS §9), for constant Φ, F: the χ-independent part of D, (c/η_L) ∂E/∂η̃ at fixed t̃,
is a uniform shift of η̃, so its equilibrium sum over the whole η̃ line vanishes, and over
η̃ >= −h (the model) it reduces to a boundary term at the cut,

.. math:: \alpha_{\rm tail}(T) = (1 + r)\,\frac{k_B}{B}\,\psi\eta_L^{3/2}\,\frac c{\eta_L}
          \int d\tilde t\;\big[H(E_{\max}) - H(E(-h,\tilde t))\big]_{E(-h,\tilde t)\le E_{\max}},
          \qquad H(E)=\int_0^E\frac{\partial n_{eq}}{\partial T}dE'
          = \ln\frac2{1+e^{-x}}-\frac{x e^{-x}}{1+e^{-x}},\ x = E/T,

(exact given the solver's E on the cut), r = ``type2_ratio``: the type-2 TLSs are the images
of the type-1 points under GGP eq. 2.10 (Jacobian 1/2, two branches; PHYSICS §9), cut at the
same barrier-frame depth, with the same spectra up to a shift, so per unit density their
boundary term equals the type-1 one (checked: at χ = 0, α_eq of the cut model with
r = 0, 0.5, 1 is (1 + r) times the r = 0 value and α_eq + tail = 0 to 1e-4).  Neglected:
the χ-dependent even part of D of the deeper TLSs (GGP's χ² term).  That error is not
< 1e-3 as once claimed: α_eq + tail (the uncut glass's equilibrium α, itself only ~1e-3 of
α_eq) still changes by ~1 % between depth cuts 16 and 20 (soft_glass, χ = 1, E_max 3 K,
0.3–1 K; 0.4–1.3 % reported at depth 18), so read α_eq + tail as the uncut α to ~1 % at
depth_max ~ 16–20, not better.
"""
from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd

from ...population.soft import ConstantShape, SoftPotentialModel
from ...units import K_B
from .rates import dn_eq_dT, n_eq, total_rate
from .soft import SoftQuadrature, counted_set
from .soft_spectrum import delta_branch, solve_levels

__all__ = ["ExpansionQuadrature", "soft_expansion_quadrature", "soft_nodes",
           "depth_tail_alpha", "H_integral", "mirror_partners"]


def _relaxed_sums(G: np.ndarray, K: np.ndarray, times) -> np.ndarray:
    """Σ_n G[s, n] (1 − e^{−K_n t}) for every series s and time t (t = inf: Σ G)."""
    times = np.atleast_1d(np.asarray(times, dtype=float))
    G = np.atleast_2d(np.asarray(G, dtype=np.float64))
    K = np.asarray(K, dtype=np.float64)
    out = np.zeros((G.shape[0], times.size))
    if K.size == 0:
        return out
    for k, t in enumerate(times):
        F = np.ones_like(K) if np.isinf(t) else -np.expm1(-K * t)
        out[:, k] = np.cumsum(G * F, axis=1)[:, -1]     # plain NumPy, summed in node order
    return out


def mirror_partners(eta: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Index of the node (η̃, −t̃) of every node (η̃, t̃) (exact match); −1 where there is none."""
    eta, t = np.asarray(eta, dtype=float), np.asarray(t, dtype=float)
    index = pd.MultiIndex.from_arrays([eta, t])
    if not index.is_unique:
        raise ValueError("mirror_partners: nodes are not distinct")
    return np.asarray(index.get_indexer(pd.MultiIndex.from_arrays([eta, -t])), dtype=np.int64)


class ExpansionQuadrature:
    """α, C, Γ and ε of one model on deterministic nodes (see the module docstring).

    Parameters
    ----------
    weight : (N,) node weight × density, m^-3
    spectrum : the nodes' :class:`tlsmc.spectrum.TwoLevelSpectrum`
    material, channels : as in the scenario (rates by the independent
        :func:`tlsmc.analytic.quadrature.rates.total_rate`, or ``rates``)
    coupling_K : D = coupling_K · D_unit, K per unit strain
    B_Pa : bulk modulus, Pa
    eta, t : optional (N,) node coordinates, for :meth:`decomposition`
    rates : optional T_K -> (N,) total rates, s^-1 (e.g. :meth:`SoftQuadrature.rates`)
    """

    def __init__(self, weight, spectrum, material, channels, coupling_K: float, B_Pa: float,
                 eta=None, t=None, rates=None):
        self.weight, self.spectrum = np.asarray(weight, dtype=float), spectrum
        self.material, self.channels = material, tuple(channels)
        self.coupling_K, self.B = float(coupling_K), float(B_Pa)
        self.eta, self.t = eta, t
        self._rates = rates
        self._s = -(K_B / self.B) * self.weight * self.coupling_K * spectrum.D_unit

    def _K(self, T: float) -> np.ndarray:
        if self._rates is not None:
            return self._rates(T)
        fields = ("E_K", "delta_K", "delta0_K", "M_unit", "barrier_K", "well_K")
        spec = {f: getattr(self.spectrum, f, np.zeros(len(self.spectrum.E_K))) for f in fields}
        return total_rate(spec, self.material, self.channels, T)

    def _g(self, T: float) -> tuple[np.ndarray, np.ndarray]:
        dndT = dn_eq_dT(self.spectrum.E_K, T)
        return self._s * dndT, K_B * self.weight * self.spectrum.E_K * dndT

    def alpha_and_heat_capacity(self, T_K: float, times_s) -> tuple[np.ndarray, np.ndarray]:
        """(α(T,t) in K^-1, C(T,t) in J m^-3 K^-1) at ``times_s`` (inf allowed: eq. 1.5)."""
        ga, gc = self._g(T_K)
        s = _relaxed_sums(np.stack([ga, gc]), self._K(T_K), times_s)
        return s[0], s[1]

    def alpha(self, T_K: float, times_s) -> np.ndarray:
        """α(T,t), K^-1."""
        return self.alpha_and_heat_capacity(T_K, times_s)[0]

    def gruneisen(self, T_K: float, times_s) -> np.ndarray:
        """Γ(T,t) = B α/C, dimensionless."""
        a, c = self.alpha_and_heat_capacity(T_K, times_s)
        return self.B * a / c

    def strain(self, T_K: float, dT_K: float, times_s) -> np.ndarray:
        """ε(t) after the step T -> T + δT (rates at T + δT), dimensionless."""
        E = self.spectrum.E_K
        h = self._s * (n_eq(E, T_K + dT_K) - n_eq(E, T_K))
        return _relaxed_sums(h, self._K(T_K + dT_K), times_s)[0]

    def decomposition(self, T_K: float, times_s) -> tuple[np.ndarray, np.ndarray]:
        """(α_even, α_rate) at ``times_s``: α = α_even + α_rate over mirror node pairs.

        α_even = Σ_pairs ½(g₊+g₋)(F₊+F₋) (pair-even D, pair-mean relaxation), α_rate =
        Σ_pairs ½(g₊−g₋)(F₊−F₋) (pair-odd D × rate difference of the partners); nodes
        without a partner count in α_even.  Needs ``eta``, ``t``.
        """
        if self.eta is None or self.t is None:
            raise ValueError("decomposition needs the node coordinates eta, t")
        mate = mirror_partners(self.eta, self.t)
        ga, _ = self._g(T_K)
        K = self._K(T_K)
        i = np.arange(mate.size)
        first = (mate > i)
        a, b = i[first], mate[first]
        single = mate < 0
        times = np.atleast_1d(np.asarray(times_s, dtype=float))
        even, rate = np.empty(times.size), np.empty(times.size)
        for k, tt in enumerate(times):
            Fa, Fb = ((np.ones(a.size), np.ones(a.size)) if np.isinf(tt)
                      else (-np.expm1(-K[a] * tt), -np.expm1(-K[b] * tt)))
            Fs = np.ones(single.sum()) if np.isinf(tt) else -np.expm1(-K[single] * tt)
            even[k] = 0.5 * np.dot(ga[a] + ga[b], Fa + Fb) + np.dot(ga[single], Fs)
            rate[k] = 0.5 * np.dot(ga[a] - ga[b], Fa - Fb)
        return even, rate


@functools.lru_cache(maxsize=4)
def soft_nodes(model: SoftPotentialModel, material, channels: tuple) -> SoftQuadrature:
    """The default-grid :class:`SoftQuadrature` of a model, cached (built once per run)."""
    return SoftQuadrature(model, material, tuple(channels))


def soft_expansion_quadrature(model: SoftPotentialModel, material, channels, *,
                              quadrature: SoftQuadrature | None = None) -> ExpansionQuadrature:
    """:class:`ExpansionQuadrature` on the nodes of a :class:`SoftQuadrature` of the model.

    ``quadrature``: a prebuilt SoftQuadrature (default: built with its default grid and
    cached per (model, material, channels), ~3e4 independent solves).  D = W (c/η_L) D_over_c with
    c = ``material.soft_c``; B = ``material.bulk_modulus_Pa``.
    """
    q = quadrature if quadrature is not None else soft_nodes(model, material, tuple(channels))
    by = "the thermal-expansion quadrature"
    coupling = material.need("W_K", by) * material.need("soft_c", by) / material.need("eta_L", by)
    return ExpansionQuadrature(q.weight, q.spectrum, material, channels, coupling,
                               material.need("bulk_modulus_Pa", by), eta=q.population.eta,
                               t=q.population.t, rates=q.rates)


def _counted_line(model, material, eta: float, t: np.ndarray):
    """(E in W, counted) of type-1 points (η, t) by the independent solver (PHYSICS §1b)."""
    from types import SimpleNamespace
    lv = solve_levels(np.full(t.size, eta), t)
    _, ok = delta_branch(np.full(t.size, eta), t, material.need("soft_chi", "the depth tail"))
    eps_max = model.E_max_K / material.need("W_K", "the depth tail")
    return SimpleNamespace(E=lv.E, counted=counted_set(lv.geometry, lv.E, lv.E21, ok, eps_max,
                                                       model.ratio_cut))


def H_integral(E_K, T_K: float) -> np.ndarray:
    """H(E) = ∫_0^E ∂n_eq/∂T dE' = ln(2/(1 + e^{−x})) − x e^{−x}/(1 + e^{−x}), x = E/T (-> ln 2)."""
    x = np.asarray(E_K, dtype=float) / T_K
    e = np.exp(-x)
    return np.log(2.0) - np.log1p(e) - x * e / (1.0 + e)


def depth_tail_alpha(model: SoftPotentialModel, material, T_K: float, *, nodes: int = 400) -> float:
    """Analytic t -> ∞ tail of α from the TLSs deeper than ``model.depth_max`` (module doc), K^-1.

    Add it to the equilibrium α of the model (``alpha_eq``) for the α of the same glass
    without the depth cut (to ~1 %: the χ² part of D beyond the cut is neglected, module
    doc).  Types 1 and 2: the type-1 boundary times (1 + ``type2_ratio``); constant Φ and F
    only (ValueError otherwise).  The
    t̃-integral runs over the counted points of the line η̃ = −depth_max (Gauss–Legendre,
    ``nodes`` points in each of 8 panels graded towards t̃ = 0).
    """
    if not (isinstance(model.Phi, ConstantShape) and isinstance(model.F, ConstantShape)):
        raise ValueError("depth_tail_alpha needs constant shapes Phi and F")
    by = "the depth tail of the thermal expansion"
    W = material.need("W_K", by)
    h = float(model.depth_max)
    E_max = float(model.E_max_K)
    # end of the counted strip on the cut: E(−h, t̃) = E_max (E grows with |t̃|)
    lo, hi = 0.0, math.sqrt(2.0) * 4.0 * E_max / (W * h ** 1.5)
    while float(solve_levels(-h, hi).E[0]) * W < E_max:
        hi *= 2.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if float(solve_levels(-h, mid).E[0]) * W <= E_max:
            lo = mid
        else:
            hi = mid
    edges = lo * np.concatenate([[0.0], np.geomspace(1e-7, 1.0, 8)])
    x, w = np.polynomial.legendre.leggauss(nodes)
    a, b = edges[:-1, None], edges[1:, None]
    tt = (0.5 * (a + b) + 0.5 * (b - a) * x).ravel()
    wt = (0.5 * (b - a) * w).ravel()
    pop = _counted_line(model, material, -h, tt)
    E = pop.E * W
    integrand = np.where(pop.counted, H_integral(E_max, T_K) - H_integral(E, T_K), 0.0)
    integral = 2.0 * float(np.dot(wt, integrand))            # both signs of t̃
    c = material.need("soft_c", by)
    types = 1.0 + float(model.type2_ratio)       # type-2 boundary = type-1 per unit density
    return (types * K_B / material.need("bulk_modulus_Pa", by) * model.density_scale(material)
            * c / material.need("eta_L", by) * integral)
