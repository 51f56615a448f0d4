"""Format v2 in the timeline and the runner: first_side, sequences, alternating reps, staged holds.

Each feature is checked on the plan (tracker.plan, the one tempo rule) and on
a real Runner driven by a fake clock: what it shows and speaks, and that the
run lasts exactly the planned seconds.
"""

from __future__ import annotations

from tests.support import FakeClock
from tracker.model import Hold, HoldUnit, Phase, Pose, Routine, Settings, Side, Stage, Step, StepKind
from tracker.plan import make_plan, planned_seconds
from tracker.runner import Runner

POSES = {
    "lunge": Pose("lunge", "Low lunge", cues=("Sink your hips.",), sided=True),
    "split": Pose("split", "Half split", cues=("Draw your hips back.",), sided=True),
    "legs": Pose("legs", "Leg lifts", cues=("Lift one leg.",)),
    "triangle": Pose("triangle", "Triangle", cues=("Reach long.",), sided=True),
}
S = Settings(tempo=1.0, breath_seconds=4.0)


def hold(breaths: float) -> Hold:
    return Hold(breaths, HoldUnit.BREATHS)


def routine(*steps: Step) -> Routine:
    return Routine(id="t", name="T", steps=steps)


def run_to_end(r: Routine) -> tuple[list[tuple[str, str]], list[tuple[Side, int]], float, Runner]:
    """Run `r` second by second; the cues (kind, text), the (side, rep) shown at each second, the seconds taken."""
    clock = FakeClock()
    runner = Runner(r, POSES, S, clock)
    runner.start()
    start = clock.now
    cues: list[tuple[str, str]] = []
    shown: list[tuple[Side, int]] = []
    while not runner.done:
        cues += [(c.kind, c.text) for c in runner.poll()]
        view = runner.view()
        if not runner.done:
            shown.append((view.side, view.rep))
        clock.advance(0.5)
    cues += [(c.kind, c.text) for c in runner.poll()]
    return cues, shown, runner.results().duration, runner


def test_a_two_sided_step_starts_on_its_first_side():
    step = Step("lunge", StepKind.HOLD, hold=hold(2), sides=Side.BOTH, first_side=Side.RIGHT)
    plan = make_plan(routine(step), S, POSES)
    assert [b.side for b in plan.blocks] == [Side.RIGHT, Side.LEFT]
    default = make_plan(routine(Step("lunge", StepKind.HOLD, hold=hold(2), sides=Side.BOTH)), S, POSES)
    assert [b.side for b in default.blocks] == [Side.LEFT, Side.RIGHT]
    cues, _, duration, _ = run_to_end(routine(step))
    assert [t for k, t in cues if k == "side"] == ["Right side", "Left side"]
    assert duration == planned_seconds(routine(step), S) == 16.0


def test_a_sequence_runs_every_step_on_one_side_then_the_other():
    lunge = Step(
        "lunge", StepKind.HOLD, hold=hold(2), sides=Side.BOTH, first_side=Side.RIGHT, sequence="lunge-split"
    )
    split = Step(
        "split", StepKind.HOLD, hold=hold(3), sides=Side.BOTH, first_side=Side.RIGHT, sequence="lunge-split"
    )
    r = routine(lunge, split)
    plan = make_plan(r, S, POSES)
    assert [(b.step.pose, b.side) for b in plan.blocks] == [
        ("lunge", Side.RIGHT), ("split", Side.RIGHT), ("lunge", Side.LEFT), ("split", Side.LEFT),
    ]  # fmt: skip
    assert [b.step_number for b in plan.blocks] == [1, 2, 1, 2]
    assert plan.total == 2 * (8 + 12)
    cues, _, duration, runner = run_to_end(r)
    assert [t for k, t in cues if k in ("step", "side")] == [
        "Low lunge", "Right side", "Half split", "Right side", "Low lunge", "Left side", "Half split", "Left side",
    ]  # fmt: skip
    assert duration == plan.total
    assert [(s.pose, s.side, s.completed) for s in runner.results().steps] == [
        ("lunge", Side.RIGHT, True), ("split", Side.RIGHT, True), ("lunge", Side.LEFT, True), ("split", Side.LEFT, True),
    ]  # fmt: skip


