"""A report with markup in every place a user can put text: column names, group labels, file
names, check output, policy text. Nothing in it may reach the HTML unescaped."""

from __future__ import annotations

from trustscan.types import (
    AuditInputs,
    CheckResult,
    Dimension,
    DimensionScore,
    Evidence,
    Finding,
    Report,
    Severity,
    Status,
)

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=2">'
EVIL = SCRIPT + IMG
COLUMN = f"col{EVIL}"
GROUP = f"grp{EVIL}"


def _finding(check_id: str) -> Finding:
    return Finding(
        check_id,
        Status.FAIL,
        Severity.HIGH,
        f"title {EVIL}",
        f"message about {COLUMN} = {GROUP}",
        f"{COLUMN} = {GROUP}",
        (Evidence(f"rate[{GROUP}]", 0.3, 0.2, 0.4, 0.95, 0.01, 40, 0.8, f"method {EVIL}"),),
        f"remediation {EVIL}",
    )


def _result(check_id: str, dimension: Dimension, metrics: dict[str, object]) -> CheckResult:
    return CheckResult(
        check_id,
        f"Check {EVIL}",
        dimension,
        Severity.HIGH,
        Status.FAIL,
        f"summary {EVIL}",
        (_finding(check_id),),
        metrics,
    )


def _group_row(feature: str, group: str, rate: float, status: str) -> dict[str, object]:
    return {
        "feature": feature,
        "group": group,
        "n": 100,
        "gated": True,
        "selection_rate": rate,
        "selection_rate_ci": [rate - 0.05, rate + 0.05],
        "selection_rate_ratio": rate / 0.5,
        "selection_rate_ratio_ci": [rate / 0.5 - 0.1, rate / 0.5 + 0.1],
        "selection_rate_p_value_adjusted": 0.01,
        "selection_rate_status": status,
        "status": status,
    }


def hostile_report() -> Report:
    fairness = _result(
        "fairness.selection_rate",
        Dimension.ETHICS,
        {
            "compared": ["selection_rate"],
            "described": [],
            "threshold": 0.8,
            "groups": [
                _group_row(COLUMN, GROUP, 0.2, "fail"),
                _group_row(COLUMN, "plain", 0.5, "reference"),
            ],
            "intersections": [_group_row(f"{COLUMN} × x", f"{GROUP} × y", 0.1, "fail")],
            "methods": {f"key {EVIL}": f"value {EVIL}"},
        },
    )
    leakage = _result(
        "leakage.output_inference",
        Dimension.ETHICS,
        {
            "output": f"score {EVIL}",
            "attributes": [
                {
                    "attribute": COLUMN,
                    "auc": 0.8,
                    "ci_low": 0.76,
                    "ci_high": 0.84,
                    "n": 100,
                    "status": "fail",
                }
            ],
            "groups": [{"attribute": COLUMN, "group": GROUP, "auc": 0.8, "n": 50}],
        },
    )
    proxies = _result(
        "leakage.proxy_features",
        Dimension.ETHICS,
        {
            "features": [
                {"attribute": COLUMN, "feature": COLUMN, "auc": 0.9, "nmi": 0.3, "used_proxy": True}
            ]
        },
    )
    importance = _result(
        "explain.feature_importance",
        Dimension.OPENNESS,
        {"importance": [{"feature": COLUMN, "mean": 0.1, "ci_low": 0.05, "ci_high": 0.15}]},
    )
    group_importance = _result(
        "explain.group_importance",
        Dimension.OPENNESS,
        {
            "group_importance": {
                COLUMN: {"features": [{"feature": COLUMN, "groups": {GROUP: {"mean": 0.1}}}]}
            },
            "partial_dependence": [
                {
                    "attribute": COLUMN,
                    "feature": COLUMN,
                    "grid": [GROUP, "b"],
                    "groups": {GROUP: [0.1, 0.2]},
                }
            ],
        },
    )
    drivers = _result(
        "explain.disparity_drivers",
        Dimension.OPENNESS,
        {
            "drivers": {
                COLUMN: {
                    "analysed": True,
                    "before": {"ratio": 0.5, "ci_low": 0.4, "ci_high": 0.6, "lowest_group": GROUP},
                    "ranking": [{"feature": COLUMN, "after_ratio": 0.9, "gap_closed": 0.8}],
                }
            }
        },
    )
    gap = _result(
        "performance.group_gap",
        Dimension.COMPETENCE,
        {
            "gated_metrics": ["accuracy"],
            "groups": [{"grouping": COLUMN, "group": GROUP, "n": 10, "accuracy": 0.7}],
            "gaps": [
                {
                    "grouping": COLUMN,
                    "metric": "accuracy",
                    "best_group": GROUP,
                    "worst_group": "w",
                    "gap": 0.1,
                }
            ],
        },
    )
    provenance = _result(
        "trace.provenance",
        Dimension.ACCOUNTABILITY,
        {
            "sha256": {"model": "a" * 64, "data": "b" * 64},
            "files": {"model": f"/models/{EVIL}.skops", "data": f"/data/{EVIL}.csv"},
            "versions": {"trustscan": "0.1.0"},
            "command_line": ["trustscan", EVIL],
        },
    )
    consequences = _result(
        "docs.consequence_scan",
        Dimension.ACCOUNTABILITY,
        {"uncovered": [{"check_id": "fairness.selection_rate", "subject": f"{COLUMN} = {GROUP}"}]},
    )
    unknown = _result(
        "custom.thing",
        Dimension.INTEGRITY,
        {f"table {EVIL}": [{COLUMN: GROUP, "n": 3}], COLUMN: GROUP},
    )
    results = (
        fairness,
        leakage,
        proxies,
        importance,
        group_importance,
        drivers,
        gap,
        provenance,
        consequences,
        unknown,
    )
    inputs = AuditInputs(
        f"/data/{EVIL}.csv",
        f"/models/{EVIL}.skops",
        "model",
        "binary",
        100,
        3,
        COLUMN,
        (COLUMN,),
        (COLUMN, f"other{EVIL}"),
        GROUP,
    )
    scores = (
        DimensionScore(
            Dimension.ETHICS,
            20.0,
            1.0,
            ({"check_id": f"fairness.{EVIL}", "status": "fail", "score": 20.0, "weight": 1.0},),
        ),
    )
    policy = {
        "fail_on": "fail",
        "skip": [],
        "only": [],
        "fairness": {"impact_ratio_min": 0.8},
        "waiver": [
            {
                "check": EVIL,
                "reason": f"reason {EVIL}",
                "approved_by": EVIL,
                "expires": "2030-01-01",
            }
        ],
        "justification": [{"column": COLUMN, "basis": f"basis {EVIL}"}],
    }
    return Report(
        "1.0",
        "0.0",
        "2026-01-01T00:00:00Z",
        inputs,
        policy,
        "0" * 64,
        results,
        scores,
        Status.FAIL,
        "fail",
        0,
        provenance={"signoffs": [{"by": EVIL, "role": "approver"}], "ledger_head": {"hash": EVIL}},
        notes=(f"note {EVIL}",),
    )
