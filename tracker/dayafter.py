"""The day after: the one place for practice-rules.md, "The day after (added 2026-12-04)".

The **first pain score** of a day is the earliest of its pain records
(`PainRecord`, given without practising) and the pain-before answers of its
sessions. Pain after a session is not a first score: it says how the
session went, not how the back woke up.

The **response** to a practice day D (any routine) is the first pain score
of D+1. No score on D+1: no response (a later day is never read for D). It
is **worse** when all hold:

- it is at or above ``rules.pain_threshold``;
- it is above the usual pain in force on D+1;
- it is at least ``rules.response_rise`` above D's **baseline**: the lowest
  pain before recorded on D, else the usual pain in force on D, else 0.

A worse response makes D a painful day for every rule: the last session of
D is flagged painful (`response_flags`, once for the day however many
sessions it held), so the windows, the consult and the block on advancing
of `tracker.pain` / `tracker.practice` read it like any painful session.
What undoing an increase means is `tracker.progression`'s job.

The **weekly trend**: the median of the first pain scores of each 7-day
week ending today, and the two weeks before it; when it rises twice in a
row by at least 1 each time, the advice holds (`rising_weeks`).

The sentences quote the numbers ("the morning after 5 lifts on 2026-12-03
your pain was 4; before that session it was 1").

No Textual here (see the import-linter contract in pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tracker.model import PainRecord, Prescription, ProgressionRules, Session
from tracker.pain import UsualPainTimeline

__all__ = [
    "Response",
    "Score",
    "WeekTrend",
    "answer_effect",
    "asks_today",
    "first_scores",
    "level_words",
    "response_flags",
    "responses",
    "rising_weeks",
    "weekly_trend",
    "worse_from",
]

WEEKS_RISING = 2  # rises in a row that hold the advice
WEEK_RISE = 1  # points each rise needs


@dataclass(frozen=True, slots=True)
class Score:
    """One pain score given on `day`: a pain record, or the pain before of a session."""

    day: date
    value: int
    at: datetime | None  # when it was given (a session's start); None: a record with no time
    record: PainRecord | None = None  # the pain record, when it is one
    session: Session | None = None  # the session whose pain before it is

    @property
    def words(self) -> str:
        return "your pain was" if self.record is not None else "your pain before the first session was"


@dataclass(frozen=True, slots=True)
class Response:
    """The 24-hour response to practice day `day`: the first score of the next day, read against `day`."""

    day: date  # D, the practice day
    score: Score  # the first score of D+1
    baseline: int
    baseline_from: str  # "before" (one session's), "lowest" (several sessions'), "usual", "none"
    usual_next: int  # usual pain in force on D+1
    worse: bool
    what: str  # what was practised on D ("5 lifts", "gentle-morning")

    def sentence(self) -> str:
        """ "the morning after 5 lifts on 2026-12-03 your pain was 4; before that session it was 1"."""
        head = f"the morning after {self.what} on {self.day.isoformat()} your pain was {self.score.value}"
        if self.baseline_from == "before":
            base = f"before that session it was {self.baseline}"
        elif self.baseline_from == "lowest":
            base = f"before that day's sessions it was {self.baseline} at the lowest"
        elif self.baseline_from == "usual":
            base = (
                f"nothing was recorded before that day's sessions; your usual pain then was {self.baseline}"
            )
        else:
            base = "nothing was recorded before that day's sessions (counted as 0)"
        text = f"{head}; {base}"
        if self.worse:
            return text
        return f"{text}: not worse"


def _moment(score: Score) -> float:
    if score.at is not None:
        return score.at.timestamp()
    return float("-inf")  # a record without a time: as given at the start of its day


def first_scores(sessions: Iterable[Session], records: Iterable[PainRecord]) -> dict[date, Score]:
    """Each day's first pain score (see the module docstring)."""
    found: dict[date, Score] = {}

    def offer(score: Score) -> None:
        held = found.get(score.day)
        if held is None or _moment(score) < _moment(held):
            found[score.day] = score

    for record in records:
        at = record.recorded_at
        if at is not None and at.date() != record.day:
            at = None  # given for another day (`--date`): read as the first thing that day said
        offer(Score(record.day, record.value, at, record=record))
    for session in sessions:
        before = session.checkin.pain_before
        if before is not None:
            offer(Score(session.local_date, before, session.started_at, session=session))
    return found


