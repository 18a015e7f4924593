"""The demo reports' JSON keeps its shape: every check's ``metrics`` has the key paths and
JSON types it had before checks built typed results (the reference, ``data/demo_shapes.json``,
was written by ``main`` before that change with ``python -m tests.checks.test_demo_report_shapes``
on the same inputs: the three demo cases with the HTML tests' fast policy)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.checks.metric_shapes import metric_shapes
from tests.html.conftest import audit_demo_case
from trustscan.report.json_format import report_from_dict, report_to_dict

REFERENCE = Path(__file__).parent / "data" / "demo_shapes.json"
CASES = ("recruiting", "retail", "fair_lending")


def shapes_of(root: Path) -> dict[str, Any]:
    return {
        name: metric_shapes(report_to_dict(audit_demo_case(name, root / name))) for name in CASES
    }


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    root = tmp_path_factory.mktemp("demo_shapes")
    return {name: report_to_dict(audit_demo_case(name, root / name)) for name in CASES}


def test_every_demo_reports_metrics_keep_their_shape(reports: dict[str, dict[str, Any]]) -> None:
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    for name, data in reports.items():
        shapes = metric_shapes(data)
        assert sorted(shapes) == sorted(reference[name]), name
        for check_id, shape in shapes.items():
            assert shape == reference[name][check_id], f"{name}: {check_id}"


def test_a_demo_report_read_back_from_json_writes_the_same_json(
    reports: dict[str, dict[str, Any]],
) -> None:
    for name, data in reports.items():
        again = report_to_dict(report_from_dict(json.loads(json.dumps(data))))
        assert again == data, name


if __name__ == "__main__":  # writes the reference (run on the code whose shape is kept)
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        shapes = shapes_of(Path(folder))
    text = json.dumps(shapes, indent=1, sort_keys=True) + "\n"
    (Path(sys.argv[1]) if len(sys.argv) > 1 else REFERENCE).write_text(text, encoding="utf-8")
