"""Adverse outcomes end to end: a recidivism-style log and a mortgage-style model name the
denied / high-risk group as disadvantaged with default flags, and scores point the same way
as decisions in every check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from trustscan.cli import main

BLACK = "African-American"
CHECKS = 'only = ["fairness.", "performance.", "leakage.output_inference"]\n'


@pytest.fixture()
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "trustscan.toml").write_text(CHECKS + "[stats]\nbootstrap_resamples = 100\n")
    return tmp_path


def recidivism_log(n: int = 3000, seed: int = 0) -> pd.DataFrame:
    """COMPAS-like: the same true risk, but Black defendants get decile scores ~1 higher."""
    rng = np.random.default_rng(seed)
    race = rng.choice([BLACK, "Caucasian", "Hispanic"], size=n, p=[0.5, 0.35, 0.15])
    risk = rng.normal(size=n)
    recid = rng.binomial(1, 1 / (1 + np.exp(-1.2 * risk)))
    decile = np.clip(
        np.round(5 + 1.8 * risk + 1.2 * (race == BLACK) + rng.normal(0, 1, n)), 1, 10
    ).astype(int)
    return pd.DataFrame(
        {
            "race": race,
            "decile_score": decile,
            "high_risk": (decile >= 5).astype(int),
            "two_year_recid": recid,
        }
    )


def scan(args: list[str]) -> tuple[int, str, dict[str, Any] | None]:
    result = CliRunner().invoke(main, ["scan", *args, "--json", "r.json", "--no-ledger"])
    report = json.loads(Path("r.json").read_text()) if Path("r.json").exists() else None
    return result.exit_code, result.output, report


def result(report: dict[str, Any], check_id: str) -> dict[str, Any]:
    return next(r for r in report["results"] if r["check_id"] == check_id)


def failing_subjects(report: dict[str, Any], check_id: str) -> set[str]:
    return {f["subject"] for f in result(report, check_id)["findings"] if f["status"] == "fail"}


def group_row(report: dict[str, Any], check_id: str, group: str) -> dict[str, Any]:
    rows = result(report, check_id)["metrics"]["groups"]
    return next(r for r in rows if r["group"] == group)


def test_recidivism_log_names_the_high_risk_group_as_disadvantaged(in_tmp: Path) -> None:
    recidivism_log().to_csv("log.csv", index=False)
    code, output, report = scan(
        ["--data", "log.csv", "--predictions", "high_risk", "--target", "two_year_recid",
         "--sensitive", "race"]
    )  # fmt: skip
    assert code == 1, output
    assert report is not None
    assert "high_risk = 0 as the favourable decision" in output
    assert "high_risk = 0" in (report["inputs"]["outcome_statement"] or "")
    assert f"race = {BLACK}" in failing_subjects(report, "fairness.selection_rate")
    black = group_row(report, "fairness.selection_rate", BLACK)
    white = group_row(report, "fairness.selection_rate", "Caucasian")
    assert black["selection_rate"] < white["selection_rate"]  # share given the low-risk decision
    # The famous error-rate harm: among people who did not reoffend, Black defendants are
    # less often rated low risk.
    assert f"race = {BLACK}" in failing_subjects(report, "fairness.error_rates")
    message = next(
        f["message"]
        for f in result(report, "fairness.error_rates")["findings"]
        if f["subject"] == f"race = {BLACK}"
    )
    assert "favourable" in message and "high_risk = 0" in message
    # Labels and decisions are read the same way round: reoffending is equal across races
    # here, so the model (not the labels) made the gap.
    assert f"race = {BLACK}" in failing_subjects(report, "fairness.data_bias")


def test_a_one_to_ten_score_without_threshold_is_refused_naming_the_range(in_tmp: Path) -> None:
    recidivism_log().to_csv("log.csv", index=False)
    code, output, report = scan(
        ["--data", "log.csv", "--scores", "decile_score", "--target", "two_year_recid",
         "--sensitive", "race"]
    )  # fmt: skip
    assert code == 2, output
    assert "from 1 to 10" in output and "--threshold" in output
    assert report is None


def test_a_one_to_ten_score_with_threshold_audits_the_same_way(in_tmp: Path) -> None:
    recidivism_log().to_csv("log.csv", index=False)
    code, output, report = scan(
        ["--data", "log.csv", "--scores", "decile_score", "--threshold", "5", "--target",
         "two_year_recid", "--sensitive", "race"]
    )  # fmt: skip
    assert code == 1, output
    assert report is not None
    assert f"race = {BLACK}" in failing_subjects(report, "fairness.selection_rate")
    assert f"race = {BLACK}" in failing_subjects(report, "fairness.error_rates")
    # The scoring rate (share above the median, oriented to the favourable side) agrees.
    black = group_row(report, "fairness.selection_rate", BLACK)
    white = group_row(report, "fairness.selection_rate", "Caucasian")
    assert black["scoring_rate"] < white["scoring_rate"]
    # The score predicts reoffending: its AUC is well above 0.5, not reversed.
    overall = result(report, "performance.overall")["metrics"]
    assert _auc(overall) > 0.65, overall


def credit_scores(n: int = 4000, seed: int = 0) -> pd.DataFrame:
    """A 300-850 credit score, 20 points lower for women; no outcome column."""
    rng = np.random.default_rng(seed)
    sex = rng.choice(np.array(["female", "male"], dtype=object), n)
    score = np.clip(rng.normal(650, 60, n) - 20 * (sex == "female"), 300, 850).round()
    return pd.DataFrame({"sex": sex, "credit_score": score})


def test_a_credit_score_without_target_is_decided_at_the_given_threshold(in_tmp: Path) -> None:
    credit_scores().to_csv("scores.csv", index=False)
    code, output, report = scan(
        ["--data", "scores.csv", "--scores", "credit_score", "--threshold", "650",
         "--favourable-label", "1", "--sensitive", "sex"]
    )  # fmt: skip
    assert code == 1, output
    assert report is not None
    assert report["inputs"]["task"] == "binary"
    women = group_row(report, "fairness.selection_rate", "female")
    men = group_row(report, "fairness.selection_rate", "male")
    frame = credit_scores()
    for row, who in ((women, "female"), (men, "male")):
        expected = float((frame.loc[frame["sex"] == who, "credit_score"] >= 650).mean())
        assert row["selection_rate"] == pytest.approx(expected)
    assert "sex = female" in failing_subjects(report, "fairness.selection_rate")


def test_a_credit_score_without_target_or_threshold_is_refused(in_tmp: Path) -> None:
    credit_scores().to_csv("scores.csv", index=False)
    code, output, report = scan(
        ["--data", "scores.csv", "--scores", "credit_score", "--favourable-label", "1",
         "--sensitive", "sex"]
    )  # fmt: skip
    assert code == 2, output
    assert "no decision threshold was given" in " ".join(output.split())
    assert report is None


def test_decisions_and_scores_together_point_the_same_way(in_tmp: Path) -> None:
    recidivism_log().to_csv("log.csv", index=False)
    code, output, report = scan(
        ["--data", "log.csv", "--predictions", "high_risk", "--scores", "decile_score",
         "--target", "two_year_recid", "--sensitive", "race"]
    )  # fmt: skip
    assert code == 1, output
    assert report is not None
    notes = " ".join(report["notes"])
    assert "Decisions come from 'high_risk'" in notes and "'decile_score' drive ROC AUC" in notes
    assert "A higher decile_score means high_risk = 1 (adverse)" in (
        report["inputs"]["score_statement"] or ""
    )
    black = group_row(report, "fairness.selection_rate", BLACK)
    white = group_row(report, "fairness.selection_rate", "Caucasian")
    assert black["scoring_rate"] < white["scoring_rate"]
    assert black["selection_rate"] < white["selection_rate"]
    assert _auc(result(report, "performance.overall")["metrics"]) > 0.65


def test_mortgage_model_names_the_denied_group(in_tmp: Path) -> None:
    import skops.io as sio
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(1)
    n = 3000
    black = rng.binomial(1, 0.3, n)
    income = rng.normal(60, 15, n) - 8 * black
    debt_ratio = np.clip(rng.normal(0.35, 0.1, n) + 0.05 * black, 0, 1)
    logit = -1.5 + 6 * (debt_ratio - 0.35) - 0.03 * (income - 60) + 0.8 * black
    deny = np.where(rng.random(n) < 1 / (1 + np.exp(-logit)), "yes", "no")
    frame = pd.DataFrame({"income": income, "debt_ratio": debt_ratio, "black": black, "deny": deny})
    features = ["income", "debt_ratio", "black"]
    model = LogisticRegression(max_iter=500).fit(frame[features], frame["deny"])
    sio.dump(model, "deny.skops")
    frame.to_csv("loans.csv", index=False)
    _, output, report = scan(
        ["--model", "deny.skops", "--data", "loans.csv", "--target", "deny", "--sensitive",
         "black"]
    )  # fmt: skip
    assert report is not None, output
    assert "deny = no as the favourable decision" in output
    assert report["inputs"]["favourable_label"] == "no"
    assert report["inputs"]["positive_label"] == "yes"
    # The 0/1 indicator reads as readable groups: black / not black.
    assert "black = black" in failing_subjects(report, "fairness.selection_rate")
    one = group_row(report, "fairness.selection_rate", "black")
    zero = group_row(report, "fairness.selection_rate", "not black")
    assert one["selection_rate"] < zero["selection_rate"]  # approved less often
    assert one["scoring_rate"] < zero["scoring_rate"]
    assert _auc(result(report, "performance.overall")["metrics"]) > 0.6


def test_ambiguous_text_decisions_ask_for_the_favourable_label(in_tmp: Path) -> None:
    frame = recidivism_log()
    frame["label"] = np.where(frame["high_risk"] == 1, "B", "A")
    frame[["race", "label"]].to_csv("log.csv", index=False)
    code, output, _ = scan(["--data", "log.csv", "--predictions", "label", "--sensitive", "race"])
    assert code == 2 and "--favourable-label" in output
    code, output, report = scan(
        ["--data", "log.csv", "--predictions", "label", "--sensitive", "race",
         "--favourable-label", "A"]
    )  # fmt: skip
    assert code == 1, output
    assert report is not None
    assert f"race = {BLACK}" in failing_subjects(report, "fairness.selection_rate")


def _auc(metrics: dict[str, Any]) -> float:
    """ROC AUC from the performance check's metrics table."""
    row = next(m for m in metrics["metrics"] if m["metric"] == "roc_auc")
    return float(row["estimate"])


