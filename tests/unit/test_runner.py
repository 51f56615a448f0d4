"""The session runner, driven by a fake clock."""

from __future__ import annotations

import random
import subprocess
import sys
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.support import FakeClock
from tracker import plan
from tracker.model import (
    Hold,
    HoldUnit,
    HurtAt,
    Observation,
    Phase,
    Pose,
    Prescription,
    Program,
    Routine,
    Settings,
    Side,
    Step,
    StepKind,
)
from tracker.runner import (
    SUSPEND_CREDIT,
    SUSPEND_GAP,
    Cue,
    Runner,
    RunnerView,
    RunResult,
)

POSES = {
    "pelvic-tilt": Pose("pelvic-tilt", "Pelvic tilt", cues=("Tip your pelvis.",)),
    "pigeon": Pose("pigeon", "Pigeon", cues=("Square your hips.",), sided=True),
    "cat-cow": Pose("cat-cow", "Cat-cow", cues=("Move with the breath.",)),
    "child": Pose("child", "Child's pose", cues=("Sit back.",)),
    "handstand": Pose("handstand", "Handstand", advanced=True),
    "rest": Pose("rest", "Constructive rest", cues=("Let the floor hold you.",)),
    "hip-rocks": Pose("hip-rocks", "Hip rocks"),
    "back-roll": Pose("back-roll", "Back roll"),
    "bridge": Pose("bridge", "Bridge"),
}

# Timeline (tempo 1, breath 5, no tighter side):
#   0- 4 raise r1 | 4- 6 hold r1 | 6-10 lower r1 | 10-14 raise r2 | 14-16 hold r2 | 16-20 lower r2
#  20-35 pigeon left (3 breaths) | 35-50 pigeon right | 50-60 flow
#  60-66 child hold r1 | 66-69 rest between | 69-75 child hold r2 | 75-80 rest
SAMPLE = Routine(
    id="sample",
    name="Sample",
    steps=(
        Step("pelvic-tilt", StepKind.REPS, reps=2, raise_counts=4, lower_counts=4, hold=Hold(2)),
        Step(
            "pigeon",
            StepKind.HOLD,
            hold=Hold(3, HoldUnit.BREATHS),
            sides=Side.BOTH,
            tighter_extra=Hold(1, HoldUnit.BREATHS),
        ),
        Step("cat-cow", StepKind.FLOW, duration=10),
        Step("child", StepKind.HOLD, hold=Hold(6, HoldUnit.SECONDS), reps=2, rest_between=3),
        Step("handstand", StepKind.HOLD, hold=Hold(30, HoldUnit.SECONDS), optional=True),
        Step("rest", StepKind.REST, duration=5),
    ),
)

OBSERVED = Routine(
    id="observed",
    name="Observed",
    steps=(
        Step(
            "rest",
            StepKind.OBSERVE,
            observe=Observation("How much space?", ("a lot", "some"), "space-before"),
        ),
        Step("pelvic-tilt", StepKind.REPS, reps=1, raise_counts=3, lower_counts=3),
        Step("rest", StepKind.OBSERVE, observe=Observation("And now?", (), "space-after")),
    ),
)


def make(
    routine: Routine = SAMPLE, settings: Settings = Settings(), t0: float = 1000.0, **kw
) -> tuple[Runner, FakeClock]:
    clock = FakeClock(t0)
    return Runner(routine, POSES, settings, clock, **kw), clock


def at(runner: Runner, clock: FakeClock, t0: float, offset: float) -> RunnerView:
    """Poll on the way (every 0.5 s) up to t0 + offset and return the view there."""
    while clock.t < t0 + offset - 0.5:
        clock.advance(0.5)
        runner.poll()
    clock.set(t0 + offset)
    return runner.view()


def run_out(runner: Runner, clock: FakeClock, dt: float = 0.25, limit: float = 100_000) -> list[Cue]:
    cues: list[Cue] = []
    end = clock.t + limit
    while not runner.done and clock.t < end:
        clock.advance(dt)
        cues += runner.poll()
    return cues


# --------------------------------------------------------------------------- planned duration


def test_planned_seconds_of_the_sample():
    runner, _ = make()
    assert runner.planned_seconds == 80.0
    tighter, _ = make(settings=Settings(tighter_side={"pigeon": Side.RIGHT}))
    assert tighter.planned_seconds == 85.0
    slow, _ = make(settings=Settings(tempo=2.0, breath_seconds=6.0))
    assert slow.planned_seconds == 2 * (8 + 4 + 8) + 2 * 18 + 10 + 15 + 5


def test_repeats_and_optional_steps_expand():
    routine = Routine(
        "r",
        "R",
        steps=(
            Step("cat-cow", StepKind.FLOW, duration=3, repeats=2),
            Step("handstand", StepKind.HOLD, hold=Hold(30, HoldUnit.SECONDS), optional=True),
            Step("pigeon", StepKind.HOLD, hold=Hold(2, HoldUnit.SECONDS), sides=Side.BOTH),
        ),
        repeats=3,
    )
    runner, clock = make(routine)
    assert runner.planned_seconds == 3 * (2 * 3 + 2 * 2)
    runner.start()
    view = runner.view()
    assert (view.round, view.rounds, view.block, view.blocks, view.step_count) == (1, 3, 1, 12, 2)
    run_out(runner, clock, 0.5)
    result = runner.results()
    assert [(s.index, s.side) for s in result.steps[:4]] == [
        (0, Side.NONE),
        (0, Side.NONE),
        (2, Side.LEFT),
        (2, Side.RIGHT),
    ]
    assert len(result.steps) == 12
    assert all(s.pose != "handstand" for s in result.steps)
    assert result.duration == runner.planned_seconds


