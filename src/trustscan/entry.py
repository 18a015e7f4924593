"""The ``trustscan`` console script: catch SIGINT/SIGTERM before the heavy imports, so an
interrupt in any phase (even while numpy and scikit-learn load) exits 130 without a traceback.
(Only the interpreter's own start-up, before this module runs, is out of reach.)"""

from __future__ import annotations

import os
import signal


def _exit_130(signum: int, frame: object) -> None:
    # Until the real handlers are in place nothing needs cleaning up: leave at once.
    os._exit(130)


def run() -> None:
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _exit_130)
    from trustscan.interrupts import (
        EXIT_INTERRUPTED,
        catch_interrupts,
        exit_process,
        interrupted,
    )

    code: int | str | None = 0
    with catch_interrupts():
        try:
            from trustscan.cli import main

            main.main(prog_name="trustscan")
        except SystemExit as exc:
            code = exc.code
        except KeyboardInterrupt:
            code = EXIT_INTERRUPTED
        if interrupted():
            code = EXIT_INTERRUPTED
    exit_process(code)


if __name__ == "__main__":  # pragma: no cover
    run()
