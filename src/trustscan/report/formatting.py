"""Formatting for the HTML report's view model: numbers, intervals, status badges and tables
as plain strings and dicts (the template prints them; autoescape escapes them)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from trustscan.types import Evidence, Status

MAX_TABLE_ROWS = 40

STATUS_LABEL = {
    "pass": ("✓", "Pass"),
    "warn": ("!", "Warning"),
    "fail": ("✗", "Fail"),
    "skip": ("–", "Not run"),
    "error": ("⚠", "Error"),
}
STATUS_RANK = {s.value: s.rank for s in Status}

ACRONYMS = {
    "auc": "AUC",
    "ci": "CI",
    "nmi": "NMI",
    "tpr": "TPR",
    "fpr": "FPR",
    "fnr": "FNR",
    "ppv": "PPV",
    "ks": "KS",
    "sha256": "SHA-256",
    "id": "id",
    "n": "n",
    "pd": "PD",
    "ece": "ECE",
    "roc": "ROC",
}


# --------------------------------------------------------------------------- formatting


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def fmt(value: Any) -> str:
    """A value as a short, human-readable string ("—" for missing)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "—"
        if value.is_integer() and abs(value) < 1e15:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:,.1f}"
        if abs(value) >= 1:
            return f"{value:.2f}"
        if abs(value) >= 0.01:
            return f"{value:.3f}".rstrip("0").rstrip(".")
        return f"{value:.2g}"
    if isinstance(value, list | tuple):
        return ", ".join(fmt(v) for v in value) if value else "—"
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {fmt(v)}" for k, v in value.items()) if value else "—"
    return str(value)


def pct(value: Any, digits: int = 1) -> str:
    """A share as a percentage: 0.1563 -> "15.6%"."""
    if not is_number(value) or not math.isfinite(float(value)):
        return "—"
    return f"{float(value) * 100:.{digits}f}%"


def interval_of(row: Mapping[str, Any], key: str = "") -> tuple[float | None, float | None]:
    """A row's interval for ``key``: ``key_ci: [low, high]``, ``key_ci_low``/``key_ci_high``,
    or plain ``ci_low``/``ci_high`` when ``key`` is empty."""
    pair = row.get(f"{key}_ci") if key else row.get("ci")
    if isinstance(pair, list | tuple) and len(pair) == 2:
        low, high = pair
    else:
        prefix = f"{key}_" if key else ""
        low, high = row.get(f"{prefix}ci_low"), row.get(f"{prefix}ci_high")
    return (
        float(low) if is_number(low) and math.isfinite(float(low)) else None,
        float(high) if is_number(high) and math.isfinite(float(high)) else None,
    )


