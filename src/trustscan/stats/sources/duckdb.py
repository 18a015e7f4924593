"""The DuckDB source: CSV/Parquet files of any size, scanned out of core.

DuckDB is embedded (no server) and streams files, spilling to a temporary folder beyond
its memory limit, so the audit's memory no longer grows with the rows. Every statistic is
one SQL query over a view of the files; only small results (cells, column statistics, a
row sample) come back to Python. The queries are plain SQL rather than Ibis: five short
statements with DuckDB-specific helpers (``hash``, ``GROUP BY ALL``, ``approx_count_distinct``)
are simpler to read and test than an expression layer, and Spark gets its own DataFrame
code (see ``spark.py``) with the same results checked by the engine tests.
"""

from __future__ import annotations

import logging
import math
import tempfile
import time
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

from trustscan.errors import InputError
from trustscan.loading.datasets import DataFiles
from trustscan.stats.sources import duckdb_cells
from trustscan.stats.sources.base import (
    EXACT_SCORE_LEVELS,
    MAX_CELLS,
    Cells,
    ColumnStats,
    Roles,
    RowSample,
    ScoreBinning,
    score_bins,
)
from trustscan.stats.sources.duckdb_sql import (
    arrow_batches,
    is_numeric_type,
    monotonic_column,
    quote,
    sql_literal,
)

LOG = logging.getLogger(__name__)
"""Each query's seconds at DEBUG level (``TRUSTSCAN_LOG=debug``-style profiling)."""

SAMPLE_FLOOR = 2_000
"""Each group combination keeps at least this many rows (or all of its rows) in the sample."""
_HASH_SPACE = 1 << 32


