"""``python -m tracegrad.apps.charclf``: the same as ``tracegrad charclf``."""

import sys

from . import main

sys.exit(main())
