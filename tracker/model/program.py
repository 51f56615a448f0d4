"""The bridge program: a prescription (lifts, count, hold), the progression thresholds, and the program bound to them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from tracker.model.enums import HoldUnit, StepKind
from tracker.model.routine import Hold, Routine, Step
from tracker.model.words import plural

PROGRAM_ID = "bridge"  # the program the app leads with (content/programs/bridge.toml)


@dataclass(frozen=True, slots=True, order=True)
class Prescription:
    """What the bridge program asks for next: lifts per session, counts to raise and to lower, counts held at the top."""

    lifts: int
    count: int
    hold: int = 0

    def describe(self) -> str:
        text = f"{plural(self.lifts, 'lift')}, raise and lower to {self.count}"
        if self.hold:
            text += f", hold {plural(self.hold, 'count')}"
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
    pain_threshold: int = (
        1  # a pain score (after the session) at or above this, and above the usual pain, is pain
    )
    easy_sessions: int = 3  # "the last sessions felt easy": the last N bridge sessions all felt easy
    consult_clear_sessions: int = 3  # a consult stays until this many sessions in a row are not painful
    response_rise: int = 2  # the day after: a first pain score this much above the day's baseline is worse


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
    next_poses: tuple[
        str, ...
    ] = ()  # what the series goes on to once the program is done (the maintain advice)

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
