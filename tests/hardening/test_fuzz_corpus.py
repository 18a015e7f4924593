"""The fuzz corpus: >= 300 seeded malformed CSV/Parquet inputs through the real scan command.
No case may exit 3 or print a traceback; an input error is one line; no partial or temp file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from trustscan.cli import main

from .conftest import temp_files
from .fuzz_corpus import Case, corpus

CASES = corpus()
OUTPUTS = ("r.json", "r.md")
FAST_POLICY = """
# The model-probing checks are exercised on every 10th case only: the corpus is about inputs.
skip = ["leakage.proxy_features", "explain."]
[stats]
bootstrap_resamples = 100
"""


def test_the_corpus_is_large_seeded_and_varied() -> None:
    assert len(CASES) >= 300
    assert [c.content for c in corpus()[:50]] == [c.content for c in CASES[:50]]
    assert len({c.name.split("-")[0] for c in CASES}) > 3


def run_case(case: Case, folder: Path, *, full: bool) -> tuple[int, str]:
    (folder / case.filename).write_bytes(case.content)
    if not full:
        (folder / "trustscan.toml").write_text(FAST_POLICY)
    args = ["scan", "--data", case.filename, *case.args, "--no-ledger", "-q"]
    args += ["--json", OUTPUTS[0], "--markdown", OUTPUTS[1]]
    if full:
        args += ["--html", "r.html"]
    previous = Path.cwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(main, args)
    finally:
        os.chdir(previous)
    return result.exit_code, result.output


@pytest.mark.slow
def test_no_case_exits_3_prints_a_traceback_or_leaves_a_partial_file(tmp_path: Path) -> None:
    failures = []
    for index, case in enumerate(CASES):
        folder = tmp_path / f"c{index}"
        folder.mkdir()
        full = index % 10 == 0
        code, output = run_case(case, folder, full=full)
        outputs = (*OUTPUTS, "r.html") if full else OUTPUTS
        written = [name for name in outputs if (folder / name).exists()]
        problems = []
        if code not in (0, 1, 2):
            problems.append(f"exit {code}")
        if "Traceback" in output:
            problems.append("traceback")
        if code == 2:
            lines = output.strip().splitlines()
            if len(lines) != 1 or not lines[0].startswith("error: ") or len(lines[0]) > 700:
                problems.append("not one short error line")
            if written:
                problems.append(f"outputs after an input error: {written}")
        elif code in (0, 1) and written != list(outputs):
            problems.append(f"partial outputs: {written}")
        if temp_files(folder):
            problems.append("temp files left")
        if problems:
            failures.append(f"{case.name}: {', '.join(problems)}: {output.strip()[:300]}")
    assert failures == [], "\n".join(failures)
