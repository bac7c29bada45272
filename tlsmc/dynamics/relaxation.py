"""Exact relaxation sums over a population after a temperature step.

After a step to a constant temperature every TLS relaxes as e^{−K t}
(PHYSICS §5), so every step observable is a sum

.. math:: S(t) = \\sum_i g_i\\, F(K_i t),\\qquad
          F \\in \\{1 - e^{-x},\\ (1 - e^{-x})^2,\\ x e^{-x},\\ x^2 e^{-2x},\\ (1 - e^{-x}) x e^{-x}\\}

(the squares and the product give the standard errors).  :class:`RelaxationSums` accumulates
log-rate moments chunk by chunk (memory independent of N and of the number of
times) and evaluates S at any t afterwards; see
:mod:`tlsmc._kernels.relaxation` for the method.  Accuracy: relative error
below 1e-12 of Σ|g| at every t (tested against the term-by-term sum).
"""
from __future__ import annotations

import threading

import numpy as np

from .._kernels import relaxation as _k

__all__ = ["RelaxationSums", "relaxation_sum_direct"]


class RelaxationSums:
    """Accumulator of Σ g_s F(K t) for ``n_series`` weight vectors g_s sharing rates K.

    Parameters
    ----------
    n_series : number of weight vectors g (rows of ``G`` in :meth:`add`)
    """

    def __init__(self, n_series: int):
        self.n_series = n_series
        self._centres, self._log2, self._inv_centres = _CENTRES, _LOG2, _INV_CENTRES
        self._mu = np.zeros((n_series, _k.N_BINS + 2, _k.ORDER + 1))
        self._counts = np.zeros(_k.N_BINS + 2, dtype=np.int64)

    def add(self, K: np.ndarray, G: np.ndarray) -> None:
        """Add TLSs with rates ``K`` (N,), s^-1, and weights ``G`` (n_series, N)."""
        G = np.ascontiguousarray(G, dtype=np.float64)
        if G.shape != (self.n_series, K.shape[0]):
            raise ValueError(f"G must have shape ({self.n_series}, {K.shape[0]}), got {G.shape}")
        K = np.ascontiguousarray(K, dtype=np.float64)
        n_blk = _k.n_blocks(K.shape[0])
        part, part_counts = _scratch(n_blk, self._mu.shape[1], self.n_series)
        if _k.accumulate(K, K.view(np.int64), G, self._inv_centres, self._log2, part,
                         part_counts, self._mu, self._counts):      # checked in the pass
            raise ValueError("rates K must be >= 0 and not NaN")

    def moments(self) -> tuple[np.ndarray, np.ndarray]:
        """The accumulated state ``(mu, counts)``: additive, so two states of disjoint
        samples sum element by element (:func:`tlsmc.measurements.common.combine_sums`)."""
        return self._mu, self._counts

    @classmethod
    def from_moments(cls, mu: np.ndarray, counts: np.ndarray) -> "RelaxationSums":
        """An accumulator holding the state ``(mu, counts)`` of :meth:`moments`."""
        out = cls(mu.shape[0])
        out._mu, out._counts = mu, counts
        return out

    def total(self, series: int) -> float:
        """Σ g_s (the t -> ∞ limit of the ``relaxed`` sum)."""
        return float(self._mu[series, :, 0].sum())

    def evaluate(self, series: int, kind: str, times_s: np.ndarray) -> np.ndarray:
        """S(t) = Σ g_s F_kind(K t) at ``times_s`` (finite, > 0), kind in
        'relaxed', 'relaxed_sq', 'flux', 'flux_sq', 'relaxed_flux'."""
        times = np.ascontiguousarray(times_s, dtype=np.float64)
        if not (np.all(np.isfinite(times)) and np.all(times > 0.0)):
            raise ValueError("times must be finite and > 0 s")
        out = np.empty_like(times)
        _k.evaluate(self._mu[series], self._counts, self._centres, times, _k.KINDS[kind], out)
        return out


_CENTRES, _LOG2, _INV_CENTRES = _k.bin_centres(), _k.log2_table(), _k.inv_centres()
for _table in (_CENTRES, _LOG2, _INV_CENTRES):
    _table.flags.writeable = False     # shared by every accumulator (read-only tables)

_SCRATCH = threading.local()
"""Per-thread scratch of :meth:`RelaxationSums.add` (``part``, ``part_counts``), kept between
calls: a run calls ``add`` several times per 65,536-TLS seed block, and fresh multi-MB
scratch arrays each time cost a first-touch page fault per 4 kB page (≈150 B of faults per
TLS in the main scenario, which made small runs ≈20 % dearer per TLS than large ones).
It grows to the largest call (at most 4 × 5,122 × n_series × 128 B, 2.6 MB per series)."""


def _scratch(n_blk: int, n_bins: int, n_series: int) -> tuple[np.ndarray, np.ndarray]:
    """This thread's scratch ``part`` (n_blk, n_bins, n_series, PAD), 64-byte aligned, and
    ``part_counts`` (n_blk, n_bins) int64; contents undefined (the kernel zeroes them)."""
    n_part, n_counts = n_blk * n_bins * n_series * _k.PAD, n_blk * n_bins
    part, counts = getattr(_SCRATCH, "part", None), getattr(_SCRATCH, "counts", None)
    if part is None or part.size < n_part:
        part = _SCRATCH.part = _aligned_empty((n_part,))
    if counts is None or counts.size < n_counts:
        counts = _SCRATCH.counts = np.empty(n_counts, dtype=np.int64)
    return (part[:n_part].reshape(n_blk, n_bins, n_series, _k.PAD),
            counts[:n_counts].reshape(n_blk, n_bins))


def _aligned_empty(shape: tuple[int, ...], align: int = 64) -> np.ndarray:
    """An uninitialised float64 array of ``shape`` whose data start on an ``align``-byte
    boundary (a cache line): the moment rows are then whole lines and the kernel's vector
    stores never straddle two (NumPy's own large arrays start 16 bytes into a page)."""
    n = int(np.prod(shape))
    buf = np.empty(n + align // 8)
    off = (-buf.ctypes.data % align) // 8
    return buf[off:off + n].reshape(shape)


def relaxation_sum_direct(K: np.ndarray, g: np.ndarray, kind: str, times_s: np.ndarray) -> np.ndarray:
    """Term-by-term Σ g F_kind(K t) (the slow reference for :class:`RelaxationSums`)."""
    out = np.empty(len(times_s))
    _k.direct(np.ascontiguousarray(K, dtype=np.float64), np.ascontiguousarray(g, dtype=np.float64),
              np.ascontiguousarray(times_s, dtype=np.float64), _k.KINDS[kind], out)
    return out
