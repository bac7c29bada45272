"""Reproducible randomness: one spawned ``SeedSequence`` per fixed block of TLSs.

A population of ``n_tls`` samples is cut into blocks of :data:`SEED_BLOCK`
samples; block ``b`` draws from ``Generator(PCG64(SeedSequence(seed).spawn(...)[b]))``.
Chunks (the unit of work and of memory) are whole numbers of blocks, so the
chunk size, the thread count and the executor never change a sample.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["SEED_BLOCK", "Chunk", "plan_chunks", "block_generators"]

SEED_BLOCK: int = 65536
"""Samples per seed block (even, so antithetic pairs never straddle blocks)."""


@dataclass(frozen=True, slots=True)
class Chunk:
    """Samples ``start <= i < stop`` of a population; ``index`` counts chunks."""

    index: int
    start: int
    stop: int

    @property
    def size(self) -> int:
        return self.stop - self.start


def plan_chunks(n_tls: int, chunk_size: int) -> list[Chunk]:
    """Cut ``n_tls`` samples into chunks of ``chunk_size`` (a multiple of SEED_BLOCK)."""
    if n_tls <= 0:
        raise ValueError(f"n_tls must be > 0 (got {n_tls})")
    if chunk_size <= 0 or chunk_size % SEED_BLOCK:
        raise ValueError(f"chunk_size must be a positive multiple of {SEED_BLOCK} (got {chunk_size})")
    starts = range(0, n_tls, chunk_size)
    return [Chunk(i, s, min(s + chunk_size, n_tls)) for i, s in enumerate(starts)]


def seed_entropy(seed: int | None) -> int:
    """The entropy of the root SeedSequence: ``seed`` itself, or fresh OS entropy."""
    return int(np.random.SeedSequence(seed).entropy)


def block_generators(entropy: int, chunk: Chunk):
    """Yield ``(rng, n)`` for each seed block of ``chunk``, in order."""
    root = np.random.SeedSequence(entropy)
    first = chunk.start // SEED_BLOCK
    last = (chunk.stop - 1) // SEED_BLOCK
    # spawn() is stateful; derive the children of blocks first..last directly.
    for b in range(first, last + 1):
        child = np.random.SeedSequence(root.entropy, spawn_key=(b,))
        lo = max(chunk.start, b * SEED_BLOCK)
        hi = min(chunk.stop, (b + 1) * SEED_BLOCK)
        yield np.random.Generator(np.random.PCG64(child)), hi - lo
