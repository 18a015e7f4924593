"""Bounded work: documented caps on resamples and bootstrap memory."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from trustscan.errors import InputError
from trustscan.policy import MAX_BOOTSTRAP_RESAMPLES, StatsPolicy
from trustscan.stats.groups import GroupCounts
from trustscan.stats.intervals import (
    BOOTSTRAP_MEMORY_BUDGET,
    bootstrap_counts,
    resamples_within_budget,
)


def test_resamples_above_the_cap_are_an_input_error() -> None:
    assert StatsPolicy(bootstrap_resamples=MAX_BOOTSTRAP_RESAMPLES).bootstrap_resamples == 10_000
    with pytest.raises(InputError, match="out of range"):
        StatsPolicy(bootstrap_resamples=MAX_BOOTSTRAP_RESAMPLES + 1)
    with pytest.raises(InputError):
        StatsPolicy(bootstrap_resamples=-1)


def test_the_caps_keep_one_bootstrap_within_the_memory_budget() -> None:
    from trustscan.sensitive.groups import MAX_INTERSECTION_GROUPS

    assert MAX_BOOTSTRAP_RESAMPLES * MAX_INTERSECTION_GROUPS * 4 * 8 <= BOOTSTRAP_MEMORY_BUDGET


def test_a_bootstrap_beyond_the_budget_draws_fewer_replicates() -> None:
    groups = 100_000
    assert resamples_within_budget(1000, groups, 4) == BOOTSTRAP_MEMORY_BUDGET // (groups * 32)
    assert resamples_within_budget(1000, 200, 4) == 1000
    labels = tuple(f"g{i}" for i in range(groups))
    counts = GroupCounts.from_cells(labels, np.ones((groups, 4), dtype=np.int64))
    boot = bootstrap_counts(counts, resamples=1000, rng=np.random.default_rng(0))
    replicates = np.asarray(boot.cells()).shape[0]
    assert replicates < 1000
    assert np.asarray(boot.cells()).nbytes <= BOOTSTRAP_MEMORY_BUDGET


def test_the_copy_map_equals_the_pairwise_search() -> None:
    import pandas as pd

    from trustscan.checks.leakage.influence import redundant_copies, redundant_copy_map

    rng = np.random.default_rng(0)
    n = 300
    x = rng.normal(size=n)
    frame = pd.DataFrame(
        {
            "x": x,
            "x_copy": 2 * x + 1e-6 * rng.normal(size=n),
            "y": rng.normal(size=n),
            "club": rng.choice(["a", "b", "c"], n),
            "nan_col": np.where(rng.random(n) < 0.1, np.nan, rng.normal(size=n)),
            "flag": rng.integers(0, 2, n),
        }
    )
    frame["club_code"] = frame["club"].map({"a": 10, "b": 20, "c": 30})
    frame["flag_copy"] = 1 - frame["flag"]
    mapped = redundant_copy_map(frame)
    for column in frame.columns:
        assert mapped[column] == redundant_copies(frame, column), column
    assert mapped["x"] == ["x_copy"] and "club_code" in mapped["club"]


@pytest.mark.slow
def test_five_thousand_inputs_on_120_rows_finish_quickly(tmp_path: Path) -> None:
    import json
    import time

    import pandas as pd
    from click.testing import CliRunner

    from trustscan.checks.leakage.proxies import MAX_PROBED_FEATURES
    from trustscan.cli import main

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(120, 5000)), columns=[f"c{i}" for i in range(5000)])
    frame["g"] = rng.choice(["a", "b"], 120)
    frame["p"] = rng.integers(0, 2, 120)
    frame.to_csv(tmp_path / "wide.csv", index=False)
    started = time.perf_counter()
    result = CliRunner().invoke(
        main,
        [
            "scan",
            "--data",
            str(tmp_path / "wide.csv"),
            "--predictions",
            "p",
            "-s",
            "g",
            "--json",
            str(tmp_path / "r.json"),
            "--no-ledger",
            "-q",
        ],
    )
    elapsed = time.perf_counter() - started
    assert result.exit_code in (0, 1), result.output
    report = json.loads((tmp_path / "r.json").read_text())
    proxy = next(r for r in report["results"] if r["check_id"] == "leakage.proxy_features")
    assert proxy["metrics"]["probed_features"] == MAX_PROBED_FEATURES
    assert elapsed < 300, elapsed


def test_a_csv_beyond_the_memory_budget_is_audited_out_of_core(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above the budget ``--engine auto`` audits with DuckDB instead of refusing; forcing
    the in-memory engine is still refused with one line naming the way out."""
    import pandas as pd
    from click.testing import CliRunner

    from trustscan.cli import main

    data = tmp_path / "d.csv"
    pd.DataFrame({"g": ["a", "b"] * 100, "p": [0, 1] * 100}).to_csv(data, index=False)
    args = ["scan", "--data", str(data), "--predictions", "p", "-s", "g", "--no-ledger", "-q"]
    monkeypatch.setenv("TRUSTSCAN_MEMORY_BUDGET", "1K")
    report = tmp_path / "r.json"
    refused = CliRunner().invoke(main, [*args, "--engine", "memory", "--json", str(report)])
    assert refused.exit_code == 2
    assert "more than the memory budget" in refused.output
    assert "--engine duckdb" in refused.output
    assert len(refused.output.strip().splitlines()) == 1
    assert not report.exists()
    audited = CliRunner().invoke(main, [*args, "--json", str(report)])
    assert audited.exit_code < 2, audited.output
    assert any("out of core with DuckDB" in n for n in json.loads(report.read_text())["notes"])


def test_a_container_limit_lowers_the_memory_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trustscan.loading import data as data_module

    limit, usage = tmp_path / "memory.max", tmp_path / "memory.current"
    limit.write_text(f"{2 * 2**30}\n")
    usage.write_text(f"{2**30 // 2}\n")
    monkeypatch.delenv(data_module.MEMORY_BUDGET_ENV, raising=False)
    monkeypatch.setattr(data_module, "CGROUP_LIMITS", ((str(limit), str(usage)),))
    assert data_module.available_memory() == 2 * 2**30 - 2**30 // 2
    assert data_module.memory_budget() == int((2 * 2**30 - 2**30 // 2) * 0.7)
    limit.write_text("max\n")
    unlimited = data_module.available_memory()
    assert unlimited is not None and unlimited > 2 * 2**30 - 2**30 // 2


def test_a_csv_too_big_for_a_container_is_refused_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from trustscan.cli import main
    from trustscan.loading import data as data_module

    limit, usage = tmp_path / "memory.max", tmp_path / "memory.current"
    limit.write_text("1000000\n")
    usage.write_text("0\n")
    monkeypatch.delenv(data_module.MEMORY_BUDGET_ENV, raising=False)
    monkeypatch.setattr(data_module, "CGROUP_LIMITS", ((str(limit), str(usage)),))
    csv = tmp_path / "big.csv"
    csv.write_text("p,g\n" + "1,a\n0,b\n" * 100_000)
    result = CliRunner().invoke(
        main,
        [
            "scan",
            "--data",
            str(csv),
            "--predictions",
            "p",
            "--engine",
            "memory",  # auto would audit it out of core (test_a_csv_beyond_the_memory_budget...)
            "--no-ledger",
            "--json",
            str(tmp_path / "r.json"),
        ],
    )
    assert result.exit_code == 2, result.output
    assert "memory budget" in result.output and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "r.json").exists()
