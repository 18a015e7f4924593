"""Detected attributes that describe the same thing (``age`` and ``age_cat``), audited once."""

from __future__ import annotations

import pandas as pd

from trustscan.sensitive.attribute import SensitiveAttribute
from trustscan.sensitive.groups import is_numeric
from trustscan.sensitive.indicators import race_word
from trustscan.sensitive.lexicon import match_column


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


def without_duplicates(
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
    numeric_a, numeric_b = is_numeric(a.values), is_numeric(b.values)
    if numeric_a != numeric_b:
        return (b, a) if numeric_a else (a, b)
    groups_a, groups_b = a.values.nunique(), b.values.nunique()
    if groups_a != groups_b:
        return (a, b) if groups_a > groups_b else (b, a)
    return a, b
