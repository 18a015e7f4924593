"""The audit ledger: an append-only, hash-chained JSON Lines file.

Each line is one entry (a scan or a sign-off) holding its sequence number, the previous
entry's hash and its own hash over everything else, so editing, deleting or reordering a line
breaks the chain. A sidecar ``<ledger>.head`` records the last sequence and hash, which catches
lines cut off the end. (Someone who rewrites the whole chain *and* the head is not caught:
publish the head hash elsewhere, e.g. in a commit, when that matters.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trustscan.errors import InputError
from trustscan.provenance import sha256_file

DEFAULT_LEDGER = Path(".trustscan") / "ledger.jsonl"
GENESIS = "0" * 64
"""``prev_hash`` of the first entry."""
ROLES = ("approver", "reviewer", "author")


class LedgerError(InputError):
    """The ledger cannot be read or appended to."""


def entry_hash(entry: Mapping[str, Any]) -> str:
    """SHA-256 of the entry's canonical JSON without its own ``entry_hash``."""
    body = {k: v for k, v in entry.items() if k != "entry_hash"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def head_path(ledger: Path) -> Path:
    return ledger.with_name(ledger.name + ".head")


def now_utc() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


# --- appending ----------------------------------------------------------------------------


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock so two scans appending at once cannot fork the chain."""
    lock_file = path.with_name(path.name + ".lock")
    with lock_file.open("a") as handle:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: best effort without a lock
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def append_entry(path: Path, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Append one entry with the next sequence number and the chain hashes; return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path):
        last = _last_entry(path)
        entry: dict[str, Any] = {
            "sequence": (int(last["sequence"]) + 1) if last else 1,
            "time": now_utc(),
            **fields,
            "prev_hash": str(last["entry_hash"]) if last else GENESIS,
        }
        entry["entry_hash"] = entry_hash(entry)
        line = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        with path.open("a", encoding="utf-8", newline="\n") as stream:
            stream.write(line + "\n")
            stream.flush()
            os.fsync(stream.fileno())
        _write_head(path, entry)
    return entry


def _last_entry(path: Path) -> dict[str, Any] | None:
    if not path.exists() or path.stat().st_size == 0:
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return None
    try:
        last = json.loads(lines[-1])
        int(last["sequence"])
        str(last["entry_hash"])
    except (ValueError, KeyError, TypeError) as exc:
        raise LedgerError(
            f"the last line of the ledger {path} is damaged, so no entry can be chained to it",
            f"run `trustscan ledger verify {path}` to find the first bad entry",
        ) from exc
    return dict(last)


def chain_head(path: Path) -> dict[str, Any] | None:
    """The entry a new scan will chain to, for the report's traceability section (None for
    a new ledger). The scan's own entry cannot be in its report: it contains the report's hash."""
    last = _last_entry(path)
    if last is None:
        return None
    return {
        "ledger": str(path),
        "chains_to_sequence": int(last["sequence"]),
        "chains_to_entry_hash": str(last["entry_hash"]),
    }


def _write_head(path: Path, entry: Mapping[str, Any]) -> None:
    head = head_path(path)
    temp = head.with_name(head.name + ".tmp")
    temp.write_text(
        json.dumps({"sequence": entry["sequence"], "entry_hash": entry["entry_hash"]}) + "\n",
        encoding="utf-8",
    )
    os.replace(temp, head)


def append_scan(
    path: Path,
    report: Any,
    report_sha256: str,
    *,
    config_path: Path | None = None,
) -> dict[str, Any]:
    """Record a finished scan. ``report`` is a ``Report``; hashes of model, data and config are
    taken from ``trace.provenance`` when it ran, otherwise computed from the files."""
    provenance = report.result("trace.provenance")
    hashes = dict(provenance.metrics.get("sha256", {})) if provenance is not None else {}
    files = {
        "model": Path(report.inputs.model_path) if report.inputs.model_path else None,
        "data": Path(report.inputs.data_path),
        "config": config_path,
    }
    for name, file in files.items():
        if hashes.get(name) is None and file is not None and file.is_file():
            hashes[name] = sha256_file(file)
    return append_entry(
        path,
        {
            "type": "scan",
            "model_sha256": hashes.get("model"),
            "data_sha256": hashes.get("data"),
            "config_sha256": hashes.get("config"),
            "policy_sha256": report.policy_sha256,
            "report_sha256": report_sha256,
            "report_created_at": report.created_at,
            "verdict": report.verdict.value,
            "scores": {s.dimension.value: s.score for s in report.scores},
        },
    )


def append_signoff(
    path: Path, *, report_sha256: str, by: str, role: str, verdict: str | None
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
    )


# --- reading and verifying ----------------------------------------------------------------


def read_entries(path: Path) -> list[dict[str, Any]]:
    """Every entry (for ``ledger show``); damaged lines raise ``LedgerError``."""
    if not path.exists():
        raise LedgerError(f"ledger not found: {path}", "run `trustscan scan` to start one")
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError as exc:
            raise LedgerError(
                f"line {number} of {path} is not valid JSON",
                f"run `trustscan ledger verify {path}`",
            ) from exc
        entries.append(entry)
    return entries


def signoffs_for(path: Path, report_sha256: str) -> list[dict[str, Any]]:
    """Sign-off entries bound to a report's hash (for the report's sign-off section)."""
    if not path.exists():
        return []
    return [
        e
        for e in read_entries(path)
        if e.get("type") == "signoff" and e.get("report_sha256") == report_sha256
    ]


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


@dataclass(frozen=True)
class Verification:
    """Outcome of ``verify``."""

    path: str
    entries: int
    """Lines read (including a bad one)."""
    bad_line: int | None = None
    """Line number of the first bad entry; None when intact."""
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def message(self) -> str:
        if self.ok:
            return f"{self.path}: intact, {self.entries} entries, hash chain verified"
        where = f"line {self.bad_line}: " if self.bad_line is not None else ""
        return f"{self.path}: TAMPERED: {where}{self.problem}"


_REQUIRED = ("sequence", "prev_hash", "entry_hash")


def verify(path: Path) -> Verification:
    """Walk the chain; report the first entry that was edited, removed, reordered or cut."""
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
    count = 0
    for number, line in enumerate(complete, start=1):
        count = number
        bad = _check_line(line, number, previous)
        if bad is not None:
            return Verification(str(path), number, number, bad)
        previous = json.loads(line)["entry_hash"]
    if lines[-1]:
        number = len(complete) + 1
        return Verification(
            str(path),
            number,
            number,
            "the last line is incomplete (the file was truncated or edited)",
        )
    return _check_head(path, count, previous)


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


def _check_head(path: Path, count: int, last_hash: str) -> Verification:
    head_file = head_path(path)
    if not head_file.exists():
        return Verification(str(path), count)
    try:
        head = json.loads(head_file.read_text(encoding="utf-8"))
        head_sequence, head_hash = int(head["sequence"]), str(head["entry_hash"])
    except (ValueError, KeyError, TypeError):
        return Verification(str(path), count, None, f"the head file {head_file.name} is damaged")
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
    # head_sequence < count: entries were appended without updating the head (e.g. copied
    # from another ledger); the chain itself is intact, so this is not tampering evidence.
    return Verification(str(path), count)


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
