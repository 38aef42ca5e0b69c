"""The homework's cross-entropy loss (log-softmax + negative log-likelihood, numerically stable).

The code is in ``tracegrad/apps/charclf/losses.py``; it is imported here so that
``from losses import CrossEntropyLoss`` works next to main.py, as in the assignment.
"""

from tracegrad.apps.charclf.losses import CrossEntropyLoss

__all__ = ["CrossEntropyLoss"]
