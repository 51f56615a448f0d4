"""The pain-records files: `data/pain-records.<device>.json` (practice-rules.md, "The day after").

`{"format": "backroll.pain-records", "records": [PainRecord.to_dict(), ...]}`,
records sorted by (date, id). Like the usual-pain file (usual.py): records
are only ever added (by `backroll pain`, the Today card, or an import,
merged by id), each device writes only its own file, and conflict copies
are merged by id (conflicts.py). Read by the Store and by the status
summary with the same validation.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tracker.model import PainRecord
from tracker.store.records import parse_records

PREFIX = "pain-records"
FORMAT = "backroll.pain-records"

__all__ = ["FORMAT", "PREFIX", "order", "pain_records_document", "parse_pain_records"]


def order(record: PainRecord) -> tuple[str, float, str]:
    """Oldest day first; within a day, in the order they were given."""
    return (record.day.isoformat(), record.recorded_at.timestamp() if record.recorded_at else 0.0, record.id)


def parse_pain_records(path: Path, data: object) -> list[PainRecord]:
    """The records of a parsed file; Unreadable on any wrong shape."""
    return parse_records(
        path, data, fmt=FORMAT, kind="pain record", from_dict=PainRecord.from_dict, order=order
    )


def pain_records_document(records: Iterable[PainRecord]) -> dict[str, object]:
    return {"format": FORMAT, "records": [r.to_dict() for r in sorted(records, key=order)]}
