"""tracker.store on real files in tmp_path: layout, atomic writes, corruption, failures, migrations, backups.

Real processes (kills, lock contention) are in tests/reliability/test_store_kills.py.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import stat
import subprocess
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from tinydb import TinyDB

from tracker.model import CheckIn, Felt, Prescription, Session, Settings, Side, Stability, StepResult
from tracker.store import (
    CURRENT_SCHEMA,
    AtomicJSONStorage,
    MergeReport,
    Store,
    StoreCorrupt,
    StoreError,
    StoreLocked,
    StoreWriteError,
)
from tracker.store.storage import write_all

PARIS = timezone(timedelta(hours=2))


def make_session(
    n: int = 0, *, day: date | None = None, note: str = "", session_id: str | None = None
) -> Session:
    day = day or date(2024, 5, 1) + timedelta(days=n)
    return Session(
        id=session_id or str(uuid.uuid4()),
        routine="bridge",
        started_at=datetime(day.year, day.month, day.day, 7, 30, tzinfo=PARIS) + timedelta(minutes=n % 60),
        zone="Europe/Paris",
        local_date=day,
        duration=612.5,
        completed=True,
        checkin=CheckIn(pain_before=3, pain_after=1, stable=Stability.YES, felt=Felt.RIGHT, note=note),
        prescription=Prescription(3, 4),
        steps=(
            StepResult(
                index=0, pose="back-roll", side=Side.NONE, reps_planned=3, reps_done=3, completed=True
            ),
        ),
        origin="app",
    )


class Clock:
    """An injectable 'today' for the daily backups."""

    def __init__(self, day: date = date(2024, 6, 1)) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def device_id(home: Path) -> str:
    """This machine's device id (made by the first Store.open); its month files carry it (issue 18)."""
    return json.loads((home / "device.json").read_text())["id"]


def shard(home: Path, key: str) -> Path:
    return home / "data" / f"sessions-{key}.{device_id(home)}.json"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file's bytes, except the lock file (whose write generation changes on every attempt)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "backroll.lock"
    }


def temp_files(home: Path) -> list[Path]:
    return [p for p in home.rglob("*.tmp")]


# --- basics -------------------------------------------------------------------------------


def test_add_get_and_sessions_sorted_across_offsets_and_months(home: Path) -> None:
    store = Store.open(home)
    a = make_session(0, day=date(2024, 5, 31))
    b = dataclasses.replace(
        make_session(1, day=date(2024, 6, 1)), started_at=datetime(2024, 6, 1, 1, 0, tzinfo=UTC)
    )
    c = dataclasses.replace(
        make_session(2, day=date(2024, 6, 1)), started_at=datetime(2024, 6, 1, 2, 30, tzinfo=PARIS)
    )
    for s in (b, a, c):
        store.add(s)
    assert [s.id for s in store.sessions()] == [a.id, c.id, b.id]  # 00:30 UTC before 01:00 UTC
    assert store.get(c.id) == c and store.get("nope") is None
    assert len(store) == 3 and a.id in store
    store.close()
    reopened = Store.open(home)
    assert reopened.sessions() == [a, c, b]


def test_layout_meta_shards_and_stock_tinydb_can_read_a_shard(home: Path) -> None:
    store = Store.open(home)
    s = make_session(0, day=date(2024, 5, 3))
    store.add(s)
    assert json.loads((home / "data" / "meta.json").read_text()) == {
        "format": "backroll.store",
        "schema": CURRENT_SCHEMA,
    }
    assert sorted(p.name for p in (home / "data").iterdir()) == [
        ".stignore",
        "meta.json",
        shard(home, "2024-05").name,
    ]
    with TinyDB(shard(home, "2024-05")) as db:  # a plain TinyDB file: readable by anyone with TinyDB
        assert [Session.from_dict(d) for d in db.table("sessions").all()] == [s]


def test_adding_the_same_session_again_is_a_no_op_but_a_different_one_is_refused(home: Path) -> None:
    store = Store.open(home)
    s = make_session()
    store.add(s)
    before = shard(home, "2024-05").stat().st_ino
    store.add(s)
    assert shard(home, "2024-05").stat().st_ino == before  # nothing written
    with pytest.raises(ValueError):
        store.add(dataclasses.replace(s, duration=1.0))
    assert store.sessions() == [s]


