"""`status`, `log` and `usual-pain`: the practice history from the command line."""

from __future__ import annotations

import argparse
import json
from datetime import timedelta

from tracker.cli.common import (
    OK,
    Io,
    Refused,
    _in_range,
    _plural,
    _service,
    _warn_backup,
    known_routine,
    parse_day,
    parse_moment,
)
from tracker.model import PROGRAM_ID, ProgressionRules


def cmd_status(args: argparse.Namespace, io: Io) -> int:
    with _service(args, io, reading=True) as service:
        today = parse_day(args.today, "--today") if args.today else None
        status = service.status(today, quick=True)
        if service.locations.in_progress.is_dir():  # a session cut off: one line on stderr, stdout unchanged
            hint = service.in_progress.hint()
            if hint:
                io.warn(f"note: {hint}.")
        from tracker.store.sync_notes import status_lines, warning_lines

        store = service.store if service.store_is_open else None
        sync_lines = status_lines(service.locations, store)
        for line in warning_lines(store):  # issue 24: on stderr, whatever the format
            io.warn(line)
    if args.json:
        io.print(json.dumps(status.to_json_dict(), ensure_ascii=False))
        for line in sync_lines:
            io.warn(line)
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
        io.print(
            f"Usual pain: {u.value} (recorded from {u.since.isoformat()}"
            + (f"; {u.note}" if u.note else "")
            + ")"
        )
    io.print(f"Advice ({data['advice']['kind']}): {data['advice']['message']}")
    for reason in data["advice"]["reasons"]:
        io.print(f"  - {reason}")
    for line in sync_lines:  # issue 18: conflict copies set aside, another device's files still arriving
        io.print(line)
    return OK


def cmd_log(args: argparse.Namespace, io: Io) -> int:
    from tracker.model import CheckIn, Felt, Prescription, Stability

    _in_range(args.pain_before, "--pain-before", 0, 10)
    _in_range(args.pain_after, "--pain-after", 0, 10)
    if len(args.note) > 10_000:
        raise Refused("--note is longer than 10000 characters.")
    with _service(args, io) as service:
        known_routine(service, args.routine)
        started = parse_moment(args.date, service) if args.date else service.now()
        if started > service.now() + timedelta(minutes=1):
            raise Refused(f"--date {args.date} is in the future; log a session once it has started.")
        is_program = args.routine in service.library.programs
        given = {k: getattr(args, k) for k in ("lifts", "count", "hold") if getattr(args, k) is not None}
        prescription = None
        if is_program:
            _check_program_ranges(given, service.rules(args.routine), args.routine)
        elif given:
            options = " and ".join(f"--{k}" for k in given)
            verb = "applies" if len(given) == 1 else "apply"
            raise Refused(f"{options} {verb} to the bridge program only, not to {args.routine!r}.")
        # Read the history before writing anything: a damaged file stops the log here, nothing saved.
        before = service.advice(
            started.date(), program_id=args.routine if is_program else PROGRAM_ID, quick=True
        )
        if is_program:
            advised = before.prescription
            prescription = Prescription(
                given.get("lifts", advised.lifts),
                given.get("count", advised.count),
                given.get("hold", advised.hold),
            )
            routine = service.routine(args.routine, prescription)
        else:
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
        streak = service.current_streak_with(session)
    what = f"{session.routine}" + (f" ({prescription.describe()})" if prescription else "")
    io.print(
        f"Logged {what} on {session.local_date.isoformat()} at {session.started_at.strftime('%H:%M')} {session.zone}"
        + ("; stopped because it hurt" if args.hurt else "")
        + "."
    )
    io.print(f"Current streak: {_plural(streak, 'day')}.")
    if args.hurt or (args.pain_after or 0) > 0:
        io.print("If it hurts, stop. If pain keeps coming back, see a personal trainer or a doctor.")
    return OK


def _check_program_ranges(given: dict[str, int], rules: ProgressionRules, program_id: str) -> None:
    """--lifts, --count and --hold within the program's own ranges (its content file), or a clear refusal."""
    lifts, count, hold = given.get("lifts"), given.get("count"), given.get("hold")
    if lifts is not None and not 1 <= lifts <= rules.max_lifts:
        raise Refused(
            f"--lifts must be from 1 to {rules.max_lifts} for the {program_id} program, not {lifts}."
        )
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
        with _service(args, io, reading=True) as service:
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
        known = {r.id for r in service.usual_pain()}
        before = service.usual_pain_on(since or service.today())
        record = service.record_usual_pain(args.value, since, args.note)
        _warn_backup(service, io)
        status = service.status(quick=True)
    if record.id in known:  # typed again: the record is there already, and nothing was added
        io.print(
            f"Your usual pain is already {record.value} from {record.since.isoformat()}"
            + (f" ({record.note})" if record.note else "")
            + ": nothing changed."
        )
        return OK
    io.print(
        f"Recorded your usual pain: {record.value}, from {record.since.isoformat()}"
        + (
            f" (it replaces the {before.value} recorded for that day). "
            if before and before.since == record.since
            else ". "
        )
        + f"A pain-after score at or below {record.value} no longer counts as pain; above it still does, "
        "and stopping because it hurts always does."
    )
    io.print(f"Advice ({status.advice.kind.value}): {status.advice.message}")
    return OK
