"""Convolution and pooling against PyTorch: LeNet end to end (same initial weights after
``manual_seed``, same loss and gradients, the same SGD trajectory in float64), the
functional forms over a grid of arguments, module reprs, channel dropout's draws,
BatchNorm2d, and torch's errors for bad arguments.

The ops' own derivatives (VJP, JVP, second order) are checked by tests/test_registry.py
through the registry samples in tracegrad/ops/conv.py.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tracegrad

torch = pytest.importorskip("torch", reason="PyTorch is the oracle for parity tests")

RNG = np.random.default_rng(11)


def _pair(array, dtype="float64", requires_grad=True):
    """The same values as a tracegrad and a torch tensor."""
    ours = tracegrad.tensor(array, dtype=getattr(tracegrad, dtype), requires_grad=requires_grad)
    theirs = torch.tensor(array, dtype=getattr(torch, dtype), requires_grad=requires_grad)
    return ours, theirs


def _close(mine, reference, rtol, atol=None):
    np.testing.assert_allclose(
        mine.detach().numpy(),
        reference.detach().numpy(),
        rtol=rtol,
        atol=rtol if atol is None else atol,
    )


# ---------------------------------------------------------------------------- LeNet


def _lenet(nn, activation="sigmoid"):
    """d2l.ai's LeNet-5 (sigmoid, average pooling) or a ReLU/max-pooling variant."""
    act = nn.Sigmoid if activation == "sigmoid" else nn.ReLU
    second_pool = nn.AvgPool2d(2, 2) if activation == "sigmoid" else nn.MaxPool2d(2)
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2),
        act(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5),
        act(),
        second_pool,
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120),
        act(),
        nn.Linear(120, 84),
        act(),
        nn.Linear(84, 10),
    )


def _both_lenets(activation, dtype=None, seed=0):
    tracegrad.manual_seed(seed)
    ours = _lenet(tracegrad.nn, activation)
    torch.manual_seed(seed)
    theirs = _lenet(torch.nn, activation)
    if dtype == "float64":
        ours, theirs = ours.double(), theirs.double()
    return ours, theirs


def _batch(dtype, n=8):
    images = RNG.standard_normal((n, 1, 28, 28))
    labels = RNG.integers(0, 10, n)
    x, tx = _pair(images, dtype, requires_grad=False)
    return x, tx, tracegrad.tensor(labels), torch.tensor(labels)


@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_lenet_initial_weights_are_torchs(activation):
    ours, theirs = _both_lenets(activation, seed=3)
    for (name, mine), (_, reference) in zip(
        ours.named_parameters(), theirs.named_parameters(), strict=True
    ):
        assert np.array_equal(mine.detach().numpy(), reference.detach().numpy()), name


@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_lenet_forward_and_backward_float32(activation):
    ours, theirs = _both_lenets(activation)
    x, tx, y, ty = _batch("float32")
    loss = tracegrad.nn.functional.cross_entropy(ours(x), y)
    reference = torch.nn.functional.cross_entropy(theirs(tx), ty)
    assert loss.dtype is tracegrad.float32
    _close(loss, reference, 1e-5)
    loss.backward()
    reference.backward()
    for (name, mine), (_, expected) in zip(
        ours.named_parameters(), theirs.named_parameters(), strict=True
    ):
        assert mine.grad.dtype is tracegrad.float32, name
        np.testing.assert_allclose(
            mine.grad.numpy(), expected.grad.numpy(), rtol=1e-4, atol=1e-6, err_msg=name
        )


@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_lenet_sgd_steps_float64(activation):
    """Five SGD steps with momentum: parameters and losses agree to 1e-10."""
    ours, theirs = _both_lenets(activation, dtype="float64", seed=1)
    optimizer = tracegrad.optim.SGD(ours.parameters(), lr=0.1, momentum=0.9)
    reference_optimizer = torch.optim.SGD(theirs.parameters(), lr=0.1, momentum=0.9)
    for _ in range(5):
        x, tx, y, ty = _batch("float64", n=16)
        for model, opt, lib, inputs, labels in (
            (ours, optimizer, tracegrad, x, y),
            (theirs, reference_optimizer, torch, tx, ty),
        ):
            opt.zero_grad()
            loss = lib.nn.functional.cross_entropy(model(inputs), labels)
            loss.backward()
            opt.step()
            if lib is tracegrad:
                our_loss = loss
            else:
                _close(our_loss, loss, 1e-10)
    for (name, mine), (_, expected) in zip(
        ours.named_parameters(), theirs.named_parameters(), strict=True
    ):
        np.testing.assert_allclose(
            mine.detach().numpy(), expected.detach().numpy(), rtol=1e-10, atol=1e-12, err_msg=name
        )


def test_lenet_output_shapes_follow_d2l():
    """The layer-by-layer shapes d2l.ai prints for LeNet on a 28×28 image."""
    net = _lenet(tracegrad.nn)
    x = tracegrad.zeros(1, 1, 28, 28)
    shapes = []
    for layer in net:
        x = layer(x)
        shapes.append((type(layer).__name__, tuple(x.shape)))
    assert shapes[:7] == [
        ("Conv2d", (1, 6, 28, 28)),
        ("Sigmoid", (1, 6, 28, 28)),
        ("AvgPool2d", (1, 6, 14, 14)),
        ("Conv2d", (1, 16, 10, 10)),
        ("Sigmoid", (1, 16, 10, 10)),
        ("AvgPool2d", (1, 16, 5, 5)),
        ("Flatten", (1, 400)),
    ]


