"""JSON output: the versioned, schema-validated machine report."""

from __future__ import annotations

import dataclasses
import enum
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from trustscan.report_versions import upgrade_result, verdict_status
from trustscan.scoring import gate_fails, overall
from trustscan.typed_mapping import dataclass_from_mapping
from trustscan.types import Report, Severity

SCHEMA_VERSION = "3.0"
"""Version of the JSON report this trustscan writes. 3.0: each result's ``scoring`` object
(``score_input``, ``insufficient_evidence``, ``evidence_coverage``) replaces those keys in
its ``metrics``. 2.0: ``verdict`` is an object (status, gate, incomplete, headline) instead
of the status alone."""


def to_jsonable(value: Any) -> Any:
    """Plain JSON types for any report value; NaN and infinities become null."""
    if isinstance(value, Severity):
        return value.label
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


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
    return dataclass_from_mapping(Report, stored, "report")


def render(report: Report) -> str:
    return json.dumps(report_to_dict(report), indent=2, ensure_ascii=False) + "\n"
