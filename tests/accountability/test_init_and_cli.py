"""`trustscan init`, the scan's ledger entry, `signoff` and `consequences suggest`."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from trustscan.checks.documentation.core import ConsequenceScanCheck, ModelCardCheck
from trustscan.cli import main
from trustscan.config import read_config_file, split_settings
from trustscan.context import AuditContext
from trustscan.governance.consequences import parse_consequences
from trustscan.governance.init_files import STARTERS, starter_text
from trustscan.governance.ledger.reading import read_entries
from trustscan.governance.ledger.verify import verify
from trustscan.pipeline import with_documents
from trustscan.policy import Policy
from trustscan.types import Status

from .conftest import FILLED_MODEL_CARD, fill_starter, filled_consequences


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- init --------------------------------------------------------------------------------------


def test_init_writes_the_three_starters(in_tmp: Path) -> None:
    result = invoke("init")
    assert result.exit_code == 0, result.output
    for name in STARTERS:
        assert (in_tmp / name).read_text() == starter_text(name)
        assert f"wrote {name}" in result.output


def test_init_never_overwrites_without_force(in_tmp: Path) -> None:
    (in_tmp / "model_card.yaml").write_text("mine\n")
    result = invoke("init")
    assert result.exit_code == 0
    assert (in_tmp / "model_card.yaml").read_text() == "mine\n"
    assert "kept model_card.yaml" in result.output
    assert (in_tmp / "consequences.yaml").exists()
    assert invoke("init", "--force").exit_code == 0
    assert (in_tmp / "model_card.yaml").read_text() == starter_text("model_card.yaml")


def test_init_into_a_file_path_is_input_error(in_tmp: Path) -> None:
    (in_tmp / "f").write_text("x")
    result = invoke("init", "--dir", "f")
    assert result.exit_code == 2 and "is a file" in result.output


def test_starter_config_is_valid_as_written_and_with_every_setting_uncommented(
    in_tmp: Path,
) -> None:
    text = starter_text("trustscan.toml")
    uncommented = re.sub(r"^# (?!#)", "", text, flags=re.MULTILINE)
    assert uncommented != text
    for variant in (text, uncommented):
        (in_tmp / "trustscan.toml").write_text(variant)
        table, source = read_config_file(None, in_tmp)
        run, policy = split_settings(table, str(source))
        assert policy.docs.model_card == "model_card.yaml"
    assert run.ledger == ".trustscan/ledger.jsonl"
    assert policy.waiver[0].check == "fairness.selection_rate"


def test_unfilled_starters_do_not_pass_their_checks(in_tmp: Path, context: AuditContext) -> None:
    assert invoke("init").exit_code == 0
    card = ModelCardCheck().run(with_documents(context, Policy()), Policy())
    assert card.status is Status.WARN and card.metrics["completeness"] == 0.0
    scan = ConsequenceScanCheck().run(with_documents(context, Policy()), Policy())
    assert scan.status is Status.FAIL
    schema = [f for f in scan.findings if f.title == "Consequence scan schema error"]
    assert schema and all(re.match(r"consequences\.yaml:\d+: ", f.message) for f in schema)


def test_filled_starters_pass_their_own_checks(in_tmp: Path, context: AuditContext) -> None:
    assert invoke("init").exit_code == 0
    for name in ("model_card.yaml", "consequences.yaml"):
        (in_tmp / name).write_text(fill_starter(name))
    card = ModelCardCheck().run(with_documents(context, Policy()), Policy())
    assert card.status is Status.PASS, [f.message for f in card.findings]
    assert card.metrics["completeness"] == 1.0
    scan = ConsequenceScanCheck().run(with_documents(context, Policy()), Policy())
    assert scan.status is Status.PASS, [f.message for f in scan.findings]


# --- scan + ledger ---------------------------------------------------------------------------


def documented_project(folder: Path) -> None:
    """trustscan init, filled in, with the gate limited to this issue's checks."""
    assert invoke("init").exit_code == 0
    (folder / "model_card.yaml").write_text(FILLED_MODEL_CARD)
    (folder / "consequences.yaml").write_text(filled_consequences())
    config = folder / "trustscan.toml"
    config.write_text('only = ["docs.", "trace."]\n' + config.read_text())


