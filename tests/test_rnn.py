"""Recurrent layers against PyTorch: the same parameters (names, shapes, order and seeded
initial values), outputs, final states and gradients through time, for RNN/LSTM/GRU with
stacked, bidirectional, batch-first, bias-free and unbatched inputs, the cells, dropout
between layers, and torch's errors."""

from __future__ import annotations

import numpy as np
import pytest

import tracegrad

torch = pytest.importorskip("torch", reason="PyTorch is the behavioural oracle")

CASES = [
    ("RNN", {}),
    ("RNN", {"num_layers": 2, "nonlinearity": "relu"}),
    ("LSTM", {"batch_first": True}),
    ("GRU", {"bidirectional": True, "num_layers": 2}),
    ("LSTM", {"bidirectional": True, "bias": False}),
    ("GRU", {"num_layers": 3, "dropout": 0.5}),
]


def _values(t):
    return t.detach().numpy().astype(np.float64)


def _run(lib, name, options):
    lib.manual_seed(0)
    module = getattr(lib.nn, name)(3, 4, **options)
    described = [repr(module), [(n, tuple(p.shape)) for n, p in module.named_parameters()]]
    initial = [_values(p) for p in module.parameters()]
    x = lib.randn(5, 2, 3, requires_grad=True)
    output, state = module(x)
    states = state if isinstance(state, tuple) else (state,)
    (output.sum() + sum((s * s).sum() for s in states)).backward()
    described.append(type(output.grad_fn).__name__)
    arrays = [*initial, _values(output), *[_values(s) for s in states], _values(x.grad)]
    arrays += [_values(p.grad) for p in module.parameters()]
    return described, arrays


@pytest.mark.parametrize("name, options", CASES)
def test_recurrent_layers_match_torch(name, options):
    (ours, our_arrays), (theirs, their_arrays) = (
        _run(tracegrad, name, options),
        _run(torch, name, options),
    )
    assert ours == theirs
    n_params = len(theirs[1])
    for i, (a, b) in enumerate(zip(our_arrays, their_arrays, strict=True)):
        if i < n_params:
            np.testing.assert_array_equal(a, b)  # the seeded initial draws: bit for bit
        else:
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def _unbatched_and_cells(lib):
    lib.manual_seed(1)
    gru = lib.nn.GRU(3, 4)
    output, h = gru(lib.randn(6, 3), lib.randn(1, 4))
    results = [_values(output), _values(h)]
    names = [type(output.grad_fn).__name__, tuple(output.shape), tuple(h.shape)]
    lib.manual_seed(2)
    for cell in (lib.nn.RNNCell(3, 4), lib.nn.LSTMCell(3, 4), lib.nn.GRUCell(3, 4, bias=False)):
        names.append(repr(cell))
        out = cell(lib.randn(2, 3))
        results += [_values(t) for t in (out if isinstance(out, tuple) else (out,))]
        out = cell(lib.randn(3))  # unbatched
        names.append([tuple(t.shape) for t in (out if isinstance(out, tuple) else (out,))])
    return names, results


def test_unbatched_input_and_cells_match_torch():
    (ours, our_values), (theirs, their_values) = (
        _unbatched_and_cells(tracegrad),
        _unbatched_and_cells(torch),
    )
    assert ours == theirs
    for a, b in zip(our_values, their_values, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.nn.RNN(3, 4)(t.ones(2, 5)),
        lambda t: t.nn.RNN(3, 4)(t.ones(2, 1, 3), t.zeros(2, 1, 4)),
        lambda t: t.nn.RNN(3, 4)(t.ones(2, 1, 3, 1)),
        lambda t: t.nn.RNN(3, 4, nonlinearity="sigmoid"),
        lambda t: t.nn.LSTM(3, 0),
        lambda t: t.nn.LSTM(3, 2, num_layers=0),
        lambda t: t.nn.GRU(3, 2.0),
    ],
)
def test_errors_match_torch(call):
    def error(lib):
        try:
            call(lib)
        except Exception as exc:  # noqa: BLE001 - the type and message are compared
            return type(exc).__name__, str(exc)
        return None

    ours = error(tracegrad)
    assert ours is not None and ours == error(torch)


def test_character_rnn_trains_like_torch():
    """A tiny character-level language model (embedding, GRU, linear head) trained with
    Adam for 30 steps: the same losses as PyTorch to float32 rounding."""
    text = "hello tracegrad, hello torch. " * 4
    chars = sorted(set(text))
    ids = [chars.index(c) for c in text]

    def train(lib):
        lib.manual_seed(0)
        embed = lib.nn.Embedding(len(chars), 8)
        gru = lib.nn.GRU(8, 16, batch_first=True)
        head = lib.nn.Linear(16, len(chars))
        params = [*embed.parameters(), *gru.parameters(), *head.parameters()]
        optimizer = lib.optim.Adam(params, lr=0.01)
        x = lib.tensor([ids[:-1]])
        y = lib.tensor(ids[1:])
        losses = []
        for _ in range(30):
            output, _ = gru(embed(x))
            loss = lib.nn.functional.cross_entropy(head(output[0]), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        return losses

    ours, theirs = train(tracegrad), train(torch)
    np.testing.assert_allclose(ours, theirs, rtol=1e-4)
    assert ours[-1] < 0.5 * ours[0]
