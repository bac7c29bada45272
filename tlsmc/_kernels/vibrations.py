"""Scalar kernels of the TF vibration models (numba; callable from other kernels).

``tlsmc.rates.vibrations`` builds its numpy ufunc ``debye_weight`` from :func:`debye_weight`,
and :mod:`tlsmc._kernels.multiphonon` calls it per TLS: the formula is written once.  The Bose
factors coth(x/2) and n_B(x) (:mod:`tlsmc._kernels.thermal`) reach the rates stage through
this module, so that each kernel module has one caller package.
"""
from __future__ import annotations

import math

from numba import njit

from ..units import PI as _PI
from .thermal import coth_half, n_bose  # noqa: F401  (the rates' entry point to the Bose kernels)

__all__ = ["debye_weight", "coth_half", "n_bose"]


@njit(cache=True)
def debye_weight(x: float) -> float:
    """w(x) = x [1 − sin(πx)/(πx)] = x − sin(πx)/π on 0 <= x <= 1 (0 outside).

    The Debye coupling density of TF eq. 14 in the reduced frequency x = ω/ω_D;
    a series for x < 0.05 avoids the cancellation (w ≈ π²x³/6).
    """
    if not (0.0 <= x <= 1.0):
        return 0.0
    if x < 0.05:
        y2 = (_PI * x) ** 2
        return x * y2 / 6.0 * (1.0 - y2 / 20.0 * (1.0 - y2 / 42.0 * (1.0 - y2 / 72.0 * (1.0 - y2 / 110.0))))
    return x - math.sin(_PI * x) / _PI
