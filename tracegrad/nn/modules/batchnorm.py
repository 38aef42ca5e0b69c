"""Batch normalization: ``BatchNorm1d`` and ``BatchNorm2d``.

A batch-norm layer owns two kinds of state. The learnable scale ``weight`` (gamma) and shift
``bias`` (beta) are Parameters, trained like any other. The running estimates of each
channel's mean and variance are buffers: they are not trained but updated as a side effect
of every training-mode forward pass, saved in ``state_dict`` and used in eval mode, where a
single sample has no batch to take statistics from.
"""

from __future__ import annotations

from ... import _creation
from ... import _dtype as dtypes
from .. import functional as F  # noqa: N812 - torch's spelling
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["BatchNorm1d", "BatchNorm2d"]

# Buffer names in registration order (state_dict order follows it).
_STAT_BUFFERS = ("running_mean", "running_var", "num_batches_tracked")


class _NormBase(Module):
    """The state every batch-norm variant shares: gamma/beta and the running statistics.

    Subclasses say which input ranks they accept (``_validate_rank``); ``_BatchNorm`` adds
    the forward pass.
    """

    # Version 2 of the layout introduced the ``num_batches_tracked`` buffer.
    _state_dict_version = 2

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum=0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        device=None,
        dtype=None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats

        def per_channel():
            return _creation.empty(num_features, device=device, dtype=dtype)

        gamma = Parameter(per_channel()) if affine else None
        beta = Parameter(per_channel()) if affine and bias else None
        self.register_parameter("weight", gamma)
        self.register_parameter("bias", beta)

        if track_running_stats:
            stats = (
                _creation.zeros(num_features, device=device, dtype=dtype),
                _creation.ones(num_features, device=device, dtype=dtype),
                _creation.tensor(0, dtype=dtypes.int64, device=device),
            )
        else:
            stats = (None, None, None)
        for name, value in zip(_STAT_BUFFERS, stats):
            self.register_buffer(name, value)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        """Forget what was seen: running mean 0, running variance 1, batch count 0."""
        if not self.track_running_stats:
            return
        self.running_mean.zero_()
        self.running_var.fill_(1)
        self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        """Reset the running statistics, then gamma to ones and beta to zeros (identity map)."""
        self.reset_running_stats()
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def _validate_rank(self, input) -> None:
        raise NotImplementedError(f"{type(self).__name__} must say which input ranks it accepts")

    def _upgrade_old_state(self, entries: dict, prefix: str, saved_version) -> None:
        # Checkpoints from before layout 2 have no batch counter; give them ours (or a
        # fresh zero) so that loading them is not reported as a missing key.
        if not self.track_running_stats:
            return
        if saved_version is not None and saved_version >= 2:
            return
        key = prefix + "num_batches_tracked"
        if key in entries:
            return
        counter = self.num_batches_tracked
        if counter is None:
            counter = _creation.tensor(0, dtype=dtypes.int64)
        entries[key] = counter

    def extra_repr(self) -> str:
        pieces = [
            str(self.num_features),
            f"eps={self.eps}",
            f"momentum={self.momentum}",
            f"affine={self.affine}",
            f"bias={self.bias is not None}",
            f"track_running_stats={self.track_running_stats}",
        ]
        return ", ".join(pieces)


class _BatchNorm(_NormBase):
    def _update_weight(self) -> float:
        """Count this batch (training only) and return the weight ``m`` of its statistics
        in the running average: ``momentum``, or ``1/n`` after ``n`` batches when
        ``momentum`` is None (a plain cumulative mean)."""
        cumulative = self.momentum is None
        counting = self.training and self.track_running_stats
        if counting and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
            if cumulative:
                return 1.0 / float(self.num_batches_tracked)
        return 0.0 if cumulative else self.momentum

    def forward(self, input):
        self._validate_rank(input)
        m = self._update_weight()
        have_stats = self.running_mean is not None or self.running_var is not None
        # Batch statistics normalize in training, and also in eval mode when nothing was
        # tracked; the running buffers are handed over only when they may be read or updated.
        use_batch_stats = self.training or not have_stats
        hand_over = self.track_running_stats or not self.training
        mean_buf = self.running_mean if hand_over else None
        var_buf = self.running_var if hand_over else None
        return F.batch_norm(
            input, mean_buf, var_buf, self.weight, self.bias, use_batch_stats, m, self.eps
        )


class BatchNorm1d(_BatchNorm):
    r"""Batch normalization for a batch of feature vectors ``(N, C)`` or of sequences
    ``(N, C, L)``; each of the ``C`` channels is normalized separately.

    For channel :math:`c`, with :math:`\mu_c` and :math:`\sigma_c^2` the mean and the
    (biased) variance over every position of that channel in the batch,

    .. math::
        y = \gamma_c \, \frac{x - \mu_c}{\sqrt{\sigma_c^2 + \varepsilon}} + \beta_c .

    In training mode the running estimates move toward each batch's statistics,
    :math:`r \leftarrow (1 - m)\, r + m\, s`, where ``s`` is the batch mean or the batch's
    *unbiased* variance and ``m`` is ``momentum`` (``1/n`` at the n-th batch when
    ``momentum=None``). In eval mode those estimates replace the batch statistics, so the
    output of a sample no longer depends on the rest of its batch.

    Args:
        num_features: ``C``, the number of channels.
        eps: :math:`\varepsilon`, keeps the square root away from zero. Default: 1e-5
        momentum: ``m`` above, or ``None`` for a cumulative average. Default: 0.1
        affine: learn :math:`\gamma` (starts at 1) and :math:`\beta` (starts at 0).
            Default: ``True``
        track_running_stats: keep the buffers ``running_mean``, ``running_var`` and
            ``num_batches_tracked``; without them eval mode uses batch statistics too.
            Default: ``True``

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.BatchNorm1d(3)
        BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    def _validate_rank(self, input) -> None:
        ndim = input.dim()
        if ndim not in (2, 3):
            raise ValueError(f"expected 2D or 3D input (got {ndim}D input)")


class BatchNorm2d(_BatchNorm):
    r"""Batch normalization of an image batch (N, C, H, W): each channel is normalized
    with the mean and variance over the batch and all positions,
    :math:`y = \gamma_c (x - \mu_c)/\sqrt{\sigma_c^2 + \varepsilon} + \beta_c`; the
    running statistics and arguments are those of ``BatchNorm1d``.

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.BatchNorm2d(6)
        BatchNorm2d(6, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    def _validate_rank(self, input) -> None:
        ndim = input.dim()
        if ndim != 4:
            raise ValueError(f"expected 4D input (got {ndim}D input)")
