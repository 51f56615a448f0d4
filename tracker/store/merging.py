"""Store.merge (an import, or the sessions of a conflict copy): all or nothing, through a redo journal.

Moved out of core.py (which keeps the public method) when the device layout
of issue 18 made room short there. The new sessions go into this device's
month files; a session whose id was deleted (a tombstone) is kept deleted
unless `revive` asks to bring it back (an import the person asked for does:
it records an edit event, so every device brings it back too). A delete
hides a session, it does not take it out of the month file of the device
that logged it: bringing back such an id is only the event, never a second
copy of it (which would be the same id twice in one file: issue 24).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from tracker.model import PainRecord, Session, UsualPain
from tracker.store.errors import StoreWriteError
from tracker.store.journal import journal_payload, read_journal, read_journal_pains, remove_journal
from tracker.store.migrations import journal_path, shard_key
from tracker.store.storage import Unreadable, atomic_write
from tracker.store.validate import corrupt_error

if TYPE_CHECKING:
    from tracker.files import WriteBytes
    from tracker.paths import Locations
    from tracker.store.replica import Replica
    from tracker.store.shards import Shards


class MergeTarget(Protocol):
    """The store as a merge writes to it (Store meets it; the caller holds the write transaction)."""

    @property
    def locations(self) -> Locations: ...

    @property
    def replica(self) -> Replica: ...

    @property
    def shards(self) -> Shards: ...

    @property
    def write_bytes(self) -> WriteBytes: ...

    def get(self, session_id: str) -> Session | None: ...

    def usual_pain(self) -> list[UsualPain]: ...


__all__ = ["MergeReport", "merge", "replay_journal"]


@dataclass(frozen=True)
class MergeReport:
    """What Store.merge did: a conflict is an id already saved with different content (kept as saved)."""

    added: int = 0
    already_present: int = 0
    conflicts: int = 0
    added_ids: tuple[str, ...] = ()
    conflict_ids: tuple[str, ...] = ()
    usual_pain_added: int = 0
    pain_records_added: int = 0


def merge(
    store: MergeTarget,
    sessions: Sequence[Session],
    usual_pain: Sequence[UsualPain],
    *,
    revive: bool,
    pain_records: Sequence[PainRecord] = (),
) -> MergeReport:
    """See Store.merge; the caller holds the write transaction."""
    by_month, present, conflicts = classify(store, sessions, revive=revive)
    new = [s for key in sorted(by_month) for s in by_month[key]]
    known = {r.id for r in store.usual_pain()}
    new_usual = [r for r in dict((r.id, r) for r in usual_pain).values() if r.id not in known]
    known_pains = {r.id for r in store.replica.pain_records()}
    new_pains = [r for r in dict((r.id, r) for r in pain_records).values() if r.id not in known_pains]
    if new or new_usual or new_pains:
        journal = journal_path(store.locations)
        atomic_write(journal, journal_payload(new, new_usual, new_pains), store.write_bytes)
        store.replica.add_usual(new_usual)
        store.replica.add_pains(new_pains)
        apply(store, by_month)
        remove_journal(journal)
    return MergeReport(
        usual_pain_added=len(new_usual),
        pain_records_added=len(new_pains),
        added=len(new),
        already_present=present,
        conflicts=len(conflicts),
        added_ids=tuple(s.id for s in new),
        conflict_ids=tuple(conflicts),
    )


def classify(
    store: MergeTarget, sessions: Sequence[Session], *, revive: bool
) -> tuple[dict[str, list[Session]], int, list[str]]:
    """Split incoming sessions into new ones by month, identical ones and conflicting ids."""
    by_month: dict[str, list[Session]] = {}
    incoming: dict[str, dict[str, object]] = {}
    present = 0
    conflicts: list[str] = []
    overlay = store.shards.overlay
    for session in sessions:
        as_dict = session.to_dict()
        saved = store.get(session.id)
        earlier = incoming.get(session.id)
        reference = saved.to_dict() if saved is not None else earlier
        if reference is None and not revive and session.id in overlay:
            present += 1  # deleted on some device: the delete stands
            continue
        if reference is not None:
            if reference == as_dict:
                present += 1
            else:
                conflicts.append(session.id)
            continue
        incoming[session.id] = as_dict
        by_month.setdefault(shard_key(session.local_date), []).append(session)
    return by_month, present, conflicts


def apply(store: MergeTarget, by_month: Mapping[str, Sequence[Session]]) -> None:
    shards = store.shards
    revived = [s for key in sorted(by_month) for s in by_month[key] if s.id in shards.overlay]
    hidden = {s.id for s in revived if shards.holding(s.id)}  # deleted, but a month file still holds it:
    by_month = {  # restoring it is an edit event (below), never a second copy (the same id twice in one file)
        key: kept for key in by_month if (kept := [s for s in by_month[key] if s.id not in hidden])
    }
    total = sum(len(v) for v in by_month.values())
    written = 0
    for key in sorted(by_month):
        try:
            shards.insert(shards.own_key(key), by_month[key])
        except StoreWriteError as exc:
            raise StoreWriteError(
                f"{exc} {written} of {total} new sessions were written; the rest are kept in "
                f"{journal_path(store.locations).name} and are saved the next time the history is opened "
                "with room to write.",
                path=exc.path,
                errno=exc.errno,
            ) from exc
        written += len(by_month[key])
    for session in revived:  # an id some device deleted, brought back on purpose: tell every device
        store.replica.record("edit", session.id, session.to_dict())
    if revived:
        shards.set_overlay(store.replica.overlay())


def replay_journal(store: MergeTarget) -> None:
    """Finish an import cut short by a kill or a failed write (see Store.merge)."""
    journal = journal_path(store.locations)
    if not journal.exists():
        return
    try:
        pending, pending_usual = read_journal(journal)
        pending_pains = read_journal_pains(journal)
    except Unreadable as exc:
        raise corrupt_error(store.locations, exc) from None
    except FileNotFoundError:
        return
    by_month, _, _ = classify(store, pending, revive=True)
    store.replica.add_usual(pending_usual)
    store.replica.add_pains(pending_pains)
    apply(store, by_month)
    remove_journal(journal)
