"""End-to-end benchmark: ``trustscan scan`` timings and peak memory beside its peers.

One command, from a fresh clone (after ``pip install -e ".[test]"``):

    python benchmarks/run.py                    # 100k, 1M, 10M rows; medians of 3 runs
    python benchmarks/run.py --quick            # smoke run on 2,000 rows, a few seconds

For every size it generates synthetic Parquet files once (cached in ``--cache``, default
``$TMPDIR/trustscan-bench``) and measures, each in a fresh subprocess (wall seconds and the
child's peak RSS from ``wait4``):

- ``full``: ``trustscan scan`` with a scikit-learn Pipeline (StandardScaler +
  LogisticRegression) on 50 numeric features, predictions included. The 10M full scan needs
  ~4 GB for the feature matrix alone and is only run with ``--full-10m``;
- ``predictions``: ``trustscan scan`` in predictions-only mode (logged decisions + scores,
  a target, 2 sensitive columns, 8 candidate proxy columns, an id column);
- ``issue-csv``: the same audit of the decision log issue 18 timed (sex, race, decision,
  score, outcome and one more column, as CSV, scores rounded to 6 decimals), against reading
  that CSV with pandas and with DuckDB (up to 1M rows);
- peers on the predictions-only data: fairlearn ``MetricFrame`` (six metrics for gender,
  race and gender × race, as ``bench_fairness.py``) without and with bootstrap, and
  Aequitas 1.1 ``Group().get_crosstabs`` + ``Bias().get_disparity_major_group`` when the
  virtualenv ``--aequitas-python`` (default ``/work/aequitas-venv/bin/python``) exists.

fairlearn's bootstrap re-runs the whole frame per resample; it is timed with ``--fairlearn-boot``
resamples (default 10) and extrapolated linearly to 100, labelled as such. trustscan's fairness
section (its two ``fairness.*`` checks, 1,000 count-level bootstrap resamples each) is read from
the per-check durations in the scan's JSON report.

``startup`` times commands that run no audit (``--version``, ``--help``, ``init``, ``ledger
verify``, ``explain``) against ``python -c pass``; ``predictions`` also times the floor, reading
the same file with pandas and with DuckDB (each a fresh process), and prints the scan/read
ratios. The targets (a 1M-row predictions-only scan <= 5 s and <= 3x the fastest read, a 1M x 50
full scan <= 15 s, each start-up <= 0.3 s) are printed as met or missed.

Medians, trustscan/peer ratios and the machine load (``os.getloadavg``) are printed and written
to ``--json`` (default ``benchmarks/results/run-<UTC time>.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
RACES = ("asian", "black", "hispanic", "other", "white")
RACE_P = (0.1, 0.15, 0.2, 0.05, 0.5)
N_FEATURES = 50
N_PROXY_COLUMNS = 8
CHUNK = 500_000
DEFAULT_ROWS = (100_000, 1_000_000, 10_000_000)
AEQUITAS_PYTHON = Path("/work/aequitas-venv/bin/python")
FAIRNESS_CHECKS = ("fairness.selection_rate", "fairness.error_rates")
TARGETS = {"predictions_scan_s": 5.0, "scan_over_fastest_read": 3.0, "full_scan_s": 15.0}
"""Issue-level targets at 1M rows on the reference 2-core machine; startup: STARTUP_TARGET_S."""
STARTUP_TARGET_S = 0.3
READERS = {
    "pandas read_parquet": "import pandas as pd; pd.read_parquet({path!r})",
    "duckdb read": "import duckdb; duckdb.sql(\"select * from read_parquet('{path}')\").fetchnumpy()",
}
CSV_READERS = {
    "pandas read_csv": "import pandas as pd; pd.read_csv({path!r})",
    "duckdb read_csv": "import duckdb; duckdb.sql(\"select * from read_csv('{path}')\").fetchnumpy()",
}
"""Readers of the issue-shaped CSV (``make_issue_csv``), the file issue 18 was measured on."""
ISSUE_CSV_MAX_ROWS = 1_000_000
"""The floor for a scan: reading the whole file into memory, in a fresh process."""
STARTUP_COMMANDS = (
    ("--version",),
    ("--help",),
    ("init",),
    ("ledger", "verify"),
    ("explain", "fairness.selection_rate"),
)


# --------------------------------------------------------------------------- data


def _chunk_columns(rng: np.random.Generator, n: int, n_features: int) -> dict[str, np.ndarray]:
    """One chunk of people: sensitive attributes, features (f00 a gender proxy), a target."""
    gender = rng.choice(np.array(["female", "male"], dtype=object), size=n)
    race = rng.choice(np.array(RACES, dtype=object), size=n, p=RACE_P)
    female = gender == "female"
    features = rng.normal(size=(n, n_features))
    features[:, 0] += 0.8 * female  # a proxy: the model never sees gender, but f00 carries it
    logit = features[:, :5] @ np.array([0.8, -0.6, 0.5, 0.4, -0.3]) - 0.3 * female - 0.8
    y = rng.random(n) < 1.0 / (1.0 + np.exp(-logit))
    columns: dict[str, np.ndarray] = {"gender": gender, "race": race}
    for j in range(n_features):
        columns[f"f{j:02d}"] = features[:, j]
    columns["y"] = y.astype(np.int64)
    return columns


def _write_parquet(path: Path, rows: int, make_chunk: Any, seed: int) -> None:
    """Write ``rows`` rows chunk by chunk (bounded memory even at 10M x 50) to ``path``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    partial = path.with_suffix(".partial")
    writer = None
    start = 0
    try:
        while start < rows:
            n = min(CHUNK, rows - start)
            table = pa.table(make_chunk(rng, n, start))
            if writer is None:
                writer = pq.ParquetWriter(partial, table.schema)
            writer.write_table(table, row_group_size=min(CHUNK, 1_000_000))
            start += n
    finally:
        if writer is not None:
            writer.close()
    partial.replace(path)


