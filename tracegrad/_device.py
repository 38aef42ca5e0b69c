"""``torch.device`` and the ``torch.cuda`` stubs of a CPU-only build."""

from __future__ import annotations


class device:  # noqa: N801 - torch's name
    """Where a tensor lives. tracegrad computes on the CPU (NumPy); ``cuda`` is recognised
    so that device-agnostic code runs, and using it raises torch's CPU-build error."""

    __slots__ = ("type", "index")

    def __init__(self, type, index: int | None = None):  # noqa: A002 - torch's argument name
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, int):
            # torch.device(0) means "accelerator 0"; a CPU-only build has none
            raise RuntimeError("Cannot access accelerator device when none is available.")
        elif not isinstance(type, str):
            raise TypeError(f"device() received an invalid combination of arguments: {type!r}")
        if ":" in type:
            if index is not None:
                raise RuntimeError(
                    f"type (string) must not include an index because index "
                    f"was passed explicitly: {type}"
                )
            type, _, number = type.partition(":")
            if not number.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}:{number}'")
            index = int(number)
        if type not in _DEVICE_TYPES:
            raise RuntimeError(
                f"Expected one of {', '.join(_DEVICE_TYPES)} device type at start of device "
                f"string: {type}"
            )
        self.type = type
        self.index = index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other) -> bool:
        # like torch, a device never equals a string: torch.device('cpu') == 'cpu' is False
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False


# the device types torch knows, in the order its error message lists them
_DEVICE_TYPES = (
    "cpu",
    "cuda",
    "ipu",
    "xpu",
    "mkldnn",
    "opengl",
    "opencl",
    "ideep",
    "hip",
    "ve",
    "fpga",
    "maia",
    "xla",
    "lazy",
    "vulkan",
    "mps",
    "meta",
    "hpu",
    "mtia",
    "privateuseone",
)

CPU = device("cpu")


def check_device(dev) -> device:
    """Return the CPU device, or raise torch's error for a device this build cannot use."""
    if dev is None or dev is CPU:
        return CPU
    dev = dev if isinstance(dev, device) else device(dev)
    if dev.type == "cpu":
        return CPU
    if dev.type == "cuda":
        raise AssertionError("Torch not compiled with CUDA enabled")
    raise RuntimeError(f"tracegrad computes on the CPU only; device '{dev}' is not available")
