"""The consequence scan: a structured record of Doteveryone's Consequence Scanning
(what are the intended and unintended consequences; which positive ones to focus on; which
to mitigate), its schema with line-precise errors, and the rules ``docs.consequence_scan``
applies. Pure: ``loading.documents`` reads the file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from trustscan.loading.yaml_docs import (
    Issue,
    compose,
    duplicate_keys,
    is_null,
    is_placeholder,
    line_of,
    mapping_items,
    to_python,
)

IMPACTS = ("positive", "negative")
DISPOSITIONS = ("act", "influence", "monitor")
"""Doteveryone's three responses: act on it, influence others who can, monitor it."""

ENTRY_FIELDS = (
    "id",
    "statement",
    "intended",
    "impact",
    "affected_group",
    "disposition",
    "owner",
    "action",
    "due",
    "checks",
    "review",
)
REQUIRED_ENTRY_FIELDS = ("statement", "intended", "impact", "affected_group")
TOP_LEVEL_FIELDS = ("product", "scanned_on", "participants", "consequences")


@dataclass(frozen=True)
class Consequence:
    """One consequence; fields that failed validation are None (the error says why)."""

    line: int
    id: str | None = None
    statement: str | None = None
    intended: bool | None = None
    impact: str | None = None
    affected_group: str | None = None
    disposition: str | None = None
    owner: str | None = None
    action: str | None = None
    due: dt.date | None = None
    checks: tuple[str, ...] = ()
    review: dt.date | None = None

    @property
    def label(self) -> str:
        return f"{self.id} (line {self.line})" if self.id else f"entry on line {self.line}"

    def covers(self, check_id: str) -> bool:
        return any(check_covers(pattern, check_id) for pattern in self.checks)


@dataclass(frozen=True)
class ConsequenceScan:
    source: str
    consequences: tuple[Consequence, ...] = ()
    errors: tuple[Issue, ...] = ()
    """Schema errors, each with its line."""
    metadata: Mapping[str, Any] = field(default_factory=dict)
    """``product``, ``scanned_on``, ``participants`` when given."""


def check_covers(pattern: str, check_id: str) -> bool:
    """``fairness.selection_rate`` covers itself; ``fairness.`` covers the whole family."""
    return pattern == check_id or (pattern.endswith(".") and check_id.startswith(pattern))


def parse_consequences(text: str, source: str = "consequences.yaml") -> ConsequenceScan:
    root, syntax = compose(text)
    if syntax is not None:
        return ConsequenceScan(source, errors=(syntax,))
    if root is None:
        return ConsequenceScan(source, errors=(Issue(None, "the consequence scan is empty"),))
    errors: list[Issue] = []
    metadata: dict[str, Any] = {}
    entries_node: yaml.Node | None
    if isinstance(root, yaml.SequenceNode):
        entries_node = root
    elif isinstance(root, yaml.MappingNode):
        errors.extend(duplicate_keys(root))
        entries_node = None
        for key, key_node, value_node in mapping_items(root):
            if key == "consequences":
                entries_node = value_node
            elif key in TOP_LEVEL_FIELDS:
                metadata[key] = to_python(value_node)
            else:
                errors.append(
                    Issue(
                        line_of(key_node),
                        f"unknown key {key!r}; allowed: {', '.join(TOP_LEVEL_FIELDS)}",
                    )
                )
        if entries_node is None:
            errors.append(Issue(line_of(root), "missing the 'consequences' list"))
            return ConsequenceScan(source, errors=tuple(errors), metadata=metadata)
    else:
        return ConsequenceScan(
            source,
            errors=(Issue(line_of(root), "expected a mapping with a 'consequences' list"),),
        )
    if not isinstance(entries_node, yaml.SequenceNode):
        if not is_null(entries_node):
            errors.append(Issue(line_of(entries_node), "'consequences' must be a list of entries"))
        return ConsequenceScan(source, errors=tuple(errors), metadata=metadata)

    consequences = []
    for entry in entries_node.value:
        consequence, entry_errors = _parse_entry(entry)
        errors.extend(entry_errors)
        if consequence is not None:
            consequences.append(consequence)
    ids: dict[str, int] = {}
    for c in consequences:
        if c.id is not None:
            if c.id in ids:
                errors.append(Issue(c.line, f"duplicate id {c.id!r} (first on line {ids[c.id]})"))
            ids.setdefault(c.id, c.line)
    return ConsequenceScan(source, tuple(consequences), tuple(errors), metadata)


def _parse_entry(node: yaml.Node) -> tuple[Consequence | None, list[Issue]]:
    line = line_of(node)
    if not isinstance(node, yaml.MappingNode):
        return None, [Issue(line, "each consequence must be a mapping of fields")]
    errors = duplicate_keys(node)
    values: dict[str, Any] = {}
    seen: set[str] = set()
    for key, key_node, value_node in mapping_items(node):
        key_line = line_of(key_node)
        if key not in ENTRY_FIELDS:
            errors.append(
                Issue(key_line, f"unknown field {key!r}; allowed: {', '.join(ENTRY_FIELDS)}")
            )
            continue
        seen.add(key)
        value, problem = _field_value(key, to_python(value_node))
        if problem:
            errors.append(Issue(line_of(value_node), f"{key}: {problem}"))
        else:
            values[key] = value
    for key in REQUIRED_ENTRY_FIELDS:
        if key not in seen:
            errors.append(Issue(line, f"missing required field {key!r}"))
    return Consequence(line=line, **values), errors


