"""Appending entries: scans and sign-offs, chained and (with a key) authenticated."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from trustscan.checks.traceability.measured import Provenance
from trustscan.governance.ledger.entries import (
    GENESIS,
    KEY_ENV,
    KEY_FILE_ENV,
    LedgerError,
    entry_hash,
    now_utc,
)
from trustscan.governance.ledger.keys import LedgerKey
from trustscan.governance.ledger.storage import (
    append_line,
    last_entry,
    locked,
    write_error,
    write_head,
)
from trustscan.governance.provenance import sha256_file
from trustscan.interrupts import deferred_interrupts
from trustscan.types import measured_as


class LedgerWriter:
    """Appends under the lock that ``open_ledger`` holds: the entry a report chains to is the
    entry its scan is appended after, even with concurrent scans."""

    def __init__(self, path: Path, key: LedgerKey | None) -> None:
        self.path = path
        self.key = key

    def last(self) -> dict[str, Any] | None:
        return last_entry(self.path)

    def head(self) -> dict[str, Any] | None:
        """What a new entry will chain to, for the report's traceability section (None for a
        new ledger). The scan's own entry cannot be in its report: it holds the report's hash."""
        last = self.last()
        if last is None:
            return None
        return {
            "ledger": str(self.path),
            "chains_to_sequence": int(last["sequence"]),
            "chains_to_entry_hash": str(last["entry_hash"]),
        }

    def append(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """Append one entry with the next sequence number, the chain hashes and the MAC."""
        last = self.last()
        refuse_downgrade(self.path, last, self.key)
        entry: dict[str, Any] = {
            "sequence": (int(last["sequence"]) + 1) if last else 1,
            "time": now_utc(),
            **fields,
            "prev_hash": str(last["entry_hash"]) if last else GENESIS,
        }
        if self.key is not None:
            entry["key_id"] = self.key.key_id
        entry["entry_hash"] = entry_hash(entry)
        if self.key is not None:
            entry["mac"] = self.key.mac(entry["entry_hash"])
        line = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        with deferred_interrupts():
            append_line(self.path, line + "\n")
            write_head(self.path, entry, self.key)
        return entry


@contextmanager
def open_ledger(path: Path, key: LedgerKey | None = None) -> Iterator[LedgerWriter]:
    """Lock the ledger for reading its head and appending; refuse a damaged last line now."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(path, exc) from exc
    with locked(path):
        writer = LedgerWriter(path, key)
        refuse_downgrade(path, writer.last(), key)
        yield writer


def append_entry(
    path: Path, fields: Mapping[str, Any], *, key: LedgerKey | None = None
) -> dict[str, Any]:
    """Append one entry with the next sequence number and the chain hashes; return it."""
    with open_ledger(path, key) as writer:
        return writer.append(fields)


def refuse_downgrade(path: Path, last: Mapping[str, Any] | None, key: LedgerKey | None) -> None:
    """An authenticated ledger only takes authenticated entries, under the same key."""
    if last is None or not last.get("mac"):
        return
    if key is None:
        raise LedgerError(
            f"the ledger {path} is authenticated with a key and none is configured",
            f"set {KEY_ENV} (or {KEY_FILE_ENV}) to the ledger key, or pass --no-ledger",
        )
    if last.get("key_id") != key.key_id:
        raise LedgerError(
            f"the configured ledger key ({key.key_id}) is not the key of {path} "
            f"({last.get('key_id')})",
            f"set {KEY_ENV} to the key this ledger was started with",
        )


def append_scan(
    path: Path,
    report: Any,
    report_sha256: str,
    *,
    config_path: Path | None = None,
    key: LedgerKey | None = None,
    writer: LedgerWriter | None = None,
) -> dict[str, Any]:
    """Record a finished scan. ``report`` is a ``Report``; hashes of model, data and config are
    taken from ``trace.provenance`` when it ran, otherwise computed from the files."""
    provenance = report.result("trace.provenance")
    hashes = dict(measured_as(provenance, Provenance).sha256) if provenance is not None else {}
    files = {
        "model": Path(report.inputs.model_path) if report.inputs.model_path else None,
        "data": Path(report.inputs.data_path),
        "config": config_path,
    }
    for name, file in files.items():
        if hashes.get(name) is None and file is not None and file.is_file():
            hashes[name] = sha256_file(file)
    fields = {
        "type": "scan",
        "model_sha256": hashes.get("model"),
        "data_sha256": hashes.get("data"),
        "config_sha256": hashes.get("config"),
        "policy_sha256": report.policy_sha256,
        "report_sha256": report_sha256,
        "report_created_at": report.created_at,
        "verdict": report.verdict.value,
        "scores": {s.dimension.value: s.score for s in report.scores},
    }
    if writer is not None:
        return writer.append(fields)
    return append_entry(path, fields, key=key)


def append_signoff(
    path: Path,
    *,
    report_sha256: str,
    by: str,
    role: str,
    verdict: str | None,
    key: LedgerKey | None = None,
) -> dict[str, Any]:
    return append_entry(
        path,
        {
            "type": "signoff",
            "report_sha256": report_sha256,
            "by": by,
            "role": role,
            "verdict": verdict,
        },
        key=key,
    )