def test_update_in_place_and_across_months_and_delete(home: Path) -> None:
    store = Store.open(home)
    s = make_session(0, day=date(2024, 5, 30))
    other = make_session(1, day=date(2024, 5, 2))
    store.add(s)
    store.add(other)
    noted = dataclasses.replace(s, checkin=dataclasses.replace(s.checkin, note="felt lighter"))
    store.update(noted)
    assert store.get(s.id) == noted
    moved = dataclasses.replace(noted, local_date=date(2024, 6, 1))
    store.update(moved)
    assert store.get(s.id) == moved
    assert Store.open(home).sessions() == [other, moved]
    with TinyDB(shard(home, "2024-05")) as db:
        assert [d["id"] for d in db.table("sessions").all()] == [other.id]
    assert store.delete(s.id) == moved
    assert store.sessions() == [other]
    with pytest.raises(KeyError):
        store.delete(s.id)
    with pytest.raises(KeyError):
        store.update(moved)
    assert Store.open(home).sessions() == [other]


def test_a_duplicate_left_by_a_move_cut_short_resolves_to_the_month_of_its_local_date(home: Path) -> None:
    store = Store.open(home)
    s = make_session(0, day=date(2024, 5, 30))
    store.add(s)
    moved = dataclasses.replace(s, local_date=date(2024, 6, 1))
    # what a crash between the two writes of a move leaves: the session in both months
    shard(home, "2024-06").write_text(json.dumps({"sessions": {"1": moved.to_dict()}}))
    reopened = Store.open(home)
    assert reopened.sessions() == [moved]
    noted = dataclasses.replace(moved, checkin=CheckIn(note="later"))
    reopened.update(noted)  # cleans the stray copy
    assert [p.name for p in (home / "data").glob("sessions-*.json")] and Store.open(home).sessions() == [
        noted
    ]
    with TinyDB(shard(home, "2024-05")) as db:
        assert db.table("sessions").all() == []


def test_deleting_a_session_left_twice_by_a_crash_removes_both_copies(home: Path) -> None:
    store = Store.open(home)
    s = make_session(0, day=date(2024, 5, 30))
    store.add(s)
    moved = dataclasses.replace(s, local_date=date(2024, 6, 1))
    shard(home, "2024-06").write_text(json.dumps({"sessions": {"1": moved.to_dict()}}))
    store.refresh()
    assert store.delete(s.id) == moved
    assert store.sessions() == [] and Store.open(home).sessions() == []


def test_settings_round_trip_and_defaults(home: Path) -> None:
    store = Store.open(home)
    assert store.load_settings() == Settings()
    settings = Settings(
        tempo=1.5, rest_weekdays=frozenset({6}), tighter_side={"pigeon": Side.LEFT}, safety_note_seen=True
    )
    store.save_settings(settings)
    assert store.load_settings() == settings
    assert json.loads((home / "settings.json").read_text())["schema"] == 1
    assert Store.open(home).load_settings() == settings


def test_merge_counts_and_one_atomic_write_per_month_touched(home: Path) -> None:
    writes: list[int] = []

    def counting(fd: int, data: bytes) -> None:
        writes.append(len(data))
        write_all(fd, data)

    store = Store.open(home, write_bytes=counting)
    kept = make_session(0, day=date(2024, 3, 3))
    store.add(kept)
    untouched = shard(home, "2024-03").stat()
    writes.clear()
    changed = dataclasses.replace(kept, duration=5.0)
    batch = [make_session(i, day=date(2024, 4, 1 + i)) for i in range(5)] + [
        make_session(10, day=date(2024, 5, 2)),
        kept,  # already present
        changed,  # conflict: same id, different content: the saved one is kept
    ]
    report = store.merge(batch + batch[:2])  # repeats inside the batch count as present
    assert report == MergeReport(
        added=6,
        already_present=3,
        conflicts=1,
        added_ids=tuple(s.id for s in batch[:6]),
        conflict_ids=(kept.id,),
    )
    assert len(writes) == 3  # the redo journal, then April and May once each; March not rewritten
    assert shard(home, "2024-03").stat().st_ino == untouched.st_ino
    assert store.get(kept.id) == kept
    assert store.merge(batch) == MergeReport(already_present=7, conflicts=1, conflict_ids=(kept.id,))
    assert len(Store.open(home).sessions()) == 7


