"""``tracegrad.optim`` against ``torch.optim``: every optimizer trains the same small
float64 network in both libraries and must follow the same parameter trajectory (relative
error at most 1e-10 over 100 steps), keep a ``state_dict`` of the same structure, resume
from it exactly, and print the same repr; the schedulers must give the same learning
rates."""

from __future__ import annotations

import copy
import warnings

import numpy as np
import pytest

import tracegrad

torch = pytest.importorskip("torch", reason="PyTorch is the oracle for the optimizer tests")

STEPS = 100
RTOL = 1e-10

# ----------------------------------------------------------------------------- the model

_rng = np.random.default_rng(0)
DATA = {
    "x": _rng.standard_normal((16, 4)),
    "y": _rng.standard_normal((16, 2)),
}
INIT = {
    "w1": _rng.standard_normal((4, 8)) * 0.5,
    "b1": _rng.standard_normal(8) * 0.1,
    "w2": _rng.standard_normal((8, 2)) * 0.5,
    "b2": _rng.standard_normal(2) * 0.1,
}


def make_params(lib, init=INIT):
    return [lib.tensor(v.copy(), dtype=lib.float64, requires_grad=True) for v in init.values()]


def mse(lib, params, sign=1.0):
    """A two-layer tanh net's mean squared error, from basic tensor operations."""
    w1, b1, w2, b2 = params
    x = lib.tensor(DATA["x"], dtype=lib.float64)
    y = lib.tensor(DATA["y"], dtype=lib.float64)
    out = lib.tanh(x @ w1 + b1) @ w2 + b2
    return ((out - y) ** 2).mean() * sign


def values(params):
    return [p.detach().numpy().copy() for p in params]


def train(lib, name, kwargs, steps=STEPS, params=None, optimizer=None, groups=None):
    """Run ``steps`` steps; return the parameter values after each step, the optimizer
    and the parameters."""
    params = make_params(lib) if params is None else params
    if optimizer is None:
        spec = params if groups is None else groups(params)
        optimizer = getattr(lib.optim, name)(spec, **kwargs)
    sign = -1.0 if kwargs.get("maximize") else 1.0
    trajectory = []
    for _ in range(steps):
        optimizer.zero_grad()
        mse(lib, params, sign).backward()
        optimizer.step()
        trajectory.append(values(params))
    return trajectory, optimizer, params


def assert_trajectories_agree(ours, theirs, rtol=RTOL):
    assert len(ours) == len(theirs)
    for step, (a_params, b_params) in enumerate(zip(ours, theirs)):
        for i, (a, b) in enumerate(zip(a_params, b_params)):
            error = np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-300)
            assert error <= rtol, f"step {step + 1}, parameter {i}: relative error {error:.3g}"


