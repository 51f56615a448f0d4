"""The report as one self-contained HTML page: inline CSS and SVG, no script, nothing fetched, prints on A4 or Letter.

Every string that comes from the person or their files (notes, routine and
pose names, usual-pain notes) goes through `html.escape`. A Content Security
Policy forbids any fetch, so opening the file never touches the network.
The page is laid out for 180 mm of width (A4 and Letter both hold it within
their margins) and each section avoids breaking across pages where it can.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date
from html import escape

from tracker import __version__
from tracker.report import svg
from tracker.report.data import Report, first_score_rows, morning_rows
from tracker.report.figures import figure_svg
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

__all__ = ["render_html"]

CSS = """
@page {
  margin: 12mm 12mm 14mm;
  @bottom-left { content: "Backroll practice report, %PERIOD%"; font: 8pt sans-serif; color: #777; }
  @bottom-right { content: "page " counter(page) " of " counter(pages); font: 8pt sans-serif; color: #777; }
}
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font: 10.5pt/1.4 system-ui, "DejaVu Sans", sans-serif; color: #222; margin: 0 auto; max-width: 180mm; padding: 6mm 0; }
h1 { font-size: 17pt; margin: 0 0 2mm; }
h2 { font-size: 12.5pt; margin: 6mm 0 2mm; border-bottom: 1px solid #bbb; padding-bottom: 1mm; break-after: avoid; page-break-after: avoid; }
p { margin: 1.5mm 0; }
.meta { color: #555; }
.safety { border: 1.5px solid #c0392b; border-radius: 2mm; padding: 2mm 3mm; background: #fdf3f2; }
section { break-inside: avoid; page-break-inside: avoid; }
section.long { break-inside: auto; page-break-inside: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 0.8mm 1.5mm; border-bottom: 1px solid #e3e3e3; }
th { font-weight: 600; }
tr { break-inside: avoid; page-break-inside: avoid; }
.figures { display: flex; gap: 6mm; }
.figures > div { flex: 1; min-width: 0; }
.figures td { font-weight: 600; }
.figures td { white-space: nowrap; }
.figures th, .details th { font-weight: normal; white-space: nowrap; width: 1%; padding-right: 4mm; }
.details { margin-top: 2mm; }
td.when, th.when { white-space: nowrap; }
table.dense { font-size: 8.5pt; }
table.dense td, table.dense th { padding: 0.8mm 1mm; }
table.dense td.when { white-space: normal; min-width: 18mm; }
svg.chart { width: 100%; height: auto; display: block; }
.poses { display: flex; flex-wrap: wrap; gap: 6px 14px; }
.poses figure { margin: 0; width: 150px; text-align: center; font-size: 11px; break-inside: avoid; }
.poses svg.pose-figure { width: 150px; height: auto; display: block; }
.months { display: flex; flex-wrap: wrap; gap: 4mm; }
table.month { width: 54mm; font-size: 8.5pt; }
table.month caption { font-weight: 600; text-align: left; }
table.month td, table.month th { text-align: center; padding: 0.4mm; border: 1px solid #fff; }
td.out { color: #ccc; }
td.rest { background: #ececec; }
td.practice { background: #3a8a4f; color: #fff; font-weight: 600; }
td.hurt { outline: 2px solid #c0392b; outline-offset: -2px; }
.key span { display: inline-block; width: 3mm; height: 3mm; vertical-align: middle; margin: 0 1mm 0 3mm; }
.small { font-size: 9pt; color: #555; }
ul.reasons { margin: 0.5mm 0 0; padding-left: 5mm; font-size: 9pt; }
"""


def _table(head: tuple[str, ...], rows: Sequence[tuple[str, ...]], css: str = "") -> str:
    """A table; every cell is plain text, escaped here."""
    out = [f'<table class="{css}">' if css else "<table>", "<thead><tr>"]
    out += [f"<th>{escape(h)}</th>" for h in head]
    out.append("</tr></thead><tbody>")
    for row in rows:
        cells = [f'<td class="when">{escape(row[0])}</td>'] + [f"<td>{escape(cell)}</td>" for cell in row[1:]]
        out.append("<tr>" + "".join(cells) + "</tr>")
    return "".join(out) + "</tbody></table>"


def _figures(rows: list[tuple[str, str, str]]) -> str:
    body = "".join(
        f'<tr><th scope="row">{escape(label)}</th><td data-key="{key}">{escape(value)}</td></tr>'
        for key, label, value in rows
    )
    return f"<table>{body}</table>"


def _month(year: int, month: int, report: Report) -> str:
    practice: dict[date, int] = {}
    for s in report.sessions:
        practice[s.local_date] = practice.get(s.local_date, 0) + 1
    hurt = {h.session.local_date for h in report.hurt_stops}
    out = [f'<table class="month"><caption>{calendar.month_name[month]} {year}</caption><thead><tr>']
    out += [f"<th>{d[:2]}</th>" for d in weekday_names]
    out.append("</tr></thead><tbody>")
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        out.append("<tr>")
        for day in week:
            if day.month != month:
                out.append("<td></td>")
                continue
            classes = []
            tip = day.isoformat()
            if not report.since <= day <= report.until:
                classes.append("out")
            elif day in practice:
                classes.append("practice")
                tip += f": {practice[day]} session{'s' if practice[day] != 1 else ''}"
            elif day in report.rest_days:
                classes.append("rest")
                tip += ": rest day"
            if day in hurt:
                classes.append("hurt")
                tip += ", stopped because it hurt"
            css = f' class="{" ".join(classes)}"' if classes else ""
            out.append(f'<td{css} title="{escape(tip)}">{day.day}</td>')
        out.append("</tr>")
    return "".join(out) + "</tbody></table>"


def _changes(report: Report) -> str:
    if not report.changes:
        return (
            "<p>The bridge level did not change in this period"
            + (f" (it stayed at {escape(level_text(report.level_before))})." if report.level_before else ".")
            + "</p>"
        )
    rows = []
    for c in report.changes:
        reasons = "".join(f"<li>{escape(r)}</li>" for r in c.reasons)
        source = "" if c.followed else " <em>(a level chosen by the person, not the one advised)</em>"
        rows.append(
            f'<tr><td class="when">{c.day.isoformat()}</td>'
            f"<td>{escape(level_text(c.before))}</td><td>{escape(level_text(c.after))}</td>"
            f"<td>{escape(c.advice_message)} ({escape(c.advice_kind)}){source}"
            + (f'<ul class="reasons">{reasons}</ul>' if reasons else "")
            + "</td></tr>"
        )
    return ("<table><thead><tr><th>Day</th><th>From</th><th>To</th><th>The advice given before that session</th></tr></thead>"
            "<tbody>" + "".join(rows) + "</tbody></table>")  # fmt: skip


def _routine_pages(report: Report) -> str:
    """Each routine practised, its poses drawn (the end of each move; one-sided poses on the left side)."""
    if not report.routine_poses:
        return ""
    parts = ['<section id="routines" class="long"><h2>The routines practised, pose by pose</h2>',
             '<p class="small">Each pose at the end of its move; a one-sided pose is drawn on its left side.</p>']  # fmt: skip
    for name, poses in report.routine_poses:
        parts.append(f'<h3>{escape(name)}</h3><div class="poses">')
        for pose in poses:
            side = " (left side)" if pose.sided else ""
            parts.append(
                f"<figure>{figure_svg(pose, width=150, height=110)}<figcaption>{escape(pose.name + side)}</figcaption></figure>"
            )
        parts.append("</div>")
    parts.append("</section>")
    return "".join(parts)


def render_html(report: Report) -> str:
    """The whole page (UTF-8 text)."""
    heading = title(report)
    weeks = len(report.weeks)
    days = (report.until - report.since).days + 1
    period_text = f"{report.since.isoformat()} to {report.until.isoformat()}"  # dates only: safe inside CSS
    hurt_rows = []
    for h in report.hurt_stops:
        side, rep, phase, step = hurt_where(h.at)
        c = h.session.checkin
        hurt_rows.append((session_time(h.session), h.routine_name, h.pose_name or "not recorded", side, rep, phase, step,
                          pain_text(c.pain_before), pain_text(c.pain_after), c.note))  # fmt: skip
    usual_rows = [(r.since.isoformat(), str(r.value), r.note) for r in report.usual_pain]
    note_rows = [(session_time(s), report.routine_name(s.routine), s.checkin.note) for s in report.notes]
    week_rows = [(w.monday.isoformat(), str(w.sessions), str(w.days)) for w in report.weeks]
    standing = standing_rows(report)  # six figures, then the next session, the advice and the usual pain
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="Backroll {escape(__version__)}">',
        f"<title>{escape(heading)}</title><style>{CSS.replace('%PERIOD%', period_text)}</style></head><body>",
        f"<header><h1>{escape(heading)}</h1>",
        f'<p class="meta">{days} day{"s" if days != 1 else ""} ({weeks} calendar week{"s" if weeks != 1 else ""}) '
        "of practice recorded in Backroll; dates are the local days where each session started. "
        f"Made {report.generated_at:%Y-%m-%d %H:%M} "
        f"({escape(report.zone)}).</p>",
        f'<p class="safety" id="safety-top"><strong>No diagnosis.</strong> {escape(SAFETY)}</p></header>',
        '<section id="figures"><div class="figures">',
        f"<div><h2>As of {report.until.isoformat()}</h2>{_figures(standing[:6])}</div>",
        f"<div><h2>In this period</h2>{_figures(period_rows(report))}</div>",
        "</div>",
        f'<div class="details">{_figures(standing[6:])}</div>',
    ]
    reasons = report.status.advice.reasons
    if reasons:
        parts.append(
            '<p class="small">Why this advice:</p><ul class="reasons">'
            + "".join(f"<li>{escape(str(r))}</li>" for r in reasons)
            + "</ul>"
        )
    parts += [
        "</section>",
        '<section id="calendar"><h2>Practice days</h2><div class="months">',
        *(_month(y, m, report) for y, m in months(report.since, report.until)),
        '</div><p class="key small">'
        '<span style="background:#3a8a4f"></span>practised'
        '<span style="background:#ececec"></span>declared rest day'
        '<span style="outline:2px solid #c0392b"></span>stopped because it hurt</p></section>',
        '<section id="weeks"><h2>Sessions a week</h2>',
        svg.weeks_chart(report.weeks),
        "</section>",
        '<section id="pain"><h2>Pain before and after each session</h2>',
        '<p class="small">Pain as the person scored it, 0 (none) to 10; sessions without a score are left out.</p>',
        svg.pain_chart(report),
        "</section>",
        '<section id="hurt" class="long"><h2>Stopped because it hurt</h2>',
        _table(
            ("When", "Routine", "Pose", "Side", "Rep", "Phase", "Step", "Pain before", "Pain after", "Note"),
            hurt_rows,
            "dense",
        )
        if hurt_rows
        else "<p>No session was stopped because it hurt in this period.</p>",
        "</section>",
        f'<section id="level" class="long"><h2>{escape(report.program_name)}: level over time</h2>',
        svg.level_chart(report),
        _changes(report),
        "</section>",
        '<section id="day-after" class="long"><h2>The day after</h2>',
        f'<p class="small">{escape(DAY_AFTER)}</p>',
        _table(("Week starting", "Days scored", "Median first score", "Change"), first_score_rows(report)),
        _table(("Practice day", "The next morning", "Read as"), morning_rows(report))
        if report.mornings
        else "<p>No morning after was scored in this period.</p>",
        "<h3>Pain records (given without practising)</h3>",
        _table(
            ("Day", "Pain (0-10)", "Note"),
            [(r.day.isoformat(), str(r.value), r.note) for r in report.pain_records],
        )
        if report.pain_records
        else "<p>None recorded.</p>",
        "</section>",
        '<section id="usual"><h2>Usual pain records</h2>',
        '<p class="small">Recorded after a trainer or doctor looked at the practice: pain after a session at or '
        "below it is not counted as pain by the program.</p>",
        _table(("From", "Usual pain (0-10)", "Note"), usual_rows) if usual_rows else "<p>None recorded.</p>",
        "</section>",
        '<section id="notes" class="long"><h2>Notes</h2>',
        _table(("When", "Routine", "Note"), note_rows) if note_rows else "<p>No notes in this period.</p>",
        "</section>",
        _routine_pages(report),
        '<section id="week-table" class="long"><h2>Sessions a week, in figures</h2>',
        _table(("Week starting", "Sessions", "Practice days"), week_rows),
        "</section>",
        f'<footer><p class="safety" id="safety">{escape(SAFETY)}</p></footer>',
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"
