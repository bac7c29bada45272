"""The tunneling ("ΔE/J0") population of TF and the standard tunneling model (PHYSICS §1a)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..config import param, require
from ..materials import Material
from ..units import per_joule_to_per_kelvin
from .j0 import J0_DISTRIBUTIONS, resolve_j0_terms

__all__ = ["TunnelingPopulation", "TunnelingModel", "check_arrays"]


def check_arrays(obj, names: tuple[str, ...]) -> None:
    """Check that ``obj``'s fields ``names`` are 1-D float64 arrays of equal length."""
    n = None
    for name in names:
        a = getattr(obj, name)
        if not (isinstance(a, np.ndarray) and a.ndim == 1 and a.dtype == np.float64):
            raise TypeError(f"{type(obj).__name__}.{name} must be a 1-D float64 array")
        if n is None:
            n = a.shape[0]
        elif a.shape[0] != n:
            raise ValueError(f"{type(obj).__name__}.{name} has length {a.shape[0]} != {n}")


@dataclass(frozen=True, slots=True)
class TunnelingPopulation:
    """Tunneling-model samples (structure of arrays, TLS axis first).

    Attributes
    ----------
    weight : (N,) real TLSs per m³ that each sample stands for, m^-3
    delta_K : (N,) asymmetry Δ (TF's ΔE), K
    J0 : (N,) barrier-transparency parameter (TF eq. 9), dimensionless
    gamma_sign : (N,) sign ±1 of the deformation potential γ (GGP §I: TLSs of both signs in
        equal numbers, so the STM thermal expansion averages to zero); all +1 if not given
    """

    weight: np.ndarray
    delta_K: np.ndarray
    J0: np.ndarray
    gamma_sign: np.ndarray | None = None
    model: ClassVar[str] = "tunneling"

    def __post_init__(self) -> None:
        if self.gamma_sign is None:
            object.__setattr__(self, "gamma_sign", np.ones_like(self.weight))
        check_arrays(self, ("weight", "delta_K", "J0", "gamma_sign"))

    def __len__(self) -> int:
        return self.weight.shape[0]


@dataclass(frozen=True, slots=True)
class TunnelingModel:
    """The tunneling ("ΔE/J0") population of TF / the STM (PHYSICS §1a).

    Density per unit Δ per unit J0 per m³: (P̄/2) · pdf(J0), Δ in [0, Δ_max].
    Δ is drawn from a proposal q(Δ): ``uniform``, or ``loguniform`` — flat
    below the knee Δ_k and ∝ 1/Δ above it,

    .. math:: q(\\Delta) = \\frac{1}{Z}\\begin{cases}1/\\Delta_k & \\Delta<\\Delta_k\\\\
              1/\\Delta & \\Delta\\ge\\Delta_k\\end{cases},\\quad Z = 1+\\ln(\\Delta_{max}/\\Delta_k),

    which puts equal numbers of samples in every decade of Δ above the knee
    (what a scan over temperatures needs).  J0 is drawn from its distribution
    exactly, so the weight is (P̄/2) · norm_J / (N q(Δ)).
    """

    delta_max_K: float = param(unit="K", gt=0, range=(1e-6, 1e4),
                               doc="upper end of the asymmetry Δ; 1e-6..1e4 K (the temperature "
                                   "range of the measurements is 1e-4..1e4 K)")
    J0: object = param(registry=J0_DISTRIBUTIONS, registry_key="distribution",
                       doc="distribution of J0")
    delta_sampling: str = param("loguniform", choices=("uniform", "loguniform"))
    delta_knee_K: float = param(1e-3, unit="K", gt=0, range=(1e-12, 1e4),
                                doc="knee of the loguniform proposal; 1e-12..1e4 K, < delta_max_K")

    def validate(self, prefix: str) -> None:
        if self.delta_sampling == "loguniform":
            require(self.delta_knee_K < self.delta_max_K,
                    f"{prefix}.delta_knee_K must be < {prefix}.delta_max_K "
                    f"(got {self.delta_knee_K:g} >= {self.delta_max_K:g})")

    def _proposal_norm(self) -> float:
        return 1.0 + math.log(self.delta_max_K / self.delta_knee_K)

    def delta_proposal_pdf(self, delta_K: np.ndarray) -> np.ndarray:
        """q(Δ), K^-1 (normalised on [0, Δ_max])."""
        if self.delta_sampling == "uniform":
            return np.full_like(delta_K, 1.0 / self.delta_max_K)
        return 1.0 / (np.maximum(delta_K, self.delta_knee_K) * self._proposal_norm())

    def _sample_delta(self, rng: np.random.Generator, n: int) -> np.ndarray:
        u = rng.random(n)
        if self.delta_sampling == "uniform":
            return u * self.delta_max_K
        z = u * self._proposal_norm()
        return np.where(z < 1.0, z * self.delta_knee_K,
                        self.delta_knee_K * np.exp(np.maximum(z, 1.0) - 1.0))

    def resolve_terms(self, material: Material, prefix: str) -> None:
        """Derive J0 bounds given as Δ0 (``delta0_min_K``/``delta0_max_K``) from the
        material's ħω0 = 2ħν (:func:`~.j0.resolve_j0_terms`); called once by
        :func:`tlsmc.scenario.parse_scenario` on the freshly built scenario."""
        resolve_j0_terms(self.J0, material.hbar_omega0_K_value(), f"{prefix}.J0",
                         "scenario.material.nu_rad_s")

    def check_material(self, material: Material) -> None:
        """ConfigError naming a material field this model needs and lacks."""
        self.density_scale(material)
        material.need("nu_rad_s", "the tunneling spectrum")

    def density_scale(self, material: Material) -> float:
        """P̄/2 in K^-1 m^-3: real TLSs per K of Δ per unit J0 per m³ (STM)."""
        p_bar = material.need("P_bar_per_J_m3", "the tunneling population")
        return 0.5 * per_joule_to_per_kelvin(p_bar)

    def sample(self, material: Material, rng: np.random.Generator, n: int,
               n_total: int) -> TunnelingPopulation:
        """Draw ``n`` samples of a population of ``n_total`` (weights per m³)."""
        delta = self._sample_delta(rng, n)
        J0 = self.J0.sample(rng, n)
        # drawn after Δ and J0 from the same block generator: earlier samples do not change
        gamma_sign = np.where(rng.random(n) < 0.5, 1.0, -1.0)
        scale = self.density_scale(material) * self.J0.norm / n_total
        weight = scale / self.delta_proposal_pdf(delta)
        return TunnelingPopulation(weight=weight, delta_K=delta, J0=J0, gamma_sign=gamma_sign)
