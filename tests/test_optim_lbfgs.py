"""optim.LBFGS: same trajectory, closure evaluations and state as torch.optim.LBFGS.

The problems are small float64 ones (least squares, the Rosenbrock function, a tanh
network); each is built from the same NumPy draws in both libraries.
"""

import numpy as np
import pytest

import tracegrad
from tracegrad.optim.lbfgs import _cubic_minimizer

STATE_KEYS = {
    "func_evals",
    "n_iter",
    "d",
    "t",
    "old_dirs",
    "old_stps",
    "ro",
    "H_diag",
    "prev_flat_grad",
    "prev_loss",
    "al",
}


def _problem(lib, name):
    """(params, loss function) for one of the test problems, in library ``lib``."""
    rng = np.random.default_rng(0)

    def tensor(array, requires_grad=False):
        return lib.tensor(array, dtype=lib.float64, requires_grad=requires_grad)

    if name == "least_squares":
        a, b = tensor(rng.standard_normal((20, 5))), tensor(rng.standard_normal(20))
        x = tensor(np.zeros(5), requires_grad=True)
        return [x], lambda: ((a @ x - b) ** 2).sum()
    if name == "rosenbrock":
        x = tensor([-1.5, 2.0], requires_grad=True)
        return [x], lambda: (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
    inputs, targets = tensor(rng.standard_normal((30, 3))), tensor(rng.standard_normal((30, 1)))
    w1 = tensor(rng.standard_normal((3, 8)) * 0.5, requires_grad=True)
    b1 = tensor(rng.standard_normal(8) * 0.1, requires_grad=True)
    w2 = tensor(rng.standard_normal((8, 1)) * 0.5, requires_grad=True)
    return [w1, b1, w2], lambda: ((lib.tanh(inputs @ w1 + b1) @ w2 - targets) ** 2).mean()


def _trajectory(lib, name, steps, **options):
    """Per step: the returned loss, all parameters flattened, closure calls so far."""
    params, loss_fn = _problem(lib, name)
    optimizer = lib.optim.LBFGS(params, **options)
    calls = [0]

    def closure():
        calls[0] += 1
        optimizer.zero_grad()
        loss = loss_fn()
        loss.backward()
        return loss

    rows = []
    for _ in range(steps):
        loss = optimizer.step(closure)
        flat = np.concatenate([p.detach().numpy().ravel() for p in params])
        rows.append((float(loss.detach()), flat, calls[0]))
    return rows, optimizer


CASES = [
    ("least_squares", 20, {}),
    ("least_squares", 20, {"history_size": 3, "max_iter": 5}),
    ("least_squares", 20, {"line_search_fn": "strong_wolfe", "history_size": 2, "max_iter": 7}),
    ("least_squares", 10, {"lr": 1e-3, "max_iter": 3, "line_search_fn": "strong_wolfe"}),
    ("rosenbrock", 100, {}),
    ("rosenbrock", 100, {"line_search_fn": "strong_wolfe"}),
    ("rosenbrock", 40, {"history_size": 3, "max_iter": 5}),
    ("rosenbrock", 40, {"history_size": 3, "max_iter": 5, "line_search_fn": "strong_wolfe"}),
    ("rosenbrock", 100, {"lr": 0.3, "max_iter": 1}),
    ("rosenbrock", 30, {"lr": 2.5, "history_size": 1, "line_search_fn": "strong_wolfe"}),
    ("rosenbrock", 30, {"max_eval": 7, "max_iter": 10, "line_search_fn": "strong_wolfe"}),
    ("rosenbrock", 30, {"tolerance_change": 1e-2, "lr": 3, "line_search_fn": "strong_wolfe"}),
    # The network's loss surface amplifies last-bit differences of tanh and of the sums
    # exponentially over many iterations, so it is compared over a few steps only.
    ("network", 2, {"max_iter": 10}),
    ("network", 2, {"max_iter": 10, "line_search_fn": "strong_wolfe"}),
    ("network", 6, {"history_size": 3, "max_iter": 4, "line_search_fn": "strong_wolfe"}),
    ("network", 40, {"lr": 0.3, "max_iter": 1}),
]


@pytest.mark.parametrize(("name", "steps", "options"), CASES)
def test_trajectory_matches_torch(name, steps, options):
    torch = pytest.importorskip("torch", reason="torch is the behavioural oracle")
    expected, _ = _trajectory(torch, name, steps, **options)
    got, _ = _trajectory(tracegrad, name, steps, **options)
    for step, ((loss_e, flat_e, calls_e), (loss_g, flat_g, calls_g)) in enumerate(
        zip(expected, got)
    ):
        assert calls_g == calls_e, f"closure calls differ after step {step}"
        assert loss_g == pytest.approx(loss_e, rel=1e-10, abs=1e-300)
        error = np.linalg.norm(flat_g - flat_e) / max(np.linalg.norm(flat_e), 1e-300)
        assert error <= 1e-10, f"step {step}: relative error {error:.2e}"


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
@pytest.mark.parametrize("steps", [1, 2])
def test_state_dict_matches_torch(line_search_fn, steps):
    torch = pytest.importorskip("torch", reason="torch is the behavioural oracle")
    options = {"line_search_fn": line_search_fn, "history_size": 4, "max_iter": 3}
    _, expected = _trajectory(torch, "least_squares", steps, **options)
    _, got = _trajectory(tracegrad, "least_squares", steps, **options)
    state_e, state_g = expected.state_dict(), got.state_dict()
    assert state_g["param_groups"] == state_e["param_groups"]
    assert list(state_g["state"]) == [0]
    values_e, values_g = state_e["state"][0], state_g["state"][0]
    # torch stores the keys in this order too ("al" appears once the history is used)
    assert list(values_g) == list(values_e)
    assert set(values_g) <= STATE_KEYS
    for key, value in values_e.items():
        mine = values_g[key]
        if isinstance(value, torch.Tensor):
            np.testing.assert_allclose(mine.numpy(), value.numpy(), rtol=1e-10)
        elif isinstance(value, list):
            assert len(mine) == len(value), key
            for a, b in zip(mine, value):
                if b is None:
                    assert a is None
                else:
                    np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-10)
        else:
            assert type(mine) is type(value), key
            assert mine == pytest.approx(value, rel=1e-12), key


