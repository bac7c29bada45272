"""The tree as a contract: plug-in registries against their Protocols, no import cycles,
module sizes, one caller package per kernel module, relative imports inside the package."""
from __future__ import annotations

import ast
import functools
import operator
import subprocess
import sys
from pathlib import Path

import pytest

import tlsmc
from tlsmc.comparison import COMPARISONS, CONTEXTS, Comparison
from tlsmc.config import from_table
from tlsmc.executors import EXECUTORS, Executor
from tlsmc.measurements import MEASUREMENTS, Accumulator, Measurement
from tlsmc.population import POPULATION_MODELS, PopulationModel
from tlsmc.rates import RATE_CHANNELS, RateChannel
from tlsmc.spectrum import SPECTRUM_SOLVERS

PKG = Path(tlsmc.__file__).parent
MODULES = sorted(
    ".".join(p.relative_to(PKG.parent).with_suffix("").parts).removesuffix(".__init__")
    for p in PKG.rglob("*.py"))


def _has_members(cls, protocol) -> list[str]:
    names = [n for n in protocol.__dict__.get("__annotations__", {})] + [
        n for n, v in vars(protocol).items() if callable(v) and not n.startswith("_")]
    return [n for n in names if not hasattr(cls, n)]


@pytest.mark.parametrize("registry, protocol", [
    (POPULATION_MODELS, PopulationModel), (RATE_CHANNELS, RateChannel),
    (MEASUREMENTS, Measurement)], ids=["population", "rates", "measurements"])
def test_every_registry_entry_meets_its_contract(registry, protocol):
    for name, cls in registry.items():
        missing = _has_members(cls, protocol)
        assert not missing, f"{name}: {cls.__name__} lacks {missing}"


def test_every_executor_meets_its_contract():
    double = functools.partial(operator.mul, 2)   # picklable: the work crosses processes
    for name, factory in EXECUTORS.items():
        ex = factory()
        assert isinstance(ex, Executor), name
        assert ex.name == name
        if name != "dask":   # a LocalCluster is exercised in tests/test_executors_dask.py
            try:
                assert list(ex.map_chunks(double, [3, 1, 2])) == [6, 2, 4]   # chunk order
            finally:
                ex.close()


def test_every_population_model_has_a_spectrum_solver_and_accumulators_meet_contract(tmp_path):
    assert set(POPULATION_MODELS) <= set(SPECTRUM_SOLVERS)
    sc = tlsmc.load_scenario(Path(__file__).parents[1] / "scenarios" / "silica_heat_capacity.toml")
    for m in sc.measurement:
        assert isinstance(m.start(10, sc), Accumulator)


def test_comparison_registry_keys_name_real_registry_entries():
    for (model, kind), entry in COMPARISONS.items():
        assert model in POPULATION_MODELS and kind in MEASUREMENTS, (model, kind)
        assert isinstance(entry, Comparison)
        assert entry.context is None or entry.context in CONTEXTS
        assert callable(entry.rows)


def test_a_contract_violation_is_caught():
    class NoRate:
        def check_material(self, material):
            pass
    assert _has_members(NoRate, RateChannel) == ["add_rate"]
    assert from_table is not None


_IMPORT_EACH = """
import importlib, sys, traceback
root, modules = sys.argv[1], sys.argv[2:]
loaded = {}     # module -> the modules of `root` its import on its own loads; None if it failed
failed = []


def clear():
    for name in [m for m in sys.modules if m == root or m.startswith(root + ".")]:
        del sys.modules[name]


def on_its_own(module):
    parent = module.rpartition(".")[0]
    if parent:
        if parent not in loaded:
            on_its_own(parent)
        if loaded[parent] is None:
            loaded[module] = None
            failed.append(module + ": its package " + parent + " fails to import")
            return
        if module in loaded[parent]:      # the same import, executed in the same order
            loaded[module] = loaded[parent]
            return
    clear()
    try:
        importlib.import_module(module)
        loaded[module] = frozenset(m for m in sys.modules if m == root or m.startswith(root + "."))
    except Exception:
        loaded[module] = None
        failed.append(module + ": " + traceback.format_exc(limit=3))


for module in modules:
    if module not in loaded:
        on_its_own(module)
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


def _import_each(root: str, modules, cwd) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", _IMPORT_EACH, root, *modules],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd)


def test_every_module_imports_on_its_own():
    """Each module is imported first, with no tlsmc module loaded before it (a fresh
    interpreter; tlsmc is cleared from sys.modules between imports, third-party packages stay
    loaded to keep this fast): an import cycle kept alive only by import order fails here.

    Python imports a module's parent package before the module, and returns the module at
    once if that already loaded it.  So importing `a.b.c` on its own executes exactly what
    importing `a.b` on its own executes whenever the latter loads `a.b.c`; the script imports
    a module separately only when its package's import did not load it (41 of 129 imports:
    `tlsmc/__init__` loads most of the package).  No import order is lost: the cases below
    show a cycle and an order-dependent cycle outside the package's own import are caught."""
    halves = (MODULES[0::2], MODULES[1::2])        # two interpreters at once (2 cores)
    procs = [_import_each("tlsmc", half, PKG.parent) for half in halves]
    for proc in procs:
        out, err = proc.communicate()
        assert proc.returncode == 0, out[-3000:] + err[-3000:]


