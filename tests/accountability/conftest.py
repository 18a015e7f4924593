"""Fixtures for the accountability tests: an audit context, filled documents, a scan helper."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from trustscan.checks import ALL_CHECKS
from trustscan.config import make_scan_config
from trustscan.context import AuditContext
from trustscan.context_files import build_context
from trustscan.governance.init_files import starter_text

FILLED_MODEL_CARD = """\
model_details:
  name: Applicant screening model
  version: 1.2.0
  date: 2026-10-01
  type: Logistic regression on one-hot encoded city and scaled numeric features
  description: Ranks job applicants by predicted probability of being hired.
  owner: Talent analytics team
  authors:
    - Ada Lovelace
    - Grace Hopper
  contact: talent-analytics@example.org
  licence: Proprietary, internal use only
intended_use:
  primary_uses: Order the review queue for recruiters
  primary_users: Recruiters at the company
  out_of_scope_uses:
    - Automatic rejection without human review
    - Promotion decisions
factors:
  relevant_factors: Gender, race and city of applicants
  evaluation_factors: Gender and race, because hiring law protects them
metrics:
  performance_measures: ROC AUC and selection rate per group
  decision_thresholds: 0.5 on the predicted probability
  variation_approaches: Bootstrap confidence intervals over 1000 resamples
evaluation_data:
  datasets: Applications from 2025, held out from training
  motivation: The most recent full year of applications
  preprocessing: Duplicates removed; categorical values lower-cased
training_data:
  datasets: Applications from 2020 to 2024
  description: 30,000 applications; earlier hiring decisions were biased against women
quantitative_analyses:
  unitary_results: See the trustscan report, section fairness
  intersectional_results: See the trustscan report, gender x race table
ethical_considerations:
  sensitive_data: Gender and race are used only for auditing, under a recorded legal basis
  human_life: "N/A: the model does not affect health or safety"
  mitigations: Gender proxies removed; human review of every rejection
  risks_and_harms: Qualified women may be ranked lower because the labels are biased
  use_cases: Do not use for roles outside the original job families
caveats_and_recommendations:
  caveats: Trained on one country's applications
  recommendations: Re-audit quarterly and after every retrain
"""


def filled_consequences(check_id: str = "data.quality", due: str = "2099-12-31") -> str:
    return f"""\
product: Applicant screening model
scanned_on: 2026-09-15
participants: [Ada Lovelace, Grace Hopper, Joan Clarke]
consequences:
  - id: C1
    statement: Recruiters review strong applicants sooner
    intended: true
    impact: positive
    affected_group: Applicants
    disposition: monitor
    checks: [{check_id}]
    review: 2099-01-31
  - id: C2
    statement: Qualified women are ranked lower because past decisions were biased
    intended: false
    impact: negative
    affected_group: Women applying
    disposition: act
    owner: Joan Clarke
    action: Retrain on debiased labels and re-audit
    due: {due}
    checks: [{check_id}]
    review: 2099-01-31
"""


def fill_starter(name: str) -> str:
    """The shipped starter with every placeholder replaced by a real-looking answer, keeping
    the starter's structure: what a team that followed the comments would produce."""
    text = starter_text(name)
    if name == "model_card.yaml":
        return re.sub(r"\bTBD\b", "Written by the team", text).replace(
            "- Written by the team", "- Ada Lovelace"
        )
    dates = {"due", "review", "scanned_on"}
    lines = []
    for line in text.splitlines():
        key = line.strip().split(":", 1)[0]
        if "TBD" in line:
            line = line.replace("TBD", "2099-12-31" if key in dates else "Filled in by the team")
        lines.append(line)
    # The starter links the "fairness." family; link a check that is registered in every build.
    filled = "\n".join(lines) + "\n"
    return filled.replace("- fairness.", f"- {ALL_CHECKS[0].id}")


@pytest.fixture()
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="module")
def context(
    applicants_csv: Path, pipeline_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> AuditContext:
    """The pipeline fixture model on the applicants data, with a config file."""
    folder = tmp_path_factory.mktemp("config")
    config_file = folder / "trustscan.toml"
    config_file.write_text('fail_on = "fail"\n')
    config = make_scan_config(
        {
            "model": str(pipeline_model),
            "data": str(applicants_csv),
            "target": "hired",
            "sensitive": ("gender",),
            "config": str(config_file),
            "seed": 5,
        },
        cwd=folder,
        command_line=("trustscan", "scan", "--seed", "5"),
    )
    return build_context(config)
