"""0/1 indicator columns read as groups: race indicator families (``black``, ``white``,
``hispan`` → one ``race`` attribute), one-hot families (``sex_Male``, ``sex_Female``) and lone
indicators with readable labels (``female`` / ``male``, ``black`` / ``not black``)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from trustscan.sensitive.attribute import SensitiveAttribute
from trustscan.sensitive.lexicon import match_column, words

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


def is_indicator(series: pd.Series) -> bool:
    """Whether a column holds only 0/1 (or true/false, yes/no) values."""
    return binary_codes(series) is not None


def binary_codes(series: pd.Series) -> np.ndarray | None:
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


def families(
    data: pd.DataFrame, columns: Sequence[str]
) -> list[tuple[SensitiveAttribute, tuple[str, ...]]]:
    """Indicator and one-hot families among ``columns`` that hold 0/1 values."""
    found: list[tuple[SensitiveAttribute, tuple[str, ...]]] = []
    taken: set[str] = set()
    race = [c for c in columns if race_word(c) is not None and binary_codes(data[c]) is not None]
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
        if hit is None or binary_codes(data[column]) is None:
            continue
        prefix = hit.group("prefix")
        match = match_column(prefix)
        whole = match_column(column)
        if match is None or match.strength != "direct" or whole is None:
            continue
        if _spans(whole.term, prefix, hit.group("value")):
            continue  # foreign_worker is one attribute, not foreign = "worker"
        prefixes.setdefault(prefix, []).append((column, hit.group("value")))
    for prefix, items in prefixes.items():
        cols = [c for c, _ in items]
        labels = [v for _, v in items]
        name = _free_name(data, prefix, suffix=" (one-hot)")
        if len(cols) == 1:
            codes = binary_codes(data[cols[0]])
            assert codes is not None
            values = pd.Series(
                np.where(codes == 1, labels[0], f"not {labels[0]}"), dtype=object
            ).where(codes >= 0)
            found.append((SensitiveAttribute(name, values, tuple(cols)), tuple(cols)))
        else:
            found.append((_merge(data, cols, labels, name), tuple(cols)))
    return found


def _spans(term: str, prefix: str, value: str) -> bool:
    """Whether the whole name's lexicon term runs across the prefix and the value (the
    phrase ``foreign_worker``), so the name is not a prefix and a one-hot value."""
    term_words = set(words(term))
    return not term_words <= set(words(prefix)) and not term_words <= set(words(value))


def _merge(
    data: pd.DataFrame, columns: Sequence[str], labels: Sequence[str], name: str
) -> SensitiveAttribute:
    coded = [binary_codes(data[c]) for c in columns]
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


def lone_indicator(column: str, series: pd.Series) -> SensitiveAttribute | None:
    """A single 0/1 column named after a group, with readable group labels."""
    word = race_word(column)
    core = "".join(t for t in words(column) if t not in {"is", "ind", "flag", "dummy"})
    if word is None and core not in _SEX_INDICATORS:
        return None
    codes = binary_codes(series)
    if codes is None:
        return None
    label = RACE_INDICATORS[word] if word is not None else core
    yes = label
    no = _OPPOSITE.get(label, f"not {label}")
    if core in ("man", "woman"):
        no = "woman" if core == "man" else "man"
    values = pd.Series(np.where(codes == 1, yes, no), dtype=object).where(codes >= 0)
    return SensitiveAttribute(column, values, (column,))