def _package(tmp_path, files: dict[str, str]) -> Path:
    pkg = tmp_path / "cyc"
    pkg.mkdir()
    for name, text in {"__init__.py": "", **files}.items():
        (pkg / name).write_text(text)
    return tmp_path


def test_a_cycle_is_detected_by_the_import_check(tmp_path):
    cwd = _package(tmp_path, {"a.py": "from .b import B\nA = 1\n",
                              "b.py": "from .a import A\nB = 2\n"})
    out, _ = _import_each("cyc", ["cyc.a"], cwd).communicate()
    assert "cyc.a: " in out and "ImportError" in out


def test_an_import_order_dependent_cycle_is_detected(tmp_path):
    """`cyc.c` imports on its own only when `cyc.d` was imported first; listed after `cyc.d`,
    and with a package import that loads neither, the check must still fail it (and pass d).
    A package that imports `cyc.d` itself makes `c` import fine in every order: passes."""
    files = {"c.py": "from . import d\nC = 1\n", "d.py": "from .c import C\nD = 2\n",
             "ok.py": "OK = 3\n"}
    cwd = _package(tmp_path, {**files, "__init__.py": "from . import ok\n"})
    proc = _import_each("cyc", ["cyc", "cyc.ok", "cyc.d", "cyc.c"], cwd)
    out, _ = proc.communicate()
    assert proc.returncode == 1 and "cyc.c: " in out and "cyc.d: " not in out
    (tmp_path / "cyc" / "__init__.py").write_text("from . import d\n")
    proc = _import_each("cyc", ["cyc", "cyc.ok", "cyc.d", "cyc.c"], cwd)
    assert proc.wait() == 0


def test_no_module_over_500_lines():
    long = {str(p.relative_to(PKG)): n for p in PKG.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > 500}
    assert not long, long


def _imports(path: Path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            yield node


def test_imports_inside_the_package_are_relative():
    absolute = [f"{p.relative_to(PKG)}:{n.lineno}" for p in PKG.rglob("*.py")
                for n in _imports(p) if n.level == 0 and (n.module or "").startswith("tlsmc")]
    assert not absolute, absolute


def test_each_kernel_module_has_one_caller_package():
    callers: dict[str, set[str]] = {}
    for p in PKG.rglob("*.py"):
        rel = p.relative_to(PKG).parts
        if rel[0] == "_kernels":
            continue
        for n in _imports(p):
            depth = len(rel) - 1
            if n.level == depth + 1 and (n.module or "").startswith("_kernels"):
                mods = [n.module] if n.module != "_kernels" else [
                    f"_kernels.{a.name}" for a in n.names]
                for mod in mods:
                    callers.setdefault(mod, set()).add(rel[0] if len(rel) > 1 else "(top)")
    shared = {k: v for k, v in callers.items() if len(v) > 1}
    assert callers and not shared, shared


def test_analytic_is_not_imported_by_the_simulation_stages():
    stages = ("population", "spectrum", "rates", "dynamics", "measurements", "executors")
    bad = [f"{p.relative_to(PKG)}:{n.lineno}" for s in stages for p in (PKG / s).rglob("*.py")
           for n in _imports(p) if "analytic" in (n.module or "")]
    assert not bad, bad


def test_a_quadrature_outside_its_range_leaves_the_measurement_out(monkeypatch):
    """A quadrature that cannot evaluate a point (OutsideQuadrature) drops that measurement
    from the comparison with the reason in the note; the run itself still completes."""
    import tlsmc.comparison as comparison
    from tlsmc.analytic.quadrature import OutsideQuadrature

    sc = tlsmc.load_scenario(Path(__file__).parents[1] / "scenarios" / "silica_heat_release.toml")

    def outside(m, context, scenario):
        raise OutsideQuadrature("E up to 1 K at T = 2 K")

    entry = COMPARISONS[("tunneling", "heat_release")]
    monkeypatch.setitem(COMPARISONS, ("tunneling", "heat_release"),
                        Comparison(entry.context, outside))
    res = tlsmc.run(sc, n_tls=65536, seed=1)
    assert res.comparison is None or "heat_release" not in set(res.comparison.get("observable", []))
    assert "HeatRelease (E up to 1 K at T = 2 K)" in res.metadata["comparison_note"]
    assert comparison.comparison_table is not None
