"""`backroll sync-check`: what each device has put into the shared data folder, and what was set aside.

For each device (devices.py) whose files are in the data folder: how many
sessions its month files hold, how many events (edits, deletes, settings)
and usual-pain records it wrote, and its newest event. Then the files not
read this time (another device's, still arriving) and the conflict copies
merged and moved aside (conflicts.py); sessions two devices hold in two
versions (shards.SessionConflict) and events dated too far ahead
(replica.HORIZON). `status_lines` is the short form `backroll status`
prints when there is something to say, `warning_lines` what it says on stderr.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.paths import Locations
from tracker.store.conflicts import set_aside, set_aside_folder
from tracker.store.union import ARRIVING, find_conflicts

if TYPE_CHECKING:
    from tracker.store.core import Store
    from tracker.store.events import Event
    from tracker.store.shards import SessionConflict

__all__ = ["DeviceReport", "report", "status_lines"]

LEGACY = "(no device: a schema-1 file)"


@dataclass
class DeviceReport:
    device: str
    this_machine: bool = False
    sessions: int = 0
    months: int = 0
    events: int = 0
    usual_pain: int = 0
    pain_records: int = 0
    newest_event: dict[str, object] | None = None
    newest_session: str | None = None  # started_at of the latest session in its month files

    def to_dict(self) -> dict[str, object]:
        return {
            "device": self.device,
            "this_machine": self.this_machine,
            "sessions": self.sessions,
            "month_files": self.months,
            "events": self.events,
            "usual_pain_records": self.usual_pain,
            "pain_records": self.pain_records,
            "newest_event": self.newest_event,
            "newest_session": self.newest_session,
        }


@dataclass
class SyncReport:
    device: str
    data: Path
    devices: list[DeviceReport] = field(default_factory=list)
    sessions: int = 0
    skipped: dict[str, str] = field(default_factory=dict)
    set_aside: list[Path] = field(default_factory=list)
    set_aside_folder: Path | None = None
    waiting: list[Path] = field(default_factory=list)
    conflicts: list[SessionConflict] = field(default_factory=list)
    future: list[Event] = field(default_factory=list)
    horizon: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "device": self.device,
            "data_folder": str(self.data),
            "sessions": self.sessions,
            "devices": [d.to_dict() for d in self.devices],
            "skipped": self.skipped,
            "set_aside": [str(p) for p in self.set_aside],
            "set_aside_folder": str(self.set_aside_folder),
            "conflict_copies_waiting": [str(p) for p in self.waiting],
            "session_conflicts": [
                {"session": c.session_id, "shown_from": c.shown, "other_versions_in": list(c.others)}
                for c in self.conflicts
            ],
            "future_events": [future_dict(e) for e in self.future],
            "counts_events_until": self.horizon,
        }


def future_dict(event: Event) -> dict[str, object]:
    """An event dated beyond the horizon, as sync-check shows it: who, when, and what it would change."""
    what: dict[str, object] = {"device": event.device, "at": event.at, "seq": event.seq, "kind": event.kind}
    if event.target:
        what["session"] = event.target
    if event.kind == "settings":
        what["settings"] = sorted(event.body)
    return what


def report(store: Store) -> SyncReport:
    store.refresh()
    loc = store.locations
    devices: dict[str, DeviceReport] = {}

    def entry(device: str | None) -> DeviceReport:
        name = device or LEGACY
        if name not in devices:
            devices[name] = DeviceReport(name, this_machine=name == store.device)
        return devices[name]

    store.shards.ensure()
    for key, shard in store.shards.by_key.items():
        _, _, device = key.partition(".")
        found = entry(device or None)
        found.sessions += len(shard.docs)
        found.months += 1
        latest = max((session.started_at for _, session in shard.docs.values()), default=None)
        if latest is not None and (
            found.newest_session is None or latest > datetime.fromisoformat(found.newest_session)
        ):
            found.newest_session = latest.isoformat()
    for event in store.replica.all_events():
        found = entry(event.device)
        found.events += 1
        newest = found.newest_event
        if newest is None or event.order > (newest["at"], event.device, newest["seq"]):
            found.newest_event = {
                "at": event.at,
                "kind": event.kind,
                "seq": event.seq,
                "target": event.target or None,
            }
    for name, records in store.replica.usual.values():
        parts = name.split(".")
        entry(parts[1] if len(parts) == 3 else None).usual_pain += len(records)
    for name, pains in store.replica.pains.values():
        parts = name.split(".")
        entry(parts[1] if len(parts) == 3 else None).pain_records += len(pains)
    entry(store.device)  # this machine is listed even before it wrote anything
    return SyncReport(
        device=store.device,
        data=loc.data,
        devices=sorted(devices.values(), key=lambda d: (not d.this_machine, d.device)),
        sessions=len(store),
        skipped=store.skipped(),
        set_aside=set_aside(loc),
        set_aside_folder=set_aside_folder(loc),
        waiting=find_conflicts(loc.data),
        conflicts=store.conflicts(),
        future=store.future_events(),
        horizon=store.replica.horizon(),
    )


def status_lines(loc: Locations, store: Store | None) -> list[str]:
    """At most two lines for `backroll status`: conflict copies set aside, files still arriving."""
    lines = []
    aside = set_aside(loc)
    if aside:
        lines.append(
            f"Sync: {len(aside)} conflict {'copy was' if len(aside) == 1 else 'copies were'} merged and set aside "
            f"in {set_aside_folder(loc)} (nothing was lost; see `backroll sync-check`)."
        )
    skipped = store.skipped() if store is not None else {}
    arriving = [name for name, why in skipped.items() if why.startswith(ARRIVING)]
    if arriving:
        lines.append(
            f"Sync: {len(arriving)} file{'' if len(arriving) == 1 else 's'} from another device still arriving, "
            "read next time (see `backroll sync-check`)."
        )
    return lines


def warning_lines(store: Store | None) -> list[str]:
    """What `backroll status` says on stderr (issue 24): another device's files refused, sessions two devices
    hold in two versions, events dated too far ahead. Each kind once, in one line, pointing at sync-check."""
    if store is None:
        return []
    lines = []
    refused = sorted(name for name, why in store.skipped().items() if not why.startswith(ARRIVING))
    if refused:
        lines.append(
            f"Sync: {_files(len(refused))} from another device {'was' if len(refused) == 1 else 'were'} not read "
            f"({_names(refused)}; `backroll sync-check` says why); this device's files and history are untouched."
        )
    conflicts = store.conflicts()
    if conflicts:
        n = len(conflicts)
        lines.append(
            f"Sync: {n} session{' is' if n == 1 else 's are'} saved in two versions by two devices "
            f"({_names([c.session_id for c in conflicts])}); this device shows {'its' if n == 1 else 'their'} own "
            "copy (or one chosen by file name) and keeps the other; see `backroll sync-check`."
        )
    future = store.future_events()
    if future:
        devices = sorted({e.device for e in future})
        lines.append(
            f"Sync: {len(future)} change{'' if len(future) == 1 else 's'} from {', '.join(devices)} "
            f"{'is' if len(future) == 1 else 'are'} dated more than a day ahead of this machine's clock and "
            "not applied until then (a clock set wrong?); see `backroll sync-check`."
        )
    return lines


def _files(n: int) -> str:
    return f"{n} file" if n == 1 else f"{n} files"


def _names(names: list[str], most: int = 2) -> str:
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")
