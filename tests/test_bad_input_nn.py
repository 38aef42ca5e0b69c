"""Bad input to layers and losses raises torch's exception type, with a message that
contains torch's and, for modules, names the module and the shapes it expected and got."""

from __future__ import annotations

import warnings

import pytest

import tracegrad

torch = pytest.importorskip("torch", reason="PyTorch is the oracle for exception types")


def _error(fn, module):
    """The exception ``fn(module)`` raises (the test fails if it raises none)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the size-mismatch UserWarning of the losses
        try:
            fn(module)
        except Exception as error:  # noqa: BLE001 - the exception is what is compared
            return error
    pytest.fail(f"{module.__name__}: no exception")


def _x(m):
    return m.ones(3, 5)


FUNCTIONAL_CASES = {
    "linear in_features": lambda m: m.nn.functional.linear(m.ones(2, 3), m.ones(5, 4)),
    "ce float target of index shape": lambda m: m.nn.functional.cross_entropy(
        _x(m), m.tensor([0.0, 1.0, 2.0])
    ),
    "ce float target wrong shape": lambda m: m.nn.functional.cross_entropy(_x(m), m.rand(3, 4)),
    "ce int32 target": lambda m: m.nn.functional.cross_entropy(
        _x(m), m.tensor([0, 1, 2], dtype=m.int32)
    ),
    "ce batch mismatch": lambda m: m.nn.functional.cross_entropy(_x(m), m.tensor([0, 1])),
    "ce 0-d target": lambda m: m.nn.functional.cross_entropy(_x(m), m.tensor(1)),
    "ce 0-d target 4-d input": lambda m: m.nn.functional.cross_entropy(
        m.ones(2, 3, 4, 4), m.tensor(1)
    ),
    "ce list target": lambda m: m.nn.functional.cross_entropy(_x(m), [0, 1, 2]),
    "ce list input": lambda m: m.nn.functional.cross_entropy([0.0, 1.0], m.tensor([0])),
    "ce class out of range": lambda m: m.nn.functional.cross_entropy(_x(m), m.tensor([0, 7, 1])),
    "nll list target": lambda m: m.nn.functional.nll_loss(_x(m), [0, 1, 2]),
    "nll 2-d float target": lambda m: m.nn.functional.nll_loss(_x(m), m.zeros(3, 2)),
    "mse int input and target": lambda m: m.nn.functional.mse_loss(
        m.tensor([1, 2]), m.tensor([1, 2])
    ),
    "mse bool": lambda m: m.nn.functional.mse_loss(m.tensor([True]), m.tensor([False])),
    "mse batch mismatch": lambda m: m.nn.functional.mse_loss(m.ones(3, 2), m.ones(4, 2)),
    "smooth_l1 int": lambda m: m.nn.functional.smooth_l1_loss(m.tensor([1]), m.tensor([2])),
    "huber int": lambda m: m.nn.functional.huber_loss(m.tensor([1]), m.tensor([2])),
    "huber int input float target": lambda m: m.nn.functional.huber_loss(
        m.tensor([1, 2]), m.tensor([1.0, 2.0])
    ),
    "l1 int": lambda m: m.nn.functional.l1_loss(m.tensor([1]), m.tensor([2])),
    "bce shape": lambda m: m.nn.functional.binary_cross_entropy(m.rand(3), m.rand(4)),
    "bce int target": lambda m: m.nn.functional.binary_cross_entropy(
        m.rand(3), m.tensor([1, 0, 1])
    ),
    "bce logits shape": lambda m: m.nn.functional.binary_cross_entropy_with_logits(
        m.rand(3), m.rand(4)
    ),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONAL_CASES))
def test_functional_raises_torchs_exception(name):
    theirs = _error(FUNCTIONAL_CASES[name], torch)
    ours = _error(FUNCTIONAL_CASES[name], tracegrad)
    assert type(ours) is type(theirs)
    assert str(ours) == str(theirs)


# (case, words the message must contain besides torch's own message)
MODULE_CASES = {
    "linear in_features": (
        lambda m: m.nn.Linear(4, 5)(m.ones(2, 3)),
        ["Linear(in_features=4, out_features=5, bias=True)", "[*, 4]", "[2, 3]"],
    ),
    "linear 1-d input": (
        lambda m: m.nn.Linear(4, 5, bias=False)(m.ones(3)),
        ["Linear(in_features=4, out_features=5, bias=False)", "[*, 4]", "[3]"],
    ),
    "linear in a Sequential": (
        lambda m: m.nn.Sequential(m.nn.Linear(4, 5), m.nn.ReLU(), m.nn.Linear(6, 2))(m.ones(2, 4)),
        ["Linear(in_features=6, out_features=2, bias=True)", "[*, 6]", "[2, 5]"],
    ),
    "linear dtype": (
        lambda m: m.nn.Linear(4, 5)(m.ones(2, 4, dtype=m.float64)),
        ["Linear(in_features=4", "float32 parameters", "float64 input"],
    ),
    "linear list input": (
        lambda m: m.nn.Linear(4, 5)([1.0, 2.0, 3.0, 4.0]),
        ["Linear(in_features=4"],
    ),
    "cross entropy float target": (
        lambda m: m.nn.CrossEntropyLoss()(_x(m), m.tensor([0.0, 1.0, 2.0])),
        ["CrossEntropyLoss()", "[3, 5]", "target of shape [3] and dtype torch.float32", "int64"],
    ),
    "cross entropy batch": (
        lambda m: m.nn.CrossEntropyLoss()(_x(m), m.tensor([0, 1])),
        ["CrossEntropyLoss()", "target of shape [2]", "class indices of shape [3]"],
    ),
    "cross entropy probabilities of the wrong shape": (
        lambda m: m.nn.CrossEntropyLoss()(_x(m), m.rand(3, 4)),
        ["CrossEntropyLoss()", "[3, 4]", "the input's shape [3, 5]"],
    ),
    "nll class out of range": (
        lambda m: m.nn.NLLLoss()(_x(m), m.tensor([0, 9, 1])),
        ["NLLLoss()", "class indices of shape [3]"],
    ),
    "mse batch": (
        lambda m: m.nn.MSELoss()(m.ones(3, 2), m.ones(4, 2)),
        ["MSELoss()", "[3, 2]", "[4, 2]"],
    ),
    "mse integers": (
        lambda m: m.nn.MSELoss()(m.tensor([1, 2]), m.tensor([1, 2])),
        ["MSELoss()", "torch.int64"],
    ),
    "bce shape": (
        lambda m: m.nn.BCELoss()(m.rand(3), m.rand(3, 1)),
        ["BCELoss()", "[3, 1]", "the input's shape [3]"],
    ),
}


@pytest.mark.parametrize("name", sorted(MODULE_CASES))
def test_module_error_names_the_module_and_shapes(name):
    case, words = MODULE_CASES[name]
    theirs = _error(case, torch)
    ours = _error(case, tracegrad)
    assert type(ours) is type(theirs)
    assert str(theirs) in str(ours)  # torch's message, for searching, is kept whole
    for word in words:
        assert word in str(ours), word


def test_module_option_errors_are_torchs_own():
    """A bad option of the module (not of the call) keeps torch's message unchanged."""
    for m in (torch, tracegrad):
        with pytest.raises(ValueError, match="^bad is not a valid value for reduction$"):
            m.nn.MSELoss(reduction="bad")(m.ones(2), m.ones(2))


def test_correct_calls_are_unchanged():
    """The error wrappers return the result of a call that succeeds."""
    for m in (torch, tracegrad):
        m.manual_seed(0)
    layer_t, layer_o = torch.nn.Linear(3, 2), tracegrad.nn.Linear(3, 2)
    x = [[1.0, 2.0, 3.0]]
    assert layer_o(tracegrad.tensor(x)).tolist() == layer_t(torch.tensor(x)).tolist()
    loss = tracegrad.nn.CrossEntropyLoss()(tracegrad.tensor([[1.0, 2.0]]), tracegrad.tensor([1]))
    reference = torch.nn.CrossEntropyLoss()(torch.tensor([[1.0, 2.0]]), torch.tensor([1]))
    assert loss.item() == pytest.approx(reference.item(), rel=1e-6)
