"""Read tabular data (CSV, Parquet) with errors a user can act on."""

from __future__ import annotations

import codecs
import csv
import json
import os
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from trustscan.errors import InputError

CSV_SUFFIXES = (".csv", ".tsv", ".txt", ".csv.gz")
PARQUET_SUFFIXES = (".parquet", ".pq")
_DELIMITERS = ",;\t|"


def read_table(
    path: Path, *, encoding: str = "utf-8", columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """Load ``path`` as a DataFrame; ``columns`` limits what is read (Parquet reads only those)."""
    if not path.exists():
        raise InputError(f"data file not found: {path}", "check the --data path")
    if path.is_dir():
        raise InputError(
            f"data path is a folder, not a file: {path}", "pass a .csv or .parquet file"
        )
    name = path.name.lower()
    if name.endswith(PARQUET_SUFFIXES):
        frame = _read_parquet(path, columns)
    elif name.endswith(CSV_SUFFIXES):
        check_encoding(encoding)
        check_memory(path)
        frame = _read_csv(path, encoding, columns)
    else:
        raise InputError(
            f"unsupported data file type: {path.name}",
            "use a .csv (or .tsv) or .parquet file",
        )
    if frame.shape[0] == 0:
        raise InputError(f"{path} has a header but no rows", "export the data with its rows")
    return frame


CSV_MEMORY_FACTOR = 7
"""Peak memory of reading a CSV and auditing it, per byte of CSV text (measured: a 64 MB CSV of
2M rows x 7 columns peaks at ~540 MB RSS, ~250 MB of which is the libraries; a 2.06 GB one
at 12.6 GB)."""
GZIP_RATIO = 4
"""Assumed compression ratio of a .csv.gz when estimating its text size."""
MEMORY_BUDGET_ENV = "TRUSTSCAN_MEMORY_BUDGET"


def memory_budget() -> int:
    """Bytes an audit may use: ``TRUSTSCAN_MEMORY_BUDGET`` (e.g. ``4G``, ``800M``), else 70%
    of the memory available now (Linux), else no limit."""
    configured = os.environ.get(MEMORY_BUDGET_ENV, "").strip().upper()
    if configured:
        units = {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
        number, unit = (
            (configured[:-1], configured[-1]) if configured[-1] in units else (configured, "")
        )
        try:
            return int(float(number) * units.get(unit, 1))
        except ValueError as exc:
            raise InputError(
                f"{MEMORY_BUDGET_ENV}={shorten(configured)} is not a size", "use e.g. 4G or 800M"
            ) from exc
    available = available_memory()
    return 2**62 if available is None else int(available * 0.7)


CGROUP_LIMITS = (
    ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),  # cgroup v2
    (
        "/sys/fs/cgroup/memory/memory.limit_in_bytes",  # cgroup v1
        "/sys/fs/cgroup/memory/memory.usage_in_bytes",
    ),
)


def available_memory() -> int | None:
    """Bytes this process can still take: the least of the machine's available memory, its
    container's (cgroup) headroom and its address-space limit. A container limit is what
    kills an audit without a message, so it counts even when the machine has more."""
    candidates: list[int] = []
    try:
        with open("/proc/meminfo", encoding="ascii") as stream:
            for line in stream:
                if line.startswith("MemAvailable:"):
                    candidates.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError):
        pass
    for limit_file, usage_file in CGROUP_LIMITS:
        try:
            limit = Path(limit_file).read_text(encoding="ascii").strip()
            usage = int(Path(usage_file).read_text(encoding="ascii").strip())
            if limit.isdigit() and int(limit) < 2**60:  # "max" or a huge number: no limit
                candidates.append(max(int(limit) - usage, 0))
        except (OSError, ValueError):
            continue
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        if soft != resource.RLIM_INFINITY:
            candidates.append(soft)
    except (ImportError, OSError, ValueError):
        pass
    return min(candidates) if candidates else None


def check_memory(path: Path) -> None:
    """Refuse, before reading, a CSV whose audit would not fit the memory budget: a clear
    message instead of the kernel killing the process (or pandas blaming the delimiter)."""
    size = path.stat().st_size * (GZIP_RATIO if path.name.lower().endswith(".gz") else 1)
    needed = size * CSV_MEMORY_FACTOR
    budget = memory_budget()
    if needed > budget:
        raise InputError(
            f"{path.name} is {size / 2**30:.1f} GB of CSV; auditing it in memory needs about "
            f"{needed / 2**30:.1f} GB, more than the memory budget of {budget / 2**30:.1f} GB",
            "audit it out of core with --engine duckdb (what --engine auto chooses), "
            f"or raise {MEMORY_BUDGET_ENV}",
        )


def _out_of_memory(path: Path) -> InputError:
    return InputError(
        f"ran out of memory reading {path.name}",
        f"sample rows or convert it to Parquet with only the needed columns; see {MEMORY_BUDGET_ENV}",
    )


