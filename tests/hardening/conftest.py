"""Shared helpers for the fault, fuzz and attack tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from trustscan.outputs import TEMP_MARK

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def temp_files(folder: Path) -> list[Path]:
    """trustscan temp files anywhere under ``folder``."""
    return [p for p in folder.rglob(f"*{TEMP_MARK}*")]


def trustscan_process(
    args: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """The real console entry point in a child process (signals need a real process)."""
    return subprocess.Popen(
        [sys.executable, "-c", "from trustscan.entry import run; run()", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
