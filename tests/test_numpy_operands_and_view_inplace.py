"""NumPy operands, in-place view methods and small Tensor methods, against PyTorch."""

from __future__ import annotations

import contextlib
import io
import textwrap

import pytest

import tracegrad

torch = pytest.importorskip("torch", reason="PyTorch is the oracle")

SNIPPETS = {
    "numpy_scalars_do_not_upcast": """
        import numpy as np
        f = torch.tensor([1.0, 2.0])
        t = torch.tensor([1, 2])
        print((f / np.sqrt(4)).dtype, (f * np.float64(2)).dtype, (f * np.int32(2)).dtype)
        print((t / np.int64(2)).dtype, (t * np.int64(2)).dtype, (f - np.mean([1.0, 2.0])))
        print(np.float64(2) * f, type(np.float64(2) * f).__name__)
    """,
    "numpy_array_operands": """
        import numpy as np
        f = torch.tensor([1.0, 2.0])
        t = torch.tensor([1, 2])
        print(f + np.array([1.0, 2.0]), t * np.array([1.5, 2.0]), t + np.array([3, 4]))
    """,
    "view_inplace_methods": """
        y = torch.ones(2, 1, requires_grad=True)
        z = y * torch.tensor([[2.0], [3.0]])
        z.squeeze_()
        print(z.shape)
        z.unsqueeze_(0)
        z.t_()
        print(z.shape)
        (z * torch.tensor([[1.0], [5.0]])).sum().backward()
        print(y.grad)
        a = torch.arange(6.0).reshape(2, 3)
        a.transpose_(0, 1)
        print(a, a.is_contiguous())
        b = a[0]
        b.unsqueeze_(0)
        print(b.shape, a.shape)
    """,
    "view_inplace_on_leaf": """
        x = torch.ones(2, 1, requires_grad=True)
        x.squeeze_()
    """,
    "where_method_and_pos": """
        x = torch.tensor([1.0, -2.0, 3.0])
        print(x.where(x > 0, torch.tensor(0.0)), +x)
        print(+torch.tensor([True]))
    """,
}


def _run(lib, code):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            exec(textwrap.dedent(code), {"torch": lib})
        except Exception as error:  # the error is part of the behaviour compared
            print(type(error).__name__, str(error).split("\n")[0])
    return out.getvalue()


@pytest.mark.parametrize("name", list(SNIPPETS))
def test_same_as_torch(name):
    assert _run(tracegrad, SNIPPETS[name]) == _run(torch, SNIPPETS[name])
