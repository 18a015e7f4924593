"""Sensitive attributes as real data spell them, turned into one column of groups each.

Real tables rarely hold a tidy ``race`` column. This module turns the sensitive columns
(named by the user or detected) into the attributes the audit compares:

- **indicator families**: 0/1 columns named after a group (``black``, ``white``, ``hispan``)
  become one attribute, ``race``, whose groups are the column names (``other`` when none is 1,
  ``multiple`` when several are). Catch-all indicators (``nonwhite``, ``minority``) are left out
  of a family that has two or more specific members. A lone indicator keeps its name with
  readable groups (``female`` / ``male``, ``nonwhite`` / ``white``, ``black`` / ``not black``);
- **one-hot families**: ``race_Black``, ``race_White`` or ``sex_Male``, ``sex_Female`` become
  ``race`` and ``sex`` with the suffixes as groups (a lone ``sex_Male`` gives ``Male`` /
  ``not Male``);
- **dates** are never groups as they stand: a date of birth becomes age bands (``AGE_BANDS``, age
  at the latest date found in the data, so the audit is reproducible); any other date is not a
  sensitive attribute (dropped with a note when detected, refused when named);
- **derived duplicates** (``age`` and ``age_cat``, where each value of one falls in a single value
  of the other) are audited once, when detected: a categorical column is kept over a numeric
  one, then the finer one; the note says which;
- **too many groups**: a numeric attribute with more than ``MAX_GROUPS`` values is cut into
  quartiles (``sensitive.groups``); a text attribute with more than ``MAX_TEXT_GROUPS`` values
  cannot be compared group by group: refused (exit 2) when named, dropped with a note when
  detected.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from trustscan.errors import InputError
from trustscan.sensitive.lexicon import match_column, words

MAX_TEXT_GROUPS = 50
"""A text sensitive column with more distinct values than this is not compared group by group."""

AGE_BANDS: tuple[tuple[float, str], ...] = (
    (25, "under 25"),
    (35, "25–34"),
    (45, "35–44"),
    (55, "45–54"),
    (65, "55–64"),
    (float("inf"), "65 and over"),
)
"""Age bands for a date of birth: (upper bound, exclusive; label)."""

RACE_INDICATORS: dict[str, str] = {
    "black": "black",
    "afam": "black",
    "afram": "black",
    "africanamerican": "black",
    "white": "white",
    "caucasian": "white",
    "hispan": "hispanic",
    "hispanic": "hispanic",
    "hisp": "hispanic",
    "latino": "hispanic",
    "asian": "asian",
    "nonwhite": "nonwhite",
    "minority": "minority",
    "colour": "colour",
    "color": "colour",
    "coloured": "colour",
    "colored": "colour",
    "indian": "indian",
    "amerindian": "american indian",
    "native": "native",
    "pacific": "pacific islander",
    "mixed": "mixed",
}
"""Whole column names (after ``is_``/``_ind`` ... are removed) that are a race/ethnicity
indicator when the column holds 0/1 values, and the group each names."""

_CATCH_ALL = frozenset({"nonwhite", "minority", "colour"})
_OPPOSITE = {"female": "male", "male": "female", "nonwhite": "white", "white": "nonwhite"}
_SEX_INDICATORS = frozenset({"female", "male", "woman", "man"})
_ONE_HOT = re.compile(r"^(?P<prefix>.+?)[_.=:\- ](?P<value>[^_.=:\- ][^=]*)$")
_DOB_WORDS = frozenset({"dob", "birthdate", "birthday"})
_DOB_PHRASES = ("date_of_birth", "birth_date", "dateofbirth", "birthdate")


@dataclass(frozen=True)
class SensitiveAttribute:
    """One attribute the audit compares groups of."""

    name: str
    values: pd.Series
    """One value per row (the group label, or the raw value for a plain column)."""
    sources: tuple[str, ...]
    """The data columns it was built from."""


@dataclass(frozen=True)
class AttributePlan:
    attributes: tuple[SensitiveAttribute, ...]
    notes: tuple[str, ...]

    @property
    def frame(self) -> pd.DataFrame:
        if not self.attributes:
            return pd.DataFrame(index=pd.RangeIndex(0))
        return pd.DataFrame({a.name: a.values.reset_index(drop=True) for a in self.attributes})

    @property
    def sources(self) -> dict[str, tuple[str, ...]]:
        return {a.name: a.sources for a in self.attributes}


def plan_attributes(data: pd.DataFrame, columns: Sequence[str], *, detected: bool) -> AttributePlan:
    """The attributes to audit from ``columns`` of ``data`` (see the module docstring).

    ``detected``: the columns were found by name rather than given, so doubtful ones are
    dropped with a note instead of refused, and derived duplicates are audited once.
    """
    notes: list[str] = []
    remaining = list(dict.fromkeys(columns))
    attributes: list[SensitiveAttribute] = []
    band_notes: dict[str, str] = {}

    for attribute, used in _families(data, remaining):
        attributes.append(attribute)
        remaining = [c for c in remaining if c not in used]
        groups = ", ".join(map(str, sorted(pd.unique(attribute.values.dropna()), key=str)))
        what = "the indicator columns" if len(used) > 1 else "the one-hot column"
        notes.append(
            f"Read {what} {', '.join(used)} as one attribute, {attribute.name!r}, with groups "
            f"{groups}."
        )

    for column in remaining:
        series = data[column]
        if _is_date(series):
            if _is_birth_date(column):
                bands, reference = age_bands(series, data)
                attributes.append(SensitiveAttribute(f"{column} (age band)", bands, (column,)))
                band_notes[f"{column} (age band)"] = (
                    f"{column!r} holds dates of birth: audited as age bands "
                    f"({', '.join(label for _, label in AGE_BANDS)}) at {reference}, the latest "
                    "date in the data, rather than one group per date."
                )
                continue
            if detected:
                notes.append(
                    f"{column!r} holds dates, which are not a sensitive attribute: not used as groups."
                )
                continue
            raise InputError(
                f"sensitive column {column!r} holds dates, which are not groups",
                "name a date of birth (dob, birth_date) to audit age bands, or leave it out "
                "of --sensitive",
            )
        lone = _lone_indicator(column, series)
        if lone is not None:
            attributes.append(lone)
            continue
        if not _is_numeric(series):
            distinct = int(series.nunique(dropna=True))
            if distinct > MAX_TEXT_GROUPS:
                message = (
                    f"sensitive column {column!r} has {distinct:,} distinct values, more than "
                    f"the {MAX_TEXT_GROUPS} groups trustscan compares"
                )
                if detected:
                    notes.append(f"Not used as groups: {message}.")
                    continue
                raise InputError(
                    message,
                    "group it into fewer categories (e.g. regions instead of towns) or leave "
                    "it out of --sensitive",
                )
        attributes.append(SensitiveAttribute(column, series, (column,)))

    if detected:
        attributes, dropped = _without_duplicates(attributes)
        notes.extend(dropped)
    notes.extend(band_notes[a.name] for a in attributes if a.name in band_notes)
    return AttributePlan(tuple(attributes), tuple(notes))


# ----------------------------------------------------------------------------- families


def is_indicator(series: pd.Series) -> bool:
    """Whether a column holds only 0/1 (or true/false, yes/no) values."""
    return _binary(series) is not None


def _binary(series: pd.Series) -> np.ndarray | None:
    """The column as 0/1 (NaN kept as -1), or None when it is not a 0/1 indicator."""
    present = series.dropna()
    if present.empty:
        return None
    if pd.api.types.is_bool_dtype(present):
        values = present.astype(int)
    elif pd.api.types.is_numeric_dtype(present):
        values = present
    else:
        lowered = present.astype(str).str.strip().str.lower()
        mapping = {"1": 1, "0": 0, "true": 1, "false": 0, "yes": 1, "no": 0, "y": 1, "n": 0}
        if not set(lowered.unique()) <= set(mapping):
            return None
        values = lowered.map(mapping)
    uniques = set(pd.unique(values).tolist())
    if not uniques <= {0, 1} or not uniques:
        return None
    out = np.full(len(series), -1, dtype=np.int64)
    out[~series.isna().to_numpy()] = np.asarray(values, dtype=np.int64)
    return out


def race_word(column: str) -> str | None:
    tokens = words(column)
    core = [t for t in tokens if t not in {"is", "ind", "flag", "dummy", "d", "yn"}]
    joined = "".join(core)
    return joined if joined in RACE_INDICATORS else None


def _families(
    data: pd.DataFrame, columns: Sequence[str]
) -> list[tuple[SensitiveAttribute, tuple[str, ...]]]:
    """Indicator and one-hot families among ``columns`` that hold 0/1 values."""
    found: list[tuple[SensitiveAttribute, tuple[str, ...]]] = []
    taken: set[str] = set()
    race = [c for c in columns if race_word(c) is not None and _binary(data[c]) is not None]
    specific = [c for c in race if RACE_INDICATORS[race_word(c) or ""] not in _CATCH_ALL]
    members = specific if len(specific) >= 2 else race
    if len(members) >= 2:
        labels = [RACE_INDICATORS[race_word(c) or ""] for c in members]
        name = _free_name(data, "race", suffix=" (indicators)")
        found.append((_merge(data, members, labels, name), tuple(members)))
        taken.update(members)
    prefixes: dict[str, list[tuple[str, str]]] = {}
    for column in columns:
        if column in taken:
            continue
        hit = _ONE_HOT.match(column)
        if hit is None or _binary(data[column]) is None:
            continue
        prefix = hit.group("prefix")
        match = match_column(prefix)
        if match is None or match.strength != "direct" or match_column(column) is None:
            continue
        prefixes.setdefault(prefix, []).append((column, hit.group("value")))
    for prefix, items in prefixes.items():
        cols = [c for c, _ in items]
        labels = [v for _, v in items]
        name = _free_name(data, prefix, suffix=" (one-hot)")
        if len(cols) == 1:
            codes = _binary(data[cols[0]])
            assert codes is not None
            values = pd.Series(
                np.where(codes == 1, labels[0], f"not {labels[0]}"), dtype=object
            ).where(codes >= 0)
            found.append((SensitiveAttribute(name, values, tuple(cols)), tuple(cols)))
        else:
            found.append((_merge(data, cols, labels, name), tuple(cols)))
    return found


def _merge(
    data: pd.DataFrame, columns: Sequence[str], labels: Sequence[str], name: str
) -> SensitiveAttribute:
    coded = [_binary(data[c]) for c in columns]
    matrix = np.column_stack([c for c in coded if c is not None])
    ones = (matrix == 1).sum(axis=1)
    missing = np.asarray((matrix < 0).all(axis=1), dtype=bool)
    first = np.argmax(matrix == 1, axis=1)
    values = np.asarray(labels, dtype=object)[first]
    values = np.where(ones == 0, "other", np.where(ones > 1, "multiple", values))
    series = pd.Series(values, dtype=object).where(~missing)
    return SensitiveAttribute(name, series, tuple(columns))


def _free_name(data: pd.DataFrame, name: str, *, suffix: str) -> str:
    return name if name not in data.columns else f"{name}{suffix}"


def _lone_indicator(column: str, series: pd.Series) -> SensitiveAttribute | None:
    """A single 0/1 column named after a group, with readable group labels."""
    word = race_word(column)
    core = "".join(t for t in words(column) if t not in {"is", "ind", "flag", "dummy"})
    if word is None and core not in _SEX_INDICATORS:
        return None
    codes = _binary(series)
    if codes is None:
        return None
    label = RACE_INDICATORS[word] if word is not None else core
    yes = label
    no = _OPPOSITE.get(label, f"not {label}")
    if core in ("man", "woman"):
        no = "woman" if core == "man" else "man"
    values = pd.Series(np.where(codes == 1, yes, no), dtype=object).where(codes >= 0)
    return SensitiveAttribute(column, values, (column,))


# --------------------------------------------------------------------------------- dates


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _is_date(series: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(series):
        return True
    if _is_numeric(series) or pd.api.types.is_bool_dtype(series):
        return False
    sample = series.dropna().astype(str).head(200)
    if sample.empty or not sample.str.contains(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}").all():
        return False
    parsed = pd.to_datetime(sample, errors="coerce", format="mixed")
    return bool(parsed.notna().mean() >= 0.9)


def _is_birth_date(column: str) -> bool:
    tokens = words(column)
    joined = "".join(tokens)
    return bool(_DOB_WORDS & set(tokens)) or any(p.replace("_", "") in joined for p in _DOB_PHRASES)


def _as_dates(series: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series):
        return pd.to_datetime(series)
    return pd.to_datetime(series, errors="coerce", format="mixed")


def age_bands(series: pd.Series, data: pd.DataFrame) -> tuple[pd.Series, str]:
    """Age band of each date of birth at the latest date in the data (reproducible)."""
    born = _as_dates(series)
    latest = born.max()
    for column in data.columns:
        other = data[column]
        if other is series or not _is_date(other):
            continue
        candidate = _as_dates(other).max()
        if pd.notna(candidate) and (pd.isna(latest) or candidate > latest):
            latest = candidate
    years = (latest - born).dt.days.to_numpy(dtype=float) / 365.2425
    labels = np.empty(len(series), dtype=object)
    lower = -np.inf
    for upper, label in AGE_BANDS:
        labels[(years >= lower) & (years < upper)] = label
        lower = upper
    values = pd.Series(labels, dtype=object).where(~np.isnan(years))
    reference = latest.date().isoformat() if pd.notna(latest) else "an unknown date"
    return values, reference


# ---------------------------------------------------------------------------- duplicates


def _determines(a: pd.Series, b: pd.Series) -> bool:
    """Each value of ``a`` goes with a single value of ``b`` (``b`` is derived from ``a``)."""
    frame = pd.DataFrame({"a": a.to_numpy(), "b": b.astype("string").to_numpy()}).dropna()
    if frame.empty:
        return False
    return bool(frame.groupby("a", sort=False)["b"].nunique().max() <= 1)


def _category(attribute: SensitiveAttribute) -> str | None:
    if attribute.name.startswith("race") and len(attribute.sources) > 1:
        return "racial_ethnic_origin"
    if attribute.name.endswith("(age band)"):
        return "age"
    match = match_column(attribute.sources[0])
    if match is not None and match.strength == "direct":
        return match.category
    word = race_word(attribute.sources[0])
    return "racial_ethnic_origin" if word is not None else None


def _without_duplicates(
    attributes: list[SensitiveAttribute],
) -> tuple[list[SensitiveAttribute], list[str]]:
    """Drop attributes derived from another of the same category; keep categorical over
    numeric, then the finer one. Returns the kept attributes and a note per drop."""
    bands = [a for a in attributes if a.name.endswith("(age band)")]
    kept = [a for a in attributes if a not in bands]
    notes: list[str] = []
    changed = True
    while changed:
        changed = False
        for i, a in enumerate(kept):
            for b in kept[i + 1 :]:
                if _category(a) is None or _category(a) != _category(b):
                    continue
                a_of_b, b_of_a = _determines(b.values, a.values), _determines(a.values, b.values)
                if not (a_of_b or b_of_a):
                    continue
                keep, drop = _prefer(a, b, a_of_b, b_of_a)
                kept.remove(drop)
                notes.append(
                    f"{drop.name!r} and {keep.name!r} describe the same attribute (each value "
                    f"of one falls in a single value of the other): audited {keep.name!r} once."
                )
                changed = True
                break
            if changed:
                break
    ages = [a for a in kept if _category(a) == "age"]
    for band in bands:
        if ages:
            notes.append(
                f"Age is already audited from {ages[0].name!r}: {band.sources[0]!r} (date of "
                "birth) was not used as a second age attribute."
            )
        else:
            kept.append(band)
    order = {a.name: i for i, a in enumerate(attributes)}
    return sorted(kept, key=lambda a: order[a.name]), notes


def _prefer(
    a: SensitiveAttribute, b: SensitiveAttribute, a_of_b: bool, b_of_a: bool
) -> tuple[SensitiveAttribute, SensitiveAttribute]:
    numeric_a, numeric_b = _is_numeric(a.values), _is_numeric(b.values)
    if numeric_a != numeric_b:
        return (b, a) if numeric_a else (a, b)
    groups_a, groups_b = a.values.nunique(), b.values.nunique()
    if groups_a != groups_b:
        return (a, b) if groups_a > groups_b else (b, a)
    return a, b