class DuckDBSource:
    """Statistics of CSV/Parquet files computed by an embedded DuckDB."""

    engine = "duckdb"

    def __init__(
        self,
        files: DataFiles,
        *,
        encoding: str = "utf-8",
        memory_limit: int | None = None,
        threads: int | None = None,
        keep: object = None,
        added: Sequence[str] = (),
    ) -> None:
        import duckdb

        self.files = files
        self._keep = keep  # what must live as long as the source (a folder holding the files)
        self._added = tuple(added)
        """Columns trustscan wrote (a model's batch predictions): not the user's data."""
        self.label = "DuckDB"
        count = len(files.paths)
        self.name = f"{files.name} ({count} file{'s' if count != 1 else ''})"
        self._spill = tempfile.TemporaryDirectory(prefix="trustscan-duckdb-")
        config: dict[str, Any] = {
            # Never fetch an extension at run time: Parquet and CSV readers are built in.
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "temp_directory": self._spill.name,
        }
        if memory_limit is not None:
            config["memory_limit"] = f"{max(memory_limit // 2**20, 64)}MB"
        if threads is not None:
            config["threads"] = threads
        self._con = duckdb.connect(":memory:", config=config)
        # trustscan reports its own progress; DuckDB's bar would break the calm terminal.
        self._con.execute("SET enable_progress_bar = false")
        self._duckdb_error = duckdb.Error
        paths = "[" + ", ".join(sql_literal(str(p)) for p in files.paths) + "]"
        if files.format == "parquet":
            reader = f"read_parquet({paths})"
        else:
            options = (
                ""
                if encoding.lower() in ("utf-8", "utf8")
                else f", encoding = {sql_literal(encoding)}"
            )
            reader = f"read_csv({paths}, header = true{options})"
        self._execute(f"CREATE VIEW data AS SELECT * FROM {reader}")
        described = self._execute("DESCRIBE data").fetchall()
        self._types = {str(row[0]): str(row[1]) for row in described}
        self._rows: int | None = None
        self._binning: dict[str, ScoreBinning] = {}
        self._at_least: set[str] = set()
        """Scores whose distinct values were counted in the first rows only."""
        self._measured: dict[str | None, tuple[int, Any, Any]] = {}
        """Per score column (None: none), its distinct values and range, once measured."""
        self._profile: dict[str, tuple[int, bool]] | None = None
        """Per column: missing values and whether min equals max (from the cells' pass)."""
        self._cell_keys: tuple[str, ...] = ()
        """The raw columns the ``cells`` table is grouped by (its score excluded)."""

    def close(self) -> None:
        self._con.close()
        self._spill.cleanup()

    # ------------------------------------------------------------------------- queries

    def _execute(self, sql: str, parameters: Sequence[Any] | None = None) -> Any:
        started = time.perf_counter()
        try:
            result = self._con.execute(sql, parameters or [])
            LOG.debug("%.2f s  %s", time.perf_counter() - started, sql)
            return result
        except self._duckdb_error as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            hint = (
                "raise TRUSTSCAN_MEMORY_BUDGET (DuckDB may use half of it) or free disk space "
                "in the temporary folder"
                if "memory" in first.lower() or "disk" in first.lower()
                else "check that every file is complete and has the same columns"
            )
            raise InputError(f"could not read {self.files.name}: {first[:200]}", hint) from exc

    def columns(self) -> tuple[str, ...]:
        return tuple(self._types)

    def head(self, rows: int) -> pd.DataFrame:
        """The first ``rows`` rows."""
        frame: pd.DataFrame = self._execute(f"SELECT * FROM data LIMIT {int(rows)}").df()
        return frame

    def batches(self, sql: str, rows: int) -> Iterator[Any]:
        """The rows of ``sql`` over the view ``data`` as Arrow record batches, streamed."""
        return arrow_batches(self._con, sql, rows)

    def n_rows(self) -> int:
        if self._rows is None:
            self._rows = int(self._execute("SELECT count(*) FROM data").fetchone()[0])
        return self._rows

    def cells(self, roles: Roles) -> Cells:
        """``GROUP BY`` the raw role values; the score exactly or in fine bins.

        Three passes in all, each streaming the files once: one aggregate measures the score
        (distinct values, range) together with every column's statistics for data quality;
        one ``GROUP BY`` writes the cells to a temporary table, counted and read from there;
        the row sample then takes its strata counts from that table (see ``sample``)."""
        keys = [c for c in roles.columns if c != roles.score]
        binning = None
        select = [quote(c) for c in keys]
        # The first rows of the role columns: whether the score is too fine to keep
        # exactly, and the values of each key column, show there without a pass.
        every = ", ".join(quote(c) for c in roles.columns) or "1"
        self._execute(
            f"CREATE OR REPLACE TEMP TABLE __first AS SELECT {every} FROM data "
            f"LIMIT {duckdb_cells.DICTIONARY_ROWS}"
        )
        if roles.score is not None:
            binning, expression = self._score_expression(roles.score, skip=roles.columns)
            select.append(f"{expression} AS {quote(roles.score)}")
        else:
            self._measure(None, skip=roles.columns)
        if binning is not None and not binning.exact and self._counted_in_numpy(keys, roles.score):
            return self._fetch_cells(binning, "")
        group = " GROUP BY ALL" if select else ""
        columns = ", ".join(select) + (", " if select else "")
        self._execute(
            f"CREATE OR REPLACE TEMP TABLE __cells AS SELECT {columns}count(*) AS __rows "
            f"FROM data{group}"
        )
        self._cell_keys = tuple(keys)
        return self._fetch_cells(binning, " ORDER BY ALL" if select else "")

    def _counted_in_numpy(self, keys: Sequence[str], score: str | None) -> bool:
        """Binned cells of Parquet files counted by ``duckdb_cells`` into ``__cells``;
        False when that does not apply (DuckDB then groups)."""
        if self.files.format != "parquet" or score is None:
            return False
        parts = ", ".join(f"count(*) - count({quote(c)})" for c in keys)
        missing = self._execute(f"SELECT {parts or '0'} FROM data").fetchone()
        nulls = {c: bool(missing[i]) for i, c in enumerate(keys)}
        _, _, high = self._measured[score]
        frame = duckdb_cells.binned_cells(
            lambda sql: self._execute(sql),
            lambda sql, rows: arrow_batches(self._con, sql, rows),
            keys, score, self._binning[score], float(high), nulls, quote,
        )  # fmt: skip
        if frame is None:
            return False
        self._con.register("__counted", frame)
        self._execute("CREATE OR REPLACE TEMP TABLE __cells AS SELECT * FROM __counted")
        self._con.unregister("__counted")
        # The sample joins its strata to these columns: safe where pandas kept the type.
        self._cell_keys = tuple(c for c in keys if not nulls[c] or self._types[c] == "VARCHAR")
        return True

    def _fetch_cells(self, binning: ScoreBinning | None, order: str) -> Cells:
        n_cells = int(self._execute("SELECT count(*) FROM __cells").fetchone()[0])
        if n_cells > MAX_CELLS:
            raise InputError(
                f"{self.files.name} has {n_cells:,} distinct combinations of the sensitive, "
                f"decision, target and score values, more than the {MAX_CELLS:,} an out-of-core "
                "audit keeps",
                "group the sensitive columns into fewer categories, or audit a regression "
                "target in memory on a sample",
            )
        frame = self._execute(f"SELECT * FROM __cells{order}").df()
        weights = frame.pop("__rows").to_numpy(dtype=np.int64)
        return Cells(frame.reset_index(drop=True), weights, binning)

    def _measure(self, score: str | None, *, skip: Sequence[str] = ()) -> tuple[int, Any, Any]:
        """The missing values and min = max of every column but ``skip`` (the roles, which
        data quality does not ask about; kept for ``column_stats``) and the score's distinct
        values and finite range. Counts of non-missing values, minima and maxima come from
        Parquet footers without reading the rows; one pass reads only the score and the
        floating-point columns (NaN is missing to pandas, and footers do not count it)."""
        if score in self._measured or (score is None and self._profile is not None):
            return self._measured.get(score, (0, None, None))
        names = [c for c in self.columns() if c not in skip]
        described = [*names, *([score] if score is not None else [])]
        parts = ["count(*)"] + [
            f"{f}({quote(c)})" for c in described for f in ("count", "min", "max")
        ]
        row = self._execute(f"SELECT {', '.join(parts)} FROM data").fetchone()
        self._rows = n = int(row[0])
        footer = {c: row[1 + 3 * i : 4 + 3 * i] for i, c in enumerate(described)}
        floats = [c for c in names if self._types.get(c, "") in ("DOUBLE", "FLOAT", "REAL")]
        scanned = [f"sum(isnan({quote(c)})::BIGINT)" for c in floats]
        # The score's range from the footers when both ends are finite numbers (footers
        # leave NaN out); else from the finite scores.
        ends = footer[score][1:] if score is not None else ()
        footed = all(isinstance(e, (int, float)) and math.isfinite(e) for e in ends)
        first = 0
        if score is not None:
            column = quote(score)
            finite = f"FILTER (WHERE isfinite({column}::DOUBLE))"
            first = int(
                self._execute(f"SELECT count(DISTINCT {column}) {finite} FROM __first").fetchone()[
                    0
                ]
            )
            # Too many distinct scores in the first rows already: no need to count them all.
            counting = () if first > EXACT_SCORE_LEVELS else ("approx_count_distinct",)
            aggregates = (*counting, *(() if footed else ("min", "max")))
            scanned.extend(f"{f}({column}) {finite}" for f in aggregates)
        found = (
            self._execute(f"SELECT {', '.join(scanned)} FROM data").fetchone() if scanned else ()
        )
        if score is not None:
            found = (
                *found[: len(floats)],
                *((first,) if first > EXACT_SCORE_LEVELS else ()),
                *found[len(floats) :],
                *(ends if footed else ()),
            )
            if first > EXACT_SCORE_LEVELS:
                self._at_least.add(score)
        nan = {c: int(found[i] or 0) for i, c in enumerate(floats)}
        profile = dict(self._profile or {})
        for name in names:
            present, low, high = footer[name]
            gaps = n - int(present) + nan.get(name, 0)
            profile[name] = (gaps, gaps == 0 and low == high)
        self._profile = profile
        distinct, low, high = found[len(floats) :] if score is not None else (0, None, None)
        self._measured[score] = (int(distinct or 0), low, high)
        return self._measured[score]

    def _score_expression(self, score: str, *, skip: Sequence[str]) -> tuple[ScoreBinning, str]:
        column = quote(score)
        kind = self._types.get(score, "")
        if not is_numeric_type(kind):
            self._measure(None, skip=skip)
            return ScoreBinning(0), column  # the context refuses a non-numeric score
        distinct, low, high = self._measure(score, skip=skip)
        if distinct <= EXACT_SCORE_LEVELS or low is None or high is None or high <= low:
            return ScoreBinning(distinct), column
        width, start = score_bins(float(low), float(high))
        self._binning[score] = ScoreBinning(distinct, width, start, score in self._at_least)
        expression = (
            f"CASE WHEN isfinite({column}::DOUBLE) THEN "
            f"floor(({column}::DOUBLE - {start!r}) / {width!r}) * {width!r} + {start!r} "
            f"ELSE {column}::DOUBLE END"
        )
        return self._binning[score], expression

    def column_stats(self, columns: Sequence[str]) -> ColumnStats:
        if self._profile is None or not set(columns) <= set(self._profile):
            self._profile, self._measured = None, {}
            self._measure(None)
        assert self._profile is not None
        n = self.n_rows()
        missing_counts: dict[str, int] = {}
        constant: list[str] = []
        for name in columns:
            gaps, same = self._profile[name]
            missing_counts[name] = gaps
            # One value everywhere, or nothing at all; a value beside gaps is two entries.
            if gaps == n or (gaps == 0 and same):
                constant.append(name)
        return ColumnStats(
            n,
            len(self._types) - len(self._added),
            missing_counts,
            tuple(constant),
            self._duplicate_rows(),
        )

    def _duplicate_rows(self) -> int:
        """Rows equal to an earlier row. A column whose values strictly rise (or fall) in
        file order, as an id or a timestamp often does, proves every row distinct in one
        cheap read of that column; otherwise distinct rows are counted as distinct 64-bit
        row hashes. That ``GROUP BY`` spills to disk within the memory limit (SELECT
        DISTINCT over every column ran out of it at 100M rows); two different rows share a
        hash with probability ~n^2 / 2^65 (3e-4 at 100M rows), so it is exact in practice."""
        n = self.n_rows()
        if n < 2 or monotonic_column(self._con, self._types) is not None:
            return 0
        every = ", ".join(quote(c) for c in self.columns())
        distinct = int(
            self._execute(
                f"SELECT count(*) FROM (SELECT hash({every}) AS h FROM data GROUP BY h)"
            ).fetchone()[0]
        )
        return n - distinct

    def sample(self, size: int, *, strata: Sequence[str], seed: int) -> RowSample:
        """About ``size`` rows: per combination of ``strata`` values a share proportional to
        its rows, at least ``SAMPLE_FLOOR``; each row kept when a hash of its values and the
        seed falls under its stratum's rate (reproducible, one streaming pass: rows under
        the highest rate are kept first, so the join to the rates is small)."""
        total = self.n_rows()
        if total <= size:
            frame = self._execute("SELECT * FROM data").df()
            return RowSample(frame, total, "all rows")

        values = ", ".join(quote(c) for c in self.columns())
        draw = f"hash({values}, {int(seed)}) % {_HASH_SPACE}"
        if strata:
            keys = ", ".join(quote(c) for c in strata)
            # Strata counts from the cells when they are grouped by the strata (no pass).
            counted = "__cells" if set(strata) <= set(self._cell_keys) else "data"
            rows = "sum(__rows)" if counted == "__cells" else "count(*)"
            # Per stratum: a proportional share, at least SAMPLE_FLOOR, at most all its rows,
            # turned into a cut-off on a 32-bit hash.
            quota = f"least(__n, greatest(floor(__n * {size} / {total}), {SAMPLE_FLOOR}))"
            self._execute(
                f"CREATE OR REPLACE TEMP TABLE __rates AS SELECT {keys}, "
                f"ceil({quota} / __n * {_HASH_SPACE}) AS __cut FROM "
                f"(SELECT {keys}, {rows} AS __n FROM {counted} GROUP BY ALL)"
            )
            highest = self._execute("SELECT max(__cut) FROM __rates").fetchone()[0]
            match = " AND ".join(f"d.{quote(c)} IS NOT DISTINCT FROM r.{quote(c)}" for c in strata)
            prefixed = ", ".join(f"d.{quote(c)}" for c in self.columns())
            sql = (
                f"SELECT d.* EXCLUDE (__draw) FROM (SELECT *, {draw} AS __draw FROM data "
                f"WHERE {draw} < {int(highest)}) d JOIN __rates r ON {match} "
                f"WHERE d.__draw < r.__cut ORDER BY d.__draw, {prefixed}"
            )
            how = (
                f"stratified by {', '.join(strata)}: per combination a share proportional to its "
                f"rows, at least {SAMPLE_FLOOR:,} (or all), drawn by a seeded hash of each row"
            )
        else:
            cut_all = math.ceil(size / total * _HASH_SPACE)
            sql = f"SELECT * FROM data WHERE {draw} < {cut_all} ORDER BY {draw}, {values}"
            how = "a uniform draw by a seeded hash of each row"
        frame = self._execute(sql).df()
        return RowSample(frame.reset_index(drop=True), total, how)
