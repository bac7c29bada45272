r"""Dielectric response of a soft-potential population (PHYSICS §3, §10; GGP §II–III).

The ``dielectric`` measurement (:mod:`.dielectric`) hands a scenario with ``population.model =
"soft"`` to this module.  Same rows and conventions as the tunneling one (tan δ = ε''/ε',
Δε/ε relative to T_ref, drive F cos ωt of amplitude F, isotropic orientations ⟨cos²θ⟩ = 1/3).

Coupling.  The field couples to the coordinate of the soft potential:

.. math:: H' = -p_0 F\cos\theta\; y ,

y the dimensionless coordinate of the soft Schrödinger equation (units of a η_L^½, the
solver's y; the origin shift δ of GGP eq. 3.3 drops out of both matrix elements below) and
p0 = ``material.soft_dipole_debye`` (debye): the dipole per unit y.  In the lowest two
eigenstates the diagonal element gives the relaxation coupling D_F = p0 (x11 − x00) cosθ and
the off-diagonal one the resonant coupling M_F = p0 x01 cosθ (x_ij = <i|y|j>; SoftPopulation
``x_diag``, ``x01``).  With the solver's exact identities |x11 − x00| = L Δ/E and
|x01| = L Δ0/(2E), L = √((x11 − x00)² + 4x01²) the separation of the two localized states'
centroids, these are the STM's 2pΔ/E and pΔ0/E with **p = p0 L/2**; in the double-well
limit (minima ±y0, L → 2y0) p = p0 y0 (tests/physics/test_soft_dielectric.py).  Rabi
convention as :mod:`.dielectric`: ħΩ_R = p0 F |x01| cosθ.

Resonant tan δ at drive amplitude F (Bloch saturation per TLS, each Lorentzian integrated
across the shell as in :mod:`.dielectric`):

.. math:: \tan\delta_{res}(F) = \frac{\pi p_0^2}{3\varepsilon_0\varepsilon_r}
          \tanh\frac{\hbar\omega}{2kT}\,\tilde n_F(\hbar\omega),\qquad
          \tilde n_F(E) = \frac{1}{k_B W}\int_{h^*}^{h_{max}}\! dh \sum_\pm\sum_{\rm frames}
          \frac{\rho_f\, x_{01,f}^2\, g(a_f)\,[\text{counted}_f]}{|\partial\varepsilon/\partial t_b|},

a_f = (p0 F x01_f/ħ)² T1_f T2, g the orientation factor of :mod:`.dielectric`
(:func:`.dielectric.orientation_factor`), T1_f = 1/K_f from the scenario's rate channels
(:func:`tlsmc.rates.build_rates`) evaluated on the frame point's own solve
(:func:`.acoustic_soft.frame_points` → :func:`tlsmc.spectrum.soft_spectrum`, the conversion
the population's samples get: its M, barrier and well energy), T2 = ``material.T2_s``.
The six frames of one shell point share E = ħω and x01² (x01 does not depend on the origin)
but not M (the δ shift differs), so each has its own T1.  The shell machinery is the acoustic
one (:mod:`.acoustic_soft`): sample i carries the shell iff v_i = F_h(h_i) < p =
min(1, SHELL_SAMPLES/N), at depth h = h* + z² of its own variate (:func:`.acoustic_soft.
shell_draws`), x_i = [v_i < p] f_F(h)/(q(h) p N): unbiased for ñ_F at every F (a function of
the same uniform v_i; g ≤ 1 so Var ≤ the unsaturated variance + ñ²/N).  At F = 0, g = 1 and
ñ_0 is the unsaturated density Σ w x01² δ(E − E_i) (J⁻¹ m⁻³).  The roots and frame solves are
done once per chunk and frequency; only the rates and g are redone per (T, F).

Relaxation (linear response, the same at every field): the population's own samples,
tan δ_rel = (p0²/(3ε0εr)) Σ w (x11 − x00)² (−∂f/∂E) ωτ/(1 + ω²τ²) and
Δε/ε_rel = (p0²/(3ε0εr)) Σ w (x11 − x00)² (−∂f/∂E)/(1 + ω²τ²) (T minus T_ref), τ = 1/K,
the relaxation kernel of :mod:`.acoustic`.

Resonant Δε/ε (weak field): Δε/ε_res(T) − Δε/ε_res(T_ref) = (2p0²/(3ε0εr)) P∫dE ñ_0(E)
[tanh(E/2T) − tanh(E/2T_ref)] E/(E² − ħ²ω²), ñ_0 = Σ w x01² δ(E − E_i) off the shell: the
conditional Monte Carlo over the depth of :mod:`.acoustic_soft_velocity` with the squared
coupling x01² (:func:`.acoustic_soft_velocity.dipole_coupling`) instead of M_over_c²
(unbiased; variance as stated there).

Rows: ``tan_delta`` (resonant, relaxation, total) at every (f, T, field_V_m);
``deps_over_eps`` (resonant, relaxation, total) at field 0; total's error with the covariance
of the parts (same samples).
Restrictions (ConfigError at load): those of :func:`.acoustic_soft.check_soft`; material
``soft_dipole_debye``, ``eps_r`` (and ``T2_s`` and a rate channel when a field is > 0).
"""
from __future__ import annotations

