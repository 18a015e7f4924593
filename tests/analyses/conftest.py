"""Fixtures: the demo cases' configurations and contexts (models trained once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.context_builders import scan_config
from trustscan.config import ScanConfig
from trustscan.context import AuditContext
from trustscan.context_files import build_context
from trustscan.demo import CASES, sample_data_path, train_and_save
from trustscan.policy import Policy


def demo_config(name: str, folder: Path, policy: Policy | None = None) -> ScanConfig:
    """The demo's scan of case ``name``, with its model trained and saved in ``folder``."""
    case = next(c for c in CASES if c.name == name)
    return scan_config(
        data_path=sample_data_path(case),
        model_path=train_and_save(case, folder),
        target=case.target,
        sensitive=case.sensitive,
        features=case.features,
        policy=policy,
    )


@pytest.fixture(scope="session")
def recruiting(tmp_path_factory: pytest.TempPathFactory) -> AuditContext:
    return build_context(demo_config("recruiting", tmp_path_factory.mktemp("recruiting")))


@pytest.fixture(scope="session")
def fair_lending(tmp_path_factory: pytest.TempPathFactory) -> AuditContext:
    return build_context(demo_config("fair_lending", tmp_path_factory.mktemp("fair_lending")))
