"""Figure validation (content/FORMAT.md "Figures"): a pose's view, bones and keyframes, with file/line/field errors.

A function over the field checkers of tracker.content.checks, like reader_v2:
every problem is recorded with its line and field path (`pose[3].figure.keyframes.top.knee_l`).
"""

from __future__ import annotations

import math
import re
from typing import TypedDict

from tracker.content.checks import FileReader, Invalid
from tracker.content.format import BONE_TOLERANCE, COORDINATE, FIGURE_KEYS, MAX_KEYFRAMES
from tracker.content.locate import find_line
from tracker.model.figure import HEAD_RADIUS, JOINTS, VIEWS, Figure, Keyframe

KEYFRAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
BELOW = 0.005  # how far below the floor a point may stand (rounding in a hand-written file)


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _line(reader: FileReader, where: str, key: str) -> int | None:
    """The line of `figure.<key>` inside the pose table at `where` (a dotted key, the usual way to write it)."""
    try:
        start = find_line(reader.text, where)
    except Exception:
        return None
    if start is None:
        return None
    lines = reader.text.splitlines()
    pattern = re.compile(
        r"^\s*figure\s*\.\s*" + r"\s*\.\s*".join(map(re.escape, key.split("."))) + r"\s*[=.]"
    )
    loose = re.compile(r"^\s*figure\s*[=.]")
    fallback = None
    for number in range(start + 1, len(lines) + 1):
        text = lines[number - 1]
        if number > start and re.match(r"^\s*\[", text):
            break
        if pattern.match(text):
            return number
        if fallback is None and loose.match(text):
            fallback = number
    return fallback or start


