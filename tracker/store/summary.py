"""A quick, read-only view of the history for `backroll status` and Today: practice days, the last weeks, a carry.

Opening the Store parses and validates every month file, which with a long
history (10,000 or 100,000 sessions) costs far more than the rest of
`status`. Streaks need only the practice days; the advice needs the last
weeks and what the rules keep of the years before (tracker.practice.Carry).
So this module keeps a derived cache, `data/summary-cache.json`, holding for
each month file the stat token of the version it was computed from, its
practice days and session ids, and, for the months from `tail_from` on only,
every session without its steps and note; plus the caller's carry for the
months before, with the tokens it was made from. A month file whose token
(inode, size, mtime_ns, ctime_ns) is unchanged has exactly the bytes that
were validated when its entry was made (every store write is an atomic
replace, so a new inode; an in-place edit changes ctime), so only changed
month files are read again, with the store's own validation, and the carry
is made again only when a month before `tail_from` changed, and then only
from that month on: the carry is kept after each quarter's last month too
(its marks), so the walk starts at the mark before the change, and once a
month folds to the carry kept for it the later unchanged months would fold
as before, so it jumps to the last mark before the next change. An edit or
a delete (an event, which may leave every month file as it was) makes stale
only the entries of the files it reaches: the cache keeps a digest of each
session's latest edit and, for each file, the edits that reached it.

The cache is not authoritative: it is written without fsync, never backed
up, and ignored (then rebuilt) when it is missing, unreadable, of another
format or stale. It is only written after every file it covers was found
valid, so a damaged history is never "fixed" by it.

Anything unusual (no history yet, a migration to do, an import journal to
replay, a damaged or future-schema file, a session id in two months after a
move cut short) returns None: the caller then opens the real Store, which
does the work and reports the problem exactly as before. Like Store.open,
this takes the writer lock for the read (so it never sees half of a
multi-file import) and raises StoreLocked when another process holds it for
longer than `wait`.

Sessions returned here have `steps=()` and an empty check-in note: they are
for computing streaks and advice only, never for display, export or saving.
"""

from __future__ import annotations

import hashlib
import json
import os
from bisect import bisect_left
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from tracker.model import (
    CheckIn,
    Felt,
    HurtAt,
    PainRecord,
    Phase,
    Prescription,
    Session,
    Settings,
    Side,
    Stability,
    UsualPain,
)
from tracker.paths import Locations, ensure_private_dir
from tracker.store.errors import StoreWriteError
from tracker.store.lock import WriterLock
from tracker.store.migrations import (
    CACHE_NAME,
    CURRENT_SCHEMA,
    check_meta,
    journal_path,
    legacy_path,
    meta_path,
    shard_key,
    shard_tokens,
)
from tracker.store.storage import Token, Unreadable, atomic_write, read_json, remove_temp_files
from tracker.untrusted import STORE_FILE_BYTES, Rejected, read_regular

if TYPE_CHECKING:
    from tracker.store.replica import Replica

CACHE_FORMAT = "backroll.summary-cache"
CACHE_VERSION = 3  # 3: per-file edits, the carry's marks

Record = list[Any]


def cache_path(loc: Locations) -> Path:
    return loc.data / CACHE_NAME


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
        self.checkins: dict[tuple[object, ...], CheckIn] = {}
        self.prescriptions: dict[tuple[object, ...], Prescription] = {}

    def session(self, r: Record) -> Session:
        hurt_at = r[8]
        presc = r[9]
        checkin = r[10]
        ckey = tuple(checkin)
        c = self.checkins.get(ckey)
        if c is None:
            pb, pa, stable, felt = checkin
            c = self.checkins[ckey] = CheckIn(
                pain_before=pb,
                pain_after=pa,
                stable=Stability(stable) if stable else None,
                felt=Felt(felt) if felt else None,
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
            hurt_at=HurtAt(hurt_at[0], hurt_at[1], Side(hurt_at[2]), hurt_at[3], Phase(hurt_at[4]))
            if hurt_at
            else None,
            checkin=c,
            prescription=p,
            origin=r[11],
        )


_SHARED = _Builder()  # shares the few distinct check-ins and prescriptions across a long history


def session_of(record: Record) -> Session:
    """A session back from `record_of` (ValueError, TypeError... when the record is malformed)."""
    return _SHARED.session(record)


