"""Thermal-conductivity comparisons (tunneling population): MC κ(T) against the independent
quadrature (:mod:`tlsmc.analytic.quadrature.conduction`, with ñ and the relaxation sum of
:class:`~tlsmc.analytic.quadrature.acoustics.AcousticQuad`) and the closed forms
(:mod:`tlsmc.analytic.closed_forms.conduction`): the T² law (resonant scattering only, no
boundary/Rayleigh, thermal phonons inside the cut-offs), the boundary-only law, the
Rayleigh + boundary law (ħω_c/kT < 0.01); with a Debye cut-off only the boundary law with
the cut-off (Debye function D₄).  One row per (T, polarization l / t / all).
The relaxation part needs the one_phonon channel alone (else: no counterpart).
"""
from __future__ import annotations

import math

from ..analytic.closed_forms import conduction as cf
from ..analytic.closed_forms import tf_conduction as tfc
from ..analytic.quadrature import OutsideQuadrature
from ..analytic.quadrature.conduction import kappa_quadrature
from ..analytic.quadrature.tf_conduction import TFConductionQuad
from ..measurements.conduction import branch_constants, debye_cutoffs
from ..measurements.conduction_tf import TFScattering
from .acoustics import acoustic_quadrature
from ..units import HBAR, K_B
from .common import points

__all__ = ["conduction_rows", "ConductionContext", "NOTE", "NUMERICAL_RTOL", "TF_RTOL"]

EQ37_TOLERANCE = 0.1
"""Largest estimated error of TF eq. 37's flat-G steepest descent where it is shown: the flat-G
error (2T + ħω)²/2F is ≥ 0.059 at every T for TF's parameters (Debye model)."""

TF_RTOL = 5e-4
"""Relative accuracy of a TF-channel κ row's deterministic parts: the Monte Carlo's multiphonon
table (|Δ ln K| < 5e-4, :mod:`tlsmc.rates.multiphonon`) dominates the frequency grid (1e-5)."""

NUMERICAL_RTOL = 1e-5
"""Relative accuracy of the deterministic parts of a κ row: the estimator's Gauss–Legendre
frequency grid (default 8 nodes per factor-4 panel; resonant-only silica: 4e-7 against the
quadrature) and the quadrature itself (epsrel 1e-10)."""

NOTE = ("thermal_conductivity: exact = independent quadrature of the kinetic formula with the "
        "same cut-off STM (tlsmc.analytic.quadrature.conduction); closed_form = T² law "
        "(resonant only), boundary law, Rayleigh+boundary law in their regimes")


def _t2_regime(q, T) -> bool:
    """Thermal phonons (x ∈ [1e-3, 40]) inside the cut-offs with a factor-10 margin."""
    return 10 * q.d0_min < 1e-3 * T and 400 * T < min(q.d0_max, q.delta_max_K)


