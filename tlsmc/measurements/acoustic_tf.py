"""The ``acoustic`` measurement with TF's rate channels: barrier-modulation absorption (TF §4).

When the scenario's rate model is one of TF's channels (``tf_multiphonon`` or
``tf_nondiagonal``, alone), the sound wave couples to the TLS the way TF's bath phonons do —
by modulating the barrier transparency — and the energy attenuation is PHYSICS §10's Net
formula (:mod:`.tf_sound`, which states the model, the coupling c_α Ω0 derived from TF eqs.
13–14 and 21, and the estimators):

.. math:: l^{-1}_\\alpha(\\omega, T) = \\frac{c_\\alpha\\Omega_0}{v_\\alpha}\\Big[
          Z(T)\\tanh\\frac{\\hbar\\omega}{2T}\\sum_i x_i(\\hbar\\omega)
          + \\sum_i w_i\\,\\mathrm{Net}^{sb}_i(\\hbar\\omega, T)\\Big]

Rows (``t_s`` = inf): ``attenuation`` (energy l⁻¹, m⁻¹) and ``Q_inv`` = l⁻¹v/ω, per f,
T, polarization, with ``part`` =

* ``resonant`` — the zero-phonon line (TF eq. 20), δ-shell estimated per sample
  (:func:`.tf_sound.shell_zero_phonon`, unbiased for every J0 distribution the population
  samples exactly: uniform, structural sharp or peaked; variance Var(x)/N);
* ``sideband`` — the non-resonant absorption in which a bath phonon (one or many) takes up
  the energy defect (TF eqs. 22–27; not relaxation absorption: there is no diagonal
  coupling); estimator the plain weighted sum, variance Var(w Net)/N;
* ``total`` — their sum, its standard error with the covariance of the two (same samples).

``dv_over_v`` = Δv/v(T) − Δv/v(T_ref) for ``part = resonant`` only (:mod:`.tf_velocity`: TF
give no velocity): the zero-phonon line's principal value −(c_αΩ0/πω) Σ w Z(T)V²(Δ/E)²
tanh(E/2T) E/(E² − ħ²ω²) minus the same at T_ref (Z(T) ∝ e^{J1(T)} in each term), the Δ
integral done per sample at its own V (unbiased; variance Var(y)/N).  The sideband's dispersive
partner needs its Kramers–Kronig transform far above k_BΘ_D (not converged at the cut-off,
numbers in :mod:`.tf_velocity`): no sideband or total velocity rows.

Needs from the material: v_l_m_s, v_t_m_s (q_D = ω_D/v_D), TF's
parameters and P̄; temperatures ≤ 300 K for ``tf_multiphonon`` (its table).
"""
from __future__ import annotations

import math

import numpy as np

from ..config import ConfigError, registry_name, require
from ..rates.vibrations import J1_debye, J2_debye, log_enhancement
from ..units import HBAR, K_B, PI, per_joule_to_per_kelvin
from .common import FieldSums, make_rows, standard_error
from .tf_sound import (TF_SOUND_CHANNELS, debye_velocity, shell_zero_phonon, sideband_net,
                       sound_coupling, zero_phonon_weight)
from .tf_velocity import TFVelocityTables

__all__ = ["tf_channel", "check_tf_scenario", "TFAcousticAcc", "PARTS"]

PARTS = ("resonant", "sideband", "total")
_BY = "the acoustic measurement with TF channels"


def tf_channel(scenario):
    """(kind, channel) of the scenario's TF rate channel, or None if it has none."""
    from ..rates import RATE_CHANNELS
    kinds = [(registry_name(RATE_CHANNELS, r), r) for r in scenario.rates]
    tf = [(k, r) for k, r in kinds if k in TF_SOUND_CHANNELS]
    return tf[0] if tf else None


