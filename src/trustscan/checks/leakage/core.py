"""Sensitive-inference leakage: does the model's output, or do its inputs, reveal who is in a
protected or special category?

* ``leakage.sensitive_target`` — the thing being predicted *is* a special category.
* ``leakage.output_inference`` — the score/decision predicts a sensitive attribute (ROC AUC).
* ``leakage.proxy_features`` — inputs that stand in for a sensitive attribute *and* drive the
  model (Datta et al., "Proxy Non-Discrimination in Data-Driven Systems", 2017: a proxy is a
  component both associated with the attribute and influential on the output).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from trustscan.checks.base import Check, worst_status
from trustscan.checks.leakage import OUTPUT_INFERENCE, PROXY_FEATURES, SENSITIVE_TARGET
from trustscan.checks.spec import CheckSpec
from trustscan.context import AuditContext
from trustscan.numbers.display import interval as _interval
from trustscan.numbers.display import number as _fmt
from trustscan.numbers.json_safe import rounded as _round
from trustscan.policy import Policy
from trustscan.sensitive.groups import is_numeric
from trustscan.sensitive.lexicon import SensitiveMatch, match_column
from trustscan.stats import association as assoc
from trustscan.stats.groups import GroupCodes
from trustscan.types import CheckResult, Evidence, Finding, Severity, Status

NO_SENSITIVE = (
    "No sensitive attribute to test: none was given with --sensitive and no column name was "
    "recognised as one — pass --sensitive COL (e.g. --sensitive gender)"
)
_YES = {"1", "1.0", "true", "yes", "y", "t"}
_NO = {"0", "0.0", "false", "no", "n", "f"}
_MAX_CATEGORIES = 31
"""Categorical features keep their most frequent categories; the rest are pooled as 'other'."""
_SCORE_BINS = 1024
_FEATURE_BINS = 256
_CI_BINS = 64
_PROBE_FOLDS = 3
_NMI_BINS = 10
_TOP_PROXIES = 5


# ------------------------------------------------------------------------- sensitive attributes


def sensitive_attributes(ctx: AuditContext) -> tuple[list[GroupCodes], list[str]]:
    """The context's single-attribute groupings this family can probe, and why others not."""
    kept, skipped = ctx.groupings.row_comparable()
    return list(kept), list(skipped)


def yes_group(attribute: GroupCodes) -> int | None:
    """For a yes/no attribute (``is_pregnant = True``): the code of the "yes" group."""
    labels = [attribute.labels[c].lower() for c in attribute.schema.known]
    if len(labels) == 2 and set(labels) <= _YES | _NO and any(x in _YES for x in labels):
        return next(i for i, x in enumerate(labels) if x in _YES)
    return None


def category(attribute: GroupCodes) -> str | None:
    """The special category the attribute's name belongs to (``health``), if any."""
    match = match_column(attribute.name)
    return match.label if match else None


def topic(attribute: GroupCodes) -> str:
    """What acting on it means acting on: the category label, else the attribute's name."""
    return category(attribute) or attribute.name


def who(attribute: GroupCodes, code: int) -> str:
    """Plain-language name of one group."""
    column, label = attribute.name, attribute.labels[code]
    if code == yes_group(attribute):
        match = match_column(column)
        if match is not None and match.who:
            return f"{match.who} ({column} = {label})"
        return f"rows with {column} = {label}"
    return f"{column} = {label}"


def justification_for(policy: Policy, column: str | None) -> str | None:
    """The recorded legal basis for processing ``column``, if the policy has one."""
    if column is None:
        return None
    for item in policy.justification:
        if item.column.strip().lower() == column.strip().lower():
            return item.basis
    return None


# ------------------------------------------------------------------------ leakage.sensitive_target


class SensitiveTargetCheck(Check):
    spec: ClassVar[CheckSpec] = SENSITIVE_TARGET

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        named = [
            (role, column)
            for role, column in (
                ("target", ctx.target_name),
                ("prediction column", ctx.predictions_column),
                ("score column", ctx.scores_column),
            )
            if column
        ]
        if not named and not ctx.classes:
            return self.skip("no target, prediction or score column named; nothing to check")
        findings: list[Finding] = []
        checked: list[dict[str, Any]] = []
        for role, column in named:
            match = match_column(column)
            checked.append(_target_row(role, column, match))
            if match is not None and match.strength == "direct":
                findings.append(self._finding(role, column, match, policy))
        for label in ctx.classes or ():
            if isinstance(label, str):
                match = match_column(label)
                checked.append(_target_row("class label", label, match))
                if match is not None and match.strength == "direct":
                    findings.append(self._finding("class label", label, match, policy))
        status = worst_status([f.status for f in findings])
        if status is Status.PASS:
            what = ", ".join(f"{role} {column!r}" for role, column in named)
            summary = (
                f"The {what} does not name a special category."
                if named
                else "The model's class labels do not name a special category."
            )
        elif status is Status.WARN:
            summary = "The model predicts a special category, under a recorded legal basis."
        else:
            summary = (
                "The model is trained to infer a special category, with no recorded legal basis."
            )
        return self.result(status, summary, tuple(findings), {"columns": checked})

    def _finding(self, role: str, column: str, match: SensitiveMatch, policy: Policy) -> Finding:
        basis = justification_for(policy, column)
        if basis is not None:
            return self.finding(
                Status.WARN,
                f"The {role} {column!r} is {match.label}, a special category ({match.legal}). "
                f"The policy records the legal basis: \u201c{basis}\u201d.",
                subject=column,
                remediation="Keep the justification current and limit who sees the predictions.",
                severity=Severity.MEDIUM,
            )
        return self.finding(
            Status.FAIL,
            f"The {role} {column!r} is {match.label}, a special category ({match.legal}): the "
            f"model exists to infer {match.label}, and acting on it means acting on "
            f"{match.label}.",
            subject=column,
            remediation=(
                "Predict the business outcome rather than the sensitive attribute, or record the "
                f'legal basis in the policy: [[justification]] column = "{column}" basis = "...".'
            ),
        )


