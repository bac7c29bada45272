"""QUADPACK with its error report kept: :func:`scipy.integrate.quad` never silenced.

A quadrature that sums several ``quad`` pieces into one value collects them in a
:class:`QuadSum`; :meth:`QuadSum.value` then checks QUADPACK's own report against the
accuracy the calling module promises, and raises :class:`QuadratureFailure` (an
:class:`~tlsmc.analytic.quadrature.OutsideQuadrature`, so the comparison layer leaves the
point or measurement out and says why) instead of returning a number it cannot vouch for:

* ``ier`` 1 (subdivision limit), 3 (bad integrand), 4 (no convergence, round-off in the
  extrapolation table), 5 (divergent), 7 (abnormal end): always a failure, whatever ``abserr``
  claims (with two breakpoints 1e-14 K apart QUADPACK returned an integral 15 % off; with
  ier = 4 the silica resonant velocity was 1.5e-5 off while ``abserr`` said 3e-9);
* ``ier`` 2 (round-off detected: the requested ``epsrel`` cannot be reached): accepted when
  the check below holds — round-off at epsrel 1e-11 that still leaves the total accurate;
* every piece: Σ abserr ≤ rtol·|Σ value| + atol (``rtol`` the module's stated relative
  accuracy, ``atol`` an absolute floor in the value's unit for integrals that vanish).
"""
from __future__ import annotations

import math

import numpy as np
from scipy import integrate

from . import OutsideQuadrature

__all__ = ["QuadratureFailure", "QuadSum", "checked_quad", "quad", "quad_vec", "DEFAULT_RTOL"]

_ROUNDOFF = "the occurrence of roundoff error is detected"     # scipy's message for ier = 2


class QuadratureFailure(OutsideQuadrature):
    """QUADPACK did not reach the accuracy a quadrature promises; the message says where."""


class QuadSum:
    """Sum of ``scipy.integrate.quad`` pieces with their error estimates (module docstring).

    Parameters
    ----------
    what : name of the integral, for the error message
    rtol : relative accuracy promised for the final sum
    atol : absolute floor (value's unit) below which the error does not matter
    """

    def __init__(self, what: str, rtol: float, atol: float = 0.0):
        self.what, self.rtol, self.atol = what, float(rtol), float(atol)
        self.total, self.abserr, self.roundoff = 0.0, 0.0, 0

    def add(self, f, a: float, b: float, **kw) -> float:
        """Integrate f on [a, b] (keywords as for ``quad``), add it; the piece's value."""
        out = integrate.quad(f, a, b, full_output=1, **kw)
        val, err = float(out[0]), float(out[1])
        if len(out) > 3:                       # ier != 0: out[3] is scipy's message
            msg = str(out[3]).replace("\n  ", " ")
            if _ROUNDOFF not in msg.lower():
                raise QuadratureFailure(f"{self.what}: QUADPACK failed on [{a:.10g}, {b:.10g}] "
                                        f"(piece {val:.6g} ± {err:.2g}): {msg.split('.')[0]}")
            self.roundoff += 1
        self.total += val
        self.abserr += err
        return val

    def value(self) -> float:
        """The sum, after checking Σ abserr ≤ rtol·|Σ| + atol (QuadratureFailure otherwise)."""
        bound = self.rtol * abs(self.total) + self.atol
        if not (math.isfinite(self.total) and self.abserr <= bound):
            raise QuadratureFailure(f"{self.what}: QUADPACK error estimate {self.abserr:.3g} "
                                    f"exceeds the stated accuracy {bound:.3g} "
                                    f"(rtol {self.rtol:g} of {self.total:.6g})")
        return self.total

    @property
    def relative_error(self) -> float:
        """Σ abserr / |Σ value| (inf for a zero sum with a non-zero error)."""
        return self.abserr / abs(self.total) if self.total else (math.inf if self.abserr else 0.0)


def checked_quad(f, a: float, b: float, *, what: str, rtol: float, atol: float = 0.0,
                 **kw) -> float:
    """One checked ``quad`` call: :class:`QuadSum` with a single piece."""
    s = QuadSum(what, rtol, atol)
    s.add(f, a, b, **kw)
    return s.value()


_SCIPY_EPS = 1.49e-8            # scipy.integrate.quad's default epsabs and epsrel
DEFAULT_RTOL = 1e-6
"""Accuracy :func:`quad` holds a single ``quad`` call to when its caller states none: no looser
than any comparison's numerical tolerance (1e-6 acoustic and dielectric, 1e-5 conduction), far
above the epsrel (1e-9…1e-13) the callers ask QUADPACK for."""


def quad(f, a: float, b: float, *, rtol: float = DEFAULT_RTOL, atol: float = 0.0,
         what: str | None = None, **kw) -> tuple[float, float]:
    """Drop-in for ``scipy.integrate.quad`` (keywords passed on; returns (value, abserr)) that
    raises :class:`QuadratureFailure` instead of warning (module docstring).  The error bound is
    the looser of (rtol, atol) and the caller's own request (epsrel, epsabs; scipy's defaults
    1.49e-8): a call that asked for little is held to what it asked."""
    name = what or f"∫ {getattr(f, '__qualname__', 'f')}"
    s = QuadSum(name, max(rtol, kw.get("epsrel", _SCIPY_EPS)),
                max(atol, kw.get("epsabs", _SCIPY_EPS)))
    s.add(f, a, b, **kw)
    return s.value(), s.abserr


def quad_vec(f, a: float, b: float, *, rtol: float = DEFAULT_RTOL, what: str | None = None, **kw):
    """``scipy.integrate.quad_vec`` (keywords passed on; returns the value) that raises
    :class:`QuadratureFailure` when it reports no success or when its error estimate (in its
    ``norm``) exceeds the looser of ``rtol`` and the caller's ``epsrel`` times the value's norm
    (plus the caller's ``epsabs``)."""
    res, err, info = integrate.quad_vec(f, a, b, full_output=True, **kw)
    norm = np.max(np.abs(res)) if kw.get("norm", "2") == "max" else np.linalg.norm(res)
    bound = max(rtol, kw.get("epsrel", 1e-8)) * norm + kw.get("epsabs", 1e-200)
    if not info.success or not err <= bound:
        name = what or f"∫ {getattr(f, '__qualname__', 'f')}"
        raise QuadratureFailure(f"{name}: quad_vec on [{a:.10g}, {b:.10g}] "
                                f"{'did not converge' if not info.success else 'error'} "
                                f"(error {err:.2g} against {bound:.2g}): {info.message}")
    return res
