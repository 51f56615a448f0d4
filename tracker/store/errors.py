"""The store's errors: each message is one plain sentence a user can act on."""

from __future__ import annotations

import errno
from pathlib import Path


class StoreError(Exception):
    """Base of every store error; str(e) is one plain sentence."""


class StoreLocked(StoreError):
    """Another process held the writer lock for longer than we were willing to wait."""

    def __init__(self, message: str, *, pid: int | None, path: Path, holder: str = "") -> None:
        super().__init__(message)
        self.pid = pid
        self.path = path
        self.holder = holder  # the short description the holder wrote, e.g. "backroll log"


class StoreCorrupt(StoreError):
    """A file of the history cannot be read; it is left untouched and the store refuses writes."""

    def __init__(self, message: str, *, path: Path, backup: Path | None = None, reason: str = "") -> None:
        super().__init__(message)
        self.path = path
        self.backup = backup  # the newest good copy of that file in backups/, if any
        self.reason = reason


class StoreWriteError(StoreError):
    """A write failed (disk full, read-only, permission denied); the old files are intact."""

    def __init__(self, message: str, *, path: Path | None = None, errno: int | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.errno = errno


def open_error(exc: OSError, home: Path) -> StoreWriteError:
    path = Path(exc.filename) if exc.filename else home
    if exc.errno in (errno.EACCES, errno.EPERM):
        return StoreWriteError(
            f"Could not open the history in {path}: permission was denied; nothing was changed, "
            f"check the owner and permissions of {path}.",
            path=path,
            errno=exc.errno,
        )
    # only a refusal blames owner and permissions; anything else (a name too long, an I/O error) says what it is
    return StoreWriteError(
        f"Could not open the history: {path}: {exc.strerror or exc}; nothing was changed.",
        path=path,
        errno=exc.errno,
    )


# --- the store ---------------------------------------------------------------------------
