"""A file of the person's own records that are only ever added and merged by id: the usual-pain
records (usual.py) and the pain records (painrecords.py) share this one shape,
`{"format": FORMAT, "records": [record.to_dict(), ...]}`, and this one reader.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

from tracker.store.storage import Unreadable

__all__ = ["parse_records"]


class _Record(Protocol):
    @property
    def id(self) -> str: ...


R = TypeVar("R", bound=_Record)


def parse_records(
    path: Path,
    data: object,
    *,
    fmt: str,
    kind: str,
    from_dict: Callable[[dict[str, object]], R],
    order: Callable[[R], SupportsRichComparison],
) -> list[R]:
    """The records of a parsed file (`kind` names one in a message), each id once, in `order`;
    Unreadable on any wrong shape."""
    if not isinstance(data, dict) or data.get("format") != fmt or not isinstance(data.get("records"), list):
        raise Unreadable(path, f"it should be a JSON object with format {fmt!r} and a 'records' list")
    records: dict[str, R] = {}
    for i, item in enumerate(data["records"]):
        if not isinstance(item, dict):
            raise Unreadable(path, f"record {i} is not a JSON object")
        try:
            record = from_dict(item)
        except (KeyError, ValueError, TypeError) as exc:
            raise Unreadable(
                path, f"record {i} is not a valid {kind} ({type(exc).__name__}: {exc})"
            ) from None
        records[record.id] = record
    return sorted(records.values(), key=order)
