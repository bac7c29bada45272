"""Kernels for exact relaxation sums S(t) = Σ_i g_i F(K_i t) via log-rate moments.

TLSs are binned by log10 K (``PER_DECADE`` bins per decade between 10^LOG10_LO
and 10^LOG10_HI s^-1, plus an underflow and an overflow bin).  In bin b with
centre K_c the moments μ_j = Σ g u^j, u = K/K_c − 1 (|u| <= U_MAX), give

    Σ_{i in b} g_i F(K_i t) = Σ_j F^{(j)}(x_c) x_c^j μ_j / j!,   x_c = K_c t,

a Taylor series.  For every kind |F^{(j)}(x)| <= (1 + x + j)² 2^j e^{−x}, so the j-th
term is below Σ|g| T_j(x_c), T_j(x) = (1 + x + j)² (2 U_MAX x)^j e^{−x} / j!; truncation
after the j = ORDER = 12 term leaves max_{0<x<=X_FULL} Σ_{j>12} T_j(x) = 3.0e-17 of Σ|g|
(beyond X_FULL e^{-x} < 1e-21 and F is at its limit).  Evaluation stops earlier in a
bin once the bound of the remaining terms, (1 + x_c + j)² (2 x_c U_MAX)^j e^{−x_c} / j!
(summed geometrically), falls below 1e-17 (per unit Σ|g| of the bin).
The underflow bin (K < 10^LOG10_LO) uses x_c = 0 and u = K t directly.  All bins with
x_c < X_SMALL = 0.05 are summed at once, per time, by the Taylor series at x = 0,
Σ_j F^{(j)}(0) t^j Σ g K^j / j! (j <= 12), from prefix sums of the power sums over bins
(rescaled so that nothing overflows); every such TLS has K t < 0.051, where the terms
beyond j = 12 sum to below 1e-20 of Σ|g|: one binary search and 13 terms per time
instead of an exponential and up to 13 terms per bin.
Moments are additive, so chunks accumulate into one array.

Accumulation is one parallel pass: the TLS axis is cut into a number of blocks
that depends on N only (never on the thread count); each block sums its
moments into its own partial array and the partials are added in block order,
so the result does not depend on the number of threads.  The bin index comes
from the float's exponent bits and a 4096-entry table of log2 of the mantissa
(no libm call); u is computed exactly from the chosen bin's centre, so an index
off by one at a bin edge only makes |u| marginally larger (U_MAX covers it).  The
moment row of a TLS is updated with 4-wide vector read-modify-writes (an LLVM
intrinsic, :func:`_add_powers`): this store-bound pass then does 4 stores per series
per TLS instead of 13.
"""
from __future__ import annotations

import math

import numpy as np
from llvmlite import ir
from numba import njit, prange, types
from numba.extending import intrinsic

PER_DECADE = 64
LOG10_LO = -40.0
LOG10_HI = 40.0
N_BINS = int((LOG10_HI - LOG10_LO) * PER_DECADE)
ORDER = 12
X_FULL = 50.0
X_SMALL = 0.05
"""Bins with x_c = K_c t below this are summed at once by a Taylor series at x = 0."""
U_MAX = 0.0190
"""Bound of |u| = |K/K_c − 1| (half a bin is 10^(1/128) − 1 = 0.01815; the rest covers
an edge TLS put in the neighbouring bin by the table log2)."""
BLOCK = 131072
"""TLSs per partial-moment block (at most MAX_BLOCKS blocks; set by N alone)."""
MAX_BLOCKS = 4
SUB = 2048

RELAXED = 0      # F = 1 − e^{−x}
RELAXED_SQ = 1   # F = (1 − e^{−x})²
FLUX = 2         # F = x e^{−x}
FLUX_SQ = 3      # F = x² e^{−2x}
RELAXED_FLUX = 4  # F = (1 − e^{−x}) x e^{−x}
KINDS = {"relaxed": RELAXED, "relaxed_sq": RELAXED_SQ, "flux": FLUX, "flux_sq": FLUX_SQ,
         "relaxed_flux": RELAXED_FLUX}

_MANT_BITS = 12
_LOG2_TABLE = np.log2(1.0 + (np.arange(1 << _MANT_BITS) + 0.5) / (1 << _MANT_BITS))
_BINS_PER_OCTAVE = PER_DECADE * math.log10(2.0)


def bin_centres() -> np.ndarray:
    """Centre rate K_c (s^-1) of every bin; 0 for the underflow, inf for the overflow bin."""
    c = np.empty(N_BINS + 2)
    c[0] = 0.0
    c[-1] = np.inf
    c[1:-1] = 10.0 ** (LOG10_LO + (np.arange(N_BINS) + 0.5) / PER_DECADE)
    return c


