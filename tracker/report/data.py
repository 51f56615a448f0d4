"""What the practice report says, computed by the same core functions as `status --json` and `export`.

`build_report(source, since, until)` takes the records the service hands it
(`ReportSource`: the history, the standing as of ``until``, the library, the
settings, the rules...; it reads no disk and knows no service) and gathers:

- the standing as of ``until``: exactly ``Backroll.status(until)``, the object
  `backroll status --json --today UNTIL` prints (streaks over the whole
  history up to that day, consistency, the next prescription, the advice);
- the sessions of the period: exactly ``exchange.filter_sessions`` over the
  history in the export's order, i.e. what `backroll export --since SINCE
  --until UNTIL` writes; every per-period count is taken from that list;
- the bridge level per practice day (`progression.level_history`), and for
  each change the advice `progression.advise` gave before that session (its
  kind, message and reasons: the reason given at the time, from the history
  as it then stood and the settings of today);
- the usual-pain records (`Backroll.usual_pain()`), and the scheduled rest
  days (`streaks.scheduled_rest_days`).

No Textual here (see the import-linter contract in pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tracker.model import (
    PROGRAM_ID,
    HurtAt,
    PainRecord,
    Pose,
    Prescription,
    Program,
    ProgressionRules,
    Routine,
    Session,
    Settings,
    UsualPain,
)

if TYPE_CHECKING:
    from tracker.content import Library
    from tracker.dayafter import Response
    from tracker.status import Status

__all__ = [
    "DEFAULT_WEEKS",
    "HurtStop",
    "LevelChange",
    "Report",
    "ReportSource",
    "WeekCount",
    "build_report",
    "period",
]

DEFAULT_WEEKS = 12


@dataclass(frozen=True)
class ReportSource:
    """The records a report is drawn from, handed over by the service (`Backroll.report`)."""

    history: list[Session]  # every session, as the store reads them
    status: Status  # as of the report's last day
    library: Library
    settings: Settings
    rules: ProgressionRules  # the bridge program's
    program: Program | None  # the bridge program (None: not in the library)
    usual_pain: list[UsualPain]
    pain_records: list[PainRecord]
    generated_at: datetime
    zone: str
    routine: Callable[[str], Routine]  # a routine by id, as the app runs it (KeyError: not in the library)


@dataclass(frozen=True)
class WeekCount:
    monday: date  # the ISO week's Monday
    sessions: int  # sessions of the period in that week
    days: int  # practice days of the period in that week


@dataclass(frozen=True)
class HurtStop:
    session: Session
    routine_name: str
    pose_name: str  # "" when the stop was logged without the app (no step recorded)
    at: HurtAt | None


@dataclass(frozen=True)
class LevelChange:
    day: date
    before: Prescription | None  # None: the first bridge session
    after: Prescription
    advice_kind: str
    advice_message: str
    reasons: tuple[str, ...]
    followed: bool  # the level practised is the one the advice gave


@dataclass(frozen=True)
class Report:
    since: date
    until: date
    generated_at: datetime
    zone: str
    settings: Settings
    status: Status  # as of `until`
    status_json: dict[str, Any]  # status.to_json_dict(): the `status --json` object
    sessions: list[Session]  # the export's sessions for the period, in the export's order
    routine_names: dict[str, str]
    pose_names: dict[str, str]
    practice_days: list[date]
    rest_days: set[date]
    weeks: list[WeekCount]
    hurt_stops: list[HurtStop]
    levels: list[tuple[date, Prescription]]  # the bridge level per practice day within the period
    level_before: Prescription | None  # the level practised last before the period
    changes: list[LevelChange]
    usual_pain: list[UsualPain]  # records dated up to `until`
    program_name: str = "Bridge program"
    notes: list[Session] = field(default_factory=list)
    routine_poses: list[tuple[str, list[Pose]]] = field(
        default_factory=list
    )  # each routine practised: its poses
    pain_records: list[PainRecord] = field(default_factory=list)  # given without practising, in the period
    first_scores: list[FirstScoreWeek] = field(
        default_factory=list
    )  # the weekly trend of the day's first score
    mornings: list[Response] = field(default_factory=list)  # the day after of each practice day in the period

    @property
    def minutes(self) -> int:
        """Minutes of practice in the period (rounded to the minute)."""
        return round(sum(s.duration for s in self.sessions) / 60)

    @property
    def scored(self) -> list[Session]:
        """Sessions with a pain score before or after, or a stop because it hurt: the pain chart's points."""
        return [
            s
            for s in self.sessions
            if s.hurt or s.checkin.pain_before is not None or s.checkin.pain_after is not None
        ]

    def routine_name(self, routine_id: str) -> str:
        return self.routine_names.get(routine_id, routine_id)

    def usual_on(self, day: date) -> UsualPain | None:
        records = [r for r in self.usual_pain if r.since <= day]
        return records[-1] if records else None