def level_words(p: Prescription, rules: ProgressionRules) -> str:
    """ "3 lifts" while counts and hold are at their start, else the full description."""
    if p.count == rules.start_count and p.hold == 0:
        return f"{p.lifts} lift{'s' if p.lifts != 1 else ''}"
    return p.describe()


def _what(day_sessions: Sequence[Session], rules: ProgressionRules, program_id: str) -> str:
    program = [s for s in day_sessions if s.routine == program_id and s.prescription is not None]
    if program:
        last = program[-1].prescription
        assert last is not None
        return level_words(last, rules)
    names: list[str] = []
    for s in day_sessions:
        if s.routine not in names:
            names.append(s.routine)
    return " and ".join(names) if names else "practice"


def responses(
    sessions: Sequence[Session],
    records: Iterable[PainRecord],
    timeline: UsualPainTimeline,
    rules: ProgressionRules,
    today: date,
    program_id: str = "bridge",
) -> dict[date, Response]:
    """The response to every practice day of `sessions` whose next day is on or before `today` and has a score.

    `records`: the pain records (those after `today` are left out); `sessions` in history order.
    """
    by_day: dict[date, list[Session]] = {}
    for s in sessions:
        by_day.setdefault(s.local_date, []).append(s)
    scores = first_scores(
        (s for s in sessions if s.local_date <= today), (r for r in records if r.day <= today)
    )
    found: dict[date, Response] = {}
    for day, day_sessions in by_day.items():
        nxt = day + timedelta(days=1)
        score = scores.get(nxt)
        if nxt > today or score is None:
            continue
        befores = [s.checkin.pain_before for s in day_sessions if s.checkin.pain_before is not None]
        if befores:
            baseline = min(b for b in befores if b is not None)
            source = "before" if len(befores) == 1 else "lowest"
        else:
            usual = timeline.on(day)
            baseline = usual.value if usual is not None else 0
            source = "usual" if usual is not None else "none"
        usual_next = timeline.value_on(nxt)
        worse = (
            score.value >= rules.pain_threshold
            and score.value > usual_next
            and score.value >= baseline + rules.response_rise
        )
        found[day] = Response(
            day, score, baseline, source, usual_next, worse, _what(day_sessions, rules, program_id)
        )
    return found


def response_flags(sessions: Sequence[Session], found: dict[date, Response]) -> list[bool]:
    """For each session (history order): True for the last session of a day whose response is worse."""
    last_of_day: dict[date, int] = {}
    for index, s in enumerate(sessions):
        last_of_day[s.local_date] = index
    marked = {index for day, index in last_of_day.items() if day in found and found[day].worse}
    return [index in marked for index in range(len(sessions))]


@dataclass(frozen=True, slots=True)
class WeekTrend:
    """One 7-day week of first pain scores: from `first` to `last`, the median of its days' first scores."""

    first: date
    last: date
    days: int  # days with a first score
    median: float | None


def weekly_trend(scores: dict[date, Score], today: date, weeks: int = WEEKS_RISING + 1) -> list[WeekTrend]:
    """The `weeks` 7-day weeks ending `today`, oldest first."""
    trend: list[WeekTrend] = []
    for back in range(weeks - 1, -1, -1):
        last = today - timedelta(days=7 * back)
        first = last - timedelta(days=6)
        values = [
            scores[first + timedelta(days=i)].value for i in range(7) if first + timedelta(days=i) in scores
        ]
        trend.append(WeekTrend(first, last, len(values), _median(values) if values else None))
    return trend


