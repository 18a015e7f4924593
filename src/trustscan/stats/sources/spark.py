"""The Spark source: files or a catalog table on a Spark cluster, or ``local[*]``.

The same statistics as ``duckdb.py``, written with the DataFrame API: a ``groupBy`` for
the cells (raw role values, the score exactly or in the same power-of-two bins), one
aggregation for the column statistics, a seeded hash draw per stratum for the sample. Only
those small results come back to the driver. Rows are never predicted here: an
out-of-core audit reads logged decisions.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from trustscan.errors import InputError
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

if TYPE_CHECKING:
    from trustscan.config import ScanConfig
    from trustscan.loading.datasets import DataFiles

SAMPLE_FLOOR = 2_000
_HASH_SPACE = 1 << 32
_NUMERIC = ("byte", "short", "int", "bigint", "long", "float", "double", "decimal")


def spark_session(master: str) -> Any:
    """The active SparkSession, else a new one on ``master`` (no web UI, quiet logs)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise InputError(
            "--engine spark needs pyspark", "pip install 'trustscan[spark]' (and Java 17+)"
        ) from exc
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    java_home = os.environ.get("JAVA_HOME")
    java = Path(java_home) / "bin" / "java" if java_home else shutil.which("java")
    if java is None or not Path(java).is_file():
        where = f"JAVA_HOME={java_home} has no bin/java" if java_home else "no java on PATH"
        raise InputError(
            f"--engine spark needs Java 17+ ({where})",
            "install a Java runtime (e.g. openjdk-17-jre-headless) or set JAVA_HOME",
        )
    if master.startswith("local"):
        # A local JVM listens on loopback only (no reachable port, and no warning that the
        # host name resolves to 127.0.0.1).
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    try:
        session = (
            SparkSession.builder.master(master)
            .appName("trustscan")
            # Errors only, from the JVM's first line: Spark's default profile logs WARN and
            # announces itself on stderr before any setLogLevel could run (the shell logger
            # at the root's level keeps "Setting default log level" quiet too).
            .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={_quiet_logs()}")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.session.timeZone", "UTC")
            # The cells and samples are small: a few shuffle partitions, not Spark's 200.
            .config("spark.sql.shuffle.partitions", "8")
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        return session
    except Exception as exc:  # no Java, a bad master URL: the JVM's own words, one line
        first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise InputError(
            f"could not start Spark on {master!r}: {first}",
            "install Java 17+ (java on PATH or JAVA_HOME), or set spark.master in the config",
        ) from exc


