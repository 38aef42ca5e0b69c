"""Shape and indexing functions: what the registry samples cannot see.

* which results are views (shared memory and version counter) and which are copies;
* the named tuples of ``sort``/``topk`` and how they print;
* error types and messages against PyTorch's;
* ``__setitem__`` and the in-place methods under autograd;
* ties in ``sort``/``topk``, outputs of ``split`` that get no gradient, double backward.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tracegrad

torch = pytest.importorskip("torch", reason="PyTorch is the oracle")

RNG = np.random.default_rng(0)
X34 = RNG.standard_normal((3, 4))
X234 = RNG.standard_normal((2, 3, 4))


def both(array, requires_grad=False):
    """The same values as a tracegrad and a torch tensor."""
    ours = tracegrad.tensor(array.tolist(), dtype=tracegrad.float64)
    theirs = torch.tensor(array.tolist(), dtype=torch.float64)
    if requires_grad:
        ours.requires_grad_(True)
        theirs.requires_grad_(True)
    return ours, theirs


def version(t) -> int:
    """The version counter (an int in torch, a shared one-element list in tracegrad)."""
    return t._version if isinstance(t, torch.Tensor) else t._version[0]


def assert_same(mine, reference):
    assert str(mine.dtype) == str(reference.dtype)
    assert tuple(mine.shape) == tuple(reference.shape)
    np.testing.assert_allclose(
        mine.detach().numpy(), reference.detach().numpy(), rtol=1e-12, atol=1e-12
    )


# ---------------------------------------------------------------------------- views

VIEW_CASES = {
    "narrow": lambda m, x: x.narrow(1, 1, 2),
    "split": lambda m, x: m.split(x, 2)[1],
    "split_sizes": lambda m, x: x.split([1, 3], dim=1)[1],
    "chunk": lambda m, x: m.chunk(x, 2, dim=1)[0],
    "unbind": lambda m, x: x.unbind(1)[2],
    "iteration": lambda m, x: list(x)[1],
    "movedim": lambda m, x: m.movedim(x, 0, 1),
    "meshgrid": lambda m, x: m.meshgrid(x[0], x[1], indexing="ij")[1],
}


@pytest.mark.parametrize("name", list(VIEW_CASES))
def test_views_share_memory_and_version(name):
    ours, theirs = both(X34)
    my_view = VIEW_CASES[name](tracegrad, ours)
    their_view = VIEW_CASES[name](torch, theirs)
    assert version(my_view) == version(their_view)
    ours.mul_(2)
    theirs.mul_(2)
    assert_same(my_view, their_view)  # the view sees the write into the base
    assert version(my_view) == version(their_view) == version(theirs)
    assert version(ours) == version(theirs)


@pytest.mark.parametrize("name", ["narrow", "split", "chunk", "unbind"])
def test_write_through_view_reaches_base(name):
    ours, theirs = both(X34)
    VIEW_CASES[name](tracegrad, ours).fill_(7.0)
    VIEW_CASES[name](torch, theirs).fill_(7.0)
    assert_same(ours, theirs)
    assert version(ours) == version(theirs)


COPY_CASES = {
    "cat": lambda m, x: m.cat([x, x]),
    "stack": lambda m, x: m.stack([x]),
    "flip": lambda m, x: x.flip(0),
    "flip_no_dims": lambda m, x: m.flip(x, ()),
    "roll": lambda m, x: m.roll(x, 0),
    "repeat": lambda m, x: x.repeat(1, 1),
    "tile": lambda m, x: m.tile(x, (1,)),
    "gather": lambda m, x: x.gather(1, m.tensor([[0], [1], [2]])),
    "index_select": lambda m, x: x.index_select(0, m.tensor([0, 1, 2])),
    "masked_fill": lambda m, x: x.masked_fill(x > 100, 0.0),
    "sort": lambda m, x: x.sort().values,
    "take": lambda m, x: m.take(x, m.tensor([0, 1])),
}


@pytest.mark.parametrize("name", list(COPY_CASES))
def test_copies_do_not_share_memory(name):
    ours, theirs = both(X34)
    result = COPY_CASES[name](tracegrad, ours)
    reference = COPY_CASES[name](torch, theirs)
    result.fill_(5.0)
    reference.fill_(5.0)
    assert_same(ours, theirs)
    assert version(ours) == version(theirs) == 0


def test_cat_out():
    ours, theirs = both(X34)
    my_out, their_out = tracegrad.empty(6, 4, dtype=tracegrad.float64), torch.empty(6, 4).double()
    assert tracegrad.cat([ours, ours], out=my_out) is my_out
    torch.cat([theirs, theirs], out=their_out)
    assert_same(my_out, their_out)


# ---------------------------------------------------------------------------- named tuples


def test_sort_returns_named_tuple_printed_like_torch():
    values = [[3.0, 1.0, 2.0], [0.5, -1.0, 0.5]]
    mine = tracegrad.sort(tracegrad.tensor(values))
    theirs = torch.sort(torch.tensor(values))
    assert repr(mine) == repr(theirs)
    assert str(mine) == str(theirs)
    assert type(mine).__name__ == "sort"
    assert type(mine) is tracegrad.return_types.sort
    assert isinstance(mine, tuple) and len(mine) == 2
    values_, indices = mine
    assert values_ is mine.values and indices is mine.indices is mine[1]
    assert type(mine)((mine.values, mine.indices)) == mine  # torch's structseq constructor
    assert str(mine.indices.dtype) == "torch.int64"


def test_topk_returns_named_tuple_printed_like_torch():
    data = [[3.0, 1.0, 2.0], [0.5, -1.0, 4.0]]
    x = tracegrad.tensor(data, requires_grad=True)
    y = torch.tensor(data, requires_grad=True)
    mine = x.topk(2)
    theirs = y.topk(2)
    assert repr(mine) == repr(theirs)
    assert type(mine) is tracegrad.return_types.topk
    assert mine.indices.grad_fn is None and not mine.indices.requires_grad


def test_return_types_module_is_importable():
    import tracegrad.return_types as return_types

    assert return_types.sort is tracegrad.return_types.sort


# ---------------------------------------------------------------------------- errors


def _long(m, values):
    return m.tensor(values, dtype=m.int64)


def _functional(m):
    from tracegrad.ops import index

    return m.nn.functional if m is torch else index


X = X34.tolist()
# (name, call, whether the message must match torch's exactly)
ERROR_CASES = [
    ("cat sizes", lambda m: m.cat([m.zeros(3, 4), m.zeros(3, 5)]), True),
    ("cat sizes dim 1", lambda m: m.cat([m.zeros(3, 4), m.zeros(2, 5)], 1), True),
    ("cat ndim", lambda m: m.cat([m.zeros(3, 4), m.zeros(3)]), True),
    ("cat empty list", lambda m: m.cat([]), True),
    ("cat 0-d", lambda m: m.cat([m.tensor(1.0), m.tensor(2.0)]), True),
    ("cat dim", lambda m: m.cat([m.zeros(3, 4)], 2), True),
    ("cat tensor", lambda m: m.cat(m.zeros(3, 4)), True),
    ("cat element", lambda m: m.cat([m.zeros(3), 1]), True),
    ("stack sizes", lambda m: m.stack([m.zeros(3, 4), m.zeros(3, 5)]), True),
    ("stack empty", lambda m: m.stack([]), True),
    ("stack dim", lambda m: m.stack([m.zeros(3, 4)], 3), True),
    ("split 0", lambda m: m.split(m.zeros(3, 4), 0), True),
    ("split negative", lambda m: m.split(m.zeros(3, 4), -1), True),
    ("split sizes sum", lambda m: m.split(m.zeros(3, 4), [1, 1]), True),
    ("split sizes negative", lambda m: m.split(m.zeros(3, 4), [4, -1]), True),
    ("split 0-d", lambda m: m.split(m.tensor(1.0), 1), True),
    ("chunk 0", lambda m: m.chunk(m.zeros(3, 4), 0), True),
    ("chunk 0-d", lambda m: m.chunk(m.tensor(1.0), 1), True),
    ("unbind 0-d", lambda m: m.unbind(m.tensor(1.0)), True),
    ("unbind dim", lambda m: m.unbind(m.zeros(3, 4), 2), True),
    ("flip repeated", lambda m: m.flip(m.zeros(3, 4), (0, -2)), True),
    ("flip dim", lambda m: m.flip(m.zeros(3, 4), (2,)), True),
    ("fliplr 1-d", lambda m: m.fliplr(m.zeros(3)), True),
    ("flipud 0-d", lambda m: m.flipud(m.tensor(1.0)), True),
    ("roll align", lambda m: m.roll(m.zeros(3, 4), (1, 2), (0,)), True),
    ("roll no dims", lambda m: m.roll(m.zeros(3, 4), (1, 2)), True),
    ("roll no shifts", lambda m: m.roll(m.zeros(3, 4), ()), True),
    ("repeat few", lambda m: m.zeros(3, 4).repeat(2), True),
    ("repeat negative", lambda m: m.zeros(3, 4).repeat(2, -1), True),
    ("tile negative", lambda m: m.tile(m.zeros(3, 4), (-2,)), True),
    ("narrow past end", lambda m: m.narrow(m.zeros(3, 4), 0, 2, 2), True),
    ("narrow start", lambda m: m.narrow(m.zeros(3, 4), 0, -4, 1), True),
    ("narrow length", lambda m: m.narrow(m.zeros(3, 4), 0, 0, -1), True),
    ("narrow 0-d", lambda m: m.narrow(m.tensor(1.0), 0, 0, 1), True),
    ("movedim repeated", lambda m: m.movedim(m.zeros(3, 4), (0, 1), (0, 0)), True),
    ("movedim lengths", lambda m: m.movedim(m.zeros(3, 4), (0, 1), (0,)), True),
    ("meshgrid indexing", lambda m: m.meshgrid(m.zeros(2), indexing="ab"), True),
    ("meshgrid empty", lambda m: m.meshgrid(indexing="ij"), True),
    ("meshgrid dtype", lambda m: m.meshgrid(m.zeros(2), _long(m, [1]), indexing="ij"), True),
    ("meshgrid 2-d", lambda m: m.meshgrid(m.zeros(2, 2), indexing="ij"), False),
    ("gather out of range", lambda m: m.gather(m.zeros(3, 4), 1, _long(m, [[0, 4]])), True),
    ("gather negative", lambda m: m.gather(m.zeros(3, 4), 1, _long(m, [[-1]])), True),
    ("gather float index", lambda m: m.gather(m.zeros(3, 4), 1, m.tensor([[0.0]])), True),
    ("gather ndim", lambda m: m.gather(m.zeros(3, 4), 1, _long(m, [0])), True),
    ("gather index size", lambda m: m.gather(m.zeros(3, 4), 1, m.zeros(4, 2).long()), True),
    ("gather dim", lambda m: m.gather(m.zeros(3, 4), 2, _long(m, [[0]])), True),
    ("scatter out of range", lambda m: m.zeros(3, 4).scatter(1, _long(m, [[4]]), 1.0), True),
    ("scatter float index", lambda m: m.zeros(3, 4).scatter(1, m.tensor([[0.0]]), 1.0), True),
    (
        "scatter src dtype",
        lambda m: m.zeros(3, 4).scatter(1, _long(m, [[0]]), m.ones(1, 1).double()),
        True,
    ),
    (
        "scatter src small",
        lambda m: m.zeros(3, 4).scatter(1, _long(m, [[0, 1]]), m.ones(1, 1)),
        True,
    ),
    ("scatter index big", lambda m: m.zeros(3, 4).scatter(1, m.zeros(4, 1).long(), 1.0), True),
    (
        "scatter ndim",
        lambda m: m.zeros(3, 4).scatter(1, _long(m, [0]), m.ones(2)),
        True,
    ),
    (
        "scatter 0-d src",
        lambda m: m.zeros(3, 4).scatter(1, _long(m, [[0]]), m.tensor(2.0)),
        True,
    ),
    ("scatter reduce", lambda m: m.zeros(3, 4).scatter(1, _long(m, [[0]]), 2.0, reduce="x"), True),
    ("scatter_add number", lambda m: m.zeros(3, 4).scatter_add(1, _long(m, [[0]]), 1.0), False),
    (
        "scatter_add out of range",
        lambda m: m.zeros(3, 4).scatter_add(1, _long(m, [[5]]), m.ones(1, 1)),
        True,
    ),
    ("index_select range", lambda m: m.zeros(3, 4).index_select(1, _long(m, [0, 4])), True),
    ("index_select 2-d", lambda m: m.zeros(3, 4).index_select(1, _long(m, [[0]])), True),
    ("index_select float", lambda m: m.zeros(3, 4).index_select(1, m.tensor([0.0])), True),
    ("index_select scalar", lambda m: m.tensor(3.0).index_select(0, _long(m, [0, 0])), True),
    (
        "index_add count",
        lambda m: m.zeros(3, 4).index_add(1, _long(m, [0, 1]), m.ones(3, 3)),
        True,
    ),
    (
        "index_add dtype",
        lambda m: m.zeros(3, 4).index_add(1, _long(m, [0]), m.ones(3, 1).double()),
        True,
    ),
    (
        "index_add shape",
        lambda m: m.zeros(3, 4).index_add(1, _long(m, [0]), m.ones(2, 1)),
        True,
    ),
    (
        "index_add range",
        lambda m: m.zeros(3, 4).index_add(1, _long(m, [4]), m.ones(3, 1)),
        True,
    ),
    (
        "index_add 2-d index",
        lambda m: m.zeros(3, 4).index_add(1, _long(m, [[0]]), m.ones(3, 1)),
        True,
    ),
    ("take range", lambda m: m.take(m.zeros(3, 4), _long(m, [12])), True),
    ("take int32", lambda m: m.take(m.zeros(3, 4), m.tensor([0], dtype=m.int32)), True),
    ("masked_fill long mask", lambda m: m.zeros(3, 4).masked_fill(m.ones(3, 4).long(), 1), True),
    ("masked_fill shapes", lambda m: m.zeros(3, 4).masked_fill(m.ones(3).bool(), 1.0), True),
    (
        "masked_fill value",
        lambda m: m.zeros(3, 4).masked_fill(m.ones(3, 4).bool(), m.ones(1)),
        True,
    ),
    (
        "masked_fill_ broadcast",
        lambda m: m.zeros(3).masked_fill_(m.ones(2, 3).bool(), 1.0),
        True,
    ),
    ("masked_select mask", lambda m: m.zeros(3, 4).masked_select(m.ones(3, 4).long()), True),
    ("masked_select shapes", lambda m: m.zeros(3, 4).masked_select(m.ones(3).bool()), True),
    (
        "masked_scatter few",
        lambda m: m.zeros(3, 4).masked_scatter(m.ones(3, 4).bool(), m.ones(5)),
        True,
    ),
    (
        "masked_scatter mask",
        lambda m: m.zeros(3, 4).masked_scatter(m.ones(3, 4).long(), m.ones(12)),
        True,
    ),
    ("sort dim", lambda m: m.sort(m.zeros(3, 4), 2), True),
    ("topk k", lambda m: m.topk(m.zeros(3, 4), 5), True),
    ("topk negative k", lambda m: m.topk(m.zeros(3, 4), -1), True),
    ("topk float k", lambda m: m.topk(m.zeros(3, 4), 2.0), True),
    ("one_hot bounds", lambda m: _functional(m).one_hot(_long(m, [0, 3]), 3), True),
    ("one_hot negative", lambda m: _functional(m).one_hot(_long(m, [0, -1])), True),
    ("one_hot float", lambda m: _functional(m).one_hot(m.tensor([0.0])), True),
    ("one_hot int32", lambda m: _functional(m).one_hot(m.tensor([0], dtype=m.int32)), True),
    ("one_hot empty", lambda m: _functional(m).one_hot(m.zeros(0).long()), True),
]


@pytest.mark.parametrize(
    "call, exact", [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES]
)
def test_errors_match_torch(call, exact):
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(Exception) as ours:
        call(tracegrad)
    assert type(ours.value) is type(theirs.value), (ours.value, theirs.value)
    if exact:
        expected = str(theirs.value).split("\n")[0]
        assert str(ours.value).split("\n")[0] == expected


def test_meshgrid_warns_without_indexing():
    with pytest.warns(UserWarning, match="it will be required to pass the indexing argument"):
        grid = tracegrad.meshgrid(tracegrad.zeros(2), tracegrad.zeros(3))
    assert [tuple(g.shape) for g in grid] == [(2, 3), (2, 3)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tracegrad.meshgrid(tracegrad.zeros(2), indexing="xy")


def test_scatter_reduce_tensor_src_warns_and_matches():
    index = [[0, 0], [3, 0]]
    source = [[1.0, 2.0], [3.0, 4.0]]
    with pytest.warns(UserWarning, match="reduce argument of torch.scatter"):
        mine = tracegrad.zeros(3, 4).scatter(
            1, _long(tracegrad, index), tracegrad.tensor(source), reduce="add"
        )
    with pytest.warns(UserWarning):
        theirs = torch.zeros(3, 4).scatter(
            1, _long(torch, index), torch.tensor(source), reduce="add"
        )
    assert_same(mine, theirs)


def test_scatter_reduce_has_no_gradient():
    x = tracegrad.zeros(3, 4, requires_grad=True)
    with pytest.raises(RuntimeError, match="derivative for aten::scatter is not implemented"):
        x.scatter(1, _long(tracegrad, [[0]]), 2.0, reduce="multiply")
    with tracegrad.no_grad():
        x.scatter(1, _long(tracegrad, [[0]]), 2.0, reduce="multiply")


# ---------------------------------------------------------------------------- setitem


def _backward_both(build, *arrays, grads_of=None):
    """Run ``build(module, *leaves)`` on both libraries, backward a weighted sum, and
    compare the leaves' gradients (and the results)."""
    pairs = [both(a, requires_grad=True) for a in arrays]
    ours = build(tracegrad, *[p[0] for p in pairs])
    theirs = build(torch, *[p[1] for p in pairs])
    assert_same(ours, theirs)
    weights = RNG.standard_normal(tuple(theirs.shape))
    (ours * tracegrad.tensor(weights)).sum().backward()
    (theirs * torch.tensor(weights)).sum().backward()
    for mine, reference in pairs:
        if reference.grad is None:
            assert mine.grad is None
        else:
            np.testing.assert_allclose(mine.grad.numpy(), reference.grad.numpy(), atol=1e-12)


