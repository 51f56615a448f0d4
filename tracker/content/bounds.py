"""A routine's total size, bounded at load time (tracker.model.limits).

Checked arithmetically before any timeline is built, so the longest
routine a file can describe (200 steps x 20 repeats x 2 sides x 10 rounds
x 100 reps) is refused in microseconds instead of freezing the app while
the plan is made; then the planned length at the slowest tempo and the
longest breath, from the one tempo rule in tracker.plan.
"""

from __future__ import annotations

from collections.abc import Mapping

from tracker.model import BREATH_RANGE, TEMPO_RANGE, Pose, Routine, Settings, Side
from tracker.model.limits import MAX_REPS, MAX_RESULTS, MAX_SESSION_SECONDS

__all__ = ["routine_size_problem"]


def routine_size_problem(routine: Routine, poses: Mapping[str, Pose]) -> tuple[str, str] | None:
    """(field path, message) when `routine` is too large to run or to log; None when it fits."""
    blocks = reps = 0
    for step in routine.steps:
        if step.optional:
            continue
        per_step = step.repeats * (2 if step.sides is Side.BOTH else 1) * routine.repeats
        blocks += per_step
        reps += per_step * max(step.reps, 1)
    if blocks > MAX_RESULTS:
        return "routine.steps", (
            f"the routine has {blocks} steps once repeats, sides and rounds are counted; the limit is {MAX_RESULTS}"
        )
    if reps > MAX_REPS:
        return "routine.steps", (
            f"the routine has {reps} reps once repeats, sides and rounds are counted; the limit is {MAX_REPS}"
        )
    from tracker.plan import planned_seconds

    slowest = Settings(tempo=TEMPO_RANGE[1], breath_seconds=BREATH_RANGE[1])
    seconds = planned_seconds(routine, slowest)
    if seconds > MAX_SESSION_SECONDS:
        return "routine.steps", (
            f"the routine lasts {seconds / 3600:.1f} hours at the slowest tempo ({TEMPO_RANGE[1]:g} s a count, "
            f"{BREATH_RANGE[1]:g} s a breath); the limit is {MAX_SESSION_SECONDS / 3600:.0f} hours"
        )
    return None
