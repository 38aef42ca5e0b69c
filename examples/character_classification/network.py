"""The homework's MLP, built with nn.ModuleList and nn.Sequential.

The code (about 40 lines, with the homework's TODO steps as comments) is in
``tracegrad/apps/charclf/network.py``; it is imported here so that ``from network import MLP``
works next to main.py, as in the assignment::

    from network import MLP
    MLP(input_size=1024, hidden_size=[32], output_size=26, n_layers=2, act_type="relu")
"""

from tracegrad.apps.charclf.network import MLP

__all__ = ["MLP"]