def _set_row(m, x):
    y = x.clone()
    y[0] = 5
    return y


def _set_mask(m, x, v):
    y = x * 1
    y[x > 0] = v.sum()
    return y


def _set_mask_tensor(m, x, v):
    y = x.clone()
    mask = m.tensor([[True, False, True, False]] * 3)
    y[mask] = v
    return y


def _set_column(m, x, v):
    y = x.clone()
    y[:, 1] = v
    return y * y


def _set_twice(m, x, v):
    y = x.clone()
    y[1:, ::2] = v[:2, :2]
    y[0] = -y[2]
    return y


@pytest.mark.parametrize(
    "build, arrays",
    [
        (_set_row, (X34,)),
        (_set_mask, (X34, RNG.standard_normal(3))),
        (_set_mask_tensor, (X34, RNG.standard_normal(6))),
        (_set_column, (X34, RNG.standard_normal(3))),
        (_set_twice, (X34, RNG.standard_normal((3, 3)))),
    ],
    ids=["row", "mask", "mask tensor", "column", "twice"],
)
def test_setitem_gradients_match_torch(build, arrays):
    _backward_both(build, *arrays)


# ---------------------------------------------------------------------------- in-place methods

INPLACE_CASES = {
    "scatter_": lambda m, x, s: x.clone().scatter_(1, _long(m, [[3, 0], [1, 2], [0, 3]]), s[:, :2]),
    "scatter_ value": lambda m, x, s: (
        x.clone().scatter_(0, _long(m, [[2, 0, 1, 1]]), value=2.0) * s
    ),
    "scatter_add_": lambda m, x, s: x.clone().scatter_add_(
        1, _long(m, [[3, 3, 0, 1], [1, 2, 2, 2], [0, 0, 0, 0]]), s
    ),
    "masked_fill_": lambda m, x, s: x.clone().masked_fill_(s > 0, -1.0) * s,
    "masked_fill_ tensor": lambda m, x, s: x.clone().masked_fill_(s > 0, s[0, 0]),
    "index_add_": lambda m, x, s: x.clone().index_add_(0, _long(m, [2, 0, 2]), s, alpha=3),
    "masked_scatter_": lambda m, x, s: (x * 2).masked_scatter_(x > 0, s),
    "index_put_": lambda m, x, s: x.clone().index_put_((_long(m, [0, 0]),), s[:2], accumulate=True),
}


