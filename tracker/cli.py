"""The `backroll` command: no subcommand opens the app; the subcommands script the history.

Exit codes: 0 ok; 1 bad input or refused (one plain sentence on stderr,
nothing written); 2 usage; 3 the data cannot be opened (corrupt or locked).

Textual is imported only inside `open_app`, so every other command starts
fast and the core stays free of the UI.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Sequence, TextIO

from tracker import __version__
from tracker.paths import ENV_HOME, is_wider_than_private, resolve_home

OK, BAD_INPUT, USAGE, CANNOT_OPEN = 0, 1, 2, 3

DESCRIPTION = """\
A full-screen terminal companion for a daily yoga-for-back-pain practice.

  backroll                         open the app
  backroll demo                    open the app on a generated sample history (temp home)
  backroll status [--json] [--today DATE]
  backroll log ROUTINE [--date DATETIME] [--lifts N] [--count N] [--hold N]
               [--pain-before N] [--pain-after N] [--stable yes|no|unsure]
               [--felt easy|right|hard] [--hurt] [--note TEXT]
  backroll export [--format json|csv] [--steps] [-o FILE] [--since DATE] [--until DATE] [--schema]
  backroll import FILE [--dry-run]
  backroll routines [--json]
  backroll check FILE              validate a user's routine file
  backroll usual-pain N [--date D] [--note TEXT]
                                   record your usual pain after seeing a professional
"""

EPILOG = f"""\
The data home is --home DIR, else ${ENV_HOME}, else the per-user data folder.
Dates are YYYY-MM-DD; --date also takes a time ("2025-03-01 07:30"), read in
the local time zone unless it carries an offset.

exit codes:
  0  ok
  1  bad input or refused (one sentence on stderr; nothing written)
  2  usage error
  3  the data cannot be opened (corrupt or locked by another Backroll)

