"""Repairing a ledger: setting aside a torn last line, and nothing else."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from trustscan.governance.ledger.entries import LedgerError
from trustscan.governance.ledger.storage import locked, write_error


@dataclass(frozen=True)
class Repair:
    """Outcome of ``repair``."""

    path: str
    removed_bytes: int
    """Size of the torn last line that was set aside (0: nothing to repair)."""
    saved_to: str | None

    def message(self) -> str:
        if not self.removed_bytes:
            return f"{self.path}: nothing to repair (the last line is complete)"
        return (
            f"{self.path}: set aside a torn last line of {self.removed_bytes} bytes "
            f"(saved to {self.saved_to}); run `trustscan ledger verify` to check the rest"
        )


def repair(path: Path) -> Repair:
    """Cut off an incomplete last line (left by a crash or a full disk mid-append), keeping it
    in ``<ledger>.torn`` for inspection. Refuses to touch anything else: an edited or deleted
    entry is evidence, not damage."""
    if not path.exists():
        raise LedgerError(f"ledger not found: {path}", "check the path")
    with locked(path):
        raw = path.read_bytes()
        cut = raw.rfind(b"\n") + 1
        fragment = raw[cut:]
        if not fragment:
            return Repair(str(path), 0, None)
        torn = path.with_name(path.name + ".torn")
        try:
            with torn.open("ab") as stream:
                stream.write(fragment + b"\n")
                stream.flush()
                os.fsync(stream.fileno())
            with path.open("r+b") as stream:
                stream.truncate(cut)
                stream.flush()
                os.fsync(stream.fileno())
        except OSError as exc:
            raise write_error(path, exc) from exc
        return Repair(str(path), len(fragment), str(torn))
