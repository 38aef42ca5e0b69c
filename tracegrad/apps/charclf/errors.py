"""The one exception the character classifier raises for bad input."""

from __future__ import annotations


class CharclfError(Exception):
    """A problem with the user's input (a flag, a data file, an image, a model file).

    ``main()`` prints its message as one line, ``charclf: error: <message>``, and exits with
    status 2 instead of showing a traceback. The message says what was wrong and where
    (file, and line for the JSON lists).
    """
