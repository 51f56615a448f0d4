"""Edits, deletes and settings changes as dated events, so every device converges to the same history.

A session is added once, into the month file of the device that logged it
(see devices.py). Everything that changes it later is an event in the
changing device's `data/events-YYYY-MM.<device>.json`:

- "edit": the whole session as it is after the change (a note added, a
  check-in corrected, the practice day moved);
- "delete": a tombstone for the session id;
- "settings": the person's settings that changed (rest days, tighter sides,
  tempo, breathing pace, the safety note); the machine's own (sound, voice,
  theme) stay in `<home>/settings.json` and are never synced.

Every event carries (at, device, seq): the UTC time it was made, the device
that made it and that device's running number. That triple orders all events
totally and identically on every device, so whatever order files arrive in
and however often: the latest edit-or-delete of a session id wins, and for
each person setting the latest value wins. An edit later than a delete brings
the session back; a delete later than an edit removes it. A device that reads
an event twice (its own file and a conflict copy) counts it once: (device,
seq) is its identity. Clocks decide ties between devices; a clock far off
makes its device's changes win or lose by that much, never a mix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tracker.model import Session, Settings
from tracker.store.devices import DEVICE_PATTERN
from tracker.store.storage import Unreadable, dumps

__all__ = [
    "EVENTS_FORMAT",
    "MACHINE_FIELDS",
    "PERSON_FIELDS",
    "Event",
    "events_document",
    "now_stamp",
    "overlay",
    "parse_events",
    "resolve_settings",
]

EVENTS_FORMAT = "backroll.events"
EVENTS_PREFIX = "events"
PERSON_FIELDS = (
    "tempo",
    "breath_seconds",
    "rest_weekdays",
    "rest_days_per_week",
    "tighter_side",
    "safety_note_seen",
)
MACHINE_FIELDS = ("sound", "voice", "theme")
KINDS = ("edit", "delete", "settings")
_STAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
_DEVICE_RE = re.compile(rf"^{DEVICE_PATTERN}$")


def now_stamp(moment: datetime | None = None) -> str:
    """A sortable UTC time stamp with microseconds: "2026-12-01T08:15:00.000000Z"."""
    moment = moment or datetime.now(UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class Event:
    at: str
    device: str
    seq: int
    kind: str
    target: str = ""  # the session id ("" for settings)
    body: Mapping[str, object] = field(default_factory=dict)  # the session (edit) or the changed settings

    @property
    def identity(self) -> tuple[str, int]:
        return (self.device, self.seq)

    @property
    def order(self) -> tuple[str, str, int]:
        return (self.at, self.device, self.seq)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"at": self.at, "device": self.device, "seq": self.seq, "kind": self.kind}
        if self.target:
            out["target"] = self.target
        if self.body:
            out["body"] = dict(self.body)
        return out


def _event(path: Path, i: int, item: object) -> Event:
    def bad(why: str) -> Unreadable:
        return Unreadable(path, f"event {i} {why}")

    if not isinstance(item, dict):
        raise bad("is not a JSON object")
    at, device, seq, kind = item.get("at"), item.get("device"), item.get("seq"), item.get("kind")
    if not isinstance(at, str) or not _STAMP_RE.match(at):
        raise bad("has no valid time stamp")
    if not isinstance(device, str) or not _DEVICE_RE.match(device):
        raise bad("has no valid device id")
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        raise bad("has no valid sequence number")
    if kind not in KINDS:
        raise bad(f"has an unknown kind {kind!r}")
    target = item.get("target", "")
    body = item.get("body", {})
    if not isinstance(target, str) or not isinstance(body, dict):
        raise bad("has a malformed target or body")
    try:
        if kind == "edit":
            if Session.from_dict(body).id != target:
                raise ValueError("the session's id is not the event's target")
        elif kind == "delete":
            if not target:
                raise ValueError("no session id")
        else:
            unknown = set(body) - set(PERSON_FIELDS)
            if unknown:
                raise ValueError(f"not a person setting: {sorted(unknown)}")
            Settings.from_dict(body)
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise bad(f"is not valid ({type(exc).__name__}: {exc})") from None
    return Event(at, device, seq, kind, target, body)


def parse_events(path: Path, data: object) -> list[Event]:
    """The events of a parsed events file; Unreadable on any wrong shape."""
    if (
        not isinstance(data, dict)
        or data.get("format") != EVENTS_FORMAT
        or not isinstance(data.get("events"), list)
    ):
        raise Unreadable(
            path, f"it should be a JSON object with format {EVENTS_FORMAT!r} and an 'events' list"
        )
    return [_event(path, i, item) for i, item in enumerate(data["events"])]


def events_document(device: str, events: Iterable[Event]) -> bytes:
    ordered = sorted(events, key=lambda e: e.order)
    return dumps({"format": EVENTS_FORMAT, "device": device, "events": [e.to_dict() for e in ordered]})


def distinct(groups: Iterable[Iterable[Event]]) -> list[Event]:
    """Every event once (by identity), in their total order."""
    seen: dict[tuple[str, int], Event] = {}
    for group in groups:
        for event in group:
            known = seen.get(event.identity)
            # the same identity twice with different content cannot come from Backroll; keep one, the same one everywhere
            if known is None or _tiebreak(event) > _tiebreak(known):
                seen[event.identity] = event
    return sorted(seen.values(), key=_tiebreak)


def _tiebreak(event: Event) -> tuple[str, str, int, bytes]:
    return (*event.order, dumps(event.to_dict()))


def overlay(events: Iterable[Event]) -> dict[str, Session | None]:
    """session id -> the session as its latest edit left it, or None when its latest event is a delete."""
    latest: dict[str, Event] = {}
    for event in events:  # in order: a later one replaces an earlier one
        if event.kind in ("edit", "delete"):
            known = latest.get(event.target)
            if known is None or _tiebreak(event) > _tiebreak(known):
                latest[event.target] = event
    return {sid: Session.from_dict(e.body) if e.kind == "edit" else None for sid, e in latest.items()}


def resolve_settings(local: Settings, events: Iterable[Event]) -> Settings:
    """This machine's settings with each person setting replaced by its latest change on any device."""
    values: dict[str, tuple[tuple[str, str, int, bytes], object]] = {}
    for event in events:
        if event.kind != "settings":
            continue
        order = _tiebreak(event)
        for name, value in event.body.items():
            if name not in values or order > values[name][0]:
                values[name] = (order, value)
    if not values:
        return local
    merged = local.to_dict()
    merged.update({name: value for name, (_, value) in values.items()})
    return Settings.from_dict(merged)


def changed_person_fields(old: Settings, new: Settings) -> dict[str, object]:
    """The person settings that differ between `old` and `new`, in their saved form."""
    before, after = old.to_dict(), new.to_dict()
    return {name: after[name] for name in PERSON_FIELDS if before.get(name) != after.get(name)}
