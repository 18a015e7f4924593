"""Out-of-core audits of predictions-only decision logs: DuckDB at 1M → 10M → 100M rows,
Spark local beside DuckDB at 10M. Not a timed test: figures for the closing notes.

    python benchmarks/engines.py                       # 1M, 10M, 100M through DuckDB, 3 runs
    python benchmarks/engines.py --rows 10000000 --engine duckdb spark --reps 1

The logs are generated once as Parquet into ``--cache`` (default ``/tmp/trustscan-engines``):
sex and race, a logged decision, a continuous score, the outcome and three other columns, in
row groups of 1M rows. Each audit runs in a fresh process (``_peak.py``: wall seconds and the
process's own peak RSS, ``VmHWM``) with the checks a decision log supports. Prints one JSON
line per run, then medians and the per-row cost used to estimate 1B rows.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
CHUNK = 1_000_000


def generate(path: Path, rows: int, seed: int = 0) -> Path:
    """A decision log of ``rows`` rows at ``path`` (written once, chunk by chunk)."""
    if path.exists():
        return path
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    partial = path.with_suffix(".partial")
    writer = None
    races = np.array(["white", "black", "hispanic", "asian", "other"])
    for start in range(0, rows, CHUNK):
        n = min(CHUNK, rows - start)
        sex = rng.integers(0, 2, n)
        race = rng.choice(5, n, p=[0.6, 0.13, 0.18, 0.06, 0.03])
        score = np.clip(rng.beta(2, 2, n) + 0.04 * sex - 0.03 * (race == 1), 0, 1)
        table = pa.table(
            {
                "customer_id": np.arange(start, start + n, dtype=np.int64),
                "sex": pa.array(np.where(sex == 1, "male", "female")).dictionary_encode(),
                "race": pa.array(races[race]).dictionary_encode(),
                "decision": (score >= 0.5).astype(np.int8),
                "score": score,
                "outcome": (rng.random(n) < score).astype(np.int8),
                "income": rng.lognormal(10.5, 0.5, n).round(0),
                "tenure_months": rng.integers(0, 240, n, dtype=np.int16),
            }
        )
        if writer is None:
            writer = pq.ParquetWriter(partial, table.schema)
        writer.write_table(table, row_group_size=CHUNK)
    assert writer is not None
    writer.close()
    partial.rename(path)
    return path


def audit(path: Path, engine: str, out: Path) -> dict[str, float]:
    """One audit in a fresh process: wall seconds and peak RSS (MB)."""
    peak_file = out.with_suffix(".peak")
    env = {**os.environ, "TRUSTSCAN_BENCH_PEAK": str(peak_file)}
    command = [
        sys.executable, str(HERE / "_peak.py"), "-m", "trustscan", "scan",
        "--data", str(path), "--engine", engine,
        "--predictions", "decision", "--scores", "score", "--target", "outcome",
        "--sensitive", "sex,race", "--json", str(out), "--no-ledger", "-q",
    ]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=out.parent)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{engine} on {path.name} failed: {done.stderr.strip()[-1500:]}")
    peak_mb = int(peak_file.read_text()) / 1024
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(peak_mb, 1)}


def numbers(report_path: Path) -> dict[str, object]:
    """The counts-only results' metrics, to compare engines."""
    report = json.loads(report_path.read_text())
    keep = ("fairness.selection_rate", "fairness.error_rates", "performance.overall",
            "performance.calibration", "data.quality")  # fmt: skip
    return {r["check_id"]: r["metrics"] for r in report["results"] if r["check_id"] in keep}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[1_000_000, 10_000_000, 100_000_000])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument(
        "--engine", nargs="+", choices=("duckdb", "spark", "memory"), default=["duckdb"],
        help="engines to run on each size; with two, their report numbers are compared",
    )  # fmt: skip
    parser.add_argument("--cache", type=Path, default=Path("/tmp/trustscan-engines"))
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    summary = []
    for rows in args.rows:
        path = generate(args.cache / f"log-{rows}.parquet", rows)
        engines = args.engine
        reports: dict[str, Path] = {}
        for engine in engines:
            runs = []
            with tempfile.TemporaryDirectory() as folder:
                for rep in range(args.reps):
                    out = Path(folder) / f"{engine}-{rep}.json"
                    run = {"rows": rows, "engine": engine, "rep": rep,
                           "load": os.getloadavg()[0], **audit(path, engine, out)}  # fmt: skip
                    print(json.dumps(run), flush=True)
                    runs.append(run)
                keep = args.cache / f"report-{rows}-{engine}.json"
                keep.write_text(out.read_text())
                reports[engine] = keep
            median = statistics.median(r["seconds"] for r in runs)
            summary.append({
                "rows": rows, "engine": engine, "median_seconds": median,
                "median_peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in runs),
                "microseconds_per_row": round(median / rows * 1e6, 3),
            })  # fmt: skip
        first, *others = engines
        for other in others:
            same = numbers(reports[first]) == numbers(reports[other])
            print(json.dumps({"rows": rows, f"{other}_numbers_equal_{first}": same}), flush=True)
    print(json.dumps({"summary": summary}, indent=1))


if __name__ == "__main__":
    main()
