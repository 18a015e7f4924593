"""The shape of each check's stored ``metrics`` in a JSON report: every key path with the
JSON types found there (list items collapsed to ``[]``). Comparing shapes across code
versions shows a renamed, dropped or retyped key without depending on the numbers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "str"
    if isinstance(value, list):
        return "list"
    return "object"


def _walk(value: Any, path: str, out: dict[str, set[str]], by_name: bool) -> None:
    out.setdefault(path, set()).add(_kind(value))
    if isinstance(value, Mapping):
        for key, inner in value.items():
            # Tables stored by attribute or group name: the names are data, not keys.
            name = "{}" if by_name else str(key)
            _walk(inner, f"{path}.{name}", out, by_name=False)
    elif isinstance(value, list):
        for inner in value:
            _walk(inner, f"{path}[]", out, by_name=False)


BY_NAME = frozenset({"attributes", "drivers", "sha256", "files", "versions", "data_files"})
"""Metrics keys whose mapping is keyed by data (attribute, artifact or package names)."""


def metric_shapes(report: Mapping[str, Any]) -> dict[str, dict[str, list[str]]]:
    """``{check_id: {key path: sorted JSON types}}`` of a JSON report's results."""
    shapes: dict[str, dict[str, list[str]]] = {}
    for result in report["results"]:
        out: dict[str, set[str]] = {}
        for key, value in result["metrics"].items():
            _walk(value, key, out, by_name=key in BY_NAME)
        shapes[result["check_id"]] = {p: sorted(k) for p, k in sorted(out.items())}
    return shapes
