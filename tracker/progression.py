"""The bridge program's progression engine (practice-rules.md, section 1).

``advise(history, settings, today, rules)`` reads the history as of
``today`` and says what the next session should be, as an `Advice` with a
kind, the prescription, the current level, a message and the reasons (human
sentences carrying the numbers that decided). Every threshold comes from
`ProgressionRules`; none is written here.

How the history is read
-----------------------
- Sessions dated after ``today`` are ignored; the rest are taken in the
  order they started (``started_at``, an instant).
- **Level**: only sessions of the program (``routine == program_id``) that
  carry a prescription drive the level. The level a person is at is the
  prescription of their latest such session; "since" is the first day of
  the unbroken run of sessions at that prescription (a gap of
  ``gap_step_back_days`` or more also starts a new run).
- **Undo the last increase** returns to the level practised before it: the
  previous distinct prescription, skipping levels that were later undone
  (after 2 -> 3 -> 4 -> 3, stepping back again goes to 2, never to 4). With
  no earlier level it goes one step down the program: hold first, then
  counts, then lifts, never below 1 lift, ``start_count`` and hold 0.
- **Restart** goes back to the week-1 level, ``rules.start`` (never higher
  than the current level). A session after a gap of ``gap_restart_days`` or
  more begins a new first week.
- **Gap**: days since the last program session, ``today - last date``
  (a session yesterday is a gap of 1). Calendar days: declared rest days do
  not stop a body from losing what it trained.
- **Pain** (any routine: the seed's "with any of these exercises"). A
  session counts as painful when it was stopped because it hurt, or when
  ``pain_after >= rules.pain_threshold`` *and* ``pain_after`` is higher than
  the pain before it. "Before" is the session's own ``pain_before``; when it
  was not given, the person's most recent earlier ``pain_before`` (their
  usual level); with no before at all, any ``pain_after`` at or above the
  threshold counts. So chronic pain that a session leaves unchanged (or
  eases) is not counted against the person, while a session that leaves
  them worse is.
- **Stability**: ``Stability.YES`` is the only "stable"; ``UNSURE`` counts
  as no ("if you can't tell, you aren't there yet"). The stable count for
  holding uses the last ``stable_window`` program sessions; the
  never-advance guard uses the latest stability report of any session.
- **Felt easy**: the last ``easy_sessions`` program sessions all felt easy.

The rules table, most cautious first
------------------------------------
1. ``consult``: pain in ``pain_consult[0]`` of the last ``pain_consult[1]``
   sessions. Steps back and advises a personal trainer or a doctor.
2. ``restart``: no practice for ``gap_restart_days`` or more.
3. ``step_back``: pain in ``pain_step_back[0]`` of the last
   ``pain_step_back[1]`` sessions, or no practice for ``gap_step_back_days``
   or more. Undoes the last increase.
4. ``stay``: pain in the last session (with the stop-if-it-hurts note).

When several apply, the kind is the most cautious one and the prescription
the lowest any of them asks for; the reasons of all are given. A pain
step-back is taken once per episode: once the person practises below the
level they were at when the pain came, ``step_back`` becomes ``stay`` (and
``consult`` keeps advising a professional without stepping down again),
so one episode does not slide them down every day it stays in the window.

Then, when no cautious row applies:

5. ``start``: no program session yet: ``rules.start``.
6. ``maintain``: at (max_lifts, max_count, max_hold): points to the next
   poses of the series.
7. First ``first_week_days`` days since the first session (of the program,
   or since a restart): ``stay``, or once, after day 1, ``add_lifts`` by
   ``normal_step`` up to ``first_week_lifts`` unless the last session felt
   hard.
8. ``add_lifts`` (lifts < max): +``easy_step`` if the last sessions felt
   easy, else +``normal_step``, never above ``max_lifts``.
9. ``hold_bridge`` (lifts at max, stable in ``stable_needed`` of the last
   ``stable_window`` sessions): hold 0 -> ``first_hold``, then +1, up to
   ``max_hold``.
10. ``lengthen_counts`` (lifts at max, sessions feel easy, and either not
    yet holding and not stable, or the hold already at ``max_hold``, so
    that the full (8, 8, 8) can be reached by the stable too): count +1 up
    to ``max_count``.
11. Otherwise ``stay``, with the reasons saying what is still missing.

Rows 8-10 advance only when all of these hold: a full week at the level
(``today >= since + days_per_level``), practice on at least
``min_practice_days_per_week`` of the last 7 days (fewer if the declared
rest days leave fewer days to practise), no pain in the last
``pain_free_sessions`` sessions, and the latest stability report is not
"unsure". Hence a level is never raised twice within ``days_per_level``
days; the only advance inside a level's first week is row 7's single
first-week step after day 1.

Prescriptions are always kept within 1..max_lifts lifts,
start_count..max_count counts and 0..max_hold hold. No advice ever names a
diagnosis.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Iterable, Sequence

from tracker.model import Felt, Prescription, ProgressionRules, Session, Settings, Stability

__all__ = [
    "ADVANCING",
    "Advice",
    "AdviceKind",
    "NEXT_POSES",
    "advise",
    "level_history",
    "pain_flags",
]

PROGRAM_ID = "bridge"
NEXT_POSES = ("child's pose", "cat and cow", "downward and upward dog", "cobra")
STOP_IF_IT_HURTS = "If it hurts, stop: that is always the right call."
SEE_SOMEONE = (
    "Please see a personal trainer or a doctor to make sure these exercises are done "
    "in a way that suits your body."
)
STAY_EASIER = "You can always choose to stay at an easier level."


class AdviceKind(StrEnum):
    """What the advice asks for; the values are the CLI's and the export's words."""

    START = "start"
    STAY = "stay"
    ADD_LIFTS = "add_lifts"
    HOLD_BRIDGE = "hold_bridge"
    LENGTHEN_COUNTS = "lengthen_counts"
    STEP_BACK = "step_back"
    CONSULT = "consult"
    RESTART = "restart"
    MAINTAIN = "maintain"


ADVANCING = frozenset({AdviceKind.ADD_LIFTS, AdviceKind.HOLD_BRIDGE, AdviceKind.LENGTHEN_COUNTS})
# Most cautious first: the order in which cautious rows win.
_CAUTION = (AdviceKind.CONSULT, AdviceKind.RESTART, AdviceKind.STEP_BACK, AdviceKind.STAY)


@dataclass(frozen=True, slots=True)
class Advice:
    """The advice for the next session and why it was given."""

    kind: AdviceKind
    prescription: Prescription  # for the next session
    current: Prescription | None  # the level of the latest program session; None before the first
    message: str
    reasons: tuple[str, ...] = ()

    @property
    def advances(self) -> bool:
        """True when the advice raises the level (add lifts, hold, lengthen counts)."""
        return self.kind in ADVANCING

    @property
    def changed(self) -> bool:
        """True when the next session's prescription differs from the current level."""
        return self.current != self.prescription


