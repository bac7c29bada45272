"""Typed, range-checked construction of frozen dataclasses from TOML tables.

Every scenario section is a frozen dataclass whose fields carry their unit and
allowed range in ``dataclasses.field(metadata=...)`` (see :func:`param`).
:func:`from_table` builds one from a plain ``dict`` and fails on the first bad
value with a :class:`ConfigError` whose one-line message names the dotted field
and the allowed range, e.g. ``population.J_min must be < population.J_max (got
60 >= 40)``.  Unknown keys, missing fields, wrong types and non-finite numbers
are all rejected here, so the physics code never sees them.  Numbers also have a
physical range (``param(range=(lo, hi))``) chosen so that nothing accepted overflows,
underflows to zero or turns into NaN downstream; NumPy scalars are accepted where Python
numbers are (bools are not integers).  :func:`to_table` is the exact inverse, so a
dataclass tree built or changed in code is re-checked by ``from_table(cls, to_table(obj))``
(:func:`tlsmc.scenario.validate_scenario`).
"""
from __future__ import annotations

import dataclasses
import math
import types
import typing
from typing import Any

import numpy as np

__all__ = ["ConfigError", "param", "from_table", "from_registry", "to_table", "require",
           "given_term", "derive_term", "apply_terms", "DERIVED_KEY"]

DERIVED_KEY = "derived"
"""Sub-table that :func:`to_table` writes next to a term given in place of a raw field
(e.g. ``lambda_min`` for ``J_min``): the raw values derived from it at load time, recorded
for run.json.  :func:`tlsmc.scenario.parse_scenario` accepts it back only if it matches."""


class ConfigError(ValueError):
    """Bad input.  The message is one line naming the field and the allowed range."""


_MISSING = dataclasses.MISSING


def param(
    default: Any = _MISSING,
    *,
    unit: str = "",
    gt: float | None = None,
    ge: float | None = None,
    lt: float | None = None,
    le: float | None = None,
    choices: typing.Iterable[str] | None = None,
    registry: dict[str, type] | None = None,
    registry_key: str = "kind",
    loader: typing.Callable[[Any, str], Any] | None = None,
    range: tuple[float, float] | None = None,
    allow_empty: bool | None = None,
    term: bool = False,
    scalar_ok: bool = False,
    doc: str = "",
):
    """A dataclass field with its unit and allowed range (checked by :func:`from_table`).

    ``registry`` makes the field a table whose ``registry_key`` entry names the
    dataclass (from the registry) that the rest of the table builds; ``loader``
    is a function ``(value, dotted_name) -> object`` that builds the field.
    ``range = (lo, hi)`` is the physically meaningful, numerically safe interval
    lo <= value <= hi (in ``unit``) on top of the sign bounds ``gt``/``ge``/``lt``/``le``;
    the field's doc says why.  ``allow_empty`` lets a list field be empty (default: only when its default is
    ``()``, so that a default survives the :func:`to_table` round trip).  The range
    (``gt``/``ge``/``lt``/``le``) applies to every item of a list field.  ``term = True``
    marks an optional field that is one of several ways of giving the same quantity (a
    class's ``TERMS``): :func:`to_table` leaves it out while it is None.  ``scalar_ok``
    lets a list-of-numbers field be given as one number (a one-item list; errors name the
    field without an index).
    """
    if allow_empty is None:
        allow_empty = isinstance(default, tuple) and len(default) == 0
    meta = {"unit": unit, "gt": gt, "ge": ge, "lt": lt, "le": le,
            "choices": tuple(choices) if choices is not None else None, "doc": doc,
            "registry": registry, "registry_key": registry_key, "loader": loader,
            "allow_empty": allow_empty, "term": term, "scalar_ok": scalar_ok, "range": tuple(range) if range is not None else None}
    if isinstance(default, (list, dict)):
        raise TypeError("mutable defaults are not allowed; use a tuple")
    return dataclasses.field(default=default, metadata=meta)


def require(condition: bool, message: str) -> None:
    """Raise :class:`ConfigError` with ``message`` unless ``condition`` holds."""
    if not condition:
        raise ConfigError(message)


def _range_text(meta: dict) -> str:
    """``> 0 K, within [0.0001, 10000] K``: the sign bounds, then the physical range."""
    parts = []
    for key, sym in (("gt", ">"), ("ge", ">="), ("lt", "<"), ("le", "<=")):
        if meta.get(key) is not None:
            parts.append(f"{sym} {meta[key]:g}")
    unit = f" {meta['unit']}" if meta.get("unit") else ""
    text = (" and ".join(parts) + unit) if parts else ""
    if meta.get("range") is not None:
        lo, hi = meta["range"]
        text += (", " if text else "") + f"within [{lo:g}, {hi:g}]{unit}"
    return text or "finite" + unit


