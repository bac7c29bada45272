r"""Rate formulas, occupations and couplings of the ``exact`` column, written from PHYSICS §4.

Independent of :mod:`tlsmc.rates` (channel classes, numba kernels) and of
:mod:`tlsmc.dynamics.occupations`: the quadratures of the soft-potential model evaluate their
relaxation rates here, so that an error in the Monte Carlo's rate code shows up as an
MC-vs-exact z-score (issue 12).  Channels are recognised by their scenario kind (the class
name of the channel's config dataclass); only their options are read.

* one_phonon (PHYSICS §4.1): K = a M² E³ coth(E/2T), a = (γ_l²/v_l⁵ + 2γ_t²/v_t⁵)k_B³/(2πρħ⁴)
  in s^-1 K^-3 (energies in K; M the off-diagonal coupling per unit γ);
* activated (§4.4): K = ν_a e^{−V_b/T}(1 + e^{−E/T}), ν_a given or ω/2π with ħω = ε2 − ε0;
* tf_nondiagonal, tf_multiphonon (§4.2–4.3): :func:`tlsmc.analytic.closed_forms.tf1982.tls_rate`
  with V = Δ0/2 (its multiphonon rate is the independent :mod:`.multiphonon`);
* electron (§12): :func:`tlsmc.analytic.quadrature.metals.electron_rate` (own BCS gap).

Shares with the Monte Carlo: the constants of :mod:`tlsmc.units` and the material container.
"""
from __future__ import annotations

import numpy as np
from scipy.special import expit

from ...units import EV, HBAR, K_B, PI

__all__ = ["one_phonon_a", "total_rate", "EXACT_RATES", "n_eq", "dn_eq_dT", "partner_rms"]


def n_eq(E_K, T_K):
    """Upper-level occupation 1/(e^{E/T} + 1) = expit(−E/T) (finite for any E/T >= 0)."""
    return expit(-np.asarray(E_K, dtype=float) / T_K)


def dn_eq_dT(E_K, T_K):
    """∂n_eq/∂T = (E/T²) n_eq (1 − n_eq), K^-1 (no overflow: expit of ±E/T)."""
    x = np.asarray(E_K, dtype=float) / T_K
    return x / T_K * expit(-x) * expit(x)


def one_phonon_a(material) -> float:
    """a = (γ_l²/v_l⁵ + 2γ_t²/v_t⁵) k_B³/(2πρħ⁴), s^-1 K^-3 (transverse branch twice, §8)."""
    by = "the exact one_phonon rate"
    gl, gt = (material.need(f, by) * EV for f in ("gamma_l_eV", "gamma_t_eV"))
    vl, vt = material.need("v_l_m_s", by), material.need("v_t_m_s", by)
    rho = material.need("density_kg_m3", by)
    return (gl * gl / vl ** 5 + 2.0 * gt * gt / vt ** 5) * K_B ** 3 / (2.0 * PI * rho * HBAR ** 4)


def _coth_half(x):
    """coth(x/2) for x > 0 (1 for large x; 1/tanh)."""
    return 1.0 / np.tanh(0.5 * np.asarray(x, dtype=float))