# --------------------------------------------------------------------------- pain


def pain_flags(sessions: Sequence[Session], rules: ProgressionRules = ProgressionRules()) -> list[bool]:
    """For sessions in history order, whether each counts as painful (see the module docstring)."""
    flags: list[bool] = []
    baseline: int | None = None
    for session in sessions:
        checkin = session.checkin
        before = checkin.pain_before if checkin.pain_before is not None else baseline
        after = checkin.pain_after
        flags.append(
            session.hurt
            or (after is not None and after >= rules.pain_threshold and (before is None or after > before))
        )
        if checkin.pain_before is not None:
            baseline = checkin.pain_before
    return flags


# --------------------------------------------------------------------------- levels


def _program_sessions(sessions: Iterable[Session], program_id: str) -> list[Session]:
    return [s for s in sessions if s.routine == program_id and s.prescription is not None]


def level_history(history: Iterable[Session], program_id: str = PROGRAM_ID) -> list[tuple[date, Prescription]]:
    """The level practised on each practice day of the program, oldest first, for the progress chart.

    One entry per day with a program session: the prescription of that day's last session.
    """
    by_day: dict[date, Prescription] = {}
    for session in sorted(_program_sessions(history, program_id), key=lambda s: s.started_at):
        assert session.prescription is not None
        by_day[session.local_date] = session.prescription
    return sorted(by_day.items())


