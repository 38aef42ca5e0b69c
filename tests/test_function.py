"""Custom ``autograd.Function``s behave as in PyTorch (each scenario runs on both)."""

from __future__ import annotations

import pytest

from .test_autograd import assert_same


def my_relu(torch):
    # the course's example (seed 003), verbatim
    class MyReLU(torch.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return input.clamp(min=0)

        @staticmethod
        def backward(ctx, grad_output):
            (input,) = ctx.saved_tensors
            grad_input = grad_output.clone()
            grad_input[input < 0] = 0
            return grad_input

    torch.manual_seed(0)
    x = torch.randn(3, 4, requires_grad=True)
    y = MyReLU.apply(x)
    (y * y).sum().backward()
    return [repr(y), repr(x.grad), type(y.grad_fn).__name__, y.grad_fn.next_functions[0][1]]


def two_outputs_and_constants(torch):
    class ScaleBoth(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a, factor, b):
            ctx.factor = factor
            ctx.save_for_backward(a, b)
            return a * factor, a * b

        @staticmethod
        def backward(ctx, grad_scaled, grad_product):
            a, b = ctx.saved_tensors
            return grad_scaled * ctx.factor + grad_product * b, None, grad_product * a

    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([3.0, 4.0], requires_grad=True)
    scaled, product = ScaleBoth.apply(a, 3.0, b)
    (scaled.sum() + 2 * product.sum()).backward()
    return [repr(scaled), repr(product), repr(a.grad), repr(b.grad)]


def unused_output_materialized(torch):
    class Split(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            return g1 * 2 + g2 * 3

    x = torch.ones(2, requires_grad=True)
    first, _ = Split.apply(x)
    first.sum().backward()
    return repr(x.grad)


def wrong_gradient_count(torch):
    class Bad(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x + y

        @staticmethod
        def backward(ctx, g):
            return g

    x = torch.ones(2, requires_grad=True)
    Bad.apply(x, torch.ones(2, requires_grad=True)).sum().backward()


def wrong_gradient_shape(torch):
    class Bad(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return g.sum(0)

    x = torch.ones(2, 3, requires_grad=True)
    Bad.apply(x).sum().backward()


def saved_after_free(torch):
    class Square(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    x = torch.ones(2, requires_grad=True)
    y = Square.apply(x).sum()
    y.backward()
    y.backward()


def setup_context_style(torch):
    class Cube(torch.autograd.Function):
        @staticmethod
        def forward(x):
            return x**3

        @staticmethod
        def setup_context(ctx, inputs, output):
            (x,) = inputs
            ctx.save_for_backward(x)

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * x**2 * g

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = Cube.apply(x)
    (g,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    (h,) = torch.autograd.grad(g.sum(), x)
    return [repr(y), repr(g), repr(h)]


def needs_input_grad_and_no_grad(torch):
    seen = []

    class Probe(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            seen.append(ctx.needs_input_grad)
            return a + b

        @staticmethod
        def backward(ctx, g):
            return g, g

    a = torch.ones(2, requires_grad=True)
    b = torch.ones(2)
    out = Probe.apply(a, b)
    with torch.no_grad():
        plain = Probe.apply(a, b)
    return [seen, out.requires_grad, plain.requires_grad, plain.grad_fn is None]


def non_differentiable_output(torch):
    class SortValues(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            values, indices = x.sort()
            ctx.mark_non_differentiable(indices)
            ctx.save_for_backward(indices)
            return values, indices

        @staticmethod
        def backward(ctx, g, _):
            (indices,) = ctx.saved_tensors
            result = torch.zeros_like(g)
            result[indices] = g
            return result

    x = torch.tensor([3.0, 1.0, 2.0], requires_grad=True)
    values, indices = SortValues.apply(x)
    (values * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    return [repr(values), repr(indices), indices.requires_grad, repr(x.grad)]


def chains_of_functions(torch):
    """Custom nodes run back to back (the engine's chain path) and where a chain branches,
    rejoins, passes through a two-output Function or a built-in op, and is walked twice."""

    class Cube(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * x**2 * g

    class Halves(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 0.5, x * -0.25

        @staticmethod
        def backward(ctx, g1, g2):
            return g1 * 0.5 - g2 * 0.25

    x = torch.tensor([0.5, -0.7, 0.8], requires_grad=True)
    chain = x * 1.25
    for _ in range(4):
        chain = Cube.apply(chain)
    chain.sum().backward()  # a plain chain of custom nodes
    plain = repr(x.grad)
    x.grad = None
    y = x
    for _ in range(3):
        y = Cube.apply(Cube.apply(y) * 1.5)
    left, right = Halves.apply(Cube.apply(y))
    branch = Cube.apply(left) + Cube.apply(Cube.apply(x))  # rejoins the leaf's own chain
    total = (branch + right.exp()).sum()
    total.backward(retain_graph=True)
    first = repr(x.grad)
    total.backward()
    return [plain, first, repr(x.grad), type(branch.grad_fn).__name__]


@pytest.mark.parametrize(
    "scenario",
    [
        chains_of_functions,
        my_relu,
        two_outputs_and_constants,
        unused_output_materialized,
        wrong_gradient_count,
        wrong_gradient_shape,
        saved_after_free,
        setup_context_style,
        needs_input_grad_and_no_grad,
        non_differentiable_output,
    ],
)
def test_custom_function_matches_torch(scenario):
    assert_same(scenario)


def custom_jvp(torch):
    import importlib

    forward_ad = importlib.import_module(torch.__name__ + ".autograd.forward_ad")

    class Square(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_forward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            raise RuntimeError("not used")

        @staticmethod
        def jvp(ctx, x_t):
            (x,) = ctx.saved_tensors
            return 2 * x * x_t

    x = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
    with forward_ad.dual_level():
        dual = forward_ad.make_dual(x, torch.tensor([1.0, 0.5, 0.0], dtype=torch.float64))
        out = Square.apply(dual)
        return repr(forward_ad.unpack_dual(out).tangent)


def dirty_and_materialize(torch):
    class AddOneInPlace(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            ctx.set_materialize_grads(False)
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    leaf = torch.tensor([1.0, 2.0], requires_grad=True)
    y = leaf * 1
    z = AddOneInPlace.apply(y)
    (z * 3).sum().backward()
    return [repr(z), z is y, repr(leaf.grad), type(z.grad_fn).__name__]


@pytest.mark.parametrize("scenario", [custom_jvp, dirty_and_materialize])
def test_custom_function_forward_mode_and_dirty(scenario):
    assert_same(scenario)
