"""Adding a check needs its module, its declaration and a registry entry: nothing else.

The check below lives only in this test. It is added to a copy of the registry, and the
audit runs it after the check it needs, scores it, and every output, the docs, `trustscan
explain` and the comparison with a baseline pick it up, with no edit to the presenter, the
renderers, the docs generator or the comparison.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import trustscan
from trustscan.check_docs import render_doc
from trustscan.checks import registry
from trustscan.checks.base import Check
from trustscan.checks.consistency.compare import compare_reports
from trustscan.checks.spec import CheckSpec
from trustscan.cli import main
from trustscan.context import AuditContext
from trustscan.policy import Policy
from trustscan.report import OutputFormat, render
from trustscan.report.formatting import table
from trustscan.report.html.renderers import Extras, RenderContext
from trustscan.report.json_format import report_to_dict
from trustscan.types import (
    CheckResult,
    Dimension,
    Evidence,
    Report,
    ScoreInput,
    Scoring,
    Severity,
    Status,
    measured_as,
)


@dataclasses.dataclass(frozen=True)
class GroupShares:
    """The throwaway check's typed result: each group's favourable share."""

    shares: tuple[tuple[str, float], ...]

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any]) -> GroupShares:
        return cls(tuple((str(r["group"]), float(r["share"])) for r in metrics["shares"]))

    def to_metrics(self) -> dict[str, Any]:
        return {"shares": [{"group": g, "share": s} for g, s in self.shares]}


THROWAWAY = CheckSpec(
    id="fairness.share_ratio",
    title="Throwaway: favourable-share ratio",
    dimension=Dimension.ETHICS,
    default_severity=Severity.HIGH,
    description="The lowest group's share of favourable decisions over the highest group's. "
    "Fix: it exists only in a test.",
    implementation=f"{__name__}:ShareRatioCheck",
    measured=GroupShares,
    section="fairness",
    renderer=f"{__name__}:render_share_ratio",
    policy_keys=("fairness.impact_ratio_min",),
    needs=("fairness.selection_rate",),
    gated_in_compare=True,
)


class ShareRatioCheck(Check):
    spec: ClassVar[CheckSpec] = THROWAWAY

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        raise AssertionError("the engine calls run_after with the results this check needs")

    def run_after(
        self, ctx: AuditContext, policy: Policy, earlier: tuple[CheckResult, ...]
    ) -> CheckResult:
        assert [r.check_id for r in earlier] == ["fairness.selection_rate"]
        grouping = ctx.groupings.singles[0]
        decisions = np.asarray(ctx.decisions, dtype=float)
        shares = [float(decisions[grouping.codes == g].mean()) for g in range(len(grouping.labels))]
        ratio = min(shares) / max(shares)
        limit = policy.fairness.impact_ratio_min
        status = Status.PASS if ratio >= limit else Status.FAIL
        finding = self.finding(
            status,
            f"The lowest favourable share is {ratio:.2f} of the highest.",
            subject=grouping.name,
            evidence=(
                Evidence(
                    "share_ratio",
                    ratio,
                    ratio - 0.05,
                    ratio + 0.05,
                    0.95,
                    n=len(decisions),
                    threshold=limit,
                ),
            ),
        )
        measured = GroupShares(tuple(zip(grouping.labels, shares, strict=True)))
        scoring = Scoring(ScoreInput(ratio, 1.0, 0.5))
        return self.result(
            status, f"share ratio {ratio:.2f}", (finding,), scoring=scoring, measured=measured
        )


def render_share_ratio(result: CheckResult, ctx: RenderContext) -> Extras:
    extras = Extras()
    extras.tables.append(
        table(
            "Favourable share per group (throwaway)",
            [{"group": g, "share": v} for g, v in measured_as(result, GroupShares).shares],
            ["group", "share"],
        )
    )
    extras.consumed.add("shares")
    return extras


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[CheckSpec]:
    # Listed last, after the consequence scan: the run order comes from `needs`, not position.
    monkeypatch.setattr(registry, "SPECS", (*registry.SPECS, THROWAWAY))
    yield THROWAWAY


def audit(selected_b: float) -> Report:
    rng = np.random.default_rng(3)
    n = 4000
    frame = pd.DataFrame({"group": np.repeat(["a", "b"], n // 2), "x": rng.normal(size=n)})
    frame["decision"] = rng.binomial(1, np.where(frame["group"] == "a", 0.5, selected_b))
    return trustscan.audit(
        data=frame,
        predictions="decision",
        sensitive="group",
        policy={"stats": {"bootstrap_resamples": 200}},
        only=["fairness.selection_rate", THROWAWAY.id, "docs.consequence_scan"],
        seed=1,
    )


def test_a_registered_check_runs_after_what_it_needs_and_is_scored(registered: CheckSpec) -> None:
    report = audit(selected_b=0.2)
    assert [r.check_id for r in report.results] == [
        "fairness.selection_rate",
        THROWAWAY.id,
        "docs.consequence_scan",
    ]
    result = report.result(THROWAWAY.id)
    assert result is not None and result.status is Status.FAIL
    ethics = next(s for s in report.scores if s.dimension is Dimension.ETHICS)
    contribution = next(c for c in ethics.contributions if c["check_id"] == THROWAWAY.id)
    assert contribution["basis"] == "measured" and contribution["score"] is not None
    # The consequence scan, which needs every other check, saw its failure.
    scan = report.result("docs.consequence_scan")
    assert scan is not None and any(
        u["check_id"] == THROWAWAY.id for u in scan.metrics["uncovered"]
    )


def test_a_registered_check_reaches_every_report_format(registered: CheckSpec) -> None:
    report = audit(selected_b=0.2)
    html = render(OutputFormat.HTML, report)
    fairness_section = html.split('<section id="fairness"', 1)[1].split("<section", 1)[0]
    assert "Throwaway: favourable-share ratio" in fairness_section
    assert "Favourable share per group (throwaway)" in fairness_section
    assert f"`{THROWAWAY.id}`" in render(OutputFormat.MARKDOWN, report)
    results = json.loads(render(OutputFormat.JSON, report))["results"]
    assert any(r["check_id"] == THROWAWAY.id for r in results)


def test_a_registered_check_is_documented_and_explained(registered: CheckSpec) -> None:
    doc = render_doc()
    assert f"## `{THROWAWAY.id}` — {THROWAWAY.title}" in doc
    assert "`fairness.impact_ratio_min`" in doc.split(THROWAWAY.title, 2)[2]
    explained = CliRunner().invoke(main, ["explain", THROWAWAY.id])
    assert explained.exit_code == 0 and "favourable decisions" in explained.output


def test_a_registered_gated_check_fails_a_comparison_when_it_worsens(
    registered: CheckSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    before, after = report_to_dict(audit(selected_b=0.48)), report_to_dict(audit(selected_b=0.2))
    comparison = compare_reports(before, after)
    assert any(THROWAWAY.id in reason for reason in comparison.regressions)
    # Declared not gated, the same worsening is reported but gates nothing.
    ungated = dataclasses.replace(THROWAWAY, gated_in_compare=False)
    monkeypatch.setattr(registry, "SPECS", (*registry.SPECS[:-1], ungated))
    comparison = compare_reports(before, after)
    assert any(d.check_id == THROWAWAY.id and d.worse for d in comparison.deltas)
    assert not any(THROWAWAY.id in reason for reason in comparison.regressions)
