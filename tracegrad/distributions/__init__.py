"""``torch.distributions``: the probability distributions teaching code meets first.

``Categorical``, ``Multinomial``, ``Normal``, ``Bernoulli`` and ``Uniform``, each with
``sample`` (drawn with the same random calls as PyTorch, so seeded draws are identical),
``rsample`` where the draw is differentiable (the reparameterisation x = μ + σ ε),
``log_prob``, ``entropy``, ``mean``, ``variance`` and ``stddev``; ``kl_divergence`` for the
pairs with a closed form (``kl.py``). Every formula is built from tensor operations, so
``log_prob`` and ``rsample`` carry gradients to the parameters. Not done: torch's
argument validation (``validate_args``: a value outside the support is not an error here).

>>> import tracegrad as torch
>>> dist = torch.distributions.Normal(0.0, 1.0)
>>> dist
Normal(loc: 0.0, scale: 1.0)
>>> round(dist.log_prob(torch.tensor(0.0)).item(), 4)
-0.9189
"""

from __future__ import annotations

import math

import tracegrad as torch

from .._tensor import Size, Tensor

__all__ = [
    "Bernoulli",
    "Categorical",
    "Distribution",
    "Multinomial",
    "Normal",
    "Uniform",
    "kl",
    "kl_divergence",
    "register_kl",
]


_NO_SHAPE = Size()  # the default sample shape: one draw


def _as_size(sample_shape) -> Size:
    return Size(sample_shape) if not isinstance(sample_shape, Size) else sample_shape


def _broadcast_all(*values):
    """The parameters as tensors of one shape; numbers become tensors of the default dtype
    (or of the tensors' dtype when some parameters are tensors)."""
    tensors = [v for v in values if isinstance(v, Tensor)]
    dtype = tensors[0].dtype if tensors else torch.get_default_dtype()
    values = [v if isinstance(v, Tensor) else torch.tensor(float(v), dtype=dtype) for v in values]
    return torch.broadcast_tensors(*values)


class Distribution:
    """Base class: ``batch_shape`` (independent distributions side by side) and
    ``event_shape`` (the shape of one draw of one of them)."""

    arg_names: tuple = ()
    has_rsample = False

    def __init__(self, batch_shape=_NO_SHAPE, event_shape=_NO_SHAPE):
        self._batch_shape = _as_size(batch_shape)
        self._event_shape = _as_size(event_shape)

    @property
    def batch_shape(self) -> Size:
        return self._batch_shape

    @property
    def event_shape(self) -> Size:
        return self._event_shape

    def _extended_shape(self, sample_shape=_NO_SHAPE) -> Size:
        """sample_shape + batch_shape + event_shape: the shape ``sample`` returns."""
        return Size(tuple(sample_shape) + tuple(self._batch_shape) + tuple(self._event_shape))

    def sample(self, sample_shape=_NO_SHAPE) -> Tensor:
        """Draw without gradient (``rsample`` under ``no_grad`` where there is one)."""
        with torch.no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=_NO_SHAPE) -> Tensor:
        raise NotImplementedError(
            f"{type(self).__name__} has no rsample (it is not reparameterizable)"
        )

    def sample_n(self, n: int) -> Tensor:
        return self.sample(Size((n,)))

    @property
    def stddev(self) -> Tensor:
        return self.variance.sqrt()

    def __repr__(self) -> str:
        shown = []
        for name in self.arg_names:
            value = self.__dict__.get(name)
            if value is None:
                continue
            # a one-element parameter shows as the tensor formats (0-d: its number)
            shown.append(f"{name}: {value if value.numel() == 1 else value.size()}")
        return f"{type(self).__name__}({', '.join(shown)})"


