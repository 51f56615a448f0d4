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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from tracker.dayafter import Response, Score, first_scores, response_flags, responses
from tracker.model import (
    Felt,
    PainRecord,
    Prescription,
    ProgressionRules,
    Session,
    Settings,
    Stability,
    UsualPain,
)
from tracker.pain import UsualPainTimeline, pain_flags

__all__ = [
    "Carry",
    "Fold",
    "FoldState",
    "PracticeHistory",
    "clamp",
    "floor_day",
    "level_history",
    "lowest",
    "phase_limit",
]


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


def floor_day(timeline: UsualPainTimeline) -> date | None:
    """The consult rule counts no session before the latest usual-pain record's day (None: no record)."""
    return timeline.records[-1].since if timeline.records else None


@dataclass(frozen=True, slots=True)
class FoldState:
    """What the rules keep of the sessions read so far, oldest first (`Fold.push`)."""

    painful_day: date | None = None  # the day of the latest painful session (tracker.pain.counted)
    last_program: Session | None = None
    since: date | None = None  # first day of the unbroken run at the latest program level
    epoch: date | None = None  # the first program day after the latest long gap
    last_change: Prescription | None = None
    ladder: tuple[Prescription, ...] = ()  # the increases still in effect, lowest first (clamped)
    epoch_yes: tuple[bool, ...] = ()  # the latest "stable: yes" flags of this epoch's program sessions
    stable: bool = False  # some run of `stable_window` sessions of this epoch held `stable_needed` yes
    floor_reached: bool = False  # a session on or after the consult floor was read
    consult_active: bool = False
    consult_triggered: date | None = None
    consult_run: int = 0
    consult_pains: tuple[bool, ...] = ()  # the latest counted sessions' pain flags, from the floor on
    consult_cap: Prescription | None = None  # the level the consult in force stepped back to (never above it)
    consult_met: bool = False  # a program session at or below the cap was logged after the latest pain
    last_reported: Session | None = None  # the latest program session with a stability report
    run_day: date | None = None  # the day of the latest run of program sessions sharing one day
    run_unsure: Session | None = None  # the latest "unsure" report in that run
    raised_on: date | None = None  # the first day of the latest program level, when it began as an increase


