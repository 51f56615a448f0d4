"""An import is all or nothing: its redo journal is the commit point (Store.merge)."""

from __future__ import annotations

import errno
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tracker.model import Session
from tracker.paths import Locations
from tracker.store import Store, StoreCorrupt, StoreWriteError
from tracker.store.migrations import journal_path
from tracker.store.storage import write_all


def session_on(day: date, n: int) -> Session:
    start = datetime(day.year, day.month, day.day, 7, n % 60, tzinfo=timezone(timedelta(hours=1)))
    return Session(
        id=f"00000000-0000-4000-8000-{n:012d}",
        routine="pelvic-tilt-check",
        started_at=start,
        zone="Europe/Paris",
        local_date=day,
        duration=76.0,
        completed=True,
    )


def three_months() -> list[Session]:
    return [
        session_on(date(2025, month, day), month * 100 + day) for month in (1, 2, 3) for day in (3, 9, 20)
    ]


def test_a_write_failing_mid_import_is_finished_at_the_next_open(tmp_path: Path) -> None:
    home = tmp_path / "home"
    shard_writes = 0

    def full_after_one_month(fd: int, data: bytes) -> None:
        nonlocal shard_writes
        if b'"sessions"' in data and b"merge-journal" not in data:
            shard_writes += 1
            if shard_writes == 2:
                raise OSError(errno.ENOSPC, "No space left on device")
        write_all(fd, data)

    store = Store.open(home, write_bytes=full_after_one_month)
    batch = three_months()
    with pytest.raises(StoreWriteError) as caught:
        store.merge(batch)
    assert "merge-journal.json" in str(caught.value)
    assert journal_path(Locations(home)).exists()
    store.close()

    reopened = Store.open(home)  # room to write again: the journal is replayed
    assert sorted(s.id for s in reopened.sessions()) == sorted(s.id for s in batch)
    assert not journal_path(Locations(home)).exists()
    assert reopened.merge(batch).already_present == len(batch)


def test_a_journal_that_never_landed_leaves_the_history_unchanged(tmp_path: Path) -> None:
    home = tmp_path / "home"

    def journal_fails(fd: int, data: bytes) -> None:
        if b"merge-journal" in data:
            raise OSError(errno.ENOSPC, "No space left on device")
        write_all(fd, data)

    store = Store.open(home, write_bytes=journal_fails)
    kept = session_on(date(2024, 12, 24), 1)
    store.add(kept)
    with pytest.raises(StoreWriteError):
        store.merge(three_months())
    assert [s.id for s in store.sessions()] == [kept.id]
    store.close()
    assert [s.id for s in Store.open(home).sessions()] == [kept.id]


def test_the_next_write_in_the_same_process_replays_a_pending_journal(tmp_path: Path) -> None:
    home = tmp_path / "home"
    fail = True

    def flaky(fd: int, data: bytes) -> None:
        if fail and b'"sessions"' in data and b"merge-journal" not in data:
            raise OSError(errno.ENOSPC, "No space left on device")
        write_all(fd, data)

    store = Store.open(home, write_bytes=flaky)
    batch = three_months()
    with pytest.raises(StoreWriteError):
        store.merge(batch)
    fail = False
    store.add(session_on(date(2025, 4, 1), 9999))
    assert len(store.sessions()) == len(batch) + 1
    assert not journal_path(Locations(home)).exists()


def test_a_damaged_journal_is_reported_and_kept(tmp_path: Path) -> None:
    home = tmp_path / "home"
    Store.open(home).close()
    journal = journal_path(Locations(home))
    journal.write_bytes(b'{"format": "backroll.merge-journal", "sessions": [{"id": 1}]}')
    before = journal.read_bytes()
    with pytest.raises(StoreCorrupt) as caught:
        Store.open(home)
    assert str(journal) in str(caught.value)
    assert journal.read_bytes() == before
