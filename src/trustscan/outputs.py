"""Write output files atomically: everything is rendered first, then each file is renamed into
place, so a failed run never leaves a partial report behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path


def _default_file_mode() -> int:
    # mkstemp creates files readable by the owner only; reports should get the usual
    # permissions (0666 minus the umask), like any file the user writes.
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomically(files: Mapping[Path, str | bytes]) -> None:
    """Write every ``path -> text`` (or bytes, e.g. a PDF); on any error, no new file is left
    behind."""
    staged: list[tuple[Path, Path]] = []
    mode = _default_file_mode()
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            staged.append((Path(temp_name), path))
            os.chmod(temp_name, mode)
            if isinstance(text, bytes):
                with os.fdopen(handle, "wb") as binary:
                    binary.write(text)
                continue
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
        for temp_path, path in staged:
            os.replace(temp_path, path)
    finally:
        for temp_path, _ in staged:
            if temp_path.exists():
                temp_path.unlink()
