"""The redo journal of a merge (an import): what makes a multi-month import all or nothing.

`Store.merge` writes every new session and usual-pain record to
`data/merge-journal.json` in one atomic write (the commit point), then the
month files, then removes the journal. A kill or a failed write in between
leaves the journal, which the next open or write replays (merging by id is
idempotent, so a replay finishes the import exactly once).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from tracker.files import fsync_dir
from tracker.model import PainRecord, Session, UsualPain
from tracker.store.storage import Unreadable, dumps, read_json

JOURNAL_FORMAT = "backroll.merge-journal"

__all__ = ["JOURNAL_FORMAT", "journal_payload", "read_journal", "read_journal_pains", "remove_journal"]


def journal_payload(
    sessions: Sequence[Session], usual_pain: Sequence[UsualPain], pain_records: Sequence[PainRecord] = ()
) -> bytes:
    return dumps(
        {
            "format": JOURNAL_FORMAT,
            "sessions": [s.to_dict() for s in sessions],
            "usual_pain": [r.to_dict() for r in usual_pain],
            "pain_records": [r.to_dict() for r in pain_records],
        }
    )


def read_journal(path: Path) -> tuple[list[Session], list[UsualPain]]:
    """The pending sessions and records; Unreadable when the journal is damaged, FileNotFoundError when gone."""
    data, _ = read_json(path)
    if not isinstance(data, dict) or data.get("format") != JOURNAL_FORMAT:
        raise Unreadable(path, "it is not a Backroll import journal")
    try:
        sessions = [Session.from_dict(d) for d in data.get("sessions", [])]
        usual = [UsualPain.from_dict(d) for d in data.get("usual_pain", [])]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise Unreadable(path, f"a session in it is malformed ({exc})") from None
    return sessions, usual


def read_journal_pains(path: Path) -> list[PainRecord]:
    """The pending pain records (none in a journal written before they existed); errors as read_journal."""
    data, _ = read_json(path)
    if not isinstance(data, dict) or data.get("format") != JOURNAL_FORMAT:
        raise Unreadable(path, "it is not a Backroll import journal")
    try:
        return [PainRecord.from_dict(d) for d in data.get("pain_records", [])]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise Unreadable(path, f"a pain record in it is malformed ({exc})") from None


def remove_journal(path: Path) -> None:
    """The import is done: remove the journal, durably."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        return
    fsync_dir(path.parent)
