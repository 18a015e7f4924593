"""trustscan: consequence scanning and AI-trust audits for tabular ML models."""

__version__ = "0.1.0"
