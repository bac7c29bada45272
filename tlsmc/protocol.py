"""Temperature protocols as exact piecewise-constant segments (PHYSICS §5).

A :class:`Protocol` is an initial equilibrium temperature (t < 0) and segments
[t_s, t_{s+1}) of constant phonon temperature; the last segment lasts forever.
Within a segment every TLS relaxes exactly as n(t) = n_eq + (n(t_s) − n_eq) e^{−K (t − t_s)}.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Protocol", "step_protocol", "piecewise_protocol"]


@dataclass(frozen=True, slots=True)
class Protocol:
    """Piecewise-constant phonon temperature.

    Attributes
    ----------
    T_initial_K : equilibrium temperature before t = 0, K
    starts_s : (S,) segment start times, starts_s[0] = 0, strictly increasing, s
    temperatures_K : (S,) temperature of each segment, K
    """

    T_initial_K: float
    starts_s: np.ndarray
    temperatures_K: np.ndarray

    def __post_init__(self) -> None:
        s, T = self.starts_s, self.temperatures_K
        if s.ndim != 1 or s.shape != T.shape or s.shape[0] == 0:
            raise ValueError("starts_s and temperatures_K must be 1-D of equal, non-zero length")
        if s[0] != 0.0 or not np.all(np.diff(s) > 0) or not np.all(np.isfinite(s)):
            raise ValueError("starts_s must start at 0 and increase strictly")
        if not (np.all(T > 0) and np.all(np.isfinite(T)) and self.T_initial_K > 0):
            raise ValueError("temperatures must be finite and > 0 K")

    @property
    def n_segments(self) -> int:
        return self.starts_s.shape[0]


def step_protocol(T_initial_K: float, T_final_K: float) -> Protocol:
    """Equilibrium at T_initial for t < 0, T_final for t >= 0."""
    return Protocol(float(T_initial_K), np.array([0.0]), np.array([float(T_final_K)]))


def piecewise_protocol(T_initial_K: float, starts_s, temperatures_K) -> Protocol:
    """Equilibrium at T_initial, then temperatures_K[s] from starts_s[s] on."""
    return Protocol(float(T_initial_K), np.asarray(starts_s, dtype=float),
                    np.asarray(temperatures_K, dtype=float))
