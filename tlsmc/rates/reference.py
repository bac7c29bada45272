"""Reference relaxation times of the population models, for closed forms (GGP eq. 5.4).

τ_min(T) of a model is the relaxation time of its fastest relaxing TLS at energy E = T: the
symmetric TLS (Δ0 = E = T), with all the scenario's rate channels.  Closed forms written in
GGP's variable p = (Δ0/E)² cut at p0 = τ_min/t use it.
"""
from __future__ import annotations

import numpy as np

from ..population.soft import SoftPotentialModel, to_type2_frame
from ..spectrum import soft_spectrum
from ..spectrum.soft_solver import symmetric_depth
from . import build_rates

__all__ = ["tau_min"]


def tau_min(model: SoftPotentialModel, material, channels, T_K: float) -> tuple[float, float]:
    """(τ_min,1, τ_min,2) in s: symmetric TLS with Δ0 = E = T of type 1 and type 2 (the
    faster of its two type-2 frames), all ``channels`` at temperature T."""
    W = material.need("W_K", "the soft comparison")
    h = symmetric_depth(T_K / W)
    e2, t2, _ = to_type2_frame(np.array([-h, -h]), np.zeros(2), np.array([1.0, -1.0]))
    eta = np.array([-h, e2[0], e2[1]])
    t = np.array([0.0, t2[0], t2[1]])
    # the two type-2 frames of the symmetric well are each other's mirror (partners)
    pop = model.solve(material, eta, t, np.full(3, -h), np.zeros(3), np.ones(3),
                      partners=np.array([0, 1, 1]))
    K = build_rates(soft_spectrum(pop, material), material, channels, T_K).K
    return 1.0 / K[0], 1.0 / max(K[1], K[2])
