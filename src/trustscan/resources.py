"""Locate files shipped inside the package (templates, sample data, schemas)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
# In a wheel, templates/ and sample_data/ live inside the package; in a source checkout
# (editable install) they are the repository's top-level folders.
_REPO_DIR = _PACKAGE_DIR.parents[1]


def resource_dir(name: str) -> Path:
    """Path of the shipped folder ``name`` (``templates``, ``sample_data`` or ``schemas``)."""
    for candidate in (_PACKAGE_DIR / name, _REPO_DIR / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"trustscan resource folder {name!r} is missing from the installation")
