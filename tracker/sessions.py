"""Assembling a Session: the one place a session record is built (the app, `backroll log`, the demo).

`build_session` stamps the id, zone and practice day (the start instant's own
local date, never re-derived); `planned_results` are a routine's results run
as planned (tracker.plan); `derive_prescription` reads the bridge level back
from a routine the program generated.

No Textual here (see the import-linter contract in pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from tracker.model import (
    CheckIn,
    HoldUnit,
    HurtAt,
    Prescription,
    Program,
    Routine,
    Session,
    Settings,
    StepResult,
)

if TYPE_CHECKING:
    from tracker.content import Library

__all__ = ["at_local", "build_session", "derive_prescription", "planned_results"]


def build_session(
    routine: Routine,
    *,
    started_at: datetime,
    zone: str,
    steps: Sequence[StepResult] = (),
    duration: float = 0.0,
    completed: bool = True,
    hurt: bool = False,
    hurt_at: HurtAt | None = None,
    checkin: CheckIn = CheckIn(),
    prescription: Prescription | None = None,
    origin: str = "app",
    session_id: str | None = None,
) -> Session:
    """The one place a Session is assembled. `started_at` must be aware; its own date is the practice day."""
    if started_at.tzinfo is None:
        raise ValueError("started_at must be an aware datetime")
    return Session(
        id=session_id or Session.new_id(),
        routine=routine.program or routine.id,
        started_at=started_at,
        zone=zone,
        local_date=started_at.date(),
        duration=duration,
        completed=completed,
        hurt=hurt,
        hurt_at=hurt_at,
        checkin=checkin,
        prescription=prescription if routine.program else None,
        steps=tuple(steps),
        origin=origin,
    )


def planned_results(
    routine: Routine, library: Library, settings: Settings, *, done: bool = True
) -> tuple[StepResult, ...]:
    """The StepResults of `routine` run as planned (tracker.plan), block by block as the runner records them."""
    from tracker.plan import make_plan

    return make_plan(routine, settings, library.poses).results(done=done)


def derive_prescription(program: Program, routine: Routine) -> Prescription | None:
    """Read the prescription back from a routine the program generated (lifts, count and hold bindings)."""
    values: dict[str, int] = {}
    for template, binding in zip(program.steps, program.bindings):
        poses = {template.pose, binding.get("pose_if_hold")}
        match = next((s for s in routine.steps if s.pose in poses and s.kind is template.kind), None)
        if match is None:
            continue
        for field_name, key in binding.items():
            if field_name == "pose_if_hold":
                continue
            value = getattr(match, field_name, None)
            if field_name == "hold":
                value = int(value.amount) if value is not None and value.unit is HoldUnit.COUNTS else 0
            if isinstance(value, (int, float)):
                values.setdefault(key, int(value))
    if "lifts" in values and "count" in values:
        return Prescription(values["lifts"], values["count"], values.get("hold", 0))
    return None


def at_local(day: date, clock: time, zone: str) -> datetime:
    """`day` at wall-clock `clock` in `zone`, aware."""
    return datetime.combine(day, clock, tzinfo=ZoneInfo(zone))
