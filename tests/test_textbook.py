"""Introductory textbook code (data manipulation, linear algebra, autograd) prints the same
on tracegrad and on PyTorch. Each snippet is run with ``torch`` bound to either library
and its printed output compared line by line."""

from __future__ import annotations

import contextlib
import io
import textwrap

import pytest

import tracegrad

SNIPPETS = {
    "data_manipulation": """
        x = torch.arange(12)
        print(x, x.shape, x.numel())
        X = x.reshape(3, 4)
        print(X)
        print(torch.zeros((2, 3, 4)))
        print(torch.ones((2, 3, 4)))
        print(torch.tensor([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]]))
        x = torch.tensor([1.0, 2, 4, 8])
        y = torch.tensor([2, 2, 2, 2])
        print(x + y, x - y, x * y, x / y, x ** y)
        print(torch.exp(x))
        X = torch.arange(12, dtype=torch.float32).reshape((3, 4))
        Y = torch.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])
        print(torch.cat((X, Y), dim=0), torch.cat((X, Y), dim=1))
        print(X == Y)
        print(X.sum())
        a = torch.arange(3).reshape((3, 1))
        b = torch.arange(2).reshape((1, 2))
        print(a, b, a + b)
        print(X[-1], X[1:3])
        X[1, 2] = 9
        print(X)
        X[0:2, :] = 12
        print(X)
        Z = torch.zeros_like(Y)
        Z[:] = X + Y
        print(Z)
        before = id(X)
        X += Y
        print(id(X) == before)
        A = X.numpy()
        B = torch.tensor(A)
        print(type(A).__name__, type(B).__name__)
        a = torch.tensor([3.5])
        print(a, a.item(), float(a), int(a))
    """,
    "linear_algebra": """
        x = torch.tensor(3.0)
        y = torch.tensor(2.0)
        print(x + y, x * y, x / y, x**y)
        x = torch.arange(4)
        print(x, x[3], len(x), x.shape)
        A = torch.arange(20).reshape(5, 4)
        print(A, A.T)
        B = torch.tensor([[1, 2, 3], [2, 0, 4], [3, 4, 5]])
        print(B == B.T)
        X = torch.arange(24).reshape(2, 3, 4)
        print(X)
        A = torch.arange(20, dtype=torch.float32).reshape(5, 4)
        B = A.clone()
        print(A, A + B, A * B)
        a = 2
        print(a + X, (a * X).shape)
        print(A.shape, A.sum())
        A_sum_axis0 = A.sum(axis=0)
        print(A_sum_axis0, A_sum_axis0.shape)
        print(A.sum(axis=[0, 1]), A.mean(), A.sum() / A.numel())
        print(A.mean(axis=0), A.sum(axis=0) / A.shape[0])
        sum_A = A.sum(axis=1, keepdims=True)
        print(sum_A, A / sum_A)
        print(A.cumsum(axis=0))
        y = torch.ones(4, dtype=torch.float32)
        x = torch.arange(4, dtype=torch.float32)
        print(x, y, torch.dot(x, y), torch.sum(x * y))
        print(torch.mv(A, x))
        B = torch.ones(4, 3)
        print(torch.mm(A, B))
        u = torch.tensor([3.0, -4.0])
        print(torch.norm(u), torch.abs(u).sum(), torch.norm(torch.ones((4, 9))))
    """,
    "autograd": """
        x = torch.arange(4.0)
        x.requires_grad_(True)
        print(x.grad)
        y = 2 * torch.dot(x, x)
        print(y)
        y.backward()
        print(x.grad, x.grad == 4 * x)
        x.grad.zero_()
        y = x.sum()
        y.backward()
        print(x.grad)
        x.grad.zero_()
        y = x * x
        y.sum().backward()
        print(x.grad)
        x.grad.zero_()
        y = x * x
        u = y.detach()
        z = u * x
        z.sum().backward()
        print(x.grad == u)
        x.grad.zero_()
        y.sum().backward()
        print(x.grad == 2 * x)

        def f(a):
            b = a * 2
            while b.norm() < 1000:
                b = b * 2
            if b.sum() > 0:
                c = b
            else:
                c = 100 * b
            return c

        torch.manual_seed(0)
        a = torch.randn(size=(), requires_grad=True)
        d = f(a)
        d.backward()
        print(a.grad == d / a)
    """,
    "linear_regression_scratch": """
        torch.manual_seed(0)

        def synthetic_data(w, b, num_examples):
            X = torch.normal(0, 1, (num_examples, len(w)))
            y = torch.matmul(X, w) + b
            y += torch.normal(0, 0.01, y.shape)
            return X, y.reshape((-1, 1))

        true_w = torch.tensor([2, -3.4])
        true_b = 4.2
        features, labels = synthetic_data(true_w, true_b, 1000)
        print('features:', features[0], '\\nlabel:', labels[0])

        def data_iter(batch_size, features, labels):
            num_examples = len(features)
            indices = list(range(num_examples))
            for i in range(0, num_examples, batch_size):
                batch_indices = torch.tensor(indices[i: min(i + batch_size, num_examples)])
                yield features[batch_indices], labels[batch_indices]

        w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)
        b = torch.zeros(1, requires_grad=True)

        def linreg(X, w, b):
            return torch.matmul(X, w) + b

        def squared_loss(y_hat, y):
            return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2

        def sgd(params, lr, batch_size):
            with torch.no_grad():
                for param in params:
                    param -= lr * param.grad / batch_size
                    param.grad.zero_()

        lr = 0.03
        for epoch in range(3):
            for X, y in data_iter(10, features, labels):
                l = squared_loss(linreg(X, w, b), y)
                l.sum().backward()
                sgd([w, b], lr, 10)
            with torch.no_grad():
                train_l = squared_loss(linreg(features, w, b), labels)
                print(f'epoch {epoch + 1}, loss {float(train_l.mean()):f}')
        print(f'w error: {true_w - w.reshape(true_w.shape)}')
        print(f'b error: {true_b - b}')
    """,
}


def _run(module, code: str) -> list[str]:
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(textwrap.dedent(code), {"torch": module, "__name__": "snippet"})  # noqa: S102
    return output.getvalue().splitlines()


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippet_prints_like_torch(name):
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for printed output")
    ours = _run(tracegrad, SNIPPETS[name])
    theirs = _run(torch, SNIPPETS[name])
    assert ours == theirs
