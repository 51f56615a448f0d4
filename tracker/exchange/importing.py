"""Import: validated sessions and usual-pain records out of a file, planned against the store, merged in one write."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Protocol

from tracker.exchange.build import proven_sessions
from tracker.exchange.format import (
    MAX_PROBLEMS,
    SESSION,
)
from tracker.exchange.reading import ImportRefused, parse_json, parse_plain, read_bytes_limited
from tracker.exchange.validate import (
    Proof,
    keys_and_colons,
    proven_document,
    session_problems,
    unproven,
    validate_document,
    validate_envelope,
)
from tracker.model import PainRecord, Session, UsualPain
from tracker.untrusted import repeats_no_key


class HistoryStore(Protocol):
    """What an import needs of the store (tracker.store.Store): the history read, one merge written."""

    def sessions(self) -> list[Session]: ...
    def get(self, session_id: str) -> Session | None: ...
    def usual_pain(self) -> list[UsualPain]: ...
    def pain_records(self) -> list[PainRecord]: ...
    def merge(
        self,
        sessions: Sequence[Session],
        usual_pain: Sequence[UsualPain] = (),
        *,
        pain_records: Sequence[PainRecord] = (),
    ) -> object: ...


Refusal = tuple[int, tuple[str, ...]]
"""One session an import leaves out: its index in the file and its problems, each with its JSON path."""


def sessions_from_document(doc: object) -> list[Session]:
    """Validated sessions of a parsed export, duplicates (same id, same content) folded.

    Raises ImportRefused when anything is wrong; then nothing may be written.
    """
    problems = validate_document(doc)
    if problems:
        raise ImportRefused(_refusal_sentence(problems), problems)
    assert isinstance(doc, dict)  # validated
    by_id: dict[str, Session] = {}
    first_index: dict[str, int] = {}
    for i, data in enumerate(doc["sessions"]):
        try:
            session = Session.from_dict(data)
        except (ValueError, KeyError, TypeError) as error:  # the validator should have caught it
            problems.append(f"sessions[{i}]: {error}")
            continue
        known = by_id.get(session.id)
        if known is None:
            by_id[session.id] = session
            first_index[session.id] = i
        elif known.to_dict() != session.to_dict():
            problems.append(
                f"sessions[{i}].id: {session.id} appears again with different content (first at sessions[{first_index[session.id]}])"
            )
    if problems:
        raise ImportRefused(_refusal_sentence(problems), problems[:MAX_PROBLEMS])
    return list(by_id.values())


def _refusal_sentence(problems: Sequence[str]) -> str:
    first = problems[0]
    if first.startswith("format:") or first.startswith("$:"):
        return "The file is not a Backroll history export; nothing was imported."
    if first.startswith("version:"):
        return "The file is a Backroll export of a version this Backroll cannot read; nothing was imported."
    n = len(problems)
    return f"The file has {n if n < MAX_PROBLEMS else 'many'} problem{'s' if n != 1 else ''}, so nothing was imported."


def usual_pain_from_document(doc: object) -> list[UsualPain]:
    """The usual-pain records of a validated export (none in a version 1 file), duplicates by id folded."""
    records: dict[str, UsualPain] = {}
    for data in doc.get("usual_pain", []) if isinstance(doc, dict) else []:
        record = UsualPain.from_dict(data)
        records.setdefault(record.id, record)
    return list(records.values())


def pain_records_from_document(doc: object) -> list[PainRecord]:
    """The pain records of a validated export (none before version 3), duplicates by id folded."""
    records: dict[str, PainRecord] = {}
    for data in doc.get("pain_records", []) if isinstance(doc, dict) else []:
        record = PainRecord.from_dict(data)
        records.setdefault(record.id, record)
    return list(records.values())


def valid_sessions(doc: object) -> tuple[list[Session], list[Refusal]]:
    """The valid sessions of a parsed export, and each refused one with its problems.

    ImportRefused when the file itself is wrong (not an export, another
    version, a bad usual-pain record...): then nothing is imported at all.
    One bad session does not block the others. Two sessions with one id and
    different content are both refused: neither can be told to be the right one.
    """
    problems = validate_envelope(doc)
    if problems:
        raise ImportRefused(_refusal_sentence(problems), problems)
    assert isinstance(doc, dict)  # validated
    records = doc["sessions"]
    refused = {
        i: found
        for i in unproven(records, SESSION)
        if (found := session_problems(records[i], f"sessions[{i}]"))
    }
    return _sessions_of(records, refused)


def _sessions_of(records: list[object], refused: dict[int, list[str]]) -> tuple[list[Session], list[Refusal]]:
    """The sessions of a file's records but those `refused` (index -> problems), duplicates folded: two
    with one id and different content are both refused."""
    good: dict[int, Session] = {}
    for i, data in enumerate(records):
        if i in refused:
            continue
        try:
            good[i] = Session.from_dict(data)  # type: ignore[arg-type]  # validated: a dict
        except (
            ValueError,
            KeyError,
            TypeError,
            OverflowError,
        ) as error:  # the validator should have caught it
            refused[i] = [f"sessions[{i}]: {error}"]
    return _folded(good, refused)


def _proven_sessions_of(proof: Proof) -> tuple[list[Session], list[Refusal]]:
    """_sessions_of for the sessions validate.proven_document proved: built a field at a time from what it read."""
    try:
        sessions = proven_sessions(proof)
    except (ValueError, KeyError, TypeError, OverflowError):
        # Cannot happen to proven records; if it did, each is read on its own and the one at fault named.
        return _sessions_of(list(proof.records), {})
    if len(set(map(_ID, sessions))) == len(sessions):  # no id twice: nothing to fold
        return sessions, []
    return _folded(dict(enumerate(sessions)), {})


_ID = attrgetter("id")


def _folded(good: dict[int, Session], refused: dict[int, list[str]]) -> tuple[list[Session], list[Refusal]]:
    """The sessions of `good` (index -> session) once each by id, but those `refused`; two with one id and
    different content are both refused."""
    first: dict[str, int] = {}
    for i, session in list(good.items()):
        j = first.setdefault(session.id, i)
        if j != i and good[j].to_dict() != session.to_dict():
            for k in (j, i):
                refused.setdefault(k, []).append(
                    f"sessions[{k}].id: {session.id} appears at sessions[{j}] and sessions[{i}] with different content"
                )
    by_id: dict[str, Session] = {}
    for i, session in good.items():
        if i not in refused:
            by_id.setdefault(session.id, session)
    return list(by_id.values()), [(i, tuple(p)) for i, p in sorted(refused.items())]


@dataclass(frozen=True)
class History:
    """What an export file holds: the valid sessions, the usual-pain records, and the sessions refused."""

    sessions: list[Session]
    usual_pain: list[UsualPain]
    refused: tuple[Refusal, ...] = ()
    pain_records: list[PainRecord] = field(default_factory=list)


def read_history(path: Path | str) -> History:
    """Read, parse and validate an export file.

    ImportRefused when the file is not a readable export; a file whose
    envelope is right keeps its valid sessions and lists the others in `refused`.
    """
    return parse_history(read_bytes_limited(path))


def parse_history(data: bytes) -> History:
    """read_history of a file's bytes.

    A well-formed file is read once, plainly, and proven valid a field at a time across all its records
    (validate.proven_document) and free of repeated keys by a count (untrusted.repeats_no_key); its sessions
    are made from the columns that proof read (exchange.build).
    Anything else, from a repeated key to one bad session, is read again by the strict parser and walked by
    the checker, which names every problem: the answer is the same either way.

    The cyclic garbage collector is held off meanwhile, then given back as it was. Parsed JSON and the
    records made of it hold no cycles (refcounts free them), but a file's worth of new containers sets off
    collections that walk the whole growing document again and again: about a fifth of an import of 10k
    sessions. It is given back only once the parsed document is freed (when _history returns), with nothing
    allocated after: a collection set off then would walk the whole document once more for nothing.
    """
    if not gc.isenabled():
        return _history(data)
    gc.disable()
    try:
        return _history(data)
    finally:
        gc.enable()


def _history(data: bytes) -> History:
    plain = parse_plain(data)
    proof = None if plain is None else proven_document(plain.doc)
    if plain is not None and proof is not None and repeats_no_key(plain.colons, *keys_and_colons(proof)):
        doc: object = plain.doc
        sessions, refused = _proven_sessions_of(proof.read["sessions"])
    else:
        plain = proof = None  # not held while the file is read again
        doc = parse_json(data)
        sessions, refused = valid_sessions(doc)
    return History(sessions, usual_pain_from_document(doc), tuple(refused), pain_records_from_document(doc))


def read_export(path: Path | str) -> list[Session]:
    """The sessions of an export file, all or nothing: ImportRefused on any problem."""
    history = read_history(path)
    if history.refused:
        problems = [p for _, found in history.refused for p in found]
        raise ImportRefused(_refusal_sentence(problems), problems[:MAX_PROBLEMS])
    return history.sessions


# --------------------------------------------------------------------------- import: merge


@dataclass
class ImportReport:
    """What an import did (or, with dry_run, would do)."""

    added: list[Session] = field(default_factory=list)
    present: list[Session] = field(default_factory=list)  # same id, same content: nothing to do
    rejected: list[tuple[Session, str]] = field(default_factory=list)  # conflicts, with the reason
    dry_run: bool = False
    invalid: int = (
        0  # records of the file that failed validation (read_history's History.refused), never merged
    )
    usual_pain_added: list[UsualPain] = field(default_factory=list)
    pain_records_added: list[PainRecord] = field(default_factory=list)

    def summary(self) -> str:
        verb = "would add" if self.dry_run else "added"
        text = (
            f"{verb} {len(self.added)} session{'s' if len(self.added) != 1 else ''}, "
            f"{len(self.present)} already present, {len(self.rejected) + self.invalid} rejected"
        )  # one count of what was not taken, conflicts and invalid records alike: each is named on its own line
        if self.usual_pain_added:
            n = len(self.usual_pain_added)
            text += f"; {verb} {n} usual-pain record{'s' if n != 1 else ''}"
        if self.pain_records_added:
            n = len(self.pain_records_added)
            text += f"; {verb} {n} pain record{'s' if n != 1 else ''}"
        return text

    def to_json_dict(self) -> dict[str, object]:
        return {
            "dry_run": self.dry_run,
            "added": [s.id for s in self.added],
            "already_present": [s.id for s in self.present],
            "rejected": [{"id": s.id, "reason": reason} for s, reason in self.rejected],
            "usual_pain_added": [r.id for r in self.usual_pain_added],
            "pain_records_added": [r.id for r in self.pain_records_added],
        }


def _differences(a: Mapping[str, object], b: Mapping[str, object]) -> list[str]:
    return [key for key in a.keys() | b.keys() if a.get(key) != b.get(key)]


def plan_import(existing: Mapping[str, Session], incoming: Iterable[Session]) -> ImportReport:
    """Classify incoming sessions against the stored ones by UUID."""
    report = ImportReport()
    for session in incoming:
        known = existing.get(session.id)
        if known is None:
            report.added.append(session)
            continue
        mine, theirs = known.to_dict(), session.to_dict()
        if mine == theirs:
            report.present.append(session)
        else:
            fields = ", ".join(sorted(_differences(mine, theirs)))
            report.rejected.append(
                (
                    session,
                    f"a session with this id is already stored with a different {fields}; kept the stored one",
                )
            )
    return report


def import_sessions(
    store: HistoryStore,
    sessions: Sequence[Session],
    *,
    dry_run: bool = False,
    usual_pain: Sequence[UsualPain] = (),
    pain_records: Sequence[PainRecord] = (),
) -> ImportReport:
    """Merge validated sessions (and usual-pain records) into `store` (a tracker.store.Store) in one write."""
    existing = {s.id: s for s in store.sessions()}
    report = plan_import(existing, sessions)
    report.dry_run = dry_run
    known_usual = {r.id for r in store.usual_pain()}
    report.usual_pain_added = [r for r in usual_pain if r.id not in known_usual]
    known_pains = {r.id for r in store.pain_records()}
    report.pain_records_added = [r for r in pain_records if r.id not in known_pains]
    if (report.added or report.usual_pain_added or report.pain_records_added) and not dry_run:
        merged = store.merge(report.added, report.usual_pain_added, pain_records=report.pain_records_added)
        done = set(getattr(merged, "added_ids", ())) if hasattr(merged, "added_ids") else None
        if done is not None and len(done) != len(report.added):
            # Another process saved some of these ids between our check and the write.
            late = [s for s in report.added if s.id not in done]
            report.added = [s for s in report.added if s.id in done]
            again = plan_import({s.id: known for s in late if (known := store.get(s.id)) is not None}, late)
            report.present.extend(again.present)
            report.rejected.extend(again.rejected)
    return report
