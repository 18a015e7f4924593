"""Outputs are all-or-nothing: refused when they would overwrite an input or each other,
staged to temp files and committed together, never half-written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from trustscan.cli import main
from trustscan.errors import InputError
from trustscan.outputs import TEMP_MARK, sweep_stale_temp_files, write_atomically

from .conftest import temp_files


def scan(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["scan", "--no-ledger", "-q", *args])
    return result.exit_code, result.output


def predictions_args(data: Path) -> list[str]:
    return ["--data", str(data), "--predictions", "hired", "--sensitive", "gender"]


def one_line_error(output: str, *expected: str) -> None:
    message = output.strip()
    assert message.startswith("error: ") and len(message.splitlines()) == 1, message
    for text in expected:
        assert text in message, message


def test_json_equal_to_data_is_refused_and_the_data_is_intact(
    in_tmp: Path, applicants_csv: Path
) -> None:
    data = in_tmp / "data.csv"
    data.write_bytes(applicants_csv.read_bytes())
    code, output = scan(*predictions_args(data), "--json", "data.csv")
    assert code == 2
    one_line_error(output, "--json", "--data input")
    assert data.read_bytes() == applicants_csv.read_bytes()


def test_two_outputs_on_one_path_are_refused(in_tmp: Path, applicants_csv: Path) -> None:
    code, output = scan(*predictions_args(applicants_csv), "--json", "r.out", "--html", "r.out")
    assert code == 2
    one_line_error(output, "--html", "--json", "same file")
    assert not (in_tmp / "r.out").exists()


def test_pdf_equal_to_html_is_refused(in_tmp: Path, applicants_csv: Path) -> None:
    code, output = scan(*predictions_args(applicants_csv), "--html", "r.x", "--pdf", "r.x")
    assert code == 2
    one_line_error(output, "same file")


def test_output_under_a_file_is_an_input_error(in_tmp: Path, applicants_csv: Path) -> None:
    (in_tmp / "blocker").write_text("a file")
    code, output = scan(*predictions_args(applicants_csv), "--json", "blocker/sub/r.json")
    assert code == 2
    one_line_error(output, "blocker", "is a file, not a folder")


def test_output_path_that_is_a_folder_is_an_input_error(in_tmp: Path, applicants_csv: Path) -> None:
    (in_tmp / "folder").mkdir()
    code, output = scan(*predictions_args(applicants_csv), "--json", "folder")
    assert code == 2
    one_line_error(output, "folder")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to any folder")
def test_unwritable_output_folder_is_an_input_error(in_tmp: Path, applicants_csv: Path) -> None:
    locked = in_tmp / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        code, output = scan(*predictions_args(applicants_csv), "--json", "locked/r.json")
    finally:
        locked.chmod(0o700)
    assert code == 2
    one_line_error(output, "not writable")


def test_unwritable_folder_during_the_write_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    with pytest.raises(InputError, match="permission denied"):
        write_atomically({tmp_path / "r.json": "{}"})
    assert list(tmp_path.iterdir()) == []


def test_a_failing_step_before_commit_leaves_old_reports_untouched(tmp_path: Path) -> None:
    old = {tmp_path / "a.json": "old a", tmp_path / "b.html": "old b"}
    write_atomically(old)

    def ledger_fails() -> None:
        raise InputError("ledger full")

    with pytest.raises(InputError):
        write_atomically(
            {path: "new" for path in old},
            before_commit=ledger_fails,
        )
    assert {p.read_text() for p in old} == {"old a", "old b"}
    assert temp_files(tmp_path) == []


def test_an_interrupt_while_staging_leaves_old_reports_and_no_temp_file(
    tmp_path: Path,
) -> None:
    write_atomically({tmp_path / "a.json": "old"})

    def interrupt() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomically(
            {tmp_path / "a.json": "new", tmp_path / "b.md": "new"}, before_commit=interrupt
        )
    assert (tmp_path / "a.json").read_text() == "old"
    assert not (tmp_path / "b.md").exists()
    assert temp_files(tmp_path) == []


def test_the_disk_filling_up_mid_write_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fsync = os.fsync
    calls = {"n": 0}

    def fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(InputError, match="the disk is full"):
        write_atomically({tmp_path / "a.json": "x", tmp_path / "b.html": "y"})
    assert list(tmp_path.iterdir()) == []


def test_stale_temp_files_of_a_killed_run_are_swept(tmp_path: Path) -> None:
    dead_pid = 2**22 + 12345  # above pid_max on common systems: no such process
    stale = tmp_path / f".report.json{TEMP_MARK}{dead_pid}-abc"
    mine = tmp_path / f".report.json{TEMP_MARK}{os.getpid()}-abc"
    unrelated = tmp_path / ".report.json.bak"
    for path in (stale, mine, unrelated):
        path.write_text("x")
    assert sweep_stale_temp_files(tmp_path) == [stale]
    assert not stale.exists() and mine.exists() and unrelated.exists()
    mine.unlink()
    stale.write_text("x")
    write_atomically({tmp_path / "report.json": "{}"})
    assert sorted(p.name for p in tmp_path.iterdir()) == [".report.json.bak", "report.json"]


def test_a_ledger_failure_leaves_no_report(
    in_tmp: Path, applicants_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .test_ledger_faults import disk_full_after

    disk_full_after(monkeypatch, 10)
    result = CliRunner().invoke(
        main, ["scan", *predictions_args(applicants_csv), "--out", "audit", "-q"]
    )
    assert result.exit_code == 2, result.output
    one_line_error(result.output, "the disk is full", "no report was written")
    assert not (in_tmp / "audit").exists() or list((in_tmp / "audit").iterdir()) == []
    ledger = in_tmp / ".trustscan" / "ledger.jsonl"
    assert not ledger.exists() or ledger.read_bytes() == b""
