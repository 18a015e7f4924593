"""A small histogram gradient-boosted tree learner in numpy: the sensitive-inference probes'
model (a joint probe of an attribute from all inputs, a surrogate of logged decisions).

The same model class as scikit-learn's ``HistGradientBoosting*`` (Ke et al. 2017, LightGBM):
inputs binned once (quantile bins for numbers, one bin per category, bin 0 for missing),
trees grown level by level from gradient/hessian histograms (one ``np.bincount`` per
level, the larger child's histogram by subtraction), categorical splits found by ordering
categories by gradient ratio (Fisher 1958), Newton leaf values. Trees are depth-limited so
that a whole forest predicts as arrays: each split is a feature and a left/right mask over its
bins, the same representation for numbers and categories. It recovers what
depth-``max_depth`` interactions carry (an attribute readable only from two inputs
together), and keeps predictions-only scans free of scikit-learn's import (a second or more
on a small machine). Deterministic: no row or feature subsampling.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trustscan.stats.association import level_quantiles

MISSING = 0
"""Bin of a missing value (NaN), below every number."""


@dataclass(frozen=True)
class Bins:
    """How each input column is binned: quantile edges of a number, or its category codes."""

    edges: tuple[np.ndarray | None, ...]
    """Per column: edges of a numeric column (bin ``1 + searchsorted(edges, x, 'right')``);
    None for a categorical column of integer codes (bin ``1 + code``)."""
    n_bins: int
    """Bins per column, missing included (the width of every histogram)."""

    @property
    def categorical(self) -> np.ndarray:
        return np.array([e is None for e in self.edges], dtype=bool)

    def apply(self, matrix: np.ndarray) -> np.ndarray:
        """``(n, columns)`` bin codes of ``matrix`` (NaN = missing)."""
        matrix = np.asarray(matrix, dtype=float)
        out = np.zeros(matrix.shape, dtype=np.intp)
        for j, edges in enumerate(self.edges):
            column = matrix[:, j]
            present = ~np.isnan(column)
            if edges is None:
                codes = column[present].astype(np.intp) + 1
                # a category unseen when fitting counts as missing
                out[present, j] = np.where(codes < self.n_bins, codes, MISSING)
            else:
                out[present, j] = np.searchsorted(edges, column[present], side="right") + 1
        return out


def fit_bins(matrix: np.ndarray, categorical: list[bool], max_bins: int = 64) -> Bins:
    """Quantile edges (at most ``max_bins - 1`` bins) of each numeric column; categorical
    columns (non-negative integer codes) keep one bin per category."""
    matrix = np.asarray(matrix, dtype=float)
    edges: list[np.ndarray | None] = []
    width = 2
    for j, is_category in enumerate(categorical):
        column = matrix[:, j]
        present = column[~np.isnan(column)]
        if is_category:
            edges.append(None)
            width = max(width, int(present.max()) + 2 if present.size else 2)
            continue
        if present.size == 0:
            edges.append(np.empty(0))
            continue
        distinct, level = np.unique(present, return_inverse=True)
        if distinct.size < max_bins:
            cut = (distinct[:-1] + distinct[1:]) / 2
        else:
            q = np.linspace(0, 1, max_bins)[1:-1]
            cut = np.unique(level_quantiles(distinct, level.reshape(-1), q))
        edges.append(cut)
        width = max(width, cut.size + 2)
    return Bins(tuple(edges), width)


@dataclass(frozen=True)
class Forest:
    """Fitted trees, all of depth ``depth``; a node that did not split sends every row left.

    Internal nodes are numbered level by level (level ``l`` holds nodes ``2**l - 1 ..``)."""

    features: np.ndarray
    """``(trees, internal nodes)``: the column each node splits on."""
    left: np.ndarray
    """``(trees, internal nodes, bins)``: whether a bin goes to the left child."""
    values: np.ndarray
    """``(trees, leaves)``: each leaf's contribution to the raw score."""
    outputs: np.ndarray
    """``(trees,)``: which raw-score column (class) each tree adds to."""
    baseline: np.ndarray
    """``(columns,)``: the raw score before any tree."""
    depth: int

    def raw(self, binned: np.ndarray, chunk: int = 1 << 16) -> np.ndarray:
        """``(n, columns)`` raw scores (log-odds / logits / values) of binned rows, in chunks
        of about ``chunk`` (tree, row) pairs: small enough for the index arrays to stay in
        the processor's cache (3x faster than one pass over all rows)."""
        n, columns = binned.shape
        trees, internal, width = self.left.shape
        out = np.tile(self.baseline, (n, 1))
        if trees == 0:
            return out
        left = self.left.reshape(-1)
        features = self.features.reshape(-1)
        values = self.values.reshape(-1)
        leaves = self.values.shape[1]
        tree = np.arange(trees)[:, None]
        by_output = [np.flatnonzero(self.outputs == c) for c in range(out.shape[1])]
        for start in range(0, n, max(1, chunk // trees)):
            part = binned[start : start + max(1, chunk // trees)]
            flat = part.reshape(-1)
            row_start = (np.arange(part.shape[0]) * columns)[None, :]
            node = np.zeros((trees, part.shape[0]), dtype=np.intp)
            for level in range(self.depth):
                index = tree * internal + node + ((1 << level) - 1)
                feature = features.take(index)
                goes_left = left.take(index * width + flat.take(row_start + feature))
                node = 2 * node + (~goes_left)
            contribution = values.take(tree * leaves + node)
            for c, mine in enumerate(by_output):
                out[start : start + part.shape[0], c] += contribution[mine].sum(axis=0)
        return out


@dataclass(frozen=True)
class Booster:
    """Settings of the learner (the probes use one per job)."""

    iterations: int = 40
    learning_rate: float = 0.15
    depth: int = 4
    min_child_weight: float = 1.0
    """Classifiers: least hessian sum in a child (XGBoost's ``min_child_weight``; a row
    weighs ``p(1 - p)``). Row counts are not tracked (a third of the histogram work)."""
    min_leaf_rows: int = 20
    """Regressor: fewest rows in a child (a row's hessian is 1; scikit-learn's
    ``min_samples_leaf``)."""
    l2: float = 1.0
    """Ridge on leaf values: keeps a small pure leaf from a huge step."""
    max_bins: int = 64

    def classifier(self, matrix: np.ndarray, categorical: list[bool], codes: np.ndarray) -> Model:
        """Fitted on class codes ``0..K-1``: logistic for two classes, softmax for more."""
        codes = np.asarray(codes, dtype=np.intp)
        k = int(codes.max()) + 1
        bins = fit_bins(matrix, categorical, self.max_bins)
        binned = bins.apply(matrix)
        prior = np.bincount(codes, minlength=k) / codes.size
        prior = np.clip(prior, 1e-12, 1)
        if k <= 2:
            baseline = np.array([np.log(prior[-1] / prior[0])])
            target = (codes == 1).astype(float)[:, None]
        else:
            baseline = np.log(prior)
            target = np.eye(k)[codes]
        forest = self._grow(binned, bins, target, baseline, "logistic" if k <= 2 else "softmax")
        return Model(bins, forest, "logistic" if k <= 2 else "softmax")

    def regressor(self, matrix: np.ndarray, categorical: list[bool], y: np.ndarray) -> Model:
        """Fitted on a numeric target with squared error."""
        bins = fit_bins(matrix, categorical, self.max_bins)
        y = np.asarray(y, dtype=float)
        forest = self._grow(bins.apply(matrix), bins, y[:, None], np.array([y.mean()]), "squared")
        return Model(bins, forest, "squared")

    def _grow(
        self, binned: np.ndarray, bins: Bins, target: np.ndarray, baseline: np.ndarray, loss: str
    ) -> Forest:
        n = binned.shape[0]
        columns = target.shape[1]
        raw = np.tile(baseline, (n, 1))
        # one tree per output column and iteration, all columns' trees grown together as one
        # tree whose root level holds a node per column (rows repeated per column)
        # bins of each input (rows) for every row of every tree: ``(inputs, trees * n)``
        by_input = np.ascontiguousarray(np.tile(binned, (columns, 1)).T)
        features, lefts, values = [], [], []
        min_weight = float(self.min_leaf_rows) if loss == "squared" else self.min_child_weight
        for _ in range(self.iterations):
            grad, hess = _gradients(raw, target, loss)
            f, left, leaf_values, leaf = self._trees(
                by_input, bins, grad.T.reshape(-1), hess.T.reshape(-1), columns, min_weight
            )
            raw += leaf_values[np.arange(columns)[:, None], leaf].T
            features.append(f)
            lefts.append(left)
            values.append(leaf_values)
        internal, width = (1 << self.depth) - 1, bins.n_bins
        return Forest(
            np.array(features).reshape(-1, internal),
            np.array(lefts).reshape(-1, internal, width),
            np.array(values).reshape(-1, 1 << self.depth),
            np.tile(np.arange(columns), self.iterations),
            baseline,
            self.depth,
        )

    def _trees(
        self,
        by_input: np.ndarray,
        bins: Bins,
        grad: np.ndarray,
        hess: np.ndarray,
        trees: int,
        min_weight: float,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``trees`` trees at once (``grad``/``hess`` hold each tree's rows in turn): split
        features ``(trees, internal)``, bin masks ``(trees, internal, bins)``, leaf values
        ``(trees, leaves)`` and each row's leaf ``(trees, n)``.

        Nodes are numbered across trees level by level (node ``j`` of tree ``t`` at a level
        of ``m`` nodes per tree is ``t * m + j``), so children are ``2g`` and ``2g + 1``
        and one histogram serves every tree."""
        rows = by_input.shape[1]
        n = rows // trees
        width = bins.n_bins
        internal = (1 << self.depth) - 1
        split_feature = np.zeros((trees, internal), dtype=np.intp)
        split_left = np.ones((trees, internal, width), dtype=bool)
        categorical = bins.categorical
        node = np.repeat(np.arange(trees), n)
        flat_bins = by_input.reshape(-1)
        row = np.arange(rows)
        parent_hist: np.ndarray | None = None
        for level in range(self.depth):
            per_tree = 1 << level
            nodes = trees * per_tree
            hist = _histograms(by_input, node, nodes, width, grad, hess, parent_hist)
            feature, left = _best_splits(hist, categorical, min_weight, self.l2)
            split_feature[:, per_tree - 1 : 2 * per_tree - 1] = feature.reshape(trees, per_tree)
            split_left[:, per_tree - 1 : 2 * per_tree - 1] = left.reshape(trees, per_tree, width)
            goes_left = left.reshape(-1).take(
                node * width + flat_bins.take(feature.take(node) * rows + row)
            )
            node = 2 * node + (~goes_left)
            parent_hist = hist
        leaves = trees << self.depth
        g = np.bincount(node, weights=grad, minlength=leaves)
        h = np.bincount(node, weights=hess, minlength=leaves)
        leaf_values = (-self.learning_rate * g / (h + self.l2)).reshape(trees, -1)
        return split_feature, split_left, leaf_values, (node % (1 << self.depth)).reshape(trees, n)


@dataclass(frozen=True)
class Model:
    """A fitted booster with its binning: ``predict_proba`` / ``predict`` on raw matrices."""

    bins: Bins
    forest: Forest
    loss: str

    def raw(self, matrix: np.ndarray) -> np.ndarray:
        return self.forest.raw(self.bins.apply(matrix))

    def predict_proba(self, matrix: np.ndarray) -> np.ndarray:
        raw = self.raw(matrix)
        if self.loss == "logistic":
            p = _sigmoid(raw[:, 0])
            return np.column_stack([1 - p, p])
        return _softmax(raw)

    def predict(self, matrix: np.ndarray) -> np.ndarray:
        """Class codes (classifiers) or values (regressor)."""
        return self.predict_binned(self.bins.apply(matrix))

    def predict_binned(self, binned: np.ndarray) -> np.ndarray:
        """``predict`` of rows already binned by ``bins.apply``."""
        raw = self.forest.raw(binned)
        if self.loss == "squared":
            return raw[:, 0]
        if self.loss == "logistic":
            return (raw[:, 0] > 0).astype(np.intp)
        return np.asarray(raw.argmax(axis=1), dtype=np.intp)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(0.5 * (1 + np.tanh(0.5 * x)))


def _softmax(raw: np.ndarray) -> np.ndarray:
    e = np.exp(raw - raw.max(axis=1, keepdims=True))
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def _gradients(raw: np.ndarray, target: np.ndarray, loss: str) -> tuple[np.ndarray, np.ndarray]:
    if loss == "squared":
        return raw - target, np.ones_like(raw)
    p = _sigmoid(raw) if loss == "logistic" else _softmax(raw)
    return p - target, np.maximum(p * (1 - p), 1e-16)


def _histograms(
    by_input: np.ndarray,
    node: np.ndarray,
    nodes: int,
    width: int,
    grad: np.ndarray,
    hess: np.ndarray,
    parent: np.ndarray | None,
) -> np.ndarray:
    """``(2, nodes, inputs, bins)`` sums of gradient and hessian per node, input and bin.

    Below the root only the smaller child of each parent is counted; its sibling is the
    parent minus it (at most half the rows through ``bincount``). One ``bincount`` per input
    and sum: no ``(rows, inputs)`` index or weight array is built."""
    columns = by_input.shape[0]
    small_is_left = np.ones(0, dtype=bool)
    if parent is None:
        rows, slot, slots = None, node, nodes
    else:
        sizes = np.bincount(node, minlength=nodes)
        small_is_left = sizes[0::2] <= sizes[1::2]
        rows = np.flatnonzero((node % 2 == 0) == small_is_left[node // 2])
        slot, slots = node[rows] // 2, nodes // 2
    g, h = (grad, hess) if rows is None else (grad[rows], hess[rows])
    offset = slot * width
    size = slots * width
    out = np.empty((2, slots, columns, width))
    for j in range(columns):
        index = offset + (by_input[j] if rows is None else by_input[j].take(rows))
        out[0, :, j] = np.bincount(index, g, size).reshape(slots, width)
        out[1, :, j] = np.bincount(index, h, size).reshape(slots, width)
    if parent is None:
        return out
    assert parent is not None
    full = np.empty((2, nodes, columns, width))
    counted = 2 * np.arange(slots) + ~small_is_left
    full[:, counted] = out
    full[:, counted ^ 1] = parent - out
    return full


def _best_splits(
    hist: np.ndarray, categorical: np.ndarray, min_weight: float, l2: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per node: the best column and its left-bin mask (all bins left: no split).

    Bins are scanned in order: ascending for numbers (missing first), and for categories by
    gradient / hessian ratio, which finds the best two-way partition of categories."""
    grad, hess = hist  # each (nodes, columns, bins)
    nodes, _, width = grad.shape
    order = np.broadcast_to(np.arange(width), grad.shape)
    if categorical.any():
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = grad[:, categorical] / (hess[:, categorical] + l2)
        ratio[hess[:, categorical] == 0] = np.inf  # empty categories last
        order = order.copy()
        order[:, categorical] = np.argsort(ratio, axis=-1, kind="stable")
        grad, hess = (np.take_along_axis(x, order, -1) for x in (grad, hess))
    g_left = np.cumsum(grad, axis=-1)
    h_left = np.cumsum(hess, axis=-1)
    g_all, h_all = g_left[..., -1:], h_left[..., -1:]
    gain = (
        g_left**2 / (h_left + l2)
        + (g_all - g_left) ** 2 / (h_all - h_left + l2)
        - g_all**2 / (h_all + l2)
    )
    ok = (h_left >= min_weight) & (h_all - h_left >= min_weight)
    gain = np.where(ok, gain, -np.inf)
    flat = gain.reshape(nodes, -1)
    best = flat.argmax(axis=1)
    feature, position = best // width, best % width
    splits = flat[np.arange(nodes), best] > 1e-12
    rank = np.argsort(order[np.arange(nodes), feature], axis=-1)  # each bin's place in the scan
    left = rank <= position[:, None]
    left[~splits] = True
    feature[~splits] = 0
    return feature, left
