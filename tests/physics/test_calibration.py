"""Calibration of the standard errors (issue 12, item 1): the spread of z over independent seeds.

For R independent replicas (seeds) of a small run, z_r = (x_r − x_ref)/se_r at each output
point.  If the error bars are right, S = sqrt(Σ_r z_r² / ν) is distributed as
sqrt(χ²_ν/ν); the test requires S inside the two-sided 99.9 % interval of that law,

* ν = R when x_ref is exact (the quadrature column of the comparison: ~1e-9 relative, i.e.
  exact at these error bars; tunneling population, or 0 by the γ ↔ −γ symmetry for α, ε, Γ);
* ν = R − 1 when x_ref is the mean of the R replicas (soft populations: the quadrature costs
  more than this whole suite; the replica mean *is* the high-N reference, R·n samples, and
  using it removes exactly one degree of freedom: Σ(x_r − x̄)²/σ² ~ χ²_{R−1}).

Windows (scipy.stats.chi2): R = 30: S in [0.600, 1.439]; ν = 29: [0.594, 1.447];
ν = 99: [0.773, 1.239].  Error bars ×2 give S ≈ 0.5 and ×0.5 give S ≈ 2: both fail, as do
the per-sample errors of an antithetic population (S ≈ 2 for type-2 quartets, ≈ √2 for
mirror pairs, hence R = 100 there).  Seeds are fixed, so the test is deterministic.  Points
where a few rare TLSs carry the sum (z far from Gaussian at these N) are left out and named.
"""
from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2

import tlsmc

LEVEL = 0.999


def window(nu: int) -> tuple[float, float]:
    """Two-sided LEVEL interval of sqrt(χ²_ν/ν)."""
    lo, hi = chi2.ppf([(1 - LEVEL) / 2, (1 + LEVEL) / 2], nu)
    return float(np.sqrt(lo / nu)), float(np.sqrt(hi / nu))


KEYS = ["measurement", "observable", "T_K", "t_s", "T1_K"]


def _replicas(table: dict, seeds, analytic: bool) -> pd.DataFrame:
    scenario = tlsmc.parse_scenario(table)
    frames = []
    for seed in seeds:
        res = tlsmc.run(scenario, seed=seed)
        df = res.comparison if analytic else res.observables
        df = df.rename(columns={"value": "mc", "stderr": "mc_stderr"}).copy()
        if "T1_K" not in df.columns:
            df["T1_K"] = np.nan
        df["seed"] = seed
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def spread(df: pd.DataFrame, reference: str) -> pd.DataFrame:
    """S per output point; reference "exact" (ν = R) or "mean" (ν = R − 1)."""
    out = []
    for key, g in df.groupby(KEYS, dropna=False):
        ref = g["exact"] if reference == "exact" else g["mc"].mean()
        z = (g["mc"] - ref) / g["mc_stderr"]
        nu = len(g) if reference == "exact" else len(g) - 1
        out.append(dict(zip(KEYS, key), S=float(np.sqrt(np.sum(z**2) / nu)), nu=nu))
    return pd.DataFrame(out)


def check(df: pd.DataFrame, reference: str, families) -> pd.DataFrame:
    s = spread(df[df["observable"].isin(families)], reference)
    assert len(s) > 0
    bad = []
    for nu, g in s.groupby("nu"):
        lo, hi = window(int(nu))
        bad.append(g[(g["S"] < lo) | (g["S"] > hi)])
    bad = pd.concat(bad)
    assert bad.empty, f"z spread outside the χ² window:\n{bad}\nall:\n{s}"
    return s


_TUNNELING = {
    "run": {"name": "calib_tls", "n_tls": 65536, "seed": 1, "chunk_size": 65536},
    "material": {"preset": "vitreous_silica"},
    "population": {"model": "tunneling", "delta_max_K": 20.0, "delta_knee_K": 1e-3,
                   "J0": {"distribution": "uniform", "J_min": 4.0, "J_max": 50.0}},
    "rates": [{"kind": "one_phonon"}],
    "measurement": [
        {"kind": "heat_capacity", "temperatures_K": [0.3],
         "observables": ["C", "C_step", "U", "C_eq"],
         "times": {"start_s": 1e-4, "stop_s": 1e4, "num": 3}},
        {"kind": "heat_release", "T0_K": 0.1, "T1_K": [1.0],
         "times": {"start_s": 10.0, "stop_s": 1e4, "num": 2}},
        {"kind": "thermal_expansion", "temperatures_K": [0.3],
         "observables": ["strain", "alpha", "Gamma", "alpha_eq"], "extra_times_s": [60.0],
         "times": {"start_s": 1e-4, "stop_s": 1e4, "num": 3}},
    ],
    "comparison": {"analytic": True},
}


