"""``torch.nn``: modules, parameters, initialization and functional forms of the layers.

``import tracegrad.nn as nn`` (or ``torch.nn`` after ``import tracegrad as torch``)::

    model = nn.Sequential(nn.Linear(1000, 100), nn.ReLU(), nn.Linear(100, 10))
    loss_fn = nn.MSELoss(reduction="sum")
"""

from . import functional, init, utils
from .modules import *  # noqa: F403 - torch.nn's namespace is the modules' classes
from .modules import __all__ as _module_names
from . import parameter  # noqa: F401 - torch.nn.parameter.UninitializedParameter
from .parameter import Parameter, UninitializedBuffer, UninitializedParameter

__all__ = [
    "Parameter",
    "UninitializedBuffer",
    "UninitializedParameter",
    "functional",
    "init",
    "utils",
    *_module_names,
]
