"""Sessions out of records the column check proved (validate.document_ok), built a field at a time.

Session.from_dict reads one record with a Python call per value: a get, an int() or a float(), an enum
lookup. For records already proven against the declaration every value has its declared type, so those
int(), str() and bool() are the identity; what is left (instants and days parsed, seconds made floats, enum
members looked up) runs here as one C-level pass per field across all records (map over a column), and each
object is made by its own class, called with its fields in order. Only for proven records: anything else goes
through Session.from_dict, which checks as it reads. A test holds the two equal, field by field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from itertools import chain, islice, repeat
from operator import itemgetter
from typing import Any, TypeVar

from tracker.exchange.format import CHECKIN_KEYS, HURT_KEYS, PRESCRIPTION_KEYS, SESSION_KEYS, STEP_KEYS
from tracker.model import CheckIn, HurtAt, Prescription, Session, StepResult
from tracker.model.enums import Felt, Phase, Side, Stability

_T = TypeVar("_T")

# Each enum's members by value (and null as None where the field may be null): what member() finds.
_SIDE = {m.value: m for m in Side}.__getitem__
_PHASE = {m.value: m for m in Phase}.__getitem__
_STABLE_BY_VALUE: dict[str | None, Stability | None] = {None: None, **{m.value: m for m in Stability}}
_FELT_BY_VALUE: dict[str | None, Felt | None] = {None: None, **{m.value: m for m in Felt}}
_STABLE = _STABLE_BY_VALUE.__getitem__
_FELT = _FELT_BY_VALUE.__getitem__


def _columns(records: Sequence[Any], keys: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """The values of `keys` across `records`, one tuple per key (a KeyError if one is missing)."""
    if not records:
        return [() for _ in keys]
    return list(zip(*map(itemgetter(*keys), records), strict=True))


def _or_none(values: Sequence[Any], make: Callable[[list[Any]], list[_T]]) -> Iterable[_T | None]:
    """make() of the values that are not null, each back in its place among the nulls."""
    present = [value for value in values if value is not None]
    if len(present) == len(values):
        return make(present)
    if not present:
        return repeat(None, len(values))
    built = iter(make(present))
    return [None if value is None else next(built) for value in values]


def _steps(records: list[Any]) -> list[StepResult]:
    (index, pose, side, planned, done, raise_counts, lower_counts, hold, seconds, skipped, completed) = (
        _columns(records, STEP_KEYS)
    )
    answers: Iterable[str | None] = repeat(None)
    keys: Iterable[str] = repeat("")
    if any(len(record) != len(STEP_KEYS) for record in records):  # answered: both or neither (proven)
        answers = map(dict.get, records, repeat("answer"))
        keys = map(dict.get, records, repeat("question_key"), repeat(""))
    return list(
        map(
            StepResult,
            index,
            pose,
            map(_SIDE, side),
            planned,
            done,
            raise_counts,
            lower_counts,
            map(float, hold),
            map(float, seconds),
            skipped,
            completed,
            answers,
            keys,
        )
    )


def _checkins(records: list[Any]) -> list[CheckIn]:
    before, after, stable, felt, note = _columns(records, CHECKIN_KEYS)
    return list(map(CheckIn, before, after, map(_STABLE, stable), map(_FELT, felt), note))


def _hurts(records: list[Any]) -> list[HurtAt]:
    step, pose, side, rep, phase = _columns(records, HURT_KEYS)
    return list(map(HurtAt, step, pose, map(_SIDE, side), rep, map(_PHASE, phase)))


def _prescriptions(records: list[Any]) -> list[Prescription]:
    lifts, count, hold = _columns(records, PRESCRIPTION_KEYS)
    return list(map(Prescription, lifts, count, hold))


def proven_sessions(records: list[Any]) -> list[Session]:
    """Session.from_dict of each record, for records validate.document_ok proved (all of a document's)."""
    (ids, routines, starts, zones, days, durations, completed, hurt, hurt_at, checkins, prescriptions,
     steps, origins) = _columns(records, SESSION_KEYS)  # fmt: skip
    made = iter(_steps(list(chain.from_iterable(steps))))
    return list(
        map(
            Session,
            ids,
            routines,
            map(datetime.fromisoformat, starts),
            zones,
            map(date.fromisoformat, days),
            map(float, durations),
            completed,
            hurt,
            _or_none(hurt_at, _hurts),
            _checkins(list(checkins)),
            _or_none(prescriptions, _prescriptions),
            map(tuple, map(islice, repeat(made), map(len, steps))),
            origins,
        )
    )
