"""``build_context``: the audit context of files on disk (or a catalog table). Reads the data,
the model and the baseline report through ``loading``, then hands the frames to the pure
``context.context_from_frames``; data over the memory budget goes out of core."""

from __future__ import annotations

from typing import Any

import pandas as pd

from trustscan.config import ScanConfig
from trustscan.context import AuditContext, context_from_frames
from trustscan.context_columns import _columns_to_read
from trustscan.errors import InputError
from trustscan.loading import ModelAdapter, load_model, read_table
from trustscan.loading.data import read_column_names
from trustscan.loading.datasets import check_same_schema, resolve_data
from trustscan.loading.reports import read_report


def build_context(config: ScanConfig) -> AuditContext:
    """Load data and model, validate columns, predict once.

    Data larger than the memory budget (or ``--engine duckdb``) is audited out of core:
    see ``trustscan.out_of_core``."""
    from trustscan.out_of_core import build_out_of_core_context, choose_engine

    if config.table is not None:
        return build_out_of_core_context(config, None)
    files = resolve_data(config.data_path)
    if choose_engine(config, files) != "memory":
        if config.counts_column is not None:
            raise InputError(
                "--counts expands an aggregated table in memory; this data would be audited "
                "out of core",
                "pass --engine memory for a table that fits, or store one row per person",
            )
        return build_out_of_core_context(config, files)
    model, baseline = _model_and_baseline(config)
    if not files.single:
        check_same_schema(files)
        frames = [read_table(path, encoding=config.encoding) for path in files.paths]
        data = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        return context_from_frames(config, data=data, model=model, baseline=baseline)
    available = read_column_names(config.data_path)
    columns = _columns_to_read(config, model, available)
    data = read_table(config.data_path, encoding=config.encoding, columns=columns)
    notes: list[str] = []
    if columns is not None and available is not None and len(columns) < len(available):
        notes.append(
            f"Read {len(columns)} of {len(available)} columns from {config.data_path.name}: "
            "the others are not model inputs, target, sensitive, decision/score or id columns."
        )
    return context_from_frames(config, data=data, model=model, baseline=baseline, notes=notes)


def _model_and_baseline(
    config: ScanConfig,
) -> tuple[ModelAdapter | None, dict[str, Any] | None]:
    model = (
        load_model(
            config.model_path, trust_pickle=config.trust_pickle, trusted_types=config.trust_types
        )
        if config.model_path is not None
        else None
    )
    baseline = (
        read_report(config.baseline_path, what="baseline report")
        if config.baseline_path is not None
        else None
    )
    return model, baseline


__all__ = ["build_context"]
