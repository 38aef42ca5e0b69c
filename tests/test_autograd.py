"""The reverse-mode engine against PyTorch: each scenario runs on both libraries and must
print the same values and raise the same errors."""

from __future__ import annotations

import numpy as np
import pytest

import tracegrad


def _torch():
    return pytest.importorskip("torch", reason="PyTorch is the oracle for autograd tests")


def run_both(scenario):
    """Run ``scenario(module)`` on tracegrad and torch; return both results (or errors)."""
    torch = _torch()
    results = []
    for module in (tracegrad, torch):
        try:
            results.append(("ok", scenario(module)))
        except Exception as error:  # noqa: BLE001 - the error itself is compared
            results.append(("error", (type(error).__name__, str(error))))
    return results


def assert_same(scenario):
    ours, theirs = run_both(scenario)
    assert ours[0] == theirs[0], (ours, theirs)
    if ours[0] == "error":
        assert ours[1] == theirs[1]
    else:
        assert ours[1] == theirs[1]


def scalar_chain(torch):
    # seed 001: y = w*x + b, backward twice accumulates, zero_ resets
    x = torch.tensor(1.0, requires_grad=True)
    w = torch.tensor(2.0, requires_grad=True)
    b = torch.tensor(3.0, requires_grad=True)
    lines = []
    y = w * x + b
    y.backward()
    lines += [repr(w.grad), repr(x.grad), repr(b.grad)]
    y = w * x + b
    y.backward()
    lines += [repr(w.grad), repr(x.grad), repr(b.grad)]
    w.grad.zero_()
    x.grad.zero_()
    b.grad.zero_()
    y = w * x + b
    y.backward()
    lines += [repr(w.grad), repr(x.grad), repr(b.grad), repr(y)]
    return lines


def test_seed_scalar_example():
    assert_same(scalar_chain)


def relu_layer_gradients(torch):
    # seed 001's exercise: f = ||max(XW, 0) - Y||_F^2, gradients for X, W, Y
    torch.manual_seed(0)
    x = torch.randn(10, 4, requires_grad=True)
    w = torch.randn(4, 4, requires_grad=True)
    y = torch.randn(10, 4, requires_grad=True)
    f = (x.mm(w).clamp(min=0) - y).pow(2).sum()
    f.backward()
    return [repr(f), repr(w.grad), repr(x.grad), repr(y.grad)]


def test_relu_layer_gradients_print_identically():
    ours, theirs = run_both(relu_layer_gradients)
    assert ours[0] == theirs[0] == "ok"
    # values print identically (4 decimals) even where float32 sums differ in the last bit
    assert ours[1] == theirs[1]


@pytest.mark.parametrize(
    "scenario",
    [
        lambda t: t.ones(2, requires_grad=True).mul(2).backward(),
        lambda t: t.ones(2).sum().backward(),
        lambda t: (t.ones(2, requires_grad=True) * 2).backward(t.ones(3)),
        lambda t: t.ones(2, requires_grad=True).add_(1),
        lambda t: t.ones(2, dtype=t.int64).requires_grad_(),
        lambda t: setattr(t.ones(2, requires_grad=True) * 2, "requires_grad", False),
        lambda t: t.ones(2, requires_grad=True).numpy(),
        lambda t: t.ones(2).retain_grad(),
    ],
    ids=[
        "non-scalar",
        "no-grad",
        "shape",
        "leaf-inplace",
        "int-grad",
        "non-leaf-flag",
        "numpy",
        "retain-no-grad",
    ],
)
def test_errors_match_torch(scenario):
    assert_same(lambda t: scenario(t))


def second_backward(torch):
    x = torch.ones(3, requires_grad=True)
    z = (x * x).sum()
    z.backward()
    z.backward()


def second_backward_without_saved(torch):
    x = torch.ones(3, requires_grad=True)
    z = (x + 1).sum()
    z.backward()
    z.backward()
    return repr(x.grad)


def retained(torch):
    x = torch.ones(3, requires_grad=True)
    z = (x * x).sum()
    z.backward(retain_graph=True)
    z.backward()
    return repr(x.grad)


@pytest.mark.parametrize("scenario", [second_backward, second_backward_without_saved, retained])
def test_retain_graph(scenario):
    assert_same(scenario)


def modified_saved_input(torch):
    x = torch.ones(3, requires_grad=True)
    z = x.clone()
    w = (z * z).sum()
    z.mul_(2)
    w.backward()


def modified_saved_output(torch):
    a = torch.ones(2, 3, requires_grad=True) * 1
    b = a.relu()
    b.mul_(2)
    b.sum().backward()


def modified_unsaved_input(torch):
    x = torch.ones(3, requires_grad=True)
    z = x.clone()
    w = (z + 1).sum()
    z.mul_(2)
    w.backward()
    return repr(x.grad)


