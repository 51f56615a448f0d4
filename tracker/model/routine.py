"""Content records: holds, poses, observations, steps and routines (what tracker.content loads)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.model.enums import HoldUnit, Side, StepKind
from tracker.model.figure import Figure


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
class Stage:
    """A cue given partway through a hold: `after` the hold has run this long (format v2)."""

    after: Hold
    cue: str


PROP_IDS = ("mat", "strap", "block", "blanket", "bolster", "chair", "wall")  # the shipped list (format v2)


@dataclass(frozen=True, slots=True)
class Prop:
    """A prop to have at hand: an id from PROP_IDS, how many, and whether it is optional."""

    id: str
    count: int = 1
    optional: bool = False

    def describe(self) -> str:
        """ "2 blocks", "a strap", "a blanket (optional)"; a v1 free-text prop (no known id) as written."""
        if self.id not in PROP_IDS:
            return self.id
        name = self.id if self.count == 1 else f"{self.count} {self.id}s"
        if self.count == 1:
            name = f"a {name}"
        return f"{name} (optional)" if self.optional else name


_COUNTED = re.compile(r"^(?:(\d+)\s+)?([a-z]+?)s?(\s*\(optional\))?$")


def parse_prop(text: str) -> Prop:
    """A v1 free-text prop read best-effort: "2 blocks" -> Prop("block", 2); unknown text kept as its id."""
    match = _COUNTED.match(text.strip().lower())
    if match and match.group(2) in PROP_IDS:
        return Prop(match.group(2), int(match.group(1) or 1), bool(match.group(3)))
    return Prop(text.strip())


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
    figure: Figure | None = None  # the drawn body (content/FORMAT.md "Figures"); None in an old user file

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

    Format v2: `first_side` is the side a two-sided step starts on;
    `alternate` (sides = "alternate" in a file) changes side every rep,
    starting on `first_side`; consecutive steps with the same `sequence`
    name run together on the first side, then together on the other;
    `stages` are cues given partway through each hold.
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
    first_side: Side = Side.LEFT  # LEFT or RIGHT: where a two-sided or alternating step starts
    alternate: bool = False  # change side every rep (sides = "alternate")
    sequence: str = ""  # steps sharing this name, in a row, run on one side then the other
    stages: tuple[Stage, ...] = ()  # cues partway through each hold, in order


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
    kit: tuple[Prop, ...] = ()  # the props as records (format v2; parsed best-effort from v1 text)
    room: str = ""  # the floor space the routine needs, in words
    notes: tuple[str, ...] = ()  # what the routine changes from its source, and why
    format: int = 1

    def props_at_hand(self) -> tuple[Prop, ...]:
        """The props as records: `kit` when the file gave them (v2), else `props` read best-effort."""
        return self.kit or tuple(parse_prop(text) for text in self.props)
