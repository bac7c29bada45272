"""Time protocols as exact piecewise-constant segments (PHYSICS §5).

A :class:`Protocol` is an initial equilibrium temperature (t < 0) and segments
[t_s, t_{s+1}) of constant phonon temperature; the last segment lasts forever.
Within a segment every TLS relaxes exactly as n(t) = n_eq + (n(t_s) − n_eq) e^{−K (t − t_s)}.

Scenario shapes
---------------
Registry :data:`PROTOCOL_SHAPES` maps ``shape = "..."`` to a frozen config
dataclass whose ``compile()`` returns a :class:`Profile` (value before t = 0,
segment starts, one constant value per segment).  The shapes are generic in
the quantity they describe: a temperature protocol (values in K, must be > 0;
:func:`temperature_protocol`) or a heater power (W m^-3, >= 0).  Shapes:

* ``segments`` — ``initial``, ``starts_s``, ``values``: the segments as given;
* ``constant`` — ``value`` for all t;
* ``step`` — ``initial`` for t < ``at_s``, ``final`` after;
* ``rect_pulse`` — ``base``, ``peak`` on [``start_s``, ``start_s`` + ``duration_s``);
* ``ramp`` — linear from ``initial`` to ``final`` over ``duration_s`` from ``start_s``;
* ``exp_pulse`` — ``base`` + (``peak`` − ``base``) e^{−(t − start_s)/tau_s}, t >= start_s;
* ``table`` — a CSV or Parquet file with columns ``time_column`` (s) and
  ``value_column``; ``interpolation = "previous"`` (piecewise constant, exact)
  or ``"linear"``.

Step, segments, rectangular pulses and ``previous`` tables are piecewise
constant already and compile exactly.  Continuous shapes (ramp, exponential
pulse, linear table) are cut into segments over which the value changes by at
most ``resolution`` (default: 1/100 of the amplitude; for a ramp between two positive
values also at most 1 % of the local value, see :class:`RampShape`); each segment carries the
exact time average of the shape over it, so ∫f dt is preserved (the exponential
tail below the last level is one segment of length 2τ with the tail's exact
integral).  The propagation through the compiled segments is then exact.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from ..config import ConfigError, param, require

__all__ = ["Protocol", "Profile", "step_protocol", "piecewise_protocol", "temperature_protocol",
           "PROTOCOL_SHAPES", "SegmentsShape", "ConstantShape", "StepShape", "RectPulseShape",
           "RampShape", "ExpPulseShape", "TableShape", "read_table", "check_profile_range"]

MAX_SEGMENTS = 1_000_000
"""Upper bound on the number of compiled segments (a guard against tiny resolutions)."""
TEMPERATURE_RANGE_K = (1e-4, 1e4)
"""Accepted protocol temperatures, K (as :data:`tlsmc.measurements.common.T_RANGE_K`)."""
DURATION_RANGE_S = (1e-15, 1e12)
"""Accepted durations and time constants, s: 1 fs .. 1e12 s."""


@dataclass(frozen=True, slots=True)
class Protocol:
    """Piecewise-constant phonon temperature.

    Attributes
    ----------
    T_initial_K : equilibrium temperature before t = 0, K
    starts_s : (S,) segment start times, starts_s[0] = 0, strictly increasing, s
    temperatures_K : (S,) temperature of each segment, K
    """

    T_initial_K: float
    starts_s: np.ndarray
    temperatures_K: np.ndarray

    def __post_init__(self) -> None:
        s, T = self.starts_s, self.temperatures_K
        if s.ndim != 1 or s.shape != T.shape or s.shape[0] == 0:
            raise ValueError("starts_s and temperatures_K must be 1-D of equal, non-zero length")
        if s[0] != 0.0 or not np.all(np.diff(s) > 0) or not np.all(np.isfinite(s)):
            raise ValueError("starts_s must start at 0 and increase strictly")
        if not (np.all(T > 0) and np.all(np.isfinite(T)) and self.T_initial_K > 0):
            raise ValueError("temperatures must be finite and > 0 K")

    @property
    def n_segments(self) -> int:
        return self.starts_s.shape[0]


def step_protocol(T_initial_K: float, T_final_K: float) -> Protocol:
    """Equilibrium at T_initial for t < 0, T_final for t >= 0."""
    return Protocol(float(T_initial_K), np.array([0.0]), np.array([float(T_final_K)]))


def piecewise_protocol(T_initial_K: float, starts_s, temperatures_K) -> Protocol:
    """Equilibrium at T_initial, then temperatures_K[s] from starts_s[s] on."""
    return Protocol(float(T_initial_K), np.asarray(starts_s, dtype=float),
                    np.asarray(temperatures_K, dtype=float))


@dataclass(frozen=True, slots=True)
class Profile:
    """A compiled piecewise-constant function of time f(t).

    Attributes
    ----------
    initial : value for t < 0
    starts_s : (S,) segment starts, starts_s[0] = 0, strictly increasing, s
    values : (S,) value on [starts_s[s], starts_s[s+1]); the last segment lasts forever
    """

    initial: float
    starts_s: np.ndarray
    values: np.ndarray

    def __post_init__(self) -> None:
        s, v = self.starts_s, self.values
        if s.ndim != 1 or s.shape != v.shape or s.shape[0] == 0 or s[0] != 0.0:
            raise ValueError("Profile needs 1-D starts_s (from 0) and values of equal length")
        if not (np.all(np.diff(s) > 0) and np.all(np.isfinite(s)) and np.all(np.isfinite(v))
                and math.isfinite(self.initial)):
            raise ValueError("Profile starts_s must increase strictly; all values finite")

    def at(self, t_s) -> np.ndarray:
        """f(t) (the segment value; ``initial`` for t < 0)."""
        t = np.asarray(t_s, dtype=float)
        idx = np.searchsorted(self.starts_s, t, side="right") - 1
        return np.where(idx < 0, self.initial, self.values[np.maximum(idx, 0)])

    def integral(self, t_s) -> np.ndarray:
        """∫_0^t f dt' (exact for the segments), for t >= 0."""
        t = np.asarray(t_s, dtype=float)
        s, v = self.starts_s, self.values
        cum = np.concatenate([[0.0], np.cumsum(v[:-1] * np.diff(s))])
        idx = np.maximum(np.searchsorted(s, t, side="right") - 1, 0)
        return cum[idx] + v[idx] * (t - s[idx])


