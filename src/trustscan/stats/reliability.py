"""Reliability data: binned predicted probability against the observed positive rate."""

from __future__ import annotations

import numpy as np

from trustscan.stats.performance import CALIBRATION_BINS, calibration_bin


def reliability_table(
    y: np.ndarray,
    score: np.ndarray,
    bins: int = CALIBRATION_BINS,
    *,
    weight: np.ndarray | None = None,
) -> list[dict[str, float | int | None]]:
    """Binned predicted probability against the observed positive rate (one row per bin;
    empty bins are kept with ``n = 0`` so charts share an axis). ``weight``: rows per entry."""
    yb = np.asarray(y, dtype=bool)
    s = np.asarray(score, dtype=float)
    w = np.ones(s.size) if weight is None else np.asarray(weight, dtype=float)
    b = calibration_bin(s, bins)
    count = np.bincount(b, weights=w, minlength=bins)
    sum_s = np.bincount(b, weights=w * s, minlength=bins)
    sum_y = np.bincount(b, weights=w * yb, minlength=bins)
    return reliability_rows(count, sum_s, sum_y)


def reliability_rows(
    count: np.ndarray, sum_s: np.ndarray, sum_y: np.ndarray
) -> list[dict[str, float | int | None]]:
    """``reliability_table``'s rows from the rows, scores and positives per bin."""
    bins = len(count)
    count = np.asarray(count).round().astype(np.int64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    rows: list[dict[str, float | int | None]] = []
    for i in range(bins):
        rows.append(
            {
                "bin": i,
                "low": round(float(edges[i]), 6),
                "high": round(float(edges[i + 1]), 6),
                "n": int(count[i]),
                "mean_predicted": float(sum_s[i] / count[i]) if count[i] else None,
                "observed_rate": float(sum_y[i] / count[i]) if count[i] else None,
            }
        )
    return rows
