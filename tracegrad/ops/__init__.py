"""Every operation of tracegrad, one family per file, all listed in ``REGISTRY``.

Each family module defines its ops (registry entries), its public functions (its
``__all__``) and the names that are also Tensor methods (``METHODS``); ``_methods``
attaches those to ``Tensor`` as methods, operators and in-place variants.
"""

from __future__ import annotations

from .._creation import ones_like, zeros_like
from ._inplace import inplace
from ._registry import REGISTRY, Arg, Op, Sample, apply
from .arithmetic import *  # noqa: F403
from .comparison import *  # noqa: F403
from .conv import *  # noqa: F403
from .elementwise import *  # noqa: F403
from .index import *  # noqa: F403
from .linalg import *  # noqa: F403
from .matrix_functions import *  # noqa: F403
from .nn import *  # noqa: F403
from .reduction import *  # noqa: F403
from .shape import *  # noqa: F403
from .shape import to_dtype

from . import conv
from ._methods import FAMILIES

# the torch namespace: the families' public functions (not the family modules themselves,
# so that ``from .ops import *`` does not bind ``tracegrad.nn`` to ``ops.nn``)
__all__ = [name for family in (*FAMILIES, conv) for name in family.__all__] + [
    "REGISTRY",
    "Arg",
    "Op",
    "Sample",
    "apply",
    "inplace",
    "ones_like",
    "zeros_like",
    "to_dtype",
]
