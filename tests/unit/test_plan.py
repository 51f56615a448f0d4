"""tracker.plan: the tempo rule, once. Planned seconds are the timeline's total; logged results follow it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tracker.content import load_builtin
from tracker.model import Hold, HoldUnit, Observation, Routine, Settings, Side, Step, StepKind
from tracker.plan import make_plan, planned_seconds


@pytest.fixture
def builtin() -> Path:
    return Path(__file__).resolve().parents[2] / "content"


def routine_of(*steps: Step, repeats: int = 1) -> Routine:
    return Routine(id="t", name="T", steps=steps, repeats=repeats)


SLOW = Settings(tempo=1.5, breath_seconds=4.0)


def test_planned_seconds_reps():
    step = Step(
        "hip-rocks", StepKind.REPS, reps=3, raise_counts=2, lower_counts=3, hold=Hold(2, HoldUnit.COUNTS)
    )
    assert planned_seconds(routine_of(step), SLOW) == 3 * (2 + 3 + 2) * 1.5
    no_hold = Step("hip-rocks", StepKind.REPS, reps=8, raise_counts=2, lower_counts=2)
    assert planned_seconds(routine_of(no_hold), Settings()) == 32.0
    breaths = Step(
        "belly", StepKind.REPS, reps=2, raise_counts=4, lower_counts=4, hold=Hold(3, HoldUnit.BREATHS)
    )
    assert planned_seconds(routine_of(breaths), SLOW) == 2 * (8 * 1.5 + 3 * 4.0)


def test_planned_seconds_hold_with_rest_between():
    step = Step("cobra", StepKind.HOLD, reps=3, hold=Hold(5, HoldUnit.BREATHS), rest_between=10)
    assert planned_seconds(routine_of(step), SLOW) == 3 * 20 + 2 * 10
    seconds = Step("plank", StepKind.HOLD, hold=Hold(30, HoldUnit.SECONDS))
    assert planned_seconds(routine_of(seconds), SLOW) == 30


def test_planned_seconds_flow_rest_observe():
    steps = (
        Step("cat-cow", StepKind.FLOW, duration=60),
        Step("savasana", StepKind.REST, duration=30.5),
        Step("constructive-rest", StepKind.OBSERVE, observe=Observation("How?", key="how")),
    )
    assert planned_seconds(routine_of(*steps), Settings()) == 90.5


def test_planned_seconds_sides_and_the_tighter_side():
    step = Step(
        "triangle",
        StepKind.HOLD,
        reps=2,
        hold=Hold(5, HoldUnit.BREATHS),
        rest_between=5,
        sides=Side.BOTH,
        tighter_extra=Hold(3, HoldUnit.BREATHS),
    )
    plain = 2 * (2 * 20 + 5)
    assert planned_seconds(routine_of(step), SLOW) == plain
    tight = Settings(tempo=1.5, breath_seconds=4.0, tighter_side={"triangle": Side.LEFT})
    assert planned_seconds(routine_of(step), tight) == plain + 2 * 12
    right = replace(SLOW, tighter_side={"triangle": Side.RIGHT})
    assert planned_seconds(routine_of(step), right) == plain + 2 * 12
    # one side only: the extra applies when that side is the tighter one
    left = Step(
        "triangle",
        StepKind.HOLD,
        hold=Hold(5, HoldUnit.BREATHS),
        sides=Side.LEFT,
        tighter_extra=Hold(2, HoldUnit.SECONDS),
    )
    assert planned_seconds(routine_of(left), tight) == 22
    assert planned_seconds(routine_of(left), right) == 20
    assert planned_seconds(routine_of(left), replace(SLOW, tighter_side={"other": Side.LEFT})) == 20
    # a reps step: the extra is added to each rep's hold (or is the hold)
    reps = Step(
        "lunge",
        StepKind.REPS,
        reps=3,
        raise_counts=2,
        lower_counts=2,
        sides=Side.BOTH,
        tighter_extra=Hold(2, HoldUnit.COUNTS),
    )
    assert planned_seconds(routine_of(reps), Settings(tighter_side={"lunge": Side.LEFT})) == 3 * 4 * 2 + 3 * 2


def test_planned_seconds_repeats_and_optional_steps():
    flow = Step("cat-cow", StepKind.FLOW, duration=10, repeats=3, sides=Side.BOTH)
    skipped = Step("handstand", StepKind.HOLD, hold=Hold(60, HoldUnit.SECONDS), optional=True)
    assert planned_seconds(routine_of(flow, skipped, repeats=2), Settings()) == 2 * 3 * 2 * 10
    assert planned_seconds(routine_of(), Settings()) == 0


def test_logged_results_follow_the_timeline_block_by_block(builtin):
    library = load_builtin(builtin)
    for routine_id in sorted(library.ids()):
        routine = library.routine(routine_id)
        plan = make_plan(routine, Settings(), library.poses)
        done = plan.results(done=True)
        assert len(done) == len(plan.blocks)
        assert sum(r.seconds for r in done) == pytest.approx(plan.total), routine_id
        assert all(r.seconds == 0 and not r.completed for r in plan.results(done=False))
