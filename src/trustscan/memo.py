"""Values several checks share, computed once per audit even when checks run side by side."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class Memo:
    """``get(key, make)`` runs ``make()`` once per key; a thread asking for a key another
    thread is computing waits for that value instead of computing it again. A ``make`` that
    raises stores nothing, so the next caller tries again (and sees the same error)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._values: dict[str, Any] = {}
        self._key_locks: dict[str, threading.Lock] = {}

    def get(self, key: str, make: Callable[[], T]) -> T:
        with self._guard:
            if key in self._values:
                found: T = self._values[key]
                return found
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._guard:
                if key in self._values:
                    computed: T = self._values[key]
                    return computed
            value = make()
            with self._guard:
                self._values[key] = value
            return value

    def __contains__(self, key: object) -> bool:
        with self._guard:
            return key in self._values
