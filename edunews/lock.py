"""One run per archive: an exclusive, non-blocking lock on `<archive>.lock` held for the whole run."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager


class ArchiveLocked(Exception):
    """Another run holds the archive's lock."""


def lock_path(db: str | os.PathLike[str]) -> str:
    return os.fspath(db) + ".lock"


@contextmanager
def archive_lock(db: str | os.PathLike[str]) -> Iterator[str]:
    """Hold the archive's lock until the block ends; ArchiveLocked at once if another run holds it.

    flock is released by the kernel when the process dies, so a killed run never leaves a stale lock.
    """
    path = lock_path(db)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
            detail = f" (process {holder})" if holder else ""
            raise ArchiveLocked(
                f"another run is using {os.fspath(db)}{detail}; this one exits (lock file {path})"
            ) from None
        # The holder's pid, for the message a second run prints.
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        try:
            yield path
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
