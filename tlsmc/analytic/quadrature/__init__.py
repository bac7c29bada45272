"""Deterministic quadratures of the simulated models (the ``exact`` column).

:mod:`.stm` (tunneling population, any sum of the one-phonon and TF channels: composite
Gauss–Legendre over (Δ, J0)), :mod:`.soft` (soft-potential population on a tensor grid of
(η̃, t̃)), :mod:`.expansion` (thermal expansion on the soft nodes).  Importers: see
:mod:`tlsmc.analytic`.
"""


class OutsideQuadrature(ValueError):
    """A quadrature cannot evaluate this point (outside the range where its numerics are
    converged); the comparison leaves the measurement out and says why."""
