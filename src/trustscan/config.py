"""The run configuration: CLI options merged over ``trustscan.toml`` / ``[tool.trustscan]``."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from trustscan.errors import InputError
from trustscan.policy import POLICY_KEYS, Policy, policy_from_mapping
from trustscan.typed_mapping import dataclass_from_mapping

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@dataclass(frozen=True)
class RunOptions:
    """Run options that may come from a config file (each also a ``scan`` CLI option)."""

    model: str | None = None
    data: str | None = None
    target: str | None = None
    sensitive: tuple[str, ...] = ()
    features: tuple[str, ...] | None = None
    predictions: str | None = None
    scores: str | None = None
    positive_label: str | None = None
    favourable_label: str | None = None
    """The decision that benefits the person (``--favourable-label``); inferred when absent."""
    encoding: str = "utf-8"
    seed: int = 0
    trust_types: tuple[str, ...] = ()
    ledger: str | None = None
    """Path of the audit ledger (default ``.trustscan/ledger.jsonl``)."""
    baseline: str | None = None
    """A previous JSON report to compare with."""
    condition: str | None = None
    """Column of a legitimate stratum for conditional demographic disparity."""
    counts: str | None = None
    """Column holding how many people each row stands for (an aggregated table)."""
    engine: str = "auto"
    """Where statistics are computed: auto, memory, duckdb or spark (``--engine``)."""
    table: str | None = None
    """A Spark catalog table to audit (``--table``); needs ``engine = "spark"``."""
    spark: Mapping[str, Any] = field(default_factory=dict)
    """The ``[spark]`` table: ``master`` (default ``local[*]``)."""


RUN_KEYS = frozenset(f.name for f in fields(RunOptions))


@dataclass(frozen=True)
class ScanConfig:
    """Everything one ``trustscan scan`` needs, frozen."""

    data_path: Path
    model_path: Path | None
    target: str | None
    sensitive: tuple[str, ...]
    features: tuple[str, ...] | None
    predictions_column: str | None
    scores_column: str | None
    positive_label: str | None
    encoding: str
    seed: int
    trust_pickle: bool
    trust_types: tuple[str, ...]
    policy: Policy
    config_path: Path | None = None
    command_line: tuple[str, ...] = ()
    ledger_path: Path | None = None
    baseline_path: Path | None = None
    debug: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)
    condition: str | None = None
    """Column of a legitimate stratum (``--condition``) for conditional demographic disparity."""
    favourable_label: str | None = None
    """The label that benefits the person; None = infer from column and label names."""
    threshold: float | None = None
    """Decision threshold given explicitly (``--threshold`` or ``decision_threshold``);
    None = not given, so scores off the [0, 1] scale cannot be turned into decisions."""
    engine: str = "auto"
    """Where the statistics are computed (``--engine``): auto, memory, duckdb or spark."""
    table: str | None = None
    """A Spark catalog table to audit instead of files (``--table``, with ``--engine spark``)."""
    spark_master: str = "local[*]"
    """Spark master URL when no SparkSession is active (``spark.master`` in the config)."""
    counts_column: str | None = None
    """Column holding how many people each row stands for (``--counts``); rows are repeated
    that many times before the audit."""

    @property
    def predictions_only(self) -> bool:
        return self.model_path is None


def read_config_file(path: Path | None, cwd: Path) -> tuple[dict[str, Any], Path | None]:
    """Return the raw settings table and where it came from.

    An explicit ``path`` wins; otherwise ``./trustscan.toml``, then ``[tool.trustscan]`` in
    ``./pyproject.toml``; otherwise no settings.
    """
    if path is not None:
        if not path.exists():
            raise InputError(f"config file not found: {path}", "check the --config path")
        table = _read_toml(path)
        if path.name == "pyproject.toml":
            return dict(table.get("tool", {}).get("trustscan", {})), path
        return table, path
    candidate = cwd / "trustscan.toml"
    if candidate.exists():
        return _read_toml(candidate), candidate
    pyproject = cwd / "pyproject.toml"
    if pyproject.exists():
        section = _read_toml(pyproject).get("tool", {}).get("trustscan")
        if section is not None:
            return dict(section), pyproject
    return {}, None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML in {path}: {exc}", "fix the syntax at that line") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text", "re-save it as UTF-8") from exc


def split_settings(table: Mapping[str, Any], where: str) -> tuple[RunOptions, Policy]:
    """Separate run options from policy keys; any other key is an error."""
    unknown = set(table) - RUN_KEYS - POLICY_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise InputError(
            f"unknown key {key!r} in {where}",
            f"allowed keys: {', '.join(sorted(RUN_KEYS | POLICY_KEYS))}",
        )
    run = dataclass_from_mapping(RunOptions, {k: v for k, v in table.items() if k in RUN_KEYS}, "")
    policy = policy_from_mapping({k: v for k, v in table.items() if k in POLICY_KEYS})
    return run, policy


def split_column_list(values: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Accept repeated options and comma lists alike: ``-s a -s b,c`` -> ``(a, b, c)``.

    A column whose name holds a comma is quoted or escaped, as in CSV: ``-s '"last, first"'``
    or ``-s 'last\\, first'``."""
    import csv

    out: list[str] = []
    for value in values:
        if '"' not in value and "\\" not in value:
            out.extend(part.strip() for part in value.split(",") if part.strip())
            continue
        for row in csv.reader([value], skipinitialspace=True, escapechar="\\"):
            out.extend(part.strip() for part in row if part.strip())
    return tuple(dict.fromkeys(out))


