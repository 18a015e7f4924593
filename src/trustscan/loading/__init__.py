"""The only code that reads data files, documents or deserialises models.

The data and model readers pull in pandas and scikit-learn; they load on first use so that
light readers here (``yaml_docs``, ``documents``) keep `trustscan ledger` and `init` instant.
"""

from __future__ import annotations

from trustscan.lazy import lazy_attributes

TYPE_CHECKING = False
if TYPE_CHECKING:
    from trustscan.loading.adapter import ModelAdapter, ModelPredictionError
    from trustscan.loading.data import read_table
    from trustscan.loading.models import load_model

_LAZY = {
    "ModelAdapter": "trustscan.loading.adapter",
    "ModelPredictionError": "trustscan.loading.adapter",
    "read_table": "trustscan.loading.data",
    "load_model": "trustscan.loading.models",
}


__getattr__ = lazy_attributes(__name__, _LAZY)


__all__ = ["ModelAdapter", "ModelPredictionError", "load_model", "read_table"]
