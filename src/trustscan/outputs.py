"""Write output files all-or-nothing.

Every output is first written in full to a temp file beside its target (same folder, so the
final rename cannot cross file systems), fsynced, and only then are all temp files renamed
into place in one final step, with SIGINT/SIGTERM held back until the last rename is done.
Whatever goes wrong before that step (a render error, a full disk, a ledger failure, an
interrupt), the temp files are removed and no report is touched. Temp files of a run that was
killed (SIGKILL cannot be caught) carry its process id and are swept by the next run.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from trustscan.errors import InputError
from trustscan.interrupts import deferred_interrupts

TEMP_MARK = ".trustscan-tmp-"
"""Part of every temp file name: ``.<name>.trustscan-tmp-<pid>-<random>``."""
_TEMP_PID = re.compile(re.escape(TEMP_MARK) + r"(\d+)-")


class OutputError(InputError):
    """An output cannot be written where the user asked (exit code 2)."""


def _default_file_mode() -> int:
    # mkstemp creates files readable by the owner only; reports should get the usual
    # permissions (0666 minus the umask), like any file the user writes.
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _same_file(a: Path, b: Path) -> bool:
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_output_paths(
    outputs: Mapping[str, Path], inputs: Mapping[str, Path | None] | None = None
) -> None:
    """Refuse, before any work, outputs that would overwrite an input or each other, or that
    cannot be written (a folder in the way, a file where a folder should be, no permission).

    ``outputs`` and ``inputs`` map the option that named a path (e.g. ``--json``) to it.
    """
    seen: dict[str, str] = {}
    for option, path in outputs.items():
        for input_option, input_path in (inputs or {}).items():
            if input_path is not None and _same_file(path, input_path):
                raise OutputError(
                    f"{option} {_short(path)} is the {input_option} input file; writing it "
                    "would destroy the input",
                    f"choose another path for {option}",
                )
        key = os.path.realpath(path)
        if key in seen:
            raise OutputError(
                f"{option} and {seen[key]} name the same file {_short(path)}",
                "give each output its own path",
            )
        seen[key] = option
        _check_writable(option, path)


def _check_writable(option: str, path: Path) -> None:
    if path.is_dir():
        raise OutputError(f"{option} {_short(path)} is a folder", "pass a file path")
    ancestor = path.parent
    while not ancestor.exists():
        if ancestor.parent == ancestor:
            break
        ancestor = ancestor.parent
    if ancestor.exists() and not ancestor.is_dir():
        raise OutputError(
            f"cannot write {option} {_short(path)}: {_short(ancestor)} is a file, not a folder",
            f"choose another path for {option}",
        )
    if ancestor.is_dir() and not os.access(ancestor, os.W_OK | os.X_OK):
        raise OutputError(
            f"cannot write {option} {_short(path)}: the folder {_short(ancestor)} is not writable",
            "choose a folder you can write to",
        )


def _short(path: Path, limit: int = 160) -> str:
    text = str(path)
    return text if len(text) <= limit else "…" + text[-(limit - 1) :]


def sweep_stale_temp_files(folder: Path) -> list[Path]:
    """Remove temp files left by trustscan runs that no longer exist (killed with SIGKILL)."""
    removed: list[Path] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        match = _TEMP_PID.search(name)
        if match is None or not name.startswith("."):
            continue
        if _process_alive(int(match.group(1))):
            continue
        with contextlib.suppress(OSError):
            (folder / name).unlink()
            removed.append(folder / name)
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    except (OSError, OverflowError):
        return False
    return True


def _stage(path: Path, content: str | bytes, mode: int) -> Path:
    """Write ``content`` to a fsynced temp file beside ``path``; return the temp path."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{path.name}{TEMP_MARK}{os.getpid()}-", dir=path.parent
        )
    except OSError as exc:
        raise _os_error(path, exc) from exc
    temp = Path(temp_name)
    try:
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, mode)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(exc, OSError):
            raise _os_error(path, exc) from exc
        raise
    return temp


def _os_error(path: Path, exc: OSError) -> OutputError:
    reason = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is exceeded",
        errno.EACCES: "permission denied",
        errno.EROFS: "the file system is read-only",
        errno.ENOTDIR: "a part of the path is a file, not a folder",
        errno.EEXIST: "a part of the path is a file, not a folder",
        errno.EISDIR: "it is a folder",
        errno.EFBIG: "the file is too large for this file system or limit",
    }.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    return OutputError(f"cannot write {_short(path)}: {reason}", "no report was changed")


def write_atomically(
    files: Mapping[Path, str | bytes], *, before_commit: Callable[[], object] | None = None
) -> None:
    """Write every ``path -> text`` (or bytes, e.g. a PDF) all-or-nothing.

    ``before_commit`` runs after every file is staged and before any is renamed into place
    (the scan appends its ledger entry there): if it raises, no output is changed.
    """
    mode = _default_file_mode()
    staged: list[tuple[Path, Path]] = []
    for folder in {path.parent for path in files}:
        sweep_stale_temp_files(folder)
    try:
        for path, content in files.items():
            if path.is_dir():
                raise OutputError(f"cannot write {_short(path)}: it is a folder")
            staged.append((_stage(path, content, mode), path))
        if before_commit is not None:
            before_commit()
        with deferred_interrupts():
            for temp, path in staged:
                os.replace(temp, path)
            _fsync_folders(path.parent for _, path in staged)
    finally:
        for temp, _ in staged:
            with contextlib.suppress(OSError):
                temp.unlink()


def _fsync_folders(folders: Iterable[Path]) -> None:
    """Make the renames durable (a crash right after exit keeps the new reports)."""
    for folder in set(folders):
        with contextlib.suppress(OSError):
            fd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
