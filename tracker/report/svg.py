"""The report's charts as inline SVG (no script, no external file): sessions a week, pain per session, the bridge level.

Each chart is drawn in a fixed viewBox and scales to the page's width; every
text is escaped. The figures under each chart are also in the page as text
(tables), so nothing is said only by the drawing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from html import escape

from tracker.model import Prescription, plural
from tracker.report.data import Report, WeekCount

__all__ = ["level_chart", "pain_chart", "weeks_chart"]

W = 700
LEFT, RIGHT, TOP = 40, 12, 14
INK, GRID, MUTED = "#222", "#d5d5d5", "#666"
BEFORE, AFTER, HURT, PRACTICE = "#2f6db5", "#d9822b", "#c0392b", "#3a8a4f"


def _svg(height: int, label: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {height}" role="img" '
        f'aria-label="{escape(label)}" class="chart" font-family="sans-serif" font-size="11">'
        f"<title>{escape(label)}</title>" + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, anchor: str = "middle", fill: str = MUTED) -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}">{escape(text)}</text>'


CHAR = 7.0  # width of one character at font-size 11, a little over a sans-serif's (DejaVu Sans averages 6.6)
GAP = 6  # between two labels of one row


def _width(text: str) -> float:
    return CHAR * len(text)


def _row(y: float, labels: list[tuple[float, str]], anchor: str = "middle") -> list[str]:
    """A row of labels along an axis, left to right: each kept inside the viewBox (moved in from an edge),
    and one that would overlap the label before it left out (the tables under the chart hold every figure)."""
    out: list[str] = []
    right = float("-inf")
    for x, text in labels:
        width = _width(text)
        left = x - width / 2 if anchor == "middle" else x
        left = min(max(left, 1.0), W - 1 - width)
        if left < right + GAP:
            continue
        right = left + width
        out.append(_text(left, y, text, "start"))
    return out


def _y_axis(top: float, bottom: float, high: int, step: int) -> list[str]:
    out = []
    for value in range(0, high + 1, step):
        y = bottom - (bottom - top) * value / high
        out.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{W - RIGHT}" y2="{y:.1f}" stroke="{GRID}" stroke-width="0.6"/>'
        )
        out.append(_text(LEFT - 6, y + 4, str(value), "end"))
    return out


def _short(day: date) -> str:
    return f"{day.day} {day:%b}"


def weeks_chart(weeks: list[WeekCount]) -> str:
    """One bar per ISO week: sessions (the bar) and practice days (the number in it)."""
    height, bottom = 190, 160
    high = max([w.sessions for w in weeks] + [7])
    step = 1 if high <= 8 else 2 if high <= 16 else 5
    body = _y_axis(TOP, bottom, high, step)
    slot = (W - LEFT - RIGHT) / max(1, len(weeks))
    every = max(1, round(len(weeks) / 13 + 0.49))
    for i, week in enumerate(weeks):
        x = LEFT + i * slot + slot * 0.15
        h = (bottom - TOP) * week.sessions / high
        body.append(
            f'<rect x="{x:.1f}" y="{bottom - h:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" fill="{PRACTICE}">'
            f"<title>Week of {week.monday.isoformat()}: {plural(week.sessions, 'session')} on {plural(week.days, 'day')}</title></rect>"
        )
        if (
            week.sessions and _width(str(week.sessions)) <= slot - 2
        ):  # a number wider than its bar is in the title
            body.append(_text(x + slot * 0.35, bottom - h - 3, str(week.sessions), fill=INK))
    body += _row(
        bottom + 14,
        [(LEFT + i * slot + slot * 0.5, _short(w.monday)) for i, w in enumerate(weeks) if i % every == 0],
    )
    body.append(_text(LEFT, height - 4, "Week starting (Monday); bar: sessions that week", "start"))
    return _svg(height, "Sessions a week", body)


def pain_chart(report: Report) -> str:
    """Pain before (circle) and after (square) per session on a 0-10 axis; a hurt stop is a red cross at the top."""
    points = report.scored
    height, bottom, top = 230, 190, 26
    body = _y_axis(top, bottom, 10, 2)
    if not points:
        body.append(_text(W / 2, (top + bottom) / 2, "No pain scores or hurt stops in this period."))
        return _svg(height, "Pain before and after each session", body)
    slot = (W - LEFT - RIGHT) / len(points)

    def y(value: int) -> float:
        return bottom - (bottom - top) * value / 10

    shown_day: date | None = None
    every = max(1, len(points) // 12)
    days: list[tuple[float, str]] = []
    for i, session in enumerate(points):
        x = LEFT + slot * (i + 0.5)
        c = session.checkin
        tip = f"{session.local_date.isoformat()} {report.routine_name(session.routine)}: before {c.pain_before}, after {c.pain_after}"
        usual = report.usual_on(session.local_date)
        if usual is not None:
            body.append(f'<line x1="{x - slot / 2:.1f}" y1="{y(usual.value):.1f}" x2="{x + slot / 2:.1f}" '
                        f'y2="{y(usual.value):.1f}" stroke="{MUTED}" stroke-dasharray="3 2"/>')  # fmt: skip
        if c.pain_before is not None and c.pain_after is not None:
            body.append(
                f'<line x1="{x:.1f}" y1="{y(c.pain_before):.1f}" x2="{x:.1f}" y2="{y(c.pain_after):.1f}" stroke="{GRID}" stroke-width="1.5"/>'
            )
        if c.pain_before is not None:
            body.append(
                f'<circle cx="{x:.1f}" cy="{y(c.pain_before):.1f}" r="3.2" fill="none" stroke="{BEFORE}" stroke-width="1.5"><title>{escape(tip)}</title></circle>'
            )
        if c.pain_after is not None:
            body.append(
                f'<rect x="{x - 3:.1f}" y="{y(c.pain_after) - 3:.1f}" width="6" height="6" fill="{AFTER}"><title>{escape(tip)}</title></rect>'
            )
        if session.hurt:
            body.append(
                f'<g stroke="{HURT}" stroke-width="2"><line x1="{x - 5:.1f}" y1="{top - 19:.1f}" x2="{x + 5:.1f}" y2="{top - 9:.1f}"/>'
                f'<line x1="{x - 5:.1f}" y1="{top - 9:.1f}" x2="{x + 5:.1f}" y2="{top - 19:.1f}"/></g>'
                f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="{HURT}" stroke-dasharray="2 3"/>'
            )
        if i % every == 0 and session.local_date != shown_day:
            days.append((x, _short(session.local_date)))
            shown_day = session.local_date
    body += _row(bottom + 14, days)
    body.append(
        f'<circle cx="{LEFT + 6}" cy="{height - 8}" r="3.2" fill="none" stroke="{BEFORE}" stroke-width="1.5"/>'
        + _text(LEFT + 14, height - 4, "before", "start")
        + f'<rect x="{LEFT + 66}" y="{height - 11}" width="6" height="6" fill="{AFTER}"/>'
        + _text(LEFT + 78, height - 4, "after", "start")
        + f'<g stroke="{HURT}" stroke-width="2"><line x1="{LEFT + 124}" y1="{height - 13}" x2="{LEFT + 132}" y2="{height - 5}"/>'
        f'<line x1="{LEFT + 124}" y1="{height - 5}" x2="{LEFT + 132}" y2="{height - 13}"/></g>'
        + _text(LEFT + 138, height - 4, "stopped because it hurt", "start")
        + f'<line x1="{LEFT + 290}" y1="{height - 8}" x2="{LEFT + 310}" y2="{height - 8}" stroke="{MUTED}" stroke-dasharray="3 2"/>'
        + _text(LEFT + 316, height - 4, "usual pain", "start")
    )
    return _svg(height, "Pain before and after each session (0-10)", body)


def _month_rows(since: date, until: date, x: Callable[[date], float], y: float) -> list[str]:
    """Under the axis, the period's first day and each month's first day; under them, the year (first and January).

    When the first day is too close to the next month for both labels, the month's label stays."""
    starts = [since] + [
        d
        for d in (date(y, m, 1) for y in range(since.year, until.year + 1) for m in range(1, 13))
        if since < d <= until
    ]
    labels = [(x(day), f"{day:%b}" if day.day == 1 else _short(day), day) for day in starts]
    if len(labels) > 1 and labels[1][0] < labels[0][0] + _width(labels[0][1]) + GAP:
        labels = labels[1:]
    years = [
        (at, str(day.year))
        for i, (at, _, day) in enumerate(labels)
        if i == 0 or (day.month, day.day) == (1, 1)
    ]
    return _row(y, [(at, text) for at, text, _ in labels], "start") + _row(y + 13, years, "start")


