"""Introductory textbook code (data manipulation, linear algebra, autograd, softmax
regression, multilayer perceptrons, weight decay, dropout) prints the same on tracegrad and
on PyTorch. Each snippet is run with ``torch`` (and ``nn``, ``data``) bound to either
library and its printed output compared line by line: exactly where the output is
deterministic, and with a tolerance on the numbers after long float32 training. The data
are small seeded synthetic sets, so nothing is downloaded."""

from __future__ import annotations

import contextlib
import io
import re
import textwrap
import warnings

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
    "dropout_scratch": """
        def dropout_layer(X, dropout):
            assert 0 <= dropout <= 1
            if dropout == 1:
                return torch.zeros_like(X)
            if dropout == 0:
                return X
            mask = (torch.rand(X.shape) > dropout).float()
            return mask * X / (1.0 - dropout)

        torch.manual_seed(0)
        X = torch.arange(16, dtype=torch.float32).reshape((2, 8))
        print(X)
        print(dropout_layer(X, 0.))
        print(dropout_layer(X, 0.5))
        print(dropout_layer(X, 1.))

        class Net(nn.Module):
            def __init__(self, num_inputs, num_outputs, num_hiddens1, num_hiddens2,
                         is_training=True):
                super(Net, self).__init__()
                self.num_inputs = num_inputs
                self.training = is_training
                self.lin1 = nn.Linear(num_inputs, num_hiddens1)
                self.lin2 = nn.Linear(num_hiddens1, num_hiddens2)
                self.lin3 = nn.Linear(num_hiddens2, num_outputs)
                self.relu = nn.ReLU()

            def forward(self, X):
                H1 = self.relu(self.lin1(X.reshape((-1, self.num_inputs))))
                if self.training == True:
                    H1 = dropout_layer(H1, 0.2)
                H2 = self.relu(self.lin2(H1))
                if self.training == True:
                    H2 = dropout_layer(H2, 0.5)
                out = self.lin3(H2)
                return out

        net = Net(8, 3, 6, 4)
        print(net)
        out = net(torch.ones(3, 1, 2, 4))
        print(out, out.shape, out.dtype)
        l = nn.CrossEntropyLoss()(out, torch.tensor([0, 1, 2]))
        l.backward()
        print(net.lin1.weight.grad, l.item() > 0)
    """,
    "softmax_pieces": """
        torch.manual_seed(0)
        X = torch.normal(0, 1, (2, 5))

        def softmax(X):
            X_exp = torch.exp(X)
            partition = X_exp.sum(1, keepdim=True)
            return X_exp / partition

        X_prob = softmax(X)
        print(X_prob, X_prob.sum(1))
        y = torch.tensor([0, 2])
        y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
        print(y_hat[[0, 1], y])
        print(- torch.log(y_hat[[0, 1], y]))
        print(y_hat.argmax(axis=1), y_hat.argmax(axis=1).type(y.dtype) == y)
        print(float((y_hat.argmax(axis=1).type(y.dtype) == y).type(y.dtype).sum()))
        print(torch.cat((X, X_prob), 0).shape, torch.cat((X, X_prob), dim=1).shape)
        print(nn.Flatten()(torch.ones(2, 1, 2, 4)).shape)
        print(torch.max(torch.tensor([[-1.0, 2.0], [0.5, -0.5]]), torch.zeros(2, 2)))
        loss = nn.CrossEntropyLoss(reduction='none')
        print(loss(torch.tensor([[1.0, 2.0, 0.5], [0.1, 0.2, 3.0]]), y))
    """,
}


