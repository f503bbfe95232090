"""Run directories and atomic file writes.

Every file of a run is written to a temporary file in the destination directory, flushed and
fsync'ed, then moved over the destination with :func:`os.replace`: a reader sees either the old file
or the complete new one, and an exception in the middle of writing leaves no partial file behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable

#: Where runs go when the caller names no directory.
DEFAULT_PARENT = Path("zopa-runs")
#: Prefix of default run-directory names: ``zopa-run-YYYYMMDD-HHMMSS``.
RUN_PREFIX = "zopa-run-"
#: Written into every new run directory: a directory holding it (or a ``manifest.json``) is a run
#: directory, which ``--force`` may replace even when the run that made it was interrupted.
MARKER = ".zopa-run"
#: Permissions of written files (``mkstemp`` creates them private).
FILE_MODE = 0o644


def default_run_name(now: dt.datetime | None = None) -> str:
    """``zopa-run-YYYYMMDD-HHMMSS`` for ``now`` (default: the local time).

    >>> default_run_name(dt.datetime(2025, 11, 28, 18, 30, 0))
    'zopa-run-20251128-183000'
    """
    return RUN_PREFIX + (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")


def new_run_dir(parent: Path = DEFAULT_PARENT, name: str | None = None, force: bool = False) -> Path:
    """Create and return an empty run directory ``parent / name``.

    Without ``name`` the directory is named by the current time (``zopa-run-20251128-183000``, with a
    ``-2``, ``-3``… suffix if several runs start within the same second). An existing directory is
    refused with :class:`FileExistsError` unless ``force``; with ``force`` it is replaced, provided it
    is empty or is itself a run directory (holds the ``.zopa-run`` marker or a ``manifest.json``) —
    ``--force`` never deletes an unrelated directory. ``name`` may be an absolute path, which ignores
    ``parent``.
    """
    parent = Path(parent)
    if name is None:
        base = default_run_name()
        target = parent / base
        suffix = 2
        while target.exists():
            target = parent / f"{base}-{suffix}"
            suffix += 1
    else:
        target = parent / name
    if target.exists() or target.is_symlink():
        if not force:
            raise FileExistsError(f"{target} exists; pass --force to overwrite or choose -o DIR")
        _remove_run_dir(target)
    target.mkdir(parents=True)
    (target / MARKER).write_text("a zopa run directory\n", encoding="utf-8")
    return target


def _remove_run_dir(target: Path) -> None:
    if target.is_symlink() or not target.is_dir():
        raise FileExistsError(f"{target} exists and is not a directory; choose another -o DIR")
    if any(target.iterdir()) and not ((target / MARKER).is_file() or (target / "manifest.json").is_file()):
        raise FileExistsError(f"{target} exists and is not a zopa run directory; "
                              "refusing to delete it even with --force; choose another -o DIR")
    shutil.rmtree(target)


def atomic_write(path: Path, writer: Callable[[BinaryIO], object]) -> Path:
    """Write ``path`` atomically: ``writer`` fills a temporary file in the same directory, which is
    fsync'ed and renamed over ``path``. If ``writer`` raises, the temporary file is removed and
    ``path`` is left as it was (absent, or its previous content)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), FILE_MODE)  # mkstemp's 0600 would hide reports from others
            writer(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)
    return path


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_write`)."""
    return atomic_write(path, lambda handle: handle.write(data))


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_write`)."""
    return atomic_write_bytes(path, text.encode(encoding))


def _fsync_dir(directory: Path) -> None:
    """Persist the rename itself (a no-op where directories cannot be opened, e.g. Windows)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()
