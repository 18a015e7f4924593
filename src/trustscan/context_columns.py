"""Which columns an audit reads and uses (features, target, sensitive values), checked with
a one-line error naming the file, the column and the option before any check runs."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from trustscan.config import ScanConfig
from trustscan.errors import InputError
from trustscan.loading import ModelAdapter
from trustscan.loading.data import listed_names

_ID_LIKE = re.compile(r"(^|[_\-\s])(id|uuid|guid|key)$|^id[_\-]", re.IGNORECASE)


def _columns_to_read(
    config: ScanConfig, model: ModelAdapter | None, available: tuple[str, ...] | None
) -> list[str] | None:
    """The columns the audit uses, in file order; None = read every column.

    Needed: target, sensitive, decision and score columns, the features, and id-like
    columns (cheap, and they keep ``data.quality``'s duplicate count about whole records).
    Everything is needed when the features are not known before reading (predictions-only
    mode without ``--features``, where every other column is a feature and a candidate
    proxy for ``leakage.proxy_features``; or a model without recorded input names) or when
    sensitive columns must be auto-detected from the data.
    """
    if available is None or not config.sensitive:
        return None
    if config.features is not None:
        features: tuple[str, ...] = config.features
    elif model is not None and model.feature_names is not None:
        features = model.feature_names
    else:
        return None
    wanted = {
        *features,
        *config.sensitive,
        *(
            c
            for c in (
                config.target,
                config.predictions_column,
                config.scores_column,
                config.condition,
                config.counts_column,
            )
            if c
        ),
    }
    # Names the file lacks are left out here; the checks below then raise the usual error.
    return [c for c in available if c in wanted or _ID_LIKE.search(c)]


def require_columns(data: pd.DataFrame, columns: Any, what: str, where: str, flag: str) -> None:
    """Exit-2 error naming the ``columns`` missing from ``data`` and the option that named them."""
    missing = [c for c in columns if c not in data.columns]
    if missing:
        available = ", ".join(map(str, list(data.columns)[:12]))
        more = " ..." if data.shape[1] > 12 else ""
        raise InputError(
            f"{what} {', '.join(map(repr, missing))} not found in {where}",
            f"check {flag}; available columns: {available}{more}",
        )


def _choose_features(
    config: ScanConfig, data: pd.DataFrame, model: ModelAdapter | None
) -> tuple[str, ...]:
    where = config.data_path.name
    if config.features is not None:
        require_columns(data, config.features, "feature column", where, "--features")
        return config.features
    if model is not None and model.feature_names is not None:
        missing = [c for c in model.feature_names if c not in data.columns]
        if missing:
            raise InputError(
                f"the model needs feature columns missing from {where}: {', '.join(missing)}",
                "add them to the data or audit the dataset the model was trained on",
            )
        return model.feature_names
    excluded = {config.target, config.predictions_column, config.scores_column, *config.sensitive}
    chosen = tuple(
        str(c) for c in data.columns if c not in excluded and not _ID_LIKE.search(str(c))
    )
    if not chosen and model is not None:
        raise InputError(
            f"no feature columns left in {where} after removing target, sensitive and id columns",
            "name the model's inputs with --features",
        )
    expected = getattr(model.estimator, "n_features_in_", None) if model is not None else None
    if isinstance(expected, int) and expected != len(chosen):
        raise InputError(
            f"the model takes {expected} inputs and records no column names, but {len(chosen)} "
            f"columns of {where} are left after removing target, sensitive and id columns "
            f"({listed_names(chosen)})",
            "name the model's inputs, in training order, with --features",
        )
    # A bare decision log (sensitive columns, decision, outcome) has no features: the
    # counts-based checks run on it and the checks that need features skip, saying so.
    return chosen


def _validate_target(y_true: np.ndarray, name: str, where: str) -> None:
    series = pd.Series(y_true)
    missing = int(series.isna().sum())
    infinite = 0
    if series.dtype.kind == "f":
        infinite = int(np.isinf(series.to_numpy()).sum())
    elif series.dtype.kind == "O":
        infinite = int(series.map(lambda v: isinstance(v, float) and np.isinf(v)).sum())
    if (missing or infinite) and missing < series.size:
        # A missing or infinite outcome would silently count as the negative class, or turn a
        # 0/1 target into a regression target: refuse it, naming the count.
        parts = [
            f"{infinite:,} infinite" if infinite else "",
            f"{missing:,} empty" if missing else "",
        ]
        raise InputError(
            f"target column {name!r} in {where} has {' and '.join(p for p in parts if p)} "
            f"value(s) out of {series.size:,}",
            "drop those rows (or fill in their outcomes) before auditing, or leave out --target",
        )
    present = series.dropna()
    if present.empty:
        raise InputError(f"target column {name!r} in {where} is entirely empty")
    if present.nunique() < 2:
        raise InputError(
            f"target column {name!r} in {where} has a single class ({present.iloc[0]!r})",
            "fairness and performance need both outcomes; audit a sample with both classes",
        )


def _to_numpy(column: pd.Series) -> np.ndarray | pd.api.extensions.ExtensionArray:
    """The values of one column of ``AuditContext.sensitive``: ``column.to_numpy()``, except
    a column already of the text dtype pandas infers for Python strings (pandas >= 3: the
    pyarrow ``str``) keeps its array: the frame would convert the 1M Python strings back to
    exactly that array (~0.3 s at 1M rows for two columns)."""
    if column.dtype == _inferred_text_dtype():
        array: pd.api.extensions.ExtensionArray = column.array
        return array
    values: np.ndarray = column.to_numpy()
    return values


@lru_cache(maxsize=1)
def _inferred_text_dtype() -> object:
    return pd.Series(np.array(["a"], dtype=object)).dtype