def _check_number(value: float, meta: dict, name: str) -> None:
    if not math.isfinite(value):
        raise ConfigError(f"{name} must be finite, {_range_text(meta)} (got {value})")
    bad = ((meta.get("gt") is not None and not value > meta["gt"])
           or (meta.get("ge") is not None and not value >= meta["ge"])
           or (meta.get("lt") is not None and not value < meta["lt"])
           or (meta.get("le") is not None and not value <= meta["le"])
           or (meta.get("range") is not None
               and not meta["range"][0] <= value <= meta["range"][1]))
    if bad:
        raise ConfigError(f"{name} must be {_range_text(meta)} (got {value:g})")


def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", str(tp))


def from_registry(registry: dict[str, type], key: str, table: Any, name: str):
    """Build the registry entry named by ``table[key]`` from the rest of ``table``."""
    if not isinstance(table, dict):
        raise ConfigError(f"{name} must be a table (got {type(table).__name__})")
    table = dict(table)
    choice = table.pop(key, None)
    if choice not in registry:
        raise ConfigError(f"{name}.{key} must be one of {', '.join(sorted(registry))} "
                          f"(got {choice!r})")
    return from_table(registry[choice], table, name)


def _is_bool(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_))


def _convert(value: Any, tp: Any, meta: dict, name: str) -> Any:
    if meta.get("loader"):
        if not isinstance(value, dict):
            raise ConfigError(f"{name} must be a table (got {type(value).__name__})")
        return meta["loader"](value, name)
    if meta.get("registry") and typing.get_origin(tp) is not tuple:
        return from_registry(meta["registry"], meta["registry_key"], value, name)
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _convert(value, args[0], meta, name)
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise ConfigError(f"{name} must be a table (got {type(value).__name__})")
        return from_table(tp, value, name)
    if origin is tuple:
        (item_tp, *_rest) = typing.get_args(tp)
        if isinstance(value, np.ndarray) and value.ndim == 1:
            items = value.tolist()
        elif isinstance(value, (list, tuple)):
            items = value
        elif item_tp is str and isinstance(value, str):
            items = [value]
        elif (meta.get("scalar_ok") and not _is_bool(value)
              and isinstance(value, (int, float, np.integer, np.floating))):
            return (_convert(value, item_tp, meta, name),)
        else:
            raise ConfigError(f"{name} must be a list of {_type_name(item_tp)} "
                              f"(got {type(value).__name__})")
        if len(items) == 0 and not meta.get("allow_empty"):
            raise ConfigError(f"{name} must not be empty")
        if meta.get("registry"):
            return tuple(from_registry(meta["registry"], meta["registry_key"], v, f"{name}[{i}]")
                         for i, v in enumerate(items))
        out = tuple(_convert(v, item_tp, meta, f"{name}[{i}]") for i, v in enumerate(items))
        if item_tp is str and meta.get("choices"):
            for i, v in enumerate(out):
                if v in out[:i]:
                    raise ConfigError(f"{name}[{i}] repeats {v!r} (each of "
                                      f"{', '.join(meta['choices'])} at most once)")
        return out
    if tp is float:
        if _is_bool(value) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise ConfigError(f"{name} must be a number, {_range_text(meta)} "
                              f"(got {type(value).__name__} {value!r})")
        try:
            value = float(value)
        except OverflowError:
            value = math.copysign(math.inf, value)
        _check_number(value, meta, name)
        return value
    if tp is int:
        if _is_bool(value) or not isinstance(value, (int, np.integer)):
            raise ConfigError(f"{name} must be an integer, {_range_text(meta)} "
                              f"(got {type(value).__name__} {value!r})")
        value = int(value)
        if abs(value) > 2**128:          # beyond any field (seeds: 128-bit OS entropy)
            raise ConfigError(f"{name} must be {_range_text(meta)} (got {value})")
        _check_number(value, meta, name)
        return value
    if tp is bool:
        if not _is_bool(value):
            raise ConfigError(f"{name} must be true or false (got {value!r})")
        return bool(value)
    if tp is str:
        if not isinstance(value, str):
            raise ConfigError(f"{name} must be a string (got {type(value).__name__} {value!r})")
        choices = meta.get("choices")
        if choices and value not in choices:
            raise ConfigError(f"{name} must be one of {', '.join(choices)} (got {value!r})")
        return value
    raise TypeError(f"unsupported field type {tp!r} for {name}")  # programming error


