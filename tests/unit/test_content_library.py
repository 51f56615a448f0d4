"""The shipped content library: it loads clean, and it holds what content-facts.md asks for.

Routines are found by their `source` seed and their poses rather than by
guessed ids wherever the brief leaves the id open.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tracker.content import Library, load_builtin, load_library
from tracker.model import Hold, HoldUnit, Prescription, Program, Routine, Settings, Side, StepKind
from tracker.paths import builtin_content_dir
from tracker.plan import planned_seconds

SEEDS = {
    "program": "000_c89e44dd2c1bee51.txt",
    "class": "001_28fcc22c074eb76a.txt",
    "pose-set": "002_e0dae68e250e78fb.txt",
    "tilt-check": "003_51468521fa26ba19.txt",
    "flows": "004_dcd1270630615d12.txt",
}
DEFAULT = Settings(tempo=1.0, breath_seconds=5.0)


@pytest.fixture(scope="module")
def library() -> Library:
    return load_builtin()


def everything(library: Library) -> list[Routine | Program]:
    return [*library.routines.values(), *library.programs.values()]


def by_source(library: Library, seed: str) -> list[Routine]:
    return [r for r in library.routines.values() if r.source == SEEDS[seed]]


def poses_of(routine: Routine) -> list[str]:
    return [step.pose for step in routine.steps]


def test_every_shipped_file_loads_without_errors(library, tmp_path):
    files = sorted(builtin_content_dir().glob("*/*.toml"))
    assert len(files) >= 5
    assert library.errors == ()
    with_user_folder = load_library(tmp_path / "routines")
    assert with_user_folder.errors == ()
    assert set(with_user_folder.routines) == set(library.routines)


def test_the_library_loads_fast():
    load_builtin()
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        load_builtin()
        timings.append(time.perf_counter() - start)
    # It runs at app start-up; tomllib itself is most of it. Generous for slow CI machines.
    assert min(timings) < 0.25


def test_at_least_25_poses_each_with_a_cue_and_a_seed(library):
    assert len(library.poses) >= 25
    for pose in library.poses.values():
        assert pose.cue, pose.id
        assert pose.source in SEEDS.values(), pose.id


def test_every_seed_is_the_source_of_some_routine_or_program(library):
    sources = {item.source for item in everything(library)}
    assert set(SEEDS.values()) <= sources
    for item in everything(library):
        assert item.source in SEEDS.values(), item.id


def test_every_routine_is_runnable(library):
    for item in everything(library):
        routine = library.routine(item.id)
        assert routine.steps, item.id
        assert all(step.pose in library.poses for step in routine.steps)
        assert planned_seconds(routine, DEFAULT) > 0, item.id
        assert routine.name and routine.origin == "builtin"


def test_every_next_points_at_a_routine(library):
    for item in everything(library):
        if item.next is not None:
            assert item.next in library.ids(), item.id


def test_no_default_routine_uses_an_advanced_pose_unless_optional(library):
    advanced = {pose.id for pose in library.poses.values() if pose.advanced}
    for item in everything(library):
        for step in library.routine(item.id).steps:
            if step.pose in advanced:
                assert step.optional, (item.id, step.pose)
    for program in library.programs.values():
        for binding in program.bindings:
            assert binding.get("pose_if_hold") not in advanced


def test_observation_keys_are_unique_within_each_routine(library):
    for item in everything(library):
        keys = [s.observe.key for s in library.routine(item.id).steps if s.observe]
        assert len(keys) == len(set(keys)), item.id


# ---------------------------------------------------------------- seed 000: the bridge program


def test_the_bridge_program(library):
    program = library.programs["bridge"]
    assert program.source == SEEDS["program"]
    assert program.rules.start == Prescription(2, 4, 0)
    rules = program.rules
    assert (rules.max_lifts, rules.max_count, rules.first_hold, rules.max_hold) == (8, 8, 4, 8)
    assert "bridge" not in library.routines  # runnable through library.routine("bridge")


@pytest.mark.parametrize(
    "prescription",
    [Prescription(2, 4, 0), Prescription(8, 4, 0), Prescription(8, 4, 4), Prescription(8, 8, 8)],
    ids=str,
)
def test_the_bridge_program_binds_each_level(library, prescription):
    routine = library.routine("bridge", prescription)
    steps = routine.steps
    assert routine.program == "bridge" and routine.id == "bridge"
    assert steps[0].pose == "hip-rocks" and steps[0].kind is StepKind.REPS  # hip rocks first, always
    lifts = [i for i, s in enumerate(steps) if s.pose in ("back-roll", "bridge")]
    assert len(lifts) == 1
    lift = steps[lifts[0]]
    assert lifts[0] > 0
    assert lift.kind is StepKind.REPS
    assert (lift.reps, lift.raise_counts, lift.lower_counts) == (
        prescription.lifts,
        prescription.count,
        prescription.count,
    )
    if prescription.hold:
        assert lift.pose == "bridge"
        assert lift.hold == Hold(prescription.hold, HoldUnit.COUNTS)
    else:
        assert lift.pose == "back-roll"
        assert lift.hold is None
    # hip rocks are never dropped, and they do not change with the level
    assert [s for s in steps if s.pose == "hip-rocks"] == [
        s for s in library.routine("bridge").steps if s.pose == "hip-rocks"
    ]
    expected = sum(
        s.reps * (s.raise_counts + s.lower_counts + (s.hold.amount if s.hold else 0)) for s in steps
    )  # every step here is counted reps at 1 s per count
    assert planned_seconds(routine, DEFAULT) == expected


def test_the_default_prescription_is_the_start(library):
    assert library.routine("bridge") == library.routine("bridge", Prescription(2, 4, 0))


def test_the_series_that_follows_the_program(library):
    program = library.programs["bridge"]
    assert program.next == "bridge-series-next"
    series = library.routines["bridge-series-next"]
    assert series.source == SEEDS["program"]
    names = " ".join(library.poses[p].name.lower() for p in poses_of(series))
    for word in ("child", "cat", "downward", "upward", "cobra"):
        assert word in names


# ---------------------------------------------------------------- seed 001: the 30-minute class


def the_class(library: Library) -> Routine:
    [routine] = by_source(library, "class")
    return routine


def test_the_class_plans_25_to_40_minutes(library):
    minutes = planned_seconds(the_class(library), DEFAULT) / 60
    assert 25 <= minutes <= 40


def test_the_class_follows_the_seed_order(library):
    routine = the_class(library)
    poses = poses_of(routine)
    assert poses[0] == "child" and poses[-1] in ("child", "savasana", "constructive-rest")
    assert (
        poses.index("low-lunge")
        < poses.index("half-split")
        < poses.index("sphinx")
        < poses.index("downward-dog")
    )
    assert "locust" in poses and "cobra" in " ".join(poses)
    assert any(s.sides is Side.BOTH for s in routine.steps)
    props = " ".join(routine.props).lower()
    assert "strap" in props and "block" in props


# ---------------------------------------------------------------- seed 002: the general pose set


def test_the_general_pose_set(library):
    routines = by_source(library, "pose-set")
    assert routines
    used = {pose for routine in routines for pose in poses_of(routine)}
    for pose in ("cat-cow", "child", "cobra", "bridge", "two-knee-twist", "knees-to-chest", "figure-four"):
        assert pose in used, pose
    cat_cow = [s for r in routines for s in r.steps if s.pose == "cat-cow"]
    assert all(s.kind is StepKind.FLOW and s.duration >= 60 for s in cat_cow)  # at least a minute


# ---------------------------------------------------------------- seed 003: the pelvic-tilt check


def test_the_pelvic_tilt_check_observes_before_and_after(library):
    routine = library.routines["pelvic-tilt-check"]
    assert routine.source == SEEDS["tilt-check"]
    kinds = [s.kind for s in routine.steps]
    tilts = next(i for i, s in enumerate(routine.steps) if s.kind is StepKind.REPS)
    observe = [i for i, k in enumerate(kinds) if k is StepKind.OBSERVE]
    assert any(i < tilts for i in observe) and any(i > tilts for i in observe)
    assert "child" in poses_of(routine)
    for i in observe:
        assert routine.steps[i].observe.question and routine.steps[i].observe.key


# ---------------------------------------------------------------- seed 004: a floor flow and a standing sequence


def test_the_floor_flow(library):
    flows = [r for r in by_source(library, "flows") if "cobra" in poses_of(r) and "child" in poses_of(r)]
    assert flows
    poses = poses_of(flows[0])
    assert poses[0] == "cat-cow" and poses[-1] == "child"
    assert poses.count("cobra") >= 2 and "half-revolved-belly" in poses
    assert "handstand" not in poses or all(s.optional for s in flows[0].steps if s.pose == "handstand")


def test_the_standing_sequence(library):
    standing = [r for r in by_source(library, "flows") if {"triangle", "chair"} <= set(poses_of(r))]
    assert standing
    routine = standing[0]
    assert "fish" in poses_of(routine)
    assert any("lunge" in pose for pose in poses_of(routine))
    triangle = next(s for s in routine.steps if s.pose == "triangle")
    assert triangle.sides is Side.BOTH and triangle.tighter_extra is not None  # the tighter side longer


def test_builtin_content_dir_is_the_checkout_content():
    assert (builtin_content_dir() / "FORMAT.md").is_file() or builtin_content_dir().name == "_content"
    assert Path(builtin_content_dir(), "programs", "bridge.toml").is_file()
