"""One compact table per attribute: every group's numbers side by side, all metrics as columns.

The fairness checks compare several rates (selection and scoring rate; true- and
false-positive rate) and describe more (precision, accuracy, base rate). One table per
metric repeated the groups for each; a reader comparing a group across metrics had to hold
tables in their head. Here a row is a group and a column a metric; a compared metric's
cell carries the rate with its interval and, on a second line, the ratio to the reference
group with its interval. Metrics that are only described are marked ``detail`` so print can
leave them out (they stay in the HTML view and in report.json).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from trustscan.checks.fairness.measured import GroupRates
from trustscan.report.formatting import STATUS_LABEL, badge, fmt, humanize, pct

_SHARE = re.compile(r"minimum share of (\d+(?:\.\d+)?%)")
_SIZE = re.compile(r"minimum group size of (\d+)")
_DENOMINATOR = re.compile(r"rate's denominator, below (\d+)")

_DASH = "\u2013\u2060"
"""An en dash followed by a word joiner: an interval never breaks across lines."""

SHORT_NAMES = {
    "selection_rate": "Selection rate",
    "scoring_rate": "Scoring rate",
    "true_positive_rate": "TPR",
    "false_positive_rate": "FPR",
    "false_negative_rate": "FNR",
    "precision": "Precision",
    "accuracy": "Accuracy",
    "base_rate": "Base rate",
}
"""Column headings short enough for a narrow column; the caption spells out the acronyms."""


def exclusion_label(reason: str | None) -> str:
    """Why a group is shown but not judged, in a few words: "excluded: under 2% of rows"."""
    if not reason:
        return ""
    if match := _SHARE.search(reason):
        return f"excluded: under {match.group(1)} of rows"
    if match := _SIZE.search(reason):
        return f"excluded: under {match.group(1)} rows"
    if match := _DENOMINATOR.search(reason):
        return f"excluded: under {match.group(1)} people in the rate's denominator"
    if "missing" in reason:
        return "excluded: value missing"
    return f"excluded: {reason}"


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(float(value)) else None


def _rate(row: GroupRates, metric: str) -> str:
    estimate = row.rate(metric)
    if estimate.value is None:
        return "—"
    low, high = estimate.ci or (None, None)
    if low is None or high is None:
        return pct(estimate.value)
    return f"{pct(estimate.value)} [{low * 100:.1f}{_DASH}{high * 100:.1f}]"


def _ratio_line(row: GroupRates, metric: str) -> str:
    estimate = row.rate(metric)
    if estimate.status == "reference":
        return "reference group"
    if estimate.ratio is None:
        return ""
    low, high = estimate.ratio_ci or (None, None)
    text = f"ratio {estimate.ratio:.2f}"
    if low is not None and high is not None:
        text += f" [{low:.2f}{_DASH}{high:.2f}]"
    if estimate.status in ("pass", "warn", "fail"):
        text += f" {STATUS_LABEL[estimate.status][0]}"
    return text


def _row_status(row: GroupRates, gated: Sequence[str]) -> dict[str, Any]:
    """The row's status cell: the worst gated status as a badge, else what the group is."""
    reason = row.excluded_reason or next(
        (row.rate(m).excluded_reason for m in gated if row.rate(m).excluded_reason), None
    )
    if reason:
        return _plain(exclusion_label(reason))
    statuses = [row.rate(m).status for m in gated]
    for status in ("fail", "warn", "pass"):
        if status in statuses:
            return {**_plain(""), "badge": badge(status)}
    if "reference" in statuses:
        return _plain("reference")
    return _plain("—")


def _plain(text: str, *, num: bool = False) -> dict[str, Any]:
    return {"text": text, "num": num, "mono": False, "badge": None}


def _cell(text: str, second: str = "", *, detail: bool = False) -> dict[str, Any]:
    lines = [text, second] if second else [text]
    return {
        "text": text,
        "lines": lines,
        "num": True,
        "mono": False,
        "badge": None,
        "detail": detail,
    }


def group_tables(
    rows: Sequence[GroupRates],
    *,
    gated: Sequence[str],
    reported: Sequence[str] = (),
    described: Sequence[str] = (),
    confidence: float = 0.95,
) -> list[dict[str, Any]]:
    """One table view per grouping (attribute or intersection) of ``rows``, in first-seen
    order. ``gated`` metrics get rate, ratio and status; ``reported`` ones rate and ratio;
    ``described`` ones the rate only, marked as print-optional detail."""
    by_grouping: dict[str, list[GroupRates]] = {}
    for row in rows:
        by_grouping.setdefault(row.grouping or "all rows", []).append(row)
    with_ratio = [*gated, *reported]
    metrics = [*with_ratio, *(m for m in described if m not in with_ratio)]
    names = [SHORT_NAMES.get(m, humanize(m)) for m in metrics]
    spelled = [
        f"{SHORT_NAMES[m]} = {humanize(m).lower()}"
        for m in metrics
        if m in SHORT_NAMES and SHORT_NAMES[m] != humanize(m)
    ]
    level = f"{confidence:.0%}"
    columns = [
        {"label": "Group", "num": False, "mono": False, "detail": False},
        {"label": "n", "num": True, "mono": False, "detail": False},
        *(
            {
                "label": name + ("" if m in gated else " (not gated)" if m in reported else ""),
                "num": True,
                "mono": False,
                "detail": m not in with_ratio,
            }
            for m, name in zip(metrics, names, strict=True)
        ),
        {"label": "Status", "num": False, "mono": False, "detail": False, "status": True},
    ]
    tables = []
    for grouping, members in by_grouping.items():
        body = []
        for row in members:
            cells: list[dict[str, Any]] = [
                _plain(row.group),
                _plain(fmt(row.n), num=True),
            ]
            for metric in metrics:
                second = _ratio_line(row, metric) if metric in with_ratio else ""
                cells.append(_cell(_rate(row, metric), second, detail=metric not in with_ratio))
            cells.append(_row_status(row, gated))
            body.append(cells)
        kind = "intersection" if "×" in grouping else "attribute"
        caption = (
            f"By {grouping} ({kind}): rates in % with their {level} intervals; under a "
            "compared rate, its ratio to the reference group with the interval (✓ pass, ! "
            "warning, ✗ fail; p-values are in the findings and report.json)"
        )
        if spelled:
            caption += f" ({'; '.join(spelled)})"
        tables.append(
            {
                "caption": caption,
                "columns": columns,
                "rows": body,
                # Intersection tables are detail: print keeps the per-attribute ones.
                "kind": "groups" if kind == "attribute" else "groups-intersection",
                "more": "",
            }
        )
    return tables


__all__ = ["SHORT_NAMES", "exclusion_label", "group_tables"]