# --------------------------------------------------------------------------- the cache file


class _Month(NamedTuple):
    token: Token
    days: list[str]  # the month's practice days, ISO, sorted
    ids: str  # every session id of the month, joined (36 characters each)
    records: list[Record] | None  # every session without steps or note; only for the tail's months
    edited: list[str] = []  # the ids of the edits and deletes (every device's) that reached this file


class _Carried(NamedTuple):
    key: str
    tokens: dict[str, Token]  # the months it was made from
    data: object  # the caller's carry, as JSON (CarrySpec)
    # The carry after each marked month ("YYYY-MM", _marked): {month: carry as JSON}, kept as JSON text and
    # parsed only when the carry is folded again (the usual read, a new session in the tail's months,
    # neither reads nor re-encodes them: ~0.2 MB at 10k sessions, more with the years).
    marks: str = "{}"


def _read_cache(path: Path) -> tuple[dict[str, _Month], _Carried | None, dict[str, str]]:
    """The cached months, carry and edits (id: digest); empty when the cache is missing, unreadable or of
    another format."""
    try:
        # The safe reader (a regular file only, bounded), then the plain parser: this file is only ever
        # read as a hint checked against the month files, so the strict parser's scan of every string
        # (for the history files, ~3x the parse at 10,000 sessions) buys nothing here.
        raw, _ = read_regular(path, STORE_FILE_BYTES)
        data = json.loads(raw, parse_constant=_no_constant)
    except (OSError, Rejected, ValueError, RecursionError):
        return {}, None, {}
    if (
        not isinstance(data, dict)
        or data.get("format") != CACHE_FORMAT
        or data.get("version") != CACHE_VERSION
    ):
        return {}, None, {}
    months: dict[str, _Month] = {}
    try:
        for key, entry in dict(data["months"]).items():
            token = tuple(entry["token"])
            records = entry.get("sessions")
            edited = entry.get("edited", [])
            if (
                len(token) == 4
                and isinstance(entry["days"], list)
                and isinstance(entry["ids"], str)
                and isinstance(edited, list)
                and all(isinstance(sid, str) for sid in edited)
            ):
                months[key] = _Month(
                    token, entry["days"], entry["ids"], records if isinstance(records, list) else None, edited
                )
        carried = None
        entry = data.get("carry")
        if isinstance(entry, dict):
            tokens = {k: tuple(v) for k, v in dict(entry["tokens"]).items()}
            marks = entry.get("marks", "{}")  # (an older cache kept them as an object)
            text = marks if isinstance(marks, str) else json.dumps(dict(marks), separators=(",", ":"))
            carried = _Carried(str(entry["key"]), tokens, entry["data"], text)
        edits = {str(k): str(v) for k, v in dict(data.get("edits", {})).items()}
    except (KeyError, TypeError, ValueError, AttributeError):
        return {}, None, {}
    return months, carried, edits


def _marks_of(text: str) -> dict[str, object]:
    """The kept marks from their JSON text; none when it is damaged (the carry is then folded from the
    first month: slower, the same answer)."""
    try:
        found = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        return {}
    return {str(k): v for k, v in found.items()} if isinstance(found, dict) else {}


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number")


def _write_cache(
    path: Path, months: dict[str, _Month], carried: _Carried | None, edits: dict[str, str]
) -> None:
    payload: dict[str, Any] = {
        "format": CACHE_FORMAT,
        "version": CACHE_VERSION,
        "note": "derived from the sessions-*.json files for `backroll status`; safe to delete",
        "edits": edits,
        "months": {
            key: {
                "token": list(m.token),
                "days": m.days,
                "ids": m.ids,
                **({"sessions": m.records} if m.records is not None else {}),
                **({"edited": m.edited} if m.edited else {}),
            }
            for key, m in sorted(months.items())
        },
    }
    if carried is not None:
        payload["carry"] = {
            "key": carried.key,
            "tokens": {k: list(v) for k, v in carried.tokens.items()},
            "data": carried.data,
            "marks": carried.marks,
        }
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    try:
        atomic_write(path, data, durable=False)  # derived: made again when missing or damaged
    except StoreWriteError:
        pass  # a read-only or full disk: status still works, the next one reads the month files again


# --------------------------------------------------------------------------- reading