def test_two_sequences_with_the_same_steps_stay_apart_when_not_named_alike():
    a = Step("lunge", StepKind.HOLD, hold=hold(1), sides=Side.BOTH, sequence="a")
    b = Step("split", StepKind.HOLD, hold=hold(1), sides=Side.BOTH, sequence="b")
    plan = make_plan(routine(a, b), S, POSES)
    assert [(bl.step.pose, bl.side) for bl in plan.blocks] == [
        ("lunge", Side.LEFT), ("lunge", Side.RIGHT), ("split", Side.LEFT), ("split", Side.RIGHT),
    ]  # fmt: skip


def test_alternating_reps_show_and_speak_the_side_of_each_rep():
    step = Step("legs", StepKind.REPS, reps=4, raise_counts=2, lower_counts=2, hold=Hold(1, HoldUnit.COUNTS),
                alternate=True, first_side=Side.RIGHT)  # fmt: skip
    r = routine(step)
    plan = make_plan(r, S, POSES)
    assert len(plan.blocks) == 1 and plan.blocks[0].side is Side.NONE
    assert [s.side for s in plan.segments if s.phase is Phase.RAISE] == [
        Side.RIGHT,
        Side.LEFT,
        Side.RIGHT,
        Side.LEFT,
    ]
    cues, shown, duration, runner = run_to_end(r)
    assert [t for k, t in cues if k == "side"] == ["Right side", "Left side", "Right side", "Left side"]
    assert sorted(set(shown)) == sorted({(Side.RIGHT, 1), (Side.LEFT, 2), (Side.RIGHT, 3), (Side.LEFT, 4)})
    assert duration == plan.total == 4 * 5
    assert runner.results().steps[0].reps_done == 4


def test_a_staged_hold_shows_and_speaks_each_stage_at_its_breath():
    stages = (Stage(hold(2), "Spread your arms like wings."), Stage(hold(4), "Reach forward."))
    step = Step("triangle", StepKind.HOLD, hold=hold(6), stages=stages, cue="Fingertips down.")
    r = routine(step)
    plan = make_plan(r, S, POSES)
    holds = [(s.start, s.end, s.cue, s.count_from) for s in plan.segments]
    assert holds == [
        (0.0, 8.0, "", 0),
        (8.0, 16.0, "Spread your arms like wings.", 2),
        (16.0, 24.0, "Reach forward.", 4),
    ]
    assert plan.total == planned_seconds(r, S) == 24.0
    clock = FakeClock()
    runner = Runner(r, POSES, S, clock)
    runner.start()
    seen = []
    for _ in range(6):
        view = runner.view()
        seen.append((view.cue, view.count, view.counts))
        clock.advance(4.0)
        runner.poll()
    assert seen == [
        ("Fingertips down.", 1, 6), ("Fingertips down.", 2, 6),
        ("Spread your arms like wings.", 3, 6), ("Spread your arms like wings.", 4, 6),
        ("Reach forward.", 5, 6), ("Reach forward.", 6, 6),
    ]  # fmt: skip
    cues, _, duration, runner = run_to_end(r)
    assert [t for k, t in cues if k == "phase"] == [
        "Breathe",
        "Spread your arms like wings.",
        "Reach forward.",
    ]
    assert duration == 24.0
    assert runner.results().steps[0].reps_done == 1 and runner.results().steps[0].completed


def test_a_staged_hold_with_the_tighter_side_extra_keeps_the_stages_and_lengthens_the_last():
    stages = (Stage(hold(2), "Now reach."),)
    step = Step(
        "triangle", StepKind.HOLD, hold=hold(4), stages=stages, sides=Side.BOTH, tighter_extra=hold(2)
    )
    plan = make_plan(
        routine(step), Settings(tempo=1.0, breath_seconds=4.0, tighter_side={"triangle": "left"}), POSES
    )
    left = [(s.end - s.start, s.cue) for s in plan.segments if s.block == 0]
    right = [(s.end - s.start, s.cue) for s in plan.segments if s.block == 1]
    assert left == [(8.0, ""), (16.0, "Now reach.")] and right == [(8.0, ""), (8.0, "Now reach.")]


def test_a_rep_cut_in_a_staged_hold_resumes_from_the_rep_start():
    stages = (Stage(hold(2), "Wings."),)
    step = Step("triangle", StepKind.HOLD, hold=hold(4), reps=2, rest_between=5, stages=stages)
    plan = make_plan(routine(step), S, POSES)
    # rep 2 starts at 16 + 5 = 21; its second stage at 29
    assert plan.resume_segment(0, 1, 30.0) == next(
        i for i, s in enumerate(plan.segments) if s.rep == 2 and s.start == 21.0
    )
