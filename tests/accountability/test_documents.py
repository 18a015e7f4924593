"""loading.documents: the governance records and artifact facts are read once, before the
checks, and the trace/docs checks read them from the context without touching the disk."""

from __future__ import annotations

import builtins
import io
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.context_builders import scan_config
from trustscan.checks.documentation.core import ConsequenceScanCheck, ModelCardCheck
from trustscan.checks.traceability.core import CompatibilityCheck, ProvenanceCheck
from trustscan.context import AuditContext
from trustscan.governance.provenance import sha256_file
from trustscan.loading.documents import NOT_READ, read_documents
from trustscan.pipeline import audit_context, with_documents
from trustscan.policy import Policy
from trustscan.types import Status

from .conftest import FILLED_MODEL_CARD, filled_consequences

GOVERNANCE_CHECKS = (ModelCardCheck, ConsequenceScanCheck, ProvenanceCheck, CompatibilityCheck)


def test_without_documents_the_governance_checks_skip_and_say_why(context: AuditContext) -> None:
    assert context.documents is None
    for check in GOVERNANCE_CHECKS:
        result = check().run(context, Policy())
        assert result.status is Status.SKIP and result.summary == NOT_READ, check.id


def test_the_checks_read_no_file_and_run_no_process_once_documents_are_read(
    context: AuditContext, in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Path("model_card.yaml").write_text(FILLED_MODEL_CARD, encoding="utf-8")
    Path("consequences.yaml").write_text(filled_consequences(), encoding="utf-8")
    loaded = with_documents(context, Policy())
    before = {c.id: c().run(loaded, Policy()) for c in GOVERNANCE_CHECKS}
    assert before["docs.model_card"].status is Status.PASS

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"a check did I/O: {args[:2]}")

    monkeypatch.setattr(builtins, "open", refuse)
    monkeypatch.setattr(io, "open", refuse)
    monkeypatch.setattr(Path, "open", refuse)
    monkeypatch.setattr(Path, "read_text", refuse)
    monkeypatch.setattr(Path, "read_bytes", refuse)
    monkeypatch.setattr(Path, "is_file", refuse)
    monkeypatch.setattr(Path, "exists", refuse)
    monkeypatch.setattr(subprocess, "run", refuse)
    for check in GOVERNANCE_CHECKS:
        result = check().run(loaded, Policy())
        assert result.status is before[check.id].status, (check.id, result.summary)
        assert result.metrics == before[check.id].metrics, check.id


def test_documents_hold_the_files_hashes_and_the_records(
    context: AuditContext, in_tmp: Path
) -> None:
    Path("model_card.yaml").write_text(FILLED_MODEL_CARD, encoding="utf-8")
    documents = read_documents(
        Policy().docs,
        model_path=context.model_path,
        data_path=context.data_path,
        config_path=None,
    )
    assert context.model_path is not None
    assert documents.sha256["model"] == sha256_file(context.model_path)
    assert documents.sha256["config"] is None  # no config file: nothing to hash
    assert documents.model_card is not None and not documents.model_card.errors
    assert documents.consequences is None  # no record: the check warns and points to init
    assert documents.skops_saved.get("sklearn_versions")
    assert documents.versions["scikit-learn"]


def test_a_record_that_is_not_utf8_is_an_issue_not_a_crash(in_tmp: Path) -> None:
    Path("model_card.yaml").write_bytes("owner: Ana\xefs\n".encode("latin-1"))
    Path("consequences.yaml").write_bytes(b"\xff\xfe")
    documents = read_documents(
        Policy().docs, model_path=None, data_path=Path("none.csv"), config_path=None
    )
    assert documents.model_card is not None and documents.consequences is not None
    assert [i.message for i in documents.model_card.errors] == ["the file is not UTF-8 text"]
    assert [i.message for i in documents.consequences.errors] == ["the file is not UTF-8 text"]
    assert documents.git is None and documents.sha256["data"] is None


def test_the_ledger_head_is_an_input_of_the_audit(context: AuditContext, in_tmp: Path) -> None:
    config = scan_config(policy=Policy(only=("trace.provenance",)))
    head = {"chains_to_sequence": 3, "chains_to_entry_hash": "ab" * 32}
    chained = audit_context(context, config, ledger_head=head)
    assert chained.provenance["ledger_head"] == head
    assert chained.provenance["sha256"]  # beside what trace.provenance recorded
    assert "ledger_head" not in audit_context(context, config).provenance  # a new ledger
