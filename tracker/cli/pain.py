"""`pain`: a pain score given without practising (practice-rules.md, "The day after")."""

from __future__ import annotations

import argparse
import json

from tracker.cli.common import OK, Io, Refused, _in_range, _service, _warn_backup, parse_day
from tracker.model import PAIN_NOTE_MAX


def cmd_pain(args: argparse.Namespace, io: Io) -> int:
    if args.list:
        if args.value is not None or args.date or args.note:
            raise Refused("give either N (with --date and --note) or --list, not both.")
        with _service(args, io) as service:
            records = service.pain_records() if service.home.exists() else []  # nothing saved: no folder made
        if args.json:
            io.print(json.dumps([r.to_dict() for r in records], ensure_ascii=False))
            return OK
        if not records:
            io.print("No pain records yet: `backroll pain N` records how your back is today (0-10).")
        for r in records:
            io.print(f"{r.day.isoformat()}  {r.value}" + (f"  {r.note}" if r.note else ""))
        return OK
    if args.json:
        raise Refused("--json goes with --list.")
    if args.value is None:
        raise Refused("give how your back is as a whole number from 0 to 10, e.g. `backroll pain 2`.")
    _in_range(args.value, "N", 0, 10)
    if len(args.note) > PAIN_NOTE_MAX:
        raise Refused(f"--note is longer than {PAIN_NOTE_MAX} characters.")
    with _service(args, io) as service:
        day = parse_day(args.date, "--date") if args.date else service.today()
        if day > service.today():
            raise Refused(
                f"--date {day.isoformat()} is in the future; a pain score is for today or a day before."
            )
        effect = service.pain_answer_effect(args.value, day)  # said before saving: what this answer does
        record = service.record_pain(args.value, day, args.note)
        _warn_backup(service, io)
        status = service.status(quick=True)
    io.print(f"Recorded your pain: {record.value} on {record.day.isoformat()} (not a practice day). {effect}")
    io.print(f"Advice ({status.advice.kind.value}): {status.advice.message}")
    for reason in status.advice.reasons:
        io.print(f"  - {reason}")
    return OK
