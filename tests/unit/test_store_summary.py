"""The status summary cache: a derived view that must always agree with the real store."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tracker.demo import generate_history
from tracker.model import CheckIn
from tracker.paths import Locations
from tracker.service import Backroll
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
    return [dataclasses.replace(s, steps=(), checkin=dataclasses.replace(s.checkin, note="")) for s in sessions]


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
    _, sessions, _ = read_summary(home)
    with Store.open(home) as store:
        assert sessions == without_details(store.sessions())


def test_a_session_saved_after_the_cache_was_built_is_seen(tmp_path: Path) -> None:
    home = home_with_history(tmp_path)
    read_summary(home)
    with Backroll(home, now=lambda: NOW, zone=ZONE) as service:
        logged = service.log_session(service.routine("pelvic-tilt-check"), NOW, CheckIn(pain_after=7))
        service.save_session(logged)
    _, sessions, _ = read_summary(home)
    assert logged.id in {s.id for s in sessions}
    assert quick_status(home) == full_status(home)


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"format": "backroll.summary-cache", "shards": {"2025-03": 7}}'])
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
