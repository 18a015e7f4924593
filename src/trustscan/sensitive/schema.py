"""What a grouping *is*, apart from which row falls in which group.

A ``GroupSchema`` names the attribute, the sensitive columns it crosses and the data columns
behind them, the group labels (with each column's part for intersections), which group holds
the missing values, and how each column's values were binned. It holds no rows: the same
schema describes codes computed in memory (``stats.GroupCodes``), counts streamed from a
file, or a SQL group-by, so every family and every statistics source agree on the groups.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

UNKNOWN = "unknown"
"""Label of the group of rows whose sensitive value is missing."""
INTERSECTION_SEPARATOR = " × "

MAX_GROUPS = 20
"""A numeric sensitive column with more distinct values than this is grouped into quartiles;
a text column with more is too many groups to compare row by row (probes, permutations)."""


@dataclass(frozen=True)
class Binning:
    """How one sensitive column's values became groups."""

    method: Literal["values", "quartiles"] = "values"
    """``values``: each distinct value is a group; ``quartiles``: numbers cut at ``edges``."""
    edges: tuple[float, ...] = ()
    """Quartile cut points; a value falls in the bin that counts the edges at or below it."""

    @property
    def note(self) -> str | None:
        """How values were grouped, in words (None when each value is its own group)."""
        return "numeric values grouped into quartiles" if self.method == "quartiles" else None


VALUES = Binning()


@dataclass(frozen=True)
class GroupSchema:
    """A grouping of the audited rows: one sensitive attribute or an intersection of several.

    Groups are numbered ``0 .. n_groups - 1`` in ``labels`` order. For a single attribute the
    missing-value group, when there is one, is the last.
    """

    attribute: str
    """What the grouping is, e.g. ``gender`` or ``gender × race``."""
    columns: tuple[str, ...]
    """The sensitive attribute(s) it is built from (one for a single attribute)."""
    labels: tuple[str, ...]
    """Group label per group; missing values form the group labelled ``unknown``."""
    parts: tuple[tuple[str, ...], ...]
    """Per group, the value of each attribute in ``columns`` (for intersections)."""
    unknown: tuple[bool, ...]
    """Per group, whether the group is (or includes) the missing-value group."""
    binning: tuple[Binning, ...]
    """Per attribute in ``columns``, how its values were binned."""
    sources: tuple[tuple[str, ...], ...] = ()
    """Per attribute in ``columns``, the data columns it was read from (``race`` from
    ``black``, ``white``, ``hispan``); empty when each attribute is its own column."""

    def __post_init__(self) -> None:
        groups = len(self.labels)
        if len(self.parts) != groups or len(self.unknown) != groups:
            raise ValueError("labels, parts and unknown need one entry per group")
        if len(self.binning) != len(self.columns):
            raise ValueError("binning needs one entry per column")
        if self.sources and len(self.sources) != len(self.columns):
            raise ValueError("sources need one entry per column")

    @property
    def n_groups(self) -> int:
        return len(self.labels)

    @property
    def is_intersection(self) -> bool:
        return len(self.columns) > 1

    @property
    def known(self) -> tuple[int, ...]:
        """The groups whose sensitive value is known, in order."""
        return tuple(i for i, missing in enumerate(self.unknown) if not missing)

    @property
    def n_known(self) -> int:
        """How many groups have a known value (for a single attribute: groups ``0 .. n_known - 1``)."""
        return len(self.known)

    @property
    def binning_note(self) -> str | None:
        """How values were grouped, in words, for evidence and report notes."""
        notes = [b.note for b in self.binning if b.note]
        return "; ".join(notes) if notes else None

    @property
    def data_columns(self) -> tuple[str, ...]:
        """Every data column behind the grouping."""
        if not self.sources:
            return self.columns
        return tuple(c for source in self.sources for c in source)


def single(
    attribute: str, labels: tuple[str, ...], unknown: tuple[bool, ...], binning: Binning = VALUES
) -> GroupSchema:
    """The schema of one attribute's groups."""
    return GroupSchema(
        attribute=attribute,
        columns=(attribute,),
        labels=labels,
        parts=tuple((label,) for label in labels),
        unknown=unknown,
        binning=(binning,),
    )


def row_comparable(schema: GroupSchema) -> str | None:
    """Why a single attribute cannot be compared row by row (None when it can).

    Checks that probe or perturb rows (leakage, explainability) need two known groups, and
    a text attribute with dozens of values would give groups too small to learn or judge.
    """
    known = len(schema.known)
    if known < 2:
        return f"{schema.attribute!r} has fewer than two distinct values"
    if all(b.method == "values" for b in schema.binning) and known > MAX_GROUPS:
        return f"{schema.attribute!r} has {known:,} distinct values, too many to treat as groups"
    return None
