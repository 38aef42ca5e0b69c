"""Module.load_state_dict reports a checkpoint from another architecture as PyTorch does.

Each case builds a *source* and a *target* model the same way in both libraries, loads
the source's state dict into the target and compares the exception type and the whole
message (or, for ``strict=False``, the returned keys) with PyTorch's.
"""

import pytest

torch = pytest.importorskip("torch", reason="torch is the oracle for load_state_dict's messages")

import tracegrad  # noqa: E402


def _mlp(m, *sizes):
    """Linear layers of the given sizes with ReLUs between them, in a Sequential."""
    layers = []
    for d_in, d_out in zip(sizes[:-1], sizes[1:]):
        layers += [m.nn.Linear(d_in, d_out), m.nn.ReLU()]
    return m.nn.Sequential(*layers[:-1])


def _named(m):
    class Net(m.nn.Module):
        def __init__(self, hidden, with_head=True):
            super().__init__()
            self.body = m.nn.Linear(3, hidden)
            if with_head:
                self.head = m.nn.Linear(hidden, 2)
            self.register_buffer("steps", m.zeros(1))

    return Net


CASES = {
    # the checkpoint lacks the target's last layer
    "missing": lambda m: (_mlp(m, 3, 4), _mlp(m, 3, 4, 2)),
    # the checkpoint has layers the target does not
    "unexpected": lambda m: (_mlp(m, 3, 4, 4, 2), _mlp(m, 3, 4)),
    # same layout, other widths
    "size mismatch": lambda m: (_mlp(m, 3, 5, 2), _mlp(m, 3, 4, 2)),
    # all three at once, in nested named modules
    "mixed": lambda m: (_named(m)(6), _named(m)(4, with_head=False)),
    "mixed reversed": lambda m: (_named(m)(4, with_head=False), _named(m)(6)),
    # a layer replaced by one of another kind at the same index
    "other layer kind": lambda m: (
        m.nn.Sequential(m.nn.Linear(2, 2), m.nn.LayerNorm(2)),
        m.nn.Sequential(m.nn.Linear(2, 2), m.nn.Linear(2, 3)),
    ),
    # a BatchNorm's buffers arriving where the target has a Linear
    "batchnorm unexpected": lambda m: (
        m.nn.Sequential(m.nn.Linear(3, 2), m.nn.BatchNorm1d(2)),
        m.nn.Sequential(m.nn.Linear(3, 2), m.nn.Linear(2, 2)),
    ),
}


def _load(m, case, strict):
    m.manual_seed(0)
    source, target = CASES[case](m)
    try:
        result = target.load_state_dict(source.state_dict(), strict=strict)
    except Exception as error:  # noqa: BLE001 - the type and the message are compared
        return type(error).__name__, str(error)
    return "ok", list(result.missing_keys), list(result.unexpected_keys), repr(result)


@pytest.mark.parametrize("case", sorted(CASES))
def test_strict_load_message_matches_torch(case):
    ours = _load(tracegrad, case, strict=True)
    theirs = _load(torch, case, strict=True)
    assert ours[0] == "RuntimeError"
    assert ours == theirs


@pytest.mark.parametrize("case", sorted(CASES))
def test_non_strict_load_matches_torch(case):
    # without strict, key differences are returned, but a size mismatch still raises
    assert _load(tracegrad, case, strict=False) == _load(torch, case, strict=False)


def test_message_lists_every_problem_in_order():
    """Hand-checked text for one case, so the test does not depend on torch alone."""
    kind, message = _load(tracegrad, "mixed reversed", strict=True)
    assert kind == "RuntimeError"
    lines = message.split("\n\t")
    assert lines[0] == "Error(s) in loading state_dict for Net:"
    assert lines[1] == 'Missing key(s) in state_dict: "head.weight", "head.bias". '
    assert lines[2] == (
        "size mismatch for body.weight: copying a param with shape torch.Size([4, 3]) from "
        "checkpoint, the shape in current model is torch.Size([6, 3])."
    )
    assert lines[3].startswith("size mismatch for body.bias: ")
    assert len(lines) == 4


def test_failed_load_leaves_matching_entries_loaded():
    def run(m):
        m.manual_seed(0)
        source, target = _mlp(m, 3, 5, 2), _mlp(m, 3, 4, 2)
        with pytest.raises(RuntimeError):
            target.load_state_dict(source.state_dict())
        # the last layer's shapes agree, so it was copied before the error was raised
        return target[2].bias.tolist() == source[2].bias.tolist()

    assert run(tracegrad) is True
    assert run(torch) is True


def test_batchnorm_missing_matches_torch():
    def case(m):
        return (
            m.nn.Sequential(m.nn.Linear(3, 2), m.nn.Linear(2, 2)),
            m.nn.Sequential(m.nn.Linear(3, 2), m.nn.BatchNorm1d(2)),
        )

    CASES["batchnorm missing"] = case
    try:
        assert _load(tracegrad, "batchnorm missing", True) == _load(
            torch, "batchnorm missing", True
        )
    finally:
        del CASES["batchnorm missing"]
