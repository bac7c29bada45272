"""Independent numbers for the Monte Carlo to be compared with (PHYSICS §7).

* :mod:`.closed_forms` — the papers' asymptotic laws (STM, TF 1982, GGP 1985), each with the
  regime where it holds;
* :mod:`.quadrature` — deterministic quadratures of exactly the model a scenario simulates
  (same cut-offs, densities and rate channels), the ``exact`` column of a comparison.

Who may import it: :mod:`tlsmc.comparison`, tests, analysis scripts and notebooks.  The
simulation stages (population … measurements, the runner) never import :mod:`tlsmc.analytic`,
so a number the Monte Carlo writes cannot depend on it.  What the quadratures still share with
the Monte Carlo's code is listed in each module's docstring.
"""
