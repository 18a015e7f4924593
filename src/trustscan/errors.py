"""Exception and warning types shared across trustscan."""

from __future__ import annotations


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
        text = self.message if not self.hint else f"{self.message} — {self.hint}"
        return " ".join(text.split())


class TrustscanWarning(UserWarning):
    """Warnings trustscan emits itself (the test suite turns them into errors)."""
