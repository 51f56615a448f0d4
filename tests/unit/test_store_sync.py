"""Issue 18: a data folder carried between devices by a sync engine (simulated by copying files, in
tests/sync_engine.py).

Real Syncthing is in tests/reliability/test_syncthing.py; the convergence
properties (hypothesis) are in tests/unit/test_store_sync_props.py.
"""

from __future__ import annotations

import dataclasses
import json
import stat
from datetime import date
from pathlib import Path

import pytest

from tests.sync_engine import device_id, sync, sync_all
from tests.unit.test_store import make_session
from tracker.cli import main
from tracker.model import CheckIn, Settings, Side, UsualPain
from tracker.store import Store, StoreCorrupt
from tracker.store.events import now_stamp
from tracker.store.layout import BACKUP_NAME
from tracker.store.union import original_name


def test_each_device_writes_only_files_named_after_it_and_reads_the_union(two: tuple[Path, Path]) -> None:
    a, b = two
    with Store.open(a) as sa:
        sa.add(x := make_session(0, day=date(2026, 12, 1)))
        sa.add_usual_pain(
            UsualPain(id="5b0e1c52-5b0e-4d3e-9d0a-bac401100001", since=date(2026, 12, 1), value=2)
        )
    with Store.open(b) as sb:
        sb.add(y := make_session(1, day=date(2026, 12, 2)))
    written_by_a = {
        p.name for p in (a / "data").iterdir() if p.name.endswith(".json") and p.name != "meta.json"
    }
    assert written_by_a and all(f".{device_id(a)}.json" in name for name in written_by_a)
    sync_all(a, b)
    for home in (a, b):
        with Store.open(home) as store:
            assert store.sessions() == sorted([x, y], key=lambda s: (s.started_at, s.id))
            assert [r.id for r in store.usual_pain()] == ["5b0e1c52-5b0e-4d3e-9d0a-bac401100001"]
    assert (a / "data" / ".stignore").read_text().count("summary-cache.json") == 1


def test_a_delete_on_one_device_and_a_note_edit_on_another_resolve_the_same_everywhere(
    two: tuple[Path, Path],
) -> None:
    a, b = two
    with Store.open(a) as sa:
        sa.add(s := make_session(0, day=date(2026, 12, 1)))
    sync_all(a, b)
    sa, sb = Store.open(a), Store.open(b)
    sb.update(dataclasses.replace(s, checkin=dataclasses.replace(s.checkin, note="felt lighter")))  # first
    sa.delete(s.id)  # later: the delete wins
    sa.close(), sb.close()
    sync_all(a, b)
    for home in (a, b):
        with Store.open(home) as store:
            assert store.sessions() == [] and store.get(s.id) is None
    # the other order: an edit later than the delete brings the session back, with the note, on both
    with Store.open(a) as sa:
        sa.add(t := make_session(1, day=date(2026, 12, 2)))
    sync_all(a, b)
    sa, sb = Store.open(a), Store.open(b)
    sa.delete(t.id)
    edited = dataclasses.replace(t, checkin=dataclasses.replace(t.checkin, note="kept after all"))
    sb.update(edited)  # b has not seen the delete yet: its edit is later
    sa.close(), sb.close()
    sync_all(a, b)
    for home in (a, b):
        with Store.open(home) as store:
            assert store.sessions() == [edited]


def test_the_same_time_stamp_on_two_devices_is_decided_by_the_device_id_alike(two: tuple[Path, Path]) -> None:
    a, b = two
    with Store.open(a) as sa:
        sa.add(s := make_session(0, day=date(2026, 12, 1)))
    sync_all(a, b)
    stamp = now_stamp()
    sa, sb = Store.open(a), Store.open(b)
    sa._replica._clock = sb._replica._clock = lambda: stamp
    sa.update(dataclasses.replace(s, checkin=CheckIn(note="from a")))
    sb.update(dataclasses.replace(s, checkin=CheckIn(note="from b")))
    sa.close(), sb.close()
    sync_all(a, b)
    winner = "from a" if device_id(a) > device_id(b) else "from b"
    for home in (a, b):
        with Store.open(home) as store:
            assert [x.checkin.note for x in store.sessions()] == [winner]