def test_permissions_are_private_whatever_the_umask(home: Path) -> None:
    old = os.umask(0)
    try:
        store = Store.open(home, today=Clock())
        store.add(make_session())
        store.save_settings(Settings(tempo=2))
        store.add(make_session(1))  # second write: the daily backup exists now
    finally:
        os.umask(old)
    for path in [home, home / "data", home / "backups", *(p for p in (home / "backups").iterdir())]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o700, path
    files = [p for p in home.rglob("*") if p.is_file()]
    assert len(files) >= 5  # lock, settings, meta, a shard, a backup
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_a_wide_open_home_is_made_private(home: Path) -> None:
    home.mkdir(mode=0o755)
    os.chmod(home, 0o755)
    Store.open(home)
    assert stat.S_IMODE(home.stat().st_mode) == 0o700


def test_leftover_temp_files_and_partial_backups_are_cleaned_at_open(home: Path) -> None:
    store = Store.open(home)
    store.add(make_session())
    store.close()
    left = [
        home / "data" / ".sessions-2024-05.json.4242.0badc0de.tmp",
        home / ".settings.json.4242.12345678.tmp",
    ]
    for p in left:
        p.write_bytes(b'{"half": ')
    (home / "backups" / ".partial-2024-06-02").mkdir(parents=True)
    keep = home / "data" / "notes.tmp"  # not ours: left alone
    keep.write_text("mine")
    Store.open(home)
    assert not any(p.exists() for p in left)
    assert not (home / "backups" / ".partial-2024-06-02").exists()
    assert keep.exists()


