"""The text ``trustscan diff`` prints for a comparison of two audits (the comparison itself,
shared with ``consistency.baseline``, is ``checks.consistency.compare``)."""

from __future__ import annotations

from trustscan.checks.consistency.compare import Comparison, ci_text


def render_text(comparison: Comparison, *, old_name: str = "old", new_name: str = "new") -> str:
    """A plain-text summary for the terminal (the CLI prints it)."""
    lines = [f"Comparing {old_name} -> {new_name}"]
    if comparison.old_verdict != comparison.new_verdict:
        lines.append(f"verdict: {comparison.old_verdict} -> {comparison.new_verdict}")
    else:
        lines.append(f"verdict: {comparison.new_verdict} (unchanged)")
    lines.extend(f"note: {note}" for note in comparison.notes)
    if comparison.status_changes:
        lines.append("checks whose status changed:")
        lines.extend(
            f"  {c}: {o or 'absent'} -> {n or 'absent'}" for c, o, n in comparison.status_changes
        )
    changed = [d for d in comparison.deltas if d.worse or (d.significant and d.direction)]
    if changed:
        lines.append(f"metric changes (of {len(comparison.deltas)} compared):")
        for d in changed:
            flag = "WORSE" if d.regression else "worse" if d.worse else "better"
            where = f" [{d.subject}]" if d.subject else ""
            lines.append(
                f"  {flag:6} {d.check_id} {d.metric}{where}: {d.old:.4g} -> {d.new:.4g} ({ci_text(d)})"
            )
    else:
        lines.append(
            f"metric changes: none beyond {comparison.min_change:g} ({len(comparison.deltas)} compared)"
        )
    for title, items in (
        ("new findings", comparison.new_findings),
        ("resolved findings", comparison.resolved_findings),
    ):
        if items:
            lines.append(f"{title}:")
            lines.extend(
                f"  [{f.old_status or '-'} -> {f.new_status or '-'}] {f.check_id}"
                + (f" ({f.subject})" if f.subject else "")
                + f": {f.title}"
                for f in items
            )
    if comparison.regressed:
        lines.append("result: significantly worse —")
        lines.extend(f"  {reason}" for reason in comparison.regressions)
    else:
        lines.append("result: nothing got significantly worse")
    return "\n".join(lines) + "\n"