def from_table(cls: type, table: dict, prefix: str):
    """Build dataclass ``cls`` from ``table``; every error names ``prefix.field``.

    After construction, ``cls.validate(self, prefix)`` is called if defined, for
    checks that involve several fields.
    """
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    for key in table:
        if key not in fields:
            allowed = ", ".join(sorted(fields))
            raise ConfigError(f"{prefix}.{key} is not a known key (allowed: {allowed})")
    kwargs = {}
    for fname, f in fields.items():
        name = f"{prefix}.{fname}"
        if fname not in table:
            if f.default is _MISSING and f.default_factory is _MISSING:
                meta = dict(f.metadata)
                hint = _range_text(meta) if hints[fname] in (float, int) else _type_name(hints[fname])
                raise ConfigError(f"{name} is missing (required: {hint})")
            continue
        kwargs[fname] = _convert(table[fname], hints[fname], dict(f.metadata), name)
    obj = cls(**kwargs)
    validate = getattr(obj, "validate", None)
    if validate is not None:
        validate(prefix)
    return obj


def registry_name(registry: dict[str, type], obj: Any) -> str:
    """The registry name under which ``type(obj)`` is registered."""
    for name, cls in registry.items():
        if type(obj) is cls:
            return name
    raise KeyError(type(obj).__name__)


def to_table(obj: Any, prefix: str = "scenario") -> Any:
    """Inverse of :func:`from_table`: a JSON/TOML-ready plain structure.

    Registry fields come back with their ``registry_key`` entry; tuples and 1-D
    arrays become lists, NumPy scalars Python scalars (so the result is plain data
    and ``from_table(cls, to_table(obj))`` re-checks every value).  An object in a
    registry field that is not a registered class is a :class:`ConfigError` naming
    the dotted field ``prefix.<field>``.
    """
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {}
        for f in dataclasses.fields(obj):
            name = f"{prefix}.{f.name}"
            raw = getattr(obj, f.name)
            value = to_table(raw, name)
            reg = f.metadata.get("registry")
            key = f.metadata.get("registry_key")
            if reg and isinstance(raw, (tuple, list)):
                value = [{key: _registered(reg, r, f"{name}[{i}]", key), **v}
                         for i, (r, v) in enumerate(zip(raw, value))]
            elif reg and raw is not None:
                value = {key: _registered(reg, raw, name, key), **value}
            out[f.name] = value
        return apply_terms(obj, out)
    if isinstance(obj, (tuple, list)):
        return [to_table(v, f"{prefix}[{i}]") for i, v in enumerate(obj)]
    if isinstance(obj, dict):
        return {k: to_table(v, f"{prefix}.{k}") for k, v in obj.items()}
    if isinstance(obj, np.ndarray):
        return [to_table(v, f"{prefix}[{i}]") for i, v in enumerate(obj.tolist())]
    if isinstance(obj, np.generic):
        return obj.item()
    return obj


def _registered(registry: dict[str, type], obj: Any, name: str, key: str) -> str:
    try:
        return registry_name(registry, obj)
    except KeyError:
        raise ConfigError(f"{name} must be one of the {key}s {', '.join(sorted(registry))} "
                          f"(got a {type(obj).__name__})") from None


def apply_terms(obj: Any, out: dict) -> dict:
    """Write ``obj``'s table ``out`` in the terms it was given in: unset term fields are left
    out, and a raw field derived from a given alternative (``type(obj).TERMS``: raw name ->
    alternative names) moves from ``out`` into ``out["derived"]``."""
    for f in dataclasses.fields(obj):
        if f.metadata.get("term") and getattr(obj, f.name) is None:
            out.pop(f.name, None)
    derived = {}
    for raw, alternatives in getattr(type(obj), "TERMS", {}).items():
        if any(getattr(obj, a) is not None for a in alternatives) and raw in out:
            derived[raw] = out.pop(raw)
    if derived:
        out[DERIVED_KEY] = derived
    return out


def given_term(obj: Any, raw: str, prefix: str, required: bool = True) -> str | None:
    """Which of ``raw`` and its alternatives (``type(obj).TERMS[raw]``) is set: exactly one
    (or, unless ``required``, none); a ConfigError naming them otherwise."""
    names = (raw, *type(obj).TERMS[raw])
    given = [n for n in names if getattr(obj, n) is not None]
    options = " or ".join(f"{prefix}.{n}" for n in names)
    require(len(given) <= 1, f"{prefix}.{given[-1] if given else raw}: give only one of "
                             f"{options} (got {', '.join(given)})")
    require(given or not required, f"{prefix}.{raw} is missing (give one of {options})")
    return given[0] if given else None


def derive_term(obj: Any, raw: str, value: float, prefix: str, given: str) -> None:
    """Set field ``raw`` of the frozen ``obj`` (under construction) to ``value`` derived from
    the given term ``given``; ConfigError naming both if it is outside ``raw``'s range."""
    meta = dict(next(f for f in dataclasses.fields(obj) if f.name == raw).metadata)
    try:
        _check_number(float(value), meta, f"{prefix}.{raw}")
    except ConfigError as exc:
        raise ConfigError(f"{prefix}.{given} = {getattr(obj, given):g} gives {exc}") from None
    object.__setattr__(obj, raw, float(value))
