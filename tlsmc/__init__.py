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

from .config import ConfigError
from .results import Results
from .scenario import Scenario, load_scenario, parse_scenario
from .simulate import run

__all__ = ["__version__", "ConfigError", "Results", "Scenario", "load_scenario", "parse_scenario",
           "run"]
