"""Material parameter sets: presets as data (``materials.toml``) with their sources.

A scenario's ``[material]`` table names a ``preset`` and may override any field;
the result is a frozen :class:`Material`.  Fields a model does not use stay
``None``; a stage that needs one asks through :meth:`Material.need`, which fails
with a message naming the field and the stage that needs it.
"""
from __future__ import annotations

import copy
import dataclasses
import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any, ClassVar

from .config import ConfigError, apply_terms, derive_term, from_table, given_term, param, require
from .units import HBAR, K_B

__all__ = ["Material", "load_material", "material_to_table", "preset_names"]


@dataclass(frozen=True, slots=True)
class Material:
    """Material constants, SI units (names carry the unit).

    Tunneling-model (STM) fields: mass density, longitudinal/transverse sound
    velocities, deformation potentials γ_l, γ_t (γ = ½ ∂Δ/∂ε, PHYSICS §3), the
    STM density P̄ per unit energy per unit λ per m³ (Δ >= 0 only, PHYSICS §8),
    Debye temperature, bulk modulus, and the tunneling attempt frequency ν of
    TF eq. 9 (angular): Δ0 = 2ħν exp(−J0/2).

    TF 1982 fields (rate channels ``tf_nondiagonal``, ``tf_multiphonon``; with ν and
    Θ_D above they make ``vibrations.TFParameters``): J', J'', the mass M (amu) and the
    Einstein energy ħΩ.  TF's n(0) (per unit energy per unit J0) is P̄/2.  J0_str, J0_max
    and delta_E0_K record the paper's reference population; the scenario's
    ``[population]`` sets the simulated cut-offs.

    Soft-potential fields (population model ``soft``, GGP 1985): W, η_L, ψ (per unit η per
    unit t, so ψ η_L^{3/2} per unit η̃ t̃), χ and the dilatation c.  The one-phonon coupling
    of a soft TLS is M_α = γ_α M_over_c with γ_α = W c_α/η_L (PHYSICS §3), so a soft preset
    sets gamma_l_eV, gamma_t_eV to W c_l/η_L, W c_t/η_L (tlsmc.spectrum, soft spectra).

    Metallic-glass fields (PHYSICS §12): the superconducting T_c, the dimensionless
    TLS–conduction-electron coupling K_e (rate channel ``electron``) and the electron density
    of states at the Fermi level ν(μ) per unit energy per m³, both spins (GGP eq. 7.3).
    Every numeric field has a physical range (``param(range=...)``, stated in its doc): wide
    enough for any glass, narrow enough that no accepted value overflows, underflows to 0 or
    gives NaN downstream (tests/test_validation_edges.py runs the corners).
    """

    name: str = param("custom", doc="preset name, or 'custom'")
    description: str = param("", doc="free text")
    density_kg_m3: float | None = param(None, unit="kg m^-3", gt=0, range=(1.0, 1e5),
                                        doc="mass density ρ; 1..1e5 kg m^-3 (aerogels to "
                                            "osmium ×4; rates ∝ 1/ρ)")
    v_l_m_s: float | None = param(None, unit="m s^-1", gt=0, range=(10.0, 1e5),
                                  doc="longitudinal sound velocity; 10..1e5 m s^-1 (rates ∝ v^-5)")
    v_t_m_s: float | None = param(None, unit="m s^-1", gt=0, range=(10.0, 1e5),
                                  doc="transverse sound velocity; 10..1e5 m s^-1")
    gamma_l_eV: float | None = param(None, unit="eV", gt=0, range=(1e-3, 1e2),
                                     doc="deformation potential γ_l; 1e-3..1e2 eV (glasses: 0.1-3)")
    gamma_t_eV: float | None = param(None, unit="eV", ge=0, range=(0.0, 1e2),
                                     doc="deformation potential γ_t; 0..1e2 eV")
    P_bar_per_J_m3: float | None = param(None, unit="J^-1 m^-3", gt=0, range=(1e30, 1e50),
                                         doc="STM density P̄; 1e30..1e50 J^-1 m^-3 "
                                             "(glasses: 1e44-1e46)")
    theta_D_K: float | None = param(None, unit="K", gt=0, range=(1.0, 1e4),
                                    doc="Debye temperature; 1..1e4 K")
    bulk_modulus_Pa: float | None = param(None, unit="Pa", gt=0, range=(1e6, 1e13),
                                          doc="bulk modulus B; 1e6..1e13 Pa (rubber to diamond ×20)")
    nu_rad_s: float | None = param(None, unit="rad s^-1", gt=0, range=(1e9, 1e16),
                                   doc="attempt frequency ν (TF eq. 9); 1e9..1e16 rad s^-1 "
                                       "(ħν/k_B = 7.6 mK..76 kK; phonons: 1e12-1e14)")
    # Trakhtenberg–Flerov (TF 1982) vibration-assisted tunneling (rate channels tf_*):
    J1_per_m: float | None = param(None, unit="m^-1", gt=0, range=(1e10, 1e13),
                                   doc="J' = ∂J/∂ΔR (TF §3); 1e10..1e13 m^-1 (1..1000 Å^-1; TF: 200)")
    J2_per_m2: float | None = param(None, unit="m^-2", gt=0, range=(1e20, 1e25),
                                    doc="J'' = ∂²J/∂ΔR² (TF §3-4); 1e20..1e25 m^-2 "
                                        "(1..1e5 Å^-2; TF: 400-1200)")
    tf_mass_amu: float | None = param(None, unit="amu", gt=0, range=(1.0, 1e4),
                                      doc="mass M that sets the phonon spectrum (TF §3); 1..1e4 amu")
    omega_E_K: float | None = param(None, unit="K", gt=0, range=(1.0, 1e4),
                                    doc="Einstein energy ħΩ/k_B (TF eq. 7); 1..1e4 K")
    # TF's reference TLS population (a scenario's [population] sets the model's cut-offs):
    J0_str: float | None = param(None, unit="", ge=0, range=(0.0, 200.0),
                                 doc="structural lower limit of J0 (TF §3-4); 0..200 like "
                                     "population.J0")
    J0_max: float | None = param(None, unit="", gt=0, range=(0.0, 200.0),
                                 doc="upper end of J0; 0..200 (population.J0: no underflow)")
    delta_E0_K: float | None = param(None, unit="K", gt=0, range=(1e-6, 1e4),
                                     doc="ΔE0: n(ΔE) constant below it (TF eq. 8); 1e-6..1e4 K")
    # Soft-potential (KKI) model, GGP 1985 (population model "soft"; PHYSICS §1b, §3):
    W_K: float | None = param(None, unit="K", gt=0, range=(0.1, 1e4),
                              doc="energy scale W (GGP eq. 2.3); 0.1..1e4 K (GGP: ~30 K)")
    eta_L: float | None = param(None, unit="", gt=0, range=(1e-5, 1.0),
                                doc="η_L (GGP eq. 2.4): η = η_L η̃, t = η_L^½ t̃; 1e-5..1 (GGP: 1e-2)")
    psi_per_m3: float | None = param(None, unit="m^-3", gt=0, range=(1e15, 1e40),
                                     doc="GGP ψ1 (eq. 5.2): TLSs per m³ per unit η per unit t; "
                                         "1e15..1e40 m^-3")
    soft_chi: float | None = param(None, unit="", ge=0, range=(0.0, 10.0),
                                   doc="χ of GGP eq. 3.2 (origin shift δ); 0..10 (GGP: order 1-4)")
    soft_c: float | None = param(None, unit="", range=(-1e3, 1e3),
                                 doc="c of GGP eq. 3.7 (dilatation): D = W (c/η_L) D_over_c; "
                                     "-1e3..1e3 (GGP: 5-7)")
    # Metallic glasses (GGP §7; rate channel ``electron``, measurement ``electronic_expansion``):
    Tc_K: float | None = param(None, unit="K", gt=0, le=100,
                               doc="superconducting T_c (BCS gap, tlsmc.rates.bcs); unset: normal metal")
    electron_coupling: float | None = param(None, unit="", gt=0, le=1,
                                            doc="K_e of K = (π/2)K_e(Δ0/E)²(E/ħ)coth(E/2T) (rates.electron)")
    nu_F_per_J_m3: float | None = param(None, unit="J^-1 m^-3", gt=0, range=(1e40, 1e50),
                                        doc="ν(μ): electron DOS at the Fermi level, both spins (GGP eq. 7.3)")
    # Dielectric response (measurement "dielectric", PHYSICS §10): p·F replaces γε,
    # ε0εr replaces ρv², ⟨cos²θ⟩ = 1/3.  p = ½ ∂Δ/∂F along the dipole (H ∋ p·F σz).
    dipole_debye: float | None = param(None, unit="D", gt=0, le=100,
                                       doc="TLS dipole p (H ∋ p F cosθ σz), debye")
    soft_dipole_debye: float | None = param(None, unit="D", gt=0, le=100,
                                            doc="soft potentials: p0, dipole per unit y "
                                                "(H ∋ −p0 F cosθ y, y in a η_L^½), debye")
    eps_r: float | None = param(None, unit="", ge=1, le=1e4, doc="host relative permittivity εr")
    T2_s: float | None = param(None, unit="s", gt=0, le=1e3, doc="TLS dephasing time T2")
    sources: tuple[str, ...] = param(("scenario",), doc="'field: citation' lines")
    # The same quantities in other usual terms (at most one of each pair; the raw field is
    # derived when the material is read, and run.json records both):
    hbar_omega0_K: float | None = param(None, unit="K", gt=0, range=(1.5e-2, 1.5e5), term=True,
                                        doc="ħω0 = 2ħν (STM: Δ0 = ħω0 e^{−λ}), K; the "
                                            "alternative to nu_rad_s")
    P_bar_per_J0_J_m3: float | None = param(None, unit="J^-1 m^-3", gt=0, range=(5e29, 5e49),
                                            term=True,
                                            doc="TF's n(0): density per unit energy per unit "
                                                "J0 = P̄/2 (PHYSICS §1a, §8); the alternative "
                                                "to P_bar_per_J_m3 (per unit λ)")
    TERMS: ClassVar[dict] = {"nu_rad_s": ("hbar_omega0_K",),
                             "P_bar_per_J_m3": ("P_bar_per_J0_J_m3",)}

    def hbar_omega0_K_value(self) -> float | None:
        """ħω0 = 2ħν in K (None without ν)."""
        return None if self.nu_rad_s is None else 2.0 * self.nu_rad_s * (HBAR / K_B)

    def validate(self, prefix: str) -> None:
        if given_term(self, "nu_rad_s", prefix, required=False) == "hbar_omega0_K":
            derive_term(self, "nu_rad_s", self.hbar_omega0_K * (K_B / HBAR) / 2.0, prefix,
                        "hbar_omega0_K")
        if given_term(self, "P_bar_per_J_m3", prefix, required=False) == "P_bar_per_J0_J_m3":
            derive_term(self, "P_bar_per_J_m3", 2.0 * self.P_bar_per_J0_J_m3, prefix,
                        "P_bar_per_J0_J_m3")
        if self.J0_str is not None and self.J0_max is not None:
            require(self.J0_str < self.J0_max, f"{prefix}.J0_str must be < {prefix}.J0_max "
                                               f"(got {self.J0_str:g} >= {self.J0_max:g})")

    def need(self, field: str, by: str) -> float:
        """Value of ``field``; ConfigError naming it if the material lacks it."""
        value = getattr(self, field)
        if value is None:
            raise ConfigError(f"scenario.material.{field} is required by {by} "
                              f"(set it in [material] or use a preset that has it)")
        return value