@pytest.mark.parametrize("name", list(INPLACE_CASES))
def test_inplace_methods_match_torch(name):
    _backward_both(INPLACE_CASES[name], X34, RNG.standard_normal((3, 4)))


def test_inplace_on_leaf_that_requires_grad_fails_like_torch():
    for m in (torch, tracegrad):
        x = m.zeros(3, 4, requires_grad=True)
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            x.masked_fill_(x > 0, 1.0)


def test_inplace_without_grad_bumps_version():
    for m in (torch, tracegrad):
        x = m.zeros(3, 4)
        x.scatter_(1, _long(m, [[1]]), 2.0).index_add_(0, _long(m, [0]), m.ones(1, 4))
        x.scatter_add_(0, _long(m, [[2]]), m.ones(1, 1))
        assert version(x) == 3
        assert x.sum().item() == pytest.approx(7.0)


# ---------------------------------------------------------------------------- sort and topk

TIES = np.array([[1.0, 0.0, 1.0, 0.0, 1.0, 2.0, 2.0, 0.0], [2.0, 2.0, -1.0, 2.0, 0.0, -1, 0, 0]])


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("stable", [True, None])
def test_sort_is_stable_like_torch(descending, stable):
    kwargs = {} if stable is None else {"stable": stable}
    ours, theirs = both(TIES, requires_grad=True)
    mine = ours.sort(descending=descending, **kwargs)
    reference = theirs.sort(descending=descending, **kwargs)
    assert_same(mine.values, reference.values)
    assert mine.indices.tolist() == reference.indices.tolist()
    weights = RNG.standard_normal(TIES.shape)
    (mine.values * tracegrad.tensor(weights)).sum().backward()
    (reference.values * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy())
    assert type(mine.values.grad_fn).__name__ == reference.values.grad_fn.name()