def _named_columns(option: str, values: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The columns an option names; given but naming none (``--sensitive ""``) is a mistake,
    not a request for the default (auto-detection, or every other column)."""
    columns = split_column_list(values)
    if values and not columns:
        raise InputError(
            f"--{option} was given but names no column",
            f"name one or more columns, or leave --{option} out to use the default",
        )
    return columns


def make_scan_config(
    cli: Mapping[str, Any],
    *,
    cwd: Path,
    command_line: tuple[str, ...] = (),
    settings: tuple[Mapping[str, Any], Path | None] | None = None,
) -> ScanConfig:
    """Merge CLI options over the config file. ``cli`` holds the scan options; None = not given.

    ``settings`` (table, source) replaces the config-file lookup: the Python API passes its
    keyword arguments this way and reads no file it was not given."""
    if settings is None:
        config_arg = cli.get("config")
        table, source = read_config_file(Path(config_arg) if config_arg else None, cwd)
    else:
        table, source = dict(settings[0]), settings[1]
    run, policy = split_settings(table, str(source) if source else "config")

    def pick(name: str, file_value: Any) -> Any:
        value = cli.get(name)
        return file_value if value is None or value == () else value

    sensitive = _named_columns("sensitive", pick("sensitive", run.sensitive))
    features_raw = pick("features", run.features)
    if isinstance(features_raw, str):
        features_raw = (features_raw,)
    features = _named_columns("features", features_raw) if features_raw else None
    model = pick("model", run.model)
    data = pick("data", run.data)
    predictions = pick("predictions", run.predictions)
    scores = pick("scores", run.scores)
    engine = _engine(pick("engine", run.engine))
    catalog_table = pick("table", run.table)
    if catalog_table is not None and engine != "spark":
        raise InputError("--table names a Spark catalog table", "add --engine spark")
    if catalog_table is not None and data is not None:
        raise InputError("--table and --data both name the data", "pass one of them")
    if data is None and catalog_table is None:
        raise InputError("no data file given", "pass --data PATH (a .csv or .parquet file)")
    if model is None and predictions is None and scores is None:
        raise InputError(
            "nothing to audit: no model and no logged decisions",
            "pass --model PATH, or --predictions COL / --scores COL for a model you cannot load",
        )
    if model is not None and (predictions is not None or scores is not None):
        raise InputError(
            "--model cannot be combined with --predictions/--scores",
            "audit either the model file or the logged decisions",
        )
    if cli.get("fail_on") is not None:
        policy = replace(policy, fail_on=cli["fail_on"])
    threshold: float | None = None
    if cli.get("threshold") is not None:
        threshold = float(cli["threshold"])
        policy = replace(policy, decision_threshold=threshold)
    elif "decision_threshold" in table:
        threshold = float(policy.decision_threshold)
    ledger = cli.get("ledger") or run.ledger
    baseline = cli.get("baseline") or run.baseline
    return ScanConfig(
        data_path=Path(catalog_table) if catalog_table is not None else _resolve(data, cwd),
        model_path=_resolve_model(model, cwd) if model else None,
        target=pick("target", run.target),
        sensitive=sensitive,
        features=features,
        predictions_column=predictions,
        scores_column=scores,
        positive_label=_label_text(pick("positive_label", run.positive_label)),
        favourable_label=_label_text(pick("favourable_label", run.favourable_label)),
        threshold=threshold,
        encoding=pick("encoding", run.encoding),
        seed=int(pick("seed", run.seed)),
        trust_pickle=bool(cli.get("trust_pickle")),
        trust_types=tuple(dict.fromkeys([*run.trust_types, *(cli.get("trust_type") or ())])),
        policy=policy,
        config_path=source,
        command_line=command_line,
        ledger_path=_resolve(ledger, cwd) if ledger else None,
        baseline_path=_resolve(baseline, cwd) if baseline else None,
        debug=bool(cli.get("debug")),
        condition=pick("condition", run.condition),
        engine=engine,
        table=catalog_table,
        spark_master=str(dict(run.spark).get("master", "local[*]")),
        counts_column=pick("counts", run.counts),
    )


ENGINES = ("auto", "memory", "duckdb", "spark")


def _engine(value: Any) -> str:
    engine = str(value).strip().lower()
    if engine not in ENGINES:
        raise InputError(f"unknown engine {str(value)[:40]!r}", f"use one of {', '.join(ENGINES)}")
    return engine


def _label_text(value: Any) -> str | None:
    """Labels are matched as text; ``favourable_label = 0`` in TOML is an int."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _resolve(value: str | Path, cwd: Path) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else cwd / path


def _resolve_model(value: str | Path, cwd: Path) -> Path:
    # An MLflow URI (runs:/<id>/model, models:/<name>/<version>) is not a path under cwd.
    if re.match(r"^(runs|models):/", str(value), re.IGNORECASE):
        return Path(str(value))
    return _resolve(value, cwd)