def _field_value(key: str, raw: Any) -> tuple[Any, str | None]:
    """Validate one field; returns ``(value, None)`` or ``(None, problem)``."""
    optional = key not in REQUIRED_ENTRY_FIELDS
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None if optional else "must not be empty"
    if key == "intended":
        if not isinstance(raw, bool):
            return None, f"must be true or false, got {raw!r}"
        return raw, None
    if key in ("impact", "disposition"):
        allowed = IMPACTS if key == "impact" else DISPOSITIONS
        text = str(raw).strip().lower()
        if text not in allowed:
            return None, f"{raw!r} is not one of {', '.join(allowed)}"
        return text, None
    if key in ("due", "review"):
        return _date(raw)
    if key == "checks":
        items = [raw] if isinstance(raw, str) else raw
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            return None, "must be a check id or a list of check ids"
        return tuple(i.strip() for i in items if i.strip()), None
    if isinstance(raw, bool | list | dict):
        return None, f"must be text, got {type(raw).__name__}"
    text = str(raw).strip()
    if is_placeholder(text):
        return None, f"{text!r} is a placeholder; write the real {key.replace('_', ' ')}"
    return text, None


def _date(raw: Any) -> tuple[dt.date | None, str | None]:
    if isinstance(raw, dt.datetime):
        return raw.date(), None
    if isinstance(raw, dt.date):
        return raw, None
    if isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw.strip()), None
        except ValueError:
            pass
    return None, f"{raw!r} is not a date (use YYYY-MM-DD)"


# --- rules: each returns the violations, so each becomes its own finding -----------------


def missing_kinds(scan: ConsequenceScan) -> list[str]:
    """``intended`` and/or ``unintended`` when the scan has no consequence of that kind."""
    kinds = {c.intended for c in scan.consequences if c.intended is not None}
    return [name for flag, name in ((True, "intended"), (False, "unintended")) if flag not in kinds]


def negative_without_disposition(scan: ConsequenceScan) -> list[Consequence]:
    return [c for c in scan.consequences if c.impact == "negative" and c.disposition is None]


def act_problems(scan: ConsequenceScan, today: dt.date) -> list[tuple[Consequence, str]]:
    """Each *act* needs an owner and a due date that has not passed."""
    problems = []
    for c in scan.consequences:
        if c.disposition != "act":
            continue
        lacking = [name for name, value in (("owner", c.owner), ("due date", c.due)) if not value]
        if lacking:
            problems.append((c, f"has no {' and no '.join(lacking)}"))
        elif c.due is not None and c.due < today:
            problems.append((c, f"was due on {c.due.isoformat()} and is overdue"))
    return problems


def monitor_without_checks(scan: ConsequenceScan) -> list[Consequence]:
    return [c for c in scan.consequences if c.disposition == "monitor" and not c.checks]


def unknown_check_links(
    scan: ConsequenceScan, known_ids: Iterable[str]
) -> list[tuple[Consequence, str]]:
    """Linked check ids (or family prefixes) that name no check: probably typos."""
    known = tuple(known_ids)
    return [
        (c, pattern)
        for c in scan.consequences
        for pattern in c.checks
        if not any(check_covers(pattern, k) for k in known)
    ]


def review_overdue(scan: ConsequenceScan, today: dt.date) -> list[Consequence]:
    return [c for c in scan.consequences if c.review is not None and c.review < today]


def uncovered(
    scan: ConsequenceScan | None, failed: Sequence[tuple[str, str | None]]
) -> list[tuple[str, str | None]]:
    """The ``(check_id, subject)`` fails no consequence links to."""
    entries = scan.consequences if scan is not None else ()
    return [
        (check, subject) for check, subject in failed if not any(c.covers(check) for c in entries)
    ]


def suggest_entries(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Draft consequence entries from a JSON report's warn/fail findings, for people to edit.

    One entry per (check, subject); the owner and due date stay placeholders on purpose, so
    ``docs.consequence_scan`` flags them until someone takes responsibility.
    """
    drafts: list[dict[str, Any]] = []
    seen: set[tuple[str, str | None]] = set()
    for result in report.get("results", []):
        check_id = str(result.get("check_id", ""))
        if check_id.startswith("docs."):
            continue  # missing documentation is not a consequence of the model
        findings = [
            f for f in result.get("findings", []) if f.get("status") in ("fail", "warn")
        ] or ([result] if result.get("status") in ("fail", "warn") else [])
        for finding in findings:
            subject = finding.get("subject")
            if (check_id, subject) in seen:
                continue
            seen.add((check_id, subject))
            failed = finding.get("status") == "fail"
            draft: dict[str, Any] = {
                "id": f"C{len(drafts) + 1}",
                "statement": str(finding.get("message") or finding.get("summary") or ""),
                "intended": False,
                "impact": "negative",
                "affected_group": str(subject) if subject else "TBD: who is affected?",
                "disposition": "act" if failed else "monitor",
                "owner": "TBD",
                "action": str(finding.get("remediation") or "TBD"),
                "due": "TBD",
                "checks": [check_id],
                "review": "TBD",
            }
            if not failed:
                del draft["due"]  # only an "act" needs a due date
            drafts.append(draft)
    return drafts
