"""`report`: the practice report for a trainer or doctor, as HTML, Markdown or PDF (tracker.report)."""

from __future__ import annotations

import argparse
from pathlib import Path

from tracker.cli.common import OK, Io, Refused, _plural, _service, parse_day, writable_target

MAX_WEEKS = 520


def _format(args: argparse.Namespace) -> str:
    """--format, else the output file's extension (.pdf, .md), else html."""
    if args.format:
        return str(args.format)
    suffix = Path(args.output).suffix.lower() if args.output and args.output != "-" else ""
    return {".pdf": "pdf", ".md": "md", ".markdown": "md"}.get(suffix, "html")


def cmd_report(args: argparse.Namespace, io: Io) -> int:
    from tracker import report as reports

    if args.weeks is not None and args.since:
        raise Refused("--weeks and --since both choose the first day; give one of them.")
    if args.weeks is not None and not 1 <= args.weeks <= MAX_WEEKS:
        raise Refused(f"--weeks must be from 1 to {MAX_WEEKS}, not {args.weeks}.")
    fmt = _format(args)
    if args.output and args.output != "-":
        writable_target(args.output)  # a refusal writes nothing: said before the history is opened
    with _service(args, io, reading=True) as service:
        today = service.today()
        since = parse_day(args.since, "--since", today) if args.since else None
        until = parse_day(args.until, "--until", today) if args.until else None
        since, until = reports.period(today, args.weeks, since, until)
        if since > until:
            raise Refused(f"--since {since} is after --until {until}.")
        report = service.report(since, until)
        exports = service.locations.exports
    try:
        payload = reports.report_bytes(report, fmt)
    except reports.PdfUnavailable as error:
        raise Refused(str(error)) from None
    output = args.output
    if output == "-":
        if fmt == "pdf" and io.out.isatty():
            raise Refused("a PDF is not for the terminal; give -o FILE, or pipe it.")
        buffer = getattr(io.out, "buffer", None)
        io.out.flush()
        if io.out.isatty():  # a person reads it: notes from an imported or synced file are shown inert
            from tracker.inert import inert

            io.out.write(inert(payload.decode("utf-8", "replace")))
            io.out.flush()
        elif buffer is not None:
            buffer.write(payload)
            buffer.flush()
        else:
            io.out.write(payload.decode("utf-8", "replace"))
        return OK
    if output is None:
        from tracker.paths import ensure_private_dir

        path = ensure_private_dir(exports) / reports.default_name(since, until, fmt)
    else:
        path = Path(output).expanduser()
    if path.is_dir():
        raise Refused(f"{output} is a folder; give a file name.")
    from tracker.exchange import write_private

    try:
        write_private(path, payload)
    except OSError as error:
        raise Refused(f"{path} cannot be written: {error.strerror or error}.") from None
    io.warn(
        f"Wrote the report ({since.isoformat()} to {until.isoformat()}, {_plural(len(report.sessions), 'session')}, "
        f"{_plural(len(report.hurt_stops), 'hurt stop')}) to {path}"
    )
    return OK


__all__ = ["MAX_WEEKS", "cmd_report"]