# Helpers that the training snippets below share, written as the textbook writes them: a
# seeded synthetic classification set (8 features viewed as 1x2x4 "images", 3 classes
# given by a random linear teacher), DataLoaders, an accuracy counter and a training loop
# that takes either a torch.optim optimizer or a hand-written updater.
CLASSIFICATION_PRELUDE = """
    def synthetic_classes(num_examples, num_classes=3):
        X = torch.normal(0, 1, (num_examples, 1, 2, 4))
        y = torch.matmul(X.reshape((-1, 8)), teacher).argmax(axis=1)
        return X, y

    def load_array(data_arrays, batch_size, is_train=True):
        dataset = data.TensorDataset(*data_arrays)
        return data.DataLoader(dataset, batch_size, shuffle=is_train)

    def accuracy(y_hat, y):
        if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
            y_hat = y_hat.argmax(axis=1)
        cmp = y_hat.type(y.dtype) == y
        return float(cmp.type(y.dtype).sum())

    class Accumulator:
        def __init__(self, n):
            self.data = [0.0] * n

        def add(self, *args):
            self.data = [a + float(b) for a, b in zip(self.data, args)]

        def __getitem__(self, idx):
            return self.data[idx]

    def evaluate_accuracy(net, data_iter):
        if isinstance(net, torch.nn.Module):
            net.eval()
        metric = Accumulator(2)
        with torch.no_grad():
            for X, y in data_iter:
                metric.add(accuracy(net(X), y), y.numel())
        return metric[0] / metric[1]

    def train_epoch(net, train_iter, loss, updater):
        if isinstance(net, torch.nn.Module):
            net.train()
        metric = Accumulator(3)
        for X, y in train_iter:
            y_hat = net(X)
            l = loss(y_hat, y)
            if isinstance(updater, torch.optim.Optimizer):
                updater.zero_grad()
                l.mean().backward()
                updater.step()
            else:
                l.sum().backward()
                updater(X.shape[0])
            metric.add(float(l.sum()), accuracy(y_hat, y), y.numel())
        return metric[0] / metric[2], metric[1] / metric[2]

    def train(net, train_iter, test_iter, loss, num_epochs, updater):
        for epoch in range(num_epochs):
            train_loss, train_acc = train_epoch(net, train_iter, loss, updater)
            test_acc = evaluate_accuracy(net, test_iter)
            print(f'epoch {epoch + 1}, loss {train_loss:.6f}, train acc {train_acc:.4f}, '
                  f'test acc {test_acc:.4f}')

    torch.manual_seed(0)
    teacher = torch.normal(0, 1, (8, 3))
    features, labels = synthetic_classes(300)
    train_iter = load_array((features[:240], labels[:240]), 32)
    test_iter = load_array((features[240:], labels[240:]), 32, is_train=False)
    num_inputs, num_outputs = 8, 3
"""

REGRESSION_PRELUDE = """
    def synthetic_data(w, b, num_examples):
        X = torch.normal(0, 1, (num_examples, len(w)))
        y = torch.matmul(X, w) + b
        y += torch.normal(0, 0.01, y.shape)
        return X, y.reshape((-1, 1))

    def load_array(data_arrays, batch_size, is_train=True):
        dataset = data.TensorDataset(*data_arrays)
        return data.DataLoader(dataset, batch_size, shuffle=is_train)

    def linreg(X, w, b):
        return torch.matmul(X, w) + b

    def squared_loss(y_hat, y):
        return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2

    def sgd(params, lr, batch_size):
        with torch.no_grad():
            for param in params:
                param -= lr * param.grad / batch_size
                param.grad.zero_()

    def evaluate_loss(net, data_iter, loss):
        total, count = 0.0, 0
        for X, y in data_iter:
            l = loss(net(X), y)
            total += float(l.sum())
            count += l.numel()
        return total / count

    torch.manual_seed(0)
    n_train, n_test, num_inputs, batch_size = 20, 100, 50, 5
    true_w, true_b = torch.ones((num_inputs, 1)) * 0.01, 0.05
    train_data = synthetic_data(true_w, true_b, n_train)
    test_data = synthetic_data(true_w, true_b, n_test)
    train_iter = load_array(train_data, batch_size)
    test_iter = load_array(test_data, batch_size, is_train=False)
"""

