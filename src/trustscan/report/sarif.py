"""SARIF 2.1.0: one result per finding, so code-scanning UIs (GitHub, Azure DevOps) show them.

Each check is a rule; each finding a result located at the audited model file (the data file
in predictions-only mode). Failing and warning results carry ``level`` error / warning, passing
findings ``kind: pass``; a waived finding is a result with an ``external`` suppression whose
justification is the waiver's reason. A crashed check is a tool execution notification.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from trustscan.serialize import to_jsonable
from trustscan.types import CheckResult, Finding, Report, Status

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

_LEVEL = {Status.FAIL: "error", Status.WARN: "warning", Status.PASS: "none"}
_KIND = {Status.FAIL: "fail", Status.WARN: "review", Status.PASS: "pass"}


def artifact_uri(path: str, root: Path | None = None) -> str:
    """A URI relative to ``root`` (default: the working directory, normally the repository
    root in CI) when the file lies inside it, else an absolute ``file://`` URI."""
    candidate = Path(path)
    if not candidate.is_absolute():
        return quote(PurePosixPath(*candidate.parts).as_posix(), safe="/")
    base = root if root is not None else Path.cwd()
    try:
        return quote(candidate.relative_to(base).as_posix(), safe="/")
    except ValueError:
        return candidate.as_uri()


def _fingerprint(result: CheckResult, finding: Finding | None) -> str:
    """Stable across runs, so a code-scanning alert tracks the same finding over time."""
    key = "|".join(
        [
            result.check_id,
            (finding.subject or "") if finding else "",
            finding.title if finding else "",
        ]
    )
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _result(
    result: CheckResult, finding: Finding | None, rule_index: int, location: dict[str, Any]
) -> dict[str, Any]:
    status = finding.status if finding else result.status
    message = finding.message if finding else result.summary
    if finding and finding.remediation:
        message = f"{message} Fix: {finding.remediation}"
    out: dict[str, Any] = {
        "ruleId": result.check_id,
        "ruleIndex": rule_index,
        "kind": _KIND.get(status, "informational"),
        "level": _LEVEL.get(status, "note"),
        "message": {"text": message},
        "locations": [location],
        "partialFingerprints": {"trustscanFinding/v1": _fingerprint(result, finding)},
        "properties": {
            "status": status.value,
            "dimension": result.dimension.value,
            "severity": (finding.severity if finding else result.severity).label,
            "subject": finding.subject if finding else None,
            "evidence": to_jsonable(finding.evidence) if finding else [],
        },
    }
    if finding and finding.waived:
        out["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": finding.waiver_reason or "waived by policy",
            }
        ]
    return out


def to_sarif(report: Report, root: Path | None = None) -> dict[str, Any]:
    """The SARIF log as a dict (``render`` serialises it)."""
    audited = report.inputs.model_path or report.inputs.data_path
    location = {
        "physicalLocation": {
            "artifactLocation": {"uri": artifact_uri(audited, root)},
            "region": {"startLine": 1},
        }
    }
    rules: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for index, result in enumerate(report.results):
        rules.append(
            {
                "id": result.check_id,
                "name": result.title,
                "shortDescription": {"text": result.title},
                "fullDescription": {
                    "text": f"{result.title} ({result.dimension.value} trust dimension)."
                },
                "help": {"text": f"Run `trustscan explain {result.check_id}`."},
                "defaultConfiguration": {"level": "error"},
                "properties": {
                    "tags": ["ai-trust", result.dimension.value],
                    "dimension": result.dimension.value,
                },
            }
        )
        if result.status is Status.ERROR:
            notifications.append(
                {
                    "level": "error",
                    "message": {"text": result.error or result.summary},
                    "descriptor": {"id": result.check_id, "index": index},
                }
            )
            continue
        if result.findings:
            results.extend(_result(result, f, index, location) for f in result.findings)
        elif result.status in (Status.WARN, Status.FAIL):
            results.append(_result(result, None, index, location))
    invocation: dict[str, Any] = {
        "executionSuccessful": not notifications,
        "toolExecutionNotifications": notifications,
    }
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "trustscan",
                        "version": report.tool_version,
                        "rules": rules,
                    }
                },
                "automationDetails": {"id": f"trustscan/{Path(audited).name}/"},
                "invocations": [invocation],
                "results": results,
                "properties": {
                    "verdict": report.verdict.value,
                    "failOn": report.fail_on,
                    "policySha256": report.policy_sha256,
                    "scores": {
                        s.dimension.value: {"score": s.score, "coverage": s.coverage}
                        for s in report.scores
                    },
                },
            }
        ],
    }


def render(report: Report) -> str:
    return json.dumps(to_sarif(report), indent=2, ensure_ascii=False) + "\n"