def test_first_loss_returned_and_rosenbrock_minimum():
    x = tracegrad.tensor([-1.5, 2.0], dtype=tracegrad.float64, requires_grad=True)
    optimizer = tracegrad.optim.LBFGS([x], line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        loss = (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
        loss.backward()
        return loss

    first = optimizer.step(closure)
    assert first.item() == pytest.approx(2.5**2 + 100 * (2.0 - 2.25) ** 2)  # f(-1.5, 2)
    for _ in range(10):
        optimizer.step(closure)
    np.testing.assert_allclose(x.detach().numpy(), [1.0, 1.0], atol=1e-5)  # argmin (1, 1)


def test_resume_from_state_dict_continues_the_same_trajectory():
    options = {"history_size": 3, "max_iter": 4, "line_search_fn": "strong_wolfe"}
    straight, _ = _trajectory(tracegrad, "least_squares", 4, **options)

    params, loss_fn = _problem(tracegrad, "least_squares")
    first = tracegrad.optim.LBFGS(params, **options)

    def make_closure(optimizer):
        def closure():
            optimizer.zero_grad()
            loss = loss_fn()
            loss.backward()
            return loss

        return closure

    for _ in range(2):
        first.step(make_closure(first))
    second = tracegrad.optim.LBFGS(params, **options)
    second.load_state_dict(first.state_dict())
    for _ in range(2):
        second.step(make_closure(second))
    np.testing.assert_allclose(params[0].detach().numpy(), straight[-1][1], rtol=1e-12)


def test_cubic_minimizer_hand_values():
    # f(x) = x³ - 3x: f(0) = 0, f'(0) = -3, f(2) = 2, f'(2) = 9; local minimum at x = 1
    assert _cubic_minimizer(0.0, 0.0, -3.0, 2.0, 2.0, 9.0) == pytest.approx(1.0)
    assert _cubic_minimizer(2.0, 2.0, 9.0, 0.0, 0.0, -3.0) == pytest.approx(1.0)
    # clipped to the bounds given
    assert _cubic_minimizer(0.0, 0.0, -3.0, 2.0, 2.0, 9.0, bounds=(1.5, 3.0)) == 1.5
    # no real minimizer (the radicand is negative): the middle of the bounds
    assert _cubic_minimizer(0.0, 0.0, 3.0, 1.0, 2.0, 3.0) == pytest.approx(0.5)


def test_errors_match_torch():
    torch = pytest.importorskip("torch", reason="torch is the behavioural oracle")
    for lib in (torch, tracegrad):
        w = lib.ones(3, requires_grad=True)
        v = lib.ones(2, requires_grad=True)
        with pytest.raises(ValueError, match="Invalid learning rate: -1"):
            lib.optim.LBFGS([w], lr=-1)
        with pytest.raises(ValueError, match="doesn't support per-parameter options"):
            lib.optim.LBFGS([{"params": [w]}, {"params": [v]}])
        with pytest.raises(TypeError, match="closure"):
            lib.optim.LBFGS([w]).step()
        optimizer = lib.optim.LBFGS([w], line_search_fn="backtracking")

        def closure(optimizer=optimizer, w=w):
            optimizer.zero_grad()
            loss = (w * w).sum()
            loss.backward()
            return loss

        with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
            optimizer.step(closure)
    assert repr(tracegrad.optim.LBFGS([w])) == repr(torch.optim.LBFGS([torch.ones(1)]))