def _target_row(role: str, column: str, match: SensitiveMatch | None) -> dict[str, Any]:
    return {
        "role": role,
        "column": column,
        "category": match.label if match else None,
        "strength": match.strength if match else None,
        "reason": match.reason if match else None,
    }


# ----------------------------------------------------------------------- leakage.output_inference


@dataclass(frozen=True)
class _Output:
    name: str
    """``score``, ``prediction`` or ``decision``, for messages."""
    values: np.ndarray
    ordered: bool


def _model_output(ctx: AuditContext) -> _Output | None:
    if ctx.task in ("binary", "regression") and ctx.scores is not None:
        return _Output("score" if ctx.task == "binary" else "prediction", ctx.scores, True)
    if ctx.task == "binary" and ctx.decisions is not None:
        return _Output("decision", ctx.decisions.astype(float), True)
    if ctx.task == "multiclass":
        _, codes = np.unique(pd.Series(ctx.predictions).astype(str).to_numpy(), return_inverse=True)
        return _Output("predicted class", codes.astype(np.int64), False)
    return None


class OutputInferenceCheck(Check):
    spec: ClassVar[CheckSpec] = OUTPUT_INFERENCE

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        if not ctx.sensitive_names:
            return self.skip(NO_SENSITIVE)
        output = _model_output(ctx)
        if output is None:
            return self.skip("the model produced no score or decision to test")
        attributes, skipped = sensitive_attributes(ctx)
        if not attributes:
            return self.skip("; ".join(skipped) or NO_SENSITIVE)
        findings: list[Finding] = []
        rows: list[dict[str, Any]] = []
        groups: list[dict[str, Any]] = []
        for attribute in attributes:
            finding, row, group_rows = self._attribute(ctx, policy, attribute, output)
            findings.append(finding)
            rows.append(row)
            groups.extend(group_rows)
        status = worst_status([f.status for f in findings])
        worst = max(rows, key=lambda r: r["auc"] if r["auc"] is not None else 0)
        auc = f"AUC {_fmt(worst['auc'])} ({_interval(worst['ci_low'], worst['ci_high'])})"
        if status is Status.PASS:
            summary = f"The model's {output.name} reveals little about " + (
                f"{worst['attribute']} ({auc})."
                if len(rows) == 1
                else f"any of {len(rows)} sensitive attributes (highest: {worst['attribute']}, {auc})."
            )
        else:
            summary = f"The model's {output.name} predicts {worst['attribute']} with {auc}" + (
                "." if len(rows) == 1 else f", the most revealing of {len(rows)} attributes."
            )
        metrics = {
            "output": output.name,
            "attributes": rows,
            "groups": groups,
            "skipped_attributes": skipped,
        }
        return self.result(status, summary, tuple(findings), metrics)

    def _attribute(
        self, ctx: AuditContext, policy: Policy, attribute: GroupCodes, output: _Output
    ) -> tuple[Finding, dict[str, Any], list[dict[str, Any]]]:
        limits = policy.leakage
        known = attribute.known_codes()
        keep = known >= 0
        codes = known[keep]
        values = output.values[keep]
        k = attribute.schema.n_known
        rng = ctx.rng(f"{self.id}:{attribute.name}")
        resamples = policy.stats.bootstrap_resamples
        confidence = policy.stats.confidence
        if output.ordered:
            result = assoc.separability_scores(
                codes,
                values,
                k,
                resamples=resamples,
                confidence=confidence,
                rng=rng,
                max_bins=_SCORE_BINS,
            )
        else:
            table = assoc.crosstab(codes, k, values, int(values.max()) + 1)
            result = assoc.separability(
                table, ordered=False, resamples=resamples, confidence=confidence, rng=rng
            )
        small = [c for c in range(k) if result.classes[c].n < policy.stats.min_group_size]
        method = (
            f"ROC AUC of the {output.name} (one-vs-rest{' macro' if k > 2 else ''}, oriented); "
            f"{confidence:.0%} CI from {resamples} bootstrap resamples of counts stratified on "
            f"{attribute.name}; all {result.n:,} rows with a value"
            + (f"; {attribute.schema.binning_note}" if attribute.schema.binning_note else "")
        )
        status = _leak_status(result.auc, result.ci_low, limits.auc_warn, limits.auc_fail)
        if status is Status.PASS and k > 2:
            # the macro can dilute one group that the output singles out: never let that pass
            singled = [
                c.ci_low >= limits.auc_fail
                for i, c in enumerate(result.classes)
                if i not in small and not np.isnan(c.ci_low)
            ]
            status = Status.WARN if any(singled) else status
        insufficient = bool(small) and (k == 2 or len(small) >= k - 1)
        if insufficient and status is Status.FAIL:
            status = Status.WARN
        basis = justification_for(policy, attribute.name)
        message = self._message(attribute, output, result, status, insufficient, small)
        if status is Status.FAIL and basis is not None:
            status = Status.WARN
            message += (
                f" The policy records a legal basis for {attribute.name!r}: \u201c{basis}\u201d."
            )
        evidence = (
            Evidence(
                "auc",
                result.auc,
                result.ci_low,
                result.ci_high,
                confidence,
                n=result.n,
                threshold=limits.auc_fail,
                method=method,
            ),
            Evidence(
                "ks_advantage", result.ks, n=result.n, method="max over thresholds of |TPR - FPR|"
            ),
        )
        finding = self.finding(
            status,
            message,
            subject=attribute.name,
            evidence=evidence,
            remediation=(
                None
                if status is Status.PASS
                else "Find the inputs that carry the attribute (leakage.proxy_features) and remove "
                "or neutralise them; retrain and re-audit."
            ),
            severity=self.default_severity if status is Status.FAIL else Severity.MEDIUM,
        )
        row = {
            "attribute": attribute.name,
            "category": category(attribute),
            "groups": k,
            "auc": _round(result.auc),
            "ci_low": _round(result.ci_low),
            "ci_high": _round(result.ci_high),
            "ks_advantage": _round(result.ks),
            "n": result.n,
            "status": status.value,
            "method": method,
            "justification": basis,
        }
        group_rows = [
            {
                "attribute": attribute.name,
                "group": attribute.labels[c],
                "n": one.n,
                "auc": _round(one.auc),
                "ci_low": _round(one.ci_low),
                "ci_high": _round(one.ci_high),
                "ks_advantage": _round(one.ks),
                "higher_output": one.higher if output.ordered else None,
                "insufficient_evidence": c in small,
            }
            for c, one in enumerate(result.classes)
        ]
        return finding, row, group_rows

    def _message(
        self,
        attribute: GroupCodes,
        output: _Output,
        result: assoc.Separability,
        status: Status,
        insufficient: bool,
        small: Sequence[int],
    ) -> str:
        the = f"The model's {output.name}"
        auc = f"AUC {_fmt(result.auc)} ({_interval(result.ci_low, result.ci_high)})"
        if attribute.schema.n_known == 2:
            positive = yes_group(attribute)
            target = positive if positive is not None else 1
            other = 1 - target
            if positive is not None:
                what = f"identifies {who(attribute, target)}"
            else:
                what = (
                    f"tells {attribute.labels[other]} from {attribute.labels[target]} "
                    f"({attribute.name}) apart"
                )
        else:
            best = int(np.nanargmax([c.auc for c in result.classes]))
            what = (
                f"distinguishes the {attribute.schema.n_known} {attribute.name} groups "
                f"(best: {attribute.labels[best]}, AUC {_fmt(result.classes[best].auc)})"
            )
            auc = f"macro {auc}"
        if status is Status.PASS:
            text = f"{the} reveals little about {attribute.name}: {auc}, KS advantage {_fmt(result.ks)}."
        else:
            text = f"{the} {what} with {auc}: acting on this {output.name} means acting on {topic(attribute)}."
        if insufficient:
            sizes = ", ".join(f"{attribute.labels[c]} n = {result.classes[c].n}" for c in small)
            text += f" Insufficient evidence to fail: too few rows ({sizes})."
        return text