def run_scan(model: Path, data: Path, *extra: str) -> Result:
    return invoke(
        "scan",
        "--model",
        str(model),
        "--data",
        str(data),
        "--target",
        "hired",
        "--sensitive",
        "gender",
        "--json",
        "report.json",
        "-q",
        *extra,
    )


def test_scan_of_a_documented_project_passes_and_appends_a_ledger_entry(
    in_tmp: Path, pipeline_model: Path, applicants_csv: Path
) -> None:
    documented_project(in_tmp)
    result = run_scan(pipeline_model, applicants_csv)
    assert result.exit_code == 0, result.output
    report = json.loads((in_tmp / "report.json").read_text())
    assert report["verdict"]["status"] == "pass"
    provenance = next(r for r in report["results"] if r["check_id"] == "trace.provenance")
    assert provenance["metrics"]["sha256"]["data"] == sha256_of(applicants_csv)

    [entry] = read_entries(in_tmp / ".trustscan" / "ledger.jsonl")
    assert entry["report_sha256"] == sha256_of(in_tmp / "report.json")
    assert entry["model_sha256"] == sha256_of(pipeline_model)
    assert entry["data_sha256"] == sha256_of(applicants_csv)
    assert entry["config_sha256"] == sha256_of(in_tmp / "trustscan.toml")
    assert entry["policy_sha256"] == report["policy_sha256"]
    assert entry["verdict"] == "pass"
    assert entry["scores"]["openness"] == next(
        s["score"] for s in report["scores"] if s["dimension"] == "openness"
    )


def test_every_scan_appends_and_the_chain_verifies(
    in_tmp: Path, pipeline_model: Path, applicants_csv: Path
) -> None:
    documented_project(in_tmp)
    for _ in range(2):
        assert run_scan(pipeline_model, applicants_csv).exit_code == 0
    ledger = in_tmp / ".trustscan" / "ledger.jsonl"
    assert [e["sequence"] for e in read_entries(ledger)] == [1, 2]
    assert verify(ledger).ok


def test_no_ledger_and_custom_ledger_options(
    in_tmp: Path, pipeline_model: Path, applicants_csv: Path
) -> None:
    documented_project(in_tmp)
    assert run_scan(pipeline_model, applicants_csv, "--no-ledger").exit_code == 0
    assert not (in_tmp / ".trustscan").exists()
    assert run_scan(pipeline_model, applicants_csv, "--ledger", "audit/log.jsonl").exit_code == 0
    assert len(read_entries(in_tmp / "audit" / "log.jsonl")) == 1


# --- signoff ------------------------------------------------------------------------------------


@pytest.fixture()
def scanned(in_tmp: Path, pipeline_model: Path, applicants_csv: Path) -> Path:
    documented_project(in_tmp)
    assert run_scan(pipeline_model, applicants_csv).exit_code == 0
    return in_tmp


def test_signoff_by_an_independent_approver_is_bound_to_the_report_hash(scanned: Path) -> None:
    result = invoke("signoff", "--report", "report.json", "--by", "Joan Clarke")
    assert result.exit_code == 0, result.output
    ledger = scanned / ".trustscan" / "ledger.jsonl"
    scan_entry, signoff = read_entries(ledger)
    assert signoff["type"] == "signoff" and signoff["role"] == "approver"
    assert signoff["by"] == "Joan Clarke"
    assert signoff["report_sha256"] == sha256_of(scanned / "report.json")
    assert signoff["report_sha256"] == scan_entry["report_sha256"]
    assert invoke("ledger", "verify").exit_code == 0


def test_author_cannot_approve(scanned: Path) -> None:
    result = invoke("signoff", "--report", "report.json", "--by", "  ada   LOVELACE ")
    assert result.exit_code == 2
    assert "author" in result.output and "cannot approve" in result.output
    assert len(read_entries(scanned / ".trustscan" / "ledger.jsonl")) == 1


