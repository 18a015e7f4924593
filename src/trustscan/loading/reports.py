"""Read a previous JSON report (``--baseline``, ``trustscan diff``) with actionable errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from trustscan.errors import InputError
from trustscan.report_versions import READABLE_SCHEMAS

REQUIRED_KEYS = ("schema_version", "results", "verdict")


def read_report(path: Path, *, what: str = "report") -> dict[str, Any]:
    """The parsed report at ``path``; ``InputError`` when it is missing or not a trustscan
    JSON report. ``what`` names the file in messages (e.g. ``baseline report``)."""
    if not path.exists():
        raise InputError(
            f"{what} not found: {path}", "pass the JSON file a previous scan wrote with --json"
        )
    if path.is_dir():
        raise InputError(f"{what} is a folder, not a file: {path}", "pass the report.json file")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{what} {path} is not UTF-8 text", "pass a JSON report") from exc
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{what} {path} is not valid JSON (line {exc.lineno}, column {exc.colno})",
            "pass the JSON file a scan wrote with --json, not the HTML report",
        ) from exc
    if not isinstance(data, dict) or any(key not in data for key in REQUIRED_KEYS):
        raise InputError(
            f"{what} {path} is not a trustscan JSON report (needs {', '.join(REQUIRED_KEYS)})",
            "pass the JSON file a scan wrote with --json",
        )
    version = str(data.get("schema_version", ""))
    if not version.startswith(READABLE_SCHEMAS):
        raise InputError(
            f"{what} {path} has report schema {version!r}; this trustscan reads 1.x, 2.x and 3.x",
            "re-run the old audit with this version, or compare with the version that wrote it",
        )
    if not isinstance(data["results"], list):
        raise InputError(f"{what} {path}: 'results' is not a list", "pass an unmodified report")
    return data
