"""fairness.conditional_disparity: Berkeley admissions (Simpson's paradox) as the known answer,
Mantel–Haenszel and CMH against statsmodels, DD/CDD by hand, a gap that persists, --condition."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from tests.fairness.conftest import make_context
from trustscan import stats
from trustscan.checks.analyses.conditional import ConditionalDisparityCheck
from trustscan.cli import main
from trustscan.context import AuditContext
from trustscan.policy import Policy
from trustscan.stats.conditional import (
    cochran_mantel_haenszel,
    conditional_demographic_disparity,
    demographic_disparity,
    mantel_haenszel_ratio,
    stratified_cells,
)
from trustscan.types import Status

# UC Berkeley graduate admissions, fall 1973 (Bickel, Hammel and O'Connell, 1975; R's
# UCBAdmissions): department -> ((men admitted, men rejected), (women admitted, women rejected)).
BERKELEY = {
    "A": ((512, 313), (89, 19)),
    "B": ((353, 207), (17, 8)),
    "C": ((120, 205), (202, 391)),
    "D": ((138, 279), (131, 244)),
    "E": ((53, 138), (94, 299)),
    "F": ((22, 351), (24, 317)),
}


def berkeley_rows() -> tuple[list[str], list[str], list[int]]:
    gender, department, admitted = [], [], []
    for dept, tables in BERKELEY.items():
        for sex, (yes, no) in zip(("male", "female"), tables, strict=True):
            gender += [sex] * (yes + no)
            department += [dept] * (yes + no)
            admitted += [1] * yes + [0] * no
    return gender, department, admitted


def berkeley_context() -> AuditContext:
    gender, department, admitted = berkeley_rows()
    ctx = make_context(sensitive={"gender": gender}, predictions=admitted)
    return dataclasses.replace(
        ctx, data=ctx.data.assign(department=department), condition_name="department"
    )


def _cells() -> np.ndarray:
    """(group: female, male) × department × (rejected, admitted)."""
    cells = np.zeros((2, 6, 2), dtype=np.int64)
    for s, (men, women) in enumerate(BERKELEY.values()):
        cells[0, s] = women[1], women[0]
        cells[1, s] = men[1], men[0]
    return cells


def test_berkeley_gap_reverses_within_departments() -> None:
    result = ConditionalDisparityCheck().run(berkeley_context(), Policy())
    assert result.status is Status.PASS
    female = next(r for r in result.metrics["groups"] if r["group"] == "female")
    # Overall, women were admitted at 30.4% against 44.5% for men: ratio 0.68.
    assert female["ratio"] == pytest.approx((557 / 1835) / (1198 / 2691), rel=1e-12)
    assert female["ratio"] < 0.8
    assert female["conditional_ratio"] > 1.0
    assert female["effect"] == "reversed"
    assert female["dd"] > 0 and female["cdd"] < 0  # over-represented among the rejected overall
    finding = next(f for f in result.findings if f.subject == "gender = female")
    assert "reverses the gap" in finding.message and finding.status is Status.PASS


def test_dd_and_cdd_match_a_hand_computation() -> None:
    cells = _cells()
    rejected_women, rejected = 1278, 1278 + 1493
    admitted_women, admitted = 557, 557 + 1198
    dd = demographic_disparity(cells.sum(axis=1))
    assert dd[0] == pytest.approx(rejected_women / rejected - admitted_women / admitted)
    cdd, share = conditional_demographic_disparity(cells)
    by_hand = 0.0
    for men, women in BERKELEY.values():
        n = sum(men) + sum(women)
        d = women[1] / (men[1] + women[1]) - women[0] / (men[0] + women[0])
        by_hand += n * d
    assert cdd[0] == pytest.approx(by_hand / 4526)
    assert share == pytest.approx(1.0)


def test_mantel_haenszel_and_cmh_match_statsmodels() -> None:
    contingency = pytest.importorskip("statsmodels.stats.contingency_tables")
    cells = _cells()
    # statsmodels: 2×2×K tables with rows (exposed, unexposed) and columns (event, no event).
    tables = np.stack([[cells[0, :, 1], cells[0, :, 0]], [cells[1, :, 1], cells[1, :, 0]]])
    reference = contingency.StratifiedTable(tables.astype(float))
    ratio, low, high = mantel_haenszel_ratio(cells[0], cells[1], confidence=0.95)
    assert ratio == pytest.approx(reference.riskratio_pooled, rel=1e-10)
    assert low < ratio < high
    p = cochran_mantel_haenszel(cells[0], cells[1])
    assert p == pytest.approx(reference.test_null_odds(correction=False).pvalue, rel=1e-10)


def test_one_stratum_gives_the_katz_interval() -> None:
    group, reference = np.array([[60, 40]]), np.array([[30, 70]])
    ratio, low, high = mantel_haenszel_ratio(group, reference, confidence=0.95)
    expected = stats.katz_ratio_interval(40, 100, 70, 100, confidence=0.95)  # type: ignore[arg-type]
    assert (ratio, low, high) == pytest.approx(tuple(float(v) for v in expected))


def test_a_gap_within_every_stratum_fails_and_persists() -> None:
    rng = np.random.default_rng(1)
    n = 6000
    gender = rng.choice(["female", "male"], n)
    department = rng.choice(["x", "y", "z"], n)
    base = np.select([department == "x", department == "y"], [0.6, 0.4], 0.2)
    admitted = rng.random(n) < np.where(gender == "female", base * 0.6, base)
    ctx = make_context(sensitive={"gender": gender}, predictions=admitted.astype(int))
    ctx = dataclasses.replace(
        ctx, data=ctx.data.assign(department=department), condition_name="department"
    )
    result = ConditionalDisparityCheck().run(ctx, Policy())
    assert result.status is Status.FAIL
    female = next(r for r in result.metrics["groups"] if r["group"] == "female")
    assert female["conditional_ratio"] == pytest.approx(0.6, abs=0.06)
    assert female["effect"] == "persists"


def test_without_a_condition_the_check_says_how_to_run_it() -> None:
    ctx = make_context(sensitive={"g": ["a", "b"] * 50}, predictions=[0, 1] * 50)
    result = ConditionalDisparityCheck().run(ctx, Policy())
    assert result.status is Status.SKIP and "--condition" in result.summary


def test_stratified_cells_counts_every_row_once() -> None:
    cells = stratified_cells(np.array([0, 1, 1, 0]), 2, np.array([0, 0, 1, 1]), 2,
                             np.array([True, False, True, True]))  # fmt: skip
    assert cells.sum() == 4 and cells[0, 1, 1] == 1 and cells[1, 0, 0] == 1


def test_condition_option_runs_from_the_cli_and_rejects_unknown_columns(tmp_path: Path) -> None:
    import pandas as pd

    gender, department, admitted = berkeley_rows()
    data = tmp_path / "admissions.csv"
    pd.DataFrame({"gender": gender, "department": department, "admitted": admitted}).to_csv(
        data, index=False
    )
    base = ["scan", "--data", str(data), "--predictions", "admitted", "-s", "gender"]
    runner = CliRunner()
    out = tmp_path / "r.json"
    result = runner.invoke(main, [*base, "--condition", "department", "--json", str(out)])
    assert result.exit_code in (0, 1), result.output
    report = json.loads(out.read_text())
    cdd = next(r for r in report["results"] if r["check_id"] == "fairness.conditional_disparity")
    assert cdd["status"] == "pass" and cdd["metrics"]["condition"] == "department"
    bad = runner.invoke(main, [*base, "--condition", "dept", "--json", str(tmp_path / "x.json")])
    assert bad.exit_code == 2
    assert "condition column 'dept' not found" in bad.output
    assert not (tmp_path / "x.json").exists()