def inv_centres() -> np.ndarray:
    """1 / K_c of every bin (s); the underflow bin's entry is unused, the overflow bin's is 0."""
    c = bin_centres()
    out = np.zeros_like(c)
    out[1:-1] = 1.0 / c[1:-1]
    return out


def log2_table() -> np.ndarray:
    """log2 of the mid-point of each of the 4096 mantissa cells (argument of :func:`accumulate`)."""
    return _LOG2_TABLE.copy()


def n_blocks(n: int) -> int:
    """Number of partial-moment blocks for n TLSs (a function of n only)."""
    return max(1, min(MAX_BLOCKS, -(-n // BLOCK)))


@njit(cache=True, inline="always")
def _bin_of(k, kbits, inv_centres, log2tab):
    if k < 10.0 ** LOG10_LO:
        return 0, k
    if k >= 10.0 ** LOG10_HI:
        return N_BINS + 1, 0.0
    e = ((kbits >> 52) & 0x7FF) - 1023
    lg = e + log2tab[(kbits >> (52 - _MANT_BITS)) & ((1 << _MANT_BITS) - 1)]
    b = 1 + int(lg * _BINS_PER_OCTAVE - LOG10_LO * PER_DECADE)
    b = min(max(b, 1), N_BINS)
    return b, k * inv_centres[b] - 1.0


@njit(cache=True)
def _bin_of_exact(k, centres):
    if k < 10.0 ** LOG10_LO:
        return 0, k
    if k >= 10.0 ** LOG10_HI:
        return N_BINS + 1, 0.0
    b = 1 + int((math.log10(k) - LOG10_LO) * PER_DECADE)
    b = min(max(b, 1), N_BINS)
    return b, k / centres[b] - 1.0


@njit(cache=True, parallel=True)
def assign_bins(K, centres, bins, u):
    """Bin index (log10-exact edges) and u = K/K_c − 1 (u = K in the underflow bin) of every TLS."""
    for i in prange(K.shape[0]):
        bins[i], u[i] = _bin_of_exact(K[i], centres)


_RECIP = 1.0 / np.arange(1.0, ORDER + 3.0)
"""1 / (j + 1) for j = 0..ORDER + 1 (a multiplication instead of a division per term)."""

PAD = 16
"""Row length of a partial-moment row (ORDER + 1 padded to whole cache lines)."""


_W = 4
"""Vector width of :func:`_add_powers` (doubles; PAD is a multiple)."""


@intrinsic
def _add_powers(typingctx, row, i, g, u):
    """row[i + j] += g u^j for j = 0..15 (16 = PAD entries; j > ORDER is padding).

    Four 4-wide vector read-modify-writes instead of 13 scalar ones, which bound the
    moment pass (numba's loop vectoriser leaves a 13-wide row update scalar and its SLP
    vectoriser is off by default).  The powers are built as vectors: (g, g u, g u², g u³)
    = g · (1, u, u², u³), then multiplied by u⁴ three times, so g u^j carries at most
    3 + 3⌊j/4⌋ roundings (12 for j = ORDER, as many as the scalar chain g·u·u···u had).
    ``row`` is a C-contiguous float64 array with i >= 0 and i + PAD <= row.size (not
    checked); rows starting on a cache line (64 bytes) keep every vector in one line.
    """
    def codegen(context, builder, sig, args):
        arr = context.make_array(sig.args[0])(context, builder, args[0])
        i32 = ir.IntType(32)
        vty = ir.VectorType(ir.DoubleType(), _W)
        g, u = args[2], args[3]
        pw = [ir.Constant(ir.DoubleType(), 1.0), u]
        while len(pw) <= _W:                       # u^k by halves: u^k = u^(k//2) u^(k - k//2)
            k = len(pw)
            pw.append(builder.fmul(pw[k // 2], pw[k - k // 2]))

        def splat(x):
            v = ir.Constant(vty, None)
            for lane in range(_W):
                v = builder.insert_element(v, x, ir.Constant(i32, lane))
            return v
        base = ir.Constant(vty, None)
        for lane in range(_W):
            base = builder.insert_element(base, pw[lane], ir.Constant(i32, lane))
        v = builder.fmul(splat(g), base)
        uw = splat(pw[_W])
        for q in range(PAD // _W):
            idx = builder.add(args[1], ir.Constant(args[1].type, _W * q))
            ptr = builder.bitcast(builder.gep(arr.data, [idx], inbounds=True), vty.as_pointer())
            builder.store(builder.fadd(builder.load(ptr, align=8), v), ptr, align=8)
            if q < PAD // _W - 1:
                v = builder.fmul(v, uw)
        return context.get_dummy_value()
    return types.void(row, types.intp, types.float64, types.float64), codegen


@njit(cache=True, parallel=True)
def accumulate(K, Kbits, G, inv_centres, log2tab, part, part_counts, mu, counts):
    """mu[s, b, j] += Σ_{i in b} G[s, i] u_i^j ;  counts[b] += #TLS in b.

    Returns the number of rates that are not >= 0 (negative or NaN); when it is not 0,
    ``mu`` and ``counts`` are left unchanged (the caller raises).

    ``inv_centres`` is 1 / :func:`bin_centres` (0 for the overflow bin).  ``part``
    (n_blk, n_bins, n_series, PAD) and ``part_counts`` (n_blk, n_bins) are scratch;
    block ``k`` of the TLS axis sums into ``part[k]`` and the blocks are added into
    ``mu`` in block order, so the sums do not depend on the thread count.  ``Kbits`` is
    ``K.view(np.int64)``.  Within a block, TLSs go in sub-blocks of SUB: bin indices and u
    first (into L1-sized scratch), then the moments.
    """
    n = K.shape[0]
    n_series = G.shape[0]
    n_blk = part.shape[0]
    nb = part.shape[1]
    bad = np.zeros(n_blk, dtype=np.int64)
    for blk in prange(n_blk):
        lo = (n * blk) // n_blk
        hi = (n * (blk + 1)) // n_blk
        pm = part[blk]
        pmf = pm.reshape(pm.size)
        pc = part_counts[blk]
        pm[:] = 0.0
        pc[:] = 0
        sbin = np.empty(SUB, dtype=np.int32)
        su = np.empty(SUB)
        for start in range(lo, hi, SUB):
            m = min(SUB, hi - start)
            n_bad = 0
            for k in range(m):
                ki = K[start + k]
                n_bad += not ki >= 0.0
                sbin[k], su[k] = _bin_of(ki, Kbits[start + k], inv_centres, log2tab)
            bad[blk] += n_bad
            for k in range(m):               # a separate loop: ~4x faster than fused
                b = sbin[k]
                ui = su[k]
                pc[b] += 1
                for s in range(n_series):
                    _add_powers(pmf, (b * n_series + s) * PAD, G[s, start + k], ui)
    n_bad = bad.sum()
    if n_bad != 0:
        return n_bad
    # fixed-order combination, parallel over bins (each element summed in block order)
    for b in prange(nb):
        for blk in range(n_blk):
            if part_counts[blk, b] == 0:
                continue
            counts[b] += part_counts[blk, b]
            for s in range(n_series):
                for j in range(ORDER + 1):
                    mu[s, b, j] += part[blk, b, s, j]
    return 0


@njit(cache=True)
def _bin_sum(kind, x, e, r, scale, mu_b, order, truncate):
    """Σ_j F^{(j)}(x) scale^j μ_j / j! for one bin.

    With ``truncate`` the sum stops once the bound of every later term,
    T_j = (1 + x + j)² (2 x U_MAX)^j e^{−x} / j! (per unit Σ|g| of the bin), summed
    geometrically, is below 1e-17.
    """
    acc = 0.0
    c = 1.0                # scale^j / j!
    sign = 1.0             # (−1)^j
    p2 = 1.0               # 2^j
    ee = e * e
    bound = e              # T_j / (1 + x + j)²
    q0 = 2.0 * scale * U_MAX
    for j in range(order + 1):
        if kind == RELAXED:
            d = r if j == 0 else -sign * e
        elif kind == RELAXED_SQ:
            if j == 0:
                d = r * r
            elif j == 1:
                d = 2.0 * e * r
            else:
                d = -sign * e * (2.0 - p2 * e)
        elif kind == FLUX:
            d = sign * (x - j) * e
        elif kind == RELAXED_FLUX:
            d = x * e * r if j == 0 else sign * (e * (x - j) - p2 * ee * (x - 0.5 * j))
        else:
            d = sign * p2 * ee * (x * x - j * x + 0.25 * j * (j - 1))
        acc += d * c * mu_b[j]
        c *= scale * _RECIP[j]
        sign = -sign
        p2 *= 2.0
        if truncate:
            bound *= q0 * _RECIP[j]                   # now T_{j+1} / (2 + x + j)²
            q = 2.25 * q0 * _RECIP[j + 1]             # ratio bound of later terms
            if q < 0.5 and 2.0 * bound * (2.0 + x + j) ** 2 < 1e-17:
                break
    return acc


@njit(cache=True)
def _limit(kind):
    """F(x -> inf)."""
    if kind == RELAXED or kind == RELAXED_SQ:
        return 1.0
    return 0.0  # FLUX, FLUX_SQ, RELAXED_FLUX


@njit(cache=True)
def _small_prefix(mu, centres, occ, start, n_occ):
    """R[i, m] = Σ over the occupied regular bins occ[start..i−1] of Σ g (K / s_i)^m,
    s_i = K_c of bin occ[i−1] (the largest included), m = 0..ORDER (rows i <= start: 0).

    Built upwards: R[i+1, m] = (s_i / s_{i+1})^m R[i, m] + Σ_j C(m, j) μ_j of bin occ[i]
    (K^m = K_c^m (1 + u)^m); every ratio K/s_i is <= 1 + U_MAX, so nothing overflows.
    """
    R = np.zeros((n_occ + 1, ORDER + 1))
    binom = np.zeros((ORDER + 1, ORDER + 1))
    for m in range(ORDER + 1):
        binom[m, 0] = 1.0
        for j in range(1, m + 1):
            binom[m, j] = binom[m - 1, j - 1] + (binom[m - 1, j] if j < m else 0.0)
    for i in range(start, n_occ):
        b = occ[i]
        ratio = centres[occ[i - 1]] / centres[b] if i > start else 0.0
        rp = 1.0
        for m in range(ORDER + 1):
            acc = 0.0
            for j in range(m + 1):
                acc += binom[m, j] * mu[b, j]
            R[i + 1, m] = rp * R[i, m] + acc
            rp *= ratio
    return R


@njit(cache=True, parallel=True)
def evaluate(mu, counts, centres, times, kind, out):
    """out[k] = Σ_i g_i F(K_i t_k) from the moments of one series (t_k > 0, finite).

    Only the occupied bins are visited, in increasing K_c.  All bins with x_c = K_c t <
    X_SMALL go at once: with the rescaled power sums R of :func:`_small_prefix`,
    Σ g F(K t) = Σ_{j=1}^{ORDER} F^{(j)}(0) (s t)^j R_j / j! (Taylor series at x = 0; every
    such TLS has K t < X_SMALL (1 + U_MAX), where the terms beyond j = ORDER sum to
    < 1e-20 of Σ|g|).  Once x_c exceeds X_FULL every later bin is at its limit F(∞) and
    their Σ g (a suffix sum, computed once) is added at once.
    """
    nb = mu.shape[0]
    occ = np.empty(nb, dtype=np.int64)
    n_occ = 0
    for b in range(nb - 1):
        if counts[b] != 0:
            occ[n_occ] = b
            n_occ += 1
    tail = np.zeros(n_occ + 1)          # tail[i] = Σ μ_0 of occupied bins i.. (overflow incl.)
    tail[n_occ] = mu[nb - 1, 0] if counts[nb - 1] != 0 else 0.0
    for i in range(n_occ - 1, -1, -1):
        tail[i] = tail[i + 1] + mu[occ[i], 0]
    start = 1 if n_occ > 0 and occ[0] == 0 else 0      # the underflow bin goes apart
    R = _small_prefix(mu, centres, occ, start, n_occ)
    limit = _limit(kind)
    for k in prange(times.shape[0]):
        t = times[k]
        total = 0.0
        if start == 1:                 # u = K (absolute) in the underflow bin, x_c = 0;
            total += _bin_sum(kind, 0.0, 1.0, 0.0, t, mu[0], 3, False)   # (K t)^4 < 1e-100
        lo, hi = start, n_occ          # first occupied bin with x_c >= X_SMALL
        while lo < hi:
            mid = (lo + hi) // 2
            if centres[occ[mid]] * t < X_SMALL:
                lo = mid + 1
            else:
                hi = mid
        i = lo
        if i > start:
            total += _bin_sum(kind, 0.0, 1.0, 0.0, centres[occ[i - 1]] * t, R[i], ORDER, False)
        while i < n_occ:
            b = occ[i]
            x_c = centres[b] * t
            if x_c > X_FULL:
                break
            if x_c < 1.0:              # one transcendental per bin; e >= 0.37 here
                r = -math.expm1(-x_c)
                e = 1.0 - r
            else:                      # r >= 0.63 here
                e = math.exp(-x_c)
                r = 1.0 - e
            total += _bin_sum(kind, x_c, e, r, x_c, mu[b], ORDER, True)
            i += 1
        out[k] = total + limit * tail[i]


@njit(cache=True, parallel=True)
def direct(K, g, times, kind, out):
    """Reference: out[k] = Σ_i g_i F(K_i t_k) evaluated term by term (serial sum per time)."""
    for k in prange(times.shape[0]):
        t = times[k]
        total = 0.0
        for i in range(K.shape[0]):
            x = K[i] * t
            if kind == RELAXED:
                f = -math.expm1(-x)
            elif kind == RELAXED_SQ:
                f = math.expm1(-x) ** 2
            elif kind == FLUX:
                f = x * math.exp(-x)
            elif kind == RELAXED_FLUX:
                f = -math.expm1(-x) * x * math.exp(-x)
            else:
                f = x * x * math.exp(-2.0 * x)
            total += g[i] * f
        out[k] = total
