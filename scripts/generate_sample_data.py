"""Generate the bundled sample datasets in ``sample_data/`` deterministically.

Run ``python scripts/generate_sample_data.py`` from the repository root. The same seed always
writes the same bytes, and a test checks that the shipped files match this script.

* ``recruiting.csv`` — applicants whose historical ``hired`` label was biased against women.
  Gender and race are not model inputs, but ``womens_club`` (the résumé mentions e.g. a
  women's chess club) and ``womens_college`` appear only for women, so a model trained on the
  labels learns them as proxies.
* ``retail.csv`` — customers' purchase counts; the target ``responded`` (to a baby-products
  campaign) is driven by pregnancy, so the model's score effectively predicts ``pregnant``,
  which is present for the audit but not a model input.
* ``fair_lending.csv`` — a control with no planted harm: features are independent of gender
  and race, and the label depends on the features only.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20261122
ROWS = 4000


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def make_recruiting(rng: np.random.Generator, n: int = ROWS) -> pd.DataFrame:
    gender = rng.choice(["female", "male"], size=n, p=[0.5, 0.5])
    race = rng.choice(
        ["white", "black", "hispanic", "asian", "other"], size=n, p=[0.55, 0.15, 0.15, 0.1, 0.05]
    )
    female = gender == "female"
    age = rng.integers(21, 63, size=n)
    years_experience = np.clip(np.round(rng.gamma(2.0, 3.0, size=n)), 0, 40).astype(int)
    education = rng.choice(
        ["high_school", "bachelor", "master", "phd"], size=n, p=[0.2, 0.45, 0.28, 0.07]
    )
    skills_test = np.clip(np.round(rng.normal(65, 12, size=n)), 0, 100).astype(int)
    interview_score = np.clip(np.round(rng.normal(3.2, 0.8, size=n), 1), 1, 5)
    referral = rng.binomial(1, 0.2, size=n)
    womens_club = np.where(female, rng.binomial(1, 0.55, size=n), 0)
    womens_college = np.where(female, rng.binomial(1, 0.35, size=n), 0)
    edu_points = pd.Series(education).map(
        {"high_school": 0.0, "bachelor": 0.5, "master": 0.8, "phd": 1.0}
    )
    merit = (
        0.12 * years_experience
        + 0.06 * (skills_test - 65)
        + 0.9 * (interview_score - 3.2)
        + 0.8 * referral
        + edu_points.to_numpy()
    )
    # The historical decisions penalised women: the bias lives in the label, and the proxies
    # are the only way a gender-blind model can reproduce it.
    logit = -1.6 + merit - 1.6 * female
    hired = rng.binomial(1, _sigmoid(logit))
    return pd.DataFrame(
        {
            "applicant_id": [f"A{i:05d}" for i in range(n)],
            "gender": gender,
            "race": race,
            "age": age,
            "years_experience": years_experience,
            "education": education,
            "skills_test": skills_test,
            "interview_score": interview_score,
            "referral": referral,
            "womens_club": womens_club,
            "womens_college": womens_college,
            "hired": hired,
        }
    )


def make_retail(rng: np.random.Generator, n: int = ROWS) -> pd.DataFrame:
    pregnant = rng.binomial(1, 0.12, size=n)
    age = np.clip(np.round(rng.normal(36, 11, size=n)), 18, 80).astype(int)

    def counts(base: float, lift: float) -> np.ndarray:
        return rng.poisson(base + lift * pregnant)

    frame = pd.DataFrame(
        {
            "customer_id": [f"C{i:05d}" for i in range(n)],
            "pregnant": pregnant,
            "age": age,
            "unscented_lotion": counts(0.3, 2.2),
            "prenatal_vitamins": counts(0.05, 1.6),
            "cotton_balls": counts(0.6, 1.8),
            "zinc_supplements": counts(0.2, 1.2),
            "magnesium_supplements": counts(0.2, 1.1),
            "large_tote_bags": counts(0.3, 1.0),
            "grocery_spend": np.round(rng.gamma(4.0, 30.0, size=n), 2),
            "electronics_spend": np.round(rng.gamma(1.5, 40.0, size=n), 2),
            "visits_per_month": rng.poisson(4, size=n),
        }
    )
    logit = -3.0 + 3.2 * pregnant + 0.004 * frame["grocery_spend"].to_numpy()
    frame["responded"] = rng.binomial(1, _sigmoid(logit))
    return frame


def make_fair_lending(rng: np.random.Generator, n: int = ROWS) -> pd.DataFrame:
    gender = rng.choice(["female", "male"], size=n)
    race = rng.choice(["white", "black", "hispanic", "asian"], size=n, p=[0.5, 0.2, 0.2, 0.1])
    age_group = rng.choice(["18-29", "30-44", "45-64", "65+"], size=n, p=[0.25, 0.35, 0.3, 0.1])
    income = np.round(rng.lognormal(10.8, 0.45, size=n), -2)
    debt_ratio = np.round(np.clip(rng.beta(2, 5, size=n), 0, 1), 3)
    credit_history_years = np.clip(np.round(rng.gamma(3.0, 3.0, size=n)), 0, 50).astype(int)
    late_payments = rng.poisson(0.8, size=n)
    logit = (
        0.4
        + 1.2 * (np.log(income) - 10.8)
        - 4.0 * (debt_ratio - 0.28)
        + 0.05 * credit_history_years
        - 0.6 * late_payments
    )
    approved = rng.binomial(1, _sigmoid(logit))
    return pd.DataFrame(
        {
            "applicant_id": [f"L{i:05d}" for i in range(n)],
            "gender": gender,
            "race": race,
            "age_group": age_group,
            "income": income,
            "debt_ratio": debt_ratio,
            "credit_history_years": credit_history_years,
            "late_payments": late_payments,
            "approved": approved,
        }
    )


GENERATORS = {
    "recruiting.csv": make_recruiting,
    "retail.csv": make_retail,
    "fair_lending.csv": make_fair_lending,
}


def generate(folder: Path) -> list[Path]:
    """Write every sample file into ``folder``; each gets its own seeded generator."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for offset, (name, make) in enumerate(GENERATORS.items()):
        frame = make(np.random.default_rng(SEED + offset))
        path = folder / name
        frame.to_csv(path, index=False, lineterminator="\n")
        written.append(path)
    return written


if __name__ == "__main__":
    target = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path(__file__).resolve().parents[1] / "sample_data"
    )
    for path in generate(target):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
