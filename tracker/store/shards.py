"""The month files in memory: one TinyDB per month of local_date, the id index, and their writes.

`Shards` holds every loaded month (`_Shard`: its TinyDB on our atomic
storage and its parsed Sessions), the index session id -> month, and the
sorted list of sessions (rebuilt lazily). A write to a month goes through
`rollback_on_failure`: if TinyDB's atomic write fails, memory goes back to
what is on disk, so memory never holds what the file does not. The Store
(core.py) decides what to write and holds the lock; this module only keeps
the months.

Months of every device are loaded (keys "2026-12.<device>", and "2026-12"
for a schema-1 file; see devices.py); only this device's are written. Another
device's month that cannot be read is half synced, not damaged: it is
skipped with a note (`skipped`), the version read before stays, and it is
read again when it changes. `overlay` (from events.py) is applied on top of
the months: the latest edit or delete of a session on any device wins.

A **lazy** set (`lazy=True`, what the service opens) notes the months on
disk (`pending`) without reading them, and reads them all the first time
something needs the whole history (`ensure`: sessions, get, len...). Saving
a new session needs only its own month: `surely_absent` proves its id is in
no other file by searching their bytes, so `backroll log` and the app's save
do not read years of history to add one session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document, Table

from tracker.files import WriteBytes
from tracker.model import Session
from tracker.store.errors import StoreCorrupt, StoreError
from tracker.store.migrations import SESSIONS_TABLE, shard_key, shard_name
from tracker.store.storage import AtomicJSONStorage, Token, Unreadable, read_json
from tracker.store.union import refused_reason, skip_note
from tracker.store.validate import parse_shard
from tracker.untrusted import Rejected, read_regular

__all__ = ["SessionConflict", "Shards"]


@dataclass(frozen=True)
class SessionConflict:
    """One session in two devices' month files, in two versions: `shown` is the file whose copy the history
    shows, `others` the files holding another version (kept, never written over)."""

    session_id: str
    shown: str
    others: tuple[str, ...]


def _device_of(key: str) -> str:
    return key.partition(".")[2]  # "" for a schema-1 file


@dataclass(eq=False)
class _Shard:
    key: str
    path: Path
    db: TinyDB
    docs: dict[str, tuple[int, Session]] = field(default_factory=dict)

    @property
    def storage(self) -> AtomicJSONStorage:
        return self.db.storage  # type: ignore[return-value]

    @property
    def token(self) -> Token | None:
        return self.storage.token

    @property
    def table(self) -> Table:
        return self.db.table(SESSIONS_TABLE, cache_size=0)

    def next_doc_id(self) -> int:
        return max((doc_id for doc_id, _ in self.docs.values()), default=0) + 1


class Shards:
    """Every loaded month of one data folder (see the module docstring)."""

    def __init__(
        self,
        data: Path,
        write_bytes: WriteBytes,
        corrupt: Callable[[Unreadable], StoreCorrupt],
        device: str = "",
    ) -> None:
        self.data = data
        self.device = device
        self.skipped: dict[str, str] = {}  # shard key -> why another device's month was not read this time
        self.overlay: dict[str, Session | None] = {}  # session id -> its latest edit, or None when deleted
        self._resolved: dict[str, Session] | None = None
        self._skipped_tokens: dict[str, Token] = {}  # a skipped month is read again only once it changes
        self.write_bytes = write_bytes
        self.corrupt = corrupt  # builds the StoreCorrupt for a file that cannot be read
        self.by_key: dict[str, _Shard] = {}
        self.index: dict[str, str] = {}  # session id -> shard key
        self.conflicts: dict[
            str, tuple[str, tuple[str, ...]]
        ] = {}  # session id -> (shown key, other devices' keys)
        self._sorted: list[Session] | None = None
        self.lazy = False
        self.pending: dict[str, Token] = {}  # lazy: months on disk not read yet (shard key -> token)
        # What the summary cache said each month file holds (key -> (token, its session ids joined)),
        # good for the file while its token is that one: spares surely_absent reading the file's bytes.
        self.known: dict[str, tuple[Token, str]] = {}

    # -- lazy reading

    def ensure(self) -> None:
        """Read every month still pending (a lazy set reads them when something needs the whole history)."""
        if self.pending:
            pending, self.pending = self.pending, {}
            if self._load_all(pending):
                self.rebuild_index()

    def _load_pending(self, key: str) -> None:
        token = self.pending.pop(key, None)
        if token is not None and self._load_all({key: token}):
            self.rebuild_index()

    def surely_absent(self, session_id: str) -> bool:
        """True when no month file, read or not, and no event holds `session_id` (its bytes are searched);
        False when it may be there."""
        if session_id in self.overlay or any(session_id in shard.docs for shard in self.by_key.values()):
            return False
        needle = session_id.encode("utf-8")
        for key in self.pending:
            hint = self.known.get(key)
            if (
                hint is not None and hint[0] == self.pending[key]
            ):  # (pending: as the write's own scan found it)
                if session_id in hint[1]:  # (a match across two joined ids only reads as "may be there")
                    return False
                continue
            try:  # the safe reader: a month swapped for a pipe or a link since the scan is never waited on
                if needle in read_regular(self.data / shard_name(key))[0]:
                    return False
            except (OSError, Rejected):
                return False
        return True

    def paths(self) -> list[Path]:
        """Every month file this set knows, read or pending (what a backup holds)."""
        return [self.data / shard_name(key) for key in sorted({*self.by_key, *self.pending})]

    # -- reading

    def own_key(self, month: str) -> str:
        return f"{month}.{self.device}" if self.device else month

    def is_own(self, key: str) -> bool:
        return key == self.own_key(key.split(".")[0])

    def set_overlay(self, overlay: dict[str, Session | None]) -> None:
        if overlay is not self.overlay:
            self.overlay = overlay
            self._changed()

    def _changed(self) -> None:
        self._sorted = None
        self._resolved = None

    def resolved(self) -> dict[str, Session]:
        """session id -> the session: the months' copy, replaced or removed by its latest event."""
        self.ensure()
        if self._resolved is None:
            found = {sid: self.by_key[key].docs[sid][1] for sid, key in self.index.items()}
            for sid, session in self.overlay.items():
                if session is None:
                    found.pop(sid, None)
                else:
                    found[sid] = session
            self._resolved = found
        return self._resolved

    def sessions(self) -> list[Session]:
        """Every session, sorted by started_at (then id)."""
        if self._sorted is None:
            self._sorted = sorted(self.resolved().values(), key=lambda s: (s.started_at, s.id))
        return list(self._sorted)

    def get(self, session_id: str) -> Session | None:
        """O(1): its latest event's version when it has one, else the months' copy."""
        self.ensure()
        if session_id in self.overlay:
            return self.overlay[session_id]
        key = self.index.get(session_id)
        return None if key is None else self.by_key[key].docs[session_id][1]

    def __len__(self) -> int:
        return len(self.resolved())

    def __contains__(self, session_id: object) -> bool:
        return isinstance(session_id, str) and self.get(session_id) is not None

    def holding(self, session_id: str) -> list[str]:
        """Every month holding `session_id` (more than one only after a move cut short)."""
        self.ensure()
        return [key for key, shard in self.by_key.items() if session_id in shard.docs]

    # -- loading

    def sync(self, on_disk: Mapping[str, Token], odd: Mapping[str, str] | None = None) -> bool:
        """Drop months gone from disk, load the new and replaced ones; True when anything changed.

        `odd`: another device's months that are not regular files (key -> what they are): never opened,
        left out with a note (the version read before, if any, stays). Lazy: a month not read yet stays
        pending (with its new token) until something needs it.
        """
        changed = False
        odd = odd or {}
        for key, why in odd.items():
            self.skipped[key] = refused_reason(why)
            if key in self.pending:
                del self.pending[key]
                changed = True
        for key in [k for k in self.by_key if k not in on_disk and k not in odd]:
            self.by_key.pop(key).db.close()
            changed = True
        for key in [k for k in self.skipped if k not in on_disk and k not in odd]:
            del self.skipped[key]
        for key in [k for k in self.pending if k not in on_disk]:
            del self.pending[key]
            changed = True
        wanted = dict(on_disk)
        if self.lazy:
            for key in [k for k in wanted if k not in self.by_key and k not in self.skipped]:
                if self.pending.get(key) != wanted[key]:
                    changed = True
                self.pending[key] = wanted.pop(key)
        if self._load_all(wanted):
            changed = True
        if changed:
            self.rebuild_index()
        return changed

    def _load_all(self, on_disk: Mapping[str, Token]) -> bool:
        changed = False
        for key in sorted(on_disk):
            shard = self.by_key.get(key)
            if shard is not None and shard.token == on_disk[key]:
                continue
            if key in self.skipped and self._skipped_tokens.get(key) == on_disk[key]:
                continue  # still the same half-arrived file
            try:
                loaded = self._read(key, self.data / shard_name(key))
            except FileNotFoundError:
                continue
            except Unreadable as exc:
                if self.is_own(key):
                    raise self.corrupt(exc) from None
                self.skipped[key] = skip_note(exc)  # another device's month: still arriving, or refused
                self._skipped_tokens[key] = on_disk[key]
                continue
            self.skipped.pop(key, None)
            self.by_key[key] = loaded
            changed = True
        return changed

    def _load(self, key: str, path: Path) -> _Shard:
        try:
            return self._read(key, path)
        except Unreadable as exc:
            raise self.corrupt(exc) from None

    def _read(self, key: str, path: Path) -> _Shard:
        data, token = read_json(path)
        docs = parse_shard(path, data)
        # The parsed JSON is not kept: memory holds the Sessions (docs) only, not a second copy of every
        # session as dicts (which doubled the memory of a long history). TinyDB asks for the dicts only
        # when this month is written, under the lock, and the storage then reads the file once.
        db = TinyDB(path, storage=AtomicJSONStorage, data=None, token=token, write_bytes=self.write_bytes)
        return _Shard(key, path, db, docs)

    def _new(self, key: str) -> _Shard:
        path = self.data / shard_name(key)
        db = TinyDB(path, storage=AtomicJSONStorage, data={SESSIONS_TABLE: {}}, write_bytes=self.write_bytes)
        return _Shard(key, path, db)

    def rebuild_index(self) -> None:
        """session id -> the month whose copy is shown, and the conflicts: see `rank`."""
        index: dict[str, str] = {}
        twice: dict[str, list[str]] = {}  # a session id in more than one month file -> every such month
        for key in sorted(self.by_key):
            for sid in self.by_key[key].docs:
                known = index.get(sid)
                if known is None:
                    index[sid] = key
                    continue
                twice.setdefault(sid, [known]).append(key)
        conflicts: dict[str, tuple[str, tuple[str, ...]]] = {}
        for sid, keys in twice.items():
            shown = min(sorted(keys, reverse=True), key=lambda k: self.rank(k, sid))  # ties: the later file
            index[sid] = shown
            mine = self.by_key[shown].docs[sid][1].to_dict()
            others = tuple(
                k
                for k in keys
                if _device_of(k) != _device_of(shown) and self.by_key[k].docs[sid][1].to_dict() != mine
            )
            if others:
                conflicts[sid] = (shown, others)
        self.index = index
        self.conflicts = conflicts
        self._changed()

    def rank(self, key: str, session_id: str) -> tuple[bool, bool]:
        """Which copy of a session found in several month files is shown (the lowest rank): this device's
        own copy first (another device's copy never replaces it: issue 24), then the copy in the month of
        its practice day (a move cut short by a crash left the other), then the last by file name.

        Two devices' copies that differ are a conflict (`conflicts`): both stay in their files, the one
        shown is this rule's, and status and sync-check name the session and the files.
        """
        session = self.by_key[key].docs[session_id][1]
        return (not self.is_own(key), shard_key(session.local_date) != key.split(".")[0])

    def conflict_list(self) -> list[SessionConflict]:
        """The conflicts an edit or a delete made since has not settled (the overlay decides those)."""
        self.ensure()
        return [
            SessionConflict(sid, shard_name(shown), tuple(shard_name(k) for k in others))
            for sid, (shown, others) in sorted(self.conflicts.items())
            if sid not in self.overlay
        ]

    def close(self) -> None:
        for shard in self.by_key.values():
            shard.db.close()

    # -- writing (the caller holds the lock)

    @contextmanager
    def rollback_on_failure(self, key: str) -> Iterator[_Shard]:
        self._load_pending(key)  # a lazy set reads the month it writes first
        shard = self.by_key.get(key) or self._new(key)
        try:
            yield shard
        except BaseException:
            # TinyDB changed the in-memory dict before the write failed: go back to what is on disk
            shard.db.close()
            try:
                self.by_key[key] = self._load(key, shard.path)
            except FileNotFoundError:
                self.by_key.pop(key, None)
            except StoreError:
                pass  # raised again at the next write; the original error matters more
            self.rebuild_index()
            raise
        self.by_key[key] = shard
        self._changed()

    def insert(self, key: str, sessions: Sequence[Session]) -> None:
        with self.rollback_on_failure(key) as shard:
            first = shard.next_doc_id()
            documents = [Document(s.to_dict(), doc_id=first + i) for i, s in enumerate(sessions)]
            shard.table.insert_multiple(documents)
            for doc in documents:
                session = Session.from_dict(doc)  # memory holds exactly what the file holds
                shard.docs[session.id] = (doc.doc_id, session)
                self.index[session.id] = key

    def replace(self, key: str, session: Session) -> None:
        with self.rollback_on_failure(key) as shard:
            doc_id = shard.docs[session.id][0]
            new = session.to_dict()

            def transform(doc: MutableMapping[str, Any]) -> None:
                doc.clear()
                doc.update(new)

            shard.table.update(transform, doc_ids=[doc_id])
            shard.docs[session.id] = (doc_id, Session.from_dict(new))

    def remove(self, key: str, session_id: str, *, keep_index: bool = False) -> None:
        with self.rollback_on_failure(key) as shard:
            doc_ids = [shard.docs[session_id][0]]
            doc_ids += [
                d.doc_id for d in shard.table.all() if d.get("id") == session_id and d.doc_id not in doc_ids
            ]
            shard.table.remove(
                doc_ids=doc_ids
            )  # with an earlier copy of the same id, if any (validate.parse_shard)
            del shard.docs[session_id]
            if not keep_index:
                self.index.pop(session_id, None)
