"""The usual-pain records file: `data/usual-pain.json`.

`{"format": "backroll.usual-pain", "records": [UsualPain.to_dict(), ...]}`,
records sorted by (date, id). Records are only ever added (by `backroll
usual-pain`, Settings, or an import, merged by id), so a write is "read the
latest under the lock, add, replace atomically" and two processes cannot
lose each other's records. Read by the Store and by the status summary with
the same validation.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tracker.model import UsualPain
from tracker.store.storage import Unreadable

FILE_NAME = "usual-pain.json"
FORMAT = "backroll.usual-pain"


def usual_pain_path(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


def parse_usual_pain(path: Path, data: object) -> list[UsualPain]:
    """The records of a parsed file; Unreadable on any wrong shape."""
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or not isinstance(data.get("records"), list)
    ):
        raise Unreadable(path, f"it should be a JSON object with format {FORMAT!r} and a 'records' list")
    records: dict[str, UsualPain] = {}
    for i, item in enumerate(data["records"]):
        if not isinstance(item, dict):
            raise Unreadable(path, f"record {i} is not a JSON object")
        try:
            record = UsualPain.from_dict(item)
        except (KeyError, ValueError, TypeError) as exc:
            raise Unreadable(
                path, f"record {i} is not a valid usual-pain record ({type(exc).__name__}: {exc})"
            ) from None
        records[record.id] = record
    return sorted(records.values(), key=lambda r: (r.since, r.id))


def usual_pain_document(records: Iterable[UsualPain]) -> dict[str, object]:
    ordered = sorted(records, key=lambda r: (r.since, r.id))
    return {"format": FORMAT, "records": [r.to_dict() for r in ordered]}


__all__ = ["FILE_NAME", "FORMAT", "parse_usual_pain", "usual_pain_document", "usual_pain_path"]