def level_chart(report: Report) -> str:
    """The bridge level each day of the period as three step lines (lifts, counts, hold), a dot at each change."""
    height, bottom, top = 214, 160, TOP  # under the axis: months, then years, then the legend
    body = _y_axis(top, bottom, 10, 2)
    span = max(1, (report.until - report.since).days + 1)

    def x(day: date) -> float:
        return LEFT + (W - LEFT - RIGHT) * (day - report.since).days / span

    def y(value: int) -> float:
        return bottom - (bottom - top) * min(value, 10) / 10

    steps: list[tuple[date, Prescription]] = []
    if report.level_before is not None:
        steps.append((report.since, report.level_before))
    steps += report.levels
    if not steps:
        body.append(_text(W / 2, (top + bottom) / 2, "No bridge program session in this period."))
        return _svg(height, "Bridge program level over time", body)
    end = report.until + timedelta(days=1)
    for attr, colour, dash in (("lifts", PRACTICE, ""), ("count", BEFORE, "6 3"), ("hold", AFTER, "2 2")):
        path = []
        for i, (day, level) in enumerate(steps):
            value = getattr(level, attr)
            path.append(f"H{x(day):.1f} V{y(value):.1f}" if i else f"M{x(day):.1f} {y(value):.1f}")
        path.append(f"H{x(end):.1f}")
        stroke = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(f'<path d="{" ".join(path)}" fill="none" stroke="{colour}" stroke-width="2"{stroke}/>')
    for change in report.changes:
        body.append(f'<circle cx="{x(change.day):.1f}" cy="{y(change.after.lifts):.1f}" r="3.5" fill="{INK}">'
                    f"<title>{change.day.isoformat()}: {escape(change.advice_kind)}</title></circle>")  # fmt: skip
    body += _month_rows(report.since, report.until, x, bottom + 14)
    legend = [
        ("lifts", PRACTICE, ""),
        ("counts to raise and lower", BEFORE, "6 3"),
        ("hold (counts)", AFTER, "2 2"),
    ]
    lx = LEFT
    for name, colour, dash in legend:
        stroke = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(
            f'<line x1="{lx}" y1="{height - 8}" x2="{lx + 20}" y2="{height - 8}" stroke="{colour}" stroke-width="2"{stroke}/>'
        )
        body.append(_text(lx + 25, height - 4, name, "start"))
        lx += 40 + 7 * len(name)
    body.append(
        f'<circle cx="{lx + 4}" cy="{height - 8}" r="3.5" fill="{INK}"/>'
        + _text(lx + 12, height - 4, "a change", "start")
    )
    return _svg(height, "Bridge program level over time", body)
