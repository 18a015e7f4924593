"""Exception and warning types shared across trustscan."""

from __future__ import annotations

import re

MAX_MESSAGE = 400
"""An error line longer than this is cut (a 10 MB header must not be echoed back)."""
_NUMPY_BOOL = re.compile(r"np\.(True|False)_")
_NUMPY_REPR = re.compile(r"np\.(?:u?int|float|bool|str)_?\d*\((['\"]?)(.*?)\1\)")


class TrustscanError(Exception):
    """Base class for errors trustscan raises on purpose."""


class InputError(TrustscanError):
    """The user's input (file, column, option, policy) is wrong; maps to exit code 2.

    The message names what is wrong; ``hint`` says how to fix it. Both end up on one line.
    """

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        """Message and hint on one line, numpy scalars printed as plain numbers, the message
        capped at ``MAX_MESSAGE`` characters (the hint is kept whole)."""
        message = plain(" ".join(self.message.split()))
        if len(message) > MAX_MESSAGE:
            message = message[: MAX_MESSAGE - 1] + "…"
        if not self.hint:
            return message
        return f"{message} — {plain(' '.join(self.hint.split()))[:MAX_MESSAGE]}"


def plain(text: str) -> str:
    """``np.int64(0)`` -> ``0``, ``np.str_('a')`` -> ``a``: numpy reprs leak into f-strings
    through ``!r`` and containers."""
    return _NUMPY_BOOL.sub(r"\1", _NUMPY_REPR.sub(lambda m: m.group(2), text))
