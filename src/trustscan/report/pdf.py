"""PDF output: print the HTML report with headless Chromium, when Chromium is installed.

Chromium reads and writes files, so this works in a private temporary folder and hands the
PDF back as bytes; the CLI decides where they go. The report loads nothing from the network,
and Chromium runs with its background networking off and a throw-away profile.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from trustscan.errors import InputError

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
HEADLESS_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-extensions",
)
"""Headless Chromium that makes no network request of its own (shared with the browser test)."""
FLAGS = (*HEADLESS_FLAGS, "--no-pdf-header-footer")
TIMEOUT_S = 120.0


def find_chromium() -> str | None:
    """Path of a Chromium (or Chrome) executable on PATH, or None."""
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def html_to_pdf(html: str, *, chromium: str | None = None, timeout: float = TIMEOUT_S) -> bytes:
    """The report ``html`` printed to PDF (A4, the report's print stylesheet)."""
    executable = chromium or find_chromium()
    if executable is None:
        raise InputError(
            "--pdf needs Chromium, which is not installed",
            "install it (Debian/Ubuntu: apt-get install chromium) or leave out --pdf",
        )
    with tempfile.TemporaryDirectory(prefix="trustscan-pdf-") as folder:
        work = Path(folder)
        source = work / "report.html"
        target = work / "report.pdf"
        source.write_text(html, encoding="utf-8")
        command = [
            executable,
            *FLAGS,
            f"--user-data-dir={work / 'profile'}",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        try:
            completed = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise InputError(
                f"Chromium did not finish printing the PDF within {timeout:.0f} s",
                "try again, or write the HTML report and print it from a browser",
            ) from exc
        if not target.is_file() or target.stat().st_size == 0:
            detail = " ".join(completed.stderr.split()[-30:])
            raise InputError(
                f"Chromium could not print the PDF (exit code {completed.returncode}): {detail}",
                "write the HTML report instead and print it from a browser",
            )
        return target.read_bytes()
