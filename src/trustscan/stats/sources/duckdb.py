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

import math
import tempfile
from collections.abc import Sequence
from typing import Any

import numpy as np

from trustscan.errors import InputError
from trustscan.loading.datasets import DataFiles
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

SAMPLE_FLOOR = 2_000
"""Each group combination keeps at least this many rows (or all of its rows) in the sample."""
_HASH_SPACE = 1 << 32


def quote(name: str) -> str:
    """A SQL identifier for any column name."""
    return '"' + str(name).replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


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
    ) -> None:
        import duckdb

        self.files = files
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
        paths = "[" + ", ".join(_literal(str(p)) for p in files.paths) + "]"
        if files.format == "parquet":
            reader = f"read_parquet({paths})"
        else:
            options = (
                ""
                if encoding.lower() in ("utf-8", "utf8")
                else f", encoding = {_literal(encoding)}"
            )
            reader = f"read_csv({paths}, header = true{options})"
        self._execute(f"CREATE VIEW data AS SELECT * FROM {reader}")
        described = self._execute("DESCRIBE data").fetchall()
        self._types = {str(row[0]): str(row[1]) for row in described}
        self._rows: int | None = None

    def close(self) -> None:
        self._con.close()
        self._spill.cleanup()

    # ------------------------------------------------------------------------- queries

    def _execute(self, sql: str, parameters: Sequence[Any] | None = None) -> Any:
        try:
            return self._con.execute(sql, parameters or [])
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

    def n_rows(self) -> int:
        if self._rows is None:
            self._rows = int(self._execute("SELECT count(*) FROM data").fetchone()[0])
        return self._rows

    def cells(self, roles: Roles) -> Cells:
        """``GROUP BY`` the raw role values; the score exactly or in fine bins."""
        keys = [quote(c) for c in roles.columns if c != roles.score]
        binning = None
        select = list(keys)
        if roles.score is not None:
            binning, expression = self._score_expression(roles.score)
            select.append(f"{expression} AS {quote(roles.score)}")
        group = "GROUP BY ALL" if select else ""
        sql = f"SELECT {', '.join(select)}{', ' if select else ''}count(*) AS __rows FROM data {group}"
        n_cells = int(self._execute(f"SELECT count(*) FROM ({sql})").fetchone()[0])
        if n_cells > MAX_CELLS:
            raise InputError(
                f"{self.files.name} has {n_cells:,} distinct combinations of the sensitive, "
                f"decision, target and score values, more than the {MAX_CELLS:,} an out-of-core "
                "audit keeps",
                "group the sensitive columns into fewer categories, or audit a regression "
                "target in memory on a sample",
            )
        frame = self._execute(f"{sql} ORDER BY ALL").df()
        weights = frame.pop("__rows").to_numpy(dtype=np.int64)
        return Cells(frame.reset_index(drop=True), weights, binning)

    def _score_expression(self, score: str) -> tuple[ScoreBinning, str]:
        column = quote(score)
        kind = self._types.get(score, "")
        if not _is_numeric_type(kind):
            return ScoreBinning(0), column  # the context refuses a non-numeric score
        distinct, low, high = self._execute(
            f"SELECT approx_count_distinct({column}), min({column}), max({column}) "
            f"FROM data WHERE isfinite({column}::DOUBLE)"
        ).fetchone()
        distinct = int(distinct or 0)
        if distinct <= EXACT_SCORE_LEVELS or low is None or high is None or high <= low:
            return ScoreBinning(distinct), column
        width, start = score_bins(float(low), float(high))
        expression = (
            f"CASE WHEN isfinite({column}::DOUBLE) THEN "
            f"floor(({column}::DOUBLE - {start!r}) / {width!r}) * {width!r} + {start!r} "
            f"ELSE {column}::DOUBLE END"
        )
        return ScoreBinning(distinct, width, start), expression

    def column_stats(self, columns: Sequence[str]) -> ColumnStats:
        parts = ["count(*)"]
        for name in columns:
            column = quote(name)
            missing = f"{column} IS NULL"
            if self._types.get(name, "") in ("DOUBLE", "FLOAT", "REAL"):
                missing += f" OR isnan({column})"  # pandas counts NaN as missing too
            parts.append(f"count(*) FILTER (WHERE {missing})")
            parts.append(f"min({column}) IS NOT DISTINCT FROM max({column})")
        row = self._execute(f"SELECT {', '.join(parts)} FROM data").fetchone()
        n = int(row[0])
        missing_counts: dict[str, int] = {}
        constant: list[str] = []
        for i, name in enumerate(columns):
            gaps, same = int(row[1 + 2 * i]), bool(row[2 + 2 * i])
            missing_counts[name] = gaps
            # One value everywhere, or nothing at all; a value beside gaps is two entries.
            if gaps == n or (gaps == 0 and same):
                constant.append(name)
        every = ", ".join(quote(c) for c in self.columns())
        # Distinct rows counted as distinct 64-bit row hashes: a one-column GROUP BY spills to
        # disk within the memory limit, where SELECT DISTINCT over every column ran out of it
        # at 100M rows. Two different rows share a hash with probability ~n^2 / 2^65
        # (3e-4 at 100M rows), so the count is exact in practice.
        distinct = int(
            self._execute(
                f"SELECT count(*) FROM (SELECT hash({every}) AS h FROM data GROUP BY h)"
            ).fetchone()[0]
        )
        return ColumnStats(n, len(self._types), missing_counts, tuple(constant), n - distinct)

    def sample(self, size: int, *, strata: Sequence[str], seed: int) -> RowSample:
        """About ``size`` rows: per combination of ``strata`` values a share proportional to
        its rows, at least ``SAMPLE_FLOOR``; each row kept when a hash of its values and the
        seed falls under its stratum's rate (reproducible, one streaming pass)."""
        total = self.n_rows()
        if total <= size:
            frame = self._execute("SELECT * FROM data").df()
            return RowSample(frame, total, "all rows")

        def draw(prefix: str) -> str:
            values = ", ".join(f"{prefix}{quote(c)}" for c in self.columns())
            return f"hash({values}, {int(seed)}) % {_HASH_SPACE}"

        every = ", ".join(quote(c) for c in self.columns())
        if strata:
            keys = ", ".join(quote(c) for c in strata)
            # Per stratum: a proportional share, at least SAMPLE_FLOOR, at most all its rows,
            # turned into a cut-off on a 32-bit hash.
            quota = f"least(__n, greatest(floor(__n * {size} / {total}), {SAMPLE_FLOOR}))"
            rates = (
                f"(SELECT {keys}, ceil({quota} / __n * {_HASH_SPACE}) AS __cut FROM "
                f"(SELECT {keys}, count(*) AS __n FROM data GROUP BY ALL))"
            )
            match = " AND ".join(f"d.{quote(c)} IS NOT DISTINCT FROM r.{quote(c)}" for c in strata)
            prefixed = ", ".join(f"d.{quote(c)}" for c in self.columns())
            sql = (
                f"SELECT d.* FROM data d JOIN {rates} r ON {match} "
                f"WHERE {draw('d.')} < r.__cut ORDER BY {draw('d.')}, {prefixed}"
            )
            how = (
                f"stratified by {', '.join(strata)}: per combination a share proportional to its "
                f"rows, at least {SAMPLE_FLOOR:,} (or all), drawn by a seeded hash of each row"
            )
        else:
            cut_all = math.ceil(size / total * _HASH_SPACE)
            sql = f"SELECT * FROM data WHERE {draw('')} < {cut_all} ORDER BY {draw('')}, {every}"
            how = "a uniform draw by a seeded hash of each row"
        frame = self._execute(sql).df()
        return RowSample(frame.reset_index(drop=True), total, how)


def _is_numeric_type(kind: str) -> bool:
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
