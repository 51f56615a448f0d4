"""The history as the progression engine reads it: levels, epochs, pain windows, stability, phase limits.

`PracticeHistory.read(...)` takes the sessions as of a day and precomputes
what every rule of `tracker.progression` asks: the level and since when, the
ladder of increases still in effect (for "undo the last increase"), the
current epoch (a new first week after a long gap), the painful sessions
(`tracker.pain`), the consult's state, stability, and what the current phase
of the program allows (`phase_limit`). Deciding is `tracker.progression`'s
job; this module only reads.

No Textual here (see the import-linter contract in pyproject.toml).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterable, Sequence

from tracker.model import Felt, Prescription, ProgressionRules, Session, Settings, Stability, UsualPain
from tracker.pain import UsualPainTimeline, counted, pain_flags

__all__ = ["PracticeHistory", "clamp", "level_history", "lowest", "phase_limit"]


def program_sessions(sessions: Iterable[Session], program_id: str) -> list[Session]:
    return [s for s in sessions if s.routine == program_id and s.prescription is not None]


def level_history(history: Iterable[Session], program_id: str) -> list[tuple[date, Prescription]]:
    """The level practised on each practice day of the program, oldest first, for the progress chart.

    One entry per day with a program session: the prescription of that day's last session.
    """
    by_day: dict[date, Prescription] = {}
    for session in sorted(program_sessions(history, program_id), key=lambda s: s.started_at):
        assert session.prescription is not None
        by_day[session.local_date] = session.prescription
    return sorted(by_day.items())


def clamp(p: Prescription, rules: ProgressionRules) -> Prescription:
    """Within the program's own ranges: 1..max_lifts, start_count..max_count, 0..max_hold."""
    return Prescription(
        min(max(p.lifts, 1), rules.max_lifts),
        min(max(p.count, rules.start_count), rules.max_count),
        min(max(p.hold, 0), rules.max_hold),
    )


def lowest(a: Prescription, b: Prescription) -> Prescription:
    """Dimension by dimension, the lower of two prescriptions."""
    return Prescription(min(a.lifts, b.lifts), min(a.count, b.count), min(a.hold, b.hold))


def one_below(p: Prescription, rules: ProgressionRules) -> Prescription:
    """One step down the program's path: hold first, then counts, then lifts."""
    if p.hold > 0:
        hold = p.hold - 1
        return Prescription(p.lifts, p.count, hold if hold >= rules.first_hold else 0)
    if p.count > rules.start_count:
        return Prescription(p.lifts, p.count - 1, 0)
    return Prescription(max(1, p.lifts - 1), p.count, 0)


def _ladder(prescriptions: Iterable[Prescription]) -> list[Prescription]:
    """The increases still in effect, lowest first: levels later undone are dropped."""
    ladder: list[Prescription] = []
    for p in prescriptions:
        while ladder and ladder[-1] >= p:
            ladder.pop()
        ladder.append(p)
    return ladder


def _stable_somewhere(program: Sequence[Session], rules: ProgressionRules) -> bool:
    """True when some run of ``stable_window`` program sessions held ``stable_needed`` "yes" reports."""
    if rules.stable_needed <= 0:
        return True
    window = max(rules.stable_window, 1)
    yes = [s.checkin.stable is Stability.YES for s in program]
    return any(sum(yes[max(0, i - window + 1) : i + 1]) >= rules.stable_needed for i in range(len(yes)))


