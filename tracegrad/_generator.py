"""A random-number generator that reproduces PyTorch's CPU generator bit for bit.

PyTorch's CPU generator (``at::CPUGeneratorImpl``) is a 32-bit Mersenne Twister (mt19937)
plus a one-value cache for the Box-Muller normal sampler.  Every CPU sampling kernel turns the
engine's 32-bit outputs into numbers in a fixed, documented way; this module re-implements those
recipes with NumPy so that, after ``torch.manual_seed(s)`` and ``Generator().manual_seed(s)``,
the same sequence of calls gives the same bits.

Building blocks used by all samplers (names follow ATen):

* ``random()``   -- one tempered 32-bit mt19937 output.
* ``random64()`` -- two outputs ``hi, lo`` combined as ``(hi << 32) | lo``.
* float uniform  -- ``(random() & (2**24 - 1)) * 2**-24`` (24 random bits, in [0, 1)).
* double uniform -- ``(random64() & (2**53 - 1)) * 2**-53`` (53 random bits, in [0, 1)).

The bulk of the stream is produced by NumPy's own ``MT19937`` bit generator (the same algorithm)
after loading it with the key that torch's seeding produces; tempering of the values that are
left in the current block is done here.

Floating-point details matter for bit identity.  On x86 CPUs with AVX2 (AVX-512 ones included)
torch runs the copies of its CPU distribution kernels that were compiled for AVX2 with FMA
contraction, so ``a * b + c`` in a kernel is often one fused multiply-add (a single rounding).
NumPy has no FMA, so exact emulations are used (``_fma32`` and ``_fma64``).  Transcendental
functions that torch takes from the C library (``log``, ``log1p``, ``sin``, ``cos`` in double
precision) are taken from Python's ``math`` module, which calls the same C library.  The
float32/float16 normal sampler uses torch's own AVX2 polynomial approximations of log and
sincos (``avx_mathfun.h``), re-implemented here operation for operation (and FMA for FMA, as
read from libtorch's machine code).  torch's generic kernels (CPUs without AVX2, or
``ATEN_CPU_CAPABILITY=default``) round differently in three places -- float32/float16 normal
with 16 or more elements, ``uniform`` with bounds other than [0, 1), and ``normal`` with a
mean/std on fewer than 16 elements -- and are not reproduced.

This module depends on NumPy only and works on plain arrays; it knows nothing about tensors.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import math
import operator
import os
import warnings
from fractions import Fraction

import numpy as np

__all__ = [
    "Generator",
    "uniform",
    "normal",
    "normal_tensor",
    "randint",
    "random_",
    "randperm",
    "bernoulli",
    "multinomial",
    "exponential",
    "poisson",
]

# torch's default_rng_seed_val: the seed of a freshly constructed CPU generator.
DEFAULT_SEED = 67280421310721

_N = 624  # mt19937 state size (words)
_STATE_BYTES = 5056  # sizeof(CPUGeneratorImplState) in torch
_U64_MASK = (1 << 64) - 1
_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1

# randperm switches from "random() % (n - i)" swaps to a random64-based shuffle at this n.
_RANDPERM_SMALL_LIMIT = (2**32 - 1) // 20

_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)
_F16 = np.dtype(np.float16)
_FLOAT_DTYPES = (_F16, _F32, _F64)
_INT_DTYPES = tuple(np.dtype(t) for t in (np.int64, np.int32, np.int16, np.int8, np.uint8))
_BOOL = np.dtype(np.bool_)

# How torch spells the dtypes in its messages: c10 ScalarType names and C++ type names.
_SCALAR_TYPE_NAME = {
    _F16: "Half",
    _F32: "Float",
    _F64: "Double",
    np.dtype(np.int64): "Long",
    np.dtype(np.int32): "Int",
    np.dtype(np.int16): "Short",
    np.dtype(np.int8): "Char",
    np.dtype(np.uint8): "Byte",
    _BOOL: "Bool",
}
_CPP_TYPE_NAME = {
    _F16: "c10::Half",
    _F32: "float",
    _F64: "double",
    np.dtype(np.int64): "long int",
    np.dtype(np.int32): "int",
    np.dtype(np.int16): "short int",
    np.dtype(np.int8): "signed char",
    np.dtype(np.uint8): "unsigned char",
    _BOOL: "bool",
}


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------


def _fmt(x: float) -> str:
    """Format a double like C++ ``std::ostream << double`` (6 significant digits)."""
    return f"{float(x):g}"


def _as_dtype(dtype) -> np.dtype:
    return np.dtype(dtype)


def _dtype_name(dtype: np.dtype) -> str:
    return _SCALAR_TYPE_NAME.get(dtype, str(dtype))


def _not_implemented(kernel: str, dtype: np.dtype) -> RuntimeError:
    return RuntimeError(f"\"{kernel}\" not implemented for '{_dtype_name(dtype)}'")


def _as_shape(shape) -> tuple[int, ...]:
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    shape = tuple(operator.index(s) for s in shape)
    for s in shape:
        if s < 0:
            dims = ", ".join(str(d) for d in shape)
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: [{dims}]")
    return shape


def _broadcast_shape(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    """Broadcast two shapes, failing with torch's infer_size message."""
    ndim = max(len(a), len(b))
    out = []
    for i in range(ndim - 1, -1, -1):
        offset = ndim - 1 - i
        size_a = a[len(a) - 1 - offset] if offset < len(a) else 1
        size_b = b[len(b) - 1 - offset] if offset < len(b) else 1
        if size_a != size_b and size_a != 1 and size_b != 1:
            raise RuntimeError(
                f"The size of tensor a ({size_a}) must match the size of tensor b ({size_b}) "
                f"at non-singleton dimension {i}"
            )
        out.append(size_a if size_b == 1 else size_b)
    return tuple(reversed(out))


def _numel(shape: tuple[int, ...]) -> int:
    return math.prod(shape)