import numpy as np

from .._kernels.acoustics import relaxation_sums
from ..config import ConfigError
from ..rates import build_rates
from ..spectrum import soft_spectrum
from ..units import K_B, PI
from .acoustic_soft import (check_soft, frame_points, shell_draws, shell_roots, shell_variates,
                            soft_shell)
from .acoustic_soft_velocity import dipole_coupling, velocity_terms
from .dielectric_base import DielectricAcc, dielectric_constants, orientation_factor, rabi_frequency

__all__ = ["SOFT_DIPOLE", "check_soft_dielectric", "SoftDielectricAcc"]

SOFT_DIPOLE = "soft_dipole_debye"
"""Material field of p0 (dipole per unit soft coordinate y, debye)."""
_BY = "the dielectric measurement (soft population)"


def check_soft_dielectric(cfg, scenario, prefix: str) -> None:
    """ConfigError at load time (module docstring's restrictions)."""
    check_soft(cfg, scenario, prefix, "the dielectric measurement")
    saturating = any(F > 0 for F in cfg.fields_V_m)
    dielectric_constants(scenario.material, _BY, need_T2=saturating, dipole=SOFT_DIPOLE)
    if saturating and not tuple(scenario.rates):
        raise ConfigError(f"scenario.rates must name at least one channel: {prefix}."
                          f"fields_V_m > 0 needs T1 = 1/K of the resonant TLSs")


class _ShellPoints:
    """The solved shell points of one chunk at one frequency: selected rows ``sel``, 1/q,
    |∂ε/∂t_b|, and the frame solve (``pop``, ``spec``; n_frames × n points, frame-major)."""

    def __init__(self, shell, sel, h, inv_q, w):
        ok = (inv_q > 0.0) & (h <= shell.h_max)
        self.sel, self.inv_q, self.h = sel[ok], inv_q[ok], h[ok]
        self.n = self.h.size
        if self.n == 0:
            return
        t, sp = shell_roots(shell, self.h, w)
        self.dEdt = np.abs(sp["x3_11"] - sp["x3_00"])
        self.pop, self.nfr = frame_points(shell, self.h, t)
        self.spec = soft_spectrum(self.pop, shell.material)
        self.rho_x2 = np.where(self.pop.counted, self.pop.weight * self.pop.x01 ** 2, 0.0)