_LOG4J2 = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = stderr
appender.stderr.type = Console
appender.stderr.name = stderr
appender.stderr.target = SYSTEM_ERR
appender.stderr.layout.type = PatternLayout
appender.stderr.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n%ex
logger.repl.name = org.apache.spark.repl.Main
logger.repl.level = error
"""


def _quiet_logs() -> Path:
    """A log4j2 configuration that prints errors (with their stack) and nothing else."""
    path = Path(tempfile.gettempdir()) / "trustscan-spark-log4j2.properties"
    if not path.is_file() or path.read_text(encoding="utf-8") != _LOG4J2:
        partial = path.with_suffix(f".{os.getpid()}.partial")
        partial.write_text(_LOG4J2, encoding="utf-8")
        partial.replace(path)
    return path


class SparkSource:
    """Statistics of files or a table computed by Spark."""

    engine = "spark"

    def __init__(self, config: ScanConfig, files: DataFiles | None) -> None:
        self._spark = spark_session(config.spark_master)  # first: it explains a missing pyspark
        from pyspark.errors import AnalysisException

        self.label = f"Spark ({self._spark.sparkContext.master})"
        try:
            if config.table is not None:
                self.name = f"table {config.table}"
                frame = self._spark.table(config.table)
            else:
                assert files is not None
                from trustscan.loading.datasets import check_same_schema

                check_same_schema(files)
                count = len(files.paths)
                self.name = f"{files.name} ({count} file{'s' if count != 1 else ''})"
                paths = [str(Path(p).resolve()) for p in files.paths]
                if files.format == "parquet":
                    frame = self._spark.read.parquet(*paths)
                else:
                    frame = (
                        self._spark.read.option("header", True)
                        .option("inferSchema", True)
                        .option("encoding", config.encoding)
                        .csv(paths)
                    )
        except AnalysisException as exc:
            what = f"table {config.table!r}" if config.table else "the data files"
            raise InputError(
                f"Spark could not read {what}: {str(exc).strip().splitlines()[0][:200]}",
                "check the table name (database.table) or the files",
            ) from exc
        self._frame = frame
        self._types = dict(frame.dtypes)
        self._rows: int | None = None

    def columns(self) -> tuple[str, ...]:
        return tuple(self._frame.columns)

    def n_rows(self) -> int:
        if self._rows is None:
            self._rows = int(self._frame.count())
        return self._rows

    def cells(self, roles: Roles) -> Cells:
        from pyspark.sql import functions as F

        keys = [F.col(_name(c)) for c in roles.columns if c != roles.score]
        binning = None
        if roles.score is not None:
            binning, expression = self._score_expression(roles.score)
            keys.append(expression.alias(roles.score))
        grouped = self._frame.groupBy(*keys).count().withColumnRenamed("count", "__rows")
        n_cells = grouped.count()
        if n_cells > MAX_CELLS:
            raise InputError(
                f"{self.name} has {n_cells:,} distinct combinations of the sensitive, decision, "
                f"target and score values, more than the {MAX_CELLS:,} an out-of-core audit keeps",
                "group the sensitive columns into fewer categories",
            )
        names = [c for c in grouped.columns if c != "__rows"]
        ordered = grouped.orderBy(*[F.col(_name(c)).asc_nulls_last() for c in names])
        frame = ordered.toPandas()
        weights = frame.pop("__rows").to_numpy(dtype=np.int64)
        return Cells(frame.reset_index(drop=True), weights, binning)

    def _score_expression(self, score: str) -> tuple[ScoreBinning, Any]:
        from pyspark.sql import functions as F

        column = F.col(_name(score))
        if not self._types.get(score, "").startswith(_NUMERIC):
            return ScoreBinning(0), column
        value = column.cast("double")
        finite = ~F.isnan(value) & ~value.isin(float("inf"), float("-inf"))
        row = (
            self._frame.where(finite)
            .agg(F.approx_count_distinct(value), F.min(value), F.max(value))
            .first()
        )
        distinct, low, high = int(row[0] or 0), row[1], row[2]
        if distinct <= EXACT_SCORE_LEVELS or low is None or high is None or high <= low:
            return ScoreBinning(distinct), column
        width, start = score_bins(float(low), float(high))
        binned = F.floor((value - F.lit(start)) / F.lit(width)) * F.lit(width) + F.lit(start)
        return ScoreBinning(distinct, width, start), F.when(finite, binned).otherwise(value)

    def column_stats(self, columns: Sequence[str]) -> ColumnStats:
        from pyspark.sql import functions as F

        parts: list[Any] = []
        for name in columns:
            column = F.col(_name(name))
            missing = column.isNull()
            if self._types.get(name) in ("double", "float"):
                missing = missing | F.isnan(column)
            parts.append(F.sum(F.when(missing, 1).otherwise(0)).alias(f"m{len(parts)}"))
            parts.append(F.min(column).eqNullSafe(F.max(column)).alias(f"c{len(parts)}"))
        n = self.n_rows()
        row = self._frame.agg(*parts).first() if parts else ()
        missing_counts: dict[str, int] = {}
        constant: list[str] = []
        for i, name in enumerate(columns):
            gaps, same = int(row[2 * i] or 0), bool(row[2 * i + 1])
            missing_counts[name] = gaps
            if gaps == n or (gaps == 0 and same):
                constant.append(name)
        distinct = int(self._frame.distinct().count())
        return ColumnStats(n, len(self._types), missing_counts, tuple(constant), n - distinct)

    def sample(self, size: int, *, strata: Sequence[str], seed: int) -> RowSample:
        """As the DuckDB source: a seeded hash of each row under its stratum's rate."""
        from pyspark.sql import functions as F

        total = self.n_rows()
        if total <= size:
            return RowSample(self._ordered(self._frame).toPandas(), total, "all rows")
        draw = F.pmod(
            F.xxhash64(*[self._frame[_name(c)] for c in self.columns()], F.lit(int(seed))),
            F.lit(_HASH_SPACE),
        )
        if strata:
            keys = [_name(c) for c in strata]
            quota = F.least(
                F.col("__n"),
                F.greatest(F.floor(F.col("__n") * size / total), F.lit(SAMPLE_FLOOR)),
            )
            rates = (
                self._frame.groupBy(*keys)
                .count()
                .withColumnRenamed("count", "__n")
                .withColumn("__cut", F.ceil(quota / F.col("__n") * _HASH_SPACE))
                .drop("__n")
                .toDF(*[f"__k{i}" for i in range(len(keys))], "__cut")
            )
            condition = None
            for i, key in enumerate(keys):
                part = F.col(key).eqNullSafe(F.col(f"__k{i}"))
                condition = part if condition is None else condition & part
            kept = (
                self._frame.withColumn("__draw", draw)
                .join(F.broadcast(rates), on=condition)
                .where(F.col("__draw") < F.col("__cut"))
                .select(*[F.col(_name(c)) for c in self.columns()])
            )
            how = (
                f"stratified by {', '.join(strata)}: per combination a share proportional to its "
                f"rows, at least {SAMPLE_FLOOR:,} (or all), drawn by a seeded hash of each row"
            )
        else:
            kept = self._frame.where(draw < F.lit(math.ceil(size / total * _HASH_SPACE)))
            how = "a uniform draw by a seeded hash of each row"
        return RowSample(self._ordered(kept).toPandas().reset_index(drop=True), total, how)

    def _ordered(self, frame: Any) -> Any:
        from pyspark.sql import functions as F

        return frame.orderBy(*[F.col(_name(c)).asc_nulls_last() for c in self.columns()])


def _name(column: str) -> str:
    """A column reference Spark reads literally (dots and spaces included)."""
    return "`" + column.replace("`", "``") + "`"
