"""Conflict copies a sync engine made anyway: found, merged, and moved aside into `<home>/sync-conflicts/`.

With each device writing only its own files (devices.py) a sync engine has
no conflict to make, but one can still appear: an older Backroll on one
machine, a user copying files by hand, a device id shared by a copied home.
The engines name them:

- Syncthing: `sessions-2026-12.sync-conflict-20261201-081500-ABCDEFG.json`
- Nextcloud: `sessions-2026-12 (conflicted copy 2026-12-01 081500).json`,
  and `sessions-2026-12_conflict-20261201-081500.json`
- Dropbox:   `sessions-2026-12 (Ana's conflicted copy 2026-12-01).json`

Each copy in the data folder is read and merged by what its original is:
sessions (by id: every session not known is added to this device's month
files, a session known already collapses into it, a session deleted by an
event stays deleted), events (kept in this device's events file, counted
once), usual-pain and pain records (by id), an import journal (its sessions, by id).
A copy of the status cache (summary.py) is derived data and simply removed;
anything else (meta.json) holds nothing to merge. Then the copy is moved into `<home>/sync-conflicts/`,
outside the synced folder, where `backroll status` and `backroll sync-check`
point at it; it is never deleted. A copy that cannot be read is moved aside
unmerged (nothing is lost: the file is kept whole); so is one that is a
link, a pipe or a device (moved as itself, never opened). A name in the
set-aside folder always fits NAME_MAX (`aside_name`). The merge is durable
before the move, so a kill in between only merges it again (a no-op).
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import Protocol

from tracker.files import fsync_dir
from tracker.paths import PRIVATE_FILE, Locations, ensure_private_dir
from tracker.store.aside import FOLDER, set_aside_folder
from tracker.store.events import parse_events
from tracker.store.journal import read_journal, read_journal_pains
from tracker.store.merging import MergeTarget, merge
from tracker.store.migrations import CACHE_NAME, SHARD_RE, journal_path
from tracker.store.painrecords import PREFIX as PAIN_PREFIX
from tracker.store.painrecords import parse_pain_records
from tracker.store.storage import Unreadable, read_json
from tracker.store.union import find_conflicts, original_name
from tracker.store.usual import parse_usual_pain
from tracker.store.validate import parse_shard

__all__ = [
    "FOLDER",
    "ConflictTarget",
    "find_conflicts",
    "merge_conflicts",
    "original_name",
    "set_aside_folder",
]

NAME_MAX = 255  # bytes in one file name (Linux, macOS, the BSDs)


class ConflictTarget(MergeTarget, Protocol):
    """The store as the conflict merge writes to it (Store meets it), with the copies it could not move aside."""

    set_aside_failed: dict[str, str]


def merge_conflicts(store: ConflictTarget) -> list[Path]:
    """Merge every conflict copy in the data folder and move it aside; returns where each went.

    A copy that cannot be moved (a folder that refuses it) stays, with a note in `store.set_aside_failed`:
    one bad copy never stops the store. The caller holds the write transaction (Store._writing).
    """
    moved: list[Path] = []
    for copy in find_conflicts(store.locations.data):
        try:
            where = _merge_one(store, copy)
        except OSError as exc:
            store.set_aside_failed[copy.name] = (
                f"could not be set aside ({exc.strerror or exc}); tried again next time"
            )
            continue
        store.set_aside_failed.pop(copy.name, None)
        if where is not None:
            moved.append(where)
    return moved


def _merge_one(store: ConflictTarget, copy: Path) -> Path | None:
    original = original_name(copy.name) or ""
    if original == CACHE_NAME:  # derived from the month files ("safe to delete"): nothing to keep
        copy.unlink(missing_ok=True)
        return None
    try:
        if original == journal_path(store.locations).name:  # an import another machine had pending
            sessions, usual = read_journal(copy)
            merge(store, sessions, usual, revive=False, pain_records=read_journal_pains(copy))
            return _move_aside(store.locations, copy)
        data, _ = read_json(
            copy
        )  # the safe reader: a link, a pipe, a deep or huge file is Unreadable, never read
        if SHARD_RE.match(original):
            sessions = [s for _, s in parse_shard(copy, data).values()]
            merge(store, sessions, (), revive=False)
        elif original.startswith("events"):
            store.replica.carry(parse_events(copy, data))
            store.shards.set_overlay(store.replica.overlay())
        elif original.startswith("usual-pain"):
            store.replica.add_usual(parse_usual_pain(copy, data))
        elif original.startswith(PAIN_PREFIX):
            store.replica.add_pains(parse_pain_records(copy, data))
    except FileNotFoundError:
        return None
    except Unreadable:
        pass  # kept whole in the set-aside folder: nothing is lost, nothing half-read is merged
    return _move_aside(store.locations, copy)


def aside_name(name: str, n: int) -> str:
    """The `n`th name for a copy called `name` in the set-aside folder (n = 0: its own name), always within
    NAME_MAX bytes: a long name is shortened (whole characters, the extension kept) and given a suffix
    made from the full name, so two copies never take one name and a 255-byte name still fits."""
    suffix = "" if n == 0 else f".{n}"
    if len(os.fsencode(name + suffix)) <= NAME_MAX:
        return name + suffix
    digest = hashlib.sha256(os.fsencode(name)).hexdigest()[:12]
    stem, dot, ext = name.rpartition(".")
    if not dot or len(os.fsencode("." + ext)) > 16:
        stem, ext = name, ""
    tail = f"~{digest}{suffix}" + (f".{ext}" if ext else "")
    room = NAME_MAX - len(os.fsencode(tail))
    short = stem
    while len(os.fsencode(short)) > room:
        short = short[: max(0, min(len(short) - 1, room))]
    return short + tail


def _move_aside(loc: Locations, copy: Path) -> Path:
    folder = ensure_private_dir(set_aside_folder(loc))
    n = 0
    target = folder / aside_name(copy.name, n)
    while os.path.lexists(target):
        n += 1
        target = folder / aside_name(copy.name, n)
    os.replace(copy, target)  # a link or a pipe is moved as itself: never followed, never opened
    try:
        if stat.S_ISREG(os.lstat(target).st_mode):
            os.chmod(target, PRIVATE_FILE)  # health data: private wherever it lands
    except OSError:
        pass
    fsync_dir(folder)
    fsync_dir(copy.parent)
    return target
