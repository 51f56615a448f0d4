"""Streaks, rest days and the consistency score (tracker.streaks)."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

import pytest
from dateutil import tz
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tracker.model import Session, Settings
from tracker.streaks import (
    StreakSummary,
    consistency,
    current_streak,
    longest_streak,
    practice_days,
    scheduled_rest_days,
    summarize,
    week_start,
)

PLAIN = Settings()
D = date


def session_at(local: datetime, zone: str = "Europe/Paris", *, hurt: bool = False, fold: int = 0) -> Session:
    """A session started at the given wall-clock time in ``zone``, dated as the app dates it."""
    zone_info = tz.gettz(zone)
    aware = tz.resolve_imaginary(tz.enfold(local.replace(tzinfo=zone_info), fold=fold))
    return Session(
        id=Session.new_id(),
        routine="bridge",
        started_at=aware,
        zone=zone,
        local_date=aware.date(),
        hurt=hurt,
    )


def days_from(start: date, count: int, step: int = 1) -> set[date]:
    return {start + timedelta(days=i * step) for i in range(count)}


# --- practice days -------------------------------------------------------


def test_empty_history():
    assert practice_days([]) == set()
    assert current_streak(set(), D(2024, 5, 1), PLAIN) == 0
    assert longest_streak(set(), PLAIN) == 0
    assert consistency(set(), D(2024, 5, 1)) == 0.0
    assert summarize([], PLAIN, D(2024, 5, 1)) == StreakSummary(0, 0, 0, None, 0.0)


def test_session_stopped_because_it_hurt_still_counts():
    sessions = [
        session_at(datetime(2024, 5, 1, 8)),
        session_at(datetime(2024, 5, 2, 8), hurt=True),
        session_at(datetime(2024, 5, 3, 8)),
    ]
    assert summarize(sessions, PLAIN, D(2024, 5, 3)).current == 3


def test_local_date_is_used_as_stored_never_rederived():
    # 06:00 in Tokyo on 2 June is 23:00 on 1 June in Paris: the Tokyo date is kept.
    tokyo = session_at(datetime(2024, 6, 2, 6), "Asia/Tokyo")
    assert tokyo.started_at.astimezone(tz.gettz("Europe/Paris")).date() == D(2024, 6, 1)
    sessions = [session_at(datetime(2024, 6, 1, 19)), tokyo, session_at(datetime(2024, 6, 3, 19))]
    days = practice_days(sessions)
    assert days == {D(2024, 6, 1), D(2024, 6, 2), D(2024, 6, 3)}
    assert current_streak(days, D(2024, 6, 3), PLAIN) == 3


def test_travel_westwards_keeps_tokyo_date_ahead_of_home_today():
    # Practised on 2 June in Tokyo, flew to New York where it is still 1 June.
    sessions = [
        session_at(datetime(2024, 6, 1, 7), "Asia/Tokyo"),
        session_at(datetime(2024, 6, 2, 7), "Asia/Tokyo"),
    ]
    summary = summarize(sessions, PLAIN, D(2024, 6, 1))
    assert summary.current == 2 and summary.longest == 2
    assert summary.last_practice == D(2024, 6, 2)


def test_just_before_and_just_after_midnight_are_two_days():
    sessions = [session_at(datetime(2024, 5, 1, 23, 59)), session_at(datetime(2024, 5, 2, 0, 1))]
    assert practice_days(sessions) == {D(2024, 5, 1), D(2024, 5, 2)}
    assert current_streak(practice_days(sessions), D(2024, 5, 2), PLAIN) == 2


def test_two_sessions_on_one_day_are_one_practice_day():
    sessions = [session_at(datetime(2024, 5, 1, 7)), session_at(datetime(2024, 5, 1, 21))]
    assert summarize(sessions, PLAIN, D(2024, 5, 1)).practice_days == 1


def test_dst_spring_forward_day_counts_once():
    # Europe/Paris skips 02:00-03:00 on 31 March 2024: a 23-hour day.
    sessions = [
        session_at(datetime(2024, 3, 30, 2, 30)),
        session_at(datetime(2024, 3, 31, 2, 30)),  # does not exist; resolved to 03:30
        session_at(datetime(2024, 4, 1, 2, 30)),
    ]
    assert sessions[1].started_at.utcoffset() == timedelta(hours=2)
    assert sessions[1].local_date == D(2024, 3, 31)
    days = practice_days(sessions)
    assert current_streak(days, D(2024, 4, 1), PLAIN) == 3
    assert longest_streak(days, PLAIN) == 3


def test_dst_fall_back_day_counts_once():
    # Europe/Paris repeats 02:00-03:00 on 27 October 2024: a 25-hour day.
    sessions = [
        session_at(datetime(2024, 10, 26, 23, 30)),
        session_at(datetime(2024, 10, 27, 2, 30), fold=0),
        session_at(datetime(2024, 10, 27, 2, 30), fold=1),  # one hour later, same date
        session_at(datetime(2024, 10, 28, 0, 30)),
    ]
    assert sessions[2].started_at.astimezone(tz.UTC) - sessions[1].started_at.astimezone(tz.UTC) == timedelta(
        hours=1
    )
    days = practice_days(sessions)
    assert days == {D(2024, 10, 26), D(2024, 10, 27), D(2024, 10, 28)}
    assert current_streak(days, D(2024, 10, 28), PLAIN) == 3


def test_feb_29_in_a_leap_year():
    days = {D(2024, 2, 28), D(2024, 2, 29), D(2024, 3, 1)}
    assert current_streak(days, D(2024, 3, 1), PLAIN) == 3
    # 2023 has no 29 February: 28 Feb then 1 March are consecutive.
    assert current_streak({D(2023, 2, 28), D(2023, 3, 1)}, D(2023, 3, 1), PLAIN) == 2


# --- current and longest -------------------------------------------------


def test_current_streak_ends_yesterday_while_today_is_open():
    days = days_from(D(2024, 5, 1), 5)  # 1..5 May
    assert current_streak(days, D(2024, 5, 5), PLAIN) == 5
    assert current_streak(days, D(2024, 5, 6), PLAIN) == 5  # today not over yet
    assert current_streak(days, D(2024, 5, 7), PLAIN) == 0  # yesterday missed


def test_longest_streak_over_history():
    days = days_from(D(2024, 1, 1), 10) | days_from(D(2024, 2, 1), 4)
    assert longest_streak(days, PLAIN) == 10
    assert current_streak(days, D(2024, 2, 4), PLAIN) == 4


def test_thousand_day_streak_is_fast():
    days = days_from(D(2021, 1, 1), 1000)
    today = D(2021, 1, 1) + timedelta(days=999)
    started = time.perf_counter()
    summary = summarize([], PLAIN, today)  # warm import paths
    assert current_streak(days, today, PLAIN) == 1000
    assert longest_streak(days, PLAIN) == 1000
    score = consistency(days, today)
    assert time.perf_counter() - started < 0.5
    assert summary.current == 0
    assert 0.999 < score <= 1.0


def test_far_apart_sessions_are_fast():
    days = {D(1900, 1, 1), D(2024, 1, 1), D(2024, 1, 2)}
    settings = Settings(rest_days_per_week=2)
    started = time.perf_counter()
    assert longest_streak(days, settings) == 2
    assert current_streak(days, D(2024, 1, 2), settings) == 2
    assert 0 < consistency(days, D(2024, 1, 2), settings=settings) < 0.1
    assert time.perf_counter() - started < 0.5


# --- rest days -----------------------------------------------------------


def test_scheduled_rest_weekday_neither_breaks_nor_extends():
    # 2024-05-04 is a Saturday, 05-05 a Sunday.
    weekend_off = Settings(rest_weekdays=frozenset({5, 6}))
    days = days_from(D(2024, 4, 29), 5) | days_from(D(2024, 5, 6), 3)  # Mon-Fri, then Mon-Wed
    assert current_streak(days, D(2024, 5, 8), weekend_off) == 8
    assert longest_streak(days, weekend_off) == 8
    assert current_streak(days, D(2024, 5, 8), PLAIN) == 3


def test_today_being_a_rest_day_keeps_the_streak():
    weekend_off = Settings(rest_weekdays=frozenset({5, 6}))
    days = days_from(D(2024, 4, 29), 5)  # Mon-Fri
    assert current_streak(days, D(2024, 5, 5), weekend_off) == 5  # Sunday
    assert current_streak(days, D(2024, 5, 6), weekend_off) == 5  # Monday, not practised yet
    assert current_streak(days, D(2024, 5, 7), weekend_off) == 0  # Monday missed


def test_practising_on_a_rest_day_counts():
    weekend_off = Settings(rest_weekdays=frozenset({5, 6}))
    days = days_from(D(2024, 4, 29), 7)  # Mon-Sun
    assert current_streak(days, D(2024, 5, 5), weekend_off) == 7


def test_weekly_allowance_bridges_n_missed_days_per_iso_week():
    one_a_week = Settings(rest_days_per_week=1)
    # Week of Mon 29 April: missed Wed 1 May only. Week of Mon 6 May: missed Tue 7 May only.
    days = days_from(D(2024, 4, 29), 14) - {D(2024, 5, 1), D(2024, 5, 7)}
    assert current_streak(days, D(2024, 5, 12), one_a_week) == 12
    assert longest_streak(days, one_a_week) == 12
    assert longest_streak(days, PLAIN) == 5  # Thu 2 May .. Mon 6 May


def test_weekly_allowance_exceeded_breaks():
    one_a_week = Settings(rest_days_per_week=1)
    # Missed Tue 30 April and Thu 2 May: two misses in one ISO week.
    days = days_from(D(2024, 4, 29), 7) - {D(2024, 4, 30), D(2024, 5, 2)}
    # The best streak uses the allowance for Thursday: Wed, (Thu), Fri, Sat, Sun.
    assert longest_streak(days, one_a_week) == 4
    assert current_streak(days, D(2024, 5, 5), one_a_week) == 4


def test_allowance_is_kind_to_a_mid_week_start():
    two_a_week = Settings(rest_days_per_week=2)
    # Started on Wednesday 1 May, missed Thursday and Friday.
    days = {D(2024, 5, 1), D(2024, 5, 4), D(2024, 5, 5)}
    assert current_streak(days, D(2024, 5, 5), two_a_week) == 3


def test_allowance_and_schedule_combine():
    settings = Settings(rest_weekdays=frozenset({6}), rest_days_per_week=1)
    # Mon..Sun week with Sunday off and one extra miss on Wednesday.
    days = days_from(D(2024, 4, 29), 6) - {D(2024, 5, 1)}
    assert current_streak(days, D(2024, 5, 6), settings) == 5


def test_all_days_rest_never_breaks():
    settings = Settings(rest_weekdays=frozenset(range(7)))
    days = {D(2024, 1, 1), D(2024, 6, 1)}
    assert longest_streak(days, settings) == 2
    assert current_streak(days, D(2024, 7, 1), settings) == 2


def test_scheduled_rest_days_uses_the_weekday_schedule():
    settings = Settings(rest_weekdays=frozenset({5, 6}))
    assert scheduled_rest_days(D(2024, 4, 29), D(2024, 5, 12), settings) == {
        D(2024, 5, 4),
        D(2024, 5, 5),
        D(2024, 5, 11),
        D(2024, 5, 12),
    }
    assert scheduled_rest_days(D(2024, 4, 29), D(2024, 5, 12), PLAIN) == set()


def test_week_start_is_iso_monday():
    assert week_start(D(2024, 5, 5)) == D(2024, 4, 29)
    assert week_start(D(2024, 4, 29)) == D(2024, 4, 29)


# --- consistency ---------------------------------------------------------


def test_consistency_half_life():
    start = D(2024, 1, 1)
    assert consistency(days_from(start, 14), start + timedelta(days=13)) == pytest.approx(0.5)
    assert consistency(days_from(start, 28), start + timedelta(days=27)) == pytest.approx(0.75)


def test_one_missed_day_does_not_wipe_out_consistency():
    start = D(2024, 1, 1)
    days = days_from(start, 60)
    today = start + timedelta(days=60)
    full = consistency(days, today)
    missed = consistency(days - {start + timedelta(days=59)}, today)
    before = consistency(days_from(start, 59), start + timedelta(days=58))
    assert missed == pytest.approx(before * 2 ** (-1 / 14), rel=1e-9)
    assert missed > 0.9 * full


def test_today_not_yet_practised_does_not_lower_consistency():
    days = days_from(D(2024, 1, 1), 20)
    assert consistency(days, D(2024, 1, 21)) == consistency(days, D(2024, 1, 20))


def test_rest_days_do_not_count_against_consistency():
    weekend_off = Settings(rest_weekdays=frozenset({5, 6}))
    weekdays_only = {d for d in days_from(D(2024, 1, 1), 28) if d.weekday() < 5}
    today = D(2024, 1, 28)
    with_rest = consistency(weekdays_only, today, settings=weekend_off)
    assert with_rest == pytest.approx(consistency(days_from(D(2024, 1, 1), 20), D(2024, 1, 20)))
    assert with_rest > consistency(weekdays_only, today)
    allowance = Settings(rest_days_per_week=2)
    assert consistency(weekdays_only, today, settings=allowance) == pytest.approx(with_rest)


# --- properties ----------------------------------------------------------

BASE = D(2024, 1, 1)
day_sets = st.sets(st.integers(0, 120).map(lambda n: BASE + timedelta(days=n)), max_size=60)
any_settings = st.builds(
    Settings,
    rest_weekdays=st.frozensets(st.integers(0, 6), max_size=3),
    rest_days_per_week=st.integers(0, 3),
)
todays = st.integers(0, 130).map(lambda n: BASE + timedelta(days=n))


@given(day_sets, st.integers(0, 120).map(lambda n: BASE + timedelta(days=n)), any_settings)
def test_adding_a_session_never_lowers_the_longest_streak(days, extra, settings):
    assert longest_streak(days | {extra}, settings) >= longest_streak(days, settings)


@given(day_sets, todays, any_settings)
def test_current_le_longest_le_practice_days(days, today, settings):
    summary = summarize([], settings, today)
    assert summary.current == 0
    current = current_streak(days, today, settings)
    assert 0 <= current <= longest_streak(days, settings) <= len(days)


@given(day_sets, todays, any_settings, st.floats(1.0, 60.0))
def test_consistency_in_unit_interval(days, today, settings, half_life):
    assert 0.0 <= consistency(days, today, half_life, settings=settings) <= 1.0


small_day_sets = st.sets(st.integers(0, 45).map(lambda n: BASE + timedelta(days=n)), max_size=20)


@hsettings(max_examples=60, deadline=None)
@given(small_day_sets, any_settings)
def test_longest_matches_brute_force(days, settings):
    """The sliding window agrees with checking every run of days directly."""
    rest = settings.rest_weekdays
    allowance = settings.rest_days_per_week
    best = 0
    ordered = sorted(days)
    for i, first in enumerate(ordered):
        for last in ordered[i:]:
            misses: dict[date, int] = {}
            d = first
            while d <= last:
                if d not in days and d.weekday() not in rest:
                    misses[week_start(d)] = misses.get(week_start(d), 0) + 1
                d += timedelta(days=1)
            if all(n <= allowance for n in misses.values()):
                best = max(best, sum(1 for x in ordered if first <= x <= last))
    assert longest_streak(days, settings) == best
