"""Choose sensitive columns by name when the user names none, and say which and why."""

from __future__ import annotations

import re
from collections.abc import Collection

import pandas as pd

from trustscan.sensitive.indicators import RACE_INDICATORS, is_indicator, race_word
from trustscan.sensitive.lexicon import (
    SensitiveMatch,
    detect_sensitive_columns,
    load_lexicon,
    words,
)

_GROUP_NAMED = frozenset({"colour", "color", "coloured", "colored", "black", "white"})
"""Names that are a race/colour attribute only if the values say so (a product's colour, a
chess player's colour are not): 0/1 indicators or values naming groups."""
_RACE_VALUES = frozenset({*RACE_INDICATORS, "african", "american", "coloured", "mixed", "other"})
_OTHER_COLOURS = frozenset(
    {"red", "green", "blue", "yellow", "orange", "purple", "pink", "brown", "grey", "gray"}
    | {"silver", "gold", "violet", "beige", "cyan", "magenta"}
)
"""Colour names that, as sibling column names, make ``black`` / ``white`` a palette (rock art
motifs painted red, black, yellow, white) rather than race."""


def _group_named(column: str, series: pd.Series, palette: bool) -> SensitiveMatch | None:
    word = race_word(column)
    if word not in _GROUP_NAMED or (palette and word in {"black", "white"}):
        return None
    if not is_indicator(series):
        present = series.dropna().astype(str).str.lower().str.split(r"[\s_/-]+")
        named = present.map(lambda parts: any(p in _RACE_VALUES for p in parts))
        if series.dropna().empty or named.mean() < 0.5:
            return None
    category = load_lexicon().category("racial_ethnic_origin")
    assert category is not None
    reason = (
        f"{column!r} holds {'0/1 indicator' if is_indicator(series) else 'group'} values and "
        f"is named after a colour/race group: it names {category.label} ({category.legal})."
    )
    return SensitiveMatch(
        column, category.id, category.label, "direct", word or column, reason, category.legal
    )


_SEX_WORDS = (frozenset({"male", "males"}), frozenset({"female", "females"}))
"""Words that name a person's sex in values (not men / women: product lines say those)."""

_RACE_GROUP_WORDS = frozenset(
    {"asian", "hispanic", "hisp", "hispan", "latino", "latina", "latinx", "caucasian", "cauc"}
    | {"afam", "afram", "african", "aboriginal", "indigenous", "amerindian", "eskimo"}
    | {"islander", "pacific", "nonwhite", "black", "white", "native", "mixed", "biracial"}
)
"""Words that name a race or ethnic group in values."""
_COLOUR_WORDS = frozenset({"black", "white", "native", "mixed"})
"""Race words that also name colours, origins of goods or blends: on their own (a chess
player's black / white) they do not make a column a race attribute."""
_NO_GROUP_WORDS = frozenset({"other", "others", "unknown", "none", "missing", "na", "nan"})
"""Values that name no group: they neither count for nor against a race column."""
_MAX_LABELS = 20
"""Columns with more labels than this are IDs or free text, never a value-named group."""


def _labels(series: pd.Series) -> tuple[pd.Series, list[set[str]]] | None:
    """A text column's label counts and each label's lower-case words, or None when it is
    not text or has more than ``_MAX_LABELS`` labels (decided on the first 10,000 values
    before a full pass)."""
    if series.dtype.kind not in "OSU" and not isinstance(series.dtype, pd.StringDtype):
        return None
    if series.head(10_000).nunique() > _MAX_LABELS:
        return None
    counts = series.dropna().astype(str).value_counts()
    if counts.empty or len(counts) > _MAX_LABELS:
        return None
    return counts, [set(re.split(r"[^a-z]+", str(v).lower())) - {""} for v in counts.index]


def _value_match(column: str, category_id: str, counts: pd.Series) -> SensitiveMatch:
    category = load_lexicon().category(category_id)
    assert category is not None
    shown = ", ".join(str(v) for v in counts.index[:3])
    reason = (
        f"{column!r} holds values naming {category.label} ({shown}): it names "
        f"{category.label} ({category.legal})."
    )
    return SensitiveMatch(
        column, category.id, category.label, "direct", "values", reason, category.legal
    )


def _value_named(column: str, series: pd.Series) -> SensitiveMatch | None:
    """A text column whose values name sex or race / ethnic groups, whatever its name."""
    labelled = _labels(series)
    if labelled is None:
        return None
    counts, label_words = labelled
    if _names_sex(counts, label_words):
        return _value_match(column, "sex", counts)
    if _names_race(counts, label_words):
        return _value_match(column, "racial_ethnic_origin", counts)
    return None


def _names_sex(counts: pd.Series, label_words: list[set[str]]) -> bool:
    """German credit's ``personal_status`` (``male single``, ``female div/dep/mar``): both
    sexes must appear and nine rows in ten name one."""
    male = [bool(w & _SEX_WORDS[0]) for w in label_words]
    female = [bool(w & _SEX_WORDS[1]) for w in label_words]
    naming = sum(int(n) for n, m, f in zip(counts, male, female, strict=True) if m or f)
    return any(male) and any(female) and naming >= 0.9 * counts.sum()


def _names_race(counts: pd.Series, label_words: list[set[str]]) -> bool:
    """Ecdat's ``ethn`` (black, hisp, other), a log's ``demographic`` (Caucasian,
    African-American, ...): two groups must be named, one of them by a word that is not also
    a colour, and nine rows in ten must name a group (or say other / unknown)."""
    named = [w & _RACE_GROUP_WORDS for w in label_words]
    groups = {frozenset(n) for n in named if n}
    if len(groups) < 2 or not any(n - _COLOUR_WORDS for n in named):
        return False
    covered = sum(
        int(c)
        for c, n, w in zip(counts, named, label_words, strict=True)
        if n or w <= _NO_GROUP_WORDS
    )
    return covered >= 0.9 * counts.sum()


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
    palette = any("".join(words(c)) in _OTHER_COLOURS for c in columns)
    matches = [m for m in matches if race_word(m.column) not in _GROUP_NAMED] + [
        m for c in columns if (m := _group_named(c, data[c], palette)) is not None
    ]
    named = {m.column for m in matches if m.strength == "direct"}
    matches += [
        m for c in columns if c not in named and (m := _value_named(c, data[c])) is not None
    ]
    direct_columns = {m.column for m in matches if m.strength == "direct"}
    matches = [m for m in matches if m.strength == "direct" or m.column not in direct_columns]
    matches.sort(key=lambda m: columns.index(m.column))
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
