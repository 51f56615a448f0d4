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
from datetime import date
from pathlib import Path

from tracker.model import UsualPain
from tracker.store.records import parse_records

FILE_NAME = "usual-pain.json"
FORMAT = "backroll.usual-pain"


def usual_pain_path(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


def parse_usual_pain(path: Path, data: object) -> list[UsualPain]:
    """The records of a parsed file; Unreadable on any wrong shape."""
    return parse_records(
        path, data, fmt=FORMAT, kind="usual-pain record", from_dict=UsualPain.from_dict, order=_order
    )


def _order(record: UsualPain) -> tuple[date, str]:
    return (record.since, record.id)


def usual_pain_document(records: Iterable[UsualPain]) -> dict[str, object]:
    ordered = sorted(records, key=_order)
    return {"format": FORMAT, "records": [r.to_dict() for r in ordered]}


__all__ = ["FILE_NAME", "FORMAT", "parse_usual_pain", "usual_pain_document", "usual_pain_path"]