def _content():
    return pytest.importorskip("tracker.content")


SETTINGS_VARIANTS = [
    Settings(),
    Settings(tempo=0.5, breath_seconds=4.0),
    Settings(tempo=1.25, breath_seconds=6.5),
    Settings(tempo=2.0, breath_seconds=5.5),
]


def _run_through(runner: Runner, clock: FakeClock) -> float:
    """Poll a started runner in steps of under SUSPEND_GAP until it finishes; the active duration."""
    runner.start()
    while not runner.done:
        if runner.view().question is not None:
            runner.answer("ok")  # at once: questions take no planned time
            continue
        clock.advance(min(4.0, max((runner.next_change() or clock()) - clock(), 0.01)))
        runner.poll()
    return runner.results().duration


@pytest.mark.parametrize("settings", SETTINGS_VARIANTS)
@pytest.mark.parametrize("tighter", [None, Side.LEFT, Side.RIGHT])
def test_the_sample_runs_for_exactly_its_planned_seconds(settings, tighter):
    if tighter is not None:
        settings = replace(settings, tighter_side={"pigeon": tighter, "child": tighter})
    runner, clock = make(settings=settings)
    assert runner.planned_seconds == plan.planned_seconds(SAMPLE, settings)
    assert _run_through(runner, clock) == pytest.approx(runner.planned_seconds, abs=1e-6)


def test_every_shipped_routine_runs_for_its_planned_seconds():
    content = _content()
    library = content.load_library()
    routines = list(library.routines.values())
    program = library.programs["bridge"]
    for prescription in (program.rules.start, Prescription(5, 6, 0), Prescription(8, 8, 8)):
        routines.append(library.routine("bridge", prescription))
    every_pose = {pose: Side.RIGHT for pose in library.poses}
    for base in (SETTINGS_VARIANTS[0], SETTINGS_VARIANTS[3]):
        for tighter in ({}, every_pose):
            settings = replace(base, tighter_side=tighter)
            for routine in routines:
                clock = FakeClock()
                runner = Runner(routine, library.poses, settings, clock)
                assert library.planned_seconds(routine, settings) == runner.planned_seconds
                ran = _run_through(runner, clock)
                assert ran == pytest.approx(runner.planned_seconds, abs=1e-6), (routine.id, settings)


def test_a_shipped_routine_runs_to_its_planned_duration():
    content = _content()
    library = content.load_library()
    if not library.routines:
        pytest.skip("the built-in library is not there yet")
    settings = Settings()
    for routine in library.routines.values():
        clock = FakeClock()
        runner = Runner(routine, library.poses, settings, clock)
        runner.start()
        while not runner.done:
            clock.advance(0.4)
            runner.poll()
            if runner.status == "observing":
                view = runner.view()
                runner.answer(view.choices[0] if view.choices else "fine")
        result = runner.results()
        assert result.completed, routine.id
        # Observations were answered at once, at a 0.4 s tick: at most 0.4 s each.
        observe = sum(1 for s in result.steps if s.answer is not None)
        assert runner.planned_seconds <= result.duration <= runner.planned_seconds + 0.4 * observe + 1e-9


# --------------------------------------------------------------------------- a whole run


def test_whole_routine_runs_to_exact_planned_duration():
    runner, clock = make()
    assert runner.status == "ready"
    runner.start()
    start = clock.t
    cues = run_out(runner, clock, 0.3)
    assert runner.status == "finished" and runner.done
    end = [c for c in cues if c.kind == "end"]
    assert len(end) == 1 and end[0].at == start + 80.0
    result = runner.results()
    assert isinstance(result, RunResult)
    assert result.duration == 80.0
    assert result.planned == 80.0
    assert result.completed
    assert result.hurt_at is None
    assert all(s.completed and not s.skipped for s in result.steps)
    assert sum(s.seconds for s in result.steps) == pytest.approx(80.0, abs=1e-9)
    tilt = result.steps[0]
    assert (tilt.reps_planned, tilt.reps_done, tilt.raise_counts, tilt.lower_counts, tilt.hold_seconds) == (
        2,
        2,
        4,
        4,
        2.0,
    )
    assert tilt.seconds == pytest.approx(20.0)
    assert [s.side for s in result.steps[1:3]] == [Side.LEFT, Side.RIGHT]
    child = result.steps[4]
    assert (child.reps_planned, child.reps_done, child.hold_seconds, child.seconds) == (
        2,
        2,
        6.0,
        pytest.approx(15.0),
    )
    view = runner.view()
    assert view.status == "finished"
    assert view.progress == 1.0 and view.session_left == 0.0 and view.phase is None
    assert view.elapsed == 80.0
    assert runner.next_change() is None


def test_one_late_poll_after_the_end_still_ends_on_plan():
    runner, clock = make()
    runner.start()
    start = clock.t
    at(runner, clock, start, 79.0)
    clock.set(start + 83.5)  # the UI slept through the end
    cues = runner.poll()
    assert runner.status == "finished"
    assert runner.results().duration == 80.0
    assert [c.kind for c in cues][-1] == "end"
    assert cues[-1].at == start + 80.0