def _median(values: list[int]) -> float:
    """The median of a non-empty list (the mean of the middle two for an even count), as statistics.median
    gives it; here because `statistics` (with fractions and decimal) costs every status ~2 ms to import."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def _num(value: float) -> str:
    return f"{value:g}"


def rising_weeks(scores: dict[date, Score], today: date) -> str | None:
    """The reason to hold when the weekly median rose twice in a row by `WEEK_RISE` or more; else None."""
    trend = weekly_trend(scores, today)
    medians = [w.median for w in trend]
    if any(m is None for m in medians):
        return None
    pairs = list(zip(medians, medians[1:]))
    if not all(b is not None and a is not None and b - a >= WEEK_RISE for a, b in pairs):
        return None
    said = ", then ".join(
        f"{_num(w.median)} ({w.first.isoformat()} to {w.last.isoformat()})"
        for w in trend
        if w.median is not None
    )
    return (
        f"your first pain score of the day has risen week by week: a weekly median of {said}; "
        "no step forward while it keeps rising"
    )


def answer_effect(
    value: int,
    today: date,
    sessions: Sequence[Session],
    records: Sequence[PainRecord],
    timeline: UsualPainTimeline,
    rules: ProgressionRules,
    consequence: str,
    program_id: str = "bridge",
    quiet: bool = False,
) -> str:
    """What a first pain score of `value` today will do, said before it is saved (`quiet`: "" when it reads no
    practice day, i.e. today already has a first score or yesterday was no practice day).

    ("4 is 3 above yesterday's 1 before: Backroll will hold your level".) `consequence` is what the
    advice would then do, worked out by the caller from the advice itself ("hold your level").
    """
    scores = first_scores(
        (s for s in sessions if s.local_date <= today), (r for r in records if r.day <= today)
    )
    if today in scores:
        if quiet:
            return ""
        first = scores[today]
        return (
            f"Today's first pain score was {first.value}: this one is kept, and the advice reads the first."
        )
    yesterday = today - timedelta(days=1)
    day_sessions = [s for s in sessions if s.local_date == yesterday]
    if not day_sessions:
        if quiet:
            return ""
        return "No practice yesterday: kept for your weekly trend; it does not move the advice."
    probe = PainRecord("probe", today, value, "", None)
    found = responses(day_sessions, [probe], timeline, rules, today, program_id)[yesterday]
    base = {
        "before": f"yesterday's {found.baseline} before",
        "lowest": f"yesterday's lowest {found.baseline} before",
        "usual": f"your usual {found.baseline} yesterday",
        "none": "0 (nothing was given before yesterday's practice)",
    }[found.baseline_from]
    diff = value - found.baseline
    if diff > 0:
        compared = f"{value} is {diff} above {base}"
    elif diff == 0:
        compared = f"{value} is the same as {base}"
    else:
        compared = f"{value} is {-diff} below {base}"
    if found.worse:
        return f"{compared}: Backroll will {consequence}."
    if value >= rules.pain_threshold and value > found.usual_next:
        return f"{compared}: less than {rules.response_rise} above, so yesterday's load was fine."
    return f"{compared}: yesterday's load was fine."


def asks_today(
    sessions: Sequence[Session], records: Sequence[PainRecord], today: date, program_id: str = "bridge"
) -> bool:
    """The Today card asks "How is your back today?" when today has no pain score yet and the last practice day
    (on or before today) held a session of the program."""
    scores = first_scores(
        (s for s in sessions if s.local_date <= today), (r for r in records if r.day <= today)
    )
    if today in scores:
        return False
    days = [s.local_date for s in sessions if s.local_date <= today]
    if not days:
        return False
    last = max(days)
    return any(
        s.local_date == last and s.routine == program_id and s.prescription is not None for s in sessions
    )


def worse_from(
    sessions: Sequence[Session],
    timeline: UsualPainTimeline,
    rules: ProgressionRules,
    today: date,
    program_id: str = "bridge",
) -> tuple[int, str] | None:
    """(the lowest first score today that reads as worse for yesterday, yesterday in words); None when
    yesterday was no practice day or no score can be worse."""
    yesterday = today - timedelta(days=1)
    day_sessions = [s for s in sessions if s.local_date == yesterday]
    if not day_sessions:
        return None
    probe = PainRecord("probe", today, 10, "", None)
    found = responses(day_sessions, [probe], timeline, rules, today, program_id)[yesterday]
    lowest = max(rules.pain_threshold, found.usual_next + 1, found.baseline + rules.response_rise)
    if lowest > 10:
        return None
    base = {
        "before": f"{found.baseline} before",
        "lowest": f"{found.baseline} before at the lowest",
        "usual": f"your usual {found.baseline}",
        "none": "no pain before given",
    }[found.baseline_from]
    return lowest, f"Yesterday: {found.what}, {base}."
