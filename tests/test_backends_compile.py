"""``torch.accelerator``, ``torch.backends``, ``torch.compile`` and the matmul precision
switch: the device-selection and seed-setting boilerplate of PyTorch 2 tutorials runs
unchanged and reads what PyTorch reads on a CPU-only machine."""

from __future__ import annotations

import warnings

import pytest

import tracegrad

torch = pytest.importorskip("torch", reason="PyTorch is the behavioural oracle")


def _both(code):
    return code(tracegrad), code(torch)


def _error(code, module):
    try:
        code(module)
    except Exception as error:  # noqa: BLE001 - the type is what is compared
        return type(error).__name__, str(error)
    return None


def test_tutorial_device_selection():
    def pick(t):
        accelerator = t.accelerator
        device = accelerator.current_accelerator().type if accelerator.is_available() else "cpu"
        mps = t.backends.mps.is_available()
        older = "cuda" if t.cuda.is_available() else "mps" if mps else "cpu"
        return device, older, accelerator.device_count(), accelerator.current_accelerator()

    ours, theirs = _both(pick)
    assert ours == theirs == ("cpu", "cpu", 0, None)


@pytest.mark.parametrize("name", ["current_device_index", "synchronize"])
def test_accelerator_functions_without_a_device_raise_as_torch(name):
    ours = _error(lambda t: getattr(t.accelerator, name)(), tracegrad)
    assert ours is not None and ours == _error(lambda t: getattr(t.accelerator, name)(), torch)


def test_backend_flags_have_torchs_defaults_and_can_be_set():
    def flags(t):
        b = t.backends
        return (
            b.cudnn.enabled,
            b.cudnn.benchmark,
            b.cudnn.deterministic,
            b.cudnn.allow_tf32,
            b.cudnn.is_available(),
            b.cudnn.version(),
            b.mps.is_available(),
            b.mps.is_built(),
            b.cuda.is_built(),
            b.cuda.matmul.allow_tf32,
            b.mkldnn.is_available(),
            b.openmp.is_available(),
        )

    assert flags(tracegrad) == flags(torch)
    import tracegrad.backends.cudnn as cudnn  # the older scripts' spelling

    saved = cudnn.deterministic, cudnn.benchmark
    try:
        tracegrad.backends.cudnn.deterministic = True
        tracegrad.backends.cudnn.benchmark = False
        assert cudnn.deterministic is True and cudnn.benchmark is False
    finally:
        cudnn.deterministic, cudnn.benchmark = saved


def test_compile_returns_a_callable_computing_the_same():
    """Compared with torch's eager results (compiling for real takes torch many seconds)."""

    def run(t, compile):
        t.manual_seed(0)
        model = compile(t.nn.Sequential(t.nn.Linear(3, 4), t.nn.ReLU(), t.nn.Linear(4, 1)))

        def double(x):
            return 2 * x

        def square(x):
            return x * x

        double = compile(mode="reduce-overhead")(double) if compile is not _eager else double
        square = compile(square)
        x = t.ones(2, 3)
        return [repr(model(x).detach()), repr(double(x)), repr(square(x + 1))]

    assert run(tracegrad, tracegrad.compile) == run(torch, _eager)


def _eager(model=None, **options):
    return model


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.compile(t.nn.Linear(2, 2), mode="fast"),
        lambda t: t.compile(t.nn.Linear(2, 2), mode="default", options={}),
        lambda t: t.compile(3),
    ],
)
def test_compile_rejects_what_torch_rejects(call):
    ours = _error(call, tracegrad)
    assert ours is not None and ours == _error(call, torch)


def test_float32_matmul_precision():
    for module in (tracegrad, torch):
        before = module.get_float32_matmul_precision()
        try:
            assert before == "highest"
            module.set_float32_matmul_precision("high")
            assert module.get_float32_matmul_precision() == "high"
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                module.set_float32_matmul_precision("fast")
            assert module.get_float32_matmul_precision() == "high"
            expected = "is not one of 'highest', 'high', or 'medium'"
            assert any(expected in str(w.message) for w in caught)
        finally:
            module.set_float32_matmul_precision(before)
