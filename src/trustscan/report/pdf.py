"""PDF output: print the HTML report with headless Chromium, when Chromium is installed.

Chromium reads and writes files, so this works in a private temporary folder (also its HOME
and caches, so nothing lands in the user's home) and hands the PDF back as bytes; the CLI
decides where they go.

No network, enforced in two layers. Where the kernel allows (root, or unprivileged user
namespaces), Chromium runs in a fresh network namespace (``unshare -n``): it has no interface
but a down loopback, so no packet can leave whatever it tries. Everywhere, its flags switch off
background networking, component updates, field trials, sync, metrics, crash upload and DNS
prefetch, send any request to a proxy on a dead local port and make every host name
unresolvable. (One thing no flag turns off: Chromium's IPv6 reachability probe ``connect``s a
UDP socket, which sends nothing; in the namespace even that fails.)
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
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
    # Nothing may leave even if a feature below is missed: requests go to a proxy on a dead
    # port (9, discard) and no host name resolves.
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--dns-prefetch-disable",
    "--no-pings",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-field-trial-config",
    "--disable-breakpad",
    "--metrics-recording-only",
    "--no-default-browser-check",
    "--disable-default-apps",
    "--disable-features=OptimizationHints,MediaRouter,DialMediaRouteProvider,Translate,"
    "AutofillServerCommunication,CertificateTransparencyComponentUpdater,"
    "NetworkTimeServiceQuerying,InterestFeedContentSuggestions,AsyncDns",
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


@functools.lru_cache(maxsize=1)
def network_isolation() -> tuple[str, ...]:
    """The command prefix that runs a program without network access: ``unshare -n`` (root)
    or ``unshare -rn`` (an unprivileged user namespace), whichever works here; empty when
    neither does (then only the flags keep Chromium off the network)."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    for prefix in ((unshare, "-n"), (unshare, "-rn")):
        try:
            probe = subprocess.run([*prefix, "true"], capture_output=True, timeout=10, check=False)
        except (OSError, subprocess.SubprocessError):
            continue
        if probe.returncode == 0:
            return prefix
    return ()


def private_environment(folder: Path) -> dict[str, str]:
    """Chromium's environment with HOME and the XDG folders inside ``folder``: its font
    cache, crash database and settings go there and are deleted with it."""
    env = dict(os.environ)
    for name in ("HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        env[name] = str(folder / "home")
    return env


def chromium_command(executable: str, flags: Sequence[str]) -> list[str]:
    return [*network_isolation(), executable, *flags]


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
        (work / "home").mkdir()
        command = chromium_command(
            executable,
            [
                *FLAGS,
                f"--user-data-dir={work / 'profile'}",
                f"--print-to-pdf={target}",
                source.as_uri(),
            ],
        )
        try:
            completed = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
                stdin=subprocess.DEVNULL,
                env=private_environment(work),
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
