"""TF-channel phonon scattering for the thermal conductivity (PHYSICS §10–§11, TF §4–§5).

With ``tls_parts = ["tf"]`` the mean free path of a Debye phonon (branch α, frequency ω) is set
by TF's barrier-modulation coupling, the same one the bath phonons have (TF eqs. 13–14, 21):

.. math:: l^{-1}_\\alpha(\\omega) = \\frac{c_\\alpha\\Omega_0(\\omega)}{v_\\alpha}
          \\Big[Z(T)\\tanh\\frac{\\hbar\\omega}{2k_BT}\\sum_i x_i(\\hbar\\omega)
          + \\sum_i w_i\\,\\mathrm{Net}_i(\\hbar\\omega)\\Big] + \\frac1{l_b} + A\\omega^4,

in m⁻¹ (energy attenuation).  All the TF pieces come from
:mod:`tlsmc.measurements.tf_sound` (not repeated here): c_αΩ0 = ``sound_coupling`` (m³),
Z = ``zero_phonon_weight`` (s⁻¹ K⁻¹, the zero-phonon line 2π(k_B/ħ)e^{L(T)}), x_i =
``shell_zero_phonon`` (K m⁻³: the δ(E − ħω) of the zero-phonon line integrated per sample,
any J0 distribution the population samples exactly), Net_i = ``sideband_net`` (s⁻¹: the
one-phonon + multiphonon sideband, TF eq. 22 and its all-order form).  The first term is
TF eq. 20 (resonant), the second TF eqs. 22–27 ("nonresonant").

Node sums per batch: column 0 Σ x_i (K m⁻³), column 1 Σ w_i Net_i (s⁻¹ m⁻³); the
coefficients a_k = (cΩ0/v) Z tanh(x/2), b_k = cΩ0/v turn them into l⁻¹ = a·S0 + b·S1.
The channel (``tf_multiphonon`` or ``tf_nondiagonal`` with its ``vibration``) is the
scenario's TF rate channel; the sound velocities are ``material.v_l_m_s`` / ``v_t_m_s``.
"""
from __future__ import annotations

import math

import numpy as np

from ..config import ConfigError
from ..rates.multiphonon import multiphonon_table
from ..rates.tf import tf_parameters
from ..rates.vibrations import J1_debye, J2_debye, log_enhancement
from ..units import HBAR, K_B
from .tf_sound import (debye_velocity, shell_zero_phonon, sideband_net, sound_coupling,
                       zero_phonon_weight)

__all__ = ["TFScattering", "TF_PARTS"]

TF_PARTS = ("tf_zero_phonon", "tf_sideband")
"""Names of the two l⁻¹ parts (``inverse_mfp`` rows) of the TF channels."""

_CHANNELS = {"TFMultiphonon": "tf_multiphonon", "TFNondiagonal": "tf_nondiagonal"}
_NODE_BLOCK = 16        # phonon energies per sideband_net call: memory N × 16 per chunk


class TFScattering:
    """The TF channels' node sums and l⁻¹ coefficients of one scenario (module docstring)."""

    def __init__(self, scenario, n_total: int, who: str):
        chans = [r for r in scenario.rates if type(r).__name__ in _CHANNELS]
        if not chans:
            raise ConfigError(f"scenario.rates must include tf_nondiagonal or tf_multiphonon "
                              f"for the 'tf' part of {who}")
        pop, mat = scenario.population, scenario.material
        if not hasattr(pop, "J0") or not hasattr(pop, "density_scale"):
            raise ConfigError(f"scenario.population.model must be 'tunneling' for the 'tf' "
                              f"part of {who}")
        ch = chans[0]
        self.channel = _CHANNELS[type(ch).__name__]
        self.vibration = getattr(ch, "vibration", "debye")
        self.params = tf_parameters(mat, f"the 'tf' part of {who}")
        self.scale = pop.density_scale(mat) * pop.J0.norm / n_total
        self.delta_max_K = float(pop.delta_max_K)
        self.v_debye = debye_velocity(mat.need("v_l_m_s", who), mat.need("v_t_m_s", who))

    @property
    def table(self):
        """The multiphonon table of ``tf_multiphonon`` (built on first use, cached), else None."""
        return multiphonon_table(self.params) if self.channel == "tf_multiphonon" else None

    def moment_scale(self, T: float) -> float:
        """e^{−L_max(T)}, L_max = max(J1, J2) (``tf_multiphonon``) or the channel's J_eff: the
        sideband grows as e^{L_max}, and its per-sample squares must stay finite."""
        if self.channel == "tf_multiphonon":
            L = max(float(J1_debye(T, self.params)), float(J2_debye(T, self.params)))
        else:
            L = float(log_enhancement(T, self.params, self.vibration))
        return math.exp(-L)

    def kinks_K(self) -> tuple[float, ...]:
        """Phonon energies (K) where the node sums have kinks: Δ_max (end of the shell)."""
        return (self.delta_max_K,)

    def node_sums(self, spectrum, weight, T: float, E_nodes) -> tuple[np.ndarray, np.ndarray]:
        """Per-sample (x_i, w_i Net_i) at the phonon energies ``E_nodes`` (K): two (N, F)
        arrays in K m⁻³ and s⁻¹ m⁻³."""
        V = 0.5 * np.asarray(spectrum.delta0_K, dtype=float)
        z = shell_zero_phonon(V, E_nodes, self.delta_max_K, self.scale)
        b = np.empty_like(z)
        for f0 in range(0, len(E_nodes), _NODE_BLOCK):
            sl = slice(f0, f0 + _NODE_BLOCK)
            b[:, sl] = sideband_net(spectrum.E_K, spectrum.delta_K, V, T, E_nodes[sl],
                                    self.params, self.channel, self.vibration, self.table)
        b *= np.asarray(weight, dtype=float)[:, None]
        return z, b

    def coefficients(self, T: float, x_nodes, pol: str, v: float):
        """(a_k, b_k) of l⁻¹ = a·Σx + b·ΣwNet (module docstring), m⁻¹ per unit sum."""
        omega = np.asarray(x_nodes) * K_B * T / HBAR
        c = sound_coupling(omega, pol, v, self.v_debye, self.params) / v
        Z = zero_phonon_weight(T, self.params, self.channel, self.vibration)
        return c * Z * np.tanh(0.5 * np.asarray(x_nodes)), c