def _clamp(p: Prescription, rules: ProgressionRules) -> Prescription:
    return Prescription(
        min(max(p.lifts, 1), rules.max_lifts),
        min(max(p.count, rules.start_count), rules.max_count),
        min(max(p.hold, 0), rules.max_hold),
    )


def _lowest(a: Prescription, b: Prescription) -> Prescription:
    return Prescription(min(a.lifts, b.lifts), min(a.count, b.count), min(a.hold, b.hold))


def _one_below(p: Prescription, rules: ProgressionRules) -> Prescription:
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


def _short(p: Prescription, rules: ProgressionRules) -> str:
    """ "3 lifts" while counts and hold are at their start, else the full description."""
    if p.count == rules.start_count and p.hold == 0:
        return f"{p.lifts} lift{'s' if p.lifts != 1 else ''}"
    return p.describe()


def _last(n: int) -> str:
    """ "the last session" / "the last 3 sessions"."""
    return "the last session" if n == 1 else f"the last {n} sessions"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# --------------------------------------------------------------------------- reading the history


@dataclass
class _History:
    """The history as of ``today``, with what every rule needs precomputed."""

    today: date
    rules: ProgressionRules
    settings: Settings
    sessions: list[Session]  # every routine, history order
    pains: list[bool]
    program: list[Session]  # program sessions with a prescription, history order
    program_id: str = PROGRAM_ID
    current: Prescription | None = None  # as logged
    level: Prescription | None = None  # clamped into the program's bounds
    since: date | None = None
    epoch_start: date | None = None
    ladder: list[Prescription] = field(default_factory=list)

    @classmethod
    def read(
        cls, history: Sequence[Session], settings: Settings, today: date, rules: ProgressionRules, program_id: str
    ) -> _History:
        sessions = sorted((s for s in history if s.local_date <= today), key=lambda s: s.started_at)
        program = _program_sessions(sessions, program_id)
        state = cls(today, rules, settings, sessions, pain_flags(sessions, rules), program, program_id)
        if not program:
            return state
        latest = program[-1].prescription
        assert latest is not None
        state.current = latest
        state.level = _clamp(latest, rules)
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
        state.ladder = _ladder(_clamp(p, rules) for p in changes)
        return state

    # -- signals

    @property
    def gap(self) -> int:
        return (self.today - self.program[-1].local_date).days

    def pains_in_last(self, n: int) -> tuple[int, int]:
        """(painful sessions, sessions looked at) among the last ``n`` sessions."""
        window = self.pains[-n:] if n > 0 else []
        return sum(window), len(window)

    def latest_pain_index(self, n: int) -> int | None:
        for index in range(len(self.sessions) - 1, max(len(self.sessions) - n, 0) - 1, -1):
            if self.pains[index]:
                return index
        return None

    def level_at(self, index: int) -> Prescription | None:
        """The program level in effect when session ``index`` was done."""
        for session in reversed(self.sessions[: index + 1]):
            if session.routine == self.program_id and session.prescription is not None:
                return _clamp(session.prescription, self.rules)
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
        return _one_below(self.level, self.rules)

    def latest_stability(self) -> Stability | None:
        for session in reversed(self.sessions):
            if session.checkin.stable is not None:
                return session.checkin.stable
        return None

    def stable_count(self) -> tuple[int, int]:
        window = self.program[-self.rules.stable_window :] if self.rules.stable_window > 0 else []
        return sum(1 for s in window if s.checkin.stable is Stability.YES), len(window)

    def felt_easy(self) -> bool:
        n = self.rules.easy_sessions
        window = self.program[-n:] if n > 0 else []
        return len(window) >= max(n, 1) and all(s.checkin.felt is Felt.EASY for s in window)

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


