"""Whatever validation accepts runs to a finite result (issue 11 item 4): the shipped scenarios
and silica_heat_capacity with representative extreme-but-valid values, n_tls = 65536."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

import tlsmc
from tlsmc.materials import Material, with_fields
from tlsmc.measurements import HeatCapacity, HeatPulse, HeatRelease, ThermalExpansion
from tlsmc.measurements import acoustic_soft, acoustic_soft_velocity
from tlsmc.measurements.common import T_RANGE_K, TIME_RANGE_S, TimeGrid
from tlsmc.population.j0 import J0_RANGE, StructuralJ0, UniformJ0

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
N = 65536
EDGE_TIMES = TimeGrid(TIME_RANGE_S[0], TIME_RANGE_S[1], 6)
ALL_HC = ("C", "C_step", "C_eq", "U", "C_tf")


def _finite(res, allow_nan=("C_app",)):
    """Every value and standard error finite (C_app is NaN by definition where T = T_initial)."""
    df = res.to_dataframe()
    keep = ~df["observable"].isin(allow_nan)
    assert len(df) > 0
    assert np.isfinite(df.loc[keep, "value"]).all() and np.isfinite(df.loc[keep, "stderr"]).all()
    if res.comparison is not None:
        c = res.comparison
        assert np.isfinite(c["mc"]).all() and np.isfinite(c["exact"]).all()
        assert np.isfinite(c["z"]).all()


def _silica(material=None, population=None, analytic=True, **measurement):
    sc = tlsmc.load_scenario(SCENARIOS / "silica_heat_capacity.toml")
    m = dataclasses.replace(sc.measurement[0], **{"times": EDGE_TIMES, "observables": ALL_HC,
                                                   **measurement})
    return dataclasses.replace(
        sc, measurement=(m,),
        material=with_fields(sc.material, **(material or {})),
        population=dataclasses.replace(sc.population, **(population or {})),
        comparison=dataclasses.replace(sc.comparison, analytic=analytic))


def _lo(cls, name):
    """Lower end of a field's accepted physical range (read from its param metadata, so the
    test follows the range: widen it into trouble and this test fails)."""
    return {f.name: f for f in dataclasses.fields(cls)}[name].metadata["range"][0]


def _hi(cls, name):
    return {f.name: f for f in dataclasses.fields(cls)}[name].metadata["range"][1]


M = Material
J_LO, J_HI = J0_RANGE
EXTREMES = {
    # slowest rates: every factor of the one-phonon coefficient and of Δ0 at its edge
    "slow": dict(material=dict(nu_rad_s=_lo(M, "nu_rad_s"), density_kg_m3=_hi(M, "density_kg_m3"),
                               v_l_m_s=_hi(M, "v_l_m_s"), v_t_m_s=_hi(M, "v_t_m_s"),
                               gamma_l_eV=_lo(M, "gamma_l_eV"), gamma_t_eV=_lo(M, "gamma_t_eV")),
                 population=dict(J0=UniformJ0(J_LO, J_HI)), temperatures_K=T_RANGE_K),
    # fastest rates
    "fast": dict(material=dict(nu_rad_s=_hi(M, "nu_rad_s"), density_kg_m3=_lo(M, "density_kg_m3"),
                               v_l_m_s=_lo(M, "v_l_m_s"), v_t_m_s=_lo(M, "v_t_m_s"),
                               gamma_l_eV=_hi(M, "gamma_l_eV"), gamma_t_eV=_hi(M, "gamma_t_eV")),
                 population=dict(J0=UniformJ0(J_LO, J_HI)), temperatures_K=T_RANGE_K),
    # widest Δ range, densest population, smallest step
    "wide": dict(material=dict(P_bar_per_J_m3=_hi(M, "P_bar_per_J_m3")),
                 population=dict(delta_max_K=1e4, delta_knee_K=1e-12),
                 temperatures_K=(1e-4, 1.0, 1e4), step_fraction=1e-6),
    # the most transparent-less structural population, the sharpest allowed peak
    "structural": dict(material=dict(P_bar_per_J_m3=_lo(M, "P_bar_per_J_m3")),
                       population=dict(J0=StructuralJ0(J_HI - 1.0, J_HI, "peaked",
                                                       _hi(StructuralJ0, "peak_amplitude"),
                                                       _lo(StructuralJ0, "peak_width"))),
                       step_fraction=0.5),
}


@pytest.mark.parametrize("name", sorted(EXTREMES))
def test_silica_at_the_edges_is_finite(name):
    _finite(tlsmc.run(_silica(**EXTREMES[name]), n_tls=N))


def _at_edges(m):
    """A shipped measurement pushed to the edges of its accepted ranges."""
    ch = {"times": EDGE_TIMES} if "times" in {f.name for f in dataclasses.fields(m)} else {}
    if isinstance(m, (HeatCapacity, ThermalExpansion)):
        ch["temperatures_K"] = T_RANGE_K
    elif isinstance(m, HeatRelease):
        ch["T1_K"] = (T_RANGE_K[1],)
    elif isinstance(m, HeatPulse):
        ch["T_bath_K"] = _lo(HeatPulse, "T_bath_K")
        ch["without_tls"] = False
    return dataclasses.replace(m, **ch)


CHEAP_ANALYTIC = {"silica_heat_capacity", "silica_heat_release", "tf1982_heat_capacity"}


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_scenario_at_the_edges_is_finite(path, monkeypatch):
    # the soft resonant estimators' thinned subsets (fixed sizes, whatever N) cut to 64 samples:
    # finiteness at the edges does not need their precision
    monkeypatch.setattr(acoustic_soft, "SHELL_SAMPLES", 64)
    monkeypatch.setattr(acoustic_soft_velocity, "VELOCITY_SAMPLES", 64)
    sc = tlsmc.load_scenario(path)
    sc = dataclasses.replace(sc, measurement=tuple(_at_edges(m) for m in sc.measurement[:1]),
                             comparison=dataclasses.replace(
                                 sc.comparison, analytic=path.stem in CHEAP_ANALYTIC))
    _finite(tlsmc.run(sc, n_tls=N, seed=1))
