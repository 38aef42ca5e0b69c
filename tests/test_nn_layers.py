"""LayerNorm, BatchNorm1d, Embedding and the SmoothL1/Huber/KLDiv losses against torch:
reprs, initial values after ``manual_seed``, values and float64 gradients, running
statistics, state_dict keys, train/eval behaviour and errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tracegrad

torch = pytest.importorskip("torch", reason="PyTorch is the oracle for tracegrad.nn")

MODULES = (torch, tracegrad)


def both(fn):
    return fn(torch), fn(tracegrad)


def outcome(fn, m):
    try:
        return fn(m)
    except Exception as error:  # noqa: BLE001 - the exception is the result compared
        return (type(error).__name__, str(error).replace("tracegrad.", "torch."))


def same_outcome(fn):
    theirs, ours = (outcome(fn, m) for m in MODULES)
    assert ours == theirs
    return ours


def array(t):
    return t.detach().numpy().copy()


def assert_close(ours, theirs, rtol=1e-10, atol=1e-12):
    assert str(ours.dtype) == str(theirs.dtype)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(array(ours), array(theirs), rtol=rtol, atol=atol)


def grad_name(m, t):
    if t.grad_fn is None:
        return None
    return t.grad_fn.name() if m is torch else type(t.grad_fn).__name__


def data(shape, seed=0, low=-2.0, high=2.0):
    return np.random.default_rng(seed).uniform(low, high, shape)


def run_grad(m, fn, *arrays):
    """``fn(m, *leaves)`` on float64 leaves; the output, its node name, the gradients of
    ``(output * weights).sum()``."""
    leaves = [m.tensor(a, dtype=m.float64, requires_grad=True) for a in arrays]
    out = fn(m, *leaves)
    weights = m.tensor(data(tuple(out.shape), seed=99), dtype=m.float64)
    (out * weights).sum().backward()
    return out, grad_name(m, out), [leaf.grad for leaf in leaves]


def check_grad(fn, *arrays, name_differs=False):
    (t_out, t_name, t_grads), (o_out, o_name, o_grads) = both(lambda m: run_grad(m, fn, *arrays))
    assert_close(o_out, t_out)
    if not name_differs:
        assert o_name == t_name
    for ours, theirs in zip(o_grads, t_grads, strict=True):
        assert_close(ours, theirs)


# ---------------------------------------------------------------------------- reprs


REPRS = [
    lambda m: m.nn.LayerNorm(4),
    lambda m: m.nn.LayerNorm([2, 3], eps=1e-3, elementwise_affine=False),
    lambda m: m.nn.LayerNorm(5, bias=False),
    lambda m: m.nn.BatchNorm1d(3),
    lambda m: m.nn.BatchNorm1d(3, eps=1e-3, momentum=None, affine=False),
    lambda m: m.nn.BatchNorm1d(4, track_running_stats=False, bias=False),
    lambda m: m.nn.Embedding(10, 3),
    lambda m: m.nn.Embedding(5, 3, padding_idx=-1),
    lambda m: m.nn.SmoothL1Loss(beta=0.5),
    lambda m: m.nn.HuberLoss(delta=2.0),
    lambda m: m.nn.KLDivLoss(reduction="batchmean", log_target=True),
    lambda m: m.nn.Sequential(m.nn.Embedding(7, 4), m.nn.LayerNorm(4), m.nn.BatchNorm1d(3)),
]


@pytest.mark.parametrize("make", REPRS)
def test_repr(make):
    theirs, ours = both(lambda m: repr(make(m)))
    assert ours == theirs


def test_exports():
    for name in ("LayerNorm", "BatchNorm1d", "Embedding", "SmoothL1Loss", "HuberLoss", "KLDivLoss"):
        assert name in tracegrad.nn.__all__
        assert hasattr(tracegrad.nn, name)
    for name in ("layer_norm", "batch_norm", "embedding", "smooth_l1_loss", "huber_loss", "kl_div"):
        assert name in tracegrad.nn.functional.__all__


# ---------------------------------------------------------------------------- initial values


@pytest.mark.parametrize(
    "make",
    [
        lambda m: m.nn.Embedding(6, 4),
        lambda m: m.nn.Embedding(6, 4, padding_idx=2),
        lambda m: m.nn.Embedding(6, 4, padding_idx=-1),
        lambda m: m.nn.Sequential(
            m.nn.Linear(3, 4), m.nn.LayerNorm(4), m.nn.BatchNorm1d(4), m.nn.Embedding(3, 2)
        ),
    ],
)
def test_initial_state_is_bit_identical(make):
    def state(m):
        m.manual_seed(7)
        return {k: (str(v.dtype), array(v)) for k, v in make(m).state_dict().items()}

    theirs, ours = both(state)
    assert list(ours) == list(theirs)
    for key in theirs:
        assert ours[key][0] == theirs[key][0]
        np.testing.assert_array_equal(ours[key][1], theirs[key][1])


def test_state_dict_keys_and_buffers():
    def keys(m):
        return (
            list(m.nn.BatchNorm1d(3).state_dict()),
            list(m.nn.BatchNorm1d(3, affine=False).state_dict()),
            list(m.nn.BatchNorm1d(3, track_running_stats=False).state_dict()),
            [name for name, _ in m.nn.BatchNorm1d(3).named_buffers()],
            list(m.nn.LayerNorm(3, bias=False).state_dict()),
            list(m.nn.Embedding(3, 2).state_dict()),
            repr(m.nn.BatchNorm1d(2).num_batches_tracked),
        )

    theirs, ours = both(keys)
    assert ours == theirs


# ---------------------------------------------------------------------------- layer norm


@pytest.mark.parametrize(
    ("shape", "normalized"),
    [((3, 4), (4,)), ((2, 3, 4), (3, 4)), ((5,), (5,)), ((2, 2, 3), [3])],
)
def test_layer_norm_values_and_gradients(shape, normalized):
    n = tuple(normalized)
    check_grad(
        lambda m, x, w, b: m.nn.functional.layer_norm(x, normalized, w, b, eps=1e-3),
        data(shape),
        data(n, seed=1),
        data(n, seed=2),
        name_differs=True,  # torch: NativeLayerNormBackward0 (a composition here)
    )
    check_grad(
        lambda m, x: m.nn.functional.layer_norm(x, normalized), data(shape), name_differs=True
    )


def test_layer_norm_module():
    def run(m):
        layer = m.nn.LayerNorm(4, dtype=m.float64)
        with m.no_grad():
            layer.weight.copy_(m.tensor(data((4,), 3)))
            layer.bias.copy_(m.tensor(data((4,), 4)))
        x = m.tensor(data((2, 3, 4)), requires_grad=True)
        out = layer(x)
        out.pow(2).sum().backward()
        return out, x.grad, layer.weight.grad, layer.bias.grad

    for ours, theirs in zip(*reversed(both(run)), strict=True):
        assert_close(ours, theirs)


@pytest.mark.parametrize(
    "fn",
    [
        lambda m: m.nn.LayerNorm(4)(m.ones(3, 5)),
        lambda m: m.nn.LayerNorm((2, 4))(m.ones(3, 5, 4)),
        lambda m: m.nn.LayerNorm((2, 4))(m.ones(4)),
        lambda m: m.nn.functional.layer_norm(m.ones(3, 4), (4,), m.ones(3)),
        lambda m: m.nn.functional.layer_norm(m.ones(3, 4), 4),
    ],
)
def test_layer_norm_errors(fn):
    result = same_outcome(fn)
    assert isinstance(result, tuple)


# ---------------------------------------------------------------------------- batch norm


@pytest.mark.parametrize("shape", [(5, 3), (4, 3, 2)])
def test_batch_norm_training_values_and_gradients(shape):
    check_grad(
        lambda m, x, w, b: m.nn.functional.batch_norm(x, None, None, w, b, training=True),
        data(shape),
        data((3,), 1),
        data((3,), 2),
        name_differs=True,  # torch: NativeBatchNormBackward0 (a composition here)
    )


def test_batch_norm_eval_values_and_gradients():
    mean, var = data((3,), 5), data((3,), 6, 0.5, 2.0)

    def fn(m, x, w, b):
        rm = m.tensor(mean, dtype=m.float64)
        rv = m.tensor(var, dtype=m.float64)
        return m.nn.functional.batch_norm(x, rm, rv, w, b, training=False, eps=1e-3)

    check_grad(fn, data((4, 3, 2)), data((3,), 1), data((3,), 2), name_differs=True)


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"momentum": None}, {"momentum": 0.3, "affine": False}, {"track_running_stats": False}],
)
@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5)])
def test_batch_norm_running_statistics_and_eval(kwargs, shape):
    def run(m):
        layer = m.nn.BatchNorm1d(3, dtype=m.float64, **kwargs)
        results = []
        for step in range(4):
            x = m.tensor(data(shape, seed=step, low=-1.0, high=3.0), requires_grad=True)
            out = layer(x)
            (out * m.tensor(data(shape, seed=10 + step))).sum().backward()
            results += [out, x.grad]
        state = {k: v.clone() for k, v in layer.state_dict().items()}
        layer.eval()
        x = m.tensor(data(shape, seed=20), requires_grad=True)
        out = layer(x)
        out.sum().backward()
        results += [out, x.grad]
        layer.train()
        results.append(layer(m.tensor(data(shape, seed=21))))
        return results, state, layer.training

    (t_results, t_state, t_training), (o_results, o_state, o_training) = both(run)
    assert o_training == t_training
    for ours, theirs in zip(o_results, t_results, strict=True):
        assert_close(ours, theirs)
    assert list(o_state) == list(t_state)
    for key in t_state:
        if t_state[key].dtype == torch.int64:
            assert o_state[key].item() == t_state[key].item()
            assert str(o_state[key].dtype) == str(t_state[key].dtype)
        else:
            assert_close(o_state[key], t_state[key])


def test_batch_norm_eval_does_not_update_buffers():
    def run(m):
        layer = m.nn.BatchNorm1d(2).eval()
        layer(m.tensor(data((4, 2))).float())
        return [array(b).tolist() for b in layer.buffers()]

    theirs, ours = both(run)
    assert ours == theirs


@pytest.mark.parametrize(
    "fn",
    [
        lambda m: m.nn.BatchNorm1d(3)(m.ones(2, 3, 4, 5)),
        lambda m: m.nn.BatchNorm1d(3)(m.ones(3)),
        lambda m: m.nn.BatchNorm1d(3)(m.ones(1, 3)),
        lambda m: m.nn.BatchNorm1d(3)(m.ones(4, 5)),
        lambda m: m.nn.BatchNorm1d(3).eval()(m.ones(4, 5)),
        lambda m: m.nn.BatchNorm1d(3, track_running_stats=False)(m.ones(4, 5)),
        lambda m: m.nn.functional.batch_norm(m.ones(4, 5), None, None, None, m.ones(2), True),
        lambda m: m.nn.functional.batch_norm(m.ones(4), None, None, training=True),
    ],
)
def test_batch_norm_errors(fn):
    result = same_outcome(fn)
    assert isinstance(result, tuple)


def test_batch_norm_single_sample_in_eval():
    theirs, ours = both(lambda m: m.nn.BatchNorm1d(3).eval()(m.ones(1, 3) * 2))
    assert_close(ours, theirs, rtol=1e-6)


# ---------------------------------------------------------------------------- embedding


@pytest.mark.parametrize("padding_idx", [None, 1, -1])
def test_embedding_values_and_gradients(padding_idx):
    indices = [[0, 1, 3], [1, 3, 3]]

    def run(m):
        m.manual_seed(3)
        layer = m.nn.Embedding(4, 5, padding_idx=padding_idx, dtype=m.float64)
        out = layer(m.tensor(indices))
        (out * m.tensor(data((2, 3, 5)))).sum().backward()
        return out, layer.weight.grad, grad_name(m, out)

    (t_out, t_grad, t_name), (o_out, o_grad, o_name) = both(run)
    assert o_name == t_name == "EmbeddingBackward0"
    assert_close(o_out, t_out)
    assert_close(o_grad, t_grad)


def test_embedding_functional():
    check_grad(
        lambda m, w: m.nn.functional.embedding(m.tensor([[2, 0], [2, 2]]), w, padding_idx=0),
        data((3, 4)),
    )


@pytest.mark.parametrize(
    "fn",
    [
        lambda m: m.nn.Embedding(4, 2)(m.tensor([0, 4])),
        lambda m: m.nn.Embedding(4, 2)(m.tensor([-1])),
        lambda m: m.nn.Embedding(4, 2)(m.tensor([0.0, 1.0])),
        lambda m: m.nn.Embedding(4, 2, padding_idx=4),
        lambda m: m.nn.Embedding(4, 2, padding_idx=-5),
    ],
)
def test_embedding_errors(fn):
    result = same_outcome(fn)
    assert isinstance(result, tuple)


# ---------------------------------------------------------------------------- losses


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("beta", [1.0, 0.5, 0.0])
def test_smooth_l1_loss(reduction, beta):
    check_grad(
        lambda m, x, y: m.nn.SmoothL1Loss(reduction=reduction, beta=beta)(x, y),
        data((3, 4)),
        data((3, 4), 1),
    )


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("delta", [1.0, 0.5, 2.5])
def test_huber_loss(reduction, delta):
    check_grad(
        lambda m, x, y: m.nn.HuberLoss(reduction=reduction, delta=delta)(x, y),
        data((3, 4)),
        data((3, 4), 1),
    )


@pytest.mark.parametrize("reduction", ["sum", "none", "batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div(reduction, log_target):
    target = data((3, 4), 1, 0.05, 1.0)
    target[0, 0] = 0.0  # xlogy(0, 0) = 0
    if log_target:
        target = np.log(target + 0.1)
    check_grad(
        lambda m, x: m.nn.KLDivLoss(reduction=reduction, log_target=log_target)(
            x, m.tensor(target, dtype=m.float64)
        ),
        data((3, 4), low=-3.0, high=-0.1),
    )
    check_grad(
        lambda m, x, y: m.nn.functional.kl_div(x, y, reduction=reduction, log_target=True),
        data((3, 4)),
        data((3, 4), 2),
    )


def test_kl_div_mean_warns_like_torch():
    def run(m):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = m.nn.KLDivLoss()(m.tensor(data((2, 3))), m.tensor(data((2, 3), 1, 0.1, 1.0)))
        return [str(w.message) for w in caught], [w.category.__name__ for w in caught], out

    (t_messages, t_categories, t_out), (o_messages, o_categories, o_out) = both(run)
    assert o_messages == t_messages
    assert o_categories == t_categories
    assert_close(o_out, t_out)


@pytest.mark.parametrize(
    "fn",
    [
        lambda m: m.nn.functional.smooth_l1_loss(m.ones(2), m.zeros(2), beta=-1.0),
        lambda m: m.nn.functional.huber_loss(m.ones(2), m.zeros(2), delta=0.0),
        lambda m: m.nn.functional.huber_loss(m.ones(2), m.zeros(3)),
        lambda m: m.nn.functional.kl_div(m.ones(2), m.zeros(2), reduction="bad"),
        lambda m: m.nn.functional.smooth_l1_loss(m.ones(2), m.zeros(2), reduction="bad"),
    ],
)
def test_loss_errors(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = same_outcome(fn)
    assert isinstance(result, tuple)


def test_loss_reprs_of_values():
    def run(m):
        x = m.tensor([0.5, 3.0, -1.0], requires_grad=True)
        y = m.zeros(3)
        return [
            repr(m.nn.functional.smooth_l1_loss(x, y)),
            repr(m.nn.functional.huber_loss(x, y, delta=2.0)),
            repr(m.nn.functional.smooth_l1_loss(x, y, beta=0.0)),
            repr(m.nn.functional.kl_div(x, y.exp() / 3, reduction="batchmean")),
        ]

    theirs, ours = both(run)
    assert ours == theirs
