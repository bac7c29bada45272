"""A branch-free e^x that LLVM vectorises inside numba loops (no SVML needed).

A scalar ``math.exp`` in a numba loop is a libm call per element (about 5× the cost of
NumPy's vectorised ``np.exp`` per element on this project's machines), and it stops the
loop from vectorising.  :func:`exp` is straight-line arithmetic instead:

    x = k ln2 + r,  k = round(x / ln2),  |r| <= ln2/2 (Cody–Waite: ln2 split in a
    high part with 11 trailing zero bits, so k · LN2_HI is exact, and a low part),
    e^x = 2^k · P(r),  P the degree-13 Taylor polynomial of e^r (truncation
    0.3466^14/14! = 4e-18 relative), evaluated by Horner with fused multiply-adds (llvm.fma),
    2^k built from the exponent bits (split as 2^(k−k/2) · 2^(k/2), so results in the
    subnormal range round correctly instead of wrapping).

k comes from the "shifter" trick (x/ln2 + 1.5·2^52 leaves round(x/ln2) in the low
mantissa bits), so nothing converts floats to integers.  The argument is clamped to
[X_MIN, X_MAX] first: e^x underflows to exactly 0 below X_MIN ≈ −745.2 and saturates
at e^709 (finite) above; no overflow, no NaN for finite input.  Accuracy (tested against
``np.exp`` over [−1e5, 709]): below 2 ulp in the normal range (<= 1 ulp on > 99 % of
arguments), the same subnormals to 1 unit of the smallest subnormal, 0 where np.exp is 0.

:func:`exp` is inlined into its callers; numba's on-disk cache of a caller does not notice
an edit of this module, so clear the callers' ``__pycache__`` after changing it.
"""
from __future__ import annotations

from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

LOG2E = 1.4426950408889634
LN2_HI = 6.93147180369123816490e-01   # 0x3FE62E42FEE00000: 11 trailing zero bits
LN2_LO = 1.90821492927058770002e-10
SHIFTER = 6755399441055744.0          # 1.5 · 2^52
X_MIN = -746.0                         # e^x < 2^-1076 rounds to 0 at or below this
X_MAX = 709.0                          # e^709 = 8.2e307 < DBL_MAX
_INV_FACT = [1.0]
for _j in range(1, 14):
    _INV_FACT.append(_INV_FACT[-1] / _j)
C13 = _INV_FACT[13]
_HORNER = tuple(_INV_FACT[12::-1])     # 1/12!, 1/11!, .., 1/0!
_SHIFTER_BITS = 0x4338000000000000     # bits of SHIFTER


@intrinsic
def _bits(typingctx, x):
    """The int64 with the bits of the float64 x (an LLVM bitcast: free, vectorisable)."""
    def codegen(context, builder, sig, args):
        return builder.bitcast(args[0], ir.IntType(64))
    return types.int64(types.float64), codegen


@intrinsic
def _from_bits(typingctx, i):
    """The float64 with the bits of the int64 i (an LLVM bitcast)."""
    def codegen(context, builder, sig, args):
        return builder.bitcast(args[0], ir.DoubleType())
    return types.float64(types.int64), codegen


@intrinsic
def _fma(typingctx, a, b, c):
    """a·b + c rounded once (llvm.fma: one instruction, vectorisable)."""
    def codegen(context, builder, sig, args):
        d = ir.DoubleType()
        f = cgutils.get_or_insert_function(builder.module, ir.FunctionType(d, [d, d, d]),
                                           "llvm.fma.f64")
        return builder.call(f, args)
    return types.float64(types.float64, types.float64, types.float64), codegen


@njit(cache=True, inline="always")
def exp(x):
    """e^x for finite x (module docstring): 0 for x <= −746, e^709 for x >= 709."""
    x = min(max(x, X_MIN), X_MAX)
    t = _fma(x, LOG2E, SHIFTER)
    kf = t - SHIFTER                   # round(x / ln2), exactly
    k = _bits(t) - _SHIFTER_BITS       # the same integer, from the low mantissa bits
    r = _fma(-kf, LN2_LO, _fma(-kf, LN2_HI, x))
    p = C13
    for c in _HORNER:                  # a constant tuple: unrolled, 13 fused multiply-adds
        p = _fma(p, r, c)
    k1 = k >> 1
    return (p * _from_bits((k1 + 1023) << 52)) * _from_bits((k - k1 + 1023) << 52)
