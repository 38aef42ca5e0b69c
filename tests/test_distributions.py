"""torch.distributions: seeded draws, log-probabilities, entropies, reprs and gradients
are PyTorch's (each snippet runs on both libraries and prints the same text)."""

from __future__ import annotations

import contextlib
import io
import textwrap

import pytest

import tracegrad

torch = pytest.importorskip("torch", reason="PyTorch is the behavioural oracle")

SNIPPETS = {
    "categorical_probs": """
        torch.manual_seed(0)
        c = torch.distributions.Categorical(torch.tensor([0.1, 0.2, 0.7]))
        print(c, c.batch_shape, c.event_shape, c.sample(), c.sample((2, 3)))
        print(c.log_prob(torch.tensor(2)), c.entropy(), c.probs, c.logits)
    """,
    "categorical_logits_batch": """
        torch.manual_seed(1)
        c = torch.distributions.Categorical(logits=torch.tensor([[0., 1.], [2., 0.]]))
        print(c, c.sample(), c.sample((3,)), c.probs)
        print(c.log_prob(torch.tensor([0, 1])), c.entropy())
    """,
    "categorical_gradient": """
        p = torch.tensor([0.2, 0.3, 0.5], requires_grad=True)
        torch.distributions.Categorical(p).log_prob(torch.tensor(1)).backward()
        print(p.grad)
    """,
    "normal": """
        torch.manual_seed(0)
        n = torch.distributions.Normal(0.0, 1.0)
        print(n, n.sample(), n.sample((2,)), n.rsample((2,)), n.batch_shape)
        print(n.log_prob(torch.tensor(0.5)), n.entropy(), n.mean, n.stddev, n.variance)
        n2 = torch.distributions.Normal(torch.zeros(2), torch.ones(2) * 2)
        print(n2, n2.sample(), n2.log_prob(torch.tensor([0.5, 1.0])), n2.sample((3,)).shape)
    """,
    "normal_reparameterised": """
        torch.manual_seed(3)
        mu = torch.tensor([0.5], requires_grad=True)
        sd = torch.tensor([2.0], requires_grad=True)
        d = torch.distributions.Normal(mu, sd)
        x = d.rsample((4,))
        (x.sum() + d.log_prob(torch.tensor([1.0])).sum()).backward()
        print(x, mu.grad, sd.grad)
    """,
    "bernoulli": """
        torch.manual_seed(0)
        b = torch.distributions.Bernoulli(torch.tensor([0.3, 0.9]))
        print(b, b.sample(), b.sample((2,)), b.log_prob(torch.tensor([1., 0.])))
        print(b.entropy(), b.mean, b.variance)
        b2 = torch.distributions.Bernoulli(logits=torch.tensor([0.5, -1.0]))
        print(b2, b2.probs, b2.sample(), b2.log_prob(torch.tensor([1., 0.])))
    """,
    "uniform": """
        torch.manual_seed(0)
        u = torch.distributions.Uniform(0.0, 2.0)
        print(u, u.sample(), u.sample((3,)), u.log_prob(torch.tensor(1.0)))
        print(u.entropy(), u.mean, u.variance)
    """,
}


def _printed(module, code: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(textwrap.dedent(code), {"torch": module})
    return out.getvalue()


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_same_as_torch(name):
    assert _printed(tracegrad, SNIPPETS[name]) == _printed(torch, SNIPPETS[name])


def test_both_parameters_or_neither_is_an_error():
    for module in (tracegrad, torch):
        with pytest.raises(ValueError, match="Either `probs` or `logits`"):
            module.distributions.Categorical()
        with pytest.raises(ValueError, match="Either `probs` or `logits`"):
            module.distributions.Bernoulli(probs=module.tensor(0.5), logits=module.tensor(0.0))