def _leak_status(auc: float, ci_low: float, warn: float, fail: float) -> Status:
    if not np.isnan(ci_low) and ci_low >= fail:
        return Status.FAIL
    if not np.isnan(auc) and auc >= warn:
        return Status.WARN
    return Status.PASS


# ------------------------------------------------------------------------ leakage.proxy_features


@dataclass(frozen=True)
class _Influence:
    values: dict[str, float]
    """Per feature: share of decisions that change when it is permuted (regression: mean
    absolute change in prediction standard deviations)."""
    how: str
    n: int
    regression: bool = False
    together: dict[str, list[str]] = field(default_factory=dict)
    """Per feature: the redundant copies permuted with it (see ``redundant_copies``)."""


def _probe_matrix(frame: pd.DataFrame) -> tuple[np.ndarray, list[bool]]:
    """Numbers for HistGradientBoosting: numerics as floats, other columns as category codes."""
    columns: list[np.ndarray] = []
    categorical: list[bool] = []
    for name in frame.columns:
        series = frame[name]
        if pd.api.types.is_bool_dtype(series):
            columns.append(series.to_numpy(dtype=float))
            categorical.append(False)
        elif is_numeric(series):
            columns.append(pd.to_numeric(series, errors="coerce").to_numpy(dtype=float))
            categorical.append(False)
        else:
            codes, uniques = pd.factorize(series.astype("string"), sort=True)
            as_float = codes.astype(float)
            as_float[codes < 0] = np.nan
            columns.append(as_float)
            categorical.append(len(uniques) <= 250)  # HGB bins at most 255 categories
    return np.column_stack(columns) if columns else np.empty((len(frame), 0)), categorical


