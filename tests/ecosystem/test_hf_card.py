"""``trustscan card --format huggingface``: a model card that huggingface_hub parses offline,
holding the report's numbers."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import trustscan
from trustscan.cli import main
from trustscan.governance import hf_card
from trustscan.report import OutputFormat
from trustscan.resources import resource_dir

from .conftest import FAST_POLICY, Fitted

huggingface_hub = pytest.importorskip("huggingface_hub")
RECRUITING_CARD = resource_dir("sample_data") / "governance" / "recruiting" / "model_card.yaml"


@pytest.fixture(scope="module")
def report_json(recruiting: Fitted, tmp_path_factory: pytest.TempPathFactory) -> Path:
    report = trustscan.audit(
        model=recruiting.model,
        data=recruiting.data,
        target=recruiting.target,
        sensitive=list(recruiting.sensitive),
        policy=FAST_POLICY,
    )
    written: dict[OutputFormat, Path] = trustscan.write(
        report, tmp_path_factory.mktemp("card"), formats=["json"]
    )
    return written[OutputFormat.JSON]


def metric(card: Any, metric_type: str, contains: str = "") -> float:
    values = [
        e.metric_value
        for e in card.data.eval_results
        if e.metric_type == metric_type and contains in (e.metric_name or "")
    ]
    assert len(values) == 1, (metric_type, contains, values)
    return float(values[0])


def test_card_cli_writes_a_card_huggingface_hub_parses(
    report_json: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main,
        [
            *("card", "--report", str(report_json), "--format", "huggingface"),
            *("--model-card", str(RECRUITING_CARD), "--out", "README.md"),
        ],
    )
    assert result.exit_code == 0, result.output
    card = huggingface_hub.ModelCard.load(tmp_path / "README.md")  # a local file: no network
    report = json.loads(report_json.read_text())
    overall = next(r for r in report["results"] if r["check_id"] == "performance.overall")
    accuracy = next(m for m in overall["metrics"]["metrics"] if m["metric"] == "accuracy")
    assert metric(card, "accuracy") == round(accuracy["estimate"], 4)

    # Known answer: the recruiting model selects women at well under 0.8 of men's rate.
    selection = next(r for r in report["results"] if r["check_id"] == "fairness.selection_rate")
    women = [
        g["selection_rate_ratio"]
        for g in selection["metrics"]["groups"]
        if g["feature"] == "gender" and g["gated"] and g["selection_rate_ratio"] is not None
    ]
    gender_ratio = metric(card, "selection_rate_ratio", "gender:")
    assert gender_ratio == round(min(women), 4) and gender_ratio < 0.8
    ethics = next(s["score"] for s in report["scores"] if s["dimension"] == "ethics")
    assert metric(card, "trustscan_ethics") == ethics

    text = (tmp_path / "README.md").read_text()
    assert card.data.model_name in text.split("---", 2)[2]  # the title heading
    for heading in ("## Model Details", "## Uses", "## Bias, Risks, and Limitations",
                    "## Evaluation", "### Results", "## Trust audit"):  # fmt: skip
        assert heading in text
    assert hf_card.NOT_DOCUMENTED not in text  # every section came from the model card
    assert "fairness.selection\\_rate" in text  # the failing finding, escaped for Markdown


def test_card_without_a_model_card_says_what_is_missing(report_json: Path) -> None:
    result = CliRunner().invoke(main, ["card", "--report", str(report_json)])
    assert result.exit_code == 0, result.output
    card = huggingface_hub.ModelCard(result.output)
    assert card.data.model_name == "Pipeline"
    assert hf_card.NOT_DOCUMENTED in result.output


def test_card_escapes_group_labels_from_the_data() -> None:
    evil = "<script>alert(1)</script>|x"
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"g": rng.choice([f"a{evil}", "b"], 400), "x": rng.normal(size=400)})
    frame["decision"] = rng.binomial(1, 0.5, 400)
    frame["y"] = rng.binomial(1, 0.5, 400)
    report = trustscan.audit(
        data=frame, predictions="decision", target="y", sensitive="g", policy=FAST_POLICY
    )
    text = hf_card.render(json.loads(trustscan.render(report, "json")))
    assert "<script" not in text
    huggingface_hub.ModelCard(text)  # still parses


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda d: d / "missing.json", "report not found"),
        (lambda d: (d / "r.html").write_text("<html>") and d / "r.html", "not valid JSON"),
    ],
)
def test_card_bad_report_exits_2_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setup: Any, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    path = setup(tmp_path)
    result = CliRunner().invoke(main, ["card", "--report", str(path), "--out", "README.md"])
    assert result.exit_code == 2 and message in result.output, result.output
    assert not (tmp_path / "README.md").exists()


def test_card_bad_model_card_exits_2_naming_the_line(
    report_json: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "model_card.yaml").write_text("model_details:\n  name: [unclosed\n")
    result = CliRunner().invoke(
        main,
        ["card", "--report", str(report_json), "--model-card", "model_card.yaml", "--out", "R.md"],
    )
    assert result.exit_code == 2 and "not valid YAML (line" in result.output, result.output
    assert not (tmp_path / "R.md").exists()


def test_readme_card_command_runs(
    report_json: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    (line,) = [b for b in re.findall(r"```bash\n(.*?)```", text, re.S) if "trustscan card" in b]
    args = shlex.split(line)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "audit").mkdir()
    (tmp_path / "audit" / "report.json").write_bytes(report_json.read_bytes())
    (tmp_path / "model_card.yaml").write_bytes(RECRUITING_CARD.read_bytes())
    result = CliRunner().invoke(main, args[1:])
    assert result.exit_code == 0, result.output
    assert huggingface_hub.ModelCard.load(tmp_path / "README.md").data.eval_results
