"""Random tensors, drawn exactly as PyTorch draws them on the CPU.

The engine (Mersenne Twister, seeded like torch, and torch's sampling algorithms) lives in
``_generator``; this module turns its arrays into tensors and provides the torch
namespace functions (``rand``, ``randn``, ``manual_seed`` ...) and the in-place
``Tensor.uniform_``/``normal_``/``random_``/``exponential_``/``bernoulli_`` methods.
"""

from __future__ import annotations

import math

import numpy as np

from . import _dtype as dtypes
from . import _generator as engine
from ._creation import _dtype_or_out, _finish, _size, _size_argument
from ._device import CPU, check_device
from ._tensor import Tensor
from .autograd import grad_mode
from ._dtype import TYPE_WORDS


class Generator(engine.Generator):
    """``torch.Generator``: an independent random stream (``manual_seed``, states)."""

    def __init__(self, device="cpu"):
        check_device(device)
        super().__init__("cpu")
        self.device = CPU

    def get_state(self) -> Tensor:
        """The generator state as a uint8 tensor, byte-compatible with PyTorch's."""
        return Tensor._make(super().get_state())

    def set_state(self, new_state) -> Generator:
        """Restore a state returned by ``get_state`` (ours or PyTorch's)."""
        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
        if new_state.dtype is not dtypes.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        super().set_state(new_state._data)
        return self

    def __repr__(self) -> str:
        return f"<torch._C.Generator object at {id(self):#x}>"


default_generator = Generator()


def _gen(generator) -> Generator:
    return default_generator if generator is None else generator


def manual_seed(seed) -> Generator:
    """Seed the default generator; the same seed gives PyTorch's exact random numbers."""
    return default_generator.manual_seed(int(seed))


def seed() -> int:
    """Seed the default generator non-deterministically and return the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The seed the default generator was last seeded with."""
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    """The default generator's state (a uint8 tensor)."""
    return default_generator.get_state()


def set_rng_state(new_state) -> None:
    """Restore the default generator's state."""
    default_generator.set_state(new_state)


def _not_implemented(kernel: str, target: dtypes.dtype) -> NotImplementedError:
    return NotImplementedError(f"\"{kernel}\" not implemented for '{TYPE_WORDS[target.name]}'")


def _float_dtype(dtype, kernel: str) -> dtypes.dtype:
    """The dtype of a new float random tensor: ``dtype`` or the default; ints are refused."""
    target = dtypes.get_default_dtype() if dtype is None else dtypes.to_dtype(dtype)
    if not target.is_floating_point:
        raise _not_implemented(kernel, target)
    return target


def rand(
    *args,
    size=None,
    generator=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    pin_memory=False,
) -> Tensor:
    """Uniform random numbers in [0, 1)."""
    check_device(device)
    dtype = _dtype_or_out(dtype, out)
    shape = _size_argument(args, size, "rand")
    target = _float_dtype(dtype, "check_uniform_bounds")
    return _finish(engine.uniform(_gen(generator), shape, target.np), requires_grad, out, "rand")


def randn(
    *args,
    size=None,
    generator=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    pin_memory=False,
) -> Tensor:
    """Standard normal random numbers (mean 0, variance 1)."""
    check_device(device)
    dtype = _dtype_or_out(dtype, out)
    shape = _size_argument(args, size, "randn")
    target = _float_dtype(dtype, "normal_kernel_cpu")
    return _finish(engine.normal(_gen(generator), shape, target.np), requires_grad, out, "randn")


