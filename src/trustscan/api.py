"""The Python API: audit a model and a DataFrame in memory, render or write the report.

``audit`` runs the same pipeline as ``trustscan scan`` (config, context, checks, waivers,
scores) from objects instead of files: it reads a file only when given a path (a model file,
a policy file, a baseline report) and writes nothing. Arguments are keyword-only and checked
up front; a bad one raises ``InputError`` (or ``TypeError`` for an unknown name) saying what
is wrong and how to fix it.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import fields, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from trustscan.config import RUN_KEYS, ScanConfig, make_scan_config, read_config_file
from trustscan.context import context_from_frames, require_columns
from trustscan.errors import InputError
from trustscan.loading.adapter import adapter_for_estimator
from trustscan.loading.data import frame_nested_as_text, refuse_nested_roles
from trustscan.pipeline import audit_context
from trustscan.policy import POLICY_KEYS, Policy
from trustscan.report import OutputFormat
from trustscan.report import render as render_format
from trustscan.types import Report

MEMORY_DATA = "<DataFrame>"
"""What reports name as the data source of an in-memory audit (never a file name)."""

_FILE_ONLY_KEYS = frozenset({"model", "data", "ledger"})
"""Settings that name files the API takes as objects (or never writes): not arguments."""
_OPTION_KEYS = (RUN_KEYS | POLICY_KEYS) - _FILE_ONLY_KEYS

PathLike = str | os.PathLike[str]


def audit(
    *,
    data: pd.DataFrame,
    model: Any = None,
    target: str | None = None,
    sensitive: str | Sequence[str] | None = None,
    features: Sequence[str] | None = None,
    predictions: str | None = None,
    scores: str | None = None,
    positive_label: Any = None,
    favourable_label: Any = None,
    threshold: float | None = None,
    policy: Policy | Mapping[str, Any] | PathLike | None = None,
    fail_on: str | None = None,
    seed: int | None = None,
    baseline: Report | Mapping[str, Any] | PathLike | None = None,
    trust_pickle: bool = False,
    debug: bool = False,
    **options: Any,
) -> Report:
    """Audit ``model`` (or logged decisions) on ``data``; return the ``Report``.

    Parameters
    ----------
    data : pandas.DataFrame
        The rows to audit: model inputs, and the target, sensitive and decision columns.
    model : estimator, path or None
        A fitted scikit-learn-compatible object with ``predict`` (and ``predict_proba`` for
        scores), or the path of a model file loaded as ``trustscan scan --model`` would
        (pickle only with ``trust_pickle=True``). None for predictions-only audits.
    target, sensitive, features, predictions, scores
        Column names, as the ``scan`` options of the same names. ``sensitive`` empty or None:
        detected from the column names and values, and the report says so.
    positive_label : label
        The positive class: the event the model predicts, for precision, recall and
        calibration (default: 1/true/yes, else the larger number).
    favourable_label : label
        The decision that benefits the person (default: inferred from the column and label
        names, e.g. ``deny = no``; an input error when it cannot be told).
    threshold : float
        Score at or above which a row is a favourable decision when only scores exist.
    policy : Policy, mapping or path
        Policy keys as in ``trustscan.toml`` (``{"fairness": {"impact_ratio_min": 0.9}}``), a
        ``Policy``, or a ``trustscan.toml`` / ``pyproject.toml`` path whose run options also
        act as defaults under these arguments (its ``model``/``data`` keys are ignored).
    fail_on : {"fail", "warn", "never"}
        Which verdict fails the gate (``report.verdict`` is unaffected).
    seed : int
        Seed for sampling and bootstrap intervals; same seed, same numbers.
    baseline : Report, mapping or path
        A previous report to compare with (``consistency.baseline``).
    **options
        Any other ``trustscan.toml`` key (run option or policy section), e.g.
        ``encoding``, ``trust_types``, ``skip=["explain."]``, ``stats={"alpha": 0.01}``.

    Returns
    -------
    Report
        Shows itself in a notebook; ``trustscan.render(report, "json")`` for text.
    """
    started = (datetime.now(timezone.utc), time.perf_counter())
    unknown = sorted(set(options) - _OPTION_KEYS)
    if unknown:
        raise TypeError(
            f"audit() got an unexpected keyword argument {unknown[0]!r}; "
            f"other options are trustscan.toml keys: {', '.join(sorted(_OPTION_KEYS))}"
        )
    frame = _checked_frame(data)
    _check_model_or_decisions(model, predictions, scores)
    sensitive_names = _column_list(sensitive, "sensitive")
    for name, columns in (
        ("target", [target] if target is not None else []),
        ("sensitive", list(sensitive_names)),
        ("features", list(_column_list(features, "features"))),
        ("predictions", [predictions] if predictions is not None else []),
        ("scores", [scores] if scores is not None else []),
    ):
        if not all(isinstance(c, str) for c in columns):
            raise InputError(f"{name} must name a column of data, got {columns!r}")
        require_columns(frame, columns, f"{name} column", "data", f"{name}=")
    frame, nested = frame_nested_as_text(frame)
    refuse_nested_roles(
        nested,
        {
            "sensitive": sensitive_names,
            "target": target,
            "predictions": predictions,
            "scores": scores,
        },
        " of data",
        "Python lists, dicts, sets or arrays",
    )

    table, source, fixed_policy = _settings(policy)
    table.update({k: v for k, v in options.items() if v is not None})
    arguments: dict[str, Any] = {
        "target": target,
        "sensitive": list(sensitive_names) or None,
        "features": list(features) if features is not None else None,
        "predictions": predictions,
        "scores": scores,
        "positive_label": _label(positive_label),
        "seed": seed,
        "fail_on": fail_on,
        "baseline": str(baseline) if isinstance(baseline, str | os.PathLike) else None,
    }
    _favourable_label(arguments, _label(favourable_label))
    _threshold(arguments, threshold)
    table.update({k: v for k, v in arguments.items() if v is not None})

    model_label = _model_label(model)
    cli = {
        "model": model_label if model is not None else None,
        "data": MEMORY_DATA,
        "trust_pickle": trust_pickle,
        "debug": debug,
    }
    config = make_scan_config(cli, cwd=Path.cwd(), settings=(table, source))
    config = replace(config, data_path=Path(MEMORY_DATA))
    if fixed_policy is not None:
        config = replace(config, policy=_overlay(fixed_policy, config.policy, table))
    adapter = None
    if isinstance(model, str | os.PathLike):
        assert config.model_path is not None
        from trustscan.loading import load_model

        adapter = load_model(
            config.model_path, trust_pickle=trust_pickle, trusted_types=config.trust_types
        )
    elif model is not None:
        config = replace(config, model_path=Path(model_label))
        adapter = adapter_for_estimator(model, kind="sklearn", source=model_label)
    in_memory_baseline = None if isinstance(baseline, str | os.PathLike) else baseline
    # Every column stays, as when the CLI reads a CSV file (only Parquet reads are pruned).
    ctx = context_from_frames(
        config, data=frame, model=adapter, baseline=_baseline(in_memory_baseline, config)
    )
    return audit_context(ctx, config, started=started)


def render(report: Report, fmt: OutputFormat | str = "html") -> str:
    """``report`` as text: ``html``, ``json``, ``markdown``, ``junit`` or ``sarif``."""
    return render_format(_output_format(fmt), _checked_report(report))


def write(
    report: Report,
    out_dir: PathLike,
    *,
    formats: Sequence[OutputFormat | str] | None = None,
) -> dict[OutputFormat, Path]:
    """Write ``report`` into ``out_dir`` (every format by default, as ``scan --out``).

    Files are rendered first and renamed into place, so an error leaves none behind.
    Returns the path written for each format."""
    from trustscan.outputs import write_atomically

    checked = _checked_report(report)
    chosen = [_output_format(f) for f in formats] if formats is not None else list(OutputFormat)
    paths = {fmt: Path(out_dir) / fmt.default_filename for fmt in chosen}
    write_atomically({path: render_format(fmt, checked) for fmt, path in paths.items()})
    return paths


def _checked_frame(data: Any) -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame):
        raise InputError(
            f"data must be a pandas DataFrame, got {type(data).__name__}",
            "pass data=pd.DataFrame(...); for a file use pd.read_csv or `trustscan scan --data`",
        )
    if data.shape[0] == 0:
        raise InputError("data has no rows", "pass the rows to audit")
    names = [str(c) for c in data.columns]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise InputError(
            f"data has duplicate column names: {', '.join(map(repr, duplicated))}",
            "rename them so each column is unique",
        )
    if any(not isinstance(c, str) for c in data.columns):
        return data.rename(columns=str)  # reports and models address columns by name
    return data


def _check_model_or_decisions(model: Any, predictions: str | None, scores: str | None) -> None:
    decisions = predictions is not None or scores is not None
    if model is None and not decisions:
        raise InputError(
            "nothing to audit: no model and no logged decisions",
            "pass model=<fitted estimator>, or predictions=/scores= naming a column of data",
        )
    if model is not None and decisions:
        raise InputError(
            "model= cannot be combined with predictions=/scores=",
            "audit either the model or its logged decisions",
        )
    if model is not None and not isinstance(model, str | os.PathLike):
        if isinstance(model, type):
            raise InputError(
                f"model is the class {model.__name__}, not a fitted instance",
                "fit it first, e.g. model=LogisticRegression().fit(X, y)",
            )
        if not callable(getattr(model, "predict", None)):
            raise InputError(
                f"model has no predict method (got {type(model).__name__})",
                "pass a fitted scikit-learn-compatible estimator or Pipeline",
            )


def _column_list(value: str | Sequence[str] | None, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, Sequence) or not all(isinstance(v, str) for v in items):
        raise InputError(
            f"{name} must be a column name or a list of column names, got {value!r}",
            f'e.g. {name}=["gender", "age_band"]',
        )
    return tuple(dict.fromkeys(items))


def _settings(
    policy: Policy | Mapping[str, Any] | PathLike | None,
) -> tuple[dict[str, Any], Path | None, Policy | None]:
    """The settings table under the arguments, its file (if any), and a ready ``Policy``."""
    if policy is None:
        return {}, None, None
    if isinstance(policy, Policy):
        return {}, None, policy
    if isinstance(policy, str | os.PathLike):
        path = Path(policy).expanduser()
        table, source = read_config_file(path, Path.cwd())
        return {k: v for k, v in table.items() if k not in _FILE_ONLY_KEYS}, source, None
    if isinstance(policy, Mapping):
        run_keys = sorted(set(policy) & RUN_KEYS)
        if run_keys:
            raise InputError(
                f"policy key {run_keys[0]!r} is a run option, not policy",
                f"pass {run_keys[0]}= to audit() instead",
            )
        return dict(policy), None, None
    raise InputError(
        f"policy must be a mapping, a Policy or a trustscan.toml path, got {type(policy).__name__}",
        'e.g. policy={"fairness": {"impact_ratio_min": 0.8}}',
    )


def _overlay(fixed: Policy, built: Policy, table: Mapping[str, Any]) -> Policy:
    """A given ``Policy`` object, with the policy keys passed as arguments applied on top."""
    given = {f.name: getattr(built, f.name) for f in fields(Policy) if f.name in table}
    return replace(fixed, **given)


def _label(value: Any) -> str | None:
    # Labels travel as text (as on the command line); the context matches them to the data.
    return None if value is None else str(value)


def _favourable_label(arguments: dict[str, Any], label: str | None) -> None:
    if label is None:
        return
    if "favourable_label" in RUN_KEYS:
        arguments["favourable_label"] = label
        return
    # Until the config knows the favourable decision apart, positive_label is that decision.
    if arguments["positive_label"] not in (None, label):
        raise InputError(
            "positive_label and favourable_label disagree",
            "pass one of them: the label of the favourable decision",
        )
    arguments["positive_label"] = label


def _threshold(arguments: dict[str, Any], threshold: float | None) -> None:
    if threshold is None:
        return
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        raise InputError(f"threshold must be a number, got {threshold!r}", "e.g. threshold=0.5")
    key = "threshold" if "threshold" in RUN_KEYS else "decision_threshold"
    arguments[key] = float(threshold)


def _model_label(model: Any) -> str:
    if model is None:
        return ""
    if isinstance(model, str | os.PathLike):
        return str(model)
    return f"<{type(model).__name__}>"


def _baseline(
    baseline: Report | Mapping[str, Any] | PathLike | None, config: ScanConfig
) -> Mapping[str, Any] | None:
    if isinstance(baseline, Report):
        parsed: dict[str, Any] = json.loads(render_format(OutputFormat.JSON, baseline))
        return parsed
    if isinstance(baseline, Mapping):
        return baseline
    path = Path(baseline) if baseline is not None else config.baseline_path
    if path is None:
        return None
    from trustscan.loading.reports import read_report

    return read_report(path.expanduser(), what="baseline report")


def _output_format(fmt: OutputFormat | str) -> OutputFormat:
    if isinstance(fmt, OutputFormat):
        return fmt
    aliases = {"md": "markdown", "xml": "junit"}
    value = aliases.get(str(fmt).lower(), str(fmt).lower())
    try:
        return OutputFormat(value)
    except ValueError:
        allowed = ", ".join(f.value for f in OutputFormat)
        raise InputError(f"unknown report format {fmt!r}", f"use one of: {allowed}") from None


def _checked_report(report: Any) -> Report:
    if not isinstance(report, Report):
        raise InputError(
            f"expected a trustscan Report, got {type(report).__name__}",
            "pass the value trustscan.audit() returned",
        )
    return report


__all__ = ["audit", "render", "write"]