def _feature_codes(
    series: pd.Series,
) -> tuple[np.ndarray, int, bool, np.ndarray, int, tuple[str, ...]]:
    """(AUC codes, count, ordered, NMI codes, count, category labels) for one feature."""
    if is_numeric(series) and series.nunique() > 16:
        values = series.to_numpy(dtype=float)
        codes, n = assoc.quantile_codes(values, _FEATURE_BINS)
        nmi_codes, nmi_n = assoc.quantile_codes(values, _NMI_BINS)
        return codes, n, True, nmi_codes, nmi_n, ()
    text = series.astype("string").fillna("(missing)")
    counts = text.value_counts()
    kept = counts.index[:_MAX_CATEGORIES]
    pooled = text.where(text.isin(kept), "(other)")
    codes, uniques = pd.factorize(pooled, sort=True)
    codes = np.asarray(codes, dtype=np.int64)
    return codes, len(uniques), False, codes, len(uniques), tuple(str(u) for u in uniques)


class ProxyFeaturesCheck(Check):
    spec: ClassVar[CheckSpec] = PROXY_FEATURES

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        if not ctx.sensitive_names:
            return self.skip(NO_SENSITIVE)
        attributes, skipped = sensitive_attributes(ctx)
        if not attributes:
            return self.skip("; ".join(skipped) or NO_SENSITIVE)
        sensitive = ctx.sensitive_columns
        if not ctx.feature_names:
            return self.skip(
                "no feature columns (a bare decision log): there is nothing to test as a proxy; "
                "pass --features or --model to audit proxies"
            )
        inputs = [c for c in ctx.feature_names if c not in sensitive]
        # A column with fewer than two distinct values carries nothing about anyone (and an
        # empty one breaks the surrogate model's binning).
        candidates = [c for c in inputs if ctx.features[c].nunique(dropna=True) > 1]
        if not inputs:
            return self.skip("every model input is a sensitive column; there is nothing to proxy")
        if not candidates:
            return self.skip(
                "every model input other than the sensitive columns is empty or constant"
            )
        limits = policy.leakage
        associations = [(a, self._associations(ctx, policy, a, candidates)) for a in attributes]
        probed = _most_associated(associations, candidates, MAX_PROBED_FEATURES)
        influence = _influence(
            ctx, probed, limits.sample_size, capped=len(probed) < len(candidates)
        )
        findings: list[Finding] = []
        table: list[dict[str, Any]] = []
        probes: list[dict[str, Any]] = []
        for attribute, rows in associations:
            for row in rows:
                value = influence.values.get(row["feature"]) if influence else None
                row["influence"] = _round(value) if value is not None else None
                row["associated"] = bool(
                    (row["auc"] or 0) >= limits.auc_warn or (row["nmi"] or 0) >= limits.proxy_nmi
                )
                row["influential"] = None if value is None else bool(value >= limits.influence_min)
                row["used_proxy"] = bool(row["associated"] and row["influential"])
                row["strong"] = bool(row["ci_low"] is not None and row["ci_low"] >= limits.auc_fail)
            rows.sort(key=lambda r: (r["used_proxy"], r["associated"], r["nmi"] or 0), reverse=True)
            table.extend(rows)
            findings.extend(self._proxy_findings(attribute, rows, influence, policy))
            probe = _probe(ctx, attribute, probed, policy)
            if probe is not None:
                probes.append(probe)
                if probe["status"] != Status.PASS.value:
                    findings.append(self._probe_finding(attribute, probe))
        status = worst_status([f.status for f in findings if not f.waived])
        used = [r for r in table if r["used_proxy"]]
        if used:
            named = ", ".join(f"{r['feature']} (for {r['attribute']})" for r in used[:_TOP_PROXIES])
            summary = f"{len(used)} input(s) act as proxies for sensitive attributes and drive the model: {named}."
        elif status is Status.WARN:
            summary = "No single input is a used proxy, but the inputs together encode a sensitive attribute."
        else:
            summary = (
                f"None of {len(candidates)} inputs is both associated with a sensitive attribute "
                "and influential in the model."
            )
        if len(probed) < len(candidates):
            summary += (
                f" Influence and the joint probe were measured on the {len(probed)} inputs most "
                f"associated with a sensitive attribute (of {len(candidates)}; cap "
                f"{MAX_PROBED_FEATURES})."
            )
        metrics = {
            "features": table,
            "probed_features": len(probed),
            "probes": probes,
            "influence_method": influence.how if influence else None,
            "influence_rows": influence.n if influence else None,
            "skipped_attributes": skipped,
        }
        return self.result(status, summary, tuple(findings), metrics)

    def _associations(
        self, ctx: AuditContext, policy: Policy, attribute: GroupCodes, candidates: list[str]
    ) -> list[dict[str, Any]]:
        rng = ctx.rng(f"{self.id}:sample:{attribute.name}")
        known = attribute.known_codes()
        rows_idx = assoc.stratified_indices(known, policy.leakage.sample_size, rng)
        codes = known[rows_idx]
        k = attribute.schema.n_known
        frame = ctx.features.iloc[rows_idx]
        out: list[dict[str, Any]] = []
        for feature in candidates:
            auc_codes, n_auc, ordered, nmi_codes, n_nmi, labels = _feature_codes(frame[feature])
            table = assoc.crosstab(codes, k, auc_codes, n_auc)
            raw = assoc.table_auc(table, ordered=ordered)
            oriented = np.where(raw < 0.5, 1 - raw, raw)
            auc = float(oriented[1]) if k == 2 else float(np.nanmean(oriented))
            nmi = assoc.normalized_mutual_info(assoc.crosstab(codes, k, nmi_codes, n_nmi))
            out.append(
                {
                    "attribute": attribute.name,
                    "feature": feature,
                    "auc": _round(auc),
                    "ci_low": None,
                    "ci_high": None,
                    "nmi": _round(nmi),
                    "n": int(codes.size),
                    "_table": table,
                    "_ordered": ordered,
                    "_labels": labels,
                    "_raw": raw,
                }
            )
        # intervals only where they can matter: associated features and the top few
        limits = policy.leakage
        ranked = sorted(out, key=lambda r: r["auc"] or 0, reverse=True)
        for rank, row in enumerate(ranked):
            if (
                rank < _TOP_PROXIES
                or (row["auc"] or 0) >= limits.auc_warn
                or (row["nmi"] or 0) >= limits.proxy_nmi
            ):
                table, exact = row["_table"], None
                if row["_ordered"] and table.shape[1] > _CI_BINS:
                    # resample a coarser table (merged neighbouring bins) and centre the
                    # interval on the fine estimate: 4x fewer draws, same interval
                    merge = np.arange(table.shape[1]) * _CI_BINS // table.shape[1]
                    table = np.stack([np.bincount(merge, weights=r) for r in table])
                    table, exact = table.astype(np.int64), row["_raw"]
                result = assoc.separability(
                    table,
                    ordered=row["_ordered"],
                    resamples=policy.stats.bootstrap_resamples,
                    confidence=policy.stats.confidence,
                    rng=ctx.rng(f"{self.id}:{attribute.name}:{row['feature']}"),
                    exact_auc=exact,
                )
                row["ci_low"], row["ci_high"] = _round(result.ci_low), _round(result.ci_high)
            row["purest_group"] = _purest(
                attribute, row["feature"], row["_table"], row["_labels"], policy
            )
        for row in out:
            del row["_table"], row["_ordered"], row["_labels"], row["_raw"]
        return out

    def _proxy_findings(
        self,
        attribute: GroupCodes,
        rows: list[dict[str, Any]],
        influence: _Influence | None,
        policy: Policy,
    ) -> list[Finding]:
        findings: list[Finding] = []
        basis = justification_for(policy, attribute.name)
        surrogate = "" if influence is None or "surrogate" not in influence.how else " (surrogate)"
        outputs = "predictions" if influence is not None and influence.regression else "decisions"
        for row in rows:
            if not row["associated"]:
                continue
            feature = row["feature"]
            strength = f"AUC {_fmt(row['auc'])}"
            if row["ci_low"] is not None:
                strength += f" ({_interval(row['ci_low'], row['ci_high'])})"
            strength += f", NMI {_fmt(row['nmi'])}"
            purity = f"; {row['purest_group']}" if row.get("purest_group") else ""
            evidence = (
                Evidence(
                    "auc",
                    row["auc"],
                    row["ci_low"],
                    row["ci_high"],
                    policy.stats.confidence,
                    n=row["n"],
                    threshold=policy.leakage.auc_fail,
                    method="feature's own one-vs-rest AUC for the attribute (stratified sample)",
                ),
                Evidence(
                    "nmi",
                    row["nmi"],
                    n=row["n"],
                    threshold=policy.leakage.proxy_nmi,
                    method="normalised mutual information (arithmetic mean of entropies)",
                ),
                Evidence(
                    "influence",
                    row["influence"],
                    n=influence.n if influence else None,
                    threshold=policy.leakage.influence_min,
                    method=influence.how if influence else None,
                ),
            )
            if row["influence"] is None:
                findings.append(
                    self.finding(
                        Status.WARN,
                        f"{feature!r} is associated with {attribute.name} ({strength}{purity}); "
                        "its influence on the decisions could not be measured.",
                        subject=feature,
                        evidence=evidence,
                        severity=Severity.LOW,
                        title="Possible proxy",
                    )
                )
                continue
            copies = influence.together.get(feature, []) if influence is not None else []
            jointly = f" together with its copy {', '.join(copies)}" if copies else ""
            changed = (
                f"permuting it{jointly} moves predictions by {row['influence']:.2f} standard "
                "deviations"
                if influence is not None and influence.regression
                else f"permuting it{jointly} changes {row['influence']:.1%} of decisions"
            ) + surrogate
            if not row["used_proxy"]:
                findings.append(
                    self.finding(
                        Status.PASS,
                        f"{feature!r} is associated with {attribute.name} ({strength}{purity}) "
                        f"but the model barely uses it ({changed}): reported, not failed.",
                        subject=feature,
                        evidence=evidence,
                        severity=Severity.INFO,
                        title="Unused proxy",
                    )
                )
                continue
            status = Status.FAIL if row["strong"] else Status.WARN
            message = (
                f"{feature!r} stands in for {attribute.name} ({strength}{purity}) and the model "
                f"relies on it ({changed}): {outputs} that use {feature!r} partly use "
                f"{topic(attribute)}."
            )
            if status is Status.FAIL and basis is not None:
                status = Status.WARN
                message += f" The policy records a legal basis for {attribute.name!r}: \u201c{basis}\u201d."
            findings.append(
                self.finding(
                    status,
                    message,
                    subject=feature,
                    evidence=evidence,
                    remediation=(
                        f"Drop {feature!r} or replace it with the job-relevant fact it was meant to "
                        "capture; retrain and re-audit fairness."
                    ),
                    severity=self.default_severity if status is Status.FAIL else Severity.MEDIUM,
                    title="Used proxy",
                )
            )
        return findings

    def _probe_finding(self, attribute: GroupCodes, probe: dict[str, Any]) -> Finding:
        return self.finding(
            Status.WARN,
            f"Together the model's inputs predict {attribute.name} with AUC "
            f"{_fmt(probe['auc'])} ({_interval(probe['ci_low'], probe['ci_high'])}) "
            "(redundant encoding): leaving the sensitive column out does not keep "
            f"{topic(attribute)} out of the model.",
            subject=attribute.name,
            evidence=(
                Evidence(
                    "probe_auc",
                    probe["auc"],
                    probe["ci_low"],
                    probe["ci_high"],
                    probe["confidence"],
                    n=probe["n"],
                    method=probe["method"],
                ),
            ),
            remediation="Check leakage.output_inference: if the output does not carry the "
            "attribute, the encoding is unused; otherwise remove the strongest proxies.",
            severity=Severity.MEDIUM,
            title="Redundant encoding",
        )


