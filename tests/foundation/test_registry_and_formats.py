"""Guards on the registry, the output-format enum and atomic writing."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from trustscan import checks as checks_package
from trustscan.checks import ALL_CHECKS, Check, registry
from trustscan.checks.spec import ALL_OTHERS, CheckSpec, load_attribute
from trustscan.errors import InputError
from trustscan.outputs import write_atomically
from trustscan.policy import Policy
from trustscan.report import OutputFormat, render
from trustscan.report.html.sections import SECTIONS
from trustscan.resources import resource_dir
from trustscan.types import (
    AuditInputs,
    CheckResult,
    Dimension,
    Evidence,
    Finding,
    Report,
    Severity,
    Status,
)


def all_check_subclasses() -> set[type[Check]]:
    """Every ``Check`` subclass trustscan itself defines (tests may define their own)."""
    import importlib
    import pkgutil

    for module in pkgutil.walk_packages(checks_package.__path__, "trustscan.checks."):
        importlib.import_module(module.name)
    found: set[type[Check]] = set()
    stack = list(Check.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if "spec" in vars(cls) and cls.__module__.startswith("trustscan."):
            found.add(cls)
    return found


def test_every_check_is_registered_once_with_unique_ids() -> None:
    ids = [c.id for c in ALL_CHECKS]
    assert len(ids) == len(set(ids))
    assert all_check_subclasses() <= set(ALL_CHECKS)


@pytest.mark.parametrize("spec", registry.SPECS, ids=lambda s: s.id)
def test_every_declaration_names_its_check_section_renderer_and_policy_keys(
    spec: CheckSpec,
) -> None:
    assert spec.load().spec is spec
    assert spec.section in {s.id for s in SECTIONS}
    if spec.renderer is not None:
        assert callable(load_attribute(spec.renderer))
    defaults = Policy().to_dict()
    for key in spec.policy_keys:
        section, _, name = key.partition(".")
        assert name in defaults[section] if name else key in defaults, key
    for pattern in spec.needs:
        assert pattern == ALL_OTHERS or any(
            s.id == pattern or (pattern.endswith(".") and s.id.startswith(pattern))
            for s in registry.SPECS
        ), f"{spec.id} needs {pattern}, which matches no registered check"


def test_registry_order_already_runs_every_check_after_the_checks_it_needs() -> None:
    assert registry.run_order(registry.SPECS) == registry.SPECS
    for index, spec in enumerate(registry.SPECS):
        later = registry.SPECS[index + 1 :]
        assert not any(spec.needs_check(other) for other in later), spec.id


def test_run_order_moves_a_check_after_what_it_needs_and_refuses_a_cycle() -> None:
    first, second = registry.SPECS[:2]
    needy = dataclasses.replace(first, needs=(second.id,))
    assert registry.run_order((needy, second)) == (second, needy)
    loop = dataclasses.replace(second, needs=(first.id,))
    with pytest.raises(ValueError, match="need each other"):
        registry.run_order((needy, loop))


@pytest.mark.parametrize("check", ALL_CHECKS, ids=lambda c: c.id)
def test_every_check_has_complete_metadata(check: type[Check]) -> None:
    assert check.id.count(".") == 1 and check.id == check.id.lower()
    assert check.title and check.description
    assert isinstance(check.dimension, Dimension)
    assert isinstance(check.default_severity, Severity)


def hostile_report() -> Report:
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    result = CheckResult(
        check_id="data.quality",
        title="Data quality",
        dimension=Dimension.INTEGRITY,
        severity=Severity.MEDIUM,
        status=Status.WARN,
        summary=f"problem in {evil}",
        findings=(
            Finding(
                "data.quality",
                Status.WARN,
                Severity.LOW,
                "t",
                f"column {evil}",
                evil,
                (Evidence("missing_share", float("nan"), n=3),),
            ),
        ),
        metrics={"missing_share": {evil: 0.5}},
    )
    inputs = AuditInputs(evil, None, "predictions", "binary", 3, 2, None, (evil,), (evil,), "1")
    return Report(
        "1.0",
        "0.0",
        "2026-01-01T00:00:00Z",
        inputs,
        {"fail_on": "fail"},
        "0" * 64,
        (result,),
        (),
        Status.WARN,
        "fail",
        0,
    )


@pytest.mark.parametrize("output_format", list(OutputFormat))
def test_every_output_format_renders_text(output_format: OutputFormat) -> None:
    text = render(output_format, hostile_report())
    assert isinstance(text, str) and text


def test_json_report_validates_and_has_no_nan() -> None:
    text = render(OutputFormat.JSON, hostile_report())
    assert "NaN" not in text
    data = json.loads(text)
    jsonschema.validate(
        data, json.loads((resource_dir("schemas") / "report.schema.json").read_text())
    )
    assert data["results"][0]["findings"][0]["evidence"][0]["estimate"] is None


def test_html_escapes_user_supplied_strings() -> None:
    html = render(OutputFormat.HTML, hostile_report())
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_atomic_write_leaves_nothing_when_a_write_fails(tmp_path: Path) -> None:
    blocker = tmp_path / "blocked"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(InputError, match="is a file, not a folder"):
        write_atomically({tmp_path / "ok.json": "{}", blocker / "report.html": "x"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocked"]


def test_python_dash_m_runs_the_cli() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "trustscan", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0
    assert "trustscan" in completed.stdout


def test_written_reports_get_the_usual_permissions(tmp_path: Path) -> None:
    import os

    umask = os.umask(0o022)
    try:
        write_atomically({tmp_path / "r.json": "{}"})
    finally:
        os.umask(umask)
    assert (tmp_path / "r.json").stat().st_mode & 0o777 == 0o644
