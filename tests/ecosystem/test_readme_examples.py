"""The README's Python examples run as written."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def readme_python_block(containing: str) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks: list[str] = re.findall(r"```python\n(.*?)```", text, re.S)
    return next(b for b in blocks if containing in b)


def test_readme_python_api_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(REPO / "sample_data", tmp_path / "sample_data")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(readme_python_block("trustscan.audit("), "README.md", "exec"), namespace)
    report = namespace["report"]
    assert namespace["summary"].startswith("## trustscan")  # type: ignore[attr-defined]
    assert report.inputs.data_path == "<DataFrame>"  # type: ignore[attr-defined]
    assert sorted(p.name for p in (tmp_path / "audit").iterdir()) == [
        "junit.xml",
        "report.html",
        "report.json",
        "report.sarif",
        "summary.md",
    ]


def test_readme_first_screen_still_shows_the_two_setup_commands() -> None:
    first_screen = (REPO / "README.md").read_text(encoding="utf-8").splitlines()[:8]
    assert any(line.startswith("pip install . && trustscan demo") for line in first_screen)
    assert any(
        line.startswith('pip install ".[test]" && python -m pytest') for line in first_screen
    )
