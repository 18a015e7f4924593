"""Aequitas 1.1 on a predictions Parquet file; run by ``run.py`` in Aequitas's own virtualenv.

Aequitas 1.1 needs pandas < 3, so it cannot share trustscan's environment:

    python -m venv /work/aequitas-venv
    /work/aequitas-venv/bin/pip install 'aequitas==1.1.*' 'pandas<3' pyarrow
    /work/aequitas-venv/bin/python benchmarks/peer_aequitas.py DATA.parquet

Prints one JSON line: ``{"compute_s": ...}`` (group crosstabs + disparities vs the majority
group, for gender and race; Aequitas computes no intervals).
"""

from __future__ import annotations

import json
import sys
import time

import pandas as pd


def main(path: str) -> None:
    from aequitas.bias import Bias
    from aequitas.group import Group

    data = pd.read_parquet(path, columns=["gender", "race", "y_true", "y_pred"])
    frame = pd.DataFrame(
        {
            "score": data["y_pred"].astype(int),
            "label_value": data["y_true"].astype(int),
            "gender": data["gender"].astype(str),
            "race": data["race"].astype(str),
        }
    )
    started = time.perf_counter()
    crosstabs, _ = Group().get_crosstabs(frame, attr_cols=["gender", "race"])
    Bias().get_disparity_major_group(crosstabs, original_df=frame)
    print(json.dumps({"compute_s": time.perf_counter() - started}))


if __name__ == "__main__":
    main(sys.argv[1])
