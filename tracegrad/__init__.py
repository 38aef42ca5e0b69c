"""tracegrad: a deep-learning framework written from first principles on NumPy.

It speaks PyTorch's API, so course code runs with ``import tracegrad as torch``::

    >>> import tracegrad as torch
    >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([2., 4.])
"""

from __future__ import annotations

from . import _dtype
from ._creation import (
    arange,
    are_deterministic_algorithms_enabled,
    as_tensor,
    asarray,
    e,
    empty,
    empty_like,
    eye,
    finfo,
    from_numpy,
    full,
    full_like,
    get_num_threads,
    iinfo,
    inf,
    is_complex,
    linspace,
    logspace,
    nan,
    newaxis,
    ones,
    ones_like,
    pi,
    range,
    scalar_tensor,
    set_num_threads,
    tensor,
    typename,
    unravel_index,
    use_deterministic_algorithms,
    zeros,
    zeros_like,
)
from ._device import device
from ._dtype import (
    bool,
    double,
    dtype,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    promote_types,
    set_default_dtype,
    short,
    uint8,
)
from ._printing import get_printoptions, printoptions, set_printoptions
from ._tensor import Size, Tensor
from .autograd import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .ops import *  # noqa: F403 - the torch namespace is the ops' public functions
from .ops import _methods

_methods.install()

from . import autograd, cuda  # noqa: E402
from ._random import (  # noqa: E402
    Generator,
    bernoulli,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    multinomial,
    normal,
    poisson,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    seed,
    set_rng_state,
)
from . import _random as random  # noqa: E402 - torch.random.manual_seed and the like
from . import optim  # noqa: E402
from . import nn  # noqa: E402
from .nn.functional import celu, dropout, prelu, selu, threshold  # noqa: E402 - also torch.<name>
from . import func  # noqa: E402 - torch.func: grad, vjp, jvp, jacrev, vmap ...
from .serialization import load, save  # noqa: E402
from . import utils  # noqa: E402 - torch.utils.data: Dataset, DataLoader ...
from . import linalg  # noqa: E402 - torch.linalg: inv, det, slogdet, solve, norms
from . import distributions  # noqa: E402 - torch.distributions: Normal, Categorical ...
from . import special  # noqa: E402 - torch.special: expit, gammaln, ndtr, entr ...
from . import accelerator, backends  # noqa: E402 - no accelerator: tutorials pick "cpu"
from . import testing  # noqa: E402 - torch.testing.assert_close
from ._compile import (  # noqa: E402 - eager already: compile returns the model
    compile,
    get_float32_matmul_precision,
    set_float32_matmul_precision,
)

__version__ = "0.1.0"


class _LegacyTensorType(type):
    """The type of ``torch.FloatTensor`` and its kind: calling one builds a tensor of its
    dtype (``torch.FloatTensor([1, 2])``, ``torch.LongTensor(2, 3)``) and ``isinstance``
    checks the dtype, as in torch."""

    def __call__(cls, *args, **kwargs):
        return Tensor(*args, dtype=cls._legacy_dtype, **kwargs)

    def __instancecheck__(cls, instance) -> bool:
        return isinstance(instance, Tensor) and instance.dtype is cls._legacy_dtype

    def __repr__(cls) -> str:
        return f"<class 'torch.{cls.__name__}'>"


def _legacy_type(name, target):
    return _LegacyTensorType(name, (), {"_legacy_dtype": target, "__module__": "torch"})


FloatTensor = _legacy_type("FloatTensor", float32)
DoubleTensor = _legacy_type("DoubleTensor", float64)
HalfTensor = _legacy_type("HalfTensor", float16)
LongTensor = _legacy_type("LongTensor", int64)
IntTensor = _legacy_type("IntTensor", int32)
ShortTensor = _legacy_type("ShortTensor", int16)
CharTensor = _legacy_type("CharTensor", int8)
ByteTensor = _legacy_type("ByteTensor", uint8)
BoolTensor = _legacy_type("BoolTensor", bool)


def is_tensor(obj):
    """True if ``obj`` is a tracegrad Tensor."""
    return isinstance(obj, Tensor)


def numel(input) -> int:
    """The number of elements of ``input``."""
    return input.numel()


def result_type(tensor1, tensor2):
    """The dtype of an arithmetic operation on the two arguments."""
    from .ops._dispatch import common_dtype

    return common_dtype(tensor1, tensor2)


def can_cast(from_, to) -> bool:
    """True if PyTorch's casting rules allow ``from_`` to ``to`` in in-place ops."""
    return from_._category <= to._category


def is_floating_point(input) -> bool:
    """True for tensors of a floating dtype."""
    return input.dtype.is_floating_point