def rand_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None) -> Tensor:
    """``rand`` with the shape (and dtype) of ``input``."""
    return rand(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randn_like(
    input, *, dtype=None, device=None, requires_grad=False, memory_format=None
) -> Tensor:
    """``randn`` with the shape (and dtype) of ``input``."""
    return randn(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randint(
    low=0,
    high=None,
    size=None,
    *,
    generator=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
) -> Tensor:
    """Random integers in ``[low, high)``; ``randint(high, size)`` starts at 0."""
    check_device(device)
    dtype = _dtype_or_out(dtype, out)
    if size is None:
        if high is None or isinstance(high, int | np.integer):
            kind = "missing" if high is None else type(high).__name__
            if kind == "missing":
                raise TypeError("randint() missing required argument 'size' (position 2)")
            raise TypeError(
                f"randint(): argument 'size' (position 2) must be tuple of ints, not {kind}"
            )
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    target = dtypes.int64 if dtype is None else dtypes.to_dtype(dtype)
    shape = _size((size,), "randint")
    array = engine.randint(_gen(generator), int(low), int(high), shape, target.np)
    return _finish(array, requires_grad, out, "randint")


def randint_like(
    input, low=0, high=None, *, dtype=None, device=None, requires_grad=False
) -> Tensor:
    """``randint`` with the shape (and dtype) of ``input``."""
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(input.shape), dtype=dtype or input.dtype)


def randperm(
    n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False
) -> Tensor:
    """A random permutation of ``0 .. n-1``."""
    check_device(device)
    dtype = _dtype_or_out(dtype, out)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    target = dtypes.int64 if dtype is None else dtypes.to_dtype(dtype)
    return _finish(
        engine.randperm(_gen(generator), int(n), target.np), requires_grad, out, "randperm"
    )


def normal(
    mean=0.0,
    std=1.0,
    size=None,
    *,
    generator=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
) -> Tensor:
    """Normal random numbers: ``normal(mean, std, size)`` or with tensor ``mean``/``std``.

    With a tensor ``mean`` and a number ``std``, the number is passed on as it is: torch
    then draws ``normal(0, std)`` and adds the mean, which rounds differently from scaling
    standard normals by a tensor ``std``.
    """
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        if size is not None:
            raise TypeError(
                "normal() received an invalid combination of arguments - got (Tensor, float, "
                "size=tuple)"
            )
        target = mean.dtype if isinstance(mean, Tensor) else std.dtype
        if not target.is_floating_point:
            raise _not_implemented("normal_kernel_cpu", target)
        mean_value = mean._data if isinstance(mean, Tensor) else float(mean)
        std_value = std._data if isinstance(std, Tensor) else float(std)
        if isinstance(std, Tensor):
            if std._data.size and not np.all(std._data >= 0):
                raise RuntimeError("normal expects all elements of std >= 0.0")
        elif not std_value >= 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std_value:g}")
        if isinstance(mean, Tensor) and isinstance(std, Tensor):
            from .ops._dispatch import check_broadcast

            check_broadcast(mean, std)
        array = engine.normal_tensor(_gen(generator), mean_value, std_value, target.np)
        return _finish(np.asarray(array, dtype=target.np), requires_grad, out, "normal")
    if size is None:
        raise TypeError(
            "normal() received an invalid combination of arguments - got "
            f"({type(mean).__name__}, {type(std).__name__}), but expected one of:\n"
            " * (Tensor mean, Tensor std, *, torch.Generator generator = None, "
            "Tensor out = None)\n"
            " * (Tensor mean, float std = 1, *, torch.Generator generator = None, "
            "Tensor out = None)\n"
            " * (float mean, Tensor std, *, torch.Generator generator = None, "
            "Tensor out = None)\n"
            " * (float mean, float std, tuple of ints size, *, torch.Generator generator = "
            "None, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, "
            "torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n"
        )
    check_device(device)
    dtype = _dtype_or_out(dtype, out)
    if not std >= 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {float(std):g}")
    target = _float_dtype(dtype, "normal_kernel_cpu")
    array = engine.normal(_gen(generator), _size((size,), "normal"), target.np, mean, std)
    return _finish(array, requires_grad, out, "normal")


def bernoulli(input, p=None, *, generator=None, out=None) -> Tensor:
    """0/1 draws with probabilities ``input`` (or the number ``p``), same dtype as input."""
    probabilities = input._data if p is None else p
    if p is None and (np.any(probabilities < 0) or np.any(probabilities > 1)):
        raise RuntimeError(
            "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
            "message be improved?  If so, please report an enhancement request to PyTorch.)"
        )
    array = engine.bernoulli(_gen(generator), probabilities, input._data.shape, input._data.dtype)
    return Tensor._make(array)


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None) -> Tensor:
    """Draw ``num_samples`` category indices from each row of probabilities ``input``."""
    if isinstance(num_samples, bool) or not isinstance(num_samples, int | np.integer):
        raise TypeError(
            "multinomial(): argument 'num_samples' (position 2) must be int, not "
            f"{type(num_samples).__name__}"
        )
    if input._data.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if not replacement and num_samples > input._data.shape[-1]:
        raise RuntimeError(
            "cannot sample n_sample > prob_dist.size(-1) samples without replacement"
        )
    array = engine.multinomial(_gen(generator), input._data, int(num_samples), replacement)
    return Tensor._make(array)


# ----------------------------------------------------------------- in-place methods


