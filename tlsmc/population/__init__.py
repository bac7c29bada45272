"""Stage 1, population: explicit TLS samples with weights (PHYSICS §0, §1).

Receives a scenario's ``[population]`` table (a model config dataclass), the material, the
run's seed entropy and a chunk (which samples); draws the chunk's samples block by block,
one spawned seed per block of :data:`tlsmc.seeding.SEED_BLOCK` samples, and returns a
population container: structure-of-arrays with a ``weight`` per sample (real TLSs per m³
that it stands for), so every observable is a weighted sum, unbiased whatever proposal the
samples were drawn from.  Models: ``tunneling`` (:mod:`.tunneling`, J0 distributions in
:mod:`.j0`) and ``soft`` (:mod:`.soft`, the η/t soft-potential plane).

Registry :data:`POPULATION_MODELS` maps ``population.model`` to its config class; each
satisfies the :class:`PopulationModel` contract.
"""
from __future__ import annotations

import dataclasses
from typing import Protocol, runtime_checkable

import numpy as np

from ..materials import Material
from ..seeding import Chunk, block_generators
from .soft import SoftPopulation, SoftPotentialModel
from .tunneling import TunnelingModel, TunnelingPopulation, check_arrays

__all__ = ["PopulationModel", "POPULATION_MODELS", "sample_population", "TunnelingModel",
           "TunnelingPopulation", "SoftPotentialModel", "SoftPopulation", "check_arrays"]


@runtime_checkable
class PopulationModel(Protocol):
    """Contract of a ``[population]`` model (a frozen config dataclass).

    ``sample`` draws ``n`` samples (one seed block, generator ``rng``) of a population of
    ``n_total`` and returns a container with a ``weight`` array (m^-3), ``__len__`` and a
    class attribute ``model`` naming its spectrum solver (:data:`tlsmc.spectrum.SPECTRUM_SOLVERS`);
    ``check_material`` raises :class:`~tlsmc.config.ConfigError` naming a material field the
    model needs and lacks; ``validate(prefix)`` checks cross-field constraints at load time.
    """

    def sample(self, material: Material, rng: np.random.Generator, n: int, n_total: int): ...

    def check_material(self, material: Material) -> None: ...

    def validate(self, prefix: str) -> None: ...


POPULATION_MODELS: dict[str, type] = {"tunneling": TunnelingModel, "soft": SoftPotentialModel}


def sample_population(model, material: Material, entropy: int, chunk: Chunk,
                      n_total: int):
    """Samples ``chunk.start .. chunk.stop`` of a population of ``n_total``.

    Parameters
    ----------
    model : a :data:`POPULATION_MODELS` config instance
    entropy : root seed entropy of the run
    chunk : which samples; the result does not depend on how samples are chunked
    """
    parts = [model.sample(material, rng, n, n_total) for rng, n in block_generators(entropy, chunk)]
    if len(parts) == 1:
        return parts[0]
    cls = type(parts[0])
    return cls(**{f.name: np.concatenate([getattr(p, f.name) for p in parts])
                  for f in dataclasses.fields(cls)})


