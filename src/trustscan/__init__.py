"""trustscan: consequence scanning and AI-trust audits for tabular ML models."""

__version__ = "0.1.0"

# The Python API. ``trustscan.audit`` is the function; the pipeline module of the same name
# stays importable as ``from trustscan.audit import run_audit`` (it is in sys.modules).
from trustscan.api import audit, render, write
from trustscan.types import Report

__all__ = ["Report", "__version__", "audit", "render", "write"]
