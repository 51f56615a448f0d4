"""History records: a saved Session with its step results, hurt stop and check-in; the usual-pain and pain records."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NotRequired, TypedDict

from tracker.model.enums import Felt, Phase, Side, Stability, member
from tracker.model.program import Prescription

# The JSON shapes the records write (exchange/format.py declares the export's). Read back through from_dict,
# which takes any mapping: what it reads was validated, or is ours.


class StepResultJson(TypedDict):
    index: int
    pose: str
    side: str
    reps_planned: int
    reps_done: int
    raise_counts: int
    lower_counts: int
    hold_seconds: float
    seconds: float
    skipped: bool
    completed: bool
    answer: NotRequired[str]
    question_key: NotRequired[str]


class HurtAtJson(TypedDict):
    step: int
    pose: str
    side: str
    rep: int
    phase: str


class CheckInJson(TypedDict):
    pain_before: int | None
    pain_after: int | None
    stable: str | None
    felt: str | None
    note: str


class PainJson(TypedDict):
    """A usual-pain record and a pain record: the same five fields."""

    id: str
    date: str
    value: int
    note: str
    recorded_at: str | None


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

    def to_dict(self) -> StepResultJson:
        data: StepResultJson = {
            "index": self.index,
            "pose": self.pose,
            "side": self.side._value_,  # the member's own value: .value is a property, a Python call per read
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
            member(Side, get("side", "none")),
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

    def to_dict(self) -> HurtAtJson:
        return {
            "step": self.step,
            "pose": self.pose,
            "side": self.side._value_,
            "rep": self.rep,
            "phase": self.phase._value_,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HurtAt:
        return cls(
            int(data["step"]), str(data["pose"]), Side(data["side"]), int(data["rep"]), Phase(data["phase"])
        )


@dataclass(frozen=True, slots=True)
class CheckIn:
    """The optional answers after a session."""

    pain_before: int | None = None  # 0..10
    pain_after: int | None = None  # 0..10
    stable: Stability | None = None
    felt: Felt | None = None
    note: str = ""

    def to_dict(self) -> CheckInJson:
        return {
            "pain_before": self.pain_before,
            "pain_after": self.pain_after,
            "stable": self.stable._value_ if self.stable else None,
            "felt": self.felt._value_ if self.felt else None,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CheckIn:
        def pain(value: int | None) -> int | None:
            return None if value is None else int(value)

        get = data.get
        stable = get("stable")
        felt = get("felt")
        return cls(
            pain(get("pain_before")),
            pain(get("pain_after")),
            member(Stability, stable) if stable else None,
            member(Felt, felt) if felt else None,
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

    def to_dict(self) -> PainJson:
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
        return cls(
            str(data["id"]), date.fromisoformat(data["date"]), value, str(data.get("note") or ""), moment
        )


PAIN_NOTE_MAX = 500  # characters of a pain record's note


@dataclass(frozen=True, slots=True)
class PainRecord:
    """A dated pain score (0-10) given without practising ("How is your back today?", `backroll pain N`).

    Read as the first pain score of its day (practice-rules.md, "The day after"): the 24-hour
    response to the day before, and the weekly trend. Never practice: no streak, no practice day.
    Records are only ever added; kept with the history, exported and imported by `id`.
    """

    id: str  # UUID4 string
    day: date  # the local date it is about
    value: int  # 0..10
    note: str = ""
    recorded_at: datetime | None = None  # aware; when it was given

    @staticmethod
    def new_id() -> str:
        return Session.new_id()

    def to_dict(self) -> PainJson:
        return {
            "id": self.id,
            "date": self.day.isoformat(),
            "value": self.value,
            "note": self.note,
            "recorded_at": self.recorded_at.isoformat() if self.recorded_at else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PainRecord:
        value = data["value"]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
            raise ValueError(f"a pain score must be a whole number from 0 to 10, not {value!r}")
        note = data.get("note") or ""
        if not isinstance(note, str) or len(note) > PAIN_NOTE_MAX:
            raise ValueError(f"a pain record's note must be text of at most {PAIN_NOTE_MAX} characters")
        recorded = data.get("recorded_at")
        moment = datetime.fromisoformat(recorded) if recorded else None
        if moment is not None and moment.tzinfo is None:
            raise ValueError("recorded_at must carry a UTC offset")
        return cls(str(data["id"]), date.fromisoformat(data["date"]), value, note, moment)


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
        """A random (version 4) UUID as text, as `str(uuid.uuid4())` gives it: made here from 16 random
        bytes because the uuid module imports platform, ~2 ms of every `log` for one id."""
        raw = bytearray(os.urandom(16))
        raw[6] = raw[6] & 0x0F | 0x40  # version 4
        raw[8] = raw[8] & 0x3F | 0x80  # the RFC 4122 variant
        h = raw.hex()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def to_dict(self) -> dict[str, Any]:  # the store keeps it as a plain dict (its events, its merges)
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
            "steps": list(map(StepResult.to_dict, self.steps)),
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