Backroll gives no diagnosis. If it hurts, stop; if pain keeps coming back,
see a personal trainer or a doctor.
"""


class Refused(Exception):
    """Bad input or a refusal: exit 1 with this one sentence on stderr."""


@dataclass
class Io:
    out: TextIO
    err: TextIO

    def print(self, text: str = "") -> None:
        print(text, file=self.out)

    def warn(self, text: str) -> None:
        print(text, file=self.err)


# --------------------------------------------------------------------------- parser


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: --home may come before or after the subcommand without one overwriting the other.
    common.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS,
                        help=f"data folder (default: ${ENV_HOME}, else the per-user data folder)")  # fmt: skip

    parser = argparse.ArgumentParser(
        prog="backroll",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    def add(name: str, help: str, description: str = "") -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], help=help, description=description or help,
                              formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip

    demo = add("demo", "open the app on a generated six-week sample history in a temporary home")
    demo.add_argument("--no-app", action="store_true", help="only create and fill the demo home; print its path and keep it")
    demo.add_argument("--keep", action="store_true", help="keep the demo home after the app closes")
    demo.add_argument("--days", type=int, default=42, help=argparse.SUPPRESS)

    status = add("status", "streaks, the next prescription and the advice with its reasons")
    status.add_argument("--json", action="store_true", help="print one JSON object (see the README)")
    status.add_argument("--today", metavar="DATE", help="compute as of DATE (YYYY-MM-DD); later sessions are ignored")

    log = add(
        "log",
        "record a session done without the app",
        "Record a session done without the app. For the bridge program, --lifts, --count and\n"
        "--hold default to the prescription the advice gives for that day.",
    )
    log.add_argument("routine", metavar="ROUTINE", help="routine id (see `backroll routines`)")
    log.add_argument("--date", metavar="DATETIME", help="when it started (default: now); naive times are local")
    log.add_argument("--lifts", type=int, metavar="N", help="bridge: lifts done")
    log.add_argument("--count", type=int, metavar="N", help="bridge: counts to raise and to lower")
    log.add_argument("--hold", type=int, metavar="N", help="bridge: counts held at the top (0 = none)")
    log.add_argument("--pain-before", type=int, metavar="N", help="pain before, 0-10")
    log.add_argument("--pain-after", type=int, metavar="N", help="pain after, 0-10")
    log.add_argument("--stable", choices=("yes", "no", "unsure"), help="legs and back felt stable")
    log.add_argument("--felt", choices=("easy", "right", "hard"), help="how it felt")
    log.add_argument("--hurt", action="store_true", help="stopped because it hurt (still a practice day)")
    log.add_argument("--note", metavar="TEXT", default="", help="a note")

    export = add("export", "write the history as JSON (default) or CSV")
    export.add_argument("--format", choices=("json", "csv"), default="json", help="default: json")
    export.add_argument("--steps", action="store_true", help="CSV: one row per step instead of per session")
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE (private, atomic) instead of stdout")
    export.add_argument("--since", metavar="DATE", help="only practice days on or after DATE")
    export.add_argument("--until", metavar="DATE", help="only practice days on or before DATE")
    export.add_argument("--schema", action="store_true", help="print the JSON Schema of the export and exit")

    imp = add("import", "merge a JSON export into the history (by session id; never overwrites)")
    imp.add_argument("file", metavar="FILE", help="a file written by `backroll export`")
    imp.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")

    routines = add("routines", "list the routines with their length at the current settings")
    routines.add_argument("--json", action="store_true", help="print a JSON list")

    check = add("check", "validate a user's routine file (exit 0 valid, 1 invalid)")
    check.add_argument("file", metavar="FILE", help="a routine TOML file")

    usual = add(
        "usual-pain",
        "record your usual pain (0-10) after a trainer or doctor has looked at your practice",
        "Record your usual pain (0-10), as agreed with a personal trainer or a doctor who has looked\n"
        "at your practice. From --date on (default today), a pain-after score at or below it does not\n"
        "count as pain for the advice; above it does, and a stop because it hurt always does.\n"
        "Without arguments beyond N it records today's value; `backroll usual-pain --list` shows them all.",
    )
    usual.add_argument("value", metavar="N", nargs="?", type=int, help="usual pain, 0-10")
    usual.add_argument("--date", metavar="DATE", help="the day it applies from (YYYY-MM-DD; default today)")
    usual.add_argument("--note", metavar="TEXT", default="", help="e.g. who you saw")
    usual.add_argument("--list", action="store_true", help="list the records instead")
    return parser


# --------------------------------------------------------------------------- helpers


def _home(args: argparse.Namespace) -> Path:
    return resolve_home(getattr(args, "home", None))


def _warn_wide_home(home: Path, io: Io) -> None:
    try:
        if home.is_dir() and is_wider_than_private(home):
            mode = home.stat().st_mode & 0o777
            io.warn(f"warning: {home} can be read by other users (mode {mode:o}); `chmod 700 {home}` keeps your health data private.")
    except OSError:
        pass


def _service(args: argparse.Namespace, io: Io) -> Any:
    from tracker.service import Backroll

    home = _home(args)
    _warn_wide_home(home, io)
    return Backroll(home)


def _warn_backup(service: Any, io: Io) -> None:
    """The save went through but the daily backup failed (see Store.backup_error): say so, or backups stop unnoticed."""
    error = getattr(service.store, "backup_error", None) if service.store_is_open else None
    if error is not None:
        denied = getattr(error, "errno", None) in (errno.EACCES, errno.EPERM)
        io.warn(
            f"warning: today's backup in {service.locations.backups} could not be made "
            f"({'permission was denied' if denied else error.strerror or error}); the history itself is saved. "
            "Fix that folder so backups resume."
        )


def parse_day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise Refused(f"{option} {text!r} is not a date; use YYYY-MM-DD.") from None


def parse_moment(text: str, service: Any) -> datetime:
    """A DATETIME for `log --date`: anything dateutil reads; missing parts come from now.

    Naive times are local; a time with an offset keeps it (its local date is the practice day),
    see Backroll.stamp.
    """
    from dateutil import parser as dateparser

    now = service.now()
    try:
        parsed = dateparser.parse(text, default=now.replace(tzinfo=None, second=0, microsecond=0))
    except (ValueError, OverflowError, dateparser.ParserError):
        raise Refused(f"--date {text!r} is not a date and time I can read; try 2025-03-01 or '2025-03-01 07:30'.") from None
    return parsed if parsed.tzinfo is not None else service.localize(parsed)


def _in_range(value: int | None, option: str, low: int, high: int) -> None:
    if value is not None and not low <= value <= high:
        raise Refused(f"{option} must be from {low} to {high}, not {value}.")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


# --------------------------------------------------------------------------- commands


def cmd_status(args: argparse.Namespace, io: Io) -> int:
    with _service(args, io) as service:
        today = parse_day(args.today, "--today") if args.today else None
        status = service.status(today, quick=True)
        if service.locations.in_progress.is_dir():  # a session cut off: one line on stderr, stdout unchanged
            hint = service.in_progress.hint()
            if hint:
                io.warn(f"note: {hint}.")
    if args.json:
        io.print(json.dumps(status.to_json_dict(), ensure_ascii=False))
        return OK
    data = status.to_json_dict()
    s = status.streak
    io.print(f"Today: {data['today']}")
    io.print(
        f"Streak: {_plural(s.current, 'day')} (longest {s.longest}); "
        f"{_plural(s.practice_days, 'practice day')}, last {data['last_practice'] or 'never'}; "
        f"consistency {round(100 * data['consistency'])}%"
    )
    io.print(f"Next session: {data['program']['id']}: {status.prescription.describe()}")
    if status.usual_pain is not None:
        u = status.usual_pain
        io.print(f"Usual pain: {u.value} (recorded from {u.since.isoformat()}" + (f"; {u.note}" if u.note else "") + ")")
    io.print(f"Advice ({data['advice']['kind']}): {data['advice']['message']}")
    for reason in data["advice"]["reasons"]:
        io.print(f"  - {reason}")
    return OK


def cmd_log(args: argparse.Namespace, io: Io) -> int:
    from tracker.model import CheckIn, Felt, Prescription, Stability

    _in_range(args.pain_before, "--pain-before", 0, 10)
    _in_range(args.pain_after, "--pain-after", 0, 10)
    if len(args.note) > 10_000:
        raise Refused("--note is longer than 10000 characters.")
    with _service(args, io) as service:
        ids = service.routine_ids()
        if args.routine not in ids:
            raise Refused(f"There is no routine {args.routine!r}; known routines: {', '.join(ids)}.")
        started = parse_moment(args.date, service) if args.date else service.now()
        if started > service.now() + timedelta(minutes=1):
            raise Refused(f"--date {args.date} is in the future; log a session once it has started.")
        is_program = args.routine in service.library.programs
        given = {k: getattr(args, k) for k in ("lifts", "count", "hold") if getattr(args, k) is not None}
        prescription = None
        if is_program:
            _check_program_ranges(given, service.rules(args.routine), args.routine)
            advised = service.status(started.date(), program_id=args.routine).prescription
            prescription = Prescription(
                given.get("lifts", advised.lifts), given.get("count", advised.count), given.get("hold", advised.hold)
            )
            routine = service.routine(args.routine, prescription)
        else:
            if given:
                options = " and ".join(f"--{k}" for k in given)
                verb = "applies" if len(given) == 1 else "apply"
                raise Refused(f"{options} {verb} to the bridge program only, not to {args.routine!r}.")
            routine = service.routine(args.routine)
        checkin = CheckIn(
            pain_before=args.pain_before,
            pain_after=args.pain_after,
            stable=Stability(args.stable) if args.stable else None,
            felt=Felt(args.felt) if args.felt else None,
            note=args.note,
        )
        session = service.log_session(routine, started, checkin, hurt=args.hurt, prescription=prescription)
        service.save_session(session)
        _warn_backup(service, io)
        status = service.status()
    what = f"{session.routine}" + (f" ({prescription.describe()})" if prescription else "")
    io.print(
        f"Logged {what} on {session.local_date.isoformat()} at {session.started_at.strftime('%H:%M')} {session.zone}"
        + ("; stopped because it hurt" if args.hurt else "")
        + "."
    )
    io.print(f"Current streak: {_plural(status.streak.current, 'day')}.")
    if args.hurt or (args.pain_after or 0) > 0:
        io.print("If it hurts, stop. If pain keeps coming back, see a personal trainer or a doctor.")
    return OK


def _check_program_ranges(given: dict[str, int], rules: Any, program_id: str) -> None:
    """--lifts, --count and --hold within the program's own ranges (its content file), or a clear refusal."""
    lifts, count, hold = given.get("lifts"), given.get("count"), given.get("hold")
    if lifts is not None and not 1 <= lifts <= rules.max_lifts:
        raise Refused(f"--lifts must be from 1 to {rules.max_lifts} for the {program_id} program, not {lifts}.")
    if count is not None and not rules.start_count <= count <= rules.max_count:
        raise Refused(
            f"--count must be from {rules.start_count} to {rules.max_count} for the {program_id} program, not {count}."
        )
    if hold is not None and hold != 0 and not rules.first_hold <= hold <= rules.max_hold:
        raise Refused(
            f"--hold must be 0 (no hold) or from {rules.first_hold} to {rules.max_hold} "
            f"for the {program_id} program, not {hold}."
        )


