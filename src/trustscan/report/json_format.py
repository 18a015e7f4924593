"""JSON output: the versioned, schema-validated machine report."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

from trustscan.checks import registry
from trustscan.report_versions import upgrade_result, verdict_status
from trustscan.scoring import gate_fails, overall
from trustscan.serialize import to_jsonable
from trustscan.typed_mapping import dataclass_from_mapping
from trustscan.types import RESULT_KEYS, CheckResult, Report

SCHEMA_VERSION = "3.0"
"""Version of the JSON report this trustscan writes. 3.0: each result's ``scoring`` object
(``score_input``, ``insufficient_evidence``, ``evidence_coverage``) replaces those keys in
its ``metrics``. 2.0: ``verdict`` is an object (status, gate, incomplete, headline) instead
of the status alone."""


def report_to_dict(report: Report) -> dict[str, Any]:
    data: dict[str, Any] = to_jsonable(report)
    # The overall grade, the headline and the gate are derived, so they are added here.
    data["schema_version"] = SCHEMA_VERSION  # the layout written here, whatever was read
    data["overall"] = overall(report.scores)
    data["verdict"] = {
        "status": report.verdict.value,
        "gate": "fail" if gate_fails(report.verdict, report.fail_on) else "pass",
        "incomplete": list(report.incomplete),
        "headline": to_jsonable(report.headline),
    }
    return data


def report_from_dict(data: Mapping[str, Any]) -> Report:
    """The ``Report`` a JSON report was rendered from (the derived ``overall`` block and the
    verdict's headline are recomputed, not read), so any format can be rendered again later."""
    stored = {key: value for key, value in data.items() if key != "overall"}
    stored["verdict"] = verdict_status(data)
    if isinstance(data.get("results"), list):
        stored["results"] = [
            upgrade_result(r) if isinstance(r, Mapping) else r for r in data["results"]
        ]
    report = dataclass_from_mapping(Report, stored, "report")
    return dataclasses.replace(report, results=tuple(_typed(r) for r in report.results))


def _typed(result: CheckResult) -> CheckResult:
    """``result`` with its typed result read back from its ``metrics``, when its check
    declares one (``CheckSpec.measured``)."""
    spec = registry.spec_by_id(result.check_id)
    if spec is None or spec.measured is None or not result.metrics:
        return result
    stored = {k: v for k, v in result.metrics.items() if k not in RESULT_KEYS}
    return dataclasses.replace(result, measured=spec.measured.from_metrics(stored))


def render(report: Report) -> str:
    return json.dumps(report_to_dict(report), indent=2, ensure_ascii=False) + "\n"
