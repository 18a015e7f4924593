"""Traceability and the consequence scan: their sections show the details (hashes, the
environment, the ledger head; the recorded consequences and what they leave uncovered), built
from the checks' typed results."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trustscan.checks.documentation.measured import ConsequenceScanResult
from trustscan.checks.traceability.measured import Provenance
from trustscan.report.formatting import flatten, fmt, humanize, key_value_table, table
from trustscan.report.html.extras import (
    Extras,
    RenderContext,
)
from trustscan.types import CheckResult, Report, measured_as

DISPOSITIONS = ("act", "influence", "monitor")
_CONSEQUENCE_COLUMNS = (
    "id",
    "statement",
    "intended",
    "impact",
    "affected_group",
    "owner",
    "action",
    "due",
    "checks",
    "review",
)


def render_provenance(result: CheckResult, ctx: RenderContext) -> Extras:
    """The traceability section already shows hashes and the environment."""
    return Extras(consumed={"sha256", "files", "versions", "platform", "command_line"})


def render_consequence_scan(result: CheckResult, ctx: RenderContext) -> Extras:
    """The Consequence Scan section already shows the entries and the uncovered findings."""
    return Extras(consumed={"uncovered", "consequences"})


def traceability_view(report: Report) -> dict[str, Any]:
    result = report.result("trace.provenance")
    provenance = (
        measured_as(result, Provenance) if result is not None else Provenance.from_metrics({})
    )
    hash_rows = [
        {
            "artifact": name,
            "file": provenance.files.get(name)
            or ("policy in effect" if name == "policy" else None),
            "sha256": digest or "not recorded",
        }
        for name, digest in provenance.sha256.items()
    ]
    if not any(r["artifact"] == "policy" for r in hash_rows):
        hash_rows.append(
            {"artifact": "policy", "file": "policy in effect", "sha256": report.policy_sha256}
        )
    environment = [(f"{name}", value) for name, value in provenance.versions.items()]
    environment += [(humanize(name), value) for name, value in provenance.platform.items()]
    if provenance.git is not None:
        environment += [(f"git {k}", v) for k, v in provenance.git.items()]
    if provenance.command_line is not None:
        environment.append(("command line", " ".join(provenance.command_line)))
    prov = report.provenance or {}
    ledger_head = prov.get("ledger_head") if isinstance(prov, Mapping) else None
    signoffs = prov.get("signoffs") if isinstance(prov, Mapping) else None
    return {
        "hashes": table(
            "Artifact hashes (verify with sha256sum)",
            hash_rows,
            ["artifact", "file", "sha256"],
            headers={"sha256": "SHA-256"},
            mono=("sha256",),
        )
        if hash_rows
        else None,
        "environment": key_value_table("Software environment", environment)
        if environment
        else None,
        "ledger": key_value_table("Audit ledger head", flatten(ledger_head))
        if isinstance(ledger_head, Mapping) and ledger_head
        else None,
        "signoffs": table("Sign-offs", signoffs)
        if isinstance(signoffs, list) and signoffs
        else None,
        "provenance_missing": result is None,
    }


def consequence_view(report: Report) -> dict[str, Any]:
    result = report.result("docs.consequence_scan")
    scan = (
        measured_as(result, ConsequenceScanResult)
        if result is not None
        else ConsequenceScanResult.from_metrics({})
    )
    entries = scan.consequences
    groups = []
    for disposition in (*DISPOSITIONS, None):
        members = [e for e in entries if (e.disposition or None) == disposition]
        if not members:
            continue
        columns = [c for c in _CONSEQUENCE_COLUMNS if any(e.stored(c) for e in members)]
        groups.append(
            {
                "title": disposition.capitalize() if disposition else "No disposition",
                "table": table(
                    f"{disposition.capitalize() if disposition else 'Undecided'}: "
                    f"{len(members)} consequence(s)",
                    [e.to_row() for e in members],
                    columns,
                ),
            }
        )
    counts = [(humanize(k), v) for k, v in scan.counts.items()]
    return {
        "groups": groups,
        "entries_recorded": bool(entries),
        "entries_elsewhere": (
            f"{fmt(scan.entries)} consequence(s) are recorded in "
            f"{scan.path or 'the consequence scan'}; this report counts them but does "
            "not copy them."
            if not entries and scan.entries
            else ""
        ),
        "counts": key_value_table("Consequence scan at a glance", counts) if counts else None,
        "uncovered": table(
            "Failing findings no consequence covers yet",
            [u.to_row() for u in scan.uncovered],
            ["check_id", "subject"],
            headers={"check_id": "Check", "subject": "Subject"},
        )
        if scan.uncovered
        else None,
        "ran": result is not None,
    }
