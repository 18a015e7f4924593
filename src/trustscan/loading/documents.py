"""Read a YAML document the user names (e.g. ``model_card.yaml`` for ``trustscan card``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from trustscan.errors import InputError


def read_yaml_mapping(path: Path, *, what: str, flag: str) -> dict[str, Any]:
    """The top-level mapping of the YAML file at ``path``; ``InputError`` naming the file,
    the line of a syntax error and ``flag`` otherwise."""
    if not path.is_file():
        raise InputError(f"{what} not found: {path}", f"check the {flag} path")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{what} {path} is not UTF-8 text", "re-save it as UTF-8") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise InputError(f"{what} {path} is not valid YAML{where}", "fix the syntax") from exc
    if not isinstance(data, dict):
        raise InputError(f"{what} {path} is not a YAML mapping", "see `trustscan init`")
    return data