def make_full_data(path: Path, rows: int, seed: int = 0) -> None:
    """Parquet for the full scan: gender, race, f00..f49, y."""
    _write_parquet(path, rows, lambda rng, n, _s: _chunk_columns(rng, n, N_FEATURES), seed)


def fit_model(path: Path, seed: int = 0) -> None:
    """A StandardScaler + LogisticRegression on f00..f49, fitted on 20k rows, saved with skops."""
    import pandas as pd
    import skops.io as sio
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    columns = _chunk_columns(np.random.default_rng(seed + 1), 20_000, N_FEATURES)
    frame = pd.DataFrame(columns)
    names = [f"f{j:02d}" for j in range(N_FEATURES)]
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500))
    model.fit(frame[names], frame["y"])
    partial = path.with_suffix(".partial")
    sio.dump(model, partial)
    partial.replace(path)


def make_predictions_data(path: Path, rows: int, seed: int = 0) -> None:
    """Parquet for predictions-only mode: a logged score and decision per person."""

    def chunk(rng: np.random.Generator, n: int, start: int) -> dict[str, np.ndarray]:
        base = _chunk_columns(rng, n, N_PROXY_COLUMNS)
        y = base["y"].astype(bool)
        female = base["gender"] == "female"
        logit = -1.0 + 2.0 * y - 0.4 * female - 0.2 * (base["race"] == "black")
        score = 1.0 / (1.0 + np.exp(-(logit + rng.normal(0.0, 1.0, n))))
        out: dict[str, np.ndarray] = {"applicant_id": np.arange(start, start + n)}
        out.update({k: v for k, v in base.items() if k != "y"})
        out.update({"y_true": y.astype(np.int64), "score": score})
        out["y_pred"] = (score >= 0.5).astype(np.int64)
        return out

    _write_parquet(path, rows, chunk, seed)


