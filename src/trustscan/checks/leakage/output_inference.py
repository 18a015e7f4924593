"""``leakage.output_inference``: the score or decision predicts a sensitive attribute (ROC AUC
with a count-bootstrap interval, and the KS advantage)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar

import numpy as np
import pandas as pd

from trustscan.checks.base import Check, worst_status
from trustscan.checks.leakage import OUTPUT_INFERENCE
from trustscan.checks.leakage._common import (
    CI_BINS,
    NO_SENSITIVE,
    category,
    justification_for,
    sensitive_attributes,
    topic,
    who,
    yes_group,
)
from trustscan.checks.leakage.measured import AttributeLeakage, GroupLeakage, OutputInference
from trustscan.checks.spec import CheckSpec
from trustscan.context import AuditContext
from trustscan.numbers.display import interval as _interval
from trustscan.numbers.display import number as _fmt
from trustscan.numbers.json_safe import rounded as _round
from trustscan.policy import Policy
from trustscan.stats import association as assoc
from trustscan.stats import separability as sep
from trustscan.stats.groups import GroupCodes
from trustscan.types import CheckResult, Evidence, Finding, Severity, Status

_SCORE_BINS = 1024


@dataclass(frozen=True)
class _Output:
    name: str
    """``score``, ``prediction`` or ``decision``, for messages."""
    values: np.ndarray
    ordered: bool

    @cached_property
    def levels(self) -> tuple[np.ndarray, np.ndarray]:
        """``np.unique(values, return_inverse=True)``: one sort for every attribute."""
        distinct, level = np.unique(self.values, return_inverse=True)
        return distinct, level.reshape(-1)


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
        rows: list[AttributeLeakage] = []
        groups: list[GroupLeakage] = []
        for attribute in attributes:
            finding, row, group_rows = self._attribute(ctx, policy, attribute, output)
            findings.append(finding)
            rows.append(row)
            groups.extend(group_rows)
        status = worst_status([f.status for f in findings])
        worst = max(rows, key=lambda r: r.auc if r.auc is not None else 0)
        auc = f"AUC {_fmt(worst.auc)} ({_interval(worst.ci_low, worst.ci_high)})"
        if status is Status.PASS:
            summary = f"The model's {output.name} reveals little about " + (
                f"{worst.attribute} ({auc})."
                if len(rows) == 1
                else f"any of {len(rows)} sensitive attributes (highest: {worst.attribute}, {auc})."
            )
        else:
            summary = f"The model's {output.name} predicts {worst.attribute} with {auc}" + (
                "." if len(rows) == 1 else f", the most revealing of {len(rows)} attributes."
            )
        measured = OutputInference(
            output=output.name,
            attributes=tuple(rows),
            groups=tuple(groups),
            skipped_attributes=tuple(skipped),
        )
        return self.result(status, summary, tuple(findings), measured=measured)

    def _attribute(
        self, ctx: AuditContext, policy: Policy, attribute: GroupCodes, output: _Output
    ) -> tuple[Finding, AttributeLeakage, list[GroupLeakage]]:
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
            result = sep.separability_scores(
                codes,
                values,
                k,
                resamples=resamples,
                confidence=confidence,
                rng=rng,
                max_bins=_SCORE_BINS,
                resample_bins=CI_BINS,
                levels=output.levels if keep.all() else None,
            )
        else:
            table = assoc.crosstab(codes, k, values, int(values.max()) + 1)
            result = sep.separability(
                table, ordered=False, resamples=resamples, confidence=confidence, rng=rng
            )
        small = [c for c in range(k) if result.classes[c].n < policy.stats.min_group_size]
        method = (
            f"ROC AUC of the {output.name} (one-vs-rest{' macro' if k > 2 else ''}, oriented); "
            f"{confidence:.0%} CI from {resamples} bootstrap resamples of counts stratified on "
            f"{attribute.name}"
            + (
                f" ({CI_BINS} merged score bins, centred on the exact AUC)"
                if output.ordered
                else ""
            )
            + f"; all {result.n:,} rows with a value"
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
        row = AttributeLeakage(
            attribute=attribute.name,
            category=category(attribute),
            groups=k,
            auc=_round(result.auc),
            ci_low=_round(result.ci_low),
            ci_high=_round(result.ci_high),
            ks_advantage=_round(result.ks),
            n=result.n,
            status=status.value,
            method=method,
            justification=basis,
        )
        group_rows = [
            GroupLeakage(
                attribute=attribute.name,
                group=attribute.labels[c],
                n=one.n,
                auc=_round(one.auc),
                ci_low=_round(one.ci_low),
                ci_high=_round(one.ci_high),
                ks_advantage=_round(one.ks),
                higher_output=one.higher if output.ordered else None,
                insufficient_evidence=c in small,
            )
            for c, one in enumerate(result.classes)
        ]
        return finding, row, group_rows

    def _message(
        self,
        attribute: GroupCodes,
        output: _Output,
        result: sep.Separability,
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
