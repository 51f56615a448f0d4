"""`export` and `import`: the history in and out as JSON or CSV."""

from __future__ import annotations

import argparse
from pathlib import Path

from tracker.cli.common import (
    BAD_INPUT,
    OK,
    Io,
    Refused,
    _plural,
    _service,
    _warn_backup,
    parse_day,
    writable_target,
)
from tracker.inert import inert


def cmd_export(args: argparse.Namespace, io: Io) -> int:
    from tracker import exchange

    if args.schema:
        return _emit(exchange.schema_text(), args.output, io)
    since = parse_day(args.since, "--since") if args.since else None
    until = parse_day(args.until, "--until") if args.until else None
    if since and until and since > until:
        raise Refused(f"--since {since} is after --until {until}.")
    if args.output and args.output != "-":
        writable_target(args.output)
    with _service(
        args, io, reading=True
    ) as service:  # nothing saved yet: an empty export, no data folder made for it
        sessions = service.sessions(since, until)
        if args.format == "csv":
            text = exchange.export_csv(sessions, steps=args.steps)
        else:
            text = exchange.export_json(
                sessions,
                service.now(),
                service.usual_pain(),
                [
                    r
                    for r in service.pain_records()
                    if (since is None or r.day >= since) and (until is None or r.day <= until)
                ],
            )
    code = _emit(text, args.output, io)
    if args.output and args.output != "-":
        io.warn(f"Exported {_plural(len(sessions), 'session')} to {args.output}.")
    return code


def _emit(text: str, output: str | None, io: Io) -> int:
    from tracker.exchange import write_private

    if not output or output == "-":
        try:
            if (
                io.out.isatty()
            ):  # a person reads it: a note from an imported or synced file must not steer the terminal
                text = inert(text)
            io.out.write(text)
            io.out.flush()
        except BrokenPipeError:
            raise
        except OSError as error:  # `export > /dev/full`
            raise Refused(f"cannot write to standard output: {error.strerror or error}.") from None
        return OK
    path = Path(output).expanduser()
    if path.is_dir():
        raise Refused(f"{output} is a folder; give a file name.")
    try:
        write_private(path, text)
    except OSError as error:
        raise Refused(f"{output} cannot be written: {error.strerror or error}.") from None
    return OK


def cmd_import(args: argparse.Namespace, io: Io) -> int:
    """Import what is valid; each refused session is named with its JSON path and the exit code is 1.

    A file that is not an export at all (or whose envelope is wrong) imports nothing, exit 1.
    """
    from tracker import exchange

    try:
        history = exchange.read_history(args.file)
    except exchange.ImportRefused as refused:
        message = refused.message
        if "nothing was imported" not in message:
            message += " Nothing was imported."
        io.warn(f"{args.file}: {message}")
        for problem in refused.problems:
            io.warn(f"{args.file}: {problem}")
        return BAD_INPUT
    for _, problems in history.refused:
        for problem in problems:
            io.warn(f"{args.file}: {problem}")
    if history.refused and not history.sessions and not history.usual_pain and not history.pain_records:
        verb = "would add" if args.dry_run else "added"
        io.warn(f"{args.file}: {verb} 0 sessions, {len(history.refused)} rejected: nothing was imported.")
        return BAD_INPUT
    with _service(args, io) as service:
        report = exchange.import_sessions(
            service.store,
            history.sessions,
            dry_run=args.dry_run,
            usual_pain=history.usual_pain,
            pain_records=history.pain_records,
        )
        _warn_backup(service, io)
    report.invalid = len(history.refused)  # the one summary below counts them; each was named above
    io.print(f"{args.file}: {report.summary()}" + (" (dry run: nothing written)" if args.dry_run else "."))
    for session, reason in report.rejected:
        io.warn(
            f"{args.file}: rejected {session.id} ({session.routine}, {session.local_date.isoformat()}): {reason}"
        )
    return BAD_INPUT if history.refused else OK