class Categorical(Distribution):
    """One of K classes, with probabilities ``probs`` (normalised along the last dim) or
    unnormalised log-probabilities ``logits``; the last dim indexes the classes.

    ``sample`` draws each distribution of the batch with ``torch.multinomial``;
    ``log_prob(k)`` = log pₖ; ``entropy`` = −Σ pₖ log pₖ.
    """

    arg_names = ("probs", "logits")  # shown by repr once known (given, or derived on use)

    def __init__(self, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            if probs.dim() < 1:
                raise ValueError("`probs` parameter must be at least one-dimensional.")
            self.probs = probs / probs.sum(-1, keepdim=True)
        else:
            if logits.dim() < 1:
                raise ValueError("`logits` parameter must be at least one-dimensional.")
            self.logits = logits - logits.logsumexp(dim=-1, keepdim=True)
        param = self.probs if probs is not None else self.logits
        self._num_events = param.size()[-1]
        super().__init__(param.size()[:-1])

    def __getattr__(self, name):
        # the parameter not given is derived on first use (as torch's lazy_property), with
        # the graph recorded even when first used under no_grad (it is cached)
        if name not in ("probs", "logits") or ("logits" if name == "probs" else "probs") not in (
            self.__dict__
        ):
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        with torch.enable_grad():
            if name == "probs":
                value = torch.softmax(self.__dict__["logits"], dim=-1)
            else:
                eps = torch.finfo(self.__dict__["probs"].dtype).eps
                value = self.__dict__["probs"].clamp(min=eps, max=1 - eps).log()
        self.__dict__[name] = value
        return value

    @property
    def param_shape(self) -> Size:
        return (self.probs if "probs" in self.__dict__ else self.logits).size()

    @property
    def mean(self) -> Tensor:
        return torch.full(self._extended_shape(), float("nan"), dtype=self.probs.dtype)

    @property
    def variance(self) -> Tensor:
        return torch.full(self._extended_shape(), float("nan"), dtype=self.probs.dtype)

    def sample(self, sample_shape=_NO_SHAPE) -> Tensor:
        sample_shape = _as_size(sample_shape)
        with torch.no_grad():
            rows = self.probs.reshape(-1, self._num_events)
            draws = torch.multinomial(rows, sample_shape.numel(), True).T
        return draws.reshape(self._extended_shape(sample_shape))

    def log_prob(self, value) -> Tensor:
        value = value.long().unsqueeze(-1)
        value, log_pmf = torch.broadcast_tensors(value, self.logits)
        return log_pmf.gather(-1, value[..., :1]).squeeze(-1)

    def entropy(self) -> Tensor:
        logits = self.logits.clamp(min=torch.finfo(self.logits.dtype).min)
        return -(logits * self.probs).sum(-1)


class Normal(Distribution):
    """The Gaussian N(``loc``, ``scale``²): density exp(−(x − μ)²/2σ²) / (σ√(2π))."""

    arg_names = ("loc", "scale")
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = _broadcast_all(loc, scale)
        super().__init__(self.loc.size())

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        return self.scale.pow(2)

    @property
    def stddev(self) -> Tensor:
        return self.scale

    def sample(self, sample_shape=_NO_SHAPE) -> Tensor:
        shape = self._extended_shape(_as_size(sample_shape))
        with torch.no_grad():
            return torch.normal(self.loc.expand(shape), self.scale.expand(shape))

    def rsample(self, sample_shape=_NO_SHAPE) -> Tensor:
        """μ + σ ε with ε ~ N(0, 1): differentiable in μ and σ (the reparameterisation)."""
        shape = self._extended_shape(_as_size(sample_shape))
        eps = torch.empty(shape, dtype=self.loc.dtype).normal_()
        return self.loc + eps * self.scale

    def log_prob(self, value) -> Tensor:
        variance = self.scale**2
        return (
            -((value - self.loc) ** 2) / (2 * variance)
            - self.scale.log()
            - math.log(math.sqrt(2 * math.pi))
        )

    def entropy(self) -> Tensor:
        return 0.5 + 0.5 * math.log(2 * math.pi) + torch.log(self.scale)

    def cdf(self, value) -> Tensor:
        """P(X ≤ x) = (1 + erf((x − μ) / (σ√2))) / 2."""
        return 0.5 * (1 + torch.erf((value - self.loc) * self.scale.reciprocal() / math.sqrt(2)))

    def icdf(self, value) -> Tensor:
        """The x with P(X ≤ x) = p: μ + σ √2 erfinv(2p − 1)."""
        return self.loc + self.scale * torch.erfinv(2 * value - 1) * math.sqrt(2)


class Bernoulli(Distribution):
    """1 with probability ``probs`` (or sigmoid(``logits``)), else 0."""

    arg_names = ("probs", "logits")
    has_rsample = False

    def __init__(self, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            (self.probs,) = _broadcast_all(probs)
        else:
            (self.logits,) = _broadcast_all(logits)
        super().__init__((self.probs if probs is not None else self.logits).size())

    def __getattr__(self, name):
        if name not in ("probs", "logits") or ("logits" if name == "probs" else "probs") not in (
            self.__dict__
        ):
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        with torch.enable_grad():  # cached: record the graph even under no_grad
            if name == "probs":
                value = torch.sigmoid(self.__dict__["logits"])
            else:
                probs = self.__dict__["probs"]
                eps = torch.finfo(probs.dtype).eps
                clamped = probs.clamp(min=eps, max=1 - eps)
                value = torch.log(clamped) - torch.log1p(-clamped)
        self.__dict__[name] = value
        return value

    @property
    def mean(self) -> Tensor:
        return self.probs

    @property
    def variance(self) -> Tensor:
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape=_NO_SHAPE) -> Tensor:
        shape = self._extended_shape(_as_size(sample_shape))
        with torch.no_grad():
            return torch.bernoulli(self.probs.expand(shape))

    def log_prob(self, value) -> Tensor:
        logits, value = torch.broadcast_tensors(self.logits, value)
        return -torch.nn.functional.binary_cross_entropy_with_logits(
            logits, value, reduction="none"
        )

    def entropy(self) -> Tensor:
        return torch.nn.functional.binary_cross_entropy_with_logits(
            self.logits, self.probs, reduction="none"
        )


class Uniform(Distribution):
    """Uniform on [``low``, ``high``): density 1/(high − low) there."""

    arg_names = ("low", "high")
    has_rsample = True

    def __init__(self, low, high, validate_args=None):
        self.low, self.high = _broadcast_all(low, high)
        super().__init__(self.low.size())

    @property
    def mean(self) -> Tensor:
        return (self.high + self.low) / 2

    @property
    def variance(self) -> Tensor:
        return (self.high - self.low).pow(2) / 12

    def rsample(self, sample_shape=_NO_SHAPE) -> Tensor:
        shape = self._extended_shape(_as_size(sample_shape))
        uniform = torch.rand(shape, dtype=self.low.dtype)
        return self.low + uniform * (self.high - self.low)

    def log_prob(self, value) -> Tensor:
        inside_low = self.low.le(value).type_as(self.low)
        inside_high = self.high.gt(value).type_as(self.low)
        return torch.log(inside_low.mul(inside_high)) - torch.log(self.high - self.low)

    def entropy(self) -> Tensor:
        return torch.log(self.high - self.low)


class Multinomial(Distribution):
    """The counts of each of K classes in ``total_count`` independent draws from
    ``Categorical(probs)`` (or ``logits``): an event is a vector of K counts summing to
    ``total_count``.

    ``sample`` draws the ``total_count`` categories with the same calls as PyTorch and counts
    them; ``log_prob(x)`` = log n! − Σ log xₖ! + Σ xₖ log pₖ; the mean is n p and the
    variance n p (1 − p).
    """

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        if not isinstance(total_count, int):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        self.total_count = total_count
        self._categorical = Categorical(probs=probs, logits=logits)
        param = self._categorical.param_shape
        super().__init__(param[:-1], param[-1:])

    @property
    def probs(self) -> Tensor:
        return self._categorical.probs

    @property
    def logits(self) -> Tensor:
        return self._categorical.logits

    @property
    def param_shape(self) -> Size:
        return self._categorical.param_shape

    @property
    def mean(self) -> Tensor:
        return self.probs * self.total_count

    @property
    def variance(self) -> Tensor:
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape=_NO_SHAPE) -> Tensor:
        sample_shape = _as_size(sample_shape)
        with torch.no_grad():
            # one category per trial, trials first; then the trials move to the last dim
            draws = self._categorical.sample(Size((self.total_count,)) + sample_shape)
            draws = draws.movedim(0, -1)
            counts = torch.zeros(self._extended_shape(sample_shape), dtype=draws.dtype)
            counts.scatter_add_(-1, draws, torch.ones_like(draws))
        return counts.type_as(self.probs)

    def log_prob(self, value) -> Tensor:
        logits, value = torch.broadcast_tensors(self.logits, value)
        logits = logits.clone()
        # a class that is impossible and not drawn adds 0 (not 0 · −inf)
        logits[(value == 0) & (logits == -math.inf)] = 0
        log_factorial_n = torch.lgamma(value.sum(-1) + 1)
        log_factorial_x = torch.lgamma(value + 1).sum(-1)
        return log_factorial_n - log_factorial_x + (logits * value).sum(-1)


from . import kl  # noqa: E402 - its formulas name the classes above
from .kl import kl_divergence, register_kl  # noqa: E402