def test_control_without_bias_passes(in_tmp: Path) -> None:
    frame = recidivism_log()
    # Same decisions, race shuffled: nobody is disadvantaged by race.
    frame["race"] = np.random.default_rng(5).permutation(frame["race"].to_numpy())
    frame.to_csv("log.csv", index=False)
    _, output, report = scan(
        ["--data", "log.csv", "--predictions", "high_risk", "--target", "two_year_recid",
         "--sensitive", "race"]
    )  # fmt: skip
    assert report is not None, output
    assert result(report, "fairness.selection_rate")["status"] == "pass"
    assert not failing_subjects(report, "fairness.error_rates")


def test_bare_decision_log_gets_a_full_fairness_report(in_tmp: Path) -> None:
    frame = recidivism_log()
    frame["sex"] = np.random.default_rng(3).choice(["Female", "Male"], len(frame))
    frame[["sex", "race", "high_risk", "two_year_recid"]].to_csv("log.csv", index=False)
    (in_tmp / "trustscan.toml").write_text("[stats]\nbootstrap_resamples = 50\n")
    code, output, report = scan(
        ["--data", "log.csv", "--predictions", "high_risk", "--target", "two_year_recid",
         "--sensitive", "sex,race"]
    )  # fmt: skip
    assert code == 1, output
    assert report is not None
    statuses = {r["check_id"]: r["status"] for r in report["results"]}
    assert statuses["fairness.selection_rate"] == "fail"
    assert statuses["fairness.error_rates"] == "fail"
    for check in ("leakage.output_inference", "performance.overall", "performance.group_gap"):
        assert statuses[check] not in ("skip", "error"), (check, statuses[check])
    assert statuses["leakage.proxy_features"] == "skip"
    assert "no feature columns" in result(report, "leakage.proxy_features")["summary"]
    assert "error" not in statuses.values()