def _visit_order(data: np.ndarray):
    """The row-major indices of ``data``'s elements in the order torch's TensorIterator
    visits them when it fills a tensor (memory order), or None for row-major itself.

    torch sorts the dimensions by stride (an insertion sort; equal strides put the smaller
    size inner) so that the innermost loop runs over the smallest stride: a transposed
    matrix is filled column by column.
    """
    if data.flags.c_contiguous or data.ndim < 2:
        return None
    strides, shape = data.strides, data.shape
    perm = list(range(data.ndim - 1, -1, -1))  # perm[0] is the innermost dimension

    def should_swap(dim0, dim1):
        stride0, stride1 = strides[dim0], strides[dim1]
        if stride0 == 0 or stride1 == 0:
            return 0
        if stride0 != stride1:
            return -1 if stride0 < stride1 else 1
        return 1 if shape[dim0] > shape[dim1] else 0

    for i in range(1, data.ndim):
        dim1 = i
        for dim0 in range(i - 1, -1, -1):
            comparison = should_swap(perm[dim0], perm[dim1])
            if comparison > 0:
                perm[dim0], perm[dim1] = perm[dim1], perm[dim0]
                dim1 = dim0
            elif comparison < 0:
                break
    return np.arange(data.size).reshape(shape).transpose(perm[::-1]).reshape(-1)


def _in_visit_order(tensor: Tensor, draw) -> np.ndarray:
    """Values for every element of ``tensor``, drawn in the order torch visits them.

    ``draw(shape, order)`` returns the values: of the tensor's shape when ``order`` is None
    (row-major), else a flat array of them, the k-th going to row-major index ``order[k]``.
    """
    data = tensor._data
    order = _visit_order(data)
    if order is None:
        return draw(data.shape, None)
    values = draw((data.size,), order)
    placed = np.empty(data.size, dtype=values.dtype)
    placed[order] = values
    return placed.reshape(data.shape)


def _fill_random(tensor: Tensor, array: np.ndarray) -> Tensor:
    if grad_mode._state[0] and tensor._requires_grad and tensor.grad_fn is None:
        raise RuntimeError(
            "a leaf Variable that requires grad is being used in an in-place operation."
        )
    np.copyto(tensor._data, array, casting="unsafe")
    tensor._version[0] += 1
    return tensor


def uniform_(self, from_=0.0, to=1.0, *, generator=None) -> Tensor:
    """Fill with uniform random numbers in ``[from_, to)``."""
    if not self.dtype.is_floating_point:
        raise _not_implemented("check_uniform_bounds", self.dtype)
    gen, dtype = _gen(generator), self._data.dtype
    array = _in_visit_order(self, lambda shape, _: engine.uniform(gen, shape, dtype, from_, to))
    return _fill_random(self, array)


def normal_(self, mean=0.0, std=1.0, *, generator=None) -> Tensor:
    """Fill with normal random numbers of the given mean and standard deviation.

    A non-contiguous tensor is filled element by element in memory order, as torch does
    (its fast 16-at-a-time algorithm is for contiguous tensors only).
    """
    if not self.dtype.is_floating_point:
        raise _not_implemented("normal_kernel_cpu", self.dtype)
    gen, dtype = _gen(generator), self._data.dtype

    def draw(shape, order):
        return engine.normal(gen, shape, dtype, mean, std, contiguous=order is None)

    return _fill_random(self, _in_visit_order(self, draw))


_NO_TO = object()


def random_(self, from_=None, to=_NO_TO, *, generator=None) -> Tensor:
    """Fill with random integers: ``random_()`` over the dtype's range, ``random_(to)`` in
    ``[0, to)``, ``random_(from, to)`` in ``[from, to)`` and ``random_(from, None)`` in
    ``[from, max]``."""
    if to is _NO_TO:
        from_, to = (None, None) if from_ is None else (0, from_)
    elif from_ == 0 and to is None and self.dtype is dtypes.int32:
        # torch's explicit [0, max] for int32 spans 2**31 values and so draws 64 bits,
        # which random_() does not
        to = 2**31
    gen, dtype = _gen(generator), self._data.dtype
    array = _in_visit_order(self, lambda shape, _: engine.random_(gen, shape, dtype, from_, to))
    return _fill_random(self, array)


def exponential_(self, lambd=1.0, *, generator=None) -> Tensor:
    """Fill with exponential random numbers of rate ``lambd``."""
    gen, dtype = _gen(generator), self._data.dtype
    array = _in_visit_order(self, lambda shape, _: engine.exponential(gen, shape, dtype, lambd))
    return _fill_random(self, array)


def bernoulli_(self, p=0.5, *, generator=None) -> Tensor:
    """Fill with 0/1 draws that are 1 with probability ``p`` (number or tensor)."""
    gen, dtype = _gen(generator), self._data.dtype
    probabilities = p._data if isinstance(p, Tensor) else p

    def draw(shape, order):
        if order is None or not isinstance(probabilities, np.ndarray):
            return engine.bernoulli(gen, probabilities, shape, dtype)
        try:
            spread = np.broadcast_to(probabilities, self._data.shape)
        except ValueError:
            # the engine raises torch's error for shapes that do not broadcast
            return engine.bernoulli(gen, probabilities, self._data.shape, dtype)
        return engine.bernoulli(gen, spread.reshape(-1)[order], shape, dtype)

    return _fill_random(self, _in_visit_order(self, draw))