def structure(obj):
    """A comparable description of a state_dict: keys, value types, dtypes and shapes."""
    if isinstance(obj, dict):
        return {k: structure(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj).__name__, [structure(v) for v in obj]
    if isinstance(obj, (torch.Tensor, tracegrad.Tensor)):
        return "Tensor", str(obj.dtype).replace("torch.", ""), tuple(obj.shape)
    if isinstance(obj, float):
        return "float"
    if isinstance(obj, int | bool | str) or obj is None:
        return type(obj).__name__, obj
    return type(obj).__name__


def to_tracegrad(obj):
    """A torch state_dict with its tensors turned into tracegrad tensors."""
    if isinstance(obj, dict):
        return {k: to_tracegrad(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return type(obj)(to_tracegrad(v) for v in obj)
    if isinstance(obj, torch.Tensor):
        dtype = getattr(tracegrad, str(obj.dtype).replace("torch.", ""))
        return tracegrad.tensor(obj.detach().numpy().copy(), dtype=dtype)
    return obj


# ----------------------------------------------------------------------------- the grid

CONFIGS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.1, "weight_decay": 0.05, "maximize": True}),
    ("SGD", {"lr": 5e-4, "momentum": 0.9, "weight_decay": 0.0}),  # the homework's defaults
    ("Adam", {}),
    ("Adam", {"lr": 0.01, "amsgrad": True}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True, "maximize": True}),
    (
        "Adam",
        {
            "lr": 0.01,
            "betas": (0.8, 0.99),
            "eps": 1e-6,
            "decoupled_weight_decay": True,
            "weight_decay": 0.1,
        },
    ),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.01, "maximize": True}),
    ("RMSprop", {}),
    ("RMSprop", {"lr": 0.005, "centered": True}),
    ("RMSprop", {"lr": 0.005, "momentum": 0.9}),
    ("RMSprop", {"lr": 0.005, "momentum": 0.5, "centered": True, "weight_decay": 0.01}),
    # (with alpha=0.9, eps=1e-6 RMSprop's nearly sign-like steps make this run chaotic after
    # ~60 steps: one-ulp differences of the matmuls grow to 1e-4 in torch against itself on
    # another CPU too, so the grid keeps to settings whose trajectory is well conditioned)
    ("RMSprop", {"lr": 0.005, "alpha": 0.95, "eps": 1e-4, "maximize": True}),
    ("Adagrad", {}),
    ("Adagrad", {"lr": 0.05, "lr_decay": 0.01, "weight_decay": 0.01}),
    ("Adagrad", {"lr": 0.05, "initial_accumulator_value": 0.1, "maximize": True}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.95, "weight_decay": 0.01}),
    ("Adadelta", {"eps": 1e-5, "maximize": True}),
    ("Adamax", {}),
    ("Adamax", {"lr": 0.01, "betas": (0.8, 0.99), "weight_decay": 0.01}),
    ("Adamax", {"lr": 0.01, "maximize": True}),
    ("NAdam", {}),
    ("NAdam", {"lr": 0.01, "weight_decay": 0.01, "momentum_decay": 0.01}),
    ("NAdam", {"lr": 0.01, "weight_decay": 0.05, "decoupled_weight_decay": True}),
    ("NAdam", {"lr": 0.01, "maximize": True}),
    ("RAdam", {}),
    ("RAdam", {"lr": 0.01, "weight_decay": 0.01}),
    ("RAdam", {"lr": 0.01, "weight_decay": 0.05, "decoupled_weight_decay": True}),
    ("RAdam", {"lr": 0.01, "maximize": True}),
]


def _id(config):
    name, kwargs = config
    return name + "".join(f"-{k}={v}" for k, v in kwargs.items())


@pytest.mark.parametrize("config", CONFIGS, ids=[_id(c) for c in CONFIGS])
def test_trajectory_and_state_dict_match_torch(config):
    name, kwargs = config
    ours, our_optimizer, _ = train(tracegrad, name, kwargs)
    theirs, their_optimizer, _ = train(torch, name, kwargs)
    assert_trajectories_agree(ours, theirs)
    assert structure(our_optimizer.state_dict()) == structure(their_optimizer.state_dict())
    assert repr(our_optimizer) == repr(their_optimizer)


def _two_groups(params):
    return [{"params": params[:2]}, {"params": params[2:], "lr": 0.01, "weight_decay": 0.1}]


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop"])
def test_param_groups_with_their_own_options(name):
    kwargs = {"lr": 0.03, "momentum": 0.9} if name != "Adam" else {"lr": 0.03}
    ours, our_optimizer, _ = train(tracegrad, name, kwargs, groups=_two_groups)
    theirs, their_optimizer, _ = train(torch, name, kwargs, groups=_two_groups)
    assert_trajectories_agree(ours, theirs)
    assert structure(our_optimizer.state_dict()) == structure(their_optimizer.state_dict())
    assert repr(our_optimizer) == repr(their_optimizer)


def test_parameters_without_grad_are_skipped():
    def run(lib):
        params = make_params(lib)
        optimizer = lib.optim.Adam(params, lr=0.1)
        for _ in range(3):
            optimizer.zero_grad()
            loss = mse(lib, [params[0], params[1], params[2].detach(), params[3]])
            loss.backward()
            optimizer.step()
        return values(params), sorted(optimizer.state_dict()["state"])

    (ours, our_keys), (theirs, their_keys) = run(tracegrad), run(torch)
    assert our_keys == their_keys == [0, 1, 3]
    assert_trajectories_agree([ours], [theirs])


# ----------------------------------------------------------------------------- resuming

