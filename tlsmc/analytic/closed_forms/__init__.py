"""Closed forms of the source papers, vectorised, with their regimes of validity.

:mod:`.stm` (standard tunneling model), :mod:`.tf1982` (Trakhtenberg & Flerov 1982),
:mod:`.ggp1985` and :mod:`.ggp1985_thermodynamics` (Galperin, Gurevich & Parshin 1985),
:mod:`.soft_heat_release` (soft-potential heat release, GGP eq. 5.1 with Parshin & Sahling's
freezing).  Importers: see :mod:`tlsmc.analytic`.
"""
