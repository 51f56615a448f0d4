"""`status` and Today from the last weeks of a long history: the months read in full, and the carry of the rest.

Streaks need only the practice days; the advice reads the sessions of the
last weeks and what each rule keeps of the years before (a
`tracker.practice.Carry`). The store's summary cache (tracker.store.summary)
keeps both, so the cost of `status` does not grow with the years:

- the **tail**: the months from the one holding the day 31 days before
  `today` on, read in full (without steps or notes);
- the **carry**: made once from the months before, grown by one month's
  sessions when the tail moves on, and made again from every month only
  when one of them, the rules, the program, the usual-pain records in
  force or the pain records dated before the tail change (its key).

The answer is the same as reading every session (tests/unit/test_carry.py
for the rules, tests/unit/test_store_summary.py through the store); anything
the carry cannot answer exactly (a tail session that started before a
carried one, after travel across the date line) returns None, and the
caller reads the whole history instead.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from tracker.model import PainRecord, Prescription, ProgressionRules, Session, Settings, UsualPain
from tracker.practice import Carry, FoldState
from tracker.store.summary import CarrySpec, read_summary, record_of, session_of

__all__ = ["CARRY_FORMAT", "Quick", "decode", "encode", "read_quick", "tail_start"]

CARRY_FORMAT = 2  # bump when Carry or FoldState change: an old carry is then made again
TAIL_DAYS = 31  # the tail reaches back at least this far (the rules look back one week at most)

_DATES = frozenset({"painful_day", "since", "epoch", "consult_triggered", "run_day", "raised_on"})
_SESSIONS = frozenset({"last_program", "last_reported", "run_unsure"})


class Quick(NamedTuple):
    settings: Settings
    usual_pain: list[UsualPain]
    days: list[date]  # every practice day
    tail: list[Session]  # the sessions of the tail's months, without steps or notes
    carry: Carry
    pain_records: list[PainRecord]  # every device's, all dates


def tail_start(today: date) -> str:
    """The first month ("YYYY-MM") read in full for `today`."""
    return (today - timedelta(days=TAIL_DAYS)).strftime("%Y-%m")


def _in_force(usual: list[UsualPain], today: date) -> list[UsualPain]:
    return [r for r in usual if r.since <= today]


def _carried_pains(pains: list[PainRecord], today: date) -> list[PainRecord]:
    """The pain records the carry reads: those dated before the tail's first month (the day after of every
    carried day but the last, which the carry keeps whole in `recent`); later ones are read with the tail."""
    first = date.fromisoformat(tail_start(today) + "-01")
    return [r for r in pains if r.day < first]


def spec(rules: ProgressionRules, program_id: str, today: date) -> CarrySpec:
    def key(settings: Settings, usual: list[UsualPain], pains: list[PainRecord]) -> str:
        records = sorted(
            (r.id, r.since.isoformat(), r.value, r.recorded_at.isoformat() if r.recorded_at else "")
            for r in _in_force(usual, today)
        )
        scores = sorted(
            (r.id, r.day.isoformat(), r.value, r.recorded_at.isoformat() if r.recorded_at else "")
            for r in _carried_pains(pains, today)
        )
        text = json.dumps([CARRY_FORMAT, program_id, repr(rules), records, scores])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def make(sessions: list[Session], settings: Settings, usual: list[UsualPain], pains: list[PainRecord]) -> Any:
        return encode(Carry.of(sessions, rules, program_id, _in_force(usual, today), pain_records=_carried_pains(pains, today)))

    def extend(data: Any, sessions: list[Session], settings: Settings, usual: list[UsualPain], pains: list[PainRecord]) -> Any:
        try:
            base = decode(data)
            carried = _carried_pains(pains, today)
            return encode(Carry.of(sessions, rules, program_id, _in_force(usual, today), base=base, pain_records=carried))
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            return None  # made again from every month instead

    return CarrySpec(key, make, extend)


def read_quick(
    home: Path, today: date, rules: ProgressionRules, program_id: str, *, wait: float = 5.0, label: str | None = None
) -> Quick | None:
    """What status needs as of `today`, through the summary cache; None when the whole history must be read."""
    found = read_summary(home, tail_from=tail_start(today), carry=spec(rules, program_id, today), wait=wait, label=label)
    if found is None:
        return None
    try:
        carry = decode(found.carry)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None  # a carry this version cannot read: the whole history answers
    if carry.last_started is not None and found.tail and found.tail[0].started_at <= carry.last_started:
        return None  # a tail session started before a carried one: history order crosses the cut
    return Quick(found.settings, found.usual_pain, found.days, found.tail, carry, found.pain_records)


# --------------------------------------------------------------------------- the carry as JSON


def _value(value: Any) -> Any:
    if isinstance(value, Session):
        return record_of(value)
    if isinstance(value, Prescription):
        return [value.lifts, value.count, value.hold]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_value(v) for v in value]
    return value


def encode(carry: Carry) -> dict[str, Any]:
    state = {name: _value(getattr(carry.state, name)) for name in FoldState.__dataclass_fields__}
    return {
        "format": CARRY_FORMAT,
        "recent": [record_of(s) for s in carry.recent],
        "state": state,
        "floor": carry.floor.isoformat() if carry.floor else None,
        "last_started": carry.last_started.isoformat() if carry.last_started else None,
    }


def decode(data: Any) -> Carry:
    if not isinstance(data, dict) or data.get("format") != CARRY_FORMAT:
        raise ValueError("not a carry of this version")
    raw = data["state"]
    fields: dict[str, Any] = {}
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
