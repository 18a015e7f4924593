"""trace.compatibility: saved vs installed scikit-learn, expected vs actual features."""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sklearn
import skops.io as sio
from sklearn.linear_model import LogisticRegression

from trustscan.checks.traceability.core import CompatibilityCheck
from trustscan.config import make_scan_config
from trustscan.context import AuditContext
from trustscan.context_files import build_context
from trustscan.governance.provenance import skops_saved_versions
from trustscan.pipeline import with_documents
from trustscan.policy import Policy
from trustscan.types import Status


def scan_context(model: Path, data: Path, **options: object) -> AuditContext:
    config = make_scan_config(
        {"model": str(model), "data": str(data), "target": "hired", **options}, cwd=data.parent
    )
    return build_context(config)


def with_sklearn_version(source: Path, target: Path, version: str) -> Path:
    """A copy of a skops file whose recorded scikit-learn version is ``version``."""
    installed = f'"\\"{sklearn.__version__}\\""'.encode()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "schema.json":
                assert installed in data
                data = data.replace(installed, f'"\\"{version}\\""'.encode())
            zout.writestr(item, data)
    return target


def test_same_version_and_matching_features_pass(context: AuditContext) -> None:
    result = CompatibilityCheck().run(with_documents(context, Policy()), Policy())
    assert result.status is Status.PASS, result.findings
    assert result.metrics["sklearn_saved"] == [sklearn.__version__]
    assert result.metrics["sklearn_installed"] == sklearn.__version__
    kinds = {row["feature"]: row["expected"] for row in result.metrics["features"]}
    assert kinds == {"city": "categorical", "experience": "numeric", "score": "numeric"}


def test_skops_schema_records_the_saving_version(pipeline_model: Path) -> None:
    assert skops_saved_versions(pipeline_model)["sklearn_versions"] == [sklearn.__version__]


def test_model_saved_with_another_sklearn_warns(
    tmp_path: Path, pipeline_model: Path, applicants_csv: Path
) -> None:
    old = with_sklearn_version(pipeline_model, tmp_path / "old.skops", "1.0.2")
    ctx = scan_context(old, applicants_csv)
    assert any("InconsistentVersionWarning" in w for w in ctx.model.load_warnings)  # type: ignore[union-attr]
    result = CompatibilityCheck().run(with_documents(ctx, Policy()), Policy())
    assert result.status is Status.WARN
    [finding] = [f for f in result.findings if f.subject == "scikit-learn"]
    assert "1.0.2" in finding.message and sklearn.__version__ in finding.message
    assert result.metrics["sklearn_saved"] == ["1.0.2"]


def test_version_mismatch_from_load_warnings_alone_warns(context: AuditContext) -> None:
    assert context.model is not None
    warning = (
        "InconsistentVersionWarning: Trying to unpickle estimator LogisticRegression from "
        "version 1.3.0 when using version 9.9.9. This might lead to breaking code."
    )
    model = dataclasses.replace(context.model, kind="pickle", load_warnings=(warning,))
    ctx = dataclasses.replace(context, model=model, model_path=Path("model.joblib"))
    result = CompatibilityCheck().run(with_documents(ctx, Policy()), Policy())
    assert result.status is Status.WARN
    assert "LogisticRegression" in result.findings[0].message
    assert "1.3.0" in result.findings[0].message


def test_unseen_category_warns_with_its_share(
    tmp_path: Path, pipeline_model: Path, applicants_csv: Path
) -> None:
    frame = pd.read_csv(applicants_csv)
    frame.loc[frame.index[:30], "city"] = "atlantis"
    data = tmp_path / "new_city.csv"
    frame.to_csv(data, index=False)
    result = CompatibilityCheck().run(
        with_documents(scan_context(pipeline_model, data), Policy()), Policy()
    )
    assert result.status is Status.WARN
    [finding] = result.findings
    assert finding.subject == "city" and "'atlantis'" in finding.message
    assert finding.evidence[0].estimate == pytest.approx(30 / len(frame))


def test_numbers_stored_as_text_warn(
    tmp_path: Path, pipeline_model: Path, applicants_csv: Path
) -> None:
    frame = pd.read_csv(applicants_csv)
    frame["experience"] = frame["experience"].map(lambda v: f"{v}")
    ctx = scan_context(pipeline_model, applicants_csv)
    text_ctx = dataclasses.replace(
        ctx, features=frame[list(ctx.feature_names)].astype({"experience": object})
    )
    result = CompatibilityCheck().run(with_documents(text_ctx, Policy()), Policy())
    assert result.status is Status.WARN
    assert [f.subject for f in result.findings] == ["experience"]


@pytest.mark.filterwarnings("ignore:X has feature names:UserWarning")
def test_model_without_feature_names_warns(tmp_path: Path, applicants_csv: Path) -> None:
    frame = pd.read_csv(applicants_csv)
    model = LogisticRegression().fit(frame[["experience", "score"]].to_numpy(), frame["hired"])
    path = tmp_path / "array.skops"
    sio.dump(model, path)
    ctx = scan_context(path, applicants_csv, features=("experience", "score"))
    result = CompatibilityCheck().run(with_documents(ctx, Policy()), Policy())
    assert result.status is Status.WARN
    assert "position" in result.findings[0].message
    assert np.all(result.metrics["features"][0]["expected"] == "numeric")


def test_predictions_only_run_is_skipped(applicants_csv: Path) -> None:
    config = make_scan_config(
        {"data": str(applicants_csv), "predictions": "hired"}, cwd=applicants_csv.parent
    )
    result = CompatibilityCheck().run(with_documents(build_context(config), Policy()), Policy())
    assert result.status is Status.SKIP
