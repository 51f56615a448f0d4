"""`routines` and `check`: the routine library and a user's routine file."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.cli.common import BAD_INPUT, OK, Io, _duration, _plural, _service, known_routine
from tracker.model import Prescription, Routine, Settings

if TYPE_CHECKING:
    from tracker.service import Backroll

ROUTINES_JSON_VERSION = 1  # of `routines --json` and `routines ID --json`


def cmd_routine_card(args: argparse.Namespace, io: Io) -> int:
    """`backroll routines ID`: the before-you-start card (tracker.briefing)."""
    with _service(args, io, reading=True) as service:
        known_routine(service, args.id)
        from tracker.briefing import before_you_start

        prescription = None
        if args.id in service.library.programs:
            prescription = service.status(program_id=args.id, quick=True).prescription
        card = before_you_start(service.routine(args.id, prescription), _settings(service))
    if args.json:
        row = {
            "version": ROUTINES_JSON_VERSION,
            "id": card.routine_id, "name": card.name, "duration_seconds": round(card.seconds, 1), "tempo": card.tempo,
            "props": [{"id": p.id, "count": p.count, "optional": p.optional} for p in card.props],
            "cautions": list(card.cautions), "room": card.room, "notes": list(card.notes),
        }  # fmt: skip
        io.print(json.dumps(row, ensure_ascii=False, indent=1))
        return OK
    for line in card.lines():
        io.print(line)
    return OK


def _settings(service: Backroll) -> Settings:
    """The settings the lengths are shown at (a reading service: the defaults while nothing is saved)."""
    return service.settings


def cmd_routines(args: argparse.Namespace, io: Io) -> int:
    if getattr(args, "id", None):
        return cmd_routine_card(args, io)
    with _service(args, io, reading=True) as service:
        settings = _settings(service)
        rows = []
        for program_id in sorted(service.library.programs):
            prescription = service.status(program_id=program_id, quick=True).prescription
            routine = service.routine(program_id, prescription)
            rows.append(_routine_row(service, routine, settings, "program", prescription))
        for routine_id in sorted(service.library.routines):
            rows.append(
                _routine_row(service, service.library.routines[routine_id], settings, "routine", None)
            )
        errors = service.library_errors
    for error in errors:
        io.warn(f"skipped: {error}")
    if args.json:
        # One object, versioned like `status --json` (fields are only ever added); README has the table.
        io.print(
            json.dumps({"version": ROUTINES_JSON_VERSION, "routines": rows}, ensure_ascii=False, indent=1)
        )
        return OK
    width = max((len(r["id"]) for r in rows), default=2)
    name_width = max((len(r["name"]) for r in rows), default=4)
    io.print(f"{'ID':<{width}}  {'NAME':<{name_width}}  {'LENGTH':>6}  {'STEPS':>9}  SOURCE")
    for r in rows:
        # Built-in routines name the seed document their facts come from; user routines their file.
        source = (
            r["source"]
            if r["origin"] == "builtin"
            else f"{r['origin']}" + (f" ({r['source']})" if r["source"] else "")
        )
        io.print(
            f"{r['id']:<{width}}  {r['name']:<{name_width}}  {_duration(r['duration_seconds']):>6}  "
            f"{_plural(r['steps'], 'step'):>9}  {source}"
        )
    return OK


def _routine_row(
    service: Backroll, routine: Routine, settings: Settings, kind: str, prescription: Prescription | None
) -> dict[str, Any]:
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
