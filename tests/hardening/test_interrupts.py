"""SIGINT/SIGTERM in any phase: exit 130, no traceback, no temp file, and the outputs either
all new or all absent (never a mix)."""

from __future__ import annotations

import importlib
import signal
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from trustscan.cli import main
from trustscan.interrupts import Interrupted, catch_interrupts, deferred_interrupts, interrupted

from .conftest import temp_files, trustscan_process

OUTPUTS = ("report.json", "report.html", "junit.xml", "summary.md", "report.sarif")


def test_a_deferred_signal_is_raised_after_the_commit_step() -> None:
    done = []
    with catch_interrupts(), pytest.raises(Interrupted), deferred_interrupts():
        signal.raise_signal(signal.SIGINT)
        done.append("renamed everything")
    assert done == ["renamed everything"]


def test_sigterm_becomes_an_interrupt_that_runs_finally_blocks() -> None:
    cleaned = []
    with catch_interrupts():
        with pytest.raises(Interrupted):
            try:
                signal.raise_signal(signal.SIGTERM)
            finally:
                cleaned.append(True)
        assert interrupted()
    assert cleaned == [True]


def test_keyboard_interrupt_inside_a_command_exits_130_not_aborted(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The pipeline module (``trustscan.audit`` on the package is the API function).
    audit = importlib.import_module("trustscan.pipeline")

    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(audit, "run_audit", interrupt)
    data = tmp_path / "d.csv"
    data.write_text("p,g\n1,a\n0,b\n")
    result = CliRunner().invoke(
        main, ["scan", "--data", str(data), "--predictions", "p", "--no-ledger"]
    )
    assert result.exit_code == 130
    assert "Aborted" not in result.output


def test_usage_errors_are_one_line_exit_2() -> None:
    result = CliRunner().invoke(main, ["scan", "--fail-on", "sometimes"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert "scan --help" in lines[0]
    unknown = CliRunner().invoke(main, ["scna"])
    assert unknown.exit_code == 2 and len(unknown.output.strip().splitlines()) == 1


def _wait_until_handled(pid: int, signum: int, timeout: float = 20.0) -> None:
    """Wait until the child catches ``signum``: the interpreter's own start-up (before the entry
    point runs) is out of trustscan's reach, and on a loaded machine it can outlast any delay."""
    status = Path(f"/proc/{pid}/status")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            caught = next(
                int(line.split()[1], 16)
                for line in status.read_text().splitlines()
                if line.startswith("SigCgt:")
            )
        except (OSError, StopIteration):
            return  # exited already, or no /proc: the delays alone decide
        if caught & (1 << (signum - 1)):
            return
        time.sleep(0.005)


def _scan(folder: Path, data: Path) -> subprocess.Popen[str]:
    return trustscan_process(
        ["scan", "--data", str(data), "--predictions", "hired", "-s", "gender", "--out", "out"],
        cwd=folder,
    )


def _uninterrupted_seconds(folder: Path, data: Path, signum: int) -> float:
    """How long a scan runs once it handles ``signum``, so the interrupts can be spread over
    its phases however fast this machine (or trustscan) is."""
    folder.mkdir()
    process = _scan(folder, data)
    _wait_until_handled(process.pid, signum)
    started = time.monotonic()
    process.communicate(timeout=120)
    return time.monotonic() - started


def _interrupt_at(
    delay: float, folder: Path, data: Path, signum: int
) -> tuple[int | None, str, bool]:
    process = _scan(folder, data)
    _wait_until_handled(process.pid, signum)
    time.sleep(delay)
    sent = process.poll() is None
    if sent:
        process.send_signal(signum)
    _, stderr = process.communicate(timeout=120)
    return process.returncode, stderr, sent


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupt_in_every_phase_exits_130_and_leaves_a_consistent_folder(
    tmp_path: Path, applicants_csv: Path, signum: int
) -> None:
    # From the first imports to the final renames: the delays walk through every phase of a
    # scan as long as an uninterrupted one takes here.
    duration = _uninterrupted_seconds(tmp_path / "timing", applicants_csv, signum)
    seen_exit_130 = 0
    for index, share in enumerate((0.02, 0.1, 0.2, 0.35, 0.5, 0.65, 0.8)):
        delay = share * duration
        folder = tmp_path / f"run{index}"
        folder.mkdir()
        code, stderr, sent = _interrupt_at(delay, folder, applicants_csv, signum)
        assert "Traceback" not in stderr, stderr
        if sent:
            # Once trustscan's entry point runs, a signal at any moment (even after the exit
            # code is decided) ends the process with 130.
            assert code == 130, (delay, code, stderr[-500:])
            seen_exit_130 += 1
        present = [name for name in OUTPUTS if (folder / "out" / name).exists()]
        assert present in ([], list(OUTPUTS)), present
        assert temp_files(folder) == []
        if code == 130:
            ledger = folder / ".trustscan" / "ledger.jsonl"
            # Interrupted before the commit: nothing recorded; a signal held back during the
            # commit step arrives after it: everything recorded.
            assert (ledger.exists() and ledger.read_text().count("\n") == 1) == bool(present)
    assert seen_exit_130 >= 4


@pytest.mark.slow
def test_sigkill_in_any_phase_leaves_all_or_no_outputs_and_the_next_run_sweeps_temps(
    tmp_path: Path, applicants_csv: Path
) -> None:
    for index, delay in enumerate((0.5, 1.5, 2.5, 3.5)):
        folder = tmp_path / f"run{index}"
        folder.mkdir()
        _interrupt_at(delay, folder, applicants_csv, signal.SIGKILL)
        present = [name for name in OUTPUTS if (folder / name).exists()]
        assert present in ([], list(OUTPUTS)), present
        rerun = trustscan_process(
            [
                "scan",
                "--data",
                str(applicants_csv),
                "--predictions",
                "hired",
                "-s",
                "gender",
                "--out",
                "out",
                "-q",
            ],
            cwd=folder,
        )
        _, stderr = rerun.communicate(timeout=120)
        assert rerun.returncode in (0, 1), stderr
        assert temp_files(folder) == []
        assert all((folder / "out" / name).exists() for name in OUTPUTS)
