"""``tracegrad.optim``: optimizers that update parameters from their ``.grad``, and
learning-rate schedulers (``tracegrad.optim.lr_scheduler``), as in ``torch.optim``.

The course's training loop runs unchanged::

    >>> import tracegrad as torch
    >>> torch.manual_seed(0)  # doctest: +ELLIPSIS
    <...>
    >>> x, y = torch.randn(8, 3), torch.randn(8, 1)
    >>> w = torch.randn(3, 1, requires_grad=True)
    >>> optimizer = torch.optim.SGD([w], lr=1e-2)
    >>> for it in range(3):
    ...     loss = (x.mm(w) - y).pow(2).sum()
    ...     loss.backward()
    ...     optimizer.step()
    ...     optimizer.zero_grad()
    >>> w.grad is None
    True
"""

from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .adamw import AdamW
from .lbfgs import LBFGS
from .nadam import NAdam
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = [
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "LBFGS",
    "NAdam",
    "Optimizer",
    "RAdam",
    "RMSprop",
    "SGD",
    "lr_scheduler",
]
