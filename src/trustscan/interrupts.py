"""SIGINT and SIGTERM as one exception, so every ``finally`` (temp files, ledger lock) runs and
the command exits 130 whatever phase it was in.

Python turns SIGINT into ``KeyboardInterrupt`` but leaves SIGTERM to kill the process at once,
which skips clean-up; and an interrupt during the final renames could leave a mix of old and new
reports. ``catch_interrupts`` raises :class:`Interrupted` for both signals (once: a second signal
while cleaning up is only recorded), and ``deferred_interrupts`` holds them back for the few
milliseconds of the commit step.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, NoReturn

EXIT_INTERRUPTED = 130
SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived; the command stops, cleans up and exits 130."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@dataclass
class _State:
    received: int | None = None
    """The first signal received, if any."""
    deferring: int = 0
    pending: int | None = None
    raised: bool = False
    depth: int = 0
    previous: dict[int, Any] = field(default_factory=dict)


_state = _State()


def _handler(signum: int, frame: FrameType | None) -> None:
    if _state.received is None:
        _state.received = signum
    if _state.deferring:
        _state.pending = signum
        return
    if not _state.raised:
        _state.raised = True
        raise Interrupted(signum)


def interrupted() -> bool:
    """Whether SIGINT/SIGTERM arrived since ``catch_interrupts`` started."""
    return _state.received is not None


@contextmanager
def catch_interrupts() -> Iterator[None]:
    """Install the handlers for the duration (main thread only; elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread() or _state.depth:
        # Nested (the entry point already installed them) or not allowed here.
        _state.depth += 1
        try:
            yield
        finally:
            _state.depth -= 1
        return
    previous = {signum: signal.getsignal(signum) for signum in SIGNALS}
    _state.received, _state.pending, _state.raised, _state.deferring = None, None, False, 0
    for signum in SIGNALS:
        signal.signal(signum, _handler)
    _state.depth = 1
    try:
        yield
    finally:
        _state.depth = 0
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextmanager
def deferred_interrupts() -> Iterator[None]:
    """Hold SIGINT/SIGTERM back while the block runs; raise :class:`Interrupted` after it."""
    _state.deferring += 1
    try:
        yield
    finally:
        _state.deferring -= 1
    if not _state.deferring and _state.pending is not None and not _state.raised:
        signum, _state.pending = _state.pending, None
        _state.raised = True
        raise Interrupted(signum)


def exit_process(code: int | str | None) -> NoReturn:
    """Exit with ``code`` (as ``sys.exit`` reads it), or 130 if a signal arrived, skipping the
    interpreter's finalisation.

    While CPython finalises it resets signal handlers to the default action, so a SIGTERM in
    that window killed the process (exit -15) instead of exiting 130. The signals are blocked
    instead, exit handlers run and output is flushed by hand, and a signal that arrived
    meanwhile still gives 130."""
    import atexit
    import os
    import sys

    if threading.current_thread() is threading.main_thread():
        signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    try:
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with suppress(OSError, ValueError):
                stream.flush()
        if interrupted() or set(signal.sigpending()) & set(SIGNALS):
            status = EXIT_INTERRUPTED
        os._exit(status)
