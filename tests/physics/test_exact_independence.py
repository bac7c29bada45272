"""The ``exact`` column is computed independently of the Monte Carlo it checks (issue 12).

* The exact quadrature modules import none of the Monte Carlo's physics (solver, population
  model code, spectrum conversion, rate builder/channels/kernels, dynamics).
* The independent soft-potential solver (:mod:`tlsmc.analytic.quadrature.soft_spectrum`)
  agrees with the Monte Carlo's (:func:`tlsmc.spectrum.soft_solver.solve_soft`) on quadrature
  nodes (measured: E, Δ0 4.5e-8 relative for depths h < 9; E 3.4e-7, Δ0 1.3e-6 for
  h <= 16 — the finite-difference error of ln Δ0 grows with the tunnelling action; E21 2e-9),
  D and M to < 1e-6 of their scale (measured 2.4e-7); GGP's check point Δ0(η = −6, t = 0) = 0.0414 W; the δ branch ends where
  PHYSICS §9 says.
* The independent multiphonon rate agrees with the Monte Carlo's table (|Δ ln K| < 5e-4,
  the table's stated accuracy).
* Mutation guard: a factor √2 in the Monte Carlo's soft coupling M (monkeypatched into the
  spectrum stage) makes the MC-vs-exact comparison fail (max |z| > 4) — it would not if the
  quadrature still used the Monte Carlo's code.
"""
from __future__ import annotations

import ast
import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest

from tlsmc.analytic.quadrature.soft import SoftQuadrature
from tlsmc.analytic.quadrature.soft_spectrum import delta_branch, solve_levels
from tlsmc.materials import load_material
from tlsmc.population.soft import SoftPotentialModel
from tlsmc.rates import build_rates
from tlsmc.rates.one_phonon import OnePhonon
from tlsmc.spectrum import SPECTRUM_SOLVERS, solve_spectrum
from tlsmc.spectrum.soft_solver import solve_soft
from tlsmc.dynamics.occupations import occupation_and_derivative
from tlsmc.units import K_B

QUAD = Path(__file__).resolve().parents[2] / "tlsmc" / "analytic" / "quadrature"
FORBIDDEN = ("spectrum", "rates", "dynamics", "_kernels", "population")


@pytest.mark.parametrize("name", ["soft_spectrum", "soft", "rates", "propagation", "multiphonon",
                                  "soft_acoustics", "conduction", "tf_conduction", "tf_acoustics",
                                  "acoustics", "dielectric", "metals", "step_function",
                                  "stm", "tf_velocity", "soft_dielectric"])
