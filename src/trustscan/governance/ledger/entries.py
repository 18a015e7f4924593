"""The ledger's entry format: where it lives, how an entry is hashed, how it is listed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from trustscan.errors import InputError

DEFAULT_LEDGER = Path(".trustscan") / "ledger.jsonl"
GENESIS = "0" * 64
"""``prev_hash`` of the first entry."""
ROLES = ("approver", "reviewer", "author")
KEY_ENV = "TRUSTSCAN_LEDGER_KEY"
KEY_FILE_ENV = "TRUSTSCAN_LEDGER_KEY_FILE"
MIN_KEY_BYTES = 16
_UNHASHED = ("entry_hash", "mac")
"""Fields outside ``entry_hash``: the hash itself and the MAC over it."""


class LedgerError(InputError):
    """The ledger cannot be read or appended to."""


def entry_hash(entry: Mapping[str, Any]) -> str:
    """SHA-256 of the entry's canonical JSON without its own ``entry_hash`` and ``mac``."""
    body = {k: v for k, v in entry.items() if k not in _UNHASHED}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def head_path(ledger: Path) -> Path:
    return ledger.with_name(ledger.name + ".head")


def now_utc() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def describe(entry: Mapping[str, Any]) -> str:
    """One line per entry for ``ledger show``."""
    sequence = entry.get("sequence")
    kind = entry.get("type", "?")
    time = entry.get("time", "?")
    report = str(entry.get("report_sha256") or "")[:12]
    if kind == "signoff":
        detail = f"{entry.get('role')} {entry.get('by')!s} signed report {report}"
    else:
        scores = entry.get("scores") or {}
        shown = " ".join(
            f"{name}={value:.0f}"
            for name, value in scores.items()
            if isinstance(value, int | float)
        )
        detail = f"verdict {entry.get('verdict')}  report {report}  {shown}".rstrip()
    return f"{sequence!s:>4}  {time}  {kind:<8} {detail}"
