"""Atomic, private JSON files and the TinyDB storage built on them.

Every write goes through `tracker.files.write_atomic` (temp file, fsync,
`os.replace`, folder fsync; 0600): a reader, or a process killed at any
instant, sees the old file or the new one, never a mix. A file is read once and kept parsed in memory: TinyDB
asks the storage for the whole database on every operation, and answering
from memory is what keeps a save fast as the history grows.
"""

from __future__ import annotations

import errno as errno_codes
import json
import os
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from tracker.files import TEMP_RE, WriteBytes, write_all, write_atomic
from tracker.untrusted import STORE_FILE_BYTES, Rejected, parse_strict, read_regular

__all__ = [
    "TEMP_RE",
    "AtomicJSONStorage",
    "Token",
    "Unreadable",
    "WriteBytes",
    "atomic_write",
    "describe_os_error",
    "dumps",
    "file_token",
    "read_json",
    "remove_temp_files",
    "token_of",
    "write_all",
]
from tracker.store.errors import StoreWriteError

Token = tuple[int, int, int, int]
"""What identifies one version of a file: inode, size, mtime_ns, ctime_ns."""


def token_of(st: os.stat_result) -> Token:
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def file_token(path: Path) -> Token | None:
    try:
        return token_of(os.stat(path))
    except FileNotFoundError:
        return None


class Unreadable(ValueError):
    """Internal: why a file cannot be used; turned into StoreCorrupt by the store.

    `suspicious`: a defence of tracker.untrusted refused it (a link, a pipe, too deep, too big, no
    permission...) rather than it being damaged or cut short, as a file still arriving is.
    """

    def __init__(self, path: Path, reason: str, *, suspicious: bool = False) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.suspicious = suspicious


def read_json(path: Path, *, follow: bool = False) -> tuple[object, Token]:
    """Parse `path`, returning its content and the token of exactly the bytes read.

    Every history file is read here, through the one reader of files nobody vouches for
    (tracker.untrusted): a regular file only, never a link followed (unless `follow`: the machine's
    own settings.json and device.json, outside the synced folder) nor a pipe waited on, bounded in
    size, depth and numbers. Raises FileNotFoundError when it is missing and Unreadable when it is
    empty, not UTF-8, not JSON, or refused by those defences. An empty file is never "no data".
    """
    try:
        raw, st = read_regular(path, STORE_FILE_BYTES, follow=follow)
        return parse_strict(raw), token_of(st)
    except Rejected as exc:
        raise Unreadable(path, exc.reason, suspicious=exc.suspicious) from None


def dumps(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def describe_os_error(exc: OSError, path: Path) -> str:
    """One plain sentence for a failed save of `path`."""
    code = exc.errno
    if code in (errno_codes.ENOSPC, errno_codes.EDQUOT):
        why = "the disk is full"
        fix = "free some space and try again"
    elif code == errno_codes.EROFS:
        why = "the folder is on a read-only file system"
        fix = "make it writable or choose another home with --home"
    elif code in (errno_codes.EACCES, errno_codes.EPERM):
        why = "permission was denied"
        fix = "check the owner and permissions of the folder"
    else:
        why = exc.strerror or str(exc)
        fix = "try again"
    return f"Could not save {path}: {why}; the previous version of the file is intact, {fix}."


def atomic_write(
    path: Path, payload: bytes, write_bytes: WriteBytes = write_all, *, durable: bool = True
) -> Token:
    """Replace `path` by `payload` through `tracker.files.write_atomic`; returns the new file's token.

    On failure the old file is untouched, the temp file is removed and
    StoreWriteError is raised.
    """
    try:
        written = write_atomic(path, payload, write_bytes, durable=durable)
    except OSError as exc:
        raise StoreWriteError(describe_os_error(exc, path), path=path, errno=exc.errno) from exc
    # rename keeps the inode but changes ctime; stat again for the exact token
    return file_token(path) or token_of(written)


def remove_temp_files(folder: Path) -> list[Path]:
    """Delete temp files left by a killed writer. Call only while holding the writer lock."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return removed
    for entry in entries:
        if TEMP_RE.match(entry.name) and entry.is_file(follow_symlinks=False):
            try:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
            except FileNotFoundError:
                pass
    return removed


class AtomicJSONStorage(Storage):
    """A TinyDB storage that never leaves a half-written file.

    `TinyDB(path, storage=AtomicJSONStorage)` works on its own; the Store
    passes `data` (already parsed and validated) so the file is read once.
    The parsed content stays in memory; TinyDB's reads are answered from it.
    When a write fails the in-memory copy is dropped, so the next read sees
    what is on disk (TinyDB mutates the dict it was given before writing).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        data: dict[str, Any] | None = None,
        token: Token | None = None,
        write_bytes: WriteBytes | None = None,
    ) -> None:
        super().__init__()
        self.path = Path(path)
        self._data = data
        self.token = token
        self._write_bytes = write_bytes or write_all

    def read(self) -> dict[str, Any] | None:
        if self._data is None:
            try:
                data, self.token = read_json(self.path)
            except FileNotFoundError:
                return None
            if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
                raise Unreadable(self.path, "it is not a TinyDB database (an object of tables)")
            self._data = data
        return self._data

    def write(self, data: dict[str, Any]) -> None:
        try:
            self.token = atomic_write(self.path, dumps(data), self._write_bytes)
        except BaseException:
            self._data = None
            self.token = None
            raise
        self._data = data
