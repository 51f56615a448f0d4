"""Content records: holds, poses, observations, steps and routines (what tracker.content loads)."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.model.enums import HoldUnit, Side, StepKind


@dataclass(frozen=True, slots=True)
class Hold:
    """A duration expressed the way a teacher says it: 4 counts, 5 breaths, 60 seconds."""

    amount: float
    unit: HoldUnit = HoldUnit.COUNTS

    def seconds(self, tempo: float, breath_seconds: float) -> float:
        """Wall-clock length at the given tempo (seconds per count) and breath length."""
        if self.unit is HoldUnit.COUNTS:
            return self.amount * tempo
        if self.unit is HoldUnit.BREATHS:
            return self.amount * breath_seconds
        return float(self.amount)

    def describe(self) -> str:
        amount = int(self.amount) if float(self.amount).is_integer() else self.amount
        unit = self.unit.value
        if amount == 1:
            unit = unit.rstrip("s")
        return f"{amount} {unit}"


@dataclass(frozen=True, slots=True)
class Pose:
    id: str
    name: str
    sanskrit: str | None = None
    cues: tuple[str, ...] = ()
    props: tuple[str, ...] = ()
    modifications: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    muscles: tuple[str, ...] = ()  # tags: superficial, intermediate, deep, small-deep, core, hips, ...
    sided: bool = False  # True when the pose has a left and a right version
    advanced: bool = False  # never part of a default back-pain routine
    source: str = ""

    @property
    def cue(self) -> str:
        """The one-line cue the runner shows."""
        return self.cues[0] if self.cues else ""


@dataclass(frozen=True, slots=True)
class Observation:
    """A question asked during a routine, e.g. before and after pelvic tilts."""

    question: str
    choices: tuple[str, ...] = ()  # empty: free text
    key: str = ""  # stable id for the answer in the history, e.g. "space-before"


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a routine.

    - REPS: `reps` times: raise for `raise_counts`, hold `hold` (optional), lower for `lower_counts`.
    - HOLD: `reps` times a hold of `hold`, with `rest_between` seconds between.
    - FLOW / REST: `duration` seconds.
    - OBSERVE: asks `observe.question`; waits for an answer (or a skip).
    `sides` BOTH runs the whole step on the left then the right; the tighter
    side (from settings) gets `tighter_extra` added to each hold.
    `repeats` repeats the whole step (all sides) that many times.
    """

    pose: str
    kind: StepKind
    reps: int = 1
    raise_counts: int = 0
    lower_counts: int = 0
    hold: Hold | None = None
    duration: float = 0.0
    sides: Side = Side.NONE
    tighter_extra: Hold | None = None
    repeats: int = 1
    rest_between: float = 0.0
    observe: Observation | None = None
    cue: str = ""  # overrides the pose's first cue for this step
    title: str = ""  # overrides the pose's name for this step, e.g. "Child's pose (rest)"
    optional: bool = False  # skipped by default (e.g. an advanced pose)


@dataclass(frozen=True, slots=True)
class Routine:
    id: str
    name: str
    summary: str = ""
    source: str = ""
    steps: tuple[Step, ...] = ()
    repeats: int = 1  # the whole routine, e.g. a flow done three times
    props: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    next: str | None = None  # the routine to go on to (e.g. after the bridge program)
    program: str | None = None  # set for routines generated from a program
    origin: str = "builtin"  # "builtin" or the user file's path


