"""Registry-driven checks: every op, every sample.

* forward values, dtype and shape against PyTorch;
* the VJP (through ``backward``) against PyTorch's gradients;
* the VJP and JVP rules against central finite differences of the op's own forward, in
  float64, and against each other: <u, J v> = <Jᵀ u, v>.
"""

from __future__ import annotations

import numpy as np
import pytest

import tracegrad
from tracegrad.ops import REGISTRY, Arg
from tracegrad.ops._registry import ArrayMath, evaluate_jvp

from ._registry_inputs import (
    build,
    call,
    case_id,
    first_float_output,
    make_arrays,
    needs_grad,
    sample_cases,
)

CASES = list(sample_cases())
IDS = [case_id(c) for c in CASES]
DIFFERENTIABLE = [c for c in CASES if c[0].differentiable]
DIFF_IDS = [case_id(c) for c in DIFFERENTIABLE]


def test_every_op_has_samples():
    missing = [name for name, op in REGISTRY.items() if not op.samples]
    assert not missing, f"ops without samples: {missing}"


def test_registry_is_not_empty():
    assert len(REGISTRY) > 50


@pytest.mark.parametrize("case", DIFFERENTIABLE, ids=DIFF_IDS)
def test_sample_exercises_its_op(case):
    """The sample's call must end in a node of this op (else it tests something else)."""
    op, index, sample = case
    arrays = make_arrays(sample, seed=index)
    args = build(tracegrad, sample, arrays)
    result = first_float_output(call(tracegrad, op, sample, args))
    assert isinstance(result.grad_fn, op.node_class), (
        f"{op.name} sample {index} produced {type(result.grad_fn).__name__}"
    )


def _torch():
    return pytest.importorskip("torch", reason="PyTorch is the oracle for parity tests")


def _as_list(result):
    return list(result) if isinstance(result, tuple | list) else [result]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_forward_matches_torch(case):
    torch = _torch()
    op, index, sample = case
    arrays = make_arrays(sample, seed=index)
    ours = _as_list(call(tracegrad, op, sample, build(tracegrad, sample, arrays)))
    theirs = _as_list(call(torch, op, sample, build(torch, sample, arrays)))
    assert len(ours) == len(theirs)
    for mine, reference in zip(ours, theirs, strict=True):
        assert str(mine.dtype) == str(reference.dtype)
        assert tuple(mine.shape) == tuple(reference.shape)
        expected = reference.detach().numpy()
        np.testing.assert_allclose(
            mine.detach().numpy(), expected, rtol=1e-12, atol=1e-12, equal_nan=True
        )
        if mine.grad_fn is not None or reference.grad_fn is not None:
            expected_name = reference.grad_fn.name()
            if sample.torch_grad_fn:
                assert expected_name == sample.torch_grad_fn
                expected_name = op.grad_fn
            assert type(mine.grad_fn).__name__ == expected_name


@pytest.mark.parametrize("case", DIFFERENTIABLE, ids=DIFF_IDS)
def test_vjp_matches_torch(case):
    torch = _torch()
    op, index, sample = case
    arrays = make_arrays(sample, seed=index)
    ours_in = build(tracegrad, sample, arrays)
    theirs_in = build(torch, sample, arrays)
    ours = first_float_output(call(tracegrad, op, sample, ours_in))
    theirs = first_float_output(call(torch, op, sample, theirs_in))
    cotangent = np.random.default_rng(100 + index).standard_normal(tuple(ours.shape))
    ours.backward(tracegrad.tensor(cotangent))
    theirs.backward(torch.tensor(cotangent))
    for arg, mine, reference in zip(sample.args, ours_in, theirs_in, strict=True):
        if not needs_grad(arg):
            continue
        expected = reference.grad
        if expected is None:
            assert mine.grad is None or not mine.grad.numpy().any()
            continue
        np.testing.assert_allclose(mine.grad.numpy(), expected.numpy(), rtol=1e-10, atol=1e-12)


