"""The bridge program's progression engine (practice-rules.md, section 1).

``advise(history, settings, today, rules, usual_pain=...)`` reads the
history as of ``today`` and says what the next session should be, as an
`Advice` with a kind, the prescription, the current level, a message and the
reasons (sentences carrying the numbers that decided). Every threshold comes
from `ProgressionRules` (the program's content file); none is written here.
What counts as pain, and the windows of "the last N sessions", are in
`tracker.pain` (one place for that rule).

How the history is read
-----------------------
- Sessions dated after ``today`` are ignored; the rest are taken in the
  order they started (``started_at``, an instant).
- **Level**: only sessions of the program (``routine == program_id``) that
  carry a prescription drive the level: the prescription of the latest
  such session; "since" is the first day of the unbroken run of sessions at
  it (a gap of ``gap_step_back_days`` or more starts a new run).
- **Undo the last increase** returns to the level practised before it,
  skipping levels later undone (after 2 -> 3 -> 4 -> 3, again goes to 2).
  With no earlier level it goes one step down: hold, then counts, then lifts.
- **Restart** goes back to ``rules.start``. A session after a gap of
  ``gap_restart_days`` or more begins a new first week (a new *epoch*).
- **Pain** counts across every routine (`tracker.pain`): a hurt stop, or
  pain after at or above the threshold and above the usual pain in force
  that day. In windows, sessions that follow a painful one on the same
  local day do not count, so they never push it out: a painful session
  blocks advancing for the rest of its day and the next.
- **Stability** is read from program sessions only (a "yes" in another
  routine says nothing about the bridge); ``UNSURE`` counts as no.
- **Phase limits**: day 1 of an epoch allows ``rules.start``; the rest of
  the first week ``first_week_lifts`` at the start count, no hold; then
  ``max_lifts``/``max_count``/``max_hold``, and a hold only once stability
  was reported (``stable_needed`` of ``stable_window`` program sessions in
  this epoch). A logged level beyond them is kept as logged; the advice
  steps back to what the phase allows and says why. No advice exceeds them.

The rules table, most cautious first
------------------------------------
1. ``consult``: pain in ``pain_consult[0]`` of the last ``pain_consult[1]``
   sessions; it then *stays* until ``consult_clear_sessions`` sessions in a
   row are not painful, or a usual-pain record dated on or after the day it
   was triggered exists (sessions before the latest usual-pain record are
   not counted for it). Steps back and advises a trainer or a doctor.
2. ``restart``: no practice for ``gap_restart_days`` or more.
3. ``step_back``: pain in ``pain_step_back[0]`` of the last
   ``pain_step_back[1]`` sessions; no practice for ``gap_step_back_days``
   or more; or a logged level beyond what the phase allows.
4. ``stay``: a painful session on the last practice day.

When several apply, the kind is the most cautious one and the prescription
the lowest any of them asks for (dimension by dimension); all reasons are
given. A pain step-back is taken once per episode (once the person
practises below the level of the pain, it becomes ``stay``).

When no cautious row applies: ``start`` (no program session yet),
``maintain`` (at the top), the first week (one ``add_lifts`` after day 1,
up to ``first_week_lifts``), then ``add_lifts`` / ``hold_bridge`` /
``lengthen_counts`` after a full week at the level practised on enough
days, or ``stay`` saying what is missing. An advance also needs the last
``pain_free_sessions`` counted sessions not painful, and neither the
latest program stability report nor any on the last practice day
"unsure". No advice ever names a diagnosis.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from tracker.dayafter import rising_weeks
from tracker.model import (
    PROGRAM_ID,
    Felt,
    PainRecord,
    Prescription,
    ProgressionRules,
    Session,
    Settings,
    UsualPain,
)
from tracker.pain import pain_flags, quote_window
from tracker.practice import Carry, PracticeHistory, clamp, lowest, phase_limit
from tracker.practice import level_history as _level_history

__all__ = [
    "ADVANCING",
    "Advice",
    "AdviceKind",
    "advise",
    "level_history",
    "pain_flags",
    "phase_limit",
]

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


# --------------------------------------------------------------------------- wording


def level_history(
    history: Iterable[Session], program_id: str = PROGRAM_ID
) -> list[tuple[date, Prescription]]:
    """The level practised on each practice day of the program (see tracker.practice.level_history)."""
    return _level_history(history, program_id)


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


def _pain_reason(h: PracticeHistory, n: int) -> str:
    """The window of the last ``n`` sessions, in numbers (tracker.pain.quote_window)."""
    return _quote(h, h.window(n))[1]


def _quote(h: PracticeHistory, window: Sequence[int]) -> tuple[int, str]:
    """tracker.pain.quote_window with the day after's sentences and the pain records."""
    return quote_window(h.sessions, h.pains, window, h.timeline, h.notes(), h.today, h.pain_records)