def _to_dtype(values: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Cast like C++ ``static_cast<scalar_t>``: c10::Half is only constructible from float,
    so double -> half and int64 -> half go through float32 (two roundings)."""
    if dtype == _F16 and values.dtype != _F16:
        values = values.astype(_F32)
    return values.astype(dtype)


def _temper(y: np.ndarray) -> np.ndarray:
    """mt19937 output tempering of raw state words (uint32 array)."""
    y = y ^ (y >> np.uint32(11))
    y = y ^ ((y << np.uint32(7)) & np.uint32(0x9D2C5680))
    y = y ^ ((y << np.uint32(15)) & np.uint32(0xEFC60000))
    return y ^ (y >> np.uint32(18))


def _seeded_key(seed: int) -> np.ndarray:
    """Knuth's init_genrand recurrence on the low 32 bits of the seed (as torch does)."""
    key = [seed & 0xFFFFFFFF]
    prev = key[0]
    for j in range(1, _N):
        prev = (1812433253 * (prev ^ (prev >> 30)) + j) & 0xFFFFFFFF
        key.append(prev)
    return np.array(key, dtype=np.uint32)


# --------------------------------------------------------------------------------------------
# exact fused multiply-add emulation
# --------------------------------------------------------------------------------------------

_TIE_MASK = np.uint64((1 << 29) - 1)  # double mantissa bits below float32 precision
_TIE_HALF = np.uint64(1 << 28)
_F32_MIN_NORMAL = 2.0**-126


def _fma32(a, b, c, tiny_possible=True) -> np.ndarray:
    """Correctly rounded float32 ``a * b + c`` (one rounding, like ``vfmadd*ps``).

    The product of two floats is exact in double precision, so ``p + c`` in double is off
    from the exact value by at most half a double ulp.  Rounding that double to float is then
    correct unless it sits exactly half-way between two floats (a double rounding); those rare
    elements (and results in the float subnormal range, unless the caller knows there are
    none: ``tiny_possible=False``) are redone with round-to-odd."""
    s = np.multiply(a, b, dtype=np.float64)  # exact: 24-bit times 24-bit mantissas
    if np.ndim(c) == 0 or np.shape(c) == s.shape:
        s += c
    else:
        s = s + c
    out = s.astype(np.float32)
    suspicious = (s.view(np.uint64) & _TIE_MASK) == _TIE_HALF
    if tiny_possible:
        suspicious |= np.abs(s) < _F32_MIN_NORMAL
    if suspicious.any():
        idx = np.nonzero(suspicious)
        shape = out.shape
        ps = np.multiply(
            np.broadcast_to(a, shape)[idx], np.broadcast_to(b, shape)[idx], dtype=np.float64
        )
        cs = np.broadcast_to(c, shape)[idx].astype(np.float64)
        ss = s[idx]
        # TwoSum: the exact rounding error of ps + cs (ps is exact).
        bb = ss - ps
        err = (ps - (ss - bb)) + (cs - bb)
        out[idx] = _round_to_odd(ss, err).astype(np.float32)
    return out


def _round_to_odd(s: np.ndarray, err: np.ndarray) -> np.ndarray:
    """Given s = RN(x) and err = x - s, return x rounded to odd (the neighbour of x whose last
    mantissa bit is 1 when x is not representable).  Rounding that to fewer bits is exact."""
    even = (s.view(np.uint64) & np.uint64(1)) == 0
    fix = (err != 0) & even
    if fix.any():
        s = s.copy()
        s[fix] = np.nextafter(s[fix], np.where(err[fix] > 0, np.inf, -np.inf))
    return s


_SPLIT = 134217729.0  # 2**27 + 1, Veltkamp splitting constant


def _two_prod(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dekker's exact product: a * b == hi + lo exactly (no overflow assumed)."""
    hi = a * b
    t = _SPLIT * a
    ah = t - (t - a)
    al = a - ah
    t = _SPLIT * b
    bh = t - (t - b)
    bl = b - bh
    lo = ((ah * bh - hi) + ah * bl + al * bh) + al * bl
    return hi, lo


def _two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Knuth's exact sum: a + b == s + e exactly."""
    s = a + b
    bb = s - a
    e = (a - (s - bb)) + (b - bb)
    return s, e


def _fma64(a, b, c) -> np.ndarray:
    """Correctly rounded double ``a * b + c`` (like C ``fma``), after Boldo and Melquiond:
    exact product (uh + ul), exact sum c + uh = th + tl, then RN(th + RO(tl + ul)).
    The error-free steps need the exponents away from the ends of the double range; the few
    elements that are not (tiny or huge, e.g. subnormal results) are computed exactly with
    rational arithmetic instead."""
    a, b, c = np.broadcast_arrays(
        np.asarray(a, np.float64), np.asarray(b, np.float64), np.asarray(c, np.float64)
    )
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        uh, ul = _two_prod(a, b)
        th, tl = _two_sum(c, uh)
        w, werr = _two_sum(tl, ul)
        out = th + _round_to_odd(w, werr)
        risky = (np.maximum(np.abs(a), np.abs(b)) > 2.0**995) | ~np.isfinite(out)
        risky |= (uh != 0) & (np.abs(uh) < 2.0**-960)
        risky |= (out != 0) & (np.abs(out) < 2.0**-960)
        for i in np.flatnonzero(risky):
            out.flat[i] = _fma_exact(float(a.flat[i]), float(b.flat[i]), float(c.flat[i]))
    return out


def _fma_exact(x: float, y: float, z: float) -> float:
    """Scalar fma through exact rational arithmetic (slow; used for extreme exponents)."""
    if not (math.isfinite(x) and math.isfinite(y) and math.isfinite(z)):
        return x * y + z
    exact = Fraction(x) * Fraction(y) + Fraction(z)
    if exact == 0:
        return x * y + z  # the sign of an exact zero, as IEEE addition gives it
    try:
        return float(exact)  # int / int: correctly rounded, subnormals included
    except OverflowError:
        return math.copysign(math.inf, exact)


# --------------------------------------------------------------------------------------------
# the generator
# --------------------------------------------------------------------------------------------


class Generator:
    """torch.Generator equivalent for the CPU (mt19937 engine, seeded like torch).

    The state mirrors ``at::CPUGeneratorImpl``: the mt19937 words, the ``left``/``next``
    counters of torch's engine, the seed it was created from, and the cached second sample of
    the scalar Box-Muller normal sampler.  ``get_state``/``set_state`` use exactly torch's
    5056-byte layout, so states can be passed between this class and real torch.
    """

    def __init__(self, device="cpu"):
        if str(device) != "cpu":
            raise RuntimeError(
                f"tracegrad Generator only supports the 'cpu' device, got '{device}'"
            )
        self.device = "cpu"
        self._bitgen = np.random.MT19937(0)
        self._set_current_seed(DEFAULT_SEED)

    # ---------------------------------------------------------------- seeding
    def _set_current_seed(self, seed: int) -> None:
        self._seed = seed & _U64_MASK
        self._key = _seeded_key(self._seed)
        self._left = 1  # the next draw regenerates the block, exactly like torch
        self._next = 0
        self._seeded = True
        self._next_double_normal: float | None = None
        self._next_float_normal: float | None = None

    def manual_seed(self, seed) -> Generator:
        """Seed the generator (torch semantics: any int in [-2**63, 2**64); negative seeds
        are taken modulo 2**64; the mt19937 key uses the low 32 bits)."""
        if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
            raise RuntimeError(f"manual_seed expected a long, but got {type(seed).__name__}")
        seed = int(seed)
        if seed < _INT64_MIN or seed > _U64_MASK:
            raise ValueError("Overflow when unpacking long long")
        self._set_current_seed(seed)
        return self

    def seed(self) -> int:
        """Seed from the OS entropy source (like torch, 64 random bits) and return the seed."""
        value = int.from_bytes(os.urandom(8), "little")
        self._set_current_seed(value)
        return value

    def initial_seed(self) -> int:
        """The seed this generator was last seeded with (as an unsigned 64-bit int)."""
        return self._seed

    # ---------------------------------------------------------------- state exchange
    def get_state(self) -> np.ndarray:
        """The state as torch's ``CPUGeneratorImplState`` bytes (uint8 array of 5056).

        Layout (little endian): int64 seed | int32 left | int32 seeded | uint64 next |
        uint64 state[624] | double normal_x, normal_y, normal_rho | int32 normal_is_valid |
        pad | float next_float_normal_sample | bool its validity | pad.  Only normal_y and
        normal_is_valid carry the cached double normal sample; normal_x/rho stay zero."""
        buf = np.zeros(_STATE_BYTES, dtype=np.uint8)
        buf[0:8] = np.array([self._seed], dtype="<u8").view(np.uint8)
        buf[8:16] = np.array([self._left, int(self._seeded)], dtype="<i4").view(np.uint8)
        buf[16:24] = np.array([self._next], dtype="<u8").view(np.uint8)
        buf[24:5016] = self._key.astype("<u8").view(np.uint8)
        if self._next_double_normal is not None:
            buf[5024:5032] = np.array([self._next_double_normal], dtype="<f8").view(np.uint8)
            buf[5040:5044] = np.array([1], dtype="<i4").view(np.uint8)
        if self._next_float_normal is not None:
            buf[5048:5052] = np.array([self._next_float_normal], dtype="<f4").view(np.uint8)
            buf[5052] = 1
        return buf

    def set_state(self, state) -> Generator:
        """Load a state produced by :meth:`get_state` or by torch (``get_rng_state()``)."""
        state = np.asarray(state)
        if state.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        state = np.ascontiguousarray(state).reshape(-1)
        if state.size != _STATE_BYTES:
            raise RuntimeError(
                f"Expected a CPUGeneratorImplState of size {_STATE_BYTES} but found the input "
                f"RNG state size to be {state.size}"
            )
        seed = int(state[0:8].view("<u8")[0])
        left, seeded = (int(v) for v in state[8:16].view("<i4"))
        nxt = int(state[16:24].view("<u8")[0]) & 0xFFFFFFFF  # torch truncates to uint32
        key = state[24:5016].view("<u8").astype(np.uint32)  # uint64 words truncated
        normal_y = float(state[5024:5032].view("<f8")[0])
        normal_valid = int(state[5040:5044].view("<i4")[0]) != 0
        float_sample = float(state[5048:5052].view("<f4")[0])
        float_valid = int(state[5052]) != 0
        if not (seeded != 0 and 0 < left <= _N and nxt <= _N):
            raise RuntimeError("Invalid mt19937 state")
        self._seed = seed
        self._left = left
        self._next = nxt
        self._seeded = True
        self._key = key
        self._next_double_normal = normal_y if normal_valid else None
        self._next_float_normal = float_sample if float_valid else None
        return self

    def __repr__(self) -> str:
        return f"<tracegrad Generator device='cpu' initial_seed={self._seed}>"

    # ---------------------------------------------------------------- raw draws
    def _random32(self, n: int) -> np.ndarray:
        """n successive ``random()`` values (uint32), advancing the engine like torch.

        torch's engine decrements ``left`` and regenerates the whole block when it reaches 0,
        then returns ``temper(state[next++])``.  Values still left in the current block are
        tempered here; the rest comes from NumPy's MT19937 loaded with the same key."""
        out = np.empty(n, dtype=np.uint32)
        take = max(0, min(n, self._left - 1))
        if take:
            if self._next + take > _N:  # only a hand-made state can get here
                raise RuntimeError("Invalid mt19937 state")
            out[:take] = _temper(self._key[self._next : self._next + take])
            self._next += take
            self._left -= take
        rest = n - take
        if rest > 0:
            self._bitgen.state = {
                "bit_generator": "MT19937",
                "state": {"key": self._key, "pos": _N},
            }
            out[take:] = self._bitgen.random_raw(rest)
            inner = self._bitgen.state["state"]
            self._key = np.asarray(inner["key"], dtype=np.uint32).copy()
            pos = int(inner["pos"])
            self._next = pos
            self._left = _N + 1 - pos
        return out

    def _random64(self, n: int) -> np.ndarray:
        """n successive ``random64()`` values: two draws each, the first one is the high word."""
        raw = self._random32(2 * n).astype(np.uint64)
        return (raw[0::2] << np.uint64(32)) | raw[1::2]

    def _uniform_float(self, n: int) -> np.ndarray:
        """n float uniforms in [0, 1): 24 random bits of ``random()`` times 2**-24."""
        return (self._random32(n) & np.uint32(0xFFFFFF)).astype(np.float32) * np.float32(2.0**-24)

    def _uniform_double(self, n: int) -> np.ndarray:
        """n double uniforms in [0, 1): 53 random bits of ``random64()`` times 2**-53."""
        bits = self._random64(n) & np.uint64((1 << 53) - 1)
        return bits.astype(np.float64) * 2.0**-53


# --------------------------------------------------------------------------------------------
# uniform
# --------------------------------------------------------------------------------------------


def _check_float_dtype(dtype: np.dtype, kernel: str) -> None:
    if dtype not in _FLOAT_DTYPES:
        raise _not_implemented(kernel, dtype)


def uniform(gen: Generator, shape, dtype, low=0.0, high=1.0) -> np.ndarray:
    """torch.rand / Tensor.uniform_(low, high).

    One uniform per element in memory order.  float32 and float16 draw a float uniform
    ``x`` (24 bits, one ``random()``) and compute ``fma(x, high - low, low)`` in float; float16
    then rounds to half and maps a result equal to ``high`` back to ``low``.  float64 draws a
    53-bit double uniform (one ``random64()``) and computes the same fma in double."""
    dtype = _as_dtype(dtype)
    shape = _as_shape(shape)
    _check_float_dtype(dtype, "check_uniform_bounds")
    info = np.finfo(dtype)
    lo_lim, hi_lim = float(info.min), float(info.max)
    low, high = float(low), float(high)
    if not (lo_lim <= low <= hi_lim):
        raise RuntimeError(f"from is out of bounds for {_CPP_TYPE_NAME[dtype]}")
    if not (lo_lim <= high <= hi_lim):
        raise RuntimeError(f"to is out of bounds for {_CPP_TYPE_NAME[dtype]}")
    if not low <= high:
        raise RuntimeError(
            f"uniform_ expects to return a [from, to) range, but found from={_fmt(low)} > "
            f"to={_fmt(high)}"
        )
    if not high - low <= hi_lim:
        raise RuntimeError(
            f"uniform_ expects to-from <= std::numeric_limits<{_dtype_name(dtype)}>::max(), "
            f"but found to={_fmt(high)} and from={_fmt(low)} which result in to-from to "
            "exceed the limit"
        )
    n = _numel(shape)
    out = np.empty(n, dtype=dtype)
    # drawn block by block into the result (the stream is sequential, so the values are
    # those of one draw): the temporaries stay small for rand(10**7)
    for start in range(0, n, _UNIFORM_BLOCK):
        stop = min(n, start + _UNIFORM_BLOCK)
        out[start:stop] = _uniform_block(gen, stop - start, dtype, low, high)
    return out.reshape(shape)


_UNIFORM_BLOCK = 1 << 16


def _uniform_block(gen: Generator, n: int, dtype, low: float, high: float) -> np.ndarray:
    """The next ``n`` uniforms of ``uniform`` (see there)."""
    if dtype == _F64:
        return _fma64(gen._uniform_double(n), high - low, low)
    lo32, hi32 = np.float32(low), np.float32(high)
    value = _fma32(gen._uniform_float(n), np.float32(hi32 - lo32), lo32)
    if dtype == _F16:
        value = value.astype(_F16)
        lo16, hi16 = np.float16(lo32), np.float16(hi32)
        value[value == hi16] = lo16
    return value


# --------------------------------------------------------------------------------------------
# normal
# --------------------------------------------------------------------------------------------


def _bits_f32(h: int) -> np.float32:
    return np.array(h, dtype=np.uint32).view(np.float32)[()]


# Constants of avx_mathfun.h (Cephes single precision log / sincos), as stored in libtorch.
_LOG_P = [
    _bits_f32(h)
    for h in (
        0x3D9021BB, 0xBDEBD1B8, 0x3DEF251A, 0xBDFE5D4F, 0x3E11E9BF,
        0xBE2AAE50, 0x3E4CCEAC, 0xBE7FFFFC, 0x3EAAAAAA,
    )
]  # fmt: skip
_LOG_Q1 = _bits_f32(0xB95E8083)  # -2.12194440e-4
_LOG_Q2 = _bits_f32(0x3F318000)  # 0.693359375
_SQRTHF = _bits_f32(0x3F3504F3)
_FOPI = _bits_f32(0x3FA2F983)  # 4 / pi
_DP1, _DP2, _DP3 = (_bits_f32(h) for h in (0xBF490000, 0xB97DA000, 0xB3222169))
_COS_P = [_bits_f32(h) for h in (0x37CCF5CE, 0xBAB6061A, 0x3D2AAAA5)]
_SIN_P = [_bits_f32(h) for h in (0xB94CA1F9, 0x3C08839E, 0xBE2AAAA3)]
_TWO_PI_F32 = _bits_f32(0x40C90FDB)
_ONE = np.float32(1.0)
_HALF = np.float32(0.5)


def _fma32n(a, b, c) -> np.ndarray:
    """_fma32 for the Box-Muller helpers, whose results are never float subnormals."""
    return _fma32(a, b, c, tiny_possible=False)


def _log_avx2(x: np.ndarray) -> np.ndarray:
    """torch's ``log256_ps`` (Cephes logf) for positive normal floats, with the FMA
    contractions that the AVX2 build of libtorch uses."""
    bits = x.view(np.uint32)
    e = ((bits >> np.uint32(23)).astype(np.int32) - 127).astype(np.float32) + _ONE
    m = ((bits & np.uint32(0x807FFFFF)) | np.uint32(0x3F000000)).view(np.float32)  # [0.5, 1)
    small = m < _SQRTHF
    e = e - np.where(small, _ONE, np.float32(0))
    m = (m - _ONE) + np.where(small, m, np.float32(0))
    z = m * m
    y = _fma32n(_LOG_P[0], m, _LOG_P[1])
    for p in _LOG_P[2:]:
        y = _fma32n(y, m, p)
    y = m * y
    y = _fma32n(y, z, e * _LOG_Q1)
    y = _fma32n(z, -_HALF, y)
    return _fma32n(e, _LOG_Q2, m + y)


def _sincos_avx2(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """torch's ``sincos256_ps`` (Cephes sinf/cosf) with the AVX2 build's FMA contractions."""
    bits = theta.view(np.uint32)
    sign_sin = bits & np.uint32(0x80000000)
    x = (bits & np.uint32(0x7FFFFFFF)).view(np.float32)
    j = (x * _FOPI).astype(np.int32)  # truncation, like cvttps2dq
    j = (j + 1) & ~1  # round the octant up to even
    y = j.astype(np.float32)
    sign_sin = sign_sin ^ ((j & 4) << 29).astype(np.uint32)
    sign_cos = ((~(j - 2) & 4) << 29).astype(np.uint32)
    use_sin_poly = (j & 2) == 0
    # extended precision reduction x - y * pi/4 in three pieces
    x = _fma32n(y, _DP1, x)
    x = _fma32n(y, _DP2, x)
    x = _fma32n(y, _DP3, x)
    z = x * x
    half_z = z * _HALF
    yc = _fma32n(_COS_P[0], z, _COS_P[1])
    yc = _fma32n(yc, z, _COS_P[2])
    yc = z * yc
    yc = _fma32n(z, yc, -half_z) + _ONE
    ys = _fma32n(_SIN_P[0], z, _SIN_P[1])
    ys = _fma32n(ys, z, _SIN_P[2])
    ys = z * ys
    ys = _fma32n(x, ys, x)
    s = np.where(use_sin_poly, ys, yc).view(np.uint32) ^ sign_sin
    c = np.where(use_sin_poly, yc, ys).view(np.uint32) ^ sign_cos
    return s.view(np.float32), c.view(np.float32)


def _normal_fill16_float(u: np.ndarray, mean: np.float32, std: np.float32) -> np.ndarray:
    """Box-Muller on groups of 16 float uniforms (rows of ``u``), torch's AVX2 NormalFill16:
    u1 = 1 - u[:8], u2 = u[8:], r = sqrt(-2 log u1), theta = 2 pi u2,
    out[:8] = fma(r cos theta, std, mean), out[8:] = fma(r sin theta, std, mean)."""
    u1 = _ONE - u[:, :8]
    theta = _TWO_PI_F32 * u[:, 8:]
    radius = np.sqrt(_log_avx2(u1) * np.float32(-2.0))
    sin_t, cos_t = _sincos_avx2(theta)
    out = np.empty_like(u)
    out[:, :8] = _fma32(radius * cos_t, std, mean)
    out[:, 8:] = _fma32(radius * sin_t, std, mean)
    return out


def _libm(fn, x: np.ndarray) -> np.ndarray:
    """Apply a C-library function (from ``math``) element-wise.  NumPy's own SIMD log/sin/cos
    are not bit-identical to the C library that torch calls, so they cannot be used."""
    values = np.fromiter(map(fn, x.ravel().tolist()), dtype=np.float64, count=x.size)
    return values.reshape(x.shape)


def _normal_fill16_double(u: np.ndarray, mean: float, std: float) -> np.ndarray:
    """Box-Muller on groups of 16 double uniforms (torch's scalar NormalFill16<double>)."""
    u1 = 1.0 - u[:, :8]
    theta = (2.0 * math.pi) * u[:, 8:]
    radius = np.sqrt(-2.0 * _libm(math.log, u1))
    out = np.empty_like(u)
    out[:, :8] = _fma64(radius * _libm(math.cos, theta), std, mean)
    out[:, 8:] = _fma64(radius * _libm(math.sin, theta), std, mean)
    return out


def _normal_vectorized(gen: Generator, n: int, dtype: np.dtype, mean, std) -> np.ndarray:
    """torch's normal_fill (n >= 16): uniforms for every element, then Box-Muller in blocks
    of 16; when n is not a multiple of 16 the last 16 outputs are recomputed from 16 fresh
    uniforms.  float32/float64 first draw all n uniforms (so the last n % 16 of them are
    wasted); float16 draws 16 per block (no waste)."""
    full = n // 16 * 16
    tail = n % 16 != 0
    if dtype == _F64:
        u = gen._uniform_double(n + (16 if tail else 0))
        fill = _normal_fill16_double
        mean_c, std_c = float(mean), float(std)
    else:
        drawn = n if dtype == _F32 else full
        u = gen._uniform_float(drawn + (16 if tail else 0))
        fill = _normal_fill16_float
        mean_c, std_c = np.float32(mean), np.float32(std)
    out = np.empty(n, dtype=u.dtype)
    out[:full] = fill(u[:full].reshape(-1, 16), mean_c, std_c).reshape(-1)
    if tail:
        out[n - 16 :] = fill(u[-16:].reshape(1, 16), mean_c, std_c).reshape(-1)
    return _to_dtype(out, dtype)


def _normal_scalar(gen: Generator, n: int, dtype: np.dtype, mean: float, std: float):
    """torch's at::normal_distribution<double> (n < 16): Box-Muller with two double uniforms
    u1, u2: r = sqrt(-2 log1p(-u2)), theta = 2 pi u1; returns r cos(theta) and caches
    r sin(theta) in the generator for the next call.  Output = fma(sample, std, mean)."""
    has_cache = gen._next_double_normal is not None
    fresh = max(0, n - int(has_cache))
    pairs = (fresh + 1) // 2
    u = gen._uniform_double(2 * pairs).tolist()
    samples = []
    k = 0
    for _ in range(n):
        if gen._next_double_normal is not None:
            samples.append(gen._next_double_normal)
            gen._next_double_normal = None
            continue
        u1, u2 = u[k], u[k + 1]
        k += 2
        r = math.sqrt(-2.0 * math.log1p(-u2))
        theta = 2.0 * math.pi * u1
        gen._next_double_normal = r * math.sin(theta)
        samples.append(r * math.cos(theta))
    values = _fma64(np.array(samples, dtype=np.float64), std, mean)
    return _to_dtype(values, dtype)


def normal(gen: Generator, shape, dtype, mean=0.0, std=1.0, *, contiguous=True) -> np.ndarray:
    """torch.randn / Tensor.normal_(mean, std) / torch.normal(mean, std, size) (scalars).

    torch uses two algorithms, chosen by size:

    * fewer than 16 elements (or a non-contiguous tensor: pass ``contiguous=False``; the values
      then come in the order torch visits the elements, which the caller must follow):
      scalar Box-Muller in double precision from two 53-bit uniforms, using the C library's
      log1p/sin/cos; each pair yields two samples and the second is cached in the generator
      (it survives between calls and is returned first next time).
    * 16 or more: all uniforms first, then Box-Muller 16 at a time (8 cos + 8 sin outputs).
      float32/float16 use float uniforms and torch's AVX2 polynomial log/sincos; float64 uses
      double uniforms and the C library's log/cos/sin.  This path neither uses nor touches the
      cached sample.
    """
    dtype = _as_dtype(dtype)
    shape = _as_shape(shape)
    _check_float_dtype(dtype, "normal_kernel_cpu")
    mean, std = float(mean), float(std)
    if not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(std)}")
    n = _numel(shape)
    if n >= 16 and contiguous:
        return _normal_vectorized(gen, n, dtype, mean, std).reshape(shape)
    return _normal_scalar(gen, n, dtype, mean, std).reshape(shape)


def normal_tensor(gen: Generator, mean, std, dtype=None) -> np.ndarray:
    """torch.normal(mean, std) with at least one tensor argument (broadcasting).

    torch draws standard normals of the broadcast shape (the same stream use as
    ``normal(gen, shape, dtype)``), then scales them in ``dtype`` arithmetic:
    ``(z * std) + mean`` (two roundings).  When ``std`` is a Python scalar and ``mean`` an
    array, torch instead draws ``normal(0, std)`` of mean's shape and adds ``mean``.
    ``dtype`` defaults to the dtype of the array argument (mean's when both are arrays)."""
    mean_is_array = isinstance(mean, np.ndarray)
    std_is_array = isinstance(std, np.ndarray)
    if dtype is None:
        dtype = mean.dtype if mean_is_array else (std.dtype if std_is_array else _F32)
    dtype = _as_dtype(dtype)
    _check_float_dtype(dtype, "normal_kernel_cpu")
    if std_is_array:
        if std.size and not bool(np.all(std >= 0)):
            raise RuntimeError("normal expects all elements of std >= 0.0")
    elif not float(std) >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(float(std))}")
    if mean_is_array and not std_is_array:
        out = normal(gen, mean.shape, dtype, 0.0, float(std))
        return out + mean.astype(dtype)
    mean_a = np.asarray(mean, dtype=dtype)
    std_a = np.asarray(std, dtype=dtype)
    shape = _broadcast_shape(mean_a.shape, std_a.shape)
    z = normal(gen, shape, dtype)
    return (z * std_a) + mean_a


# --------------------------------------------------------------------------------------------
# integers: random_, randint
# --------------------------------------------------------------------------------------------


def _digits(dtype: np.dtype) -> int:
    return {_F16: 11, _F32: 24, _F64: 53}[dtype]


def _as_int64(value) -> int:
    """A bound as torch receives it: a Python int that must fit in int64."""
    value = operator.index(value)
    if not _INT64_MIN <= value <= _INT64_MAX:
        raise ValueError("Overflow when unpacking long long")
    return value


def _float_to_int64(value: float) -> int:
    """C++ static_cast<int64_t>(float) as x86 does it (out of range -> INT64_MIN)."""
    if not math.isfinite(value) or not (_INT64_MIN <= value < 2.0**63):
        return _INT64_MIN
    return int(value)


def _round_through(value: int, dtype: np.dtype) -> float:
    """static_cast<scalar_t>(int64) for a float scalar_t (half goes through float)."""
    with np.errstate(over="ignore"):
        arr = _to_dtype(np.array([value], dtype=np.int64), dtype)
    return float(arr[0])


def _update_from(from_: int, dtype: np.dtype) -> int:
    """torch's update_from: move 'from' up to the next value representable in dtype."""
    from_plus_1 = _float_to_int64(_round_through(from_ + 1, dtype))
    if from_plus_1 < from_:
        n = max(abs(from_ + 1).bit_length() - 1, 0)
        from_ = from_plus_1 + (1 << (n - _digits(dtype) + 1))
    return from_


def _update_to(to: int, dtype: np.dtype) -> int:
    """torch's update_to: move 'to' down to the previous value representable in dtype."""
    to_minus_1 = _float_to_int64(_round_through(to - 1, dtype))
    if to_minus_1 >= to:
        n = max(abs(to - 1).bit_length() - 1, 0)
        to = to_minus_1 - (1 << (n - _digits(dtype) + 1))
    return to


def _check_from_to_in_range(from_: int, to_inc: int, dtype: np.dtype) -> None:
    name = _CPP_TYPE_NAME[dtype]
    if dtype in _FLOAT_DTYPES:
        info = np.finfo(dtype)
        lo, hi = float(info.min), float(info.max)
        if not lo <= from_ <= hi:
            raise RuntimeError(f"from is out of bounds for {name}")
        if not lo <= to_inc <= hi:
            raise RuntimeError(f"to - 1 is out of bounds for {name}")
        digits = _digits(dtype)
        for var, label in ((from_, "from"), (to_inc, "to - 1")):
            if var < -(1 << digits) or var > (1 << digits):
                warnings.warn(
                    f"{label} is out of bounds [-(2^{digits}), 2^{digits}]. Due to precision "
                    f"limitations {name} can support discrete uniform distribution only within "
                    "this range. This warning will become an error in version 1.7 release, "
                    "please fix the code in advance",
                    UserWarning,
                    stacklevel=3,
                )
    else:
        if dtype == _BOOL:
            lo, hi = 0, 1
        else:
            info = np.iinfo(dtype)
            lo, hi = int(info.min), int(info.max)
        if not lo <= from_ <= hi:
            raise RuntimeError(f"from is out of bounds for {name}")
        if not lo <= to_inc <= hi:
            raise RuntimeError(f"to - 1 is out of bounds for {name}")


def _from_to_values(gen: Generator, n: int, range_: int, base: int) -> np.ndarray:
    """uniform_int_from_to_distribution: ``(v % range + base)`` as int64, where v is
    ``random64()`` when range >= 2**28 and ``random()`` otherwise."""
    if range_ >= 1 << 28:
        v = gen._random64(n)
    else:
        v = gen._random32(n).astype(np.uint64)
    v = (v % np.uint64(range_)) + np.uint64(base & _U64_MASK)  # wraps modulo 2**64
    return v.view(np.int64)


def random_(gen: Generator, shape, dtype, from_=0, to=None) -> np.ndarray:
    """Tensor.random_() / random_(to) / random_(from, to) / random_(from, None).

    * ``from_`` 0 (or None) and ``to`` None: ``random_()`` -- integers spread over the dtype:
      ``v % (max + 1)`` for integer types (bool: ``v & 1``), ``v % (2**digits + 1)`` for
      floating types, where v is ``random64()`` for int64 and float64, else ``random()``.
    * ``to`` given: [from_, to) (``from_`` None means 0).
    * ``from_`` other than 0 and ``to`` None: [from_, dtype max] (floats: up to 2**digits);
      ``from_ = -2**63`` gives the full 64-bit range, one ``random64()`` as int64 each.
    Bounded draws are ``v % range + from``, with v = ``random64()`` if range >= 2**28, else
    ``random()``.  For floating dtypes the bounds are first moved to representable values.

    torch's explicit ``random_(0, None)`` differs from ``random_()`` only for int32 (range
    2**31 takes ``random64()``); call ``random_(gen, shape, int32, 0, 2**31)`` for that.
    """
    dtype = _as_dtype(dtype)
    shape = _as_shape(shape)
    if dtype not in _FLOAT_DTYPES + _INT_DTYPES + (_BOOL,):
        raise _not_implemented("random_", dtype)
    n = _numel(shape)
    if to is None and (from_ is None or from_ == 0):
        if n == 0:
            return np.empty(shape, dtype=dtype)
        if dtype in (_F64, np.dtype(np.int64)):
            v = gen._random64(n)
        else:
            v = gen._random32(n).astype(np.uint64)
        if dtype == _BOOL:
            return (v & np.uint64(1)).astype(_BOOL).reshape(shape)
        if dtype in _FLOAT_DTYPES:
            modulus = (1 << _digits(dtype)) + 1
        else:
            modulus = int(np.iinfo(dtype).max) + 1
        return _to_dtype(v % np.uint64(modulus), dtype).reshape(shape)
    from_ = 0 if from_ is None else _as_int64(from_)
    if to is not None:
        to = _as_int64(to)
        if not from_ < to:
            raise RuntimeError(
                f"random_ expects 'from' to be less than 'to', but got from={from_} >= to={to}"
            )
        if dtype in _FLOAT_DTYPES:
            from_ = _update_from(from_, dtype)
            to = _update_to(to, dtype)
            if not from_ < to:
                raise RuntimeError(
                    "random_ expects 'from' casted to dtype to be less than 'to' casted to "
                    f"dtype, but got from={from_} >= to={to}"
                )
        _check_from_to_in_range(from_, to - 1, dtype)
        if n == 0:
            return np.empty(shape, dtype=dtype)
        values = _from_to_values(gen, n, (to - from_) & _U64_MASK, from_)
    elif from_ != _INT64_MIN:
        if dtype in _FLOAT_DTYPES:
            to_inc = min(1 << _digits(dtype), _INT64_MAX)
            from_ = _update_from(from_, dtype)
            if not from_ < to_inc:
                raise RuntimeError(
                    "random_ expects 'from' casted to dtype to be less than or equal to "
                    f"'to_inc' casted to dtype, but got from={from_} > to_inc={to_inc}"
                )
        elif dtype == _BOOL:
            to_inc = 1
        else:
            to_inc = int(np.iinfo(dtype).max)
        _check_from_to_in_range(from_, to_inc, dtype)
        if n == 0:
            return np.empty(shape, dtype=dtype)
        values = _from_to_values(gen, n, (to_inc - from_ + 1) & _U64_MASK, from_)
    else:
        if dtype not in (_F32, _F64, np.dtype(np.int64)):
            raise RuntimeError(
                "random_full_64_bits_range_kernel_cpu handles only int64, double, float and "
                "bfloat16"
            )
        if n == 0:
            return np.empty(shape, dtype=dtype)
        values = gen._random64(n).view(np.int64)
    return _to_dtype(values, dtype).reshape(shape)


def randint(gen: Generator, low, high, shape, dtype=np.int64) -> np.ndarray:
    """torch.randint(low, high, size): ``random_(low, high)`` on a new array, i.e. each
    element is ``v % (high - low) + low`` with v = ``random()`` (``random64()`` when
    high - low >= 2**28)."""
    return random_(gen, shape, dtype, low, high)


# --------------------------------------------------------------------------------------------
# randperm
# --------------------------------------------------------------------------------------------


def _group_by_target(targets: np.ndarray, n: int):
    """For steps k = 0..m-1 with targets t_k: the previous step with the same target
    (or -1) and, per position p, the last step targeting p (or -1)."""
    m = targets.size
    itype = targets.dtype
    if n * m < 2**62:
        # by target, then by step (one key per step: a plain sort is faster than a stable one)
        order = np.argsort(targets.astype(np.int64) * m + np.arange(m))
    else:
        order = np.argsort(targets, kind="stable")  # the keys above would overflow
    sorted_t = targets[order]
    same = sorted_t[1:] == sorted_t[:-1]
    prev = np.full(m, -1, dtype=itype)
    prev[order[1:][same]] = order[:-1][same]
    last = np.full(n, -1, dtype=itype)
    is_last = np.ones(m, dtype=bool)
    is_last[:-1] = ~same
    last[sorted_t[is_last]] = order[is_last]
    return prev, last


def _resolve_chains(link: np.ndarray, terminal: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Follow ``link`` from every node until a terminal node; return that node's value.
    Pointer jumping: O(log(chain length)) vectorised passes."""
    ptr = np.where(terminal, np.arange(link.size, dtype=link.dtype), link)
    while True:
        nxt = ptr[ptr]
        if np.array_equal(nxt, ptr):
            break
        ptr = nxt
    return value[ptr]


def _shuffle_forward(size: int, targets: np.ndarray) -> np.ndarray:
    """Where each value of ``r = arange(size)`` ends up after the swaps
    ``for i < m: swap(r[i], r[targets[i]])`` (``targets[i] >= i``, m = ``targets.size``),
    vectorised: the result ``r`` (int64) has ``r[p]`` = the position the value came from.

    Position i is final after step i, so:
    D[p], the value at position p just before step p (or at the end, for p >= m), is D[k]
    for the last step k < p with j_k = p (step k moved D[k] there), or p itself if no step
    targeted p; and the final r[i], i < m, is D[k] for the last step k < i with
    j_k = j_i, or j_i.  D is a forest of such "last writer" links, resolved by pointer
    jumping."""
    itype = np.int32 if size < 2**31 else np.int64
    m = targets.size
    steps = np.arange(m, dtype=itype)
    targets = targets.astype(itype)
    prev, last = _group_by_target(targets, size)
    positions = np.arange(size, dtype=itype)
    parent = last.copy()
    self_target = np.zeros(size, dtype=bool)
    self_target[:m] = last[:m] == steps  # last writer of p is step p itself (j_p == p)
    parent[self_target] = prev[positions[self_target]]
    d = _resolve_chains(np.maximum(parent, 0), parent < 0, positions)
    result = np.empty(size, dtype=np.int64)
    result[:m] = np.where(prev >= 0, d[np.maximum(prev, 0)], targets)
    result[m:] = d[m:]
    return result


# steps of the Fisher-Yates shuffle evaluated at once: bounds the temporaries (a few
# arrays of this length) so that randperm's peak memory stays close to its result's; and
# at 64 KiB per int64 array they come from the C library's heap, not from fresh pages
# (randperm(10**7): 0.42 s, against 0.55-0.85 s with blocks of 2**12 or 2**15-2**16)
_SHUFFLE_BLOCK = 1 << 13


def _shuffle_in_blocks(gen: Generator, n: int) -> np.ndarray:
    """torch's forward Fisher-Yates shuffle of ``arange(n)``, ``_SHUFFLE_BLOCK`` steps at a
    time.  Step i of a block s..e-1 swaps positions i and j_i >= i.  A step whose two
    positions no other step of the block touches commutes with all of them ("clean"): those
    are swapped at once.  The others ("dirty": a target shared with another step, or one
    inside the block) only move values among their own positions; on those, renumbered in
    order, they form a shuffle of the same form, which ``_shuffle_forward`` evaluates.
    Far from the end of the permutation about 1% of a block's steps are dirty."""
    perm = np.arange(n, dtype=np.int64)
    for start in range(0, n - 1, _SHUFFLE_BLOCK):
        stop = min(n - 1, start + _SHUFFLE_BLOCK)
        draws = gen._random32(stop - start).astype(np.int64)
        steps = np.arange(start, stop, dtype=np.int64)
        targets = steps + draws % (n - steps)
        inside = targets < stop  # a target among the block's own positions
        moving = inside & (targets != steps)  # (a step swapping a position with itself is idle)
        dirty = moving.copy()
        dirty[targets[moving] - start] = True  # ... and the step owning that position
        beyond = np.sort(targets[~inside])
        shared = beyond[1:][beyond[1:] == beyond[:-1]]  # targets of several steps
        if shared.size:
            dirty |= np.isin(targets, shared)
        clean = ~dirty
        i, j = steps[clean], targets[clean]
        perm[i], perm[j] = perm[j], perm[i]
        if dirty.any():
            _shuffle_subset(perm, steps[dirty], targets[dirty], stop)
    return perm


def _shuffle_subset(perm: np.ndarray, steps: np.ndarray, targets: np.ndarray, stop: int):
    """Apply ``swap(perm[steps[k]], perm[targets[k]])`` for k in order, where every position
    below ``stop`` that a target names is one of ``steps`` (so the positions renumber into
    the form ``_shuffle_forward`` takes: the steps first, in order, then the targets
    beyond them)."""
    order = np.argsort(targets, kind="stable")
    ordered = targets[order]
    distinct = np.empty(ordered.size, dtype=bool)
    distinct[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=distinct[1:])
    beyond = ordered >= stop
    rank = np.cumsum(distinct & beyond) - 1  # place among the distinct targets beyond
    renumbered = np.empty(targets.size, dtype=np.int64)
    renumbered[order] = np.where(beyond, steps.size + rank, np.searchsorted(steps, ordered))
    touched = np.concatenate([steps, ordered[distinct & beyond]])
    moved = _shuffle_forward(touched.size, renumbered)
    perm[touched] = perm[touched[moved]]


def _shuffle_inside_out(n: int, picks: np.ndarray) -> np.ndarray:
    """Result of ``for i < n: r[i] = i; swap(r[i], r[picks[i]])`` (picks[i] <= i), vectorised.

    The final r[p] is the last step i with picks[i] == p (it wrote i there), if any.
    Otherwise it is W[p], the value at position q = picks[p] just before step p: the previous
    step i < p with picks[i] == q if there is one, else W[q] (what step q left there)."""
    itype = np.int32 if n < 2**31 else np.int64
    picks = picks.astype(itype)
    prev, last = _group_by_target(picks, n)
    w = _resolve_chains(picks, prev >= 0, prev)
    return np.where(last >= 0, last, w).astype(np.int64)


def randperm(gen: Generator, n, dtype=np.int64) -> np.ndarray:
    """torch.randperm(n).

    For n < (2**32 - 1) // 20 torch runs a Fisher-Yates shuffle on ``arange(n)``: for
    i = 0 .. n-2 it swaps r[i] with r[i + random() % (n - i)].  For larger n it uses the
    "inside-out" variant with ``random64() % (i + 1)`` for i = 0 .. n-1.  The swap loops are
    sequential in torch; here they are evaluated with vectorised "last writer" chains."""
    dtype = _as_dtype(dtype)
    n = operator.index(n)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    if dtype == _BOOL or dtype not in _FLOAT_DTYPES + _INT_DTYPES:
        raise NotImplementedError(f"\"randperm\" not implemented for '{_dtype_name(dtype)}'")
    if dtype in _INT_DTYPES:
        largest = n - 1 if n > 0 else n
        if largest > np.iinfo(dtype).max:
            raise RuntimeError(f"value cannot be converted to type {dtype}_t without overflow")
    limits = {_F16: (2049, "2049", "Half"), _F32: (2**24 + 1, "2^24+1", "Float")}
    limits[_F64] = (2**53 + 1, "2^53+1", "Double")
    if dtype in limits and n > limits[dtype][0]:
        _, text, name = limits[dtype]
        raise RuntimeError(f"n cannot be greater than {text} for {name} type.")
    if n < _RANDPERM_SMALL_LIMIT:
        if n <= 1:
            return np.arange(n).astype(dtype)
        perm = _shuffle_in_blocks(gen, n)
    else:
        picks = np.empty(n, dtype=np.int64)
        chunk = 1 << 24
        for start in range(0, n, chunk):
            stop = min(n, start + chunk)
            bound = np.arange(start + 1, stop + 1, dtype=np.uint64)
            picks[start:stop] = (gen._random64(stop - start) % bound).astype(np.int64)
        perm = _shuffle_inside_out(n, picks)
    return perm if dtype == np.int64 else _to_dtype(perm, dtype)  # no copy of the result


# --------------------------------------------------------------------------------------------
# topk with torch's tie order
# --------------------------------------------------------------------------------------------
#
# torch.topk on the CPU puts (value, index) pairs in a vector and calls std::partial_sort
# (when k * 64 <= n) or std::nth_element followed by std::sort of the first k - 1 pairs, with
# "a before b" meaning a is NaN and b is not, or a > b.  Equal values therefore come out in an
# order fixed by libstdc++'s introsort/introselect/heap code, not by index.  When a row has no
# ties among the values that matter, a stable sort gives the same answer; otherwise the
# libstdc++ algorithms are replayed below (plain Python, only used for tied rows).

_STL_THRESHOLD = 16  # libstdc++'s _S_threshold: ranges up to this size use insertion sort


class _StlAlgorithms:
    """The libstdc++ (GCC) selection and sorting algorithms on a Python list, with the same
    element moves, so that elements comparing equal end up in the same places."""

    def __init__(self, items: list, before):
        self.a = items
        self.before = before  # strict weak order: before(x, y) is "x goes first"

    # -- heaps (std::make_heap / __adjust_heap / __push_heap / __pop_heap / sort_heap)
    def _push_heap(self, first, hole, top, value):
        a, before = self.a, self.before
        parent = (hole - 1) // 2
        while hole > top and before(a[first + parent], value):
            a[first + hole] = a[first + parent]
            hole = parent
            parent = (hole - 1) // 2
        a[first + hole] = value

    def _adjust_heap(self, first, hole, length, value):
        a, before = self.a, self.before
        top = second = hole
        while second < (length - 1) // 2:
            second = 2 * (second + 1)
            if before(a[first + second], a[first + second - 1]):
                second -= 1
            a[first + hole] = a[first + second]
            hole = second
        if length % 2 == 0 and second == (length - 2) // 2:
            second = 2 * (second + 1)
            a[first + hole] = a[first + second - 1]
            hole = second - 1
        self._push_heap(first, hole, top, value)

    def _make_heap(self, first, last):
        length = last - first
        if length < 2:
            return
        for parent in range((length - 2) // 2, -1, -1):
            self._adjust_heap(first, parent, length, self.a[first + parent])

    def _pop_heap(self, first, last, result):
        value = self.a[result]
        self.a[result] = self.a[first]
        self._adjust_heap(first, 0, last - first, value)

    def _heap_select(self, first, middle, last):
        self._make_heap(first, middle)
        for i in range(middle, last):
            if self.before(self.a[i], self.a[first]):
                self._pop_heap(first, middle, i)

    def partial_sort(self, first, middle, last):
        self._heap_select(first, middle, last)
        while middle - first > 1:
            middle -= 1
            self._pop_heap(first, middle, middle)

    # -- quicksort pieces
    def _partition_pivot(self, first, last):
        a, before = self.a, self.before
        mid = first + (last - first) // 2
        x, y, z = first + 1, mid, last - 1  # median of three moved to a[first]
        if before(a[x], a[y]):
            pick = y if before(a[y], a[z]) else (z if before(a[x], a[z]) else x)
        else:
            pick = x if before(a[x], a[z]) else (z if before(a[y], a[z]) else y)
        a[first], a[pick] = a[pick], a[first]
        lo, hi, pivot = first + 1, last, a[first]
        while True:
            while before(a[lo], pivot):
                lo += 1
            hi -= 1
            while before(pivot, a[hi]):
                hi -= 1
            if lo >= hi:
                return lo
            a[lo], a[hi] = a[hi], a[lo]
            lo += 1

    def _linear_insert(self, last):
        a, before = self.a, self.before
        value = a[last]
        while before(value, a[last - 1]):
            a[last] = a[last - 1]
            last -= 1
        a[last] = value

    def _insertion_sort(self, first, last):
        a = self.a
        for i in range(first + 1, last):
            if self.before(a[i], a[first]):
                a[first : i + 1] = [a[i]] + a[first:i]
            else:
                self._linear_insert(i)

    def _introsort_loop(self, first, last, depth):
        while last - first > _STL_THRESHOLD:
            if depth == 0:
                self.partial_sort(first, last, last)
                return
            depth -= 1
            cut = self._partition_pivot(first, last)
            self._introsort_loop(cut, last, depth)
            last = cut

    def sort(self, first, last):
        if last - first < 2:
            return
        self._introsort_loop(first, last, 2 * ((last - first).bit_length() - 1))
        if last - first > _STL_THRESHOLD:
            self._insertion_sort(first, first + _STL_THRESHOLD)
            for i in range(first + _STL_THRESHOLD, last):
                self._linear_insert(i)
        else:
            self._insertion_sort(first, last)

    def nth_element(self, first, nth, last):
        if first == last or nth == last:
            return
        depth = 2 * ((last - first).bit_length() - 1)
        while last - first > 3:
            if depth == 0:
                self._heap_select(first, nth + 1, last)
                self.a[first], self.a[nth] = self.a[nth], self.a[first]
                return
            depth -= 1
            cut = self._partition_pivot(first, last)
            if cut <= nth:
                first = cut
            else:
                last = cut
        self._insertion_sort(first, last)


def _topk_indices(values: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest values, largest first, in torch.topk's order (ties too)."""
    order = np.argsort(-values, kind="stable")
    has_nan = bool(np.isnan(values).any())
    ranked = values[order]
    stop = min(k + 1, values.size)
    if not has_nan and not bool(np.any(ranked[: stop - 1] == ranked[1:stop])):
        return order[:k]  # no ties among the top k (or at the cut): the order is unique
    if has_nan:

        def before(x, y):
            return (x[0] != x[0] and y[0] == y[0]) or x[0] > y[0]

    else:

        def before(x, y):
            return x[0] > y[0]

    items = list(zip(values.astype(np.float64).tolist(), range(values.size)))
    algo = _StlAlgorithms(items, before)
    if k * 64 <= values.size:
        algo.partial_sort(0, k, values.size)
    else:
        algo.nth_element(0, k - 1, values.size)
        algo.sort(0, k - 1)
    return np.array([index for _, index in items[:k]], dtype=np.int64)


# --------------------------------------------------------------------------------------------
# bernoulli, exponential, multinomial
# --------------------------------------------------------------------------------------------


def bernoulli(gen: Generator, p, shape=None, dtype=None) -> np.ndarray:
    """torch.bernoulli(p_tensor) / Tensor.bernoulli_(p_tensor) / Tensor.bernoulli_(p_float).

    One uniform per output element in memory order, result ``uniform < p``:

    * p a Python/NumPy scalar: a double uniform (``random64()``) compared with p in double.
    * p an array (broadcast to ``shape``): float64 p uses double uniforms; float32/float16 p
      use float uniforms (24 bits, ``random()``) compared with p as float.
    ``shape`` defaults to p's shape, ``dtype`` to p's dtype (float32 for scalar p)."""
    if isinstance(p, np.ndarray):
        p_dtype = p.dtype
        if p_dtype not in _FLOAT_DTYPES:
            raise _not_implemented("bernoulli_tensor_cpu_p_", p_dtype)
        shape = p.shape if shape is None else _as_shape(shape)
        dtype = p_dtype if dtype is None else _as_dtype(dtype)
        pairs = zip(reversed(p.shape), reversed(shape))
        if len(p.shape) > len(shape) or any(ps not in (1, ss) for ps, ss in pairs):
            raise RuntimeError(
                f"The expanded size of the tensor must match the existing size: p has shape "
                f"{list(p.shape)}, the output {list(shape)}"
            )
        p_full = np.broadcast_to(p, shape)
        if p_full.size and not bool(np.all((p_full >= 0) & (p_full <= 1))):
            raise RuntimeError(
                "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
                "message be improved?  If so, please report an enhancement request to PyTorch.)"
            )
        n = _numel(shape)
        if p_dtype == _F64:
            u = gen._uniform_double(n)
            hits = u < p_full.reshape(-1)
        else:
            u = gen._uniform_float(n)
            hits = u < p_full.reshape(-1).astype(np.float32)
        return hits.astype(dtype).reshape(shape)
    p = float(p)
    if not 0.0 <= p <= 1.0:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_fmt(p)}")
    shape = () if shape is None else _as_shape(shape)
    dtype = _F32 if dtype is None else _as_dtype(dtype)
    u = gen._uniform_double(_numel(shape))
    return (u < p).astype(dtype).reshape(shape)


def exponential(gen: Generator, shape, dtype, lambd=1.0) -> np.ndarray:
    """Tensor.exponential_(lambd): per element a double uniform u (``random64()``) and
    ``(-1 / lambd) * log1p(-u)`` in double (C library log1p), then rounded to dtype."""
    dtype = _as_dtype(dtype)
    shape = _as_shape(shape)
    lambd = float(lambd)
    if not lambd > 0.0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_fmt(lambd)}")
    if dtype not in _FLOAT_DTYPES:
        raise RuntimeError(
            "Exponential distribution is a continuous probability distribution. dtype must be "
            f"a floating point but you specified {_dtype_name(dtype)}"
        )
    n = _numel(shape)
    if n == 0:
        return np.empty(shape, dtype=dtype)
    u = gen._uniform_double(n)
    values = (-1.0 / lambd) * _libm(math.log1p, -u)
    return _to_dtype(values, dtype).reshape(shape)


# --------------------------------------------------------------------------------------------
# poisson
# --------------------------------------------------------------------------------------------


class _UniformStream:
    """Double uniforms for a sampler that does not know in advance how many it will use
    (a rejection sampler). They are drawn from the generator in blocks, for speed;
    ``close()`` then leaves the generator exactly after the ones that were used."""

    def __init__(self, gen: Generator, expected: int):
        self._gen = gen
        self._start = (gen._key.copy(), gen._left, gen._next)
        self._block = max(16, expected)
        self._values: list[float] = []
        self.used = 0

    def __call__(self) -> float:
        if self.used == len(self._values):
            self._values += self._gen._uniform_double(self._block).tolist()
        value = self._values[self.used]
        self.used += 1
        return value

    def close(self) -> None:
        gen = self._gen
        gen._key, gen._left, gen._next = self._start
        gen._uniform_double(self.used)


def _c_lgamma():
    """The C library's ``lgamma``, which torch calls. (``math.lgamma`` is CPython's own
    approximation and may differ in the last bit.) ``math.lgamma`` where no C library is
    found."""
    name = ctypes.util.find_library("m") or ctypes.util.find_library("c")
    try:
        function = ctypes.CDLL(name).lgamma
    except (OSError, AttributeError, TypeError):
        return math.lgamma
    function.restype = ctypes.c_double
    function.argtypes = [ctypes.c_double]
    return function


def _lgamma(x: float) -> float:
    """``lgamma`` of the C library, looked up on first use (not at import: finding the
    library may run ``ldconfig``)."""
    global _lgamma
    _lgamma = _c_lgamma()
    return _lgamma(x)


def _log(x: float) -> float:
    """C's ``log``: -inf at 0 (where ``math.log`` raises); ``math.log`` calls the C library."""
    return math.log(x) if x > 0.0 else -math.inf


def _floor(x: float) -> float:
    """C's ``floor`` on a double (``math.floor`` raises for infinities and NaN)."""
    return float(math.floor(x)) if math.isfinite(x) else x


def _to_int64(x: float) -> int:
    """C's conversion of a double to int64 on x86: truncation, and the "integer
    indefinite" value -2**63 for NaN, infinities and values out of range."""
    if not math.isfinite(x) or not -(2.0**63) <= x < 2.0**63:
        return _INT64_MIN
    return int(x)


def _poisson_ptrs(rate: float, uniform) -> int:
    """One Poisson draw for ``rate >= 10``: Hörmann's transformed rejection with squeeze
    (PTRS; "The transformed rejection method for generating Poisson random variables",
    1993). Each try takes two uniforms U, V; the candidate floor((2a / us + b) U + rate +
    0.43) is accepted at once in the large central region, else after comparing
    log(V) with the log of the Poisson probability (lgamma). Plain double arithmetic in
    the paper's order of operations, as torch's (not vectorized) kernel computes it."""
    root = math.sqrt(rate)
    log_rate = _log(rate)
    b = 0.931 + 2.53 * root
    a = -0.059 + 0.02483 * b
    inv_alpha = 1.1239 + 1.1328 / (b - 3.4)
    v_r = 0.9277 - 3.6224 / (b - 2)
    while True:
        u = uniform() - 0.5
        v = uniform()
        us = 0.5 - abs(u)
        if us == 0.0:
            continue  # u = -0.5: C divides by zero below, k is -inf (or NaN): rejected
        # the candidate stays a double until it is returned (a rate beyond the int64
        # range is accepted or rejected by the double's value, then returned as -2**63)
        k = _floor((2 * a / us + b) * u + rate + 0.43)
        if us >= 0.07 and v <= v_r:
            return _to_int64(k)
        if k < 0 or (us < 0.013 and v > us):
            continue
        if (_log(v) + _log(inv_alpha) - _log(a / (us * us) + b)) <= (
            -rate + k * log_rate - _lgamma(k + 1)
        ):
            return _to_int64(k)


def _poisson_product(rate: float, uniform) -> int:
    """One Poisson draw for ``0 < rate < 10`` (Knuth): multiply uniforms until the
    product falls to exp(-rate) or below; the draw is how many it took, minus one."""
    limit = math.exp(-rate)
    count = 0
    product = 1.0
    while True:
        product *= uniform()
        if product > limit:
            count += 1
        else:
            return count


def poisson(gen: Generator, rates: np.ndarray) -> np.ndarray:
    """torch.poisson(rates): one Poisson draw per element, of rates' dtype and shape.

    The elements are visited in row-major order whatever the memory layout (torch's
    result is a new contiguous tensor), each read as a double. A rate of 0 draws nothing
    and gives 0; below 10 the product-of-uniforms method is used, from 10 on Hörmann's
    PTRS; both draw double uniforms (``random64()``, 53 bits) one at a time, as many as
    they need. A negative or NaN rate is an error when it is reached (the draws for the
    elements before it are used up, as in torch).
    """
    rates = np.asarray(rates)
    if rates.dtype not in _FLOAT_DTYPES:
        raise _not_implemented("poisson_cpu", rates.dtype)
    values = rates.astype(np.float64).reshape(-1)
    with np.errstate(invalid="ignore"):
        expected = np.clip(np.where(values < 10, values + 1, 3.0), 1, None).sum()
    uniform = _UniformStream(gen, int(expected) + 16)
    draws = []
    try:
        for rate in values.tolist():
            if not rate >= 0:
                raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
            if rate >= 10:
                draws.append(_poisson_ptrs(rate, uniform))
            elif rate == 0:
                draws.append(0)
            else:
                draws.append(_poisson_product(rate, uniform))
    finally:
        uniform.close()
    return _to_dtype(np.array(draws, dtype=np.int64), rates.dtype).reshape(rates.shape)


def multinomial(gen: Generator, probs: np.ndarray, num_samples, replacement=False) -> np.ndarray:
    """torch.multinomial(probs, num_samples, replacement) for 1-D or 2-D probs (int64 result).

    * without replacement, or a single sample: the exponential-race trick -- draw
      ``q = exponential(1)`` with probs' shape and dtype, then take the indices of the
      ``num_samples`` largest ``probs / q`` per row (argmax for one sample).
    * with replacement and several samples: per row, the running sum of probs in probs'
      dtype (float for half), divided by the total, last entry forced to 1; each sample is a
      double uniform (``random64()``) located by binary search (first entry >= u).
    """
    probs = np.asarray(probs)
    num_samples = operator.index(num_samples)
    if probs.ndim < 1 or probs.ndim > 2:
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if probs.dtype not in _FLOAT_DTYPES:
        raise RuntimeError(
            "multinomial only supports floating-point dtypes for input, got: "
            f"{_dtype_name(probs.dtype)}"
        )
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    n_categories = probs.shape[-1]
    if not replacement and num_samples > n_categories:
        raise RuntimeError(
            "cannot sample n_sample > prob_dist.size(-1) samples without replacement"
        )
    if n_categories > 1 << 24:
        raise RuntimeError("number of categories cannot exceed 2^24")
    rows = probs.reshape(-1, n_categories)
    out_shape = (num_samples,) if probs.ndim == 1 else (rows.shape[0], num_samples)
    if rows.shape[0] * num_samples == 0:
        return np.empty(out_shape, dtype=np.int64)

    if not replacement or num_samples == 1:
        if not bool(np.all(rows < np.inf) and np.all(rows >= 0)):
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        if bool(np.any(np.all(rows == 0, axis=1))):
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        q = exponential(gen, rows.shape, rows.dtype, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            q = rows / q
        if num_samples == 1:
            idx = np.argmax(q, axis=1)[:, None]  # first maximum, NaN counts as maximal
        else:
            idx = np.stack([_topk_indices(row, num_samples) for row in q])
        return idx.astype(np.int64).reshape(out_shape)

    acc = np.float64 if rows.dtype == _F64 else np.float32
    values = rows.astype(acc)
    for row in values:
        negative = ~(row >= 0)  # NaN counts as "< 0", as in torch
        infinite = ~np.isfinite(row)
        bad = np.nonzero(negative | infinite)[0]
        if bad.size:
            if negative[bad[0]]:
                raise RuntimeError(
                    "invalid multinomial distribution (encountering probability entry < 0)"
                )
            raise RuntimeError(
                "invalid multinomial distribution (encountering probability entry = infinity "
                "or NaN)"
            )
    cum = np.cumsum(values, axis=1, dtype=acc)  # sequential running sum, like torch's loop
    total = cum[:, -1:]
    if bool(np.any(~(total > 0))):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    cum = (cum / total).astype(np.float64)
    cum[:, -1] = 1.0
    result = np.empty((rows.shape[0], num_samples), dtype=np.int64)
    for i in range(rows.shape[0]):
        u = gen._uniform_double(num_samples)
        result[i] = np.searchsorted(cum[i], u, side="left")
    return result.reshape(out_shape)