def make_issue_csv(path: Path, rows: int, seed: int = 0) -> None:
    """The decision log issue 18 timed: sex, race, decision, score, outcome and one more
    column, as CSV, with scores rounded to 6 decimals as logs store them (so they tie)."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    sex = rng.choice(np.array(["female", "male"]), rows)
    race = rng.choice(np.array(RACES), rows, p=RACE_P)
    outcome = rng.uniform(size=rows) < 0.4
    logit = -1.0 + 2.0 * outcome - 0.4 * (sex == "female") - 0.2 * (race == "black")
    score = 1.0 / (1.0 + np.exp(-(logit + rng.normal(0.0, 1.0, rows))))
    frame = pd.DataFrame(
        {
            "sex": sex,
            "race": race,
            "decision": (score >= 0.5).astype(np.int64),
            "score": score.round(6),
            "outcome": outcome.astype(np.int64),
            "tenure_years": rng.integers(0, 30, rows),
        }
    )
    partial = path.with_suffix(".partial")
    frame.to_csv(partial, index=False)
    partial.replace(path)


def dataset(cache: Path, kind: str, rows: int) -> Path:
    """The cached data file (generated on first use)."""
    path = cache / (f"{kind}_{rows}.csv" if kind == "issue" else f"{kind}_{rows}.parquet")
    if not path.exists():
        started = time.perf_counter()
        make = {"full": make_full_data, "pred": make_predictions_data, "issue": make_issue_csv}
        make[kind](path, rows)
        print(f"  generated {path.name} in {time.perf_counter() - started:.1f} s", flush=True)
    return path


def model_file(cache: Path) -> Path:
    path = cache / "model.skops"
    if not path.exists():
        fit_model(path)
    return path


# --------------------------------------------------------------------------- measuring


@dataclass
class Measurement:
    name: str
    rows: int
    wall_s: list[float] = field(default_factory=list)
    peak_rss_mb: list[float] = field(default_factory=list)
    section_s: dict[str, list[float]] = field(default_factory=dict)
    load: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def median_s(self) -> float:
        return statistics.median(self.wall_s) if self.wall_s else float("nan")

    @property
    def peak_mb(self) -> float:
        return max(self.peak_rss_mb) if self.peak_rss_mb else float("nan")

    def section(self, name: str) -> float:
        values = self.section_s.get(name, [])
        return statistics.median(values) if values else float("nan")

    def summary(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(
            median_s=self.median_s,
            peak_rss_mb_max=self.peak_mb,
            section_median_s={k: self.section(k) for k in self.section_s},
        )
        return out


def measure(command: Sequence[str], ok: tuple[int, ...] = (0, 1)) -> tuple[float, float, str]:
    """Wall seconds, the child's own peak RSS (MB) and its stdout.

    ``command`` is ``[python, ARGS...]``; it runs as ``[python, _peak.py, ARGS...]`` so the
    child reports its ``VmHWM`` (see ``_peak.py`` for why ``wait4`` cannot be used).
    """
    python, *rest = command
    with tempfile.TemporaryDirectory() as tmp:
        peak_file = Path(tmp) / "peak"
        env = {**os.environ, "TRUSTSCAN_BENCH_PEAK": str(peak_file)}
        started = time.perf_counter()
        process = subprocess.run(
            [python, str(HERE / "_peak.py"), *rest], capture_output=True, text=True, env=env
        )
        wall = time.perf_counter() - started
        if process.returncode not in ok:  # a scan's 1 = the audit ran and its policy failed
            raise RuntimeError(
                f"{' '.join(map(str, command[:5]))} ... exited {process.returncode}:\n"
                f"{process.stderr[-3000:]}"
            )
        peak_kb = float(peak_file.read_text()) if peak_file.exists() else float("nan")
    return wall, peak_kb / 1024, process.stdout


def compile_trustscan() -> int:
    """Compile trustscan's modules to bytecode, as ``pip install`` does, and count them.

    An editable install run with ``PYTHONDONTWRITEBYTECODE`` set (as some CI images and
    sandboxes do) would otherwise recompile every module in every timed process, ~0.3 s that
    an installed user never pays; the peers' packages are already compiled by pip.
    """
    import compileall

    import trustscan

    package = Path(trustscan.__file__).resolve().parent
    if not compileall.compile_dir(package, quiet=1):
        raise RuntimeError(f"could not compile {package}")
    return sum(1 for _ in package.rglob("*.py"))


def scan_command(kind: str, data: Path, model: Path | None, report: Path) -> list[str]:
    command = [sys.executable, "-m", "trustscan", "scan", "--data", str(data)]
    if kind == "full":
        assert model is not None
        command += ["--model", str(model), "--target", "y"]
    elif kind == "issue-csv":
        command += ["--predictions", "decision", "--scores", "score", "--target", "outcome"]
        command += ["--sensitive", "sex,race"]
    else:
        command += ["--predictions", "y_pred", "--scores", "score", "--target", "y_true"]
    if kind != "issue-csv":
        command += ["--sensitive", "gender,race"]
    command += ["--json", str(report), "--no-ledger", "--quiet"]
    return command


def time_scan(kind: str, rows: int, data: Path, model: Path | None, reps: int) -> Measurement:
    result = Measurement(f"trustscan scan ({kind})", rows)
    with tempfile.TemporaryDirectory() as tmp:
        report_path = Path(tmp) / "report.json"
        command = scan_command(kind, data, model, report_path)
        for rep in range(reps):
            result.load.append(os.getloadavg()[0])
            wall, rss, _ = measure(command)
            report = json.loads(report_path.read_text(encoding="utf-8"))
            result.wall_s.append(wall)
            result.peak_rss_mb.append(rss)
            sections = _sections(report)
            for name, seconds in sections.items():
                result.section_s.setdefault(name, []).append(seconds)
            print(
                f"    {result.name} {rows:,} rows rep {rep + 1}/{reps}: {wall:.2f} s, "
                f"peak {rss:,.0f} MB, fairness {sections.get('fairness', 0):.2f} s, "
                f"load {result.load[-1]:.2f}",
                flush=True,
            )
    return result


def time_startup(reps: int) -> list[Measurement]:
    """Whole-process wall time of commands that run no audit, beside a bare interpreter."""
    out = []
    commands = [("python -c pass", [sys.executable, "-c", "pass"])]
    commands += [
        (f"trustscan {' '.join(args)}", [sys.executable, "-m", "trustscan", *args])
        for args in STARTUP_COMMANDS
    ]
    for name, command in commands:
        result = Measurement(name, 0)
        with tempfile.TemporaryDirectory() as tmp:
            for _ in range(reps):
                started = time.perf_counter()
                # ledger verify exits 2 in an empty folder (no ledger yet): still a full start-up.
                subprocess.run(command, cwd=tmp, capture_output=True, check=False)
                result.wall_s.append(time.perf_counter() - started)
        print(f"  {name}: median {result.median_s:.3f} s over {reps} runs", flush=True)
        out.append(result)
    return out


def time_read(
    rows: int, data: Path, reps: int, reader: str, readers: dict[str, str] = READERS
) -> Measurement:
    """The floor for a scan: reading the same file with ``reader`` in a fresh process."""
    result = Measurement(reader, rows)
    code = readers[reader].format(path=str(data))
    for _ in range(reps):
        result.load.append(os.getloadavg()[0])
        wall, rss, _ = measure([sys.executable, "-c", code], ok=(0,))
        result.wall_s.append(wall)
        result.peak_rss_mb.append(rss)
    print(f"    {reader} {rows:,} rows: median {result.median_s:.2f} s", flush=True)
    return result


def _sections(report: dict[str, Any]) -> dict[str, float]:
    """Seconds per check family (``fairness``, ``leakage``, ...) from the report's results."""
    out: dict[str, float] = {}
    for item in report.get("results", []):
        family = str(item.get("check_id", "")).split(".", 1)[0]
        out[family] = out.get(family, 0.0) + float(item.get("duration_s") or 0.0)
    out["checks_total"] = sum(out.values())
    return out


