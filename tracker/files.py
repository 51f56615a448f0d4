"""The one private atomic writer: every file Backroll writes goes through `write_atomic`.

A write goes to a temp file in the same folder (created 0600, exclusive),
every byte is written and fsynced, the temp file is `os.replace`d over the
target and the folder is fsynced: a reader, or a process killed at any
instant, sees the old file or the new one, never a mix. On failure the temp
file is removed and the old file is untouched. The store (history files)
and the exports both use it; what differs is only how a failure is told
(the store wraps the OSError in StoreWriteError).

No Textual here (see the import-linter contract in pyproject.toml).
"""

from __future__ import annotations

import errno as errno_codes
import os
import re
import secrets
from collections.abc import Callable
from pathlib import Path

from tracker.paths import PRIVATE_FILE

__all__ = ["TEMP_RE", "WriteBytes", "fsync_dir", "temp_name", "write_all", "write_atomic"]

WriteBytes = Callable[[int, bytes], None]
"""Writes all of `data` to the open file descriptor; the seam tests use to inject ENOSPC."""

TEMP_RE = re.compile(r"^\..+\.\d+\.[0-9a-f]{8}\.tmp$")
"""The temp files `write_atomic` makes: `.NAME.PID.HEX8.tmp` (a killed writer's are removed by the store)."""


def write_all(fd: int, data: bytes) -> None:
    """The default WriteBytes: os.write until every byte is written."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def temp_name(path: Path) -> Path:
    return path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    except OSError as exc:  # some file systems cannot fsync a folder; the replace itself is done
        if exc.errno not in (errno_codes.EINVAL, errno_codes.ENOTSUP, errno_codes.EBADF):
            raise
    finally:
        os.close(fd)


def write_atomic(
    path: Path, payload: bytes, write_bytes: WriteBytes = write_all, *, durable: bool = True
) -> os.stat_result:
    """Replace `path` by `payload` atomically, durably and privately (0600); the temp file's final stat.

    `durable=False` for a derived file (a cache made again when missing or damaged): the same atomic
    replace without the two fsyncs, whose cost a laptop's disk can make the largest part of a command.
    Raises the OSError of whatever failed, with the old file intact.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    tmp = temp_name(folder / path.name)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, PRIVATE_FILE)
        try:
            os.fchmod(fd, PRIVATE_FILE)  # the umask may only remove bits; make it exact
            write_bytes(fd, payload)
            if durable:
                os.fsync(fd)
            written = os.fstat(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if durable:
        fsync_dir(folder)
    return written