def test_sort_nan_order_like_torch():
    values = [1.0, float("nan"), 0.0, float("nan"), -1.0]
    for descending in (False, True):
        mine = tracegrad.sort(tracegrad.tensor(values), descending=descending)
        theirs = torch.sort(torch.tensor(values), descending=descending, stable=True)
        np.testing.assert_array_equal(mine.values.numpy(), theirs.values.numpy())
        assert mine.indices.tolist() == theirs.indices.tolist()


def test_topk_ties_pick_equal_values():
    """torch's choice among equal values is unspecified: compare values, check that the
    indices point at them, and that the gradient goes where the indices say."""
    ours, theirs = both(TIES, requires_grad=True)
    for largest in (True, False):
        mine = ours.topk(3, largest=largest)
        reference = theirs.topk(3, largest=largest)
        assert_same(mine.values, reference.values)
        picked = np.take_along_axis(TIES, mine.indices.numpy(), 1)
        np.testing.assert_array_equal(picked, mine.values.detach().numpy())
        assert all(len(set(row)) == 3 for row in mine.indices.tolist())
    ours.grad = None
    mine = ours.topk(3)
    mine.values.sum().backward()
    expected = np.zeros(TIES.shape)
    np.put_along_axis(expected, mine.indices.numpy(), 1.0, 1)
    np.testing.assert_array_equal(ours.grad.numpy(), expected)


