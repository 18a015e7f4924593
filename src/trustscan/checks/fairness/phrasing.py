"""Plain-language pieces of the fairness messages: who a group is, how a rate and a
p-value read, what each metric is called.
"""

from __future__ import annotations

import math

from trustscan.context import AuditContext
from trustscan.outcomes import is_true_word
from trustscan.stats import GroupCodes

_PLURAL = {
    "female": "women",
    "woman": "women",
    "women": "women",
    "male": "men",
    "man": "men",
    "men": "men",
}


def group_phrase(grouping: GroupCodes, index: int) -> str:
    """'women' / 'people with race = black' / 'people with gender = female and race = black'."""
    parts = grouping.parts[index]
    if len(parts) == 1 and parts[0].lower() in _PLURAL and not grouping.unknown[index]:
        return _PLURAL[parts[0].lower()]
    terms = [f"{column} = {value}" for column, value in zip(grouping.columns, parts, strict=True)]
    return "people with " + " and ".join(terms)


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def ratio_pct(ratio: float) -> str:
    # "0%" would hide a tiny but non-zero ratio.
    return f"{ratio:.1%}" if ratio < 0.095 else f"{ratio:.0%}"


def format_p(p: float) -> str:
    """``p < 0.001`` / ``p = 0.032`` / ``p n/a``."""
    if not math.isfinite(p):
        return "p n/a"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


_RATE_PHRASES: dict[str, tuple[str, str]] = {
    # metric: (prefix describing the population, verb phrase)
    "selection_rate": ("", "are selected"),
    "scoring_rate": ("", "score above the median"),
    "true_positive_rate": ("Among people whose true outcome is positive, ", "are selected"),
    "false_positive_rate": ("Among people whose true outcome is negative, ", "are selected"),
}


METRIC_TITLES = {
    "selection_rate": "selection rate",
    "scoring_rate": "scoring rate (LL144: share above the median score)",
    "true_positive_rate": "true-positive rate (equal opportunity)",
    "false_positive_rate": "false-positive rate (equalized odds)",
}


def metric_verb(
    metric: str, outcome_label: str | None, favourable: str | None = None
) -> tuple[str, str]:
    """(population prefix, verb phrase) of a message; multiclass names the class.

    ``favourable`` (``high_risk = 0``) replaces "selected" when the favourable decision is
    not simply the positive label, so the sentence says what the group gets.
    """
    if outcome_label is None:
        prefix, verb = _RATE_PHRASES[metric]
        if favourable is None:
            return prefix, verb
        prefix = prefix.replace("is positive", "is favourable")
        return prefix, verb.replace("are selected", f"get {favourable}")
    verb = f"are predicted {outcome_label!r}"
    if metric == "true_positive_rate":
        return f"Among people whose true class is {outcome_label!r}, ", verb
    if metric == "false_positive_rate":
        return f"Among people whose true class is not {outcome_label!r}, ", verb
    return "", verb


def favourable_text(ctx: AuditContext) -> str | None:
    """``high_risk = 0`` when the favourable decision needs naming, else None ("selected")."""
    outcome = ctx.outcome
    if outcome is None or (
        outcome.favourable_is_positive and is_true_word(outcome.favourable_label)
    ):
        return None
    return outcome.decision_text