RESUME = [
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("Adam", {"lr": 0.01, "amsgrad": True}),
    ("AdamW", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.005, "momentum": 0.5, "centered": True}),
    ("Adagrad", {"lr": 0.05}),
    ("Adadelta", {}),
    ("Adamax", {"lr": 0.01}),
    ("NAdam", {"lr": 0.01}),
    ("RAdam", {"lr": 0.01}),
]


def resumed_run(lib, name, kwargs, convert=None):
    """Train half the steps, save a deep copy of the state_dict, rebuild parameters and
    optimizer from it and train the other half; ``convert`` maps the saved dict (torch's,
    for a cross-library resume)."""
    half = STEPS // 2
    source = torch if convert is not None else lib
    first, optimizer, _ = train(source, name, kwargs, steps=half)
    saved = copy.deepcopy(optimizer.state_dict())
    fresh = make_params(lib, dict(zip(INIT, first[-1])))
    resumed = getattr(lib.optim, name)(fresh, **kwargs)
    resumed.load_state_dict(convert(saved) if convert is not None else saved)
    second, _, _ = train(lib, name, kwargs, steps=STEPS - half, params=fresh, optimizer=resumed)
    return first + second, resumed


@pytest.mark.parametrize("config", RESUME, ids=[_id(c) for c in RESUME])
def test_resume_from_state_dict(config):
    name, kwargs = config
    ours, our_optimizer = resumed_run(tracegrad, name, kwargs)
    theirs, their_optimizer = resumed_run(torch, name, kwargs)
    assert_trajectories_agree(ours, theirs)
    assert structure(our_optimizer.state_dict()) == structure(their_optimizer.state_dict())
    if name != "NAdam":
        # resuming is exact; NAdam is not, in torch either: load_state_dict casts its
        # float32 ``mu_product`` to the parameters' float64 (only ``step`` keeps its dtype)
        whole, _, _ = train(tracegrad, name, kwargs)
        for a, b in zip(ours, whole):
            for x, y in zip(a, b):
                np.testing.assert_array_equal(x, y)

    # torch's own state_dict, converted, resumes a tracegrad run on torch's trajectory
    crossed, _ = resumed_run(tracegrad, name, kwargs, convert=to_tracegrad)
    assert_trajectories_agree(crossed, theirs)


def test_state_dict_format():
    def run(lib):
        params = make_params(lib)
        optimizer = lib.optim.Adam([{"params": params[:3]}, {"params": params[3:], "lr": 0.5}])
        optimizer.zero_grad()
        mse(lib, params).backward()
        optimizer.step()
        return optimizer.state_dict()

    ours, theirs = run(tracegrad), run(torch)
    assert list(ours) == ["state", "param_groups"]
    assert ours["param_groups"] == theirs["param_groups"]
    assert [g["params"] for g in ours["param_groups"]] == [[0, 1, 2], [3]]
    assert structure(ours) == structure(theirs)
    assert ours["state"][0]["step"].item() == 1.0


def test_adagrad_state_exists_before_the_first_step():
    ours = tracegrad.optim.Adagrad(make_params(tracegrad), initial_accumulator_value=0.5)
    theirs = torch.optim.Adagrad(make_params(torch), initial_accumulator_value=0.5)
    assert structure(ours.state_dict()) == structure(theirs.state_dict())
    np.testing.assert_array_equal(ours.state_dict()["state"][1]["sum"].numpy(), 0.5)


def test_load_state_dict_errors():
    def scenario(lib):
        params = make_params(lib)
        saved = lib.optim.SGD(params[:2], lr=0.1).state_dict()
        lib.optim.SGD(params, lr=0.1).load_state_dict(saved)

    def scenario_groups(lib):
        params = make_params(lib)
        saved = lib.optim.SGD(params, lr=0.1).state_dict()
        lib.optim.SGD([{"params": params[:2]}, {"params": params[2:]}], lr=0.1).load_state_dict(
            saved
        )

    for case in (scenario, scenario_groups):
        assert outcome(case, tracegrad) == outcome(case, torch)