def cmd_usual_pain(args: argparse.Namespace, io: Io) -> int:
    if args.list:
        if args.value is not None:
            raise Refused("give either N or --list, not both.")
        with _service(args, io) as service:
            records = service.usual_pain()
        if not records:
            io.print("No usual pain recorded: every pain score after a session above 0 counts as pain.")
        for r in records:
            io.print(f"{r.since.isoformat()}  {r.value}" + (f"  {r.note}" if r.note else ""))
        return OK
    if args.value is None:
        raise Refused("give your usual pain as a whole number from 0 to 10, e.g. `backroll usual-pain 3`.")
    _in_range(args.value, "N", 0, 10)
    if len(args.note) > 1_000:
        raise Refused("--note is longer than 1000 characters.")
    with _service(args, io) as service:
        since = parse_day(args.date, "--date") if args.date else None
        if since is not None and since > service.today():
            raise Refused(f"--date {since.isoformat()} is in the future; record it from the day it applies.")
        record = service.record_usual_pain(args.value, since, args.note)
        _warn_backup(service, io)
        status = service.status()
    io.print(
        f"Recorded your usual pain: {record.value}, from {record.since.isoformat()}. "
        f"A pain-after score at or below {record.value} no longer counts as pain; above it still does, "
        "and stopping because it hurts always does."
    )
    io.print(f"Advice ({status.advice.kind.value}): {status.advice.message}")
    return OK