@pytest.mark.parametrize("bad", ["inf", ""])
def test_non_finite_target_is_an_input_error_naming_the_count(in_tmp: Path, bad: str) -> None:
    lines = ["g,p,y"] + [f"{'ab'[i % 2]},{i % 2},{(i // 2) % 2}" for i in range(40)]
    lines[5] = f"a,1,{bad}"
    lines[9] = f"b,0,{bad}"
    Path("t.csv").write_text("\n".join(lines) + "\n")
    code, output, report = scan(["--data", "t.csv", "--predictions", "p", "--target", "y",
                                 "--sensitive", "g"])  # fmt: skip
    assert code == 2, output
    assert "2 " + ("infinite" if bad else "empty") in output and "'y'" in output
    assert report is None


def test_an_entirely_empty_feature_column_does_not_crash_the_proxy_check(in_tmp: Path) -> None:
    rng = np.random.default_rng(0)
    n = 600
    sex = rng.choice(["F", "M"], n)
    frame = pd.DataFrame(
        {
            "sex": sex,
            "empty": np.nan,
            "x": rng.normal(size=n) + (sex == "F"),
            "decision": (rng.random(n) < 0.5).astype(int),
        }
    )
    frame.to_csv("e.csv", index=False)
    (in_tmp / "trustscan.toml").write_text('only = ["leakage."]\n')
    _, output, report = scan(["--data", "e.csv", "--predictions", "decision",
                                 "--sensitive", "sex"])  # fmt: skip
    assert report is not None, output
    assert result(report, "leakage.proxy_features")["status"] != "error", output


def test_a_lone_score_with_no_telling_name_asks_which_way_it_points(in_tmp: Path) -> None:
    frame = recidivism_log()
    frame["score"] = frame["decile_score"] / 10
    frame[["race", "score"]].to_csv("s.csv", index=False)
    code, output, report = scan(["--data", "s.csv", "--scores", "score", "--sensitive", "race"])
    assert code == 2 and "--favourable-label" in output and report is None
    code, output, report = scan(
        ["--data", "s.csv", "--scores", "score", "--sensitive", "race", "--favourable-label", "0"]
    )
    assert report is not None, output
    assert f"race = {BLACK}" in failing_subjects(report, "fairness.selection_rate")


def test_a_risk_score_alone_points_to_the_adverse_decision(in_tmp: Path) -> None:
    frame = recidivism_log()
    frame["risk_score"] = frame["decile_score"] / 10
    frame[["race", "risk_score"]].to_csv("s.csv", index=False)
    _, output, report = scan(["--data", "s.csv", "--scores", "risk_score", "--sensitive", "race"])
    assert report is not None, output
    assert "A higher risk_score means" in (report["inputs"]["score_statement"] or "")
    assert "(adverse)" in (report["inputs"]["score_statement"] or "")
    assert f"race = {BLACK}" in failing_subjects(report, "fairness.selection_rate")
