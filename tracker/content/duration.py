"""Planned durations of routines (to move to tracker.plan)."""

from __future__ import annotations

from typing import Mapping

from tracker.model import (
    Routine,
    Settings,
    Side,
    Step,
    StepKind,
)

# --------------------------------------------------------------------------- planned duration


def _tighter_side(pose: str, settings: Settings, tighter: Mapping[str, Side]) -> Side | None:
    side = tighter.get(pose) or settings.tighter_side.get(pose)
    return Side(side) if side else None


def step_sides(step: Step) -> tuple[Side, ...]:
    """The sides a step runs through, in order: BOTH is the left, then the right."""
    return (Side.LEFT, Side.RIGHT) if step.sides is Side.BOTH else (step.sides,)


def hold_seconds(step: Step, side: Side, settings: Settings, tighter: Mapping[str, Side] = {}) -> float:
    """One hold of `step` on `side`, in seconds: the hold, plus `tighter_extra` on the tighter side."""
    seconds = step.hold.seconds(settings.tempo, settings.breath_seconds) if step.hold else 0.0
    if step.tighter_extra and side in (Side.LEFT, Side.RIGHT) and _tighter_side(step.pose, settings, tighter) is side:
        seconds += step.tighter_extra.seconds(settings.tempo, settings.breath_seconds)
    return seconds


def side_seconds(step: Step, side: Side, settings: Settings, tighter: Mapping[str, Side] = {}) -> float:
    """One pass of `step` on one side (no step repeats), in seconds."""
    if step.kind is StepKind.REPS:
        move = (step.raise_counts + step.lower_counts) * settings.tempo
        return step.reps * (move + hold_seconds(step, side, settings, tighter))
    if step.kind is StepKind.HOLD:
        return step.reps * hold_seconds(step, side, settings, tighter) + step.rest_between * max(step.reps - 1, 0)
    if step.kind in (StepKind.FLOW, StepKind.REST):
        return float(step.duration)
    return 0.0  # OBSERVE waits for an answer


def step_seconds(step: Step, settings: Settings, tighter: Mapping[str, Side] = {}) -> float:
    """The whole step, all sides, all repeats, in seconds (optional steps included)."""
    return step.repeats * sum(side_seconds(step, side, settings, tighter) for side in step_sides(step))


def planned_seconds(routine: Routine, settings: Settings, tighter: Mapping[str, Side] = {}) -> float:
    """The exact planned length of `routine`, in seconds, with no gaps anywhere.

    With t = settings.tempo (seconds per count), b = settings.breath_seconds and
    H(x) = Hold.seconds(t, b) of hold x (counts * t, breaths * b, or seconds):

        total  = routine.repeats * sum(step(s) for each step s that is not optional)
        step   = s.repeats * sum(side(s, d) for d in sides)      sides: BOTH -> (LEFT, RIGHT),
                                                                  else (s.sides,)
        side   = REPS:    s.reps * ((s.raise_counts + s.lower_counts) * t + h(d))
                 HOLD:    s.reps * h(d) + s.rest_between * (s.reps - 1)
                 FLOW,
                 REST:    s.duration
                 OBSERVE: 0                                       (waits for an answer)
        h(d)   = H(s.hold) if s.hold else 0
                 + H(s.tighter_extra) when s.tighter_extra and d is the pose's tighter side

    The tighter side of a pose is `tighter[pose]`, else `settings.tighter_side[pose]`
    (LEFT or RIGHT); a step done on one side only gets the extra when that side
    is the tighter one, a step with sides NONE never does.
    """
    total = sum(step_seconds(step, settings, tighter) for step in routine.steps if not step.optional)
    return routine.repeats * total


