"""Stage 3, rates: relaxation rates K↑, K↓ of every TLS at a phonon temperature (PHYSICS §4).

Receives a spectrum (:mod:`tlsmc.spectrum`), the material, the scenario's channels and a
temperature; returns a :class:`RateSet`.  Channel physics lives here: one-phonon
(:mod:`.one_phonon`), TF's vibration-assisted tunneling (:mod:`.tf`, with the vibrational
enhancement in :mod:`.vibrations` and the exact Debye multiphonon table in
:mod:`.multiphonon`), over-barrier activation (:mod:`.activated`), conduction electrons in
metals, normal or superconducting (:mod:`.electron`, BCS gap in :mod:`.bcs`); :mod:`.reference` holds
the reference relaxation times τ_min that closed forms use.

Channels add.  Each channel computes the *total* rate K = K↑ + K↓; the split
is fixed by detailed balance, K↑ = K n_eq(E,T), K↓ = K (1 − n_eq), so
K↑/K↓ = exp(−E/T) holds by construction for every channel.

Registry :data:`RATE_CHANNELS` maps scenario names (``[[rates]] kind = ...``)
to channel dataclasses with ``add_rate(spectrum, material, T_K, out)`` and
``check_material(material)`` (called when the scenario is loaded, so a missing
material field is reported before anything runs).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
from scipy.special import expit, log_expit

from ..materials import Material
from .activated import Activated
from .electron import Electron
from .one_phonon import OnePhonon, one_phonon_coefficient
from .tf import TFMultiphonon, TFNondiagonal, tf_parameters

__all__ = ["RATE_CHANNELS", "RateChannel", "RateSet", "build_rates", "one_phonon_coefficient",
           "tf_parameters"]


@runtime_checkable
class RateChannel(Protocol):
    """Contract of a ``[[rates]]`` channel (a frozen config dataclass).

    ``add_rate`` adds the channel's total rate K = K↑ + K↓ (s^-1) of every TLS of
    ``spectrum`` at phonon temperature ``T_K`` (K) to ``out`` in place; ``check_material``
    raises :class:`~tlsmc.config.ConfigError` naming a material field it needs and lacks
    (called when the scenario is loaded).  A class attribute ``populations`` (tuple of
    :data:`tlsmc.population.POPULATION_MODELS` names) lists the population models the channel
    works with; :func:`tlsmc.scenario.parse_scenario` rejects any other, naming the channel.
    """

    def add_rate(self, spectrum, material: Material, T_K: float, out: np.ndarray) -> None: ...

    def check_material(self, material: Material) -> None: ...


RATE_CHANNELS: dict[str, type[RateChannel]] = {
    "one_phonon": OnePhonon,
    "tf_nondiagonal": TFNondiagonal,
    "tf_multiphonon": TFMultiphonon,
    "activated": Activated,
    "electron": Electron,
}


@dataclass(frozen=True, slots=True)
class RateSet:
    """Rates of every TLS at one temperature.

    Attributes
    ----------
    K : (N,) total relaxation rate K↑ + K↓, s^-1
    x : (N,) E/T, dimensionless
    T_K : the phonon temperature, K
    """

    K: np.ndarray
    x: np.ndarray
    T_K: float

    @property
    def k_up(self) -> np.ndarray:
        """K↑ = K n_eq = K/(e^{E/T} + 1), s^-1."""
        return self.K * expit(-self.x)

    @property
    def k_down(self) -> np.ndarray:
        """K↓ = K (1 − n_eq) = K/(1 + e^{−E/T}), s^-1."""
        return self.K * expit(self.x)

    @property
    def log_k_up(self) -> np.ndarray:
        """ln K↑ without underflow (K↑ itself underflows for E/T > ~700); −inf where K = 0."""
        with np.errstate(divide="ignore"):
            return np.log(self.K) + log_expit(-self.x)

    @property
    def log_k_down(self) -> np.ndarray:
        """ln K↓; −inf where K = 0."""
        with np.errstate(divide="ignore"):
            return np.log(self.K) + log_expit(self.x)


def build_rates(spectrum, material: Material, channels, T_K: float) -> RateSet:
    """Sum the rate channels at phonon temperature ``T_K`` (K) for every TLS."""
    if not T_K > 0.0:
        raise ValueError(f"T_K must be > 0 K (got {T_K})")
    K = np.zeros(len(spectrum))
    for channel in channels:
        channel.add_rate(spectrum, material, T_K, K)
    return RateSet(K=K, x=spectrum.E_K / T_K, T_K=float(T_K))
