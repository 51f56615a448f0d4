"""Rotating daily backups: backups/YYYY-MM-DD/, the newest 7 kept.

Every write is an atomic replace (a new inode), so a file's content only
changes when its name points at a new file. A backup therefore copies only
the files that changed since the previous backup and hard-links the others
to the previous backup's copy (rsync --link-dest style): a day costs one or
two small copies, not a copy of the whole history. Backups never share an
inode with a live file, so a live file damaged in place (by an editor, a
stock TinyDB writer, a bad disk) cannot damage its backups; linking the live
files themselves would. Where links fail (FAT, another file system) it copies.
A backup is taken before the first write of a day, under the writer lock,
so it holds the history as it was before that day's changes.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Callable, Iterable

from tracker.paths import PRIVATE_DIR, PRIVATE_FILE, ensure_private_dir
from tracker.files import fsync_dir
from tracker.store.storage import Unreadable, read_json

KEEP = 7
DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PARTIAL_PREFIX = ".partial-"


def backup_days(root: Path) -> list[Path]:
    """The complete backups, newest first."""
    try:
        names = [e.name for e in os.scandir(root) if e.is_dir(follow_symlinks=False) and DAY_RE.match(e.name)]
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [root / n for n in sorted(names, reverse=True)]


def _copy(src: Path, dst: Path) -> None:
    shutil.copy2(src, dst)  # keeps mtime_ns: the next backup compares it to decide to link
    os.chmod(dst, PRIVATE_FILE)
    fd = os.open(dst, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _same_version(live: os.stat_result, previous: Path) -> bool:
    try:
        st = os.stat(previous)
    except OSError:
        return False
    return st.st_size == live.st_size and st.st_mtime_ns == live.st_mtime_ns


def take_daily(root: Path, day: str, files: Iterable[Path], keep: int = KEEP) -> Path | None:
    """Back up `files` into root/day unless that backup exists; prune to the newest `keep`.

    Returns the new backup folder, or None when there was nothing to do.
    Call only while holding the writer lock.
    """
    target = root / day
    if target.exists():
        return None
    sources = [f for f in files if f.is_file()]
    if not sources:
        return None
    ensure_private_dir(root)
    remove_partials(root)
    previous = next((d for d in backup_days(root) if d.name < day), None)
    partial = root / f"{PARTIAL_PREFIX}{day}"
    partial.mkdir(mode=PRIVATE_DIR)
    os.chmod(partial, PRIVATE_DIR)
    for src in sources:
        dst = partial / src.name
        try:
            live = os.stat(src)
            if previous is not None and _same_version(live, previous / src.name):
                try:
                    os.link(previous / src.name, dst)
                    continue
                except OSError:
                    pass
            _copy(src, dst)
        except FileNotFoundError:
            continue
    fsync_dir(partial)
    os.replace(partial, target)
    fsync_dir(root)
    prune(root, keep)
    return target


def remove_partials(root: Path) -> None:
    """Drop backups a killed process left half made."""
    try:
        entries = list(os.scandir(root))
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        if entry.name.startswith(PARTIAL_PREFIX) and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)


def prune(root: Path, keep: int = KEEP) -> list[Path]:
    removed = []
    for old in backup_days(root)[keep:]:
        # Renamed first (atomic), then deleted: a kill half way leaves a .partial- folder that the next
        # open removes, never a dated folder with half its files that would pass for a complete backup.
        doomed = root / f"{PARTIAL_PREFIX}pruned-{old.name}"
        try:
            os.replace(old, doomed)
        except OSError:
            doomed = old
        shutil.rmtree(doomed, ignore_errors=True)
        removed.append(old)
    return removed


def newest_good_copy(root: Path, name: str, is_good: Callable[[Path, object], None]) -> Path | None:
    """The newest backup of the file called `name` that reads and validates.

    `is_good(path, parsed)` raises Unreadable (or ValueError...) when the copy is no good.
    """
    for day in backup_days(root):
        candidate = day / name
        try:
            data, _ = read_json(candidate)
            is_good(candidate, data)
        except FileNotFoundError:
            continue
        except (Unreadable, ValueError, TypeError, KeyError, OSError):
            continue
        return candidate
    return None