class Fold:
    """Reads sessions one at a time, in history order, into a `FoldState`: each rule's memory of the past.

    Reading every session from an empty state and reading the last ones from
    the state a `Carry` kept give the same state, which is what lets status
    answer from the last weeks of a long history.
    """

    def __init__(
        self, rules: ProgressionRules, program_id: str, floor: date | None, state: FoldState
    ) -> None:
        self.rules = rules
        self.program_id = program_id
        self.floor = floor
        # A mutable copy while reading (one FoldState per `state`, not one per session).
        self._st = SimpleNamespace(**{name: getattr(state, name) for name in FoldState.__dataclass_fields__})
        if floor is None:
            self._st.floor_reached = True

    @property
    def state(self) -> FoldState:
        return FoldState(**vars(self._st))

    @property
    def floor_reached(self) -> bool:
        return bool(self._st.floor_reached)

    def push(self, s: Session, painful: bool) -> bool:
        """Read one session; True when it counts in windows (tracker.pain.counted)."""
        st = self._st
        rules = self.rules
        if painful:
            st.painful_day = s.local_date
            counts = True
        else:
            counts = s.local_date != st.painful_day
        st.floor_reached = st.floor_reached or (self.floor is not None and s.local_date >= self.floor)
        program = s.routine == self.program_id and s.prescription is not None
        if program:
            assert s.prescription is not None
            self._program(s, s.prescription)
        if counts and st.floor_reached:
            need, span = rules.pain_consult
            window = (*st.consult_pains, painful)[-span:] if span > 0 else ()
            if painful:
                st.consult_run = 0
                st.consult_met = False
                if sum(window) >= need:
                    target = self._step_back()
                    if st.consult_active and st.consult_cap is not None and target is not None:
                        target = lowest(st.consult_cap, target)
                    st.consult_active, st.consult_triggered, st.consult_cap = True, s.local_date, target
            else:
                st.consult_run += 1
                if st.consult_active and st.consult_run >= rules.consult_clear_sessions:
                    st.consult_active, st.consult_cap, st.consult_met = False, None, False
            st.consult_pains = window[1:] if len(window) >= span else window
        if program and not painful and st.consult_active and st.consult_cap is not None:
            assert s.prescription is not None
            level = clamp(s.prescription, rules)
            st.consult_met = st.consult_met or lowest(level, st.consult_cap) == level
        return counts

    def _step_back(self) -> Prescription | None:
        """Where "undo the last increase" goes from the level read so far (None before any program session)."""
        last: Session | None = self._st.last_program
        ladder: tuple[Prescription, ...] = self._st.ladder
        if last is None or last.prescription is None:
            return None
        if len(ladder) >= 2:
            return ladder[-2]
        return one_below(clamp(last.prescription, self.rules), self.rules)

    def _program(self, s: Session, p: Prescription) -> None:
        st, rules = self._st, self.rules
        last = st.last_program
        gap = (s.local_date - last.local_date).days if last is not None else None
        same_run = (
            last is not None and last.prescription == p and gap is not None and gap < rules.gap_step_back_days
        )
        if not same_run:
            st.since = s.local_date
            before = (
                clamp(last.prescription, rules)
                if last is not None and last.prescription is not None
                else None
            )
            now = clamp(p, rules)
            st.raised_on = (
                s.local_date
                if before is not None and before != now and lowest(before, now) == before
                else None
            )
        if gap is None or gap >= rules.gap_restart_days:
            st.epoch, st.epoch_yes, st.stable = s.local_date, (), False
        if st.epoch is not None and s.local_date >= st.epoch:
            st.epoch_yes = (*st.epoch_yes, s.checkin.stable is Stability.YES)[-max(rules.stable_window, 1) :]
            st.stable = st.stable or (rules.stable_needed > 0 and sum(st.epoch_yes) >= rules.stable_needed)
        if st.last_change is None or p != st.last_change:
            st.last_change = p
            step = clamp(p, rules)
            kept = list(st.ladder)
            while kept and kept[-1] >= step:
                kept.pop()
            st.ladder = (*kept, step)
        if s.checkin.stable is not None:
            st.last_reported = s
        unsure = s.checkin.stable is Stability.UNSURE
        if s.local_date == st.run_day:
            st.run_unsure = s if unsure else st.run_unsure
        else:
            st.run_day, st.run_unsure = s.local_date, s if unsure else None
        st.last_program = s


def day_after_flags(
    sessions: Sequence[Session],
    rules: ProgressionRules,
    timeline: UsualPainTimeline,
    pain_records: Iterable[PainRecord],
    today: date,
    program_id: str,
) -> tuple[list[bool], list[bool], dict[date, Response]]:
    """(painful flags with the day after, the sessions' own flags, the responses): tracker.pain + tracker.dayafter."""
    own = pain_flags(sessions, rules, timeline)
    found = responses(sessions, pain_records, timeline, rules, today, program_id)
    late = response_flags(sessions, found)
    return [a or b for a, b in zip(own, late)], own, found


