"""Regenerate docs/checks.md from the check registry (``--check``: fail if it is out of date).

python scripts/generate_check_docs.py          # write docs/checks.md
python scripts/generate_check_docs.py --check  # exit 1 when docs/checks.md is stale
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from trustscan.check_docs import render_doc

DOC = Path(__file__).resolve().parents[1] / "docs" / "checks.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the file is current")
    parser.add_argument(
        "--output", type=Path, default=DOC, help="where to write (default docs/checks.md)"
    )
    args = parser.parse_args(argv)
    text = render_doc()
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date: run python scripts/generate_check_docs.py")
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