def fmt_p(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def fmt_interval(low: Any, high: Any) -> str:
    if not (is_number(low) and is_number(high)):
        return ""
    # "-0.013 to -0.004" reads better than "-0.013–-0.004".
    joiner = " to " if min(float(low), float(high)) < 0 else "–"
    return f"{fmt(float(low))}{joiner}{fmt(float(high))}"


def humanize(key: str) -> str:
    """``selection_rate`` -> "Selection rate", ``ci_low`` -> "CI low"."""
    words = str(key).replace("-", "_").split("_")
    out = [ACRONYMS.get(w.lower(), w) for w in words if w]
    if not out:
        return str(key)
    first = out[0]
    if first == first.lower():
        out[0] = first[:1].upper() + first[1:]
    return " ".join(out)


def badge(status: str) -> dict[str, str]:
    icon, word = STATUS_LABEL.get(status, ("?", status.capitalize()))
    return {"status": status if status in STATUS_LABEL else "skip", "icon": icon, "word": word}


def describe_evidence(evidence: Evidence) -> str:
    """One evidence item in words: "AUC 0.81 (95% CI 0.78–0.84), n = 4,000, threshold 0.75"."""
    parts = [f"{humanize(evidence.metric)} {fmt(evidence.estimate)}"]
    interval = fmt_interval(evidence.ci_low, evidence.ci_high)
    if interval:
        level = f"{evidence.confidence:.0%} " if evidence.confidence else ""
        parts[0] += f" ({level}CI {interval})"
    if evidence.p_value is not None:
        parts.append(f"p {fmt_p(evidence.p_value)}")
    if evidence.n is not None:
        parts.append(f"n = {fmt(evidence.n)}")
    if evidence.threshold is not None:
        parts.append(f"threshold {fmt(evidence.threshold)}")
    return ", ".join(parts)


# --------------------------------------------------------------------------- tables


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _is_simple(value: Any) -> bool:
    """Printable in one cell: a scalar or a short list of scalars."""
    return _is_scalar(value) or (
        isinstance(value, list | tuple) and len(value) <= 60 and all(_is_scalar(v) for v in value)
    )


def cell(value: Any, column: str = "") -> dict[str, Any]:
    if column.endswith("status") and isinstance(value, str) and value in STATUS_LABEL:
        return {"text": "", "num": False, "badge": badge(value)}
    if column.endswith("_ci") and isinstance(value, list | tuple) and len(value) == 2:
        return {"text": fmt_interval(value[0], value[1]) or "—", "num": True, "badge": None}
    numeric = is_number(value) or (isinstance(value, str) and _looks_numeric(value))
    return {"text": fmt(value), "num": numeric, "badge": None}


def _looks_numeric(text: str) -> bool:
    """Pre-formatted numbers ("15.6%", "0.49 [0.44–0.55]", "1,971") align right."""
    head = text.split(" ", 1)[0].rstrip("%").replace(",", "").replace("−", "-")
    try:
        float(head)
    except ValueError:
        return False
    return True


def table(
    caption: str,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str] | None = None,
    *,
    headers: Mapping[str, str] | None = None,
    limit: int = MAX_TABLE_ROWS,
    mono: Sequence[str] = (),
) -> dict[str, Any]:
    """A table view: the first column is the row header."""
    if columns is None:
        seen: dict[str, None] = {}
        for row in rows:
            for key, value in row.items():
                if not str(key).startswith("_") and _is_simple(value):
                    seen.setdefault(str(key), None)
        columns = list(seen)
    headers = headers or {}
    shown = rows[:limit]
    cells = [[cell(row.get(c), c) for c in columns] for row in shown]
    # A column is numeric when its values are; its empty cells ("—") align with them.
    numeric = [
        any(r[i]["num"] for r in cells)
        and all(r[i]["num"] or r[i]["text"] == "—" or r[i]["badge"] for r in cells)
        for i in range(len(columns))
    ]
    return {
        "caption": caption,
        "columns": [
            {"label": headers.get(c, humanize(c)), "num": numeric[i], "mono": c in mono}
            for i, c in enumerate(columns)
        ],
        "rows": [
            [entry | {"num": numeric[i], "mono": columns[i] in mono} for i, entry in enumerate(r)]
            for r in cells
        ],
        "kind": "data",
        "more": (
            f"{len(rows) - limit:,} more row(s) are in report.json." if len(rows) > limit else ""
        ),
    }


def key_value_table(caption: str, items: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    rows = [{"item": key, "value": value} for key, value in items]
    view = table(caption, rows, ["item", "value"], headers={"item": "Measure", "value": "Value"})
    # Mixed text and numbers in one column read best left-aligned.
    view["kind"] = "kv"
    for column in view["columns"]:
        column["num"] = False
    for row in view["rows"]:
        for entry in row:
            entry["num"] = False
    return view


def generic_tables(
    metrics: Mapping[str, Any], consumed: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """Every metric the richer renderers did not use: scalars in one table, row lists and
    mappings each in their own."""
    skip = set(consumed)
    scalars: list[tuple[str, Any]] = []
    tables: list[dict[str, Any]] = []
    for key, value in metrics.items():
        if key in skip or str(key).startswith("_"):
            continue
        if _is_interval(key, value):
            scalars.append((humanize(key), fmt_interval(value[0], value[1])))
        elif _is_simple(value):
            scalars.append((humanize(key), value))
        elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            tables.append(table(humanize(key), value))
        elif isinstance(value, Mapping) and value:
            flat = flatten(value)
            if flat:
                tables.append(key_value_table(humanize(key), flat))
    if scalars:
        tables.insert(0, key_value_table("Measured values", scalars))
    return tables


def _is_interval(key: Any, value: Any) -> bool:
    return (
        (str(key) == "ci" or str(key).endswith("_ci"))
        and isinstance(value, list | tuple)
        and len(value) == 2
        and all(is_number(v) for v in value)
    )


def flatten(mapping: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out += flatten(value, f"{name} · ")
        elif _is_simple(value):
            out.append((name, value))
        else:
            out.append((name, f"{len(value)} item(s), see report.json"))
    return out
