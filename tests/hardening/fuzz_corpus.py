"""A seeded corpus of malformed CSV and Parquet inputs, each with the scan arguments to run.

Every case is built from one well-formed table by one or two mutations (bytes, structure,
values, names, types), so a failure names what was broken. Same seed, same corpus.
"""

from __future__ import annotations

import gzip
import io
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


@dataclass(frozen=True)
class Case:
    name: str
    filename: str
    content: bytes
    args: tuple[str, ...]
    """Scan arguments after --data."""


ROLES = ("--predictions", "p", "--sensitive", "g", "--target", "y")


def base_frame(rng: random.Random, n: int = 60) -> pd.DataFrame:
    gen = np.random.default_rng(rng.randrange(2**32))
    return pd.DataFrame(
        {
            "id": np.arange(n),
            "g": gen.choice(["f", "m", "x"], n),
            "age": gen.integers(18, 80, n),
            "income": gen.normal(50, 10, n).round(2),
            "y": gen.integers(0, 2, n),
            "p": gen.integers(0, 2, n),
        }
    )


def csv_bytes(frame: pd.DataFrame, **kwargs: object) -> bytes:
    text: str = frame.to_csv(index=False, **kwargs)  # type: ignore[call-overload]
    return text.encode("utf-8")


def parquet_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


# --- byte-level mutations of a CSV -------------------------------------------------------------


def _truncate(raw: bytes, rng: random.Random) -> bytes:
    return raw[: rng.randrange(0, len(raw))]


def _flip_bytes(raw: bytes, rng: random.Random) -> bytes:
    data = bytearray(raw)
    for _ in range(rng.randrange(1, 20)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def _insert_nul(raw: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(raw))
    return raw[:at] + b"\x00" * rng.randrange(1, 5) + raw[at:]


def _random_bytes(raw: bytes, rng: random.Random) -> bytes:
    return bytes(rng.randrange(256) for _ in range(rng.randrange(0, 400)))


def _latin1_in_utf8(raw: bytes, rng: random.Random) -> bytes:
    return raw.replace(b"f,", b"f\xe9,", rng.randrange(1, 5))


def _utf16(raw: bytes, rng: random.Random) -> bytes:
    return raw.decode().encode("utf-16")


def _bom(raw: bytes, rng: random.Random) -> bytes:
    return b"\xef\xbb\xbf" + raw


def _crlf(raw: bytes, rng: random.Random) -> bytes:
    return raw.replace(b"\n", b"\r\n")


def _lone_cr(raw: bytes, rng: random.Random) -> bytes:
    return raw.replace(b"\n", b"\r")


def _unclosed_quote(raw: bytes, rng: random.Random) -> bytes:
    lines = raw.split(b"\n")
    i = rng.randrange(1, max(2, len(lines) - 1))
    lines[i] = b'"' + lines[i]
    return b"\n".join(lines)


def _ragged_rows(raw: bytes, rng: random.Random) -> bytes:
    lines = raw.split(b"\n")
    for _ in range(rng.randrange(1, 5)):
        i = rng.randrange(1, max(2, len(lines) - 1))
        lines[i] = lines[i] + b"," * rng.randrange(1, 4) if rng.random() < 0.5 else lines[i][:3]
    return b"\n".join(lines)


def _only_header(raw: bytes, rng: random.Random) -> bytes:
    return raw.split(b"\n")[0] + b"\n"


def _blank_lines(raw: bytes, rng: random.Random) -> bytes:
    return raw.replace(b"\n", b"\n\n\n", rng.randrange(1, 10))


def _whitespace_only(raw: bytes, rng: random.Random) -> bytes:
    return b" \n\t\n  \n"


def _gzip_truncated(raw: bytes, rng: random.Random) -> bytes:
    packed = gzip.compress(raw)
    return packed[: rng.randrange(1, len(packed))]


def _semicolons(raw: bytes, rng: random.Random) -> bytes:
    return raw.replace(b",", b";")


def _mixed_delimiters(raw: bytes, rng: random.Random) -> bytes:
    lines = raw.split(b"\n")
    for i in range(1, len(lines), 3):
        lines[i] = lines[i].replace(b",", b";")
    return b"\n".join(lines)


def _long_line(raw: bytes, rng: random.Random) -> bytes:
    return raw.split(b"\n")[0] + b"," + b"c" * 200_000 + b"\n" + b"\n".join(raw.split(b"\n")[1:])


BYTE_MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "truncate": _truncate,
    "flip-bytes": _flip_bytes,
    "nul": _insert_nul,
    "random-bytes": _random_bytes,
    "latin1-in-utf8": _latin1_in_utf8,
    "utf16": _utf16,
    "bom": _bom,
    "crlf": _crlf,
    "lone-cr": _lone_cr,
    "unclosed-quote": _unclosed_quote,
    "ragged": _ragged_rows,
    "only-header": _only_header,
    "blank-lines": _blank_lines,
    "whitespace-only": _whitespace_only,
    "semicolons": _semicolons,
    "mixed-delimiters": _mixed_delimiters,
    "long-line": _long_line,
}


