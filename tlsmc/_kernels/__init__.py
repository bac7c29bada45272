"""Numba kernels: ``@njit(cache=True)`` functions over plain contiguous arrays (private).

No Python objects, no RNG, no I/O; outputs are caller-allocated.  Who may import them: each
module here has exactly one caller package — ``spectrum`` (banded_eigen, banded_shift_invert,
oscillator_basis, soft_potential), ``rates`` (rates, multiphonon, vibrations), ``dynamics``
(thermal, dynamics, relaxation, self_consistent), ``measurements`` (expansion) — and kernels
may call kernels.  Never ``tlsmc.analytic`` (its numbers must not share the Monte Carlo's
code) and never user code: the signatures are not a public API.
"""
