"""What the sensitive-inference checks share: which attributes they can probe, plain-language
names for groups, and the recorded legal basis for an attribute."""

from __future__ import annotations

import numpy as np
import pandas as pd

from trustscan.context import AuditContext
from trustscan.policy import Policy
from trustscan.sensitive.lexicon import match_column
from trustscan.stats.groups import GroupCodes

NO_SENSITIVE = (
    "No sensitive attribute to test: none was given with --sensitive and no column name was "
    "recognised as one — pass --sensitive COL (e.g. --sensitive gender)"
)
YES = {"1", "1.0", "true", "yes", "y", "t"}
NO = {"0", "0.0", "false", "no", "n", "f"}
FEATURE_BINS = 256
"""Quantile bins of a numeric input (and of a probe's probabilities) for its AUC."""
CI_BINS = 32
"""Bins an AUC's bootstrap resamples (neighbours merged, replicates centred on the estimate
from every bin): 32x fewer draws than 1,024 score bins. The merged AUC is within
1 / (2 * 32) = 0.016 of the fine one, but only its spread is read: the interval's ends
stay within bootstrap noise of the unmerged ones (as close as with 64 bins, tested on
balanced and 0.3%-minority classes), and resampling costs half of 64 bins'."""


def sensitive_attributes(ctx: AuditContext) -> tuple[list[GroupCodes], list[str]]:
    """The context's single-attribute groupings this family can probe, and why others not."""
    kept, skipped = ctx.groupings.row_comparable()
    return list(kept), list(skipped)


def yes_group(attribute: GroupCodes) -> int | None:
    """For a yes/no attribute (``is_pregnant = True``): the code of the "yes" group."""
    labels = [attribute.labels[c].lower() for c in attribute.schema.known]
    if len(labels) == 2 and set(labels) <= YES | NO and any(x in YES for x in labels):
        return next(i for i, x in enumerate(labels) if x in YES)
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


def varies(series: pd.Series) -> bool:
    """Whether the column holds two or more distinct values, missing ones aside: what
    ``series.nunique() > 1`` says, from one comparison instead of hashing every row."""
    values = series.dropna()
    if values.empty:
        return False
    return bool(np.any(np.asarray(values != values.iloc[0])))
