"""The soft population's accumulator of the ``acoustic`` measurement (PHYSICS §10): the
resonant shell terms of :mod:`.acoustic_soft`, the resonant velocity terms of
:mod:`.acoustic_soft_velocity` and the relaxation sums of the samples, added up with the
tunneling accumulator's sums, prefactors and rows (:mod:`.acoustic_base`).  Kept apart so
that the velocity module can build on :mod:`.acoustic_soft` without an import cycle.
"""
from __future__ import annotations

import numpy as np

from .._kernels.acoustics import relaxation_sums
from ..units import HBAR, K_B, PI
from .acoustic_base import _AcousticAcc, polarization_constants
from .acoustic_soft import shell_terms, shell_variates, soft_shell
from .acoustic_soft_velocity import velocity_terms

__all__ = ["SoftAcousticAcc"]


class SoftAcousticAcc(_AcousticAcc):
    """Accumulator of the soft population: the tunneling one's sums, prefactors and rows,
    with the shell terms of :mod:`.acoustic_soft` and the velocity terms of
    :mod:`.acoustic_soft_velocity`."""

    def __init__(self, cfg, n_total: int, scenario):
        self.cfg, self.n, self.material = cfg, n_total, scenario.material
        self.omega = 2.0 * PI * np.asarray(cfg.frequencies_Hz)
        self.w_K = HBAR * self.omega / K_B
        self.shell = soft_shell(cfg, scenario, n_total)
        for pol in cfg.polarizations:
            polarization_constants(self.material, pol)
        nf, nt = len(self.omega), len(cfg.temperatures_K)
        self.res = np.zeros((nf, 2))          # Σx, Σx² (shell density at ħω)
        self.rel = np.zeros((nt, nf, 6))      # Σa, Σa², Σb, Σb², Σxa, Σyb
        self.vel = np.zeros((nt, nf, 2))      # Σy, Σy² (resonant velocity)
        W = self.shell.W_K
        self.temps_W = np.asarray(cfg.temperatures_K, dtype=float) / W
        self.T_ref_W = cfg.T_ref_K / W

    def accumulate(self, spectrum, weight, rates_at, out: dict) -> None:
        if getattr(spectrum, "depth", None) is None:
            raise TypeError("the soft acoustic measurement needs SoftTwoLevelSpectrum.depth")
        v = shell_variates(self.shell, spectrum.depth)
        x = shell_terms(self.shell, v, self.n)
        out["res"][:, 0] += x.sum(0)
        out["res"][:, 1] += (x * x).sum(0)
        ys = velocity_terms(self.shell, v, self.n, self.temps_W, self.T_ref_W)
        wD2 = weight * spectrum.D_unit ** 2
        K_ref = rates_at(self.cfg.T_ref_K).K
        for j, T in enumerate(self.cfg.temperatures_K):
            y = np.ascontiguousarray(ys[j])
            out["vel"][j, :, 0] += y.sum(0)
            out["vel"][j, :, 1] += (y * y).sum(0)
            relaxation_sums(wD2, spectrum.E_K, rates_at(T).K, K_ref, T, self.cfg.T_ref_K,
                            self.omega, x, y, out["rel"][j])
