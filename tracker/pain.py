"""What counts as pain: the one place for practice-rules.md, "What counts as pain".

A session is **painful** when either holds:

- it was stopped because it hurt (the `h` key, `log --hurt`);
- its pain-after score is at or above ``rules.pain_threshold`` **and** above
  the person's usual pain on that session's local day.

The **usual pain** on a day is the value of the latest `UsualPain` record
dated on or before it (recorded by the person after a trainer or doctor
looked at their practice); with none, it is 0. Pain *before* a session is
shown and quoted, but it never excuses the pain after: 8 before and 8 after
is painful, and so is 4 before and 2 after.

**Windows** ("the last session", "the last N sessions") count only the
sessions that can push a painful one out: a session that is not painful
and comes after a painful session of the same local day does not count
(`counted`). So gentle routines done after a hurt stop never push it out
of "the last session" or "the last N sessions" (the rule that a painful
session blocks advancing for the rest of its day and the next).

The sentences here quote the numbers ("pain 3 after, 3 before, on
2026-11-30"), never say "no pain" when any score above 0 was reported in
their window, and never compare with a "before" that was not recorded.

No Textual here (see the import-linter contract in pyproject.toml).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from tracker.model import PainRecord, ProgressionRules, Session, UsualPain

__all__ = [
    "UsualPainTimeline",
    "after_effect",
    "counted",
    "describe",
    "distinct",
    "is_painful",
    "pain_flags",
    "quote_window",
    "repeats",
]


class UsualPainTimeline:
    """The usual-pain records, answering "what was the usual pain on this day?" in O(log n)."""

    def __init__(self, records: Iterable[UsualPain] = ()) -> None:
        ordered = sorted(
            records, key=lambda r: (r.since, r.recorded_at.timestamp() if r.recorded_at else 0.0, r.id)
        )
        self.records: tuple[UsualPain, ...] = tuple(ordered)
        self._days = [r.since for r in ordered]

    def on(self, day: date) -> UsualPain | None:
        """The record in force on ``day``: the latest dated on or before it."""
        index = bisect_right(self._days, day)
        return self.records[index - 1] if index else None

    def value_on(self, day: date) -> int:
        record = self.on(day)
        return record.value if record is not None else 0

    def __bool__(self) -> bool:
        return bool(self.records)


def _says(record: UsualPain) -> tuple[date, int, str]:
    return record.since, record.value, record.note


def distinct(records: Iterable[UsualPain]) -> list[UsualPain]:
    """The records in timeline order, each said once: a record that says what the one before it says
    (same day, value and note; typed twice, or the same record made on two synced machines) is left out.
    The usual pain in force on any day is the same with or without it."""
    kept: list[UsualPain] = []
    for record in UsualPainTimeline(records).records:
        if not kept or _says(kept[-1]) != _says(record):
            kept.append(record)
    return kept


def repeats(records: Iterable[UsualPain], since: date, value: int, note: str) -> UsualPain | None:
    """The record in force on `since` when it already says this (that day, value and note): recording it again changes nothing."""
    in_force = UsualPainTimeline(records).on(since)
    return in_force if in_force is not None and _says(in_force) == (since, value, note.strip()) else None


def is_painful(session: Session, usual: int, rules: ProgressionRules) -> bool:
    """The rule itself, for one session and the usual pain in force on its day."""
    if session.hurt:
        return True
    after = session.checkin.pain_after
    return after is not None and after >= rules.pain_threshold and after > usual


def pain_flags(
    sessions: Sequence[Session],
    rules: ProgressionRules = ProgressionRules(),
    usual_pain: Iterable[UsualPain] | UsualPainTimeline = (),
) -> list[bool]:
    """For each session, whether it is painful (see the module docstring)."""
    timeline = usual_pain if isinstance(usual_pain, UsualPainTimeline) else UsualPainTimeline(usual_pain)
    return [is_painful(s, timeline.value_on(s.local_date), rules) for s in sessions]


def counted(sessions: Sequence[Session], flags: Sequence[bool]) -> list[int]:
    """Indices of the sessions that count in windows (see the module docstring), in history order."""
    kept: list[int] = []
    painful_day: date | None = None
    for index, session in enumerate(sessions):
        if flags[index]:
            painful_day = session.local_date
            kept.append(index)
        elif session.local_date != painful_day:
            kept.append(index)
    return kept


def describe(session: Session, usual: int = 0) -> str:
    """One session's pain in numbers: "pain 3 after, 3 before, on 2026-11-30", or its hurt stop."""
    day = session.local_date.isoformat()
    checkin = session.checkin
    scores: list[str] = []
    if checkin.pain_after is not None:
        scores.append(f"{checkin.pain_after} after")
    if checkin.pain_before is not None:
        scores.append(f"{checkin.pain_before} before")
    quoted = f"pain {', '.join(scores)}" if scores else ""
    if usual and checkin.pain_after is not None:
        quoted += f" (your usual {usual})"
    if session.hurt:
        where = ""
        if session.hurt_at is not None:
            where = f" at {session.hurt_at.pose.replace('-', ' ')}"
        text = f"{session.routine} stopped because it hurt{where}"
        return f"{text}, {quoted}, on {day}" if quoted else f"{text}, on {day}"
    return f"{quoted}, on {day}" if quoted else f"no pain score, on {day}"