def figure(reader: FileReader, raw: object, where: str) -> Figure:
    """Validate and build one pose's figure; raise Invalid after recording the problems."""
    path = f"{where}.figure"

    def fail(field: str, key: str, message: str) -> Invalid:
        return reader.error(
            f"{path}.{field}" if field else path, message, line=_line(reader, where, key or "view")
        )

    if not isinstance(raw, dict):
        raise fail(
            "", "", f"expected a table (figure.view, figure.bones, figure.keyframes.NAME), got {_show(raw)}"
        )
    for key in raw:
        if key not in FIGURE_KEYS:
            raise fail(key, key, f"unknown key; allowed keys: {', '.join(FIGURE_KEYS)}")
    view = raw.get("view")
    if view not in VIEWS:
        raise fail("view", "view", f"expected one of {', '.join(VIEWS)}, got {_show(view)}")
    floor = raw.get("floor", True)
    if not isinstance(floor, bool):
        raise fail("floor", "floor", f"expected true or false, got {_show(floor)}")
    allowed = JOINTS[view]
    bones = raw.get("bones")
    if not isinstance(bones, list) or not bones:
        raise fail(
            "bones",
            "bones",
            'expected an array of [parent, child] joint pairs like [["hip", "shoulder"], ...]',
        )
    pairs: list[tuple[str, str]] = []
    parent: dict[str, str] = {}
    for i, bone in enumerate(bones):
        if not (isinstance(bone, list) and len(bone) == 2 and all(isinstance(j, str) for j in bone)):
            raise fail(
                f"bones[{i}]", "bones", f"expected [parent, child], two joint names, got {_show(bone)}"
            )
        for joint in bone:
            if joint not in allowed:
                raise fail(
                    f"bones[{i}]",
                    "bones",
                    f"unknown joint {joint!r} for a {view} view; joints: {', '.join(allowed)}",
                )
        a, b = bone
        if a == b:
            raise fail(f"bones[{i}]", "bones", f"a bone joins two joints, got {a!r} twice")
        if b in parent:
            raise fail(
                f"bones[{i}]",
                "bones",
                f"joint {b!r} already hangs from {parent[b]!r}: each joint has one parent",
            )
        parent[b] = a
        pairs.append((a, b))
    joints = tuple(dict.fromkeys(j for pair in pairs for j in pair))
    roots = [j for j in joints if j not in parent]
    if len(roots) != 1:
        raise fail(
            "bones",
            "bones",
            f"expected one body, joined from one root joint; got {len(roots) or 'no'} roots ({', '.join(roots) or 'a loop'})",
        )
    for joint in joints:  # every joint reaches the root without a loop
        seen, at = set(), joint
        while at in parent:
            if at in seen:
                raise fail("bones", "bones", f"the bones loop back through {at!r}")
            seen.add(at)
            at = parent[at]
    if "head" not in joints:
        raise fail("bones", "bones", "expected a bone to the 'head' joint (the head is drawn around it)")

    frames_raw = raw.get("keyframes")
    if not isinstance(frames_raw, dict) or not frames_raw:
        raise fail(
            "keyframes",
            "keyframes",
            "expected at least one keyframe: figure.keyframes.NAME = { joint = [x, y], ... }",
        )
    if len(frames_raw) > MAX_KEYFRAMES:
        raise fail(
            "keyframes", "keyframes", f"too many keyframes: at most {MAX_KEYFRAMES}, got {len(frames_raw)}"
        )
    keyframes: list[Keyframe] = []
    first: dict[tuple[str, str], float] = {}
    problems = len(reader.errors)
    low, high = COORDINATE
    for name, points in frames_raw.items():
        kpath, key = f"keyframes.{name}", f"keyframes.{name}"
        try:
            if not KEYFRAME_RE.match(name):
                raise fail(kpath, key, f"expected a short lowercase keyframe name like 'top', got {name!r}")
            if not isinstance(points, dict):
                raise fail(kpath, key, f"expected a table {{ joint = [x, y], ... }}, got {_show(points)}")
            for joint in points:
                if joint not in joints:
                    raise fail(
                        f"{kpath}.{joint}", key, f"not a joint of the bones; joints: {', '.join(joints)}"
                    )
            missing = [j for j in joints if j not in points]
            if missing:
                raise fail(kpath, key, f"missing joint(s): {', '.join(missing)}")
            placed: dict[str, tuple[float, float]] = {}
            for joint in joints:
                value = points[joint]
                if not (
                    isinstance(value, list)
                    and len(value) == 2
                    and all(
                        isinstance(v, (int, float))
                        and not isinstance(v, bool)
                        and math.isfinite(v)
                        and low <= v <= high
                        for v in value
                    )
                ):
                    raise fail(
                        f"{kpath}.{joint}",
                        key,
                        f"expected [x, y], two numbers from {low} to {high}, got {_show(value)}",
                    )
                placed[joint] = (float(value[0]), float(value[1]))
            for a, b in pairs:
                length = math.dist(placed[a], placed[b])
                if not first:
                    if length <= 0:
                        raise fail(f"{kpath}.{b}", key, f"bone {a}-{b} has no length: {b} stands on {a}")
                elif abs(length - first[(a, b)]) > BONE_TOLERANCE * first[(a, b)]:
                    raise fail(
                        f"{kpath}.{b}", key,
                        f"bone {a}-{b} is {length:.3f} long here but {first[(a, b)]:.3f} in the first keyframe "
                        f"({keyframes[0].name}): bones keep their length within {BONE_TOLERANCE:.0%}",
                    )  # fmt: skip
            if floor:
                lowest = min(min(y for _, y in placed.values()), placed["head"][1] - HEAD_RADIUS)
                if lowest < -BELOW:
                    below = min(placed, key=lambda j: placed[j][1] - (HEAD_RADIUS if j == "head" else 0.0))
                    raise fail(
                        f"{kpath}.{below}",
                        key,
                        f"goes below the floor (y = {lowest:.3f}); the floor is y = 0",
                    )
            if not first:
                first = {(a, b): math.dist(placed[a], placed[b]) for a, b in pairs}
            keyframes.append(Keyframe(name, tuple((j, *placed[j]) for j in joints)))
        except Invalid:
            continue
    if len(reader.errors) > problems:
        raise Invalid(path)
    return Figure(view, tuple(pairs), tuple(keyframes), floor)


class FigureJson(TypedDict):
    view: str
    floor: bool
    bones: list[list[str]]
    keyframes: dict[str, dict[str, list[float]]]


def as_dict(fig: Figure) -> FigureJson:
    """The figure as `poses --json` gives it (README "backroll poses")."""
    return {
        "view": fig.view,
        "floor": fig.floor,
        "bones": [list(bone) for bone in fig.bones],
        "keyframes": {k.name: {j: [x, y] for j, x, y in k.joints} for k in fig.keyframes},
    }
