"""Predictions-only group counts from a Parquet file larger than memory, one row group at a time.

``stream_group_counts`` reads only the sensitive, decision/score and target columns of one
row group at a time and adds it to ``stats.streaming`` accumulators, so memory is bounded by
the largest row group, whatever the file's size. The result is the same ``GroupCounts`` the
in-memory fairness path builds (same labels, same order, same numbers), from which every
selection and error rate, ratio, test and count-level bootstrap interval follows::

    from trustscan.loading.parquet_stream import stream_group_counts
    from trustscan.stats import rate, ratio_to_reference

    streamed = stream_group_counts(
        "decisions.parquet", sensitive=["gender", "race"], predictions="approved",
        target="repaid", positive_label=1,
    )
    counts = streamed.counts["gender"]
    selection = rate(counts, "selection_rate")

This is an API, not (yet) a ``trustscan scan`` option: the checks read an in-memory
``AuditContext``. Write Parquet with bounded row groups (``row_group_size``) for it to help.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from trustscan.errors import InputError
from trustscan.stats.groups import GroupCounts
from trustscan.stats.streaming import accumulators


@dataclass(frozen=True)
class StreamedCounts:
    """Group counts of every grouping, and what was read to get them."""

    counts: dict[str, GroupCounts]
    """Grouping name (``gender``, ``gender × race``) -> counts."""
    rows: int
    row_groups: int
    max_batch_rows: int
    """The most rows held in memory at once (the largest row group)."""
    columns: tuple[str, ...]
    """The only columns that were read."""


def iter_row_groups(path: Path | str, columns: Sequence[str]) -> Iterator[pd.DataFrame]:
    """Each row group of ``path`` as a DataFrame of ``columns`` only, one at a time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        reader = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(
            f"could not read Parquet file {path}: {str(exc).splitlines()[0]}",
            "check that the file is a complete Parquet file",
        ) from exc
    missing = [c for c in columns if c not in reader.schema_arrow.names]
    if missing:
        raise InputError(
            f"column(s) {', '.join(map(repr, missing))} not found in {Path(path).name}",
            "check --sensitive, --predictions, --scores and --target",
        )
    for index in range(reader.num_row_groups):
        yield reader.read_row_group(index, columns=list(columns)).to_pandas()


def stream_group_counts(
    path: Path | str,
    *,
    sensitive: Sequence[str],
    predictions: str | None = None,
    scores: str | None = None,
    threshold: float = 0.5,
    target: str | None = None,
    positive_label: Any = 1,
    max_order: int = 3,
) -> StreamedCounts:
    """Group counts for every sensitive column and intersection, streaming ``path``.

    Decisions are ``predictions == positive_label``, or ``scores >= threshold`` when only
    ``scores`` is given; with ``target`` the counts carry TP/FP/TN/FN.
    """
    if not sensitive:
        raise InputError("streaming needs at least one sensitive column", "pass --sensitive")
    if (predictions is None) == (scores is None):
        raise InputError("pass exactly one of predictions or scores for a streamed audit")
    outcome = predictions if predictions is not None else scores
    assert outcome is not None
    columns = tuple(dict.fromkeys([*sensitive, outcome, *([target] if target else [])]))
    accs = accumulators(sensitive, with_target=target is not None, max_order=max_order)
    rows = groups = biggest = 0
    for batch in iter_row_groups(path, columns):
        if predictions is not None:
            values = batch[predictions]
            if bool(values.isna().any()):
                raise InputError(
                    f"predictions column {predictions!r} has empty values",
                    "every audited row needs a decision",
                )
            selected = _equals(values, positive_label)
        else:
            score = pd.to_numeric(batch[outcome], errors="coerce").to_numpy(dtype=float)
            if np.isnan(score).any():
                raise InputError(f"scores column {outcome!r} has empty or non-numeric values")
            selected = score >= threshold
        truth = _equals(batch[target], positive_label) if target else None
        for acc in accs:
            acc.add([batch[c] for c in acc.columns], selected, truth)
        rows += batch.shape[0]
        groups += 1
        biggest = max(biggest, batch.shape[0])
        del batch  # hold one row group at a time
    return StreamedCounts(
        counts={acc.name: acc.result() for acc in accs},
        rows=rows,
        row_groups=groups,
        max_batch_rows=biggest,
        columns=columns,
    )


def _equals(values: pd.Series, label: Any) -> np.ndarray:
    """``values == label`` as the context compares decisions (text when types differ)."""
    if pd.api.types.is_numeric_dtype(values) and not isinstance(label, str):
        return np.asarray(values.to_numpy() == label, dtype=bool)
    return np.asarray(values.astype(str).to_numpy() == str(label), dtype=bool)