def test_view_values_at_chosen_instants():
    runner, clock = make()
    ready = runner.view()
    assert ready.status == "ready" and ready.phase is Phase.RAISE and ready.session_left == 80.0
    assert ready.elapsed == 0.0 and ready.progress == 0.0
    runner.start()
    t0 = clock.t

    v = at(runner, clock, t0, 2.5)
    assert (v.status, v.phase, v.count, v.counts, v.unit) == ("running", Phase.RAISE, 3, 4, "count")
    assert (v.step_index, v.step_number, v.step_count, v.pose_id, v.title) == (
        0,
        1,
        5,
        "pelvic-tilt",
        "Pelvic tilt",
    )
    assert v.cue == "Tip your pelvis."
    assert (v.rep, v.reps, v.side) == (1, 2, Side.NONE)
    assert v.phase_left == pytest.approx(1.5)
    assert v.phase_seconds == 4.0
    assert v.session_left == pytest.approx(77.5)
    assert v.elapsed == pytest.approx(2.5)
    assert v.progress == pytest.approx(2.5 / 80)
    assert v.next_title == "Pigeon" and v.next_side is Side.LEFT
    assert v.question is None and v.choices == () and not v.paused

    v = at(runner, clock, t0, 15.0)  # rep 2, hold, second count
    assert (v.phase, v.rep, v.count, v.counts) == (Phase.HOLD, 2, 2, 2)

    v = at(runner, clock, t0, 36.0)  # pigeon right, first breath
    assert (v.phase, v.side, v.count, v.counts, v.unit) == (Phase.BREATHE, Side.RIGHT, 1, 3, "breath")
    assert v.phase_left == pytest.approx(14.0)
    assert v.next_title == "Cat-cow"

    v = at(runner, clock, t0, 52.25)  # flow: seconds, no counts
    assert (v.phase, v.count, v.counts, v.unit) == (Phase.FLOW, None, None, "second")
    assert v.phase_left == pytest.approx(7.75)

    v = at(runner, clock, t0, 61.0)  # a hold in seconds: a countdown
    assert (v.phase, v.unit, v.count, v.rep, v.reps) == (Phase.HOLD, "second", None, 1, 2)
    assert v.phase_left == pytest.approx(5.0)

    v = at(runner, clock, t0, 67.0)  # rest between the holds belongs to the rep just done
    assert (v.phase, v.rep, v.phase_left) == (Phase.REST, 1, pytest.approx(2.0))

    v = at(runner, clock, t0, 77.0)
    assert (v.phase, v.title, v.next_title, v.next_side) == (Phase.REST, "Constructive rest", None, None)
    assert v.session_left == pytest.approx(3.0)
    assert v.progress == pytest.approx(77 / 80)


def test_counts_change_exactly_on_the_beat():
    runner, clock = make()
    runner.start()
    t0 = clock.t
    clock.set(t0 + 0.999999)
    assert runner.view().count == 1
    clock.set(t0 + 1.0)
    assert runner.view().count == 2
    clock.set(t0 + 3.999999)
    assert (runner.view().phase, runner.view().count) == (Phase.RAISE, 4)
    clock.set(t0 + 4.0)
    assert (runner.view().phase, runner.view().count) == (Phase.HOLD, 1)


# --------------------------------------------------------------------------- pause / resume


def test_pause_mid_hold_keeps_the_exact_remaining_time():
    runner, clock = make()
    runner.start()
    t0 = clock.t
    before = at(runner, clock, t0, 22.3)  # pigeon left, first breath
    runner.pause()
    assert runner.status == "paused"
    for _ in range(50):  # a long pause, polled or not
        clock.advance(7.3)
        runner.poll()
    paused = runner.view()
    assert paused.paused and paused.status == "paused"
    assert paused.phase_left == before.phase_left
    assert paused.session_left == before.session_left
    assert paused.elapsed == pytest.approx(22.3)
    assert runner.next_change() is None
    runner.resume()
    after = runner.view()
    assert after.status == "running"
    assert after.phase_left == before.phase_left and after.session_left == before.session_left
    pause_length = 50 * 7.3
    cues = run_out(runner, clock, 0.25)
    assert cues[-1].kind == "end"
    assert cues[-1].at == pytest.approx(t0 + 80.0 + pause_length, abs=1e-9)
    result = runner.results()
    assert result.duration == pytest.approx(80.0, abs=1e-9)
    assert result.paused == pytest.approx(pause_length)
    assert result.completed


def test_toggle_pause_and_pause_outside_running():
    runner, clock = make()
    runner.pause()  # not started: nothing happens
    assert runner.status == "ready"
    runner.start()
    runner.toggle_pause()
    assert runner.status == "paused"
    clock.advance(3)
    runner.toggle_pause()
    assert runner.status == "running"
    runner.resume()  # already running: nothing happens
    assert runner.status == "running"
    assert runner.view().elapsed == 0.0


# --------------------------------------------------------------------------- skip / back


