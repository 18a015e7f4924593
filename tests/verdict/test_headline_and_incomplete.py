"""The headline rule and incomplete audits, each with a passing and a failing known answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.scoring.helpers import finding, report, result
from trustscan.checks.fairness.core import FairnessSelectionRateCheck
from trustscan.cli import main
from trustscan.headline import first_sentence, scope, select
from trustscan.report import OutputFormat, render
from trustscan.types import Dimension, Evidence, Finding, Severity, Status


def _ratio_finding(check_id: str, subject: str, ratio: float, severity: Severity) -> Finding:
    who = subject.split(" = ", 1)[-1]
    return Finding(
        check_id=check_id,
        status=Status.FAIL,
        severity=severity,
        title=f"gap: {subject}",
        message=f"{who} are selected at {ratio:.0%} of the rate (95% CI 0.1–0.9, p = 0.001). "
        "That is below the 0.80 threshold.",
        subject=subject,
        evidence=(Evidence("selection_rate_ratio", ratio, 0.1, 0.9, 0.95, 0.001, 100, 0.8),),
    )


def test_a_single_attribute_leads_over_a_larger_intersectional_gap() -> None:
    results = (
        result(
            "fairness.selection_rate",
            Status.FAIL,
            severity=Severity.CRITICAL,
            findings=(
                _ratio_finding("fairness.selection_rate", "race = other", 0.7, Severity.CRITICAL),
                _ratio_finding(
                    "fairness.selection_rate",
                    "gender × race = female × other",
                    0.31,
                    Severity.CRITICAL,
                ),
                _ratio_finding(
                    "fairness.selection_rate", "gender = female", 0.49, Severity.CRITICAL
                ),
            ),
        ),
        result(
            "leakage.proxy_features",
            Status.FAIL,
            findings=(finding("leakage.proxy_features", Status.FAIL, "womens_club"),),
        ),
    )
    headline = select(results, ("gender", "race"))
    assert headline is not None
    # Largest single-attribute harm: 0.49 beats 0.7; the 0.31 intersection does not lead.
    assert headline.subject == "gender = female" and headline.scope == "attribute"
    assert headline.sentence == (
        "female are selected at 49% of the rate (95% CI 0.1–0.9, p = 0.001)."
    )
    assert (headline.estimate, headline.ci_low, headline.ci_high) == (0.49, 0.1, 0.9)
    # Without single-attribute failures the intersection leads, then anything else.
    only_cross = (
        results[0].__class__(**{**results[0].__dict__, "findings": results[0].findings[1:2]}),
    )
    assert select(only_cross + results[1:], ("gender", "race")).scope == "intersection"  # type: ignore[union-attr]
    assert select(results[1:], ("gender", "race")).scope == "other"  # type: ignore[union-attr]


def test_severity_orders_within_a_scope_and_waived_findings_never_lead() -> None:
    high = _ratio_finding("fairness.error_rates", "gender = female", 0.2, Severity.HIGH)
    critical = _ratio_finding("fairness.selection_rate", "gender = female", 0.6, Severity.CRITICAL)
    results = (
        result("fairness.selection_rate", Status.FAIL, findings=(critical,)),
        result("fairness.error_rates", Status.FAIL, findings=(high,)),
    )
    assert select(results, ("gender",)).check_id == "fairness.selection_rate"  # type: ignore[union-attr]
    waived = (
        result(
            "fairness.selection_rate",
            Status.PASS,
            findings=(critical.__class__(**{**critical.__dict__, "waived": True}),),
        ),
        results[1],
    )
    assert select(waived, ("gender",)).check_id == "fairness.error_rates"  # type: ignore[union-attr]


def test_no_failure_gives_a_warning_marked_not_conclusive_and_nothing_gives_none() -> None:
    warn = finding("performance.group_gap", Status.WARN, "gender", message="Gap 0.1 (CI 0–0.2).")
    r = report((result("performance.group_gap", Status.WARN, findings=(warn,)),))
    assert r.headline is not None and r.headline.status is Status.WARN
    assert "Main concern (not conclusive): Gap 0.1 (CI 0–0.2)." in render(OutputFormat.MARKDOWN, r)
    clean = report((result("a.ok", Status.PASS),))
    assert clean.headline is None
    assert json.loads(render(OutputFormat.JSON, clean))["verdict"]["headline"] is None


def test_scope_and_first_sentence_helpers() -> None:
    assert scope("gender = female", ("gender",)) == "attribute"
    assert scope("gender", ("gender",)) == "attribute"
    assert scope("gender × race = female × x", ("gender", "race")) == "intersection"
    assert scope("womens_club", ("gender",)) == "other"
    assert scope(None, ("gender",)) == "other"
    assert (
        first_sentence("Ratio 0.49 (p = 0.032, n = 1,000). More.")
        == "Ratio 0.49 (p = 0.032, n = 1,000)."
    )


def test_every_format_prints_the_same_headline() -> None:
    gap = _ratio_finding("fairness.selection_rate", "gender = female", 0.49, Severity.CRITICAL)
    r = report((result("fairness.selection_rate", Status.FAIL, findings=(gap,)),))
    sentence = "Main finding: female are selected at 49% of the rate (95% CI 0.1–0.9, p = 0.001)."
    data = json.loads(render(OutputFormat.JSON, r))
    assert data["verdict"]["headline"]["sentence"] == sentence.removeprefix("Main finding: ")
    assert data["verdict"]["status"] == "fail" and data["verdict"]["gate"] == "fail"
    assert sentence in render(OutputFormat.MARKDOWN, r)
    assert sentence in render(OutputFormat.HTML, r)


# --- incomplete audits -------------------------------------------------------------------


def test_an_errored_check_makes_the_report_say_incomplete_audit() -> None:
    crashed = result(
        "fairness.selection_rate", Status.ERROR, severity=Severity.CRITICAL, summary="crashed"
    )
    r = report((result("a.ok", Status.PASS), crashed))
    assert r.incomplete == ("fairness.selection_rate",)
    assert r.verdict is Status.FAIL
    markdown = render(OutputFormat.MARKDOWN, r)
    assert "FAIL (incomplete audit)" in markdown and "Incomplete audit: 1 check(s)" in markdown
    assert "incomplete audit" in render(OutputFormat.HTML, r)
    assert json.loads(render(OutputFormat.JSON, r))["verdict"]["incomplete"] == [
        "fairness.selection_rate"
    ]
    ethics = next(s for s in r.scores if s.dimension is Dimension.ETHICS)
    assert ethics.score is not None and ethics.score <= 50  # 1 of 2 judged, capped
    complete = report((result("a.ok", Status.PASS),))
    assert complete.incomplete == () and complete.verdict is Status.PASS
    assert "incomplete" not in render(OutputFormat.MARKDOWN, complete).lower()


@pytest.fixture()
def decisions_csv(tmp_path: Path) -> Path:
    rows = ["gender,x,decision"] + [
        f"{'female' if i % 2 else 'male'},{i},{i % 3 == 0:d}" for i in range(200)
    ]
    path = tmp_path / "d.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def test_a_crashed_critical_check_fails_the_gate_through_the_cli(
    decisions_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "trustscan.toml").write_text('only = ["fairness.selection_rate"]\n')
    args = ["scan", "--data", str(decisions_csv), "--predictions", "decision", "--sensitive", "gender",
            "--json", str(tmp_path / "r.json")]  # fmt: skip
    passed = CliRunner().invoke(main, args)
    assert passed.exit_code == 0, passed.output

    def crash(self, ctx, policy):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(FairnessSelectionRateCheck, "run", crash)
    failed = CliRunner().invoke(main, args)
    assert failed.exit_code == 1, failed.output
    assert "incomplete audit" in failed.output.lower()
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["verdict"] == {
        "status": "fail",
        "gate": "fail",
        "incomplete": ["fairness.selection_rate"],
        "headline": None,
    }
    ethics = next(s for s in data["scores"] if s["dimension"] == "ethics")
    assert ethics["score"] is None  # nothing judged: never 100


def test_the_terminal_prints_the_same_headline_and_incomplete_line() -> None:
    from rich.console import Console

    from trustscan.report.terminal import print_summary

    gap = _ratio_finding("fairness.selection_rate", "gender = female", 0.49, Severity.CRITICAL)
    crashed = result("fairness.error_rates", Status.ERROR, summary="crashed")
    r = report((result("fairness.selection_rate", Status.FAIL, findings=(gap,)), crashed))
    console = Console(record=True, width=400, highlight=False)
    print_summary(r, [], console)
    text = console.export_text()
    assert (
        "Main finding: female are selected at 49% of the rate (95% CI 0.1–0.9, p = 0.001)." in text
    )
    assert "Incomplete audit: 1 check(s) could not run (fairness.error_rates)" in text
    assert "Verdict: FAIL (incomplete audit)" in text
