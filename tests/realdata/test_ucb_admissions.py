"""UC Berkeley graduate admissions, autumn 1973, as the aggregated table it is published as
(Bickel, Hammel and O'Connell 1975, *Science* 187: 398-404; R's ``UCBAdmissions``): admitted
or rejected, by gender and department, with the number of applicants in each cell.

The literature's verdict: women were admitted at a much lower rate overall (30.4% against
44.5%), yet within each department they were admitted at about the same rate as men or a
higher one: women applied more to the departments that admitted fewer applicants (Simpson's
paradox). An audit with ``--counts`` must see 4,526 people, fail the overall gap and find no
gap within departments with ``--condition Dept``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from trustscan.cli import main

# (admitted men, rejected men, admitted women, rejected women) per department.
UCB_1973 = {
    "A": (512, 313, 89, 19),
    "B": (353, 207, 17, 8),
    "C": (120, 205, 202, 391),
    "D": (138, 279, 131, 244),
    "E": (53, 138, 94, 299),
    "F": (22, 351, 24, 317),
}


def ucb_table() -> pd.DataFrame:
    rows = []
    for dept, (men_in, men_out, women_in, women_out) in UCB_1973.items():
        rows += [
            ("Admitted", "Male", dept, men_in),
            ("Rejected", "Male", dept, men_out),
            ("Admitted", "Female", dept, women_in),
            ("Rejected", "Female", dept, women_out),
        ]
    return pd.DataFrame(rows, columns=["Admit", "Gender", "Dept", "Freq"])


def scan(folder: Path, *args: str) -> tuple[int, str, dict[str, Any]]:
    ucb_table().to_csv(folder / "ucb.csv", index=False)
    result = CliRunner().invoke(
        main,
        [
            *("scan", "--data", str(folder / "ucb.csv"), "--predictions", "Admit", *args),
            *("--json", str(folder / "r.json"), "--no-ledger"),
        ],
    )
    assert (folder / "r.json").exists(), result.output
    return result.exit_code, result.output, json.loads((folder / "r.json").read_text())


def check(report: dict[str, Any], check_id: str) -> dict[str, Any]:
    return next(r for r in report["results"] if r["check_id"] == check_id)


def test_the_table_audited_as_people_shows_the_overall_gap_and_none_within_departments(
    tmp_path: Path,
) -> None:
    code, _, report = scan(tmp_path, "--counts", "Freq", "--condition", "Dept")
    assert code == 1
    assert report["inputs"]["n_rows"] == 4526
    selection = check(report, "fairness.selection_rate")
    women = next(g for g in selection["metrics"]["groups"] if g["group"] == "Female")
    men = next(g for g in selection["metrics"]["groups"] if g["group"] == "Male")
    assert women["n"] == 1835 and men["n"] == 2691
    assert women["selection_rate"] == pytest.approx(557 / 1835)
    assert men["selection_rate"] == pytest.approx(1198 / 2691)
    assert selection["status"] == "fail"
    conditional = check(report, "fairness.conditional_disparity")
    assert conditional["status"] == "pass"
    assert "reverses" in conditional["summary"]
    # Department is the declared stratum: its use is a warning, not a proxy failure.
    proxies = check(report, "leakage.proxy_features")
    assert proxies["status"] != "fail"
    assert "legitimate stratum given with --condition" in json.dumps(proxies["findings"])
    # Expanded rows repeat by construction: not a data-quality problem.
    assert check(report, "data.quality")["status"] == "pass"


def test_the_table_audited_row_by_row_suggests_counts(tmp_path: Path) -> None:
    _, _, report = scan(tmp_path)
    notes = " ".join(report["notes"])
    assert "pass --counts Freq" in notes
    selection = check(report, "fairness.selection_rate")
    assert sum(g["n"] for g in selection["metrics"]["groups"] if g["feature"] == "Gender") == 24
