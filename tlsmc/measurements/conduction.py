"""Phonon thermal conductivity limited by TLS scattering (PHYSICS §11, §10).

Kinetic formula over Debye phonons, branches α = l, t, t (the transverse one counted twice):

.. math:: \\kappa = \\frac13\\sum_\\alpha\\int_0^\\infty d\\omega\\, C_\\alpha(\\omega)\\,v_\\alpha\\,
          l_\\alpha(\\omega),\\qquad C_\\alpha(\\omega) = k_B\\frac{x^2e^x}{(e^x-1)^2}
          \\frac{\\omega^2}{2\\pi^2v_\\alpha^3},\\quad x = \\frac{\\hbar\\omega}{k_BT},

in W m⁻¹ K⁻¹.  **Debye cut-off** (``debye_cutoff``, Θ_D = ``material.theta_D_K``): ``"none"``
(the integral runs to ∞ in x: valid for T ≪ Θ_D), ``"common_k"`` (every branch ends at the same
wavenumber k_D = k_BΘ_D/(ħ v_D), 3/v_D³ = Σ_α m_α/v_α³, so ω_D,α = v_α k_D and every branch holds
n = k_D³/(6π²) modes per m³: the heat capacity tends to 3 n k_B for T ≫ Θ_D) or
``"common_omega"`` (ω_D,α = k_BΘ_D/ħ for every branch, TF's single ω_D; the transverse branches
then hold (v_l/v_t)³ times more modes than the longitudinal one).  The inverse **energy** mean free path
(m⁻¹, as ``attenuation`` of the acoustic measurement) is a sum of parts

* resonant: l⁻¹ = (πωγ_α²/(ρv_α³)) ñ(ħω) tanh(x/2), ñ from the δ-shell estimator of
  :mod:`tlsmc.measurements.acoustic` (ñ = P̄ for the STM without cut-offs);
* relaxation: l⁻¹ = (ω γ_α²/(k_B ρ v_α³)) Σ_i w_i D_i² (−∂f/∂E)_i ωτ_i/(1 + ω²τ_i²)
  (−∂f/∂E in K⁻¹; τ = 1/K, K the total rate of the scenario's channels at T);
* boundary: 1/l_b (``boundary_length_m``); Rayleigh: A ω⁴ (``rayleigh_A_s4_per_m``, A in
  m⁻¹ s⁴, ω in rad s⁻¹).

**Estimator.**  Per temperature the frequency integral runs on fixed composite
Gauss–Legendre nodes in x: a panel [0, x_min] and panels [x_min 4^j, x_min 4^{j+1}] up to
x_max, ``nodes_per_panel`` each, with the kinks of ñ (E = Δ0max, Δ_max, √(Δ_max² + Δ0max²))
as extra panel edges (without them the STM cut-off at Δ0max = 2ħν costs 1 % at 20–30 K).  The population gives, at every node, unbiased sums
ñ̂_k = Σ_i x_ik and R̂_k = Σ_i r_ik (:mod:`tlsmc._kernels.conduction`); κ̂ = κ(ñ̂, R̂) is then
a deterministic function — a ratio estimator, κ ∝ Σ 1/(a ñ + b R + c).  Its standard error is
the delete-one-batch jackknife over ``batches`` fixed groups of samples (sample i of every
seed block in group i mod ``batches``; independent of chunking and executor).  Its bias is estimated to second order by the delta method,

.. math:: \\mathrm{bias} \\approx \\frac13\\sum_{\\alpha,k} W_k C_\\alpha v_\\alpha
          \\frac{\\mathrm{Var}(l^{-1}_{\\alpha k})}{(l^{-1}_{\\alpha k})^3}

(κ is a sum of functions of one l⁻¹_αk each, so only the diagonal second derivatives enter),
written as observable ``kappa_bias``; it is O(1/N) while the error is O(1/√N).

Rows: ``kappa`` (polarization ``l``, ``t`` = both transverse branches, ``all``),
``kappa_bias`` (polarization ``all``) per T; with ``mfp_rows`` also ``inverse_mfp`` (m⁻¹)
at every node (f_Hz, polarization l/t, part resonant/relaxation/total; total includes
boundary and Rayleigh).  Population: tunneling with uniform J0 when ``resonant`` is asked.

**TF channels** (``tls_parts = ["tf"]``, alone): l⁻¹ from TF's barrier-modulation coupling, the
zero-phonon line (resonant, TF eq. 20) and the sideband (TF eqs. 22–27) of the scenario's TF
rate channel (:mod:`.conduction_tf`, built on :mod:`.tf_sound`); the node sums are then
Σx_i (K m⁻³) and Σw_i Net_i (s⁻¹ m⁻³), the parts ``tf_zero_phonon`` / ``tf_sideband``, any J0
distribution (structural included); γ and ρ are not needed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._kernels.conduction import conduction_sums
from ..config import ConfigError, param, require
from ..units import HBAR, K_B, PI
from .acoustic_base import polarization_constants, shell_model, shell_window
from .common import FieldSums, check_temperatures, make_rows
from .conduction_tf import TF_PARTS, TFScattering

__all__ = ["ThermalConductivity", "frequency_nodes", "kappa_from_sums", "branch_constants",
           "debye_cutoffs"]

_BY = "the thermal_conductivity measurement"
BRANCHES = (("l", 1.0), ("t", 2.0))


def frequency_nodes(x_min: float, x_max: float, per_panel: int, kinks=()):
    """Composite Gauss–Legendre nodes and weights in x = ħω/kT on [0, x_max] (module
    docstring); ``kinks`` (values of x where ñ has a kink: the cut-offs) become extra edges."""
    n_geo = max(1, int(math.ceil(math.log(x_max / x_min) / math.log(4.0))))
    edges = np.concatenate(([0.0], np.geomspace(x_min, x_max, n_geo + 1)))
    extra = [k for k in kinks if 0.0 < k < x_max and np.min(np.abs(edges / k - 1)) > 1e-3]
    edges = np.unique(np.concatenate((edges, extra)))
    g, w = np.polynomial.legendre.leggauss(per_panel)
    a, b = edges[:-1, None], edges[1:, None]
    return (a + 0.5 * (b - a) * (g + 1.0)).ravel(), (0.5 * (b - a) * w).ravel()


def branch_constants(material, who: str = _BY, coupling: bool = True):
    """[(polarization, multiplicity, γ in J, ρ, v)] of the Debye branches; with
    ``coupling=False`` (TF channels: no deformation potential) γ and ρ are NaN."""
    if coupling:
        return [(p, m, *polarization_constants(material, p, who)) for p, m in BRANCHES]
    return [(p, m, math.nan, math.nan, material.need(f"v_{p}_m_s", who)) for p, m in BRANCHES]


def debye_cutoffs(material, branches, mode: str, who: str = _BY) -> dict:
    """{polarization: ω_D,α in rad s⁻¹} of the Debye cut-off ``mode`` (module docstring);
    {} for ``"none"``.  ``branches`` as :func:`branch_constants`."""
    if mode == "none":
        return {}
    omega_d = material.need("theta_D_K", who) * K_B / HBAR
    if mode == "common_omega":
        return {p: omega_d for p, *_ in branches}
    modes = sum(m for _, m, _, _, _ in branches)
    v_debye = (modes / sum(m / v**3 for _, m, _, _, v in branches)) ** (1.0 / 3.0)
    return {p: omega_d * v / v_debye for p, _, _, _, v in branches}


def _heat_capacity_weight(x):
    """x² eˣ/(eˣ − 1)² without overflow (x > 0)."""
    q = np.exp(-x)
    return x * x * q / (-np.expm1(-x)) ** 2


@dataclass(frozen=True, slots=True)
class ThermalConductivity:
    """κ(T) from the kinetic formula with TLS, boundary and Rayleigh scattering (module docstring).

    Rows: ``kappa`` (W m⁻¹ K⁻¹), ``kappa_bias``, optionally ``inverse_mfp`` (m⁻¹); t_s = inf.
    """

    temperatures_K: tuple[float, ...] = param(unit="K")
    tls_parts: tuple[str, ...] = param(("resonant", "relaxation"),
                                       choices=("resonant", "relaxation", "tf", "none"),
                                       doc="TLS scattering parts included ('none' alone: no "
                                           "TLSs; 'tf' alone: TF's channels, conduction_tf)")
    boundary_length_m: float | None = param(None, unit="m", gt=0, doc="boundary length l_b")
    rayleigh_A_s4_per_m: float | None = param(None, unit="m^-1 s^4", gt=0,
                                              doc="Rayleigh l⁻¹ = A ω⁴")
    x_min: float = param(1e-3, unit="", gt=0, le=0.1, doc="first panel [0, x_min] of ħω/kT")
    x_max: float = param(40.0, unit="", ge=10, le=200, doc="upper end of ħω/kT")
    nodes_per_panel: int = param(8, ge=2, le=64, doc="Gauss–Legendre nodes per panel")
    batches: int = param(32, ge=2, le=4096, doc="jackknife batches (sample i of each seed block -> batch i mod batches)")
    mfp_rows: bool = param(False, doc="also write inverse_mfp rows at every node")
    debye_cutoff: str = param("none", choices=("none", "common_k", "common_omega"),
                              doc="Debye cut-off of the branches (module docstring)")

    def validate(self, prefix: str) -> None:
        check_temperatures(self.temperatures_K, f"{prefix}.temperatures_K")
        for name in ("temperatures_K", "tls_parts"):
            values = getattr(self, name)
            require(len(set(values)) == len(values), f"{prefix}.{name} has duplicates")
        for alone in ("none", "tf"):
            require(alone not in self.tls_parts or len(self.tls_parts) == 1,
                    f"{prefix}.tls_parts: '{alone}' excludes the other parts "
                    f"(got {list(self.tls_parts)})")
        require(self.rayleigh_A_s4_per_m is None or self.boundary_length_m is not None,
                f"{prefix}.boundary_length_m is required with rayleigh_A_s4_per_m "
                f"(κ diverges at ω -> 0 otherwise)")
        require(self.tls_parts != ("none",) or self.boundary_length_m is not None,
                f"{prefix}.boundary_length_m is required when tls_parts = ['none'] "
                f"(no scattering at all)")

    def check_scenario(self, scenario, prefix: str) -> None:
        """ConfigError at load time unless the material has every branch's constants and, for
        the resonant part, the population has a shell estimator (tunneling, uniform J0)."""
        tf = self.tls_parts == ("tf",)
        debye_cutoffs(scenario.material, branch_constants(scenario.material, coupling=not tf),
                      self.debye_cutoff)
        if tf:
            TFScattering(scenario, 1, _BY)
        if "resonant" in self.tls_parts:
            shell_model(scenario, _BY)
        if "relaxation" in self.tls_parts and not hasattr(scenario.population, "J0"):
            raise ConfigError(f"scenario.population.model must be 'tunneling' for the "
                              f"relaxation part of {_BY}")

    def start(self, n_total: int, scenario) -> "_ConductionAcc":
        return _ConductionAcc(self, n_total, scenario)


def stm_coefficients(T, x_nodes, g, rho, v, parts):
    """(a_k, b_k) of l⁻¹ = a ñ̂ + b R̂ for the STM parts (module docstring), m⁻¹ per unit sum."""
    omega = x_nodes * K_B * T / HBAR
    zero = np.zeros_like(omega)
    a = PI * omega * g * g / (rho * v**3) * np.tanh(0.5 * x_nodes) if "resonant" in parts else zero
    b = omega * g * g / (K_B * rho * v**3) if "relaxation" in parts else zero
    return a, b


def kappa_from_sums(T, x_nodes, x_weights, nt, R, branches, l_b=None, A=None, parts=(),
                    omega_cut=None, coeffs=None, names=("resonant", "relaxation")):
    """κ (W m⁻¹ K⁻¹) per branch from the node sums (ñ̂ in J⁻¹ m⁻³ and R̂ in K⁻¹ m⁻³ for the
    STM parts; for the TF channels the sums of :mod:`.conduction_tf` with ``coeffs``
    {polarization: (a_k, b_k)}, l⁻¹ = a·nt + b·R, and ``names`` = TF_PARTS);
    ``omega_cut`` {polarization: ω_D,α} drops the nodes above a branch's cut-off (they must be
    panel edges of the rule: :func:`frequency_nodes` with the cut-offs as kinks).

    Returns (dict polarization -> κ, dict polarization -> l⁻¹ arrays {part: (nk,)}).
    """
    omega = x_nodes * K_B * T / HBAR
    w_omega = x_weights * K_B * T / HBAR
    cw = K_B * _heat_capacity_weight(x_nodes) * omega**2 / (2.0 * PI * PI)
    kap, inv = {}, {}
    for pol, mult, g, rho, v in branches:
        a, b = coeffs[pol] if coeffs else stm_coefficients(T, x_nodes, g, rho, v, parts)
        res, rel = a * nt, b * R
        tot = res + rel + (1.0 / l_b if l_b else 0.0) + (A * omega**4 if A else 0.0)
        keep = omega <= omega_cut[pol] if omega_cut else True
        with np.errstate(divide="ignore"):
            kap[pol] = mult / 3.0 * float(np.sum(np.where(keep, w_omega * cw / v**2 / tot, 0.0)))
        inv[pol] = {names[0]: res, names[1]: rel, "total": tot}
    return kap, inv


class _ConductionAcc(FieldSums):
    sum_fields = ('S', 'Q', 'counts')

    def __init__(self, cfg: ThermalConductivity, n_total: int, scenario):
        self.cfg, self.n = cfg, n_total
        self.tf = TFScattering(scenario, n_total, _BY) if cfg.tls_parts == ("tf",) else None
        self.names = TF_PARTS if self.tf else ("resonant", "relaxation")
        self.branches = branch_constants(scenario.material, coupling=self.tf is None)
        self.do_res = "resonant" in cfg.tls_parts
        self.do_rel = "relaxation" in cfg.tls_parts
        self.shell = shell_model(scenario, _BY) if self.do_res else None
        sh = self.shell
        self.cut = debye_cutoffs(scenario.material, self.branches, cfg.debye_cutoff)
        kinks = () if sh is None else (sh.delta0_max_K, sh.delta_max_K,
                                       math.hypot(sh.delta_max_K, sh.delta0_max_K))
        kinks += tuple(w * HBAR / K_B for w in self.cut.values())
        kinks += self.tf.kinks_K() if self.tf else ()
        self.nodes = [frequency_nodes(cfg.x_min, cfg.x_max, cfg.nodes_per_panel,
                                      [k / T for k in kinks]) for T in cfg.temperatures_K]
        # the shell estimator per node (the same for every sample: J0 pdf 1 on its support)
        self.x_res = [np.array([sh.P_bar_per_J_m3 * shell_window(sh, e)[1] / n_total
                                for e in x * T]) if self.do_res else np.zeros(x.size)
                      for T, (x, _) in zip(cfg.temperatures_K, self.nodes)]
        self.B = min(cfg.batches, n_total)
        self.S = [np.zeros((self.B, x.size, 2)) for x, _ in self.nodes]
        self.Q = [np.zeros((x.size, 3)) for x, _ in self.nodes]
        self.counts = np.zeros(self.B)
        # Q holds the second moments of (q x_i, q r_i), q = qscale[j] (1 for the STM parts)
        self.qscale = [self.tf.moment_scale(T) if self.tf else 1.0 for T in cfg.temperatures_K]

    def accumulate(self, spectrum, weight, rates_at, out: dict) -> None:
        n = spectrum.E_K.shape[0]
        # sample i of every seed block goes to batch i mod B: a fixed partition, whatever the
        # chunking or executor (each call receives one seed block)
        batch = (np.arange(n) % self.B).astype(np.int64)
        out["counts"] += np.bincount(batch, minlength=self.B)
        if self.tf is not None:
            self._accumulate_tf(spectrum, weight, n, out)
            return
        wD2 = np.ascontiguousarray(weight * spectrum.D_unit**2)
        for j, T in enumerate(self.cfg.temperatures_K):
            K = rates_at(T).K if self.do_rel else np.zeros(n)
            x = self.nodes[j][0]
            conduction_sums(spectrum.E_K, wD2, np.ascontiguousarray(K, dtype=float), batch,
                            float(T), self.x_res[j], x * K_B * T / HBAR, self.do_rel,
                            out["S"][j], out["Q"][j])

    def _accumulate_tf(self, spectrum, weight, n, out) -> None:
        """TF channels: per-sample (x_i, w_i Net_i) at the nodes (:mod:`.conduction_tf`), summed
        per batch (sample i -> batch i mod B, as the kernel does) with their second moments."""
        pad = (-n) % self.B
        for j, T in enumerate(self.cfg.temperatures_K):
            z, b = self.tf.node_sums(spectrum, weight, float(T), self.nodes[j][0] * T)
            for c, v in ((0, z), (1, b)):
                vv = np.concatenate((v, np.zeros((pad, v.shape[1])))) if pad else v
                out["S"][j][:, :, c] += vv.reshape(-1, self.B, v.shape[1]).sum(0)
            z, b = z * self.qscale[j], b * self.qscale[j]     # squares of e^{J2} overflow
            out["Q"][j] += np.stack(((z * z).sum(0), (b * b).sum(0), (z * b).sum(0)), axis=1)

    def _coeffs(self, j, T) -> dict:
        """{polarization: (a_k, b_k)}: l⁻¹ = a·S0 + b·S1 at the nodes of temperature j."""
        x = self.nodes[j][0]
        if self.tf is not None:
            return {p: self.tf.coefficients(T, x, p, v) for p, _, _, _, v in self.branches}
        return {p: stm_coefficients(T, x, g, rho, v, self.cfg.tls_parts)
                for p, _, g, rho, v in self.branches}

    def _kappa(self, T, sums, j=None, coeffs=None):
        c = self.cfg
        if j is None:
            j = list(self.cfg.temperatures_K).index(T)
        x, wx = self.nodes[j]
        return kappa_from_sums(T, x, wx, sums[:, 0], sums[:, 1], self.branches,
                               c.boundary_length_m, c.rayleigh_A_s4_per_m, c.tls_parts,
                               self.cut, coeffs or self._coeffs(j, T), self.names)

    def rows(self) -> list[dict]:
        out: list[dict] = []
        n = self.n
        keep = self.counts > 0
        for j, T in enumerate(self.cfg.temperatures_K):
            tot = self.S[j].sum(0)
            co = self._coeffs(j, T)
            kap, inv = self._kappa(T, tot, j, co)
            loo = []      # delete-one-batch jackknife
            for b in np.flatnonzero(keep):
                scale = n / (n - self.counts[b]) if n > self.counts[b] else 0.0
                loo.append(self._kappa(T, (tot - self.S[j][b]) * scale, j, co)[0])
            nb = len(loo)
            err = {}
            kap["all"] = sum(kap.values())
            for pol in ("l", "t", "all"):
                ref = kap[pol] if kap[pol] > 0 else 1.0      # relative: no underflow of the
                vals = np.array([sum(d.values()) if pol == "all" else d[pol] for d in loo]) / ref
                err[pol] = ref * math.sqrt((nb - 1) / nb * np.sum((vals - vals.mean()) ** 2)) \
                    if nb > 1 and np.all(np.isfinite(vals)) else math.nan   # squares (κ ~ 1e-200)
            for pol in ("l", "t", "all"):
                out += make_rows("kappa", T, [math.inf], [kap[pol]], [err[pol]], polarization=pol)
            out += make_rows("kappa_bias", T, [math.inf], [self._bias(j, T, tot, inv, co)], [0.0],
                             polarization="all")
            if self.cfg.mfp_rows:
                out += self._mfp_rows(j, T, inv, co)
        return out

    def _var_parts(self, j, tot):
        """Per-node variances of q Σx, q Σr and their covariance (per-sample second moments;
        q = qscale[j], so that nothing overflows: divide standard errors by q)."""
        n, Q, q = self.n, self.Q[j], self.qscale[j]
        f = n / (n - 1.0)
        t0, t1 = tot[:, 0] * q, tot[:, 1] * q
        vx = np.maximum(Q[:, 0] - t0**2 / n, 0.0) * f
        vr = np.maximum(Q[:, 1] - t1**2 / n, 0.0) * f
        cxr = (Q[:, 2] - t0 * t1 / n) * f
        return vx, vr, cxr

    def _bias(self, j, T, tot, inv, co) -> float:
        """Second-order delta-method bias of κ̂ (module docstring), W m⁻¹ K⁻¹."""
        vx, vr, cxr = self._var_parts(j, tot)
        x, wx = self.nodes[j]
        omega = x * K_B * T / HBAR
        cw = K_B * _heat_capacity_weight(x) * omega**2 / (2.0 * PI * PI)
        w_omega = wx * K_B * T / HBAR
        bias = 0.0
        for pol, mult, g, rho, v in self.branches:
            a, b = co[pol]
            var = np.maximum(a * a * vx + b * b * vr + 2.0 * a * b * cxr, 0.0)
            keep = omega <= self.cut[pol] if self.cut else True
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                tq = inv[pol]["total"] * self.qscale[j]
                rel2 = (np.sqrt(var) / tq) ** 2            # Var(l⁻¹)/(l⁻¹)²
                term = np.where((var > 0) & keep, w_omega * cw / v**2 / inv[pol]["total"] * rel2,
                                0.0)
            bias += mult / 3.0 * float(np.sum(term))
        return bias

    def _mfp_rows(self, j, T, inv, co) -> list[dict]:
        vx, vr, cxr = self._var_parts(j, self.S[j].sum(0))
        omega = self.nodes[j][0] * K_B * T / HBAR
        p0, p1 = self.names
        out: list[dict] = []
        for pol, mult, g, rho, v in self.branches:
            a, b = co[pol]
            q = self.qscale[j]
            errs = {p0: a * np.sqrt(vx) / q, p1: b * np.sqrt(vr) / q,
                    "total": np.sqrt(np.maximum(a * a * vx + b * b * vr + 2 * a * b * cxr, 0)) / q}
            for part in (p0, p1, "total"):
                for k, w in enumerate(omega):
                    out += make_rows("inverse_mfp", T, [math.inf], [inv[pol][part][k]],
                                     [float(errs[part][k])],
                                     f_Hz=float(w / (2 * PI)), polarization=pol, part=part)
        return out