@dataclass(frozen=True)
class FirstScoreWeek:
    """One calendar week of the first pain score of each day (tracker.dayafter): the median and its change."""

    monday: date
    days: int  # days with a first score
    median: float | None
    change: float | None  # from the week before (None: either has no score)


def first_score_rows(report: Report) -> list[tuple[str, str, str, str]]:
    """(week starting, days scored, median, change): the report's weekly trend, shared by HTML and Markdown."""

    def num(value: float | None, sign: bool = False) -> str:
        if value is None:
            return "–"
        return f"{value:+g}" if sign else f"{value:g}"

    return [
        (w.monday.isoformat(), str(w.days), num(w.median), num(w.change, True)) for w in report.first_scores
    ]


def morning_rows(report: Report) -> list[tuple[str, str, str]]:
    """(practice day, the morning after in words, worse or not) for each practice day with a response."""
    return [(r.day.isoformat(), r.sentence().removesuffix(": not worse"), "worse" if r.worse else "back where it was")
            for r in report.mornings]  # fmt: skip


def _first_score_weeks(
    source: ReportSource, history: list[Session], since: date, until: date
) -> list[FirstScoreWeek]:
    from statistics import median

    from tracker import dayafter, streaks

    scores = dayafter.first_scores([s for s in history if s.local_date <= until], source.pain_records)
    weeks: list[FirstScoreWeek] = []
    monday = streaks.week_start(since)
    previous: float | None = None
    while monday <= until:
        values = [
            scores[d].value
            for d in (monday + timedelta(days=i) for i in range(7))
            if d in scores and d <= until
        ]
        value = float(median(values)) if values else None
        change = value - previous if value is not None and previous is not None else None
        weeks.append(FirstScoreWeek(monday, len(values), value, change))
        previous = value
        monday += timedelta(days=7)
    return weeks


def _mornings(source: ReportSource, history: list[Session], since: date, until: date) -> list[Response]:
    from tracker import dayafter
    from tracker.pain import UsualPainTimeline

    found = dayafter.responses(
        sorted((s for s in history if s.local_date <= until), key=lambda s: (s.started_at, s.id)),
        source.pain_records,
        UsualPainTimeline(source.usual_pain),
        source.rules,
        until,
        PROGRAM_ID,
    )
    return [found[d] for d in sorted(found) if since <= d <= until]


def period(today: date, weeks: int | None, since: date | None, until: date | None) -> tuple[date, date]:
    """(first day, last day) of the report: `--since`/`--until`, else the last `weeks` weeks to `until` (default today)."""
    end = until or today
    if since is not None:
        return since, end
    count = DEFAULT_WEEKS if weeks is None else weeks
    return end - timedelta(days=7 * count - 1), end


