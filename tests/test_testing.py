# ruff: noqa: E501  (one comparison case per line)
"""``torch.testing.assert_close``: the same verdicts and the same messages as PyTorch's."""

from __future__ import annotations

import numpy as np
import pytest

import tracegrad

torch = pytest.importorskip("torch", reason="PyTorch is the behavioural oracle")

NAN, INF = float("nan"), float("inf")

CASES = [
    ("t.tensor([1., 2., 3.])", "t.tensor([1., 2.1, 3.])", {}),
    ("t.tensor([1., 2., 3.])", "t.tensor([1., 2. + 1e-6, 3.])", {}),
    ("t.tensor(1.0)", "t.tensor(1.5)", {}),
    ("t.tensor([1, 2])", "t.tensor([1, 3])", {}),
    ("t.tensor([True, False])", "t.tensor([True, True])", {}),
    ("t.tensor([NAN, 1.])", "t.tensor([NAN, 1.])", {}),
    ("t.tensor([NAN, 1.])", "t.tensor([NAN, 1.])", {"equal_nan": True}),
    ("t.tensor([[1., 2.], [3., 4.]])", "t.tensor([[1., 2.], [3., 5.]])", {}),
    ("t.tensor([1., 2.])", "t.tensor([1., 2.5])", {"rtol": 0.5, "atol": 0}),
    ("t.tensor([1., 2.])", "t.tensor([1., 2.5])", {"rtol": 0.5}),
    ("t.tensor([1., 2.])", "t.tensor([1., 2.])", {"atol": 1e-3}),
    ("[t.tensor(1.), t.tensor(2.)]", "[t.tensor(1.), t.tensor(2.5)]", {}),
    (
        "{'a': t.tensor(1.), 'b': t.tensor([1., 2.])}",
        "{'a': t.tensor(1.), 'b': t.tensor([1., 3.])}",
        {},
    ),
    ("{'a': 1}", "{'b': 1}", {}),
    ("[1, 2]", "[1, 2, 3]", {}),
    ("[[t.tensor([1.])]]", "[[t.tensor([2.])]]", {}),
    ("t.tensor([1., 2.])", "[1., 2.]", {}),
    ("1", "2", {}),
    ("1.0", "1.1", {}),
    ("1", "1.0", {}),
    ("True", "False", {}),
    ("t.tensor([1., 2.])", "t.tensor([1., 2. + 2e-5]).double()", {"check_dtype": False}),
    ("t.tensor([1., 2.])", "t.tensor([1., 2.]).double()", {}),
    ("t.zeros(2, 0)", "t.zeros(0, 2)", {}),
    ("t.tensor([1, 2])", "t.tensor([1., 2.])", {}),
    ("t.tensor([0., 1.])", "t.tensor([1., 1.])", {}),
    ("t.tensor([INF])", "t.tensor([-INF])", {}),
    ("t.tensor([INF, 1.])", "t.tensor([INF, 1.])", {}),
    ("t.tensor([1., 2.], requires_grad=True)", "t.tensor([1., 2.])", {}),
    ("t.tensor([1., 2.], dtype=t.float16)", "t.tensor([1., 2.002], dtype=t.float16)", {}),
    ("t.tensor([1., 2.], dtype=t.float16)", "t.tensor([1., 2.01], dtype=t.float16)", {}),
    ("np.array([1., 2.])", "np.array([1., 2.5])", {}),
    (
        "t.tensor([[1., 2.], [3., 4.]])",
        "t.tensor([[1., 3.], [2., 4.]]).t()",
        {"check_stride": True},
    ),
    ("t.tensor([1., 2.])", "t.tensor([1., 5.])", {"msg": "custom"}),
    ("t.tensor([1., 2.])", "t.tensor([1., 5.])", {"msg": lambda m: "prefix: " + m}),
    ("'ab'", "'ab'", {}),
    ("None", "None", {}),
]


def _outcome(module, actual, expected, options):
    namespace = {"t": module, "np": np, "NAN": NAN, "INF": INF}
    try:
        module.testing.assert_close(eval(actual, namespace), eval(expected, namespace), **options)  # noqa: S307
    except Exception as error:  # noqa: BLE001 - the type and message are compared
        return type(error).__name__, str(error)
    return None


@pytest.mark.parametrize("actual, expected, options", CASES)
def test_assert_close_matches_torch(actual, expected, options):
    assert _outcome(tracegrad, actual, expected, options) == _outcome(
        torch, actual, expected, options
    )