def _purest(
    attribute: GroupCodes, feature: str, table: np.ndarray, labels: tuple[str, ...], policy: Policy
) -> str | None:
    """For categorical features: the category most dominated by one group (plain language)."""
    if not labels:
        return None
    totals = table.sum(axis=0)
    best: tuple[float, int, int] | None = None
    for v, total in enumerate(totals):
        if total < policy.stats.min_group_size:
            continue
        k = int(np.argmax(table[:, v]))
        share = table[k, v] / total
        overall = table[k].sum() / table.sum()
        if share >= 0.8 and share > overall + 0.2 and (best is None or share > best[0]):
            best = (float(share), v, k)
    if best is None:
        return None
    share, v, k = best
    return (
        f"{share:.0%} of the {int(totals[v]):,} rows with {feature} = {labels[v]} are "
        f"{who(attribute, k)}"
    )


MAX_PROBED_FEATURES = 100
"""Most inputs whose influence is measured by permutation (and that enter the joint probe):
the ones most associated with a sensitive attribute. Association is measured for every input
(O(inputs x rows)); influence costs a prediction per input and the redundant-copy search
grows with inputs squared, so 5,000 inputs would take hours."""


def _most_associated(
    associations: list[tuple[GroupCodes, list[dict[str, Any]]]],
    candidates: list[str],
    limit: int,
) -> list[str]:
    """``candidates`` when within ``limit``; else the ``limit`` inputs with the strongest
    association (largest AUC or NMI over the attributes), in their original order."""
    if len(candidates) <= limit:
        return candidates
    strength: dict[str, float] = {}
    for _, rows in associations:
        for row in rows:
            value = max(row["auc"] or 0.0, row["nmi"] or 0.0)
            strength[row["feature"]] = max(strength.get(row["feature"], 0.0), value)
    chosen = set(sorted(candidates, key=lambda c: (-strength.get(c, 0.0), c))[:limit])
    return [c for c in candidates if c in chosen]


