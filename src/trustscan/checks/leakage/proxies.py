"""``leakage.proxy_features``: inputs that stand in for a sensitive attribute *and* drive the
model (Datta et al., "Proxy Non-Discrimination in Data-Driven Systems", 2017: a proxy is a
component both associated with the attribute and influential on the output)."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

import numpy as np
import pandas as pd

from trustscan.checks.base import Check, worst_status
from trustscan.checks.leakage import PROXY_FEATURES
from trustscan.checks.leakage._common import (
    CI_BINS,
    FEATURE_BINS,
    NO_SENSITIVE,
    justification_for,
    sensitive_attributes,
    topic,
    varies,
    who,
)
from trustscan.checks.leakage.influence import Influence, measure_influence
from trustscan.checks.leakage.measured import ProbeRow, ProxyFeatures, ProxyRow
from trustscan.checks.leakage.probe import joint_probe
from trustscan.checks.spec import CheckSpec
from trustscan.context import AuditContext
from trustscan.numbers.display import interval as _interval
from trustscan.numbers.display import number as _fmt
from trustscan.numbers.json_safe import rounded as _round
from trustscan.policy import LeakagePolicy, Policy
from trustscan.sensitive.groups import is_numeric
from trustscan.stats import association as assoc
from trustscan.stats.groups import GroupCodes
from trustscan.stats.sampling import stratified_indices
from trustscan.stats.separability import separability
from trustscan.types import CheckResult, Evidence, Finding, Severity, Status

_MAX_CATEGORIES = 31
"""Categorical features keep their most frequent categories; the rest are pooled as 'other'."""
_NMI_BINS = 10
_TOP_PROXIES = 5


def _feature_codes(
    series: pd.Series,
) -> tuple[np.ndarray, int, bool, np.ndarray, int, tuple[str, ...]]:
    """(AUC codes, count, ordered, NMI codes, count, category labels) for one feature."""
    if is_numeric(series) and series.nunique() > 16:
        values = series.to_numpy(dtype=float)
        codes, n = assoc.quantile_codes(values, FEATURE_BINS)
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
        candidates = [c for c in inputs if varies(ctx.features[c])]
        if not inputs:
            return self.skip("every model input is a sensitive column; there is nothing to proxy")
        if not candidates:
            return self.skip(
                "every model input other than the sensitive columns is empty or constant"
            )
        limits = policy.leakage
        associations = [(a, self._associations(ctx, policy, a, candidates)) for a in attributes]
        probed = _most_associated(associations, candidates, MAX_PROBED_FEATURES)
        influence = measure_influence(
            ctx, probed, limits.sample_size, capped=len(probed) < len(candidates)
        )
        findings: list[Finding] = []
        table: list[ProxyRow] = []
        probes: list[ProbeRow] = []
        for attribute, associated in associations:
            rows = [_judged(row, influence, limits) for row in associated]
            rows.sort(key=lambda r: (r.used_proxy, r.associated, r.nmi or 0), reverse=True)
            table.extend(rows)
            findings.extend(
                self._proxy_findings(attribute, rows, influence, policy, ctx.condition_name)
            )
            probe = joint_probe(ctx, attribute, probed, policy)
            if probe is not None:
                probes.append(probe)
                if probe.status != Status.PASS.value:
                    findings.append(self._probe_finding(attribute, probe))
        status = worst_status([f.status for f in findings if not f.waived])
        used = [r for r in table if r.used_proxy]
        if used:
            named = ", ".join(f"{r.feature} (for {r.attribute})" for r in used[:_TOP_PROXIES])
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
        measured = ProxyFeatures(
            features=tuple(table),
            probed_features=len(probed),
            probes=tuple(probes),
            influence_method=influence.how if influence else None,
            influence_rows=influence.n if influence else None,
            skipped_attributes=tuple(skipped),
        )
        return self.result(status, summary, tuple(findings), measured=measured)

    def _associations(
        self, ctx: AuditContext, policy: Policy, attribute: GroupCodes, candidates: list[str]
    ) -> list[ProxyRow]:
        """Every candidate's association with ``attribute`` on a stratified sample, with an
        interval where it can matter (associated inputs and the top few)."""
        rng = ctx.rng(f"{self.id}:sample:{attribute.name}")
        known = attribute.known_codes()
        rows_idx = stratified_indices(known, policy.leakage.sample_size, rng)
        codes = known[rows_idx]
        k = attribute.schema.n_known
        frame = ctx.features.iloc[rows_idx]
        measured: list[tuple[str, float, float, np.ndarray, bool, tuple[str, ...]]] = []
        for feature in candidates:
            auc_codes, n_auc, ordered, nmi_codes, n_nmi, labels = _feature_codes(frame[feature])
            table = assoc.crosstab(codes, k, auc_codes, n_auc)
            raw = assoc.table_auc(table, ordered=ordered)
            oriented = np.where(raw < 0.5, 1 - raw, raw)
            auc = float(oriented[1]) if k == 2 else float(np.nanmean(oriented))
            nmi = assoc.normalized_mutual_info(assoc.crosstab(codes, k, nmi_codes, n_nmi))
            measured.append((feature, auc, nmi, table, ordered, labels))
        limits = policy.leakage
        by_auc = sorted(measured, key=lambda m: _round(m[1]) or 0, reverse=True)
        with_interval = {
            m[0]
            for rank, m in enumerate(by_auc)
            if rank < _TOP_PROXIES
            or (_round(m[1]) or 0) >= limits.auc_warn
            or (_round(m[2]) or 0) >= limits.proxy_nmi
        }
        out: list[ProxyRow] = []
        for feature, auc, nmi, table, ordered, labels in measured:
            ci_low = ci_high = None
            if feature in with_interval:
                result = separability(
                    table,
                    ordered=ordered,
                    resamples=policy.stats.bootstrap_resamples,
                    confidence=policy.stats.confidence,
                    rng=ctx.rng(f"{self.id}:{attribute.name}:{feature}"),
                    resample_bins=CI_BINS,
                )
                ci_low, ci_high = _round(result.ci_low), _round(result.ci_high)
            out.append(
                ProxyRow(
                    attribute=attribute.name,
                    feature=feature,
                    auc=_round(auc),
                    ci_low=ci_low,
                    ci_high=ci_high,
                    nmi=_round(nmi),
                    n=int(codes.size),
                    purest_group=_purest(attribute, feature, table, labels, policy),
                )
            )
        return out

    def _proxy_findings(
        self,
        attribute: GroupCodes,
        rows: list[ProxyRow],
        influence: Influence | None,
        policy: Policy,
        stratum: str | None,
    ) -> list[Finding]:
        """``stratum``: the column given with ``--condition``, declared a legitimate basis
        for decisions (a department applied to): its use is reported as a warning, and
        ``fairness.conditional_disparity`` judges the gaps within it."""
        findings: list[Finding] = []
        basis = justification_for(policy, attribute.name)
        surrogate = "" if influence is None or "surrogate" not in influence.how else " (surrogate)"
        outputs = "predictions" if influence is not None and influence.regression else "decisions"
        for row in rows:
            if not row.associated:
                continue
            feature = str(row.feature)
            strength = f"AUC {_fmt(row.auc)}"
            if row.ci_low is not None:
                strength += f" ({_interval(row.ci_low, row.ci_high)})"
            strength += f", NMI {_fmt(row.nmi)}"
            purity = f"; {row.purest_group}" if row.purest_group else ""
            evidence = (
                Evidence(
                    "auc",
                    row.auc,
                    row.ci_low,
                    row.ci_high,
                    policy.stats.confidence,
                    n=row.n,
                    threshold=policy.leakage.auc_fail,
                    method="feature's own one-vs-rest AUC for the attribute (stratified sample)",
                ),
                Evidence(
                    "nmi",
                    row.nmi,
                    n=row.n,
                    threshold=policy.leakage.proxy_nmi,
                    method="normalised mutual information (arithmetic mean of entropies)",
                ),
                Evidence(
                    "influence",
                    row.influence,
                    n=influence.n if influence else None,
                    threshold=policy.leakage.influence_min,
                    method=influence.how if influence else None,
                ),
            )
            if row.influence is None:
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
                f"permuting it{jointly} moves predictions by {row.influence:.2f} standard "
                "deviations"
                if influence is not None and influence.regression
                else f"permuting it{jointly} changes {row.influence:.1%} of decisions"
            ) + surrogate
            if not row.used_proxy:
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
            status = Status.FAIL if row.strong else Status.WARN
            message = (
                f"{feature!r} stands in for {attribute.name} ({strength}{purity}) and the model "
                f"relies on it ({changed}): {outputs} that use {feature!r} partly use "
                f"{topic(attribute)}."
            )
            if status is Status.FAIL and basis is not None:
                status = Status.WARN
                message += f" The policy records a legal basis for {attribute.name!r}: \u201c{basis}\u201d."
            elif status is Status.FAIL and feature == stratum:
                status = Status.WARN
                message += (
                    f" {feature!r} is the legitimate stratum given with --condition: "
                    "fairness.conditional_disparity judges the gaps within it."
                )
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

    def _probe_finding(self, attribute: GroupCodes, probe: ProbeRow) -> Finding:
        return self.finding(
            Status.WARN,
            f"Together the model's inputs predict {attribute.name} with AUC "
            f"{_fmt(probe.auc)} ({_interval(probe.ci_low, probe.ci_high)}) "
            "(redundant encoding): leaving the sensitive column out does not keep "
            f"{topic(attribute)} out of the model.",
            subject=attribute.name,
            evidence=(
                Evidence(
                    "probe_auc",
                    probe.auc,
                    probe.ci_low,
                    probe.ci_high,
                    probe.confidence,
                    n=probe.n,
                    method=probe.method,
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
    associations: list[tuple[GroupCodes, list[ProxyRow]]],
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
            value = max(row.auc or 0.0, row.nmi or 0.0)
            feature = str(row.feature)
            strength[feature] = max(strength.get(feature, 0.0), value)
    chosen = set(sorted(candidates, key=lambda c: (-strength.get(c, 0.0), c))[:limit])
    return [c for c in candidates if c in chosen]


def _judged(row: ProxyRow, influence: Influence | None, limits: LeakagePolicy) -> ProxyRow:
    """``row`` with the input's influence and the verdicts it leads to: associated (AUC or
    NMI over the warning levels), influential, a used proxy (both), strong (the association's
    interval clears ``auc_fail``)."""
    value = influence.values.get(str(row.feature)) if influence else None
    associated = (row.auc or 0) >= limits.auc_warn or (row.nmi or 0) >= limits.proxy_nmi
    influential = None if value is None else bool(value >= limits.influence_min)
    return replace(
        row,
        influence=_round(value) if value is not None else None,
        associated=associated,
        influential=influential,
        used_proxy=bool(associated and influential),
        strong=row.ci_low is not None and row.ci_low >= limits.auc_fail,
    )