# --- value and name mutations of the table -----------------------------------------------------


def _values(
    column: str, values: Callable[[int, random.Random], list[object]]
) -> Callable[[pd.DataFrame, random.Random], pd.DataFrame]:
    def mutate(frame: pd.DataFrame, rng: random.Random) -> pd.DataFrame:
        frame = frame.copy()
        new: Any = values(len(frame), rng)  # a plain list: pandas infers the column's dtype
        frame[column] = new
        return frame

    return mutate


def _some(value: object, share: float = 0.3):  # type: ignore[no-untyped-def]
    def values(n: int, rng: random.Random) -> list[object]:
        return [value if rng.random() < share else rng.randrange(2) for _ in range(n)]

    return values


def _rename(old: str, new: str):  # type: ignore[no-untyped-def]
    def mutate(frame: pd.DataFrame, rng: random.Random) -> pd.DataFrame:
        return frame.rename(columns={old: new})

    return mutate


def _duplicate_header(frame: pd.DataFrame, rng: random.Random) -> pd.DataFrame:
    frame = frame.copy()
    frame.columns = ["g" if c == "age" else c for c in frame.columns]
    return frame


def _drop(column: str):  # type: ignore[no-untyped-def]
    def mutate(frame: pd.DataFrame, rng: random.Random) -> pd.DataFrame:
        return frame.drop(columns=[column])

    return mutate


def _rows(n: int):  # type: ignore[no-untyped-def]
    def mutate(frame: pd.DataFrame, rng: random.Random) -> pd.DataFrame:
        return frame.head(n)

    return mutate


def _many_columns(frame: pd.DataFrame, rng: random.Random) -> pd.DataFrame:
    extra = pd.DataFrame(
        np.random.default_rng(rng.randrange(2**32)).normal(size=(len(frame), 300)),
        columns=[f"c{i}" for i in range(300)],
    )
    return pd.concat([frame, extra], axis=1)


VALUE_MUTATIONS: dict[str, Callable[[pd.DataFrame, random.Random], pd.DataFrame]] = {
    "target-inf": _values("y", _some(float("inf"), 0.05)),
    "target-nan": _values("y", _some(float("nan"))),
    "target-all-nan": _values("y", lambda n, r: [float("nan")] * n),
    "target-strings": _values(
        "y", lambda n, r: [r.choice(["yes", "no", "maybe", ""]) for _ in range(n)]
    ),
    "target-one-class": _values("y", lambda n, r: [1] * n),
    "target-many-classes": _values("y", lambda n, r: [r.randrange(50) for _ in range(n)]),
    "target-huge": _values("y", _some(1e308)),
    "pred-strings": _values("p", lambda n, r: [r.choice(["a", "b", "", "NA"]) for _ in range(n)]),
    "pred-floats": _values("p", lambda n, r: [r.random() * 10 - 5 for _ in range(n)]),
    "pred-nan": _values("p", _some(float("nan"))),
    "pred-all-nan": _values("p", lambda n, r: [float("nan")] * n),
    "pred-one-value": _values("p", lambda n, r: [0] * n),
    "pred-bools": _values("p", lambda n, r: [r.choice(["True", "False"]) for _ in range(n)]),
    "sensitive-all-nan": _values("g", lambda n, r: [float("nan")] * n),
    "sensitive-one-value": _values("g", lambda n, r: ["f"] * n),
    "sensitive-unique": _values("g", lambda n, r: [f"v{i}" for i in range(n)]),
    "sensitive-numbers": _values("g", lambda n, r: [r.random() for _ in range(n)]),
    "sensitive-mixed": _values(
        "g", lambda n, r: [r.choice(["f", 1, 2.5, "", None]) for _ in range(n)]
    ),
    "sensitive-empty-strings": _values("g", lambda n, r: [""] * n),
    "sensitive-long-labels": _values(
        "g", lambda n, r: ["L" * 5000 + str(r.randrange(3)) for _ in range(n)]
    ),
    "sensitive-markup": _values(
        "g", lambda n, r: [r.choice(["<script>x</script>", "a&b", '"q"']) for _ in range(n)]
    ),
    "feature-inf": _values("income", _some(float("inf"))),
    "feature-strings": _values(
        "income", lambda n, r: [r.choice(["1,5", "n/a", "-"]) for _ in range(n)]
    ),
    "feature-dates": _values(
        "age", lambda n, r: [f"2020-01-{r.randrange(1, 28):02d}" for _ in range(n)]
    ),
    "rename-sensitive-comma": _rename("g", "g,x"),
    "rename-target-unicode": _rename("y", "résultat ✓"),
    "rename-empty": _rename("income", ""),
    "rename-long": _rename("income", "n" * 10_000),
    "rename-quote": _rename("age", 'a"ge'),
    "duplicate-header": _duplicate_header,
    "drop-predictions": _drop("p"),
    "drop-sensitive": _drop("g"),
    "drop-target": _drop("y"),
    "one-row": _rows(1),
    "two-rows": _rows(2),
    "many-columns": _many_columns,
}


