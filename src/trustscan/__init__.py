"""trustscan: consequence scanning and AI-trust audits for tabular ML models.

The Python API is ``trustscan.audit(...) -> Report``, ``trustscan.render(report, fmt)`` and
``trustscan.write(report, out_dir)`` (see ``trustscan.api``).
"""

from __future__ import annotations

from trustscan.lazy import lazy_attributes

__version__ = "0.1.0"

# Nothing else is imported here at run time: the console script installs its signal handlers
# only after this package has loaded, so this module must load in microseconds.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from trustscan.api import audit, render, write
    from trustscan.types import Report

_API = {
    "audit": "trustscan.api",
    "render": "trustscan.api",
    "write": "trustscan.api",
    "Report": "trustscan.types",
}


__getattr__ = lazy_attributes(__name__, _API)


__all__ = ["Report", "__version__", "audit", "render", "write"]
