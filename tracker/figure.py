"""A pose's figure at a phase of its move: lines and points for any renderer (no Textual here).

Phase 0 is the first keyframe, 1 the last; with more than two keyframes the
phase runs through them in order at equal steps. Between two keyframes the
bones' ANGLES are interpolated along the skeleton tree, not the joints'
points, so every bone keeps its length at every phase.

Anchoring: the joints that rest on the floor in both keyframes (y at most
REST_Y) stay resting. The tree is walked from the resting joint that moves
least (the feet of a bridge, the hands of a down dog), so that joint stays
put; every other resting joint has its incoming bone turned, keeping its
length, so that it lands at its resting height (the bridge's shoulders stay
on the floor while the hips rise). If nothing rests in both keyframes, the
tree's root moves in a straight line. Last, a figure that would dip below
the floor is lifted onto it.

A one-sided figure is authored working on the LEFT side; `mirror=True`
draws the right side: x flipped and every _l joint renamed _r. In a side
view the near limbs are the working side's; the others are marked `far`.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from functools import lru_cache

from tracker.model.enums import Phase
from tracker.model.figure import HEAD_RADIUS, Figure, other_side

REST_Y = 0.07  # a joint this close to the floor rests on it (the ankle stands at 0.039, the head's centre at 0.065)
ANCHOR_ORDER = (
    "foot_l", "foot_r", "ankle_l", "ankle_r", "hand_l", "hand_r", "knee_l", "knee_r",
    "hip", "hip_l", "hip_r", "shoulder", "shoulder_l", "shoulder_r", "elbow_l", "elbow_r", "neck", "head",
)  # fmt: skip
SAMPLES = 17  # phases sampled for a figure's extent
PHASE_STEPS = 48  # a shown phase is rounded to 1/48: renderers cache one drawing a step
FLOW_PERIOD = 8.0  # seconds of one to-and-fro between the keyframes of a flowing move (cat and cow)


@dataclass(frozen=True, slots=True)
class Segment:
    a: str
    b: str
    x1: float
    y1: float
    x2: float
    y2: float
    far: bool = False  # the far limb of a side view (drawn lighter, behind)


@dataclass(frozen=True, slots=True)
class Geometry:
    """A figure at one phase: its joints, its bones as segments, and the head's circle."""

    points: tuple[tuple[str, float, float], ...]
    segments: tuple[Segment, ...]
    head: tuple[float, float, float]  # centre x, centre y, radius

    def point(self, joint: str) -> tuple[float, float]:
        for name, x, y in self.points:
            if name == joint:
                return x, y
        raise KeyError(joint)

    def bounds(self) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) around every joint and the head's circle."""
        hx, hy, r = self.head
        xs = [x for _, x, _ in self.points] + [hx - r, hx + r]
        ys = [y for _, _, y in self.points] + [hy - r, hy + r]
        return min(xs), min(ys), max(xs), max(ys)

    def lowest(self) -> float:
        return self.bounds()[1]


def _wrap(angle: float) -> float:
    """An angle difference into (-pi, pi]."""
    angle = math.fmod(angle + math.pi, 2 * math.pi)
    if angle <= 0:
        angle += 2 * math.pi
    return angle - math.pi


def _lerp(a: float, b: float, t: float) -> float:
    return a + (b - a) * t


def _anchor(
    joints: tuple[str, ...], a: dict[str, tuple[float, float]], b: dict[str, tuple[float, float]]
) -> str | None:
    resting = [j for j in joints if a[j][1] <= REST_Y and b[j][1] <= REST_Y]
    if not resting:
        return None

    def key(joint: str) -> tuple[float, int]:
        moved = math.dist(a[joint], b[joint])
        order = ANCHOR_ORDER.index(joint) if joint in ANCHOR_ORDER else len(ANCHOR_ORDER)
        return round(moved, 4), order

    return min(resting, key=key)


def _root(figure: Figure) -> str:
    children = {child for _, child in figure.bones}
    return next(j for j in figure.joint_names if j not in children)


def _between(
    figure: Figure, a: dict[str, tuple[float, float]], b: dict[str, tuple[float, float]], t: float
) -> dict[str, tuple[float, float]]:
    """The joints between keyframes a and b at t in [0, 1]: angles interpolated outward from the anchor."""
    joints = figure.joint_names
    neighbours: dict[str, list[str]] = {j: [] for j in joints}
    for p, c in figure.bones:
        neighbours[p].append(c)
        neighbours[c].append(p)
    start = _anchor(joints, a, b) or _root(figure)
    resting = {j for j in joints if a[j][1] <= REST_Y and b[j][1] <= REST_Y}
    pos = {start: (_lerp(a[start][0], b[start][0], t), _lerp(a[start][1], b[start][1], t))}
    queue = deque([start])
    while queue:
        p = queue.popleft()
        for c in neighbours[p]:
            if c in pos:
                continue
            ang_a = math.atan2(a[c][1] - a[p][1], a[c][0] - a[p][0])
            ang_b = math.atan2(b[c][1] - b[p][1], b[c][0] - b[p][0])
            angle = ang_a + t * _wrap(ang_b - ang_a)
            length = _lerp(math.dist(a[p], a[c]), math.dist(b[p], b[c]), t)
            px, py = pos[p]
            if c in resting and length > 0:
                target = _lerp(a[c][1], b[c][1], t)
                s = (target - py) / length
                if -1 <= s <= 1:
                    first = math.asin(s)
                    angle = min((first, math.pi - first), key=lambda x: abs(_wrap(x - angle)))
            pos[c] = (px + length * math.cos(angle), py + length * math.sin(angle))
            queue.append(c)
    return pos


