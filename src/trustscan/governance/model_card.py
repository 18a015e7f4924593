"""The model card: its sections (Mitchell et al. 2019, "Model Cards for Model Reporting"),
parsing with line numbers, and completeness. Pure: ``loading.documents`` reads the file."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

import yaml

from trustscan.loading.yaml_docs import (
    Issue,
    compose,
    duplicate_keys,
    is_placeholder,
    line_of,
    mapping_items,
    to_python,
)

SECTIONS: dict[str, tuple[str, ...]] = {
    "model_details": (
        "name",
        "version",
        "date",
        "type",
        "description",
        "owner",
        "authors",
        "contact",
        "licence",
    ),
    "intended_use": ("primary_uses", "primary_users", "out_of_scope_uses"),
    "factors": ("relevant_factors", "evaluation_factors"),
    "metrics": ("performance_measures", "decision_thresholds", "variation_approaches"),
    "evaluation_data": ("datasets", "motivation", "preprocessing"),
    "training_data": ("datasets", "description"),
    "quantitative_analyses": ("unitary_results", "intersectional_results"),
    "ethical_considerations": (
        "sensitive_data",
        "human_life",
        "mitigations",
        "risks_and_harms",
        "use_cases",
    ),
    "caveats_and_recommendations": ("caveats", "recommendations"),
}
"""Required fields per section. Other keys inside a section are allowed (paper, citation ...)."""

ALIASES = {("model_details", "license"): "licence"}
"""Accepted alternative spellings."""

REQUIRED_FIELDS = tuple(f"{s}.{f}" for s, fields in SECTIONS.items() for f in fields)


@dataclass(frozen=True)
class ModelCardReview:
    """What a model card contains and lacks."""

    source: str
    filled: tuple[str, ...]
    """Required fields (``section.field``) with a real answer."""
    missing: tuple[str, ...]
    """Required fields absent, empty or holding a placeholder."""
    missing_lines: dict[str, int]
    """Line of each missing field that is present with a placeholder value."""
    errors: tuple[Issue, ...]
    """Structural problems (syntax, wrong types); a card with errors cannot be trusted."""
    warnings: tuple[Issue, ...]
    """Probable typos: unknown sections or fields close to a required name."""
    authors: tuple[str, ...] = ()
    """``model_details.authors``, for the sign-off separation of duties."""

    @property
    def completeness(self) -> float:
        total = len(self.filled) + len(self.missing)
        return len(self.filled) / total if total else 0.0

    def missing_by_section(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for name in self.missing:
            section, field = name.split(".", 1)
            out.setdefault(section, []).append(field)
        return out


def parse_model_card(text: str, source: str = "model_card.yaml") -> ModelCardReview:
    """Check a model card's text against :data:`SECTIONS`."""
    root, syntax = compose(text)
    if syntax is not None:
        return empty_review(source, (syntax,))
    if root is None:
        return empty_review(source, (Issue(None, "the model card is empty"),))
    if not isinstance(root, yaml.MappingNode):
        return empty_review(
            source, (Issue(line_of(root), "the model card must be a mapping of sections"),)
        )

    errors: list[Issue] = list(duplicate_keys(root))
    warnings: list[Issue] = []
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for section, key_node, value_node in mapping_items(root):
        if section not in SECTIONS:
            warnings.append(_unknown(section, list(SECTIONS), line_of(key_node), "section"))
            continue
        if not isinstance(value_node, yaml.MappingNode):
            if value_node.tag != "tag:yaml.org,2002:null":
                errors.append(
                    Issue(
                        line_of(value_node),
                        f"section {section!r} must be a mapping of fields "
                        f"({', '.join(SECTIONS[section])})",
                    )
                )
            continue
        errors.extend(duplicate_keys(value_node))
        for field, field_key, field_value in mapping_items(value_node):
            name = ALIASES.get((section, field), field)
            if name not in SECTIONS[section]:
                close = difflib.get_close_matches(name, SECTIONS[section], n=1, cutoff=0.8)
                if close:
                    warnings.append(
                        _unknown(
                            f"{section}.{field}",
                            [f"{section}.{close[0]}"],
                            line_of(field_key),
                            "field",
                        )
                    )
                continue
            values[f"{section}.{name}"] = to_python(field_value)
            lines[f"{section}.{name}"] = line_of(field_key)

    filled = tuple(f for f in REQUIRED_FIELDS if f in values and not is_placeholder(values[f]))
    missing = tuple(f for f in REQUIRED_FIELDS if f not in filled)
    return ModelCardReview(
        source=source,
        filled=filled,
        missing=missing,
        missing_lines={f: lines[f] for f in missing if f in lines},
        errors=tuple(errors),
        warnings=tuple(warnings),
        authors=_names(values.get("model_details.authors")),
    )


def same_person(a: str, b: str) -> bool:
    """Names compared case- and whitespace-insensitively."""
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _names(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, dict):  # "- name: Ada Lovelace\n  email: ..."
            item = item.get("name")
        if isinstance(item, str) and not is_placeholder(item):
            names.append(item.strip())
    return tuple(names)


def _unknown(name: str, choices: list[str], line: int, what: str) -> Issue:
    short = name.rsplit(".", 1)[-1]
    close = difflib.get_close_matches(short, [c.rsplit(".", 1)[-1] for c in choices], n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known {what}s: {', '.join(choices)}"
    return Issue(line, f"unknown {what} {name!r}{hint}")


def empty_review(source: str, errors: tuple[Issue, ...]) -> ModelCardReview:
    return ModelCardReview(
        source=source,
        filled=(),
        missing=REQUIRED_FIELDS,
        missing_lines={},
        errors=errors,
        warnings=(),
    )