def test_skip_goes_to_the_start_of_the_next_block():
    runner, clock = make()
    runner.start()
    t0 = clock.t
    at(runner, clock, t0, 7.0)
    runner.poll()
    runner.skip()
    cues = runner.poll()
    assert [c.kind for c in cues] == ["step", "side", "phase"]
    assert cues[0].text == "Pigeon" and cues[1].text == "Left side"
    assert all(c.at == t0 + 7.0 for c in cues)
    v = runner.view()
    assert (v.title, v.side, v.phase, v.count, v.phase_left, v.session_left) == (
        "Pigeon",
        Side.LEFT,
        Phase.BREATHE,
        1,
        15.0,
        60.0,
    )
    runner.skip()  # the left side of pigeon: on to the right side
    v = runner.view()
    assert (v.title, v.side, v.session_left) == ("Pigeon", Side.RIGHT, 45.0)
    run_out(runner, clock)
    result = runner.results()
    assert result.duration == pytest.approx(7.0 + 45.0)
    assert not result.completed
    assert [s.skipped for s in result.steps] == [True, True, False, False, False, False]
    assert result.steps[0].reps_done == 0 and result.steps[0].seconds == pytest.approx(7.0)
    assert result.steps[1].seconds == 0.0


def test_skip_the_last_block_ends_the_session():
    runner, clock = make()
    runner.start()
    at(runner, clock, clock.t, 76.0)
    runner.skip()
    assert runner.status == "finished"
    assert runner.poll()[-1].kind == "end"
    result = runner.results()
    assert not result.completed and result.steps[-1].skipped
    assert result.duration == pytest.approx(76.0)


def test_back_restarts_the_block_or_goes_to_the_previous_one():
    runner, clock = make()
    runner.start()
    t0 = clock.t
    at(runner, clock, t0, 25.0)  # 5 s into pigeon left
    runner.back()
    v = runner.view()
    assert (v.title, v.side, v.session_left, v.phase_left) == ("Pigeon", Side.LEFT, 60.0, 15.0)
    clock.advance(1.5)  # 1.5 s in: back goes to the previous block
    runner.back()
    v = runner.view()
    assert (v.title, v.phase, v.rep, v.count, v.session_left) == ("Pelvic tilt", Phase.RAISE, 1, 1, 80.0)
    runner.back()  # the first block: restarts it
    assert runner.view().session_left == 80.0
    cues = run_out(runner, clock)
    assert cues[-1].kind == "end"
    result = runner.results()
    assert result.completed  # going back skips nothing
    assert result.duration == pytest.approx(25.0 + 1.5 + 80.0)
    assert result.steps[0].seconds == pytest.approx(20.0 + 20.0)
    assert result.steps[1].seconds == pytest.approx(5.0 + 1.5 + 15.0)


def test_skip_and_back_while_paused_stay_paused():
    runner, clock = make()
    runner.start()
    at(runner, clock, clock.t, 3.0)
    runner.pause()
    runner.skip()
    assert runner.status == "paused"
    clock.advance(10)
    v = runner.view()
    assert (v.title, v.session_left, v.paused) == ("Pigeon", 60.0, True)
    runner.back()
    assert runner.status == "paused" and runner.view().title == "Pelvic tilt"
    runner.resume()
    clock.advance(1.0)
    assert runner.view().count == 2
    assert runner.results().duration == pytest.approx(4.0)


# --------------------------------------------------------------------------- stop / hurt


def test_stop_ends_without_completion():
    runner, clock = make()
    runner.start()
    at(runner, clock, clock.t, 12.0)
    runner.stop()
    assert runner.status == "stopped" and runner.done
    clock.advance(30)
    assert runner.poll() == []
    result = runner.results()
    assert result.duration == pytest.approx(12.0)
    assert not result.completed and result.hurt_at is None
    assert result.steps[0].reps_done == 1 and not result.steps[0].completed
    runner.skip()
    runner.back()
    runner.resume()
    assert runner.status == "stopped"


def test_hurt_records_where_and_stops_at_once():
    runner, clock = make(settings=Settings(tighter_side={"pigeon": Side.RIGHT}))
    runner.start()
    t0 = clock.t
    at(runner, clock, t0, 14.5)  # pelvic tilt, rep 2, hold
    runner.poll()
    where = runner.hurt()
    assert where == HurtAt(step=0, pose="pelvic-tilt", side=Side.NONE, rep=2, phase=Phase.HOLD)
    assert runner.status == "hurt" and runner.done
    cues = runner.poll()
    assert [c.kind for c in cues] == ["hurt"] and cues[0].at == t0 + 14.5
    clock.advance(20)
    assert runner.poll() == []
    assert runner.view().session_left == pytest.approx(80.0 + 5.0 - 14.5)
    result = runner.results()
    assert result.hurt_at == where
    assert not result.completed
    assert result.duration == pytest.approx(14.5)
    assert runner.hurt() == where  # asking again changes nothing

    runner, clock = make(settings=Settings(tighter_side={"pigeon": Side.RIGHT}))
    runner.start()
    at(runner, clock, clock.t, 40.0)
    runner.pause()
    clock.advance(100)
    assert runner.hurt() == HurtAt(1, "pigeon", Side.RIGHT, 1, Phase.BREATHE)
    assert runner.results().duration == pytest.approx(40.0)


# --------------------------------------------------------------------------- observations


