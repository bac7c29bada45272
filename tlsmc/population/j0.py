"""Distributions of the barrier-transparency parameter J0 (TF eq. 9; PHYSICS §1a).

Each distribution is a frozen dataclass (its scenario table) with

* ``pdf(J)`` — density per unit J0 *relative to the STM density P̄/2*: 1 means
  the standard tunneling-model density (P̄/2 per K per unit J0 per m³);
* ``norm`` — ∫ pdf dJ0;
* ``sample(rng, n)`` — draws from pdf/norm exactly (so sample weights do not
  depend on J0);
* ``support`` and ``kinks`` — for quadratures of the same model.

Registry :data:`J0_DISTRIBUTIONS` maps the scenario name to the class.

Each bound of the J0 range may be given in the field's usual terms instead (exactly one
of each pair): ``lambda_min``/``lambda_max`` (λ = J0/2, STM) or ``delta0_max_K``/
``delta0_min_K`` (Δ0 = ħω0 e^{−J0/2}, ħω0 = 2ħν, so J0 = 2 ln(ħω0/Δ0) and the largest Δ0
gives the smallest J0).  λ is converted when the table is read; Δ0 needs the material's ν
and is converted by :func:`resolve_j0_terms` (called by :func:`tlsmc.scenario.parse_scenario`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..config import derive_term, given_term, param, require

__all__ = ["UniformJ0", "StructuralJ0", "J0_DISTRIBUTIONS", "J0_RANGE", "resolve_j0_terms"]

def _j0_terms(lower: str) -> dict[str, tuple[str, str]]:
    return {lower: ("delta0_max_K", "lambda_min"), "J_max": ("delta0_min_K", "lambda_max")}


_DELTA0_RANGE = (1e-80, 1e5)
_LAMBDA_RANGE = (0.0, 100.0)


def _delta0(bound: str):
    return param(None, unit="K", gt=0, range=_DELTA0_RANGE, term=True,
                 doc=f"{bound} tunneling splitting Δ0 = ħω0 e^{{−J0/2}} (ħω0 = 2ħν of the "
                     "material), K: the alternative to the J0 bound it gives")


def _lambda(bound: str):
    return param(None, unit="", ge=0, range=_LAMBDA_RANGE, term=True,
                 doc=f"{bound} λ = J0/2 (STM tunneling parameter); 0..100")


def _resolve_lambda(obj, prefix: str) -> None:
    """Give exactly one term per bound; derive J0 from λ now (Δ0 needs ν: later)."""
    for raw, (d0, lam) in type(obj).TERMS.items():
        given = given_term(obj, raw, prefix)
        if given == lam:
            derive_term(obj, raw, 2.0 * getattr(obj, lam), prefix, lam)


def resolve_j0_terms(dist, hbar_omega0_K: float | None, prefix: str, nu_name: str) -> None:
    """Derive the J0 bounds given as Δ0 (J0 = 2 ln(ħω0/Δ0)) on ``dist`` (under construction)
    and check the range; ``hbar_omega0_K`` = 2ħν/k_B of the material (None: ConfigError
    naming ``nu_name``, which the Δ0 terms need)."""
    for raw, (d0, _lam) in getattr(type(dist), "TERMS", {}).items():
        value = getattr(dist, d0)
        if value is None:
            continue
        require(hbar_omega0_K is not None, f"{nu_name} is required by {prefix}.{d0} "
                                           f"(Δ0 = ħω0 e^{{−J0/2}}, ħω0 = 2ħν)")
        derive_term(dist, raw, 2.0 * math.log(hbar_omega0_K / value), prefix, d0)
    dist.check_order(prefix)


J0_RANGE = (0.0, 200.0)
"""Accepted J0: Δ0 ∝ e^{-J0/2} and the rates ∝ e^{-J0} >= 1e-87 relative, so no rate, and no
per-sample square in a standard error, underflows to 0 (at J0 = 200, τ ~ 1e74 s: frozen)."""


@dataclass(frozen=True, slots=True)
class UniformJ0:
    """Uniform J0 on [J_min, J_max] with the STM density P̄/2 per unit J0."""

    J_min: float | None = param(None, unit="", ge=0, range=J0_RANGE,
                                doc="lower end of J0; 0..200 (J0_RANGE); or delta0_max_K, "
                                    "lambda_min")
    J_max: float | None = param(None, unit="", gt=0, range=J0_RANGE,
                                doc="upper end of J0; 0..200; or delta0_min_K, lambda_max")
    delta0_max_K: float | None = _delta0("largest")
    delta0_min_K: float | None = _delta0("smallest")
    lambda_min: float | None = _lambda("lower end of")
    lambda_max: float | None = _lambda("upper end of")
    TERMS: ClassVar[dict] = _j0_terms("J_min")

    def validate(self, prefix: str) -> None:
        _resolve_lambda(self, prefix)
        self.check_order(prefix)

    def check_order(self, prefix: str) -> None:
        if self.J_min is not None and self.J_max is not None:
            require(self.J_min < self.J_max, f"{prefix}.J_min must be < {prefix}.J_max "
                                             f"(got {self.J_min:g} >= {self.J_max:g})")

    @property
    def support(self) -> tuple[float, float]:
        return (self.J_min, self.J_max)

    @property
    def kinks(self) -> tuple[float, ...]:
        return ()

    @property
    def norm(self) -> float:
        return self.J_max - self.J_min

    def pdf(self, J: np.ndarray) -> np.ndarray:
        J = np.asarray(J, dtype=float)
        return ((J >= self.J_min) & (J <= self.J_max)).astype(float)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.uniform(self.J_min, self.J_max, n)


@dataclass(frozen=True, slots=True)
class StructuralJ0:
    """J0 with a structural lower limit J_str (TF §3–4).

    ``shape = "sharp"``: the STM density P̄/2 on [J_str, J_max], nothing below.
    ``shape = "peaked"``: in addition a peak just above J_str,

    .. math:: \\mathrm{pdf}(J_0) = 1 + A\\, e^{-(J_0 - J_{str})/w},\\qquad J_{str} \\le J_0 \\le J_{max},

    with amplitude A = ``peak_amplitude`` (relative to the STM density) and
    width w = ``peak_width``.
    """

    J_str: float | None = param(None, unit="", ge=0, range=J0_RANGE,
                                doc="structural lower limit of J0; 0..200 (J0_RANGE); or "
                                    "delta0_max_K, lambda_min")
    J_max: float | None = param(None, unit="", gt=0, range=J0_RANGE,
                                doc="upper end of J0; 0..200; or delta0_min_K, lambda_max")
    shape: str = param("sharp", choices=("sharp", "peaked"))
    peak_amplitude: float = param(0.0, ge=0, range=(0.0, 1e4),
                                  doc="peak height relative to P̄/2; 0..1e4")
    peak_width: float = param(1.0, gt=0, range=(0.05, 100.0),
                              doc="peak width in J0; 0.05..100 (narrower peaks are not resolved "
                                  "by the quadrature of the same model)")
    delta0_max_K: float | None = _delta0("largest")
    delta0_min_K: float | None = _delta0("smallest")
    lambda_min: float | None = _lambda("lower end (structural limit) of")
    lambda_max: float | None = _lambda("upper end of")
    TERMS: ClassVar[dict] = _j0_terms("J_str")

    def check_order(self, prefix: str) -> None:
        if self.J_str is not None and self.J_max is not None:
            require(self.J_str < self.J_max, f"{prefix}.J_str must be < {prefix}.J_max "
                                             f"(got {self.J_str:g} >= {self.J_max:g})")

    def validate(self, prefix: str) -> None:
        _resolve_lambda(self, prefix)
        self.check_order(prefix)
        require(self.shape == "peaked" or self.peak_amplitude == 0.0,
                f"{prefix}.peak_amplitude needs {prefix}.shape = \"peaked\"")

    @property
    def support(self) -> tuple[float, float]:
        return (self.J_str, self.J_max)

    @property
    def kinks(self) -> tuple[float, ...]:
        return ()

    @property
    def _peak_mass(self) -> float:
        span = self.J_max - self.J_str
        return self.peak_amplitude * self.peak_width * -math.expm1(-span / self.peak_width)

    @property
    def norm(self) -> float:
        return (self.J_max - self.J_str) + self._peak_mass

    def pdf(self, J: np.ndarray) -> np.ndarray:
        J = np.asarray(J, dtype=float)
        inside = (J >= self.J_str) & (J <= self.J_max)
        peak = self.peak_amplitude * np.exp(-np.clip(J - self.J_str, 0.0, None) / self.peak_width)
        return np.where(inside, 1.0 + peak, 0.0)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        u_pick = rng.random(n)
        u_val = rng.random(n)
        span = self.J_max - self.J_str
        flat = self.J_str + span * u_val
        # truncated exponential on [0, span] by inverse CDF
        expo = self.J_str - self.peak_width * np.log1p(u_val * np.expm1(-span / self.peak_width))
        return np.where(u_pick * self.norm < self._peak_mass, expo, flat)


J0_DISTRIBUTIONS: dict[str, type] = {"uniform": UniformJ0, "structural": StructuralJ0}