def test_topk_nan_is_largest():
    values = [1.0, float("nan"), 0.0]
    mine = tracegrad.topk(tracegrad.tensor(values), 2)
    theirs = torch.topk(torch.tensor(values), 2)
    np.testing.assert_array_equal(mine.values.numpy(), theirs.values.numpy())
    mine = tracegrad.topk(tracegrad.tensor(values), 2, largest=False)
    assert mine.indices.tolist() == torch.topk(torch.tensor(values), 2, largest=False)[1].tolist()


def test_inplace_on_sorted_values_keeps_backward_working():
    """SortBackward saves the indices only: changing the values in place is allowed."""
    for m in (torch, tracegrad):
        x = m.tensor([3.0, 1.0, 2.0], requires_grad=True)
        values, indices = x.sort()
        values.mul_(2)
        values.sum().backward()
        assert x.grad.tolist() == [2.0, 2.0, 2.0]


def test_argsort_and_argwhere():
    ours, theirs = both(X34)
    assert (
        ours.argsort(dim=0, descending=True).tolist()
        == theirs.argsort(dim=0, descending=True).tolist()
    )
    mask_ours, mask_theirs = ours > 0, theirs > 0
    assert tracegrad.argwhere(mask_ours).tolist() == torch.argwhere(mask_theirs).tolist()
    mine = mask_ours.nonzero(as_tuple=True)
    reference = mask_theirs.nonzero(as_tuple=True)
    assert type(mine) is tuple and len(mine) == len(reference)
    for a, b in zip(mine, reference, strict=True):
        assert_same(a, b)
    assert ours[mine].tolist() == theirs[reference].tolist()