def test_observation_waits_for_an_answer():
    runner, clock = make(OBSERVED)
    assert runner.planned_seconds == 6.0
    runner.start()
    assert runner.status == "observing"
    cues = runner.poll()
    assert [(c.kind, c.phase) for c in cues] == [("step", Phase.OBSERVE), ("phase", Phase.OBSERVE)]
    assert cues[1].text == "How much space?"
    for _ in range(40):  # forty seconds of thinking, the UI polling every second
        clock.advance(1.0)
        assert runner.poll() == []
    v = runner.view()
    assert (v.status, v.phase, v.question, v.choices, v.phase_left) == (
        "observing",
        Phase.OBSERVE,
        "How much space?",
        ("a lot", "some"),
        None,
    )
    assert v.session_left == 6.0 and v.progress == 0.0 and v.elapsed == pytest.approx(40.0)
    assert runner.next_change() == pytest.approx(clock.t + 1.0)  # the elapsed clock ticks on
    runner.answer("some")
    assert runner.status == "running"
    cues = runner.poll()
    assert [(c.kind, c.phase) for c in cues] == [("step", Phase.RAISE), ("phase", Phase.RAISE)]
    clock.advance(2.0)
    v = runner.view()
    assert (v.phase, v.count, v.session_left) == (Phase.RAISE, 3, pytest.approx(4.0))
    clock.advance(4.0)
    assert runner.status == "running" and runner.view().status == "observing"
    assert runner.view().question == "And now?"
    runner.skip()  # leave the question unanswered
    with pytest.raises(RuntimeError):
        runner.answer("x")  # no question waits any more
    assert runner.status == "finished"
    result = runner.results()
    assert result.answers == {"space-before": "some"}
    assert result.steps[0].answer == "some" and result.steps[0].question_key == "space-before"
    assert result.steps[2].answer is None and result.steps[2].skipped
    assert result.completed  # a skipped question does not spoil completion
    assert result.duration == pytest.approx(46.0)
    assert result.steps[0].seconds == pytest.approx(40.0)


def test_hurt_during_a_question():
    runner, clock = make(OBSERVED)
    runner.start()
    clock.advance(2)
    assert runner.hurt() == HurtAt(0, "rest", Side.NONE, 1, Phase.OBSERVE)
    assert runner.results().answers == {} and runner.results().duration == pytest.approx(2.0)


def test_answer_without_a_question_raises():
    runner, clock = make()
    runner.start()
    with pytest.raises(RuntimeError):
        runner.answer("hello")


def test_pause_during_a_question_then_answer():
    runner, clock = make(OBSERVED)
    runner.start()
    clock.advance(3)
    runner.pause()
    clock.advance(60)
    assert runner.view().question == "How much space?" and runner.view().paused
    runner.resume()
    assert runner.status == "observing"
    runner.pause()
    clock.advance(10)
    runner.answer("a lot")  # answering while paused resumes
    assert runner.status == "running"
    assert runner.results().duration == pytest.approx(3.0)


def test_back_from_a_question_goes_to_the_previous_block():
    runner, clock = make(OBSERVED)
    runner.start()
    runner.answer("some")
    at(runner, clock, clock.t, 6.2)
    assert runner.status == "observing"
    runner.back()
    v = runner.view()
    assert (v.status, v.phase, v.session_left) == ("running", Phase.RAISE, 6.0)
    runner.back()
    assert runner.status == "observing" and runner.view().question == "How much space?"
    runner.answer("a lot")
    assert runner.results().answers == {"space-before": "a lot"}


# --------------------------------------------------------------------------- tighter side


def test_the_tighter_side_gets_the_longer_hold():
    runner, clock = make(settings=Settings(tighter_side={"pigeon": Side.LEFT}))
    runner.start()
    t0 = clock.t
    left = at(runner, clock, t0, 20.5)
    assert (left.side, left.counts, left.phase_left) == (Side.LEFT, 4, pytest.approx(19.5))
    right = at(runner, clock, t0, 40.5)
    assert (right.side, right.counts, right.phase_left) == (Side.RIGHT, 3, pytest.approx(14.5))
    run_out(runner, clock)
    steps = runner.results().steps
    assert (steps[1].side, steps[1].hold_seconds, steps[1].seconds) == (Side.LEFT, 20.0, pytest.approx(20.0))
    assert (steps[2].side, steps[2].hold_seconds, steps[2].seconds) == (Side.RIGHT, 15.0, pytest.approx(15.0))
    assert runner.results().duration == 85.0


def test_tighter_extra_in_another_unit_is_a_seconds_countdown():
    routine = Routine(
        "r",
        "R",
        steps=(
            Step(
                "pigeon",
                StepKind.HOLD,
                hold=Hold(2, HoldUnit.BREATHS),
                sides=Side.LEFT,
                tighter_extra=Hold(4, HoldUnit.SECONDS),
            ),
        ),
    )
    runner, clock = make(routine, Settings(tighter_side={"pigeon": Side.LEFT}))
    runner.start()
    v = runner.view()
    assert (v.phase, v.unit, v.count, v.phase_left) == (Phase.BREATHE, "second", None, 14.0)


# --------------------------------------------------------------------------- clock jumps


def test_clock_jumping_backwards_never_rewinds():
    runner, clock = make()
    runner.start()
    t0 = clock.t
    before = at(runner, clock, t0, 30.0)
    clock.advance(-500.0)
    v = runner.view()
    assert v.session_left == before.session_left and v.elapsed == before.elapsed
    assert runner.poll() == []
    clock.advance(1.0)  # time goes on from where it was
    assert runner.view().session_left == pytest.approx(before.session_left - 1.0)
    cues = run_out(runner, clock)
    assert cues[-1].at == pytest.approx(t0 + 80.0 - 500.0)
    assert runner.results().duration == pytest.approx(80.0)


