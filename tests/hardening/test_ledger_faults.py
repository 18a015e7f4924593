"""Ledger faults: a full disk never leaves a partial line, a torn line is repaired by a clear
command, and scans stay consistent with the ledger."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from trustscan.cli import main
from trustscan.governance.ledger.entries import LedgerError
from trustscan.governance.ledger.reading import read_entries
from trustscan.governance.ledger.repair import repair
from trustscan.governance.ledger.verify import verify
from trustscan.governance.ledger.writer import append_entry


def disk_full_after(monkeypatch: pytest.MonkeyPatch, nbytes: int) -> None:
    """Writes to a ledger file write ``nbytes`` and then fail with ENOSPC, as a full disk does."""
    real_write = os.write

    def write(fd: int, data: bytes) -> int:
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            target = ""
        if not target.endswith(".jsonl"):
            return real_write(fd, data)
        if getattr(write, "done", False):
            raise OSError(28, "No space left on device")
        write.done = True  # type: ignore[attr-defined]
        return real_write(fd, bytes(data)[:nbytes])

    monkeypatch.setattr(os, "write", write)


@pytest.fixture()
def ledger(tmp_path: Path) -> Path:
    path = tmp_path / ".trustscan" / "ledger.jsonl"
    for verdict in ("pass", "fail"):
        append_entry(path, {"type": "scan", "verdict": verdict, "report_sha256": "ab" * 32})
    return path


def test_disk_full_during_an_append_leaves_the_ledger_as_it_was(
    ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = ledger.read_bytes()
    head_before = (ledger.parent / "ledger.jsonl.head").read_bytes()
    disk_full_after(monkeypatch, 25)
    with pytest.raises(LedgerError, match="the disk is full"):
        append_entry(ledger, {"type": "scan", "verdict": "pass"})
    monkeypatch.undo()
    assert ledger.read_bytes() == before
    assert (ledger.parent / "ledger.jsonl.head").read_bytes() == head_before
    assert verify(ledger).ok
    append_entry(ledger, {"type": "scan", "verdict": "warn"})
    assert verify(ledger).ok and len(read_entries(ledger)) == 3


def test_file_size_limit_during_an_append_leaves_the_ledger_as_it_was(ledger: Path) -> None:
    """A real write failure, not a mock: RLIMIT_FSIZE in a child process."""
    before = ledger.read_bytes()
    limit = len(before) + 20
    code = (
        "import resource, signal, sys\n"
        "from pathlib import Path\n"
        "from trustscan.governance.ledger.entries import LedgerError\n"
        "from trustscan.governance.ledger.writer import append_entry\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
        "try:\n"
        f"    append_entry(Path({str(ledger)!r}), {{'type': 'scan', 'verdict': 'pass'}})\n"
        "except LedgerError as exc:\n"
        "    print(exc.one_line()); sys.exit(2)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 2, completed.stderr
    assert "cannot append to the ledger" in completed.stdout
    assert ledger.read_bytes() == before
    assert verify(ledger).ok


def test_a_torn_last_line_stops_scans_with_a_repair_hint_and_repair_fixes_it(
    ledger: Path, applicants_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ledger.open("ab") as stream:
        stream.write(b'{"sequence":3,"time":"2026-')  # a crash mid-append (older versions)
    outcome = verify(ledger)
    assert not outcome.ok and "ledger repair" in (outcome.problem or "")
    monkeypatch.chdir(ledger.parent.parent)
    args = ["scan", "--data", str(applicants_csv), "--predictions", "hired", "-s", "gender"]
    result = CliRunner().invoke(main, [*args, "--json", "r.json", "-q"])
    assert result.exit_code == 2
    assert "trustscan ledger repair" in result.output and len(result.output.splitlines()) == 1
    assert not Path("r.json").exists()

    fixed = CliRunner().invoke(main, ["ledger", "repair", str(ledger)])
    assert fixed.exit_code == 0 and "set aside a torn last line" in fixed.output
    assert (ledger.parent / "ledger.jsonl.torn").read_bytes().startswith(b'{"sequence":3')
    assert verify(ledger).ok
    assert CliRunner().invoke(main, [*args, "--json", "r.json", "-q"]).exit_code in (0, 1)
    assert verify(ledger).ok and len(read_entries(ledger)) == 3


def test_repair_touches_nothing_but_a_torn_line(ledger: Path) -> None:
    before = ledger.read_bytes()
    assert repair(ledger).removed_bytes == 0
    lines = before.decode().splitlines(keepends=True)
    ledger.write_text(lines[1])  # an entry deleted: evidence, not damage
    assert repair(ledger).removed_bytes == 0
    assert not verify(ledger).ok


def test_ledger_show_on_a_line_that_is_not_an_object_is_one_line(ledger: Path) -> None:
    with ledger.open("a") as stream:
        stream.write("[1, 2]\n")
    result = CliRunner().invoke(main, ["ledger", "show", str(ledger)])
    assert result.exit_code == 2
    assert result.output.startswith("error: line 3") and "not a ledger entry" in result.output
    assert "Traceback" not in result.output


def test_a_scan_waiting_for_the_ledger_says_so_and_then_proceeds(tmp_path: Path) -> None:
    """A scan holds the ledger's lock for its whole audit; a second one must not seem hung."""
    import fcntl

    ledger = tmp_path / "ledger.jsonl"
    waiter = (
        "import sys\nfrom pathlib import Path\n"
        "from trustscan.governance.ledger.storage import locked\n"
        f"with locked(Path({str(ledger)!r})):\n    print('locked')\n"
    )
    with (tmp_path / "ledger.jsonl.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        process = subprocess.Popen(
            [sys.executable, "-c", waiter],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stderr is not None
        line = process.stderr.readline()
        assert line.startswith("waiting for another trustscan process using"), line
        assert process.poll() is None  # still waiting while the lock is held
        fcntl.flock(held, fcntl.LOCK_UN)
        out, _ = process.communicate(timeout=60)
    assert out.strip() == "locked"
