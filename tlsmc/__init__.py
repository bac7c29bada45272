"""tlsmc — Monte Carlo ensembles of two-level systems (TLSs) in glasses.

Samples explicit TLS populations (tunneling ΔE/J0 model), solves their spectra,
evolves their occupations exactly under the computed relaxation rates after a
temperature step or any piecewise-constant T(t), and reduces them to the
time-dependent heat capacity, energy and heat release with standard errors,
next to exact quadratures and closed forms of the same model.

Public API
----------
load_scenario(path) -> Scenario
run(scenario, *, n_tls=None, seed=None, progress=False) -> Results
Results.to_dataframe(), Results.write(dir), Results.read(dir)
"""
__version__ = "0.1.0"

import os as _os

# numba's OpenMP threads otherwise spin between parallel kernels; on a shared machine
# that made short kernel calls ~1000x slower (measured in benchmarks/bench_heat_pulse.py).
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from .config import ConfigError
from .results import Results
from .scenario import Scenario, load_scenario, parse_scenario, validate_scenario
from .runner import run

__all__ = ["__version__", "ConfigError", "Results", "Scenario", "load_scenario", "parse_scenario",
           "validate_scenario",
           "run"]