class CarrySpec(NamedTuple):
    """How the caller summarises the months before the tail: `key` names what the carry depends on
    besides those months (the rules, the usual-pain records...); `make` builds it from their sessions;
    `extend` grows a carry by later months' sessions (None: it cannot, make it again)."""

    key: Callable[[Settings, list[UsualPain], list[PainRecord]], str]
    make: Callable[[list[Session], Settings, list[UsualPain], list[PainRecord]], object]
    extend: Callable[[object, list[Session], Settings, list[UsualPain], list[PainRecord]], object]


class Summary(NamedTuple):
    settings: Settings
    usual_pain: list[UsualPain]
    days: list[date]  # every practice day, sorted
    tail: list[
        Session
    ]  # the sessions of the months from `tail_from` on, without steps or note, history order
    carry: object  # what `CarrySpec.make` made of the months before `tail_from` (None without a spec)
    pain_records: list[PainRecord] = []  # every device's pain records (tracker/store/painrecords.py)
    # Each month file's token and the ids of the sessions it holds that no edit deleted (Store.known_ids)
    ids: dict[str, tuple[Token, str]] = {}


def read_summary(
    home: Path,
    *,
    tail_from: str = "",
    carry: CarrySpec | None = None,
    wait: float = 5.0,
    label: str | None = None,
) -> Summary | None:
    """Practice days, the sessions of the months from `tail_from` ("YYYY-MM"; "" for every month) and the carry.

    None when the real Store must be opened instead (see the module docstring).
    """
    try:
        return _read_summary(home, tail_from, carry, wait=wait, label=label)
    except (OSError, StoreWriteError):
        # StoreWriteError: the lock cannot be written (a read-only or full disk): Store.open reads it;
        # OSError: a folder we may not read (another owner...): Store.open explains it in one sentence
        return None


