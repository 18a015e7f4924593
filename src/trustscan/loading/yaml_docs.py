"""YAML documents written by people (model card, consequence scan): parsing that keeps line
numbers, and detection of placeholders such as "TBD" or a bare "N/A"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml


@dataclass(frozen=True)
class Issue:
    """A problem in a YAML document, with the 1-based line it is on (None: whole file)."""

    line: int | None
    message: str

    def where(self, source: str) -> str:
        return f"{source}:{self.line}" if self.line is not None else source


def compose(text: str) -> tuple[yaml.Node | None, Issue | None]:
    """The document's node tree, or the syntax error with its line."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader), None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        return None, Issue(line, f"YAML syntax error: {problem}")
    except yaml.YAMLError as exc:
        return None, Issue(None, f"YAML error: {exc}")


def line_of(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def to_python(node: yaml.Node) -> Any:
    """Plain Python value of a node (dates become ``datetime.date``, as yaml.safe_load does)."""
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def mapping_items(node: yaml.MappingNode) -> Iterator[tuple[str, yaml.Node, yaml.Node]]:
    """``(key, key_node, value_node)`` for each entry; keys as text."""
    for key_node, value_node in node.value:
        yield str(key_node.value), key_node, value_node


def duplicate_keys(node: yaml.MappingNode) -> list[Issue]:
    """YAML silently keeps the last of two equal keys; a person almost never means that."""
    seen: dict[str, int] = {}
    issues = []
    for key, key_node, _ in mapping_items(node):
        if key in seen:
            issues.append(
                Issue(line_of(key_node), f"duplicate key {key!r} (first on line {seen[key]})")
            )
        else:
            seen[key] = line_of(key_node)
    return issues


def is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


_PLACEHOLDER = re.compile(
    r"^\s*(?:(?:tbd|tbc|todo|fixme|xxx|to be (?:decided|determined|confirmed|completed))\b.*"
    r"|\?+|\.{3}|…|-+|<[^>]*>|\[[^\]]*\]|unknown|none yet)\s*\.?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_NOT_APPLICABLE = re.compile(
    r"^\s*(?:n/?a|not applicable)\b[\s:;,.()\-–—]*(?P<reason>.*?)[\s).]*$",
    re.IGNORECASE | re.DOTALL,
)
_MIN_REASON_WORDS = 2


def is_placeholder(value: Any) -> bool:
    """True for values that only hold a place: empty, "TBD", "TODO ...", "<name>", and "N/A"
    without a reason ("N/A: batch scoring only, no user interface" is a real answer)."""
    if value is None:
        return True
    if isinstance(value, str):
        if not value.strip() or _PLACEHOLDER.match(value):
            return True
        match = _NOT_APPLICABLE.match(value)
        return match is not None and len(match.group("reason").split()) < _MIN_REASON_WORDS
    if isinstance(value, list | tuple):
        return all(is_placeholder(v) for v in value)
    if isinstance(value, dict):
        return all(is_placeholder(v) for v in value.values())
    return False  # numbers, booleans, dates are answers