def _locate(figure: Figure, phase: float) -> tuple[int, float]:
    n = len(figure.keyframes)
    if n == 1:
        return 0, 0.0
    phase = min(1.0, max(0.0, phase))
    span = phase * (n - 1)
    index = min(int(span), n - 2)
    return index, span - index


def _mirrored(name: str, mirror: bool) -> str:
    return other_side(name) if mirror else name


@lru_cache(maxsize=4096)
def pose_at(figure: Figure, phase: float, mirror: bool = False) -> Geometry:
    """The figure at `phase` (0..1, clamped), the right side's version when `mirror`."""
    index, t = _locate(figure, phase)
    first = figure.keyframes[index].points()
    if len(figure.keyframes) == 1 or t == 0.0:
        pos = first
    else:
        second = figure.keyframes[index + 1].points()
        pos = second if t == 1.0 else _between(figure, first, second, t)
    low = min(min(y for _, y in pos.values()), pos["head"][1] - HEAD_RADIUS)
    lift = -low if low < 0 else 0.0
    sign = -1.0 if mirror else 1.0
    placed = {_mirrored(j, mirror): (sign * x, y + lift) for j, (x, y) in pos.items()}
    far_suffix = "_l" if mirror else "_r"
    segments = tuple(
        Segment(
            _mirrored(p, mirror),
            _mirrored(c, mirror),
            *placed[_mirrored(p, mirror)],
            *placed[_mirrored(c, mirror)],
            far=figure.view == "side" and (_mirrored(c, mirror).endswith(far_suffix)),
        )  # fmt: skip
        for p, c in figure.bones
    )
    hx, hy = placed["head"]
    points = tuple((j, x, y) for j, (x, y) in placed.items())
    return Geometry(points, segments, (hx, hy, HEAD_RADIUS))


@lru_cache(maxsize=512)
def extent(figure: Figure, mirror: bool = False) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) around the figure at every phase: a frame that holds still while the figure moves."""
    boxes = [pose_at(figure, i / (SAMPLES - 1), mirror).bounds() for i in range(SAMPLES)]
    return (
        min(b[0] for b in boxes),
        min(min(b[1] for b in boxes), 0.0),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def bone_lengths(figure: Figure, geometry: Geometry) -> dict[tuple[str, str], float]:
    """Each bone's length in `geometry` (named as in the figure, before any mirroring)."""
    return {(s.a, s.b): math.hypot(s.x2 - s.x1, s.y2 - s.y1) for s in geometry.segments}


def keyframe_phases(figure: Figure) -> tuple[tuple[str, float], ...]:
    """Each keyframe's name and its phase: 0 for the first, 1 for the last."""
    n = len(figure.keyframes)
    return tuple((k.name, i / (n - 1) if n > 1 else 0.0) for i, k in enumerate(figure.keyframes))


@dataclass(frozen=True, slots=True)
class Frame:
    """What a renderer draws: the figure at one phase, in a box that holds it at every phase."""

    geometry: Geometry
    box: tuple[float, float, float, float]  # extent(figure): x0, y0, x1, y1
    floor: bool  # draw the floor line (False: seen from above)
    view: str
    phase: float


def frame(figure: Figure, phase: float, mirror: bool = False) -> Frame:
    """The figure at `phase` (rounded to PHASE_STEPS, so equal phases share one cached drawing)."""
    step = round(min(1.0, max(0.0, phase)) * PHASE_STEPS) / PHASE_STEPS
    return Frame(pose_at(figure, step, mirror), extent(figure, mirror), figure.floor, figure.view, step)


def move_phase(phase: Phase | None, left: float | None, seconds: float) -> float:
    """Where the figure stands in its move while the runner is in `phase` with `left` of `seconds` to go.

    Raise goes from the start keyframe (0) to the end (1) over its counts, lower comes back,
    a hold, a rest or the end of a session stays at the end; a question (observe) shows the
    start; a flow goes to and fro every FLOW_PERIOD seconds. Paused, the runner's view stands
    still, and so does this.
    """
    done = 0.0 if not seconds or left is None else min(1.0, max(0.0, 1.0 - left / seconds))
    if phase is Phase.RAISE:
        return done
    if phase is Phase.LOWER:
        return 1.0 - done
    if phase is Phase.OBSERVE:
        return 0.0
    if phase is Phase.FLOW and seconds and left is not None:
        spent = seconds - left
        return (1.0 - math.cos(2 * math.pi * spent / FLOW_PERIOD)) / 2
    return 1.0
