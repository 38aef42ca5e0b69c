"""Random tensors, drawn exactly as PyTorch draws them on the CPU.

The engine (Mersenne Twister, seeded like torch, and torch's sampling algorithms) lives in
``_generator``; this module turns its arrays into tensors and provides the torch
namespace functions (``rand``, ``randn``, ``manual_seed`` ...) and the in-place
``Tensor.uniform_``/``normal_``/``random_``/``exponential_``/``bernoulli_`` methods.
"""

from __future__ import annotations

import numpy as np

from . import _dtype as dtypes
from . import _generator as engine
from ._creation import _finish, _size
from ._device import check_device
from ._tensor import Tensor
from .autograd import grad_mode


class Generator(engine.Generator):
    """``torch.Generator``: an independent random stream (``manual_seed``, states)."""

    def get_state(self) -> Tensor:
        """The generator state as a uint8 tensor, byte-compatible with PyTorch's."""
        return Tensor._make(super().get_state())

    def set_state(self, new_state) -> Generator:
        """Restore a state returned by ``get_state`` (ours or PyTorch's)."""
        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
        if new_state.dtype is not dtypes.uint8:
            raise TypeError(f"expected a torch.ByteTensor, but got {new_state.type()}")
        super().set_state(new_state._data)
        return self


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


def _float_dtype(dtype) -> dtypes.dtype:
    target = dtypes.get_default_dtype() if dtype is None else dtypes.to_dtype(dtype)
    if not target.is_floating_point:
        raise RuntimeError(f"\"check_uniform_bounds\" not implemented for '{target.name}'")
    return target


def rand(
    *size,
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
    target = _float_dtype(dtype)
    return _finish(engine.uniform(_gen(generator), _size(size), target.np), requires_grad)


def randn(
    *size,
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
    target = _float_dtype(dtype)
    return _finish(engine.normal(_gen(generator), _size(size), target.np), requires_grad)


def rand_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None) -> Tensor:
    """``rand`` with the shape (and dtype) of ``input``."""
    return rand(*input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randn_like(
    input, *, dtype=None, device=None, requires_grad=False, memory_format=None
) -> Tensor:
    """``randn`` with the shape (and dtype) of ``input``."""
    return randn(*input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


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
    if size is None:
        if isinstance(high, tuple | list):
            low, high, size = 0, low, high
        else:
            raise TypeError("randint() missing required argument 'size'")
    if high is None:
        low, high = 0, low
    target = dtypes.int64 if dtype is None else dtypes.to_dtype(dtype)
    array = engine.randint(_gen(generator), int(low), int(high), _size((size,)), target.np)
    return _finish(array, requires_grad)


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
    if n < 0:
        raise RuntimeError(f"n must be non-negative, got{n}")
    target = dtypes.int64 if dtype is None else dtypes.to_dtype(dtype)
    return _finish(engine.randperm(_gen(generator), int(n), target.np), requires_grad)


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
    """Normal random numbers: ``normal(mean, std, size)`` or with tensor ``mean``/``std``."""
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        reference = mean if isinstance(mean, Tensor) else std
        target = reference.dtype
        mean_array = mean._data if isinstance(mean, Tensor) else np.asarray(mean, target.np)
        std_array = std._data if isinstance(std, Tensor) else np.asarray(std, target.np)
        if np.any(std_array < 0):
            raise RuntimeError("normal expects all elements of std >= 0.0")
        return Tensor._make(engine.normal_tensor(_gen(generator), mean_array, std_array, target.np))
    if size is None:
        raise TypeError("normal() missing required argument 'size'")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    target = _float_dtype(dtype)
    array = engine.normal(_gen(generator), _size((size,)), target.np, mean, std)
    return _finish(array, requires_grad)


def bernoulli(input, p=None, *, generator=None, out=None) -> Tensor:
    """0/1 draws with probabilities ``input`` (or the number ``p``), same dtype as input."""
    probabilities = input._data if p is None else p
    if p is None and (np.any(probabilities < 0) or np.any(probabilities > 1)):
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
    array = engine.bernoulli(_gen(generator), probabilities, input._data.shape, input._data.dtype)
    return Tensor._make(array)


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None) -> Tensor:
    """Draw ``num_samples`` category indices from each row of probabilities ``input``."""
    if input._data.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if not replacement and num_samples > input._data.shape[-1]:
        raise RuntimeError(
            "cannot sample n_sample > prob_dist.size(-1) samples without replacement"
        )
    array = engine.multinomial(_gen(generator), input._data, int(num_samples), replacement)
    return Tensor._make(array)


# ----------------------------------------------------------------- in-place methods


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
    if from_ > to:
        raise RuntimeError(
            f"uniform_ expects to return a [from, to) range, but found from={from_} > to={to}"
        )
    array = engine.uniform(_gen(generator), self._data.shape, self._data.dtype, from_, to)
    return _fill_random(self, array)


def normal_(self, mean=0.0, std=1.0, *, generator=None) -> Tensor:
    """Fill with normal random numbers of the given mean and standard deviation."""
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    array = engine.normal(_gen(generator), self._data.shape, self._data.dtype, mean, std)
    return _fill_random(self, array)


def random_(self, from_=0, to=None, *, generator=None) -> Tensor:
    """Fill with random integers in ``[from_, to)`` (default: the dtype's range)."""
    if to is None and from_ != 0:
        from_, to = 0, from_
    array = engine.random_(_gen(generator), self._data.shape, self._data.dtype, from_, to)
    return _fill_random(self, array)


def exponential_(self, lambd=1.0, *, generator=None) -> Tensor:
    """Fill with exponential random numbers of rate ``lambd``."""
    array = engine.exponential(_gen(generator), self._data.shape, self._data.dtype, lambd)
    return _fill_random(self, array)


def bernoulli_(self, p=0.5, *, generator=None) -> Tensor:
    """Fill with 0/1 draws that are 1 with probability ``p`` (number or tensor)."""
    probabilities = p._data if isinstance(p, Tensor) else p
    array = engine.bernoulli(_gen(generator), probabilities, self._data.shape, self._data.dtype)
    return _fill_random(self, array)


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
