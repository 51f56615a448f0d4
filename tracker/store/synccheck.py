"""`backroll sync-check`: what each device has put into the shared data folder, and what was set aside.

For each device (devices.py) whose files are in the data folder: how many
sessions its month files hold, how many events (edits, deletes, settings)
and usual-pain records it wrote, and its newest event. Then the files not
read this time (another device's, still arriving) and the conflict copies
merged and moved aside (conflicts.py); sessions two devices hold in two
versions (shards.SessionConflict) and events dated too far ahead
(replica.HORIZON). What `backroll status` says of the same is sync_notes.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.store.aside import set_aside, set_aside_folder
from tracker.store.union import find_conflicts

if TYPE_CHECKING:
    from tracker.store.core import Store
    from tracker.store.events import Event
    from tracker.store.shards import SessionConflict

__all__ = ["DeviceReport", "report"]

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
