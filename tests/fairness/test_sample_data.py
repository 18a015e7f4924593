"""The bundled samples: recruiting fails on gender with the right rates, fair lending passes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.analyses.conftest import demo_config
from trustscan.checks.fairness.core import FairnessErrorRatesCheck, FairnessSelectionRateCheck
from trustscan.context import AuditContext
from trustscan.context_files import build_context
from trustscan.policy import Policy
from trustscan.types import Status


def _context(name: str, folder: Path) -> AuditContext:
    return build_context(demo_config(name, folder))


def test_recruiting_sample_fails_on_gender_with_the_correct_rates(tmp_path: Path) -> None:
    ctx = _context("recruiting", tmp_path)
    result = FairnessSelectionRateCheck().run(ctx, Policy())
    assert result.status is Status.FAIL
    decisions = pd.Series(ctx.decisions).groupby(ctx.sensitive["gender"].to_numpy()).mean()
    rows = {r["group"]: r for r in result.metrics["groups"] if r["feature"] == "gender"}
    for group, expected in decisions.items():
        assert rows[group]["selection_rate"] == pytest.approx(expected, abs=1e-12)
    female = rows["female"]
    assert female["selection_rate_reference"] == "male"
    assert female["selection_rate_ratio"] == pytest.approx(
        decisions["female"] / decisions["male"], rel=1e-12
    )
    assert female["selection_rate_status"] == "fail"
    assert any(
        f.subject == "gender = female"
        and f.status is Status.FAIL
        and f.message.startswith("Women are selected at")
        for f in result.findings
    )


def test_fair_lending_sample_passes(tmp_path: Path) -> None:
    ctx = _context("fair_lending", tmp_path)
    assert FairnessSelectionRateCheck().run(ctx, Policy()).status is Status.PASS
    assert FairnessErrorRatesCheck().run(ctx, Policy()).status is Status.PASS