def test_author_may_sign_as_reviewer(scanned: Path) -> None:
    result = invoke(
        "signoff", "--report", "report.json", "--by", "Ada Lovelace", "--role", "reviewer"
    )
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("setup", "fragment"),
    [
        ("no_card", "no model card"),
        ("no_report", "report not found"),
        ("html_report", "not a JSON report"),
    ],
)
def test_signoff_bad_input_exits_two(scanned: Path, setup: str, fragment: str) -> None:
    report = "report.json"
    if setup == "no_card":
        (scanned / "model_card.yaml").unlink()
    elif setup == "no_report":
        report = "missing.json"
    else:
        (scanned / "report.html").write_text("<html></html>")
        report = "report.html"
    result = invoke("signoff", "--report", report, "--by", "Joan Clarke")
    assert result.exit_code == 2
    assert fragment in result.output and len(result.output.strip().splitlines()) == 1


# --- consequences suggest -------------------------------------------------------------------------


def test_suggest_drafts_editable_entries_that_cover_the_failures(
    in_tmp: Path, context: AuditContext
) -> None:
    report = {
        "verdict": "fail",
        "results": [
            {
                "check_id": "data.quality",
                "status": "fail",
                "findings": [
                    {
                        "status": "fail",
                        "subject": "income",
                        "message": "Income is empty.",
                        "remediation": "Collect income.",
                    },
                    {
                        "status": "warn",
                        "subject": "rows",
                        "message": "Duplicates.",
                        "remediation": None,
                    },
                ],
            },
            {
                "check_id": "docs.model_card",
                "status": "warn",
                "findings": [
                    {"status": "warn", "subject": "model_card.yaml", "message": "No card."}
                ],
            },
            {"check_id": "trace.provenance", "status": "pass", "findings": []},
        ],
    }
    (in_tmp / "r.json").write_text(json.dumps(report))
    result = invoke("consequences", "suggest", "--report", "r.json")
    assert result.exit_code == 0, result.output
    drafts = yaml.safe_load(result.output)
    assert [(d["checks"], d["disposition"]) for d in drafts] == [
        (["data.quality"], "act"),
        (["data.quality"], "monitor"),
    ]
    assert drafts[0]["statement"] == "Income is empty." and drafts[0]["action"] == "Collect income."

    # Pasted as they are, the placeholders are flagged until someone owns them ...
    pasted = "consequences:\n" + "\n".join(
        "  " + line for line in yaml.safe_dump(drafts, sort_keys=False).splitlines()
    )
    errors = parse_consequences(pasted).errors
    assert {e.message.split(":")[0] for e in errors} == {"owner", "due", "review", "action"}
    # ... and once filled in they cover the failing check.
    filled = (
        filled_consequences().rstrip("\n")
        + "\n"
        + "\n".join("  " + line for line in yaml.safe_dump(drafts, sort_keys=False).splitlines())
        .replace("id: C", "id: S")
        .replace("action: TBD", "action: Deduplicate")
        .replace("owner: TBD", "owner: Joan")
        .replace("due: TBD", "due: 2099-01-01")
        .replace("review: TBD", "review: 2099-01-01")
        + "\n"
    )
    (in_tmp / "consequences.yaml").write_text(filled)
    from .test_consequence_scan import failing_result

    check = ConsequenceScanCheck().run_after(
        with_documents(context, Policy()), Policy(), (failing_result("data.quality", "income"),)
    )
    assert check.status is Status.PASS, [f.message for f in check.findings]


def test_suggest_needs_a_json_report(in_tmp: Path) -> None:
    (in_tmp / "r.json").write_text("[1, 2]")
    result = invoke("consequences", "suggest", "--report", "r.json")
    assert result.exit_code == 2 and "not a trustscan JSON report" in result.output


def test_init_notes_when_trustscan_toml_shadows_pyproject(in_tmp: Path) -> None:
    (in_tmp / "pyproject.toml").write_text('[tool.trustscan]\nfail_on = "warn"\n')
    result = invoke("init")
    assert "takes precedence over [tool.trustscan]" in result.output