def _profile(initial: float, starts, values) -> Profile:
    starts = np.asarray(starts, dtype=float)
    values = np.asarray(values, dtype=float)
    if starts[0] > 0.0:
        starts = np.concatenate([[0.0], starts])
        values = np.concatenate([[initial], values])
    keep = np.concatenate([[True], values[1:] != values[:-1]])  # merge equal neighbours
    return Profile(float(initial), starts[keep], values[keep])


def _n_pieces(change: float, resolution: float, name: str) -> int:
    n = max(1, math.ceil(abs(change) / resolution - 1e-12))
    require(n <= MAX_SEGMENTS, f"{name} is too fine: {n} segments (at most {MAX_SEGMENTS}); "
                               f"increase it")
    return n


# ----------------------------------------------------------------------------- shapes
@dataclass(frozen=True, slots=True)
class SegmentsShape:
    """Explicit segments: ``initial`` for t < 0, ``values[s]`` from ``starts_s[s]`` on.

    All three fields or none (none: the measurement supplies the segments).
    """

    initial: float | None = param(None, doc="value for t < 0")
    starts_s: tuple[float, ...] | None = param(None, unit="s", ge=0, le=1e12)
    values: tuple[float, ...] | None = param(None)

    VALUE_FIELDS = ("initial", "values")

    def is_unset(self) -> bool:
        """True when no field is given (a measurement may then supply the segments)."""
        return self.initial is None and self.starts_s is None and self.values is None

    def validate(self, prefix: str) -> None:
        if self.is_unset():
            return
        for name in ("initial", "starts_s", "values"):
            require(getattr(self, name) is not None, f"{prefix}.{name} is missing")
        require(len(self.starts_s) == len(self.values),
                f"{prefix}.starts_s and {prefix}.values must have equal length "
                f"(got {len(self.starts_s)} and {len(self.values)})")
        require(self.starts_s[0] == 0.0,
                f"{prefix}.starts_s[0] must be 0 s (got {self.starts_s[0]:g})")
        for i in range(1, len(self.starts_s)):
            require(self.starts_s[i] > self.starts_s[i - 1],
                    f"{prefix}.starts_s must increase strictly (starts_s[{i}] = "
                    f"{self.starts_s[i]:g} <= {self.starts_s[i - 1]:g})")

    def compile(self, prefix: str = "protocol") -> Profile:
        return Profile(float(self.initial), np.asarray(self.starts_s, float),
                       np.asarray(self.values, float))


@dataclass(frozen=True, slots=True)
class ConstantShape:
    """f(t) = ``value`` for all t (e.g. no heater: value = 0)."""

    value: float = param(0.0)

    VALUE_FIELDS = ("value",)

    def compile(self, prefix: str = "protocol") -> Profile:
        return Profile(self.value, np.array([0.0]), np.array([self.value]))


