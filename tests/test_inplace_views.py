"""In-place operations through views of tensors that need gradients, against PyTorch.

``y[:, 0] *= 3`` on a non-leaf ``y`` rewrites ``y``'s history: ``y.grad_fn`` becomes a
``CopySlices`` node and the view is re-derived from ``y`` (``AsStridedBackward0``). Each
scenario below is one code string run on both libraries; what it prints (grad_fn names,
values, gradients, error messages) must be identical. Values are float64.
"""

from __future__ import annotations

import contextlib
import io
import textwrap

import numpy as np
import pytest

import tracegrad

torch = pytest.importorskip("torch", reason="PyTorch is the oracle for in-place views")

# torch's forward-mode AD warns about its own use of torch.jit.script
pytestmark = pytest.mark.filterwarnings("ignore:.*torch.jit.script.*:DeprecationWarning")

PRELUDE = """
x = torch.arange(12.0, dtype=torch.float64).reshape(3, 4).div(7).sub(0.5).requires_grad_()
w = torch.linspace(-1.0, 2.0, 4, dtype=torch.float64, requires_grad=True)
def name(t):
    return None if t.grad_fn is None else type(t.grad_fn).__name__
def err(f):
    try:
        f()
    except RuntimeError as e:
        print("RuntimeError:", str(e).split(" Hint")[0])
"""