def _not_encoded(path: Path, encoding: str, exc: UnicodeDecodeError) -> InputError:
    return InputError(
        f"{path} is not valid {encoding} (byte 0x{exc.object[exc.start]:02x} "
        f"at position {exc.start})",
        "re-save the file as UTF-8 or pass --encoding (e.g. --encoding latin-1)",
    )


def check_encoding(encoding: str) -> None:
    try:
        codecs.lookup(encoding)
    except (LookupError, TypeError, ValueError) as exc:
        raise InputError(
            f"unknown encoding {shorten(encoding)!r}", "use e.g. --encoding utf-8 or latin-1"
        ) from exc


def _read_parquet(path: Path, columns: Sequence[str] | None) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path, columns=list(columns) if columns is not None else None)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise InputError(
            f"could not read Parquet file {path}: {_first_line(exc)}",
            "check that the file is a complete Parquet file",
        ) from exc
    table, nested = _nested_as_text(table)
    # Convert column by column, freeing each Arrow buffer as it goes (self_destruct) and
    # without consolidating same-dtype columns into one 2-D block (split_blocks): the frame's
    # numeric columns then stay zero-copy on Arrow's memory and the peak is ~1x the data,
    # not ~3x. release_unused hands the decoder's scratch memory back to the OS.
    try:
        frame: pd.DataFrame = table.to_pandas(self_destruct=True, split_blocks=True)
    except (pa.ArrowException, ValueError, TypeError) as exc:
        raise InputError(
            f"could not convert Parquet file {path}: {_first_line(exc)}",
            "use plain column types (numbers, strings, booleans, dates, categories)",
        ) from exc
    del table
    pa.default_memory_pool().release_unused()
    frame.attrs["nested_columns"] = nested
    return frame


def _nested_as_text(table: Any) -> tuple[Any, tuple[str, ...]]:
    """List, struct and map columns become JSON text: every check can count and compare
    them like strings (data.quality, default features) instead of failing on unhashable
    arrays. ``check_column_roles`` refuses them where a scalar is needed."""
    import pyarrow as pa

    nested = tuple(f.name for f in table.schema if pa.types.is_nested(f.type))
    for name in nested:
        index = table.schema.get_field_index(name)
        values = [
            None if v is None else json.dumps(v, default=str, sort_keys=True)
            for v in table.column(index).to_pylist()
        ]
        table = table.set_column(index, name, pa.array(values, type=pa.string()))
    return table, nested


def nested_columns(path: Path) -> tuple[str, ...]:
    """Names of list/struct/map columns of a Parquet file, from its footer (empty otherwise)."""
    if not path.name.lower().endswith(PARQUET_SUFFIXES) or not path.is_file():
        return ()
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = pq.read_schema(path)
    except Exception:  # unreadable here means unreadable in read_table: let it explain
        return ()
    return tuple(f.name for f in schema if pa.types.is_nested(f.type))


def check_column_roles(path: Path, roles: Mapping[str, Sequence[str] | str | None]) -> None:
    """Refuse a nested (list/struct/map) Parquet column as sensitive attribute, target,
    decision or score: those need one value per row."""
    refuse_nested_roles(nested_columns(path), roles, f" in {path.name}", "a nested Parquet type")


def refuse_nested_roles(
    nested: Sequence[str], roles: Mapping[str, Sequence[str] | str | None], where: str, kind: str
) -> None:
    if not nested:
        return
    for option, names in roles.items():
        if names is None:
            continue
        for name in [names] if isinstance(names, str) else names:
            if name in nested:
                raise InputError(
                    f"{option} column {shorten(name)!r}{where} holds lists or records "
                    f"({kind}), not one value per row",
                    "flatten it to a plain column first",
                )


_UNHASHABLE = (list, dict, set, np.ndarray)


def _complex_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """No file format trustscan reads holds complex numbers; as numbers they would be cast to
    their real part (silently but for a numpy warning), so they are compared as text."""
    complex_columns = [n for n in frame.columns if pd.api.types.is_complex_dtype(frame[n].dtype)]
    if not complex_columns:
        return frame
    return frame.astype({name: str for name in complex_columns})


def frame_nested_as_text(frame: pd.DataFrame) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """A caller's frame with list, dict, set and array cells as JSON text, as Parquet's nested
    columns are read (``_nested_as_text``): checks count and compare them like strings instead
    of failing on unhashable values. Only object columns pandas cannot type are scanned, and
    complex columns become text too."""
    frame = _complex_as_text(frame)
    nested: list[str] = []
    for name in frame.columns:
        column = frame[name]
        if column.dtype != object or pd.api.types.infer_dtype(column, skipna=True) != "mixed":
            continue
        if column.map(lambda v: isinstance(v, _UNHASHABLE)).any():
            nested.append(str(name))
    if not nested:
        return frame, ()
    frame = frame.copy()
    for name in nested:
        frame[name] = frame[name].map(
            lambda v: (
                json.dumps(v, default=str, sort_keys=True) if isinstance(v, _UNHASHABLE) else v
            )
        )
    return frame, tuple(nested)


