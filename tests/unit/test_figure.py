"""Pose figures: the shipped figures' geometry, the interpolation that keeps bones at their lengths, the reader's checks.

Held-out checks of what the drawings must teach (design.md, "Pose figures"):
the bridge's shoulders and head stay down while the hips rise, constructive
rest has its feet flat and knees up, standing poses stand on their feet.
"""

from __future__ import annotations

import math
from pathlib import Path
from textwrap import dedent

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tracker.content import ContentError, check_file, load_builtin, load_file
from tracker.figure import REST_Y, bone_lengths, extent, pose_at
from tracker.model import Figure
from tracker.model.figure import HEAD_RADIUS

LIBRARY = load_builtin()
POSES = sorted(LIBRARY.poses.values(), key=lambda p: p.id)
FIGURES = {p.id: p.figure for p in POSES if p.figure is not None}
STANDING = ("low-lunge", "half-split", "lunge-arm-lifts", "half-forward-fold", "standing-forward-fold",
            "chair-heel-lift", "chair-twist", "chair", "triangle")  # fmt: skip


def fig(pose_id: str) -> Figure:
    return FIGURES[pose_id]


def lengths(figure: Figure, points: dict[str, tuple[float, float]]) -> dict[tuple[str, str], float]:
    return {(a, b): math.dist(points[a], points[b]) for a, b in figure.bones}


def lowest(points: dict[str, tuple[float, float]]) -> float:
    return min(min(y for _, y in points.values()), points["head"][1] - HEAD_RADIUS)


def test_every_shipped_pose_has_a_figure() -> None:
    assert len(POSES) == 41
    assert [p.id for p in POSES if p.figure is None] == []


@pytest.mark.parametrize("pose_id", sorted(FIGURES))
def test_every_keyframe_keeps_each_bone_within_3_percent_of_the_first(pose_id: str) -> None:
    figure = fig(pose_id)
    first = lengths(figure, figure.keyframes[0].points())
    for keyframe in figure.keyframes[1:]:
        for bone, length in lengths(figure, keyframe.points()).items():
            assert abs(length - first[bone]) <= 0.03 * first[bone], (pose_id, keyframe.name, bone)


@pytest.mark.parametrize("pose_id", sorted(p for p, f in FIGURES.items() if f.floor))
def test_every_floor_pose_touches_the_floor_and_nothing_goes_below(pose_id: str) -> None:
    lows = [lowest(k.points()) for k in fig(pose_id).keyframes]
    assert min(lows) == pytest.approx(0.0, abs=0.002), (pose_id, lows)  # the pose touches y = 0
    # ...and stays on the floor in every keyframe: a body lying on its trunk line (drawn at the head's
    # radius, its half thickness) whose head and legs lift, as in locust, still rests on it.
    assert all(-1e-6 <= low <= REST_Y for low in lows), (pose_id, lows)
    for i in range(11):
        assert pose_at(fig(pose_id), i / 10).lowest() >= -1e-9


def test_the_bridge_keeps_shoulders_and_head_down_while_the_hips_rise() -> None:
    bridge = fig("bridge")
    floor, top = (k.points() for k in bridge.keyframes)
    assert top["hip"][1] > floor["hip"][1] + 0.1
    for phase in (0.0, 0.25, 0.5, 0.75, 1.0):
        g = pose_at(bridge, phase)
        assert g.point("shoulder")[1] == pytest.approx(floor["shoulder"][1], abs=0.003)
        assert g.point("head")[1] - HEAD_RADIUS == pytest.approx(
            0.0, abs=0.003
        )  # the head rests on the floor
        for foot in ("foot_l", "foot_r"):
            assert g.point(foot) == pytest.approx(floor[foot], abs=0.003)  # the feet stay planted
    heights = [pose_at(bridge, p).point("hip")[1] for p in (0.0, 0.5, 1.0)]
    assert heights == sorted(heights) and heights[0] < heights[1] < heights[2]