# Training snippets: float32 training over many steps, compared with a tolerance.
TRAINING_SNIPPETS = {
    "softmax_regression_scratch": (
        CLASSIFICATION_PRELUDE,
        """
        def softmax(X):
            X_exp = torch.exp(X)
            partition = X_exp.sum(1, keepdim=True)
            return X_exp / partition

        # the textbook writes y_hat[range(len(y_hat)), y] (see the xfail test below)
        def cross_entropy(y_hat, y):
            return - torch.log(y_hat[list(range(len(y_hat))), y])

        W = torch.normal(0, 0.01, size=(num_inputs, num_outputs), requires_grad=True)
        b = torch.zeros(num_outputs, requires_grad=True)

        def net(X):
            return softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b)

        print(evaluate_accuracy(net, test_iter))
        lr = 0.1

        def sgd(params, lr, batch_size):
            with torch.no_grad():
                for param in params:
                    param -= lr * param.grad / batch_size
                    param.grad.zero_()

        def updater(batch_size):
            return sgd([W, b], lr, batch_size)

        train(net, train_iter, test_iter, cross_entropy, 5, updater)
        X, y = next(iter(test_iter))
        print(net(X[0:6]).argmax(axis=1), y[0:6])
        """,
    ),
    "softmax_regression_concise": (
        CLASSIFICATION_PRELUDE,
        """
        net = nn.Sequential(nn.Flatten(), nn.Linear(8, 3))

        def init_weights(m):
            if type(m) == nn.Linear:
                nn.init.normal_(m.weight, std=0.01)

        net.apply(init_weights)
        print(net)
        loss = nn.CrossEntropyLoss(reduction='none')
        trainer = torch.optim.SGD(net.parameters(), lr=0.1)
        train(net, train_iter, test_iter, loss, 5, trainer)
        print(net[1].weight, net[1].bias)
        """,
    ),
    "mlp_scratch": (
        CLASSIFICATION_PRELUDE,
        """
        num_hiddens = 16
        W1 = nn.Parameter(torch.randn(num_inputs, num_hiddens, requires_grad=True) * 0.01)
        b1 = nn.Parameter(torch.zeros(num_hiddens, requires_grad=True))
        W2 = nn.Parameter(torch.randn(num_hiddens, num_outputs, requires_grad=True) * 0.01)
        b2 = nn.Parameter(torch.zeros(num_outputs, requires_grad=True))
        params = [W1, b1, W2, b2]

        def relu(X):
            a = torch.zeros_like(X)
            return torch.max(X, a)

        def net(X):
            X = X.reshape((-1, num_inputs))
            H = relu(X @ W1 + b1)
            return (H @ W2 + b2)

        loss = nn.CrossEntropyLoss(reduction='none')
        updater = torch.optim.SGD(params, lr=0.5)
        train(net, train_iter, test_iter, loss, 6, updater)
        """,
    ),
    "mlp_concise": (
        CLASSIFICATION_PRELUDE,
        """
        net = nn.Sequential(nn.Flatten(), nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))

        def init_weights(m):
            if type(m) == nn.Linear:
                nn.init.normal_(m.weight, std=0.01)

        net.apply(init_weights)
        loss = nn.CrossEntropyLoss(reduction='none')
        trainer = torch.optim.SGD(net.parameters(), lr=0.5)
        train(net, train_iter, test_iter, loss, 6, trainer)
        """,
    ),
    "dropout_concise": (
        CLASSIFICATION_PRELUDE,
        """
        dropout1, dropout2 = 0.2, 0.5
        net = nn.Sequential(nn.Flatten(),
                            nn.Linear(8, 32), nn.ReLU(), nn.Dropout(dropout1),
                            nn.Linear(32, 16), nn.ReLU(), nn.Dropout(dropout2),
                            nn.Linear(16, 3))

        def init_weights(m):
            if type(m) == nn.Linear:
                nn.init.normal_(m.weight, std=0.1)

        net.apply(init_weights)
        print(net)
        net.train()
        print(net[3](torch.ones(2, 8)))
        net.eval()
        X = torch.ones(2, 1, 2, 4)
        print(torch.equal(net(X), net(X)), net[3](torch.ones(2, 8)))
        loss = nn.CrossEntropyLoss(reduction='none')
        trainer = torch.optim.SGD(net.parameters(), lr=0.5)
        train(net, train_iter, test_iter, loss, 6, trainer)
        """,
    ),
    "weight_decay_scratch": (
        REGRESSION_PRELUDE,
        """
        def init_params():
            w = torch.normal(0, 1, size=(num_inputs, 1), requires_grad=True)
            b = torch.zeros(1, requires_grad=True)
            return [w, b]

        def l2_penalty(w):
            return torch.sum(w.pow(2)) / 2

        def train(lambd):
            w, b = init_params()
            net, loss = lambda X: linreg(X, w, b), squared_loss
            num_epochs, lr = 30, 0.003
            for epoch in range(num_epochs):
                for X, y in train_iter:
                    l = loss(net(X), y) + lambd * l2_penalty(w)
                    l.sum().backward()
                    sgd([w, b], lr, batch_size)
                if (epoch + 1) % 10 == 0:
                    print(epoch + 1, evaluate_loss(net, train_iter, loss),
                          evaluate_loss(net, test_iter, loss))
            print('L2 norm of w:', torch.norm(w).item())

        train(lambd=0)
        train(lambd=3)
        """,
    ),
    "weight_decay_concise": (
        REGRESSION_PRELUDE,
        """
        def train_concise(wd):
            net = nn.Sequential(nn.Linear(num_inputs, 1))
            for param in net.parameters():
                param.data.normal_()
            loss = nn.MSELoss(reduction='none')
            num_epochs, lr = 30, 0.003
            # weight decay on the weight only: the bias is a group of its own
            trainer = torch.optim.SGD([
                {"params": net[0].weight, 'weight_decay': wd},
                {"params": net[0].bias}], lr=lr)
            for epoch in range(num_epochs):
                for X, y in train_iter:
                    trainer.zero_grad()
                    l = loss(net(X), y)
                    l.mean().backward()
                    trainer.step()
                if (epoch + 1) % 10 == 0:
                    print(epoch + 1, evaluate_loss(net, train_iter, loss),
                          evaluate_loss(net, test_iter, loss))
            print('L2 norm of w:', net[0].weight.norm().item())

        train_concise(0)
        train_concise(3)
        """,
    ),
}