def _read_summary(
    home: Path, tail_from: str, spec: CarrySpec | None, *, wait: float, label: str | None
) -> Summary | None:
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
                data, _ = read_json(loc.settings, follow=True)
                settings = parse_settings(loc.settings, data)
        except (Unreadable, FileNotFoundError):
            return None
        if journal_path(loc).exists():
            return None  # an import cut short: Store.open replays it
        union = _union(loc)  # every device's events (edits, deletes, the person's settings) and usual pain
        if union is None:
            return None  # a file still arriving, a conflict copy to merge: the Store handles and says so
        settings, usual, pains = union.settings(settings), union.usual_pain(), union.pain_records()
        overlay = union.overlay()
        edits = _edit_hashes(overlay)

        try:
            on_disk = shard_tokens(loc.data)
        except Unreadable:
            return None  # Store.open reports it

        def read_month(key: str) -> tuple[list[Session], list[str]] | None:
            """The file's sessions with the edits applied, and the ids of the edits that reached it."""
            shard_path = loc.data / f"sessions-{key}.json"
            try:
                data, token = read_json(shard_path)
                docs = parse_shard(shard_path, data)
            except (Unreadable, FileNotFoundError):
                return None  # Store.open reports it, naming the newest good backup
            if token != on_disk[key]:
                return None  # changed while we read it (it cannot, under the lock): let the Store read it
            found = _edited(key, [session for _, session in docs.values()], overlay)
            if found is None:
                return None
            return found, sorted(sid for sid in docs if sid in overlay)

        path = cache_path(loc)
        cached, carried, cached_edits = _read_cache(path)
        dirty = _touched(cached, cached_edits, edits)  # files an edit or a delete reached since: read again
        for key in dirty:
            cached.pop(key, None)
        before = {key: on_disk[key] for key in on_disk if key < tail_from}
        want_key = spec.key(settings, usual, pains) if spec is not None else ""
        old_tokens: dict[str, Token] = {}  # the files the kept carry was made from, as they were then
        marks_text = ""
        old_marks: dict[str, object] = {}  # the kept carry after each marked month (_marked), when folding
        if carried is not None and carried.key == want_key:
            old_tokens = {key: token for key, token in carried.tokens.items() if key not in dirty}
            marks_text = carried.marks
        remake = spec is not None and (carried is None or carried.key != want_key or old_tokens != before)
        if remake and marks_text:
            old_marks = _marks_of(marks_text)
        # The carry is folded a calendar month at a time (spec.extend): no month's sessions are kept once
        # folded, so neither memory nor the collector's work grows with the years. Only the months from
        # the first changed one on are folded again: the kept carry of the marked month before it is the
        # start, and once a month folds to the carry kept for it, every later unchanged month would fold
        # as before, so the walk jumps to the kept carry of the last marked month before the next change.
        # When a month cannot be folded after the ones before it (a session started before the last
        # folded one: travel across the date line), every old month is read again into `old` instead.
        changed_months = sorted(
            {
                key.split(".")[0]
                for key in set(before) | set(old_tokens)
                if before.get(key) != old_tokens.get(key)
            }
        )
        marks = sorted(old_marks)
        folding = remake and spec is not None
        folded: object = None  # the carry of the months walked so far (None: none yet)
        synced = True  # `folded` is the kept carry of the last month walked (none walked: nothing kept)
        jump = ""  # the marked month the walk jumps to, when synced
        new_marks: dict[str, object] = {}
        last_before = max((key.split(".")[0] for key in before), default="")

        def next_change(month: str) -> str:
            i = bisect_left(changed_months, month)
            return changed_months[i] if i < len(changed_months) else "9999-99"

        by_month: dict[str, list[str]] = {}
        for key in sorted(on_disk):
            by_month.setdefault(key.split(".")[0], []).append(key)

        months: dict[str, _Month] = {}
        changed = set(cached) != set(on_disk) or bool(dirty)
        for month, keys in sorted(by_month.items()):
            wanted = month >= tail_from
            fold = folding and not wanted
            if fold and synced and not jump:
                ahead = next_change(month)
                jump = next((m for m in reversed(marks) if month <= m < ahead), "")
            skip = fold and bool(jump) and month <= jump
            sessions: list[Session] = []
            for key in keys:
                hit = cached.get(key)
                reuse = (
                    hit is not None and hit.token == on_disk[key] and (hit.records is not None or not wanted)
                )
                if reuse:
                    assert hit is not None
                    months[key] = hit if wanted else hit._replace(records=None)
                    changed = changed or (hit.records is not None and not wanted)
                    if fold and not skip:
                        if hit.records is not None:  # a month that was in the tail: its sessions are kept
                            sessions.extend(_SHARED.session(r) for r in hit.records)
                            continue
                        read = read_month(key)
                        if read is None:
                            return None
                        sessions.extend(read[0])
                    continue
                read = read_month(key)
                if read is None:
                    return None
                changed = True
                months[key] = _month_of(on_disk[key], read[0], wanted, read[1])
                if fold and not skip:
                    sessions.extend(read[0])
                del read
            if not fold:
                continue
            assert spec is not None
            if skip:  # unchanged, and so is every month before it: its kept carry stands
                if month in old_marks and _marked(month, last_before):
                    new_marks[month] = old_marks[month]
                if month == jump:
                    folded, jump = old_marks[month], ""
                continue
            jump = ""
            if sessions:  # (a month whose every session was deleted adds nothing)
                grown = (
                    spec.make(sessions, settings, usual, pains)
                    if folded is None
                    else spec.extend(folded, sessions, settings, usual, pains)
                )
                del sessions
                if grown is None:
                    folding = False
                    continue
                folded = grown
            synced = month in old_marks and folded == old_marks[month]
            if _marked(month, last_before):
                new_marks[month] = folded
        if changed and _moved_twice(months, overlay):  # (an unchanged cache was checked when it was written)
            return None  # one session in two files, or an edit whose file has not arrived: the Store decides

        made = carried.data if carried is not None and not remake else None
        if spec is not None and remake:
            if folding:
                made = folded if folded is not None else spec.make([], settings, usual, pains)
            else:
                new_marks = {}
                old: list[Session] = []  # every session of the months before the tail, without details
                for key in sorted(before):
                    read = read_month(key)
                    if read is None:
                        return None
                    old.extend(_without_details(read[0]))
                made = spec.make(old, settings, usual, pains)
                del old
            carried = _Carried(want_key, before, made, json.dumps(new_marks, separators=(",", ":")))
            changed = True
    finally:
        lock.release()

    tail = _sessions(months)
    if tail is None:  # a damaged cache entry: drop the cache and read every month file again
        try:
            os.unlink(path)
        except OSError:
            return None
        return read_summary(home, tail_from=tail_from, carry=spec, wait=wait, label=label)
    if changed:
        _write_cache(path, months, carried, edits)
    keys = sorted(months)
    found = [day for key in keys for day in months[key].days]  # each file's days sorted, months in order
    if any(a >= b for a, b in zip(found, found[1:])):  # two devices' files of one month
        found = sorted(set(found))
    days = [date.fromisoformat(day) for day in found]
    ids = {key: (m.token, m.ids) for key, m in months.items()}
    return Summary(settings, usual, days, tail, made, pains, ids)


