"""``torch.cuda`` as seen on a machine without a GPU: nothing is available."""

from __future__ import annotations


def is_available() -> bool:
    """False: tracegrad computes on the CPU."""
    return False


def device_count() -> int:
    """0: no CUDA devices."""
    return 0


def manual_seed(seed: int) -> None:
    """Accepted and ignored (there is no CUDA generator), as torch does without a GPU."""


def manual_seed_all(seed: int) -> None:
    """Accepted and ignored."""


def synchronize(device=None) -> None:
    """Nothing to wait for on the CPU."""


def current_device() -> int:
    from ._device import check_device

    check_device("cuda")
    return 0
