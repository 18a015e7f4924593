"""Reading and writing the ledger's files safely: the exclusive lock, whole fsynced lines,
the head sidecar, and errors that say what went wrong."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from trustscan.governance.ledger.entries import LedgerError, head_path
from trustscan.governance.ledger.keys import LedgerKey, head_message


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive lock so two scans appending at once cannot fork the chain."""
    lock_file = path.with_name(path.name + ".lock")
    try:
        handle = lock_file.open("a")
    except OSError as exc:
        raise write_error(path, exc) from exc
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


def append_line(path: Path, line: str) -> None:
    """Write one complete line and fsync it; on failure cut the file back to where it was."""
    data = line.encode("utf-8")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError as exc:
        raise write_error(path, exc) from exc
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
                raise write_error(path, exc) from exc
            raise
    finally:
        os.close(fd)


def write_error(path: Path, exc: OSError) -> LedgerError:
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


def read_lines(path: Path) -> tuple[list[str], str]:
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


def last_entry(path: Path) -> dict[str, Any] | None:
    if not path.exists() or path.stat().st_size == 0:
        return None
    lines, torn = read_lines(path)
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


def write_head(path: Path, entry: Mapping[str, Any], key: LedgerKey | None) -> None:
    head = head_path(path)
    temp = head.with_name(head.name + ".tmp")
    record: dict[str, Any] = {"sequence": entry["sequence"], "entry_hash": entry["entry_hash"]}
    if key is not None:
        record["key_id"] = key.key_id
        record["mac"] = key.mac(head_message(int(entry["sequence"]), str(entry["entry_hash"])))
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
