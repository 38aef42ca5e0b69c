"""``torch.accelerator`` on a machine without one: tracegrad computes on the CPU.

PyTorch's tutorials pick their device with
``torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else
"cpu"``; here that reads "cpu", and the functions that need a device raise torch's error.
"""

from __future__ import annotations

_NONE_MESSAGE = "Cannot access accelerator device when none is available."


def is_available() -> bool:
    """False: no CUDA, MPS or other accelerator is used."""
    return False


def current_accelerator(check_available: bool = False):
    """The accelerator's device type, or ``None`` (always, here)."""
    return None


def device_count() -> int:
    """0: no accelerator devices."""
    return 0


def current_device_index() -> int:
    """torch's RuntimeError: there is no accelerator device to ask about."""
    raise RuntimeError(_NONE_MESSAGE)


def set_device_index(device) -> None:
    """torch's RuntimeError: there is no accelerator device to select."""
    raise RuntimeError(_NONE_MESSAGE)


def synchronize(device=None) -> None:
    """torch's RuntimeError: there is no accelerator device to wait for."""
    raise RuntimeError(_NONE_MESSAGE)


current_device_idx = current_device_index
set_device_idx = set_device_index
