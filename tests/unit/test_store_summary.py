"""The status summary cache: a derived view that must always agree with the real store."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tracker.demo import generate_history
from tracker.model import PROGRAM_ID, CheckIn, ProgressionRules
from tracker.paths import Locations
from tracker.practice import Carry
from tracker.service import Backroll
from tracker.status_cache import decode, encode, read_quick
from tracker.store import Store, StoreCorrupt
from tracker.store.summary import cache_path, read_summary

ZONE = "Europe/London"
NOW = datetime(2025, 3, 12, 8, 0, tzinfo=ZoneInfo(ZONE))


def home_with_history(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    store = Store.open(home)
    store.merge(generate_history(60, end=NOW.date() - timedelta(days=1), zone=ZONE))
    store.close()
    return home


def without_details(sessions):
    return [
        dataclasses.replace(s, steps=(), checkin=dataclasses.replace(s.checkin, note="")) for s in sessions
    ]


def full_status(home: Path) -> dict:
    with Backroll(home, now=lambda: NOW, zone=ZONE) as service:
        service.store  # noqa: B018 - the real store, not the summary
        return service.status().to_json_dict()


def quick_status(home: Path) -> dict:
    with Backroll(home, now=lambda: NOW, zone=ZONE) as service:
        return service.status(quick=True).to_json_dict()


def test_quick_status_equals_the_full_store_status_and_writes_the_cache(tmp_path: Path) -> None:
    home = home_with_history(tmp_path)
    assert not cache_path(Locations(home)).exists()
    assert quick_status(home) == full_status(home)  # first run builds the cache
    assert cache_path(Locations(home)).exists()
    assert quick_status(home) == full_status(home)  # second run reads it


def test_summary_sessions_are_the_stored_sessions_without_steps_or_note(tmp_path: Path) -> None:
    home = home_with_history(tmp_path)
    found = read_summary(home)  # tail_from "": every month in full
    with Store.open(home) as store:
        assert found.tail == without_details(store.sessions())
        assert found.days == sorted({s.local_date for s in store.sessions()})


def test_a_session_saved_after_the_cache_was_built_is_seen(tmp_path: Path) -> None:
    home = home_with_history(tmp_path)
    read_summary(home)
    with Backroll(home, now=lambda: NOW, zone=ZONE) as service:
        logged = service.log_session(service.routine("pelvic-tilt-check"), NOW, CheckIn(pain_after=7))
        service.save_session(logged)
    assert logged.id in {s.id for s in read_summary(home).tail}
    assert quick_status(home) == full_status(home)


@pytest.mark.parametrize(
    "damage", [b"", b"{not json", b'{"format": "backroll.summary-cache", "shards": {"2025-03": 7}}']
)
def test_a_damaged_cache_is_ignored_and_rebuilt(tmp_path: Path, damage: bytes) -> None:
    home = home_with_history(tmp_path)
    read_summary(home)
    cache_path(Locations(home)).write_bytes(damage)
    assert quick_status(home) == full_status(home)


def test_a_damaged_month_file_is_left_to_the_store_to_report(tmp_path: Path) -> None:
    home = home_with_history(tmp_path)
    read_summary(home)
    shard = sorted((home / "data").glob("sessions-*.json"))[-1]
    shard.write_bytes(b'{"sessions": {"1": {"id": ')
    before = shard.read_bytes()
    assert read_summary(home) is None  # the caller opens the real Store ...
    with pytest.raises(StoreCorrupt):  # ... which names the file and the newest good backup
        with Backroll(home, now=lambda: NOW, zone=ZONE) as service:
            service.status(quick=True)
    assert shard.read_bytes() == before


def test_an_empty_or_new_home_needs_the_real_store(tmp_path: Path) -> None:
    assert read_summary(tmp_path / "nothing-here") is None
    assert quick_status(tmp_path / "fresh")["practice_days"] == 0
    assert date.fromisoformat(quick_status(tmp_path / "fresh")["today"]) == NOW.date()


# --- a long history: the last weeks in full, a carry for the years before (tracker.status_cache) -----------------

LONG_END = date(2026, 11, 20)
LONG_NOW = datetime(2026, 11, 20, 20, 0, tzinfo=ZoneInfo(ZONE))


def long_home(tmp_path: Path, days: int = 400) -> Path:
    home = tmp_path / "long"
    store = Store.open(home)
    store.merge(generate_history(days, end=LONG_END, zone=ZONE, seed=5))
    store.close()
    return home


def status_on(home: Path, today: date, *, quick: bool) -> dict:
    with Backroll(home, now=lambda: LONG_NOW, zone=ZONE) as service:
        if not quick:
            service.store  # noqa: B018 - the real store
        return service.status(today, quick=quick).to_json_dict()


def test_a_long_history_answers_from_the_last_weeks_as_from_every_session(tmp_path: Path) -> None:
    home = long_home(tmp_path)
    for today in (
        LONG_END,
        LONG_END + timedelta(days=1),
        LONG_END + timedelta(days=40),
        date(2026, 6, 3),
        date(2026, 3, 1),
    ):
        assert status_on(home, today, quick=True) == status_on(home, today, quick=False), today
    found = read_quick(home, LONG_END, ProgressionRules(), PROGRAM_ID)
    assert found is not None
    assert found.tail and min(s.local_date for s in found.tail) >= date(
        2026, 10, 1
    )  # only the last weeks in full
    assert len(found.tail) < 80


def test_the_cache_keeps_the_old_months_as_days_only(tmp_path: Path) -> None:
    home = long_home(tmp_path)
    status_on(home, LONG_END, quick=True)
    cache = json.loads(cache_path(Locations(home)).read_text())
    with_records = sorted(key.split(".")[0] for key, month in cache["months"].items() if "sessions" in month)
    assert with_records == ["2026-10", "2026-11"]  # keys are "YYYY-MM.<device>": each device's own files
    assert cache["carry"]["tokens"] and all(key < "2026-10" for key in cache["carry"]["tokens"])


def test_the_carry_is_made_again_only_when_an_old_month_or_the_usual_pain_changes(tmp_path: Path) -> None:
    home = long_home(tmp_path)
    path = cache_path(Locations(home))

    def carry() -> dict:
        return json.loads(path.read_text())["carry"]

    status_on(home, LONG_END, quick=True)
    first = carry()
    with Backroll(home, now=lambda: LONG_NOW, zone=ZONE) as service:  # a session today: a tail month changes
        service.save_session(
            service.log_session(
                service.routine("pelvic-tilt-check"),
                datetime(2026, 11, 20, 18, tzinfo=ZoneInfo(ZONE)),
                CheckIn(pain_after=2),
            )
        )
    assert status_on(home, LONG_END, quick=True) == status_on(home, LONG_END, quick=False)
    assert carry() == first
    with Backroll(
        home, now=lambda: LONG_NOW, zone=ZONE
    ) as service:  # an old session changes: the carry is made again
        old = next(s for s in service.sessions() if s.local_date.year == 2026 and s.local_date.month == 2)
        service.store.update(dataclasses.replace(old, checkin=dataclasses.replace(old.checkin, pain_after=9)))
    assert status_on(home, LONG_END, quick=True) == status_on(home, LONG_END, quick=False)
    assert carry()["tokens"] != first["tokens"]
    with Backroll(home, now=lambda: LONG_NOW, zone=ZONE) as service:
        service.record_usual_pain(4, date(2025, 12, 1))
    assert status_on(home, LONG_END, quick=True) == status_on(home, LONG_END, quick=False)
    assert carry()["key"] != first["key"]


def test_a_session_in_two_months_after_a_move_cut_short_is_left_to_the_store(tmp_path: Path) -> None:
    home = long_home(tmp_path, days=90)
    status_on(home, LONG_END, quick=True)
    data = home / "data"
    months = sorted(data.glob("sessions-*.json"))
    older, newer = json.loads(months[0].read_text()), json.loads(months[-1].read_text())
    stray = dict(next(iter(older["sessions"].values())))
    doc = next(iter(newer["sessions"].values()))
    stray["id"] = doc["id"]  # the same id in two months
    older["sessions"]["999"] = stray
    months[0].write_text(json.dumps(older))
    assert read_summary(home, tail_from="2026-10") is None
    assert status_on(home, LONG_END, quick=True) == status_on(home, LONG_END, quick=False)


def test_a_carry_round_trips_through_json() -> None:
    sessions = generate_history(120, end=LONG_END, zone=ZONE, seed=3)
    sessions = [
        dataclasses.replace(s, steps=(), checkin=dataclasses.replace(s.checkin, note="")) for s in sessions
    ]
    carry = Carry.of(sessions, ProgressionRules(), PROGRAM_ID)
    assert decode(json.loads(json.dumps(encode(carry)))) == carry


def test_when_the_tail_moves_on_a_month_the_carry_grows_to_what_every_month_would_make(
    tmp_path: Path,
) -> None:
    home = long_home(tmp_path)
    path = cache_path(Locations(home))
    status_on(home, date(2026, 10, 20), quick=True)  # the tail starts in September
    first = json.loads(path.read_text())["carry"]
    assert max(first["tokens"]).split(".")[0] == "2026-08"
    later = status_on(home, LONG_END, quick=True)  # the tail starts in October: September joins the carry
    grown = json.loads(path.read_text())["carry"]
    assert max(grown["tokens"]).split(".")[0] == "2026-09" and grown["key"] == first["key"]
    assert later == status_on(home, LONG_END, quick=False)
    path.unlink()  # made again from every month: the same carry
    status_on(home, LONG_END, quick=True)
    assert json.loads(path.read_text())["carry"] == grown


def test_deletes_and_edits_of_old_sessions_reach_the_days_and_the_carry(tmp_path: Path) -> None:
    """Deletes and edits are dated events (every device applies them): the quick path applies them too."""
    home = long_home(tmp_path)
    status_on(home, LONG_END, quick=True)
    with Backroll(home, now=lambda: LONG_NOW, zone=ZONE) as service:
        old = [s for s in service.sessions() if s.local_date.year == 2026 and s.local_date.month == 3]
        for session in old:  # a whole old month deleted: its days go, the carry changes
            service.delete_session(session.id)
        painful = next(s for s in service.sessions() if s.local_date.month == 10 and s.routine == "bridge")
        service.store.update(dataclasses.replace(painful, hurt=True))
    assert status_on(home, LONG_END, quick=True) == status_on(home, LONG_END, quick=False)
    found = read_quick(home, LONG_END, ProgressionRules(), PROGRAM_ID)
    assert found is not None
    assert not any(d.year == 2026 and d.month == 3 for d in found.days)
    assert json.loads(cache_path(Locations(home)).read_text())["edits"]


def _carry_from_every_old_session(home: Path, today: date) -> dict:
    from tracker.quick import tail_start
    from tracker.status_cache import spec

    with Backroll(home, now=lambda: LONG_NOW, zone=ZONE) as service:
        service.store  # noqa: B018 - the real store
        cut = tail_start(today)
        old = [s for s in service.store.sessions() if s.local_date.strftime("%Y-%m") < cut]
        settings, usual = service.settings, service.usual_pain()
        return spec(service.rules(), PROGRAM_ID, today).make(
            without_details(old), settings, usual, service.pain_records()
        )


def test_a_carry_made_again_month_by_month_is_the_carry_of_every_old_session_at_once(tmp_path: Path) -> None:
    home = long_home(tmp_path)
    status_on(home, LONG_END, quick=True)
    assert json.loads(cache_path(Locations(home)).read_text())["carry"][
        "data"
    ] == _carry_from_every_old_session(home, LONG_END)


def test_a_month_that_cannot_follow_the_one_before_makes_the_carry_from_every_month(tmp_path: Path) -> None:
    """Travel across the date line: a session of March 1st (Kiritimati, UTC+14) started before one of
    February 28th (Honolulu, UTC-10), so March cannot be folded after February; the answer stays exact."""
    home = long_home(tmp_path)
    with Backroll(home, now=lambda: LONG_NOW, zone=ZONE) as service:
        routine = service.routine("pelvic-tilt-check")
        feb = datetime(2026, 2, 28, 20, 0, tzinfo=ZoneInfo("Pacific/Honolulu"))  # 2026-03-01 06:00 UTC
        mar = datetime(2026, 3, 1, 8, 0, tzinfo=ZoneInfo("Pacific/Kiritimati"))  # 2026-02-28 18:00 UTC
        for started in (feb, mar):
            service.save_session(service.log_session(routine, started, CheckIn(pain_after=3)))
    assert mar < feb
    for today in (LONG_END, date(2026, 6, 3)):
        assert status_on(home, today, quick=True) == status_on(home, today, quick=False), today
        assert json.loads(cache_path(Locations(home)).read_text())["carry"][
            "data"
        ] == _carry_from_every_old_session(home, today)


def test_pain_records_answer_through_the_cache_as_through_every_record(tmp_path: Path) -> None:
    """The day after through the summary cache and its carry: pain records on the days after practice days, old
    (carried) and recent, some worse, give the same status as the whole store; a new record is seen at once."""
    import random

    from tracker.model import PainRecord

    home = long_home(tmp_path, days=200)
    rng = random.Random(7)
    store = Store.open(home)
    days = sorted({s.local_date for s in store.sessions()})
    zone = ZoneInfo(ZONE)
    records = [
        PainRecord(PainRecord.new_id(), d + timedelta(days=1), rng.choice((0, 1, 3, 5, 6)), "",
                   datetime.combine(d + timedelta(days=1), datetime.min.time(), tzinfo=zone) + timedelta(hours=6))
        for d in days if rng.random() < 0.3
    ]  # fmt: skip
    store.merge([], pain_records=records)
    store.close()
    for today in (
        LONG_END,
        LONG_END + timedelta(days=1),
        date(2026, 9, 1),
        date(2026, 8, 2),
        date(2026, 10, 1),
    ):
        assert status_on(home, today, quick=True) == status_on(home, today, quick=False), today
    with Backroll(home, now=lambda: LONG_NOW, zone=ZONE) as service:
        service.record_pain(9, LONG_END)
    quick = status_on(home, LONG_END, quick=True)
    assert quick == status_on(home, LONG_END, quick=False)
    assert quick["pain_today"] is not None


def test_a_consult_made_by_mornings_after_long_ago_is_kept_by_the_carry(tmp_path: Path) -> None:
    """Three worse mornings after in June, then nothing: in August June is before the tail (read through the carry,
    whose recent sessions keep whole days), and the consult those mornings made stays."""
    from tests.support import practice_session
    from tracker.model import PainRecord, Prescription

    home = tmp_path / "home"
    store = Store.open(home)
    zone = ZoneInfo(ZONE)
    june = [date(2026, 6, 1) + timedelta(days=i) for i in range(3)]
    store.merge([practice_session(d, Prescription(2, 4, 0), pain_before=0, zone=ZONE) for d in june])
    store.merge([], pain_records=[
        PainRecord(PainRecord.new_id(), d + timedelta(days=1), 3, "", datetime.combine(d + timedelta(days=1), datetime.min.time(), tzinfo=zone))
        for d in june
    ])  # fmt: skip
    store.close()
    today = date(2026, 8, 10)
    quick, full = status_on(home, today, quick=True), status_on(home, today, quick=False)
    assert full["advice"]["kind"] == "consult"
    assert quick == full


# --- issue 26: an old month changed: only what depends on it is made again ---------------------------------------


def _cli_status(home: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    from tracker.cli import main

    assert main(["--home", str(home), "status", "--json", "--today", LONG_END.isoformat()]) == 0
    return json.loads(capsys.readouterr().out)


def _from_scratch(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    """`status --json` of a byte-for-byte copy of the home without its summary cache: read from every file."""
    import shutil

    copy = tmp_path / "scratch"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(home, copy)
    (copy / "data" / cache_path(Locations(copy)).name).unlink(missing_ok=True)
    return _cli_status(copy, capsys)


def _session_in(home: Path, year: int, month: int, routine: str | None = None):
    with Store.open(home) as store:
        return next(
            s
            for s in store.sessions()
            if (s.local_date.year, s.local_date.month) == (year, month) and routine in (None, s.routine)
        )


def _old_session(home: Path, month: int, routine: str | None = None):
    return _session_in(home, 2026, month, routine)


def test_a_changed_old_month_answers_as_a_status_made_from_scratch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An old month's file changes in every way it can (a session added, edited, deleted there; another
    device's file for it arriving; a conflict copy of it): the first `status --json` after each is the one
    made from every file with no cache, and the whole store's."""
    from tests.unit.test_store_sync import device_id
    from tracker.model import Session

    home = long_home(tmp_path)
    assert _cli_status(home, capsys) == _from_scratch(home, tmp_path, capsys)

    def same() -> None:
        quick = _cli_status(home, capsys)
        assert quick == _from_scratch(home, tmp_path, capsys)
        assert quick == status_on(home, LONG_END, quick=False)
        kept = json.loads(cache_path(Locations(home)).read_text())["carry"]["data"]
        assert kept == _carry_from_every_old_session(home, LONG_END)  # the carry itself, not only its effect

    def painful(s: Session, minutes: int) -> Session:
        return dataclasses.replace(
            s,
            id=Session.new_id(),
            started_at=s.started_at + timedelta(minutes=minutes),
            hurt=True,
            checkin=dataclasses.replace(s.checkin, pain_after=8),
        )

    added = painful(_session_in(home, 2025, 11, PROGRAM_ID), 3)
    with Store.open(home) as store:  # added before the first kept carry (2025-12): folded from the start
        store.add(added)
    same()
    old = _old_session(home, 4, PROGRAM_ID)
    with Store.open(home) as store:  # edited
        store.update(
            dataclasses.replace(old, hurt=True, checkin=dataclasses.replace(old.checkin, stable=None))
        )
    same()
    doomed = _old_session(home, 2).id
    with Store.open(home) as store:  # deleted, then the delete undone
        gone = store.delete(doomed)
    same()
    with Store.open(home) as store:
        store.save(gone)
    same()
    # Another device logged on the last day before the tail (what the carry keeps whole): its month file
    # arrives by sync, then is edited and deleted here, which changes only the events, never that file.
    with Store.open(home) as store:
        last = [s for s in store.sessions() if s.local_date.strftime("%Y-%m") == "2026-09"][-1]
    other = tmp_path / "other"
    with Store.open(other) as store:
        store.add(their := painful(last, 7))
    arrived = next((other / "data").glob(f"sessions-2026-09.{device_id(other)}.json"))
    (home / "data" / arrived.name).write_bytes(arrived.read_bytes())
    same()
    with Store.open(home) as store:
        theirs = store.get(their.id)
        assert theirs is not None
        store.update(
            dataclasses.replace(theirs, hurt=False, checkin=dataclasses.replace(theirs.checkin, pain_after=0))
        )
    same()
    with Store.open(home) as store:
        store.delete(their.id)
    same()
    own = next((home / "data").glob(f"sessions-2026-06.{device_id(home)}.json"))  # a conflict copy of June
    document = json.loads(own.read_text())
    extra = painful(_old_session(home, 6, PROGRAM_ID), 9)
    document["sessions"]["99999"] = extra.to_dict()
    (home / "data" / f"{own.stem}.sync-conflict-20261101-081500-ABCDEFG.json").write_text(
        json.dumps(document)
    )
    quick = _cli_status(home, capsys)  # the store merges the copy and sets it aside
    assert quick == status_on(home, LONG_END, quick=False)
    same()
    with Store.open(home) as store:
        assert store.get(extra.id) is not None


