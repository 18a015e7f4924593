"""Reading entries back: all of them, a report's sign-offs, a report's scan entry."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from trustscan.governance.ledger.entries import LedgerError
from trustscan.governance.ledger.keys import LedgerKey, mac_ok
from trustscan.governance.ledger.storage import read_lines


def read_entries(path: Path) -> list[dict[str, Any]]:
    """Every entry (for ``ledger show``); damaged lines raise ``LedgerError``."""
    if not path.exists():
        raise LedgerError(f"ledger not found: {path}", "run `trustscan scan` to start one")
    lines, torn = read_lines(path)
    entries = []
    for number, line in enumerate([*lines, torn] if torn else lines, start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError as exc:
            raise LedgerError(
                f"line {number} of {path} is not valid JSON",
                f"run `trustscan ledger verify {path}`",
            ) from exc
        if not isinstance(entry, dict):
            raise LedgerError(
                f"line {number} of {path} is not a ledger entry (not a JSON object)",
                f"run `trustscan ledger verify {path}`",
            )
        entries.append(entry)
    return entries


def signoffs_for(
    path: Path, report_sha256: str, *, key: LedgerKey | None = None
) -> list[dict[str, Any]]:
    """Sign-off entries bound to a report's hash, each marked ``authenticated``: "yes" when its
    MAC checks under ``key``, "not checked (no key)" when it has a MAC but no key is given, "no"
    otherwise. Call ``verify`` first: this does not walk the chain."""
    if not path.exists():
        return []
    found = []
    for entry in read_entries(path):
        if entry.get("type") != "signoff" or entry.get("report_sha256") != report_sha256:
            continue
        found.append({**entry, "authenticated": _authenticated(entry, key)})
    return found


def _authenticated(entry: Mapping[str, Any], key: LedgerKey | None) -> str:
    if not entry.get("mac"):
        return "no"
    if key is None:
        return "not checked (no key)"
    return "yes" if mac_ok(entry, key) else "no"


def scan_entry_for(path: Path, report_sha256: str) -> dict[str, Any] | None:
    if not path.exists():
        return None
    return next(
        (
            e
            for e in read_entries(path)
            if e.get("type") == "scan" and e.get("report_sha256") == report_sha256
        ),
        None,
    )