def test_small_forward_gap_counts_in_full():
    runner, clock = make()
    runner.start()
    t0 = clock.t
    at(runner, clock, t0, 10.0)
    clock.advance(SUSPEND_GAP)  # the event loop stalled: the person went on
    assert runner.view().session_left == pytest.approx(65.0)
    assert runner.results().duration == pytest.approx(15.0)


def test_huge_forward_gap_is_a_suspend():
    runner, clock = make()
    runner.start()
    t0 = clock.t
    at(runner, clock, t0, 10.0)
    clock.advance(3600.0)  # laptop lid closed for an hour
    v = runner.view()
    assert v.session_left == pytest.approx(70.0 - SUSPEND_CREDIT)
    assert v.elapsed == pytest.approx(10.0 + SUSPEND_CREDIT)
    assert runner.status == "running"
    cues = run_out(runner, clock)
    result = runner.results()
    assert result.duration == pytest.approx(80.0)
    assert result.paused == pytest.approx(3600.0 - SUSPEND_CREDIT)
    assert cues[-1].at == pytest.approx(t0 + 80.0 + 3600.0 - SUSPEND_CREDIT)


def test_gap_during_a_pause_is_just_pause():
    runner, clock = make()
    runner.start()
    at(runner, clock, clock.t, 10.0)
    runner.pause()
    clock.advance(3600.0)
    runner.resume()
    assert runner.view().session_left == pytest.approx(70.0)
    assert runner.results().paused == pytest.approx(3600.0)


# --------------------------------------------------------------------------- cues


def _key(cue: Cue) -> tuple:
    return (cue.kind, cue.phase, cue.text, cue.count, round(cue.at, 6))


def test_cues_come_once_each_in_order():
    runner, clock = make(settings=Settings(tighter_side={"pigeon": Side.RIGHT}))
    runner.start()
    t0 = clock.t
    cues: list[Cue] = []
    while not runner.done:
        clock.advance(0.5)
        runner.view()  # view() never eats cues
        cues += runner.poll()
        cues += runner.poll()  # a second poll at the same instant brings nothing new
    kinds = [(c.kind, c.phase, c.text) for c in cues]
    assert kinds[:3] == [
        ("step", Phase.RAISE, "Pelvic tilt"),
        ("phase", Phase.RAISE, "Raise"),
        ("phase", Phase.HOLD, "Hold"),
    ]
    assert kinds.count(("end", None, "Session complete")) == 1 and kinds[-1][0] == "end"
    assert [c.text for c in cues if c.kind == "step"] == [
        "Pelvic tilt",
        "Pigeon",
        "Cat-cow",
        "Child's pose",
        "Constructive rest",
    ]
    assert [c.text for c in cues if c.kind == "side"] == ["Left side", "Right side"]
    phases = [c.phase for c in cues if c.kind == "phase"]
    assert phases == [Phase.RAISE, Phase.HOLD, Phase.LOWER] * 2 + [Phase.BREATHE] * 2 + [
        Phase.FLOW,
        Phase.HOLD,
        Phase.REST,
        Phase.HOLD,
        Phase.REST,
    ]
    assert [c.at - t0 for c in cues if c.kind == "phase"] == [0, 4, 6, 10, 14, 16, 20, 35, 55, 65, 71, 74, 80]
    assert [c.at for c in cues] == sorted(c.at for c in cues)
    assert not any(c.kind == "count" for c in cues)  # count cues are opt-in
    assert len({_key(c) for c in cues}) == len(cues)


def test_count_cues_when_asked():
    runner, clock = make(count_cues=True)
    runner.start()
    t0 = clock.t
    cues = runner.poll()
    clock.set(t0 + 2.5)
    cues += runner.poll()
    assert [(c.kind, c.count) for c in cues] == [
        ("step", None),
        ("phase", None),
        ("count", 1),
        ("count", 2),
        ("count", 3),
    ]
    assert [c.at - t0 for c in cues if c.kind == "count"] == [0.0, 1.0, 2.0]
    cues += run_out(runner, clock, 0.7)
    counts = [c for c in cues if c.kind == "count"]
    # raise 4 + hold 2 + lower 4, twice; then 3 + 3 breaths; seconds phases have none.
    assert len(counts) == 2 * 10 + 6
    assert [c.count for c in counts[:10]] == [1, 2, 3, 4, 1, 2, 1, 2, 3, 4]


def test_late_polls_give_the_same_cues_as_fine_polls():
    fine, fclock = make(count_cues=True)
    fine.start()
    reference = fine.poll() + run_out(fine, fclock, 0.01)
    rough, rclock = make(count_cues=True)
    rough.start()
    got = rough.poll()
    rng = random.Random(7)
    while not rough.done:
        rclock.advance(rng.uniform(0.0, 4.9))
        got += rough.poll()
    assert [_key(c) for c in got] == [_key(c) for c in reference]


# --------------------------------------------------------------------------- next_change


