"""The report's words and figures, shared by the HTML and the Markdown page so both say the same.

Every value is plain text (not escaped): each renderer escapes for its own format.
"""

from __future__ import annotations

from datetime import date

from tracker.model import PROGRAM_ID, HurtAt, Prescription, Session, Side, plural
from tracker.report.data import Report

SAFETY = (
    "Backroll is a practice log, not a medical tool: it gives no diagnosis and this report is not one. "
    "It shows what was practised and what the person recorded. If it hurts, stop. If pain keeps coming "
    "back, see a personal trainer or a doctor, and take this report with you."
)

__all__ = [
    "DAY_AFTER",
    "SAFETY",
    "hurt_where",
    "level_text",
    "pain_text",
    "period_rows",
    "standing_rows",
    "title",
    "weekday_names",
]

weekday_names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def title(report: Report) -> str:
    return f"Practice report, {report.since.isoformat()} to {report.until.isoformat()}"


def level_text(level: Prescription | None) -> str:
    if level is None:
        return "none yet"
    text = f"{plural(level.lifts, 'lift')}, counts of {level.count}"
    return text + (f", hold {level.hold}" if level.hold else ", no hold")


def pain_text(value: int | None) -> str:
    return "not given" if value is None else str(value)


def hurt_where(at: HurtAt | None) -> tuple[str, str, str, str]:
    """(side, rep, phase, step) of a hurt stop; a stop logged without the app recorded none of them."""
    if at is None:
        return ("not recorded", "not recorded", "not recorded", "not recorded")
    side = "both" if at.side is Side.BOTH else ("-" if at.side is Side.NONE else at.side.value)
    return side, str(at.rep), at.phase.value, str(at.step + 1)


def _average(values: list[int]) -> str:
    return f"{sum(values) / len(values):.1f}" if values else "none recorded"


def standing_rows(report: Report) -> list[tuple[str, str, str]]:
    """(key, label, value) as of the report's last day: the `status --json --today UNTIL` object, field by field."""
    s = report.status_json
    usual = s["usual_pain"]
    consistency = float(s["consistency"])
    rows = [
        ("today", "As of", s["today"]),
        ("current_streak", "Current streak (practice days)", str(s["current_streak"])),
        ("longest_streak", "Longest streak (practice days)", str(s["longest_streak"])),
        ("practice_days", "Practice days since the start", str(s["practice_days"])),
        ("last_practice", "Last practice", s["last_practice"] or "never"),
        ("consistency", "Consistency (0 to 1)", f"{consistency:.4f} ({round(consistency * 100)}%)"),
        ("program", "Next bridge session", level_text(report.status.prescription)),
        ("advice", "Advice", f"{s['advice']['message']} ({s['advice']['kind']})"),
        ("usual_pain", "Usual pain in force",
         f"{usual['value']}, since {usual['date']}" + (f" ({usual['note']})" if usual["note"] else "") if usual else "none recorded"),
    ]  # fmt: skip
    return rows


def period_rows(report: Report) -> list[tuple[str, str, str]]:
    """(key, label, value) over the period: the sessions `export --since --until` writes."""
    sessions = report.sessions
    before = [s.checkin.pain_before for s in sessions if s.checkin.pain_before is not None]
    after = [s.checkin.pain_after for s in sessions if s.checkin.pain_after is not None]
    program = [s for s in sessions if s.routine == PROGRAM_ID]
    return [
        ("sessions", "Sessions", str(len(sessions))),
        ("period_practice_days", "Practice days", str(len(report.practice_days))),
        ("bridge_sessions", "Bridge program sessions", str(len(program))),
        ("minutes", "Minutes practised", str(report.minutes)),
        ("hurt_stops", "Stopped because it hurt", str(len(report.hurt_stops))),
        ("pain_before_avg", "Average pain before (0-10)", _average(before)),
        ("pain_after_avg", "Average pain after (0-10)", _average(after)),
        ("level_changes", "Bridge level changes", str(len(report.changes))),
        ("notes", "Notes written", str(len(report.notes))),
    ]


def session_time(session: Session) -> str:
    """The local date and start time where it was practised, e.g. 2026-03-04 07:31."""
    return f"{session.local_date.isoformat()} {session.started_at:%H:%M}"


def months(since: date, until: date) -> list[tuple[int, int]]:
    """(year, month) of every month the period touches."""
    found: list[tuple[int, int]] = []
    year, month = since.year, since.month
    while (year, month) <= (until.year, until.month):
        found.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


DAY_AFTER = (
    "The first pain score of each day (a pain record, or the pain before of the day's first session), by week; and "
    "how the back was the morning after each practice day. A morning after at least the program's response rise "
    "above that day's pain before (and above the usual pain) is read as too much, and the program holds or steps back."
)
