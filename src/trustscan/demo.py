"""``trustscan demo``: train the sample models, save them with skops, and audit them.

The models are trained at demo time (fixed seeds, about a second) rather than shipped as
binary files, so they always match the installed scikit-learn; they are then saved and
loaded back through the same skops path a user's model takes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import skops.io as sio
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from trustscan.config import ScanConfig
from trustscan.loading import read_table
from trustscan.resources import resource_dir

SEED = 0


@dataclass(frozen=True)
class DemoCase:
    name: str
    description: str
    data_file: str
    target: str
    sensitive: tuple[str, ...]
    features: tuple[str, ...]
    categorical: tuple[str, ...]
    model: str
    """``logistic`` (a Pipeline with one-hot encoding and scaling) or ``hist_gradient_boosting``."""


CASES: tuple[DemoCase, ...] = (
    DemoCase(
        name="recruiting",
        description="hiring model trained on biased labels; gender is not an input",
        data_file="recruiting.csv",
        target="hired",
        sensitive=("gender", "race"),
        features=(
            "years_experience",
            "education",
            "skills_test",
            "interview_score",
            "referral",
            "womens_club",
            "womens_college",
        ),
        categorical=("education",),
        model="logistic",
    ),
    DemoCase(
        name="retail",
        description="marketing-response model whose score reveals pregnancy",
        data_file="retail.csv",
        target="responded",
        sensitive=("pregnant",),
        features=(
            "age",
            "unscented_lotion",
            "prenatal_vitamins",
            "cotton_balls",
            "zinc_supplements",
            "magnesium_supplements",
            "large_tote_bags",
            "grocery_spend",
            "electronics_spend",
            "visits_per_month",
        ),
        categorical=(),
        model="hist_gradient_boosting",
    ),
    DemoCase(
        name="fair_lending",
        description="control model with no planted harm",
        data_file="fair_lending.csv",
        target="approved",
        sensitive=("gender", "race"),
        features=("income", "debt_ratio", "credit_history_years", "late_payments"),
        categorical=(),
        model="logistic",
    ),
)


def sample_data_path(case: DemoCase) -> Path:
    return resource_dir("sample_data") / case.data_file


def governance_paths(case: DemoCase) -> tuple[Path, Path]:
    """The case's shipped model card and consequence scan, as examples of good documentation."""
    folder = resource_dir("sample_data") / "governance" / case.name
    return folder / "model_card.yaml", folder / "consequences.yaml"


def with_governance_docs(config: ScanConfig, case: DemoCase) -> ScanConfig:
    """``config`` with its docs policy pointing at the case's shipped documents (absolute
    paths, because the docs checks resolve them against the working directory)."""
    card, consequences = governance_paths(case)
    docs = replace(config.policy.docs, model_card=str(card), consequences=str(consequences))
    return replace(config, policy=replace(config.policy, docs=docs))


def build_model(case: DemoCase) -> Pipeline | HistGradientBoostingClassifier:
    if case.model == "hist_gradient_boosting":
        return HistGradientBoostingClassifier(max_iter=60, max_depth=4, random_state=SEED)
    numeric = [f for f in case.features if f not in case.categorical]
    transformers: list[tuple[str, object, list[str]]] = [("numeric", StandardScaler(), numeric)]
    if case.categorical:
        transformers.append(
            ("categorical", OneHotEncoder(handle_unknown="ignore"), list(case.categorical))
        )
    return Pipeline(
        [
            ("prepare", ColumnTransformer(transformers)),
            ("classify", LogisticRegression(max_iter=1000, random_state=SEED)),
        ]
    )


def train_and_save(case: DemoCase, folder: Path) -> Path:
    """Fit the case's model on its sample data and save it as ``folder/<name>.skops``."""
    data = read_table(sample_data_path(case))
    model = build_model(case)
    model.fit(data.loc[:, list(case.features)], data[case.target])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{case.name}.skops"
    sio.dump(model, path)
    return path
