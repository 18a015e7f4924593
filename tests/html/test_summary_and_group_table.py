"""The summary's building blocks: findings ranked and said once per group, and the compact
per-attribute table with every metric as a column."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tests.scoring.helpers import finding, report, result
from trustscan.checks.fairness.measured import GroupRates
from trustscan.report.html.group_table import exclusion_label, group_tables
from trustscan.report.html.summary import top_findings
from trustscan.report.ranking import ranked_findings
from trustscan.types import Finding, Severity, Status


def _titled(check_id: str, status: Status, subject: str, title: str, severity: Severity) -> Finding:
    return replace(finding(check_id, status, subject, severity=severity), title=title)


def test_findings_about_the_same_group_from_one_check_are_folded_into_the_worst() -> None:
    tpr = _titled("fairness.error_rates", Status.FAIL, "gender = female", "TPR gap", Severity.HIGH)
    fpr = _titled("fairness.error_rates", Status.WARN, "gender = female", "FPR gap", Severity.LOW)
    race = _titled("fairness.error_rates", Status.WARN, "race = other", "TPR gap", Severity.LOW)
    r = report((result("fairness.error_rates", Status.FAIL, findings=(fpr, race, tpr)),))
    ranked = ranked_findings(r)
    assert [(i.finding.subject, i.finding.title, i.also) for i in ranked] == [
        ("gender = female", "TPR gap", ("FPR gap",)),
        ("race = other", "TPR gap", ()),
    ]
    shown, more = top_findings(r)
    assert [v["also"] for v in shown] == [["FPR gap"], []] and more == 0


def test_different_checks_about_the_same_group_stay_separate_and_alternate() -> None:
    a1 = _titled("fairness.selection_rate", Status.FAIL, "gender = female", "a1", Severity.HIGH)
    a2 = _titled("fairness.selection_rate", Status.FAIL, "race = black", "a2", Severity.HIGH)
    b1 = _titled("fairness.error_rates", Status.FAIL, "gender = female", "b1", Severity.MEDIUM)
    passed = _titled("fairness.error_rates", Status.PASS, "race = white", "ok", Severity.LOW)
    r = report(
        (
            result("fairness.selection_rate", Status.FAIL, findings=(a1, a2)),
            result("fairness.error_rates", Status.FAIL, findings=(b1, passed)),
        )
    )
    # Each check's worst finding before any check's second; passes never listed.
    assert [i.finding.title for i in ranked_findings(r)] == ["a1", "b1", "a2"]


def test_exclusion_reasons_read_as_what_they_are() -> None:
    share = "1.2% of the data, below the minimum share of 2%"
    assert exclusion_label(share) == "excluded: under 2% of rows"
    assert exclusion_label("below the minimum group size of 30") == "excluded: under 30 rows"
    assert exclusion_label("sensitive value missing") == "excluded: value missing"
    assert exclusion_label(None) == ""
    assert "too few rows" not in exclusion_label(share)


ROWS = [
    {
        "feature": "gender",
        "group": "female",
        "n": 120,
        "gated": True,
        "excluded_reason": None,
        "selection_rate": 0.156,
        "selection_rate_ci": [0.14, 0.173],
        "selection_rate_ratio": 0.49,
        "selection_rate_ratio_ci": [0.44, 0.55],
        "selection_rate_status": "fail",
        "accuracy": 0.8,
        "accuracy_ci": [0.78, 0.82],
    },
    {
        "feature": "gender",
        "group": "male",
        "n": 130,
        "gated": True,
        "excluded_reason": None,
        "selection_rate": 0.318,
        "selection_rate_ci": [0.3, 0.34],
        "selection_rate_ratio": 1.0,
        "selection_rate_status": "reference",
        "accuracy": 0.7,
    },
    {
        "feature": "race",
        "group": "other",
        "n": 4,
        "gated": False,
        "excluded_reason": "1.6% of the data, below the minimum share of 2%",
        "selection_rate": 0.25,
    },
]


def _texts(view: dict[str, Any]) -> list[list[str]]:
    return [[c["badge"]["word"] if c["badge"] else c["text"] for c in row] for row in view["rows"]]


def test_one_table_per_attribute_with_every_metric_as_a_column() -> None:
    rows = [GroupRates.from_row(r, ["selection_rate", "accuracy"]) for r in ROWS]
    tables = group_tables(rows, gated=["selection_rate"], described=["accuracy"])
    assert [t["caption"].split(" (")[0] for t in tables] == ["By gender", "By race"]
    gender, race = tables
    assert [c["label"] for c in gender["columns"]] == [
        "Group",
        "n",
        "Selection rate",
        "Accuracy",
        "Status",
    ]
    # Described metrics are print-optional detail; compared ones are not.
    assert [c.get("detail") for c in gender["columns"]] == [False, False, False, True, False]
    assert (gender["kind"], race["kind"]) == ("groups", "groups")
    female, male = gender["rows"]
    assert female[2]["lines"] == ["15.6% [14.0–\u206017.3]", "ratio 0.49 [0.44–\u20600.55] ✗"]
    assert female[3]["lines"] == ["80.0% [78.0–\u206082.0]"]
    assert _texts(gender)[0][-1] == "Fail" and _texts(gender)[1][-1] == "reference"
    assert male[2]["lines"][1] == "reference group"
    assert _texts(race) == [["other", "4", "25.0%", "—", "excluded: under 2% of rows"]]


def test_a_check_shows_one_card_per_group_and_keeps_the_folded_text_collapsed() -> None:
    from trustscan.report.html import presenter
    from trustscan.report.html.renderers import RenderContext

    tpr = _titled("fairness.error_rates", Status.FAIL, "gender = female", "TPR gap", Severity.HIGH)
    fpr = _titled("fairness.error_rates", Status.FAIL, "gender = female", "FPR gap", Severity.HIGH)
    race = _titled("fairness.error_rates", Status.WARN, "race = other", "TPR gap", Severity.LOW)
    check = result("fairness.error_rates", Status.FAIL, findings=(tpr, fpr, race))
    view = presenter.check_view(check, RenderContext(policy={}))
    assert [(f["title"], f["subject"], f["also"]) for f in view["findings"]] == [
        ("TPR gap", "gender = female", ["FPR gap"]),
        ("TPR gap", "race = other", []),
    ]
    assert [f["title"] for f in view["more_findings"]] == ["FPR gap"]
