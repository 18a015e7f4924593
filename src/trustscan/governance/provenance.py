"""Provenance facts: file hashes, library versions, platform, git state, saved model versions.

Pure helpers used by ``trace.provenance`` / ``trace.compatibility`` and by the ledger. They
only read (never write) files and never fail outside a git repository.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from trustscan import __version__

PACKAGES = ("scikit-learn", "pandas", "numpy", "fairlearn", "skops")
"""Libraries whose versions decide what the audit computed."""

GIT_TIMEOUT_S = 3.0
_CHUNK = 1 << 20

# scikit-learn's InconsistentVersionWarning text, e.g. "Trying to unpickle estimator
# LogisticRegression from version 1.3.0 when using version 1.5.1. ..."
_INCONSISTENT = re.compile(
    r"estimator (?P<estimator>\S+) from version (?P<saved>[\w.+-]+?) when using version "
    r"(?P<installed>[\w.+-]+?)\.?(\s|$)"
)


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes, read in chunks (equals ``sha256sum``)."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class DataDigest:
    """The SHA-256 of the audited data: one file's, or for a folder or a glob each file's
    and a combined digest."""

    sha256: str
    """The file's digest; for several files, the SHA-256 of ``sha256sum``'s listing of
    them (``<hex>  <name>`` lines in path order), so ``sha256sum FILES | sha256sum`` run
    in ``base`` gives the same value."""
    parts: Mapping[str, str]
    """Several files: per file (its path under ``base``) its SHA-256; one file: empty."""
    base: Path | None = None
    """The folder the part names are relative to."""


def sha256_data(spec: Path) -> DataDigest | None:
    """The digest of what ``--data`` named (a file, a folder or a glob of CSV/Parquet
    files); None when it names no readable file (a catalog table, a missing path)."""
    if spec.is_file():
        return DataDigest(sha256_file(spec), {})
    # Here, not at the top: the ledger commands import this module and must stay instant
    # (no pandas, which resolving a data folder brings in).
    from trustscan.errors import InputError
    from trustscan.loading.datasets import resolve_data

    try:
        paths = resolve_data(spec).paths
    except InputError:
        return None
    base = Path(os.path.commonpath([p.parent for p in paths]))
    parts = {p.relative_to(base).as_posix(): sha256_file(p) for p in paths}
    listing = "".join(f"{digest}  {name}\n" for name, digest in parts.items())
    return DataDigest(sha256_text(listing), parts, base)


def sha256_text(text: str | bytes) -> str:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


def package_versions() -> dict[str, str | None]:
    """trustscan, Python and the numerical libraries; None for a library not installed."""
    versions: dict[str, str | None] = {
        "trustscan": __version__,
        "python": platform.python_version(),
    }
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def platform_description() -> dict[str, str]:
    return {
        "system": platform.system(),
        "release": platform.release(),
        "machine": platform.machine(),
        "python_implementation": platform.python_implementation(),
        "executable": Path(sys.executable).name,
    }


def utc_iso(timestamp: float) -> str:
    moment = datetime.fromtimestamp(timestamp, tz=timezone.utc)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def git_state(path: Path) -> dict[str, Any] | None:
    """Commit and dirty flag of the repository containing ``path``; None outside git.

    Any failure (no git binary, not a repository, no commit yet, timeout) means "unknown",
    never an error: provenance must not break an audit run outside a repository.
    """
    if not path.exists():  # an in-memory model or DataFrame (Python API): no repository
        return None
    folder = path.resolve().parent if not path.is_dir() else path.resolve()
    root = _git(folder, "rev-parse", "--show-toplevel")
    if root is None:
        return None
    commit = _git(folder, "rev-parse", "HEAD")
    status = _git(folder, "status", "--porcelain", "--untracked-files=no")
    relative = os.path.relpath(path.resolve(), root)
    tracked = _git(folder, "ls-files", "--error-unmatch", "--", relative)
    file_status = _git(folder, "status", "--porcelain", "--", relative)
    return {
        "root": root,
        "commit": commit,
        "dirty": None if status is None else bool(status.strip()),
        "file_tracked": tracked is not None,
        "file_modified": None
        if tracked is None or file_status is None
        else bool(file_status.strip()),
    }


def _git(folder: Path, *args: str) -> str | None:
    # GIT_OPTIONAL_LOCKS=0: reading status must not take the index lock (a check never writes).
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_S,
            env=env,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def versions_from_load_warnings(load_warnings: Iterable[str]) -> list[dict[str, str]]:
    """``estimator``/``saved``/``installed`` for each InconsistentVersionWarning."""
    found = []
    for text in load_warnings:
        if not text.startswith("InconsistentVersionWarning"):
            continue
        match = _INCONSISTENT.search(text)
        if match:
            found.append(match.groupdict())
    return found


def skops_saved_versions(path: Path) -> dict[str, Any]:
    """The skops protocol/version and every scikit-learn version recorded in a skops file.

    scikit-learn stores ``_sklearn_version`` in each estimator's state; skops keeps that state
    in ``schema.json``, so it can be read without loading (running) anything.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            schema = json.loads(archive.read("schema.json"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return {}
    sklearn_versions = sorted({v for v in _walk_sklearn_versions(schema) if v})
    return {
        "skops_version": schema.get("_skops_version"),
        "skops_protocol": schema.get("protocol"),
        "sklearn_versions": sklearn_versions,
    }


def _walk_sklearn_versions(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "_sklearn_version" and isinstance(value, dict):
                content = value.get("content")
                if isinstance(content, str):
                    try:
                        decoded = json.loads(content) if value.get("is_json") else content
                    except ValueError:
                        decoded = content
                    yield str(decoded)
            else:
                yield from _walk_sklearn_versions(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk_sklearn_versions(item)