def test_atomic_storage_works_as_a_plain_tinydb_storage(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    with TinyDB(path, storage=AtomicJSONStorage) as db:
        db.insert({"a": 1})
        db.insert({"a": 2})
        assert [d["a"] for d in db.all()] == [1, 2]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with TinyDB(path, storage=AtomicJSONStorage) as db:
        assert len(db) == 2
    path.write_bytes(b"")
    with pytest.raises(ValueError, match="empty"):  # stock JSONStorage would read an empty database
        TinyDB(path, storage=AtomicJSONStorage).all()


def test_a_closed_store_refuses_work(home: Path) -> None:
    with Store.open(home) as store:
        pass
    with pytest.raises(StoreError):
        store.add(make_session())


# --- several Store objects: memory is never stale at write time ------------------------


def test_two_stores_writing_the_same_month_lose_nothing(home: Path) -> None:
    app = Store.open(home)
    cli = Store.open(home)
    first = make_session(0)
    app.add(first)
    second = make_session(1)
    cli.add(second)  # cli's memory did not know `first`: it must catch up before writing
    third = make_session(2)
    app.add(third)  # and app must pick up `second`
    assert {s.id for s in Store.open(home).sessions()} == {first.id, second.id, third.id}
    assert app.sessions() == [first, second, third]
    assert cli.refresh() is True
    assert cli.sessions() == [first, second, third]
    assert cli.refresh() is False


def test_catching_up_rereads_only_the_changed_shards(home: Path) -> None:
    app = Store.open(home)
    for i in range(3):
        app.add(make_session(i, day=date(2024, 1 + i, 5)))
    cli = Store.open(home)
    before = {key: cli._shards.by_key[key].db for key in cli._shards.by_key}
    app.add(make_session(9, day=date(2024, 2, 9)))
    cli.refresh()
    after = {key: cli._shards.by_key[key].db for key in cli._shards.by_key}
    jan, feb, mar = (f"2024-0{m}.{device_id(home)}" for m in (1, 2, 3))
    assert after[jan] is before[jan] and after[mar] is before[mar]
    assert after[feb] is not before[feb]


def test_settings_written_by_another_store_are_picked_up(home: Path) -> None:
    app = Store.open(home)
    other = Store.open(home)
    other.save_settings(Settings(tempo=3))
    app.refresh()
    assert app.load_settings().tempo == 3


def test_a_second_writer_in_this_process_gets_store_locked_naming_the_holder(home: Path) -> None:
    holder = Store.open(home, label="backroll log")
    other = Store.open(home, wait=0.3)
    ready, done = threading.Event(), threading.Event()

    def hold() -> None:
        with holder._writing():
            ready.set()
            done.wait(5)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert ready.wait(5)
        started = time.monotonic()
        with pytest.raises(StoreLocked) as caught:
            other.add(make_session())
        assert time.monotonic() - started >= 0.25
        assert caught.value.pid == os.getpid()
        assert f"in use by process {os.getpid()} (backroll log)" in str(caught.value)
    finally:
        done.set()
        thread.join()
    other.add(make_session())  # free again


# --- corruption: detected at open, reported with a backup, never written over -----------

GOOD_SHARD = {"sessions": {"1": make_session(0, day=date(2024, 5, 1)).to_dict()}}

CORRUPTIONS = {
    "zero-bytes": lambda good: b"",
    "blank": lambda good: b"  \n",
    "truncated": lambda good: good[: len(good) // 2],
    "garbage": lambda good: b"\x00\x13PK\x03\x04 not json at all",
    "not-utf8": lambda good: b'{"sessions": {"1": "\xff\xfe"}}',
    "a-list": lambda good: b"[1, 2, 3]",
    "table-not-object": lambda good: b'{"sessions": []}',
    "no-sessions-table": lambda good: b'{"_default": {}}',
    "bad-session": lambda good: b'{"sessions": {"1": {"id": "x", "routine": "bridge"}}}',
    "naive-start": lambda good: good.replace(b"+02:00", b""),
    "bad-doc-key": lambda good: b'{"sessions": {"one": {}}}',
}


def build_history_with_backups(home: Path) -> tuple[Store, Clock]:
    clock = Clock(date(2024, 6, 1))
    store = Store.open(home, today=clock)
    store.save_settings(Settings(tempo=1.25))
    store.add(make_session(0, day=date(2024, 5, 1)))
    clock.day = date(2024, 6, 2)
    store.add(make_session(1, day=date(2024, 5, 2)))  # backup 06-02 holds the history of 06-01
    clock.day = date(2024, 6, 3)
    store.add(make_session(2, day=date(2024, 5, 3)))  # backup 06-03
    return store, clock


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_a_damaged_shard_is_reported_with_the_newest_good_backup_and_left_untouched(
    home: Path, kind: str
) -> None:
    older, _ = build_history_with_backups(home)
    target = shard(home, "2024-05")
    damaged = CORRUPTIONS[kind](target.read_bytes())
    target.write_bytes(damaged)  # in place: a hard link to the live file would be damaged too
    before = snapshot(home)
    with pytest.raises(StoreCorrupt) as caught:
        Store.open(home)
    error = caught.value
    assert error.path == target
    assert error.backup == home / "backups" / "2024-06-03" / target.name
    assert str(target) in str(error) and str(error.backup) in str(error)
    assert "untouched" in str(error)
    # a store opened before the damage refuses to write too
    with pytest.raises(StoreCorrupt):
        older.add(make_session(5, day=date(2024, 5, 5)))
    with pytest.raises(StoreCorrupt):
        older.add(make_session(5, day=date(2024, 7, 5)))  # even to another month
    assert snapshot(home) == before
    # once the user restores the backup, everything works again
    target.write_bytes(error.backup.read_bytes())
    assert len(Store.open(home).sessions()) == 2  # the state before 06-03's write


def test_a_damaged_file_without_any_backup_says_so(home: Path) -> None:
    store = Store.open(home)
    store.add(make_session())
    shard(home, "2024-05").write_bytes(b"")
    with pytest.raises(StoreCorrupt) as caught:
        Store.open(home)
    assert caught.value.backup is None
    assert "no good backup" in str(caught.value)


@pytest.mark.parametrize("content", [b"", b"{", b"[]", b'{"schema": "one"}', b'{"format": "backroll.store"}'])
def test_a_damaged_meta_file_is_reported(home: Path, content: bytes) -> None:
    build_history_with_backups(home)
    meta = home / "data" / "meta.json"
    meta.write_bytes(content)
    before = snapshot(home)
    with pytest.raises(StoreCorrupt) as caught:
        Store.open(home)
    assert caught.value.path == meta
    assert caught.value.backup == home / "backups" / "2024-06-03" / "meta.json"
    assert snapshot(home) == before


@pytest.mark.parametrize(
    "content", [b"", b'{"schema": 1, "settings": {"tempo": "fast"}}', b'{"tempo": 1}', b"\x00"]
)
def test_damaged_settings_are_reported(home: Path, content: bytes) -> None:
    build_history_with_backups(home)
    path = home / "settings.json"
    path.write_bytes(content)
    before = snapshot(home)
    with pytest.raises(StoreCorrupt) as caught:
        Store.open(home)
    assert caught.value.path == path
    assert caught.value.backup == home / "backups" / "2024-06-03" / "settings.json"
    assert snapshot(home) == before


def test_a_future_schema_version_is_refused_untouched(home: Path) -> None:
    build_history_with_backups(home)
    meta = home / "data" / "meta.json"
    meta.write_text(json.dumps({"format": "backroll.store", "schema": CURRENT_SCHEMA + 1}))
    before = snapshot(home)
    with pytest.raises(StoreCorrupt, match="newer version of Backroll") as caught:
        Store.open(home)
    assert caught.value.path == meta
    assert snapshot(home) == before


def test_future_settings_are_refused(home: Path) -> None:
    Store.open(home).save_settings(Settings())
    (home / "settings.json").write_text(json.dumps({"schema": 2, "settings": {}}))
    with pytest.raises(StoreCorrupt, match="newer version"):
        Store.open(home)


def test_refresh_reports_damage_and_keeps_what_it_had(home: Path) -> None:
    store = Store.open(home)
    s = make_session()
    store.add(s)
    shard(home, "2024-05").write_bytes(b"{trunc")
    with pytest.raises(StoreCorrupt):
        store.refresh()
    assert store.sessions() == [s]


# --- failed writes: old file intact, temp removed, memory rolled back -------------------


def failing_after(limit: int, code: int):
    """A WriteBytes that writes `limit` bytes of each file then fails like a full (or read-only) disk."""

    def write(fd: int, data: bytes) -> None:
        if len(data) > limit:
            write_all(fd, data[:limit])
            raise OSError(code, os.strerror(code))
        write_all(fd, data)

    return write


class Switch:
    """A WriteBytes that fails with `code` while `failing` is set (our own seam, not a mock of TinyDB)."""

    def __init__(self) -> None:
        self.code: int | None = None

    def __call__(self, fd: int, data: bytes) -> None:
        if self.code is not None:
            write_all(fd, data[: len(data) // 2])
            raise OSError(self.code, os.strerror(self.code))
        write_all(fd, data)


@pytest.mark.parametrize(
    ("code", "words"),
    [(errno.ENOSPC, "the disk is full"), (errno.EROFS, "read-only"), (errno.EACCES, "permission was denied")],
)
def test_a_failed_add_leaves_the_old_file_and_memory_as_they_were(home: Path, code: int, words: str) -> None:
    switch = Switch()
    store = Store.open(home, write_bytes=switch)
    kept = make_session(0)
    store.add(kept)
    before = snapshot(home / "data")
    switch.code = code
    unsaved = make_session(1)
    with pytest.raises(StoreWriteError, match=words) as caught:
        store.add(unsaved)
    assert caught.value.errno == code
    assert "intact" in str(caught.value)
    assert snapshot(home / "data") == before
    assert temp_files(home) == []
    assert store.sessions() == [kept] and store.get(unsaved.id) is None
    with pytest.raises(StoreWriteError):  # a new month: no file appears either
        store.add(make_session(2, day=date(2025, 1, 1)))
    assert snapshot(home / "data") == before and store.sessions() == [kept]
    switch.code = None
    store.add(unsaved)  # the caller kept the Session: retrying works
    assert Store.open(home).sessions() == [kept, unsaved]


def test_failed_update_delete_merge_and_settings_roll_back(home: Path) -> None:
    switch = Switch()
    store = Store.open(home, write_bytes=switch)
    a, b = make_session(0), make_session(1, day=date(2024, 6, 2))
    store.add(a)
    store.add(b)
    store.save_settings(Settings(tempo=2))
    switch.code = errno.ENOSPC
    with pytest.raises(StoreWriteError):
        store.update(dataclasses.replace(a, duration=1.0))
    assert store.get(a.id) == a
    with pytest.raises(StoreWriteError):
        store.update(dataclasses.replace(a, local_date=date(2024, 6, 9)))  # a move: first write fails
    assert store.get(a.id) == a
    with pytest.raises(StoreWriteError):
        store.delete(a.id)
    assert store.get(a.id) == a
    with pytest.raises(StoreWriteError):
        store.merge([make_session(5), make_session(6, day=date(2024, 7, 1))])
    with pytest.raises(StoreWriteError):
        store.save_settings(Settings(tempo=9))
    assert store.load_settings().tempo == 2
    assert store.sessions() == [a, b] and temp_files(home) == []
    switch.code = None
    store.update(dataclasses.replace(a, duration=1.0))
    assert Store.open(home).get(a.id).duration == 1.0


def test_a_merge_failing_half_way_is_finished_from_its_journal_and_says_so(home: Path) -> None:
    calls = {"n": 0}

    def third_write_fails(fd: int, data: bytes) -> None:
        calls["n"] += 1
        if calls["n"] == 3:  # the journal, the April month, then May fails
            raise OSError(errno.ENOSPC, "No space left on device")
        write_all(fd, data)

    store = Store.open(home)
    store._write_bytes = third_write_fails
    for shard_ in store._shards.by_key.values():
        shard_.storage._write_bytes = third_write_fails
    batch = [make_session(0, day=date(2024, 4, 1)), make_session(1, day=date(2024, 5, 1))]
    with pytest.raises(StoreWriteError, match="1 of 2 new sessions were written") as caught:
        store.merge(batch)
    assert "saved the next time the history is opened" in str(caught.value)
    assert [s.id for s in store.sessions()] == [batch[0].id]
    reopened = Store.open(home)
    assert sorted(s.id for s in reopened.sessions()) == sorted(s.id for s in batch)
    assert reopened.merge(batch) == MergeReport(already_present=2)


@pytest.fixture
def tiny_tmpfs(tmp_path: Path):
    """A real 256 KiB file system, when this machine lets us mount one (root in a privileged container)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", str(mount)], capture_output=True
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder: Path) -> Path:
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 1024)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    return filler


def test_a_really_full_disk(tiny_tmpfs: Path) -> None:
    home = tiny_tmpfs / "home"
    store = Store.open(home)
    kept = [make_session(i) for i in range(3)]
    for s in kept:
        store.add(s)
    before = snapshot(home / "data")
    filler = fill(tiny_tmpfs)
    bigger = dataclasses.replace(make_session(4), checkin=CheckIn(note="x" * 20_000))
    with pytest.raises(StoreWriteError, match="disk is full"):
        store.add(bigger)
    assert snapshot(home / "data") == before
    assert temp_files(home) == []
    assert store.sessions() == kept
    filler.unlink()
    store.add(bigger)
    assert Store.open(home).sessions() == [*kept, bigger]


def test_a_really_read_only_folder(tiny_tmpfs: Path) -> None:
    home = tiny_tmpfs / "home"
    store = Store.open(home)
    kept = make_session()
    store.add(kept)
    before = snapshot(home / "data")
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_tmpfs)], check=True)
    try:
        with pytest.raises(StoreWriteError, match="read-only"):
            store.add(make_session(1))
        assert store.sessions() == [kept]
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(tiny_tmpfs)], check=True)
    assert snapshot(home / "data") == before


# --- migrations ----------------------------------------------------------------------------


def v0_history() -> dict:
    """A hand-written version-0 file: one stock-TinyDB history.json, no origin, zone sometimes missing."""
    return {
        "_default": {
            "1": {
                "id": "0b9f6f2e-56c4-4a34-9c44-61f4d1a0c001",
                "routine": "bridge",
                "started_at": "2024-03-30T07:30:00+01:00",
                "local_date": "2024-03-30",
                "duration": 600,
                "completed": True,
                "checkin": {"pain_before": 4, "pain_after": 2, "note": "first"},
                "prescription": {"lifts": 2, "count": 4},
                "steps": [],
            },
            "2": {
                "id": "0b9f6f2e-56c4-4a34-9c44-61f4d1a0c002",
                "routine": "bridge",
                "started_at": "2024-04-02T07:45:00+02:00",
                "zone": "Europe/Paris",
                "local_date": "2024-04-02",
                "duration": 610.5,
                "completed": True,
                "hurt": False,
            },
            "3": {
                "routine": "gentle",
                "started_at": "2024-04-03T06:00:00+00:00",
                "duration": 300,
            },
        }
    }


def test_version_0_is_migrated_into_month_shards(home: Path) -> None:
    home.mkdir()
    legacy = home / "history.json"
    legacy.write_text(json.dumps(v0_history()))
    legacy_bytes = legacy.read_bytes()
    store = Store.open(home)
    assert store.migrated_from == [0, 1]  # to month shards, then to this device's names (issue 18)
    sessions = store.sessions()
    assert [s.routine for s in sessions] == ["bridge", "bridge", "gentle"]
    first, second, third = sessions
    assert first.origin == second.origin == third.origin == "app"
    assert first.zone == "Etc/GMT-1"  # only the offset was known
    assert second.zone == "Europe/Paris"
    assert third.zone == "UTC" and third.local_date == date(2024, 4, 3)
    assert first.checkin.pain_before == 4 and first.prescription == Prescription(2, 4)
    uuid.UUID(third.id)  # an id was made up, and the same one every time
    names = [".stignore", "meta.json", shard(home, "2024-03").name, shard(home, "2024-04").name]
    assert sorted(p.name for p in (home / "data").iterdir()) == names
    meta = json.loads((home / "data" / "meta.json").read_text())
    assert meta == {"format": "backroll.store", "schema": 2, "migrated_from": 1}
    assert legacy.read_bytes() == legacy_bytes  # the old file is left as it was
    store.add(make_session())
    again = Store.open(home)
    assert again.migrated_from == []
    assert len(again.sessions()) == 4


def test_a_migration_killed_half_way_is_redone_at_the_next_open(home: Path) -> None:
    home.mkdir()
    (home / "history.json").write_text(json.dumps(v0_history()))
    (home / "data").mkdir()
    # what a kill between the shards leaves: the marker, one shard, not the other
    (home / "data" / "meta.json").write_text(
        json.dumps({"format": "backroll.store", "schema": 1, "migrating_from": 0})
    )
    (home / "data" / "sessions-2024-03.json").write_text(json.dumps({"sessions": {}}))
    store = Store.open(home)
    assert store.migrated_from == [0, 1]
    assert len(store.sessions()) == 3
    ids = [s.id for s in store.sessions()]
    assert [s.id for s in Store.open(home).sessions()] == ids


@pytest.mark.parametrize(
    "content", [b"", b'{"_default": {"1": {"routine": "x"}}}', b'{"_default": [1]}', b"{{"]
)
def test_a_damaged_version_0_file_is_refused_untouched(home: Path, content: bytes) -> None:
    home.mkdir()
    (home / "history.json").write_bytes(content)
    with pytest.raises(StoreCorrupt) as caught:
        Store.open(home)
    assert caught.value.path == home / "history.json"
    assert (home / "history.json").read_bytes() == content
    assert not list((home / "data").glob("sessions-*.json"))


def test_a_v0_file_removed_after_a_failed_migration_leaves_an_empty_history(home: Path) -> None:
    home.mkdir()
    (home / "history.json").write_bytes(b"{broken")
    with pytest.raises(StoreCorrupt):
        Store.open(home)
    (home / "history.json").unlink()  # the user gives up on the old file
    store = Store.open(home)
    assert store.sessions() == []
    store.add(make_session())
    assert len(Store.open(home).sessions()) == 1


def test_a_lost_meta_file_is_recreated_when_shards_exist(home: Path) -> None:
    store = Store.open(home)
    s = make_session()
    store.add(s)
    (home / "data" / "meta.json").unlink()
    assert Store.open(home).sessions() == [s]
    assert json.loads((home / "data" / "meta.json").read_text())["schema"] == CURRENT_SCHEMA


# --- backups ---------------------------------------------------------------------------------


def test_daily_backups_hold_the_day_before_and_keep_the_newest_seven(home: Path) -> None:
    clock = Clock(date(2024, 6, 1))
    store = Store.open(home, today=clock)
    expected: dict[str, set[str]] = {}
    saved: set[str] = set()
    for i in range(10):
        clock.day = date(2024, 6, 1) + timedelta(days=i)
        expected[clock.day.isoformat()] = set(saved)  # taken before the first write of the day
        for j in range(2):
            s = make_session(i * 2 + j, day=date(2024, 4 + j, 1 + i))
            store.add(s)
            saved.add(s.id)
    days = sorted(p.name for p in (home / "backups").iterdir())
    assert days == [(date(2024, 6, 4) + timedelta(days=i)).isoformat() for i in range(7)]
    for day in days:
        ids = set()
        for path in (home / "backups" / day).glob("sessions-*.json"):
            ids |= {d["id"] for d in json.loads(path.read_text())["sessions"].values()}
        assert ids == expected[day], day
        assert (home / "backups" / day / "meta.json").exists()


def test_backups_link_unchanged_files_and_never_share_an_inode_with_a_live_file(home: Path) -> None:
    clock = Clock(date(2024, 6, 1))
    store = Store.open(home, today=clock)
    store.add(make_session(0, day=date(2024, 3, 1)))
    store.add(make_session(1, day=date(2024, 4, 1)))
    clock.day = date(2024, 6, 2)
    store.add(make_session(2, day=date(2024, 4, 2)))  # backup 06-02: copies of March and April
    clock.day = date(2024, 6, 3)
    store.add(make_session(3, day=date(2024, 4, 3)))  # backup 06-03: April changed, March did not
    b2, b3 = home / "backups" / "2024-06-02", home / "backups" / "2024-06-03"
    march, april = shard(home, "2024-03").name, shard(home, "2024-04").name
    assert (b3 / march).stat().st_ino == (b2 / march).stat().st_ino  # unchanged: linked to yesterday's copy
    assert (b3 / april).stat().st_ino != (b2 / april).stat().st_ino
    live = {p.stat().st_ino for p in (home / "data").iterdir()}
    backed = {p.stat().st_ino for p in (home / "backups").rglob("*.json")}
    assert not live & backed
    shard(home, "2024-03").write_bytes(b"rot")  # damage in place: backups are not affected
    assert json.loads((b3 / march).read_text())["sessions"]


def test_backups_copy_when_links_fail(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(src: object, dst: object) -> None:  # what FAT or a full link count says
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    clock = Clock(date(2024, 6, 1))
    store = Store.open(home, today=clock)
    store.add(make_session(0, day=date(2024, 3, 1)))
    store.add(make_session(1, day=date(2024, 4, 1)))
    for day in (2, 3):
        clock.day = date(2024, 6, day)
        store.add(make_session(day, day=date(2024, 4, day)))
    b2, b3 = home / "backups" / "2024-06-02", home / "backups" / "2024-06-03"
    march = shard(home, "2024-03").name
    assert (b3 / march).read_bytes() == (b2 / march).read_bytes()
    assert (b3 / march).stat().st_ino != (b2 / march).stat().st_ino  # copied, not linked
    assert stat.S_IMODE((b3 / march).stat().st_mode) == 0o600


def test_a_failing_backup_does_not_stop_a_save(home: Path) -> None:
    clock = Clock(date(2024, 6, 1))
    store = Store.open(home, today=clock)
    store.add(make_session(0))
    (home / "backups").rename(home / "old-backups")
    (home / "backups").write_text("a file where the folder should be")
    clock.day = date(2024, 6, 2)
    store.add(make_session(1))
    assert store.backup_error is not None
    assert len(Store.open(home).sessions()) == 2


@pytest.mark.parametrize(
    ("text", "words"),
    [('{"a": "cut', "Unterminated string starting at line 1, column 7"), ("{", "at line 1, column 2")],
)
def test_a_json_error_names_its_place_once(tmp_path: Path, text: str, words: str) -> None:
    """json's own message ends in 'starting at': the reason must not read 'starting at at line 1'."""
    from tracker.store.storage import Unreadable, read_json

    path = tmp_path / "shard.json"
    path.write_text(text)
    with pytest.raises(Unreadable) as caught:
        read_json(path)
    assert words in caught.value.reason
    assert "at at" not in caught.value.reason


# --- a lazy store (what the service opens): a save reads only its own month ---------------------------


def _long_home(tmp_path: Path) -> Path:
    from tracker.demo import generate_history

    home = tmp_path / "lazy"
    with Store.open(home) as store:
        store.merge(generate_history(200, end=date(2026, 11, 20), zone="Europe/Paris", seed=2))
    return home


def test_a_lazy_store_saves_a_new_session_reading_only_its_month(tmp_path: Path) -> None:
    from tracker.demo import generate_history

    home = _long_home(tmp_path)
    with Store.open(home) as full:
        everything = full.sessions()
    new = generate_history(1, end=date(2026, 11, 30), zone="Europe/Paris", seed=9)[0]
    with Store.open(home, lazy=True) as store:
        assert not store.all_read
        store.add(new)
        assert not store.all_read  # one month read, the others still on disk only
        store.add(new)  # the same session again: a no-op, as ever
        with Store.open(home) as other:
            assert other.get(new.id) == new  # durable, and where a full reader finds it
        assert store.sessions() == sorted([*everything, new], key=lambda s: (s.started_at, s.id))
        assert store.all_read
        backup_files = {p.name for p in store.files()}
    assert {f"sessions-{k}.json" for k in {s.local_date.strftime("%Y-%m") for s in everything}} <= {
        name.rsplit(".", 2)[0] + ".json" for name in backup_files if name.startswith("sessions-")
    }


def test_a_lazy_store_refuses_an_id_already_saved_in_a_month_it_has_not_read(tmp_path: Path) -> None:
    home = _long_home(tmp_path)
    with Store.open(home) as full:
        old = full.sessions()[0]
    with Store.open(home, lazy=True) as store:
        store.add(old)  # the same session: found in its file's bytes, then compared: a no-op
        clash = dataclasses.replace(old, duration=old.duration + 1)
        with pytest.raises(ValueError):
            store.add(clash)
    with Store.open(home) as full:
        assert full.get(old.id) == old and len(full) == len(full.sessions())
