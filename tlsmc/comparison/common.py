"""Shared pieces of every comparison: analytic rows, the MC join, z-scores.

A comparison builder returns analytic rows (dicts with ``observable, T_K, t_s[, T1_K],
exact, closed_form[, step_function]``) made by :func:`points`; :func:`merge_with_mc` joins
them with the Monte Carlo table and adds z = (mc − exact)/mc_stderr.  A builder that has no
counterpart for a scenario raises :class:`NoCounterpart` with the reason, which ends up in
run.json's ``comparison_note``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["KEYS", "COLUMNS", "NoCounterpart", "points", "merge_with_mc"]

KEYS = ["observable", "T_K", "t_s", "T1_K"]
COLUMNS = ["observable", "T_K", "t_s", "mc", "mc_stderr", "exact", "closed_form", "z", "unit",
           "T1_K", "step_function", "numerical_tol"]


class NoCounterpart(Exception):
    """A measurement (or a whole scenario) has no analytic counterpart; the message says why."""


def points(observable, T, t, exact, closed, step=None, *, rtol: float = 0.0,
           **extra) -> list[dict]:
    """Analytic rows at times t (exact, closed form, optional step-function column).

    ``rtol``: relative numerical accuracy of the deterministic parts of the comparison (the
    quadrature and any table the Monte Carlo estimator itself integrates); it becomes the
    row's ``numerical_tol`` = rtol·|exact| and enters z (see :func:`merge_with_mc`)."""
    exact, closed = np.atleast_1d(exact), np.atleast_1d(closed)
    step = np.full(exact.shape, np.nan) if step is None else np.atleast_1d(step)
    return [dict(observable=observable, T_K=float(T), t_s=float(ti), exact=float(e),
                 closed_form=float(c), step_function=float(s),
                 numerical_tol=rtol * abs(float(e)), **extra)
            for ti, e, c, s in zip(t, exact, closed, step)]


def merge_with_mc(rows: list[dict], observables: pd.DataFrame) -> pd.DataFrame:
    """Join analytic rows (observable, T_K, t_s[, T1_K], exact, closed_form[, step_function])
    with the MC table and add z; columns :data:`COLUMNS`.

    .. math:: z = \\frac{mc - exact}{\\sqrt{\\sigma_{mc}^2 + \\delta^2}}

    with σ_mc the MC standard error and δ the row's ``numerical_tol`` (the stated numerical
    accuracy of the deterministic parts, 0 for most rows); NaN where both vanish (no error
    bar: compare such rows by their relative difference).

    When both carry ``measurement`` (the index of the scenario's [[measurement]] that made
    the row; every run writes it) it is a join key too and an output column, so two
    measurements with equal (observable, T_K, t_s, T1_K) never mix."""
    exact = pd.DataFrame(rows)
    for col in ("T1_K", "step_function"):
        if col not in exact.columns:
            exact[col] = np.nan
    mc = observables.copy()
    if "T1_K" not in mc.columns:
        mc["T1_K"] = np.nan
    mc = mc.rename(columns={"value": "mc", "stderr": "mc_stderr"})
    extra = [k for k in ("measurement", "f_Hz", "polarization", "part", "field_V_m") if k in exact.columns and k in mc.columns]
    keys = KEYS + extra
    table = exact.merge(mc[keys + ["mc", "mc_stderr", "unit"]], on=keys, how="left")
    if "numerical_tol" not in table.columns:
        table["numerical_tol"] = 0.0
    sigma = np.hypot(table["mc_stderr"], table["numerical_tol"].fillna(0.0))
    with np.errstate(divide="ignore", invalid="ignore"):   # z undefined without an error bar
        table["z"] = np.where(sigma > 0, (table["mc"] - table["exact"]) / sigma, np.nan)
    return table[COLUMNS + extra]
