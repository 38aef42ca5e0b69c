"""The course programs built on tracegrad (``tracegrad COMMAND`` runs them; see tracegrad/cli.py).

- ``charclf``: the homework's character classifier (an MLP on 32×32 letter images) with
  train / test / predict modes.
"""