class SoftDielectricAcc(DielectricAcc):
    """Accumulator of the soft population: the tunneling one's sums and rows, with the
    saturated shell terms, the x01² principal-value terms and x11 − x00 of the module
    docstring."""

    def __init__(self, cfg, n_total: int, scenario):
        self.cfg, self.n, self.material = cfg, n_total, scenario.material
        self.channels = tuple(scenario.rates)
        self.shell = soft_shell(cfg, scenario, n_total)
        self.omega = 2.0 * PI * np.asarray(cfg.frequencies_Hz, dtype=float)
        self.w_K = self.shell.w * self.shell.W_K
        self.fields = np.asarray(cfg.fields_V_m, dtype=float)
        self.p, self.eps, self.T2 = dielectric_constants(
            self.material, _BY, need_T2=bool((self.fields > 0).any()), dipole=SOFT_DIPOLE)
        nf, nt, nF = len(self.omega), len(cfg.temperatures_K), len(self.fields)
        self.res = np.zeros((nt, nF, nf, 2))       # Σ x_F, Σ x_F²
        self.rel = np.zeros((nt, nF, nf, 6))       # kernel sums, cross term with x_F
        self.vel = np.zeros((nt, nf, 2))           # Σy, Σy² (resonant Δε/ε)
        self.temps_W = np.asarray(cfg.temperatures_K, dtype=float) / self.shell.W_K
        self.T_ref_W = cfg.T_ref_K / self.shell.W_K

    def _terms(self, pts: list, T: float, n_samples: int) -> np.ndarray:
        """x (F, N, f): the per-sample saturated shell terms at T, J⁻¹ m⁻³ / N."""
        x = np.zeros((len(self.fields), n_samples, len(self.w_K)))
        for k, pt in enumerate(pts):
            if pt.n == 0:
                continue
            K = build_rates(pt.spec, self.material, self.channels, T).K if (
                self.fields > 0).any() else None
            scale = pt.inv_q / (np.abs(pt.dEdt) * K_B * self.shell.W_K * self.shell.p * self.n)
            for j, F in enumerate(self.fields):
                g = np.ones(pt.rho_x2.size)
                if F > 0:
                    om = rabi_frequency(self.p, F, pt.pop.x01)
                    with np.errstate(divide="ignore", invalid="ignore"):
                        a = np.where(pt.rho_x2 > 0, om * om * self.T2 / K, 0.0)
                    g = orientation_factor(np.nan_to_num(a, nan=0.0, posinf=np.inf))
                f = (pt.rho_x2 * g).reshape(pt.nfr, pt.n).sum(axis=0)
                x[j, pt.sel, k] = f * scale
        return x

    def accumulate(self, spectrum, weight, rates_at, out: dict) -> None:
        if getattr(spectrum, "x_diag", None) is None or spectrum.depth is None:
            raise TypeError("the soft dielectric measurement needs SoftTwoLevelSpectrum.depth "
                            "and x_diag")
        v = shell_variates(self.shell, spectrum.depth)
        sel, draws = shell_draws(self.shell, v)
        ys = velocity_terms(self.shell, v, self.n, self.temps_W, self.T_ref_W, dipole_coupling)
        pts = [_ShellPoints(self.shell, sel, h, iq, float(w))
               for w, (h, iq) in zip(self.shell.w, draws)]
        xd = np.where(np.isfinite(spectrum.x_diag), spectrum.x_diag, 0.0)
        wD2 = np.ascontiguousarray(weight * xd * xd)
        K_ref = rates_at(self.cfg.T_ref_K).K
        for j, T in enumerate(self.cfg.temperatures_K):
            K = rates_at(T).K
            y = np.ascontiguousarray(ys[j])
            out["vel"][j, :, 0] += y.sum(0)
            out["vel"][j, :, 1] += (y * y).sum(0)
            for k, xk in enumerate(self._terms(pts, T, len(weight))):
                xk = np.ascontiguousarray(xk)
                out["res"][j, k, :, 0] += xk.sum(0)
                out["res"][j, k, :, 1] += (xk * xk).sum(0)
                relaxation_sums(wD2, spectrum.E_K, K, K_ref, T, self.cfg.T_ref_K,
                                self.omega, xk, y, out["rel"][j, k])
