"""Choose sensitive columns by name when the user names none, and say which and why."""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from trustscan.sensitive.lexicon import SensitiveMatch, detect_sensitive_columns


def detect_for_audit(
    data: pd.DataFrame, exclude: Collection[str | None]
) -> tuple[tuple[str, ...], list[str]]:
    """Sensitive columns detected from ``data``'s column names, and notes for the report.

    ``exclude`` holds the target and logged prediction/score columns: a target that names a
    special category is ``leakage.sensitive_target``'s finding, not a group to compare.
    Columns that only *mention* a category (``prenatal_vitamins``, ``womens_club``) are listed
    as likely proxies but not used as groups; entirely empty columns are left out.
    """
    skip = {c for c in exclude if c}
    columns = [str(c) for c in data.columns if str(c) not in skip]
    matches = detect_sensitive_columns(columns, include_indirect=True)
    direct: list[SensitiveMatch] = []
    empty: list[str] = []
    for match in matches:
        if match.strength != "direct":
            continue
        if data[match.column].isna().all():
            empty.append(match.column)
        else:
            direct.append(match)
    mentions = [m for m in matches if m.strength == "indirect"]
    notes: list[str] = []
    if direct:
        reasons = " ".join(m.reason for m in direct)
        notes.append(
            "No --sensitive given, so sensitive attributes were detected by column name: "
            f"{', '.join(m.column for m in direct)}. {reasons} "
            "Pass --sensitive COL to choose them yourself."
        )
    else:
        notes.append(
            "No --sensitive given and no column name was recognised as a sensitive attribute: "
            "fairness and leakage checks are skipped. Pass --sensitive COL (e.g. --sensitive "
            "gender) to audit them."
        )
    if empty:
        notes.append(f"Detected but entirely empty, so not used: {', '.join(empty)}.")
    if mentions:
        listed = ", ".join(f"{m.column} ({m.label})" for m in mentions)
        notes.append(
            f"Columns that mention a special category and may act as proxies (not used as "
            f"groups): {listed}."
        )
    return tuple(m.column for m in direct), notes
