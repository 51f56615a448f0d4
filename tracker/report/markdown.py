"""The report as Markdown (`--format md`): the same sections and figures as the HTML page, tables instead of charts."""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence

from tracker.report.data import Report, first_score_rows, morning_rows
from tracker.report.text import (
    DAY_AFTER,
    SAFETY,
    hurt_where,
    level_text,
    months,
    pain_text,
    period_rows,
    session_time,
    standing_rows,
    title,
    weekday_names,
)

__all__ = ["render_markdown"]

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def md(text: str) -> str:
    """Plain text made inert in Markdown: special characters escaped, line breaks as spaces (a table cell stays one)."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _table(head: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(md(h) for h in head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in rows]
    return lines + [""]


def _month(year: int, month: int, report: Report) -> list[str]:
    practice = {s.local_date for s in report.sessions}
    hurt = {h.session.local_date for h in report.hurt_stops}
    lines = [
        f"**{calendar.month_name[month]} {year}**",
        "",
        "| " + " | ".join(weekday_names) + " |",
        "|" + "---|" * 7,
    ]
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        cells = []
        for day in week:
            if day.month != month:
                cells.append(" ")
            elif not report.since <= day <= report.until:
                cells.append("·")  # outside the report's days
            elif day in hurt:
                cells.append(f"**{day.day}**!")
            elif day in practice:
                cells.append(f"**{day.day}**")
            elif day in report.rest_days:
                cells.append(f"{day.day}r")
            else:
                cells.append(f"{day.day}")
        lines.append("| " + " | ".join(cells) + " |")
    return lines + [""]


def render_markdown(report: Report) -> str:
    lines = [f"# {title(report)}", "", f"> **No diagnosis.** {md(SAFETY)}", ""]
    lines += [f"## As of {report.until.isoformat()}", ""]
    lines += _table(("", ""), [(label, value) for _, label, value in standing_rows(report)])
    lines += [f"- {md(str(r))}" for r in report.status.advice.reasons] + (
        [""] if report.status.advice.reasons else []
    )
    lines += ["## In this period", ""]
    lines += _table(("", ""), [(label, value) for _, label, value in period_rows(report)])
    lines += [
        "## Practice days",
        "",
        "Bold: practised; `!`: stopped because it hurt; `r`: declared rest day; `·`: outside the report's days.",
        "",
    ]
    for year, month in months(report.since, report.until):
        lines += _month(year, month, report)
    lines += ["## Sessions a week", ""]
    lines += _table(
        ("Week starting", "Sessions", "Practice days"),
        [(w.monday.isoformat(), str(w.sessions), str(w.days)) for w in report.weeks],
    )
    lines += ["## Pain before and after each session (0-10)", ""]
    lines += _table(
        ("When", "Routine", "Pain before", "Pain after", "Stopped because it hurt"),
        [(session_time(s), report.routine_name(s.routine), pain_text(s.checkin.pain_before), pain_text(s.checkin.pain_after),
          "yes" if s.hurt else "") for s in report.scored],
    )  # fmt: skip
    lines += ["## Stopped because it hurt", ""]
    if report.hurt_stops:
        rows = []
        for h in report.hurt_stops:
            side, rep, phase, step = hurt_where(h.at)
            rows.append(
                (
                    session_time(h.session),
                    h.routine_name,
                    h.pose_name or "not recorded",
                    side,
                    rep,
                    phase,
                    step,
                    h.session.checkin.note,
                )
            )
        lines += _table(("When", "Routine", "Pose", "Side", "Rep", "Phase", "Step", "Note"), rows)
    else:
        lines += ["No session was stopped because it hurt in this period.", ""]
    lines += [f"## {md(report.program_name)}: level over time", ""]
    if report.changes:
        lines += _table(
            ("Day", "From", "To", "The advice given before that session"),
            [(c.day.isoformat(), level_text(c.before), level_text(c.after),
              f"{c.advice_message} ({c.advice_kind})" + ("" if c.followed else " (a level chosen by the person, not the one advised)")
              + "".join(f" - {r}" for r in c.reasons)) for c in report.changes],
        )  # fmt: skip
    else:
        lines += ["The bridge level did not change in this period.", ""]
    lines += ["## The day after", ""]
    lines += [md(DAY_AFTER), ""]
    lines += _table(
        ("Week starting", "Days scored", "Median first score", "Change"), first_score_rows(report)
    )
    mornings = morning_rows(report)
    lines += (
        _table(("Practice day", "The next morning", "Read as"), mornings)
        if mornings
        else ["No morning after was scored in this period.", ""]
    )
    pains = [(r.day.isoformat(), str(r.value), r.note) for r in report.pain_records]
    lines += ["**Pain records** (given without practising)", ""]
    lines += _table(("Day", "Pain (0-10)", "Note"), pains) if pains else ["None recorded.", ""]
    lines += ["## Usual pain records", ""]
    usual = [(r.since.isoformat(), str(r.value), r.note) for r in report.usual_pain]
    lines += _table(("From", "Usual pain (0-10)", "Note"), usual) if usual else ["None recorded.", ""]
    lines += ["## Notes", ""]
    notes = [(session_time(s), report.routine_name(s.routine), s.checkin.note) for s in report.notes]
    lines += _table(("When", "Routine", "Note"), notes) if notes else ["No notes in this period.", ""]
    lines += ["---", "", md(SAFETY), ""]
    return "\n".join(lines)
