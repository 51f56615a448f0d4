"""This machine's view of every device's events and usual-pain records (the Store's part for issue 18).

The Store keeps the month files in `Shards` (shards.py, every device's files
loaded); `Replica` keeps the rest that devices share: the events of every
device (events.py: edits, deletes, the person's settings) and the usual-pain
records of every device, and writes this machine's own files of both. An
event dated more than HORIZON ahead of this machine's clock is kept but does
not count until the clock reaches it (issue 24); sync-check names it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tracker.files import WriteBytes
from tracker.model import PainRecord, Session, Settings, UsualPain
from tracker.store.errors import StoreCorrupt
from tracker.store.events import (
    EVENTS_PREFIX,
    Event,
    distinct,
    events_document,
    now_stamp,
    overlay,
    parse_events,
    resolve_settings,
)
from tracker.store.painrecords import PREFIX as PAIN_PREFIX
from tracker.store.painrecords import order as pain_order
from tracker.store.painrecords import pain_records_document, parse_pain_records
from tracker.store.storage import Unreadable, dumps
from tracker.store.union import DeviceFiles, find_conflicts
from tracker.store.usual import parse_usual_pain, usual_pain_document

__all__ = ["Replica"]

USUAL_PREFIX = "usual-pain"


HORIZON = timedelta(days=1)
"""How far ahead of this machine's clock an event may be dated and still count (issue 24): one dated later
(a device whose clock says 2099, or a forged 9999-12-31) would otherwise win over every change to come.
It is kept in its file, left out of the history until this clock reaches it, and named by sync-check."""


def _real_now() -> datetime:
    return datetime.now(UTC)


def just_after(stamp: str) -> str:
    """The stamp one microsecond after `stamp`."""
    try:
        moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        return now_stamp(moment + timedelta(microseconds=1))
    except (ValueError, OverflowError):
        return stamp


class Replica:
    def __init__(
        self,
        data: Path,
        device: str,
        corrupt: Callable[[Unreadable], StoreCorrupt],
        write_bytes: Callable[[], WriteBytes],
        clock: Callable[[], str] = now_stamp,
        now: Callable[[], datetime] = _real_now,
    ) -> None:
        self.device = device
        self.events = DeviceFiles(data, EVENTS_PREFIX, device, parse_events, corrupt, monthly=True)
        self.usual = DeviceFiles(data, USUAL_PREFIX, device, parse_usual_pain, corrupt)
        self.pains = DeviceFiles(data, PAIN_PREFIX, device, parse_pain_records, corrupt)
        self._write_bytes = write_bytes
        self._clock = clock
        self._now = now  # the machine's clock, for the horizon (a seam for tests)
        self._all: list[Event] | None = None
        self._counted: tuple[list[Event], str, list[Event]] | None = (
            None  # (all, first future stamp, counted)
        )
        self._overlay: tuple[list[Event], dict[str, Session | None]] | None = None
        self._usual: list[UsualPain] | None = None
        self._pains: list[PainRecord] | None = None
        self._settings: tuple[Settings, list[Event], Settings] | None = None  # (local, events, resolved)

    # -- reading

    def sync(self) -> bool:
        changed_events = self.events.sync()
        changed_usual = self.usual.sync()
        changed_pains = self.pains.sync()
        if changed_events:
            self._all = None
        if changed_usual:
            self._usual = None
        if changed_pains:
            self._pains = None
        return changed_events or changed_usual or changed_pains

    def all_events(self) -> list[Event]:
        """Every event of every device, the ones dated beyond the horizon too (see `counted`)."""
        if self._all is None:
            self._all = distinct(events for _, events in self.events.values())
        return self._all

    def horizon(self) -> str:
        """The latest stamp an event may carry and count now: this machine's clock plus HORIZON."""
        return now_stamp(self._now() + HORIZON)

    def counted(self) -> list[Event]:
        """The events that make the history: those dated no later than the horizon. The same list object
        while nothing changes, so the overlay and the settings are worked out again only when needed."""
        events = self.all_events()
        limit = self.horizon()
        cached = self._counted
        if cached is not None and cached[0] is events and limit < cached[1]:
            return cached[2]
        counted = [e for e in events if e.at <= limit]
        first_future = min((e.at for e in events if e.at > limit), default="~")  # "~" sorts after any stamp
        self._counted = (events, first_future, counted)
        return counted

    def future(self) -> list[Event]:
        """The events dated beyond the horizon: kept, not applied, named by sync-check and status."""
        counted = self.counted()
        if len(counted) == len(self.all_events()):
            return []
        limit = self.horizon()
        return [e for e in self.all_events() if e.at > limit]

    def overlay(self) -> dict[str, Session | None]:
        counted = self.counted()
        if self._overlay is None or self._overlay[0] is not counted:
            self._overlay = (counted, overlay(counted))
        return self._overlay[1]

    def settings(self, local: Settings) -> Settings:
        events = self.counted()
        cached = self._settings
        if cached is not None and cached[0] is local and cached[1] is events:
            return cached[2]
        resolved = resolve_settings(local, events)
        self._settings = (local, events, resolved)
        return resolved

    def usual_pain(self) -> list[UsualPain]:
        if self._usual is None:
            merged = {r.id: r for _, records in self.usual.values() for r in records}
            self._usual = sorted(merged.values(), key=lambda r: (r.since, r.id))
        return list(self._usual)

    def pain_records(self) -> list[PainRecord]:
        """Every device's pain records, merged by id, oldest day first."""
        if self._pains is None:
            merged = {r.id: r for _, records in self.pains.values() for r in records}
            self._pains = sorted(merged.values(), key=pain_order)
        return list(self._pains)

    def skipped(self) -> dict[str, str]:
        return {**self.events.skipped, **self.usual.skipped, **self.pains.skipped}

    def files(self) -> list[Path]:
        return [*self.events.paths(), *self.usual.paths(), *self.pains.paths()]

    # -- writing (the caller holds the lock)

    def record(self, kind: str, target: str = "", body: Mapping[str, object] | None = None) -> Event:
        """A change made here, dated after every event that counts: a change the person just made always
        reads back (a peer's event up to HORIZON ahead of this clock must not outrank it silently)."""
        mine = [e.seq for e in self.all_events() if e.device == self.device]
        latest = max((e.at for e in self.counted()), default="")
        at = max(self._clock(), just_after(latest) if latest else "")
        event = Event(at, self.device, max(mine, default=0) + 1, kind, target, body or {})
        self.carry([event])
        return event

    def carry(self, events: Iterable[Event]) -> int:
        """Keep `events` (ours or, from a conflict copy, another device's) in our own file; returns how many were new."""
        known = {e.identity for e in self.all_events()}
        new = [e for e in events if e.identity not in known]
        if not new:
            return 0
        month = self._clock()[:7]  # into this month's file: one small file rewritten per change
        own = [*(self.events.own(month) or []), *new]
        self.events.write_own(events_document(self.device, own), own, self._write_bytes(), month)
        self._all = None
        return len(new)

    def add_usual(self, records: Sequence[UsualPain]) -> list[UsualPain]:
        """Keep the records whose id is new in our own file; returns them."""
        known = {r.id for r in self.usual_pain()}
        new = list({r.id: r for r in records if r.id not in known}.values())
        if new:
            own = [*(self.usual.own() or []), *new]
            document = usual_pain_document(own)
            self.usual.write_own(
                dumps(document),
                parse_usual_pain(self.usual.data / self.usual.own_name, document),
                self._write_bytes(),
            )
            self._usual = None
        return new

    def add_pains(self, records: Sequence[PainRecord]) -> list[PainRecord]:
        """Keep the pain records whose id is new in our own file; returns them."""
        known = {r.id for r in self.pain_records()}
        new = list({r.id: r for r in records if r.id not in known}.values())
        if new:
            own = [*(self.pains.own() or []), *new]
            document = pain_records_document(own)
            path = self.pains.data / self.pains.own_name
            self.pains.write_own(dumps(document), parse_pain_records(path, document), self._write_bytes())
            self._pains = None
        return new


class _Unusable(Exception):
    pass


def _refuse(exc: Unreadable) -> StoreCorrupt:
    raise _Unusable(str(exc))


def read_union(data: Path, device: str) -> Replica | None:
    """Every device's events, usual-pain and pain records, read once (for the status summary, summary.py).

    None when anything is unusual (a file that cannot be read, ours or another device's, a conflict copy
    to merge): the caller then opens the Store, which handles it and says so.
    """
    if find_conflicts(data):
        return None
    replica = Replica(data, device, _refuse, lambda: lambda fd, b: None)
    try:
        replica.sync()
    except (_Unusable, OSError):
        return None
    if replica.skipped() or replica.future():
        return None  # the Store reads them too, and status says so
    return replica


def without_details(session: Session) -> Session:
    """What the status summary keeps of a session: no steps, no note (see summary.py)."""
    import dataclasses

    return dataclasses.replace(session, steps=(), checkin=dataclasses.replace(session.checkin, note=""))