@dataclass(frozen=True, slots=True)
class StepShape:
    """``initial`` for t < ``at_s``, ``final`` from ``at_s`` on."""

    initial: float = param(doc="value before the step")
    final: float = param(doc="value after the step")
    at_s: float = param(0.0, unit="s", ge=0, le=1e12)

    VALUE_FIELDS = ("initial", "final")

    def compile(self, prefix: str = "protocol") -> Profile:
        return _profile(self.initial, [self.at_s], [self.final])


@dataclass(frozen=True, slots=True)
class RectPulseShape:
    """``base``, except ``peak`` on [``start_s``, ``start_s`` + ``duration_s``)."""

    peak: float = param(doc="value during the pulse")
    duration_s: float = param(unit="s", gt=0, range=DURATION_RANGE_S, doc="1e-15..1e12 s")
    base: float = param(0.0, doc="value outside the pulse")
    start_s: float = param(0.0, unit="s", ge=0, le=1e12)

    VALUE_FIELDS = ("base", "peak")

    def compile(self, prefix: str = "protocol") -> Profile:
        return _profile(self.base, [self.start_s, self.start_s + self.duration_s],
                        [self.peak, self.base])


@dataclass(frozen=True, slots=True)
class RampShape:
    """Linear from ``initial`` (t <= start_s) to ``final`` (t >= start_s + duration_s).

    With ``resolution`` given: ceil(|final − initial| / resolution) equal segments.  By
    default the segment edges are those values v_k at which the value changes by at most
    |final − initial|/100 and, when both ends are > 0 (temperatures), by at most
    ``REL_STEP`` = 1 % of the local value: n = max(100, ceil(|ln(final/initial)| /
    ln(1 + REL_STEP))) pieces with geometric edges v_k = initial (final/initial)^{k/n} when
    the second count is larger (a 10 -> 0.1 K ramp: 463 pieces, the last at 0.1005 K instead
    of 0.1495 K with 100 equal ones), else 100 equal pieces.  Each segment lasts the time the
    linear ramp takes between its edges and carries the ramp's time average over it, the
    mean of its edge values (so ∫ f dt is exact).
    """

    initial: float = param()
    final: float = param()
    duration_s: float = param(unit="s", gt=0, range=DURATION_RANGE_S, doc="1e-15..1e12 s")
    start_s: float = param(0.0, unit="s", ge=0, le=1e12)
    resolution: float | None = param(None, gt=0, doc="max change within a segment "
                                                      "(default |final − initial|/100)")

    VALUE_FIELDS = ("initial", "final")

    def validate(self, prefix: str) -> None:
        require(self.final != self.initial,
                f"{prefix}.final must differ from {prefix}.initial (got {self.final:g})")
        self._pieces(prefix)

    REL_STEP = 0.01

    def _geometric(self) -> int:
        """Pieces of the relative (geometric) default, 0 where it does not apply."""
        if self.resolution is not None or not (self.initial > 0 and self.final > 0):
            return 0
        n = math.ceil(abs(math.log(self.final / self.initial)) / math.log1p(self.REL_STEP)
                      - 1e-12)
        return n if n > 100 else 0

    def _pieces(self, prefix: str) -> int:
        n_geo = self._geometric()
        if n_geo:
            require(n_geo <= MAX_SEGMENTS, f"{prefix}: {n_geo} segments (at most {MAX_SEGMENTS})")
            return n_geo
        res = self.resolution or abs(self.final - self.initial) / 100.0
        return _n_pieces(self.final - self.initial, res, f"{prefix}.resolution")

    def compile(self, prefix: str = "protocol") -> Profile:
        n = self._pieces(prefix)
        k = np.arange(n + 1) / n
        if self._geometric():
            levels = self.initial * (self.final / self.initial) ** k
            levels[-1] = self.final
            frac = (levels - self.initial) / (self.final - self.initial)
        else:
            levels = self.initial + (self.final - self.initial) * k
            frac = k
        edges = self.start_s + self.duration_s * frac
        mids = 0.5 * (levels[:-1] + levels[1:])
        return _profile(self.initial, edges, np.append(mids, self.final))


