"""Sessions out of records the column check proved (validate.proven_document), built a field at a time.

Session.from_dict reads one record with a Python call per value: a get, an int() or a float(), an enum
lookup. For records already proven against the declaration every value has its declared type, so those
int(), str() and bool() are the identity, and the check has already taken each field's values out of the
records (Proof.columns) and parsed the instants and days (Proof.read). What is left (seconds made floats,
enum members looked up) runs as one C-level pass per field across all records (map over a column), and each
object is made by its own class, called with its fields in order. Only for proven records: anything else goes
through Session.from_dict, which checks as it reads. A test holds the two equal, field by field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import islice, repeat
from typing import Any, TypeVar

from tracker.exchange.validate import Proof
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


def _in_place(
    values: Sequence[Any], make: Callable[[Proof], list[_T]], proof: Proof | None
) -> Iterable[_T | None]:
    """The objects made of the records proven among `values` (those not null), each back in its place."""
    if proof is None or not proof.records:  # all null
        return repeat(None, len(values))
    made = make(proof)
    if len(made) == len(values):
        return made
    each = iter(made)
    return [None if value is None else next(each) for value in values]


def _steps(proof: Proof) -> list[StepResult]:
    records, c = proof.records, proof.columns
    if not records:
        return []
    answers: Iterable[str | None] = repeat(None)
    keys: Iterable[str] = repeat("")
    if set(map(len, records)) != {len(c)}:  # some answered: both keys, or neither (proven)
        answers = map(dict.get, records, repeat("answer"))
        keys = map(dict.get, records, repeat("question_key"), repeat(""))
    return list(
        map(
            StepResult,
            c["index"],
            c["pose"],
            map(_SIDE, c["side"]),
            c["reps_planned"],
            c["reps_done"],
            c["raise_counts"],
            c["lower_counts"],
            map(float, c["hold_seconds"]),
            map(float, c["seconds"]),
            c["skipped"],
            c["completed"],
            answers,
            keys,
        )
    )


def _checkins(proof: Proof) -> list[CheckIn]:
    c = proof.columns
    return list(
        map(
            CheckIn,
            c["pain_before"],
            c["pain_after"],
            map(_STABLE, c["stable"]),
            map(_FELT, c["felt"]),
            c["note"],
        )
    )


def _hurts(proof: Proof) -> list[HurtAt]:
    c = proof.columns
    return list(map(HurtAt, c["step"], c["pose"], map(_SIDE, c["side"]), c["rep"], map(_PHASE, c["phase"])))


def _prescriptions(proof: Proof) -> list[Prescription]:
    c = proof.columns
    return list(map(Prescription, c["lifts"], c["count"], c["hold"]))


def proven_sessions(proof: Proof) -> list[Session]:
    """Session.from_dict of each record validate.proven_document proved, from what it read of them."""
    if not proof.records:
        return []
    c, read = proof.columns, proof.read
    steps = iter(_steps(read["steps"]))
    return list(
        map(
            Session,
            c["id"],
            c["routine"],
            read["started_at"],
            c["zone"],
            read["local_date"],
            map(float, c["duration"]),
            c["completed"],
            c["hurt"],
            _in_place(c["hurt_at"], _hurts, read.get("hurt_at")),
            _checkins(read["checkin"]),
            _in_place(c["prescription"], _prescriptions, read.get("prescription")),
            map(tuple, map(islice, repeat(steps), map(len, c["steps"]))),
            c["origin"],
        )
    )
