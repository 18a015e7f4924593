"""trace.provenance: hashes equal sha256 of the inputs, versions, git state, expected manifest."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

import pytest

from trustscan import __version__
from trustscan.checks.traceability.core import ProvenanceCheck
from trustscan.context import AuditContext
from trustscan.errors import InputError
from trustscan.governance.provenance import git_state
from trustscan.pipeline import with_documents
from trustscan.policy import Policy, policy_from_mapping
from trustscan.types import Status


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def with_manifest(**expected: str) -> Policy:
    return policy_from_mapping({"provenance": {"expected_sha256": expected}})


def test_hashes_equal_sha256_of_the_input_files(context: AuditContext) -> None:
    result = ProvenanceCheck().run(with_documents(context, Policy()), Policy())
    hashes = result.metrics["sha256"]
    assert context.model_path is not None and context.config_path is not None
    assert hashes["model"] == sha256_of(context.model_path)
    assert hashes["data"] == sha256_of(context.data_path)
    assert hashes["config"] == sha256_of(context.config_path)


def test_policy_hash_is_sha256_of_the_canonical_effective_policy(context: AuditContext) -> None:
    policy = policy_from_mapping({"fairness": {"impact_ratio_min": 0.9}})
    result = ProvenanceCheck().run(with_documents(context, policy), policy)
    canonical = json.dumps(policy.to_dict(), sort_keys=True, separators=(",", ":"))
    assert result.metrics["sha256"]["policy"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert (
        result.metrics["sha256"]["policy"]
        != ProvenanceCheck()
        .run(with_documents(context, Policy()), Policy())
        .metrics["sha256"]["policy"]
    )


def test_records_versions_platform_seed_time_and_command_line(context: AuditContext) -> None:
    metrics = ProvenanceCheck().run(with_documents(context, Policy()), Policy()).metrics
    versions = metrics["versions"]
    assert versions["trustscan"] == __version__
    for package in ("scikit-learn", "pandas", "numpy", "fairlearn", "skops"):
        assert versions[package] == metadata.version(package)
    assert versions["python"].count(".") == 2
    assert metrics["platform"]["system"]
    assert metrics["seed"] == 5
    assert metrics["command_line"] == ["trustscan", "scan", "--seed", "5"]
    assert metrics["started_at"].endswith("Z") and metrics["started_at"][:4].isdigit()


def test_without_manifest_it_passes(context: AuditContext) -> None:
    result = ProvenanceCheck().run(with_documents(context, Policy()), Policy())
    assert result.status is Status.PASS
    assert result.findings == ()


def test_matching_manifest_passes_with_a_finding_per_artifact(context: AuditContext) -> None:
    assert context.model_path is not None
    policy = with_manifest(
        model=sha256_of(context.model_path), data=sha256_of(context.data_path).upper()
    )
    result = ProvenanceCheck().run(with_documents(context, policy), policy)
    assert result.status is Status.PASS
    assert sorted(f.subject or "" for f in result.findings) == ["data", "model"]


def test_mismatching_hash_fails_naming_the_artifact(context: AuditContext) -> None:
    assert context.model_path is not None
    policy = with_manifest(model=sha256_of(context.model_path), data="0" * 64)
    result = ProvenanceCheck().run(with_documents(context, policy), policy)
    assert result.status is Status.FAIL
    failed = [f for f in result.findings if f.status is Status.FAIL]
    assert [f.subject for f in failed] == ["data"]
    assert "applicants.csv" in failed[0].message


def test_expected_hash_for_an_artifact_the_run_lacks_fails(context: AuditContext) -> None:
    no_config = dataclasses.replace(context, config_path=None)
    result = ProvenanceCheck().run(
        with_documents(no_config, with_manifest(config="a" * 64)), with_manifest(config="a" * 64)
    )
    assert result.status is Status.FAIL
    assert result.findings[0].subject == "config"


@pytest.mark.parametrize(
    ("manifest", "fragment"),
    [({"weights": "a" * 64}, "unknown artifact"), ({"model": "xyz"}, "not a SHA-256")],
)
def test_bad_manifest_is_an_input_error(manifest: dict[str, str], fragment: str) -> None:
    with pytest.raises(InputError, match=fragment):
        with_manifest(**manifest)


def test_outside_git_the_state_is_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    (tmp_path / "model.skops").write_bytes(b"model")
    assert git_state(tmp_path / "model.skops") is None


def test_without_a_git_binary_the_state_is_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no git on PATH
    (tmp_path / "model.skops").write_bytes(b"model")
    assert git_state(tmp_path / "model.skops") is None


@pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command")
def test_git_commit_and_dirty_flag_of_the_model_repository(
    tmp_path: Path, context: AuditContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert context.model_path is not None
    model = tmp_path / "model.skops"
    shutil.copy(context.model_path, model)

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    git("init", "-q")
    git("add", "model.skops")
    git("commit", "-q", "-m", "model")
    clean = git_state(model)
    assert clean is not None
    assert clean["commit"] == git("rev-parse", "HEAD")
    assert clean["dirty"] is False and clean["file_tracked"] is True

    model.write_bytes(model.read_bytes() + b"\0")
    dirty = git_state(model)
    assert dirty is not None and dirty["dirty"] is True and dirty["file_modified"] is True

    result = ProvenanceCheck().run(
        with_documents(dataclasses.replace(context, model_path=model), Policy()), Policy()
    )
    assert result.metrics["git"]["commit"] == clean["commit"]
    assert "(dirty)" in result.summary


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs coreutils sha256sum")
def test_hashes_equal_the_sha256sum_command(context: AuditContext) -> None:
    hashes = ProvenanceCheck().run(with_documents(context, Policy()), Policy()).metrics["sha256"]
    for name in ("model", "data", "config"):
        path = getattr(context, f"{name}_path")
        output = subprocess.run(
            ["sha256sum", str(path)], capture_output=True, text=True, check=True
        )
        assert hashes[name] == output.stdout.split()[0]