# --------------------------------------------------------------------------- the rules


@dataclass(frozen=True, slots=True)
class _Row:
    kind: AdviceKind
    prescription: Prescription
    reasons: tuple[str, ...]


def _cautious_rows(h: _History) -> list[_Row]:
    """Every cautious row that applies (consult, restart, step_back, stay after pain)."""
    rules = h.rules
    level = h.level
    rows: list[_Row] = []

    hits, seen = h.pains_in_last(rules.pain_consult[1])
    if hits >= rules.pain_consult[0]:
        reason = f"pain reported in {hits} of the last {seen} sessions"
        if level is None:
            rows.append(_Row(AdviceKind.CONSULT, rules.start, (reason,)))
        elif h.stepped_back_since_pain(rules.pain_consult[1]):
            rows.append(_Row(AdviceKind.CONSULT, level, (reason, "you have already stepped back since that pain")))
        else:
            rows.append(_Row(AdviceKind.CONSULT, h.step_back_target(), (reason,)))

    if level is None:
        return rows

    gap = h.gap
    last = h.program[-1].local_date
    gap_reason = f"last practice {_plural(gap, 'day')} ago ({last.isoformat()})"
    if gap >= rules.gap_restart_days:
        rows.append(
            _Row(
                AdviceKind.RESTART,
                _clamp(_lowest(level, rules.start), rules),
                (f"{gap_reason}: after {rules.gap_restart_days} days or more, start again at week-1 levels",),
            )
        )
    elif gap >= rules.gap_step_back_days:
        rows.append(
            _Row(
                AdviceKind.STEP_BACK,
                h.step_back_target(),
                (f"{gap_reason}: after {rules.gap_step_back_days} days or more, step back one level",),
            )
        )

    hits, seen = h.pains_in_last(rules.pain_step_back[1])
    if hits >= rules.pain_step_back[0]:
        reason = f"pain reported in {hits} of the last {seen} sessions"
        if h.stepped_back_since_pain(rules.pain_step_back[1]):
            rows.append(
                _Row(AdviceKind.STAY, level, (reason, "you have already stepped back since that pain: stay here"))
            )
        else:
            rows.append(_Row(AdviceKind.STEP_BACK, h.step_back_target(), (reason,)))

    if h.pains and h.pains[-1]:
        last_session = h.sessions[-1]
        how = "was stopped because it hurt" if last_session.hurt else "left more pain than before it"
        rows.append(
            _Row(AdviceKind.STAY, level, (f"the last session ({last_session.local_date.isoformat()}) {how}",))
        )
    return rows


def _combine(rows: list[_Row], h: _History) -> Advice:
    """The most cautious kind, the lowest prescription, all the reasons."""
    kind = min((row.kind for row in rows), key=_CAUTION.index)
    prescription = _clamp(min(row.prescription for row in rows), h.rules)
    reasons: list[str] = []
    for row in sorted(rows, key=lambda r: _CAUTION.index(r.kind)):
        reasons.extend(r for r in row.reasons if r not in reasons)
    return Advice(kind, prescription, h.current, _cautious_message(kind, prescription, h), tuple(reasons))


def _cautious_message(kind: AdviceKind, p: Prescription, h: _History) -> str:
    level = h.level
    if kind is AdviceKind.CONSULT:
        if level is None:
            step = f"Start gently at {p.describe()}"
        elif p != level:
            step = f"Step back to {p.describe()}"
        else:
            step = f"Stay at {p.describe()}"
        return f"Pain keeps coming back. {step}, and stop whenever it hurts. {SEE_SOMEONE}"
    if kind is AdviceKind.RESTART:
        return f"Welcome back. Start again at week-1 levels: {p.describe()}, with hip rocks before and after."
    if kind is AdviceKind.STEP_BACK:
        return f"Step back to {p.describe()}. {STOP_IF_IT_HURTS}"
    return f"Stay at {p.describe()}. {STOP_IF_IT_HURTS}"