@dataclass(frozen=True, slots=True)
class Carry:
    """The sessions before a cut, as the rules need them: the last few, and the state before those.

    `recent` holds enough of the latest sessions for every window of the
    rules (the last N counted sessions, the last N program sessions);
    `state` is the `Fold` state after every session before `recent`.
    `PracticeHistory.read(tail, carry=...)` then answers exactly as it does
    for the whole history, provided every tail session started after every
    carried one, the consult floor is the same (`floor`) and the last week
    before the day asked about holds no carried session.
    """

    recent: tuple[Session, ...]
    state: FoldState
    floor: date | None
    last_started: datetime | None  # the latest start among the carried sessions

    @classmethod
    def of(
        cls,
        sessions: Sequence[Session],
        rules: ProgressionRules,
        program_id: str,
        usual_pain: Iterable[UsualPain] = (),
        base: Carry | None = None,
        pain_records: Iterable[PainRecord] = (),
    ) -> Carry:
        """The carry of ``sessions``; with ``base``, of base's sessions and then these (all started after
        base's last one, else ValueError), without reading base's sessions again.

        ``pain_records``: those dated up to the day after the last carried day at least (the day after
        of every carried day but the last; the last carried day is always kept whole in `recent`).
        """
        ordered = sorted(sessions, key=lambda s: (s.started_at, s.id))
        if (
            base is not None
            and ordered
            and base.last_started is not None
            and ordered[0].started_at <= base.last_started
        ):
            raise ValueError("a session started before the carry's last one")
        timeline = UsualPainTimeline(usual_pain)
        floor = floor_day(timeline)
        start_state = base.state if base is not None else FoldState()
        ordered = [*base.recent, *ordered] if base is not None else ordered
        last_day = max((s.local_date for s in ordered), default=date.min)
        flags = day_after_flags(ordered, rules, timeline, pain_records, last_day, program_id)[0]
        probe = Fold(rules, program_id, floor, start_state)
        keep = [probe.push(s, flags[i]) for i, s in enumerate(ordered)]
        need_counted = max(rules.pain_step_back[1], rules.pain_consult[1], rules.pain_free_sessions, 1)
        need_program = max(rules.stable_window, rules.easy_sessions, 1)
        start = len(ordered)
        seen_counted = seen_program = 0
        while start > 0 and (seen_counted < need_counted or seen_program < need_program):
            start -= 1
            seen_counted += keep[start]
            s = ordered[start]
            seen_program += s.routine == program_id and s.prescription is not None
        # Whole days only: a day's baseline and its response are read from all of its sessions.
        first_day = min((s.local_date for s in ordered[start:]), default=date.max)
        while start > 0 and ordered[start - 1].local_date >= first_day:
            start -= 1
            first_day = min(first_day, ordered[start].local_date)
        fold = Fold(rules, program_id, floor, start_state)
        for index in range(start):
            fold.push(ordered[index], flags[index])
        last = ordered[-1].started_at if ordered else (base.last_started if base is not None else None)
        return cls(tuple(ordered[start:]), fold.state, floor, last)


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
    counted: list[int] = field(
        default_factory=list
    )  # indices of sessions that count in windows (tracker.pain)
    floor_index: int = 0  # the first session the consult rule counts (see consult_floor)
    carried: FoldState = field(default_factory=lambda: FoldState())  # the state before `sessions`
    own_pains: list[bool] = field(default_factory=list)  # painful by the session alone (tracker.pain)
    responses: dict[date, Response] = field(
        default_factory=dict
    )  # the day after of each day (tracker.dayafter)
    scores: dict[date, Score] = field(default_factory=dict)  # each day's first pain score
    pain_records: list[PainRecord] = field(default_factory=list)  # dated up to today
    fold: FoldState = field(default_factory=lambda: FoldState())  # the state after every session

    @classmethod
    def read(
        cls,
        history: Sequence[Session],
        settings: Settings,
        today: date,
        rules: ProgressionRules,
        program_id: str,
        usual_pain: Iterable[UsualPain] = (),
        carry: Carry | None = None,
        pain_records: Iterable[PainRecord] = (),
    ) -> PracticeHistory:
        """Read ``history`` (sessions after ``today`` are left out).

        ``carry`` (see `Carry`): what the sessions before ``history`` left, so a long history is read
        from its last weeks; the answer is the same as reading every session (tests/unit/test_carry.py).
        """
        tail = sorted((s for s in history if s.local_date <= today), key=lambda s: (s.started_at, s.id))
        sessions = [*carry.recent, *tail] if carry is not None else tail
        timeline = UsualPainTimeline(r for r in usual_pain if r.since <= today)
        program = program_sessions(sessions, program_id)
        records = [r for r in pain_records if r.day <= today]
        flags, own, found = day_after_flags(sessions, rules, timeline, records, today, program_id)
        state = cls(today, rules, settings, sessions, flags, timeline, program, program_id)
        state.own_pains, state.responses, state.pain_records = own, found, records
        state.scores = first_scores(sessions, records)
        fold = Fold(rules, program_id, floor_day(timeline), carry.state if carry is not None else FoldState())
        state.carried = fold.state
        state.floor_index = 0 if fold.state.floor_reached else len(sessions)
        for index, session in enumerate(sessions):
            if fold.push(session, state.pains[index]):
                state.counted.append(index)
            if state.floor_index > index and fold.floor_reached:
                state.floor_index = index
        state.fold = fold.state
        last = fold.state.last_program
        if last is None:
            state.limit, state.phase = phase_limit(rules, None, today, False)
            return state
        assert last.prescription is not None
        state.current = last.prescription
        state.level = clamp(last.prescription, rules)
        state.since = fold.state.since
        state.epoch_start = fold.state.epoch
        state.ladder = list(fold.state.ladder)
        stable = fold.state.stable or rules.stable_needed <= 0
        state.limit, state.phase = phase_limit(rules, state.epoch_start, today, stable)
        return state

    # -- pain

    def notes(self) -> dict[int, str]:
        """The day after, by session index: the sentence quoted for the last session of a day whose response
        was worse (with the session's own pain first, when it was painful by itself too)."""
        last_of_day: dict[date, int] = {}
        for index, s in enumerate(self.sessions):
            last_of_day[s.local_date] = index
        found: dict[int, str] = {}
        for day, response in self.responses.items():
            found_index = last_of_day.get(day)
            if found_index is None or not response.worse:
                continue
            index = found_index
            text = response.sentence()
            if self.own_pains[index]:
                from tracker.pain import describe

                text = f"{describe(self.sessions[index], self.timeline.value_on(day))}; {text}"
            found[index] = text
        return found

    def latest_worse(self, n: int) -> tuple[int, Response] | None:
        """(index, response) of the newest session in the last ``n`` counted ones whose day's response was worse."""
        notes = self.notes()
        for index in reversed(self.window(n)):
            if index in notes:
                return index, self.responses[self.sessions[index].local_date]
        return None

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
        return self.floor_index

    def consult_state(self) -> tuple[bool, date | None, int]:
        """(a consult is in force, the day it was last triggered, counted sessions not painful since the last pain).

        Read forward over the counted sessions from `consult_floor` (`Fold.push`): a painful session
        that brings the window to ``pain_consult`` triggers it; it clears after
        ``consult_clear_sessions`` sessions in a row that are not painful.
        """
        return self.fold.consult_active, self.fold.consult_triggered, self.fold.consult_run

    def consult_cap(self) -> tuple[Prescription | None, bool]:
        """(the level the consult in force stepped back to, a session at or below it was logged since the pain)."""
        return self.fold.consult_cap, self.fold.consult_met

    def level_at(self, index: int) -> Prescription | None:
        """The program level in effect when session ``index`` was done."""
        for session in reversed(self.sessions[: index + 1]):
            if session.routine == self.program_id and session.prescription is not None:
                return clamp(session.prescription, self.rules)
        before = self.carried.last_program
        return clamp(before.prescription, self.rules) if before is not None and before.prescription else None

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
        reported = self.fold.last_reported
        if reported is not None and reported.checkin.stable is Stability.UNSURE:
            return reported
        if self.sessions and self.fold.run_day == self.sessions[-1].local_date:
            return self.fold.run_unsure  # the latest "unsure" among the last day's run of program sessions
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
