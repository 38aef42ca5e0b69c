"""Loss modules: each stores its options and calls the ``nn.functional`` loss."""

from __future__ import annotations

from functools import wraps

from ..._tensor import Tensor
from .. import functional as F  # noqa: N812 - torch's spelling
from .module import Module as _Module

__all__ = [
    "CosineEmbeddingLoss",
    "GaussianNLLLoss",
    "HingeEmbeddingLoss",
    "MarginRankingLoss",
    "MultiLabelSoftMarginLoss",
    "PoissonNLLLoss",
    "SoftMarginLoss",
    "TripletMarginLoss",
    "BCELoss",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "HuberLoss",
    "KLDivLoss",
    "L1Loss",
    "MSELoss",
    "NLLLoss",
    "SmoothL1Loss",
]


def _class_index_shape(input) -> list[int]:
    """The shape of a class-index target for ``input``: the input's without the class dim."""
    shape = list(input.shape)
    if len(shape) >= 1:
        del shape[0 if len(shape) == 1 else 1]
    return shape


def _expected_target(kind: str, input) -> str:
    """What a loss of this ``kind`` expects as target, in words, for this input."""
    same = f"a floating target of the input's shape {list(input.shape)}"
    indices = f"an int64 target of class indices of shape {_class_index_shape(input)}"
    if kind == "indices":
        return indices
    if kind == "indices or probabilities":
        return f"{indices}, or {same} holding class probabilities"
    return same


def _described(value) -> str:
    if isinstance(value, Tensor):
        return f"shape {list(value.shape)} and dtype {value.dtype}"
    return f"type {type(value).__name__}"


def _explained_errors(forward):
    """Wrap a loss's ``forward`` so that an error about its arguments names the loss, the
    shapes and dtypes it got and the target it expects. Nothing runs unless it fails."""

    @wraps(forward)
    def checked_forward(self, input, target, *args, **kwargs):
        try:
            return forward(self, input, target, *args, **kwargs)
        except (RuntimeError, ValueError, IndexError, TypeError) as error:
            if "reduction" in str(error):  # a bad option of the module, not of the call
                raise
            raise type(error)(self._explain(input, target, error)) from None

    return checked_forward


class _Loss(_Module):
    # what the target must be, for error messages: "same" (the input's shape),
    # "indices" or "indices or probabilities"
    _target_kind = "same"

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__()
        # The old size_average/reduce flags, when given, decide the reduction instead.
        legacy = size_average is not None or reduce is not None
        self.reduction = F._reduction(None, size_average, reduce) if legacy else reduction

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if "forward" in cls.__dict__:
            cls.forward = _explained_errors(cls.__dict__["forward"])

    def _explain(self, input, target, error: Exception) -> str:
        """The message of a failed call: the loss, what it got, what it expects."""
        got = f"input of {_described(input)}, target of {_described(target)}"
        if not isinstance(input, Tensor):
            return f"{self._get_name()}() got {got}: {error}"
        expected = _expected_target(self._target_kind, input)
        return f"{self._get_name()}() got {got}; it expects {expected}: {error}"


class _WeightedLoss(_Loss):
    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean") -> None:
        super().__init__(size_average=size_average, reduce=reduce, reduction=reduction)
        # A buffer, so .to() moves it and state_dict() saves it (None: not saved).
        self.register_buffer("weight", weight)


class L1Loss(_Loss):
    r"""Mean absolute error: the average of :math:`|x - y|` over all elements.

    .. math::
        \ell(x, y) = L = \{l_1,\dots,l_N\}^\top, \quad l_n = \left| x_n - y_n \right|,

    then :math:`\operatorname{mean}(L)` (``reduction='mean'``), :math:`\operatorname{sum}(L)`
    (``'sum'``) or :math:`L` itself (``'none'``).

    Args:
        reduction (str, optional): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``

    Shape:
        Input and target have the same shape, any number of dimensions; the result is
        a 0-d tensor, or of that shape with ``reduction='none'``.

    Examples::

        >>> import tracegrad as torch
        >>> loss = torch.nn.L1Loss()
        >>> loss(torch.tensor([1.0, 2.0]), torch.tensor([0.0, 0.0]))
        tensor(1.5000)
    """

    __constants__ = ["reduction"]

    def forward(self, input, target):
        return F.l1_loss(input, target, reduction=self.reduction)