def test_next_change_is_the_next_visible_change():
    runner, clock = make(settings=Settings(tempo=0.8))
    assert runner.next_change() is None  # not started
    runner.start()
    t0 = clock.t
    # raise is 4 counts of 0.8 s = 3.2 s: the phase countdown shows 4 until 3.0 s are left
    assert runner.next_change() == pytest.approx(t0 + 0.2)
    clock.set(t0 + 0.5)
    assert runner.next_change() == pytest.approx(t0 + 0.8)  # the next count
    clock.set(t0 + 0.85)
    assert runner.next_change() == pytest.approx(t0 + 1.0)  # the elapsed clock's next second
    clock.set(t0 + 2.0)
    # raise is 3.2 s: counts at 2.4; the phase countdown 1.2 -> next whole at 2.2
    assert runner.next_change() == pytest.approx(t0 + 2.2)


def test_a_ui_that_sleeps_until_next_change_ends_exactly():
    runner, clock = make(count_cues=True, settings=Settings(tempo=0.75, tighter_side={"pigeon": Side.LEFT}))
    runner.start()
    t0 = clock.t
    wakes = 0
    seen_counts = []
    while not runner.done:
        nxt = runner.next_change()
        assert nxt is not None and nxt > clock.t
        assert nxt - clock.t <= 1.0 + 1e-9
        clock.set(nxt)
        runner.poll()
        v = runner.view()
        seen_counts.append((v.block, v.rep, v.phase, v.count))
        wakes += 1
    assert runner.results().duration == pytest.approx(runner.planned_seconds, abs=1e-9)
    assert clock.t == pytest.approx(t0 + runner.planned_seconds, abs=1e-9)
    assert wakes < 4 * runner.planned_seconds  # not 60 fps
    # every count of the first raise was seen (the first one at start()), each on its beat
    assert sorted({c for b, r, p, c in seen_counts if (b, r, p) == (1, 1, Phase.RAISE)}) == [2, 3, 4]


# --------------------------------------------------------------------------- long runs with jitter


def _thirty_minutes() -> Routine:
    steps = []
    for i in range(6):
        steps += [
            Step("pelvic-tilt", StepKind.REPS, reps=6, raise_counts=3, lower_counts=3, hold=Hold(2)),
            Step(
                "pigeon",
                StepKind.HOLD,
                hold=Hold(8, HoldUnit.BREATHS),
                sides=Side.BOTH,
                tighter_extra=Hold(3, HoldUnit.BREATHS),
            ),
            Step("cat-cow", StepKind.FLOW, duration=60),
            Step("child", StepKind.HOLD, hold=Hold(30, HoldUnit.SECONDS), reps=2, rest_between=7.5),
            Step("rest", StepKind.REST, duration=45),
        ]
    return Routine("long", "Long", steps=tuple(steps))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_thirty_minutes_with_jittery_ticks_end_on_plan(seed):
    routine = _thirty_minutes()
    settings = Settings(tempo=1.1, breath_seconds=5.3, tighter_side={"pigeon": Side.LEFT})
    runner, clock = make(routine, settings, t0=12345.678)
    assert 25 * 60 < runner.planned_seconds < 35 * 60
    rng = random.Random(seed)
    runner.start()
    t0 = clock.t
    cues = runner.poll()
    while not runner.done:
        dt = rng.uniform(0.0, 0.3)
        if rng.random() < 0.05:  # a few missed ticks
            dt += rng.uniform(0.3, 3.0)
        clock.advance(dt)
        cues += runner.poll()
    end = cues[-1]
    assert end.kind == "end"
    assert abs(end.at - (t0 + runner.planned_seconds)) < 1e-3
    result = runner.results()
    assert abs(result.duration - runner.planned_seconds) < 1e-3
    assert result.completed
    assert abs(sum(s.seconds for s in result.steps) - result.duration) < 1e-6


# --------------------------------------------------------------------------- properties


actions = st.lists(
    st.tuples(st.sampled_from(["poll", "pause", "resume", "toggle", "view", "next"]), st.floats(0.0, 4.9)),
    max_size=60,
)


@given(actions)
@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_pauses_never_change_the_active_duration(script):
    runner, clock = make(settings=Settings(tighter_side={"pigeon": Side.RIGHT}))
    runner.start()
    t0 = clock.t
    paused_for = 0.0
    for action, dt in script:
        if runner.done:
            break
        was_paused = runner.status == "paused"
        clock.advance(dt)
        if was_paused:
            paused_for += dt
        if action == "poll":
            runner.poll()
        elif action == "pause":
            runner.pause()
        elif action == "resume":
            runner.resume()
        elif action == "toggle":
            runner.toggle_pause()
        elif action == "view":
            runner.view()
        else:
            runner.next_change()
    runner.resume()
    cues = []
    while not runner.done:
        clock.advance(0.5)
        cues += runner.poll()
    result = runner.results()
    assert result.duration == pytest.approx(85.0, abs=1e-9)
    assert result.paused == pytest.approx(paused_for, abs=1e-9)
    assert result.completed
    end = [c for c in cues if c.kind == "end"] or []
    if end:
        assert end[0].at == pytest.approx(t0 + 85.0 + paused_for, abs=1e-9)


@given(st.lists(st.floats(0.01, 4.99), min_size=1, max_size=400), st.sampled_from([0.5, 0.8, 1.0, 1.3]))
@hsettings(max_examples=100, deadline=None)
def test_any_tick_pattern_ends_at_the_same_instant(gaps, tempo):
    runner, clock = make(settings=Settings(tempo=tempo))
    runner.start()
    t0 = clock.t
    i = 0
    cues = []
    while not runner.done:
        clock.advance(gaps[i % len(gaps)])
        cues += runner.poll()
        i += 1
    assert cues[-1].kind == "end"
    assert cues[-1].at == pytest.approx(t0 + runner.planned_seconds, abs=1e-9)
    assert runner.results().duration == pytest.approx(runner.planned_seconds, abs=1e-9)


