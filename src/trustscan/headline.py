"""The report's headline: the one finding every output leads with.

The rule (this text is also the reference in ``docs/checks.md``):

1. **Candidates** are the findings that fail the gate: status ``fail`` and not waived. Fairness
   checks fail only on significant, robust gaps, so a failing fairness finding is a
   significant, robust harm. When nothing fails, the warnings are candidates and the headline
   says it is not conclusive; when nothing warns either there is no headline.
2. **Scope first.** A finding about a group of one declared sensitive attribute
   (``gender = female``, or the attribute itself) leads over one about an intersection
   (``gender × race = female × asian``), which leads over anything else (a feature, the
   model, the data).
3. **Then severity** (critical first), **then the trust dimension** (ethics first, in the
   order of :class:`~trustscan.types.Dimension`), **then the size of the harm**: for a ratio
   (``*_ratio`` evidence) how far it is below parity, ``1 - ratio``; otherwise how far the
   estimate is beyond its threshold, relative to the threshold.
4. **Ties** keep the registry order of the checks and each check's order of findings.

The headline's sentence is the finding's first sentence, which states the number and its
interval; terminal, Markdown, HTML and JSON (``verdict.headline``) all print this one object.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from trustscan.types import Dimension, Evidence, Finding, Status

if TYPE_CHECKING:
    from trustscan.types import CheckResult

SCOPES = ("attribute", "intersection", "other")
"""Headline scopes, in the order they lead."""

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_DIMENSIONS = tuple(Dimension)


@dataclass(frozen=True)
class Headline:
    """The finding the report leads with."""

    check_id: str
    status: Status
    """``fail`` (a significant, robust harm) or ``warn`` (the main concern, not conclusive)."""
    scope: str
    """``attribute``, ``intersection`` or ``other`` (see :data:`SCOPES`)."""
    subject: str | None
    title: str
    sentence: str
    """One sentence with the number and its interval."""
    metric: str | None = None
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    confidence: float | None = None
    p_value: float | None = None


def first_sentence(message: str) -> str:
    """The message up to its first full stop followed by a capital (decimals and 'p = 0.03'
    do not end a sentence)."""
    return _SENTENCE_END.split(message.strip(), maxsplit=1)[0]


def scope(subject: str | None, sensitive: tuple[str, ...]) -> str:
    """Which scope a finding's subject belongs to (rule 2)."""
    if not subject:
        return "other"
    name = subject.split(" = ", 1)[0].strip()
    if " × " in name and all(part in sensitive for part in name.split(" × ")):
        return "intersection"
    return "attribute" if name in sensitive else "other"


def _harm(evidence: tuple[Evidence, ...]) -> float:
    """Size of the harm from the finding's first evidence (rule 3); 0 when unknown."""
    if not evidence or evidence[0].estimate is None or not math.isfinite(evidence[0].estimate):
        return 0.0
    first = evidence[0]
    estimate = float(first.estimate)  # type: ignore[arg-type]
    if first.metric.endswith("_ratio"):
        return 1.0 - min(estimate, 1.0 / estimate) if estimate > 0 else 1.0
    if first.threshold:
        return abs(estimate - first.threshold) / abs(first.threshold)
    return abs(estimate)


def select(results: tuple[CheckResult, ...], sensitive: tuple[str, ...]) -> Headline | None:
    """The headline of a report's results (the module docstring is the rule)."""
    for status in (Status.FAIL, Status.WARN):
        ranked: list[tuple[tuple[float, ...], CheckResult, Finding]] = []
        for order, result in enumerate(results):
            for index, finding in enumerate(result.findings):
                if finding.status is not status or finding.waived:
                    continue
                key = (
                    SCOPES.index(scope(finding.subject, sensitive)),
                    -int(finding.severity),
                    _DIMENSIONS.index(result.dimension),
                    -_harm(finding.evidence),
                    order,
                    index,
                )
                ranked.append((key, result, finding))
        if ranked:
            _, result, finding = min(ranked, key=lambda item: item[0])
            return _headline(result, finding, sensitive)
    return None


def _headline(result: CheckResult, finding: Finding, sensitive: tuple[str, ...]) -> Headline:
    first = finding.evidence[0] if finding.evidence else None
    return Headline(
        check_id=result.check_id,
        status=finding.status,
        scope=scope(finding.subject, sensitive),
        subject=finding.subject,
        title=finding.title,
        sentence=first_sentence(finding.message),
        metric=first.metric if first else None,
        estimate=first.estimate if first else None,
        ci_low=first.ci_low if first else None,
        ci_high=first.ci_high if first else None,
        confidence=first.confidence if first else None,
        p_value=first.p_value if first else None,
    )


def lead_in(headline: Headline | None) -> str:
    """How every format introduces the headline: one line, the same words everywhere."""
    if headline is None:
        return "No finding fails or warns."
    if headline.status is Status.FAIL:
        return f"Main finding: {headline.sentence}"
    return f"Main concern (not conclusive): {headline.sentence}"
