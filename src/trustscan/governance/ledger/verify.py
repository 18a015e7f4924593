"""Verifying the ledger: the hash chain, the MACs under the key, and the head."""

from __future__ import annotations

import dataclasses
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trustscan.governance.ledger.entries import (
    GENESIS,
    KEY_ENV,
    LedgerError,
    entry_hash,
    head_path,
)
from trustscan.governance.ledger.keys import LedgerKey, head_message, mac_ok


@dataclass(frozen=True)
class Verification:
    """Outcome of ``verify``."""

    path: str
    entries: int
    """Lines read (including a bad one)."""
    bad_line: int | None = None
    """Line number of the first bad entry; None when intact."""
    problem: str | None = None
    authenticated: int = 0
    """Entries whose MAC was checked under the configured key."""
    unchecked_macs: int = 0
    """Entries carrying a MAC that could not be checked (no key configured)."""

    @property
    def ok(self) -> bool:
        return self.problem is None

    def message(self) -> str:
        if not self.ok:
            where = f"line {self.bad_line}: " if self.bad_line is not None else ""
            return f"{self.path}: TAMPERED: {where}{self.problem}"
        text = f"{self.path}: intact, {self.entries} entries, hash chain verified"
        if self.authenticated:
            text += f"; {self.authenticated} entries and the head authenticated with the key"
            if self.authenticated < self.entries:
                text += f" ({self.entries - self.authenticated} earlier entries predate the key)"
        elif self.unchecked_macs:
            text += (
                f"; {self.unchecked_macs} entries carry MACs that were NOT checked: set "
                f"{KEY_ENV} to check that no entry was forged"
            )
        return text


_REQUIRED = ("sequence", "prev_hash", "entry_hash")


def verify(path: Path, *, key: LedgerKey | None = None) -> Verification:
    """Walk the chain; report the first entry that was edited, removed, reordered, cut, or
    (with ``key``) forged."""
    if not path.exists():
        raise LedgerError(
            f"ledger not found: {path}", "check the path (default .trustscan/ledger.jsonl)"
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Verification(str(path), 0, None, "the ledger is not UTF-8 text (edited)")
    lines = text.split("\n")
    complete = lines[:-1]  # a correctly written ledger ends with a newline
    previous = GENESIS
    count = authenticated = unchecked = 0
    keyed_from: int | None = None
    for number, line in enumerate(complete, start=1):
        count = number
        bad = _check_line(line, number, previous)
        if bad is None:
            entry = json.loads(line)
            bad = _check_mac(entry, number, key, keyed_from)
            if entry.get("mac") and keyed_from is None:
                keyed_from = number
        if bad is not None:
            return Verification(str(path), number, number, bad)
        previous = entry["entry_hash"]
        if entry.get("mac"):
            authenticated += key is not None
            unchecked += key is None
    if lines[-1]:
        number = len(complete) + 1
        return Verification(
            str(path),
            number,
            number,
            "the last line is incomplete (a write was cut off, or the file was truncated or "
            f"edited); `trustscan ledger repair {path}` sets a torn line aside",
        )
    outcome = _check_head(path, count, previous, key, keyed=keyed_from is not None)
    return dataclasses.replace(outcome, authenticated=authenticated, unchecked_macs=unchecked)


def _check_line(line: str, number: int, previous: str) -> str | None:
    if not line.strip():
        return "empty line where an entry should be (an entry was removed or edited)"
    try:
        entry = json.loads(line)
    except ValueError:
        return "not valid JSON (the entry was edited or truncated)"
    if not isinstance(entry, dict) or any(k not in entry for k in _REQUIRED):
        return f"not a ledger entry (needs {', '.join(_REQUIRED)})"
    if entry_hash(entry) != entry["entry_hash"]:
        return f"entry {entry.get('sequence')}: its content does not match its hash (edited)"
    if entry["sequence"] != number:
        return (
            f"holds entry {entry['sequence']} where entry {number} belongs "
            "(an entry was removed or the entries were reordered)"
        )
    if entry["prev_hash"] != previous:
        return (
            f"entry {number}: its link to the previous entry is broken "
            "(an earlier entry was removed, reordered or replaced)"
        )
    return None


def _check_mac(
    entry: Mapping[str, Any], number: int, key: LedgerKey | None, keyed_from: int | None
) -> str | None:
    """Once one entry is authenticated every later one must be (no downgrade); with the key,
    every MAC must check."""
    if not entry.get("mac"):
        if keyed_from is not None:
            return (
                f"entry {number} is not authenticated although entries from {keyed_from} on "
                "are: it was added without the ledger key (forged)"
            )
        return None
    if key is None:
        return None
    if entry.get("key_id") != key.key_id:
        return (
            f"entry {number} is authenticated with another key ({entry.get('key_id')}, "
            f"configured: {key.key_id})"
        )
    if not mac_ok(entry, key):
        return f"entry {number}: its MAC does not match (forged or re-chained without the key)"
    return None


def _check_head(
    path: Path, count: int, last_hash: str, key: LedgerKey | None, *, keyed: bool
) -> Verification:
    head_file = head_path(path)
    if not head_file.exists():
        if keyed and key is not None:
            return Verification(
                str(path),
                count,
                None,
                f"the head file {head_file.name} is missing: entries may have been cut off "
                "the end together with it",
            )
        return Verification(str(path), count)
    try:
        head = json.loads(head_file.read_text(encoding="utf-8"))
        head_sequence, head_hash = int(head["sequence"]), str(head["entry_hash"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return Verification(str(path), count, None, f"the head file {head_file.name} is damaged")
    if keyed and key is not None:
        expected = key.mac(head_message(head_sequence, head_hash))
        if not hmac.compare_digest(str(head.get("mac", "")), expected):
            return Verification(
                str(path),
                count,
                None,
                f"the head file {head_file.name} is not authenticated by the key (replaced)",
            )
    if head_sequence > count:
        return Verification(
            str(path),
            count,
            count + 1,
            f"the ledger ends at entry {count} but its head records entry {head_sequence}: "
            "entries were cut off the end (truncated)",
        )
    if head_sequence == count and head_hash != last_hash:
        return Verification(
            str(path),
            count,
            count,
            f"entry {count} does not match the hash its head file records (replaced)",
        )
    # head_sequence < count: the head lags (a crash or full disk between appending an entry
    # and updating the head); the chain is intact and, when keyed, every entry authenticated.
    return Verification(str(path), count)