def test_a_changed_old_month_folds_the_carry_again_only_from_that_month(tmp_path: Path) -> None:
    """The carry kept after each quarter is the start, and a month that folds to the carry kept for it ends
    the walk: the months before the change, and those well after it, are not folded again."""
    from tracker.model import Session
    from tracker.status_cache import spec
    from tracker.store.summary import CarrySpec

    home = long_home(tmp_path)
    folded: list[str] = []

    def counting() -> CarrySpec:
        real = spec(ProgressionRules(), PROGRAM_ID, LONG_END)

        def note(sessions) -> None:
            folded.extend(sorted({s.local_date.strftime("%Y-%m") for s in sessions}))

        def make(sessions, *rest):
            note(sessions)
            return real.make(sessions, *rest)

        def extend(data, sessions, *rest):
            note(sessions)
            return real.extend(data, sessions, *rest)

        return CarrySpec(real.key, make, extend)

    cut = "2026-10"
    first = read_summary(home, tail_from=cut, carry=counting())
    assert first is not None and folded[0] == "2025-10" and folded[-1] == "2026-09"  # every old month
    folded.clear()
    old = _old_session(home, 4, PROGRAM_ID)
    with Store.open(home) as store:
        store.add(dataclasses.replace(old, id=Session.new_id(), started_at=old.started_at + timedelta(minutes=5),
                                      hurt=True))  # fmt: skip
    again = read_summary(home, tail_from=cut, carry=counting())
    assert again is not None and folded and folded[0] == "2026-04" and "2026-09" not in folded, folded
    assert again.carry == _carry_from_every_old_session(home, LONG_END)
    folded.clear()
    assert read_summary(home, tail_from=cut, carry=counting()) is not None and not folded  # nothing changed


def test_a_lazy_store_told_what_the_summary_read_proves_ids_by_it_only_at_the_files_tokens(
    tmp_path: Path,
) -> None:
    """`log` hands the store what its quick read said each month file holds: a saved id is still found
    (a different session under it refused), a new one saved; a hint whose token is not the file's is
    not believed (the file's bytes are read)."""
    from tracker.model import Session

    home = home_with_history(tmp_path)
    found = read_summary(home)
    assert found is not None and len(found.ids) >= 2
    with Store.open(home) as store:
        saved = store.sessions()[3]
    other = dataclasses.replace(saved, duration=saved.duration + 1)
    stale = {key: ((0, 0, 0, 0), "") for key in found.ids}
    for hints in (found.ids, stale):
        store = Store.open(home, lazy=True)
        try:
            store.known_ids(hints)
            with pytest.raises(ValueError, match="already saved"):
                store.add(other)
            store.add(new := dataclasses.replace(saved, id=Session.new_id()))
        finally:
            store.close()
        with Store.open(home) as store:
            assert store.get(saved.id) == saved and store.get(new.id) == new