def check_tf_scenario(cfg, scenario, prefix: str) -> None:
    """ConfigError at load time unless: one TF channel alone, a tunneling population, the
    material's velocities (and TF parameters), and temperatures within the channel's table."""
    from ..rates import RATE_CHANNELS
    kinds = [registry_name(RATE_CHANNELS, r) for r in scenario.rates]
    require(len(kinds) == 1, f"scenario.rates must be one TF channel alone for {prefix} with "
                             f"TF's coupling (got {kinds}; the Net formula takes G from one "
                             f"channel: tf_multiphonon already contains the one-phonon term)")
    pop = scenario.population
    if not hasattr(pop, "J0") or getattr(pop, "delta_sampling", None) is None:
        raise ConfigError("scenario.population.model must be 'tunneling' for " + _BY)
    mat = scenario.material
    for name in ("v_l_m_s", "v_t_m_s", "P_bar_per_J_m3"):
        mat.need(name, _BY)
    from ..rates.tf import tf_parameters
    params = tf_parameters(mat, _BY)
    channel = scenario.rates[0]
    T_max = getattr(type(channel), "T_max_K", None)
    named = [(f"temperatures_K[{i}]", T) for i, T in enumerate(cfg.temperatures_K)]
    for name, T in named + [("T_ref_K", cfg.T_ref_K)]:
        L = (J2_debye(T, params) if kinds[0] == "tf_multiphonon"
             else log_enhancement(T, params, getattr(channel, "vibration", "debye")))
        require(L < 700.0, f"{prefix}.{name} = {T:g} K is too hot for rate channel "
                           f"{kinds[0]}: its vibrational enhancement e^{{{float(L):.0f}}} overflows "
                           f"(needs exponent < 700)")
        if T_max is not None:
            require(T <= T_max, f"{prefix}.{name} must be <= {T_max:g} K with rate channel "
                                f"{kinds[0]} (its table; got {T:g})")


