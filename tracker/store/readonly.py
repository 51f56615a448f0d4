"""Reading the history where nothing can be written: a full disk, a read-only folder or mount.

`Store.open` takes the writer lock (which creates or updates `backroll.lock`)
and replays the journal of an import cut short (which writes the month
files); both need to write. When they cannot, reading still must work:
`status`, `export` and the app's history read the files as they are, with
the journal's sessions applied in memory only. Nothing is written, nothing
is removed; any write on such a store fails with the reason it was opened
read-only.
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from datetime import date
from pathlib import Path

from tracker.store.core import Store
from tracker.store.devices import load_device
from tracker.store.errors import StoreWriteError
from tracker.store.journal import read_journal, read_journal_pains
from tracker.store.migrations import CURRENT_SCHEMA, detect_version, journal_path, shard_key
from tracker.store.storage import Unreadable
from tracker.store.validate import corrupt_error

__all__ = ["CANNOT_WRITE", "open_read_only"]

CANNOT_WRITE = frozenset({errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOSPC, errno.EDQUOT})
"""The reasons a store that cannot be opened for writing is opened for reading instead."""


def open_read_only(
    home: Path,
    cause: StoreWriteError,
    *,
    wait: float = 5.0,
    label: str | None = None,
    today: Callable[[], date] | None = None,
) -> Store:
    """The history as it is on disk (plus a pending import's journal, in memory); raises `cause` when
    the folder holds no current history that can be read without writing (a migration is due)."""
    store = Store(home, wait=wait, label=label, today=today)
    loc = store.locations
    store.device = load_device(loc, create=False)
    store._init_union(store.device)
    try:
        version = detect_version(loc)
    except Unreadable as exc:
        raise corrupt_error(loc, exc) from None
    except OSError:
        raise cause from None
    if version != CURRENT_SCHEMA:
        raise cause
    try:
        store._sync()
        _apply_journal(store)
    except OSError:
        raise cause from None
    store.read_only = cause
    return store


def _apply_journal(store: Store) -> None:
    path = journal_path(store.locations)
    try:
        sessions, usual = read_journal(path)
        pains = read_journal_pains(path)
    except FileNotFoundError:
        return
    except Unreadable as exc:
        raise corrupt_error(store.locations, exc) from None
    shards = store.shards
    for session in sessions:
        if session.id in shards:
            continue
        key = shards.own_key(shard_key(session.local_date))
        shard = shards.by_key.get(key)
        if shard is None:
            shard = shards.by_key[key] = shards._new(key)
        shard.docs[session.id] = (shard.next_doc_id(), session)
    shards.rebuild_index()
    have = store.replica.usual_pain()
    known = {r.id for r in have}
    store._replica._usual = sorted(
        [*have, *(r for r in usual if r.id not in known)], key=lambda r: (r.since, r.id)
    )
    from tracker.store.painrecords import order

    have_pains = store.replica.pain_records()
    known = {r.id for r in have_pains}
    store._replica._pains = sorted([*have_pains, *(r for r in pains if r.id not in known)], key=order)
