"""The content format's limits and keys (content/FORMAT.md): one place for what a file may hold."""

from __future__ import annotations

import re

from tracker.model import (
    StepKind,
)

MAX_FILE_BYTES = 1024 * 1024  # larger files are refused unread
MAX_STEPS = 200

# Limits from FORMAT.md: (low, high), inclusive.
REPS = (1, 100)
COUNTS_PER_MOVE = (1, 20)  # raise / lower
HOLD_LIMITS: dict[str, tuple[int, int]] = {"counts": (1, 600), "breaths": (1, 100), "seconds": (1, 1800)}
DURATION = (1, 3600)
STEP_REPEATS = (1, 20)
ROUTINE_REPEATS = (1, 10)
REST_BETWEEN = (0, 600)  # seconds between the reps of a hold step

BINDINGS = {"$lifts": "lifts", "$count": "count", "$hold": "hold"}
# TOML key -> Step field name, for the fields a program step may bind.
BINDABLE = {"reps": "reps", "raise": "raise_counts", "lower": "lower_counts", "hold": "hold"}

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ANSWER_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

POSE_KEYS = (
    "id", "name", "sanskrit", "cues", "props", "modifications", "cautions",
    "muscles", "sided", "advanced", "source", "figure",
)  # fmt: skip
ROUTINE_KEYS = (
    "id", "name", "summary", "source", "props", "cautions", "repeats", "tags", "next", "steps",
    "format", "first_side", "room", "notes",
)  # fmt: skip
PROGRAM_KEYS = (
    "id",
    "name",
    "summary",
    "source",
    "next",
    "next_poses",
    "props",
    "cautions",
    "rules",
    "steps",
)
STEP_COMMON = ("pose", "kind", "cue", "title", "optional")
STEP_KEYS: dict[StepKind, tuple[str, ...]] = {
    StepKind.REPS: STEP_COMMON
    + ("reps", "raise", "lower", "hold", "sides", "tighter_extra", "repeats", "first_side", "sequence"),
    StepKind.HOLD: STEP_COMMON
    + (
        "hold",
        "reps",
        "rest_between",
        "sides",
        "tighter_extra",
        "repeats",
        "first_side",
        "sequence",
        "stages",
    ),
    StepKind.FLOW: STEP_COMMON + ("duration", "sides", "repeats", "first_side", "sequence"),
    StepKind.REST: STEP_COMMON + ("duration", "repeats"),
    StepKind.OBSERVE: STEP_COMMON + ("question", "choices", "key"),
}
ALL_STEP_KEYS = tuple(dict.fromkeys(k for keys in STEP_KEYS.values() for k in keys)) + ("pose_if_hold",)


# Format v2 (content/FORMAT.md): versions, props, staged cues.
FORMATS = (1, 2)
PROP_COUNT = (1, 10)
PROP_KEYS = ("id", "count", "optional")
STAGE_KEYS = ("after", "cue")
MAX_STAGES = 10
ALTERNATING_KINDS = (StepKind.REPS, StepKind.HOLD)


# Figures (content/FORMAT.md "Figures"): coordinates in standing heights, y up, the floor at y = 0.
FIGURE_KEYS = ("view", "floor", "bones", "keyframes")
MAX_KEYFRAMES = 8
COORDINATE = (-3.0, 3.0)
BONE_TOLERANCE = 0.03  # a bone's length in any keyframe, as a fraction of its length in the first
