"""Module attributes that import their module on first use.

Packages whose public names live in heavy modules (pandas, scikit-learn) use this, so that
light commands such as `trustscan --version` or `ledger verify` start without them.
"""

from __future__ import annotations

import importlib
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at run time: the package root must load instantly
    from collections.abc import Callable, Mapping
    from typing import Any


def lazy_attributes(package: str, where: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``where[name]`` the first time ``name`` is read."""

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(where[name]), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