def _first_session(rules: ProgressionRules, h: _History) -> Advice:
    p = _clamp(rules.start, rules)
    reasons = ["no bridge-program session logged yet"]
    if h.pains and h.pains[-1]:
        reasons.append("the last session left some pain: start gently, and stop if it hurts")
    return Advice(
        AdviceKind.START,
        p,
        None,
        f"Day 1: {p.describe()}, then go on with your hip rocks. Do not push. {STOP_IF_IT_HURTS}",
        tuple(reasons),
    )


def _maintain(h: _History) -> Advice:
    assert h.level is not None
    poses = ", ".join(NEXT_POSES[:-1]) + f" and {NEXT_POSES[-1]}"
    return Advice(
        AdviceKind.MAINTAIN,
        h.level,
        h.current,
        f"You have reached the full bridge ({h.level.describe()}). Keep it as your daily practice, "
        f"and go on with the series: {poses}.",
        (f"at the top of the program: {h.level.describe()}",),
    )


def _stay(h: _History, reasons: list[str], hint: str = "") -> Advice:
    assert h.level is not None
    message = f"Stay at {h.level.describe()}."
    if hint:
        message += f" {hint}"
    return Advice(AdviceKind.STAY, h.level, h.current, message, tuple(reasons))


def _safety_blockers(h: _History) -> tuple[list[str], list[str]]:
    """(what stops any advance, what supports one): pain-free sessions and stability."""
    rules = h.rules
    blockers: list[str] = []
    supports: list[str] = []
    hits, seen = h.pains_in_last(rules.pain_free_sessions)
    if hits:
        blockers.append(
            f"pain reported in {hits} of the last {seen} sessions: "
            f"moving on needs {_last(rules.pain_free_sessions)} without pain"
        )
    else:
        supports.append(f"no pain reported in {_last(seen)}")
    if h.latest_stability() is Stability.UNSURE:
        blockers.append("your latest stability report was 'unsure': if you can't tell, you aren't there yet")
    return blockers, supports


def _advance(h: _History, kind: AdviceKind, new: Prescription, reasons: list[str]) -> Advice:
    assert h.level is not None
    new = _clamp(new, h.rules)
    if kind is AdviceKind.ADD_LIFTS:
        added = new.lifts - h.level.lifts
        what = f"Add {_plural(added, 'lift')}: {new.describe()}. Keep your hip rocks before and after."
    elif kind is AdviceKind.HOLD_BRIDGE:
        what = (
            f"Hold the bridge for {new.hold} counts at the top of each lift: {new.describe()}. "
            "Lift hips and chest, shoulders and neck relaxed on the floor."
        )
    else:
        what = f"Raise and lower to {new.count} counts: {new.describe()}."
    message = f"{what} {STAY_EASIER} {STOP_IF_IT_HURTS}"
    return Advice(kind, new, h.current, message, tuple(reasons))


def _first_week(h: _History) -> Advice:
    rules = h.rules
    assert h.level is not None and h.epoch_start is not None and h.since is not None
    day = (h.today - h.epoch_start).days + 1
    week_note = f"day {day} of {rules.first_week_days} of your first week: {rules.first_week_lifts} lifts at most"
    can_step = h.since == h.epoch_start and h.today > h.epoch_start and h.level.lifts < rules.first_week_lifts
    if not can_step:
        hint = "Get used to the movement first; the first week is about that." if day > 1 else "That is all for day 1."
        return _stay(h, [week_note], hint)
    blockers, supports = _safety_blockers(h)
    if h.program[-1].checkin.felt is Felt.HARD:
        blockers.append("the last session felt hard")
    if blockers:
        return _stay(h, [week_note, *blockers])
    new = Prescription(min(h.level.lifts + rules.normal_step, rules.first_week_lifts), h.level.count, h.level.hold)
    return _advance(h, AdviceKind.ADD_LIFTS, new, [week_note, *supports])


