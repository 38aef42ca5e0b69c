"""Module backward hooks (register_full_backward_hook / _pre_hook) against PyTorch."""

from __future__ import annotations

import contextlib
import io
import textwrap
import warnings

import pytest

import tracegrad

torch = pytest.importorskip("torch", reason="PyTorch is the oracle for module hooks")

SCENARIOS = {
    "input_needs_grad": """
        torch.manual_seed(0)
        lin = nn.Linear(2, 1)
        def hook(mod, gin, gout):
            print(type(mod).__name__, [None if g is None else tuple(g.shape) for g in gin],
                  [tuple(g.shape) for g in gout])
        lin.register_full_backward_hook(hook)
        x = torch.ones(3, 2, requires_grad=True)
        out = lin(x)
        print(type(out.grad_fn).__name__, len(out.grad_fn.next_functions))
        out.sum().backward()
        print(x.grad)
    """,
    "no_input_needs_grad": """
        torch.manual_seed(0)
        lin = nn.Linear(2, 1)
        lin.register_full_backward_hook(lambda m, gin, gout: print(gin, gout[0].shape))
        lin(torch.ones(3, 2)).sum().backward()
        print(lin.weight.grad)
    """,
    "hook_replaces_grad_input": """
        torch.manual_seed(0)
        lin = nn.Linear(2, 2)
        lin.register_full_backward_hook(lambda m, gin, gout: (gin[0] * 10,))
        x = torch.ones(1, 2, requires_grad=True)
        lin(x).sum().backward()
        print(x.grad)
    """,
    "pre_hook_replaces_grad_output": """
        torch.manual_seed(0)
        lin = nn.Linear(2, 2)
        def pre(mod, gout):
            print("pre", gout[0])
            return (gout[0] * 3,)
        lin.register_full_backward_pre_hook(pre)
        x = torch.ones(1, 2, requires_grad=True)
        lin(x).sum().backward()
        print(x.grad, lin.bias.grad)
    """,
    "sequential_and_removal": """
        torch.manual_seed(0)
        net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
        seen = []
        handles = [m.register_full_backward_hook(lambda m, gi, go: seen.append(type(m).__name__))
                   for m in net]
        x = torch.randn(4, 2, requires_grad=True)
        net(x).sum().backward()
        print(seen)
        handles[0].remove()
        seen.clear()
        net(x).sum().backward()
        print(seen, x.grad)
    """,
}


def _run(lib, code):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(textwrap.dedent(code), {"torch": lib, "nn": lib.nn})
    return buffer.getvalue()


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_backward_hooks_match_torch(name):
    assert _run(tracegrad, SCENARIOS[name]) == _run(torch, SCENARIOS[name])