def _node_of(op, index, sample):
    arrays = make_arrays(sample, seed=index)
    args = build(tracegrad, sample, arrays)
    result = first_float_output(call(tracegrad, op, sample, args))
    node = result.grad_fn
    values = tuple(x._data if isinstance(x, tracegrad.Tensor) else x for x in node.inputs)
    differentiable = [
        i
        for i, x in enumerate(node.inputs)
        if isinstance(x, tracegrad.Tensor) and x.requires_grad and op.vjp[i] is not None
    ]
    return node, values, differentiable


def _forward(op, values, params):
    out = op.forward(np, *values, *params)
    if isinstance(out, tuple):
        out = next(o for o in out if np.asarray(o).dtype.kind == "f")
    return np.asarray(out, dtype=np.float64)


def _directional(op, values, params, i, direction, eps=1e-6):
    plus = list(values)
    minus = list(values)
    plus[i] = values[i] + eps * direction
    minus[i] = values[i] - eps * direction
    return (_forward(op, plus, params) - _forward(op, minus, params)) / (2 * eps)


def _full_out(op, values, params):
    return op.forward(np, *values, *params)


@pytest.mark.parametrize("case", DIFFERENTIABLE, ids=DIFF_IDS)
def test_vjp_and_jvp_against_finite_differences(case):
    """<u, J_i v> by finite differences = <VJP_i(u), v> = <u, JVP_i(v)>, per input."""
    op, index, sample = case
    node, values, inputs = _node_of(op, index, sample)
    assert inputs, "a differentiable sample needs an input that requires grad"
    rng = np.random.default_rng(7 + index)
    out = _full_out(op, values, node.params)
    out_first = _forward(op, values, node.params)
    for i in inputs:
        direction = rng.standard_normal(np.shape(values[i]))
        cotangent = rng.standard_normal(out_first.shape)
        numeric = float(np.sum(cotangent * _directional(op, values, node.params, i, direction)))
        g = (
            cotangent
            if op.n_outputs == 1
            else tuple(
                cotangent if np.asarray(o).dtype.kind == "f" and k == 0 else np.zeros_like(o)
                for k, o in enumerate(out)
            )
        )
        vjp = op.vjp[i](ArrayMath, g, *values, out, *node.params)
        reverse = float(np.sum(np.asarray(vjp) * direction))
        tangents = [None] * len(values)
        tangents[i] = direction
        jvp = evaluate_jvp(op, ArrayMath, tangents, values, out, node.params)
        if isinstance(jvp, tuple):
            jvp = jvp[0]
        forward = float(np.sum(cotangent * np.asarray(jvp)))
        scale = max(1.0, abs(numeric))
        # float32 values (dtype conversions) limit the agreement of the two rules
        arrays = [np.asarray(v) for v in values if isinstance(v, np.ndarray)]
        arrays.append(np.asarray(out if op.n_outputs == 1 else out[0]))
        exact = 1e-9 if all(a.dtype != np.float32 for a in arrays) else 1e-5
        assert abs(reverse - numeric) <= 1e-6 * scale, (op.name, i, reverse, numeric)
        assert abs(forward - numeric) <= 1e-6 * scale, (op.name, i, forward, numeric)
        assert abs(forward - reverse) <= exact * scale, (op.name, i, forward, reverse)


def _grads(module, op, sample, arrays, index, create_graph):
    args = build(module, sample, arrays)
    result = first_float_output(call(module, op, sample, args))
    cotangent = np.random.default_rng(200 + index).standard_normal(tuple(result.shape))
    inputs = [a for spec, a in zip(sample.args, args, strict=True) if needs_grad(spec)]
    grads = module.autograd.grad(
        result, inputs, module.tensor(cotangent), create_graph=create_graph, allow_unused=True
    )
    return inputs, grads