def _one_phonon(ch, spec, material, T_K, pos, tiles=1):
    M, E = spec["M_unit"][pos], spec["E_K"][pos]
    if tiles == 1:
        coth = _coth_half(E / T_K)
    else:                                  # the spectrum repeats: coth once per period
        E1 = spec["E_K"][:spec["E_K"].size // tiles]
        c1 = np.ones(E1.size)
        c1[E1 > 0.0] = _coth_half(E1[E1 > 0.0] / T_K)
        coth = np.tile(c1, tiles)[pos]
    return one_phonon_a(material) * (M * E) ** 2 * E * coth


def _activated(ch, spec, material, T_K, pos):
    nu = (spec["well_K"] * K_B / (2.0 * PI * HBAR) if ch.nu_a_per_s is None else ch.nu_a_per_s)
    nu = nu[pos] if np.ndim(nu) else nu
    E = spec["E_K"][pos]
    return nu * np.exp(-spec["barrier_K"][pos] / T_K) * (1.0 + np.exp(-E / T_K))


def _tf(ch, spec, material, T_K, pos):
    from ...rates.tf import tf_parameters     # the material's TF parameter set only
    from ..closed_forms import tf1982
    params = tf_parameters(material, "the exact TF rate")
    f = (tf1982.tls_rate(params, "multiphonon") if type(ch).__name__ == "TFMultiphonon"
         else tf1982.tls_rate(params, "nondiagonal", ch.vibration))
    return f(spec["E_K"][pos], spec["delta_K"][pos], spec["delta0_K"][pos], T_K)


def _electron(ch, spec, material, T_K, pos):
    from .metals import electron_rate      # independent BCS gap and Korringa rate
    return electron_rate(spec["E_K"][pos], spec["delta0_K"][pos], T_K,
                         material.need("electron_coupling", "the exact electron rate"),
                         material.Tc_K)


EXACT_RATES = {"OnePhonon": _one_phonon, "Activated": _activated, "TFNondiagonal": _tf,
               "TFMultiphonon": _tf, "Electron": _electron}
"""Channel config class name -> independent formula ``f(channel, spec, material, T, mask)``."""
_PER_FRAME = {"OnePhonon"}
"""Formulas that read the per-frame coupling M_unit (called with ``tiles``); the others read
the spectrum only (E, Δ, Δ0, barrier, well)."""


def total_rate(spec: dict, material, channels, T_K: float, *, tiles: int = 1) -> np.ndarray:
    """K = K↑ + K↓ (s^-1) of every node: the sum of the scenario's channels at T (K).

    ``spec``: arrays E_K, delta_K, delta0_K, M_unit (|M|/c per unit γ), barrier_K, well_K.
    ``tiles``: the spectral arrays (all but M_unit) are ``tiles`` copies of their first
    1/tiles (the frames of one node, :class:`.soft.SoftQuadrature`): the functions of the
    spectrum are evaluated once per period, with the same numbers.
    Raises ValueError for a channel kind without an independent formula (:data:`EXACT_RATES`).
    """
    if not T_K > 0.0:
        raise ValueError(f"T_K must be > 0 (got {T_K})")
    E = spec["E_K"]
    if tiles < 1 or E.size % tiles:
        raise ValueError(f"tiles must divide the {E.size} nodes (got {tiles})")
    n = E.size // tiles
    base = {k: v[:n] for k, v in spec.items()}
    K = np.zeros(E.shape)
    pos = E > 0.0
    for ch in channels:
        name = type(ch).__name__
        formula = EXACT_RATES.get(name)
        if formula is None:
            raise ValueError(f"no exact rate for the channel {name}")
        if tiles == 1:
            K[pos] += formula(ch, spec, material, T_K, pos)
        elif name in _PER_FRAME:
            K[pos] += formula(ch, spec, material, T_K, pos, tiles)
        else:
            k = np.zeros(n)
            k[pos[:n]] = formula(ch, base, material, T_K, pos[:n])
            K += np.tile(k, tiles)
    return K


def partner_rms(M: np.ndarray, groups: np.ndarray) -> np.ndarray:
    r"""M_rate² = ⟨M²⟩ over each group of partners (NaN members left out; PHYSICS §3).

    The partners of a node are its mirror potential and, for type 2, the same double well
    seen from its other minimum (``rate_coupling = "partner_mean"``).
    """
    M = np.asarray(M, dtype=float)
    ok = np.isfinite(M)
    _, g = np.unique(np.asarray(groups), return_inverse=True)
    num = np.bincount(g, weights=np.where(ok, M * M, 0.0))
    den = np.bincount(g, weights=ok.astype(float))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.sqrt(num / den)[g]