def shorten(text: str, limit: int = 80) -> str:
    """A user-supplied name, cut to ``limit`` characters for a one-line message."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def listed_names(columns: Any, limit: int = 5) -> str:
    """Column names for a one-line message: the first ``limit``, each cut to 40 characters."""
    names = [str(c)[:40] for c in list(columns)[:limit]]
    more = len(columns) - limit
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


def read_column_names(path: Path) -> tuple[str, ...] | None:
    """The column names of a Parquet file from its footer, without reading rows.

    Lets the caller read only the columns an audit needs (``read_table(columns=...)``).
    None for CSV (parsing skips no work there, and pandas renames duplicate headers) and
    for unreadable files, whose errors ``read_table`` reports with a hint.
    """
    if not path.name.lower().endswith(PARQUET_SUFFIXES):
        return None
    try:
        import pyarrow.parquet as pq

        schema = pq.read_schema(path)
    except Exception:  # unreadable here means unreadable in read_table: let it explain
        return None
    index = _pandas_index_columns(schema.pandas_metadata)
    return tuple(n for n in schema.names if n not in index)


def _pandas_index_columns(metadata: dict[str, Any] | None) -> set[str]:
    """Columns pandas stored its index in (``__index_level_0__``): not data columns."""
    if not metadata:
        return set()
    return {c for c in metadata.get("index_columns", []) if isinstance(c, str)}


def _read_csv(path: Path, encoding: str, columns: Sequence[str] | None) -> pd.DataFrame:
    delimiter = _sniff_delimiter(path, encoding)
    try:
        return pd.read_csv(
            path,
            sep=delimiter,
            encoding=encoding,
            usecols=list(columns) if columns is not None else None,
            low_memory=False,
        )
    except UnicodeDecodeError as exc:
        raise _not_encoded(path, encoding, exc) from exc
    except pd.errors.EmptyDataError as exc:
        raise InputError(f"{path} is empty", "the CSV needs a header row and data rows") from exc
    except MemoryError as exc:
        raise _out_of_memory(path) from exc
    except pd.errors.ParserError as exc:
        if "out of memory" in str(exc).lower():
            raise _out_of_memory(path) from exc
        raise InputError(
            f"could not parse CSV {path}: {_first_line(exc)}",
            "check the delimiter and quoting; every row needs the same number of fields",
        ) from exc
    except (EOFError, zlib.error, OSError) as exc:  # a truncated or corrupt .gz
        raise InputError(
            f"could not read {path}: the compressed file is corrupt or truncated "
            f"({_first_line(exc)})",
            "re-create the .gz file, or pass the uncompressed CSV",
        ) from exc
    except LookupError as exc:
        raise InputError(f"unknown encoding {shorten(encoding)!r}", "use e.g. utf-8") from exc
    except ValueError as exc:  # usecols naming columns the file lacks
        raise InputError(f"could not read {path}: {_first_line(exc)}") from exc


def _sniff_delimiter(path: Path, encoding: str) -> str:
    """Pick the delimiter from the first lines; comma when nothing else is clearly used."""
    if path.name.lower().endswith(".tsv"):
        return "\t"
    opener = _open_text(path, encoding)
    try:
        with opener as handle:
            sample = handle.read(64 * 1024)
    except UnicodeDecodeError as exc:
        raise _not_encoded(path, encoding, exc) from exc
    except LookupError as exc:
        raise InputError(
            f"unknown encoding {shorten(encoding)!r}", "use e.g. utf-8 or latin-1"
        ) from exc
    except (EOFError, zlib.error, OSError) as exc:
        raise InputError(
            f"could not read {path}: the compressed file is corrupt or truncated "
            f"({_first_line(exc)})",
            "re-create the .gz file, or pass the uncompressed CSV",
        ) from exc
    if not sample.strip():
        raise InputError(f"{path} is empty", "the CSV needs a header row and data rows")
    if "\x00" in sample:
        raise InputError(f"{path} looks like a binary file, not CSV text", "export it as CSV")
    return _most_consistent_delimiter(sample)


def _most_consistent_delimiter(sample: str) -> str:
    """The delimiter that splits the first lines into the same, largest number of fields."""
    lines = sample.splitlines()[:20]
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line of the sample may be cut in the middle
    best, best_fields = ",", 1
    for delimiter in _DELIMITERS:
        counts = {len(row) for row in csv.reader(lines, delimiter=delimiter) if row}
        if len(counts) == 1 and (fields := counts.pop()) > best_fields:
            best, best_fields = delimiter, fields
    return best


def _open_text(path: Path, encoding: str):  # type: ignore[no-untyped-def]
    if path.name.lower().endswith(".gz"):
        import gzip

        return gzip.open(path, "rt", encoding=encoding, newline="")
    return path.open("r", encoding=encoding, newline="")


def _first_line(exc: BaseException, limit: int = 200) -> str:
    text = str(exc).strip()
    return shorten(text.splitlines()[0], limit) if text else type(exc).__name__