# --------------------------------------------------------------------------- the cautious rows


@dataclass(frozen=True, slots=True)
class _Row:
    kind: AdviceKind
    prescription: Prescription
    reasons: tuple[str, ...]


def _consult_row(h: PracticeHistory) -> _Row | None:
    rules = h.rules
    need, span = rules.pain_consult
    window = h.window(span, floor=h.consult_floor())
    hits = sum(h.pains[i] for i in window)
    active, triggered, run = h.consult_state()
    if hits < need and not active:
        return None
    reasons: list[str] = []
    if hits >= need:
        reasons.append(_quote(h, window)[1])
    else:
        clear = rules.consult_clear_sessions
        reasons.append(
            f"pain kept coming back up to {triggered.isoformat() if triggered else 'recently'}: the advice to see "
            f"someone stays until {_plural(clear, 'session')} in a row are not painful ({run} so far), or until you "
            "record your usual pain after a trainer or doctor has looked at your practice"
        )
    level = h.level
    if level is None:
        return _Row(AdviceKind.CONSULT, rules.start, tuple(reasons))
    cap, met = h.consult_cap()
    if cap is None:  # (a consult triggered before any bridge session)
        cap = h.step_back_target()
    target = lowest(level, cap)  # never above the level the consult stepped back to
    if met and target == level:
        return _Row(AdviceKind.CONSULT, level, (*reasons, "you have already stepped back since that pain"))
    return _Row(AdviceKind.CONSULT, target, tuple(reasons))


def _limit_row(h: PracticeHistory) -> _Row | None:
    """A logged level beyond what the phase allows: back to the allowed level, saying why."""
    current, limit = h.current, h.limit
    if current is None or limit is None or lowest(current, limit) == current:
        return None
    target = clamp(lowest(current, limit), h.rules)
    logged_on = h.program[-1].local_date.isoformat()
    return _Row(
        AdviceKind.STEP_BACK,
        target,
        (f"{current.describe()} was logged on {logged_on}, but {h.phase} allows at most {limit.describe()}",),
    )