def test_constructive_rest_has_the_feet_flat_and_the_knees_up() -> None:
    points = fig("constructive-rest").keyframes[0].points()
    for side in "lr":
        assert points[f"foot_{side}"][1] == pytest.approx(0.0, abs=0.002)
        assert points[f"ankle_{side}"][1] < 0.06  # the sole on the floor
        assert (
            points[f"knee_{side}"][1] > points["hip"][1] + 0.15
        )  # the knee points up, well above hip and ankle
        assert points[f"knee_{side}"][1] > points[f"ankle_{side}"][1] + 0.15
    assert points["shoulder"][1] < 0.07 and points["hip"][1] < 0.07  # the back lies down


@pytest.mark.parametrize("pose_id", STANDING)
def test_standing_poses_stand_on_their_feet(pose_id: str) -> None:
    for keyframe in fig(pose_id).keyframes:
        points = keyframe.points()
        low = lowest(points)
        feet = [j for j in points if j.startswith(("foot_", "ankle_", "knee_"))]
        assert min(points[j][1] for j in feet) == pytest.approx(low, abs=0.002), (pose_id, keyframe.name)
        assert (
            points["hip"][1] > 0.2
        )  # up off the floor (a low lunge kneels on its back knee), not sitting or lying
        assert all(
            points[h][1] > 0.02
            for h in ("hand_l", "hand_r")
            if pose_id not in ("half-split", "lunge-arm-lifts")
        )


def test_a_sided_figure_mirrors_to_the_right_side() -> None:
    figure = fig("low-lunge")
    left, right = pose_at(figure, 1.0), pose_at(figure, 1.0, True)
    assert right.point("knee_r") == pytest.approx((-left.point("knee_l")[0], left.point("knee_l")[1]))
    near_left = {(s.a, s.b) for s in left.segments if not s.far}
    near_right = {(s.a, s.b) for s in right.segments if not s.far}
    assert ("hip", "knee_l") in near_left and ("hip", "knee_r") in near_right  # the working leg is drawn near


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(FIGURES)), st.floats(0.0, 1.0), st.booleans())
def test_the_interpolated_figure_keeps_its_bone_lengths_at_any_phase(
    pose_id: str, phase: float, mirror: bool
) -> None:
    figure = fig(pose_id)
    first = lengths(figure, figure.keyframes[0].points())
    rename = (
        (lambda j: j.replace("_l", "_R").replace("_r", "_l").replace("_R", "_r")) if mirror else (lambda j: j)
    )
    drawn = {
        (rename(a), rename(b)): n
        for (a, b), n in bone_lengths(figure, pose_at(figure, phase, mirror)).items()
    }
    for (a, b), length in first.items():
        assert drawn[(rename(a), rename(b))] == pytest.approx(length, rel=0.03, abs=1e-9), (
            pose_id,
            phase,
            a,
            b,
        )
    x0, y0, x1, y1 = extent(figure, mirror)
    bx0, by0, bx1, by1 = pose_at(figure, phase, mirror).bounds()
    assert (
        x0 - 0.02 <= bx0 and bx1 <= x1 + 0.02 and by1 <= y1 + 0.02
    )  # the frame holds the figure at any phase


# --------------------------------------------------------------------------- the reader