def test_person_settings_are_shared_last_change_wins_and_machine_settings_stay_local(
    two: tuple[Path, Path],
) -> None:
    a, b = two
    with Store.open(a) as sa:
        sa.save_settings(
            dataclasses.replace(
                sa.load_settings(), rest_weekdays=frozenset({6}), theme="textual-light", sound=False
            )
        )
    with Store.open(b) as sb:
        sb.save_settings(
            dataclasses.replace(sb.load_settings(), tighter_side={"pigeon": Side.LEFT}, voice=True)
        )
    sync_all(a, b)
    with Store.open(a) as sa, Store.open(b) as sb:
        got_a, got_b = sa.load_settings(), sb.load_settings()
    for got in (got_a, got_b):
        assert got.rest_weekdays == frozenset({6}) and got.tighter_side == {"pigeon": Side.LEFT}
    assert (got_a.theme, got_a.sound, got_a.voice) == ("textual-light", False, False)
    assert (got_b.theme, got_b.sound, got_b.voice) == (Settings().theme, True, True)
    with Store.open(b) as sb:  # a later change on b wins on a too
        sb.save_settings(dataclasses.replace(sb.load_settings(), rest_weekdays=frozenset({0, 3})))
    sync_all(a, b)
    with Store.open(a) as sa:
        assert sa.load_settings().rest_weekdays == frozenset({0, 3})


@pytest.mark.parametrize(
    "name",
    [
        "sessions-2026-12.{dev}.sync-conflict-20261201-081500-ABCDEFG.json",
        "sessions-2026-12.sync-conflict-20261201-081500-ABCDEFG.json",
        "sessions-2026-12.{dev} (conflicted copy 2026-12-01 081500).json",
        "sessions-2026-12.{dev}_conflict-20261201-081500.json",
        "sessions-2026-12.{dev} (Ana's conflicted copy 2026-12-01).json",
    ],
)
def test_conflict_copies_are_merged_moved_aside_and_told_in_status(
    two: tuple[Path, Path], name: str, capsys
) -> None:
    a, _ = two
    with Store.open(a) as sa:
        sa.add(kept := make_session(0, day=date(2026, 12, 1)))
    own = next((a / "data").glob("sessions-2026-12.*.json"))
    lost = make_session(1, day=date(2026, 12, 5))
    document = json.loads(own.read_text())
    document["sessions"]["2"] = lost.to_dict()  # the copy holds the kept session (a duplicate) and one more
    copy = a / "data" / name.format(dev=device_id(a))
    copy.write_text(json.dumps(document))
    assert original_name(copy.name) is not None
    assert main(["--home", str(a), "status"]) == 0
    out = capsys.readouterr().out
    assert "1 conflict copy was merged and set aside" in out and str(a / "sync-conflicts") in out
    assert not copy.exists()
    aside = a / "sync-conflicts" / copy.name
    assert aside.exists() and stat.S_IMODE(aside.stat().st_mode) == 0o600
    with Store.open(a) as sa:
        assert sa.sessions() == [kept, lost]  # nothing lost, the duplicate collapsed
    assert main(["--home", str(a), "sync-check"]) == 0
    assert copy.name in capsys.readouterr().out


def test_a_conflict_copy_never_brings_back_a_deleted_session_and_an_unreadable_one_is_kept_whole(
    two: tuple[Path, Path],
) -> None:
    a, _ = two
    with Store.open(a) as sa:
        sa.add(s := make_session(0, day=date(2026, 12, 1)))
        old = next((a / "data").glob("sessions-2026-12.*.json")).read_bytes()
        sa.delete(s.id)
    (a / "data" / "sessions-2026-12.sync-conflict-20261201-081500-ABCDEFG.json").write_bytes(old)
    (a / "data" / "events-2026-12.sync-conflict-20261201-081501-ABCDEFG.json").write_bytes(
        b'{"format": "backroll.ev'
    )
    with Store.open(a) as sa:
        assert sa.sessions() == []
        assert len(sa.set_aside) == 2
    assert (
        a / "sync-conflicts" / "events-2026-12.sync-conflict-20261201-081501-ABCDEFG.json"
    ).read_bytes() == b'{"format": "backroll.ev'


