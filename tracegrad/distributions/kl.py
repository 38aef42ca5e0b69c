"""``torch.distributions.kl``: the Kullback-Leibler divergence KL(p ‖ q) = E_p[log p − log q]
for pairs of distributions with a closed form.

``kl_divergence(p, q)`` looks the pair of types up among the formulas registered with
``register_kl`` (the most specific match by class hierarchy). Every formula is written with
tensor operations, so the divergence carries gradients to both distributions' parameters.
"""

from __future__ import annotations

import math

import tracegrad as torch

from . import Bernoulli, Categorical, Normal, Uniform

__all__ = ["kl_divergence", "register_kl"]

_REGISTRY: dict = {}


def register_kl(type_p, type_q):
    """Decorator: register ``fn(p, q)`` as KL(p ‖ q) for ``p`` of ``type_p`` and ``q`` of
    ``type_q``."""

    def decorator(fn):
        _REGISTRY[type_p, type_q] = fn
        return fn

    return decorator


def _lookup(type_p, type_q):
    """The registered formula whose two types are the nearest bases of the given types."""
    best, best_rank = None, None
    for (p_base, q_base), fn in _REGISTRY.items():
        if issubclass(type_p, p_base) and issubclass(type_q, q_base):
            rank = (type_p.__mro__.index(p_base), type_q.__mro__.index(q_base))
            if best_rank is None or rank < best_rank:
                best, best_rank = fn, rank
    return best


def kl_divergence(p, q):
    """KL(p ‖ q) = E_p[log p(x) − log q(x)], batched over the distributions' batch shape."""
    fn = _lookup(type(p), type(q))
    if fn is None:
        raise NotImplementedError(
            f"No KL(p || q) is implemented for p type {type(p).__name__} and q type "
            f"{type(q).__name__}"
        )
    return fn(p, q)


@register_kl(Normal, Normal)
def _kl_normal_normal(p, q):
    # ½ (σp²/σq² + (μp − μq)²/σq² − 1 − log(σp²/σq²))
    var_ratio = (p.scale / q.scale).pow(2)
    mean_term = ((p.loc - q.loc) / q.scale).pow(2)
    return 0.5 * (var_ratio + mean_term - 1 - var_ratio.log())


@register_kl(Categorical, Categorical)
def _kl_categorical_categorical(p, q):
    # Σ p_k (log p_k − log q_k): +inf where q_k = 0 < p_k, and 0 where p_k = 0
    terms = p.probs * (p.logits - q.logits)
    terms = torch.where((q.probs == 0).expand_as(terms), math.inf, terms)
    terms = torch.where((p.probs == 0).expand_as(terms), 0.0, terms)
    return terms.sum(-1)


@register_kl(Bernoulli, Bernoulli)
def _kl_bernoulli_bernoulli(p, q):
    # p log(p/q) + (1 − p) log((1 − p)/(1 − q)), written with softplus of the logits
    softplus = torch.nn.functional.softplus
    first = p.probs * (softplus(-q.logits) - softplus(-p.logits))
    first = torch.where(q.probs == 0, math.inf, first)
    first = torch.where(p.probs == 0, 0.0, first)
    second = (1 - p.probs) * (softplus(q.logits) - softplus(p.logits))
    second = torch.where(q.probs == 1, math.inf, second)
    second = torch.where(p.probs == 1, 0.0, second)
    return first + second


@register_kl(Uniform, Uniform)
def _kl_uniform_uniform(p, q):
    # log((b_q − a_q)/(b_p − a_p)) when q's interval covers p's, +inf otherwise
    result = ((q.high - q.low) / (p.high - p.low)).log()
    outside = (q.low > p.low) | (q.high < p.high)
    return torch.where(outside, math.inf, result)
