"""Stage 4, dynamics: occupations of every TLS in time under the computed rates (PHYSICS §5).

Receives rates (:mod:`tlsmc.rates`) and a temperature protocol; returns occupations or the
relaxation sums the measurements reduce.  At constant temperature the master equation
dn/dt = K↑(1 − n) − K↓n has the exact solution n(t) = n_eq + (n(0) − n_eq)e^{−Kt}, so nothing
here has a step size for the TLSs:

* :mod:`.occupations` — equilibrium occupations n_eq(E/T) and ∂n_eq/∂T, overflow-free;
* :mod:`.protocols` — temperature (and heater) protocols as exact piecewise-constant segments;
* :mod:`.propagation` — :func:`evolve`: exact propagation along a protocol;
* :mod:`.relaxation` — :class:`RelaxationSums`: exact log-rate moment sums Σ g F(Kt) after a step;
* :mod:`.coupled` — the self-consistent sample temperature of a heat pulse (all TLSs coupled
  through T(t));
* :mod:`.sample_thermal` — the sample's phonon heat capacity and thermal link.
"""
from .coupled import IntegratorOptions, integrate_coupled
from .occupations import n_eq, occupation_and_derivative
from .propagation import evolve
from .protocols import PROTOCOL_SHAPES, Profile, Protocol, temperature_protocol
from .relaxation import RelaxationSums
from .sample_thermal import LumpedThermal, ThermalModel

__all__ = ["n_eq", "occupation_and_derivative", "evolve", "PROTOCOL_SHAPES", "Profile", "Protocol",
           "temperature_protocol", "RelaxationSums", "IntegratorOptions", "integrate_coupled",
           "LumpedThermal", "ThermalModel"]
