"""Keep freed heap memory in the process between chunks and runs (glibc ``mallopt``).

A chunk's stages allocate and free multi-MB temporaries (population, spectrum, rates, the
per-seed-block moment tables of the reductions: ≈110 MB for a 262,144-TLS chunk of the main
scenario).  With glibc's defaults every block larger than the (dynamic, initially 128 kB)
mmap threshold is a fresh ``mmap`` and the heap is trimmed as soon as 2× that threshold is
free at its top, so the first chunks of every run fault their whole working set in again
(measured: ≈30,000 first-touch page faults in chunk 0 and ≈16,000 in chunk 1 of a 1e6-TLS
run, none from chunk 3 on; ≈80 ns per TLS at 1e6 TLSs, ≈20 % of the run, and nothing at 1e8
TLSs, where the threshold has long risen by itself).  :func:`retain_heap` sets the mmap
threshold to 32 MiB (its largest value) and the trim threshold to 256 MiB once per process, so
freed blocks are reused instead; the process keeps at most 256 MiB of freed memory.  Nothing
is done when the user set either through the environment (``MALLOC_*_`` or
``GLIBC_TUNABLES``), off Linux, or when the C library has no ``mallopt`` (musl).  Numbers are
unaffected: only where memory comes from changes.
"""
from __future__ import annotations

import ctypes
import os
import sys

__all__ = ["retain_heap", "MMAP_THRESHOLD", "TRIM_THRESHOLD"]

MMAP_THRESHOLD = 32 << 20
"""Bytes; blocks at least this large still get their own mmap (glibc's maximum)."""
TRIM_THRESHOLD = 256 << 20
"""Bytes of free memory at the top of the heap before it is returned to the system."""
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3     # glibc <malloc.h>
_ENV = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES")
_state: dict[str, bool] = {}


def retain_heap() -> bool:
    """Set the thresholds once per process; True when they are (now or before) in effect."""
    if "done" not in _state:
        _state["done"] = _apply()
    return _state["done"]


def _apply() -> bool:
    if not sys.platform.startswith("linux") or any(k in os.environ for k in _ENV):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
                and mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
