"""No network at run time, measured: every run is traced with strace and the Internet
sockets it opened, connected or sent on are counted (0 for the scan, ONNX, demo; 0 connected
or sent for --pdf, whose Chromium also runs in a network namespace where the kernel allows).
And nothing is written outside the outputs: HOME stays empty (onnxruntime's telemetry files
included)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from trustscan.report.pdf import find_chromium, network_isolation

STRACE = shutil.which("strace")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        STRACE is None and os.environ.get("CI") != "true",
        reason="strace is not installed (.ci/run installs it)",
    ),
]
INET = re.compile(r"AF_INET6?\b")


def traced(
    args: list[str], cwd: Path, home: Path, code: str = "from trustscan.entry import run; run()"
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run trustscan (or ``code``) under strace; return the completed process and the
    successful network system calls that involve an Internet address family."""
    assert STRACE is not None, "strace is required in CI"
    log = cwd / "strace.log"
    env = {
        **os.environ,
        "HOME": str(home),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        env.pop(name, None)
    completed = subprocess.run(
        [
            STRACE,
            "-f",
            "--seccomp-bpf",  # stop only on the traced calls: near full speed
            "-z",  # successful calls only: a connect the namespace refused reached nothing
            "-e",
            "trace=socket,connect,sendto,sendmsg,sendmmsg",
            "-o",
            str(log),
            sys.executable,
            "-c",
            code,
            *args,
        ],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    calls = [line for line in log.read_text().splitlines() if INET.search(line)]
    log.unlink()
    return completed, calls


def home_files(home: Path) -> list[str]:
    return [str(p.relative_to(home)) for p in home.rglob("*")]


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture(scope="module")
def onnx_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("onnxruntime")
    from skl2onnx import to_onnx
    from sklearn.linear_model import LogisticRegression

    from tests.conftest import make_applicants

    frame = make_applicants()
    features = frame[["experience", "score"]].to_numpy(np.float32)
    model = LogisticRegression().fit(features, frame["hired"])
    onnx = to_onnx(model, features[:1], options={id(model): {"zipmap": False}})
    path = tmp_path_factory.mktemp("onnx") / "model.onnx"
    path.write_bytes(onnx.SerializeToString())
    return path


def test_the_counter_sees_a_socket_when_one_is_opened(tmp_path: Path, home: Path) -> None:
    code = (
        "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).connect(('127.0.0.1', 9))"
    )
    completed, calls = traced([], tmp_path, home, code=code)
    assert completed.returncode == 0, completed.stderr
    assert any("socket(AF_INET" in c for c in calls) and any("connect(" in c for c in calls)


def test_a_full_scan_opens_no_internet_socket_and_writes_nothing_in_home(
    tmp_path: Path, home: Path, pipeline_model: Path, applicants_csv: Path
) -> None:
    args = ["scan", "--model", str(pipeline_model), "--data", str(applicants_csv)]
    args += ["--target", "hired", "-s", "gender", "-s", "race", "--out", "out", "-q"]
    completed, calls = traced(args, tmp_path, home)
    assert completed.returncode in (0, 1), completed.stderr
    assert calls == []
    assert home_files(home) == []


def test_an_onnx_scan_opens_no_internet_socket_and_leaves_no_telemetry_files(
    tmp_path: Path, home: Path, onnx_model: Path, applicants_csv: Path
) -> None:
    args = ["scan", "--model", str(onnx_model), "--data", str(applicants_csv), "--target"]
    args += ["hired", "-s", "gender", "--features", "experience,score", "--json", "r.json", "-q"]
    completed, calls = traced(args, tmp_path, home)
    assert completed.returncode in (0, 1), completed.stderr
    assert (tmp_path / "r.json").exists()
    assert calls == []
    assert home_files(home) == []  # no ~/.cache/Microsoft/DeveloperTools/.onnxruntime


def test_demo_opens_no_internet_socket(tmp_path: Path, home: Path) -> None:
    completed, calls = traced(["demo", "--out", "demo", "-q"], tmp_path, home)
    assert completed.returncode == 0, completed.stderr
    assert calls == []
    assert home_files(home) == []


@pytest.mark.browser
def test_pdf_connects_and_sends_nothing(tmp_path: Path, home: Path, applicants_csv: Path) -> None:
    if find_chromium() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required in CI")
        pytest.skip("Chromium is not installed")
    args = ["scan", "--data", str(applicants_csv), "--predictions", "hired", "-s", "gender"]
    args += ["--pdf", "r.pdf", "--no-ledger", "-q"]
    completed, calls = traced(args, tmp_path, home)
    assert completed.returncode in (0, 1), completed.stderr
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    # Chromium may create a socket (its IPv6 probe); none may connect or send anywhere.
    reaching = [c for c in calls if re.search(r"\b(connect|sendto|sendmsg|sendmmsg)\(", c)]
    assert reaching == []
    assert home_files(home) == []
    if os.geteuid() == 0:
        assert network_isolation(), "unshare -n must work as root"
