"""Special-category attributes: which columns are sensitive, and why."""

from __future__ import annotations

from trustscan.sensitive.lexicon import (
    Category,
    SensitiveMatch,
    describe_matches,
    detect_sensitive_columns,
    load_lexicon,
    match_column,
)

__all__ = [
    "Category",
    "SensitiveMatch",
    "describe_matches",
    "detect_sensitive_columns",
    "load_lexicon",
    "match_column",
]
