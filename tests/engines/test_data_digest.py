"""A folder or a glob of data files: each file's SHA-256 and one combined digest."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.engines.conftest import decision_log
from trustscan.checks.traceability.core import ProvenanceCheck
from trustscan.config import make_scan_config
from trustscan.context import context_from_frames
from trustscan.governance.provenance import DataDigest, sha256_data
from trustscan.pipeline import with_documents
from trustscan.policy import policy_from_mapping
from trustscan.types import Status


@pytest.fixture()
def parts(tmp_path: Path) -> Path:
    folder = tmp_path / "logs"
    (folder / "2024").mkdir(parents=True)
    frame = decision_log(300)
    frame.iloc[:100].to_parquet(folder / "a.parquet", index=False)
    frame.iloc[100:200].to_parquet(folder / "b.parquet", index=False)
    frame.iloc[200:].to_parquet(folder / "2024" / "c.parquet", index=False)
    return folder


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_each_file_and_the_listing_are_hashed(parts: Path) -> None:
    digest = sha256_data(parts)
    assert digest is not None and digest.base == parts
    names = ["2024/c.parquet", "a.parquet", "b.parquet"]  # path order
    assert list(digest.parts) == names
    assert digest.parts == {n: _sha(parts / n) for n in names}
    listing = "".join(f"{_sha(parts / n)}  {n}\n" for n in names)
    assert digest.sha256 == hashlib.sha256(listing.encode()).hexdigest()
    # The same files through a glob: the same digest.
    assert sha256_data(parts / "**" / "*.parquet") == digest


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="coreutils sha256sum not installed")
def test_the_combined_digest_is_what_sha256sum_gives(parts: Path) -> None:
    digest = sha256_data(parts)
    assert digest is not None
    listed = subprocess.run(
        ["sha256sum", *digest.parts], cwd=parts, capture_output=True, check=True
    ).stdout
    assert hashlib.sha256(listed).hexdigest() == digest.sha256


def test_a_changed_part_changes_the_digest(parts: Path) -> None:
    before = sha256_data(parts)
    decision_log(100, seed=9).to_parquet(parts / "b.parquet", index=False)
    after = sha256_data(parts)
    assert before is not None and after is not None
    assert after.sha256 != before.sha256
    assert [n for n in after.parts if after.parts[n] != before.parts[n]] == ["b.parquet"]


def test_one_file_has_its_own_hash_and_no_parts(parts: Path) -> None:
    assert sha256_data(parts / "a.parquet") == DataDigest(_sha(parts / "a.parquet"), {})
    assert sha256_data(parts / "missing" / "*.csv") is None


def test_provenance_records_the_parts_and_checks_the_combined_digest(parts: Path) -> None:
    config = make_scan_config(
        {"data": str(parts), "predictions": "decision", "sensitive": ("sex",)}, cwd=parts
    )
    ctx = dataclasses.replace(
        context_from_frames(config, data=decision_log(300), model=None), data_path=parts
    )
    digest = sha256_data(parts)
    assert digest is not None
    right = policy_from_mapping({"provenance": {"expected_sha256": {"data": digest.sha256}}})
    wrong = policy_from_mapping({"provenance": {"expected_sha256": {"data": "0" * 64}}})
    passed = ProvenanceCheck().run(with_documents(ctx, right), right)
    assert passed.metrics["sha256"]["data"] == digest.sha256
    assert passed.metrics["data_files"] == {"base": str(parts), "sha256": dict(digest.parts)}
    assert passed.status is Status.PASS
    assert ProvenanceCheck().run(with_documents(ctx, wrong), wrong).status is Status.FAIL
