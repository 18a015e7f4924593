"""The YAML documents trustscan reads: a mapping the user names (``trustscan card``), and
what the governance checks read from disk and the environment, read once before any check
runs: the model card, the consequence-scan record, the audited files' SHA-256, the git state,
installed library versions and the versions a ``.skops`` model was saved with.

The pipeline puts a :class:`Documents` on the context; ``trace.*`` and ``docs.*`` read it
there, so no check opens a file or runs git. A file that is missing is None, not an error:
the checks say what is missing and how to add it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from trustscan.errors import InputError
from trustscan.governance.consequences import ConsequenceScan, parse_consequences
from trustscan.governance.model_card import ModelCardReview, empty_review, parse_model_card
from trustscan.governance.provenance import (
    git_state,
    package_versions,
    platform_description,
    sha256_data,
    sha256_file,
    skops_saved_versions,
)
from trustscan.loading.yaml_docs import Issue
from trustscan.policy import DocsPolicy

NOT_READ = (
    "The governance records were not read for this audit (the pipeline reads them before "
    "the checks: trustscan scan or trustscan.audit)."
)
"""Why a governance check skips on a context built without them."""


@dataclass(frozen=True)
class Documents:
    """The governance records and artifact facts of one audit."""

    model_card_path: Path
    model_card: ModelCardReview | None
    """The card's review; None when there is no file at ``model_card_path``."""
    consequences_path: Path
    consequences: ConsequenceScan | None
    """The consequence-scan record; None when there is no file at ``consequences_path``."""
    files: Mapping[str, Path | None] = field(default_factory=dict)
    """The audited artifacts by role (``model``, ``data``, ``config``)."""
    sha256: Mapping[str, str | None] = field(default_factory=dict)
    """SHA-256 of each artifact; None when it is not a file (in-memory model, no config)."""
    git: Mapping[str, Any] | None = None
    """Commit and dirty state of the repository holding the model (else the data)."""
    versions: Mapping[str, str | None] = field(default_factory=dict)
    """Installed versions of the libraries that decide what the audit computed."""
    platform: Mapping[str, str] = field(default_factory=dict)
    skops_saved: Mapping[str, Any] = field(default_factory=dict)
    """What a ``.skops`` model file records it was saved with (empty for other models)."""
    data_parts: Mapping[str, Any] = field(default_factory=dict)
    """``data`` named a folder or a glob: ``base`` (the folder) and ``sha256`` (per file
    under it, its SHA-256); ``sha256["data"]`` is then their combined digest."""


def read_documents(
    docs: DocsPolicy,
    *,
    model_path: Path | None,
    data_path: Path,
    config_path: Path | None,
) -> Documents:
    """Read the records ``docs`` names (relative to the working directory) and describe the
    audited files and the environment."""
    files = {"model": model_path, "data": data_path, "config": config_path}
    anchor = model_path if model_path is not None else data_path
    skops = model_path is not None and model_path.suffix.lower() == ".skops"
    data = sha256_data(data_path)
    return Documents(
        model_card_path=Path(docs.model_card),
        model_card=read_model_card(Path(docs.model_card)),
        consequences_path=Path(docs.consequences),
        consequences=read_consequences(Path(docs.consequences)),
        files=files,
        sha256={
            name: (data.sha256 if data is not None else None)
            if name == "data"
            else (sha256_file(path) if path is not None and path.is_file() else None)
            for name, path in files.items()
        },
        data_parts={"base": str(data.base), "sha256": dict(data.parts)}
        if data is not None and data.parts
        else {},
        git=git_state(anchor),
        versions=package_versions(),
        platform=platform_description(),
        skops_saved=skops_saved_versions(model_path) if skops and model_path else {},
    )


def read_model_card(path: Path) -> ModelCardReview | None:
    """The review of the card at ``path``; None when there is no such file."""
    text = _read_text(path)
    if text is None:
        return None
    if isinstance(text, Issue):
        return empty_review(str(path), (text,))
    return parse_model_card(text, str(path))


def read_consequences(path: Path) -> ConsequenceScan | None:
    """The consequence-scan record at ``path``; None when there is no such file."""
    text = _read_text(path)
    if text is None:
        return None
    if isinstance(text, Issue):
        return ConsequenceScan(str(path), errors=(text,))
    return parse_consequences(text, str(path))


def _read_text(path: Path) -> str | Issue | None:
    """The file's UTF-8 text, None when there is no file, or why it cannot be read."""
    if not path.is_file():
        return None
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return Issue(None, "the file is not UTF-8 text")
    except OSError as exc:
        return Issue(None, f"the file cannot be read ({exc.strerror or exc})")


def read_yaml_mapping(path: Path, *, what: str, flag: str) -> dict[str, Any]:
    """The top-level mapping of the YAML file at ``path``; ``InputError`` naming the file,
    the line of a syntax error and ``flag`` otherwise."""
    if not path.is_file():
        raise InputError(f"{what} not found: {path}", f"check the {flag} path")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{what} {path} is not UTF-8 text", "re-save it as UTF-8") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise InputError(f"{what} {path} is not valid YAML{where}", "fix the syntax") from exc
    if not isinstance(data, dict):
        raise InputError(f"{what} {path} is not a YAML mapping", "see `trustscan init`")
    return data