# ---------------------------------------------------------------------------- multi-output


def test_split_outputs_without_gradient_get_zeros():
    def build(m, x):
        parts = m.split(x, [1, 2, 1], dim=1)
        return parts[1] * 3

    _backward_both(build, X34)


def test_unbind_single_output_used_twice():
    def build(m, x):
        rows = x.unbind()
        return rows[2] * rows[2] + rows[0]

    _backward_both(build, X34)


def test_split_retain_graph_backward_twice():
    for m in (torch, tracegrad):
        x = m.tensor(X, requires_grad=True)
        loss = (x.chunk(2)[1] ** 2).sum()
        loss.backward(retain_graph=True)
        loss.backward()
        np.testing.assert_allclose(x.grad[2].detach().numpy(), 4 * np.array(X[2]))
        assert not x.grad[:2].detach().numpy().any()


def test_split_backward_twice_after_free_like_torch():
    """SplitBackward saves no tensor, so torch allows a second backward through it."""
    for m in (torch, tracegrad):
        x = m.tensor(X, requires_grad=True)
        parts = x.split(2)
        parts[0].sum().backward()
        parts[1].sum().backward()
        assert x.grad.sum().item() == pytest.approx(12.0)


CREATE_GRAPH_CASES = {
    "cat": lambda m, x: m.cat([x, x * x], 1),
    "stack": lambda m, x: m.stack([x * x, x], -1),
    "split": lambda m, x: m.split(x * x, [1, 2])[1] * x[:2],
    "unbind": lambda m, x: m.unbind(x * x, 1)[3] * x[:, 0],
    "gather": lambda m, x: (x * x).gather(1, _long(m, [[0, 0], [3, 1], [2, 2]])),
    "sort": lambda m, x: (x * x).sort(0).values * x,
    "topk": lambda m, x: (x * x).topk(2).values,
    "index_select": lambda m, x: (x * x).index_select(1, _long(m, [3, 0, 3])),
    "masked_select": lambda m, x: (x * x).masked_select(x > 0),
    "masked_scatter": lambda m, x: x.masked_scatter(x > 0, x.flip(0) ** 2),
    "scatter": lambda m, x: x.scatter(1, _long(m, [[3, 0], [1, 2], [0, 3]]), (x * x)[:, :2]),
    "roll_repeat": lambda m, x: m.roll((x * x).repeat(2, 1), (1, 2), (0, 1)),
    "take": lambda m, x: m.take(x * x, _long(m, [[0, 11], [5, 5]])),
}


