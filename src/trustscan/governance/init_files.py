"""``trustscan init``: the commented starter files, shipped as package data."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from trustscan.outputs import write_atomically

STARTERS = ("trustscan.toml", "model_card.yaml", "consequences.yaml")


def starter_text(name: str) -> str:
    """The starter file ``name`` as shipped in ``trustscan/starters/``."""
    if name not in STARTERS:
        raise ValueError(f"no starter named {name!r}")
    return resources.files("trustscan").joinpath("starters", name).read_text(encoding="utf-8")


@dataclass(frozen=True)
class InitOutcome:
    written: tuple[Path, ...]
    kept: tuple[Path, ...]
    """Files that already existed and were left alone (no ``force``)."""


def write_starters(folder: Path, *, force: bool = False) -> InitOutcome:
    """Write every starter into ``folder``; an existing file is kept unless ``force``."""
    targets = {folder / name: starter_text(name) for name in STARTERS}
    kept = tuple(path for path in targets if path.exists() and not force)
    todo = {path: text for path, text in targets.items() if path not in kept}
    write_atomically(todo)
    return InitOutcome(written=tuple(todo), kept=kept)
