"""run.json's rate_validity (tlsmc.runner.rate_validity): the T above which TF's golden-rule rates
exceed k_BT/ħ for the population's strongest TLS, and the CLI's warning when a scenario goes there."""
from __future__ import annotations

import math
import re
import tomllib

import pytest

import tlsmc
from tlsmc.rates.tf import TFNondiagonal, TFMultiphonon, golden_rule_temperature
from tlsmc.rates.vibrations import TFParameters, J1_debye
from tlsmc.runner import rate_validity
from tlsmc.units import HBAR, K_B

from test_tf_acoustic import SCENARIO, _table  # noqa: E402


def test_nondiagonal_limit_solves_the_closed_form():
    """Debye tf_nondiagonal at Δ = E = T: ħα V² e^{J1(T)} T³ coth(½)/(k_B T) = 1 at the returned T
    (the channel's formula written out here), and the ratio is below 1 just under it."""
    sc = tlsmc.parse_scenario(_table())
    p = TFParameters.tf1982()
    V = p.V0_K * math.exp(-34.0)
    T = TFNondiagonal().golden_rule_T_K(sc.material, V)

    def ratio(t):
        return HBAR / K_B * p.alpha_K * V * V * math.exp(float(J1_debye(t, p))) * t * t / math.tanh(0.5)

    assert ratio(T) == pytest.approx(1.0, rel=1e-6)
    assert 40.0 < T < 70.0


def test_limits_bracket_and_order():
    """A larger V crosses at a lower T; a rate that never reaches 1 gives inf, one above 1 at 1 mK
    gives 1 mK; the multiphonon limit lies below the one-phonon one (more channels)."""
    sc = tlsmc.parse_scenario(_table())
    p = TFParameters.tf1982()
    strong, weak = (TFMultiphonon().golden_rule_T_K(sc.material, p.V0_K * math.exp(-J / 2))
                    for J in (68.0, 80.0))
    assert strong < weak
    assert strong < TFNondiagonal().golden_rule_T_K(sc.material, p.V0_K * math.exp(-34.0))
    assert golden_rule_temperature(lambda E, d, V, T, out: None, 1.0, 10.0) == math.inf

    def huge(E, d, V, T, out):
        out += 1e30
    assert golden_rule_temperature(huge, 1.0, 10.0) == 1e-3


def test_run_json_and_cli_warning(tmp_path, capsys):
    """The TF scenario's 300 K points are flagged (run.json and one stderr line); capped at 10 K
    the same scenario is not."""
    t = _table(frequencies_Hz=[1e8], temperatures_K=[1.0, 50.0], polarizations=["l"])
    t["comparison"]["analytic"] = False
    v = rate_validity(tlsmc.parse_scenario(t))
    assert len(v) == 1 and v[0]["channel"] == "tf_multiphonon" and v[0]["exceeded"]
    assert 25.0 < v[0]["T_golden_rule_K"] < 35.0 and v[0]["J0_min"] == 68.0
    t["measurement"][0]["temperatures_K"] = [1.0, 10.0]
    assert not rate_validity(tlsmc.parse_scenario(t))[0]["exceeded"]
    from tlsmc.cli import main
    path = tmp_path / "tf.toml"
    text = re.sub(r"temperatures_K = \[[^\]]*\]", "temperatures_K = [0.1, 50.0]",
                  SCENARIO.read_text(), flags=re.S)
    assert tomllib.loads(text)["measurement"][0]["temperatures_K"] == [0.1, 50.0]
    path.write_text(text.replace("analytic = true", "analytic = false"))
    assert main(["run", str(path), "--out", str(tmp_path / "r"), "--n-tls", "256", "--quiet"]) == 0
    err = capsys.readouterr().err
    assert err.count("warning: rate channel tf_multiphonon") == 1 and "50 K" in err
