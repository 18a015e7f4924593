"""Group statistics: sufficient statistics, rates, intervals and tests (numpy/scipy only).

Typical use::

    grouping = encode("gender", values)                 # or from_codes(...), intersect(...)
    counts = group_counts(grouping, selected, y_true)   # one bincount
    tpr = rate(counts, "true_positive_rate")
    boot = bootstrap_counts(counts, resamples=1000, rng=rng)
    low, high = percentile_interval(rate(boot, "true_positive_rate"), confidence=0.95)
"""

from __future__ import annotations

from trustscan.sensitive.schema import INTERSECTION_SEPARATOR, UNKNOWN
from trustscan.stats.eligibility import Eligibility, ImpactRatio, impact_ratio, reference_group
from trustscan.stats.groups import (
    GroupCodes,
    GroupCounts,
    GroupMoments,
    encode,
    from_codes,
    group_counts,
    group_moments,
    intersect,
    intersections,
    weighted_median,
    weighted_quantile,
)
from trustscan.stats.intervals import (
    bootstrap_counts,
    katz_ratio_interval,
    mean_interval,
    normal_quantile,
    percentile_interval,
    ratio_of_means_interval,
)
from trustscan.stats.rates import (
    RATES,
    RateDefinition,
    available_rates,
    difference_to_reference,
    numerator_denominator,
    rate,
    ratio_to_reference,
    safe_divide,
)
from trustscan.stats.significance import (
    FISHER,
    Z_TEST,
    benjamini_hochberg,
    compare_proportions,
    fisher_exact_test,
    holm,
    ks_against_rest,
    min_expected_cell,
    one_person_check,
    people_needed,
    two_proportion_ztest,
    welch_ttest,
)

__all__ = [
    "FISHER",
    "INTERSECTION_SEPARATOR",
    "RATES",
    "UNKNOWN",
    "Z_TEST",
    "Eligibility",
    "GroupCodes",
    "GroupCounts",
    "GroupMoments",
    "ImpactRatio",
    "RateDefinition",
    "available_rates",
    "benjamini_hochberg",
    "bootstrap_counts",
    "compare_proportions",
    "difference_to_reference",
    "encode",
    "fisher_exact_test",
    "from_codes",
    "group_counts",
    "group_moments",
    "holm",
    "impact_ratio",
    "intersect",
    "intersections",
    "katz_ratio_interval",
    "ks_against_rest",
    "mean_interval",
    "min_expected_cell",
    "normal_quantile",
    "numerator_denominator",
    "one_person_check",
    "people_needed",
    "percentile_interval",
    "rate",
    "ratio_of_means_interval",
    "ratio_to_reference",
    "reference_group",
    "safe_divide",
    "two_proportion_ztest",
    "weighted_median",
    "weighted_quantile",
    "welch_ttest",
]
