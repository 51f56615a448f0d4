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

Backups are ordered by when they were really made, not by their names: each
holds a `.made` file with a sequence number (one more than any before it), so
a backup dated by a clock once set to 2099 does not pass for the newest, and
pruning keeps the seven made last. A backup dated after today (by the real
clock) always ranks below every other. Folders without the marker (older
versions) rank by name below the marked ones.
A backup that fails half way (a full disk) is removed at once, so it never
holds the last free space that the save itself needs.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from tracker.files import fsync_dir
from tracker.paths import PRIVATE_DIR, PRIVATE_FILE, ensure_private_dir
from tracker.store.storage import Unreadable, read_json

KEEP = 7
DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PARTIAL_PREFIX = ".partial-"
MADE = ".made"  # the backup's sequence number: the order in which backups were really made


def made_number(folder: Path) -> int:
    """The sequence number in folder/.made; 0 for a backup made before the marker (or a damaged one)."""
    try:
        with open(folder / MADE, "rb") as f:
            text = f.read(32)
        return max(0, int(text.decode("ascii").strip()))
    except (OSError, ValueError, UnicodeDecodeError):
        return 0


def backup_days(root: Path, today: str | None = None) -> list[Path]:
    """The complete backups, newest first: by the order they were made, any dated after `today` last.

    `today` defaults to the real clock's date.
    """
    try:
        names = [e.name for e in os.scandir(root) if e.is_dir(follow_symlinks=False) and DAY_RE.match(e.name)]
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return []
    now = today or date.today().isoformat()

    def rank(name: str) -> tuple[bool, int, str]:
        return (name <= now, made_number(root / name), name)

    return [root / n for n in sorted(names, key=rank, reverse=True)]


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _remove_tree(path: Path) -> None:
    import shutil  # here, not at the top: shutil imports bz2 and lzma, ~1.5 ms of every save that makes no backup

    shutil.rmtree(path, ignore_errors=True)


def _copy(src: Path, dst: Path) -> None:
    import shutil

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
    sources = [f for f in files if _regular(f)]
    if not sources:
        return None
    ensure_private_dir(root)
    remove_partials(root)
    now = max(day, date.today().isoformat())
    days = backup_days(root, now)
    previous = days[0] if days else None
    number = max((made_number(d) for d in days), default=0) + 1
    partial = root / f"{PARTIAL_PREFIX}{day}"
    try:
        _fill(partial, sources, previous, number)
        os.replace(partial, target)
    except BaseException:
        # A half-made backup must not keep the space (or the inodes) the save itself needs.
        _remove_tree(partial)
        raise
    fsync_dir(root)
    prune(root, keep, now)
    return target


def _fill(partial: Path, sources: list[Path], previous: Path | None, number: int) -> None:
    partial.mkdir(mode=PRIVATE_DIR)
    os.chmod(partial, PRIVATE_DIR)
    for src in sources:
        dst = partial / src.name
        try:
            live = os.lstat(src)
            if not stat.S_ISREG(live.st_mode):
                continue  # swapped for a link or a pipe since it was read: never followed into a backup
            if previous is not None and _same_version(live, previous / src.name):
                try:
                    os.link(previous / src.name, dst)
                    continue
                except OSError:
                    pass
            _copy(src, dst)
        except FileNotFoundError:
            continue
    fd = os.open(partial / MADE, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, PRIVATE_FILE)
    try:
        os.write(fd, f"{number}\n".encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    fsync_dir(partial)


def remove_partials(root: Path) -> None:
    """Drop backups a killed process left half made."""
    try:
        entries = list(os.scandir(root))
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        if entry.name.startswith(PARTIAL_PREFIX) and entry.is_dir(follow_symlinks=False):
            _remove_tree(Path(entry.path))


def prune(root: Path, keep: int = KEEP, today: str | None = None) -> list[Path]:
    """Remove all but the `keep` backups made last (one dated after today goes first)."""
    removed = []
    for old in backup_days(root, today)[keep:]:
        # Renamed first (atomic), then deleted: a kill half way leaves a .partial- folder that the next
        # open removes, never a dated folder with half its files that would pass for a complete backup.
        doomed = root / f"{PARTIAL_PREFIX}pruned-{old.name}"
        try:
            os.replace(old, doomed)
        except OSError:
            doomed = old
        _remove_tree(doomed)
        removed.append(old)
    return removed


def newest_good_copy(root: Path, name: str, is_good: Callable[[Path, object], object]) -> Path | None:
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
