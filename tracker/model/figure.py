"""A pose's figure as content: a view, the bones between named joints, and keyframes of joint coordinates.

Coordinates are y up, the floor at y = 0, one unit = the standing body's
height. The first keyframe is where a move starts (phase 0), the last where
it ends (phase 1). tracker.figure turns a figure and a phase into geometry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

VIEWS = ("side", "front")

# Side view: one shoulder and one hip point on the trunk line; both arms and legs (_l, _r).
# Front view adds the shoulder and hip joints of each side, hung off the trunk's mid points.
LIMB_JOINTS = (
    "elbow_l", "elbow_r", "hand_l", "hand_r", "knee_l", "knee_r", "ankle_l", "ankle_r", "foot_l", "foot_r",
)  # fmt: skip
TRUNK_JOINTS = ("head", "neck", "shoulder", "hip")
FRONT_JOINTS = ("shoulder_l", "shoulder_r", "hip_l", "hip_r")
JOINTS: dict[str, tuple[str, ...]] = {
    "side": TRUNK_JOINTS + LIMB_JOINTS,
    "front": TRUNK_JOINTS + FRONT_JOINTS + LIMB_JOINTS,
}
HEAD_RADIUS = 0.065  # chin to crown 0.130 of the height: the head is drawn as a circle around `head`


def other_side(joint: str) -> str:
    """elbow_l <-> elbow_r; a trunk joint is its own mirror."""
    if joint.endswith("_l"):
        return joint[:-2] + "_r"
    if joint.endswith("_r"):
        return joint[:-2] + "_l"
    return joint


@dataclass(frozen=True, slots=True)
class Keyframe:
    name: str
    joints: tuple[tuple[str, float, float], ...]  # (joint, x, y), in the bones' order of first mention

    def points(self) -> dict[str, tuple[float, float]]:
        return {name: (x, y) for name, x, y in self.joints}


@dataclass(frozen=True, slots=True)
class Figure:
    view: str  # "side" | "front"
    bones: tuple[tuple[str, str], ...]  # (parent, child): a tree over the joints
    keyframes: tuple[Keyframe, ...]  # at least one; first = start, last = end
    floor: bool = True  # False: seen from above (a lying twist), y runs along the floor and no floor is drawn

    @property
    def joint_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(j for bone in self.bones for j in bone))

    def keyframe(self, name: str) -> Keyframe:
        return next(k for k in self.keyframes if k.name == name)

    @staticmethod
    def build(
        view: str,
        bones: list[tuple[str, str]],
        keyframes: Mapping[str, Mapping[str, tuple[float, float]]],
        floor: bool = True,
    ) -> Figure:
        return Figure(
            view,
            tuple((a, b) for a, b in bones),
            tuple(
                Keyframe(name, tuple((j, float(p[0]), float(p[1])) for j, p in points.items()))
                for name, points in keyframes.items()
            ),
            floor,
        )
