"""Practice days, streaks and the consistency score (practice-rules.md, section 2).

Rules as implemented:

- A **practice day** is ``Session.local_date`` exactly as stored: the local
  date where and when the session started. It is never re-derived from
  ``started_at`` or from today's time zone, so a session started in Tokyo
  keeps its Tokyo date after the person flies home. Any saved session
  counts, including one stopped because it hurt.
- **Declared rest days** never break a streak and never add to it:

  * ``Settings.rest_weekdays`` (0 = Monday): an unpractised day on one of
    these weekdays is bridged.
  * ``Settings.rest_days_per_week`` = N: inside a streak, each ISO week
    (Monday to Sunday) may hold up to N unpractised days besides the
    scheduled ones. A streak is therefore the longest run of days in which
    no ISO week has more than N missed days; the days are not assigned in
    advance, which keeps the rule kind to someone who starts mid-week and
    guarantees that practising more never shortens a streak.

  Practising on a rest day counts like any other practice day: it is still
  a practice day, and practice is never punished.
- **Current streak**: practice days in the streak ending today, or ending
  yesterday while today has no session yet (the day is not over). A
  session dated after ``today`` (the person crossed the date line
  westwards) makes that date "today" for this count.
- **Longest streak**: the largest number of practice days in any streak.
  Always ``current <= longest <= practice days``.
- **Consistency**: exponential smoothing of daily practice (1 for a
  practice day, 0 for a missed day) from the first practice day to the end
  of the last finished day (today included once practised), starting at 0,
  with a half-life of about 14 days: a perfect fortnight reaches 0.5, a
  perfect month 0.75, and one missed day costs about 5 %. Declared rest days
  (scheduled weekdays, and the first N missed days of each ISO week for the
  allowance) are skipped: they neither raise nor lower the score.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tracker.model import Session, Settings

__all__ = [
    "StreakSummary",
    "consistency",
    "current_streak",
    "longest_streak",
    "practice_days",
    "scheduled_rest_days",
    "summarize",
    "summarize_days",
    "week_start",
]

ONE_DAY = timedelta(days=1)
# A gap of more than this many days always contains a whole ISO week.
_WHOLE_WEEK_GAP = 14


@dataclass(frozen=True, slots=True)
class StreakSummary:
    """Everything the Today and Progress screens show about regularity."""

    current: int
    longest: int
    practice_days: int
    last_practice: date | None
    consistency: float  # 0..1


def practice_days(sessions: Iterable[Session]) -> set[date]:
    """The set of practice days: each session's stored ``local_date``."""
    return {session.local_date for session in sessions}


def week_start(day: date) -> date:
    """The Monday that starts ``day``'s ISO week (plain arithmetic: called for every day of a long history)."""
    return day - timedelta(days=day.weekday())


def _rest_weekdays(settings: Settings) -> frozenset[int]:
    return frozenset(d for d in settings.rest_weekdays if 0 <= d <= 6)


def _allowance(settings: Settings) -> int:
    return max(0, int(settings.rest_days_per_week))


def _never_breaks(settings: Settings) -> bool:
    """True when the rest days cover every possible miss: no streak can end."""
    return 7 - len(_rest_weekdays(settings)) <= _allowance(settings)


def scheduled_rest_days(start: date, end: date, settings: Settings) -> set[date]:
    """The scheduled rest days (``Settings.rest_weekdays``) from ``start`` to ``end`` inclusive.

    For the calendar heatmap; the weekly allowance has no fixed days.
    """
    from dateutil.rrule import WEEKLY, rrule  # here: only the heatmap and the report ask, not every status

    weekdays = sorted(_rest_weekdays(settings))
    if not weekdays or end < start:
        return set()
    rule = rrule(
        WEEKLY,
        byweekday=weekdays,
        dtstart=datetime.combine(start, datetime.min.time()),
        until=datetime.combine(end, datetime.min.time()),
    )
    return {moment.date() for moment in rule}


def _events(days: list[date], rest: frozenset[int]) -> Iterator[tuple[date, bool] | None]:
    """Practice days and missed days in order, ``None`` where a gap surely breaks.

    Scheduled rest days are left out: they neither count nor break. Only
    used when a streak can break at all, so a gap longer than two weeks
    (which holds a whole ISO week of misses) is a certain break.
    """
    previous: date | None = None
    for day in days:
        if previous is not None:
            if (day - previous).days > _WHOLE_WEEK_GAP:
                yield None
            else:
                between = previous + ONE_DAY
                while between < day:
                    if between.weekday() not in rest:
                        yield between, False
                    between += ONE_DAY
        yield day, True
        previous = day