def cmd_export(args: argparse.Namespace, io: Io) -> int:
    from tracker import exchange

    if args.schema:
        return _emit(exchange.schema_text(), args.output, io)
    since = parse_day(args.since, "--since") if args.since else None
    until = parse_day(args.until, "--until") if args.until else None
    if since and until and since > until:
        raise Refused(f"--since {since} is after --until {until}.")
    with _service(args, io) as service:
        sessions = service.sessions(since, until)
        if args.format == "csv":
            text = exchange.export_csv(sessions, steps=args.steps)
        else:
            text = exchange.export_json(sessions, service.now(), service.usual_pain())
    code = _emit(text, args.output, io)
    if args.output and args.output != "-":
        io.warn(f"Exported {_plural(len(sessions), 'session')} to {args.output}.")
    return code


def _emit(text: str, output: str | None, io: Io) -> int:
    from tracker.exchange import write_private

    if not output or output == "-":
        io.out.write(text)
        io.out.flush()
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
    with _service(args, io) as service:
        report = exchange.import_sessions(
            service.store, history.sessions, dry_run=args.dry_run, usual_pain=history.usual_pain
        )
        _warn_backup(service, io)
    io.print(f"{args.file}: {report.summary()}" + (" (dry run: nothing written)" if args.dry_run else "."))
    for session, reason in report.rejected:
        io.warn(f"{args.file}: rejected {session.id} ({session.routine}, {session.local_date.isoformat()}): {reason}")
    return OK


def cmd_routines(args: argparse.Namespace, io: Io) -> int:
    with _service(args, io) as service:
        settings = service.settings
        rows = []
        for program_id in sorted(service.library.programs):
            prescription = service.status(program_id=program_id).prescription
            routine = service.routine(program_id, prescription)
            rows.append(_routine_row(service, routine, settings, "program", prescription))
        for routine_id in sorted(service.library.routines):
            rows.append(_routine_row(service, service.library.routines[routine_id], settings, "routine", None))
        errors = service.library_errors
    for error in errors:
        io.warn(f"skipped: {error}")
    if args.json:
        io.print(json.dumps(rows, ensure_ascii=False, indent=1))
        return OK
    width = max((len(r["id"]) for r in rows), default=2)
    name_width = max((len(r["name"]) for r in rows), default=4)
    io.print(f"{'ID':<{width}}  {'NAME':<{name_width}}  {'LENGTH':>6}  {'STEPS':>9}  SOURCE")
    for r in rows:
        # Built-in routines name the seed document their facts come from; user routines their file.
        source = r["source"] if r["origin"] == "builtin" else f"{r['origin']}" + (f" ({r['source']})" if r["source"] else "")
        io.print(
            f"{r['id']:<{width}}  {r['name']:<{name_width}}  {_duration(r['duration_seconds']):>6}  "
            f"{_plural(r['steps'], 'step'):>9}  {source}"
        )
    return OK


