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
from tracker.store.storage import Unreadable

PREFIX = "pain-records"
FORMAT = "backroll.pain-records"

__all__ = ["FORMAT", "PREFIX", "order", "pain_records_document", "parse_pain_records"]


def order(record: PainRecord) -> tuple[str, float, str]:
    """Oldest day first; within a day, in the order they were given."""
    return (record.day.isoformat(), record.recorded_at.timestamp() if record.recorded_at else 0.0, record.id)


def parse_pain_records(path: Path, data: object) -> list[PainRecord]:
    """The records of a parsed file; Unreadable on any wrong shape."""
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or not isinstance(data.get("records"), list)
    ):
        raise Unreadable(path, f"it should be a JSON object with format {FORMAT!r} and a 'records' list")
    records: dict[str, PainRecord] = {}
    for i, item in enumerate(data["records"]):
        if not isinstance(item, dict):
            raise Unreadable(path, f"record {i} is not a JSON object")
        try:
            record = PainRecord.from_dict(item)
        except (KeyError, ValueError, TypeError) as exc:
            raise Unreadable(
                path, f"record {i} is not a valid pain record ({type(exc).__name__}: {exc})"
            ) from None
        records[record.id] = record
    return sorted(records.values(), key=order)


def pain_records_document(records: Iterable[PainRecord]) -> dict[str, object]:
    return {"format": FORMAT, "records": [r.to_dict() for r in sorted(records, key=order)]}
