"""Choose sensitive columns by name when the user names none, and say which and why."""

from __future__ import annotations

import re
from collections.abc import Collection

import pandas as pd

from trustscan.sensitive.indicators import RACE_INDICATORS, is_indicator, race_word
from trustscan.sensitive.lexicon import SensitiveMatch, detect_sensitive_columns, load_lexicon

_GROUP_NAMED = frozenset({"colour", "color", "coloured", "colored", "black", "white"})
"""Names that are a race/colour attribute only if the values say so (a product's colour, a
chess player's colour are not): 0/1 indicators or values naming groups."""
_RACE_VALUES = frozenset({*RACE_INDICATORS, "african", "american", "coloured", "mixed", "other"})


def _group_named(column: str, series: pd.Series) -> SensitiveMatch | None:
    word = race_word(column)
    if word not in _GROUP_NAMED:
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


def _sex_valued(column: str, series: pd.Series) -> SensitiveMatch | None:
    """A text column whose values name sex whatever its name: German credit's
    ``personal_status`` (``male single``, ``female div/dep/mar``). Both sexes must appear and
    nine rows in ten name one."""
    if series.dtype.kind not in "OSU" and not isinstance(series.dtype, pd.StringDtype):
        return None
    if series.head(10_000).nunique() > 20:  # IDs and free text: decided without a full pass
        return None
    counts = series.dropna().astype(str).value_counts()
    if counts.empty or len(counts) > 20:
        return None
    words = [set(re.split(r"[^a-z]+", str(v).lower())) for v in counts.index]
    male = [bool(w & _SEX_WORDS[0]) for w in words]
    female = [bool(w & _SEX_WORDS[1]) for w in words]
    naming = sum(int(n) for n, m, f in zip(counts, male, female, strict=True) if m or f)
    if not (any(male) and any(female)) or naming < 0.9 * counts.sum():
        return None
    category = load_lexicon().category("sex")
    assert category is not None
    shown = ", ".join(str(v) for v in counts.index[:3])
    reason = (
        f"{column!r} holds values naming sex ({shown}): it names {category.label} "
        f"({category.legal})."
    )
    return SensitiveMatch(
        column, category.id, category.label, "direct", "values", reason, category.legal
    )


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
    matches = [m for m in matches if race_word(m.column) not in _GROUP_NAMED] + [
        m for c in columns if (m := _group_named(c, data[c])) is not None
    ]
    named = {m.column for m in matches if m.strength == "direct"}
    matches += [m for c in columns if c not in named and (m := _sex_valued(c, data[c])) is not None]
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
