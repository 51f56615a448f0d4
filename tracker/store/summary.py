"""A quick, read-only view of the history for `backroll status`: every session without its steps.

Opening the Store parses and validates every month file, which with a long
history (10,000 sessions) costs far more than the rest of `status`. Streaks
and advice need no steps and no note, so this module keeps a derived cache,
`data/summary-cache.json`, holding for each month file the stat token of the
version it was computed from and, per session, every field but `steps` and
the check-in's `note`. A month file whose token (inode, size, mtime_ns,
ctime_ns) is unchanged has exactly the bytes that were validated when its
entry was made (every store write is an atomic replace, so a new inode; an
in-place edit changes ctime), so only changed month files are read again,
with the store's own validation.

The cache is not authoritative: it is written without fsync, never backed
up, and ignored (then rebuilt) when it is missing, unreadable, of another
format or stale. It is only written after every file it covers was found
valid, so a damaged history is never "fixed" by it.

Anything unusual (no history yet, a migration to do, an import journal to
replay, a damaged or future-schema file) returns None: the caller then opens
the real Store, which does the work and reports the problem exactly as
before. Like Store.open, this takes the writer lock for the read (so it
never sees half of a multi-file import) and raises StoreLocked when another
process holds it for longer than `wait`.

Sessions returned here have `steps=()` and an empty check-in note: they are
for computing streaks and advice only, never for display, export or saving.
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from tracker.model import CheckIn, Felt, HurtAt, Phase, Prescription, Session, Settings, Side, Stability, UsualPain
from tracker.paths import Locations, ensure_private_dir
from tracker.store.errors import StoreWriteError
from tracker.store.lock import WriterLock
from tracker.store.migrations import CURRENT_SCHEMA, check_meta, journal_path, legacy_path, meta_path, shard_key, shard_tokens
from tracker.store.storage import Token, Unreadable, atomic_write, read_json, remove_temp_files
from tracker.store.usual import parse_usual_pain, usual_pain_path

CACHE_NAME = "summary-cache.json"
CACHE_FORMAT = "backroll.summary-cache"
CACHE_VERSION = 1

Record = list[Any]


def cache_path(loc: Locations) -> Path:
    return loc.data / CACHE_NAME


def _no_fsync(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


# --------------------------------------------------------------------------- records


def record_of(s: Session) -> Record:
    """One session as a compact list: every field but the steps and the note."""
    c, p, h = s.checkin, s.prescription, s.hurt_at
    return [
        s.id,
        s.routine,
        s.started_at.isoformat(),
        s.zone,
        s.local_date.isoformat(),
        s.duration,
        s.completed,
        s.hurt,
        [h.step, h.pose, h.side.value, h.rep, h.phase.value] if h else None,
        [p.lifts, p.count, p.hold] if p else None,
        [c.pain_before, c.pain_after, c.stable.value if c.stable else None, c.felt.value if c.felt else None],
        s.origin,
    ]


class _Builder:
    """Turns records back into Sessions, sharing the few distinct check-ins and prescriptions."""

    def __init__(self) -> None:
        self.checkins: dict[tuple[Any, ...], CheckIn] = {}
        self.prescriptions: dict[tuple[Any, ...], Prescription] = {}

    def session(self, r: Record) -> Session:
        hurt_at = r[8]
        presc = r[9]
        checkin = r[10]
        ckey = tuple(checkin)
        c = self.checkins.get(ckey)
        if c is None:
            pb, pa, stable, felt = checkin
            c = self.checkins[ckey] = CheckIn(
                pain_before=pb, pain_after=pa, stable=Stability(stable) if stable else None, felt=Felt(felt) if felt else None
            )
        p = None
        if presc is not None:
            pkey = tuple(presc)
            p = self.prescriptions.get(pkey)
            if p is None:
                p = self.prescriptions[pkey] = Prescription(*presc)
        started = datetime.fromisoformat(r[2])
        if started.tzinfo is None:
            raise ValueError("started_at must carry a UTC offset")
        return Session(
            id=r[0],
            routine=r[1],
            started_at=started,
            zone=r[3],
            local_date=date.fromisoformat(r[4]),
            duration=r[5],
            completed=r[6],
            hurt=r[7],
            hurt_at=HurtAt(hurt_at[0], hurt_at[1], Side(hurt_at[2]), hurt_at[3], Phase(hurt_at[4])) if hurt_at else None,
            checkin=c,
            prescription=p,
            origin=r[11],
        )


# --------------------------------------------------------------------------- the cache file


def _read_cache(path: Path) -> dict[str, tuple[Token, list[Record]]]:
    """month key -> (token, records); {} when the cache is missing, unreadable or of another format."""
    try:
        data, _ = read_json(path)
    except (OSError, Unreadable):
        return {}
    if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT or data.get("version") != CACHE_VERSION:
        return {}
    shards = data.get("shards")
    if not isinstance(shards, dict):
        return {}
    found: dict[str, tuple[Token, list[Record]]] = {}
    for key, entry in shards.items():
        try:
            token = tuple(entry["token"])
            records = entry["sessions"]
        except (KeyError, TypeError):
            continue
        if len(token) == 4 and isinstance(records, list):
            found[key] = (token, records)
    return found


def _write_cache(path: Path, shards: dict[str, tuple[Token, list[Record]]]) -> None:
    payload = {
        "format": CACHE_FORMAT,
        "version": CACHE_VERSION,
        "note": "derived from the sessions-*.json files for `backroll status`; safe to delete",
        "shards": {key: {"token": list(token), "sessions": records} for key, (token, records) in sorted(shards.items())},
    }
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    try:
        atomic_write(path, data, _no_fsync)
    except StoreWriteError:
        pass  # a read-only or full disk: status still works, the next one reads the month files again


# --------------------------------------------------------------------------- reading


class Summary(NamedTuple):
    settings: Settings
    sessions: list[Session]  # without steps or note, sorted by started_at then id
    usual_pain: list[UsualPain]


def read_summary(home: Path, *, wait: float = 5.0, label: str | None = None) -> Summary | None:
    """The settings, every session (without steps or note) and the usual-pain records.

    None when the real Store must be opened instead (see the module docstring).
    """
    try:
        return _read_summary(home, wait=wait, label=label)
    except (OSError, StoreWriteError):
        return None  # StoreWriteError: the lock cannot be written (a read-only or full disk): Store.open reads it  # a folder we may not read (another owner...): Store.open explains it in one sentence


def _read_summary(home: Path, *, wait: float, label: str | None) -> Summary | None:
    from tracker.store.validate import parse_settings, parse_shard  # the store's own validation

    loc = Locations(Path(home))
    if not meta_path(loc).is_file() or legacy_path(loc).exists():
        return None  # a new, lost-meta or version-0 history: Store.open creates or migrates it
    try:
        ensure_private_dir(loc.home)
        ensure_private_dir(loc.data)
    except OSError:
        return None
    lock = WriterLock(loc.lock, label=label)
    lock.acquire(wait)
    try:
        remove_temp_files(loc.data)
        remove_temp_files(loc.home)
        try:
            data, _ = read_json(meta_path(loc))
            meta = check_meta(meta_path(loc), data)
            if meta["schema"] != CURRENT_SCHEMA or meta.get("migrating_from") is not None:
                return None
            settings = Settings()
            if loc.settings.exists():
                data, _ = read_json(loc.settings)
                settings = parse_settings(loc.settings, data)
            usual: list[UsualPain] = []
            usual_path = usual_pain_path(loc.data)
            if usual_path.exists():
                data, _ = read_json(usual_path)
                usual = parse_usual_pain(usual_path, data)
        except (Unreadable, FileNotFoundError):
            return None
        if journal_path(loc).exists():
            return None  # an import cut short: Store.open replays it
        union = _union(loc)  # issue 18: every device's events and usual pain (see _union below)
        if union is None:
            return None

        try:
            on_disk = shard_tokens(loc.data)
        except Unreadable:
            return None  # Store.open reports it

        path = cache_path(loc)
        cached = _read_cache(path)
        shards: dict[str, tuple[Token, list[Record]]] = {}
        changed = len(cached) != len(on_disk)
        for key in sorted(on_disk):
            hit = cached.get(key)
            if hit is not None and hit[0] == on_disk[key]:
                shards[key] = hit
                continue
            changed = True
            shard_path = loc.data / f"sessions-{key}.json"
            try:
                data, token = read_json(shard_path)
                docs = parse_shard(shard_path, data)
            except (Unreadable, FileNotFoundError):
                return None  # Store.open reports it, naming the newest good backup
            shards[key] = (token, [record_of(session) for _, session in docs.values()])
    finally:
        lock.release()

    sessions = _sessions(shards)
    if sessions is None:  # a damaged cache entry: drop the cache and read every month file again
        try:
            os.unlink(path)
        except OSError:
            return None
        return read_summary(home, wait=wait, label=label)
    if changed:
        _write_cache(path, shards)
    return _with_union(union, settings, sessions)


def _sessions(shards: dict[str, tuple[Token, list[Record]]]) -> list[Session] | None:
    """Sessions of every shard, deduplicated as the Store does; None when a record is malformed."""
    builder = _Builder()
    index: dict[str, Session] = {}
    try:
        for key in sorted(shards):
            for record in shards[key][1]:
                session = builder.session(record)
                sid = session.id
                # a session found twice (a move cut short by a crash): the month of its local_date wins
                if sid not in index or shard_key(session.local_date) == key.split(".")[0]:  # key: "YYYY-MM[.device]"
                    index[sid] = session
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None
    return sorted(index.values(), key=lambda s: (s.started_at, s.id))


# --------------------------------------------------------------------------- issue 18: the union of devices


def _union(loc: Locations) -> Any:
    """Every device's events and usual-pain records (tracker/store/replica.py); None: open the Store."""
    from tracker.store.devices import load_device
    from tracker.store.replica import read_union

    return read_union(loc.data, load_device(loc, create=False))


def _with_union(union: Any, settings: Settings, sessions: list[Session]) -> Summary:
    """The month files' sessions with every device's edits and deletes applied, the person's settings
    as last changed on any device, and every device's usual-pain records."""
    from tracker.store.replica import without_details

    overlay = union.overlay()
    if overlay:
        found = {s.id: s for s in sessions}
        for sid, session in overlay.items():
            if session is None:
                found.pop(sid, None)
            else:
                found[sid] = without_details(session)
        sessions = sorted(found.values(), key=lambda s: (s.started_at, s.id))
    return Summary(union.settings(settings), sessions, union.usual_pain())


__all__ = ["CACHE_NAME", "Summary", "cache_path", "read_summary", "record_of"]
