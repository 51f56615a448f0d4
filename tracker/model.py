"""Typed records shared by content, runner, store and exchange.

One definition serves every layer: the content loader builds `Pose`,
`Step`, `Routine` and `Program`; the runner turns a `Routine` into
`StepResult`s; the store and the export keep `Session` through
`Session.to_dict()` / `Session.from_dict()`, so the file format and the
export format cannot drift apart.

No Textual here (see the import-linter contract in pyproject.toml).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Mapping, TypeVar

_E = TypeVar("_E", bound=StrEnum)


def _member(cls: type[_E], value: Any) -> _E:
    """`cls(value)`, with the common case (an exact value) looked up directly: from_dict runs per step."""
    try:
        return cls._value2member_map_[value]  # type: ignore[return-value]
    except (KeyError, TypeError):  # anything else, including the errors: exactly what cls(value) does
        return cls(value)


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


@dataclass(frozen=True, slots=True, order=True)
class Prescription:
    """What the bridge program asks for next: lifts per session, counts to raise and to lower, counts held at the top."""

    lifts: int
    count: int
    hold: int = 0

    def describe(self) -> str:
        text = f"{self.lifts} lift{'s' if self.lifts != 1 else ''}, raise and lower to {self.count}"
        if self.hold:
            text += f", hold {self.hold} counts"
        return text

    def to_dict(self) -> dict[str, int]:
        return {"lifts": self.lifts, "count": self.count, "hold": self.hold}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Prescription:
        return cls(int(data["lifts"]), int(data["count"]), int(data.get("hold", 0)))


@dataclass(frozen=True, slots=True)
class ProgressionRules:
    """Thresholds of the progression engine; defaults match practice-rules.md, the program file may override them."""

    start: Prescription = Prescription(2, 4, 0)
    first_week_lifts: int = 3  # lifts allowed in the first 7 days
    first_week_days: int = 7
    max_lifts: int = 8
    max_count: int = 8
    start_count: int = 4
    first_hold: int = 4
    max_hold: int = 8
    days_per_level: int = 7  # a full week at a level before advancing
    min_practice_days_per_week: int = 4
    pain_free_sessions: int = 3  # no pain in the last N sessions to advance
    easy_step: int = 2  # lifts added when the last sessions felt easy
    normal_step: int = 1
    stable_needed: int = 3  # stable in at least 3 ...
    stable_window: int = 4  # ... of the last 4 sessions
    pain_step_back: tuple[int, int] = (2, 3)  # pain in 2 of the last 3 sessions
    pain_consult: tuple[int, int] = (3, 5)  # pain in 3 of the last 5 sessions
    gap_step_back_days: int = 7
    gap_restart_days: int = 28
    pain_threshold: int = 1  # a pain score (after the session) at or above this, and above the usual pain, is pain
    easy_sessions: int = 3  # "the last sessions felt easy": the last N bridge sessions all felt easy
    consult_clear_sessions: int = 3  # a consult stays until this many sessions in a row are not painful


@dataclass(frozen=True, slots=True)
class Program:
    """The bridge program: a routine template bound to a Prescription, plus its rules."""

    id: str
    name: str
    summary: str
    source: str
    steps: tuple[Step, ...]  # templates; see ProgramStep binding in tracker.content
    # Per step: Step field name -> "lifts" | "count" | "hold"; plus "pose_if_hold" -> the pose
    # id used instead when the prescription holds (the back roll becomes a bridge hold).
    bindings: tuple[Mapping[str, str], ...]
    rules: ProgressionRules = ProgressionRules()
    next: str | None = None
    props: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    next_poses: tuple[str, ...] = ()  # what the series goes on to once the program is done (the maintain advice)

    def routine_for(self, prescription: Prescription) -> Routine:
        """The concrete routine for one session at this prescription."""
        values = prescription.to_dict()
        steps: list[Step] = []
        for step, binding in zip(self.steps, self.bindings):
            changes: dict[str, Any] = {}
            for field_name, key in binding.items():
                if field_name == "pose_if_hold":
                    if values["hold"]:
                        changes["pose"] = key
                    continue
                value = values[key]
                if field_name == "hold":
                    changes["hold"] = Hold(value, HoldUnit.COUNTS) if value else None
                else:
                    changes[field_name] = value
            bound = replace(step, **changes)
            if bound.kind is StepKind.REPS and bound.reps <= 0:
                continue
            steps.append(bound)
        return Routine(
            id=self.id,
            name=self.name,
            summary=f"{self.summary} Today: {prescription.describe()}.",
            source=self.source,
            steps=tuple(steps),
            props=self.props,
            cautions=self.cautions,
            next=self.next,
            program=self.id,
        )


@dataclass(frozen=True, slots=True)
class Settings:
    tempo: float = 1.0  # seconds per count
    breath_seconds: float = 5.0
    sound: bool = True
    voice: bool = False  # spoken cues through espeak-ng when present
    theme: str = "textual-dark"
    rest_weekdays: frozenset[int] = frozenset()  # 0 = Monday ... 6 = Sunday
    rest_days_per_week: int = 0  # an allowance instead of a fixed schedule
    tighter_side: Mapping[str, Side] = field(default_factory=dict)  # pose id -> LEFT/RIGHT
    safety_note_seen: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "tempo": self.tempo,
            "breath_seconds": self.breath_seconds,
            "sound": self.sound,
            "voice": self.voice,
            "theme": self.theme,
            "rest_weekdays": sorted(self.rest_weekdays),
            "rest_days_per_week": self.rest_days_per_week,
            "tighter_side": {k: Side(v).value for k, v in sorted(self.tighter_side.items())},
            "safety_note_seen": self.safety_note_seen,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Settings:
        default = cls()
        return cls(
            tempo=float(data.get("tempo", default.tempo)),
            breath_seconds=float(data.get("breath_seconds", default.breath_seconds)),
            sound=bool(data.get("sound", default.sound)),
            voice=bool(data.get("voice", default.voice)),
            theme=str(data.get("theme", default.theme)),
            rest_weekdays=frozenset(int(d) for d in data.get("rest_weekdays", ())),
            rest_days_per_week=int(data.get("rest_days_per_week", 0)),
            tighter_side={str(k): Side(v) for k, v in dict(data.get("tighter_side", {})).items()},
            safety_note_seen=bool(data.get("safety_note_seen", False)),
        )


@dataclass(frozen=True, slots=True)
class StepResult:
    """What happened in one step of a session."""

    index: int  # position in the routine
    pose: str
    side: Side = Side.NONE
    reps_planned: int = 0
    reps_done: int = 0
    raise_counts: int = 0
    lower_counts: int = 0
    hold_seconds: float = 0.0  # planned hold per rep, in seconds, at the tempo used
    seconds: float = 0.0  # time actually spent
    skipped: bool = False
    completed: bool = False
    answer: str | None = None  # observation answer
    question_key: str = ""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "index": self.index,
            "pose": self.pose,
            "side": self.side.value,
            "reps_planned": self.reps_planned,
            "reps_done": self.reps_done,
            "raise_counts": self.raise_counts,
            "lower_counts": self.lower_counts,
            "hold_seconds": round(self.hold_seconds, 3),
            "seconds": round(self.seconds, 3),
            "skipped": self.skipped,
            "completed": self.completed,
        }
        if self.answer is not None:
            data["answer"] = self.answer
            data["question_key"] = self.question_key
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StepResult:
        # Positional, in field order, with one bound get: the store reads every step of every session.
        get = data.get
        return cls(
            int(data["index"]),
            str(data["pose"]),
            _member(Side, get("side", "none")),
            int(get("reps_planned", 0)),
            int(get("reps_done", 0)),
            int(get("raise_counts", 0)),
            int(get("lower_counts", 0)),
            float(get("hold_seconds", 0.0)),
            float(get("seconds", 0.0)),
            bool(get("skipped", False)),
            bool(get("completed", False)),
            get("answer"),
            str(get("question_key", "")),
        )


@dataclass(frozen=True, slots=True)
class HurtAt:
    """Where a session was stopped because it hurt."""

    step: int
    pose: str
    side: Side
    rep: int
    phase: Phase

    def to_dict(self) -> dict[str, Any]:
        return {"step": self.step, "pose": self.pose, "side": self.side.value, "rep": self.rep, "phase": self.phase.value}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HurtAt:
        return cls(int(data["step"]), str(data["pose"]), Side(data["side"]), int(data["rep"]), Phase(data["phase"]))


@dataclass(frozen=True, slots=True)
class CheckIn:
    """The optional answers after a session."""

    pain_before: int | None = None  # 0..10
    pain_after: int | None = None  # 0..10
    stable: Stability | None = None
    felt: Felt | None = None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "pain_before": self.pain_before,
            "pain_after": self.pain_after,
            "stable": self.stable.value if self.stable else None,
            "felt": self.felt.value if self.felt else None,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CheckIn:
        def pain(value: Any) -> int | None:
            return None if value is None else int(value)

        get = data.get
        stable = get("stable")
        felt = get("felt")
        return cls(
            pain(get("pain_before")),
            pain(get("pain_after")),
            _member(Stability, stable) if stable else None,
            _member(Felt, felt) if felt else None,
            str(get("note") or ""),
        )


@dataclass(frozen=True, slots=True)
class UsualPain:
    """The person's usual pain (0-10), recorded after a trainer or doctor looked at their practice.

    From `since` on, a pain-after score at or below `value` does not make a
    session painful (practice-rules.md, "What counts as pain"). Records are
    only ever added; the one in force on a day is the latest dated on or
    before it. Kept with the history, exported and imported by `id`.
    """

    id: str  # UUID4 string
    since: date  # in force from this local date on
    value: int  # 0..10
    note: str = ""
    recorded_at: datetime | None = None  # aware; when it was entered

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "date": self.since.isoformat(),
            "value": self.value,
            "note": self.note,
            "recorded_at": self.recorded_at.isoformat() if self.recorded_at else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> UsualPain:
        value = data["value"]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
            raise ValueError(f"usual pain must be a whole number from 0 to 10, not {value!r}")
        recorded = data.get("recorded_at")
        moment = datetime.fromisoformat(recorded) if recorded else None
        if moment is not None and moment.tzinfo is None:
            raise ValueError("recorded_at must carry a UTC offset")
        return cls(str(data["id"]), date.fromisoformat(data["date"]), value, str(data.get("note") or ""), moment)


@dataclass(frozen=True, slots=True)
class Session:
    """One saved practice session: the unit of history, storage and export."""

    id: str  # UUID4 string; merges are by this id
    routine: str  # routine id
    started_at: datetime  # aware: carries the UTC offset where it started
    zone: str  # IANA zone name where it started, e.g. "Europe/Paris"
    local_date: date  # the practice day, fixed at the start; never re-derived
    duration: float = 0.0  # seconds
    completed: bool = False
    hurt: bool = False  # stopped because it hurt (still a practice day)
    hurt_at: HurtAt | None = None
    checkin: CheckIn = CheckIn()
    prescription: Prescription | None = None  # the bridge program's level used
    steps: tuple[StepResult, ...] = ()
    origin: str = "app"  # app | cli | import | demo

    @staticmethod
    def new_id() -> str:
        return str(uuid.uuid4())

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "routine": self.routine,
            "started_at": self.started_at.isoformat(),
            "zone": self.zone,
            "local_date": self.local_date.isoformat(),
            "duration": round(self.duration, 3),
            "completed": self.completed,
            "hurt": self.hurt,
            "hurt_at": self.hurt_at.to_dict() if self.hurt_at else None,
            "checkin": self.checkin.to_dict(),
            "prescription": self.prescription.to_dict() if self.prescription else None,
            "steps": [s.to_dict() for s in self.steps],
            "origin": self.origin,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Session:
        started = datetime.fromisoformat(data["started_at"])
        if started.tzinfo is None:
            raise ValueError("started_at must carry a UTC offset")
        get = data.get
        hurt_at = get("hurt_at")
        prescription = get("prescription")
        step = StepResult.from_dict
        # Positional, in field order (id, routine, started_at, zone, local_date, duration, completed,
        # hurt, hurt_at, checkin, prescription, steps, origin): the store reads 10,000s of these at open.
        return cls(
            str(data["id"]),
            str(data["routine"]),
            started,
            str(data["zone"]),
            date.fromisoformat(data["local_date"]),
            float(get("duration", 0.0)),
            bool(get("completed", False)),
            bool(get("hurt", False)),
            HurtAt.from_dict(hurt_at) if hurt_at else None,
            CheckIn.from_dict(get("checkin") or {}),
            Prescription.from_dict(prescription) if prescription else None,
            tuple([step(s) for s in get("steps", ())]),
            str(get("origin", "app")),
        )
