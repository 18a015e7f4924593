"""SQL helpers for the DuckDB source: quoting, column types, streamed Arrow batches and the
file-order scan that proves a column unique without a GROUP BY."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np


def quote(name: str) -> str:
    """A SQL identifier for any column name."""
    return '"' + str(name).replace('"', '""') + '"'


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


_ORDERED_TYPES = ("BIGINT", "INTEGER", "UBIGINT", "UINTEGER", "DATE", "TIMESTAMP")
"""Types wide enough to hold a distinct value per row of a large file, compared in numpy."""
_ORDER_BATCH = 1 << 20


def monotonic_column(con: Any, types: dict[str, str], rows: int = _ORDER_BATCH) -> str | None:
    """A column whose values strictly rise, or strictly fall, from the first row to the
    last (so no two rows are equal), read in file order batch by batch; None when there is
    none. A column drops out at its first tie, gap or turn, so data without such a column
    costs about one batch."""
    names = [c for c, kind in types.items() if kind.upper().startswith(_ORDERED_TYPES)]
    if not names:
        return None
    rising: dict[str, bool | None] = dict.fromkeys(names)
    """Per column still in the running: True rising, False falling, None not yet known."""
    last: dict[str, Any] = {}
    columns = ", ".join(quote(c) for c in names)
    for batch in arrow_batches(con, f"SELECT {columns} FROM data", rows):
        for name in list(rising):
            column = batch.column(name)
            if column.null_count:
                del rising[name]
                continue
            values = column.to_numpy(zero_copy_only=False)
            if name in last:
                values = np.concatenate((np.asarray([last[name]], dtype=values.dtype), values))
            if len(values) < 2:
                last.update({name: values[-1]} if len(values) else {})
                continue
            up = rising[name]
            if up is None:
                up = bool(values[1] > values[0])
            ordered = values[1:] > values[:-1] if up else values[1:] < values[:-1]
            if not bool(ordered.all()):
                del rising[name]
                continue
            rising[name], last[name] = up, values[-1]
        if not rising:
            return None
    return next((name for name, up in rising.items() if up is not None), None)


def arrow_batches(con: Any, sql: str, rows: int = _ORDER_BATCH) -> Iterator[Any]:
    """The rows of ``sql`` as Arrow record batches, streamed (never all in memory), on a
    cursor of their own so that the connection stays free and a reader left early ends."""
    cursor = con.cursor()
    try:
        relation = cursor.sql(sql)
        reader = getattr(relation, "to_arrow_reader", None)  # DuckDB >= 1.4
        yield from reader(rows) if reader is not None else relation.fetch_arrow_reader(rows)
    finally:
        cursor.close()


def is_numeric_type(kind: str) -> bool:
    kind = kind.upper()
    return kind.startswith(
        (
            "DOUBLE",
            "FLOAT",
            "REAL",
            "DECIMAL",
            "TINYINT",
            "SMALLINT",
            "INTEGER",
            "BIGINT",
            "HUGEINT",
            "UTINYINT",
            "USMALLINT",
            "UINTEGER",
            "UBIGINT",
        )
    )