class MSELoss(_Loss):
    r"""Mean squared error, the regression loss of the course: the average of
    :math:`(x - y)^2` over all elements.

    .. math::
        \ell(x, y) = L = \{l_1,\dots,l_N\}^\top, \quad l_n = \left( x_n - y_n \right)^2,

    then :math:`\operatorname{mean}(L)` (``reduction='mean'``), :math:`\operatorname{sum}(L)`
    (``'sum'``) or :math:`L` itself (``'none'``).

    Args:
        reduction (str, optional): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``

    Shape:
        Input and target have the same shape, any number of dimensions.

    Examples::

        >>> import tracegrad as torch
        >>> loss_fn = torch.nn.MSELoss(reduction="sum")
        >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> loss = loss_fn(x, torch.tensor([0.0, 0.0]))
        >>> loss
        tensor(5., grad_fn=<MseLossBackward0>)
        >>> loss.backward()
        >>> x.grad
        tensor([2., 4.])
    """

    __constants__ = ["reduction"]

    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)


class NLLLoss(_WeightedLoss):
    r"""Picks minus the log-probability of the right class: for ``LogSoftmax`` outputs
    :math:`x` and integer labels :math:`y`.

    .. math::
        l_n = - w_{y_n} x_{n,y_n}, \quad w_{c} = \text{weight}[c] \cdot \mathbb{1}\{c \not=
        \text{ignore\_index}\},

    averaged with the weights (:math:`\sum_n l_n / \sum_n w_{y_n}`) for
    ``reduction='mean'``.

    Args:
        weight (Tensor, optional): one factor per class (length C), e.g. to count rare
            classes more. Default: every class counts 1.
        ignore_index (int, optional): label value whose samples are skipped: no loss,
            no gradient, not counted in the mean. Default: -100
        reduction (str, optional): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``

    Shape:
        - Input: :math:`(N, C)` or :math:`(C)`, or :math:`(N, C, d_1, ..., d_K)`.
        - Target: :math:`(N)` or :math:`()`, or :math:`(N, d_1, ..., d_K)`, values in
          :math:`[0, C-1]`.
        - Output: scalar; :math:`(N)` or :math:`(N, d_1, ..., d_K)` for ``'none'``.

    Examples::

        >>> import tracegrad as torch
        >>> loss = torch.nn.NLLLoss()
        >>> loss(torch.tensor([[-0.5, -1.0], [-2.0, -0.1]]), torch.tensor([0, 1]))
        tensor(0.3000)
    """

    __constants__ = ["ignore_index", "reduction"]
    _target_kind = "indices"

    def __init__(
        self,
        weight=None,
        size_average=None,
        ignore_index=-100,
        reduce=None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(weight, size_average=size_average, reduce=reduce, reduction=reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return F.nll_loss(
            input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction
        )


class CrossEntropyLoss(_WeightedLoss):
    r"""Classification loss on raw scores (logits): ``LogSoftmax`` then ``NLLLoss``. For
    integer labels :math:`y_n`,

    .. math::
        l_n = - w_{y_n} \log \frac{\exp(x_{n,y_n})}{\sum_{c=1}^C \exp(x_{n,c})},

    and :math:`l_n = - \sum_{c=1}^C w_c y_{n,c} \log \frac{\exp(x_{n,c})}{\sum_{i=1}^C
    \exp(x_{n,i})}` for class probabilities (a target of the input's shape).

    Args:
        weight (Tensor, optional): one factor per class (length C), e.g. to count rare
            classes more. Default: every class counts 1.
        ignore_index (int, optional): label value whose samples are skipped (label
            targets only). Default: -100
        reduction (str, optional): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``
        label_smoothing (float, optional): :math:`\varepsilon \in [0, 1]`; the one-hot
            target is replaced by :math:`(1-\varepsilon)` one-hot :math:`+ \varepsilon/C`
            on every class. Default: 0.0

    Shape:
        - Input: :math:`(C)`, :math:`(N, C)` or :math:`(N, C, d_1, ..., d_K)`.
        - Target: class indices :math:`()`, :math:`(N)` or :math:`(N, d_1, ..., d_K)`
          in :math:`[0, C)`; or probabilities of the input's shape.
        - Output: scalar; :math:`()`, :math:`(N)` or :math:`(N, d_1, ..., d_K)` for
          ``'none'``.

    Examples::

        >>> import tracegrad as torch
        >>> loss = torch.nn.CrossEntropyLoss()
        >>> logits = torch.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]], requires_grad=True)
        >>> output = loss(logits, torch.tensor([0, 2]))
        >>> output
        tensor(0.6691, grad_fn=<NllLossBackward0>)
        >>> output.backward()
        >>> logits.grad
        tensor([[-0.1065,  0.0533,  0.0533],
                [ 0.1667,  0.1667, -0.3333]])
    """

    __constants__ = ["ignore_index", "reduction", "label_smoothing"]
    _target_kind = "indices or probabilities"

    def __init__(
        self,
        weight=None,
        size_average=None,
        ignore_index=-100,
        reduce=None,
        reduction="mean",
        label_smoothing=0.0,
    ) -> None:
        super().__init__(weight, size_average=size_average, reduce=reduce, reduction=reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return F.cross_entropy(
            input,
            target,
            weight=self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )


class BCELoss(_WeightedLoss):
    r"""Two-class cross entropy, for probabilities :math:`x \in [0, 1]` (e.g. after
    ``Sigmoid``) and 0/1 (or soft) targets :math:`y`:

    .. math::
        l_n = -w_n \bigl( y_n \log x_n + (1 - y_n) \log(1 - x_n) \bigr),

    with the logs clamped to :math:`\ge -100`.

    Args:
        weight (Tensor, optional): factors :math:`w_n`, broadcast against the loss.
        reduction (str, optional): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``

    Shape:
        Input and target have the same shape.

    Examples::

        >>> import tracegrad as torch
        >>> m = torch.nn.Sigmoid()
        >>> loss = torch.nn.BCELoss()
        >>> loss(m(torch.tensor([0.0, 0.0])), torch.tensor([1.0, 0.0]))
        tensor(0.6931)
    """

    __constants__ = ["reduction"]

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean") -> None:
        super().__init__(weight, size_average=size_average, reduce=reduce, reduction=reduction)

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    r"""``Sigmoid`` + ``BCELoss`` fused: takes logits, and stays finite for large ones
    (computed through log-sum-exp rather than log of a rounded probability):

    .. math::
        l_n = - w_n \left[ p\, y_n \cdot \log \sigma(x_n) + (1 - y_n) \cdot \log (1 -
        \sigma(x_n)) \right],

    :math:`p` the ``pos_weight`` of the positive class.

    Args:
        weight (Tensor, optional): factors :math:`w_n`, broadcast against the loss.
        reduction (str, optional): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``
        pos_weight (Tensor, optional): a weight of positive examples, broadcast with the
            target (one per class along the last dim).

    Shape:
        Logits and target have the same shape.

    Examples::

        >>> import tracegrad as torch
        >>> loss = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor([2.0]))
        >>> loss(torch.tensor([0.0]), torch.tensor([1.0]))
        tensor(1.3863)
    """

    def __init__(
        self,
        weight=None,
        size_average=None,
        reduce=None,
        reduction: str = "mean",
        pos_weight=None,
    ) -> None:
        super().__init__(size_average=size_average, reduce=reduce, reduction=reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(
            input, target, self.weight, pos_weight=self.pos_weight, reduction=self.reduction
        )


class SmoothL1Loss(_Loss):
    r"""Quadratic near zero, linear far away: less sensitive to outliers than MSE.

    .. math::
        l_n = \begin{cases} 0.5 (x_n - y_n)^2 / beta, & |x_n - y_n| < beta \\
        |x_n - y_n| - 0.5 * beta, & \text{otherwise} \end{cases}

    Args:
        reduction (str, optional): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``
        beta (float, optional): error size where the quadratic part hands over to the
            linear part; must be >= 0. Default: 1.0

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.SmoothL1Loss()(torch.tensor([0.5, 3.0]), torch.zeros(2))
        tensor(1.3125)
    """

    __constants__ = ["reduction"]

    def __init__(self, size_average=None, reduce=None, reduction="mean", beta=1.0) -> None:
        super().__init__(size_average=size_average, reduce=reduce, reduction=reduction)
        self.beta = beta

    def forward(self, input, target):
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    r"""Huber's robust loss: quadratic for errors below ``delta``, linear beyond.

    .. math::
        l_n = \begin{cases} 0.5 (x_n - y_n)^2, & |x_n - y_n| < delta \\
        delta * (|x_n - y_n| - 0.5 * delta), & \text{otherwise} \end{cases}

    Args:
        reduction (str, optional): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``
        delta (float, optional): the threshold; positive. Default: 1.0

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.HuberLoss(delta=2.0)(torch.tensor([0.5, 3.0]), torch.zeros(2))
        tensor(2.0625)
    """

    __constants__ = ["reduction", "delta"]

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input, target):
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class KLDivLoss(_Loss):
    r"""KL divergence :math:`\mathrm{KL}(y \,\|\, p)`, for log-probabilities :math:`x` and a
    target :math:`y` (probabilities, or log-probabilities with ``log_target``),

    .. math::
        l_n = y_n (\log y_n - x_n).

    ``reduction='batchmean'`` divides the sum by the batch size (the mathematical KL
    divergence); ``'mean'``, the default, divides by the element count and warns.

    Args:
        reduction (str, optional): ``'none'`` | ``'batchmean'`` | ``'sum'`` | ``'mean'``.
            Default: ``'mean'``
        log_target (bool, optional): ``True`` when the target holds log-probabilities
            too. Default: ``False``

    Examples::

        >>> import tracegrad as torch
        >>> p = torch.tensor([[0.5, 0.5]])
        >>> torch.nn.KLDivLoss(reduction="batchmean")(p.log(), p)
        tensor(0.)
    """

    __constants__ = ["reduction"]

    def __init__(self, size_average=None, reduce=None, reduction="mean", log_target=False) -> None:
        super().__init__(size_average=size_average, reduce=reduce, reduction=reduction)
        self.log_target = log_target

    def forward(self, input, target):
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class MarginRankingLoss(_Loss):
    r""":math:`\ell = \max(0, -y (x_1 - x_2) + \text{margin})`: with :math:`y = 1` the
    first input should be larger (by ``margin``), with :math:`y = -1` the second.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.MarginRankingLoss(0.5)(torch.tensor([1.0]), torch.tensor([0.0]),
        ...                                 torch.tensor([-1.0]))
        tensor(1.5000)
    """

    __constants__ = ["margin", "reduction"]

    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean") -> None:
        super().__init__(size_average=size_average, reduce=reduce, reduction=reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return F.margin_ranking_loss(
            input1, input2, target, margin=self.margin, reduction=self.reduction
        )


class HingeEmbeddingLoss(_Loss):
    r""":math:`\ell = x` where :math:`y = 1`, :math:`\max(0, \text{margin} - x)` where
    :math:`y = -1`; ``x`` is usually a distance (similar pairs pulled together,
    dissimilar ones pushed beyond ``margin``)."""

    __constants__ = ["margin", "reduction"]

    def __init__(self, margin=1.0, size_average=None, reduce=None, reduction="mean") -> None:
        super().__init__(size_average=size_average, reduce=reduce, reduction=reduction)
        self.margin = margin

    def forward(self, input, target):
        return F.hinge_embedding_loss(input, target, margin=self.margin, reduction=self.reduction)


class SoftMarginLoss(_Loss):
    r"""Two-class logistic loss :math:`\log(1 + e^{-y x})` for targets :math:`\pm 1`."""

    __constants__ = ["reduction"]

    def forward(self, input, target):
        return F.soft_margin_loss(input, target, reduction=self.reduction)


class MultiLabelSoftMarginLoss(_WeightedLoss):
    r"""One-versus-all logistic loss for multi-label classification: (N, C) logits and
    0/1 targets of the same shape, averaged over the C classes of each sample."""

    __constants__ = ["reduction"]

    def forward(self, input, target):
        return F.multilabel_soft_margin_loss(
            input, target, weight=self.weight, reduction=self.reduction
        )


class CosineEmbeddingLoss(_Loss):
    r""":math:`1 - \cos(x_1, x_2)` for :math:`y = 1`, :math:`\max(0, \cos(x_1, x_2) -
    \text{margin})` for :math:`y = -1`: similar pairs should point the same way."""

    __constants__ = ["margin", "reduction"]

    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean") -> None:
        super().__init__(size_average=size_average, reduce=reduce, reduction=reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return F.cosine_embedding_loss(
            input1, input2, target, margin=self.margin, reduction=self.reduction
        )


class TripletMarginLoss(_Loss):
    r""":math:`\max(0, d(a, p) - d(a, n) + \text{margin})`, :math:`d` the p-norm distance:
    the anchor should be closer to the positive than to the negative, by ``margin``."""

    __constants__ = ["margin", "p", "eps", "swap", "reduction"]

    def __init__(
        self,
        margin=1.0,
        p=2.0,
        eps=1e-6,
        swap=False,
        size_average=None,
        reduce=None,
        reduction="mean",
    ) -> None:
        super().__init__(size_average=size_average, reduce=reduce, reduction=reduction)
        if margin <= 0:
            message = "TripletMarginLoss: expected margin to be greater than 0, got "
            raise ValueError(message + f"{margin} instead")
        self.margin = margin
        self.p = p
        self.eps = eps
        self.swap = swap

    def forward(self, anchor, positive, negative):
        return F.triplet_margin_loss(
            anchor,
            positive,
            negative,
            margin=self.margin,
            p=self.p,
            eps=self.eps,
            swap=self.swap,
            reduction=self.reduction,
        )


class PoissonNLLLoss(_Loss):
    r"""Negative log-likelihood of a Poisson-distributed target: :math:`e^x - y x` when the
    input is a log-rate (``log_input=True``), :math:`x - y \log(x + \text{eps})` else."""

    __constants__ = ["log_input", "full", "eps", "reduction"]

    def __init__(
        self,
        log_input=True,
        full=False,
        size_average=None,
        eps=1e-8,
        reduce=None,
        reduction="mean",
    ) -> None:
        super().__init__(size_average=size_average, reduce=reduce, reduction=reduction)
        self.log_input = log_input
        self.full = full
        self.eps = eps

    def forward(self, log_input, target):
        return F.poisson_nll_loss(
            log_input,
            target,
            log_input=self.log_input,
            full=self.full,
            eps=self.eps,
            reduction=self.reduction,
        )


class GaussianNLLLoss(_Loss):
    r"""Negative log-likelihood of a Gaussian target whose mean (``input``) and variance
    (``var``) are both predicted: :math:`\frac12(\log \text{var} + (x - y)^2/\text{var})`."""

    __constants__ = ["full", "eps", "reduction"]

    def __init__(self, *, full=False, eps=1e-6, reduction="mean") -> None:
        super().__init__(reduction=reduction)
        self.full = full
        self.eps = eps

    def forward(self, input, target, var):
        return F.gaussian_nll_loss(
            input, target, var, full=self.full, eps=self.eps, reduction=self.reduction
        )
