"""What ``--data`` names: one CSV/Parquet file, a folder of them, or a glob.

Resolving the files (and refusing a mix of formats or schemas) happens here, before any
engine reads them, so every engine sees the same list in the same order.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from trustscan.errors import InputError
from trustscan.loading.data import CSV_MEMORY_FACTOR, CSV_SUFFIXES, PARQUET_SUFFIXES, shorten

Format = Literal["csv", "parquet"]

PARQUET_MEMORY_FACTOR = 7
"""Peak memory of an in-memory audit per byte of uncompressed Parquet data (the frame, its
codes and the checks' working arrays; the same order as ``CSV_MEMORY_FACTOR``)."""

_GLOB_CHARACTERS = frozenset("*?[")


@dataclass(frozen=True)
class DataFiles:
    """The files behind ``--data``, sorted by path."""

    spec: Path
    """What was given (a file, a folder or a pattern)."""
    paths: tuple[Path, ...]
    format: Format

    @property
    def single(self) -> bool:
        return len(self.paths) == 1 and self.paths[0] == self.spec

    @property
    def name(self) -> str:
        """How messages name the data."""
        return self.spec.name if self.single else str(self.spec)

    def disk_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.paths)

    def memory_estimate(self) -> int:
        """Bytes an in-memory audit of these files would need (see the factors)."""
        if self.format == "csv":
            gz = sum(p.stat().st_size * 3 for p in self.paths if p.name.lower().endswith(".gz"))
            return (self.disk_bytes() + gz) * CSV_MEMORY_FACTOR
        return parquet_uncompressed_bytes(self.paths) * PARQUET_MEMORY_FACTOR


def is_pattern(spec: str | Path) -> bool:
    return bool(_GLOB_CHARACTERS & set(str(spec)))


def resolve_data(spec: Path) -> DataFiles:
    """The data files ``spec`` names; a missing path, an empty folder, a pattern matching
    nothing and a mix of CSV and Parquet are input errors."""
    if is_pattern(spec):
        matches = sorted(Path(p) for p in glob.glob(str(spec), recursive=True))
        paths = [p for p in matches if p.is_file() and _format(p) is not None]
        if not paths:
            raise InputError(
                f"no CSV or Parquet file matches {shorten(str(spec))}",
                "check the pattern (quote it so the shell does not expand it)",
            )
    elif spec.is_dir():
        paths = sorted(p for p in spec.rglob("*") if p.is_file() and _format(p) is not None)
        if not paths:
            raise InputError(
                f"data folder {shorten(str(spec))} holds no .csv or .parquet file",
                "point --data at a file, a folder of data files or a glob",
            )
    else:
        if not spec.exists():
            raise InputError(f"data file not found: {spec}", "check the --data path")
        paths = [spec]
    formats = {_format(p) for p in paths}
    if len(formats) > 1:
        raise InputError(
            f"{shorten(str(spec))} mixes CSV and Parquet files",
            "audit one format at a time (convert the CSV files to Parquet)",
        )
    fmt = formats.pop() or _unsupported(paths[0])
    return DataFiles(spec, tuple(paths), fmt)


def _format(path: Path) -> Format | None:
    name = path.name.lower()
    if name.endswith(PARQUET_SUFFIXES):
        return "parquet"
    if name.endswith(CSV_SUFFIXES):
        return "csv"
    return None


def _unsupported(path: Path) -> Format:
    raise InputError(
        f"unsupported data file type: {path.name}", "use a .csv (or .tsv) or .parquet file"
    )


def parquet_uncompressed_bytes(paths: tuple[Path, ...]) -> int:
    """Uncompressed size of Parquet files from their footers (disk size when unreadable)."""
    import pyarrow.parquet as pq

    total = 0
    for path in paths:
        try:
            meta = pq.ParquetFile(path).metadata
            total += sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        except Exception:  # unreadable: the reader explains it; estimate from the disk size
            total += path.stat().st_size
    return total


def check_same_schema(files: DataFiles) -> None:
    """Refuse files whose columns (names and, for Parquet, types) differ from the first's."""
    if len(files.paths) < 2:
        return
    first = _schema(files.paths[0], files.format)
    for path in files.paths[1:]:
        schema = _schema(path, files.format)
        if schema != first:
            missing = [c for c, _ in first if c not in dict(schema)]
            extra = [c for c, _ in schema if c not in dict(first)]
            detail = (f"columns {', '.join(missing[:3])} missing" if missing else "") or (
                f"extra columns {', '.join(extra[:3])}" if extra else "column types differ"
            )
            raise InputError(
                f"{shorten(path.name)} has a different schema from {shorten(files.paths[0].name)} "
                f"({shorten(detail)})",
                "every file of one --data must have the same columns and types",
            )


def _schema(path: Path, fmt: Format) -> tuple[tuple[str, str], ...]:
    if fmt == "parquet":
        import pyarrow.parquet as pq

        try:
            schema = pq.read_schema(path)
        except Exception as exc:
            raise InputError(
                f"could not read Parquet file {shorten(path.name)}: {str(exc).splitlines()[0][:200]}",
                "check that the file is a complete Parquet file",
            ) from exc
        return tuple((f.name, str(f.type)) for f in schema)
    import gzip

    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
            header = handle.readline().strip()
    except OSError as exc:
        raise InputError(f"could not read {shorten(path.name)}: {exc}") from exc
    return tuple((name, "") for name in header.split(","))
