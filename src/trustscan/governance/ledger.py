"""The audit ledger: an append-only, hash-chained JSON Lines file.

Each line is one entry (a scan or a sign-off) holding its sequence number, the previous
entry's hash and its own hash over everything else, so editing, deleting or reordering a line
breaks the chain. A sidecar ``<ledger>.head`` records the last sequence and hash, which catches
lines cut off the end.

A hash chain alone proves nothing against someone who can write the file: they can rewrite
every hash. So, when a ledger key is configured (``TRUSTSCAN_LEDGER_KEY``, or a key file named
by ``TRUSTSCAN_LEDGER_KEY_FILE``; kept outside the repository, e.g. as a CI secret), every entry
and the head carry an HMAC-SHA256 under that key, and ``verify`` with the key catches forged,
re-chained and appended entries and a deleted head. What each measure stops, and what none of
them stops, is in docs/ledger.md.

Appends are atomic: one complete line is written and fsynced under an exclusive lock, and a
failed write (a full disk) is truncated away, never left as a partial line. A line torn by a
crash is cut off by ``trustscan ledger repair``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import errno
import hashlib
import hmac
import json
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trustscan.checks.traceability.measured import Provenance
from trustscan.errors import InputError
from trustscan.governance.provenance import sha256_file
from trustscan.interrupts import deferred_interrupts

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


# --- the ledger key -------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerKey:
    """The secret that authenticates entries; ``key_id`` names it without revealing it."""

    secret: bytes = field(repr=False)

    @property
    def key_id(self) -> str:
        return hashlib.sha256(b"trustscan-ledger-key-id:" + self.secret).hexdigest()[:16]

    def mac(self, message: str) -> str:
        return hmac.new(self.secret, message.encode("utf-8"), hashlib.sha256).hexdigest()


def load_key(environ: Mapping[str, str] | None = None) -> LedgerKey | None:
    """The ledger key from ``TRUSTSCAN_LEDGER_KEY`` or the file ``TRUSTSCAN_LEDGER_KEY_FILE``."""
    env = os.environ if environ is None else environ
    secret: bytes | None = None
    source = KEY_ENV
    if env.get(KEY_ENV):
        secret = env[KEY_ENV].strip().encode("utf-8")
    elif env.get(KEY_FILE_ENV):
        source = env[KEY_FILE_ENV]
        try:
            secret = Path(source).read_bytes().strip()
        except OSError as exc:
            raise LedgerError(
                f"cannot read the ledger key file {source} ({exc.strerror})",
                f"check {KEY_FILE_ENV}, or create a key with `trustscan ledger keygen`",
            ) from exc
    if secret is None:
        return None
    if len(secret) < MIN_KEY_BYTES:
        raise LedgerError(
            f"the ledger key from {source} is shorter than {MIN_KEY_BYTES} bytes",
            "create one with `trustscan ledger keygen`",
        )
    return LedgerKey(secret)


def new_key_text() -> str:
    """A fresh random key (64 hex digits) for ``ledger keygen``."""
    return os.urandom(32).hex()


def _head_message(sequence: int, entry_hash_value: str) -> str:
    return f"trustscan-ledger-head:{sequence}:{entry_hash_value}"


# --- appending ----------------------------------------------------------------------------


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock so two scans appending at once cannot fork the chain."""
    lock_file = path.with_name(path.name + ".lock")
    try:
        handle = lock_file.open("a")
    except OSError as exc:
        raise _write_error(path, exc) from exc
    with handle:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: best effort without a lock
            yield
            return
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            # A scan holds the ledger for its whole audit: say why this one seems to hang.
            print(f"waiting for another trustscan process using {path} ...", file=sys.stderr)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class LedgerWriter:
    """Appends under the lock that ``open_ledger`` holds: the entry a report chains to is the
    entry its scan is appended after, even with concurrent scans."""

    def __init__(self, path: Path, key: LedgerKey | None) -> None:
        self.path = path
        self.key = key

    def last(self) -> dict[str, Any] | None:
        return _last_entry(self.path)

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
        _refuse_downgrade(self.path, last, self.key)
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
            _append_line(self.path, line + "\n")
            _write_head(self.path, entry, self.key)
        return entry