def _general(h: _History) -> Advice:
    rules = h.rules
    level = h.level
    assert level is not None and h.since is not None
    short = _short(level, rules)
    requirements: list[str] = []
    supports: list[str] = []

    days_at = (h.today - h.since).days
    if days_at < rules.days_per_level:
        left = rules.days_per_level - days_at
        requirements.append(
            f"day {days_at + 1} at {short} (since {h.since.isoformat()}): a level is practised for a full week "
            f"({rules.days_per_level} days) before the next step, {_plural(left, 'day')} to go"
        )
    else:
        first, last = h.week_window()
        practised = h.practice_days_in(first, last)
        needed = h.days_needed(first, last)
        window = rules.days_per_level
        if practised < needed:
            requirements.append(f"{practised} of the last {window} days practised at {short}: {needed} are needed")
        else:
            supports.append(f"{practised} of the last {window} days practised at {short}")

    # Which advancing row would apply.
    easy = h.felt_easy()
    easy_reason = f"{_last(rules.easy_sessions)} felt easy"
    candidate: tuple[AdviceKind, Prescription] | None = None
    missing: list[str] = []
    if level.lifts < rules.max_lifts:
        step = rules.easy_step if easy else rules.normal_step
        candidate = (AdviceKind.ADD_LIFTS, Prescription(min(level.lifts + step, rules.max_lifts), level.count, level.hold))
        if easy:
            supports.append(easy_reason)
    else:
        stable, looked = h.stable_count()
        stable_reason = f"stable in {stable} of the last {_plural(looked, 'session')}"
        if stable >= rules.stable_needed and level.hold < rules.max_hold:
            hold = rules.first_hold if level.hold < rules.first_hold else level.hold + 1
            candidate = (AdviceKind.HOLD_BRIDGE, Prescription(level.lifts, level.count, hold))
            supports.append(stable_reason)
        elif easy and level.count < rules.max_count and (level.hold == 0 or level.hold >= rules.max_hold):
            candidate = (AdviceKind.LENGTHEN_COUNTS, Prescription(level.lifts, level.count + 1, level.hold))
            supports.append(easy_reason)
            if level.hold == 0:
                supports.append(f"{stable_reason}: lengthening the counts until you feel stable enough to hold")
        else:
            if level.hold < rules.max_hold:
                missing.append(f"{stable_reason}: holding the bridge needs {rules.stable_needed}")
            if level.count < rules.max_count:
                missing.append(f"longer counts wait until {easy_reason.replace('felt', 'feel')}")

    if requirements:
        return _stay(h, requirements, "Less, more often, is the way forward.")
    if candidate is None:
        return _stay(h, supports + missing)
    blockers, safe = _safety_blockers(h)
    if blockers:
        return _stay(h, blockers + supports)
    return _advance(h, candidate[0], candidate[1], supports + safe)


def advise(
    history: Sequence[Session],
    settings: Settings,
    today: date,
    rules: ProgressionRules = ProgressionRules(),
    program_id: str = PROGRAM_ID,
) -> Advice:
    """The advice for the next session of ``program_id``, from the history as of ``today``.

    See the module docstring for every rule and how it was read.
    """
    h = _History.read(history, settings, today, rules, program_id)
    rows = _cautious_rows(h)
    if rows:
        return _combine(rows, h)
    if h.level is None:
        return _first_session(rules, h)
    top = Prescription(rules.max_lifts, rules.max_count, rules.max_hold)
    if h.level >= top:
        return _maintain(h)
    assert h.epoch_start is not None
    if (today - h.epoch_start).days < rules.first_week_days:
        return _first_week(h)
    return _general(h)