def longest_streak(days: set[date], settings: Settings) -> int:
    """The most practice days in any streak of the whole history."""
    if not days:
        return 0
    if _never_breaks(settings):
        return len(days)
    allowance = _allowance(settings)
    if allowance == 0 and not _rest_weekdays(settings):  # no rest days: a streak is a run of calendar days
        return _longest_run(days)
    best = practised = 0
    window: deque[tuple[date, bool]] = deque()
    misses: Counter[date] = Counter()
    for event in _events(sorted(days), _rest_weekdays(settings)):
        if event is None:
            window.clear()
            misses.clear()
            practised = 0
            continue
        day, is_practice = event
        window.append(event)
        if is_practice:
            practised += 1
            best = max(best, practised)
            continue
        week = week_start(day)
        misses[week] += 1
        while misses[week] > allowance:  # drop the oldest days until this week fits again
            old_day, old_practice = window.popleft()
            if old_practice:
                practised -= 1
            else:
                misses[week_start(old_day)] -= 1
    return best


def _longest_run(days: set[date]) -> int:
    """The most consecutive calendar days in `days` (not empty), counted on day numbers: a long history's
    every day as a date object and a week's Counter cost Today ~3 ms at 10k sessions."""
    ordinals = sorted(map(date.toordinal, days))
    best = run = 1
    for before, day in zip(ordinals, ordinals[1:]):
        if day == before + 1:
            run += 1
            if run > best:
                best = run
        else:
            run = 1
    return best


def current_streak(days: set[date], today: date, settings: Settings) -> int:
    """Practice days in the streak ending today (or yesterday while today has no session yet)."""
    if not days:
        return 0
    today = max(today, max(days))  # a session dated ahead of today (date line) is today
    end = today if today in days else today - ONE_DAY
    if _never_breaks(settings):
        return sum(1 for day in days if day <= end)
    rest = _rest_weekdays(settings)
    allowance = _allowance(settings)
    first = min(days)
    misses: Counter[date] = Counter()
    count = 0
    day = end
    while day >= first:
        if day in days:
            count += 1
        elif day.weekday() not in rest:
            week = week_start(day)
            misses[week] += 1
            if misses[week] > allowance:
                break
        if day == date.min:
            break
        day -= ONE_DAY
    return count


def consistency(
    days: set[date],
    today: date,
    half_life: float = 14.0,
    *,
    settings: Settings | None = None,
) -> float:
    """Exponentially smoothed share of practised days, 0..1 (see the module docstring).

    ``settings`` supplies the declared rest days, which are skipped.
    """
    if not days:
        return 0.0
    settings = settings or Settings()
    today = max(today, max(days))
    end = today if today in days else today - ONE_DAY
    alpha = 1.0 - 0.5 ** (1.0 / max(half_life, 1e-9))
    keep = 1.0 - alpha
    rest = _rest_weekdays(settings)
    allowance = _allowance(settings)
    practice = sorted(days)
    score = 0.0
    misses: Counter[date] = Counter()
    day = practice[0]
    index = 0  # next practice day not yet reached
    while day <= end:
        if day in days:
            score = keep * score + alpha
            index += 1
        elif day.weekday() not in rest:
            week = week_start(day)
            misses[week] += 1
            if misses[week] > allowance:
                score *= keep
        if score < 1e-12 and index < len(practice):
            # Nothing left to decay: jump to the next practice day's week
            # (from its Monday, so the weekly allowance is still counted right).
            score = 0.0
            day = max(day + ONE_DAY, week_start(practice[index]))
            continue
        if index >= len(practice) and day.weekday() == 6 and day < end:
            # After the last practice day every whole week is alike: decay it arithmetically, so
            # `status --today` far ahead takes no longer than today's (bounded, not one step a day).
            weeks = (end - day).days // 7
            if weeks:
                missed = sum(1 for weekday in range(7) if weekday not in rest)
                score *= keep ** (max(0, missed - allowance) * weeks)
                day += timedelta(days=7 * weeks)
                if score < 1e-12:
                    return 0.0
        day += ONE_DAY
    return min(1.0, max(0.0, score))


def summarize(sessions: Iterable[Session], settings: Settings, today: date) -> StreakSummary:
    """Streaks, practice-day count, last practice and consistency for ``today``."""
    return summarize_days(practice_days(sessions), settings, today)


def summarize_days(days: set[date], settings: Settings, today: date) -> StreakSummary:
    """`summarize` from the practice days alone (the summary cache keeps them, not the sessions)."""
    return StreakSummary(
        current=current_streak(days, today, settings),
        longest=longest_streak(days, settings),
        practice_days=len(days),
        last_practice=max(days) if days else None,
        consistency=consistency(days, today, settings=settings),
    )
