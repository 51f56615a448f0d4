"""The small vocabularies every layer shares: sides, phases, step kinds, hold units, check-in answers."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

_E = TypeVar("_E", bound=StrEnum)


def member(cls: type[_E], value: object) -> _E:
    """`cls(value)`, with the common case (an exact value) looked up directly: from_dict runs per step."""
    try:
        return cls._value2member_map_[value]  # type: ignore[return-value]
    except (KeyError, TypeError):  # anything else, including the errors: exactly what cls(value) does
        return cls(value)  # type: ignore[arg-type]  # not a str: cls raises its own ValueError


class Side(StrEnum):
    """Which side(s) a step is done on."""

    NONE = "none"  # symmetrical pose, done once
    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"  # done on the left, then on the right


class Phase(StrEnum):
    """What the person is doing right now; what the runner shows in words."""

    RAISE = "raise"
    LOWER = "lower"
    HOLD = "hold"
    BREATHE = "breathe"
    FLOW = "flow"
    REST = "rest"
    OBSERVE = "observe"


class StepKind(StrEnum):
    """How a step is timed."""

    REPS = "reps"  # counted reps: raise for N counts, optional hold, lower for N counts
    HOLD = "hold"  # one static hold (counts, breaths or seconds), maybe repeated
    FLOW = "flow"  # a fluid movement for a duration in seconds
    REST = "rest"  # lying still for a duration in seconds
    OBSERVE = "observe"  # a question the person answers (before/after observation)


class HoldUnit(StrEnum):
    COUNTS = "counts"
    BREATHS = "breaths"
    SECONDS = "seconds"


class Stability(StrEnum):
    YES = "yes"
    NO = "no"
    UNSURE = "unsure"


class Felt(StrEnum):
    EASY = "easy"
    RIGHT = "right"
    HARD = "hard"
