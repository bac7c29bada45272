"""Merging two runs of one scenario made with different seeds (:meth:`Results.merge`)."""
from __future__ import annotations

import copy

import numpy as np
import pandas as pd

__all__ = ["merge_results"]

_POINT_KEYS = ["measurement", "observable", "T_K", "t_s", "T1_K", "step_K", "f_Hz",
               "polarization", "part", "field_V_m", "model", "unit"]


def _scenario_without_seed(meta: dict) -> dict:
    scen = copy.deepcopy(meta.get("scenario", {}))
    for key in ("seed", "n_tls"):
        scen.get("run", {}).pop(key, None)
    return scen


def _seeds(meta: dict) -> list[str]:
    return [str(s) for s in (meta.get("seed_entropies") or [meta.get("seed_entropy")])]


def merge_results(a, b):
    """See :meth:`tlsmc.results.Results.merge`."""
    from .results import Results
    name_a = a.metadata.get("scenario", {}).get("run", {}).get("name", "?")
    name_b = b.metadata.get("scenario", {}).get("run", {}).get("name", "?")
    if _scenario_without_seed(a.metadata) != _scenario_without_seed(b.metadata):
        raise ValueError(f"cannot merge runs of different scenarios ({name_a!r} and {name_b!r} "
                         "differ in more than run.seed and run.n_tls)")
    seeds_a, seeds_b = _seeds(a.metadata), _seeds(b.metadata)
    if set(seeds_a) & set(seeds_b):
        raise ValueError(f"cannot merge runs with the same seed entropy "
                         f"({', '.join(sorted(set(seeds_a) & set(seeds_b)))}): they are not "
                         "independent")
    na, nb = float(a.metadata["n_tls"]), float(b.metadata["n_tls"])
    keys = [k for k in _POINT_KEYS if k in a.observables.columns]
    left, right = a.observables, b.observables
    joined = left.merge(right[keys + ["value", "stderr"]], on=keys, how="left",
                        suffixes=("", "_b"), indicator=True, validate="one_to_one")
    if len(left) != len(right) or (joined["_merge"] != "both").any():
        raise ValueError(f"cannot merge runs of {name_a!r}: their observables have different "
                         "points")
    obs = joined.drop(columns="_merge")
    obs["value"] = (na * obs["value"] + nb * obs["value_b"]) / (na + nb)
    obs["stderr"] = np.hypot(na * obs["stderr"], nb * obs["stderr_b"]) / (na + nb)
    obs = obs.drop(columns=["value_b", "stderr_b"])[list(left.columns)]
    comparison = None
    if a.comparison is not None:
        comparison = a.comparison.drop(columns=["mc", "mc_stderr", "z"])
        ckeys = [k for k in ("measurement", "observable", "T_K", "t_s", "T1_K")
                 if k in comparison.columns and k in obs.columns]
        mc = obs[ckeys + ["value", "stderr"]].rename(columns={"value": "mc",
                                                              "stderr": "mc_stderr"})
        comparison = comparison.merge(mc, on=ckeys, how="left")
        with np.errstate(divide="ignore", invalid="ignore"):
            comparison["z"] = (comparison["mc"] - comparison["exact"]) / comparison["mc_stderr"]
        comparison = comparison[list(a.comparison.columns)]
    meta = copy.deepcopy(a.metadata)
    meta["seed_entropies"] = seeds_a + seeds_b
    meta["n_tls"] = int(na + nb)
    meta["n_chunks"] = a.metadata.get("n_chunks", 0) + b.metadata.get("n_chunks", 0)
    meta["merged_from"] = [{k: m.get(k) for k in ("seed_entropy", "n_tls", "wall_time_s")}
                           for m in (a.metadata, b.metadata)]
    wall_a = a.metadata.get("wall_time_s", {})
    wall_b = b.metadata.get("wall_time_s", {})
    meta["wall_time_s"] = {k: wall_a.get(k, 0.0) + wall_b.get(k, 0.0)
                           for k in {*wall_a, *wall_b}}
    return Results(pd.DataFrame(obs), comparison, meta)
