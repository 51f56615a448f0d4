"""The Store: the practice history on month-sharded TinyDB files.

Layout under the data home (see migrations.py for the schema history)::

    backroll.lock                 flock'd by the one writer; holds "PID description"
    device.json                   this machine's device id (devices.py)
    settings.json                 {"schema": 1, "settings": {...}}: the machine's own are read from here
    data/meta.json                {"format": "backroll.store", "schema": 2}
    data/sessions-YYYY-MM.<device>.json   one TinyDB per month of local_date and device, table "sessions"
    data/events-YYYY-MM.<device>.json  edits, deletes, the person's settings (events.py)
    data/usual-pain.<device>.json the person's usual-pain records (see usual.py)
    data/pain-records.<device>.json  pain scores given without practising (see painrecords.py)
    backups/YYYY-MM-DD/           hard links of the files above, newest 7 days
    sync-conflicts/               conflict copies a sync engine made, merged and set aside (conflicts.py)

The data folder may be synced between machines: each device writes only its
own files and reads every device's (issue 18; devices.py, replica.py).

Why shards: TinyDB rewrites its whole file on every write, so with one file
a save costs O(history). A month holds ~30-60 sessions, so a save rewrites
~50 KB whatever the size of the history, in one atomic replace.

Concurrency: the writer lock is held only for one write transaction. Parsed
sessions stay in memory and are never re-read per query. At the start of
every write, under the lock, the store compares the lock file's write
generation with the one it left: equal means nobody wrote since, and the
write goes ahead at once; different means each file's (inode, size,
mtime_ns, ctime_ns) is compared with what was loaded and only the files
another process replaced are read again. Every write is an atomic replace
(a new inode), so a replaced file is always seen as changed, and a write is
always computed from the latest version on disk: no acknowledged session is
lost to a stale in-memory copy. `refresh()` runs the same file check without
the lock, for a long-running app that wants to see what `backroll log`
added from another terminal (it is not called implicitly).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from tracker.model import PainRecord, Session, Settings, UsualPain
from tracker.paths import Locations, ensure_private_dir
from tracker.store import backups as backup_mod
from tracker.store.conflicts import merge_conflicts
from tracker.store.devices import load_device, write_stignore
from tracker.store.errors import StoreCorrupt, StoreError, StoreWriteError, open_error
from tracker.store.events import Event, changed_person_fields
from tracker.store.lock import WriterLock
from tracker.store.merging import MergeReport, merge, replay_journal
from tracker.store.migrations import (
    CURRENT_SCHEMA,
    detect_version,
    journal_path,
    meta_document,
    meta_path,
    migrate,
    not_regular,
    shard_entries,
    shard_key,
    shard_name,
)
from tracker.store.replica import Replica
from tracker.store.shards import SessionConflict, Shards
from tracker.store.storage import (
    Token,
    Unreadable,
    WriteBytes,
    atomic_write,
    dumps,
    file_token,
    read_json,
    remove_temp_files,
    write_all,
)
from tracker.store.union import find_conflicts
from tracker.store.validate import (
    SETTINGS_SCHEMA,
    corrupt_error,
    newer_version,
    parse_meta,
    parse_settings,
    parse_shard,
)
from tracker.untrusted import kind_of


class Store:
    """The history of one data home. Open with Store.open(home); see the module docstring."""

    def __init__(
        self,
        home: Path,
        *,
        wait: float = 5.0,
        label: str | None = None,
        today: Callable[[], date] | None = None,
        write_bytes: WriteBytes | None = None,
        lazy: bool = False,
    ) -> None:
        """Use Store.open(); this only sets fields."""
        self.lazy = lazy
        self.locations = Locations(Path(home))
        self.wait = wait
        self._today = today or date.today
        self._write_bytes = write_bytes or write_all
        self._lock = WriterLock(self.locations.lock, label=label)
        self._mutex = threading.RLock()
        self.device = ""  # set by _open (devices.py)
        self._init_union()
        self._meta_token: Token | None = None
        self._settings = Settings()
        self._settings_token: Token | None = None
        self._backup_day: str | None = None
        self._generation: tuple[str, int] | None = None  # lock-file generation our memory is current with
        self._closed = False
        self.backup_error: OSError | None = None  # the last failed daily backup, if any
        self.migrated_from: list[int] = []
        self.read_only: StoreWriteError | None = (
            None  # why it was opened for reading only (store/readonly.py)
        )
        self.set_aside: list[
            Path
        ] = []  # conflict copies merged and moved aside by this process (conflicts.py)
        self.set_aside_failed: dict[str, str] = {}  # conflict copies that could not be moved aside: why

    def _init_union(self, device: str = "") -> None:
        # Through a lambda: the write seam (write_bytes) is read at each new month, as the store's own writes do.
        self._shards = Shards(
            self.locations.data, lambda fd, data: self._write_bytes(fd, data), self._corrupt, device
        )
        self._shards.lazy = self.lazy
        self._replica = Replica(self.locations.data, device, self._corrupt, lambda: self._write_bytes)

    # -- opening ----------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        home: Path,
        *,
        wait: float = 5.0,
        label: str | None = None,
        today: Callable[[], date] | None = None,
        write_bytes: WriteBytes | None = None,
        lazy: bool = False,
    ) -> Store:
        """Open (creating, or migrating, if needed) the history under `home`.

        Raises StoreLocked when another process holds the writer lock for
        more than `wait` seconds, StoreCorrupt when a file cannot be read
        (left untouched), StoreWriteError when the folder cannot be written.
        `label` describes this process in the lock file ("backroll log");
        `today` dates the daily backups; `write_bytes` is the low-level write
        (a seam for tests: point it at a full disk). `lazy`: read the month files only when something
        needs the whole history (shards.py); adding a new session then reads only its own month.
        """
        store = cls(home, wait=wait, label=label, today=today, write_bytes=write_bytes, lazy=lazy)
        try:
            store._open()
        except (
            OSError
        ) as exc:  # a folder we may not list or read (another owner, no x bit): say so, no traceback
            store.close()
            raise open_error(exc, store.locations.home) from exc
        return store

    def _open(self) -> None:
        loc = self.locations
        try:
            ensure_private_dir(loc.home)
            ensure_private_dir(loc.data)
        except OSError as exc:
            raise StoreWriteError(
                f"Could not create the data folder {loc.data}: {exc.strerror or exc}.",
                path=loc.data,
                errno=exc.errno,
            ) from exc
        with self._locked():
            remove_temp_files(loc.data)
            remove_temp_files(loc.home)
            backup_mod.remove_partials(loc.backups)
            self.device = load_device(loc, self._write_bytes)
            self._init_union(self.device)
            write_stignore(loc.data)
            try:
                version = detect_version(loc)
            except Unreadable as exc:
                raise self._corrupt(exc) from None
            if version is None:
                atomic_write(meta_path(loc), dumps(meta_document()), self._write_bytes)
            elif version > CURRENT_SCHEMA:
                raise self._corrupt(Unreadable(meta_path(loc), newer_version(version)))
            elif version < CURRENT_SCHEMA:
                try:
                    self.migrated_from = migrate(loc, version, self._write_bytes)
                except Unreadable as exc:
                    raise self._corrupt(exc) from None
            elif not meta_path(loc).exists():
                atomic_write(meta_path(loc), dumps(meta_document()), self._write_bytes)
        self._sync()
        if journal_path(loc).exists() or find_conflicts(loc.data):
            with self._writing():
                pass  # replays the journal of an import cut short, merges conflict copies

    # -- reading (from memory) ----------------------------------------------------------

    def sessions(self) -> list[Session]:
        """Every session, sorted by started_at (then id). From memory: no file is read."""
        with self._mutex:
            return self._shards.sessions()

    def get(self, session_id: str) -> Session | None:
        with self._mutex:
            return self._shards.get(session_id)

    def __len__(self) -> int:
        with self._mutex:
            return len(self._shards)

    @property
    def all_read(self) -> bool:
        """False while a lazy store has month files it has not read (see shards.py)."""
        return not self._shards.pending

    def __contains__(self, session_id: object) -> bool:
        return session_id in self._shards

    def load_settings(self) -> Settings:
        """This machine's settings, with the person's settings as last changed on any device."""
        return self._replica.settings(self._settings)

    def usual_pain(self) -> list[UsualPain]:
        """The usual-pain records of every device, oldest date first. From memory."""
        with self._mutex:
            return self._replica.usual_pain()

    def pain_records(self) -> list[PainRecord]:
        """The pain records of every device, oldest day first. From memory."""
        with self._mutex:
            return self._replica.pain_records()

    def skipped(self) -> dict[str, str]:
        """Other devices' files not read this time (half synced, or refused by tracker.untrusted's
        defences) and conflict copies that could not be set aside, by file name: why."""
        from tracker.store.migrations import shard_name

        return {
            **{shard_name(k): why for k, why in self._shards.skipped.items()},
            **self._replica.skipped(),
            **self.set_aside_failed,
        }

    def conflicts(self) -> list[SessionConflict]:
        """Sessions two devices' month files hold in two versions (issue 24; shards.py, `Shards.rank`)."""
        with self._mutex:
            return self._shards.conflict_list()

    def future_events(self) -> list[Event]:
        """Events dated more than a day ahead of this machine's clock: kept, not applied (replica.py)."""
        with self._mutex:
            return self._replica.future()

    def refresh(self) -> bool:
        """Pick up files another process replaced (no lock taken); True when anything changed.

        Cheap: one stat per file, and only changed files are read. Raises
        StoreCorrupt if a changed file cannot be read (memory is kept as it was).
        """
        with self._mutex:
            self._check_open()
            return self._sync()

    # -- writing ------------------------------------------------------------------------

    def add(self, session: Session) -> None:
        """Save a new session; durable on disk when this returns.

        Saving the same session again is a no-op; a different session with
        an id already saved raises ValueError.
        """
        with self._writing():
            existing = self._saved(session.id)
            if existing is not None:
                if existing.to_dict() == session.to_dict():
                    return
                raise ValueError(f"a different session with id {session.id} is already saved; use update()")
            self._insert(session)

    def update(self, session: Session) -> None:
        """Replace the saved session that has `session.id` (KeyError if there is none)."""
        with self._writing():
            current = self.get(session.id)
            if current is None:
                raise KeyError(session.id)
            self._replace(session, current)

    def save(self, session: Session) -> None:
        """Add `session`, or replace the saved one with its id (the check-in completing what `h` saved,
        an undone delete): one write transaction, one look for the id."""
        with self._writing():
            current = self._saved(session.id)
            if current is None:
                self._insert(session)
            else:
                self._replace(session, current)

    def known_ids(self, ids: Mapping[str, tuple[Token, str]]) -> None:
        """What the summary cache read just before said each month file holds (key -> (the file's token,
        the ids of its sessions no edit deleted, joined)): while a file keeps that token, proving a new
        id absent reads these ids instead of the file's bytes."""
        self._shards.known = dict(ids)

    def _saved(self, session_id: str) -> Session | None:
        """The saved session with this id, or None. A lazy store proves a new id absent by the files'
        bytes (shards.surely_absent) instead of reading every month."""
        if self._shards.pending and self._shards.surely_absent(session_id):
            return None
        return self.get(session_id)

    def _insert(self, session: Session) -> None:
        if session.id in self._shards.overlay:  # deleted before (on some device): bring it back everywhere
            if not self._shards.holding(session.id):  # a delete hides a month's copy, it does not remove it:
                self._shards.insert(self._shards.own_key(shard_key(session.local_date)), [session])
            self._event(
                "edit", session.id, session.to_dict()
            )  # so a restore is this event, never a second copy
            return
        self._shards.insert(self._shards.own_key(shard_key(session.local_date)), [session])

    def _replace(self, session: Session, current: Session) -> None:
        if current.to_dict() != session.to_dict():
            self._event("edit", session.id, session.to_dict())  # what every device applies
        own = [k for k in self._shards.holding(session.id) if self._shards.is_own(k)]
        if not own:
            return  # logged on another device: the event is the change
        shards, indexed = self._shards, self._shards.index.get(session.id)
        old_key = indexed if indexed in own else own[0]
        stale = [k for k in own if k != old_key]
        if shards.by_key[old_key].docs[session.id][1].to_dict() != session.to_dict():
            new_key = shards.own_key(shard_key(session.local_date))
            if new_key == old_key:
                shards.replace(old_key, session)
            else:  # moved to another month: add there first, so a crash leaves a duplicate, never a loss
                shards.insert(new_key, [session])
                stale.append(old_key)
        for key in stale:  # including copies a move cut short by a crash left behind
            shards.remove(key, session.id, keep_index=True)
        shards.rebuild_index()

    def delete(self, session_id: str) -> Session:
        """Remove a session and return it (KeyError if there is none)."""
        with self._writing():
            session = self.get(session_id)
            if session is None:
                raise KeyError(session_id)
            self._event("delete", session_id)  # the tombstone every device applies, before our own copy goes
            key = self._shards.index.get(session_id)
            for holder in [
                k for k in self._shards.holding(session_id) if k != key and self._shards.is_own(k)
            ]:
                self._shards.remove(
                    holder, session_id, keep_index=True
                )  # stray copies first, then the real one
            if key is not None and self._shards.is_own(key):
                self._shards.remove(key, session_id, keep_index=True)
            self._shards.rebuild_index()
            return session

    def _event(self, kind: str, target: str = "", body: dict[str, object] | None = None) -> None:
        self._replica.record(kind, target, body)
        self._shards.set_overlay(self._replica.overlay())

    def add_usual_pain(self, record: UsualPain) -> None:
        """Save a usual-pain record (adding the same record again is a no-op); durable when this returns."""
        with self._writing():
            self._replica.add_usual([record])

    def add_pain_record(self, record: PainRecord) -> None:
        """Save a pain record (adding the same record again is a no-op); durable when this returns."""
        with self._writing():
            self._replica.add_pains([record])

    def merge(
        self,
        sessions: Sequence[Session],
        usual_pain: Sequence[UsualPain] = (),
        *,
        revive: bool = True,
        pain_records: Sequence[PainRecord] = (),
    ) -> MergeReport:
        """Add the sessions whose id is not saved yet, all or nothing.

        Identical sessions count as already present; a different session
        with a saved id is a conflict and the saved one is kept. Validate
        before calling. Importing the same sessions twice changes nothing.

        The commit point is one atomic write of a redo journal holding every
        new session; the month files are then written and the journal
        removed. A kill or a failed write between the two leaves the journal,
        which the next open (or the next write) replays: merging by id is
        idempotent, so replaying finishes the import exactly once. See merging.py (and `revive`).
        """
        with self._writing():
            return merge(self, sessions, usual_pain, revive=revive, pain_records=pain_records)

    def save_settings(self, settings: Settings) -> None:
        path = self.locations.settings
        with self._writing():
            changed = changed_person_fields(self.load_settings(), settings)
            if changed:  # the person's settings: an event every device applies (last change wins)
                self._event("settings", "", changed)
            payload = dumps({"schema": SETTINGS_SCHEMA, "settings": settings.to_dict()})
            self._settings_token = atomic_write(path, payload, self._write_bytes)
            self._settings = Settings.from_dict(settings.to_dict())

    # -- life cycle ---------------------------------------------------------------------

    def close(self) -> None:
        with self._mutex:
            if self._closed:
                return
            self._closed = True
            self._lock.release()
            self._shards.close()

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def files(self) -> list[Path]:
        """The files that make up the history now (what a backup holds)."""
        found = [meta_path(self.locations), *self._shards.paths()]
        found += self._replica.files()
        if self.locations.settings.exists():
            found.append(self.locations.settings)
        return found

    # -- internals ----------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("The history store is closed.")

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with self._mutex:
            self._lock.acquire(self.wait)
            try:
                yield
            finally:
                self._lock.release()

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One write transaction: lock, catch up with other processes, daily backup, then write."""
        with self._mutex:
            self._check_open()
            if self.read_only is not None:
                raise self.read_only
            with self._locked():
                lock = self._lock
                if lock.found is None or lock.found != self._generation:
                    self._sync()  # someone wrote since our last write: catch up first
                self._generation = lock.generation
                self._daily_backup()
                replay_journal(self)
                self.set_aside += merge_conflicts(self)
                yield

    def _daily_backup(self) -> None:
        day = self._today().isoformat()
        if self._backup_day == day:
            return
        try:
            backup_mod.take_daily(self.locations.backups, day, self.files())
        except OSError as exc:  # a missed backup must not stop a save
            self.backup_error = exc
            return
        self.backup_error = None
        self._backup_day = day

    def _sync(self) -> bool:
        """Reload what changed on disk since we last read or wrote it. True when anything did."""
        changed = False
        loc = self.locations
        path = meta_path(loc)
        token = file_token(path)
        if token is not None and token != self._meta_token:
            try:
                data, token = read_json(path)
                parse_meta(path, data)
            except Unreadable as exc:
                raise self._corrupt(exc) from None
            except FileNotFoundError:
                token = None
            self._meta_token = token

        path = loc.settings
        token = file_token(path)
        if token != self._settings_token:
            if token is None:
                self._settings = Settings()
            else:
                try:
                    data, token = read_json(path, follow=True)
                    self._settings = parse_settings(path, data)
                except Unreadable as exc:
                    raise self._corrupt(exc) from None
                except FileNotFoundError:
                    token, self._settings = None, Settings()
            self._settings_token = token

        if self._replica.sync():
            self._shards.set_overlay(self._replica.overlay())
            changed = True

        on_disk, odd = shard_entries(loc.data)
        kinds: dict[str, str] = {}
        for key, st in odd.items():  # a month that is a link, a pipe, a folder: never opened
            path = loc.data / shard_name(key)
            if self._shards.is_own(key):  # this device's own: never left out, never replaced
                raise self._corrupt(Unreadable(path, not_regular(path)))
            kinds[key] = (
                f"it is {kind_of(st.st_mode)}, not a regular file"  # another device's: left out, said
            )
        return self._shards.sync(on_disk, kinds) or changed

    def _corrupt(self, exc: Unreadable) -> StoreCorrupt:
        return corrupt_error(self.locations, exc)

    # -- what the store's parts reach (merging.MergeTarget, conflicts.ConflictTarget, synccheck, readonly) ---------

    @property
    def replica(self) -> Replica:
        """Every device's events, usual-pain and pain records (replica.py)."""
        return self._replica

    @property
    def shards(self) -> Shards:
        """Every device's month files (shards.py)."""
        return self._shards

    @property
    def write_bytes(self) -> WriteBytes:
        """How this store writes a file's bytes (a test may swap it to fail a write)."""
        return self._write_bytes


__all__ = [
    "MergeReport",
    "SessionConflict",
    "Store",
    "parse_meta",
    "parse_settings",
    "parse_shard",
]  # parse_*: see validate.py
