"""Protocol shapes compile to exact piecewise-constant segments; tables; bad input (issue 6)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import tlsmc
from tlsmc.cli import main
from tlsmc.config import ConfigError, from_registry
from tlsmc.dynamics.propagation import evolve
from tlsmc.materials import load_material
from tlsmc.measurements import TemperatureHistory, TimeGrid
from tlsmc.dynamics.protocols import PROTOCOL_SHAPES, piecewise_protocol, temperature_protocol
from tlsmc.rates import RATE_CHANNELS, build_rates
from tlsmc.spectrum import TwoLevelSpectrum

SILICA = load_material({"preset": "vitreous_silica"})
CHANNELS = [RATE_CHANNELS["one_phonon"]()]


def shape(**table):
    return from_registry(PROTOCOL_SHAPES, "shape", table, "p")


def test_piecewise_constant_shapes_compile_exactly():
    p = shape(shape="step", initial=1.0, final=0.1, at_s=2.0).compile()
    assert p.initial == 1.0 and list(p.starts_s) == [0.0, 2.0] and list(p.values) == [1.0, 0.1]
    p = shape(shape="rect_pulse", base=0.1, peak=0.3, start_s=1e-3, duration_s=2e-3).compile()
    assert list(p.starts_s) == [0.0, 1e-3, 3e-3] and list(p.values) == [0.1, 0.3, 0.1]
    np.testing.assert_allclose(p.at([-1.0, 0.5e-3, 1e-3, 2.9e-3, 3e-3]), [0.1, 0.1, 0.3, 0.3, 0.1])
    p = shape(shape="constant", value=2.5).compile()
    assert p.integral(4.0) == 10.0


def test_continuous_shapes_keep_their_integral_and_resolution():
    ramp = shape(shape="ramp", initial=0.1, final=0.5, start_s=1.0, duration_s=2.0, resolution=0.01)
    p = ramp.compile()
    assert p.starts_s.size == 42 and np.all(np.abs(np.diff(p.values)) <= 0.01 + 1e-15)
    # ∫ over the ramp: 2 s × mean 0.3 K, plus 1 s at 0.1 before and 7 s at 0.5 after
    assert p.integral(10.0) == pytest.approx(0.1 + 0.6 + 3.5, rel=1e-14)
    exp = shape(shape="exp_pulse", base=0.2, peak=1.2, tau_s=0.5, start_s=0.1, resolution=0.02)
    p = exp.compile()
    f_exact = lambda t: 0.2 + np.exp(-(t - 0.1) / 0.5)  # noqa: E731
    edges = p.starts_s[1:-1]                             # pulse segments (the last is the tail)
    assert p.values[0] == 0.2 and edges[0] == 0.1
    assert np.all(f_exact(edges[:-1]) - f_exact(edges[1:]) <= 0.02 + 1e-12)
    # the excess ∫(f − base) = (peak − base) τ exactly, whatever the resolution
    assert p.integral(100.0) - 0.2 * 100.0 == pytest.approx(0.5, rel=1e-12)
    # segment values are time averages of the exponential
    a, b = p.starts_s[1:-2], p.starts_s[2:-1]
    mean = 0.2 + 0.5 * (np.exp(-(a - 0.1) / 0.5) - np.exp(-(b - 0.1) / 0.5)) / (b - a)
    np.testing.assert_allclose(p.values[1:-2], mean, rtol=1e-12)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_table_previous_and_linear(tmp_path, suffix):
    df = pd.DataFrame({"t_s": [0.0, 1.0, 3.0], "T_K": [0.2, 0.5, 0.3]})
    path = tmp_path / f"T{suffix}"
    df.to_csv(path, index=False) if suffix == ".csv" else df.to_parquet(path)
    prev = shape(shape="table", file=str(path), value_column="T_K").compile()
    assert list(prev.starts_s) == [0, 1, 3] and list(prev.values) == [0.2, 0.5, 0.3]
    lin = shape(shape="table", file=str(path), value_column="T_K", interpolation="linear",
                resolution=0.05).compile()
    assert lin.integral(3.0) == pytest.approx(0.35 + 0.8, rel=1e-12)     # trapezoid areas
    assert lin.values[-1] == 0.3 and lin.starts_s[-1] == 3.0


def _spec(n, rng):
    E = rng.uniform(0.05, 2.0, n)
    d0 = E * 10.0 ** rng.uniform(-8, 0, n)
    return TwoLevelSpectrum(E, np.sqrt(E**2 - d0**2), d0, d0 / E, 2 * np.sqrt(E**2 - d0**2) / E)


def test_history_with_protocol_equals_explicit_segments(tmp_path):
    """A rect pulse given as a shape, as a table and as explicit segments: same U(t), Qdot(t)."""
    rng = np.random.default_rng(1)
    spec = _spec(500, rng)
    w = rng.uniform(1e17, 2e17, 500)
    rates_at = lambda T: build_rates(spec, SILICA, CHANNELS, T)  # noqa: E731
    times = TimeGrid(start_s=1e-6, stop_s=1e3, num=17)
    (tmp_path / "p.csv").write_text("# pulse\nt_s,T_K\n0,0.1\n1e-3,0.4\n2e-3,0.1\n")
    variants = [
        TemperatureHistory(times=times, T_initial_K=0.1, starts_s=(0.0, 1e-3, 2e-3),
                           temperatures_K=(0.1, 0.4, 0.1)),
        TemperatureHistory(times=times, protocol=shape(shape="rect_pulse", base=0.1, peak=0.4,
                                                       start_s=1e-3, duration_s=1e-3)),
        TemperatureHistory(times=times, protocol=shape(shape="table", file=str(tmp_path / "p.csv"),
                                                       value_column="T_K")),
    ]
    rows = []
    for m in variants:
        acc = m.start(500)
        acc.add(spec, w, rates_at)
        rows.append(pd.DataFrame(acc.rows()))
    for other in rows[1:]:
        pd.testing.assert_frame_equal(other, rows[0], rtol=1e-13)
    # and against evolve() on the hand-made Protocol
    ref = evolve(spec.E_K, (1.380649e-23 * w * spec.E_K)[None, :], rates_at,
                 piecewise_protocol(0.1, [0.0, 1e-3, 2e-3], [0.1, 0.4, 0.1]), times.values())
    q = rows[0][rows[0].observable == "Qdot"]["value"].to_numpy()
    np.testing.assert_allclose(q, ref.flux[0], rtol=1e-13)


def test_history_scenario_with_ramp_protocol(base_table):
    base_table["measurement"] = [{"kind": "temperature_history",
                                  "protocol": {"shape": "ramp", "initial": 0.1, "final": 0.3,
                                               "duration_s": 1.0},
                                  "times": {"start_s": 1e-3, "stop_s": 10.0, "num": 5}}]
    sc = tlsmc.parse_scenario(base_table)
    assert tlsmc.parse_scenario(sc.to_table()) == sc
    proto = sc.measurement[0].compiled()
    # steps of <= 1 % of the local T (issue 12 item 6): ceil(ln 3 / ln 1.01) = 111 pieces, not
    # 100 equal ones (0.002 K = 2 % of T at the cold end)
    assert proto.n_segments == 112 and proto.temperatures_K[-1] == 0.3
    assert np.max(np.abs(np.diff(proto.temperatures_K[:-1])) / proto.temperatures_K[:-2]) < 0.0101


# ----------------------------------------------------------------------------- bad input
def _history(protocol):
    return {"kind": "temperature_history", "protocol": protocol,
            "times": {"start_s": 1e-3, "stop_s": 1.0, "num": 3}}


def _pulse(**heater):
    return {"kind": "heat_pulse", "T_bath_K": 0.1,
            "times": {"start_s": 1e-3, "stop_s": 1.0, "num": 3},
            "thermal": {"G0_W_m3_K": 1.0}, "heater": heater}


BAD_TABLES = [
    ("t_s,T_K\n0,0.1\n2,0.2\n2,0.3\n", "t_s must increase strictly (data row 3: 2 <= 2)"),
    ("t_s,T_K\n0,0.1\n1,0.2\n0.5,0.3\n", "t_s must increase strictly (data row 3: 0.5 <= 1)"),
    ("t_s,T_K\n0,0.1\n1,-0.2\n", "T_K (temperature) must be > 0 K (data row 2: -0.2)"),
    ("t_s,T_K\n0,0.1\n1,nan\n", "T_K must be finite numbers (data row 2"),
    ("t_s,T_K\n0,0.1\n1,abc\n", "T_K must be finite numbers (data row 2: 'abc')"),
    ("t_s,T_K\n-1,0.1\n1,0.2\n", "t_s must be >= 0 s (data row 1: -1)"),
    ("time,T_K\n0,0.1\n", "time_column 't_s' is not a column"),
]


@pytest.mark.parametrize("text,message", BAD_TABLES, ids=[str(i) for i in range(len(BAD_TABLES))])
def test_bad_temperature_table_is_named(base_table, tmp_path, text, message):
    path = tmp_path / "T.csv"
    path.write_text(text)
    base_table["measurement"] = [_history({"shape": "table", "file": str(path),
                                           "value_column": "T_K"})]
    with pytest.raises(ConfigError) as err:
        tlsmc.parse_scenario(base_table)
    assert message in str(err.value) and "scenario.measurement[0].protocol" in str(err.value)
    assert "\n" not in str(err.value)


BAD_FIELDS = [
    (_history({"shape": "rect_pulse", "peak": 0.3, "duration_s": 0.0}),
     "scenario.measurement[0].protocol.duration_s must be > 0"),
    (_history({"shape": "exp_pulse", "peak": 0.3, "base": 0.1, "tau_s": -1.0}),
     "scenario.measurement[0].protocol.tau_s must be > 0"),
    (_history({"shape": "ramp", "initial": 0.1, "final": 0.3, "duration_s": -2.0}),
     "scenario.measurement[0].protocol.duration_s must be > 0"),
    (_history({"shape": "step", "initial": 0.1, "final": -0.3}),
     "scenario.measurement[0].protocol.final (temperature) must be > 0 K (got -0.3)"),
    (_history({"shape": "rect_pulse", "peak": 0.3, "duration_s": 1.0}),
     "scenario.measurement[0].protocol.base (temperature) must be > 0 K (got 0)"),
    (_history({"shape": "ramp", "initial": 0.1, "final": math.nan, "duration_s": 1.0}),
     "scenario.measurement[0].protocol.final must be finite"),
    (_history({"shape": "sawtooth"}), "scenario.measurement[0].protocol.shape must be one of"),
    (_pulse(shape="rect_pulse", peak=1.0, duration_s=0.0),
     "scenario.measurement[0].heater.duration_s must be > 0"),
    (_pulse(shape="rect_pulse", peak=-1.0, duration_s=1.0),
     "scenario.measurement[0].heater.peak (heater power) must be >= 0 W m^-3 (got -1)"),
]


@pytest.mark.parametrize("measurement,message", BAD_FIELDS,
                         ids=[m.split(" ")[0] + str(i) for i, (_, m) in enumerate(BAD_FIELDS)])
def test_bad_protocol_field_is_named(base_table, measurement, message):
    base_table["measurement"] = [measurement]
    with pytest.raises(ConfigError) as err:
        tlsmc.parse_scenario(base_table)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_history_protocol_and_flat_fields_are_exclusive(base_table):
    m = _history({"shape": "step", "initial": 0.1, "final": 0.3})
    m["T_initial_K"] = 0.1
    base_table["measurement"] = [m]
    with pytest.raises(ConfigError, match="are alternatives"):
        tlsmc.parse_scenario(base_table)


def _written(name: str, data: bytes):
    def make(d):
        (d / name).write_bytes(data)
        return d / name
    return make


@pytest.mark.parametrize("make,message", [
    (lambda d: d / "missing.csv", "cannot be read (No such file or directory)"),
    (lambda d: d, "cannot be read"),                                    # a directory
    (_written("bad.parquet", b"not parquet"), "is not a readable CSV/Parquet table"),
    (_written("empty.csv", b""), "is not a readable CSV/Parquet table"),
])
def test_missing_or_unreadable_table_one_line_exit_2(tmp_path, capsys, base_table, write_toml,
                                                     make, message):
    data = tmp_path / "data"
    data.mkdir()
    path = make(data)
    base_table["measurement"] = [_history({"shape": "table", "file": str(path),
                                           "value_column": "T_K"})]
    scen = write_toml(base_table, "s.toml")
    out = tmp_path / "out"
    code = main(["run", str(scen), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "scenario.measurement[0].protocol.file" in err and message in err
    assert not out.exists()


def test_temperature_protocol_rejects_zero_kelvin():
    with pytest.raises(ConfigError, match=r"p\.values\[1\] \(temperature\) must be > 0 K"):
        temperature_protocol(shape(shape="segments", initial=1.0, starts_s=[0.0, 1.0],
                                   values=[0.5, 0.0]), "p")
