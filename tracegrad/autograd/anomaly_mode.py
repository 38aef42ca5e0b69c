"""Anomaly detection: find the forward line whose backward produced NaN (or failed).

    with torch.autograd.detect_anomaly():
        y = x * torch.tensor([float("nan"), 1.0])
        y.sum().backward()

While the mode is on, every recorded node keeps the Python traceback of the forward call
that created it (``node.metadata["traceback_"]``), and backward checks each node's
results: a gradient containing NaN raises torch's error ::

    RuntimeError: Function 'MulBackward0' returned nan values in its 0th output.

after a ``UserWarning`` that prints the forward traceback ("Error detected in
MulBackward0. Traceback of forward call that caused the error: ..."). Any other error
raised while a node runs its backward gets the same warning. ``check_nan=False`` keeps the
tracebacks but skips the NaN check.

The mode costs time (a traceback per op, a NaN scan per gradient): use it to debug only.
When it is off, recording checks a single flag and the engine is unchanged.
"""

from __future__ import annotations

import functools
import warnings

from . import graph

__all__ = [
    "detect_anomaly",
    "set_detect_anomaly",
    "is_anomaly_enabled",
    "is_anomaly_check_nan_enabled",
]


def is_anomaly_enabled() -> bool:
    """True while anomaly detection is on."""
    return graph.anomaly_state[0]


def is_anomaly_check_nan_enabled() -> bool:
    """True when anomaly detection checks gradients for NaN (its ``check_nan``)."""
    return graph.anomaly_state[1]


def _set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    graph.anomaly_state[0] = bool(enabled)
    graph.anomaly_state[1] = bool(check_nan)
    graph._update_record_extras()


class detect_anomaly:  # noqa: N801 - torch's name
    """Context manager (or decorator) that turns anomaly detection on.

    Args:
        check_nan: raise an error when a backward function returns NaN (default True).

    Example::

        with torch.autograd.detect_anomaly():
            loss = model(x).sum()
            loss.backward()      # a NaN gradient names the op and its forward line
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.prev = is_anomaly_enabled()
        self.check_nan = check_nan
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        warnings.warn(
            "Anomaly Detection has been enabled. This mode will increase the runtime and "
            "should only be enabled for debugging.",
            stacklevel=2,
        )

    def __enter__(self) -> None:
        _set_anomaly_enabled(True, self.check_nan)

    def __exit__(self, *exc_info) -> bool:
        _set_anomaly_enabled(self.prev, self.prev_check_nan)
        return False

    def __call__(self, fn):
        """Use as a decorator: ``fn`` runs with anomaly detection on."""

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            previous = (is_anomaly_enabled(), is_anomaly_check_nan_enabled())
            _set_anomaly_enabled(True, self.check_nan)
            try:
                return fn(*args, **kwargs)
            finally:
                _set_anomaly_enabled(*previous)

        return wrapper


class set_detect_anomaly:  # noqa: N801 - torch's name
    """Turn anomaly detection on or off (``set_detect_anomaly(True)``); usable as a
    context manager, which restores the previous setting on exit.

    Args:
        mode: True to enable, False to disable.
        check_nan: raise an error when a backward function returns NaN (default True).
    """

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = is_anomaly_enabled()
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        _set_anomaly_enabled(mode, check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc_info) -> bool:
        _set_anomaly_enabled(self.prev, self.prev_check_nan)
        return False


# ---------------------------------------------------------------------------- used by the engine


def forward_trace_warning(node) -> None:
    """Warn with the traceback of the forward call that created ``node`` (torch's text)."""
    name = node.name()
    metadata = getattr(node, "__dict__", {}).get("metadata", {})
    trace = metadata.get("traceback_")
    if trace:
        message = (
            f"Error detected in {name}. Traceback of forward call that caused the error:\n"
            + "".join(trace)
        )
    else:
        message = (
            f"Error detected in {name}. No forward pass information available. Enable "
            "detect anomaly during forward pass for more information."
        )
    warnings.warn(message, UserWarning, stacklevel=4)


def check_nan(node, results) -> None:
    """Raise torch's error if one of the gradients ``node`` computed contains NaN."""
    import numpy as np

    for i, g in enumerate(results):
        if g is None:
            continue
        data = getattr(g, "_data", g)
        if getattr(data, "dtype", None) is not None and data.dtype.kind in "fc":
            if np.isnan(data).any():
                raise RuntimeError(
                    f"Function '{node.name()}' returned nan values in its {i}th output."
                )
