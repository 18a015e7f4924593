"""Find columns whose *names* reveal a special-category or protected attribute.

The terms live in ``special_categories.yaml`` next to this module (documented there). Matching
works on words, not raw substrings, so ``race`` finds ``race_group`` but not ``trace_id`` and
``age`` finds ``customer_age`` but not ``page_views``; long unambiguous stems (``pregnan``,
``marital``) are also found inside run-together names (``maritalstatus``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import yaml

Strength = Literal["direct", "indirect"]

_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


@dataclass(frozen=True)
class Category:
    """One special category or protected basis, with its legal references."""

    id: str
    label: str
    """Plain-language name used in messages, e.g. ``pregnancy``."""
    gdpr: str
    us: str
    who: str | None
    """Plural noun phrase for the positive group of a yes/no attribute (``pregnant people``)."""

    @property
    def legal(self) -> str:
        parts = [
            f"GDPR {self.gdpr}" if self.gdpr != "-" else "",
            f"US {self.us}" if self.us != "-" else "",
        ]
        return "; ".join(p for p in parts if p)


@dataclass(frozen=True)
class _Terms:
    tokens: frozenset[str]
    phrases: tuple[tuple[str, ...], ...]
    stems: tuple[str, ...]
    exact: frozenset[str]


@dataclass(frozen=True)
class _Entry:
    category: Category
    direct: _Terms
    indirect: _Terms
    unless: frozenset[str]


@dataclass(frozen=True)
class SensitiveMatch:
    """Why a column name looks sensitive."""

    column: str
    category: str
    """Category id, e.g. ``pregnancy`` or ``racial_ethnic_origin``."""
    label: str
    """Plain-language category name, e.g. ``racial or ethnic origin``."""
    strength: Strength
    """``direct``: the column is the attribute; ``indirect``: it mentions the topic."""
    term: str
    """The lexicon term that matched."""
    reason: str
    """One sentence for notes and reports."""
    legal: str
    """Legal references for the category."""
    who: str | None = None


@dataclass(frozen=True)
class Lexicon:
    prefixes: frozenset[str]
    suffixes: frozenset[str]
    entries: tuple[_Entry, ...]

    def category(self, category_id: str) -> Category | None:
        return next((e.category for e in self.entries if e.category.id == category_id), None)


def words(name: str) -> list[str]:
    """Lower-case words of a column name: snake_case, kebab, spaces, camelCase and digits."""
    return [w.lower() for w in _WORDS.findall(str(name))]


def _terms(raw: Mapping[str, Any] | None) -> _Terms:
    raw = raw or {}
    return _Terms(
        tokens=frozenset(str(t).lower() for t in raw.get("tokens", ())),
        phrases=tuple(tuple(words(p)) for p in raw.get("phrases", ())),
        stems=tuple(str(s).lower() for s in raw.get("stems", ())),
        exact=frozenset("".join(words(e)) for e in raw.get("exact", ())),
    )


def parse_lexicon(data: Mapping[str, Any]) -> Lexicon:
    """Build a lexicon from the YAML structure (exposed so tests can use a small one)."""
    entries = []
    for item in data["categories"]:
        category = Category(
            id=str(item["id"]),
            label=str(item["label"]),
            gdpr=str(item.get("gdpr", "-")),
            us=str(item.get("us", "-")),
            who=item.get("who"),
        )
        entries.append(
            _Entry(
                category=category,
                direct=_terms(item.get("direct")),
                indirect=_terms(item.get("indirect")),
                unless=frozenset(str(u).lower() for u in item.get("unless", ())),
            )
        )
    return Lexicon(
        prefixes=frozenset(str(p).lower() for p in data.get("prefixes", ())),
        suffixes=frozenset(str(s).lower() for s in data.get("suffixes", ())),
        entries=tuple(entries),
    )


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The lexicon shipped with trustscan."""
    text = (
        resources.files("trustscan.sensitive")
        .joinpath("special_categories.yaml")
        .read_text(encoding="utf-8")
    )
    # libyaml's loader when PyYAML was built with it: same data, ~10x faster than pure Python.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return parse_lexicon(yaml.load(text, Loader=loader))


def _core(tokens: list[str], lexicon: Lexicon) -> str:
    """The name without prefixes (``is_``, ``has_``) and suffixes (``_status``, ``_flag``)."""
    core = list(tokens)
    while len(core) > 1 and core[0] in lexicon.prefixes:
        core.pop(0)
    while len(core) > 1 and core[-1] in lexicon.suffixes:
        core.pop()
    return "".join(core)


def _contains(tokens: list[str], phrase: tuple[str, ...]) -> bool:
    width = len(phrase)
    return any(tuple(tokens[i : i + width]) == phrase for i in range(len(tokens) - width + 1))


def _match_terms(
    terms: _Terms, tokens: list[str], joined: str, core: str
) -> tuple[str, str] | None:
    """The first matching term and how it matched, or None."""
    for token in tokens:
        if token in terms.tokens:
            return token, "contains the word"
    for phrase in terms.phrases:
        if _contains(tokens, phrase) or (len("".join(phrase)) >= 8 and "".join(phrase) in joined):
            return "_".join(phrase), "contains"
    for stem in terms.stems:
        if stem in joined:
            return stem, "contains"
    if core in terms.exact:
        return core, "is"
    return None


def _describe(column: str, how: str, term: str, category: Category, strength: Strength) -> str:
    verb = "names" if strength == "direct" else "mentions"
    legal = f" ({category.legal})" if category.legal else ""
    return f"{column!r} {how} {term!r}: it {verb} {category.label}{legal}."


def match_column(column: str, lexicon: Lexicon | None = None) -> SensitiveMatch | None:
    """The strongest lexicon match for one column name (direct beats indirect, longer term wins)."""
    lexicon = lexicon or load_lexicon()
    tokens = words(column)
    if not tokens:
        return None
    joined = "".join(tokens)
    core = _core(tokens, lexicon)
    best: tuple[int, int, SensitiveMatch] | None = None
    for entry in lexicon.entries:
        if entry.unless & set(tokens):
            continue
        for rank, strength in ((1, "direct"), (0, "indirect")):
            terms = entry.direct if strength == "direct" else entry.indirect
            hit = _match_terms(terms, tokens, joined, core)
            if hit is None:
                continue
            term, how = hit
            if joined == term.replace("_", ""):
                how = "is"
            match = SensitiveMatch(
                column=column,
                category=entry.category.id,
                label=entry.category.label,
                strength=strength,  # type: ignore[arg-type]
                term=term,
                reason=_describe(column, how, term, entry.category, strength),  # type: ignore[arg-type]
                legal=entry.category.legal,
                who=entry.category.who,
            )
            key = (rank, len(term))
            if best is None or key > best[:2]:
                best = (rank, len(term), match)
            break  # direct found: the indirect terms of this category cannot beat it
    return best[2] if best else None


def detect_sensitive_columns(
    columns: Iterable[Any], *, include_indirect: bool = False, lexicon: Lexicon | None = None
) -> list[SensitiveMatch]:
    """Columns whose names name a special category, in the given column order.

    By default only ``direct`` matches (the column *is* the attribute); pass
    ``include_indirect=True`` to also list columns that merely mention the topic.
    """
    found = []
    for column in columns:
        match = match_column(str(column), lexicon)
        if match is not None and (include_indirect or match.strength == "direct"):
            found.append(match)
    return found


def describe_matches(matches: Sequence[SensitiveMatch]) -> str:
    """``gender (sex), pregnant (pregnancy)`` for notes."""
    return ", ".join(f"{m.column} ({m.label})" for m in matches)