def time_peer(peer: str, rows: int, data: Path, reps: int, boot: int, python: Path) -> Measurement:
    """A peer in its own process; the child reports its compute seconds (after reading)."""
    name = {
        "fairlearn": f"fairlearn MetricFrame (n_boot={boot})"
        if boot
        else "fairlearn MetricFrame (no bootstrap)",
        "aequitas": "Aequitas 1.1 crosstabs+bias",
    }[peer]
    result = Measurement(name, rows)
    script = HERE / ("peer_aequitas.py" if peer == "aequitas" else "run.py")
    command = [str(python), str(script)]
    command += ["--peer-child", peer, "--peer-data", str(data), "--peer-boot", str(boot)]
    if peer == "aequitas":
        command = [str(python), str(script), str(data)]
    for rep in range(reps):
        result.load.append(os.getloadavg()[0])
        wall, rss, stdout = measure(command)
        lines = stdout.strip().splitlines()
        if not lines:
            raise RuntimeError(f"{name} printed no figures (exit 1?): {' '.join(command)}")
        figures = json.loads(lines[-1])
        result.wall_s.append(float(figures["compute_s"]))
        result.peak_rss_mb.append(rss)
        result.section_s.setdefault("process_wall", []).append(wall)
        print(
            f"    {name} {rows:,} rows rep {rep + 1}/{reps}: {figures['compute_s']:.2f} s "
            f"compute ({wall:.1f} s process), peak {rss:,.0f} MB, load {result.load[-1]:.2f}",
            flush=True,
        )
    return result