def _changes(source: ReportSource, history: list[Session], since: date, until: date) -> list[LevelChange]:
    """Each day in the period where the bridge level differs from the one practised before, with the advice then."""
    from tracker import progression

    settings = source.settings
    rules = source.rules
    program = source.program
    usual = source.usual_pain
    pains = source.pain_records
    next_poses = program.next_poses if program is not None else ()
    ordered = sorted(history, key=lambda s: (s.started_at, s.id))
    changes: list[LevelChange] = []
    previous: Prescription | None = None
    for day, level in progression.level_history(ordered, PROGRAM_ID):
        if day > until:
            break
        if level != previous and day >= since:
            first = next(
                s
                for s in ordered
                if s.local_date == day and s.routine == PROGRAM_ID and s.prescription is not None
            )
            before = [s for s in ordered if (s.started_at, s.id) < (first.started_at, first.id)]
            advice = progression.advise(
                before,
                settings,
                day,
                rules,
                PROGRAM_ID,
                usual_pain=usual,
                next_poses=next_poses,
                pain_records=[r for r in pains if r.recorded_at is None or r.recorded_at < first.started_at],
            )
            changes.append(
                LevelChange(
                    day, previous, level, str(advice.kind), advice.message, tuple(str(r) for r in advice.reasons),
                    followed=advice.prescription == level,
                )
            )  # fmt: skip
        previous = level
    return changes


def build_report(source: ReportSource, since: date, until: date) -> Report:
    """The report of the practice from `since` to `until` (both inclusive), from the records of `source`."""
    from tracker import progression, streaks
    from tracker.exchange import filter_sessions
    from tracker.exchange.export import _export_order

    if since > until:
        raise ValueError(f"the report's first day {since} is after its last day {until}")
    history = source.history
    status = source.status
    sessions = _export_order(filter_sessions(history, since, until))
    library = source.library
    names = {rid: r.name for rid, r in library.routines.items()} | {
        pid: p.name for pid, p in library.programs.items()
    }
    poses = {pid: p.name for pid, p in library.poses.items()}
    days = sorted(streaks.practice_days(sessions))
    weeks: list[WeekCount] = []
    monday = streaks.week_start(since)
    while monday <= until:
        week = [s for s in sessions if monday <= s.local_date <= monday + timedelta(days=6)]
        weeks.append(WeekCount(monday, len(week), len(streaks.practice_days(week))))
        monday += timedelta(days=7)
    hurt = [
        HurtStop(
            s,
            names.get(s.routine, s.routine),
            poses.get(s.hurt_at.pose, s.hurt_at.pose) if s.hurt_at else "",
            s.hurt_at,
        )
        for s in sessions
        if s.hurt
    ]
    all_levels = [(d, p) for d, p in progression.level_history(history, PROGRAM_ID) if d <= until]
    before = [p for d, p in all_levels if d < since]
    program = source.program
    return Report(
        since=since,
        until=until,
        generated_at=source.generated_at,
        zone=source.zone,
        settings=source.settings,
        status=status,
        status_json=status.to_json_dict(),
        sessions=sessions,
        routine_names=names,
        pose_names=poses,
        practice_days=days,
        rest_days=streaks.scheduled_rest_days(since, until, source.settings),
        weeks=weeks,
        hurt_stops=hurt,
        levels=[(d, p) for d, p in all_levels if d >= since],
        level_before=before[-1] if before else None,
        changes=_changes(source, history, since, until),
        usual_pain=[r for r in source.usual_pain if r.since <= until],
        program_name=program.name if program is not None else "Bridge program",
        notes=[s for s in sessions if s.checkin.note.strip()],
        routine_poses=_routine_poses(source, sessions),
        pain_records=[r for r in source.pain_records if since <= r.day <= until],
        first_scores=_first_score_weeks(source, history, since, until),
        mornings=_mornings(source, history, since, until),
    )


def _routine_poses(source: ReportSource, sessions: list[Session]) -> list[tuple[str, list[Pose]]]:
    """Each routine practised in the period (in the order first practised), with its poses in order, once each."""
    library = source.library
    out: list[tuple[str, list[Pose]]] = []
    for routine_id in dict.fromkeys(s.routine for s in sorted(sessions, key=lambda s: s.started_at)):
        try:
            routine = source.routine(routine_id)
        except Exception:  # a routine since removed from the library: nothing to draw
            continue
        poses = [
            library.poses[p] for p in dict.fromkeys(step.pose for step in routine.steps) if p in library.poses
        ]
        out.append((routine.name, poses))
    return out