@dataclass(frozen=True, slots=True)
class ExpPulseShape:
    """``base`` for t < start_s, then base + (peak − base) e^{−(t − start_s)/tau_s}.

    Segment edges where the amplitude A = peak − base has decayed by whole
    multiples of ``resolution``; each segment carries the exact mean of the
    exponential over it; the remaining tail a e^{−s/τ} (a <= resolution) is one
    segment of length 2τ and value a/2 (same integral aτ); then ``base``.
    """

    peak: float = param()
    tau_s: float = param(unit="s", gt=0, range=DURATION_RANGE_S, doc="decay time, 1e-15..1e12 s")
    base: float = param(0.0)
    start_s: float = param(0.0, unit="s", ge=0, le=1e12)
    resolution: float | None = param(None, gt=0, doc="max change within a segment "
                                                      "(default |peak − base|/100)")

    VALUE_FIELDS = ("base", "peak")

    def validate(self, prefix: str) -> None:
        require(self.peak != self.base,
                f"{prefix}.peak must differ from {prefix}.base (got {self.peak:g})")
        self._pieces(prefix)

    def _pieces(self, prefix: str) -> int:
        res = self.resolution or abs(self.peak - self.base) / 100.0
        return _n_pieces(self.peak - self.base, res, f"{prefix}.resolution")

    def compile(self, prefix: str = "protocol") -> Profile:
        A, tau = self.peak - self.base, self.tau_s
        n = self._pieces(prefix)
        level = 1.0 - np.arange(n) / n                     # amplitude fractions at the edges
        s = -tau * np.log(level)                           # edge offsets, s[0] = 0
        frac = level[:-1] - level[1:]                      # ∫ over [s_k, s_k+1] = A τ frac
        means = A * tau * frac / np.diff(s)
        tail = 0.5 * A * level[-1]
        starts = self.start_s + np.concatenate([s, [s[-1] + 2.0 * tau]])
        values = self.base + np.concatenate([means, [tail, 0.0]])
        return _profile(self.base, starts, values)


def read_table(path: str, time_column: str, value_column: str, prefix: str
               ) -> tuple[np.ndarray, np.ndarray]:
    """Read (t, f) columns of a CSV (``#`` comments allowed) or Parquet file.

    Raises
    ------
    ConfigError
        missing or unreadable file, missing column, non-numeric or non-finite
        entries, times < 0 or not strictly increasing (one line, names the field).
    """
    import pandas as pd

    p = Path(path)
    where = f"{prefix}.file {path!r}"
    try:
        if p.suffix.lower() in (".parquet", ".pq"):
            df = pd.read_parquet(p)
        else:
            df = pd.read_csv(p, comment="#", skipinitialspace=True)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigError(f"{where} cannot be read ({reason})") from None
    except Exception as exc:  # parser errors of pandas / pyarrow: report one line
        text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ConfigError(f"{where} is not a readable CSV/Parquet table ({text})") from None
    for key, col in (("time_column", time_column), ("value_column", value_column)):
        require(col in df.columns, f"{prefix}.{key} {col!r} is not a column of {path!r} "
                                   f"(columns: {', '.join(map(str, df.columns))})")
    require(len(df) > 0, f"{where} has no data rows")
    t = pd.to_numeric(df[time_column], errors="coerce").to_numpy(dtype=float)
    f = pd.to_numeric(df[value_column], errors="coerce").to_numpy(dtype=float)
    for col, arr in ((time_column, t), (value_column, f)):
        bad = np.nonzero(~np.isfinite(arr))[0]
        if bad.size:
            raise ConfigError(f"{where}: {col} must be finite numbers "
                              f"(data row {bad[0] + 1}: {df[col].iloc[bad[0]]!r})")
    if t[0] < 0:
        raise ConfigError(f"{where}: {time_column} must be >= 0 s (data row 1: {t[0]:g})")
    dec = np.nonzero(np.diff(t) <= 0)[0]
    if dec.size:
        k = dec[0]
        raise ConfigError(f"{where}: {time_column} must increase strictly "
                          f"(data row {k + 2}: {t[k + 1]:g} <= {t[k]:g})")
    return t, f