@functools.lru_cache(maxsize=1)
def _parsed_presets() -> dict[str, dict[str, Any]]:
    text = resources.files("tlsmc").joinpath("materials.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _presets() -> dict[str, dict[str, Any]]:
    """The shipped presets (materials.toml, parsed once per process; a fresh copy each call)."""
    return copy.deepcopy(_parsed_presets())


def preset_names() -> list[str]:
    """Names of the material presets shipped with tlsmc."""
    return sorted(_presets())


def load_material(table: dict[str, Any], prefix: str = "material") -> Material:
    """Build a :class:`Material` from a scenario's ``[material]`` table.

    ``preset = NAME`` loads a preset; every other key overrides one field
    (recorded in ``sources`` as 'field: scenario override').
    """
    table = dict(table)
    preset = table.pop("preset", None)
    merged: dict[str, Any] = {}
    sources: list[str] = []
    if preset is not None:
        presets = _presets()
        if not isinstance(preset, str) or preset not in presets:
            raise ConfigError(f"{prefix}.preset must be one of {', '.join(sorted(presets))} "
                              f"(got {preset!r})")
        data = dict(presets[preset])
        sources = [f"{k}: {v}" for k, v in data.pop("sources", {}).items()]
        merged.update(data, name=preset)
    if "sources" in table:
        raise ConfigError(f"{prefix}.sources is set by presets only (remove it)")
    if "name" in table:
        raise ConfigError(f"{prefix}.name is set by the preset (use 'preset' or 'description')")
    for raw, alternatives in Material.TERMS.items():   # an override in other terms replaces
        group = (raw, *alternatives)                    # the preset's value
        if any(k in table for k in group):
            for k in group:
                merged.pop(k, None)
    merged.update(table)
    sources += [f"{k}: scenario override" for k in table if k != "description"]
    merged["sources"] = tuple(sources) or ("scenario",)
    return from_table(Material, merged, prefix)


def material_to_table(material: Material) -> dict[str, Any]:
    """Inverse of :func:`load_material`: ``preset`` plus the fields that differ from it."""
    fields = {f.name: getattr(material, f.name) for f in dataclasses.fields(Material)
              if f.name not in ("name", "sources")}
    presets = _presets()
    if material.name not in presets:
        return apply_terms(material, {k: v for k, v in fields.items() if v is not None})
    base = load_material({"preset": material.name})
    overridden = [line.split(":")[0] for line in material.sources     # in their order, so
                  if line.endswith(": scenario override")]              # sources round-trip
    order = [k for k in overridden if k in fields] + [k for k in fields if k not in overridden]
    changed = {k: fields[k] for k in order if fields[k] != getattr(base, k) or k in overridden}
    for raw, alternatives in Material.TERMS.items():    # derived from a term: recorded
        if any(getattr(material, a) is not None for a in alternatives):
            changed.setdefault(raw, getattr(material, raw))
    return {"preset": material.name, **apply_terms(material, changed)}


def with_fields(material: Material, **changes: Any) -> Material:
    """A copy of ``material`` with some fields replaced (tests, parameter scans)."""
    return dataclasses.replace(material, **changes)
