"""The hash-chained ledger: verify catches edited, deleted, reordered and truncated lines."""

from __future__ import annotations

import hashlib
import itertools
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from trustscan.cli import main
from trustscan.governance.ledger.entries import GENESIS, LedgerError, entry_hash, head_path
from trustscan.governance.ledger.reading import read_entries, signoffs_for
from trustscan.governance.ledger.verify import verify
from trustscan.governance.ledger.writer import append_entry, append_signoff


@pytest.fixture()
def ledger(tmp_path: Path) -> Path:
    path = tmp_path / ".trustscan" / "ledger.jsonl"
    for verdict in ("pass", "warn", "fail", "pass"):
        append_entry(path, {"type": "scan", "verdict": verdict, "report_sha256": "ab" * 32})
    return path


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def rewrite(path: Path, new_lines: list[str]) -> None:
    path.write_text("".join(new_lines), encoding="utf-8")


def test_entries_are_chained(ledger: Path) -> None:
    entries = read_entries(ledger)
    assert [e["sequence"] for e in entries] == [1, 2, 3, 4]
    assert entries[0]["prev_hash"] == GENESIS
    for before, after in itertools.pairwise(entries):
        assert after["prev_hash"] == before["entry_hash"]
    body = {k: v for k, v in entries[2].items() if k != "entry_hash"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert entries[2]["entry_hash"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert entry_hash(entries[2]) == entries[2]["entry_hash"]


def test_intact_ledger_verifies(ledger: Path) -> None:
    outcome = verify(ledger)
    assert outcome.ok and outcome.entries == 4


def test_edited_line_is_caught(ledger: Path) -> None:
    content = lines(ledger)
    content[1] = content[1].replace('"verdict":"warn"', '"verdict":"pass"')
    rewrite(ledger, content)
    outcome = verify(ledger)
    assert not outcome.ok and outcome.bad_line == 2
    assert "edited" in (outcome.problem or "")


def test_edited_line_with_recomputed_hash_breaks_the_next_link(ledger: Path) -> None:
    content = lines(ledger)
    entry = json.loads(content[1])
    entry["verdict"] = "pass"
    entry["entry_hash"] = entry_hash(entry)
    content[1] = json.dumps(entry, sort_keys=True, separators=(",", ":")) + "\n"
    rewrite(ledger, content)
    outcome = verify(ledger)
    assert outcome.bad_line == 3 and "link" in (outcome.problem or "")


def test_deleted_line_is_caught(ledger: Path) -> None:
    content = lines(ledger)
    del content[1]
    rewrite(ledger, content)
    outcome = verify(ledger)
    assert outcome.bad_line == 2
    assert "entry 3 where entry 2 belongs" in (outcome.problem or "")


def test_reordered_lines_are_caught(ledger: Path) -> None:
    content = lines(ledger)
    content[1], content[2] = content[2], content[1]
    rewrite(ledger, content)
    outcome = verify(ledger)
    assert outcome.bad_line == 2 and "reordered" in (outcome.problem or "")


def test_line_cut_in_the_middle_is_caught(ledger: Path) -> None:
    data = ledger.read_bytes()
    ledger.write_bytes(data[: len(data) - 40])
    outcome = verify(ledger)
    assert outcome.bad_line == 4 and "truncated" in (outcome.problem or "")


def test_last_entries_cut_off_are_caught_by_the_head(ledger: Path) -> None:
    rewrite(ledger, lines(ledger)[:2])
    outcome = verify(ledger)
    assert not outcome.ok
    assert outcome.bad_line == 3 and "truncated" in (outcome.problem or "")


def test_emptied_ledger_is_caught_by_the_head(ledger: Path) -> None:
    ledger.write_text("")
    assert not verify(ledger).ok


def test_blank_line_inserted_is_caught(ledger: Path) -> None:
    content = lines(ledger)
    content.insert(2, "\n")
    rewrite(ledger, content)
    assert verify(ledger).bad_line == 3


def test_append_continues_after_verification(ledger: Path) -> None:
    append_signoff(ledger, report_sha256="cd" * 32, by="Joan", role="approver", verdict="pass")
    assert verify(ledger).ok
    assert json.loads(head_path(ledger).read_text())["sequence"] == 5
    assert [s["by"] for s in signoffs_for(ledger, "cd" * 32)] == ["Joan"]
    assert signoffs_for(ledger, "ab" * 32) == []


def test_append_after_a_damaged_last_line_is_refused(ledger: Path) -> None:
    content = lines(ledger)
    content[-1] = content[-1][:20] + "\n"
    rewrite(ledger, content)
    with pytest.raises(LedgerError, match="damaged"):
        append_entry(ledger, {"type": "scan"})


# --- CLI ---------------------------------------------------------------------------------------


def test_cli_verify_exits_zero_when_intact(ledger: Path) -> None:
    result = CliRunner().invoke(main, ["ledger", "verify", str(ledger)])
    assert result.exit_code == 0, result.output
    assert "intact, 4 entries" in result.output


def test_cli_verify_exits_one_naming_the_first_bad_entry(ledger: Path) -> None:
    content = lines(ledger)
    del content[2]
    rewrite(ledger, content)
    result = CliRunner().invoke(main, ["ledger", "verify", str(ledger)])
    assert result.exit_code == 1
    assert "line 3" in result.output and "entry 4 where entry 3 belongs" in result.output


def test_cli_verify_defaults_to_the_project_ledger(
    ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ledger.parent.parent)
    assert CliRunner().invoke(main, ["ledger", "verify"]).exit_code == 0


def test_cli_verify_missing_ledger_is_input_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["ledger", "verify", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2
    assert result.output.startswith("error: ledger not found")


def test_cli_show_lists_every_entry(ledger: Path) -> None:
    result = CliRunner().invoke(main, ["ledger", "show", str(ledger)])
    assert result.exit_code == 0
    shown = [line for line in result.output.splitlines() if line.strip()]
    assert len(shown) == 4 and "verdict fail" in shown[2]
    as_json = CliRunner().invoke(main, ["ledger", "show", str(ledger), "--json"])
    assert [e["sequence"] for e in json.loads(as_json.output)] == [1, 2, 3, 4]
