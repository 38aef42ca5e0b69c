"""Homework 2: character classification with a multi-layer perceptron.

The homework's main program, laid out as the assignment asks (main.py, network.py,
losses.py, datasets.py). Run it from the repository root::

    python examples/character_classification/main.py --mode train
    python examples/character_classification/main.py --mode test
    python examples/character_classification/main.py --mode predict --im_path my_letter.png
    python examples/character_classification/main.py --framework torch   # on real PyTorch

It is the ``tracegrad charclf`` command: the argument list and the train / test / predict
code live in the package ``tracegrad.apps.charclf`` (options.py, train.py, evaluate.py), so
there is one copy of each. The classes the homework asks students to write are re-exported
next to this file, so ``from network import MLP`` and ``from losses import CrossEntropyLoss``
work here exactly as in the assignment.
"""

import sys

from tracegrad.apps.charclf import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