# --- Parquet -----------------------------------------------------------------------------------


def _parquet_cases(frame: pd.DataFrame, rng: random.Random) -> Iterator[tuple[str, bytes]]:
    n = len(frame)
    good = pa.Table.from_pandas(frame, preserve_index=False)
    raw = parquet_bytes(good)
    yield "parquet-truncated", raw[: rng.randrange(1, len(raw))]
    yield "parquet-flipped", _flip_bytes(raw, rng)
    yield "parquet-random", _random_bytes(raw, rng)
    yield "parquet-empty", b""
    yield "parquet-zero-rows", parquet_bytes(good.slice(0, 0))
    yield (
        "parquet-nested-sensitive",
        parquet_bytes(good.set_column(good.schema.get_field_index("g"), "g", pa.array([[1]] * n))),
    )
    yield (
        "parquet-struct-target",
        parquet_bytes(
            good.set_column(good.schema.get_field_index("y"), "y", pa.array([{"a": 1}] * n))
        ),
    )
    yield (
        "parquet-map-feature",
        parquet_bytes(
            good.append_column(
                "m", pa.array([[("k", 1)]] * n, type=pa.map_(pa.string(), pa.int64()))
            )
        ),
    )
    yield "parquet-null-column", parquet_bytes(good.append_column("z", pa.nulls(n)))
    yield (
        "parquet-all-null-target",
        parquet_bytes(
            good.set_column(good.schema.get_field_index("y"), "y", pa.nulls(n, pa.int64()))
        ),
    )
    yield "parquet-binary", parquet_bytes(good.append_column("b", pa.array([b"\x00\xff"] * n)))
    yield (
        "parquet-decimal",
        parquet_bytes(
            good.append_column("d", pa.array([1] * n, pa.int64()).cast(pa.decimal128(22, 2)))
        ),
    )
    yield (
        "parquet-timestamp-target",
        parquet_bytes(
            good.set_column(
                good.schema.get_field_index("y"), "y", pa.array(list(range(n)), pa.timestamp("s"))
            )
        ),
    )
    yield (
        "parquet-dictionary",
        parquet_bytes(
            good.set_column(
                good.schema.get_field_index("g"), "g", pa.array(frame["g"]).dictionary_encode()
            )
        ),
    )
    yield (
        "parquet-uint64-huge",
        parquet_bytes(good.append_column("u", pa.array([2**64 - 1] * n, pa.uint64()))),
    )
    yield (
        "parquet-duplicate-names",
        parquet_bytes(
            pa.table(
                [good.column("g"), good.column("p"), good.column("y"), good.column("age")],
                names=["g", "p", "y", "g"],
            )
        ),
    )
    yield "parquet-empty-name", parquet_bytes(good.append_column("", pa.array([1] * n)))
    yield (
        "parquet-float-pred",
        parquet_bytes(
            good.set_column(
                good.schema.get_field_index("p"), "p", pa.array([rng.random() for _ in range(n)])
            )
        ),
    )


def corpus(seed: int = 20260101, size: int = 320) -> list[Case]:
    """At least ``size`` cases: every mutation once, then seeded combinations."""
    rng = random.Random(seed)
    cases: list[Case] = []
    frame = base_frame(rng)
    for name, mutate in BYTE_MUTATIONS.items():
        cases.append(Case(f"csv-{name}", "d.csv", mutate(csv_bytes(frame), rng), ROLES))
    for name, change in VALUE_MUTATIONS.items():
        cases.append(Case(f"csv-{name}", "d.csv", csv_bytes(change(frame, rng)), ROLES))
    for name, content in _parquet_cases(frame, rng):
        cases.append(Case(name, "d.parquet", content, ROLES))
    cases.append(Case("gzip-truncated", "d.csv.gz", _gzip_truncated(csv_bytes(frame), rng), ROLES))
    cases.append(Case("tsv-with-commas", "d.tsv", csv_bytes(frame), ROLES))
    byte_names, value_names = list(BYTE_MUTATIONS), list(VALUE_MUTATIONS)
    number = 0
    while len(cases) < size:
        number += 1
        table = base_frame(rng, n=rng.choice([3, 10, 60, 200]))
        value_name = rng.choice(value_names)
        table = VALUE_MUTATIONS[value_name](table, rng)
        if rng.random() < 0.5:
            byte_name = rng.choice(byte_names)
            content = BYTE_MUTATIONS[byte_name](csv_bytes(table), rng)
            name = f"mix{number}-{value_name}+{byte_name}"
        else:
            content, name = csv_bytes(table), f"mix{number}-{value_name}"
        args = ROLES if rng.random() < 0.8 else ("--predictions", "p", "--sensitive", "g")
        if rng.random() < 0.3:
            table_path = "d.parquet"
            try:
                content = parquet_bytes(pa.Table.from_pandas(table, preserve_index=False))
            except (pa.ArrowException, ValueError, TypeError):
                table_path = "d.csv"
            cases.append(Case(name + "-parquet", table_path, content, args))
        else:
            cases.append(Case(name, "d.csv", content, args))
    return cases
