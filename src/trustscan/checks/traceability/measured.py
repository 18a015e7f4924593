"""What ``trace.provenance`` recorded, typed: artifact hashes and files, the software
environment, the git state and the command line.

``from_metrics`` reads the JSON layout the check stores and ``to_metrics`` writes it back (a
test holds the round trip lossless on real check output); the report's traceability section
and the ledger read typed fields, not keys. Light to import (no numpy).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from trustscan.checks.measured import mapping, rest

_KEYS = ("sha256", "files", "versions", "platform", "git", "command_line")


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
    other: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_metrics(cls, metrics: Mapping[str, Any]) -> Provenance:
        git, command = metrics.get("git"), metrics.get("command_line")
        return cls(
            sha256=_texts(mapping(metrics, "sha256")),
            files=_texts(mapping(metrics, "files")),
            versions=dict(mapping(metrics, "versions")),
            platform=dict(mapping(metrics, "platform")),
            git=git if isinstance(git, Mapping) else None,
            command_line=tuple(str(c) for c in command) if isinstance(command, list) else None,
            other=rest(metrics, _KEYS),
        )

    def to_metrics(self) -> dict[str, Any]:
        return {
            **self.other,
            "sha256": dict(self.sha256),
            "files": dict(self.files),
            "versions": dict(self.versions),
            "platform": dict(self.platform),
            "git": None if self.git is None else dict(self.git),
            "command_line": None if self.command_line is None else list(self.command_line),
        }


def _texts(values: Mapping[str, Any]) -> dict[str, str | None]:
    return {str(k): None if v is None else str(v) for k, v in values.items()}