def inplace_history(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    y.add_(1)
    y.mul_(y)
    y.sum().backward()
    return [repr(y), repr(x.grad), y.grad_fn.name()]


def setitem_history(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = torch.tensor(5.0, requires_grad=True)
    y = x * 1
    y[1] = v * 2
    (y * y).sum().backward()
    return [repr(x.grad), repr(v.grad)]


@pytest.mark.parametrize(
    "scenario",
    [
        modified_saved_input,
        modified_saved_output,
        modified_unsaved_input,
        inplace_history,
        setitem_history,
    ],
)
def test_version_counter(scenario):
    assert_same(scenario)


def hooks(torch):
    log = []
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.register_hook(lambda g: log.append(repr(g)))
    handle = y.register_hook(lambda g: g * 10)
    x.register_hook(lambda g: log.append("leaf " + repr(g)))
    y.retain_grad()
    (y * y).sum().backward()
    handle.remove()
    log += [repr(y.grad), repr(x.grad)]
    return log


def test_hooks_and_retain_grad():
    assert_same(hooks)


def grad_modes(torch):
    x = torch.ones(2, requires_grad=True)
    flags = []
    with torch.no_grad():
        flags.append((x * 2).requires_grad)
        with torch.enable_grad():
            flags.append((x * 2).requires_grad)
    with torch.set_grad_enabled(False):
        flags.append((x * 2).requires_grad)
    flags.append(torch.is_grad_enabled())

    @torch.no_grad()
    def doubled(t):
        return t * 2

    flags.append(doubled(x).requires_grad)
    with torch.inference_mode():
        flags.append((x * 2).requires_grad)
    flags.append((x.detach() * 2).requires_grad)
    flags.append((x * 2).requires_grad)
    return flags


def test_grad_modes():
    assert_same(grad_modes)


def autograd_grad(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (x**3).sum()
    (g,) = torch.autograd.grad(y, x, create_graph=True)
    (h,) = torch.autograd.grad(g.sum(), x)
    return [repr(g), repr(h), repr(x.grad)]


def test_autograd_grad_and_second_derivative():
    assert_same(autograd_grad)


def backward_inputs(torch):
    a = torch.ones(2, requires_grad=True)
    b = torch.ones(2, requires_grad=True)
    (a * b * 3).sum().backward(inputs=[a])
    return [repr(a.grad), repr(b.grad)]


def test_backward_inputs_argument():
    assert_same(backward_inputs)


def test_grad_fn_names_and_next_functions():
    x = tracegrad.ones(2, 2, requires_grad=True)
    y = x.mm(x).relu().sum()
    assert y.grad_fn.name() == "SumBackward0"
    relu_node = y.grad_fn.next_functions[0][0]
    assert relu_node.name() == "ReluBackward0"
    mm_node = relu_node.next_functions[0][0]
    assert type(mm_node).__name__ == "MmBackward0"
    accumulate = mm_node.next_functions[0][0]
    assert accumulate.name() == "torch::autograd::AccumulateGrad"
    assert accumulate.variable is x
    assert mm_node.next_functions[1][0] is accumulate


def test_long_chain_does_not_recurse():
    x = tracegrad.tensor([0.5], requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0])


def test_dtype_of_gradient_follows_input():
    x = tracegrad.ones(3, dtype=tracegrad.float32, requires_grad=True)
    w = tracegrad.ones(3, dtype=tracegrad.float64, requires_grad=True)
    (x * w).sum().backward()
    assert x.grad.dtype is tracegrad.float32
    assert w.grad.dtype is tracegrad.float64


def test_shared_gradient_is_not_aliased():
    # add passes the same gradient to both inputs: accumulating into one leaf must not
    # change the other
    a = tracegrad.zeros(2, requires_grad=True)
    b = tracegrad.zeros(2, requires_grad=True)
    (a + b).sum().backward()
    (a * 1).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [2.0, 2.0])
    np.testing.assert_array_equal(b.grad.numpy(), [1.0, 1.0])


def scaled_then_modified(torch):
    # mul by a number saves no tensor: modifying its input afterwards is allowed
    x = torch.ones(3, requires_grad=True)
    y = x.clone()
    z = y[2] * 2
    y.add_(1)
    z.sum().backward()
    return repr(x.grad)


def scaled_backward_twice(torch):
    # torch saves the number as a 0-d tensor: a second backward fails here too
    x = torch.ones(3, requires_grad=True)
    z = (x * 2).sum()
    z.backward()
    z.backward()
    return repr(x.grad)


@pytest.mark.parametrize("scenario", [scaled_then_modified, scaled_backward_twice])
def test_only_tensors_read_by_needed_rules_are_saved(scenario):
    assert_same(scenario)
