"""`sync-check`: what each device has put into a synced data folder, and anything set aside (issue 18)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tracker.cli.common import OK, Io, _plural, _service


def cmd_sync_check(args: argparse.Namespace, io: Io) -> int:
    from tracker.store.synccheck import report

    with _service(args, io, reading=True) as service:
        if (
            not service.saved
        ):  # nothing saved or synced here yet: nothing to read, and no folder or device id made
            return _nothing_yet(service.locations.data, args.json, io)
        found = report(service.store)  # opening the store merges any conflict copy first
    if args.json:
        io.print(json.dumps(found.to_dict(), ensure_ascii=False))
        return OK
    io.print(f"Data folder: {found.data} (this machine is device {found.device})")
    io.print(
        f"History: {_plural(found.sessions, 'session')} in all, from {_plural(len(found.devices), 'device')}:"
    )
    for d in found.devices:
        newest = d.newest_event
        last = f"newest: {newest['kind']} at {newest['at']}" if newest else "none yet"
        latest = f", the latest started {d.newest_session}" if d.newest_session else ""
        io.print(
            f"  {d.device}{' (this machine)' if d.this_machine else ''}: {_plural(d.sessions, 'session')} "
            f"in {_plural(d.months, 'month file')}{latest}; {_plural(d.events, 'event')} (edits, deletes, "
            f"settings; {last}); {_plural(d.usual_pain, 'usual-pain record')}"
        )
    if found.conflicts:
        io.print(
            f"Sessions saved in two versions by two devices ({len(found.conflicts)}); "
            "the copy shown (this device's own, if it has one) is named first:"
        )
        for c in found.conflicts:
            io.print(f"  {c.session_id}: shown from {c.shown}; another version kept in {', '.join(c.others)}")
        io.print(
            "To settle one, edit it here (a note, or the check-in): the edit is what every device shows."
        )
    if found.future:
        io.print(
            f"Changes dated more than a day ahead of this machine's clock ({len(found.future)}), kept in their "
            "files but not applied until this clock reaches their date:"
        )
        for e in found.future:
            what = (
                f"settings ({', '.join(sorted(e.body))})"
                if e.kind == "settings"
                else f"{e.kind} of session {e.target}"
            )
            io.print(f"  {e.device} at {e.at}: {what}")
        io.print("Check that device's clock; a change you want now, make again here.")
    if found.skipped:
        io.print(
            f"Not read this time ({len(found.skipped)}): still arriving from another device, or refused:"
        )
        for name, why in sorted(found.skipped.items()):
            io.print(f"  {name}: {why}")
    if found.waiting:
        io.print(
            f"Conflict copies not merged yet ({len(found.waiting)}): "
            + ", ".join(p.name for p in found.waiting)
        )
    if found.set_aside:
        io.print(f"Set aside in {found.set_aside_folder} after merging ({len(found.set_aside)}):")
        for path in found.set_aside:
            io.print(f"  {path.name}")
        io.print(
            "Their sessions are in the history; once you have looked at them, you may delete that folder."
        )
    else:
        io.print("Nothing set aside: no conflict copy was ever found.")
    return OK


def _nothing_yet(data: Path, as_json: bool, io: Io) -> int:
    if as_json:
        empty: dict[str, object] = {"device": None, "data_folder": str(data), "sessions": 0, "devices": [], "skipped": {},
                 "set_aside": [], "set_aside_folder": None, "conflict_copies_waiting": []}  # fmt: skip
        io.print(json.dumps(empty, ensure_ascii=False))
        return OK
    io.print(
        f"Data folder: {data} (not made yet: nothing saved or synced here; this machine gets its device id on its first save)"
    )
    io.print("History: 0 sessions.")
    return OK