def _tensor_bernoulli(self, p=None, *, generator=None) -> Tensor:
    return bernoulli(self, p, generator=generator)


def _tensor_multinomial(self, num_samples, replacement=False, *, generator=None) -> Tensor:
    return multinomial(self, num_samples, replacement, generator=generator)


Tensor.uniform_ = uniform_
Tensor.normal_ = normal_
Tensor.random_ = random_
Tensor.exponential_ = exponential_
Tensor.bernoulli_ = bernoulli_
Tensor.bernoulli = _tensor_bernoulli
Tensor.multinomial = _tensor_multinomial


def _double_uniforms(tensor: Tensor, generator, transform) -> np.ndarray:
    """One double uniform (``random64()``, 53 bits) per element in torch's visit order,
    mapped by ``transform`` in double precision and rounded to the tensor's dtype."""
    gen = _gen(generator)

    def draw(shape, order):
        n = int(np.prod(shape))
        values = transform(gen._uniform_double(n)) if n else np.empty(0)
        return engine._to_dtype(np.asarray(values, np.float64), tensor._data.dtype).reshape(shape)

    return _in_visit_order(tensor, draw)


def geometric_(self, p, *, generator=None) -> Tensor:
    """Fill with the number of Bernoulli(``p``) trials up to the first success."""
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p:g}")
    scale = math.log1p(-p)
    array = _double_uniforms(
        self, generator, lambda u: [math.ceil(math.log(x) / scale) for x in u.tolist()]
    )
    return _fill_random(self, array)


def log_normal_(self, mean=1.0, std=2.0, *, generator=None) -> Tensor:
    """Fill with ``exp`` of normal random numbers of the given mean and std."""
    if not self.dtype.is_floating_point:
        raise _not_implemented("log_normal_cpu", self.dtype)
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std:g}")
    gen = _gen(generator)

    def draw(shape, order):
        # torch's element-by-element sampler: a double normal (Box-Muller with the cached
        # second sample), exponentiated with the C library's exp
        normals = engine.normal(gen, shape, np.float64, mean, std, contiguous=False)
        values = np.array([math.exp(x) for x in normals.ravel().tolist()], np.float64)
        return engine._to_dtype(values, self._data.dtype).reshape(shape)

    return _fill_random(self, _in_visit_order(self, draw))


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None) -> Tensor:
    """Fill with Cauchy random numbers: ``median + sigma * tan(pi * (u - 1/2))``."""
    if not self.dtype.is_floating_point:
        raise _not_implemented("cauchy_cpu", self.dtype)
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma:g}")

    def transform(u):
        tangents = np.array([math.tan(math.pi * (x - 0.5)) for x in u.tolist()], np.float64)
        return engine._fma64(tangents, sigma, median)  # torch's kernel contracts to an FMA

    return _fill_random(self, _double_uniforms(self, generator, transform))


Tensor.geometric_ = geometric_
Tensor.log_normal_ = log_normal_
Tensor.cauchy_ = cauchy_


# ----------------------------------------------------------------- poisson


def _make_poisson_op():
    """The registry entry of ``poisson``: its draws are made first (they use up the
    generator) and passed in, so as a function of the rates the result is constant and
    its gradient is zero, torch's ``PoissonBackward0``."""
    from .ops._registry import Arg, Op, Sample

    return Op(
        "poisson",
        "PoissonBackward0",
        forward=lambda xp, rates, draws: draws,
        vjp=(lambda m, g, rates, out, draws: g * 0,),
        jvp="elementwise",
        samples=[
            Sample(
                (Arg((3, 4), 0.0, 30.0),),
                call=lambda torch, x: torch.poisson(x, torch.Generator().manual_seed(0)),
            ),
            Sample(
                (Arg((5,), 0.0, 5.0, "float32"),),
                call=lambda torch, x: torch.poisson(x, generator=torch.Generator().manual_seed(7)),
                note="float32",
            ),
        ],
    )


_POISSON = _make_poisson_op()


def poisson(input, generator=None) -> Tensor:
    """Poisson random counts with the rates ``input`` (>= 0), of its dtype and shape:
    ``torch.poisson(torch.full((3,), 4.0))`` gives counts that average 4. The same
    numbers as torch after ``manual_seed``. Differentiable with a zero gradient."""
    from .ops._registry import apply

    if not isinstance(input, Tensor):
        raise TypeError(
            f"poisson(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}"
        )
    if not input.dtype.is_floating_point:
        raise _not_implemented("poisson_cpu", input.dtype)
    draws = engine.poisson(_gen(generator), input._data)
    return apply(_POISSON, (input,), (draws,))
