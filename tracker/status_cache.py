"""The service's status cache: `status` and Today through the store's summary cache, the carry kept as JSON.

The rules make the carry from records (tracker/quick.py, pure); the store
keeps it on disk with the months it was made from (tracker/store/summary.py,
which knows nothing of the rules). This module joins the two for the service:
the carry's key (made again when one of the months, the rules, the program,
the usual-pain records in force or the pain records dated before the tail
change), the carry as JSON (`encode`/`decode`), and `read_quick`. Anything
the carry cannot answer exactly (a tail session that started before a
carried one, after travel across the date line) returns None, and the
service reads the whole history instead.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tracker.model import PainRecord, Prescription, ProgressionRules, Session, Settings, UsualPain
from tracker.practice import Carry, FoldState
from tracker.quick import Quick, carried_pains, in_force, make_carry, tail_start
from tracker.store.summary import CarrySpec, read_summary, record_of, session_of

__all__ = ["CARRY_FORMAT", "decode", "encode", "read_quick", "spec"]

CARRY_FORMAT = 2  # bump when Carry or FoldState change: an old carry is then made again

_DATES = frozenset({"painful_day", "since", "epoch", "consult_triggered", "run_day", "raised_on"})
_SESSIONS = frozenset({"last_program", "last_reported", "run_unsure"})
_UNREADABLE = (ValueError, TypeError, KeyError, IndexError, AttributeError)


def spec(rules: ProgressionRules, program_id: str, today: date) -> CarrySpec:
    """How the summary cache keys, makes and grows the carry for these rules and this program as of `today`."""

    def key(settings: Settings, usual: list[UsualPain], pains: list[PainRecord]) -> str:
        records = sorted(
            (r.id, r.since.isoformat(), r.value, r.recorded_at.isoformat() if r.recorded_at else "")
            for r in in_force(usual, today)
        )
        scores = sorted(
            (r.id, r.day.isoformat(), r.value, r.recorded_at.isoformat() if r.recorded_at else "")
            for r in carried_pains(pains, today)
        )
        text = json.dumps([CARRY_FORMAT, program_id, repr(rules), records, scores])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def make(
        sessions: list[Session], settings: Settings, usual: list[UsualPain], pains: list[PainRecord]
    ) -> object:
        return encode(make_carry(sessions, rules, program_id, usual, pains, today))

    def extend(
        data: object,
        sessions: list[Session],
        settings: Settings,
        usual: list[UsualPain],
        pains: list[PainRecord],
    ) -> object:
        try:
            return encode(make_carry(sessions, rules, program_id, usual, pains, today, base=decode(data)))
        except _UNREADABLE:
            return None  # made again from every month instead

    return CarrySpec(key, make, extend)


def read_quick(
    home: Path,
    today: date,
    rules: ProgressionRules,
    program_id: str,
    *,
    wait: float = 5.0,
    label: str | None = None,
) -> Quick | None:
    """What status needs as of `today`, through the summary cache; None when the whole history must be read."""
    found = read_summary(
        home, tail_from=tail_start(today), carry=spec(rules, program_id, today), wait=wait, label=label
    )
    if found is None:
        return None
    try:
        carry = decode(found.carry)
    except _UNREADABLE:
        return None  # a carry this version cannot read: the whole history answers
    if carry.last_started is not None and found.tail and found.tail[0].started_at <= carry.last_started:
        return None  # a tail session started before a carried one: history order crosses the cut
    return Quick(
        found.settings, found.usual_pain, found.days, found.tail, carry, found.pain_records, found.ids
    )


# --------------------------------------------------------------------------- the carry as JSON


def _value(value: object) -> object:
    if isinstance(value, Session):
        return record_of(value)
    if isinstance(value, Prescription):
        return [value.lifts, value.count, value.hold]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_value(v) for v in value]
    return value


def encode(carry: Carry) -> dict[str, object]:
    state = {name: _value(getattr(carry.state, name)) for name in FoldState.__dataclass_fields__}
    return {
        "format": CARRY_FORMAT,
        "recent": [record_of(s) for s in carry.recent],
        "state": state,
        "floor": carry.floor.isoformat() if carry.floor else None,
        "last_started": carry.last_started.isoformat() if carry.last_started else None,
    }


def decode(data: object) -> Carry:
    if not isinstance(data, dict) or data.get("format") != CARRY_FORMAT:
        raise ValueError("not a carry of this version")
    raw = data["state"]
    fields: dict[str, Any] = {}  # JSON values read back into their fields
    for name in FoldState.__dataclass_fields__:
        value = raw[name]
        if value is None:
            fields[name] = None
        elif name in _DATES:
            fields[name] = date.fromisoformat(value)
        elif name in _SESSIONS:
            fields[name] = session_of(value)
        elif name in ("last_change", "consult_cap"):
            fields[name] = Prescription(*value)
        elif name == "ladder":
            fields[name] = tuple(Prescription(*p) for p in value)
        elif name in ("epoch_yes", "consult_pains"):
            fields[name] = tuple(bool(v) for v in value)
        else:
            fields[name] = value
    last = data["last_started"]
    return Carry(
        recent=tuple(session_of(r) for r in data["recent"]),
        state=FoldState(**fields),
        floor=date.fromisoformat(data["floor"]) if data["floor"] else None,
        last_started=datetime.fromisoformat(last) if last else None,
    )