def test_exact_modules_import_no_monte_carlo_physics(name):
    """Only tlsmc.units (and, in rates.py, the TF parameter container of tlsmc.rates.tf for
    the tf_* channels) may be imported from outside tlsmc.analytic."""
    tree = ast.parse((QUAD / f"{name}.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level >= 3:
            mod = node.module or ""
            if mod == "rates.tf" and [a.name for a in node.names] == ["tf_parameters"]:
                continue
            assert not mod.split(".")[0] in FORBIDDEN, f"{name}.py imports tlsmc.{mod}"


def _nodes():
    rng = np.random.default_rng(12)
    h = rng.uniform(3.0, 16.0, 300)
    tb = np.sqrt(2.0) * 0.03 / h ** 1.5 * rng.uniform(-1, 1, 300) * 10.0 ** rng.uniform(-6, 0, 300)
    return -h, tb


def test_solver_agrees_with_the_monte_carlo_solver():
    eta, t = _nodes()
    chi = 1.0
    mine, mc = solve_levels(eta, t), solve_soft(eta, t, chi=chi)
    ok = mc.resolved & (mc.ratio > 2.5)
    assert ok.sum() > 250
    rel = lambda a, b, sel=ok: np.abs(a[sel] / b[sel] - 1.0).max()
    shallow = ok & (eta > -9.0)
    print("max relative differences (all, h < 9): E", rel(mine.E, mc.E), rel(mine.E, mc.E, shallow),
          "Delta0", rel(mine.delta0, mc.delta0), rel(mine.delta0, mc.delta0, shallow),
          "E21", rel(mine.E21, mc.E21))
    assert rel(mine.E, mc.E, shallow) < 1e-7 and rel(mine.delta0, mc.delta0, shallow) < 1e-7
    assert rel(mine.E, mc.E) < 1e-6 and rel(mine.delta0, mc.delta0) < 3e-6
    assert rel(mine.E21, mc.E21) < 1e-8
    D, M = mine.couplings(eta, t, chi)
    scale = np.abs(mc.x2_00[ok])
    assert (np.abs(D[ok] - mc.D_over_c[ok]) / scale).max() < 1e-6
    assert (np.abs(np.abs(M[ok]) - np.abs(mc.M_over_c[ok])) / scale).max() < 1e-6


def test_check_points():
    lv = solve_levels(np.array([-6.0]), np.array([0.0]))
    assert lv.delta0[0] == pytest.approx(0.0414, abs=5e-5)           # PHYSICS §2
    # δ branch ends at |η|^{3/2} = (3√6/4) χ for t = 0 (PHYSICS §9)
    chi = 1.3
    edge = (3.0 * math.sqrt(6.0) / 4.0 * chi) ** (2.0 / 3.0)
    _, ok = delta_branch(np.array([-edge * 1.001, -edge * 0.999]), np.zeros(2), chi)
    assert ok.tolist() == [True, False]
    d, _ = delta_branch(-8.0, 0.4, 0.7)
    assert 0.7 + 2 * -8.0 * d - 3 * 0.4 * d * d + 4 * d ** 3 == pytest.approx(0.0, abs=1e-12)


def test_multiphonon_rate_agrees_with_the_monte_carlo_table():
    from tlsmc.analytic.quadrature.multiphonon import multiphonon_total_rate
    from tlsmc.rates.multiphonon import multiphonon_rate
    from tlsmc.rates.vibrations import TFParameters
    P = TFParameters.tf1982()
    E = np.geomspace(1e-4, 100.0, 25)
    d = 0.8 * E
    d0 = np.sqrt(E * E - d * d)
    for T in (0.2, 2.0):
        up, down = multiphonon_rate(E, d, 0.5 * d0, T, P)
        assert np.abs(np.log(multiphonon_total_rate(E, d, d0, T, P) / (up + down))).max() < 5e-4


# ----------------------------------------------------------------------------- mutation guard
MAT = load_material({"preset": "soft_glass"})
MODEL = SoftPotentialModel(E_max_K=1.0, depth_max=16.0, energy_knee_K=0.01, antithetic=False)


def _max_z(n: int = 32768) -> float:
    """max |z| of MC C(T,t) against the quadrature, both built under the current patches."""
    pop = MODEL.sample(MAT, np.random.default_rng(7), n, n)
    spec = solve_spectrum(pop, MAT)
    quad = SoftQuadrature(MODEL, MAT, (OnePhonon(),), h_panel=2.0, nodes=5, u_decades=6,
                          u_per_decade=1)
    times = np.geomspace(1e-6, 1e2, 5)
    z = []
    for T in (0.05, 0.2):
        _, dndT = occupation_and_derivative(spec.E_K, T)
        g = K_B * pop.weight * spec.E_K * dndT
        K = build_rates(spec, MAT, (OnePhonon(),), T).K
        for t, ex in zip(times, quad.heat_capacity(T, times)):
            terms = g * -np.expm1(-K * t)
            z.append((terms.sum() - ex) / (math.sqrt(n) * terms.std(ddof=1)))
    return float(np.max(np.abs(z)))


def test_mutated_monte_carlo_coupling_is_caught(monkeypatch):
    """M ×√2 in the Monte Carlo's spectrum stage (rates ×2): the comparison must fail."""
    orig = SPECTRUM_SOLVERS["soft"]

    def mutated(pop, material):
        sp = orig(pop, material)
        return dataclasses.replace(sp, M_unit=sp.M_unit * math.sqrt(2.0))

    monkeypatch.setitem(SPECTRUM_SOLVERS, "soft", mutated)
    assert _max_z() > 4.0


def test_unmutated_comparison_passes():
    """Control for the mutation guard: the same comparison without the patch, max |z| < 4."""
    assert _max_z() < 4.0


# ----------------------------------------------------------------------------- TF multiphonon
def _raman_run(n: int = 32768):
    """TF multiphonon channel where its multiphonon part matters: E <= Δ_max = 2 K at T = 5 K
    (two-phonon Raman processes dominate the rate for E <~ 0.02 T³ K, PHYSICS §4.3)."""
    import tlsmc
    table = {
        "run": {"name": "z_tf_raman", "n_tls": n, "seed": 33, "chunk_size": 65536},
        "material": {"preset": "tf1982"},
        "population": {"model": "tunneling", "delta_max_K": 2.0, "delta_knee_K": 1e-3,
                       "J0": {"distribution": "structural", "J_str": 67.0, "J_max": 85.0,
                              "shape": "peaked", "peak_amplitude": 3.0, "peak_width": 1.0}},
        "rates": [{"kind": "tf_multiphonon"}],
        "measurement": [{"kind": "heat_capacity", "temperatures_K": [5.0],
                         "times": {"start_s": 1e-8, "stop_s": 1e4, "num": 7},
                         "observables": ["C", "C_tf"]}],
        "comparison": {"analytic": True},
    }
    c = tlsmc.run(tlsmc.parse_scenario(table)).comparison
    return float(np.nanmax(np.abs(c.z)))


def test_multiphonon_table_mutation_is_caught(monkeypatch):
    """+0.7 in the exponent r of the Monte Carlo's multiphonon table (shared by the channel and,
    before issue 12, by the exact column): max |z| < 4 without it, > 4 with it (measured with
    65536 TLSs: 1.7 and 20)."""
    from tlsmc.rates import multiphonon
    assert _raman_run() < 4.0
    row = multiphonon.MultiphononTable.row
    monkeypatch.setattr(multiphonon.MultiphononTable, "row", lambda self, T: row(self, T) + 0.7)
    assert _raman_run() > 4.0
