"""The only code that reads data files or deserialises models."""

from trustscan.loading.adapter import ModelAdapter, ModelPredictionError
from trustscan.loading.data import read_table
from trustscan.loading.models import load_model

__all__ = ["ModelAdapter", "ModelPredictionError", "load_model", "read_table"]