def test_load_state_dict_restores_options():
    params = make_params(tracegrad)
    optimizer = tracegrad.optim.SGD(params, lr=0.1, momentum=0.9)
    saved = copy.deepcopy(optimizer.state_dict())
    optimizer.param_groups[0]["lr"] = 0.5
    optimizer.load_state_dict(saved)
    assert optimizer.param_groups[0]["lr"] == 0.1
    assert all(a is b for a, b in zip(optimizer.param_groups[0]["params"], params))


# ----------------------------------------------------------------------------- behaviour


def outcome(scenario, lib):
    """What ``scenario(lib)`` returns, or the type and message of the error it raises."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = scenario(lib)
        return "ok", result, [str(w.message) for w in caught]
    except Exception as error:  # noqa: BLE001 - the error itself is compared
        return "error", type(error).__name__, str(error)


def _bad(name, **kwargs):
    return lambda lib: getattr(lib.optim, name)(make_params(lib), **kwargs) and None


ERRORS = {
    "sgd-lr": _bad("SGD", lr=-1),
    "sgd-momentum": _bad("SGD", momentum=-0.5),
    "sgd-weight-decay": _bad("SGD", weight_decay=-1e-3),
    "sgd-nesterov": _bad("SGD", nesterov=True),
    "sgd-nesterov-dampening": _bad("SGD", momentum=0.9, dampening=0.1, nesterov=True),
    "sgd-fused-foreach": _bad("SGD", fused=True, foreach=True),
    "adam-lr": _bad("Adam", lr=-0.1),
    "adam-beta0": _bad("Adam", betas=(1.0, 0.999)),
    "adam-beta1": _bad("Adam", betas=(0.9, -0.1)),
    "adam-eps": _bad("Adam", eps=-1.0),
    "adam-weight-decay": _bad("Adam", weight_decay=-1.0),
    "adam-int-betas": _bad("Adam", betas=(0, 0.999)),
    "adamw-lr": _bad("AdamW", lr=-1),
    "rmsprop-alpha": _bad("RMSprop", alpha=-0.5),
    "rmsprop-momentum": _bad("RMSprop", momentum=-0.5),
    "rmsprop-eps": _bad("RMSprop", eps=-0.5),
    "adagrad-lr-decay": _bad("Adagrad", lr_decay=-0.5),
    "adagrad-initial": _bad("Adagrad", initial_accumulator_value=-0.5),
    "adadelta-rho": _bad("Adadelta", rho=1.5),
    "adamax-beta": _bad("Adamax", betas=(0.9, 1.0)),
    "nadam-momentum-decay": _bad("NAdam", momentum_decay=-0.1),
    "radam-eps": _bad("RAdam", eps=-0.1),
    "empty": lambda lib: lib.optim.SGD([], lr=0.1),
    "tensor-params": lambda lib: lib.optim.SGD(lib.zeros(2, requires_grad=True), lr=0.1),
    "set-params": lambda lib: lib.optim.SGD(
        [{"params": {lib.zeros(2, requires_grad=True)}}], lr=0.1
    ),
    "not-a-tensor": lambda lib: lib.optim.SGD([1.0], lr=0.1),
    "non-leaf": lambda lib: lib.optim.SGD([lib.zeros(2, requires_grad=True) * 2], lr=0.1),
    "two-groups": lambda lib: _shared_param_groups(lib),
    "missing-required": lambda lib: _missing_params(lib),
    "duplicate-warning": lambda lib: len(_duplicate(lib).param_groups[0]["params"]),
    "names-mixed": lambda lib: lib.optim.SGD(
        [("a", lib.zeros(1, requires_grad=True)), lib.zeros(1, requires_grad=True)]
    ),
}


def _shared_param_groups(lib):
    w = lib.zeros(2, requires_grad=True)
    lib.optim.SGD([{"params": [w]}, {"params": [w], "lr": 0.1}], lr=0.1)


def _missing_params(lib):
    lib.optim.SGD([{"lr": 0.1}], lr=0.1)


def _duplicate(lib):
    w = lib.zeros(2, requires_grad=True)
    return lib.optim.SGD([w, w], lr=0.1)


@pytest.mark.parametrize("case", list(ERRORS), ids=list(ERRORS))
def test_errors_and_warnings_as_torch(case):
    assert outcome(ERRORS[case], tracegrad) == outcome(ERRORS[case], torch)


def test_named_parameters_and_repr_of_several_groups():
    def run(lib):
        params = make_params(lib)
        optimizer = lib.optim.SGD(
            [
                {"params": [("w1", params[0]), ("b1", params[1])]},
                {"params": [("w2", params[2])], "lr": 0.5, "nesterov": True, "momentum": 0.9},
            ],
            lr=0.1,
        )
        optimizer.add_param_group({"params": [("b2", params[3])], "weight_decay": 0.5})
        return repr(optimizer), optimizer.state_dict()["param_groups"]

    assert run(tracegrad) == run(torch)


def test_add_param_group_then_step():
    def run(lib):
        params = make_params(lib)
        optimizer = lib.optim.Adam(params[:2], lr=0.05)
        optimizer.add_param_group({"params": params[2:], "lr": 0.01, "amsgrad": True})
        trajectory = []
        for _ in range(20):
            optimizer.zero_grad()
            mse(lib, params).backward()
            optimizer.step()
            trajectory.append(values(params))
        return trajectory, repr(optimizer)

    (ours, our_repr), (theirs, their_repr) = run(tracegrad), run(torch)
    assert_trajectories_agree(ours, theirs)
    assert our_repr == their_repr


@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad(set_to_none):
    params = make_params(tracegrad)
    optimizer = tracegrad.optim.SGD(params, lr=0.1)
    mse(tracegrad, params).backward()
    grads = [p.grad for p in params]
    optimizer.zero_grad(set_to_none=set_to_none)
    for p, g in zip(params, grads):
        if set_to_none:
            assert p.grad is None
        else:
            assert p.grad is g
            assert not p.grad.numpy().any()


def test_step_with_closure_returns_the_loss_and_runs_without_graph():
    params = make_params(tracegrad)
    optimizer = tracegrad.optim.SGD(params, lr=0.1)
    seen = []

    def closure():
        optimizer.zero_grad()
        loss = mse(tracegrad, params)
        seen.append(tracegrad.is_grad_enabled())
        loss.backward()
        return loss

    with tracegrad.no_grad():
        loss = optimizer.step(closure)
    assert seen == [True]
    assert float(loss) == pytest.approx(float(mse(tracegrad, make_params(tracegrad))))
    assert all(p.grad_fn is None and p.requires_grad for p in params)
    assert tracegrad.is_grad_enabled()


def test_step_hooks():
    params = make_params(tracegrad)
    optimizer = tracegrad.optim.SGD(params, lr=0.1)
    calls = []
    pre = optimizer.register_step_pre_hook(lambda opt, args, kwargs: calls.append("pre"))
    optimizer.register_step_post_hook(lambda opt, args, kwargs: calls.append("post"))
    optimizer.step()
    pre.remove()
    optimizer.step()
    assert calls == ["pre", "post", "post"]


def test_float32_parameters_follow_torch():
    init32 = {k: v.astype(np.float32) for k, v in INIT.items()}

    def run(lib):
        params = [lib.tensor(v, requires_grad=True) for v in init32.values()]
        optimizer = lib.optim.Adam(params, lr=0.01)
        x = lib.tensor(DATA["x"].astype(np.float32))
        y = lib.tensor(DATA["y"].astype(np.float32))
        for _ in range(20):
            optimizer.zero_grad()
            w1, b1, w2, b2 = params
            ((lib.tanh(x @ w1 + b1) @ w2 + b2 - y) ** 2).mean().backward()
            optimizer.step()
        return [values(params)], optimizer.state_dict()

    (ours, our_state), (theirs, their_state) = run(tracegrad), run(torch)
    assert_trajectories_agree(ours, theirs, rtol=1e-5)
    assert structure(our_state) == structure(their_state)


@pytest.mark.parametrize(
    "name, options, exact",
    [
        ("Adam", {"lr": 1e-3}, ["exp_avg", "exp_avg_sq"]),
        ("Adam", {"lr": 1e-3, "amsgrad": True}, ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"]),
        ("Adam", {"lr": 1e-3, "maximize": True, "betas": (0.3, 0.99)}, ["exp_avg", "exp_avg_sq"]),
        ("AdamW", {"lr": 1e-3}, ["exp_avg", "exp_avg_sq"]),
        ("NAdam", {"lr": 1e-3}, ["exp_avg", "exp_avg_sq"]),
        ("RAdam", {"lr": 1e-3}, ["exp_avg", "exp_avg_sq"]),
        ("RMSprop", {"lr": 1e-3, "centered": True}, ["square_avg", "grad_avg"]),
        ("Adagrad", {"lr": 1e-2}, ["sum"]),
        ("Adadelta", {}, ["square_avg"]),
        ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}, "all"),
    ],
)
def test_float32_updates_match_torch_bit_for_bit(name, options, exact):
    """A large parameter (the fast path updates it a block at a time, with matching
    blocks of its gradient and buffers) and a transposed one follow torch in float32:
    the buffers that depend on the gradients alone bit for bit (torch's fused
    multiply-adds in ``lerp``, ``addcmul`` and ``add(alpha=)`` included), the parameters
    exactly for SGD and to float32 rounding for the others (torch's float32 ``sqrt`` on
    the CPU is not correctly rounded: about one result in six differs from NumPy's by
    one unit in the last place, and whatever is computed from it inherits that)."""
    rng = np.random.default_rng(3)
    shapes = [(300, 701), (64, 33)]
    init = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    grads = [[rng.standard_normal(s).astype(np.float32) for s in shapes] for _ in range(4)]

    def run(lib):
        big = lib.tensor(init[0], requires_grad=True)
        strided = lib.tensor(init[1].T.copy()).t().requires_grad_()  # a transposed leaf
        params = [big, strided]
        optimizer = getattr(lib.optim, name)(params, **options)
        for step_grads in grads:
            for p, g in zip(params, step_grads, strict=True):
                p.grad = lib.tensor(g)
            optimizer.step()
        buffers = {
            (i, key): value.numpy().copy()
            for i, p in enumerate(params)
            for key, value in optimizer.state[p].items()
            if key != "step" and (exact == "all" or key in exact)
        }
        return [p.detach().numpy().copy() for p in params], buffers

    (ours, our_buffers), (theirs, their_buffers) = run(tracegrad), run(torch)
    assert our_buffers.keys() == their_buffers.keys()
    assert len(our_buffers) == 2 * (1 if exact == "all" else len(exact))
    for key, value in our_buffers.items():
        np.testing.assert_array_equal(value, their_buffers[key], err_msg=str(key))
    for a, b in zip(ours, theirs, strict=True):
        if name == "SGD":
            np.testing.assert_array_equal(a, b)
        else:
            np.testing.assert_allclose(a, b, rtol=2e-6, atol=2e-7)  # one ulp at |x| ~ 1


# ----------------------------------------------------------------------------- schedulers

SCHEDULERS = {
    "StepLR": ("SGD", lambda s, o: s.StepLR(o, step_size=7, gamma=0.5)),
    "MultiStepLR": ("SGD", lambda s, o: s.MultiStepLR(o, milestones=[10, 30, 30, 75], gamma=0.3)),
    "ExponentialLR": ("SGD", lambda s, o: s.ExponentialLR(o, gamma=0.97)),
    "CosineAnnealingLR": ("SGD", lambda s, o: s.CosineAnnealingLR(o, T_max=40, eta_min=1e-3)),
    "CosineAnnealingLR-restart": ("Adam", lambda s, o: s.CosineAnnealingLR(o, T_max=10)),
    "CyclicLR": ("SGD", lambda s, o: s.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4)),
    "CyclicLR-triangular2": (
        "Adam",
        lambda s, o: s.CyclicLR(
            o, 1e-3, 1e-2, step_size_up=3, step_size_down=5, mode="triangular2"
        ),
    ),
    "CyclicLR-exp_range": (
        "SGD",
        lambda s, o: s.CyclicLR(o, 0.01, 0.1, step_size_up=5, mode="exp_range", gamma=0.97),
    ),
    "CosineAnnealingWarmRestarts": (
        "SGD",
        lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=7, T_mult=2, eta_min=1e-3),
    ),
    "LambdaLR": ("SGD", lambda s, o: s.LambdaLR(o, lr_lambda=lambda e: 0.95**e / (1 + e % 3))),
    "LambdaLR-per-group": (
        "SGD",
        lambda s, o: s.LambdaLR(o, lr_lambda=[lambda e: 1 / (1 + e), lambda e: 0.9**e]),
    ),
    "MultiplicativeLR": ("SGD", lambda s, o: s.MultiplicativeLR(o, lr_lambda=lambda e: 0.98)),
    "LinearLR": ("SGD", lambda s, o: s.LinearLR(o, start_factor=0.1, total_iters=30)),
    "LinearLR-decay": (
        "Adam",
        lambda s, o: s.LinearLR(o, start_factor=1.0, end_factor=0.05, total_iters=60),
    ),
    "ConstantLR": ("SGD", lambda s, o: s.ConstantLR(o, factor=0.25, total_iters=12)),
    "PolynomialLR": ("SGD", lambda s, o: s.PolynomialLR(o, total_iters=80, power=2.0)),
    "OneCycleLR": ("SGD", lambda s, o: s.OneCycleLR(o, max_lr=0.5, total_steps=100)),
    "OneCycleLR-adam-linear-three-phase": (
        "Adam",
        lambda s, o: s.OneCycleLR(
            o,
            max_lr=[0.01, 0.02],
            epochs=10,
            steps_per_epoch=10,
            anneal_strategy="linear",
            three_phase=True,
            pct_start=0.25,
        ),
    ),
    "SequentialLR": (
        "SGD",
        lambda s, o: s.SequentialLR(
            o,
            schedulers=[
                s.LinearLR(o, start_factor=0.1, total_iters=10),
                s.CosineAnnealingLR(o, T_max=90),
            ],
            milestones=[10],
        ),
    ),
    "ChainedScheduler": (
        "SGD",
        lambda s, o: s.ChainedScheduler(
            [s.ConstantLR(o, factor=0.5, total_iters=20), s.ExponentialLR(o, gamma=0.96)]
        ),
    ),
}


def _scheduled_optimizer(lib, name):
    params = make_params(lib)
    groups = [{"params": params[:2]}, {"params": params[2:], "lr": 0.2}]
    if name == "SGD":
        return lib.optim.SGD(groups, lr=0.1, momentum=0.9)
    return lib.optim.Adam(groups, lr=0.01)


def _lr_sequence(lib, case, epochs=100, resume_at=None):
    name, build = SCHEDULERS[case]
    optimizer = _scheduled_optimizer(lib, name)
    scheduler = build(lib.optim.lr_scheduler, optimizer)
    sequence = []
    for epoch in range(epochs):
        optimizer.step()
        sequence.append(
            (
                scheduler.get_last_lr(),
                [g["lr"] for g in optimizer.param_groups],
                [g.get("momentum", g.get("betas")) for g in optimizer.param_groups],
            )
        )
        scheduler.step()
        if resume_at == epoch:
            state = copy.deepcopy(scheduler.state_dict())
            optimizer_state = copy.deepcopy(optimizer.state_dict())
            optimizer = _scheduled_optimizer(lib, name)
            scheduler = build(lib.optim.lr_scheduler, optimizer)
            optimizer.load_state_dict(optimizer_state)
            scheduler.load_state_dict(state)
    return sequence, scheduler


@pytest.mark.parametrize("case", list(SCHEDULERS), ids=list(SCHEDULERS))
def test_scheduler_matches_torch(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, our_scheduler = _lr_sequence(tracegrad, case)
        theirs, their_scheduler = _lr_sequence(torch, case)
        resumed, _ = _lr_sequence(tracegrad, case, resume_at=37)
    assert ours == theirs
    assert resumed == ours
    ours_state, theirs_state = our_scheduler.state_dict(), their_scheduler.state_dict()
    assert list(ours_state) == list(theirs_state)
    assert structure(ours_state.get("_last_lr")) == structure(theirs_state.get("_last_lr"))


def test_reduce_lr_on_plateau():
    metrics = [1.0, 0.9, 0.9, 0.95, 0.91, 0.9, 0.89999, 0.7, 0.71, 0.72, 0.73, 0.74] * 9

    def run(lib, mode, **kwargs):
        optimizer = _scheduled_optimizer(lib, "SGD")
        scheduler = lib.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode=mode, **kwargs)
        sequence = []
        for metric in metrics:
            optimizer.step()
            scheduler.step(lib.tensor(metric if mode == "min" else -metric))
            sequence.append((scheduler.get_last_lr(), scheduler.num_bad_epochs))
        return sequence, list(scheduler.state_dict())

    for mode, kwargs in [
        ("min", {"patience": 2}),
        ("max", {"patience": 1, "factor": 0.5, "cooldown": 2, "min_lr": [0.01, 0.02]}),
        ("min", {"patience": 0, "threshold": 0.05, "threshold_mode": "abs", "eps": 1e-3}),
    ]:
        assert run(tracegrad, mode, **kwargs) == run(torch, mode, **kwargs)


def _scheduler_step_first(lib):
    optimizer = lib.optim.SGD(make_params(lib), lr=0.1)
    scheduler = lib.optim.lr_scheduler.StepLR(optimizer, step_size=2)
    scheduler.step()
    optimizer.step()
    return scheduler.get_last_lr(), optimizer.param_groups[0]["initial_lr"]


def _scheduler_get_lr_outside_step(lib):
    optimizer = lib.optim.SGD(make_params(lib), lr=0.1)
    return lib.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.5).get_lr()


def _scheduler_epoch_argument(lib):
    optimizer = lib.optim.SGD(make_params(lib), lr=0.1)
    scheduler = lib.optim.lr_scheduler.StepLR(optimizer, step_size=2)
    optimizer.step()
    scheduler.step(5)
    return scheduler.get_last_lr()


SCHEDULER_CASES = {
    "step-before-optimizer": _scheduler_step_first,
    "get-lr-outside-step": _scheduler_get_lr_outside_step,
    "epoch-argument": _scheduler_epoch_argument,
    "resume-without-initial-lr": lambda lib: lib.optim.lr_scheduler.StepLR(
        lib.optim.SGD(make_params(lib), lr=0.1), step_size=2, last_epoch=3
    ),
    "not-an-optimizer": lambda lib: lib.optim.lr_scheduler.StepLR(object(), step_size=2),
    "one-cycle-too-many-steps": lambda lib: _too_many_steps(lib),
    "one-cycle-no-momentum": lambda lib: lib.optim.lr_scheduler.OneCycleLR(
        lib.optim.Adagrad(make_params(lib)), max_lr=0.1, total_steps=10
    ),
    "plateau-factor": lambda lib: lib.optim.lr_scheduler.ReduceLROnPlateau(
        lib.optim.SGD(make_params(lib)), factor=1.0
    ),
    "linear-factor": lambda lib: lib.optim.lr_scheduler.LinearLR(
        lib.optim.SGD(make_params(lib)), start_factor=0
    ),
}


def _too_many_steps(lib):
    optimizer = lib.optim.SGD(make_params(lib), lr=0.1, momentum=0.9)
    scheduler = lib.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=3)
    for _ in range(4):
        optimizer.step()
        scheduler.step()


@pytest.mark.parametrize("case", list(SCHEDULER_CASES), ids=list(SCHEDULER_CASES))
def test_scheduler_warnings_and_errors_as_torch(case):
    assert outcome(SCHEDULER_CASES[case], tracegrad) == outcome(SCHEDULER_CASES[case], torch)


def test_initial_lr_and_base_lrs():
    def run(lib):
        optimizer = _scheduled_optimizer(lib, "SGD")
        scheduler = lib.optim.lr_scheduler.StepLR(optimizer, step_size=3)
        return (
            scheduler.base_lrs,
            [g["initial_lr"] for g in optimizer.param_groups],
            scheduler.last_epoch,
            repr(optimizer),
        )

    assert run(tracegrad) == run(torch)


def test_warm_restarts_at_fractional_epochs_match_torch():
    def rates(lib):
        optimizer = lib.optim.SGD([lib.nn.Parameter(lib.ones(1))], lr=0.1)
        scheduler = lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(optimizer, T_0=3, T_mult=2)
        seen = []
        for epoch in (0.5, 1.5, 2.999, 3.0, 4.25, 10.0, 2.0, 0):
            scheduler.step(epoch)
            seen.append((scheduler.get_last_lr()[0], scheduler.T_cur, scheduler.T_i))
        return seen

    assert rates(tracegrad) == rates(torch)