def test_batchnorm_lenet_train_and_eval():
    """d2l.ai's LeNet with BatchNorm2d/BatchNorm1d: outputs, gradients, running stats."""

    def build(nn):
        return nn.Sequential(
            nn.Conv2d(1, 6, kernel_size=5),
            nn.BatchNorm2d(6),
            nn.Sigmoid(),
            nn.AvgPool2d(kernel_size=2, stride=2),
            nn.Conv2d(6, 16, kernel_size=5),
            nn.BatchNorm2d(16),
            nn.Sigmoid(),
            nn.MaxPool2d(kernel_size=2, stride=2),
            nn.Flatten(),
            nn.Linear(256, 10),
        )

    tracegrad.manual_seed(4)
    ours = build(tracegrad.nn).double()
    torch.manual_seed(4)
    theirs = build(torch.nn).double()
    x, tx, y, ty = _batch("float64")
    for _ in range(2):
        loss = tracegrad.nn.functional.cross_entropy(ours(x), y)
        reference = torch.nn.functional.cross_entropy(theirs(tx), ty)
        _close(loss, reference, 1e-10)
        loss.backward()
        reference.backward()
    for (name, mine), (_, expected) in zip(
        ours.named_parameters(), theirs.named_parameters(), strict=True
    ):
        np.testing.assert_allclose(
            mine.grad.numpy(), expected.grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=name
        )
    for (name, mine), (_, expected) in zip(
        ours.named_buffers(), theirs.named_buffers(), strict=True
    ):
        np.testing.assert_allclose(mine.numpy(), expected.numpy(), rtol=1e-10, err_msg=name)
    ours.eval()
    theirs.eval()
    _close(ours(x), theirs(tx), 1e-10)


