"""Check documentation, generated from the registry: ``docs/checks.md`` and ``trustscan explain``.

Each entry comes from the check's declaration (``CheckSpec``: id, title, dimension, default
severity, description) plus the defaults of the policy keys it declares (``policy_keys``,
dotted keys such as ``"fairness.impact_ratio_min"``). Descriptions of policy keys are their
attribute docstrings in ``policy.py``, so the documentation cannot drift from the code. Only
declarations are read: documenting the checks never imports the numerical stack.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import inspect
import itertools
from collections.abc import Sequence
from functools import cache
from typing import Any

from trustscan import headline, scoring
from trustscan import policy as policy_module
from trustscan.checks import registry
from trustscan.checks.spec import CheckSpec

GENERATOR = "python scripts/generate_check_docs.py"


@cache
def _attribute_docs() -> dict[tuple[str, str], str]:
    """``(class name, field) -> attribute docstring`` for every dataclass in ``policy.py``."""
    tree = ast.parse(inspect.getsource(policy_module))
    docs: dict[tuple[str, str], str] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        body = node.body
        for current, following in itertools.pairwise(body):
            if (
                isinstance(current, ast.AnnAssign)
                and isinstance(current.target, ast.Name)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                docs[(node.name, current.target.id)] = " ".join(following.value.value.split())
    return docs


def _sections() -> dict[str, Any]:
    """Policy section name -> its default instance."""
    defaults = policy_module.Policy()
    return {
        f.name: getattr(defaults, f.name)
        for f in dataclasses.fields(defaults)
        if dataclasses.is_dataclass(getattr(defaults, f.name))
    }


def _format_default(value: Any) -> str:
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_format_default(v) for v in value) + "]"  # as written in TOML
    if isinstance(value, dict) and not value:
        return "{}"
    return str(value)


def threshold_rows(check: CheckSpec) -> list[tuple[str, str, str]]:
    """``(dotted key, default, meaning)`` for the policy keys ``check`` reads."""
    sections = _sections()
    docs = _attribute_docs()
    rows = []
    for key in check.policy_keys:
        section_name, _, field_name = key.partition(".")
        section = sections.get(section_name)
        if section is None or not hasattr(section, field_name):
            # A key of the top-level policy (e.g. decision_threshold).
            value = getattr(policy_module.Policy(), key, None)
            rows.append((key, _format_default(value), docs.get(("Policy", key), "")))
            continue
        meaning = docs.get((type(section).__name__, field_name), "")
        rows.append((key, _format_default(getattr(section, field_name)), meaning))
    return rows


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def entry_for(check: CheckSpec) -> str:
    """The Markdown documentation entry of one check."""
    lines = [
        f"## `{check.id}` — {check.title}",
        "",
        f"Dimension: **{check.dimension.value}** · default severity: "
        f"**{check.default_severity.label}**",
        "",
        inspect.cleandoc(check.description),
        "",
    ]
    rows = threshold_rows(check)
    if rows:
        lines += [
            "Default thresholds (override them in `trustscan.toml` or `[tool.trustscan]`):",
            "",
            "| key | default | meaning |",
            "| --- | --- | --- |",
        ]
        lines += [f"| `{key}` | `{value}` | {_md_cell(meaning)} |" for key, value, meaning in rows]
    else:
        lines.append("Default thresholds: none (the check has no policy settings).")
    lines += [
        "",
        f'Turn it off with `skip = ["{check.id}"]`, or accept a known finding with an expiring '
        f'`[[waiver]]` whose `check = "{check.id}"`.',
        "",
    ]
    return "\n".join(lines)


def check_entry(check_id: str) -> str | None:
    """The entry for ``check_id``, or None when no registered check has that id."""
    check = registry.spec_by_id(check_id)
    return None if check is None else entry_for(check)


def close_matches(check_id: str) -> list[str]:
    """Registered ids that look like ``check_id`` (all ids when none does)."""
    ids = [c.id for c in registry.SPECS]
    prefix = [i for i in ids if i.startswith(check_id.split(".", 1)[0] + ".")]
    close = difflib.get_close_matches(check_id, ids, n=5, cutoff=0.5)
    return list(dict.fromkeys([*close, *prefix])) or ids


def render_doc(checks: Sequence[CheckSpec] | None = None) -> str:
    """The whole ``docs/checks.md``."""
    checks = registry.SPECS if checks is None else checks
    header = [
        "# trustscan checks",
        "",
        f"<!-- Generated by `{GENERATOR}` from the check registry; do not edit by hand. -->",
        "",
        f"Every check trustscan runs, in registry order ({len(checks)} checks). "
        "`trustscan explain CHECK_ID` prints one entry.",
        "",
        "| check | dimension | title |",
        "| --- | --- | --- |",
    ]
    header += [f"| `{c.id}` | {c.dimension.value} | {c.title} |" for c in checks]
    scoring_doc = inspect.cleandoc(scoring.__doc__ or "").split("\n", 1)[-1].strip()
    header += ["", "## How checks are scored", "", scoring_doc, ""]
    headline_doc = inspect.cleandoc(headline.__doc__ or "").split("\n", 1)[-1].strip()
    header += ["## The headline", "", headline_doc, ""]
    return "\n".join(header) + "\n" + "\n".join(entry_for(c) for c in checks)
