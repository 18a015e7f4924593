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
- **identifiers**: whole numbers nearly unique per row (more than ``MIN_IDENTIFIER_VALUES``
  of them) are not groups, whatever the name says: dropped with a note when detected,
  refused when named;
- **too many groups**: a numeric attribute with more than ``MAX_GROUPS`` values is cut into
  quartiles (``sensitive.groups``); a text attribute with more than ``MAX_TEXT_GROUPS`` values
  cannot be compared group by group: refused (exit 2) when named, dropped with a note when
  detected.

The parts live in ``indicators`` (families and lone indicators), ``birth_dates`` and
``duplicates``; this module plans the attributes from them.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from trustscan.errors import InputError
from trustscan.sensitive.attribute import AttributePlan, SensitiveAttribute
from trustscan.sensitive.birth_dates import AGE_BANDS, age_bands, is_birth_date, is_date
from trustscan.sensitive.duplicates import without_duplicates
from trustscan.sensitive.groups import is_numeric
from trustscan.sensitive.indicators import families, lone_indicator

MAX_TEXT_GROUPS = 50
"""A text sensitive column with more distinct values than this is not compared group by group."""
MIN_IDENTIFIER_VALUES = 120
"""Whole numbers with more distinct values than any age has years, nearly one per row, are an
identifier (mlmRev's Contraception: 'woman' numbers the 1,934 women 1..1934)."""


def _is_identifier(series: pd.Series) -> bool:
    present = series.dropna()
    distinct = int(present.nunique())
    if distinct <= MIN_IDENTIFIER_VALUES or distinct < 0.9 * present.size:
        return False
    values = present.to_numpy(dtype=float)
    return bool((values == values.round()).all())


def plan_attributes(data: pd.DataFrame, columns: Sequence[str], *, detected: bool) -> AttributePlan:
    """The attributes to audit from ``columns`` of ``data`` (see the module docstring).

    ``detected``: the columns were found by name rather than given, so doubtful ones are
    dropped with a note instead of refused, and derived duplicates are audited once.
    """
    notes: list[str] = []
    remaining = list(dict.fromkeys(columns))
    attributes: list[SensitiveAttribute] = []
    band_notes: dict[str, str] = {}

    for attribute, used in families(data, remaining):
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
        if is_date(series):
            if is_birth_date(column):
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
        lone = lone_indicator(column, series)
        if lone is not None:
            attributes.append(lone)
            continue
        if is_numeric(series) and _is_identifier(series):
            message = (
                f"sensitive column {column!r} holds a different whole number for almost every "
                "row: an identifier, not groups"
            )
            if detected:
                notes.append(f"Not used as groups: {message}.")
                continue
            raise InputError(message, "leave it out of --sensitive, or name the attribute itself")
        if not is_numeric(series):
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
        attributes, dropped = without_duplicates(attributes)
        notes.extend(dropped)
    notes.extend(band_notes[a.name] for a in attributes if a.name in band_notes)
    return AttributePlan(tuple(attributes), tuple(notes))