SCENARIOS = {
    "column_mul": """
        y = x.clone()
        y[:, 0] *= 3
        print(name(y), y)
        (y ** 2).sum().backward()
        print(x.grad)
    """,
    "row_add_non_leaf_mul": """
        y = x * 1
        y[0] += 1
        print(name(y))
        (y * y).sum().backward()
        print(x.grad)
    """,
    "transpose_select_mul_": """
        y = x.clone()
        v = y.t()[1]
        v.mul_(2)
        print(name(y), name(v), type(v.grad_fn.next_functions[0][0]).__name__, v)
        (y.exp() * torch.arange(12.0, dtype=torch.float64).reshape(3, 4)).sum().backward()
        print(x.grad)
    """,
    "diagonal_zero_": """
        y = x.clone()
        d = y.diagonal()
        d.zero_()
        print(name(y), name(d), y)
        (y * y).sum().backward()
        print(x.grad)
    """,
    "diagonal_fill_": """
        y = x * 2
        y.diagonal().fill_(1)
        print(name(y), y)
        y.pow(3).sum().backward()
        print(x.grad)
    """,
    "op_with_other_input": """
        y = x.clone()
        v = y[1]
        v.mul_(w)
        print(name(y), name(v))
        (y.sin()).sum().backward()
        print(x.grad, w.grad)
    """,
    "exp_saves_output": """
        y = x.clone()
        v = y[:, 2]
        v.exp_()
        (y * 3).sum().backward()
        print(x.grad)
    """,
    "view_used_after": """
        y = x.clone()
        v = y[0]
        v.mul_(2)
        (v.sum() + (y ** 2).sum()).backward()
        print(x.grad)
    """,
    "retain_grad_on_view": """
        y = x.clone()
        v = y[0]
        v.retain_grad()
        v.mul_(2)
        v.mul_(3)
        print(name(v))
        y.sum().backward()
        print(v.grad, x.grad)
    """,
    "retain_grad_after_inplace": """
        y = x.clone()
        v = y[:, 1]
        v.add_(w[:3])
        v.retain_grad()
        (y * y).sum().backward()
        print(v.grad, x.grad, w.grad)
    """,
    "two_inplace_on_same_view": """
        y = x.clone()
        v = y[1:, 1:3]
        v.mul_(2)
        v.add_(v.detach() * 3)
        print(name(y), name(v))
        y.sum().backward()
        print(x.grad)
    """,
    "second_inplace_overwrites_saved_view": """
        y = x.clone()
        v = y[1:, 1:3]
        v.mul_(2)
        v.add_(v * v)
        err(lambda: y.sum().backward())
    """,
    "two_views_of_one_base": """
        y = x.clone()
        a = y[0]
        b = y[:, 1]
        print(name(b))
        a.mul_(2)
        print(name(a), name(b), b)
        b.add_(5)
        print(name(y), name(b))
        (y ** 2).sum().backward()
        print(x.grad)
    """,
    "other_view_sees_new_values": """
        y = x.clone()
        a = y[0]
        b = y[:, 1]
        a.mul_(10)
        (b * b).sum().backward()
        print(x.grad)
    """,
    "view_of_view": """
        y = x.clone()
        v = y[0]
        v2 = v[1:3]
        v2.mul_(w[:2])
        print(name(y), name(v), name(v2))
        (y * v.sum()).sum().backward()
        print(x.grad, w.grad)
    """,
    "reshape_view_then_slice": """
        y = x.clone()
        f = y.view(12)
        f[3:9:2].mul_(x[0, :3])
        print(name(y), name(f))
        (y.tanh()).sum().backward()
        print(x.grad)
    """,
    "inplace_on_base_rederives_view": """
        y = x.clone()
        a = y[0]
        y.mul_(2)
        print(name(a), type(a.grad_fn.next_functions[0][0]).__name__)
        (a * a).sum().backward()
        print(x.grad)
    """,
    "setitem_number": """
        y = x.clone()
        y[0] = 5.0
        print(name(y))
        (y ** 2).sum().backward()
        print(x.grad)
    """,
    "setitem_tensor_value": """
        y = x.clone()
        y[0, 1] = x[1, 1] * 2
        y[2] = w
        print(name(y))
        (y ** 2).sum().backward()
        print(x.grad, w.grad)
    """,
    "setitem_on_a_view": """
        y = x.clone()
        v = y.t()
        v[1] = w[:3]
        print(name(y), name(v))
        (y ** 3).sum().backward()
        print(x.grad, w.grad)
    """,
    "base_without_grad_value_with_grad": """
        y = torch.zeros(3, 4, dtype=torch.float64)
        v = y[1]
        v.add_(w)
        print(name(y), y.requires_grad, name(v))
        (y * y).sum().backward()
        print(w.grad)
    """,
    "saved_output_overwritten_through_view": """
        y = x.clone()
        z = y.sigmoid()
        z[0].mul_(2)
        err(lambda: z.sum().backward())
    """,
    "saved_view_overwritten": """
        y = x.clone()
        v = y[1]
        z = v * v
        y[1].add_(1)
        err(lambda: z.sum().backward())
    """,
    "non_contiguous_base": """
        y = x.t() * 2
        print(y.is_contiguous())
        y[1].mul_(x[0, :3].clone())
        y[:, 2].exp_()
        print(y.grad_fn.name())
        (y * y).sum().backward()
        print(x.grad)
    """,
    "forward_mode_through_view": """
        fw = torch.autograd.forward_ad
        with fw.dual_level():
            d = fw.make_dual(x.detach(), torch.ones(3, 4, dtype=torch.float64))
            y = d * d
            v = y[:, 1]
            v.mul_(y[:, 2].clone())
            print(fw.unpack_dual(y).tangent, fw.unpack_dual(v).tangent)
    """,
    "functional_inplace_on_views": """
        y = x.clone()
        torch.nn.functional.relu(y[:, 1], inplace=True)
        (y**3).sum().backward()
        print(x.grad)
        y = x.clone()
        y[1:].clamp_(min=0.0)
        y[:, ::2].sigmoid_()
        print(y.grad_fn.name(), y)
        (y**3).sum().backward()
        print(x.grad)
        y = x.clone()
        torch.nn.functional.relu(y[:, 1], inplace=True)
        y[1:].clamp_(min=0.0)
        err(lambda: y.sum().backward())
        z = x * 2
        torch.nn.LeakyReLU(0.1, inplace=True)(z.t()[2])
        (z**3).sum().backward()
        print(x.grad)
    """,
    "view_of_a_detached_tensor": """
        y = x * 1
        d = y[1:].detach()
        print(d._base is None, d.storage_offset(), d[0]._base is d, d[0, 1:].storage_offset())
        d[0].mul_(w)
        print(name(d), name(y))
        d.sum().backward()
        print(w.grad, x.grad)
    """,
    "view_of_leaf_refused": """
        err(lambda: x[0].mul_(2))
    """,
    "autograd_grad_of_base": """
        y = x * w
        y[:, 2:].mul_(y[:, :2].clone())
        print(torch.autograd.grad(y.sum(), (x, w)))
    """,
    "other_operand_is_overwritten_view": """
        y = x * w
        y[:, 2:].mul_(y[:, 1:3])
        err(lambda: torch.autograd.grad(y.sum(), (x, w)))
    """,
}


