"""JUnit XML: one ``testcase`` per check, so CI test reporters show the audit like tests.

A check that fails the gate (see ``--fail-on``) is a ``failure``, a crashed check an
``error``, a skipped check ``skipped``; warnings below the gate and waived findings are
listed in ``system-out``. Dimension scores, the verdict and the policy hash are suite
properties.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from trustscan.report.text import finding_line
from trustscan.scoring import gate_fails, overall
from trustscan.types import CheckResult, Report, Status

# XML 1.0 forbids most control characters; a column name containing one must not break CI.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _testcase(result: CheckResult, fail_on: str) -> ET.Element:
    case = ET.Element(
        "testcase",
        {
            "classname": f"trustscan.{result.dimension.value}",
            "name": result.check_id,
            "time": f"{result.duration_s:.3f}",
        },
    )
    # Passing findings restate the summary; what a CI log needs is what went wrong.
    details = "\n".join(
        clean(finding_line(f)) for f in result.findings if f.status is not Status.PASS or f.waived
    )
    if result.status is Status.ERROR:
        error = ET.SubElement(
            case, "error", {"message": clean(result.summary), "type": "check crashed"}
        )
        error.text = clean(result.error or result.summary)
    elif result.status is Status.SKIP:
        ET.SubElement(case, "skipped", {"message": clean(result.summary)})
    elif gate_fails(result.status, fail_on):
        failure = ET.SubElement(
            case, "failure", {"message": clean(result.summary), "type": result.status.value}
        )
        failure.text = details or clean(result.summary)
        return case
    if details or result.status is Status.WARN:
        out = ET.SubElement(case, "system-out")
        out.text = f"{result.status.value}: {clean(result.summary)}\n{details}".strip()
    return case


def render(report: Report) -> str:
    results = report.results
    counts = {
        "tests": str(len(results)),
        "failures": str(
            sum(
                1
                for r in results
                if r.status not in (Status.ERROR, Status.SKIP)
                and gate_fails(r.status, report.fail_on)
            )
        ),
        "errors": str(sum(1 for r in results if r.status is Status.ERROR)),
        "skipped": str(sum(1 for r in results if r.status is Status.SKIP)),
        "time": f"{report.duration_s:.3f}",
    }
    suites = ET.Element("testsuites", {"name": "trustscan", **counts})
    suite = ET.SubElement(
        suites, "testsuite", {"name": "trustscan", "timestamp": report.created_at, **counts}
    )
    properties = ET.SubElement(suite, "properties")
    best = overall(report.scores)
    pairs = [
        ("verdict", report.verdict.value),
        ("fail_on", report.fail_on),
        ("policy_sha256", report.policy_sha256),
        ("tool_version", report.tool_version),
        ("data", report.inputs.data_path),
        ("model", report.inputs.model_path or "predictions only"),
        ("overall_grade", f"{best['grade']} ({best['dimension']})" if best["grade"] else "n/a"),
    ]
    for score in report.scores:
        value = "n/a" if score.score is None else f"{score.score:.0f}"
        pairs.append((f"score.{score.dimension.value}", f"{value} (coverage {score.coverage:.0%})"))
    for name, value in pairs:
        ET.SubElement(properties, "property", {"name": name, "value": clean(value)})
    for result in results:
        suite.append(_testcase(result, report.fail_on))
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )
