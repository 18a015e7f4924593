"""``trace.provenance`` and ``trace.compatibility``: what exactly was audited, and whether the
model still fits the software and the data it is run with."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from trustscan.checks.base import Check, worst_status
from trustscan.checks.spec import CheckSpec
from trustscan.checks.traceability import COMPATIBILITY, PROVENANCE
from trustscan.checks.traceability.measured import Compatibility, FeatureMatch, Provenance
from trustscan.context import AuditContext
from trustscan.governance.provenance import (
    utc_iso,
    versions_from_load_warnings,
)
from trustscan.loading.documents import NOT_READ
from trustscan.policy import Policy
from trustscan.types import CheckResult, Evidence, Finding, Severity, Status


class ProvenanceCheck(Check):
    spec: ClassVar[CheckSpec] = PROVENANCE

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        documents = ctx.documents
        if documents is None:
            return self.skip(NOT_READ)
        paths = dict(documents.files)
        hashes = {**documents.sha256, "policy": policy.sha256()}

        findings = [
            self._compare(name, expected.lower(), hashes.get(name), paths.get(name))
            for name, expected in sorted(policy.provenance.expected_sha256.items())
        ]
        git = None if documents.git is None else dict(documents.git)
        measured = Provenance(
            sha256=hashes,
            files={name: str(path) if path else None for name, path in paths.items()},
            versions=dict(documents.versions),
            platform=dict(documents.platform),
            git=git,
            started_at=utc_iso(ctx.started_at),
            seed=ctx.seed,
            command_line=tuple(ctx.command_line),
            expected_sha256=dict(policy.provenance.expected_sha256),
            # A folder or a glob: each file's hash beside the combined one.
            data_files=dict(documents.data_parts) if documents.data_parts else None,
        )
        status = worst_status([f.status for f in findings])
        summary = self._summary(hashes, git, findings)
        return self.result(status, summary, tuple(findings), measured=measured)

    def _compare(self, name: str, expected: str, actual: str | None, path: Path | None) -> Finding:
        if actual is None:
            return self.finding(
                Status.FAIL,
                f"The policy expects a {name} file with SHA-256 {expected[:12]}…, but this run "
                f"had no {name} file to hash, so the audited inputs cannot be matched to it.",
                subject=name,
                remediation=f"Pass the {name} file named in the manifest, or remove "
                f"provenance.expected_sha256.{name}.",
            )
        label = path.name if path is not None else name
        if actual != expected:
            return self.finding(
                Status.FAIL,
                f"The {name} file {label} has SHA-256 {actual[:12]}…, not the expected "
                f"{expected[:12]}…: it is not the artifact the manifest names, so this audit "
                "does not cover the approved version.",
                subject=name,
                remediation="Audit the artifact named in the manifest, or review why the file "
                f"changed and update provenance.expected_sha256.{name}.",
            )
        return self.finding(
            Status.PASS,
            f"The {name} file {label} matches its expected SHA-256 ({actual[:12]}…).",
            subject=name,
            severity=Severity.INFO,
        )

    @staticmethod
    def _summary(
        hashes: dict[str, str | None], git: dict[str, Any] | None, findings: list[Finding]
    ) -> str:
        parts = [f"{name} {digest[:12]}" for name, digest in hashes.items() if digest]
        text = "SHA-256: " + ", ".join(parts)
        if git is not None and git.get("commit"):
            text += f"; git {str(git['commit'])[:10]}{' (dirty)' if git.get('dirty') else ''}"
        failed = [f.subject for f in findings if f.status is Status.FAIL]
        if failed:
            text += f"; hash mismatch for {', '.join(str(s) for s in failed)}"
        elif findings:
            text += f"; {len(findings)} expected hash(es) matched"
        return text + "."


@dataclass(frozen=True)
class _Expectation:
    """What the fitted model expects of one input column."""

    kind: str
    """``numeric``, ``categorical`` or ``unknown``."""
    categories: np.ndarray | None = None
    """Categories seen at training time (one-hot / ordinal encoders)."""


_NUMERIC_MARKERS = ("mean_", "scale_", "data_min_", "center_", "bin_edges_", "statistics_")


class CompatibilityCheck(Check):
    spec: ClassVar[CheckSpec] = COMPATIBILITY

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        if ctx.model is None:
            return self.skip("predictions-only run: there is no model to compare with the data")
        if ctx.documents is None:
            return self.skip(NOT_READ)
        installed = ctx.documents.versions.get("scikit-learn")
        findings: list[Finding] = []

        from_warnings = versions_from_load_warnings(ctx.model.load_warnings)
        skops_info = dict(ctx.documents.skops_saved)
        saved = sorted(
            {w["saved"] for w in from_warnings} | set(skops_info.get("sklearn_versions", []))
        )
        for version in saved:
            if version != installed:
                findings.append(self._version_finding(version, installed, from_warnings))
        if not saved and from_warnings == [] and ctx.model.kind == "pickle":
            # scikit-learn warns on every mismatch when unpickling; silence means a match.
            saved = [installed] if installed else []

        feature_rows = self._compare_features(ctx, findings)
        other_warnings = [
            w for w in ctx.model.load_warnings if not w.startswith("InconsistentVersionWarning")
        ]
        measured = Compatibility(
            sklearn_installed=installed,
            sklearn_saved=tuple(saved),
            skops=skops_info,
            load_warnings=tuple(ctx.model.load_warnings),
            features=tuple(feature_rows),
        )
        status = worst_status([f.status for f in findings])
        if status is Status.PASS:
            saved_text = ", ".join(saved) if saved else "not recorded"
            summary = (
                f"scikit-learn saved {saved_text} / installed {installed}; "
                f"{len(feature_rows)} feature(s) match the model's expected names and types."
            )
        else:
            summary = f"{len(findings)} compatibility problem(s) between model, software and data."
        if other_warnings:
            summary += f" {len(other_warnings)} other warning(s) while loading the model."
        return self.result(status, summary, tuple(findings), measured=measured)

    def _version_finding(
        self, saved: str, installed: str | None, from_warnings: list[dict[str, str]]
    ) -> Finding:
        estimators = sorted({w["estimator"] for w in from_warnings if w["saved"] == saved})
        which = f" ({', '.join(estimators[:4])})" if estimators else ""
        return self.finding(
            Status.WARN,
            f"The model{which} was saved with scikit-learn {saved} but {installed} is installed; "
            "scikit-learn does not guarantee the same predictions across versions "
            "(InconsistentVersionWarning), so this audit may not describe the model as validated.",
            subject="scikit-learn",
            remediation=f"Audit in an environment with scikit-learn {saved}, or re-validate the "
            f"model and re-save it with {installed}.",
        )

    def _compare_features(self, ctx: AuditContext, findings: list[Finding]) -> list[FeatureMatch]:
        assert ctx.model is not None
        estimator = ctx.model.estimator
        names = ctx.feature_names
        if ctx.model.feature_names is None:
            n_expected = getattr(estimator, "n_features_in_", None)
            if n_expected is not None and int(n_expected) != len(names):
                findings.append(
                    self.finding(
                        Status.FAIL,
                        f"The model expects {int(n_expected)} input columns but the audit "
                        f"passes {len(names)}.",
                        subject="features",
                        remediation="Name the model's inputs in training order with --features.",
                        severity=Severity.HIGH,
                    )
                )
            findings.append(
                self.finding(
                    Status.WARN,
                    "The model records no feature names (it was fitted on an array), so the "
                    f"{len(names)} data columns were matched to its inputs by position; a "
                    "reordered column would go unnoticed.",
                    subject="features",
                    remediation="Fit the model on a DataFrame so it stores feature_names_in_, "
                    "or pass --features in training order.",
                )
            )
        expectations = _feature_expectations(estimator, names)
        rows: list[FeatureMatch] = []
        for name in names:
            column = ctx.features[name]
            expected = expectations.get(name, _Expectation("unknown"))
            unseen_share: float | None = None
            is_numeric = pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)
            if expected.kind == "numeric" and not is_numeric:
                findings.append(
                    self.finding(
                        Status.WARN,
                        f"Feature {name!r} is stored as {column.dtype} in the data but the "
                        "model treats it as a number; values were converted implicitly.",
                        subject=name,
                        remediation="Store the column as numbers, as in the training data.",
                    )
                )
            if expected.kind == "categorical" and expected.categories is not None:
                unseen_share, unseen = _unseen_categories(column, expected.categories)
                if unseen:
                    findings.append(self._unseen_finding(name, column, unseen_share, unseen))
            rows.append(
                FeatureMatch(
                    feature=name,
                    expected=expected.kind,
                    data_dtype=str(column.dtype),
                    unseen_share=unseen_share,
                )
            )
        return rows

    def _unseen_finding(
        self, name: str, column: pd.Series, share: float, unseen: Sequence[str]
    ) -> Finding:
        shown = ", ".join(repr(u) for u in unseen[:5]) + (" …" if len(unseen) > 5 else "")
        n = int(column.notna().sum())
        return self.finding(
            Status.WARN,
            f"Feature {name!r} has {len(unseen)} value(s) the model never saw in training "
            f"({shown}) in {share:.1%} of rows; the encoder ignores or rejects them, so those "
            "rows are scored without that information.",
            subject=name,
            evidence=(Evidence("unseen_category_share", share, n=n),),
            remediation="Map the new values to training categories or retrain on data that "
            "contains them.",
        )


def _unseen_categories(column: pd.Series, categories: np.ndarray) -> tuple[float, list[str]]:
    present = column.dropna()
    if present.empty:
        return 0.0, []
    known = {str(c) for c in np.asarray(categories).tolist() if not _is_missing(c)}
    as_text = present.astype(str)
    mask = ~as_text.isin(known)
    unseen = sorted(as_text[mask].unique().tolist())
    return float(mask.mean()), unseen


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _feature_expectations(estimator: Any, names: Sequence[str]) -> dict[str, _Expectation]:
    """Per input column: does the fitted model treat it as a number or a category?

    Reads fitted attributes only (ColumnTransformer.transformers_, encoders' categories_);
    anything it does not recognise is ``unknown`` and never judged.
    """
    first = _first_step(estimator)
    transformers = getattr(first, "transformers_", None)
    if transformers is not None:
        out: dict[str, _Expectation] = {}
        for _, transformer, columns in transformers:
            if isinstance(transformer, str) and transformer == "drop":
                continue
            selected = _column_names(columns, names)
            for position, column in enumerate(selected):
                out[column] = _expectation_of(transformer, position)
        return out
    if hasattr(first, "categories_"):
        return {name: _expectation_of(first, i) for i, name in enumerate(names)}
    categorical = getattr(first, "is_categorical_", None)  # HistGradientBoosting native categories
    if categorical is not None:
        flags = np.asarray(categorical, dtype=bool).tolist()
        return {
            name: _Expectation("categorical" if flag else "numeric")
            for name, flag in zip(names, flags, strict=False)
        }
    if hasattr(first, "coef_") or hasattr(first, "tree_") or hasattr(first, "_predictors"):
        return {name: _Expectation("numeric") for name in names}
    if any(hasattr(first, marker) for marker in _NUMERIC_MARKERS):
        return {name: _Expectation("numeric") for name in names}
    return {}


def _first_step(estimator: Any) -> Any:
    steps = getattr(estimator, "steps", None)
    if steps:
        for _, step in steps:
            if not (isinstance(step, str) or step is None):
                return step
    return estimator


def _expectation_of(transformer: Any, position: int) -> _Expectation:
    if isinstance(transformer, str):
        return _Expectation("numeric" if transformer == "passthrough" else "unknown")
    steps = getattr(transformer, "steps", None)
    parts = [s for _, s in steps if not isinstance(s, str)] if steps else [transformer]
    if type(parts[0]).__name__ == "FunctionTransformer" and parts[0].func is None:
        return _Expectation("numeric")  # ColumnTransformer's fitted form of "passthrough"
    for part in parts:
        categories = getattr(part, "categories_", None)
        if categories is not None and position < len(categories):
            return _Expectation("categorical", np.asarray(categories[position]))
    if any(hasattr(parts[0], marker) for marker in _NUMERIC_MARKERS):
        strategy = getattr(parts[0], "strategy", None)
        if strategy in ("most_frequent", "constant"):  # imputers that also take text
            return _Expectation("unknown")
        return _Expectation("numeric")
    return _Expectation("unknown")


def _column_names(columns: Any, names: Sequence[str]) -> list[str]:
    if isinstance(columns, str):
        return [columns]
    if isinstance(columns, slice):
        return list(names[columns])
    values = list(np.asarray(columns).tolist()) if not callable(columns) else []
    if values and all(isinstance(v, bool) for v in values):
        return [n for n, keep in zip(names, values, strict=False) if keep]
    if values and all(isinstance(v, int) for v in values):
        return [names[i] for i in values if 0 <= i < len(names)]
    return [str(v) for v in values]