@given(
    st.lists(
        st.tuples(st.sampled_from(["skip", "back", "poll", "pause", "resume"]), st.floats(0.0, 3.0)),
        max_size=40,
    )
)
@hsettings(max_examples=100, deadline=None)
def test_step_seconds_always_add_up_to_the_active_duration(script):
    runner, clock = make(OBSERVED if len(script) % 2 else SAMPLE)
    runner.start()
    for action, dt in script:
        if runner.done:
            break
        clock.advance(dt)
        getattr(runner, action)()
        v = runner.view()
        assert 0.0 <= v.progress <= 1.0 and v.session_left >= 0.0
    result = runner.results()
    assert sum(s.seconds for s in result.steps) == pytest.approx(result.duration, abs=1e-6)


# --------------------------------------------------------------------------- the bridge program


def _bridge_program() -> Program:
    steps = (
        Step("hip-rocks", StepKind.REPS, reps=8, raise_counts=2, lower_counts=2, title="Hip rocks"),
        Step("back-roll", StepKind.REPS, reps=1, raise_counts=1, lower_counts=1),
        Step("hip-rocks", StepKind.REPS, reps=8, raise_counts=2, lower_counts=2, title="More hip rocks"),
    )
    bindings = (
        {},
        {
            "reps": "lifts",
            "raise_counts": "count",
            "lower_counts": "count",
            "hold": "hold",
            "pose_if_hold": "bridge",
        },
        {},
    )
    return Program("bridge", "Bridge program", "Lifts.", "000.txt", steps, bindings)


def _phases_of(runner: Runner, clock: FakeClock) -> list[tuple[str, int, Phase, float]]:
    """(pose, rep, phase, seconds) of each phase as it runs."""
    runner.start()
    seen = []
    last = None
    while not runner.done:
        v = runner.view()
        key = (v.pose_id, v.block, v.rep, v.phase)
        if key != last:
            seen.append((v.pose_id, v.rep, v.phase, v.phase_seconds))
            last = key
        clock.advance(0.5)
        runner.poll()
    return seen


def test_a_bridge_routine_runs_hip_rocks_then_back_rolls():
    routine = _bridge_program().routine_for(Prescription(lifts=3, count=5, hold=0))
    runner, clock = make(routine)
    assert runner.planned_seconds == 8 * 4 + 3 * 10 + 8 * 4
    seen = _phases_of(runner, clock)
    rolls = [s for s in seen if s[0] == "back-roll"]
    assert rolls == [
        ("back-roll", rep, phase, 5.0) for rep in (1, 2, 3) for phase in (Phase.RAISE, Phase.LOWER)
    ]
    assert seen[0] == ("hip-rocks", 1, Phase.RAISE, 2.0)
    assert seen.index(rolls[0]) == 16  # eight hip rocks first, raise and lower each
    assert runner.results().completed


def test_a_bridge_routine_with_a_hold_becomes_a_bridge():
    routine = _bridge_program().routine_for(Prescription(lifts=2, count=6, hold=4))
    runner, clock = make(routine)
    seen = _phases_of(runner, clock)
    bridge = [s for s in seen if s[0] == "bridge"]
    assert bridge == [
        ("bridge", rep, phase, secs)
        for rep in (1, 2)
        for phase, secs in ((Phase.RAISE, 6.0), (Phase.HOLD, 4.0), (Phase.LOWER, 6.0))
    ]
    steps = runner.results().steps
    assert (steps[1].pose, steps[1].reps_done, steps[1].raise_counts, steps[1].hold_seconds) == (
        "bridge",
        2,
        6,
        4.0,
    )


def test_the_shipped_bridge_program_runs():
    content = _content()
    library = content.load_library()
    if "bridge" not in library.programs:
        pytest.skip("the bridge program is not there yet")
    routine = library.routine("bridge", Prescription(4, 6, 0))
    clock = FakeClock()
    runner = Runner(routine, library.poses, Settings(), clock)
    seen = _phases_of(runner, clock)
    rolls = [s for s in seen if s[0] == "back-roll"]
    assert rolls == [
        ("back-roll", rep, phase, 6.0) for rep in (1, 2, 3, 4) for phase in (Phase.RAISE, Phase.LOWER)
    ]
    assert seen[0][0] == "hip-rocks"
    assert runner.results().duration == runner.planned_seconds == plan.planned_seconds(routine, Settings())


# --------------------------------------------------------------------------- edges


def test_an_empty_routine_finishes_at_once():
    routine = Routine("empty", "Empty", steps=(Step("handstand", StepKind.FLOW, duration=5, optional=True),))
    runner, clock = make(routine)
    assert runner.planned_seconds == 0.0
    runner.start()
    assert runner.status == "finished"
    assert [c.kind for c in runner.poll()] == ["end"]
    assert runner.view().progress == 1.0
    assert runner.results().completed and runner.results().steps == ()


def test_stop_before_start():
    runner, clock = make()
    runner.stop()
    assert runner.status == "stopped"
    assert runner.results().duration == 0.0


def test_the_runner_never_imports_textual():
    code = "import sys, tracker.runner; sys.exit(any(m == 'textual' or m.startswith(('textual.', 'rich')) for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
