"""``data.quality``: missing values, duplicate rows and constant columns in the audited data."""

from __future__ import annotations

from typing import ClassVar

import pandas as pd

from trustscan.checks.base import Check, worst_status
from trustscan.checks.data import QUALITY
from trustscan.checks.data.measured import DataQuality
from trustscan.checks.spec import CheckSpec
from trustscan.context import AuditContext
from trustscan.policy import Policy
from trustscan.types import CheckResult, Evidence, Finding, Severity, Status


class DataQualityCheck(Check):
    spec: ClassVar[CheckSpec] = QUALITY

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        limits = policy.data_quality
        n = ctx.n_rows
        findings: list[Finding] = []

        columns = ctx.statistics.column_stats(ctx.feature_names)
        missing_share = pd.Series(
            {c: columns.missing[c] / n if n else 0.0 for c in ctx.feature_names}, dtype=float
        )
        for column, share in missing_share.items():
            if share == 1.0:
                findings.append(
                    self._missing(column, share, n, Status.FAIL, limits.max_missing_share)
                )
            elif share > limits.max_missing_share:
                findings.append(
                    self._missing(column, share, n, Status.WARN, limits.max_missing_share)
                )

        duplicates = columns.duplicate_rows
        duplicate_share = duplicates / n
        # Rows expanded from --counts repeat by construction: one person per repetition.
        if duplicate_share > limits.max_duplicate_share and ctx.counts_column is None:
            findings.append(
                self.finding(
                    Status.WARN,
                    f"{duplicates:,} of {n:,} rows ({duplicate_share:.1%}) are exact duplicates; "
                    "duplicated people are counted twice in every group rate.",
                    subject="rows",
                    evidence=(
                        Evidence(
                            "duplicate_share",
                            duplicate_share,
                            n=n,
                            threshold=limits.max_duplicate_share,
                        ),
                    ),
                    remediation="De-duplicate the audit data or explain why rows repeat.",
                    severity=Severity.LOW,
                )
            )

        constant = list(columns.constant)
        for column in constant:
            findings.append(
                self.finding(
                    Status.WARN,
                    f"Feature {column!r} has a single value in every row; it carries no information "
                    "and its importance cannot be measured.",
                    subject=column,
                    remediation="Drop the column or audit data where it varies.",
                    severity=Severity.LOW,
                )
            )

        status = worst_status([f.status for f in findings])
        measured = DataQuality(
            rows=n,
            columns=columns.n_columns,
            duplicate_rows=duplicates,
            constant_features=tuple(constant),
            missing_share={str(k): float(v) for k, v in missing_share.items() if v > 0},
        )
        if status is Status.PASS:
            summary = f"{n:,} rows, no feature over {limits.max_missing_share:.0%} missing, no duplicate or constant problems."
        else:
            summary = f"{len(findings)} data-quality problem(s) found in {n:,} rows."
        return self.result(status, summary, tuple(findings), measured=measured)

    def _missing(
        self, column: object, share: float, n: int, status: Status, threshold: float
    ) -> Finding:
        return self.finding(
            status,
            f"Feature {column!r} is missing in {share:.1%} of rows; the model sees imputed or "
            "empty values there, and groups with more gaps are judged on worse data.",
            subject=str(column),
            evidence=(Evidence("missing_share", float(share), n=n, threshold=threshold),),
            remediation="Impute or collect the missing values, or drop the feature.",
            severity=Severity.HIGH if status is Status.FAIL else Severity.MEDIUM,
        )
