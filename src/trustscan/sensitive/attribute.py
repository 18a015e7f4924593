"""A sensitive attribute as the audit compares it: one value per row, and the columns it
came from."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class SensitiveAttribute:
    """One attribute the audit compares groups of."""

    name: str
    values: pd.Series
    """One value per row (the group label, or the raw value for a plain column)."""
    sources: tuple[str, ...]
    """The data columns it was built from."""


@dataclass(frozen=True)
class AttributePlan:
    attributes: tuple[SensitiveAttribute, ...]
    notes: tuple[str, ...]

    @property
    def frame(self) -> pd.DataFrame:
        if not self.attributes:
            return pd.DataFrame(index=pd.RangeIndex(0))
        return pd.DataFrame({a.name: a.values.reset_index(drop=True) for a in self.attributes})

    @property
    def sources(self) -> dict[str, tuple[str, ...]]:
        return {a.name: a.sources for a in self.attributes}
