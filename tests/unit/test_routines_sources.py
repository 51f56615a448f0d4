"""Every shipped routine's order and sides, checked against its source document (round 1 of the plan).

Each row says what the seed gives: the poses in order, and for each block the
side it is done on ("none" for a symmetrical pose, "alternate-right" for reps
that change side each time, starting on the right). A change to a routine's
order or sides must be made here too, against the source.
"""

from __future__ import annotations

import pytest

from tests.support import FakeClock
from tracker.content import load_builtin
from tracker.model import Settings
from tracker.plan import make_plan, planned_seconds
from tracker.runner import Runner

LIBRARY = load_builtin()

SOURCES = {
    # Seed 001, the 30-minute class. Every two-sided stage starts on the right; stage 2 is
    # lunge then half split on the right, then both on the left; stages 4-5 alternate legs, right first.
    "back-strengthening-30": (
        "001_28fcc22c074eb76a.txt",
        [
            ("child", "none"),
            ("low-lunge", "right"), ("half-split", "right"), ("low-lunge", "left"), ("half-split", "left"),
            ("belly-lift", "none"),
            ("prone-leg-lifts", "alternate-right"),
            ("cactus-lifts", "alternate-right"), ("prone-opposite-reach", "alternate-right"),
            ("locust", "none"), ("crocodile-lift", "none"), ("sphinx", "none"), ("cobra-leg-lift", "none"),
            ("hero", "none"), ("seated-arms-up", "none"),
            ("seated-twist-arms-up", "right"), ("seated-twist-arms-up", "left"),
            ("seated-twist-arms-up", "right"), ("seated-twist-arms-up", "left"),
            ("lunge-arm-lifts", "right"), ("lunge-arm-lifts", "left"),
            ("downward-dog", "none"), ("half-forward-fold", "none"),
            ("chair-heel-lift", "none"),
            ("chair-twist", "right"), ("chair-twist", "left"), ("chair-twist", "right"), ("chair-twist", "left"),
            ("downward-dog", "none"), ("dog-side-stretch", "right"), ("dog-side-stretch", "left"),
            ("child", "none"), ("savasana", "none"),
        ],
    ),
    # Seed 004, the floor flow: cat, child, cobra, twists, (Samabhasana: left out, said in the notes),
    # cobra, half revolved belly, twists, (handstand: left out), cobra, child. Sides unspecified: left first.
    "floor-flow": (
        "004_dcd1270630615d12.txt",
        [
            ("cat-cow", "none"), ("child", "none"), ("cobra", "none"),
            ("lying-twist", "left"), ("lying-twist", "right"), ("cobra", "none"),
            ("half-revolved-belly", "left"), ("half-revolved-belly", "right"),
            ("lying-twist", "left"), ("lying-twist", "right"), ("cobra", "none"), ("child", "none"),
        ],
    ),
    # Seed 004, the standing sequence: triangle, lunge, fish, chair (each pose on each side).
    "standing-sequence": (
        "004_dcd1270630615d12.txt",
        [
            ("triangle", "left"), ("triangle", "right"), ("low-lunge", "left"), ("low-lunge", "right"),
            ("fish", "none"), ("chair", "none"),
        ],
    ),
    # Seed 000: after the bridge, child's pose, cat-cow, downward dog, upward dog, cobra.
    "bridge-series-next": (
        "000_c89e44dd2c1bee51.txt",
        [("child", "none"), ("cat-cow", "none"), ("downward-dog", "none"), ("upward-dog", "none"), ("cobra", "none")],
    ),
    # Seed 003: notice the space lying down, a few pelvic tilts, notice again, then child's pose.
    "pelvic-tilt-check": (
        "003_51468521fa26ba19.txt",
        [("constructive-rest", "none"), ("pelvic-tilt", "none"), ("constructive-rest", "none"), ("child", "none"), ("child", "none")],
    ),
    # Seed 002 gives a set of poses, not an order or a side; our sets start each one-sided pose on the left.
    "back-strength-set": (
        "002_e0dae68e250e78fb.txt",
        [
            ("cat-cow", "none"), ("downward-dog", "none"), ("standing-forward-fold", "none"),
            ("triangle", "left"), ("triangle", "right"), ("plank", "none"), ("cobra", "none"), ("locust", "none"),
            ("bridge", "none"), ("half-lord-of-fishes", "left"), ("half-lord-of-fishes", "right"), ("child", "none"),
        ],
    ),
    "gentle-floor-set": (
        "002_e0dae68e250e78fb.txt",
        [
            ("child", "none"), ("cat-cow", "none"), ("knees-to-chest", "none"),
            ("figure-four", "left"), ("figure-four", "right"), ("two-knee-twist", "left"), ("two-knee-twist", "right"),
            ("sphinx", "none"), ("child", "none"),
        ],
    ),
}  # fmt: skip


def order_and_sides(routine_id: str) -> list[tuple[str, str]]:
    routine = LIBRARY.routines[routine_id]
    seen = []
    for block in make_plan(routine, Settings(), LIBRARY.poses).blocks:
        if block.round != 1:
            continue
        side = f"alternate-{block.step.first_side.value}" if block.step.alternate else block.side.value
        seen.append((block.step.pose, side))
    return seen


def test_every_shipped_routine_has_a_row():
    assert set(SOURCES) == set(LIBRARY.routines)


@pytest.mark.parametrize("routine_id", sorted(SOURCES))
def test_order_and_sides_follow_the_source(routine_id):
    source, expected = SOURCES[routine_id]
    assert LIBRARY.routines[routine_id].source == source
    assert order_and_sides(routine_id) == expected


def test_the_class_lunge_steps_outside_the_block_and_the_floor_flow_says_why_samabhasana_is_out():
    lunge = LIBRARY.routines["back-strengthening-30"].steps[1]
    assert lunge.pose == "low-lunge" and "outside the block" in lunge.cue
    notes = " ".join(LIBRARY.routines["floor-flow"].notes)
    assert "Samabhasana" in notes and "lying twists" in notes


def test_the_class_has_staged_holds_and_the_room_it_needs():
    routine = LIBRARY.routines["back-strengthening-30"]
    staged = {step.pose for step in routine.steps if step.stages}
    assert {"lunge-arm-lifts", "locust", "cobra-leg-lift", "low-lunge", "half-split"} <= staged
    assert routine.room and routine.format == 2
    assert [p.describe() for p in routine.props_at_hand()] == [
        "a mat",
        "a strap",
        "2 blocks",
        "a blanket (optional)",
    ]


@pytest.mark.parametrize("routine_id", ["back-strengthening-30", "standing-sequence"])
def test_a_v2_routine_runs_exactly_its_planned_seconds(routine_id):
    routine = LIBRARY.routines[routine_id]
    settings = Settings(tighter_side={"triangle": "right", "low-lunge": "left"})
    clock = FakeClock()
    runner = Runner(routine, LIBRARY.poses, settings, clock)
    runner.start()
    sides_spoken = 0
    while not runner.done:
        clock.advance(1.0)
        sides_spoken += sum(1 for cue in runner.poll() if cue.kind == "side")
    result = runner.results()
    assert result.completed
    assert (
        result.duration
        == pytest.approx(planned_seconds(routine, settings))
        == pytest.approx(runner.planned_seconds)
    )
    if routine_id == "back-strengthening-30":
        assert sides_spoken >= 3 * 8  # every alternating rep says its side
