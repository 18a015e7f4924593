"""Dates among the sensitive columns: a date of birth becomes age bands (at the latest date
in the data, so the audit is reproducible); any other date is not a group."""

from __future__ import annotations

import numpy as np
import pandas as pd

from trustscan.sensitive.groups import is_numeric
from trustscan.sensitive.lexicon import words

AGE_BANDS: tuple[tuple[float, str], ...] = (
    (25, "under 25"),
    (35, "25–34"),
    (45, "35–44"),
    (55, "45–54"),
    (65, "55–64"),
    (float("inf"), "65 and over"),
)
"""Age bands for a date of birth: (upper bound, exclusive; label)."""


_DOB_WORDS = frozenset({"dob", "birthdate", "birthday"})
_DOB_PHRASES = ("date_of_birth", "birth_date", "dateofbirth", "birthdate")


def is_date(series: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(series):
        return True
    if is_numeric(series) or pd.api.types.is_bool_dtype(series):
        return False
    sample = series.dropna().astype(str).head(200)
    if sample.empty or not sample.str.contains(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}").all():
        return False
    parsed = pd.to_datetime(sample, errors="coerce", format="mixed")
    return bool(parsed.notna().mean() >= 0.9)


def is_birth_date(column: str) -> bool:
    tokens = words(column)
    joined = "".join(tokens)
    return bool(_DOB_WORDS & set(tokens)) or any(p.replace("_", "") in joined for p in _DOB_PHRASES)


def as_dates(series: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series):
        return pd.to_datetime(series)
    return pd.to_datetime(series, errors="coerce", format="mixed")


def age_bands(series: pd.Series, data: pd.DataFrame) -> tuple[pd.Series, str]:
    """Age band of each date of birth at the latest date in the data (reproducible)."""
    born = as_dates(series)
    latest = born.max()
    for column in data.columns:
        other = data[column]
        if other is series or not is_date(other):
            continue
        candidate = as_dates(other).max()
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