def _cautious_rows(h: PracticeHistory) -> list[_Row]:
    """Every cautious row that applies (consult, restart, step_back, stay after pain)."""
    rules = h.rules
    level = h.level
    rows: list[_Row] = []
    consult = _consult_row(h)
    if consult is not None:
        rows.append(consult)
    if level is None:
        return rows

    gap = h.gap
    last = h.program[-1].local_date
    gap_reason = f"last practice {_plural(gap, 'day')} ago ({last.isoformat()})"
    if gap >= rules.gap_restart_days:
        rows.append(
            _Row(
                AdviceKind.RESTART,
                clamp(lowest(level, rules.start), rules),
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

    limit = _limit_row(h)
    if limit is not None:
        rows.append(limit)

    if consult is not None:
        return rows  # the consult already steps back for this pain and quotes it
    hits, _ = h.pains_in_last(rules.pain_step_back[1])
    if hits >= rules.pain_step_back[0]:
        reason = _pain_reason(h, rules.pain_step_back[1])
        if h.stepped_back_since_pain(rules.pain_step_back[1]):
            rows.append(
                _Row(
                    AdviceKind.STAY,
                    level,
                    (reason, "you have already stepped back since that pain: stay here"),
                )
            )
        elif h.step_back_target() == level:
            rows.append(
                _Row(AdviceKind.STAY, level, (reason, "this is already the gentlest level: stay here"))
            )
        else:
            rows.append(_Row(AdviceKind.STEP_BACK, h.step_back_target(), (reason,)))

    if h.pains_in_last(1)[0]:
        rows.append(
            _Row(AdviceKind.STAY, level, (f"{_pain_reason(h, 1)}: no step forward that day or the next",))
        )
    day_after = _day_after_row(h)
    if day_after is not None:
        rows.append(day_after)
    weekly = rising_weeks(h.scores, h.today)
    if weekly is not None:
        rows.append(_Row(AdviceKind.STAY, level, (weekly,)))
    return rows


def _day_after_row(h: PracticeHistory) -> _Row | None:
    """A worse response to the first day at a raised level undoes that increase (practice-rules.md, the day
    after); at a level practised before that day, the painful day it makes holds (the windows above)."""
    assert h.level is not None
    found = h.latest_worse(h.rules.pain_step_back[1])
    yesterday = h.responses.get(h.today - timedelta(days=1))
    if yesterday is not None and yesterday.worse and (found is None or found[1].day != yesterday.day):
        # given today: it holds today whatever was logged since (the next day of a painful day)
        last = max(i for i, x in enumerate(h.sessions) if x.local_date == yesterday.day)
        found = (last, yesterday)
    if found is None:
        return None
    index, response = found
    sentence = response.sentence()
    if h.fold.raised_on == response.day and h.since == response.day and len(h.ladder) >= 2:
        target = h.step_back_target()
        return _Row(
            AdviceKind.STEP_BACK,
            target,
            (
                f"{sentence}: that was your first day at {_short(h.level, h.rules)}, so that increase is undone",
            ),
        )
    if h.window(1) == [index]:
        return None  # the last session's pain row already quotes it and holds
    return _Row(AdviceKind.STAY, h.level, (f"{sentence}: hold your level, no step forward",))


def _combine(rows: list[_Row], h: PracticeHistory) -> Advice:
    """The most cautious kind, the lowest prescription (dimension by dimension), all the reasons."""
    kind = min((row.kind for row in rows), key=_CAUTION.index)
    prescription = rows[0].prescription
    for row in rows[1:]:
        prescription = lowest(prescription, row.prescription)
    prescription = clamp(prescription, h.rules)
    reasons: list[str] = []
    for row in sorted(rows, key=lambda r: _CAUTION.index(r.kind)):
        reasons.extend(r for r in row.reasons if r not in reasons)
    return Advice(kind, prescription, h.current, _cautious_message(kind, prescription, h), tuple(reasons))


def _cautious_message(kind: AdviceKind, p: Prescription, h: PracticeHistory) -> str:
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


# --------------------------------------------------------------------------- the other rows


def _first_session(h: PracticeHistory) -> Advice:
    p = clamp(h.rules.start, h.rules)
    reasons = ["no bridge-program session logged yet"]
    if h.pains_in_last(1)[0]:
        reasons.append(f"{_pain_reason(h, 1)}: start gently, and stop if it hurts")
    return Advice(
        AdviceKind.START,
        p,
        None,
        f"Day 1: {p.describe()}, then go on with your hip rocks. Do not push. {STOP_IF_IT_HURTS}",
        tuple(reasons),
    )


def _maintain(h: PracticeHistory, next_poses: Sequence[str]) -> Advice:
    assert h.level is not None
    message = f"You have reached the full bridge ({h.level.describe()}). Keep it as your daily practice."
    if next_poses:
        poses = ", ".join(next_poses[:-1]) + (
            f" and {next_poses[-1]}" if len(next_poses) > 1 else next_poses[0]
        )
        message += f" When you are ready, the series moves on to {poses}."
    return Advice(
        AdviceKind.MAINTAIN,
        h.level,
        h.current,
        message,
        (f"at the top of the program: {h.level.describe()}",),
    )


def _stay(h: PracticeHistory, reasons: list[str], hint: str = "") -> Advice:
    assert h.level is not None
    message = f"Stay at {h.level.describe()}."
    if hint:
        message += f" {hint}"
    return Advice(AdviceKind.STAY, h.level, h.current, message, tuple(reasons))


def _safety_blockers(h: PracticeHistory) -> tuple[list[str], list[str]]:
    """(what stops any advance, what supports one): painful sessions and an unsure stability report."""
    rules = h.rules
    blockers: list[str] = []
    supports: list[str] = []
    hits, sentence = _quote(h, h.window(rules.pain_free_sessions))
    if hits:
        blockers.append(
            f"{sentence}: moving on needs {_last(rules.pain_free_sessions)} without a painful one"
        )
    else:
        supports.append(sentence)
    unsure = h.unsure_report()
    if unsure is not None:
        blockers.append(
            f"your stability report on {unsure.local_date.isoformat()} was 'unsure': "
            "until you clearly feel steady, the answer counts as not yet"
        )
    return blockers, supports


def _advance(h: PracticeHistory, kind: AdviceKind, new: Prescription, reasons: list[str]) -> Advice:
    assert h.level is not None
    new = clamp(new, h.rules)
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


def _first_week(h: PracticeHistory) -> Advice:
    rules = h.rules
    assert h.level is not None and h.epoch_start is not None and h.since is not None
    day = (h.today - h.epoch_start).days + 1
    week_note = (
        f"day {day} of {rules.first_week_days} of your first week: {rules.first_week_lifts} lifts at most"
    )
    can_step = h.since == h.epoch_start and h.today > h.epoch_start and h.level.lifts < rules.first_week_lifts
    if not can_step:
        hint = (
            "Get used to the movement first; the first week is about that."
            if day > 1
            else "That is all for day 1."
        )
        return _stay(h, [week_note], hint)
    blockers, supports = _safety_blockers(h)
    if h.program[-1].checkin.felt is Felt.HARD:
        blockers.append(f"the last bridge session ({h.program[-1].local_date.isoformat()}) felt hard")
    if blockers:
        return _stay(h, [week_note, *blockers])
    new = Prescription(
        min(h.level.lifts + rules.normal_step, rules.first_week_lifts), h.level.count, h.level.hold
    )
    return _advance(h, AdviceKind.ADD_LIFTS, new, [week_note, *supports])


def _general(h: PracticeHistory) -> Advice:
    rules = h.rules
    level = h.level
    assert level is not None and h.since is not None
    short = _short(level, rules)
    requirements: list[str] = []
    supports: list[str] = []

    days_at = (h.today - h.since).days
    if days_at < rules.days_per_level:
        ready = h.since + timedelta(days=rules.days_per_level)
        requirements.append(
            f"day {days_at + 1} of {rules.days_per_level} at {short} (since {h.since.isoformat()}): a level is "
            f"practised for a full week before the next step, which can come on {ready.isoformat()} at the earliest"
        )
    else:
        first, last = h.week_window()
        practised = h.practice_days_in(first, last)
        needed = h.days_needed(first, last)
        window = rules.days_per_level
        if practised < needed:
            requirements.append(
                f"{practised} of the last {window} days practised at {short}: {needed} are needed"
            )
        else:
            supports.append(f"{practised} of the last {window} days practised at {short}")

    # Which advancing row would apply.
    easy = h.felt_easy()
    easy_reason = f"{_last(rules.easy_sessions)} felt easy"
    candidate: tuple[AdviceKind, Prescription] | None = None
    missing: list[str] = []
    if level.lifts < rules.max_lifts:
        step = rules.easy_step if easy else rules.normal_step
        candidate = (
            AdviceKind.ADD_LIFTS,
            Prescription(min(level.lifts + step, rules.max_lifts), level.count, level.hold),
        )
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
                supports.append(
                    f"{stable_reason}: lengthening the counts until you feel stable enough to hold"
                )
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


def _within_limit(advice: Advice, h: PracticeHistory) -> Advice:
    """The last guard: no advice leaves what the phase allows."""
    limit = h.limit
    if limit is None or lowest(advice.prescription, limit) == advice.prescription:
        return advice
    capped = clamp(lowest(advice.prescription, limit), h.rules)
    kind = AdviceKind.STAY if advice.kind in ADVANCING else advice.kind
    return Advice(
        kind,
        capped,
        advice.current,
        f"Stay at {capped.describe()}. {STOP_IF_IT_HURTS}" if kind is not advice.kind else advice.message,
        (*advice.reasons, f"{h.phase} allows at most {limit.describe()}"),
    )


def advise(
    history: Sequence[Session],
    settings: Settings,
    today: date,
    rules: ProgressionRules = ProgressionRules(),
    program_id: str = PROGRAM_ID,
    *,
    usual_pain: Iterable[UsualPain] = (),
    next_poses: Sequence[str] = (),
    carry: Carry | None = None,
    pain_records: Iterable[PainRecord] = (),
) -> Advice:
    """The advice for the next session of ``program_id``, from the history as of ``today``.

    ``usual_pain``: the person's usual-pain records (tracker.pain); ``pain_records``: the pain scores given
    without practising (tracker.dayafter: the day after, the weekly trend);
    ``next_poses``: where the series goes after the program (the program's
    content file); ``carry``: the sessions before ``history`` (tracker.practice.Carry). See the module docstring for every rule.
    """
    h = PracticeHistory.read(history, settings, today, rules, program_id, usual_pain, carry, pain_records)
    rows = _cautious_rows(h)
    if rows:
        return _within_limit(_combine(rows, h), h)
    if h.level is None:
        return _within_limit(_first_session(h), h)
    top = Prescription(rules.max_lifts, rules.max_count, rules.max_hold)
    if h.level >= top:
        return _maintain(h, next_poses)
    assert h.epoch_start is not None
    if (today - h.epoch_start).days < rules.first_week_days:
        return _within_limit(_first_week(h), h)
    return _within_limit(_general(h), h)