@pytest.mark.parametrize("name", list(CREATE_GRAPH_CASES))
def test_second_order_matches_torch(name):
    results = []
    for m in (tracegrad, torch):
        x = m.tensor(X, dtype=m.float64, requires_grad=True)
        y = CREATE_GRAPH_CASES[name](m, x)
        (g,) = m.autograd.grad((y * y).sum(), x, create_graph=True)
        (gg,) = m.autograd.grad((g * g).sum(), x)
        results.append((g.detach().numpy(), gg.numpy()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-10, atol=1e-12)


def test_multi_output_nodes_are_shared_like_torch():
    for m in (torch, tracegrad):
        x = m.tensor(X, requires_grad=True)
        parts = x.split(2)
        assert parts[0].grad_fn is parts[1].grad_fn
        assert [p.output_nr if m is torch else p._output_nr for p in parts] == [0, 1]
        assert type(parts[0].grad_fn).__name__ == "SplitBackward0"


# ---------------------------------------------------------------------------- odds and ends


def test_scatter_src_larger_than_index_gradient():
    """torch's backward fails here (its src gradient has index's shape); ours pads."""
    x = tracegrad.tensor(X, requires_grad=True)
    src = tracegrad.tensor(np.arange(15.0).reshape(3, 5).tolist(), requires_grad=True)
    index = _long(tracegrad, [[2], [0], [1]])
    y = x.scatter(1, index, src)
    assert (
        y.tolist()
        == torch.tensor(X)
        .scatter(1, _long(torch, [[2], [0], [1]]), torch.arange(15.0).reshape(3, 5))
        .tolist()
    )
    weights = RNG.standard_normal((3, 4))
    (y * tracegrad.tensor(weights)).sum().backward()
    expected = np.zeros((3, 5))
    expected[:, 0] = weights[[0, 1, 2], [2, 0, 1]]
    np.testing.assert_allclose(src.grad.numpy(), expected)
    expected_x = weights.copy()
    expected_x[[0, 1, 2], [2, 0, 1]] = 0
    np.testing.assert_allclose(x.grad.numpy(), expected_x)


def test_cat_promotes_and_returns_gradient_in_input_dtype():
    for m in (torch, tracegrad):
        x = m.ones(2, dtype=m.float32, requires_grad=True)
        y = m.ones(1, dtype=m.float64, requires_grad=True)
        z = m.cat([x, y, m.tensor([3])])
        assert str(z.dtype) == "torch.float64"
        z.sum().backward()
        assert str(x.grad.dtype) == "torch.float32"


def test_one_hot_values_and_dtype():
    from tracegrad.ops.index import one_hot

    mine = one_hot(tracegrad.tensor([[0, 2], [1, 1]]))
    theirs = torch.nn.functional.one_hot(torch.tensor([[0, 2], [1, 1]]))
    assert mine.tolist() == theirs.tolist()
    assert str(mine.dtype) == "torch.int64"


def test_methods_and_aliases_exist():
    x = tracegrad.zeros(2, 3)
    for name in (
        "split",
        "chunk",
        "unbind",
        "flip",
        "roll",
        "repeat",
        "tile",
        "narrow",
        "movedim",
        "moveaxis",
        "gather",
        "scatter",
        "scatter_",
        "scatter_add_",
        "index_select",
        "index_add_",
        "masked_fill_",
        "sort",
        "topk",
        "argsort",
    ):
        assert callable(getattr(x, name)), name
    assert tracegrad.concat is tracegrad.cat and tracegrad.concatenate is tracegrad.cat
    assert tracegrad.moveaxis is tracegrad.movedim
