"""A long history read from its last weeks: `Carry` + the tail answers exactly as reading every session.

`backroll status` and Today read years of history through the summary cache
(tracker.store.summary), which keeps the sessions before a cut as a `Carry`
(tracker.practice): the last few sessions and the state of every rule. These
properties check, over random histories (gaps that restart the program,
levels going up and down, hurt stops, pain on the same day as gentle
routines, stability reports, usual-pain records, pain records and so the
day after's responses), that the advice and every part of what the rules
read are the same both ways, for every cut.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.unit.test_advice_pain import RULES, SETTINGS, P, on, pains, s, usual
from tracker.model import Felt, PainRecord, Session, Stability, UsualPain
from tracker.practice import Carry, PracticeHistory
from tracker.progression import advise

LEVELS = [P(1, 4, 0), P(2, 4, 0), P(3, 4, 0), P(3, 5, 0), P(5, 4, 0), P(8, 4, 0), P(8, 6, 4), P(8, 8, 8)]


@st.composite
def long_histories(draw: st.DrawFn) -> tuple[list[Session], list[UsualPain], date, date]:
    sessions: list[Session] = []
    day = 0
    level = draw(st.integers(0, len(LEVELS) - 1))
    for _ in range(draw(st.integers(1, 70))):
        day += draw(st.sampled_from([0, 0, 1, 1, 1, 2, 3, 8, 30]))  # same day, daily, gaps, restarts
        level = max(0, min(len(LEVELS) - 1, level + draw(st.sampled_from([-1, 0, 0, 0, 1]))))
        bridge = draw(st.booleans()) or draw(st.booleans())
        sessions.append(
            s(
                on(day),
                LEVELS[level] if bridge else None,
                before=draw(pains),
                after=draw(pains),
                stable=draw(st.sampled_from([None, *Stability])),
                felt=draw(st.sampled_from([None, *Felt])),
                hurt=draw(st.booleans()) and draw(st.booleans()),
                hour=draw(st.integers(0, 23)),
                routine="bridge" if bridge else "gentle-floor-set",
            )
        )
    last = on(day)
    records = [
        usual(draw(st.integers(0, 6)), on(draw(st.integers(0, day + 1))))
        for _ in range(draw(st.integers(0, 2)))
    ]
    cut = on(draw(st.integers(0, day + 1)))  # sessions dated before it are carried
    today = max(last, cut + timedelta(days=8)) + timedelta(days=draw(st.integers(0, 3)))
    global _PAINS
    _PAINS = [
        pain_record(
            draw(st.integers(0, 10)), on(draw(st.integers(0, (today - on(0)).days))), draw(st.integers(0, 23))
        )
        for _ in range(draw(st.integers(0, 25)))
    ]
    return sessions, records, cut, today


_PAINS: list[PainRecord] = []  # the pain records drawn with the latest history (the tuple's shape is shared)


def pain_record(value: int, day: date, hour: int) -> PainRecord:
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    at = datetime.combine(day, time(hour), tzinfo=ZoneInfo("Europe/Paris"))
    return PainRecord(PainRecord.new_id(), day, value, "", at)


def _both(
    case: tuple[list[Session], list[UsualPain], date, date],
) -> tuple[PracticeHistory, PracticeHistory, object, object]:
    sessions, records, cut, today = case
    carried = [x for x in sessions if x.local_date < cut]
    tail = [x for x in sessions if x.local_date >= cut]
    in_force = [r for r in records if r.since <= today]
    pains = list(_PAINS)
    carry = Carry.of(carried, RULES, "bridge", in_force, pain_records=[r for r in pains if r.day < cut])
    full = PracticeHistory.read(sessions, SETTINGS, today, RULES, "bridge", records, pain_records=pains)
    part = PracticeHistory.read(tail, SETTINGS, today, RULES, "bridge", records, carry, pains)
    a = advise(sessions, SETTINGS, today, usual_pain=records, pain_records=pains)
    b = advise(tail, SETTINGS, today, usual_pain=records, carry=carry, pain_records=pains)
    return full, part, a, b


def _ids(h: PracticeHistory, indices: list[int]) -> list[str]:
    return [h.sessions[i].id for i in indices]


@hsettings(max_examples=400, deadline=None)
@given(long_histories())
def test_a_carry_and_the_tail_read_like_the_whole_history(
    case: tuple[list[Session], list[UsualPain], date, date],
) -> None:
    full, part, a, b = _both(case)
    assert b == a
    for name in ("current", "level", "since", "epoch_start", "ladder", "limit", "phase"):
        assert getattr(part, name) == getattr(full, name), name
    assert part.consult_state() == full.consult_state()
    assert part.consult_cap() == full.consult_cap()
    assert part.fold.raised_on == full.fold.raised_on
    flags = dict(zip((x.id for x in full.sessions), full.pains))
    assert all(flags[x.id] == f for x, f in zip(part.sessions, part.pains))
    worse_part, worse_full = (
        part.latest_worse(RULES.pain_step_back[1]),
        full.latest_worse(RULES.pain_step_back[1]),
    )
    assert (worse_part and (part.sessions[worse_part[0]].id, worse_part[1])) == (
        worse_full and (full.sessions[worse_full[0]].id, worse_full[1])
    )
    unsure_full, unsure_part = full.unsure_report(), part.unsure_report()
    assert (unsure_part and unsure_part.id) == (unsure_full and unsure_full.id)
    rules = RULES
    for n in {1, rules.pain_free_sessions, rules.pain_step_back[1], rules.pain_consult[1]}:
        assert _ids(part, part.window(n)) == _ids(full, full.window(n))
        assert _ids(part, part.window(n, part.consult_floor())) == _ids(
            full, full.window(n, full.consult_floor())
        )
        assert part.stepped_back_since_pain(n) == full.stepped_back_since_pain(n)
    assert part.stable_count() == full.stable_count()
    assert part.felt_easy() == full.felt_easy()
    if full.program:
        first, last = full.week_window()
        assert part.week_window() == (first, last)
        assert part.practice_days_in(first, last) == full.practice_days_in(first, last)


def test_a_carry_keeps_a_consult_triggered_long_before_the_cut() -> None:
    """Pain three times in the first week, gentle sessions since with pain each time: still consult."""
    history = [s(on(i), P(2, 4, 0), after=4) for i in range(3)]
    history += [s(on(10 + i), None, after=3, routine="gentle-floor-set") for i in range(40)]
    today = on(60)
    carry = Carry.of([x for x in history if x.local_date < on(45)], RULES, "bridge")
    tail = [x for x in history if x.local_date >= on(45)]
    assert advise(tail, SETTINGS, today, carry=carry) == advise(history, SETTINGS, today)
    assert advise(tail, SETTINGS, today, carry=carry).kind.value == "consult"
    # Without the carry the tail alone would forget the program's level: the carry is what keeps it.
    assert advise(tail, SETTINGS, today).current is None
    assert advise(tail, SETTINGS, today, carry=carry).current == P(2, 4, 0)


def test_a_carry_keeps_the_ladder_for_a_step_back() -> None:
    """Levels 2, 3, 4 lifts long ago, then pain twice at 4 after the cut: step back to 3, as the full read says."""
    history = [s(on(i), P(2, 4, 0)) for i in range(7)]
    history += [s(on(7 + i), P(3, 4, 0)) for i in range(7)]
    history += [s(on(14 + i), P(4, 4, 0)) for i in range(20)]
    history += [s(on(40), P(4, 4, 0), after=3), s(on(41), P(4, 4, 0), after=4)]
    carry = Carry.of([x for x in history if x.local_date < on(39)], RULES, "bridge")
    tail = [x for x in history if x.local_date >= on(39)]
    full = advise(history, SETTINGS, on(41))
    assert advise(tail, SETTINGS, on(41), carry=carry) == full
    assert full.prescription == P(3, 4, 0), full


@hsettings(max_examples=200, deadline=None)
@given(long_histories(), st.integers(0, 300))
def test_a_carry_extended_by_later_months_is_the_carry_of_them_all(
    case: tuple[list[Session], list[UsualPain], date, date], split: int
) -> None:
    """When the tail moves on a month, the carry grows from the one it had: the same as made from every session."""
    sessions, records, cut, today = case
    carried = sorted((x for x in sessions if x.local_date < cut), key=lambda x: (x.started_at, x.id))
    cut_at = split % (len(carried) + 1)
    while 0 < cut_at < len(carried) and carried[cut_at].started_at == carried[cut_at - 1].started_at:
        cut_at += 1  # the store's months never split one instant
    first = carried[:cut_at]
    later = carried[len(first) :]
    in_force = [r for r in records if r.since <= today]
    pains = [r for r in _PAINS if r.day < cut]
    whole = Carry.of(carried, RULES, "bridge", in_force, pain_records=pains)
    base = Carry.of(first, RULES, "bridge", in_force, pain_records=pains)
    grown = Carry.of(later, RULES, "bridge", in_force, base=base, pain_records=pains)
    assert grown == whole


def test_a_carry_keeps_a_day_whole_so_its_baseline_is_read_from_every_session() -> None:
    """The day after's baseline is the lowest pain before of the whole day: the carry never splits a day."""
    history = [s(on(0), P(2, 4, 0), before=0, hour=7), s(on(0), P(2, 4, 0), before=3, hour=9)]
    history += [s(on(1), P(2, 4, 0), before=2)] + [s(on(2 + i), P(2, 4, 0)) for i in range(3)]
    carry = Carry.of(history, RULES, "bridge")
    assert {x.local_date for x in carry.recent} >= {on(0)} and len(carry.recent) == len(history)
    full = PracticeHistory.read(history, SETTINGS, on(10), RULES, "bridge")
    part = PracticeHistory.read([], SETTINGS, on(10), RULES, "bridge", carry=carry)
    assert full.responses[on(0)].worse and part.responses[on(0)].worse
