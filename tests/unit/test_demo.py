"""The demo history: deterministic, realistic, and the app's own advice over it."""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import date, datetime, timedelta

import jsonschema
import pytest

from tracker import exchange
from tracker.demo import generate_bulk, generate_history
from tracker.model import Settings
from tracker.progression import AdviceKind, advise
from tracker.streaks import current_streak, practice_days, summarize

END = date(2025, 3, 31)


@pytest.fixture(scope="module")
def history():
    return generate_history(end=END)


def dicts(sessions):
    return [s.to_dict() for s in sessions]


def test_same_seed_same_history_ids_included(history) -> None:
    assert dicts(generate_history(end=END)) == dicts(history)
    assert dicts(generate_history(end=END, seed=8)) != dicts(history)
    assert dicts(generate_history(10, end=END, seed=3)) == dicts(generate_history(10, end=END, seed=3))


def test_history_spans_the_days_asked_with_some_missed(history) -> None:
    days = practice_days(history)
    assert min(days) >= END - timedelta(days=41) and max(days) == END
    assert 30 <= len(days) <= 40  # some days missed, one longer gap
    assert 1.0 <= len(history) / len(days) <= 1.3
    assert generate_history(0, end=END) == []


def test_every_session_is_valid_export_data(history) -> None:
    doc = json.loads(exchange.export_json(history, datetime.now().astimezone()))
    jsonschema.Draft202012Validator(exchange.schema()).validate(doc)
    assert exchange.validate_document(doc) == []
    for s in history:
        assert s.local_date == s.started_at.date() and s.zone == "Europe/London" and s.origin == "demo"


def test_it_follows_the_programs_advice_day_by_day(history) -> None:
    bridge = [s for s in history if s.routine == "bridge"]
    assert bridge[0].prescription == (bridge[0].prescription.__class__(2, 4, 0))
    for session in bridge:
        earlier = [s for s in history if s.started_at < session.started_at]
        advice = advise(earlier, Settings(), session.local_date)
        assert session.prescription == advice.prescription, session.local_date


def test_the_advice_over_it_varies(history) -> None:
    kinds = Counter()
    lifts = set()
    day = END - timedelta(days=41)
    while day <= END + timedelta(days=1):
        advice = advise([s for s in history if s.local_date < day], Settings(), day)
        kinds[advice.kind] += 1
        lifts.add(advice.prescription.lifts)
        day += timedelta(days=1)
    assert {AdviceKind.START, AdviceKind.ADD_LIFTS, AdviceKind.STAY, AdviceKind.STEP_BACK} <= set(kinds)
    assert len(lifts) >= 4 and max(lifts) >= 5


def test_the_streaks_over_it_vary(history) -> None:
    days = practice_days(history)
    streaks = []
    for k in range(42):
        today = END - timedelta(days=k)
        streaks.append(current_streak({d for d in days if d <= today}, today, Settings()))
    assert len(set(streaks)) >= 6 and max(streaks) >= 7
    summary = summarize(history, Settings(), END)
    assert summary.longest > summary.current >= 1 or summary.longest >= 7
    assert 0.4 < summary.consistency < 1


def test_it_reads_like_a_person(history) -> None:
    assert any(s.hurt and s.hurt_at is not None for s in history)  # stopped once because it hurt
    assert any(s.checkin.note for s in history)
    assert any(s.checkin.pain_after is None and s.checkin.felt is None for s in history)  # skipped check-ins
    assert len({s.routine for s in history}) >= 2  # other routines now and then
    felt = Counter(s.checkin.felt for s in history if s.checkin.felt)
    assert len(felt) == 3
    hours = {s.started_at.hour for s in history}
    assert min(hours) < 10 and max(hours) >= 18
    painful = [s for s in history if (s.checkin.pain_after or 0) > (s.checkin.pain_before or 0)]
    assert 2 <= len(painful) <= 5


def test_other_zones_and_spans() -> None:
    tokyo = generate_history(14, end=END, zone="Asia/Tokyo", seed=1)
    assert tokyo and all(s.started_at.utcoffset() == timedelta(hours=9) for s in tokyo)
    long = generate_history(120, end=END, seed=2)
    assert len(practice_days(long)) > 90


def test_bulk_is_deterministic_sized_and_valid() -> None:
    small = generate_bulk(1000, seed=3)
    assert len(small) == 1000 and len({s.id for s in small}) == 1000
    assert dicts(small) == dicts(generate_bulk(1000, seed=3))
    assert dicts(small[:50]) != dicts(generate_bulk(1000, seed=4)[:50])
    assert [s.started_at for s in small] == sorted(s.started_at for s in small)
    size = sum(len(json.dumps(s.to_dict())) for s in small) / len(small)
    assert 700 <= size <= 1500, size
    doc = json.loads(exchange.export_json(small[:200], datetime.now().astimezone()))
    assert exchange.validate_document(doc) == []
    assert min(s.local_date for s in small) > date(2000, 1, 1)


def test_bulk_is_fast() -> None:
    start = time.perf_counter()
    sessions = generate_bulk(20_000)
    elapsed = time.perf_counter() - start
    assert len(sessions) == 20_000
    assert elapsed < 10, elapsed  # ~1 s per 100k on an idle laptop; generous for a busy CI machine
