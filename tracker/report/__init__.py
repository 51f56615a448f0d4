"""The practice report to take to a trainer or doctor (`backroll report`, and Progress in the app).

`build_report` (data.py) gathers the figures from the records the service
hands it (a `ReportSource`) with the same core functions as `status --json`
and `export`; `render_html` (one self-contained page,
inline SVG charts, a print stylesheet) and `render_markdown` say them;
`html_to_pdf` prints the page with headless Chromium. `report_bytes` and
`write_report` tie them together (`Backroll.report` and `Backroll.write_report`
build the source and call them: the report knows no service); files are written 0600 through the one
atomic writer.

No Textual here (see the import-linter contract in pyproject.toml).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tracker.report.data import DEFAULT_WEEKS, Report, ReportSource, build_report, period
from tracker.report.html import render_html
from tracker.report.markdown import render_markdown
from tracker.report.pdf import PdfUnavailable, html_to_pdf

__all__ = [
    "DEFAULT_WEEKS",
    "FORMATS",
    "PdfUnavailable",
    "Report",
    "ReportSource",
    "build_report",
    "default_name",
    "html_to_pdf",
    "period",
    "render_html",
    "render_markdown",
    "report_bytes",
    "write_report",
]

FORMATS = {"html": "html", "md": "md", "pdf": "pdf"}  # format -> file extension


def report_bytes(report: Report, fmt: str) -> bytes:
    """The report in `fmt` (html, md or pdf) as the bytes of the file; PdfUnavailable for a pdf without Chromium."""
    if fmt == "html":
        return render_html(report).encode("utf-8")
    if fmt == "md":
        return render_markdown(report).encode("utf-8")
    if fmt == "pdf":
        return html_to_pdf(render_html(report))
    raise ValueError(f"unknown report format {fmt!r}; use html, md or pdf")


def default_name(since: date, until: date, fmt: str) -> str:
    return f"backroll-report-{since.isoformat()}-to-{until.isoformat()}.{FORMATS[fmt]}"


def write_report(report: Report, fmt: str, folder: Path) -> Path:
    """`report` in `fmt` written to `folder` (made 0700) under its default name; the file is 0600."""
    from tracker.files import write_atomic
    from tracker.paths import ensure_private_dir

    payload = report_bytes(report, fmt)
    target = ensure_private_dir(folder) / default_name(report.since, report.until, fmt)
    write_atomic(target, payload)
    return target