@dataclass(frozen=True, slots=True)
class TableShape:
    """Tabulated f(t) from a CSV or Parquet file (path relative to the working directory).

    ``previous``: f = value of the last row with t_row <= t (exact segments);
    ``linear``: linear between rows, compiled like a ramp between each pair.
    Before the first row (and for t < 0) the value is ``initial`` (default:
    the first row's value); after the last row, the last value.
    """

    file: str = param(doc="CSV or Parquet file")
    time_column: str = param("t_s")
    value_column: str = param("value")
    interpolation: str = param("previous", choices=("previous", "linear"))
    initial: float | None = param(None, doc="value for t < 0 (default: first row)")
    resolution: float | None = param(None, gt=0, doc="linear only: max change within a "
                                                      "segment (default: value range/100)")

    def validate(self, prefix: str) -> None:
        self.compile(prefix)

    def read(self, prefix: str = "table") -> tuple[np.ndarray, np.ndarray]:
        return read_table(self.file, self.time_column, self.value_column, prefix)

    def compile(self, prefix: str = "table") -> Profile:
        t, f = self.read(prefix)
        initial = float(f[0]) if self.initial is None else self.initial
        if self.interpolation == "previous" or t.shape[0] == 1:
            return _profile(initial, t, f)
        span = float(np.ptp(f))
        res = self.resolution or (span / 100.0 if span > 0 else 1.0)
        pieces = [max(1, math.ceil(abs(d) / res - 1e-12)) for d in np.diff(f)]
        require(sum(pieces) <= MAX_SEGMENTS, f"{prefix}.resolution is too fine: {sum(pieces)} "
                                             f"segments (at most {MAX_SEGMENTS}); increase it")
        starts, values = [], []
        for k, m in enumerate(pieces):
            u = np.arange(m) / m
            starts.append(t[k] + (t[k + 1] - t[k]) * u)
            values.append(f[k] + (f[k + 1] - f[k]) * (u + 0.5 / m))
        starts.append(t[-1:])
        values.append(f[-1:])
        return _profile(initial, np.concatenate(starts), np.concatenate(values))

    def check_range(self, prefix: str, what: str, lower: float, strict: bool, unit: str,
                    within: tuple[float, float] | None = None) -> None:
        _, f = self.read(prefix)
        bad = np.nonzero(~(f > lower) if strict else ~(f >= lower))[0]
        sym = ">" if strict else ">="
        if bad.size:
            raise ConfigError(f"{prefix}.file {self.file!r}: {self.value_column} ({what}) must be "
                              f"{sym} {lower:g} {unit} (data row {bad[0] + 1}: {f[bad[0]]:g})")
        if within is not None:
            bad = np.nonzero(~((f >= within[0]) & (f <= within[1])))[0]
            if bad.size:
                raise ConfigError(f"{prefix}.file {self.file!r}: {self.value_column} ({what}) must "
                                  f"be within [{within[0]:g}, {within[1]:g}] {unit} (data row "
                                  f"{bad[0] + 1}: {f[bad[0]]:g})")
        if self.initial is not None:
            ok = self.initial > lower if strict else self.initial >= lower
            require(ok, f"{prefix}.initial must be {sym} {lower:g} {unit} (got {self.initial:g})")
            require(within is None or within[0] <= self.initial <= within[1],
                    f"{prefix}.initial must be within [{within[0]:g}, {within[1]:g}] {unit} "
                    f"(got {self.initial:g})")


PROTOCOL_SHAPES: dict[str, type] = {
    "segments": SegmentsShape,
    "constant": ConstantShape,
    "step": StepShape,
    "rect_pulse": RectPulseShape,
    "ramp": RampShape,
    "exp_pulse": ExpPulseShape,
    "table": TableShape,
}


def check_profile_range(shape, prefix: str, what: str, lower: float, strict: bool,
                        unit: str, within: tuple[float, float] | None = None) -> None:
    """ConfigError naming ``prefix.<field>`` unless every value of ``shape`` is > (or >=) lower
    and, if given, within the physical range ``within = (lo, hi)``."""
    if hasattr(shape, "check_range"):
        shape.check_range(prefix, what, lower, strict, unit, within)
        return
    sym = ">" if strict else ">="
    names = {f.name for f in fields(shape)}
    for name in shape.VALUE_FIELDS:
        if name not in names:
            continue
        value = getattr(shape, name)
        items = value if isinstance(value, tuple) else (value,)
        for i, v in enumerate(items):
            if v is None:
                continue
            ok = v > lower if strict else v >= lower
            label = f"{prefix}.{name}" + (f"[{i}]" if isinstance(value, tuple) else "")
            require(ok, f"{label} ({what}) must be {sym} {lower:g} {unit} (got {v:g})")
            require(within is None or within[0] <= v <= within[1],
                    f"{label} ({what}) must be {sym} {lower:g} {unit}, within "
                    f"[{within[0]:g}, {within[1]:g}] {unit} (got {v:g})")


def temperature_protocol(shape, prefix: str = "protocol") -> Protocol:
    """Compile a shape whose values are temperatures (K, all > 0) into a :class:`Protocol`."""
    check_profile_range(shape, prefix, "temperature", 0.0, True, "K", TEMPERATURE_RANGE_K)
    prof = shape.compile(prefix)
    return Protocol(prof.initial, prof.starts_s, prof.values)
