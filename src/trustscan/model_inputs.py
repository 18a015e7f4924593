"""Model inputs read back as the types the model's encoders were fitted on.

A CSV does not keep types: a category column of the text labels ``"True"`` / ``"False"`` or
``"1"`` / ``"2"`` (zip codes, codes) is read back as booleans or integers, and a scikit-learn
``OneHotEncoder`` / ``OrdinalEncoder`` fitted on the text then rejects every row ("unseen
labels"). The encoders record what they were fitted on (``categories_``), so such a column
is turned back into its text before the model sees it, and the report says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

_ENCODERS = ("OneHotEncoder", "OrdinalEncoder")


def text_encoded_columns(estimator: Any) -> set[str]:
    """Input columns that a fitted encoder inside ``estimator`` (a Pipeline, a
    ColumnTransformer, or an encoder) learned as text labels only."""
    found: set[str] = set()
    try:
        encoders = list(_encoders(estimator, None))
    except Exception:  # a model of another make with look-alike attributes: left as read
        return found
    for encoder, columns in encoders:
        categories = getattr(encoder, "categories_", None)
        if categories is None or columns is None or len(columns) != len(categories):
            continue
        for column, labels in zip(columns, categories, strict=True):
            values = [v for v in np.asarray(labels, dtype=object).tolist() if v is not None]
            if values and all(isinstance(v, str) for v in values):
                found.add(str(column))
    return found


def _encoders(estimator: Any, columns: list[str] | None) -> Iterator[tuple[Any, list[str] | None]]:
    """Each encoder with the input column names it reads (None when unknown)."""
    if type(estimator).__name__ in _ENCODERS:
        names = getattr(estimator, "feature_names_in_", None)
        yield estimator, [str(n) for n in names] if names is not None else columns
        return
    steps = getattr(estimator, "steps", None)
    if steps:  # a Pipeline: only its first step reads the raw columns
        yield from _encoders(steps[0][1], columns)
        return
    transformers = getattr(estimator, "transformers_", None)
    if transformers:
        names = getattr(estimator, "feature_names_in_", None)
        for _, transformer, selection in transformers:
            if isinstance(transformer, str):  # "drop" / "passthrough"
                continue
            picked = _selected(selection, names)
            yield from _encoders(transformer, picked)


def _selected(selection: Any, names: Any) -> list[str] | None:
    items = list(np.atleast_1d(np.asarray(selection, dtype=object)))
    if all(isinstance(i, str) for i in items):
        return [str(i) for i in items]
    if names is None:
        return None
    all_names = [str(n) for n in names]
    if all(isinstance(i, bool | np.bool_) for i in items) and len(items) == len(all_names):
        return [n for n, keep in zip(all_names, items, strict=True) if keep]
    if all(isinstance(i, int | np.integer) for i in items):
        return [all_names[int(i)] for i in items]
    return None


def as_encoded_text(features: pd.DataFrame, estimator: Any) -> tuple[pd.DataFrame, str | None]:
    """``features`` with the text-encoded columns that were read as numbers or booleans
    turned back into text, and a note naming them (None when nothing changed)."""
    wanted = text_encoded_columns(estimator)
    changed = [
        str(c)
        for c in features.columns
        if str(c) in wanted
        and (pd.api.types.is_bool_dtype(features[c]) or pd.api.types.is_integer_dtype(features[c]))
    ]
    if not changed:
        return features, None
    converted = features.copy()
    for column in changed:
        series = converted[column]
        converted[column] = series.astype(object).where(series.isna(), series.astype(str))
    note = (
        f"Read {', '.join(repr(c) for c in changed)} as text: the model's encoder was fitted "
        "on text labels, which the data file stores as numbers or true/false."
    )
    return converted, note
