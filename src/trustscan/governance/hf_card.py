"""A Hugging Face model card (``README.md`` of a model repository) from an audit report.

YAML front matter with a ``model-index`` holding the report's performance metrics, the worst
group's ratio for each fairness metric and sensitive attribute, and the six trust scores;
then the card sections of Hugging Face's template, filled from the project's
``model_card.yaml`` (Mitchell et al. sections) when one is given, and the audit's results.
Pure: the report and the card come in as parsed mappings, the text goes out.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

import yaml

from trustscan.checks.fairness.measured import FairnessRates
from trustscan.checks.performance.measured import Overall
from trustscan.report.markdown import escape
from trustscan.report_versions import verdict_status

FAIRNESS_CHECKS = ("fairness.selection_rate", "fairness.error_rates")
NOT_DOCUMENTED = "_Not documented: add this section to model_card.yaml (`trustscan init`)._"


def render(
    report: Mapping[str, Any],
    *,
    model_card: Mapping[str, Any] | None = None,
    name: str | None = None,
) -> str:
    """The model card text: ``---`` front matter ``---`` then Markdown sections."""
    card = model_card or {}
    title = _plain(name or _card_name(card) or _model_name(report))
    front = {
        "tags": [_task(report), "fairness", "trustscan"],
        "model-index": [{"name": title, "results": [_result(report)]}],
    }
    if _is_sklearn(report):
        front = {"library_name": "sklearn", **front}
    matter = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=100)
    return f"---\n{matter}---\n\n{_body(report, card, title)}"


def _result(report: Mapping[str, Any]) -> dict[str, Any]:
    data = _basename(report["inputs"]["data_path"])
    return {
        "task": {"type": _task(report), "name": _task(report).replace("-", " ").capitalize()},
        "dataset": {"type": data, "name": data, "split": "audit"},
        "metrics": [*_performance(report), *_fairness(report), *_trust_scores(report)],
    }


def _performance(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    measured = Overall.from_metrics(_metrics(report, "performance.overall"))
    confidence = measured.confidence
    rows = []
    for row in measured.estimates:
        if row.estimate is None:
            continue
        label = str(row.label or row.metric)
        label = label[:1].upper() + label[1:]
        if row.ci_low is not None and row.ci_high is not None and confidence:
            label += f" ({confidence:.0%} CI {_number(row.ci_low)} to {_number(row.ci_high)})"
        rows.append({"type": str(row.metric), "value": _number(row.estimate), "name": label})
    return rows


def _fairness(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for check_id in FAIRNESS_CHECKS:
        for worst in worst_groups(_metrics(report, check_id)):
            rows.append(
                {
                    "type": f"{worst['metric']}_ratio",
                    "value": _number(worst["ratio"]),
                    "name": _plain(
                        f"{_words(worst['metric'])} ratio, {worst['feature']}: "
                        f"{worst['group']} vs {worst['reference']} (worst group)"
                    ),
                }
            )
    return rows


def worst_groups(metrics: Mapping[str, Any]) -> list[dict[str, Any]]:
    """For each compared metric and sensitive attribute, the gated group with the lowest
    ratio to its reference group (groups too small to judge are left out, as in the gate)."""
    measured = FairnessRates.from_metrics(metrics)
    out: list[dict[str, Any]] = []
    for metric in measured.compared:
        by_feature: dict[str, dict[str, Any]] = {}
        for row in measured.groups:
            rate = row.rate(metric)
            if not row.gated or rate.ratio is None:
                continue
            feature = str(row.grouping)
            best = by_feature.get(feature)
            if best is None or rate.ratio < best["ratio"]:
                by_feature[feature] = {
                    "metric": metric,
                    "feature": feature,
                    "group": row.group,
                    "reference": rate.reference or "reference",
                    "ratio": rate.ratio,
                    "status": rate.status,
                }
        out.extend(by_feature[f] for f in sorted(by_feature))
    return out


def _trust_scores(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "type": f"trustscan_{score['dimension']}",
            "value": score["score"],
            "name": f"Trust score: {score['dimension']} (0-100, coverage {score['coverage']:.0%})",
        }
        for score in report.get("scores") or []
        if score.get("score") is not None
    ]


def _body(report: Mapping[str, Any], card: Mapping[str, Any], title: str) -> str:
    details = _section(card, "model_details")
    intended = _section(card, "intended_use")
    lines = [f"# {title}", ""]
    lines += [_prose(details.get("description")) or NOT_DOCUMENTED, ""]
    lines += ["## Model Details", ""]
    facts = [
        (label, details.get(key))
        for label, key in (
            ("Version", "version"),
            ("Date", "date"),
            ("Model type", "type"),
            ("Owner", "owner"),
            ("Developed by", "authors"),
            ("Contact", "contact"),
            ("License", "licence"),
        )
    ]
    documented = [(label, value) for label, value in facts if value not in (None, "", [])]
    lines += [f"- **{label}:** {_inline(value)}" for label, value in documented] or [NOT_DOCUMENTED]
    lines += ["", "## Uses", "", "### Direct Use", ""]
    lines += [_prose(intended.get("primary_uses")) or NOT_DOCUMENTED, ""]
    if intended.get("primary_users"):
        lines += [f"Primary users: {_inline(intended['primary_users'])}", ""]
    lines += [
        "### Out-of-Scope Use",
        "",
        _prose(intended.get("out_of_scope_uses")) or NOT_DOCUMENTED,
    ]
    lines += ["", "## Bias, Risks, and Limitations", ""]
    lines += _limitations(report, card)
    lines += ["", "## Training Details", "", "### Training Data", ""]
    lines += [_prose(card.get("training_data")) or NOT_DOCUMENTED]
    lines += ["", "## Evaluation", "", "### Testing Data, Factors & Metrics", ""]
    lines += _testing(report, card)
    lines += ["", "### Results", ""]
    lines += _results(report)
    lines += ["", "## Trust audit", ""]
    lines += _audit(report)
    return "\n".join(lines).rstrip() + "\n"


def _limitations(report: Mapping[str, Any], card: Mapping[str, Any]) -> list[str]:
    lines = []
    ethics = _prose(card.get("ethical_considerations"))
    caveats = _prose(card.get("caveats_and_recommendations"))
    if ethics:
        lines += [ethics, ""]
    if caveats:
        lines += [caveats, ""]
    if not ethics and not caveats:
        lines += [NOT_DOCUMENTED, ""]
    failing = [
        finding
        for result in report.get("results") or []
        for finding in result.get("findings") or []
        if finding.get("status") in ("fail", "warn") and not finding.get("waived")
    ]
    if failing:
        lines += ["What the audit found (failing and warning findings, worst first):", ""]
        order = {"fail": 0, "warn": 1}
        for finding in sorted(failing, key=lambda f: order[f["status"]])[:10]:
            lines.append(
                f"- **{finding['status']}** `{escape(finding['check_id'])}`: "
                f"{escape(finding.get('message') or finding.get('title') or '')}"
            )
        if len(failing) > 10:
            lines.append(f"- … and {len(failing) - 10} more in the full report.")
    else:
        lines.append("The audit raised no failing or warning finding.")
    return lines


def _testing(report: Mapping[str, Any], card: Mapping[str, Any]) -> list[str]:
    inputs = report["inputs"]
    sensitive = ", ".join(escape(s) for s in inputs.get("sensitive") or []) or "none"
    lines = [
        f"Audited on {escape(_basename(inputs['data_path']))} ({inputs['n_rows']:,} rows; "
        f"target {escape(str(inputs.get('target') or 'none'))}; sensitive attributes: "
        f"{sensitive}).",
        "",
    ]
    for label, key in (
        ("Evaluation data", "evaluation_data"),
        ("Factors", "factors"),
        ("Metrics", "metrics"),
    ):
        text = _prose(card.get(key))
        if text:
            lines += [f"**{label}.** {text}", ""]
    return lines


def _results(report: Mapping[str, Any]) -> list[str]:
    lines = []
    performance = _performance(report)
    if performance:
        lines += ["| Metric | Value |", "| --- | ---: |"]
        lines += [f"| {escape(m['name'])} | {m['value']} |" for m in performance]
        lines.append("")
    rows = [
        worst for check_id in FAIRNESS_CHECKS for worst in worst_groups(_metrics(report, check_id))
    ]
    if rows:
        lines += [
            "Fairness: for each attribute, the group with the lowest ratio to its reference "
            "group (1.0 = parity; the four-fifths rule asks for at least 0.8).",
            "",
            "| Metric | Attribute | Group | Reference | Ratio | Status |",
            "| --- | --- | --- | --- | ---: | --- |",
        ]
        lines += [
            f"| {escape(_words(r['metric']))} | {escape(r['feature'])} | {escape(r['group'])} | "
            f"{escape(r['reference'])} | {_number(r['ratio'])} | {escape(str(r['status']))} |"
            for r in rows
        ]
        lines.append("")
    scores = _trust_scores(report)
    if scores:
        lines += ["| Trust dimension | Score (0-100) |", "| --- | ---: |"]
        lines += [
            f"| {m['type'].removeprefix('trustscan_')} | {_number(m['value'])} |" for m in scores
        ]
    return lines or ["_The report holds no performance or fairness results._"]


def _audit(report: Mapping[str, Any]) -> list[str]:
    return [
        f"Audited with trustscan {escape(str(report.get('tool_version')))} on "
        f"{escape(str(report.get('created_at')))}: verdict **{escape(str(verdict_status(report)))}** "
        f"(gate fails on `{escape(str(report.get('fail_on')))}`), policy SHA-256 "
        f"`{escape(str(report.get('policy_sha256', ''))[:12])}`, seed {report.get('seed')}.",
        "The numbers above are copied from that report; its HTML version shows the evidence, "
        "confidence intervals and method for each.",
    ]


def _metrics(report: Mapping[str, Any], check_id: str) -> Mapping[str, Any]:
    for result in report.get("results") or []:
        if result.get("check_id") == check_id and isinstance(result.get("metrics"), Mapping):
            metrics: Mapping[str, Any] = result["metrics"]
            return metrics
    return {}


def _section(card: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = card.get(key)
    return value if isinstance(value, Mapping) else {}


def _prose(value: Any) -> str:
    """A card value as Markdown: text as written, lists as bullets, tables as labelled lines."""
    if value is None or value == "":
        return ""
    if isinstance(value, Mapping):
        parts = [
            f"**{_words(str(k))}:** {_inline(v)}"
            for k, v in value.items()
            if v not in (None, "", [])
        ]
        return "\n\n".join(parts)
    if isinstance(value, list):
        return "\n".join(f"- {_inline(item)}" for item in value)
    return str(value).strip()


def _inline(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(_inline(v) for v in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_inline(v)}" for k, v in value.items())
    return " ".join(str(value).split())


def _words(key: str) -> str:
    text = key.replace("_", " ")
    return text[:1].upper() + text[1:]


def _number(value: Any) -> Any:
    return round(float(value), 4) if isinstance(value, int | float) else value


def _task(report: Mapping[str, Any]) -> str:
    regression = report["inputs"].get("task") == "regression"
    return "tabular-regression" if regression else "tabular-classification"


def _card_name(card: Mapping[str, Any]) -> str | None:
    value = _section(card, "model_details").get("name")
    return str(value) if value else None


def _model_name(report: Mapping[str, Any]) -> str:
    model = report["inputs"].get("model_path")
    if not model:
        return "Model audited from its logged decisions"
    return PurePath(str(model)).stem.strip("<>") or str(model)


def _basename(path: str) -> str:
    return (PurePath(str(path)).name or str(path)).strip("<>")


def _plain(text: str) -> str:
    """Front-matter text from the data (group labels), with no markup: the Hub shows these
    names in its own widgets, so angle brackets become look-alike quotes."""
    return " ".join(text.split()).replace("<", "‹").replace(">", "›")


def _is_sklearn(report: Mapping[str, Any]) -> bool:
    model = str(report["inputs"].get("model_path") or "")
    return model.lower().endswith((".skops", ".joblib", ".pkl", ".pickle"))


__all__ = ["render", "worst_groups"]