def _tf_rows(cfg, scenario) -> list[dict]:
    """TF channels: exact = :class:`TFConductionQuad` (NaN where the independent multiphonon
    quadrature does not reach), closed form = TF eq. 36 or 37 in its regime (no boundary, no
    Rayleigh term)."""
    m, pop = scenario.material, scenario.population
    tf = TFScattering(scenario, 1, "the comparison")
    br = branch_constants(m, coupling=False)
    cut = debye_cutoffs(m, br, cfg.debye_cutoff)
    trip = [(p, mult, v) for p, mult, _, _, v in br]
    J0 = pop.J0
    lo, hi = J0.support
    q = TFConductionQuad(tf.params, tf.channel, pop.density_scale(m), lo, hi, pop.delta_max_K,
                         trip, tf.v_debye, getattr(J0, "peak_amplitude", 0.0) if
                         getattr(J0, "shape", "sharp") == "peaked" else 0.0,
                         getattr(J0, "peak_width", 1.0))
    l_b, A = cfg.boundary_length_m, cfg.rayleigh_A_s4_per_m
    rows: list[dict] = []
    reach = tf.channel == "tf_multiphonon" or tf.vibration == "debye"
    for T in sorted(cfg.temperatures_K):
        ex = {}
        if reach:
            try:
                ex = q.kappa(T, l_b, A, cut or None)
            except OutsideQuadrature:      # its reach in E shrinks with T: stop trying
                reach = False
        closed = {}
        if not l_b and not A:
            for p, mult, v in trip:
                y_max = cut[p] * HBAR / (K_B * T) if cut else math.inf
                if tfc.regime_eq36(T, tf.channel, tf.vibration, tf.params.theta_D_K,
                                   pop.delta_max_K):
                    closed[p] = tfc.kappa_eq36(T, [(p, mult, v)], tf.v_debye, tf.params, q.N_V,
                                               y_max)[p]
                elif tfc.regime_eq37(T, tf.params, tf.channel, EQ37_TOLERANCE):
                    closed[p] = tfc.kappa_eq37(T, [(p, mult, v)], tf.v_debye, tf.params, q.N_V,
                                               pop.delta_max_K, y_max)[p]
            if closed:
                closed["all"] = sum(closed.values())
        for pol in ("l", "t", "all"):
            rows += points("kappa", T, [math.inf], ex.get(pol, math.nan),
                           closed.get(pol, math.nan), rtol=TF_RTOL, polarization=pol)
    return rows


class ConductionContext:
    """What the ``thermal_conductivity`` measurements of one scenario share: the acoustic
    quadrature model (built on first use) and the cache of its relaxation sums per (T, x)."""

    def __init__(self, scenario):
        self.scenario, self._quad, self.relax = scenario, None, {}

    @property
    def quad(self):
        if self._quad is None:
            self._quad = acoustic_quadrature(self.scenario)
        return self._quad


def conduction_rows(measurement, context, scenario) -> list[dict]:
    """Analytic rows of one ``thermal_conductivity`` measurement (``context``: a
    :class:`ConductionContext` of the scenario, or None)."""
    if measurement.tls_parts == ("tf",):
        return _tf_rows(measurement, scenario)
    context = context if context is not None else ConductionContext(scenario)
    cfg, m = measurement, scenario.material
    parts = tuple(p for p in cfg.tls_parts if p != "none")
    quad = context.quad if parts else None
    br = branch_constants(m)
    cut = debye_cutoffs(m, br, cfg.debye_cutoff)
    l_b, A = cfg.boundary_length_m, cfg.rayleigh_A_s4_per_m
    rows: list[dict] = []
    for T in cfg.temperatures_K:
        ex = kappa_quadrature(T, br, parts=parts, quad=quad, l_b=l_b, A=A, omega_cut=cut or None,
                              relax_cache=context.relax)
        closed = {}
        if cut:
            if not parts and l_b and not A:
                for pol, mult, g, rho, v in br:
                    closed[pol] = cf.kappa_boundary_debye(T, l_b, [(mult, v, cut[pol])])
        elif parts == ("resonant",) and not l_b and not A and _t2_regime(quad, T):
            for pol, mult, g, rho, v in br:
                closed[pol] = cf.kappa_T2(T, rho, m.P_bar_per_J_m3, [(mult, g, v)])
        elif not parts and l_b and not A:
            for pol, mult, g, rho, v in br:
                closed[pol] = cf.kappa_boundary(T, l_b, [(mult, v)])
        elif not parts and l_b and A and cf.rayleigh_regime(T, A, l_b):
            for pol, mult, g, rho, v in br:
                closed[pol] = cf.kappa_rayleigh_boundary(T, A, l_b, [(mult, v)])
        if closed:
            closed["all"] = sum(closed.values())
        for pol in ("l", "t", "all"):
            rows += points("kappa", T, [math.inf], ex[pol], closed.get(pol, math.nan),
                           rtol=NUMERICAL_RTOL, polarization=pol)
    return rows
