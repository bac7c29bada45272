"""Δv/v of the acoustic measurement with TF channels (TF §4, PHYSICS §10): the zero-phonon
principal value against the STM digamma law, MC against the independent quadrature and the
C ln(T/T_ref) limit; no sideband velocity rows (tlsmc.measurements.tf_velocity)."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import digamma

import tlsmc
from tlsmc.config import ConfigError
from tlsmc.measurements.tf_velocity import zero_phonon_table

from test_tf_acoustic import _table  # noqa: E402  (the TF scenario as a table)


@pytest.mark.parametrize("w, T, T_ref", [(1e-3, 0.3, 1.0), (0.5, 0.2, 1.5), (2.0, 0.4, 3.0)])
def test_zero_phonon_pv_is_the_stm_digamma_law(w, T, T_ref):
    """Weights a = b = 1, V → 0, Δ_max ≫ T: Y = −[ln(T/T_ref) + Re ψ(½ + iw/2πT)
    − Re ψ(½ + iw/2πT_ref)] (PHYSICS §10), ħω below and above kT."""
    Y = zero_phonon_table((1e-9, 1e-9), w, T, T_ref, 1.0, 1.0, 200.0)(np.array([1e-9]))[0]
    law = (math.log(T / T_ref) + digamma(0.5 + 1j * w / (2 * math.pi * T)).real
           - digamma(0.5 + 1j * w / (2 * math.pi * T_ref)).real)
    assert Y == pytest.approx(-law, rel=1e-5)


def test_t_ref_checked_by_name():
    t = _table(T_ref_K=400.0)
    with pytest.raises(ConfigError) as exc:
        tlsmc.parse_scenario(t)
    assert "scenario.measurement[0].T_ref_K must be <= 300 K" in str(exc.value)


def test_mc_against_quadrature_and_stm_limit():
    """The resonant velocity against the independent quadrature (|z| < 4, also at 20 K where
    e^{J1(T) − J1(T_ref)} = 2.5), the C ln(T/T_ref) law (πC = Q⁻¹_res(T = 0)) where the weight
    e^{J1} is constant, and no sideband or total velocity rows."""
    t = _table(frequencies_Hz=[1e7], temperatures_K=[0.5, 2.0, 20.0], T_ref_K=1.0,
               polarizations=["l"])
    t["rates"] = [{"kind": "tf_nondiagonal"}]
    t["population"]["delta_max_K"] = 12.0
    t["run"].update(n_tls=6000)
    res = tlsmc.run(tlsmc.parse_scenario(t))
    v = res.observables
    assert set(v[v.observable == "dv_over_v"].part) == {"resonant"}
    c = res.comparison
    c = c[c.observable == "dv_over_v"]
    assert len(c) == 3 and np.isfinite(c.z).all(), c
    assert c.z.abs().max() < 4.0, c[["T_K", "part", "mc", "exact", "z"]]
    assert np.all(c.mc_stderr < 0.2 * c.mc.abs())
    r = c[c.T_K == 0.5].iloc[0]
    assert r.closed_form == pytest.approx(r.exact, rel=2e-3)   # the STM limit of the model
    assert math.isnan(c[c.T_K == 2.0].closed_form.iloc[0])