def _scored(session: Session) -> bool:
    c = session.checkin
    return bool(c.pain_before) or bool(c.pain_after)


def quote_window(
    sessions: Sequence[Session],
    flags: Sequence[bool],
    window: Sequence[int],
    timeline: UsualPainTimeline,
    notes: Mapping[int, str] | None = None,
    today: date | None = None,
    records: Sequence[PainRecord] = (),
) -> tuple[int, str]:
    """(painful sessions, a sentence) for the sessions at the indices ``window``, quoting the numbers.

    ``notes``: the sentence to quote for a session instead of its own scores (the day after, from
    tracker.dayafter, by index). When sessions inside the span were left out of the window (they
    followed a painful one the same day), the sentence says what was counted ("both of today's
    bridge sessions that counted stopped because it hurt"). The sentence says "no pain reported"
    only when no score above 0, no hurt stop and no pain record above 0 is in its span; otherwise
    it names the newest scores.
    """
    notes = notes or {}
    chosen = [sessions[i] for i in window]
    marks = [flags[i] for i in window]
    hits = sum(marks)
    seen = len(chosen)
    left_out = bool(window) and any(i not in set(window) for i in range(window[0], len(sessions)))

    def quote(i: int) -> str:
        return notes.get(i) or describe(sessions[i], timeline.value_on(sessions[i].local_date))

    what = "the last session" if seen == 1 else f"the last {seen} sessions"
    if hits:
        painful = [i for i, f in zip(window, marks) if f][::-1]
        quoted = "; ".join(quote(i) for i in painful[:3])
        more = f"; and {hits - 3} more" if hits > 3 else ""
        if left_out:
            return hits, _counted_sentence(
                sessions, window, painful, hits, today, notes
            ) + f" ({quoted}{more})"
        counted_text = what if seen == 1 else f"{hits} of {what}"
        return hits, f"pain reported in {counted_text} ({quoted}{more})"
    if left_out:
        what = "the last session that counted" if seen == 1 else f"the last {seen} sessions that counted"
    scored = [i for i in window if _scored(sessions[i])][::-1]
    first_day = chosen[0].local_date if chosen else None
    felt = [r for r in records if first_day is not None and r.day >= first_day and r.value > 0][::-1]
    if not scored and not felt:
        return 0, f"no pain reported in {what}"
    parts = [quote(i) for i in scored[:2]] + [
        f"your back at {r.value} on {r.day.isoformat()}" for r in felt[:1]
    ]
    usual = timeline.value_on(chosen[-1].local_date)
    within = f", at or below your usual pain of {usual}" if usual else ""
    return 0, f"none of {what} counted as painful{within} ({'; '.join(parts)})"


def _counted_sentence(
    sessions: Sequence[Session],
    window: Sequence[int],
    painful: Sequence[int],
    hits: int,
    today: date | None,
    notes: Mapping[int, str],
) -> str:
    """ "both of today's bridge sessions that counted stopped because it hurt" (see quote_window)."""
    chosen = [sessions[i] for i in window]
    seen = len(chosen)
    days = {s.local_date for s in chosen}
    routines = {s.routine for s in chosen}
    scope = ""
    if len(days) == 1:
        day = next(iter(days))
        if today is not None and day == today:
            scope = "today's "
        elif today is not None and (today - day).days == 1:
            scope = "yesterday's "
        else:
            scope = f"{day.isoformat()}'s "
    kind = f"{next(iter(routines))} sessions" if len(routines) == 1 else "sessions"
    if seen == 1:
        kind = kind[:-1]
        counted = f"{scope or 'the last '}{kind} that counted"
    elif hits == seen:
        counted = f"{'both' if seen == 2 else f'all {seen}'} of {scope or 'the last '}{kind} that counted"
    else:
        counted = f"{hits} of {scope or f'the last {seen} '}{kind} that counted"
        if not scope:
            counted = f"{hits} of the last {seen} {kind} that counted"
    all_hurt = all(sessions[i].hurt and i not in notes for i in painful) and hits == seen
    if all_hurt:
        return f"{counted} stopped because it hurt"
    verb = "was" if seen == 1 else "were"
    return f"{counted} {verb} painful" if hits == seen else f"pain in {counted}"


def after_effect(pain_after: int | None, usual: UsualPain | None, rules: ProgressionRules) -> str:
    """What a pain-after answer will do, for the check-in screen ("above your usual 3: counts as pain")."""
    level = usual.value if usual is not None else 0
    if pain_after is None:
        if usual is not None:
            return (
                f"Your usual pain is {level} (recorded {usual.since.isoformat()}); above it counts as pain."
            )
        return "Any pain after the session counts as pain and holds the program where it is."
    if pain_after < rules.pain_threshold:
        return "No pain after: does not hold you back."
    if usual is not None and pain_after <= level:
        return f"At or below your usual {level}: does not count as pain."
    if usual is not None:
        return f"Above your usual {level}: counts as pain; the program will not move on."
    return "Counts as pain: the program will not move on, and repeated pain brings advice to see someone."
