"""`calendar`: the daily practice reminder as an .ics file (tracker.ics), and `--preview` of its next days."""

from __future__ import annotations

import argparse
import math
from typing import TYPE_CHECKING

from tracker.cli.common import OK, Io, Refused, _service, writable_target
from tracker.model import plural

if TYPE_CHECKING:
    from tracker.ics import Reminder
    from tracker.service import Backroll

PREVIEW = 14  # occurrences `--preview` lists


def make_reminder(service: Backroll, at_text: str | None, minutes: int | None) -> Reminder:
    """The Reminder for this home: its settings' rest days and practice time, today's suggested routine."""
    from tracker.ics import Reminder, first_practice_day, reminder_uid
    from tracker.model import parse_clock

    settings = service.settings
    try:
        at = parse_clock(
            at_text if at_text is not None else settings.practice_time,
            "--time" if at_text else "practice_time",
        )
    except ValueError as error:
        raise Refused(f"{error}.") from None
    if minutes is not None and not 1 <= minutes <= 240:
        raise Refused(f"--minutes must be from 1 to 240, not {minutes}.")
    status = service.status()
    program = service.program(status.program_id)
    name = program.name if program is not None else status.program_id
    if minutes is None:
        try:
            routine = service.routine(status.program_id, status.prescription)
            minutes = max(5, math.ceil(service.planned_seconds(routine) / 60))
        except KeyError:
            minutes = 15
    rest = frozenset(d for d in settings.rest_weekdays if 0 <= d <= 6)
    now = service.now()
    description = (
        f"Suggested as of {status.today.isoformat()}: {name}, {status.prescription.describe()}. "
        f"{status.advice.message}\n"
        "The suggestion moves as you practise: open Backroll (or run `backroll status`) for the day's session.\n"
        "If it hurts, stop. If pain keeps coming back, see a personal trainer or a doctor."
    )
    return Reminder(
        zone=service.zone,
        at=at,
        minutes=minutes,
        rest_weekdays=rest,
        first=first_practice_day(now, at, rest),
        summary=f"Back practice: {name}",
        description=description,
        uid=reminder_uid(service.home),
        stamp=now,
    )


def preview_lines(reminder: Reminder, count: int = PREVIEW) -> list[str]:
    """What `--preview` prints: a heading, then one line per occurrence (local date, time and zone abbreviation)."""
    from tracker.ics import occurrences

    rest = ", ".join(
        ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[d] for d in sorted(reminder.rest_weekdays)
    )
    lines = [
        f"Practice reminder at {reminder.at:%H:%M} ({reminder.zone}) for {plural(reminder.minutes, 'minute')}"
        + (f", not on rest days ({rest})" if rest else ", every day")
        + f"; the next {count}:"
    ]
    return lines + [
        f"  {moment:%a %Y-%m-%d %H:%M} {moment.tzname()}" for moment in occurrences(reminder, count)
    ]


def cmd_calendar(args: argparse.Namespace, io: Io) -> int:
    from tracker.cli.exchange import _emit
    from tracker.ics import calendar_text

    if args.output and args.output != "-" and not args.preview:
        writable_target(args.output)  # a refusal writes nothing: said before the history is opened
    with _service(args, io, reading=True) as service:
        reminder = make_reminder(service, args.time, args.minutes)
        exports = service.locations.exports
    if args.preview:
        for line in preview_lines(reminder):
            io.print(line)
        return OK
    output = args.output
    if output is None:
        from tracker.paths import ensure_private_dir

        output = str(ensure_private_dir(exports) / "backroll-practice.ics")
    code = _emit(calendar_text(reminder), output, io)
    if output != "-":
        io.warn(
            f"Wrote the practice reminder ({reminder.at:%H:%M} {reminder.zone}, {plural(reminder.minutes, 'minute')}) to {output}; "
            "import it into your calendar. Importing a newer file updates the same event."
        )
    return code


__all__ = ["PREVIEW", "cmd_calendar", "make_reminder", "preview_lines"]