def _modern_cnn(nn, F):  # noqa: N803 - torch's spelling
    """Pieces of d2l.ai's chapter 8 (VGG block, NiN block, Inception, residual block with
    batch norm, global average pooling) in one small network."""

    class Inception(nn.Module):
        def __init__(self, c_in, c1, c2, c3, c4):
            super().__init__()
            self.b1 = nn.Conv2d(c_in, c1, kernel_size=1)
            self.b2_1 = nn.Conv2d(c_in, c2[0], kernel_size=1)
            self.b2_2 = nn.Conv2d(c2[0], c2[1], kernel_size=3, padding=1)
            self.b3_1 = nn.Conv2d(c_in, c3[0], kernel_size=1)
            self.b3_2 = nn.Conv2d(c3[0], c3[1], kernel_size=5, padding=2)
            self.b4_1 = nn.MaxPool2d(kernel_size=3, stride=1, padding=1)
            self.b4_2 = nn.Conv2d(c_in, c4, kernel_size=1)

        def forward(self, x):
            b1 = F.relu(self.b1(x))
            b2 = F.relu(self.b2_2(F.relu(self.b2_1(x))))
            b3 = F.relu(self.b3_2(F.relu(self.b3_1(x))))
            b4 = F.relu(self.b4_2(self.b4_1(x)))
            return self.cat((b1, b2, b3, b4), dim=1)

    class Residual(nn.Module):
        def __init__(self, c_in, c_out, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(c_in, c_out, kernel_size=3, padding=1, stride=stride)
            self.conv2 = nn.Conv2d(c_out, c_out, kernel_size=3, padding=1)
            self.conv3 = nn.Conv2d(c_in, c_out, kernel_size=1, stride=stride)
            self.bn1 = nn.BatchNorm2d(c_out)
            self.bn2 = nn.BatchNorm2d(c_out)

        def forward(self, x):
            y = F.relu(self.bn1(self.conv1(x)))
            y = self.bn2(self.conv2(y))
            return F.relu(y + self.conv3(x))

    return nn.Sequential(
        nn.Conv2d(1, 4, kernel_size=3, padding=1),  # VGG block
        nn.ReLU(),
        nn.Conv2d(4, 4, kernel_size=3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Conv2d(4, 6, kernel_size=3, stride=1, padding=1),  # NiN block
        nn.ReLU(),
        nn.Conv2d(6, 6, kernel_size=1),
        nn.ReLU(),
        Inception(6, 2, (2, 4), (1, 2), 2),
        nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
        Residual(10, 8, stride=2),
        nn.Dropout2d(0.3),
        nn.AdaptiveAvgPool2d((1, 1)),
        nn.Flatten(),
        nn.Linear(8, 10),
    )


def test_modern_cnn_blocks_train_as_in_torch():
    nets = []
    for lib in (tracegrad, torch):
        lib.manual_seed(2)
        net = _modern_cnn(lib.nn, lib.nn.functional)
        for module in net.modules():  # the Inception block concatenates with torch.cat
            module.cat = lib.cat
        nets.append(net.double())
    ours, theirs = nets
    # SGD, not Adam: the biases of convolutions followed by batch norm get gradients of
    # rounding noise only (~1e-17), which Adam would blow up to full-size steps
    optimizers = [
        tracegrad.optim.SGD(ours.parameters(), lr=0.05, momentum=0.9),
        torch.optim.SGD(theirs.parameters(), lr=0.05, momentum=0.9),
    ]
    for step in range(3):
        x, tx, y, ty = _batch("float64", n=6)
        losses = []
        for lib, net, opt, inputs, labels in (
            (tracegrad, ours, optimizers[0], x, y),
            (torch, theirs, optimizers[1], tx, ty),
        ):
            lib.manual_seed(10 + step)  # Dropout2d draws the same channels
            opt.zero_grad()
            loss = lib.nn.functional.cross_entropy(net(inputs), labels)
            loss.backward()
            opt.step()
            losses.append(loss)
        _close(losses[0], losses[1], 1e-10)
    for (name, mine), (_, expected) in zip(
        ours.state_dict().items(), theirs.state_dict().items(), strict=True
    ):
        np.testing.assert_allclose(
            mine.numpy(), expected.numpy(), rtol=1e-9, atol=1e-12, err_msg=name
        )
    ours.eval()
    theirs.eval()
    x, tx, _, _ = _batch("float64", n=2)
    _close(ours(x), theirs(tx), 1e-10)


# ---------------------------------------------------------------------------- functional grid

CONV_CASES = [
    # (input shape, weight shape, bias, kwargs)
    ((2, 3, 8, 7), (4, 3, 3, 3), True, {}),
    ((2, 3, 8, 7), (4, 3, 3, 2), False, {"stride": 2, "padding": 1}),
    ((1, 4, 9, 9), (6, 2, 3, 3), True, {"stride": (2, 1), "padding": (0, 2), "groups": 2}),
    ((1, 4, 9, 9), (4, 1, 3, 3), True, {"groups": 4, "padding": "same"}),
    ((2, 2, 10, 8), (3, 2, 3, 2), True, {"dilation": (2, 3), "padding": 2}),
    ((2, 2, 6, 6), (3, 2, 4, 4), True, {"padding": "same", "dilation": 2}),
    ((2, 2, 6, 6), (3, 2, 3, 3), True, {"padding": "valid"}),
    ((3, 5, 5), (2, 3, 2, 2), True, {}),  # unbatched
    ((2, 3, 11), (4, 3, 3), True, {"stride": 2, "padding": 1, "dilation": 2}),  # conv1d
    ((3, 11), (4, 3, 4), False, {"padding": "same"}),  # unbatched conv1d, even kernel
    ((2, 4, 9), (6, 2, 3), True, {"groups": 2, "stride": (3,)}),
    ((1, 2, 5, 4, 6), (4, 2, 2, 3, 2), True, {"stride": (1, 2, 1), "padding": 1}),  # conv3d
]


TRANSPOSED_CASES = [
    ((2, 3, 4, 5), (3, 4, 3, 3), True, {}),
    ((2, 4, 5, 4), (4, 3, 4, 4), True, {"stride": 2, "padding": 1}),
    ((1, 4, 3, 4), (4, 2, 3, 2), False, {"stride": (2, 3), "output_padding": (1, 2), "groups": 2}),
    ((2, 2, 4, 4), (2, 3, 3, 3), True, {"dilation": 2, "padding": (2, 1), "output_padding": 1}),
    ((3, 4, 4), (3, 2, 2, 2), True, {"stride": 2}),  # unbatched
    ((2, 3, 6), (3, 2, 3), True, {"stride": 3, "padding": 1, "output_padding": 2}),  # 1-d
    ((1, 2, 2, 3, 2), (2, 2, 2, 2, 3), True, {"stride": (2, 1, 2)}),  # 3-d
]


def _conv_call(lib, x, w, b, kwargs, transposed=False):
    dims = w.dim() - 2
    name = f"conv_transpose{dims}d" if transposed else f"conv{dims}d"
    return getattr(lib.nn.functional, name)(x, w, b, **kwargs)


CASES = [(case, False) for case in CONV_CASES] + [(case, True) for case in TRANSPOSED_CASES]
CASE_IDS = [f"conv{i}" for i in range(len(CONV_CASES))] + [
    f"transposed{i}" for i in range(len(TRANSPOSED_CASES))
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_conv_matches_torch(case, dtype):
    (x_shape, w_shape, with_bias, kwargs), transposed = case
    x, tx = _pair(RNG.standard_normal(x_shape), dtype)
    w, tw = _pair(RNG.standard_normal(w_shape), dtype)
    channels = w_shape[1] * kwargs.get("groups", 1) if transposed else w_shape[0]
    b, tb = _pair(RNG.standard_normal(channels), dtype) if with_bias else (None, None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's note on 'same' with even kernels
        out = _conv_call(tracegrad, x, w, b, kwargs, transposed)
        reference = _conv_call(torch, tx, tw, tb, kwargs, transposed)
    assert tuple(out.shape) == tuple(reference.shape)
    assert out.stride() == reference.stride()
    assert str(out.dtype) == str(reference.dtype)
    assert type(out.grad_fn).__name__ == reference.grad_fn.name()
    tol = 1e-5 if dtype == "float32" else 1e-10
    _close(out, reference, tol)
    cotangent = RNG.standard_normal(tuple(out.shape))
    out.backward(tracegrad.tensor(cotangent, dtype=out.dtype))
    reference.backward(torch.tensor(cotangent, dtype=reference.dtype))
    for mine, expected in ((x, tx), (w, tw), (b, tb)):
        if mine is not None:
            assert mine.grad.dtype is mine.dtype
            _close(mine.grad, expected.grad, tol * 10)


POOL_CASES = [
    # (function name, input shape, args, kwargs)
    ("max_pool2d", (2, 3, 8, 8), (2,), {}),
    ("max_pool2d", (2, 3, 7, 9), (3, 2, 1), {"ceil_mode": True}),
    ("max_pool2d", (2, 3, 10, 9), ((3, 2),), {"stride": (2, 1), "dilation": (2, 3)}),
    ("max_pool2d", (3, 7, 7), (2,), {"ceil_mode": True, "return_indices": True}),
    ("max_pool2d", (1, 2, 5, 5), (3,), {"stride": 2, "padding": 1, "return_indices": True}),
    ("max_pool1d", (2, 3, 11), (3,), {"stride": 2, "padding": 1, "ceil_mode": True}),
    ("max_pool1d", (3, 10), (2,), {"dilation": 2, "return_indices": True}),
    ("avg_pool2d", (2, 3, 8, 8), (2,), {}),
    ("avg_pool2d", (2, 3, 7, 9), (3, 2, 1), {"ceil_mode": True}),
    ("avg_pool2d", (2, 3, 7, 9), (3, 2, 1), {"ceil_mode": True, "count_include_pad": False}),
    ("avg_pool2d", (2, 5, 6), ((2, 3),), {"stride": (1, 2), "padding": (1, 0)}),
    ("avg_pool2d", (1, 1, 5, 5), (3, 1, 1), {"divisor_override": 3}),
    ("avg_pool1d", (2, 3, 11), (3, 2, 1), {"ceil_mode": True, "count_include_pad": False}),
    ("avg_pool1d", (3, 10), (4,), {}),
    ("adaptive_avg_pool2d", (2, 3, 7, 9), ((3, 4),), {}),
    ("adaptive_avg_pool2d", (2, 3, 5, 5), (1,), {}),
    ("adaptive_avg_pool2d", (3, 6, 4), ((None, 3),), {}),
    ("adaptive_avg_pool2d", (1, 2, 3, 3), (5,), {}),  # more outputs than inputs
    ("adaptive_avg_pool1d", (2, 3, 10), (4,), {}),
    ("adaptive_max_pool2d", (2, 3, 7, 9), ((3, 4),), {"return_indices": True}),
    ("adaptive_max_pool2d", (3, 6, 4), (2,), {}),
    ("adaptive_max_pool1d", (2, 3, 10), (4,), {"return_indices": True}),
    ("unfold", (2, 3, 6, 5), ((2, 3),), {"dilation": (1, 2), "padding": 1, "stride": 2}),
    ("unfold", (3, 4, 4), (2,), {}),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", range(len(POOL_CASES)))
def test_pooling_matches_torch(case, dtype):
    name, shape, args, kwargs = POOL_CASES[case]
    x, tx = _pair(RNG.standard_normal(shape), dtype)
    out = getattr(tracegrad.nn.functional, name)(x, *args, **kwargs)
    reference = getattr(torch.nn.functional, name)(tx, *args, **kwargs)
    if isinstance(reference, tuple):
        out, indices = out
        reference, reference_indices = reference
        assert indices.dtype is tracegrad.int64
        assert np.array_equal(indices.numpy(), reference_indices.numpy())
    assert tuple(out.shape) == tuple(reference.shape)
    assert out.stride() == reference.stride()
    assert str(out.dtype) == str(reference.dtype)
    assert type(out.grad_fn).__name__ == reference.grad_fn.name()
    tol = 1e-6 if dtype == "float32" else 1e-12
    _close(out, reference, tol)
    cotangent = RNG.standard_normal(tuple(out.shape))
    out.backward(tracegrad.tensor(cotangent, dtype=out.dtype))
    reference.backward(torch.tensor(cotangent, dtype=reference.dtype))
    _close(x.grad, tx.grad, tol)


def test_fold_is_unfolds_adjoint_and_matches_torch():
    cols = RNG.standard_normal((2, 12, 12))
    c, tc = _pair(cols)
    out = tracegrad.nn.functional.fold(c, (5, 4), 2)
    reference = torch.nn.functional.fold(tc, (5, 4), 2)
    _close(out, reference, 1e-12)
    assert type(out.grad_fn).__name__ == reference.grad_fn.name() == "Col2ImBackward0"
    unbatched = tracegrad.nn.functional.fold(c[0], (5, 4), 2)
    assert type(unbatched.grad_fn).__name__ == "Col2ImBackward0"
    _close(unbatched, reference[0], 1e-12)
    x = RNG.standard_normal((2, 3, 5, 4))
    unfolded = tracegrad.nn.functional.unfold(tracegrad.tensor(x), 2).numpy()
    # <unfold(x), c> = <x, fold(c)>
    assert np.sum(unfolded * cols) == pytest.approx(np.sum(x * out.detach().numpy()))


def test_max_pool_ties_and_nan_follow_torch():
    """Ties: the first maximum in window order gets the gradient; NaN: the last NaN."""
    ties = [[[[1.0, 3.0, 3.0, 0.0], [3.0, 2.0, 3.0, 3.0]]]]
    nans = [[[[1.0, float("nan"), 3.0, float("nan")], [0.0, 1.0, 2.0, 3.0]]]]
    for data, kernel in ((ties, (2, 2)), (nans, (1, 4)), (nans, (2, 2))):
        x, tx = _pair(np.array(data))
        out, indices = tracegrad.nn.functional.max_pool2d(x, kernel, return_indices=True)
        reference, expected = torch.nn.functional.max_pool2d(tx, kernel, return_indices=True)
        assert np.array_equal(indices.numpy(), expected.numpy())
        out.sum().backward()
        reference.sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())


def test_overlapping_max_windows_add_their_gradients():
    x, tx = _pair(np.array([[[[0.0, 1.0, 9.0, 2.0, 0.0]]]]))
    tracegrad.nn.functional.max_pool2d(x, (1, 3), stride=1).sum().backward()
    torch.nn.functional.max_pool2d(tx, (1, 3), stride=1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())
    assert x.grad.numpy()[0, 0, 0, 2] == 3


def test_integer_pooling_matches_torch():
    data = np.arange(-8, 17).reshape(1, 5, 5)
    x, tx = tracegrad.tensor(data), torch.tensor(data)
    for name, kwargs in (("avg_pool2d", {"padding": 1}), ("max_pool2d", {"padding": 1})):
        out = getattr(tracegrad.nn.functional, name)(x, 3, 2, **kwargs)
        reference = getattr(torch.nn.functional, name)(tx, 3, 2, **kwargs)
        assert out.dtype is tracegrad.int64
        assert np.array_equal(out.numpy(), reference.numpy()), name


@pytest.mark.parametrize(
    "call",
    [
        lambda t, x: t.nn.functional.conv2d(x, t.ones(3, 2, 3, 3)),
        lambda t, x: t.nn.functional.conv_transpose2d(x, t.ones(2, 2, 3, 3), stride=2),
        lambda t, x: t.nn.functional.max_pool2d(x, 2),
        lambda t, x: t.nn.functional.avg_pool2d(x, 2),
        lambda t, x: t.nn.functional.adaptive_max_pool2d(x, 2),
        lambda t, x: t.nn.functional.adaptive_avg_pool2d(x, 2),
        lambda t, x: t.nn.functional.unfold(x, 2),
    ],
)
def test_empty_batch(call):
    results = []
    for lib in (tracegrad, torch):
        x = lib.zeros(0, 2, 5, 5, requires_grad=True)
        y = call(lib, x)
        y.sum().backward()
        results.append((tuple(y.shape), tuple(x.grad.shape)))
    assert results[0] == results[1]


def test_double_backward_through_conv_and_pool():
    """A gradient penalty (create_graph through conv, max and average pooling)."""
    x_data = RNG.standard_normal((2, 2, 8, 8))
    w_data = RNG.standard_normal((3, 2, 3, 3))
    results = []
    for lib in (tracegrad, torch):
        F = lib.nn.functional  # noqa: N806 - torch's spelling
        x = lib.tensor(x_data, requires_grad=True)
        w = lib.tensor(w_data, requires_grad=True)
        y = F.avg_pool2d(lib.tanh(F.conv2d(x, w, padding=1)), 2)
        y = F.max_pool2d(F.conv2d(y, w.transpose(0, 1)[:2, :3].contiguous(), padding=1), 2)
        (gx,) = lib.autograd.grad(y.pow(2).sum(), x, create_graph=True)
        penalty = gx.pow(2).sum()
        penalty.backward()
        results.append((penalty.detach().numpy(), w.grad.numpy(), x.grad.numpy()))
    for mine, expected in zip(*results, strict=True):
        np.testing.assert_allclose(mine, expected, rtol=1e-9, atol=1e-12)


# ---------------------------------------------------------------------------- modules


def _module_pairs():
    def make(nn):
        return [
            nn.Conv2d(1, 6, 5, padding=2),
            nn.Conv2d(1, 6, 5, bias=False),
            nn.Conv2d(4, 6, (3, 5), stride=2, padding=(1, 2), dilation=2, groups=2),
            nn.Conv2d(1, 6, 3, padding="same"),
            nn.Conv2d(4, 6, 3, padding_mode="reflect"),
            nn.Conv1d(3, 4, 3),
            nn.Conv1d(3, 4, 3, padding="valid"),
            nn.Conv3d(2, 4, 3),
            nn.ConvTranspose2d(1, 2, 3, stride=2, output_padding=1),
            nn.ConvTranspose2d(4, 2, (3, 2), padding=1, groups=2, bias=False, dilation=2),
            nn.ConvTranspose1d(2, 3, 4),
            nn.ConvTranspose3d(2, 4, 3),
            nn.MaxPool2d(2),
            nn.MaxPool2d(3, 2, 1, return_indices=True, ceil_mode=True),
            nn.MaxPool2d((2, 3), (1, 2)),
            nn.MaxPool1d(2),
            nn.AvgPool2d(2),
            nn.AvgPool2d((2, 3)),
            nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False, divisor_override=2),
            nn.AvgPool1d(2),
            nn.AdaptiveAvgPool2d((1, 1)),
            nn.AdaptiveAvgPool2d((None, 2)),
            nn.AdaptiveAvgPool1d(2),
            nn.AdaptiveMaxPool2d(3),
            nn.AdaptiveMaxPool1d(4),
            nn.BatchNorm2d(3),
            nn.Dropout2d(0.3),
            nn.Unfold(2),
            nn.Fold((4, 4), 2),
        ]

    return list(zip(make(tracegrad.nn), make(torch.nn), strict=True))


def test_module_reprs_match_torch():
    for ours, theirs in _module_pairs():
        assert repr(ours) == repr(theirs)
    assert repr(_lenet(tracegrad.nn)) == repr(_lenet(torch.nn))


def test_conv_parameters_and_state_dict_match_torch():
    tracegrad.manual_seed(7)
    ours = tracegrad.nn.Conv2d(4, 6, (3, 2), groups=2)
    torch.manual_seed(7)
    theirs = torch.nn.Conv2d(4, 6, (3, 2), groups=2)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for key, value in ours.state_dict().items():
        assert np.array_equal(value.numpy(), theirs.state_dict()[key].numpy()), key
    assert tuple(ours.weight.shape) == (6, 2, 3, 2)
    for attribute in ("kernel_size", "stride", "padding", "dilation", "groups", "output_padding"):
        assert getattr(ours, attribute) == getattr(theirs, attribute), attribute


def test_conv_transpose_module_matches_torch():
    """Init after manual_seed, forward with and without output_size, gradients."""
    x_data = RNG.standard_normal((2, 4, 5, 5))
    for seed in range(2):
        tracegrad.manual_seed(seed)
        ours = tracegrad.nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, groups=2).double()
        torch.manual_seed(seed)
        theirs = torch.nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, groups=2).double()
        assert np.array_equal(ours.weight.detach().numpy(), theirs.weight.detach().numpy())
        assert np.array_equal(ours.bias.detach().numpy(), theirs.bias.detach().numpy())
        for output_size in (None, [10, 10], [2, 6, 9, 10]):
            x, tx = _pair(x_data)
            out = ours(x, output_size=output_size)
            reference = theirs(tx, output_size=output_size)
            _close(out, reference, 1e-12)
            out.pow(2).sum().backward()
            reference.pow(2).sum().backward()
            _close(x.grad, tx.grad, 1e-11)
        _close(ours.weight.grad, theirs.weight.grad, 1e-11)
        _close(ours.bias.grad, theirs.bias.grad, 1e-11)


def test_dropout2d_draws_torchs_mask():
    data = np.ones((4, 5, 3, 3))
    for p in (0.5, 0.2):
        tracegrad.manual_seed(5)
        torch.manual_seed(5)
        out = tracegrad.nn.Dropout2d(p)(tracegrad.tensor(data))
        reference = torch.nn.Dropout2d(p)(torch.tensor(data))
        _close(out, reference, 1e-15)
        # whole channels: every plane is all zeros or all 1/(1-p)
        planes = out.numpy().reshape(20, 9)
        assert all(len(set(plane)) == 1 for plane in planes)
        # the generator moved on as torch's did
        assert tracegrad.rand(3).tolist() == pytest.approx(torch.rand(3).tolist())
    module = tracegrad.nn.Dropout2d()
    module.eval()
    x = tracegrad.tensor(data)
    assert module(x) is x


def test_dropout2d_three_dims_warns_as_torch():
    tracegrad.manual_seed(0)
    torch.manual_seed(0)
    with pytest.warns(UserWarning, match="Received a 3D input to dropout2d"):
        out = tracegrad.nn.functional.dropout2d(tracegrad.ones(3, 4, 2))
    with pytest.warns(UserWarning, match="Received a 3D input to dropout2d"):
        reference = torch.nn.functional.dropout2d(torch.ones(3, 4, 2))
    _close(out, reference, 0)


def test_batchnorm2d_rank_error():
    for lib in (tracegrad, torch):
        with pytest.raises(ValueError, match=r"^expected 4D input \(got 3D input\)$"):
            lib.nn.BatchNorm2d(3)(lib.zeros(2, 3, 4))


def test_other_padding_modes_are_reported_as_missing():
    conv = tracegrad.nn.Conv2d(1, 1, 3, padding=1, padding_mode="reflect")
    with pytest.raises(NotImplementedError, match="padding_mode='zeros'"):
        conv(tracegrad.zeros(1, 1, 4, 4))


def test_torch_namespace_functions():
    x, tx = _pair(RNG.standard_normal((1, 2, 6, 6)), requires_grad=False)
    w, tw = _pair(RNG.standard_normal((3, 2, 3, 3)), requires_grad=False)
    _close(tracegrad.conv2d(x, w), torch.conv2d(tx, tw), 1e-12)
    _close(tracegrad.max_pool2d(x, 2), torch.max_pool2d(tx, 2), 0)
    _close(tracegrad.avg_pool1d(x[0], 2), torch.avg_pool1d(tx[0], 2), 1e-12)


# ---------------------------------------------------------------------------- errors


ERROR_CASES = {
    "conv2d list input": lambda t: t.nn.functional.conv2d([1.0], t.zeros(1, 1, 1, 1)),
    "conv1d list weight": lambda t: t.nn.functional.conv1d(t.zeros(1, 1, 3), [1.0]),
    "conv2d float stride": lambda t: t.nn.functional.conv2d(
        t.zeros(1, 1, 3, 3), t.zeros(1, 1, 1, 1), stride=1.5
    ),
    "max_pool2d list input": lambda t: t.nn.functional.max_pool2d([1.0], 2),
    "max_pool2d float kernel": lambda t: t.nn.functional.max_pool2d(t.zeros(1, 1, 3, 3), 2.0),
    "max_pool2d float stride": lambda t: t.nn.functional.max_pool2d(
        t.zeros(1, 1, 3, 3), 2, stride=1.0
    ),
    "adaptive_avg_pool2d list input": lambda t: t.nn.functional.adaptive_avg_pool2d([1.0], 2),
    "unfold list input": lambda t: t.nn.functional.unfold([1.0], 2),
    "conv2d wrong channels": lambda t: t.nn.functional.conv2d(
        t.zeros(1, 1, 28, 28), t.zeros(6, 3, 5, 5)
    ),
    "conv2d unbatched wrong channels": lambda t: t.nn.functional.conv2d(
        t.zeros(1, 28, 28), t.zeros(6, 3, 5, 5)
    ),
    "conv2d 2-d input": lambda t: t.nn.functional.conv2d(t.zeros(28, 28), t.zeros(6, 1, 5, 5)),
    "conv2d 5-d input": lambda t: t.nn.functional.conv2d(
        t.zeros(1, 1, 1, 28, 28), t.zeros(6, 1, 5, 5)
    ),
    "conv2d 3-d weight": lambda t: t.nn.functional.conv2d(t.zeros(1, 1, 8, 8), t.zeros(6, 1, 5)),
    "conv1d 4-d weight": lambda t: t.nn.functional.conv1d(t.zeros(1, 1, 28), t.zeros(6, 1, 5, 5)),
    "conv2d kernel too big": lambda t: t.nn.functional.conv2d(
        t.zeros(1, 1, 28, 28), t.zeros(6, 1, 50, 5)
    ),
    "conv2d dilated kernel too big": lambda t: t.nn.functional.conv2d(
        t.zeros(1, 1, 8, 8), t.zeros(6, 1, 5, 5), dilation=2
    ),
    "conv1d kernel too big": lambda t: t.nn.functional.conv1d(t.zeros(1, 1, 4), t.zeros(2, 1, 5)),
    "conv2d same strided": lambda t: t.nn.functional.conv2d(
        t.zeros(1, 1, 8, 8), t.zeros(6, 1, 5, 5), stride=2, padding="same"
    ),
    "conv2d bad padding string": lambda t: t.nn.functional.conv2d(
        t.zeros(1, 1, 8, 8), t.zeros(6, 1, 5, 5), padding="foo"
    ),
    "conv2d negative padding": lambda t: t.nn.functional.conv2d(
        t.zeros(1, 1, 8, 8), t.zeros(6, 1, 5, 5), padding=-1
    ),
    "conv2d zero stride": lambda t: t.nn.functional.conv2d(
        t.zeros(1, 1, 8, 8), t.zeros(6, 1, 5, 5), stride=0
    ),
    "conv2d zero dilation": lambda t: t.nn.functional.conv2d(
        t.zeros(1, 1, 8, 8), t.zeros(6, 1, 5, 5), dilation=0
    ),
    "conv2d zero groups": lambda t: t.nn.functional.conv2d(
        t.zeros(1, 1, 8, 8), t.zeros(6, 1, 5, 5), groups=0
    ),
    "conv2d groups do not divide weight": lambda t: t.nn.functional.conv2d(
        t.zeros(1, 4, 8, 8), t.zeros(6, 2, 3, 3), groups=4
    ),
    "conv2d empty weight": lambda t: t.nn.functional.conv2d(
        t.zeros(1, 1, 8, 8), t.zeros(0, 1, 5, 5)
    ),
    "conv2d bias size": lambda t: t.nn.functional.conv2d(
        t.zeros(1, 1, 8, 8), t.zeros(6, 1, 5, 5), t.zeros(5)
    ),
    "conv2d stride length": lambda t: t.nn.functional.conv2d(
        t.zeros(1, 1, 8, 8), t.zeros(6, 1, 5, 5), stride=(1, 2, 3)
    ),
    "conv2d padding length": lambda t: t.nn.functional.conv2d(
        t.zeros(1, 1, 8, 8), t.zeros(6, 1, 5, 5), padding=(1, 2, 3)
    ),
    "conv2d float input double weight": lambda t: t.nn.functional.conv2d(
        t.zeros(1, 1, 8, 8), t.zeros(6, 1, 5, 5, dtype=t.float64)
    ),
    "conv2d double input float weight": lambda t: t.nn.functional.conv2d(
        t.zeros(1, 1, 8, 8, dtype=t.float64), t.zeros(6, 1, 5, 5)
    ),
    "conv1d float input double weight": lambda t: t.nn.functional.conv1d(
        t.zeros(1, 1, 8), t.zeros(6, 1, 5, dtype=t.float64)
    ),
    "Conv2d double input": lambda t: t.nn.Conv2d(1, 2, 3)(t.zeros(1, 1, 4, 4, dtype=t.float64)),
    "Conv2d double model": lambda t: t.nn.Conv2d(1, 2, 3).double()(t.zeros(1, 1, 4, 4)),
    "Conv2d integer input": lambda t: t.nn.Conv2d(1, 2, 3)(t.zeros(1, 1, 4, 4, dtype=t.int64)),
    "conv2d bias dtype": lambda t: t.nn.functional.conv2d(
        t.zeros(1, 1, 8, 8), t.zeros(6, 1, 5, 5), t.zeros(6, dtype=t.float64)
    ),
    "Conv2d module wrong channels": lambda t: t.nn.Conv2d(1, 6, 5)(t.zeros(1, 3, 28, 28)),
    "Conv2d groups in_channels": lambda t: t.nn.Conv2d(4, 6, 3, groups=3),
    "Conv2d groups out_channels": lambda t: t.nn.Conv2d(4, 6, 3, groups=4),
    "Conv2d same strided": lambda t: t.nn.Conv2d(4, 6, 3, padding="same", stride=2),
    "Conv2d zero groups": lambda t: t.nn.Conv2d(4, 6, 3, groups=0),
    "conv_transpose2d wrong channels": lambda t: t.nn.functional.conv_transpose2d(
        t.zeros(1, 1, 8, 8), t.zeros(3, 6, 5, 5)
    ),
    "conv_transpose2d output_padding": lambda t: t.nn.functional.conv_transpose2d(
        t.zeros(1, 1, 8, 8), t.zeros(1, 6, 5, 5), output_padding=2
    ),
    "conv_transpose2d output too small": lambda t: t.nn.functional.conv_transpose2d(
        t.zeros(1, 1, 2, 2), t.zeros(1, 6, 3, 3), padding=3
    ),
    "conv_transpose2d string padding": lambda t: t.nn.functional.conv_transpose2d(
        t.zeros(1, 1, 2, 2), t.zeros(1, 6, 3, 3), padding="same"
    ),
    "conv_transpose2d 2-d input": lambda t: t.nn.functional.conv_transpose2d(
        t.zeros(8, 8), t.zeros(1, 6, 3, 3)
    ),
    "conv_transpose2d groups": lambda t: t.nn.functional.conv_transpose2d(
        t.zeros(1, 4, 8, 8), t.zeros(4, 3, 3, 3), groups=3
    ),
    "conv_transpose2d bias": lambda t: t.nn.functional.conv_transpose2d(
        t.zeros(1, 4, 8, 8), t.zeros(4, 3, 3, 3), t.zeros(5)
    ),
    "conv_transpose2d negative output_padding": lambda t: t.nn.functional.conv_transpose2d(
        t.zeros(1, 1, 2, 2), t.zeros(1, 6, 3, 3), output_padding=-1
    ),
    "conv_transpose2d dtypes": lambda t: t.nn.functional.conv_transpose2d(
        t.zeros(1, 1, 2, 2, dtype=t.float64), t.zeros(1, 6, 3, 3)
    ),
    "ConvTranspose2d padding_mode": lambda t: t.nn.ConvTranspose2d(1, 2, 3, padding_mode="reflect"),
    "ConvTranspose2d output_size range": lambda t: t.nn.ConvTranspose2d(1, 2, 3, stride=2)(
        t.zeros(1, 1, 5, 5), output_size=[14, 14]
    ),
    "ConvTranspose2d output_size length": lambda t: t.nn.ConvTranspose2d(1, 2, 3, stride=2)(
        t.zeros(1, 1, 5, 5), output_size=[1, 2, 3]
    ),
    "max_pool2d pad too big": lambda t: t.nn.functional.max_pool2d(
        t.zeros(1, 1, 8, 8), 2, padding=2
    ),
    "max_pool2d output too small": lambda t: t.nn.functional.max_pool2d(t.zeros(1, 1, 8, 8), 10),
    "max_pool2d 2-d input": lambda t: t.nn.functional.max_pool2d(t.zeros(8, 8), 2),
    "max_pool2d empty channels": lambda t: t.nn.functional.max_pool2d(t.zeros(1, 0, 4, 4), 2),
    "max_pool2d zero stride": lambda t: t.nn.functional.max_pool2d(t.zeros(1, 1, 8, 8), 2, 0),
    "max_pool2d zero dilation": lambda t: t.nn.functional.max_pool2d(
        t.zeros(1, 1, 8, 8), 2, dilation=0
    ),
    "max_pool2d kernel triple": lambda t: t.nn.functional.max_pool2d(
        t.zeros(1, 1, 8, 8), (2, 2, 2)
    ),
    "max_pool1d 1-d input": lambda t: t.nn.functional.max_pool1d(t.zeros(8), 2),
    "max_pool2d kernel 0 (stride 0)": lambda t: t.nn.functional.max_pool2d(t.zeros(1, 1, 4, 4), 0),
    "max_pool2d kernel 0": lambda t: t.nn.functional.max_pool2d(t.zeros(1, 1, 4, 4), (2, 0), 1),
    "max_pool2d negative stride": lambda t: t.nn.functional.max_pool2d(
        t.zeros(1, 1, 4, 4), 2, (1, -1)
    ),
    "max_pool2d stride 0 before padding": lambda t: t.nn.functional.max_pool2d(
        t.zeros(1, 1, 4, 4), 2, 0, padding=5
    ),
    "max_pool2d negative padding": lambda t: t.nn.functional.max_pool2d(
        t.zeros(1, 1, 4, 4), 2, padding=(0, -1)
    ),
    "max_pool1d padding": lambda t: t.nn.functional.max_pool1d(t.zeros(1, 1, 4), 3, padding=2),
    "max_pool1d padding with indices": lambda t: t.nn.functional.max_pool1d(
        t.zeros(1, 1, 4), 2, padding=2, return_indices=True
    ),
    "max_pool1d negative padding": lambda t: t.nn.functional.max_pool1d(
        t.zeros(1, 1, 4), 2, padding=-1
    ),
    "max_pool1d output size": lambda t: t.nn.functional.max_pool1d(t.zeros(1, 1, 4), 5),
    "max_pool1d empty channels": lambda t: t.nn.functional.max_pool1d(t.zeros(1, 0, 4), 2),
    "max_pool1d dilation": lambda t: t.nn.functional.max_pool1d(t.zeros(1, 1, 4), 2, dilation=0),
    "max_pool1d kernel": lambda t: t.nn.functional.max_pool1d(t.zeros(1, 1, 4), 0),
    "max_pool1d stride": lambda t: t.nn.functional.max_pool1d(t.zeros(1, 1, 4), 2, stride=-1),
    "max_pool1d kernel pair": lambda t: t.nn.functional.max_pool1d(t.zeros(1, 1, 4), (2, 2)),
    "avg_pool1d kernel pair": lambda t: t.nn.functional.avg_pool1d(t.zeros(1, 1, 4), (2, 2)),
    "avg_pool1d output size": lambda t: t.nn.functional.avg_pool1d(t.zeros(1, 1, 4), 5),
    "adaptive_avg_pool1d 1-d input": lambda t: t.nn.functional.adaptive_avg_pool1d(t.zeros(4), 2),
    "adaptive_max_pool1d 1-d input": lambda t: t.nn.functional.adaptive_max_pool1d(t.zeros(4), 2),
    "adaptive_avg_pool1d size pair": lambda t: t.nn.functional.adaptive_avg_pool1d(
        t.zeros(1, 1, 4), (1, 2)
    ),
    "adaptive_max_pool2d size triple": lambda t: t.nn.functional.adaptive_max_pool2d(
        t.zeros(1, 1, 4, 4), (1, 2, 3)
    ),
    "adaptive_avg_pool2d negative size": lambda t: t.nn.functional.adaptive_avg_pool2d(
        t.zeros(1, 1, 4, 4), (2, -3)
    ),
    "adaptive_max_pool2d negative size": lambda t: t.nn.functional.adaptive_max_pool2d(
        t.zeros(1, 1, 4, 4), -1
    ),
    "MaxPool2d module 2-d input": lambda t: t.nn.MaxPool2d(2)(t.zeros(2, 2)),
    "avg_pool2d pad too big": lambda t: t.nn.functional.avg_pool2d(
        t.zeros(1, 1, 8, 8), 2, padding=2
    ),
    "avg_pool2d output too small": lambda t: t.nn.functional.avg_pool2d(t.zeros(1, 1, 8, 8), 10),
    "avg_pool2d 2-d input": lambda t: t.nn.functional.avg_pool2d(t.zeros(8, 8), 2),
    "avg_pool2d zero divisor": lambda t: t.nn.functional.avg_pool2d(
        t.zeros(1, 1, 8, 8), 2, divisor_override=0
    ),
    "avg_pool1d 1-d input": lambda t: t.nn.functional.avg_pool1d(t.zeros(8), 2),
    "adaptive_avg_pool2d 1-d input": lambda t: t.nn.functional.adaptive_avg_pool2d(t.zeros(8), 2),
    "adaptive_avg_pool2d size triple": lambda t: t.nn.functional.adaptive_avg_pool2d(
        t.zeros(1, 1, 8, 8), (2, 2, 2)
    ),
    "adaptive_avg_pool2d integers": lambda t: t.nn.functional.adaptive_avg_pool2d(
        t.zeros(1, 1, 8, 8, dtype=t.int64), 2
    ),
    "adaptive_max_pool2d 1-d input": lambda t: t.nn.functional.adaptive_max_pool2d(t.zeros(8), 2),
    "unfold too big": lambda t: t.nn.functional.unfold(t.zeros(1, 1, 8, 8), 20),
    "unfold 2-d input": lambda t: t.nn.functional.unfold(t.zeros(8, 8), 2),
    "fold channels": lambda t: t.nn.functional.fold(t.zeros(1, 5, 49), (8, 8), 2),
    "fold 4-d input": lambda t: t.nn.functional.fold(t.zeros(2, 2, 4, 49), (8, 8), 2),
    "fold unbatched channels": lambda t: t.nn.functional.fold(t.zeros(5, 48), (8, 8), 2),
    "fold blocks": lambda t: t.nn.functional.fold(t.zeros(1, 4, 48), (8, 8), 2),
    "dropout2d p": lambda t: t.nn.functional.dropout2d(t.zeros(1, 1, 2, 2), 1.5),
}


def _error(case, lib):
    with pytest.raises(Exception) as info:  # noqa: PT011 - the type is what we compare
        case(lib)
    return type(info.value), str(info.value)


@pytest.mark.parametrize("name", sorted(ERROR_CASES))
def test_errors_match_torch(name):
    theirs = _error(ERROR_CASES[name], torch)
    ours = _error(ERROR_CASES[name], tracegrad)
    assert ours == theirs


def test_module_errors_that_print_sets():
    # torch prints a Python set, in hash order: compare up to that order
    for lib in (tracegrad, torch):
        with pytest.raises(ValueError, match=r"padding_mode must be one of \{.*'zeros'.*\}, but"):
            lib.nn.Conv2d(1, 1, 3, padding_mode="foo")
        with pytest.raises(ValueError, match=r"^Invalid padding string 'foo', should be one of"):
            lib.nn.Conv2d(4, 6, 3, padding="foo")
