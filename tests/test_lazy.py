"""Lazy layers (d2l.ai builds its models with them): printed before and after the first
call, the weights drawn at the first call as the ordinary layer draws them, the class
change, and the uninitialized placeholders' errors, all as PyTorch."""

from __future__ import annotations

import pytest

import tracegrad

torch = pytest.importorskip("torch", reason="PyTorch is the behavioural oracle")


def _scenario(lib):
    nn = lib.nn
    lines = []
    lib.manual_seed(0)
    net = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), nn.LazyLinear(1))
    lines += [repr(net[0].weight), repr(net[0].bias), repr(net)]
    lines += [repr(net(lib.rand(2, 4)).shape), repr(net), type(net[0]).__name__]
    lines += [type(net[0].weight).__name__, repr(net[0].weight[0])]
    lines.append(repr(list(dict(net.named_parameters()))))
    layer = nn.LazyLinear(3, bias=False)
    lines.append(repr(layer))
    try:
        layer.weight.shape  # noqa: B018 - the error is the point
    except RuntimeError as error:
        lines.append(str(error))
    lib.manual_seed(1)
    conv = nn.LazyConv2d(6, 5, padding=2)
    lines.append(repr(conv))
    y = conv(lib.ones(1, 3, 10, 10))
    lines += [repr(conv), repr(y.shape), repr(conv.weight[0, 0, 0]), repr(conv.bias)]
    norm = nn.LazyBatchNorm2d()
    lines.append(repr(norm))
    lines += [repr(norm(lib.ones(2, 3, 4, 4)).shape), repr(norm), repr(norm.running_var)]
    conv1 = nn.LazyConv1d(4, 3)
    lines += [repr(conv1(lib.ones(2, 5, 7)).shape), repr(conv1)]
    norm1 = nn.LazyBatchNorm1d()
    lines += [repr(norm1(lib.randn(4, 3)).shape), repr(norm1), repr(norm1.running_mean)]
    # d2l's LeNet (chapter 7), lazily sized, shapes printed layer by layer
    lib.manual_seed(2)
    lenet = nn.Sequential(
        nn.LazyConv2d(6, kernel_size=5, padding=2), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.LazyConv2d(16, kernel_size=5), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2), nn.Flatten(),
        nn.LazyLinear(120), nn.Sigmoid(), nn.LazyLinear(84), nn.Sigmoid(), nn.LazyLinear(10),
    )  # fmt: skip
    x = lib.rand(1, 1, 28, 28)
    for layer in lenet:
        x = layer(x)
        lines.append(f"{layer.__class__.__name__} output shape: {tuple(x.shape)}")
    lines.append(repr(x))
    # an optimizer made before the first call holds the same (then materialized) objects
    model = nn.Sequential(nn.LazyLinear(2))
    optimizer = lib.optim.SGD(model.parameters(), lr=0.1)
    model(lib.ones(3, 5)).sum().backward()
    optimizer.step()
    lines.append(repr(model[0].weight))
    return lines


def test_lazy_layers_match_torch():
    ours, theirs = _scenario(tracegrad), _scenario(torch)
    assert len(ours) == len(theirs)
    for mine, reference in zip(ours, theirs, strict=True):
        assert mine == reference
