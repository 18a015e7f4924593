"""``explain.counterfactual_flip``: would the decision change if only the person's sensitive
attribute (or an encoding of it) were different?"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd

from trustscan.checks.base import Check
from trustscan.checks.explain import COUNTERFACTUAL_FLIP
from trustscan.checks.explain._common import (
    binned,
    constant_column,
    representatives,
    sample_rows,
    stacked_outputs,
)
from trustscan.checks.explain.measured import (
    AttributeFlips,
    Counterfactual,
    FlipGroup,
    FlipTarget,
)
from trustscan.checks.spec import CheckSpec
from trustscan.context import AuditContext
from trustscan.numbers.json_safe import rounded as clean
from trustscan.policy import Policy
from trustscan.stats import Eligibility
from trustscan.stats.groups import GroupCodes
from trustscan.stats.intervals import wilson_interval
from trustscan.types import CheckResult, Evidence, Finding, ScoreInput, Scoring, Severity, Status

NO_SENSITIVE_FLIP = "no sensitive attribute given; pass --sensitive COL (e.g. --sensitive gender)"


def regression_changed(
    base: np.ndarray, changed: np.ndarray, tolerance: float, spread: float
) -> np.ndarray:
    """Regression: a prediction "flips" when it moves by more than ``tolerance`` of its own
    magnitude; for predictions near zero, of the predictions' standard deviation instead, so
    a value of 0.001 does not make every wobble a flip."""
    scale = np.maximum(np.abs(base), spread)
    return np.asarray(np.abs(changed - base) > tolerance * scale)


def encodings(
    attribute: GroupCodes, raw: pd.Series, frame: pd.DataFrame, codes: np.ndarray
) -> dict[str, list[Any]]:
    """Model inputs that carry the attribute: the column itself (set to ``raw``, the model
    input's own values, not the readable group labels), or columns that are a function of it
    (e.g. one-hot ``gender_female``). Maps each to its value per known group."""
    found: dict[str, list[Any]] = {}
    if attribute.name in frame.columns:
        found[attribute.name] = list(representatives(attribute, raw))
    if binned(attribute):
        return found
    present = np.unique(codes)
    for feature in frame.columns:
        if feature == attribute.name:
            continue
        series = frame[feature]
        distinct = series.nunique(dropna=False)
        if distinct < 2 or distinct > present.size:
            continue
        per_group = pd.DataFrame({"g": codes, "v": series.astype(object).to_numpy()}).groupby("g")[
            "v"
        ]
        if (per_group.nunique(dropna=False) == 1).all():
            first = per_group.first()
            values: list[Any] = [None] * attribute.schema.n_known
            for g in present:
                values[int(g)] = first.loc[g]
            found[str(feature)] = values
    return found


def _summary_of(message: str) -> str:
    """The finding's first sentence and its 'Most affected' sentence, for the summary."""
    first = message.split(". ")[0].rstrip(".") + "."
    named = next((p for p in message.split(" Most affected: ")[1:2]), None)
    return first + (f" Most affected: {named.split('; ')[0]}." if named else "")


class CounterfactualFlipCheck(Check):
    spec: ClassVar[CheckSpec] = COUNTERFACTUAL_FLIP

    def run(self, ctx: AuditContext, policy: Policy) -> CheckResult:
        if ctx.model is None:
            return self.skip(
                "predictions-only mode: the flip test re-predicts with the sensitive attribute "
                "changed and needs the model; pass --model to run it"
            )
        attributes, skipped = ctx.groupings.row_comparable()
        if not attributes:
            return self.skip("; ".join(skipped) if skipped else NO_SENSITIVE_FLIP)
        findings: list[Finding] = []
        details: dict[str, AttributeFlips] = {}
        for attribute in attributes:
            finding, detail = self._attribute(ctx, policy, attribute)
            findings.append(finding)
            details[attribute.name] = detail
        failing = [f for f in findings if f.status is Status.FAIL]
        warning = [f for f in findings if f.status is Status.WARN]
        used = [f.subject for f in findings if details[f.subject or ""].input]
        if failing or warning:
            summary = " ".join(_summary_of(f.message) for f in failing or warning)
            status = Status.FAIL if failing else Status.WARN
        elif used:
            verb = "is a model input" if len(used) == 1 else "are model inputs"
            summary = (
                f"{', '.join(map(str, used))} {verb}, but changing it rarely changes a decision."
            )
            status = Status.PASS
        else:
            names = " or ".join(a.name for a in attributes)
            summary = (
                f"The model does not use {names} as an input (neither the column nor an "
                "encoding of it)."
            )
            status = Status.PASS
        worst = [
            max([d.flip_rate or 0.0, *((g.flip_rate or 0.0) for g in d.groups if g.judged)])
            for d in details.values()
            if d.input
        ]
        # Lower is better: no flips scores 100, five times the limit scores 0.
        limit = policy.explain.flip_rate_max
        scoring = Scoring(ScoreInput(max(worst), 0.0, 5 * limit) if worst else None)
        measured = Counterfactual(attributes=details, skipped_attributes=tuple(skipped))
        return self.result(status, summary, tuple(findings), scoring=scoring, measured=measured)

    def _attribute(
        self, ctx: AuditContext, policy: Policy, attribute: GroupCodes
    ) -> tuple[Finding, AttributeFlips]:
        column = attribute.name
        known = attribute.known_codes()
        rows = sample_rows(ctx, f"flip:{column}", policy.explain.sample_size, known)
        frame = ctx.features.iloc[rows].reset_index(drop=True)
        codes = known[rows]
        # A 0/1 indicator such as `male` is grouped under readable labels (female / male);
        # the model must be given the values it was trained on.
        raw = ctx.features[column] if column in ctx.features.columns else ctx.sensitive[column]
        carriers = encodings(attribute, raw, frame, codes)
        if not carriers:
            return (
                self.finding(
                    Status.PASS,
                    f"The model does not use {column} as an input (neither the column nor an "
                    "encoding of it); changing it cannot change a decision directly.",
                    subject=column,
                    severity=Severity.INFO,
                ),
                AttributeFlips(input=False, encoded_as=(), sample_size=len(rows)),
            )
        model = ctx.model
        assert model is not None
        targets = [int(g) for g in np.unique(codes)]
        copies = []
        for g in targets:
            copy = frame.copy(deep=False)
            for feature, values in carriers.items():
                copy[feature] = constant_column(
                    frame[feature],
                    values[g],
                    categorical=not pd.api.types.is_numeric_dtype(frame[feature]),
                )
            copies.append(copy)
        predicted = stacked_outputs(model.predict, copies)
        base_pred = np.asarray(ctx.predictions)[rows]
        scores: list[np.ndarray] | None = None
        base_scores: np.ndarray | None = None
        if ctx.task == "binary" and ctx.scores is not None and model.has_proba and ctx.classes:
            pos = list(ctx.classes).index(ctx.positive_label)

            def proba(f: pd.DataFrame) -> np.ndarray:
                out = model.predict_proba(f)
                assert out is not None
                return out[:, pos]

            scores = stacked_outputs(proba, copies)
            base_scores = np.asarray(ctx.scores)[rows]
        elif ctx.task == "regression":
            scores = [np.asarray(p, dtype=float) for p in predicted]
            base_scores = np.asarray(base_pred, dtype=float)

        if ctx.task == "regression":
            spread = float(np.std(np.asarray(ctx.predictions, dtype=float))) or 1.0
            base = np.asarray(base_pred, dtype=float)
            tolerance = policy.explain.regression_flip_tolerance
            flips = [
                regression_changed(base, np.asarray(p, dtype=float), tolerance, spread)
                for p in predicted
            ]
        else:
            flips = [np.asarray(p) != base_pred for p in predicted]

        confidence = policy.stats.confidence
        limit = policy.explain.flip_rate_max
        group_rows: list[FlipGroup] = []
        total_flips = 0
        total_pairs = 0
        worst: FlipGroup | None = None
        # The sample is stratified, so its group shares are the data's.
        rule = Eligibility.from_policy(policy.stats)
        for g in targets:
            mine = codes == g
            n_g = int(mine.sum())
            to: dict[str, FlipTarget] = {}
            flipped = 0
            for k, v in enumerate(targets):
                if v == g:
                    continue
                rate = float(flips[k][mine].mean())
                shift = (
                    float(np.mean(scores[k][mine] - base_scores[mine]))
                    if scores is not None and base_scores is not None
                    else None
                )
                to[attribute.labels[v]] = FlipTarget(
                    flip_rate=clean(rate), mean_score_shift=clean(shift)
                )
                flipped += int(flips[k][mine].sum())
            pairs = n_g * (len(targets) - 1)
            total_flips += flipped
            total_pairs += pairs
            low, high = wilson_interval(flipped, pairs, confidence=confidence)
            row = FlipGroup(
                group=attribute.labels[g],
                n=n_g,
                flip_rate=clean(flipped / pairs if pairs else float("nan")),
                ci_low=clean(low),
                ci_high=clean(high),
                judged=rule.reason(n_g, codes.size) is None,
                to=to,
            )
            group_rows.append(row)
            if (
                row.judged
                and row.flip_rate is not None
                and (worst is None or worst.flip_rate is None or row.flip_rate > worst.flip_rate)
            ):
                worst = row
        overall = total_flips / total_pairs if total_pairs else 0.0
        low, high = wilson_interval(total_flips, total_pairs, confidence=confidence)
        # The overall rate decides; a subgroup only warns, and only when its whole interval
        # is above the limit (a noisy 1.1% beside an overall 0.5% is named, not judged).
        fails = overall > limit
        subgroup_warns = (
            not fails and worst is not None and worst.ci_low is not None and worst.ci_low > limit
        )
        what = (
            f"predictions by more than {policy.explain.regression_flip_tolerance:.0%}"
            if ctx.task == "regression"
            else "decisions"
        )
        inputs = ", ".join(carriers)
        how = f"as {inputs}" if list(carriers) != [column] else "directly"
        method = (
            f"each of {len(rows):,} sampled people (stratified on {column}) re-scored with "
            f"{column} set to every other group's value; share of (person, other value) pairs "
            f"whose decision changes; Wilson {confidence:.0%} interval"
        )
        evidence = [
            Evidence(
                "flip_rate",
                clean(overall),
                clean(low),
                clean(high),
                confidence=confidence,
                n=total_pairs,
                threshold=limit,
                method=method,
            )
        ]
        detail_text = ""
        if worst is not None:
            target, info = max(worst.to.items(), key=lambda kv: kv[1].flip_rate or 0.0)
            shift = info.mean_score_shift
            shift_text = f", mean score shift {shift:+.3f}" if shift is not None else ""
            detail_text = (
                f" Most affected: {column} = {worst.group}, {worst.flip_rate:.1%} "
                f"({confidence:.0%} CI {worst.ci_low:.1%}–{worst.ci_high:.1%}, n = "
                f"{worst.n:,}); setting it to {target} changes "
                f"{(info.flip_rate or 0):.1%} of {what}{shift_text}."
            )
            evidence.append(
                Evidence(
                    f"flip_rate[{column}={worst.group}]",
                    worst.flip_rate,
                    worst.ci_low,
                    worst.ci_high,
                    confidence=confidence,
                    n=(worst.n or 0) * (len(targets) - 1),
                    threshold=limit,
                    method=method,
                )
            )
        if fails:
            finding = self.finding(
                Status.FAIL,
                f"The model uses {column} {how}: changing only {column} changes {overall:.1%} of "
                f"{what} ({confidence:.0%} CI {low:.1%}–{high:.1%}; limit {limit:.1%}).{detail_text}",
                subject=column,
                evidence=tuple(evidence),
                remediation=(
                    f"Remove {column}{' and ' + inputs if how != 'directly' else ''} from the "
                    "model's inputs and retrain; if using it is lawful and intended (e.g. positive "
                    "action), record the legal basis and an approved waiver."
                ),
            )
        elif subgroup_warns:
            assert worst is not None
            finding = self.finding(
                Status.WARN,
                f"The model takes {column} {how}; changing it changes {overall:.1%} of {what} "
                f"overall ({confidence:.0%} CI {low:.1%}–{high:.1%}; limit {limit:.1%}), but "
                f"for {column} = {worst.group} the whole interval is above the limit."
                f"{detail_text}",
                subject=column,
                evidence=tuple(evidence),
                remediation=f"Check why {column} matters for this group; consider removing "
                f"{column} from the inputs.",
                severity=Severity.MEDIUM,
            )
        else:
            finding = self.finding(
                Status.PASS,
                f"The model takes {column} {how}, but changing it changes only {overall:.1%} of "
                f"{what} ({confidence:.0%} CI {low:.1%}–{high:.1%}; limit {limit:.1%}).{detail_text}",
                subject=column,
                evidence=tuple(evidence),
                severity=Severity.LOW,
            )
        detail = AttributeFlips(
            input=True,
            encoded_as=tuple(carriers),
            sample_size=len(rows),
            flip_rate=clean(overall),
            ci_low=clean(low),
            ci_high=clean(high),
            groups=tuple(group_rows),
        )
        return finding, detail
