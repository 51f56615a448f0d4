"""Author the pose figures of content/poses/*.toml from segment lengths and angles (not shipped).

Run from the repository root: `python scripts/author_figures.py`. Each figure is
built joint by joint from the body proportions of the design brief (fractions
of the standing height, after Winter / Drillis and Contini): a bone's far joint
is its near joint plus its length at an angle, so every bone has its length
exactly; two-bone reaches (a knee between a hip and a planted foot) are solved
by the law of cosines. The script then rewrites the `figure.*` lines at the
end of each [[pose]] table. Angles are degrees, 0 = +x, 90 = straight up.
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

HEAD_R = 0.065
LEN = {
    "shoulder": 0.288, "neck": 0.052, "head": HEAD_R,
    "elbow": 0.186, "hand": 0.200,  # upper arm; forearm 0.146 + half the hand 0.108: the point is the palm
    "knee": 0.245, "ankle": 0.246, "foot": 0.120,  # thigh, shank, ankle to toe (foot 0.152 less the heel)
    "shoulder_lr": 0.1295, "hip_lr": 0.0955,  # half the shoulder width 0.259, half the hip width 0.191
}  # fmt: skip
FLAT = -19.0  # a foot standing flat: ankle 0.039 above the floor, toe on it

SIDE_BONES = [
    ("hip", "shoulder"), ("shoulder", "neck"), ("neck", "head"),
    ("shoulder", "elbow_l"), ("elbow_l", "hand_l"), ("shoulder", "elbow_r"), ("elbow_r", "hand_r"),
    ("hip", "knee_l"), ("knee_l", "ankle_l"), ("ankle_l", "foot_l"),
    ("hip", "knee_r"), ("knee_r", "ankle_r"), ("ankle_r", "foot_r"),
]  # fmt: skip
FRONT_BONES = [
    ("hip", "shoulder"), ("shoulder", "neck"), ("neck", "head"),
    ("shoulder", "shoulder_l"), ("shoulder_l", "elbow_l"), ("elbow_l", "hand_l"),
    ("shoulder", "shoulder_r"), ("shoulder_r", "elbow_r"), ("elbow_r", "hand_r"),
    ("hip", "hip_l"), ("hip_l", "knee_l"), ("knee_l", "ankle_l"), ("ankle_l", "foot_l"),
    ("hip", "hip_r"), ("hip_r", "knee_r"), ("knee_r", "ankle_r"), ("ankle_r", "foot_r"),
]  # fmt: skip


def bone_key(joint: str) -> str:
    if joint in ("shoulder_l", "shoulder_r"):
        return "shoulder_lr"
    if joint in ("hip_l", "hip_r"):
        return "hip_lr"
    return joint.removesuffix("_l").removesuffix("_r")


class Body:
    """Joints placed one bone at a time from the hip."""

    def __init__(
        self,
        view: str = "side",
        hip: tuple[float, float] = (0.0, 0.53),
        lengths: dict[str, float] | None = None,
    ):
        self.view = view
        self.bones = SIDE_BONES if view == "side" else FRONT_BONES
        self.parent = {c: p for p, c in self.bones}
        self.len = {**LEN, **(lengths or {})}
        self.p: dict[str, tuple[float, float]] = {"hip": hip}

    def length(self, joint: str) -> float:
        return self.len.get(joint, self.len[bone_key(joint)])

    def go(self, joint: str, deg: float) -> Body:
        px, py = self.p[self.parent[joint]]
        r = self.length(joint)
        self.p[joint] = (px + r * math.cos(math.radians(deg)), py + r * math.sin(math.radians(deg)))
        return self

    def chain(self, *pairs: tuple[str, float]) -> Body:
        for joint, deg in pairs:
            self.go(joint, deg)
        return self

    def reach(self, mid: str, end: str, target: tuple[float, float], bend: float = 1.0) -> Body:
        """Place `mid` and `end` (two bones from mid's parent) so that `end` lands on `target` (or points at it)."""
        base = self.p[self.parent[mid]]
        a, b = self.length(mid), self.length(end)
        dx, dy = target[0] - base[0], target[1] - base[1]
        d = min(math.hypot(dx, dy), a + b - 1e-9)
        d = max(d, abs(a - b) + 1e-9)
        toward = math.atan2(dy, dx)
        inner = math.acos((a * a + d * d - b * b) / (2 * a * d))
        ang = toward + bend * inner
        self.p[mid] = (base[0] + a * math.cos(ang), base[1] + a * math.sin(ang))
        m = self.p[mid]
        ang2 = math.atan2(base[1] + d * math.sin(toward) - m[1], base[0] + d * math.cos(toward) - m[0])
        self.p[end] = (m[0] + b * math.cos(ang2), m[1] + b * math.sin(ang2))
        return self

    def arm(self, side: str, upper: float, fore: float) -> Body:
        return self.chain((f"elbow_{side}", upper), (f"hand_{side}", fore))

    def leg(self, side: str, thigh: float, shank: float, foot: float = FLAT) -> Body:
        return self.chain((f"knee_{side}", thigh), (f"ankle_{side}", shank), (f"foot_{side}", foot))

    def trunk(self, deg: float, neck: float | None = None, head: float | None = None) -> Body:
        neck = deg if neck is None else neck
        return self.chain(("shoulder", deg), ("neck", neck), ("head", neck if head is None else head))

    def lowest(self) -> float:
        return min(min(y for _, y in self.p.values()), self.p["head"][1] - HEAD_R)

    def grounded(self, floor: bool = True, lying: bool = False) -> dict[str, tuple[float, float]]:
        """The joints moved onto the floor: the lowest point to y = 0; `lying`: only lifted out of the floor,
        so a body lying on its trunk line (at the head's radius) keeps it there when its ends lift."""
        missing = [j for p, c in self.bones for j in (p, c) if j not in self.p]
        assert not missing, missing
        dy = -self.lowest() if floor else -min(y for _, y in self.p.values()) + 0.05
        if lying:
            dy = max(0.0, dy)
        dx = 0.0
        order = list(dict.fromkeys(j for bone in self.bones for j in bone))
        return {j: (round(self.p[j][0] + dx, 4), round(self.p[j][1] + dy, 4)) for j in order}


def solve(f, lo: float, hi: float) -> float:
    """x in [lo, hi] with f(x) = 0 by bisection (f changes sign)."""
    flo = f(lo)
    for _ in range(60):
        mid = (lo + hi) / 2
        if (f(mid) > 0) == (flo > 0):
            lo, flo = mid, f(mid)
        else:
            hi = mid
    return (lo + hi) / 2


# --------------------------------------------------------------------------- lying on the back (head to the left)

SUP = HEAD_R  # the spine's line lies at the head's centre height: the head's circle rests on the floor


def supine(b: Body, *, neck: float = 180.0, head: float = 180.0) -> Body:
    return b.trunk(180.0, neck, head)


def arms_by_sides(b: Body) -> Body:
    return (
        b.arm("l", -2.0, 0.0).arm("r", -2.0, 0.0)
        if b.p["shoulder"][1] > SUP + 0.01
        else b.arm("l", 0.0, 0.0).arm("r", 0.0, 0.0)
    )


def knees_up(b: Body, ankle_x: float, side: str = "lr") -> Body:
    for s in side:
        b.reach(f"knee_{s}", f"ankle_{s}", (ankle_x, 0.039), bend=1.0 if b.p["hip"][0] < ankle_x else -1.0)
        b.go(f"foot_{s}", FLAT)
    return b


def rolled(hip_height: float, heel: float = 0.31) -> dict[str, tuple[float, float]]:
    """Lying, knees up, feet planted; the hips lifted to `hip_height` on straight shoulders that stay down."""
    shoulder = (-0.288, SUP)
    rise = hip_height - SUP
    angle = math.asin(rise / 0.288)
    hip = (shoulder[0] + 0.288 * math.cos(angle), hip_height)
    b = Body(hip=hip)
    b.trunk(180.0 - math.degrees(angle), 180.0, 180.0)
    # shoulder lands exactly where it was: rebuild the neck and head from it
    b.p["shoulder"] = shoulder
    b.go("neck", 180.0).go("head", 180.0)
    b.arm("l", 0.0, 0.0).arm("r", 0.0, 0.0)
    knees_up(b, heel)
    return b.grounded()


def lying(**kw: float) -> Body:
    return Body(hip=(0.0, SUP))


def constructive_rest() -> dict:
    return {"rest": rolled(SUP)}


def small_tilt(lift: float) -> dict:
    return {"flat": rolled(SUP), "tilted": rolled(SUP + lift)}


def knees_to_chest(thigh: float) -> dict[str, tuple[float, float]]:
    b = supine(lying())
    b.leg("l", thigh, thigh - 110, thigh - 110 + 90).leg("r", thigh, thigh - 110, thigh - 110 + 90)
    knee = b.p["knee_l"]
    b.reach("elbow_l", "hand_l", (knee[0] - 0.02, knee[1] - 0.02), bend=-1).reach(
        "elbow_r", "hand_r", (knee[0] - 0.02, knee[1] - 0.02), bend=-1
    )
    return b.grounded()


def figure_four(draw: bool) -> dict[str, tuple[float, float]]:
    b = supine(lying())
    if draw:  # the standing foot leaves the floor and both thighs come toward the chest
        b.leg("r", 105.0, 15.0, 15.0 + 90.0)
    else:
        knees_up(b, 0.31, "r")
    knee = b.p["knee_r"]
    b.reach("knee_l", "ankle_l", (knee[0] + 0.01, knee[1] + 0.05), bend=1.0)
    b.go(
        "foot_l",
        math.degrees(math.atan2(b.p["ankle_l"][1] - b.p["knee_l"][1], b.p["ankle_l"][0] - b.p["knee_l"][0]))
        + 90,
    )
    if draw:
        b.reach("elbow_l", "hand_l", knee, bend=-1).reach("elbow_r", "hand_r", knee, bend=-1)
    else:
        b.arm("l", 0.0, 0.0).arm("r", 0.0, 0.0)
    return b.grounded()


def savasana() -> dict[str, tuple[float, float]]:
    b = supine(lying())
    b.leg("l", 0.0, 0.0, 75.0).leg("r", 0.0, 0.0, 75.0).arm("l", 0.0, 0.0).arm("r", 0.0, 0.0)
    return b.grounded()


def fish() -> dict[str, tuple[float, float]]:
    b = lying()
    b.trunk(152.0)
    b.go("neck", 195.0)
    # the crown of the head rests on the floor
    neck = b.p["neck"]
    drop = max(-1.0, min(1.0, (SUP - neck[1]) / HEAD_R))
    b.go("head", 180.0 + math.degrees(math.asin(-drop)) if drop > -1 else 270.0)
    shoulder = b.p["shoulder"]
    ex = shoulder[0] + math.sqrt(max(0.0, 0.186**2 - (shoulder[1] - 0.045) ** 2))
    b.reach("elbow_l", "hand_l", (ex + 0.2, 0.045), bend=-1).reach(
        "elbow_r", "hand_r", (ex + 0.2, 0.045), bend=-1
    )
    b.leg("l", 0.0, 0.0, 75.0).leg("r", 0.0, 0.0, 75.0)
    return b.grounded()


# --------------------------------------------------------------------------- seen from above (the twists)

PLAN = {"knee": 0.245, "ankle": 0.246, "foot": 0.06}


def plan_twist(thigh: float, shank: float, *, cross: bool = False) -> dict[str, tuple[float, float]]:
    """From above, head up: arms out in a T, shoulders down; the knees fallen to the figure's left (+x)."""
    b = Body("front", hip=(0.0, 0.6), lengths=PLAN)
    b.trunk(90.0)
    b.go("shoulder_l", 0.0).go("shoulder_r", 180.0).go("hip_l", 0.0).go("hip_r", 180.0)
    b.arm("l", 0.0, 0.0)
    if (
        cross
    ):  # lying twist: the left knee drawn across to the right, the right leg long, right hand on the knee
        b.leg("r", -90.0, -90.0, -90.0)
        b.leg("l", thigh, shank, shank)
        b.reach("elbow_r", "hand_r", b.p["knee_l"], bend=1.0)
    else:
        b.arm("r", 180.0, 180.0)
        b.leg("l", thigh, shank, shank).leg("r", thigh, shank, shank)
    return b.grounded(floor=False)


# --------------------------------------------------------------------------- on the belly (head to the right)


def prone(
    *,
    trunk: float = 0.0,
    legs: float = 180.0,
    leg_l: float | None = None,
    arms: str = "pillow",
    lift_l: float = 0.0,
    lift_r: float = 0.0,
    knees: bool = False,
) -> dict[str, tuple[float, float]]:
    b = Body(hip=(0.0, SUP))
    neck = trunk + (10.0 if trunk else 0.0)
    b.trunk(trunk, neck, neck)
    if knees:  # knees bent, heels together above them (sphinx)
        b.leg("l", 180.0, 100.0, 130.0).leg("r", 180.0, 100.0, 130.0)
    else:
        b.leg(
            "l",
            leg_l if leg_l is not None else legs,
            leg_l if leg_l is not None else legs,
            (leg_l if leg_l is not None else legs),
        )
        b.leg("r", legs, legs, legs)
    if arms == "pillow":  # arms resting forward on the floor (the hands under the forehead, simplified)
        b.arm("l", -3.0, 3.0).arm("r", -3.0, 3.0)
    elif arms == "ribs":  # hands planted beside the ribs
        for s in "lr":
            b.reach(f"elbow_{s}", f"hand_{s}", (0.23, 0.0), bend=-1.0)
    elif arms == "back":  # arms long beside the body, lifted with the chest
        b.arm("l", 180.0 - trunk * 0.6, 180.0 - trunk * 0.6).arm(
            "r", 180.0 - trunk * 0.6, 180.0 - trunk * 0.6
        )
    elif arms == "forearms":
        b.arm("l", -90.0, 0.0).arm("r", -90.0, 0.0)
    elif arms == "behind-head":  # hands at the back of the head, elbows up and forward
        for s in "lr":
            hx, hy = b.p["head"]
            target = (hx - 0.03, hy + 0.04)
            options = []
            for bend in (1.0, -1.0):
                b.reach(f"elbow_{s}", f"hand_{s}", target, bend=bend)
                options.append((b.p[f"elbow_{s}"][1], bend))
            b.reach(f"elbow_{s}", f"hand_{s}", target, bend=max(options)[1])
    elif arms == "cactus":
        b.arm("l", -5.0 + lift_l, 0.0 + lift_l).arm("r", -5.0, 0.0)
    elif arms == "reach":
        b.arm("l", lift_l - 3.0, lift_l - 3.0).arm("r", -5.0, 0.0)
    return b.grounded(lying=True)


def cobra(up: bool, legs_up: bool = False) -> dict[str, tuple[float, float]]:
    trunk = 30.0 if up else 0.0
    b = Body(hip=(0.0, SUP))
    b.trunk(trunk, trunk + 10 if up else 0.0, trunk + 10 if up else 0.0)
    legs = 172.0 if legs_up else 180.0
    b.leg("l", legs, legs, legs).leg("r", legs, legs, legs)
    for s in "lr":
        b.reach(f"elbow_{s}", f"hand_{s}", (0.23, 0.0), bend=-1.0)
    return b.grounded(lying=True)


def sphinx() -> dict[str, tuple[float, float]]:
    angle = math.degrees(math.asin((0.186 + 0.03 - SUP) / 0.288))
    b = Body(hip=(0.0, SUP))
    b.trunk(angle, angle + 5, angle + 5)
    b.arm("l", -90.0, 0.0).arm("r", -90.0, 0.0)
    b.leg("l", 180.0, 105.0, 150.0).leg("r", 180.0, 105.0, 150.0)
    return b.grounded()


# --------------------------------------------------------------------------- kneeling and on hands (head to the right)


def child() -> dict[str, tuple[float, float]]:
    b = Body(hip=(0.0, 0.3))
    b.leg("l", -38.0, 180.0, 180.0).leg("r", -38.0, 180.0, 180.0)
    b.trunk(-8.0, -55.0, -75.0)
    floor = b.p["knee_l"][1]
    for s in "lr":
        b.reach(f"elbow_{s}", f"hand_{s}", (b.p["shoulder"][0] + 0.37, floor - 0.02), bend=1.0)
    return b.grounded()


def all_fours(neck: float, trunk: float = 20.0) -> dict[str, tuple[float, float]]:
    b = Body(hip=(0.0, 0.3))
    b.leg("l", -90.0, 180.0, 180.0).leg("r", -90.0, 180.0, 180.0)
    b.trunk(trunk, neck, neck)
    knee_y = b.p["knee_l"][1]
    hand_x = 0.288 * math.cos(
        math.radians(20.0)
    )  # the hands stay planted under the shoulders of the flat back
    for s in "lr":
        b.reach(f"elbow_{s}", f"hand_{s}", (hand_x, knee_y - 0.035), bend=1.0)
    return b.grounded()


def downward_dog() -> dict[str, tuple[float, float]]:
    def build(trunk: float) -> Body:
        b = Body(hip=(0.0, 0.7))
        b.leg("l", -112.0, -112.0, -10.0).leg("r", -112.0, -112.0, -10.0)
        b.trunk(trunk, trunk - 5, trunk - 5)
        b.arm("l", trunk, trunk).arm("r", trunk, trunk)
        return b

    trunk = solve(lambda t: build(t).p["hand_l"][1] - build(t).p["foot_l"][1], -70.0, -20.0)
    return build(trunk).grounded()


def upward_dog() -> dict[str, tuple[float, float]]:
    leg = 180.0 + math.degrees(
        math.asin((0.2 - 0.039) / 0.491)
    )  # straight legs, knees off the floor, feet pointed

    def build(trunk: float) -> Body:
        b = Body(hip=(0.0, 0.2))
        b.leg("l", leg, leg, 180.0).leg("r", leg, leg, 180.0)
        b.trunk(trunk, trunk + 15, trunk + 15)
        b.arm("l", -88.0, -88.0).arm("r", -88.0, -88.0)
        return b

    trunk = solve(lambda t: build(t).p["hand_l"][1] - (build(t).p["ankle_l"][1] - 0.02), 10.0, 89.0)
    return build(trunk).grounded()


def plank() -> dict[str, tuple[float, float]]:
    def build(line: float) -> Body:
        b = Body(hip=(0.0, 0.4))
        b.leg("l", 180.0 + line, 180.0 + line, -100.0).leg("r", 180.0 + line, 180.0 + line, -100.0)
        b.trunk(line)
        b.arm("l", -90.0, -90.0).arm("r", -90.0, -90.0)
        return b

    line = solve(lambda t: build(t).p["hand_l"][1] - build(t).p["foot_l"][1], 0.0, 40.0)
    return build(line).grounded()


def hero(arms: str) -> dict[str, tuple[float, float]]:
    b = Body(hip=(0.0, 0.2))
    b.leg("l", -28.0, 180.0, 180.0).leg("r", -28.0, 180.0, 180.0)
    b.trunk(90.0)
    if arms == "up":
        b.arm("l", 88.0, 90.0).arm("r", 88.0, 90.0)
    else:
        knee = b.p["knee_l"]
        for s in "lr":
            b.reach(f"elbow_{s}", f"hand_{s}", (knee[0] - 0.06, knee[1] + 0.06), bend=1.0)
    return b.grounded()


def half_lord() -> dict[str, tuple[float, float]]:
    b = Body(hip=(0.0, 0.1))
    b.trunk(92.0)
    b.leg("r", -8.0, 172.0, 180.0)  # the far leg folded on the floor, heel by the hip
    b.reach("knee_l", "ankle_l", (0.27, 0.039), bend=1.0).go("foot_l", FLAT)  # the near knee up, foot planted
    knee = b.p["knee_l"]
    b.reach("elbow_r", "hand_r", (knee[0] + 0.03, knee[1] - 0.03), bend=-1.0)  # the far arm hugs the knee
    b.reach("elbow_l", "hand_l", (-0.17, 0.02), bend=1.0)  # the near hand on the floor behind
    return b.grounded()


def front_seated(lean: float, arms_tilt: float) -> dict[str, tuple[float, float]]:
    """Seated on the heels, seen from the front: thighs foreshortened toward you, shins tucked under."""
    b = Body("front", hip=(0.0, 0.2), lengths={"knee": 0.17, "ankle": 0.08, "foot": 0.05})
    b.trunk(90.0 + lean)
    b.go("shoulder_l", lean).go("shoulder_r", 180.0 + lean).go("hip_l", 0.0).go("hip_r", 180.0)
    b.arm("l", 97.0 + arms_tilt, 100.0 + arms_tilt).arm("r", 83.0 + arms_tilt, 80.0 + arms_tilt)
    b.leg("l", -60.0, 180.0, 180.0).leg("r", -120.0, 0.0, 0.0)
    return b.grounded()


def dog_side(turn: float) -> dict[str, tuple[float, float]]:
    """From above, kneeling, hips over the knees, arms long in front; the hands walked toward +x by `turn`."""
    b = Body("front", hip=(0.0, 0.4), lengths={"knee": 0.06, "ankle": 0.246, "foot": 0.05, "shoulder": 0.27})
    b.trunk(90.0 - turn * 0.5, 90.0 - turn * 0.7, 90.0 - turn * 0.7)
    b.go("shoulder_l", -turn * 0.5).go("shoulder_r", 180.0 - turn * 0.5).go("hip_l", 0.0).go("hip_r", 180.0)
    b.arm("l", 90.0 - turn, 90.0 - turn).arm("r", 90.0 - turn, 90.0 - turn)
    b.leg("l", -90.0, -90.0, -90.0).leg("r", -90.0, -90.0, -90.0)
    return b.grounded(floor=False)


# --------------------------------------------------------------------------- standing (facing right)


def stand_legs(b: Body, thigh: float = -90.0, shank: float = -90.0) -> Body:
    return b.leg("l", thigh, shank).leg("r", thigh, shank)


def lunge(
    kneel: bool, thigh: float, trunk: float, arms: tuple[float, float] | str, front_straight: bool = False
) -> dict[str, tuple[float, float]]:
    """The front (near, left) foot planted at x = 0.36. Kneeling: the back knee down at x = -0.02 and the hip
    on the back thigh's circle at `thigh` degrees; standing: the hip at (0, 0.55), the back leg long to its toes."""
    if kneel:
        knee = (-0.02, 0.05)
        hip = (
            knee[0] - 0.245 * math.cos(math.radians(thigh + 180.0)),
            knee[1] - 0.245 * math.sin(math.radians(thigh + 180.0)),
        )
        b = Body(hip=hip)
        b.go("knee_r", thigh + 180.0).go("ankle_r", 180.0).go("foot_r", 180.0)
    else:
        b = Body(hip=(0.0, 0.55))
        b.leg("r", -150.0, -150.0, -100.0)
    if front_straight:  # the front leg long, heel down, toes up (half split)
        b.reach("knee_l", "ankle_l", (0.36, 0.039), bend=1.0).go("foot_l", 70.0)
    else:
        b.reach("knee_l", "ankle_l", (0.36 if kneel else 0.45, 0.039), bend=1.0).go("foot_l", FLAT)
    b.trunk(trunk, trunk, trunk)
    if arms == "knee":
        knee_l = b.p["knee_l"]
        b.reach("elbow_l", "hand_l", (knee_l[0] - 0.02, knee_l[1] + 0.02), bend=-1.0)
        b.reach("elbow_r", "hand_r", (knee_l[0] - 0.04, knee_l[1] + 0.01), bend=-1.0)
    elif arms == "floor":
        b.reach("elbow_l", "hand_l", (b.p["shoulder"][0] + 0.05, 0.0), bend=1.0)
        b.reach("elbow_r", "hand_r", (b.p["shoulder"][0] + 0.07, 0.0), bend=1.0)
    else:
        assert isinstance(arms, tuple)
        b.arm("l", *arms).arm("r", *arms)
    return b.grounded()


def standing_fold(trunk: float, knees: float, hands: str) -> dict[str, tuple[float, float]]:
    b = Body()
    thigh = -90.0 + knees
    b.leg("l", thigh, -90.0 - knees * 0.3).leg("r", thigh, -90.0 - knees * 0.3)
    b.trunk(trunk, trunk - 10 if trunk > -40 else -80.0, trunk - 15 if trunk > -40 else -90.0)
    if hands == "shins":
        for s in "lr":
            knee, ankle = b.p[f"knee_{s}"], b.p[f"ankle_{s}"]
            b.reach(
                f"elbow_{s}",
                f"hand_{s}",
                ((knee[0] + ankle[0]) / 2 + 0.03, (knee[1] + ankle[1]) / 2),
                bend=1.0,
            )
    else:  # hanging, hands holding the legs just above the ankles, elbows bent forward
        for s in "lr":
            ankle = b.p[f"ankle_{s}"]
            target = (ankle[0] + 0.05, ankle[1] + 0.1)
            options = []
            for bend in (1.0, -1.0):
                b.reach(f"elbow_{s}", f"hand_{s}", target, bend=bend)
                options.append((b.p[f"elbow_{s}"][0], bend))
            b.reach(f"elbow_{s}", f"hand_{s}", target, bend=max(options)[1])
    return b.grounded()


def chair_pose(
    trunk: float, arms: str, knees: float = 0.0, heels_up: bool = False
) -> dict[str, tuple[float, float]]:
    b = Body()
    if heels_up:
        b.leg("l", -92.0, -94.0, -50.0).leg("r", -92.0, -94.0, -50.0)
    elif knees:
        # hips back over planted feet: thigh forward-down, shank back-down
        b.leg("l", -90.0 + knees, -90.0 - knees * 0.75, 8.0).leg(
            "r", -90.0 + knees, -90.0 - knees * 0.75, 8.0
        )
    b.trunk(trunk, trunk, trunk)
    if arms == "up":
        b.arm("l", trunk + 5, trunk + 5).arm("r", trunk + 5, trunk + 5)
    else:  # hands behind the head, elbows forward
        for s in "lr":
            hx, hy = b.p["head"]
            b.reach(f"elbow_{s}", f"hand_{s}", (hx - 0.06, hy - 0.01), bend=1.0)
    return b.grounded()


def front_chair(twist: float) -> dict[str, tuple[float, float]]:
    """Knees bent, seen from the front: thighs foreshortened; hands together at the chest; the shoulders turned."""
    b = Body("front", hip=(0.0, 0.42), lengths={"knee": 0.16, "shoulder": 0.26})
    b.trunk(90.0 + twist * 0.3, 90.0, 90.0)
    b.go("shoulder_l", -twist).go("shoulder_r", 180.0 - twist).go("hip_l", 0.0).go("hip_r", 180.0)
    centre = b.p["shoulder"]
    for s in "lr":
        b.reach(f"elbow_{s}", f"hand_{s}", (centre[0], centre[1] - 0.1), bend=1.0 if s == "l" else -1.0)
    b.leg("l", -80.0, -95.0, -10.0).leg("r", -100.0, -85.0, -170.0)
    return b.grounded()


def triangle() -> dict[str, tuple[float, float]]:
    b = Body("front", lengths={"foot": 0.07})
    b.go("hip_l", -5.0).go("hip_r", 175.0)
    b.leg("l", -62.0, -62.0, 0.0).leg("r", -118.0, -118.0, 200.0)
    b.trunk(18.0, 18.0, 25.0)
    b.go("shoulder_l", -72.0).go("shoulder_r", 108.0)
    b.arm("l", -80.0, -80.0).arm("r", 100.0, 100.0)
    return b.grounded()


def handstand() -> dict[str, tuple[float, float]]:
    b = Body(hip=(0.0, 1.0))
    b.trunk(-90.0, -90.0, -90.0)
    b.arm("l", -80.0, -80.0).arm("r", -80.0, -80.0)
    b.leg("l", 90.0, 90.0, 100.0).leg("r", 90.0, 90.0, 100.0)
    return b.grounded()


FIGURES: dict[str, tuple[str, bool, dict]] = {}  # id -> (view, floor, keyframes)


def figure(pose_id: str, view: str = "side", floor: bool = True):
    def register(fn):
        FIGURES[pose_id] = (view, floor, fn())
        return fn

    return register


F = FIGURES
F["constructive-rest"] = ("side", True, constructive_rest())
F["hip-rocks"] = ("side", True, small_tilt(0.04))
F["pelvic-tilt"] = ("side", True, small_tilt(0.03))
F["back-roll"] = ("side", True, {"floor": rolled(SUP), "up": rolled(0.16)})
F["bridge"] = ("side", True, {"floor": rolled(SUP), "top": rolled(0.21)})
F["knees-to-chest"] = ("side", True, {"hug": knees_to_chest(115.0), "closer": knees_to_chest(135.0)})
F["figure-four"] = ("side", True, {"cross": figure_four(False), "draw-in": figure_four(True)})
F["two-knee-twist"] = ("front", False, {"twist": plan_twist(-35.0, -125.0)})
F["lying-twist"] = ("front", False, {"twist": plan_twist(-150.0, -60.0, cross=True)})
F["half-revolved-belly"] = ("front", False, {"twist": plan_twist(30.0, -70.0)})
F["fish"] = ("side", True, {"fish": fish()})
F["savasana"] = ("side", True, {"rest": savasana()})
F["child"] = ("side", True, {"rest": child()})
F["cat-cow"] = ("side", True, {"cow": all_fours(45.0, 14.0), "cat": all_fours(-70.0, 27.0)})
F["downward-dog"] = ("side", True, {"dog": downward_dog()})
F["upward-dog"] = ("side", True, {"dog": upward_dog()})
F["plank"] = ("side", True, {"plank": plank()})
F["cobra"] = ("side", True, {"down": cobra(False), "up": cobra(True)})
F["sphinx"] = ("side", True, {"sphinx": sphinx()})
F["locust"] = ("side", True, {"down": prone(arms="back"), "up": prone(trunk=14.0, legs=168.0, arms="back")})
F["belly-lift"] = ("side", True, {"rest": prone()})
F["prone-leg-lifts"] = ("side", True, {"down": prone(), "leg-up": prone(leg_l=166.0)})
F["cactus-lifts"] = (
    "side",
    True,
    {"down": prone(arms="cactus"), "lifted": prone(arms="cactus", lift_l=20.0, leg_l=166.0)},
)
F["prone-opposite-reach"] = (
    "side",
    True,
    {"down": prone(arms="reach"), "reach": prone(arms="reach", lift_l=20.0, leg_l=166.0)},
)
F["crocodile-lift"] = (
    "side",
    True,
    {"down": prone(arms="behind-head"), "up": prone(trunk=14.0, legs=170.0, arms="behind-head")},
)
F["cobra-leg-lift"] = ("side", True, {"cobra": cobra(True), "legs-up": cobra(True, legs_up=True)})
F["dog-side-stretch"] = ("front", False, {"centre": dog_side(0.0), "side": dog_side(30.0)})
F["hero"] = ("side", True, {"sit": hero("thighs")})
F["seated-arms-up"] = ("side", True, {"sit": hero("thighs"), "arms-up": hero("up")})
F["seated-twist-arms-up"] = (
    "front",
    True,
    {"arms-up": front_seated(0.0, 0.0), "turn": front_seated(6.0, -12.0)},
)
F["half-lord-of-fishes"] = ("side", True, {"twist": half_lord()})
F["low-lunge"] = ("side", True, {"lunge": lunge(True, 50.0, 80.0, "knee")})
F["half-split"] = (
    "side",
    True,
    {
        "lunge": lunge(True, 50.0, 80.0, "knee"),
        "split": lunge(True, 92.0, 30.0, "floor", front_straight=True),
    },
)
F["lunge-arm-lifts"] = (
    "side",
    True,
    {"fingertips": lunge(False, 0.0, 8.0, "floor"), "forward": lunge(False, 0.0, 8.0, (8.0, 8.0))},
)
F["half-forward-fold"] = ("side", True, {"half": standing_fold(0.0, 0.0, "shins")})
F["standing-forward-fold"] = ("side", True, {"fold": standing_fold(-68.0, 6.0, "hang")})
F["chair-heel-lift"] = (
    "side",
    True,
    {"chair": chair_pose(55.0, "head", knees=45.0), "heels-up": chair_pose(90.0, "head", heels_up=True)},
)
F["chair-twist"] = ("front", True, {"chair": front_chair(0.0), "twist": front_chair(25.0)})
F["chair"] = ("side", True, {"chair": chair_pose(60.0, "up", knees=50.0)})
F["triangle"] = ("front", True, {"triangle": triangle()})
F["handstand"] = ("side", True, {"handstand": handstand()})


# --------------------------------------------------------------------------- writing the TOML


def _num(v: float) -> str:
    text = f"{v:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def figure_lines(view: str, floor: bool, keyframes: dict) -> list[str]:
    bones = SIDE_BONES if view == "side" else FRONT_BONES
    lines = [f'figure.view = "{view}"']
    if not floor:
        lines.append("figure.floor = false")
    lines.append("figure.bones = [" + ", ".join(f'["{a}", "{b}"]' for a, b in bones) + "]")
    for name, points in keyframes.items():
        inner = ", ".join(f"{j} = [{_num(x)}, {_num(y)}]" for j, (x, y) in points.items())
        lines.append(f"figure.keyframes.{name} = {{ {inner} }}")
    return lines


def rewrite(path: Path) -> int:
    text = path.read_text()
    blocks = re.split(r"(?m)^(?=\[\[pose\]\]\s*$)", text)
    out, done = [], 0
    for block in blocks:
        match = re.search(r'(?m)^id = "([^"]+)"', block)
        if not block.startswith("[[pose]]") or not match:
            out.append(block)
            continue
        kept = [line for line in block.rstrip("\n").split("\n") if not line.startswith("figure.")]
        while kept and not kept[-1].strip():
            kept.pop()
        pose_id = match.group(1)
        if pose_id in FIGURES:
            kept += figure_lines(*FIGURES[pose_id])
            done += 1
        out.append("\n".join(kept) + "\n\n")
    path.write_text("".join(out).rstrip("\n") + "\n")
    return done


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("content/poses")
    total = sum(rewrite(p) for p in sorted(root.glob("*.toml")))
    print(f"{total} figures written ({len(FIGURES)} authored)")


if __name__ == "__main__":
    main()