GOOD = dedent(
    """\
    [[pose]]
    id = "my-lift"
    name = "My lift"
    cues = ["Lift."]
    figure.view = "side"
    figure.bones = [["hip", "shoulder"], ["shoulder", "neck"], ["neck", "head"]]
    figure.keyframes.down = { hip = [0, 0.065], shoulder = [0.288, 0.065], neck = [0.34, 0.065], head = [0.405, 0.065] }
    figure.keyframes.up = { hip = [0, 0.065], shoulder = [0.2736, 0.155], neck = [0.32, 0.18], head = [0.38, 0.2] }
    """
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.toml"
    path.write_text(text)
    return path


def test_a_user_file_may_bring_its_own_pose_with_a_figure(tmp_path: Path) -> None:
    library = load_file(write(tmp_path, GOOD))
    figure = library.poses["my-lift"].figure
    assert figure is not None and [k.name for k in figure.keyframes] == ["down", "up"]
    assert pose_at(figure, 0.5).point("hip") == pytest.approx((0.0, 0.065))


@pytest.mark.parametrize(
    ("old", "new", "field", "line", "words"),
    [
        (
            'figure.view = "side"',
            'figure.view = "top"',
            "pose[0].figure.view",
            5,
            "expected one of side, front",
        ),
        ('["neck", "head"]]', '["neck", "hed"]]', "pose[0].figure.bones[2]", 6, "unknown joint 'hed'"),
        (
            "shoulder = [0.2736, 0.155]",
            "shoulder = [0.2, 0.155]",
            "pose[0].figure.keyframes.up.shoulder",
            8,
            "within 3%",
        ),
        (", head = [0.38, 0.2] }", " }", "pose[0].figure.keyframes.up", 8, "missing joint(s): head"),
        (
            "hip = [0, 0.065], shoulder = [0.288",
            "hip = [0, -0.2], shoulder = [0.288",
            "pose[0].figure.keyframes.down.hip",
            7,
            "below the floor",
        ),
        ("neck = [0.32, 0.18]", 'neck = "up"', "pose[0].figure.keyframes.up.neck", 8, "expected [x, y]"),
        (
            '["hip", "shoulder"], ',
            '["hip", "shoulder"], ["hip", "neck"], ',
            "pose[0].figure.bones[2]",
            6,
            "one parent",
        ),
    ],
)
def test_a_bad_figure_is_reported_with_file_line_and_field(
    tmp_path: Path, old: str, new: str, field: str, line: int, words: str
) -> None:
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    problems = check_file(path)
    assert problems, "expected a problem"
    first = problems[0]
    assert isinstance(first, ContentError)
    assert (first.path, first.field, first.line) == (path, field, line), str(first)
    assert words in first.message


def test_bones_that_loop_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('["hip", "shoulder"], ', '["hip", "shoulder"], ["head", "hip"], ', 1))
    (problem,) = check_file(path)
    assert (problem.field, problem.line) == ("pose[0].figure.bones", 6) and "loop" in problem.message


def test_the_phase_follows_the_runner_raise_hold_lower_and_a_flow() -> None:
    from tracker.figure import FLOW_PERIOD, move_phase
    from tracker.model import Phase

    assert [move_phase(Phase.RAISE, left, 4.0) for left in (4.0, 2.0, 0.0)] == [0.0, 0.5, 1.0]
    assert move_phase(Phase.HOLD, 3.0, 5.0) == 1.0  # a hold stays at the end
    assert [move_phase(Phase.LOWER, left, 4.0) for left in (4.0, 1.0, 0.0)] == [1.0, 0.25, 0.0]
    assert move_phase(Phase.OBSERVE, None, 0.0) == 0.0 and move_phase(None, None, 0.0) == 1.0
    assert move_phase(Phase.FLOW, 60.0, 60.0) == 0.0
    assert move_phase(Phase.FLOW, 60.0 - FLOW_PERIOD / 2, 60.0) == pytest.approx(1.0)


def test_the_service_draws_the_working_side(tmp_path: Path) -> None:
    from tracker.model import Side
    from tracker.service import Backroll

    with Backroll(tmp_path / "home") as service:
        left = service.pose_frame("low-lunge", 1.0, Side.LEFT)
        right = service.pose_frame("low-lunge", 1.0, Side.RIGHT)
        assert left is not None and right is not None and service.pose_frame("no-such-pose") is None
        assert right.geometry.point("foot_r")[0] == pytest.approx(-left.geometry.point("foot_l")[0])
        assert service.pose_frame("bridge", 0.0).phase == 0.0 and service.pose_frame("bridge").phase == 1.0