def _run(module, code: str) -> str:
    buffer = io.StringIO()
    namespace = {"torch": module}
    with contextlib.redirect_stdout(buffer):
        exec(textwrap.dedent(PRELUDE) + textwrap.dedent(code), namespace)
    return buffer.getvalue()


def test_enough_scenarios():
    assert len(SCENARIOS) >= 15


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_matches_torch(scenario):
    code = SCENARIOS[scenario]
    expected = _run(torch, code)
    got = _run(tracegrad, code)
    assert got == expected


# ---------------------------------------------------------------------------- finite differences


def _numeric_gradient(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += eps
        down[i] -= eps
        grad[i] = (f(up) - f(down)) / (2 * eps)
    return grad


def _column_scaled(values: np.ndarray, module) -> tuple:
    x = module.tensor(values, dtype=module.float64, requires_grad=True)
    y = x * x
    y[:, 1].mul_(y[:, 2].clone())
    y.t()[0].exp_()
    loss = (y.sin() * module.arange(12.0, dtype=module.float64).reshape(3, 4)).sum()
    return x, loss


def test_gradient_matches_finite_differences():
    values = np.linspace(-0.9, 1.3, 12).reshape(3, 4)
    x, loss = _column_scaled(values, tracegrad)
    loss.backward()
    numeric = _numeric_gradient(lambda v: _column_scaled(v, tracegrad)[1].item(), values)
    np.testing.assert_allclose(x.grad.numpy(), numeric, rtol=1e-6, atol=1e-8)
    x_torch, loss_torch = _column_scaled(values, torch)
    loss_torch.backward()
    np.testing.assert_allclose(x.grad.numpy(), x_torch.grad.numpy(), rtol=1e-12)


def test_diagonal_view_gradient_matches_finite_differences():
    def loss_of(values, module):
        x = module.tensor(values, dtype=module.float64, requires_grad=True)
        y = x.sin()
        d = y.diagonal()
        d.mul_(d.clone())
        return x, (y * y.t()).sum()

    values = np.linspace(-1.1, 0.7, 9).reshape(3, 3)
    x, loss = loss_of(values, tracegrad)
    loss.backward()
    numeric = _numeric_gradient(lambda v: loss_of(v, tracegrad)[1].item(), values)
    np.testing.assert_allclose(x.grad.numpy(), numeric, rtol=1e-6, atol=1e-8)
    x_torch, loss_torch = loss_of(values, torch)
    loss_torch.backward()
    np.testing.assert_allclose(x.grad.numpy(), x_torch.grad.numpy(), rtol=1e-12)


def test_second_order_through_copy_slices():
    """create_graph: the gradient itself is differentiated (Hessian-vector product)."""

    def hvp(module):
        x = module.tensor(
            np.linspace(-1.0, 1.0, 6).reshape(2, 3), dtype=module.float64, requires_grad=True
        )
        y = x * 1
        y[:, 1:].mul_(x[:, :2])
        loss = (y**3).sum()
        (g,) = module.autograd.grad(loss, x, create_graph=True)
        (h,) = module.autograd.grad((g * g).sum(), x)
        return g.detach().numpy(), h.numpy()

    g_ours, h_ours = hvp(tracegrad)
    g_torch, h_torch = hvp(torch)
    np.testing.assert_allclose(g_ours, g_torch, rtol=1e-12)
    np.testing.assert_allclose(h_ours, h_torch, rtol=1e-12)


def test_region_of_non_contiguous_base():
    """The region of a view is found from memory layout, whatever the base's layout."""
    from tracegrad.ops._inplace import view_region

    base = np.arange(24.0).reshape(4, 6)[:, ::2].T  # gapped and transposed
    view = base[1:, ::2]
    region = view_region(base, view)
    np.testing.assert_array_equal(base.reshape(-1)[region], view)