def peer_child_fairlearn(data: Path, boot: int) -> None:
    """Child process: read the columns fairlearn needs, time the MetricFrames, print JSON."""
    import pandas as pd

    sys.path.insert(0, str(HERE))
    from bench_fairness import run_fairlearn

    frame = pd.read_parquet(data, columns=["gender", "race", "y_true", "y_pred"])
    started = time.perf_counter()
    run_fairlearn(frame, boot or None)
    print(json.dumps({"compute_s": time.perf_counter() - started}))


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, nargs="+", default=list(DEFAULT_ROWS))
    parser.add_argument("--reps", type=int, default=3, help="runs per trustscan measurement")
    parser.add_argument("--peer-reps", type=int, default=3, help="runs per peer measurement")
    parser.add_argument("--fairlearn-boot", type=int, default=10)
    parser.add_argument(
        "--peer-max-rows",
        type=int,
        default=1_000_000,
        help="run the peers only up to this size (fairlearn at 10M takes many minutes)",
    )
    parser.add_argument("--full-10m", action="store_true", help="also run the 10M full scan")
    parser.add_argument(
        "--only", choices=("startup", "full", "predictions", "issue-csv", "peers"), nargs="+"
    )
    parser.add_argument("--quick", action="store_true", help="2,000 rows, 1 run: a smoke test")
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "trustscan-bench"
    )
    parser.add_argument("--json", type=Path, default=None, help="where to write the figures")
    parser.add_argument("--aequitas-python", type=Path, default=AEQUITAS_PYTHON)
    parser.add_argument("--peer-child", choices=("fairlearn",), help=argparse.SUPPRESS)
    parser.add_argument("--peer-data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--peer-boot", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.peer_child:
        peer_child_fairlearn(args.peer_data, args.peer_boot)
        return 0
    if args.quick:
        args.rows, args.reps, args.peer_reps, args.fairlearn_boot = [2_000], 1, 1, 2
    parts = set(args.only or ("startup", "full", "predictions", "issue-csv", "peers"))
    args.cache.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    out_path = args.json or HERE / "results" / f"run-{stamp}.json"

    compiled = compile_trustscan()
    print(
        f"trustscan benchmark  {platform.node()}  cpus={os.cpu_count()}  "
        f"load={' '.join(f'{x:.2f}' for x in os.getloadavg())}  cache={args.cache}\n"
        f"  trustscan bytecode compiled first ({compiled} modules), as pip does on install",
        flush=True,
    )
    measurements: list[Measurement] = []
    skipped: list[str] = []
    aequitas = args.aequitas_python if args.aequitas_python.exists() else None
    if "peers" in parts and aequitas is None:
        skipped.append(
            f"Aequitas: {args.aequitas_python} not found; create it with "
            "`python -m venv /work/aequitas-venv && /work/aequitas-venv/bin/pip install "
            "'aequitas==1.1.*' 'pandas<3' pyarrow` (Aequitas 1.1 needs pandas < 3)"
        )
        print(f"  SKIP {skipped[-1]}", flush=True)
    startup: list[Measurement] = []
    if "startup" in parts:
        print("\n== start-up of commands that run no audit", flush=True)
        startup = time_startup(max(args.reps, 5))
    for rows in args.rows:
        print(f"\n== {rows:,} rows", flush=True)
        if "full" in parts:
            if rows >= 10_000_000 and not args.full_10m:
                skipped.append(f"full scan at {rows:,} rows (pass --full-10m to run it)")
                print(f"  SKIP {skipped[-1]}", flush=True)
            else:
                data = dataset(args.cache, "full", rows)
                measurements.append(
                    time_scan("full", rows, data, model_file(args.cache), args.reps)
                )
        if parts & {"predictions", "peers"}:
            data = dataset(args.cache, "pred", rows)
        if "predictions" in parts:
            # Reads and scans alternate, so both see the same load on a shared machine.
            for _ in range(args.reps):
                for reader in READERS:
                    measurements.append(time_read(rows, data, 1, reader))
                measurements.append(time_scan("predictions", rows, data, None, 1))
        if "issue-csv" in parts and rows > ISSUE_CSV_MAX_ROWS:
            skipped.append(f"issue-shaped CSV at {rows:,} rows (timed up to 1M)")
            print(f"  SKIP {skipped[-1]}", flush=True)
        elif "issue-csv" in parts:
            csv = dataset(args.cache, "issue", rows)
            for _ in range(args.reps):
                for reader in CSV_READERS:
                    measurements.append(time_read(rows, csv, 1, reader, CSV_READERS))
                measurements.append(time_scan("issue-csv", rows, csv, None, 1))
        if "peers" in parts:
            if rows > args.peer_max_rows:
                skipped.append(f"peers at {rows:,} rows (--peer-max-rows {args.peer_max_rows:,})")
                print(f"  SKIP {skipped[-1]}", flush=True)
                continue
            python = Path(sys.executable)
            measurements.append(time_peer("fairlearn", rows, data, args.peer_reps, 0, python))
            if args.fairlearn_boot:
                boot = time_peer(
                    "fairlearn", rows, data, args.peer_reps, args.fairlearn_boot, python
                )
                measurements.append(boot)
            if aequitas is not None:
                try:
                    measurements.append(
                        time_peer("aequitas", rows, data, args.peer_reps, 0, aequitas)
                    )
                except RuntimeError as exc:  # a broken peer environment is a skip, said so
                    skipped.append(f"Aequitas: {exc}")
                    print(f"  SKIP {skipped[-1]}", flush=True)

    figures = summarise(merge_reps(measurements), args.fairlearn_boot)
    print_summary(figures)
    if startup:
        bare = startup[0].median_s
        print(f"\n== start-up medians (seconds; target <= {STARTUP_TARGET_S} s)")
        for m in startup:
            verdict = "" if m is startup[0] else f"  {_met(m.median_s <= STARTUP_TARGET_S)}"
            print(
                f"  {m.name:<42} {m.median_s:.3f}  (+{m.median_s - bare:.3f} over python)" + verdict
            )
    payload = {
        "created_utc": stamp,
        "machine": {
            "node": platform.node(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_at_end": os.getloadavg(),
        },
        "command": [Path(sys.executable).name, *sys.argv],
        "measurements": [m.summary() for m in measurements],
        "figures": figures,
        "startup": {m.name: m.median_s for m in startup},
        "skipped": skipped,
    }
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(payload, indent=2, default=float), encoding="utf-8")
    print(f"\nfigures written to {out_path}")
    return 0


def merge_reps(measurements: list[Measurement]) -> list[Measurement]:
    """One measurement per (name, rows): runs taken one at a time, interleaved, are merged."""
    merged: dict[tuple[str, int], Measurement] = {}
    for m in measurements:
        into = merged.setdefault((m.name, m.rows), Measurement(m.name, m.rows, note=m.note))
        into.wall_s += m.wall_s
        into.peak_rss_mb += m.peak_rss_mb
        into.load += m.load
        for key, values in m.section_s.items():
            into.section_s.setdefault(key, []).extend(values)
    return list(merged.values())


def _met(ok: bool) -> str:
    return "met" if ok else "MISSED"


def summarise(measurements: list[Measurement], boot: int) -> list[dict[str, Any]]:
    """One row per size: medians, peak memory, ratios trustscan/peer."""
    by_size: dict[int, dict[str, Measurement]] = {}
    for m in measurements:
        by_size.setdefault(m.rows, {})[m.name] = m
    rows_out = []
    for rows, group in sorted(by_size.items()):
        full = group.get("trustscan scan (full)")
        pred = group.get("trustscan scan (predictions)")
        fl0 = group.get("fairlearn MetricFrame (no bootstrap)")
        flb = group.get(f"fairlearn MetricFrame (n_boot={boot})")
        aeq = group.get("Aequitas 1.1 crosstabs+bias")
        reads = {name: group[name] for name in READERS if name in group}
        row: dict[str, Any] = {"rows": rows}
        if full:
            row.update(
                full_scan_s=full.median_s,
                full_peak_mb=full.peak_mb,
                full_fairness_s=full.section("fairness"),
            )
        if pred:
            row.update(
                predictions_scan_s=pred.median_s,
                predictions_peak_mb=pred.peak_mb,
                fairness_section_s=pred.section("fairness"),
                load=statistics.median(pred.load),
            )
        if reads:
            row["read_s"] = {name: m.median_s for name, m in reads.items()}
            fastest = min(reads.values(), key=lambda m: m.median_s)
            row["fastest_reader"] = fastest.name
        if pred and reads:
            for name, m in reads.items():
                key = "pandas" if name.startswith("pandas") else "duckdb"
                row[f"ratio_predictions_scan_over_{key}_read"] = pred.median_s / m.median_s
            row["ratio_predictions_scan_over_fastest_read"] = pred.median_s / fastest.median_s
            row["target_predictions_scan"] = _met(
                pred.median_s <= TARGETS["predictions_scan_s"]
                and pred.median_s / fastest.median_s <= TARGETS["scan_over_fastest_read"]
            )
        issue = group.get("trustscan scan (issue-csv)")
        csv_reads = {name: group[name] for name in CSV_READERS if name in group}
        if issue and csv_reads:
            row["issue_csv_scan_s"] = issue.median_s
            row["csv_read_s"] = {name: m.median_s for name, m in csv_reads.items()}
            for name, m in csv_reads.items():
                key = "pandas" if name.startswith("pandas") else "duckdb"
                row[f"ratio_issue_csv_scan_over_{key}_read_csv"] = issue.median_s / m.median_s
            fastest_csv = min(m.median_s for m in csv_reads.values())
            row["target_issue_csv_scan"] = _met(
                issue.median_s <= TARGETS["predictions_scan_s"]
                and issue.median_s / fastest_csv <= TARGETS["scan_over_fastest_read"]
            )
        if full:
            row["target_full_scan"] = _met(full.median_s <= TARGETS["full_scan_s"])
        if fl0:
            row["fairlearn_s"] = fl0.median_s
            if pred:  # whole scan (all checks, intervals) against four bare MetricFrame metrics
                row["ratio_fairlearn_over_trustscan_scan"] = fl0.median_s / pred.median_s
        if fl0 and flb:
            per = max(flb.median_s - fl0.median_s, 0.0) / max(boot, 1)
            row["fairlearn_boot_s"] = flb.median_s
            row["fairlearn_boot100_extrapolated_s"] = fl0.median_s + 100 * per
        if aeq:
            row["aequitas_s"] = aeq.median_s
            if pred:
                row["ratio_aequitas_over_trustscan_scan"] = aeq.median_s / pred.median_s
        fair = row.get("fairness_section_s")
        if fair and fair > 0:
            for key in ("fairlearn_s", "fairlearn_boot100_extrapolated_s", "aequitas_s"):
                if key in row:
                    row[f"ratio_{key.removesuffix('_s')}_over_trustscan_fairness"] = row[key] / fair
        rows_out.append(row)
    return rows_out


def print_summary(figures: list[dict[str, Any]]) -> None:
    print("\n== medians (seconds; peak RSS in MB)")
    for row in figures:
        parts = [f"{row['rows']:>11,} rows"]
        for key, label in (
            ("full_scan_s", "full scan"),
            ("full_peak_mb", "full peak MB"),
            ("predictions_scan_s", "pred-only scan"),
            ("predictions_peak_mb", "pred-only peak MB"),
            ("issue_csv_scan_s", "issue-shaped CSV scan"),
            ("fairness_section_s", "trustscan fairness"),
            ("fairlearn_s", "fairlearn"),
            ("fairlearn_boot100_extrapolated_s", "fairlearn n_boot=100 (extrapolated)"),
            ("aequitas_s", "aequitas"),
        ):
            if key in row:
                value = row[key]
                parts.append(f"{label} {value:,.0f}" if "MB" in label else f"{label} {value:.3g}")
        for name, seconds in {**row.get("read_s", {}), **row.get("csv_read_s", {})}.items():
            parts.append(f"{name} {seconds:.3g}")
        print("  " + " | ".join(parts))
        for key, value in row.items():
            if key.startswith("ratio_"):
                print(f"      {key}: {value:,.2f}x")
            elif key.startswith("target_"):
                print(f"      {key}: {value}")


if __name__ == "__main__":
    sys.exit(main())