def phase_limit(
    rules: ProgressionRules, epoch_start: date | None, today: date, stable_in_epoch: bool
) -> tuple[Prescription, str]:
    """What the program allows as of ``today``, and the phase's name for the reasons.

    Day 1 of an epoch: the start level. The rest of the first week:
    ``first_week_lifts`` at the start count, no hold. Then the maxima, with a
    hold only once stability was reported.
    """
    start = rules.start
    if epoch_start is None or today <= epoch_start:
        return start, "day 1 of the program"
    day = (today - epoch_start).days + 1
    if day <= rules.first_week_days:
        lifts = max(rules.first_week_lifts, start.lifts)
        return Prescription(lifts, start.count, 0), f"day {day} of {rules.first_week_days} of your first week"
    hold = rules.max_hold if stable_in_epoch else 0
    name = "the program" if stable_in_epoch else "the program before you have reported feeling stable"
    return Prescription(rules.max_lifts, rules.max_count, hold), name


@dataclass
class PracticeHistory:
    """The history as of ``today``, with what every rule needs precomputed."""

    today: date
    rules: ProgressionRules
    settings: Settings
    sessions: list[Session]  # every routine, history order
    pains: list[bool]
    timeline: UsualPainTimeline
    program: list[Session]  # program sessions with a prescription, history order
    program_id: str
    current: Prescription | None = None  # as logged
    level: Prescription | None = None  # clamped into the program's ranges
    since: date | None = None
    epoch_start: date | None = None
    ladder: list[Prescription] = field(default_factory=list)
    limit: Prescription | None = None  # what the phase allows today
    phase: str = ""
    counted: list[int] = field(default_factory=list)  # indices of sessions that count in windows (tracker.pain)

    @classmethod
    def read(
        cls,
        history: Sequence[Session],
        settings: Settings,
        today: date,
        rules: ProgressionRules,
        program_id: str,
        usual_pain: Iterable[UsualPain] = (),
    ) -> PracticeHistory:
        sessions = sorted((s for s in history if s.local_date <= today), key=lambda s: (s.started_at, s.id))
        timeline = UsualPainTimeline(r for r in usual_pain if r.since <= today)
        program = program_sessions(sessions, program_id)
        state = cls(today, rules, settings, sessions, pain_flags(sessions, rules, timeline), timeline, program, program_id)
        state.counted = counted(sessions, state.pains)
        if not program:
            state.limit, state.phase = phase_limit(rules, None, today, False)
            return state
        latest = program[-1].prescription
        assert latest is not None
        state.current = latest
        state.level = clamp(latest, rules)
        # Since when at this level: back through the run of equal prescriptions, stopping at a long gap.
        since = program[-1].local_date
        for older in reversed(program[:-1]):
            if older.prescription != latest or (since - older.local_date).days >= rules.gap_step_back_days:
                break
            since = older.local_date
        state.since = since
        epoch = program[0].local_date
        for earlier, later in zip(program, program[1:]):
            if (later.local_date - earlier.local_date).days >= rules.gap_restart_days:
                epoch = later.local_date
        state.epoch_start = epoch
        changes: list[Prescription] = []
        for session in program:
            if session.prescription is not None and (not changes or session.prescription != changes[-1]):
                changes.append(session.prescription)
        state.ladder = _ladder(clamp(p, rules) for p in changes)
        in_epoch = [s for s in program if s.local_date >= epoch]
        state.limit, state.phase = phase_limit(rules, epoch, today, _stable_somewhere(in_epoch, rules))
        return state

    # -- pain

    @property
    def gap(self) -> int:
        """Days since the last program session (a session yesterday is a gap of 1)."""
        return (self.today - self.program[-1].local_date).days

    def window(self, n: int, floor: int = 0) -> list[int]:
        """Indices of the last ``n`` counted sessions (see tracker.pain), none before index ``floor``."""
        if n <= 0:
            return []
        return [i for i in self.counted[-n:] if i >= floor]

    def pains_in_last(self, n: int) -> tuple[int, int]:
        """(painful sessions, sessions looked at) in the window of the last ``n`` sessions."""
        window = self.window(n)
        return sum(self.pains[i] for i in window), len(window)

    def latest_pain_index(self, n: int) -> int | None:
        return next((i for i in reversed(self.window(n)) if self.pains[i]), None)

    def consult_floor(self) -> int:
        """Index of the first session the consult rule counts: none before the latest usual-pain record."""
        records = self.timeline.records
        if not records:
            return 0
        since = records[-1].since
        return next((i for i, s in enumerate(self.sessions) if s.local_date >= since), len(self.sessions))

    def consult_state(self) -> tuple[bool, date | None, int]:
        """(a consult is in force, the day it was last triggered, counted sessions not painful since the last pain).

        Run forward over the counted sessions from `consult_floor`: a painful
        session that brings the window to ``pain_consult`` triggers it; it
        clears after ``consult_clear_sessions`` sessions in a row that are
        not painful.
        """
        need, span = self.rules.pain_consult
        active, triggered, run = False, None, 0
        floor = self.consult_floor()
        positions = [i for i in self.counted if i >= floor]
        for k, index in enumerate(positions):
            if self.pains[index]:
                run = 0
                if sum(self.pains[i] for i in positions[max(0, k - span + 1) : k + 1]) >= need:
                    active, triggered = True, self.sessions[index].local_date
            else:
                run += 1
                if active and run >= self.rules.consult_clear_sessions:
                    active = False
        return active, triggered, run

    def level_at(self, index: int) -> Prescription | None:
        """The program level in effect when session ``index`` was done."""
        for session in reversed(self.sessions[: index + 1]):
            if session.routine == self.program_id and session.prescription is not None:
                return clamp(session.prescription, self.rules)
        return None

    def stepped_back_since_pain(self, n: int) -> bool:
        """True when the person already practises below the level they were at at the latest pain."""
        index = self.latest_pain_index(n)
        if index is None or self.level is None:
            return False
        then = self.level_at(index)
        return then is not None and self.level < then

    def step_back_target(self) -> Prescription:
        assert self.level is not None
        if len(self.ladder) >= 2:
            return self.ladder[-2]
        return one_below(self.level, self.rules)

    # -- stability and feeling (program sessions only)

    def unsure_report(self) -> Session | None:
        """The program session whose "unsure" blocks advancing: the latest report, or one on the last day."""
        reported = [s for s in self.program if s.checkin.stable is not None]
        if reported and reported[-1].checkin.stable is Stability.UNSURE:
            return reported[-1]
        if self.sessions:
            last_day = self.sessions[-1].local_date
            for s in reversed(self.program):
                if s.local_date != last_day:
                    break
                if s.checkin.stable is Stability.UNSURE:
                    return s
        return None

    def stable_count(self) -> tuple[int, int]:
        window = self.program[-self.rules.stable_window :] if self.rules.stable_window > 0 else []
        return sum(1 for s in window if s.checkin.stable is Stability.YES), len(window)

    def felt_easy(self) -> bool:
        n = self.rules.easy_sessions
        window = self.program[-n:] if n > 0 else []
        return len(window) >= max(n, 1) and all(s.checkin.felt is Felt.EASY for s in window)

    # -- practice days

    def week_window(self) -> tuple[date, date]:
        """The last 7 days: ending today once practised, else ending yesterday."""
        days = self.rules.days_per_level
        practised_today = self.program[-1].local_date == self.today
        end = self.today if practised_today else self.today - timedelta(days=1)
        return end - timedelta(days=days - 1), end

    def practice_days_in(self, first: date, last: date) -> int:
        return len({s.local_date for s in self.program if first <= s.local_date <= last})

    def days_needed(self, first: date, last: date) -> int:
        """``min_practice_days_per_week``, lowered when declared rest days leave fewer days to practise."""
        span = (last - first).days + 1
        rest_weekdays = {d for d in self.settings.rest_weekdays if 0 <= d <= 6}
        open_days = sum(1 for i in range(span) if (first + timedelta(days=i)).weekday() not in rest_weekdays)
        open_days = min(open_days, span - max(0, self.settings.rest_days_per_week))
        return max(1, min(self.rules.min_practice_days_per_week, open_days))
