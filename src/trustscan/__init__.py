"""trustscan: consequence scanning and AI-trust audits for tabular ML models.

The Python API is ``trustscan.audit(...) -> Report``, ``trustscan.render(report, fmt)`` and
``trustscan.write(report, out_dir)`` (see ``trustscan.api``).
"""

from __future__ import annotations

__version__ = "0.1.0"

# Nothing else is imported here at run time: the console script installs its signal handlers
# only after this package has loaded, so this module must load in microseconds.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from trustscan.api import audit, render, write
    from trustscan.types import Report

_API = {
    "audit": "trustscan.api",
    "render": "trustscan.api",
    "write": "trustscan.api",
    "Report": "trustscan.types",
}


def __getattr__(name: str) -> Any:
    # The API pulls in pandas and scikit-learn: load it on first use, so that commands such
    # as `trustscan --version` start without the numerical stack.
    if name in _API:
        value = getattr(__import__(_API[name], fromlist=[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Report", "__version__", "audit", "render", "write"]
