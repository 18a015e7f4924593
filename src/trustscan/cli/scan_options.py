"""The options of `trustscan scan`, in the order --help shows them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click


def scan_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """The options of `scan`, in the order --help shows them."""
    options = [
        click.option(
            "--model",
            "model",
            type=click.Path(),
            help="Model file: .skops (default, safe), .onnx, or .joblib/.pkl with --trust-pickle; or an MLflow model folder or runs:/ / models:/ URI (trustscan[mlflow]).",
        ),
        click.option(
            "--data",
            "data",
            type=click.Path(),
            help="Dataset to audit: a .csv/.tsv or .parquet file, a folder of them, or a quoted glob ('logs/*.parquet').",
        ),
        click.option(
            "--engine",
            type=click.Choice(["auto", "memory", "duckdb", "spark"], case_sensitive=False),
            help="Where statistics are computed [default: auto: in memory when the data fits TRUSTSCAN_MEMORY_BUDGET, else DuckDB out of core]. spark: a SparkSession (spark.master in config, local[*] by default).",
        ),
        click.option(
            "--table",
            help="With --engine spark: audit this catalog table instead of --data files.",
        ),
        click.option(
            "--target",
            help="Column with the true outcome (optional; needed for error-rate and performance checks).",
        ),
        click.option(
            "--sensitive",
            "-s",
            multiple=True,
            help="Sensitive/protected column; repeat or give a comma list. Need not be a model input.",
        ),
        click.option(
            "--features",
            help="Comma list of model input columns (default: the model's feature_names_in_, else every non-target, non-sensitive, non-id column).",
        ),
        click.option(
            "--predictions",
            help="Predictions-only mode: column holding the model's logged decisions.",
        ),
        click.option(
            "--scores",
            help="Predictions-only mode: column holding the model's scores. Alone, decisions are score >= --threshold; with --predictions, the scores drive ROC AUC, calibration and the scoring rate.",
        ),
        click.option(
            "--threshold",
            type=float,
            help="Score at or above which --scores counts as the predicted event [default: 0.5; required when scores are outside 0-1]. Config: decision_threshold.",
        ),
        click.option(
            "--favourable-label",
            help="Decision value that benefits the person (approved, hired, low risk), e.g. --favourable-label 0 for high_risk. Default: inferred from column and label names (deny, high_risk, default, recid... are adverse); asked for when it cannot be told.",
        ),
        click.option(
            "--condition",
            help="Legitimate stratum (e.g. department or job level) to condition demographic disparity on (fairness.conditional_disparity).",
        ),
        click.option(
            "--counts",
            help="Column holding how many people each row stands for, in an aggregated table "
            "(e.g. admissions by department, gender and outcome): each row is repeated that "
            "many times before the audit. In memory only.",
        ),
        click.option(
            "--positive-label",
            help="The positive class: the event the model predicts, for precision, recall and calibration (default: 1/true/yes, else the larger number).",
        ),
        click.option(
            "--config",
            type=click.Path(dir_okay=False),
            help="trustscan.toml with options and policy (default: ./trustscan.toml, else [tool.trustscan] in ./pyproject.toml). CLI options win.",
        ),
        click.option(
            "--json",
            "json_path",
            type=click.Path(dir_okay=False),
            help="Write the JSON report here.",
        ),
        click.option(
            "--html",
            "html_path",
            type=click.Path(dir_okay=False),
            help="Write the HTML report here.",
        ),
        click.option(
            "--pdf",
            "pdf_path",
            type=click.Path(dir_okay=False),
            help="Also print the HTML report to this PDF (needs Chromium installed).",
        ),
        click.option(
            "--junit",
            "junit_path",
            type=click.Path(dir_okay=False),
            help="Write JUnit XML here (one testcase per check) for CI test reporters.",
        ),
        click.option(
            "--markdown",
            "markdown_path",
            type=click.Path(dir_okay=False),
            help="Write a compact Markdown summary here (also appended to $GITHUB_STEP_SUMMARY when set).",
        ),
        click.option(
            "--sarif",
            "sarif_path",
            type=click.Path(dir_okay=False),
            help="Write SARIF 2.1.0 here (one result per finding) for code-scanning UIs.",
        ),
        click.option(
            "--out",
            "out_dir",
            type=click.Path(file_okay=False),
            help="Write every report format into this folder.",
        ),
        click.option(
            "--fail-on",
            type=click.Choice(["fail", "warn", "never"]),
            help="Which verdict makes the exit code 1 (default: fail). A check that "
            "errors leaves the audit incomplete and the verdict FAIL, so fail and warn exit 1 "
            "('incomplete audit'); never reports it and exits 0.",
        ),
        click.option(
            "--seed",
            type=int,
            help="Seed for sampling and bootstrap (default 0); same seed, same report.",
        ),
        click.option("--encoding", help="Text encoding of a CSV file (default utf-8)."),
        click.option(
            "--trust-pickle",
            is_flag=True,
            help="Allow loading pickle/joblib models. Pickle runs arbitrary code: only for files you trust.",
        ),
        click.option(
            "--trust-type",
            multiple=True,
            help="Extra type a .skops file may load (repeatable), e.g. xgboost.sklearn.XGBClassifier.",
        ),
        click.option(
            "--ledger",
            "ledger",
            type=click.Path(dir_okay=False),
            help="Audit ledger to append this scan to (default .trustscan/ledger.jsonl).",
        ),
        click.option(
            "--no-ledger", is_flag=True, help="Do not append this scan to the audit ledger."
        ),
        click.option(
            "--baseline",
            "baseline",
            type=click.Path(dir_okay=False),
            help="A previous JSON report to compare with (consistency.baseline): fails when a fairness or performance metric got significantly worse.",
        ),
        click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors."),
        click.option(
            "--verbose",
            "-v",
            is_flag=True,
            help="Print every finding and the checks needing attention, not only the five worst.",
        ),
        click.option(
            "--debug",
            is_flag=True,
            help="Re-raise errors with tracebacks instead of one-line messages.",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function
