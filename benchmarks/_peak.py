"""Run a module or script and write its own peak RSS (``VmHWM``, kB) to ``$TRUSTSCAN_BENCH_PEAK``.

``wait4``'s ``ru_maxrss`` is no use for a child of a large parent: Linux carries the forked
parent's RSS over ``exec`` as a floor. ``VmHWM`` belongs to the new address space only.

    python benchmarks/_peak.py -m trustscan scan ...
    python benchmarks/_peak.py some_script.py ARGS ...
    python benchmarks/_peak.py -c "CODE"
"""

from __future__ import annotations

import atexit
import os
import runpy
import sys


def _write_peak() -> None:
    target = os.environ.get("TRUSTSCAN_BENCH_PEAK")
    if not target:
        return
    with open("/proc/self/status", encoding="ascii") as status:
        peak = next((line.split()[1] for line in status if line.startswith("VmHWM:")), "0")
    with open(target, "w", encoding="ascii") as out:
        out.write(peak)


def main() -> None:
    atexit.register(_write_peak)
    if sys.argv[1] == "-c":
        code = sys.argv[2]
        sys.argv = ["-c", *sys.argv[3:]]
        exec(compile(code, "<string>", "exec"), {"__name__": "__main__"})
    elif sys.argv[1] == "-m":
        module = sys.argv[2]
        sys.argv = [module, *sys.argv[3:]]
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    else:
        sys.argv = sys.argv[1:]
        runpy.run_path(sys.argv[0], run_name="__main__")


if __name__ == "__main__":
    main()