@contextmanager
def open_ledger(path: Path, key: LedgerKey | None = None) -> Iterator[LedgerWriter]:
    """Lock the ledger for reading its head and appending; refuse a damaged last line now."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _write_error(path, exc) from exc
    with _locked(path):
        writer = LedgerWriter(path, key)
        _refuse_downgrade(path, writer.last(), key)
        yield writer


def append_entry(
    path: Path, fields: Mapping[str, Any], *, key: LedgerKey | None = None
) -> dict[str, Any]:
    """Append one entry with the next sequence number and the chain hashes; return it."""
    with open_ledger(path, key) as writer:
        return writer.append(fields)


def _refuse_downgrade(path: Path, last: Mapping[str, Any] | None, key: LedgerKey | None) -> None:
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


def _append_line(path: Path, line: str) -> None:
    """Write one complete line and fsync it; on failure cut the file back to where it was."""
    data = line.encode("utf-8")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError as exc:
        raise _write_error(path, exc) from exc
    try:
        size = os.fstat(fd).st_size
        try:
            written = 0
            while written < len(data):
                written += os.write(fd, data[written:])
            os.fsync(fd)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, size)
                os.fsync(fd)
            if isinstance(exc, OSError):
                raise _write_error(path, exc) from exc
            raise
    finally:
        os.close(fd)


def _write_error(path: Path, exc: OSError) -> LedgerError:
    reason = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is exceeded",
        errno.EACCES: "permission denied",
        errno.EROFS: "the file system is read-only",
        errno.EFBIG: "the file size limit was reached",
        errno.ENOTDIR: "a part of the path is a file, not a folder",
    }.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    return LedgerError(
        f"cannot append to the ledger {path}: {reason}",
        "the ledger is unchanged and no report was written; free space or fix the path, "
        "or pass --no-ledger",
    )


def _read_lines(path: Path) -> tuple[list[str], str]:
    """Complete lines, and the text after the last newline (a torn write when not empty)."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LedgerError(
            f"the ledger {path} is not UTF-8 text", f"run `trustscan ledger verify {path}`"
        ) from exc
    except OSError as exc:
        raise LedgerError(f"cannot read the ledger {path} ({exc.strerror})") from exc
    parts = text.split("\n")
    return parts[:-1], parts[-1]


def _last_entry(path: Path) -> dict[str, Any] | None:
    if not path.exists() or path.stat().st_size == 0:
        return None
    lines, torn = _read_lines(path)
    if torn:
        raise LedgerError(
            f"the ledger {path} ends with an incomplete line (a write was cut off)",
            f"run `trustscan ledger repair {path}` to set it aside",
        )
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return None
    try:
        last = json.loads(lines[-1])
        if not isinstance(last, dict):
            raise TypeError("not an object")
        int(last["sequence"])
        str(last["entry_hash"])
    except (ValueError, KeyError, TypeError) as exc:
        raise LedgerError(
            f"the last line of the ledger {path} is damaged, so no entry can be chained to it",
            f"run `trustscan ledger verify {path}` to find the first bad entry",
        ) from exc
    return dict(last)


def _write_head(path: Path, entry: Mapping[str, Any], key: LedgerKey | None) -> None:
    head = head_path(path)
    temp = head.with_name(head.name + ".tmp")
    record: dict[str, Any] = {"sequence": entry["sequence"], "entry_hash": entry["entry_hash"]}
    if key is not None:
        record["key_id"] = key.key_id
        record["mac"] = key.mac(_head_message(int(entry["sequence"]), str(entry["entry_hash"])))
    try:
        with temp.open("w", encoding="utf-8") as stream:
            stream.write(json.dumps(record) + "\n")
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, head)
    except OSError:
        # The entry is written and fsynced; a head that lags behind the ledger is accepted by
        # verify (it only proves fewer entries), so a full disk here is not fatal.
        with contextlib.suppress(OSError):
            temp.unlink()


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
    hashes = (
        dict(Provenance.from_metrics(provenance.metrics).sha256) if provenance is not None else {}
    )
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


# --- reading and verifying ----------------------------------------------------------------


def read_entries(path: Path) -> list[dict[str, Any]]:
    """Every entry (for ``ledger show``); damaged lines raise ``LedgerError``."""
    if not path.exists():
        raise LedgerError(f"ledger not found: {path}", "run `trustscan scan` to start one")
    lines, torn = _read_lines(path)
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
    return "yes" if _mac_ok(entry, key) else "no"


def _mac_ok(entry: Mapping[str, Any], key: LedgerKey) -> bool:
    return (
        entry.get("key_id") == key.key_id
        and isinstance(entry.get("mac"), str)
        and entry.get("entry_hash") == entry_hash(entry)
        and hmac.compare_digest(str(entry["mac"]), key.mac(str(entry["entry_hash"])))
    )


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
    if not _mac_ok(entry, key):
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
        expected = key.mac(_head_message(head_sequence, head_hash))
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


# --- repair -------------------------------------------------------------------------------


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
    with _locked(path):
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
            raise _write_error(path, exc) from exc
        return Repair(str(path), len(fragment), str(torn))


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