def _routine_row(service: Any, routine: Any, settings: Any, kind: str, prescription: Any) -> dict[str, Any]:
    row = {
        "id": routine.program or routine.id,
        "name": routine.name,
        "kind": kind,
        "duration_seconds": round(service.planned_seconds(routine, settings), 1),
        "steps": len(routine.steps),
        "origin": routine.origin,  # "builtin" or the user file's path
        "source": routine.source,  # the seed document the routine comes from
    }
    if prescription is not None:
        row["prescription"] = prescription.to_dict()
    return row


def cmd_check(args: argparse.Namespace, io: Io) -> int:
    from tracker.content import check_file

    path = Path(args.file)
    errors = check_file(path)
    if errors:
        for error in errors:
            io.warn(str(error))
        return BAD_INPUT
    io.print(f"{path}: valid")
    return OK


def cmd_demo(args: argparse.Namespace, io: Io) -> int:
    from tracker.demo import generate_history
    from tracker.service import Backroll

    if args.days < 1 or args.days > 3660:
        raise Refused("--days must be from 1 to 3660.")
    home = Path(tempfile.mkdtemp(prefix="backroll-demo-"))  # mkdtemp makes it 0700
    try:
        with Backroll(home) as service:
            # Ends yesterday: today is left to practise, with the streak still alive.
            sessions = generate_history(args.days, end=service.today() - timedelta(days=1), zone=service.zone)
            service.store.merge(sessions)
            if args.no_app:
                io.print(str(home))
                return OK
            io.warn(f"Demo history ({_plural(len(sessions), 'session')}) in {home}")
            return open_app(service, io)
    finally:
        if not (args.no_app or args.keep):
            shutil.rmtree(home, ignore_errors=True)


def cmd_app(args: argparse.Namespace, io: Io) -> int:
    with _service(args, io) as service:
        # The store is opened by Today's loader, after the first frame (reading a long history takes a
        # while): a corrupt or locked history shows the app's readable error screen, and when it never
        # opened, the exit code is still 3 with the reason on stderr (see open_app).
        return open_app(service, io)


def open_app(service: Any, io: Io) -> int:
    if not (_isatty(sys.stdin) and _isatty(sys.stdout)):
        io.warn("backroll opens a full-screen app and needs a terminal; for scripts, see `backroll --help`.")
        return BAD_INPUT
    try:
        from tracker.ui.app import make_app
    except ImportError as error:
        io.warn(f"The full-screen app is not available in this installation ({error}); the other commands work, see `backroll --help`.")
        return BAD_INPUT
    app = make_app(service)
    app.run()
    code = getattr(app, "return_code", None)
    code = code if isinstance(code, int) else OK
    error = getattr(app, "store_error", None)
    if code == OK and error is not None and not service.store_is_open:
        io.warn(f"backroll: {error}")
        return CANNOT_OPEN
    return code


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


COMMANDS: dict[str | None, Callable[[argparse.Namespace, Io], int]] = {
    None: cmd_app,
    "demo": cmd_demo,
    "status": cmd_status,
    "log": cmd_log,
    "export": cmd_export,
    "import": cmd_import,
    "routines": cmd_routines,
    "check": cmd_check,
    "usual-pain": cmd_usual_pain,
}


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    io = Io(stdout or sys.stdout, stderr or sys.stderr)
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit:  # --help, --version (0) and usage errors (2)
        return int(exit.code or 0) if not isinstance(exit.code, str) else USAGE
    if args.command == "export" and args.steps and args.format != "csv":
        parser.print_usage(io.err)
        io.warn("backroll: error: --steps goes with --format csv")
        return USAGE

    from tracker.store import StoreCorrupt, StoreError, StoreLocked

    try:
        return COMMANDS[args.command](args, io)
    except Refused as refused:
        io.warn(f"backroll: {refused}")
        return BAD_INPUT
    except (StoreCorrupt, StoreLocked) as error:
        io.warn(f"backroll: {error}")
        return CANNOT_OPEN
    except StoreError as error:
        io.warn(f"backroll: {error}")
        return BAD_INPUT
    except BrokenPipeError:
        # `backroll export | head`: the reader left; say nothing, like other Unix tools.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return OK
    except KeyboardInterrupt:
        io.warn("backroll: interrupted.")
        return 130


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