_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def _run(module, code: str, prelude: str = "") -> list[str]:
    output = io.StringIO()
    namespace = {
        "torch": module,
        "nn": module.nn,
        "data": module.utils.data,
        "__name__": "snippet",
    }
    source = textwrap.dedent(prelude) + textwrap.dedent(code)
    with warnings.catch_warnings():
        # float(l.sum()) on a loss that requires grad warns in torch; the text is compared
        warnings.simplefilter("ignore")
        with contextlib.redirect_stdout(output):
            exec(source, namespace)  # noqa: S102
    return output.getvalue().splitlines()


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippet_prints_like_torch(name):
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for printed output")
    ours = _run(tracegrad, SNIPPETS[name])
    theirs = _run(torch, SNIPPETS[name])
    assert ours == theirs


def _assert_lines_close(ours: list[str], theirs: list[str]) -> None:
    """Same text, and the same numbers up to float32 training noise: rel 1e-3, or 0.01
    absolute (one example of a hundred changing class flips an accuracy by 0.01)."""
    assert len(ours) == len(theirs)
    for mine, reference in zip(ours, theirs, strict=True):
        assert _NUMBER.sub("#", mine) == _NUMBER.sub("#", reference), (mine, reference)
        mine_numbers = [float(x) for x in _NUMBER.findall(mine)]
        reference_numbers = [float(x) for x in _NUMBER.findall(reference)]
        assert mine_numbers == pytest.approx(reference_numbers, rel=1e-3, abs=1e-2), (
            mine,
            reference,
        )


@pytest.mark.parametrize("name", sorted(TRAINING_SNIPPETS))
def test_training_snippet_prints_like_torch(name):
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for printed output")
    prelude, code = TRAINING_SNIPPETS[name]
    ours = _run(tracegrad, code, prelude)
    theirs = _run(torch, code, prelude)
    _assert_lines_close(ours, theirs)
    assert any("epoch" in line or "L2 norm" in line for line in ours)


def test_weight_decay_shrinks_the_weights():
    """Independent of torch: with λ = 3 the trained weight norm is far below λ = 0's."""
    prelude, code = TRAINING_SNIPPETS["weight_decay_concise"]
    norms = [float(line.split()[-1]) for line in _run(tracegrad, code, prelude) if "L2" in line]
    assert len(norms) == 2
    assert norms[1] < 0.5 * norms[0]


def test_range_as_an_index():
    """The textbook's cross-entropy picks y_hat[range(len(y_hat)), y]; torch takes a range
    like the list of its values."""
    y_hat = tracegrad.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
    picked = y_hat[range(len(y_hat)), tracegrad.tensor([0, 2])]
    assert picked.tolist() == pytest.approx([0.1, 0.5])
