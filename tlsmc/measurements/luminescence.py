"""Luminescence yield of centres quenched by vibration-assisted tunneling (PHYSICS §11, TF eq. 38).

Each sample of the population is a luminescent centre: its emitting configuration is the
upper level of the TLS, which decays radiatively with rate 1/τ_r (``tau_r_s``) and
non-radiatively by tunneling to the other configuration with rate K_nr(T) from the
scenario's rate channels (TF channels: ``tf_nondiagonal`` / ``tf_multiphonon``).

**K_nr = K↓**, the downward (energy-releasing) rate of the TLS: the excited centre leaves
its configuration by emitting energy E into the phonons; the total K = K↑ + K↓ is the
relaxation rate of the *populations* toward equilibrium and contains the back-transfer
K↑ = K↓ e^{−E/T}, which refills the emitting state rather than quenching it.  K↓ = K for
E ≫ T (``nonradiative = "total"`` uses K, for comparison).  The yield relative to T = 0 of the
radiative channel alone is

.. math:: \\frac{I(T)}{I_0} = \\Big\\langle\\frac{1}{1 + \\tau_r K_{nr}(T)}\\Big\\rangle
          = \\frac{\\sum_i w_i\\,y_i}{\\sum_i w_i},\\qquad y_i = \\frac{1}{1+\\tau_rK_{nr,i}},

over the centres with E ≥ ``E_min_K`` (the emitting configuration lies E above the other one;
a lower bound keeps E narrow when the population's Δ is spread over [0, Δ_max]), weights
normalised (a ratio estimator; delta-method standard error
σ² = Σ_i w_i²(y_i − Ī)²/(Σw)² · N/(N − 1)).  Where τ_rK_nr ≫ 1 for every centre,
I ≈ ⟨1/(τ_rK_nr)⟩ ∝ e^{−J_eff(T)}: with the Debye J1(T) linear in T (TF eq. 30,
T ≳ Θ_D/2) this is TF's I ∝ e^{−T/T0}, T0 = 1/(dJ1/dT) ∝ M (the tunneling mass).  A wide E distribution dilutes the law: with
K ∝ E³ and Δ uniform down to 0, the surviving (unquenched) centres are those with
τ_rK ≲ 1, a fraction ∝ (τ_rK)^{-1/3}, so I ∝ e^{−J1/3} and the apparent T0 triples.
Rows: ``luminescence_yield`` (dimensionless) per T, t_s = inf.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..config import ConfigError, param, require
from .common import FieldSums, check_temperatures, make_rows

__all__ = ["Luminescence"]


@dataclass(frozen=True, slots=True)
class Luminescence:
    """Steady-state luminescence yield I(T)/I(0) (module docstring)."""

    temperatures_K: tuple[float, ...] = param(unit="K")
    tau_r_s: float = param(unit="s", gt=0, le=1e6, doc="radiative lifetime τ_r")
    E_min_K: float = param(0.0, unit="K", ge=0,
                           doc="only TLSs with E >= E_min_K are luminescent centres")
    nonradiative: str = param("down", choices=("down", "total"),
                              doc="K_nr = K↓ (default) or the total K")

    def validate(self, prefix: str) -> None:
        check_temperatures(self.temperatures_K, f"{prefix}.temperatures_K")
        require(len(set(self.temperatures_K)) == len(self.temperatures_K),
                f"{prefix}.temperatures_K has duplicates")

    def check_scenario(self, scenario, prefix: str) -> None:
        """ConfigError at load time unless a TF channel gives the non-radiative rate."""
        names = {type(r).__name__ for r in scenario.rates}
        if not names & {"TFNondiagonal", "TFMultiphonon"}:
            raise ConfigError("scenario.rates must include tf_nondiagonal or tf_multiphonon "
                              f"for the luminescence measurement (got {sorted(names)})")

    def start(self, n_total: int, scenario) -> "_LumAcc":
        return _LumAcc(self, n_total)


class _LumAcc(FieldSums):
    sum_fields = ('lum',)

    def __init__(self, cfg: Luminescence, n_total: int):
        self.cfg, self.n = cfg, n_total
        nt = len(cfg.temperatures_K)
        self.lum = np.zeros((nt, 5))          # Σwy, Σw, Σ(wy)², Σw², Σ(wy)w
        self.sums_w = np.zeros(5)

    def accumulate(self, spectrum, weight, rates_at, out: dict) -> None:
        w = np.where(spectrum.E_K >= self.cfg.E_min_K, np.asarray(weight, dtype=float), 0.0)
        for j, T in enumerate(self.cfg.temperatures_K):
            r = rates_at(T)
            k = r.k_down if self.cfg.nonradiative == "down" else r.K
            with np.errstate(over="ignore"):
                y = 1.0 / (1.0 + self.cfg.tau_r_s * k)
            a = w * y
            out["lum"][j] += (a.sum(), w.sum(), (a * a).sum(), (w * w).sum(), (a * w).sum())

    def rows(self) -> list[dict]:
        out: list[dict] = []
        n = self.n
        for j, T in enumerate(self.cfg.temperatures_K):
            sa, sw, saa, sww, saw = self.lum[j]
            ratio = sa / sw
            resid2 = saa - 2 * ratio * saw + ratio * ratio * sww   # Σ (a − R w)²
            err = math.sqrt(max(resid2, 0.0) * n / (n - 1.0)) / sw if n > 1 else math.nan
            out += make_rows("luminescence_yield", T, [math.inf], [ratio], [err])
        return out
