"""What the traceability checks recorded, typed: ``trace.provenance``'s artifact hashes and
files, software environment, git state and command line; ``trace.compatibility``'s versions
and feature matches.

``from_metrics`` reads the JSON layout the check stores and ``to_metrics`` writes it back (a
test holds the round trip lossless on real check output); the report's traceability section
and the ledger read typed fields, not keys. Light to import (no numpy).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from trustscan.checks.measured import StoredResult, StoredRow, mapping, rest, text

_KEYS = (
    "sha256",
    "files",
    "versions",
    "platform",
    "git",
    "started_at",
    "seed",
    "command_line",
    "expected_sha256",
    "data_files",
)


@dataclass(frozen=True)
class Provenance:
    """What ``trace.provenance`` recorded."""

    sha256: Mapping[str, str | None]
    """SHA-256 per artifact (model, data, config, policy); None when there was no file."""
    files: Mapping[str, str | None]
    """Path per artifact, as given."""
    versions: Mapping[str, Any]
    """Package name -> version."""
    platform: Mapping[str, Any]
    git: Mapping[str, Any] | None
    """Commit, branch and dirty flag of the repository holding the model, if any."""
    command_line: tuple[str, ...] | None
    started_at: str | None = None
    """UTC ISO-8601 time the audit started."""
    seed: int | None = None
    expected_sha256: Mapping[str, str] = field(default_factory=dict)
    """The policy's expected hash per artifact (``provenance.expected_sha256``)."""
    data_files: Mapping[str, str] | None = None
    """A folder or glob of data files: each file's hash beside the combined one."""
    other: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any]) -> Provenance:
        git, command, seed = metrics.get("git"), metrics.get("command_line"), metrics.get("seed")
        return cls(
            sha256=_texts(mapping(metrics, "sha256")),
            files=_texts(mapping(metrics, "files")),
            versions=dict(mapping(metrics, "versions")),
            platform=dict(mapping(metrics, "platform")),
            git=git if isinstance(git, Mapping) else None,
            command_line=tuple(str(c) for c in command) if isinstance(command, list) else None,
            started_at=text(metrics.get("started_at")),
            seed=seed if isinstance(seed, int) and not isinstance(seed, bool) else None,
            expected_sha256={
                str(k): str(v) for k, v in mapping(metrics, "expected_sha256").items()
            },
            data_files={str(k): str(v) for k, v in mapping(metrics, "data_files").items()}
            if "data_files" in metrics
            else None,
            other=rest(metrics, _KEYS),
        )

    def to_metrics(self) -> dict[str, Any]:
        out = {
            "sha256": dict(self.sha256),
            "files": dict(self.files),
            "versions": dict(self.versions),
            "platform": dict(self.platform),
            "git": None if self.git is None else dict(self.git),
            "started_at": self.started_at,
            "seed": self.seed,
            "command_line": None if self.command_line is None else list(self.command_line),
            "expected_sha256": dict(self.expected_sha256),
            **self.other,
        }
        if self.data_files is not None:
            out["data_files"] = dict(self.data_files)
        return out


@dataclass(frozen=True)
class FeatureMatch(StoredRow):
    """One model input compared with the data column that feeds it."""

    optional: ClassVar[frozenset[str]] = frozenset({"unseen_share"})
    feature: str | None = None
    expected: str | None = None
    """What the model expects: ``numeric``, ``categorical`` or ``unknown``."""
    data_dtype: str | None = None
    unseen_share: float | None = None
    """Categorical inputs: share of rows with a category the encoder never saw."""


@dataclass(frozen=True)
class Compatibility(StoredResult):
    """What ``trace.compatibility`` compared."""

    nested: ClassVar[Mapping[str, type[StoredRow]]] = {"features": FeatureMatch}
    sklearn_installed: str | None = None
    sklearn_saved: tuple[str, ...] = ()
    """scikit-learn versions the model was saved with (skops schema and load warnings)."""
    skops: Mapping[str, Any] = field(default_factory=dict)
    """What the skops file records about how it was saved, as read."""
    load_warnings: tuple[str, ...] = ()
    features: tuple[FeatureMatch, ...] = ()


def _texts(values: Mapping[str, Any]) -> dict[str, str | None]:
    return {str(k): None if v is None else str(v) for k, v in values.items()}
