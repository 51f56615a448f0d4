"""Issue 13, the history's side: backups under a clock once wrong, symlinked month files, a full disk."""

from __future__ import annotations

import errno
import json
import os
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.unit.test_store import Clock, make_session, shard
from tracker.store import Store, StoreCorrupt
from tracker.store.backups import KEEP, backup_days


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def _ids(folder: Path) -> set[str]:
    ids: set[str] = set()
    for path in folder.glob("sessions-*.json"):
        ids |= {d["id"] for d in json.loads(path.read_text())["sessions"].values()}
    return ids


def test_a_backup_dated_by_a_clock_in_the_future_never_passes_for_the_newest(home: Path) -> None:
    clock = Clock(date(2025, 12, 1))
    store = Store.open(home, today=clock)
    for day in range(1, 4):
        clock.day = date(2025, 12, day)
        store.add(make_session(day, day=clock.day))
    clock.day = date(2099, 1, 1)  # one log under a clock set to 2099
    store.add(make_session(50, day=date(2025, 12, 3)))
    for day in range(4, 11):
        clock.day = date(2025, 12, day)
        store.add(make_session(day, day=clock.day))
    store.close()
    target = shard(home, "2025-12")
    target.write_bytes(b"{")
    with pytest.raises(StoreCorrupt) as caught:
        Store.open(home)
    assert caught.value.backup == home / "backups" / "2025-12-10" / target.name
    assert len(_ids(caught.value.backup.parent)) == 10  # the 2099 one holds 3


def test_pruning_never_deletes_the_real_backups_for_future_dated_ones(home: Path) -> None:
    clock = Clock(date(2099, 1, 1))
    store = Store.open(home, today=clock)
    for i in range(KEEP + 2):  # a week of logs under a clock in 2099
        clock.day = date(2099, 1, 1) + timedelta(days=i)
        store.add(make_session(i, day=date(2025, 11, 1) + timedelta(days=i)))
    for i in range(3):  # the clock is right again
        clock.day = date(2025, 12, 1) + timedelta(days=i)
        store.add(make_session(20 + i, day=clock.day))
    names = [d.name for d in backup_days(home / "backups")]
    assert len(names) == KEEP
    assert names[:3] == ["2025-12-03", "2025-12-02", "2025-12-01"]  # the real ones, newest first
    assert all(n.startswith("2099") for n in names[3:])  # future ones rank last (and go first)


def test_a_backup_cut_short_by_a_full_disk_is_removed_and_the_save_goes_through(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(date(2024, 6, 1))
    store = Store.open(home, today=clock)
    store.add(make_session(0, day=date(2024, 3, 1)))
    store.add(make_session(1, day=date(2024, 4, 1)))
    real_copy = shutil.copy2

    def disk_fills(src: str, dst: str) -> object:  # the first copy takes the last space, the next fails
        if any((home / "backups").glob(".partial-*/sessions-*")):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_copy(src, dst)

    monkeypatch.setattr(shutil, "copy2", disk_fills)
    clock.day = date(2024, 6, 2)
    store.add(make_session(2, day=date(2024, 4, 2)))
    assert store.backup_error is not None and store.backup_error.errno == errno.ENOSPC
    assert not list((home / "backups").glob(".partial-*"))  # the half-made backup gave its space back
    assert len(Store.open(home).sessions()) == 3


@pytest.fixture
def small_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A real 2 MB tmpfs (needs root; skipped elsewhere), unmounted afterwards."""
    import subprocess

    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (not root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def _fill(folder: Path) -> None:
    with open(folder / "filler", "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC


@pytest.mark.parametrize("condition", ["full", "read-only"])
def test_an_import_cut_short_reads_and_exports_on_a_full_or_read_only_disk(
    small_disk: Path, condition: str
) -> None:
    import subprocess

    from tests.unit.test_cli import ok, run

    home = small_disk / "home"
    store = Store.open(home)
    store.add(make_session(0, day=date(2024, 5, 1)))
    calls = []

    def journal_then_full(fd: int, data: bytes) -> None:  # the journal (commit point) fits, the months do not
        calls.append(len(data))
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        os.write(fd, data)

    store._write_bytes = journal_then_full
    imported = [make_session(i, day=date(2024, 6, i)) for i in range(1, 4)]
    with pytest.raises(Exception):
        store.merge(imported, [])
    store.close()
    assert (home / "data" / "merge-journal.json").exists()
    if condition == "full":
        _fill(small_disk)
    else:
        subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)

    def history() -> dict[Path, bytes]:  # the lock file's record is rewritten in place by design
        return {p: p.read_bytes() for p in home.rglob("*") if p.is_file() and p.name != "backroll.lock"}

    before = history()
    status = ok(run(home, "status"))
    assert "Traceback" not in status.stderr
    exported = json.loads(ok(run(home, "export")).stdout)["sessions"]
    assert {s["id"] for s in exported} >= {s.id for s in imported}  # the journal's sessions, read in memory
    assert len(exported) == 4
    logged = run(home, "log", "bridge", "--date", "2024-06-20 07:30")
    assert logged.returncode == 1 and "Traceback" not in logged.stderr  # a write says why, in one sentence
    assert history() == before