def test_a_file_still_arriving_is_skipped_with_a_note_never_corruption_and_read_next_time(
    two: tuple[Path, Path], capsys
) -> None:
    a, b = two
    with Store.open(b) as sb:
        sb.add(y := make_session(1, day=date(2026, 12, 2)))
        sb.update(dataclasses.replace(y, checkin=CheckIn(note="edited")))
    names = sync(b, a)
    whole = {n: (a / "data" / n).read_bytes() for n in names}
    for n, data in whole.items():
        (a / "data" / n).write_bytes(data[: len(data) // 2])  # truncated on the way
    (a / "data" / ".syncthing.sessions-2027-01.x.json.tmp").write_bytes(b'{"sess')
    (a / "data" / "~syncthing~sessions-2027-02.x.json.tmp").write_bytes(b"")
    before = {n: (a / "data" / n).read_bytes() for n in names}
    with Store.open(a) as sa:
        assert sa.sessions() == []
        assert set(sa.skipped()) == set(names)
        sa.add(make_session(2, day=date(2026, 12, 3)))  # writing still works, and touches none of them
    assert {n: (a / "data" / n).read_bytes() for n in names} == before
    assert (a / "data" / ".syncthing.sessions-2027-01.x.json.tmp").exists()
    assert main(["--home", str(a), "status"]) == 0
    assert "still arriving" in capsys.readouterr().out
    for n, data in whole.items():
        (a / "data" / n).write_bytes(data)  # the rest arrives
    with Store.open(a) as sa:
        assert sa.skipped() == {} and [s.checkin.note for s in sa.sessions() if s.id == y.id] == ["edited"]


def test_this_devices_own_file_damaged_is_still_corruption(two: tuple[Path, Path]) -> None:
    a, _ = two
    with Store.open(a) as sa:
        sa.add(make_session(0, day=date(2026, 12, 1)))
    own = next((a / "data").glob("sessions-2026-12.*.json"))
    own.write_bytes(own.read_bytes()[:40])
    with pytest.raises(StoreCorrupt):
        Store.open(a)


def test_schema_1_is_migrated_to_device_files_after_a_backup_that_restores_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    data = home / "data"
    data.mkdir(parents=True)
    s = make_session(0, day=date(2024, 5, 3))
    shard = json.dumps({"sessions": {"1": s.to_dict()}}).encode()
    (data / "meta.json").write_text(json.dumps({"format": "backroll.store", "schema": 1}))
    (data / "sessions-2024-05.json").write_bytes(shard)
    (data / "usual-pain.json").write_text(
        json.dumps(
            {
                "format": "backroll.usual-pain",
                "records": [
                    UsualPain(
                        id="5b0e1c52-5b0e-4d3e-9d0a-bac401100002", since=date(2024, 5, 1), value=3
                    ).to_dict()
                ],
            }
        )
    )
    (home / "settings.json").write_text(
        json.dumps({"schema": 1, "settings": {"rest_weekdays": [5], "theme": "nord"}})
    )
    with Store.open(home) as store:
        assert store.migrated_from == [1]
        assert store.sessions() == [s] and [r.id for r in store.usual_pain()] == [
            "5b0e1c52-5b0e-4d3e-9d0a-bac401100002"
        ]
        assert store.load_settings().rest_weekdays == frozenset({5}) and store.load_settings().theme == "nord"
        dev = store.device
    names = sorted(p.name for p in data.glob("*.json"))
    assert len(names) == 4 and names[0].startswith("events-") and names[0].endswith(f".{dev}.json")
    assert names[1:] == ["meta.json", f"sessions-2024-05.{dev}.json", f"usual-pain.{dev}.json"]
    backup = home / "backups" / BACKUP_NAME
    assert (backup / "sessions-2024-05.json").read_bytes() == shard
    assert json.loads((backup / "meta.json").read_text()) == {"format": "backroll.store", "schema": 1}
    assert (backup / "settings.json").exists() and (backup / "usual-pain.json").exists()


def test_export_takes_the_union_and_import_writes_into_this_devices_files(
    two: tuple[Path, Path], tmp_path: Path
) -> None:
    a, b = two
    with Store.open(a) as sa:
        sa.add(make_session(0, day=date(2026, 12, 1)))
    with Store.open(b) as sb:
        sb.add(make_session(1, day=date(2026, 12, 2)))
    sync_all(a, b)
    out = tmp_path / "export.json"
    assert main(["--home", str(a), "export", "-o", str(out)]) == 0
    assert len(json.loads(out.read_text())["sessions"]) == 2
    fresh = tmp_path / "fresh"
    assert main(["--home", str(fresh), "import", str(out)]) == 0
    dev = device_id(fresh)
    assert [p.name for p in (fresh / "data").glob("sessions-*.json")] == [f"sessions-2026-12.{dev}.json"]


def test_the_status_summary_follows_every_devices_files_edits_deletes_settings_and_usual_pain(
    two: tuple[Path, Path],
) -> None:
    from tracker.store.replica import without_details
    from tracker.store.summary import read_summary

    a, b = two
    with Store.open(a) as sa:
        for i in range(3):
            sa.add(make_session(i, day=date(2026, 12, 1 + i)))
    sync_all(a, b)
    with Store.open(b) as sb:
        first, second, _ = sb.sessions()
        sb.delete(first.id)
        sb.update(
            dataclasses.replace(second, duration=99.0, checkin=dataclasses.replace(second.checkin, note="x"))
        )
        sb.add(make_session(5, day=date(2026, 11, 20)))
        sb.add_usual_pain(
            UsualPain(id="5b0e1c52-5b0e-4d3e-9d0a-bac401100003", since=date(2026, 11, 1), value=1)
        )
        sb.save_settings(dataclasses.replace(sb.load_settings(), rest_days_per_week=2))
    sync_all(a, b)
    summary = read_summary(a)
    assert summary is not None
    with Store.open(a) as sa:
        assert summary.tail == [
            without_details(s) for s in sa.sessions()
        ]  # tail_from "": every month in full
        assert summary.days == sorted({s.local_date for s in sa.sessions()})
        assert len(summary.tail) == 3 and first.id not in {s.id for s in summary.tail}
        assert [s.duration for s in summary.tail if s.id == second.id] == [99.0]
        assert summary.usual_pain == sa.usual_pain() and len(summary.usual_pain) == 1
        assert summary.settings.rest_days_per_week == 2 == sa.load_settings().rest_days_per_week


def test_a_schema_1_file_arriving_from_an_older_backroll_is_read_and_never_written(
    two: tuple[Path, Path],
) -> None:
    a, _ = two
    old = make_session(7, day=date(2026, 12, 7))
    legacy = a / "data" / "sessions-2026-12.json"
    legacy.write_text(json.dumps({"sessions": {"1": old.to_dict()}}))
    before = legacy.read_bytes()
    with Store.open(a) as sa:
        assert sa.sessions() == [old]
        sa.update(dataclasses.replace(old, checkin=CheckIn(note="edited here")))
        sa.delete(old.id)
        sa.add(make_session(8, day=date(2026, 12, 8)))
    assert legacy.read_bytes() == before
    with Store.open(a) as sa:
        assert [s.id for s in sa.sessions()] != [old.id] and old.id not in sa


@pytest.mark.parametrize(
    "name",
    [
        ".syncthing.sessions-2026-12.x.json.tmp",
        "~syncthing~sessions-2026-12.json.tmp",
        "sessions-2026-12.json",
        "sessions-2026-12.laptop-3fa21c.json",
        "events.laptop-3fa21c.json",
    ],
)
def test_names_that_are_not_conflict_copies(name: str) -> None:
    assert original_name(name) is None


def test_conflict_names_of_three_engines_point_at_their_original() -> None:
    assert (
        original_name("sessions-2026-12.sync-conflict-20261201-081500-ABCDEFG.json")
        == "sessions-2026-12.json"
    )
    assert original_name("events.dev-1 (conflicted copy 2026-12-01 081500).json") == "events.dev-1.json"
    assert original_name("usual-pain.dev-1_conflict-20261201-081500.json") == "usual-pain.dev-1.json"
    assert original_name("meta (Ana's conflicted copy 2026-12-01).json") == "meta.json"
    assert original_name("meta (Ana's conflicted copy 2026-12-01 (1)).json") == "meta.json"
    assert original_name("sessions-2026-12.dev-1 (Case Conflict).json") == "sessions-2026-12.dev-1.json"


def test_a_home_copied_from_another_machine_gets_its_own_device_id_and_keeps_reading_the_old_files(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    with Store.open(home) as store:
        store.add(old := make_session(0, day=date(2026, 12, 1)))
        first = store.device
    # what device.json holds when the home was made on another machine and copied here
    (home / "device.json").write_text(
        json.dumps({"format": "backroll.device", "id": first, "machines": {"elsewhere:0123456789ab": first}})
    )
    with Store.open(home) as store:
        second = store.device
        assert second != first and store.sessions() == [old]
        store.add(new := make_session(1, day=date(2026, 12, 2)))
    machines = json.loads((home / "device.json").read_text())["machines"]
    assert sorted(machines.values()) == sorted([first, second])
    with Store.open(home) as store:
        assert store.device == second  # the same id every time on this machine
        assert store.sessions() == [old, new]
    assert {p.name for p in (home / "data").glob("sessions-*.json")} == {
        f"sessions-2026-12.{first}.json",
        f"sessions-2026-12.{second}.json",
    }


def test_a_conflict_copy_of_the_status_cache_is_dropped_and_one_of_an_import_journal_is_merged(
    two: tuple[Path, Path],
) -> None:
    from tracker.store.journal import journal_payload

    a, _ = two
    pending = make_session(3, day=date(2026, 12, 4))
    (a / "data" / "summary-cache (conflicted copy 2026-12-01 081500).json").write_text('{"format": "x"}')
    (a / "data" / "merge-journal (conflicted copy 2026-12-01 081500).json").write_bytes(
        journal_payload([pending], [])
    )
    with Store.open(a) as sa:
        assert sa.sessions() == [pending]
        assert [p.name for p in sa.set_aside] == ["merge-journal (conflicted copy 2026-12-01 081500).json"]
    assert not list((a / "data").glob("*conflicted copy*"))
