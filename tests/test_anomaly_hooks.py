"""Anomaly detection (detect_anomaly, set_detect_anomaly) and saved-tensor hooks
(autograd.graph.saved_tensors_hooks, save_on_cpu), against PyTorch."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tracegrad
from tracegrad.autograd import graph as tg_graph

torch = pytest.importorskip("torch", reason="PyTorch is the oracle for autograd's behaviour")

LIBS = {"tracegrad": tracegrad, "torch": torch}


def _run(fn):
    """``fn(lib)`` on both libraries: ``{name: (result or exception, warnings)}``."""
    results = {}
    for name, lib in LIBS.items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                outcome = fn(lib)
            except Exception as error:  # noqa: BLE001 - compared below
                outcome = error
        results[name] = (outcome, [str(w.message) for w in caught if w.category is UserWarning])
    return results


def _forward_trace_warning(messages):
    found = [m for m in messages if m.startswith("Error detected in")]
    assert len(found) == 1, messages
    return found[0]


# ---------------------------------------------------------------------------- anomaly mode


def _nan_in_mul(lib):
    x = lib.tensor([0.0, 1.0], requires_grad=True)
    with lib.autograd.detect_anomaly():
        y = x * lib.tensor([float("nan"), 1.0])  # the forward line the warning shows
        y.sum().backward()


def test_nan_gradient_raises_torch_error_with_forward_traceback():
    results = _run(_nan_in_mul)
    texts = {}
    for name, (error, messages) in results.items():
        assert type(error) is RuntimeError
        assert str(error) == "Function 'MulBackward0' returned nan values in its 0th output."
        assert (
            "Anomaly Detection has been enabled. This mode will increase the runtime and "
            "should only be enabled for debugging." in messages
        )
        warning = _forward_trace_warning(messages)
        assert warning.startswith(
            "Error detected in MulBackward0. Traceback of forward call that caused the error:\n"
        )
        assert 'y = x * lib.tensor([float("nan"), 1.0])  # the forward line' in warning
        assert "in _nan_in_mul" in warning
        # torch appends where in its C++ sources the warning was raised
        texts[name] = warning.split(" (Triggered internally")[0].rstrip()
    assert texts["tracegrad"] == texts["torch"]
    assert not tracegrad.autograd.is_anomaly_enabled()


def _helper(x):
    return x.sqrt()  # nan gradient for negative inputs


def _sqrt_of_negative(lib):
    x = lib.tensor([-1.0, 4.0], requires_grad=True)
    lib.autograd.set_detect_anomaly(True)
    try:
        y = _helper(x)
        y.sum().backward()
    finally:
        lib.autograd.set_detect_anomaly(False)


def test_traceback_names_every_user_frame():
    results = _run(_sqrt_of_negative)
    texts = {}
    for name, (error, messages) in results.items():
        assert str(error) == "Function 'SqrtBackward0' returned nan values in its 0th output."
        warning = _forward_trace_warning(messages)
        assert "y = _helper(x)" in warning and "return x.sqrt()" in warning
        # set_detect_anomaly does not warn that the mode was enabled
        assert not any(m.startswith("Anomaly Detection") for m in messages)
        texts[name] = warning.split(" (Triggered internally")[0].rstrip()
    assert texts["tracegrad"] == texts["torch"]


def test_check_nan_false_keeps_the_nan():
    def run(lib):
        x = lib.tensor([-1.0, 4.0], requires_grad=True)
        with lib.autograd.detect_anomaly(check_nan=False):
            x.sqrt().sum().backward()
        return x.grad

    results = _run(run)
    ours, theirs = results["tracegrad"][0], results["torch"][0]
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert np.isnan(ours.numpy()[0])


def test_node_made_outside_the_mode_has_no_forward_information():
    def run(lib):
        x = lib.tensor([-1.0], requires_grad=True)
        y = x.sqrt()
        with lib.autograd.detect_anomaly():
            y.backward()

    for error, messages in _run(run).values():
        assert str(error) == "Function 'SqrtBackward0' returned nan values in its 0th output."
        warning = _forward_trace_warning(messages)
        assert warning.startswith(
            "Error detected in SqrtBackward0. No forward pass information available. Enable "
            "detect anomaly during forward pass for more information."
        )


def test_traceback_is_kept_in_node_metadata():
    def run(lib):
        x = lib.tensor([1.0], requires_grad=True)
        with lib.autograd.detect_anomaly():
            y = x.exp()  # metadata line
        return y.grad_fn.metadata["traceback_"]

    results = _run(run)
    ours, theirs = results["tracegrad"][0], results["torch"][0]
    assert isinstance(ours, list) and all(isinstance(line, str) for line in ours)
    assert ours[-1] == theirs[-1]
    assert "y = x.exp()  # metadata line" in ours[-1]


def test_nan_in_the_incoming_gradient():
    def run(lib):
        w = lib.tensor([1.0], requires_grad=True)
        with lib.autograd.detect_anomaly():
            (w * 2).backward(lib.tensor([float("nan")]))

    for error, _ in _run(run).values():
        assert str(error) == "Function 'MulBackward0' returned nan values in its 0th output."


def test_other_errors_in_backward_get_the_warning_too():
    def run(lib):
        class Bad(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g[:1]

        x = lib.tensor([1.0, 2.0], requires_grad=True)
        with lib.autograd.detect_anomaly():
            y = Bad.apply(x)
            y.sum().backward()

    for error, messages in _run(run).values():
        assert type(error) is RuntimeError
        assert str(error) == (
            "Function BadBackward returned an invalid gradient at index 0 - got [1] but "
            "expected shape compatible with [2]"
        )
        warning = _forward_trace_warning(messages)
        assert warning.startswith("Error detected in BadBackward. Traceback of forward call")
        assert "y = Bad.apply(x)" in warning


def test_modes_nest_and_restore():
    for lib in LIBS.values():
        enabled = (
            tracegrad.autograd.is_anomaly_enabled if lib is tracegrad else torch.is_anomaly_enabled
        )
        assert not enabled()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with lib.autograd.detect_anomaly():
                assert enabled()
                with lib.autograd.set_detect_anomaly(False):
                    assert not enabled()
                assert enabled()
        assert not enabled()
    # recording is back to plain (no extra work per node made)
    assert not tg_graph.record_extras[0]


def test_detect_anomaly_as_decorator():
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):

        @tracegrad.autograd.detect_anomaly()
        def step(x):
            assert tracegrad.autograd.is_anomaly_enabled()
            return (x * float("nan")).sum().backward()

    with pytest.raises(RuntimeError, match="returned nan values in its 0th output"):
        with pytest.warns(UserWarning, match="Error detected in MulBackward0"):
            step(tracegrad.ones(2, requires_grad=True))
    assert not tracegrad.autograd.is_anomaly_enabled()


def test_anomaly_mode_changes_no_gradient():
    def run(lib, anomaly):
        lib.manual_seed(0)
        x = lib.randn(4, 3, dtype=lib.float64, requires_grad=True)
        w = lib.randn(3, 2, dtype=lib.float64, requires_grad=True)
        with lib.autograd.set_detect_anomaly(anomaly):
            loss = ((x @ w).tanh() ** 2).sum() + x.sigmoid().mean()
            loss.backward()
        return x.grad.numpy(), w.grad.numpy()

    plain = run(tracegrad, False)
    watched = run(tracegrad, True)
    for a, b in zip(plain, watched, strict=True):
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------------------- saved tensors hooks


OPS = {
    "mul": lambda lib, x, w, c: x * w,
    "mul by a constant tensor": lambda lib, x, w, c: x * c,
    "mul by a number": lambda lib, x, w, c: x * 2,
    "tanh (saves its output)": lambda lib, x, w, c: x.tanh(),
    "add (saves nothing)": lambda lib, x, w, c: x + w,
    "exp": lambda lib, x, w, c: x.exp(),
    "sigmoid": lambda lib, x, w, c: x.sigmoid(),
    "pow": lambda lib, x, w, c: x.pow(2),
    "matmul of views": lambda lib, x, w, c: x[None] @ w[:, None],
    "sum": lambda lib, x, w, c: x.sum(),
    "chain": lambda lib, x, w, c: ((x * w).tanh() * c).exp(),
}


def _counted(lib, op):
    """Pack/unpack events (kind, shape, has grad_fn, requires grad) for one op."""
    events = []

    def pack(t):
        events.append(("pack", tuple(t.shape), t.grad_fn is not None, t.requires_grad))
        return t

    def unpack(t):
        events.append(("unpack", tuple(t.shape)))
        return t

    x = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
    w = lib.tensor([1.5, 0.25, -0.5], requires_grad=True)
    c = lib.tensor([2.0, 3.0, 4.0])
    with lib.autograd.graph.saved_tensors_hooks(pack, unpack):
        y = op(lib, x, w, c)
    packed = len(events)
    y.sum().backward()
    return sorted(events[:packed]), sorted(events[packed:]), x.grad.numpy()


@pytest.mark.parametrize("name", list(OPS))
def test_hooks_are_called_as_in_torch(name):
    ours = _counted(tracegrad, OPS[name])
    theirs = _counted(torch, OPS[name])
    assert ours[0] == theirs[0]  # what was packed (the order may differ)
    assert ours[1] == theirs[1]  # what was unpacked
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-6)


def _numpy_copies(lib):
    """Store saved tensors as NumPy copies; modify the originals afterwards."""
    x = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
    w = lib.tensor([1.5, 0.25, -0.5], requires_grad=True)
    with lib.autograd.graph.saved_tensors_hooks(
        lambda t: t.detach().numpy().copy(), lambda a: lib.from_numpy(a)
    ):
        h = x * w
        y = (h.tanh() * x).sum()
    with lib.no_grad():
        w.add_(100.0)  # no version error: the hooks hold copies
    y.backward()
    return x.grad.numpy(), w.grad.numpy()


def test_hooks_that_transform_values():
    ours, theirs = _numpy_copies(tracegrad), _numpy_copies(torch)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_unpack_must_return_a_tensor():
    def run(lib):
        x = lib.ones(3, requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(lambda t: t.detach().numpy(), lambda a: a):
            y = x * x
        y.sum().backward()

    results = _run(run)
    ours, theirs = results["tracegrad"][0], results["torch"][0]
    assert type(ours) is type(theirs) is TypeError
    assert str(ours) == str(theirs)


def test_backward_twice_through_hooked_values():
    def run(lib, retain):
        events = []
        x = lib.ones(3, requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(
            lambda t: t, lambda t: events.append("unpack") or t
        ):
            y = (x * x).sum()
        y.backward(retain_graph=retain)
        try:
            y.backward()
        except RuntimeError as error:
            return str(error), len(events)
        return None, len(events)

    for retain in (False, True):
        assert run(tracegrad, retain) == run(torch, retain)


def test_double_backward_through_hooked_values():
    def run(lib):
        x = lib.tensor([0.5, -1.0, 2.0], dtype=lib.float64, requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(
            lambda t: t.detach().numpy().copy(), lambda a: lib.from_numpy(a)
        ):
            y = (x.tanh() * x * x).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x)
        return g.detach().numpy(), gg.numpy()

    for a, b in zip(run(tracegrad), run(torch), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_innermost_hooks_apply():
    def run(lib):
        calls = []
        x = lib.ones(2, requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(
            lambda t: calls.append("outer") or t, lambda t: t
        ):
            with lib.autograd.graph.saved_tensors_hooks(
                lambda t: calls.append("inner") or t, lambda t: t
            ):
                y = x.exp()
            z = y.exp()
        z.sum().backward()
        return calls

    assert run(tracegrad) == run(torch) == ["inner", "outer"]
    assert not tg_graph.saved_hooks_stack and not tg_graph.record_extras[0]


def test_save_on_cpu_changes_nothing():
    def run(lib):
        lib.manual_seed(0)
        x = lib.randn(3, 4, dtype=lib.float64, requires_grad=True)
        with lib.autograd.graph.save_on_cpu():
            y = (x.sin() * x).exp().sum()
        y.backward()
        return x.grad.numpy()

    np.testing.assert_allclose(run(tracegrad), run(torch), rtol=1e-12)


def test_saved_tensors_of_a_hooked_node():
    x = tracegrad.tensor([2.0, 3.0], requires_grad=True)
    with tracegrad.autograd.graph.saved_tensors_hooks(
        lambda t: t.detach().numpy().copy(), lambda a: tracegrad.from_numpy(a) * 1
    ):
        y = x * x
    saved = y.grad_fn._saved_tensors
    assert [s.tolist() for s in saved] == [[2.0, 3.0], [2.0, 3.0]]