@pytest.mark.parametrize("case", DIFFERENTIABLE, ids=DIFF_IDS)
def test_rules_run_on_tensors(case):
    """The same rules run on Tensors (create_graph) give the same gradient as on arrays."""
    op, index, sample = case
    arrays = make_arrays(sample, seed=index)
    _, fast = _grads(tracegrad, op, sample, arrays, index, create_graph=False)
    _, recorded = _grads(tracegrad, op, sample, arrays, index, create_graph=True)
    for a, b in zip(fast, recorded, strict=True):
        if a is None:
            assert b is None or not b.detach().numpy().any()
            continue
        np.testing.assert_allclose(b.detach().numpy(), a.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("case", DIFFERENTIABLE, ids=DIFF_IDS)
def test_second_order_matches_torch(case):
    """Differentiate the gradient again (a Hessian-vector product) and compare with torch."""
    torch = _torch()
    op, index, sample = case
    arrays = make_arrays(sample, seed=index)
    results = []
    for module in (tracegrad, torch):
        inputs, grads = _grads(module, op, sample, arrays, index, create_graph=True)
        rng = np.random.default_rng(300 + index)
        total = None
        for g in grads:
            if g is None or not g.requires_grad:
                continue
            weight = module.tensor(rng.standard_normal(tuple(g.shape)))
            term = (g * weight).sum()
            total = term if total is None else total + term
        if total is None:
            results.append(None)
            continue
        second = module.autograd.grad(total, inputs, allow_unused=True)
        # torch returns ZeroTensors for some second derivatives; numpy(force=True) reads them
        results.append([None if s is None else s.detach().numpy(force=True) for s in second])
    ours, theirs = results
    if theirs is None:
        return
    if ours is None:
        # piecewise-linear ops (relu): our gradient does not depend on the input at all,
        # torch records a node whose derivative is zero
        assert all(r is None or not r.any() for r in theirs)
        return
    for mine, reference in zip(ours, theirs, strict=True):
        if reference is None:
            assert mine is None or not mine.any()
            continue
        if mine is None:
            assert not reference.any()
            continue
        np.testing.assert_allclose(mine, reference, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("case", DIFFERENTIABLE, ids=DIFF_IDS)
def test_forward_mode_matches_reverse_mode(case):
    """Forward AD through the public call: <u, J v> (dual tensors) = <Jᵀ u, v> (backward)."""
    from tracegrad.autograd import forward_ad

    op, index, sample = case
    arrays = make_arrays(sample, seed=index)
    rng = np.random.default_rng(400 + index)
    directions = [
        rng.standard_normal(np.shape(a)) if needs_grad(spec) and np.size(a) else None
        for spec, a in zip(sample.args, arrays, strict=True)
    ]
    with forward_ad.dual_level():
        args = build(tracegrad, sample, arrays, requires_grad=False)
        duals = [
            forward_ad.make_dual(a, tracegrad.tensor(d).reshape(a.shape)) if d is not None else a
            for a, d in zip(args, directions, strict=True)
        ]
        result = first_float_output(call(tracegrad, op, sample, duals))
        tangent = forward_ad.unpack_dual(result).tangent
    cotangent = rng.standard_normal(tuple(result.shape))
    _, grads = _grads(tracegrad, op, sample, arrays, index, create_graph=False)
    if tangent is None:
        assert all(g is None or not g.numpy().any() for g in grads)
        return
    # _grads used its own cotangent: recompute reverse with ours
    args = build(tracegrad, sample, arrays)
    out = first_float_output(call(tracegrad, op, sample, args))
    out.backward(tracegrad.tensor(cotangent))
    reverse = sum(
        float(np.sum(a.grad.numpy() * d))
        for a, d in zip(args, directions, strict=True)
        if d is not None and a.grad is not None
    )
    forward = float(np.sum(cotangent * tangent.numpy()))
    # float32 steps (dtype conversions inside the sample) limit the agreement
    low_precision = (
        result.dtype is not tracegrad.float64
        or op.name == "to_copy"
        or "dtype" in sample.note
        or any(isinstance(spec, Arg) and spec.dtype == "float32" for spec in sample.args)
    )
    tolerance = 1e-5 if low_precision else 1e-9
    assert forward == pytest.approx(reverse, rel=tolerance, abs=tolerance)