def _soft(antithetic: bool, type2_ratio: float, n: int, history: bool) -> dict:
    m = [{"kind": "heat_capacity", "temperatures_K": [0.5],
          "observables": ["C", "C_step", "U", "C_eq"],
          "times": {"start_s": 1e-4, "stop_s": 1e4, "num": 3}},
         # Qdot at t >= 1e3 s rests on a few slow TLSs at n = 4096 (S ≈ 1.5): left out
         {"kind": "heat_release", "T0_K": 0.5, "T1_K": [2.0],
          "times": {"start_s": 1e-3, "stop_s": 1.0, "num": 2}}]
    if history:
        m.append({"kind": "temperature_history", "T_initial_K": 2.0, "starts_s": [0.0, 1.0],
                  "temperatures_K": [0.5, 1.0], "times": {"start_s": 0.1, "stop_s": 10.0,
                                                          "num": 2}})
        m.append({"kind": "thermal_expansion", "temperatures_K": [0.5],
                  "observables": ["alpha", "Gamma"], "extra_times_s": [60.0],
                  "times": {"start_s": 1e-2, "stop_s": 1e2, "num": 2}})
    return {"run": {"name": "calib_soft", "n_tls": n, "seed": 1, "chunk_size": 65536},
            "material": {"preset": "soft_glass"},
            "population": {"model": "soft", "E_max_K": 25.0, "depth_max": 20.0,
                           "type2_ratio": type2_ratio, "energy_knee_K": 0.005,
                           "antithetic": antithetic},
            "rates": [{"kind": "one_phonon"}, {"kind": "activated"}],
            "measurement": m, "comparison": {"analytic": False}}


@functools.lru_cache(maxsize=None)
def tunneling_runs() -> pd.DataFrame:
    return _replicas(_TUNNELING, range(1000, 1030), analytic=True)


@functools.lru_cache(maxsize=None)
def soft_runs(case: str) -> pd.DataFrame:
    if case == "independent":
        return _replicas(_soft(False, 1.0, 4096, False), range(2000, 2030), analytic=False)
    if case == "quartets":
        return _replicas(_soft(True, 1.0, 4096, True), range(3000, 3030), analytic=False)
    return _replicas(_soft(True, 0.0, 2048, False), range(4000, 4100), analytic=False)


def test_windows_are_the_chi2_intervals():
    lo, hi = window(30)
    assert 0.59 < lo < 0.61 and 1.43 < hi < 1.45
    # ×2 and ×0.5 error bars and the quartet bug (×0.5) are outside at R = 30
    assert 2 * lo > 1.0 and hi < 2.0 and 0.5 < lo


@pytest.mark.parametrize("families", [("C", "C_step", "U", "C_eq"), ("Qdot",),
                                      ("strain", "alpha", "Gamma", "alpha_eq")],
                         ids=["heat_capacity", "heat_release", "thermal_expansion"])
def test_tunneling_calibration(families):
    df = tunneling_runs()
    df = df.copy()
    te = df["observable"].isin(["strain", "alpha", "Gamma", "alpha_eq"])
    df.loc[te, "exact"] = 0.0      # D odd in the sign of γ: every expansion average is 0
    check(df, "exact", families)


def test_tunneling_heat_release_energy_calibration():
    df = tunneling_runs()
    check(df[df["T1_K"].notna()], "exact", ("U",))


@pytest.mark.parametrize("case", ["independent", "quartets"])
@pytest.mark.parametrize("families", [("C", "C_step", "U", "C_eq"), ("Qdot",)],
                         ids=["heat_capacity", "heat_release"])
def test_soft_calibration(case, families):
    check(soft_runs(case), "mean", families)


def test_soft_quartets_history_and_expansion_calibration():
    """temperature_history (U, Qdot with T(t) steps) and α, Γ over type-2 quartets."""
    df = soft_runs("quartets")
    hist = df["measurement"] == 2
    s = check(df[hist], "mean", ("U", "Qdot"))
    assert len(s) == 4
    check(df[df["measurement"] == 3], "mean", ("alpha", "Gamma"))


def test_soft_mirror_pairs_calibration():
    """Mirror pairs (type2_ratio = 0): per-sample errors would be √2 small, R = 100 sees it."""
    check(soft_runs("pairs"), "mean", ("C", "C_step", "U", "C_eq", "Qdot"))