class TFAcousticAcc(FieldSums):
    """Accumulator of the TF mode (module docstring): sums Σx, Σx² (F), and per T
    Σy, Σy², Σxy (T, F) with y_i = w_i Net^sb_i; velocity sums Σy, Σy² (T, F, 2) of
    :meth:`.tf_velocity.TFVelocityTables.samples`."""

    sum_fields = ("res", "sb", "vel")

    def __init__(self, cfg, n_total: int, scenario):
        from ..rates.tf import tf_parameters
        self.cfg, self.n, self.material = cfg, n_total, scenario.material
        self.kind, channel = tf_channel(scenario)
        self.vibration = getattr(channel, "vibration", "debye")
        self.params = tf_parameters(self.material, _BY)
        pop = scenario.population
        self.delta_max_K = pop.delta_max_K
        self.scale = (0.5 * per_joule_to_per_kelvin(self.material.P_bar_per_J_m3)
                      * pop.J0.norm / n_total)
        self.omega = 2.0 * PI * np.asarray(cfg.frequencies_Hz, dtype=float)
        self.w_K = HBAR * self.omega / K_B
        nf, nt = self.omega.size, len(cfg.temperatures_K)
        self.res = np.zeros((nf, 2))
        self.sb = np.zeros((nt, nf, 3))
        self.vel = np.zeros((nt, nf, 2))      # Σy, Σy² (tf_velocity)
        lo, hi = pop.J0.support
        V_range = (float(self.params.V_K(hi)), float(self.params.V_K(lo)))
        self.velocity = TFVelocityTables(cfg.temperatures_K, cfg.T_ref_K, self.w_K, V_range,
                                         self.delta_max_K, self.log_zero_phonon)

    def accumulate(self, spectrum, weight, rates_at, out: dict) -> None:
        V = 0.5 * spectrum.delta0_K
        x = shell_zero_phonon(V, self.w_K, self.delta_max_K, self.scale)
        out["res"][:, 0] += x.sum(0)
        out["res"][:, 1] += (x * x).sum(0)
        for j, T in enumerate(self.cfg.temperatures_K):
            y = (weight * math.exp(-self.log_scale(T)))[:, None] * sideband_net(spectrum.E_K, spectrum.delta_K, V, T, self.w_K,
                                               self.params, self.kind, self.vibration)
            out["sb"][j, :, 0] += y.sum(0)
            out["sb"][j, :, 1] += (y * y).sum(0)
            out["sb"][j, :, 2] += (x * y).sum(0)
            yr = self.velocity.samples(j, V, self.scale)
            out["vel"][j, :, 0] += yr.sum(0)
            out["vel"][j, :, 1] += (yr * yr).sum(0)

    def log_scale(self, T: float) -> float:
        """ln of the factor the sideband sums are divided by (J2 for tf_multiphonon, L for
        tf_nondiagonal): keeps Σy² finite where e^{J2(T)} ~ 1e230 (300 K)."""
        if self.kind == "tf_multiphonon":
            return float(J2_debye(T, self.params))
        return float(log_enhancement(T, self.params, self.vibration))

    def log_zero_phonon(self, T: float) -> float:
        """L(T): ln of the zero-phonon enhancement (Z = 2π(k_B/ħ)e^{L})."""
        if self.kind == "tf_multiphonon":
            return float(J1_debye(T, self.params))
        return float(log_enhancement(T, self.params, self.vibration))

    def prefactors(self, pol: str, f: int, T: float) -> tuple[float, float]:
        """(p_res, p_sb), m^-1 per unit sum: l⁻¹ = p_res Σx + p_sb Σy (y stored divided by
        e^{log_scale(T)}, which p_sb restores)."""
        m = self.material
        v = getattr(m, f"v_{pol}_m_s")
        cv = float(sound_coupling(self.omega[f], pol, v, debye_velocity(m.v_l_m_s, m.v_t_m_s),
                                  self.params)) / v
        z = zero_phonon_weight(T, self.params, self.kind, self.vibration)
        return cv * z * math.tanh(self.w_K[f] / (2.0 * T)), cv * math.exp(self.log_scale(T))

    def rows(self) -> list[dict]:
        out: list[dict] = []
        n = self.n
        for pol in self.cfg.polarizations:
            v = getattr(self.material, f"v_{pol}_m_s")
            for f, fr in enumerate(self.cfg.frequencies_Hz):
                q = v / self.omega[f]
                for j, T in enumerate(self.cfg.temperatures_K):
                    p1, p2 = self.prefactors(pol, f, T)
                    s1, s2 = self.res[f], self.sb[j, f]
                    r = p1 / p2                 # total in units of p2 (no overflow)
                    tot = r * s1[0] + s2[0]
                    tot2 = r * r * s1[1] + s2[1] + 2.0 * r * s2[2]
                    parts = {"resonant": (p1 * s1[0], p1 * standard_error(s1[0], s1[1], n)),
                             "sideband": (p2 * s2[0], p2 * standard_error(s2[0], s2[1], n)),
                             "total": (p2 * tot, p2 * standard_error(tot, tot2, n))}
                    for part in PARTS:
                        val, err = parts[part]
                        coords = dict(f_Hz=float(fr), polarization=pol, part=part)
                        out += make_rows("attenuation", T, [math.inf], [val], [float(err)], **coords)
                        out += make_rows("Q_inv", T, [math.inf], [val * q], [float(err) * q],
                                         **coords)
                    for part, (val, err) in self.velocity_parts(pol, f, j).items():
                        out += make_rows("dv_over_v", T, [math.inf], [val], [err],
                                         f_Hz=float(fr), polarization=pol, part=part)
        return out

    def velocity_parts(self, pol: str, f: int, j: int) -> dict:
        """{"resonant": (Δv/v(T) − Δv/v(T_ref), standard error)} = q Σy (module docstring)."""
        m = self.material
        v = getattr(m, f"v_{pol}_m_s")
        c = float(sound_coupling(self.omega[f], pol, v, debye_velocity(m.v_l_m_s, m.v_t_m_s),
                                 self.params)) / self.omega[f]
        lq = self.velocity.log_prefactor(j, c)
        s = self.vel[j, f]

        def times_q(x: float) -> float:          # q·x formed in logs (q alone may overflow)
            return math.copysign(math.exp(lq + math.log(abs(x))), x) if x != 0.0 else 0.0
        return {"resonant": (-times_q(float(s[0])),
                             times_q(float(standard_error(s[0], s[1], self.n))))}