def _influence(
    ctx: AuditContext, candidates: list[str], sample_size: int, *, capped: bool = False
) -> _Influence | None:
    """Permutation influence of each candidate feature on the decisions (or a surrogate's).

    ``capped``: only the ``MAX_PROBED_FEATURES`` most associated inputs are measured; the
    surrogate of logged decisions is then fitted on them alone (re-encoding thousands of
    columns for every permutation is what made wide inputs take hours)."""
    rng = ctx.rng("leakage.proxy_features:influence")
    n = ctx.n_rows
    # a flip rate of 1% is measured to about ±0.2% on 10,000 rows: half the probe sample will do
    size = min(n, max(2000, sample_size // 2))
    idx = np.sort(rng.choice(n, size=size, replace=False))
    frame = ctx.features.iloc[idx].reset_index(drop=True)
    if ctx.model is not None:
        predict = _model_predictor(ctx)
        how = f"share of decisions that change when the feature is permuted ({len(idx):,} rows)"
    else:
        if capped:
            frame = frame[candidates]
        fitted = _surrogate(ctx, frame, idx, rng)
        if fitted is None:
            return None
        predict, fidelity = fitted
        how = (
            "share of decisions that change when the feature is permuted, measured on a "
            f"surrogate model of the logged decisions (fidelity {fidelity:.0%}, {len(idx):,} rows)"
        )
    # Copies are searched among the measured inputs only: a copy of an associated input is
    # as associated, so it is among them.
    together = redundant_copy_map(frame[candidates])
    with _one_thread():
        values = _permutation_influence(ctx, predict, frame, candidates, rng, together)
    if ctx.task == "regression":
        how = how.replace(
            "share of decisions that change", "mean change of the prediction in standard deviations"
        )
    if any(together.values()):
        how += "; a feature's redundant copies among the inputs are permuted with it"
    return _Influence(values, how, len(idx), regression=ctx.task == "regression", together=together)


REDUNDANT_CORRELATION = 0.98
"""Two numeric inputs with at least this absolute correlation are copies of each other."""


def redundant_copies(frame: pd.DataFrame, feature: str) -> list[str]:
    """Other inputs that carry the same information as ``feature`` on these rows: a one-to-one
    recoding of it (``womens_club`` and ``club_member_f``), or a numeric copy with absolute
    correlation >= ``REDUNDANT_CORRELATION``. Permuting a feature alone while its copy stays
    would read as "barely used" when the model uses the pair; they are permuted together."""
    base = frame[feature]
    distinct = base.nunique(dropna=False)
    copies: list[str] = []
    for other in frame.columns:
        if other == feature:
            continue
        column = frame[other]
        numeric = pd.api.types.is_numeric_dtype(base) and pd.api.types.is_numeric_dtype(column)
        if numeric and distinct > 2 and column.nunique() > 2:
            with np.errstate(invalid="ignore", divide="ignore"):
                r = np.corrcoef(base.to_numpy(dtype=float), column.to_numpy(dtype=float))[0, 1]
            if np.isfinite(r) and abs(r) >= REDUNDANT_CORRELATION:
                copies.append(str(other))
            continue
        # A recoding has as many values as the feature; identifiers (a value per row) are not
        # recodings of anything.
        if not 1 < distinct <= max(50, len(frame) // 20):
            continue
        if column.nunique(dropna=False) != distinct:
            continue
        pairs = pd.DataFrame({"a": base.astype(object), "b": column.astype(object)})
        if pairs.drop_duplicates().shape[0] == distinct:
            copies.append(str(other))
    return copies


def redundant_copy_map(frame: pd.DataFrame) -> dict[str, list[str]]:
    """``redundant_copies`` for every column at once: the numeric correlations come from one
    correlation matrix and each column's distinct count is taken once, so 100 inputs cost
    milliseconds instead of 10,000 pairwise scans."""
    columns = [str(c) for c in frame.columns]
    distinct_all = {c: int(frame[c].nunique(dropna=False)) for c in columns}
    distinct = {c: int(frame[c].nunique()) for c in columns}
    numeric = [c for c in columns if pd.api.types.is_numeric_dtype(frame[c])]
    position = {c: i for i, c in enumerate(numeric)}
    correlation = np.empty((0, 0))
    if len(numeric) > 1:
        with np.errstate(invalid="ignore", divide="ignore"):
            correlation = np.atleast_2d(
                np.corrcoef(frame[numeric].to_numpy(dtype=float), rowvar=False)
            )
    rows = len(frame)
    copies: dict[str, list[str]] = {c: [] for c in columns}
    for feature in columns:
        base_distinct = distinct_all[feature]
        for other in columns:
            if other == feature:
                continue
            both_numeric = feature in position and other in position
            if both_numeric and base_distinct > 2 and distinct[other] > 2:
                r = correlation[position[feature], position[other]]
                if np.isfinite(r) and abs(r) >= REDUNDANT_CORRELATION:
                    copies[feature].append(other)
                continue
            if not 1 < base_distinct <= max(50, rows // 20):
                continue
            if distinct_all[other] != base_distinct:
                continue
            pairs = pd.DataFrame(
                {"a": frame[feature].astype(object), "b": frame[other].astype(object)}
            )
            if pairs.drop_duplicates().shape[0] == base_distinct:
                copies[feature].append(other)
    return copies


def _permutation_influence(
    ctx: AuditContext,
    predict: Any,
    frame: pd.DataFrame,
    candidates: list[str],
    rng: np.random.Generator,
    together: dict[str, list[str]] | None = None,
) -> dict[str, float]:
    base = predict(frame)
    regression = ctx.task == "regression"
    scale = (float(np.std(base)) or 1.0) if regression else 1.0
    values: dict[str, float] = {}
    for feature in candidates:
        shuffled = frame.copy()
        order = rng.permutation(len(frame))
        # One permutation for the feature and its copies keeps them consistent with each
        # other, so a copy left in place cannot stand in for the permuted feature.
        for column in [feature, *(together or {}).get(feature, [])]:
            # a re-indexed Series keeps the column's dtype (categoricals stay categorical)
            shuffled[column] = frame[column].iloc[order].set_axis(frame.index)
        changed = predict(shuffled)
        if regression:
            values[feature] = float(np.mean(np.abs(changed - base)) / scale)
        else:
            values[feature] = float(np.mean(changed != base))
    return values


def _model_predictor(ctx: AuditContext) -> Any:
    model = ctx.model
    assert model is not None
    if ctx.task == "regression" or not model.has_proba:
        return lambda frame: np.asarray(model.predict(frame))
    # one call per permutation: decisions from probabilities, as predict does for classifiers
    return lambda frame: np.asarray(model.predict_proba(frame)).argmax(axis=1)


def _surrogate(
    ctx: AuditContext, frame: pd.DataFrame, idx: np.ndarray, rng: np.random.Generator
) -> tuple[Any, float] | None:
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    half = len(idx) // 2
    # Columns empty or constant in the fitting half carry nothing, and an empty one breaks
    # HistGradientBoosting's binning ("window shape cannot be larger than input array").
    usable = [c for c in frame.columns if frame[c].iloc[:half].nunique(dropna=True) > 1]
    if not usable:
        return None
    matrix, categorical = _probe_matrix(frame[usable])
    seed = int(rng.integers(2**31 - 1))
    if ctx.task == "regression":
        target = np.asarray(ctx.predictions, dtype=float)[idx]
        model: Any = HistGradientBoostingRegressor(
            categorical_features=categorical, max_iter=60, random_state=seed
        )
    else:
        target = pd.Series(ctx.predictions[idx]).astype(str).to_numpy()
        if len(np.unique(target)) < 2:
            return None
        model = HistGradientBoostingClassifier(
            categorical_features=categorical, max_iter=60, random_state=seed
        )
    with _one_thread():
        model.fit(matrix[:half], target[:half])
        held_out = model.predict(matrix[half:])
    if ctx.task == "regression":
        fidelity = float(
            max(0.0, 1 - np.var(held_out - target[half:]) / (np.var(target[half:]) or 1))
        )
    else:
        fidelity = float(np.mean(held_out == target[half:]))
    with _one_thread():
        model.fit(matrix, target)
    return (lambda f: np.asarray(model.predict(_probe_matrix(f[usable])[0]))), fidelity


def _one_thread() -> Any:
    """HistGradientBoosting on small samples: one OpenMP thread. On a busy 2-core machine its
    default threads spin against each other and a 1-second fit takes 30 seconds."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="openmp")


def _probe(
    ctx: AuditContext, attribute: GroupCodes, candidates: list[str], policy: Policy
) -> dict[str, Any] | None:
    """Cross-validated HistGradientBoosting AUC for the attribute from all candidate inputs."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    rng = ctx.rng(f"leakage.proxy_features:probe:{attribute.name}")
    known = attribute.known_codes()
    idx = assoc.stratified_indices(known, policy.leakage.sample_size, rng)
    codes = known[idx]
    counts = np.bincount(codes, minlength=attribute.schema.n_known)
    present = counts[counts > 0]
    if present.size < 2 or present.min() < 3:
        return None
    _, codes = np.unique(codes, return_inverse=True)  # drop groups absent from the sample
    k = int(codes.max()) + 1
    matrix, categorical = _probe_matrix(ctx.features.iloc[idx][candidates])
    seed = int(rng.integers(2**31 - 1))
    probe = HistGradientBoostingClassifier(
        categorical_features=categorical,
        max_iter=40,
        learning_rate=0.15,
        max_leaf_nodes=15,
        early_stopping=False,
        random_state=seed,
    )
    folds = StratifiedKFold(n_splits=_PROBE_FOLDS, shuffle=True, random_state=seed)
    with _one_thread():
        proba = cross_val_predict(probe, matrix, codes, cv=folds, method="predict_proba")
    result = assoc.separability_scores(
        codes,
        proba if k > 2 else proba[:, 1],
        k,
        resamples=policy.stats.bootstrap_resamples,
        confidence=policy.stats.confidence,
        rng=rng,
        max_bins=_FEATURE_BINS,
    )
    encoded = not np.isnan(result.ci_low) and result.ci_low >= policy.leakage.auc_fail
    return {
        "attribute": attribute.name,
        "auc": _round(result.auc),
        "ci_low": _round(result.ci_low),
        "ci_high": _round(result.ci_high),
        "confidence": policy.stats.confidence,
        "n": int(codes.size),
        "features": len(candidates),
        "status": Status.WARN.value if encoded else Status.PASS.value,
        "method": (
            f"out-of-fold probabilities of a HistGradientBoosting classifier ({_PROBE_FOLDS}-fold CV) on a "
            f"sample of {codes.size:,} rows stratified on {attribute.name}; one-vs-rest"
            f"{' macro' if k > 2 else ''} AUC; {policy.stats.bootstrap_resamples} count resamples"
        ),
    }
