"""Group-specific (randomised) thresholds that maximise accuracy under demographic parity or
equalized odds: the algorithm of fairlearn's ``ThresholdOptimizer`` (Hardt, Price and Srebro
2016) in numpy, without its pandas per-point loop or the scikit-learn import.

Per group, every threshold between distinct scores gives a point (x, y): (selection rate,
accuracy) for demographic parity, (FPR, TPR) for equalized odds. The upper convex hull of the
points is interpolated on a grid of x; a randomised choice between the two hull points around
a grid value reaches it exactly. Demographic parity takes the common selection rate with the
best weighted accuracy; equalized odds takes the (FPR, TPR) point every group's hull reaches
with the best accuracy, groups above it mixing in a constant prediction. The same inputs give
the same decisions as fairlearn 0.15 with ``prefit=True``, ``flip=False``,
``grid_size=1000`` (tested on shared data).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GRID_SIZE = 1000
CONSTRAINTS = ("demographic_parity", "equalized_odds")


@dataclass(frozen=True)
class _Curve:
    """A group's hull interpolated on the grid: ``y`` and the two thresholds mixed (``p0`` of
    the time ``t0``, else ``t1``; a row is selected when its score is above the threshold)."""

    y: np.ndarray
    p0: np.ndarray
    t0: np.ndarray
    t1: np.ndarray


@dataclass(frozen=True)
class GroupRule:
    """One group's randomised rule: select with probability
    ``p_ignore * constant + (1 - p_ignore) * (p0 * [s > t0] + (1 - p0) * [s > t1])``."""

    p0: float
    t0: float
    t1: float
    p_ignore: float = 0.0
    constant: float = 0.0

    def probability(self, scores: np.ndarray) -> np.ndarray:
        chosen = self.p0 * (scores > self.t0) + (1 - self.p0) * (scores > self.t1)
        return np.asarray(self.p_ignore * self.constant + (1 - self.p_ignore) * chosen)


def _hull_points(
    scores: np.ndarray, y: np.ndarray, constraint: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(x, y, threshold)`` of every threshold between distinct scores, sorted by (x, y)."""
    positives = int(y.sum())
    negatives = y.size - positives
    if positives == 0 or negatives == 0:
        raise ValueError("Degenerate labels for a sensitive feature value")
    distinct, level = np.unique(scores, return_inverse=True)
    level = level.reshape(-1)
    # from the highest score down: rows above each threshold
    pos = np.bincount(level, weights=y, minlength=distinct.size)[::-1].cumsum()
    neg = np.bincount(level, weights=1 - y, minlength=distinct.size)[::-1].cumsum()
    tp = np.concatenate([[0.0], pos])
    fp = np.concatenate([[0.0], neg])
    below = np.concatenate([distinct[::-1][1:], [-np.inf]])
    threshold = np.concatenate([[np.inf], (distinct[::-1] + below) / 2])
    n = y.size
    if constraint == "demographic_parity":
        x = (tp + fp) / n
        value = (tp + (negatives - fp)) / n  # accuracy
    else:
        x = fp / negatives
        value = tp / positives
    order = np.lexsort((value, x))
    return x[order], value[order], threshold[order]


def _upper_hull(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Indices of the upper convex hull of points sorted by (x, y) (Andrew's monotone chain;
    collinear points dropped, as fairlearn does)."""
    kept: list[int] = []
    for i in range(x.size):
        while len(kept) >= 2:
            a, b = kept[-2], kept[-1]
            if (y[b] - y[a]) * (x[i] - x[a]) <= (y[i] - y[a]) * (x[b] - x[a]):
                kept.pop()
            else:
                break
        kept.append(i)
    return np.array(kept)


def _curve(scores: np.ndarray, y: np.ndarray, constraint: str, grid: np.ndarray) -> _Curve:
    x, value, threshold = _hull_points(scores, y, constraint)
    hull = _upper_hull(x, value)
    x, value, threshold = x[hull], value[hull], threshold[hull]
    index = np.searchsorted(x, grid, side="right") - 1
    index[1:] = np.where(grid[1:] == x[index[1:]], index[1:] - 1, index[1:])
    p0 = (x[index + 1] - grid) / (x[index + 1] - x[index])
    return _Curve(
        y=p0 * value[index] + (1 - p0) * value[index + 1],
        p0=p0,
        t0=threshold[index],
        t1=threshold[index + 1],
    )


def fit_rules(
    scores: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    constraint: str,
    grid_size: int = GRID_SIZE,
) -> dict[object, GroupRule]:
    """Per group label, the accuracy-maximising randomised threshold rule under
    ``constraint`` (``demographic_parity`` or ``equalized_odds``), fitted on these rows."""
    if constraint not in CONSTRAINTS:
        raise ValueError(f"unknown constraint {constraint!r}")
    scores = np.asarray(scores, dtype=float)
    y = np.asarray(y, dtype=float)
    labels, codes = np.unique(np.asarray(groups), return_inverse=True)
    codes = codes.reshape(-1)
    grid = np.linspace(0, 1, grid_size + 1)
    curves = [
        _curve(scores[codes == g], y[codes == g], constraint, grid) for g in range(len(labels))
    ]
    if constraint == "demographic_parity":
        share = np.bincount(codes, minlength=len(labels)) / codes.size
        overall = sum((p * c.y for p, c in zip(share, curves, strict=True)), np.zeros_like(grid))
        best = int(np.argmax(overall))
        return {
            label: GroupRule(float(c.p0[best]), float(c.t0[best]), float(c.t1[best]))
            for label, c in zip(labels, curves, strict=True)
        }
    lowest = np.min([c.y for c in curves], axis=0)
    positives = float(y.sum())
    negatives = y.size - positives
    accuracy = (positives * lowest + negatives * (1.0 - grid)) / y.size
    best = int(np.argmax(np.around(accuracy, 15)))
    x_best, y_best = float(grid[best]), float(lowest[best])
    rules = {}
    for label, c in zip(labels, curves, strict=True):
        tpr = float(c.y[best])
        p_ignore = 0.0 if tpr == x_best else (tpr - y_best) / (tpr - x_best)
        rules[label] = GroupRule(
            float(c.p0[best]), float(c.t0[best]), float(c.t1[best]), p_ignore, x_best
        )
    return rules


def apply_rules(
    rules: dict[object, GroupRule], scores: np.ndarray, groups: np.ndarray, seed: int
) -> np.ndarray:
    """Randomised decisions of ``rules`` on rows: selected when the rule's probability is at
    least a uniform draw (``numpy.random.RandomState(seed)``, as fairlearn's ``predict``)."""
    scores = np.asarray(scores, dtype=float)
    groups = np.asarray(groups)
    probability = np.zeros(scores.size)
    for label, rule in rules.items():
        mine = groups == label
        probability[mine] = rule.probability(scores[mine])
    draw = np.random.RandomState(seed).rand(scores.size)
    return np.asarray(probability >= draw)