def _month_of(token: Token, sessions: list[Session], keep_records: bool, edited: list[str]) -> _Month:
    days = sorted({s.local_date.isoformat() for s in sessions})
    ids = "".join(sorted(s.id for s in sessions))
    return _Month(token, days, ids, [record_of(s) for s in sessions] if keep_records else None, edited)


def _marked(month: str, last: str) -> bool:
    """Whether the carry after `month` is kept (every quarter's last month, and the last month before the
    tail): a change folds again from the mark before it, at most two months of unchanged files."""
    return month == last or month[5:] in ("03", "06", "09", "12")


def _edited(key: str, sessions: list[Session], overlay: dict[str, Session | None]) -> list[Session] | None:
    """A month file's sessions with every device's latest edit or delete applied (the Store's overlay);
    None when an edit moved one to another month (the Store places it)."""
    if not overlay:
        return sessions
    month = key.split(".")[0]
    kept: list[Session] = []
    for session in sessions:
        if session.id not in overlay:
            kept.append(session)
            continue
        edited = overlay[session.id]
        if edited is None:
            continue  # deleted on some device
        if shard_key(edited.local_date) != month:
            return None
        kept.append(edited)
    return kept


def _moved_twice(months: dict[str, _Month], overlay: dict[str, Session | None]) -> bool:
    """True when one session id is in two files (a move cut short, or two devices' copies), or an edit
    names a session no file holds yet (its device's month still arriving): the Store decides those."""
    total = sum(len(m.ids) for m in months.values())
    if total % 36:
        return True  # not ids as the store writes them: let the Store decide
    seen: set[str] = set()
    for m in months.values():
        ids = m.ids
        seen.update(ids[i : i + 36] for i in range(0, len(ids), 36))
    if len(seen) * 36 != total:
        return True
    return any(session is not None and sid not in seen for sid, session in overlay.items())


def _without_details(sessions: list[Session]) -> list[Session]:
    return [_SHARED.session(record_of(s)) for s in sessions]


def _sessions(months: dict[str, _Month]) -> list[Session] | None:
    """The sessions of the months that kept their records, history order; None when a record is malformed."""
    builder = _Builder()
    found: list[Session] = []
    try:
        for key in sorted(months):
            for record in months[key].records or ():
                session = builder.session(record)
                if shard_key(session.local_date) != key.split(".")[0]:  # key: "YYYY-MM[.device]"
                    return None
                found.append(session)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None
    return sorted(found, key=lambda s: (s.started_at, s.id))


def _union(loc: Locations) -> Replica | None:
    """Every device's events and usual-pain records (tracker/store/replica.py); None: open the Store."""
    from tracker.store.devices import load_device
    from tracker.store.replica import read_union

    return read_union(loc.data, load_device(loc, create=False))


def _edit_hashes(overlay: dict[str, Session | None]) -> dict[str, str]:
    """What each session's latest edit or delete (every device's) comes to: the files it reaches follow it."""
    digests = {}
    for sid, s in overlay.items():
        text = json.dumps(record_of(s) if s is not None else None)
        digests[sid] = hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
    return digests


def _touched(cached: dict[str, _Month], was: dict[str, str], now: dict[str, str]) -> set[str]:
    """The cached files whose entries an edit or delete made, changed or dropped since they were read:
    those the old edit reached, and those holding a session a new edit names."""
    moved = {sid for sid in was.keys() | now.keys() if was.get(sid) != now.get(sid)}
    if not moved:
        return set()
    found: set[str] = set()
    for key, m in cached.items():
        if not moved.isdisjoint(m.edited):
            found.add(key)
        elif len(moved) <= 16:
            if any(sid in m.ids for sid in moved):  # (a match across two ids only reads a file again)
                found.add(key)
        elif not moved.isdisjoint(m.ids[i : i + 36] for i in range(0, len(m.ids), 36)):
            found.add(key)
    return found


__all__ = ["CACHE_NAME", "CarrySpec", "Summary", "cache_path", "read_summary", "record_of", "session_of"]
